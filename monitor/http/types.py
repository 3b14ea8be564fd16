"""The HTTP client's settings and the shapes it hands out: answers, cache entries, records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # config.py reads the settings from here without importing requests
    from requests.structures import CaseInsensitiveDict

from monitor import __version__
from monitor.errors import FetchError

DEFAULT_USER_AGENT = (
    f"report-monitor/{__version__} (+https://github.com/report-monitor/report-monitor; "
    "watchdog monitoring of public reports; set settings.user_agent to add your contact)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass
class HttpSettings:
    """How the client behaves; built from sources.yaml `settings`."""

    user_agent: str = DEFAULT_USER_AGENT
    per_host_delay: float = 5.0
    timeout: float = 30.0
    connect_timeout: float = 10.0
    max_download_bytes: int = 100 * 1024 * 1024
    #: a whole response must arrive within this many seconds (a server dribbling a byte a
    #: second never trips the per-read timeout)
    download_deadline: float = 600.0
    retries: int = 3
    retry_backoff: float = 2.0
    max_retry_after: float = 300.0
    respect_robots: bool = True
    max_redirects: int = 5


@dataclass
class CachedResponse:
    """What the cache remembers of a URL: validators and, for listings, the body."""

    etag: str | None
    last_modified: str | None
    body: bytes | None = None
    content_type: str = ""
    #: wall-clock time (epoch seconds) of the answer, and for how long it may be used without
    #: asking again; only robots.txt copies carry a lifetime
    stored_at: float | None = None
    max_age: float | None = None


class HttpCache(Protocol):
    """Persistence for conditional requests (the store implements it)."""

    def lookup(self, url: str) -> CachedResponse | None: ...

    def remember(self, url: str, entry: CachedResponse) -> None: ...


@dataclass
class Response:
    """A finished response. Either `content` holds the body, or `path` names the file it was
    streamed to (downloads). `not_modified` is True for a 304 with no cached body."""

    url: str
    status: int
    headers: CaseInsensitiveDict
    content: bytes = b""
    path: Path | None = None
    size: int = 0
    sha256: str = ""
    not_modified: bool = False
    from_cache: bool = False

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def etag(self) -> str | None:
        return self.headers.get("ETag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("Last-Modified")

    @property
    def text(self) -> str:
        """The body decoded with the declared charset, UTF-8 by default, never failing."""
        body = self.content if self.path is None else self.path.read_bytes()
        match = re.search(r"charset=([\w.-]+)", self.headers.get("Content-Type") or "", re.I)
        encoding = match.group(1) if match else "utf-8"
        try:
            return body.decode(encoding, errors="replace")
        except LookupError:
            return body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        import json

        try:
            return json.loads(self.text)
        except ValueError as exc:
            raise FetchError(self.url, f"expected JSON, got {self.content_type or 'unknown type'}: {exc}") from exc


@dataclass
class RequestRecord:
    """One request as it went out, for status output, tests and benchmarks."""

    url: str
    status: int | None
    started: float
    bytes: int = 0
    conditional: bool = False
