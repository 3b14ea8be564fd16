"""Shared fixtures: a real local publisher server, a fast polite HTTP client, paths."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent / "support"))

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


POSTGRES_URL = os.environ.get("MONITOR_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database dropped after."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("MONITOR_TEST_POSTGRES_URL is not set (CI sets it)")
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"monitor_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
