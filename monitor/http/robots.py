"""robots.txt for the HTTP client: where it is, how long a copy stays fresh, and reading it.

A copy is kept in the client's HttpCache with its validators and the wall-clock time it was
fetched, so a pass started within its freshness lifetime (Cache-Control max-age, at most and
by default 24 hours, as RFC 9309 suggests) asks the publisher nothing, and a later one asks
conditionally.
"""

from __future__ import annotations

import re
import time
import urllib.robotparser
from collections.abc import Mapping
from urllib.parse import urlsplit

import requests

from monitor.http.types import CachedResponse

#: robots.txt is re-read after this many seconds (RFC 9309 suggests caching up to a day)
ROBOTS_TTL = 24 * 3600.0
#: RFC 9309 asks crawlers to parse at least 500 KiB; more than that is read no further
ROBOTS_MAX_BYTES = 512 * 1024
_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d+)", re.I)
_NO_STORE = re.compile(r"(?:^|,)\s*(no-store|no-cache)\b", re.I)


def robots_url(url: str) -> str:
    """The robots.txt address for the host of `url`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def freshness_lifetime(headers: Mapping[str, str]) -> float:
    """Seconds a robots.txt answer may be used without asking again: its max-age, capped at
    (and defaulting to) ROBOTS_TTL; no-store/no-cache mean zero."""
    control = headers.get("Cache-Control") or ""
    if _NO_STORE.search(control):
        return 0.0
    match = _MAX_AGE.search(control)
    if match:
        return min(float(match.group(1)), ROBOTS_TTL)
    return ROBOTS_TTL


def is_fresh(entry: CachedResponse | None, now: float | None = None) -> bool:
    """Whether a cached robots.txt can answer without a request."""
    if entry is None or entry.body is None or entry.max_age is None or entry.stored_at is None:
        return False
    age = (time.time() if now is None else now) - entry.stored_at
    return 0 <= age < entry.max_age


def parse(url: str, status: int, body: bytes) -> urllib.robotparser.RobotFileParser:
    """A parser for an answer: 401/403 disallow everything (the publisher refusing scripts,
    reported as blocked), other errors allow everything (RFC 9309 "unavailable")."""
    parser = urllib.robotparser.RobotFileParser(url)
    if status in (401, 403):
        parser.disallow_all = True
    elif status >= 400:
        parser.allow_all = True
    else:
        parser.parse(body.decode("utf-8", errors="replace").splitlines())
    return parser


def allow_all(url: str) -> urllib.robotparser.RobotFileParser:
    """A parser that allows every URL (robots.txt unreachable)."""
    parser = urllib.robotparser.RobotFileParser(url)
    parser.allow_all = True
    return parser


def read_capped(resp: requests.Response) -> bytes:
    """At most ROBOTS_MAX_BYTES of the body, so a hostile robots.txt cannot exhaust memory."""
    return resp.raw.read(ROBOTS_MAX_BYTES, decode_content=True) or b""


def cache_entry(resp: requests.Response, body: bytes, now: float | None = None) -> CachedResponse | None:
    """What to keep of a robots.txt answer: 2xx bodies and 404-like "no robots.txt" (as an
    empty file, which allows everything); never a refusal, which must be asked again."""
    status = resp.status_code
    if status in (401, 403) or status in (429,) or status >= 500:
        return None
    kept = body if status < 400 else b""
    return CachedResponse(
        resp.headers.get("ETag") if status < 400 else None,
        resp.headers.get("Last-Modified") if status < 400 else None,
        kept,
        "text/plain",
        stored_at=time.time() if now is None else now,
        max_age=freshness_lifetime(resp.headers),
    )
