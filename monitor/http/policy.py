"""The HTTP client's rules that need no connection: which URLs it may ask for, how long it
waits before a retry, and what it says when it gives up (monitor/http/client.py applies them)."""

from __future__ import annotations

import re
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests

from monitor.errors import FetchError


def check_url(url: str, allowed: frozenset[str]) -> None:
    """Raise FetchError unless `url` is http(s) with a host in `allowed` (empty: any host)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(url, f"refusing scheme {parts.scheme!r}: only http and https are fetched")
    host = (parts.hostname or "").lower()
    if not host:
        raise FetchError(url, "no host in URL")
    if allowed and host not in allowed:
        raise FetchError(url, f"host {host!r} is not in this source's allowed_hosts ({', '.join(sorted(allowed))})")


def retry_delay(backoff: float, attempt: int, response: requests.Response | None) -> float:
    """Seconds before the next attempt: exponential backoff, or the server's Retry-After."""
    delay = backoff * (2**attempt)
    if response is not None and (value := response.headers.get("Retry-After")):
        value = value.strip()
        if value.isdigit():
            delay = float(value)
        else:
            try:
                delay = parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError):
                pass
    return max(0.0, delay)


def gave_up(url: str, last_error: str, attempts_made: int) -> FetchError:
    """The error for a request that failed every attempt; 429 gets advice of its own."""
    status = None
    match = re.match(r"HTTP (\d{3})", last_error)
    if match:
        status = int(match.group(1))
    attempts = f"gave up after {attempts_made} attempts"
    if status == 429:
        return FetchError(
            url,
            f"rate limited: the publisher kept answering HTTP 429 Too Many Requests ({last_error}; {attempts}); "
            "raise per_host_delay or check less often",
            status,
        )
    return FetchError(url, f"{last_error} ({attempts})", status)
