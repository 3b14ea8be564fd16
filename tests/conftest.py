"""Shared fixtures: a real local publisher server, a fast polite HTTP client, paths."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from publisher_server import PublisherServer  # noqa: E402

from monitor.http.client import HttpClient, HttpSettings  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


@pytest.fixture
def server():
    """A real HTTP server on 127.0.0.1 playing the publisher."""
    with PublisherServer() as srv:
        yield srv


@pytest.fixture
def http():
    """The real HTTP client with no delay or backoff, so tests run fast."""
    return HttpClient(HttpSettings(per_host_delay=0.0, retry_backoff=0.01, timeout=5, connect_timeout=2, retries=2))


@pytest.fixture
def shared_fixtures() -> Path:
    """../shared/fixtures, or skip when this checkout has none beside it."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip("../shared/fixtures is not present beside this checkout")
    return SHARED_FIXTURES
