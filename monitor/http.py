"""The one HTTP client: the only code in the monitor that touches the network.

It identifies itself, keeps at least `per_host_delay` seconds between requests to one host
(sources on different hosts run in parallel), honours robots.txt, retries with exponential
backoff on 429/5xx/connection errors (respecting Retry-After), makes conditional requests
from remembered ETag/Last-Modified, streams downloads under a size cap and an overall
deadline, and refuses any scheme but http/https and any host outside a source's allow-list,
redirects included.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.structures import CaseInsensitiveDict

from monitor import __version__
from monitor.errors import BlockedError, FetchError

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = (
    f"report-monitor/{__version__} (+https://github.com/report-monitor/report-monitor; "
    "watchdog monitoring of public reports; set settings.user_agent to add your contact)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# A challenge or block page is recognised by its <title> or by markers only such pages carry.
# Deliberately not "captcha" or "challenge-platform" anywhere in the page: ordinary pages
# carry reCAPTCHA forms (the Ombudsman's complaint form) and Cloudflare injects its
# /cdn-cgi/challenge-platform/ script into normal pages, so those would turn real listings
# into false "blocked" reports.
_CHALLENGE_TITLES = (
    "just a moment",
    "attention required! | cloudflare",
    "access denied",
    "are you a robot",
    "verify you are human",
    "captcha",
    "pardon our interruption",
    "request rejected",
    "ddos-guard",
)
_CHALLENGE_MARKERS = (
    "cf-chl-",
    "_cf_chl_opt",
    "request unsuccessful. incapsula incident id",
    'id="px-captcha"',
)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
#: robots.txt is re-read after this many seconds (RFC 9309 suggests caching up to a day)
ROBOTS_TTL = 24 * 3600.0
#: RFC 9309 asks crawlers to parse at least 500 KiB; more than that is read no further
ROBOTS_MAX_BYTES = 512 * 1024
_BODY_CHUNK = 65536


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


@dataclass
class _HostState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_request: float = float("-inf")
    robots_lock: threading.Lock = field(default_factory=threading.Lock)
    robots: urllib.robotparser.RobotFileParser | None = None
    robots_loaded: bool = False
    robots_loaded_at: float = float("-inf")


class HttpClient:
    """The shared client. Thread-safe: one host's requests are serialised and spaced."""

    def __init__(
        self,
        settings: HttpSettings | None = None,
        cache: HttpCache | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        should_stop: Callable[[], bool] = lambda: False,
    ):
        self.settings = settings or HttpSettings()
        self.cache = cache
        self._clock = clock
        self._sleep = sleep
        self._should_stop = should_stop
        self._hosts: dict[str, _HostState] = {}
        self._hosts_lock = threading.Lock()
        self._local = threading.local()
        self.records: list[RequestRecord] = []
        self._records_lock = threading.Lock()

    # -- public -------------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        allowed_hosts: Iterable[str] = (),
        conditional: bool = True,
        cache_body: bool = True,
        to_dir: Path | None = None,
    ) -> Response:
        """GET a URL politely.

        conditional: send If-None-Match/If-Modified-Since from the cache. On 304 the cached
            body is returned (`from_cache`) when there is one, else `not_modified` is set.
        cache_body: keep the body in the cache so a later 304 can answer with it (listings).
        to_dir: stream the body to a temporary file in this folder instead of memory.

        Raises BlockedError (401/403, challenge page, robots.txt) or FetchError.
        """
        if params:
            url = requests.Request("GET", url, params=params).prepare().url or url
        allowed = frozenset(h.lower() for h in allowed_hosts)
        self._check_url(url, allowed)
        cached = self.cache.lookup(url) if (self.cache and conditional) else None
        extra = dict(headers or {})
        if cached:
            if cached.etag:
                extra["If-None-Match"] = cached.etag
            if cached.last_modified:
                extra["If-Modified-Since"] = cached.last_modified

        response = self._get_with_retries(url, extra, allowed, to_dir, conditional=bool(cached))
        if response.status == 304:
            if cached and cached.body is not None:
                response.content = cached.body
                response.size = len(cached.body)
                response.sha256 = hashlib.sha256(cached.body).hexdigest()
                response.from_cache = True
                if cached.content_type and "Content-Type" not in response.headers:
                    response.headers["Content-Type"] = cached.content_type
            else:
                response.not_modified = True
            return response
        # downloads (to_dir) are the caller's to remember: their validators belong with the
        # stored version, which a crash before its commit must not outrun
        if self.cache and to_dir is None and (response.etag or response.last_modified):
            body = response.content if cache_body else None
            self.cache.remember(
                url,
                CachedResponse(response.etag, response.last_modified, body, response.headers.get("Content-Type", "")),
            )
        return response

    def allowed_by_robots(self, url: str) -> bool:
        """Whether robots.txt lets our User-Agent fetch this URL."""
        if not self.settings.respect_robots:
            return True
        state = self._host(url)
        with state.robots_lock:  # one thread reads robots.txt; the others wait for its answer
            if not state.robots_loaded or self._clock() - state.robots_loaded_at > ROBOTS_TTL:
                self._load_robots(url, state)
        if state.robots is None:
            return True
        return state.robots.can_fetch(self.settings.user_agent, url)

    # -- internals ----------------------------------------------------------------------

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = self.settings.user_agent
            session.headers["Accept-Encoding"] = "gzip, deflate"
            self._local.session = session
        return session

    def _host(self, url: str) -> _HostState:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc.lower()}"
        with self._hosts_lock:
            return self._hosts.setdefault(key, _HostState())

    def _check_url(self, url: str, allowed: frozenset[str]) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(url, f"refusing scheme {parts.scheme!r}: only http and https are fetched")
        host = (parts.hostname or "").lower()
        if not host:
            raise FetchError(url, "no host in URL")
        if allowed and host not in allowed:
            raise FetchError(url, f"host {host!r} is not in this source's allowed_hosts ({', '.join(sorted(allowed))})")

    def _wait_turn(self, state: _HostState) -> None:
        """Sleep until per_host_delay has passed since the host's last request.

        Called with the host lock held, so one host's requests never overlap.
        """
        wait = state.last_request + self.settings.per_host_delay - self._clock()
        if wait > 0:
            self._sleep(wait)

    def _load_robots(self, url: str, state: _HostState) -> None:
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        parser = urllib.robotparser.RobotFileParser(robots_url)
        try:
            with state.lock:
                self._wait_turn(state)
                started = self._clock()
                state.last_request = started
                try:
                    resp = self._session().get(
                        robots_url,
                        timeout=(self.settings.connect_timeout, self.settings.timeout),
                        allow_redirects=True,
                        stream=True,
                    )
                    try:
                        # capped, so a hostile or broken robots.txt cannot exhaust memory
                        body = resp.raw.read(ROBOTS_MAX_BYTES, decode_content=True) or b""
                    finally:
                        resp.close()
                finally:
                    state.last_request = self._clock()
            self._record(RequestRecord(robots_url, resp.status_code, started, len(body)))
            if resp.status_code in (401, 403):
                # RFC 9309 reads "unreachable" as full disallow; a 401/403 on robots.txt is
                # the publisher refusing scripts, which we report as blocked.
                parser.disallow_all = True
            elif resp.status_code >= 400:
                parser.allow_all = True
            else:
                parser.parse(body.decode("utf-8", errors="replace").splitlines())
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            log.info("robots.txt at %s unreachable (%s); assuming allowed", robots_url, exc)
            parser.allow_all = True
        state.robots = parser
        state.robots_loaded = True
        state.robots_loaded_at = self._clock()

    def _record(self, record: RequestRecord) -> None:
        with self._records_lock:
            self.records.append(record)

    def _retry_delay(self, attempt: int, response: requests.Response | None) -> float:
        delay = self.settings.retry_backoff * (2**attempt)
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

    def _get_with_retries(
        self, url: str, headers: dict[str, str], allowed: frozenset[str], to_dir: Path | None, conditional: bool
    ) -> Response:
        if not self.allowed_by_robots(url):
            raise BlockedError(
                url,
                "robots.txt disallows this URL for our user agent",
                hint="the publisher asks robots not to fetch this page; use its API or ask it for access",
            )
        last_error = "no attempt made"
        for attempt in range(self.settings.retries + 1):
            if self._should_stop():
                raise FetchError(url, "stopped before the request (shutting down)")
            http_response: requests.Response | None = None
            try:
                return self._get_once(url, headers, allowed, to_dir, conditional)
            except _Retryable as exc:
                last_error = exc.reason
                http_response = exc.response
            if attempt == self.settings.retries:
                break
            delay = self._retry_delay(attempt, http_response)
            if delay > self.settings.max_retry_after:
                last_error += f"; server asked us to wait {delay:.0f}s, more than max_retry_after"
                break
            log.info("retrying %s in %.1fs after: %s", url, delay, last_error)
            self._sleep(delay)
        status = None
        match = re.match(r"HTTP (\d{3})", last_error)
        if match:
            status = int(match.group(1))
        attempts = f"gave up after {self.settings.retries + 1} attempts"
        if status == 429:
            raise FetchError(
                url,
                f"rate limited: the publisher kept answering HTTP 429 Too Many Requests ({last_error}; {attempts}); "
                "raise per_host_delay or check less often",
                status,
            )
        raise FetchError(url, f"{last_error} ({attempts})", status)

    def _get_once(
        self, url: str, headers: dict[str, str], allowed: frozenset[str], to_dir: Path | None, conditional: bool
    ) -> Response:
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            self._check_url(current, allowed)
            state = self._host(current)
            with state.lock:
                self._wait_turn(state)
                started = self._clock()
                state.last_request = started
                try:
                    resp = self._session().get(
                        current,
                        headers=headers,
                        timeout=(self.settings.connect_timeout, self.settings.timeout),
                        allow_redirects=False,
                        stream=True,
                    )
                except requests.RequestException as exc:
                    self._record(RequestRecord(current, None, started, 0, conditional))
                    raise _Retryable(f"connection failed: {_connection_reason(exc, self.settings)}") from exc
                try:
                    if resp.is_redirect or resp.status_code in (301, 302, 303, 307, 308):
                        location = resp.headers.get("Location")
                        resp.close()
                        self._record(RequestRecord(current, resp.status_code, started, 0, conditional))
                        if not location:
                            raise FetchError(current, f"HTTP {resp.status_code} redirect without a Location")
                        target = urljoin(current, location)
                        if urlsplit(target).netloc.lower() != urlsplit(current).netloc.lower():
                            # an API key or validators are for the host they were meant for
                            headers = {}
                        current = target
                        continue
                    return self._finish(url, current, resp, started, to_dir, conditional)
                finally:
                    resp.close()
                    # the delay runs from the end of this exchange, so a slow download is
                    # never followed at once by the next request to the same host
                    state.last_request = self._clock()
        raise FetchError(url, f"more than {self.settings.max_redirects} redirects")

    def _finish(
        self,
        requested: str,
        final: str,
        resp: requests.Response,
        started: float,
        to_dir: Path | None,
        conditional: bool,
    ) -> Response:
        status = resp.status_code
        if status == 304:
            self._record(RequestRecord(final, status, started, 0, conditional))
            return Response(url=final, status=304, headers=resp.headers)
        if status in RETRY_STATUSES:
            self._record(RequestRecord(final, status, started, 0, conditional))
            # Cloudflare's "Just a moment..." check is served with 503 (and 429 by some WAFs):
            # retrying would only repeat it, and it means blocked, not down.
            if _error_page_is_challenge(resp):
                raise BlockedError(final, f"HTTP {status} with a CAPTCHA or bot-challenge page", status)
            raise _Retryable(f"HTTP {status} {resp.reason or ''}".strip(), resp)
        if status in (401, 403):
            self._record(RequestRecord(final, status, started, 0, conditional))
            raise _with_answer(BlockedError(final, f"HTTP {status}: the publisher refused the request", status), resp)
        if status >= 400:
            self._record(RequestRecord(final, status, started, 0, conditional))
            raise _with_answer(FetchError(final, f"HTTP {status} {resp.reason or ''}".strip(), status), resp)

        declared = resp.headers.get("Content-Length")
        cap = self.settings.max_download_bytes
        if declared and declared.isdigit() and int(declared) > cap:
            self._record(RequestRecord(final, status, started, 0, conditional))
            raise FetchError(final, f"too large: {int(declared)} bytes declared, limit is {cap}")

        digest = hashlib.sha256()
        size = 0
        deadline = started + self.settings.download_deadline
        sink: Any
        path: Path | None = None
        if to_dir is not None:
            to_dir.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=to_dir, prefix=".download-")
            sink = os.fdopen(fd, "wb")
            path = Path(name)
        else:
            sink = _Buffer()
        try:
            with sink:
                try:
                    for chunk in _iter_body(resp):
                        size += len(chunk)
                        if size > cap:
                            raise FetchError(final, f"too large: download passed the {cap}-byte limit and was aborted")
                        if self._clock() > deadline:
                            raise FetchError(final, f"too slow: not complete after {self.settings.download_deadline:.0f}s")
                        if self._should_stop():
                            raise FetchError(final, "download abandoned (shutting down)")
                        digest.update(chunk)
                        try:
                            sink.write(chunk)
                        except OSError as exc:
                            # our disk, not their server: no retry would help
                            raise FetchError(final, f"cannot store the download: {exc.strerror or exc}") from None
                except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
                    raise _Retryable(f"connection broke during the body: {type(exc).__name__}: {_short(exc)}") from exc
        except BaseException:
            if path is not None:
                path.unlink(missing_ok=True)
            self._record(RequestRecord(final, status, started, size, conditional))
            raise
        self._record(RequestRecord(final, status, started, size, conditional))
        content = sink.getvalue() if path is None else b""
        response = Response(
            url=final, status=status, headers=resp.headers, content=content, path=path, size=size, sha256=digest.hexdigest()
        )
        if _looks_like_challenge(response):
            if path is not None:
                path.unlink(missing_ok=True)
            raise BlockedError(final, "the publisher answered with a CAPTCHA or bot-challenge page", status)
        return response


class _Retryable(Exception):
    def __init__(self, reason: str, response: requests.Response | None = None):
        super().__init__(reason)
        self.reason = reason
        self.response = response


class _Buffer:
    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self._parts.append(data)

    def getvalue(self) -> bytes:
        return b"".join(self._parts)

    def __enter__(self) -> _Buffer:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _connection_reason(exc: requests.RequestException, settings: HttpSettings) -> str:
    """Why a connection failed, in words a non-programmer can act on."""
    text = str(exc)
    if "NameResolutionError" in text or "Name or service not known" in text or "getaddrinfo" in text:
        return "cannot find the server's address (no network, or DNS is failing)"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"timed out: no answer to the connection within {settings.connect_timeout:g}s"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return f"timed out: the server accepted but did not answer within {settings.timeout:g}s"
    if "Connection refused" in text:
        return "connection refused (the server is down or not listening)"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS/certificate problem: {_short(exc)}"
    return f"{type(exc).__name__}: {_short(exc)}"


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) < 200 else text[:200] + "…"


def _iter_body(resp: requests.Response) -> Iterable[bytes]:
    """The decoded body in pieces as they arrive.

    `read1` returns whatever one socket read brought (never waiting to fill a 64 KiB chunk,
    as `iter_content` does), so `download_deadline` is checked after every read and a server
    dribbling bytes is cut off within deadline + one read timeout. urllib3 caps each
    decompressed piece at the chunk size, so a gzip bomb is counted against
    `max_download_bytes` as it inflates instead of inflating whole in memory.
    """
    raw = resp.raw
    if not hasattr(raw, "read1"):  # urllib3 < 2: no read1, fall back to requests' chunking
        yield from resp.iter_content(_BODY_CHUNK)
        return
    while True:
        chunk = raw.read1(_BODY_CHUNK, decode_content=True)
        if not chunk:
            return
        yield chunk


def _with_answer(exc: FetchError, resp: requests.Response) -> FetchError:
    """The error with the head of the refusal's body and its headers (at most 64 KiB), kept as
    evidence of what the publisher said."""
    try:
        exc.answer_body = resp.raw.read(_BODY_CHUNK, decode_content=True) or b""
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError):
        exc.answer_body = b""
    exc.answer_headers = dict(resp.headers)
    return exc


def _error_page_is_challenge(resp: requests.Response) -> bool:
    """Whether an error answer's (small, HTML) body is a challenge page; reads at most 64 KiB."""
    ctype = (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if ctype not in ("text/html", "application/xhtml+xml"):
        return False
    try:
        head = resp.raw.read(_BODY_CHUNK, decode_content=True) or b""
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError):
        return False
    probe = Response(url=resp.url, status=resp.status_code, headers=resp.headers, content=head, size=len(head))
    return _looks_like_challenge(probe)


def _looks_like_challenge(response: Response) -> bool:
    """Whether a small HTML answer is a bot-challenge or block page rather than content."""
    if response.content_type not in ("text/html", "application/xhtml+xml") or response.size > 200_000:
        return False
    if response.path is not None:
        with open(response.path, "rb") as fh:
            raw = fh.read(20000)
    else:
        raw = response.content[:20000]
    head = raw.decode("utf-8", errors="replace").lower()
    title = _TITLE.search(head)
    if title and any(marker in " ".join(title.group(1).split()) for marker in _CHALLENGE_TITLES):
        return True
    return any(marker in head for marker in _CHALLENGE_MARKERS)
