"""What every command shares: exit statuses, `UsageError`, loading the configuration,
opening the store, and printing tables and JSON.

This module imports no command module, and the daemon and `ops/` may import it: it is the
bottom of the `monitor.cli` package. Heavy modules (config, store) are imported inside the
functions so `monitor --help` stays quick.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from monitor.errors import MonitorError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: another monitor holds the data directory (EX_TEMPFAIL): try again later, nothing failed
EXIT_BUSY = 75


class UsageError(MonitorError):
    """Bad arguments: exit status 2."""


def load_config_for(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The `Config` named by `--config` (or the default sources.yaml / $MONITOR_CONFIG)."""
    from monitor.config import load_config

    return load_config(getattr(args, "config", None))


def open_store(config):  # type: ignore[no-untyped-def]
    """The `Store` of a configuration (migrated to the newest schema); close it after."""
    from monitor.store import Store

    return Store(config.database_url, config.data_dir)


@contextmanager
def open_session(args: argparse.Namespace) -> Iterator[tuple[Any, Any, Any]]:
    """(config, store, session) for a read-mostly command; the store is closed after."""
    config = load_config_for(args)
    store = open_store(config)
    try:
        with store.session() as session:
            yield config, store, session
    finally:
        store.close()


def print_json(data: Any) -> None:
    """Print `data` as indented JSON (dates and other objects as their str())."""
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def iso(value: datetime | date | None) -> str | None:
    """A stored (naive UTC) time as ISO 8601 with a Z, a date as YYYY-MM-DD, None as None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    return value.isoformat()


def parse_when(text: str) -> datetime:
    """`--since`: a date (midnight) or an ISO timestamp, as naive UTC."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time())
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        # stored times are UTC: convert an offset rather than drop it
        return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when
    except ValueError:
        raise UsageError(f"--since: expected a date like 2026-01-31 or an ISO timestamp, got {text!r}") from None


def table(rows: list[list[str]], headers: list[str]) -> str:
    """A plain-text table: columns padded to their widest cell, a rule under the headers."""
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)) for row in rows]
    return "\n".join(out)


def today_override() -> date | None:
    """MONITOR_TODAY (YYYY-MM-DD) fixes "today" for date-windowed sources (tests, replays)."""
    import os

    value = os.environ.get("MONITOR_TODAY")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"MONITOR_TODAY: expected YYYY-MM-DD, got {value!r}") from None


def council_code(text: str | None) -> str | None:
    """`--council NAME_OR_CODE` as the registry's code (None when not given); UsageError with
    the closest names when the registry knows no such council."""
    if not text:
        return None
    from monitor.registry import CouncilNotFound, find

    try:
        return find(text).code
    except CouncilNotFound as exc:
        raise UsageError(f"--council: {exc}") from None


def redact_url(url: str) -> str:
    """A database URL with its password replaced by ***, fit to print."""
    import re

    return re.sub(r"://([^:/@]+):[^@]+@", r"://\1:***@", url)


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value
