"""The one HTTP client: the only code in the monitor that touches the network.

It identifies itself, keeps at least `per_host_delay` seconds between requests to one host
(sources on different hosts run in parallel), honours robots.txt, retries with exponential
backoff on 429/5xx/connection errors (respecting Retry-After; never when a host name does not
resolve or the network is down: monitor/http/reach.py), makes conditional requests from
remembered ETag/Last-Modified, streams downloads under a size cap and an overall deadline,
and refuses any scheme but http/https and any host outside a source's allow-list, redirects
included.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

import monitor.http.robots as http_robots
from monitor.errors import BlockedError, FetchError
from monitor.http.body import (
    CHALLENGE_MARKERS,
    CHALLENGE_TITLES,
    BodyCopy,
    Buffer,
    Retryable,
    connection_reason,
    error_page_is_challenge,
    looks_like_challenge,
    with_answer,
)
from monitor.http.body import iter_body as _iter_body  # noqa: F401 - the old private name
from monitor.http.policy import check_url, gave_up, retry_delay
from monitor.http.reach import HostUnreachable, unreachable
from monitor.http.robots import ROBOTS_MAX_BYTES, ROBOTS_TTL
from monitor.http.types import (
    DEFAULT_USER_AGENT,
    RETRY_STATUSES,
    CachedResponse,
    HttpCache,
    HttpSettings,
    RequestRecord,
    Response,
)

__all__ = [  # the names callers import from here; the parts live in http_*.py
    "CHALLENGE_MARKERS", "CHALLENGE_TITLES", "DEFAULT_USER_AGENT", "RETRY_STATUSES", "ROBOTS_MAX_BYTES", "ROBOTS_TTL",
    "CachedResponse", "HttpCache", "HttpClient", "HttpSettings", "RequestRecord", "Response",
]

log = logging.getLogger(__name__)


@dataclass
class _HostState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_request: float = float("-inf")
    robots_lock: threading.Lock = field(default_factory=threading.Lock)
    robots: urllib.robotparser.RobotFileParser | None = None
    robots_loaded: bool = False
    robots_loaded_at: float = float("-inf")
    #: the host's name did not resolve (or its network is down) this recently: fail at once
    unreachable: HostUnreachable | None = None
    unreachable_at: float = float("-inf")


#: a host found unreachable is not looked up again for this long (one pass, usually)
UNREACHABLE_MEMORY = 120.0


def _head(response: Response) -> bytes:
    """The first 20,000 bytes of a response's body, wherever it is kept."""
    if response.path is None:
        return response.content[:20000]
    with open(response.path, "rb") as fh:
        return fh.read(20000)


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
        #: hosts that answered at least once (any HTTP status), and hosts found unreachable
        #: (name -> True for a DNS failure): `monitor run` tells an offline machine from a site down
        self.answered_hosts: set[str] = set()
        self.unreachable_hosts: dict[str, bool] = {}
        #: wraps every wait on a host (its politeness delay and the exchange itself): the pass
        #: sets it to give the thread's processor turn to another while it waits
        #: (monitor/pipeline/capacity.py)
        self.waiting: Callable[[], AbstractContextManager[None]] = nullcontext

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
        check_url(url, allowed)
        cached = self.cache.lookup(url) if (self.cache and conditional) else None
        extra = dict(headers or {})
        if cached:
            if cached.etag:
                extra["If-None-Match"] = cached.etag
            if cached.last_modified:
                extra["If-Modified-Since"] = cached.last_modified

        with self.waiting():
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

    def _wait_turn(self, state: _HostState) -> None:
        """Sleep until per_host_delay has passed since the host's last request.

        Called with the host lock held, so one host's requests never overlap.
        """
        wait = state.last_request + self.settings.per_host_delay - self._clock()
        if wait > 0:
            self._sleep(wait)

    def _load_robots(self, url: str, state: _HostState) -> None:
        robots_url = http_robots.robots_url(url)
        cached = self.cache.lookup(robots_url) if self.cache else None
        if http_robots.is_fresh(cached):
            assert cached is not None and cached.body is not None
            parser = http_robots.parse(robots_url, 200, cached.body)
        else:
            parser = self._fetch_robots(robots_url, state, cached)
        state.robots = parser
        state.robots_loaded = True
        state.robots_loaded_at = self._clock()

    def _fetch_robots(
        self, robots_url: str, state: _HostState, cached: CachedResponse | None
    ) -> urllib.robotparser.RobotFileParser:
        """Ask for robots.txt (conditionally when a copy is kept) and keep the answer."""
        headers: dict[str, str] = {}
        if cached is not None and cached.body is not None:
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
        try:
            with state.lock:
                self._wait_turn(state)
                started = self._clock()
                state.last_request = started
                try:
                    resp = self._session().get(
                        robots_url,
                        headers=headers,
                        timeout=(self.settings.connect_timeout, self.settings.timeout),
                        allow_redirects=True,
                        stream=True,
                    )
                    try:
                        body = http_robots.read_capped(resp)
                    finally:
                        resp.close()
                finally:
                    state.last_request = self._clock()
            self._record(RequestRecord(robots_url, resp.status_code, started, len(body), bool(headers)))
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            error = unreachable(robots_url, exc) if isinstance(exc, requests.RequestException) else None
            if error is not None:
                # the request itself will fail at once and say why; no line of its own here
                self._mark_unreachable(robots_url, state, error)
                log.debug("robots.txt at %s: %s", robots_url, error.reason)
            else:
                log.info("robots.txt at %s unreachable (%s); assuming allowed", robots_url, exc)
            return http_robots.allow_all(robots_url)
        self.answered_hosts.add(urlsplit(robots_url).hostname or "")
        status = resp.status_code
        if status == 304 and cached is not None and cached.body is not None:
            body, status = cached.body, 200
        if self.cache is not None and (entry := http_robots.cache_entry(resp, body)) is not None:
            if resp.status_code == 304 and cached is not None:
                entry.etag = resp.headers.get("ETag") or cached.etag
                entry.last_modified = resp.headers.get("Last-Modified") or cached.last_modified
            self.cache.remember(robots_url, entry)
        return http_robots.parse(robots_url, status, body)

    def _mark_unreachable(self, url: str, state: _HostState, error: HostUnreachable) -> None:
        state.unreachable, state.unreachable_at = error, self._clock()
        with self._records_lock:
            self.unreachable_hosts[urlsplit(url).hostname or url] = error.dns

    def _still_unreachable(self, url: str, state: _HostState) -> HostUnreachable | None:
        """The host's recent DNS (or network) failure, restated for this URL, if any."""
        known = state.unreachable
        if known is None or self._clock() - state.unreachable_at > UNREACHABLE_MEMORY:
            return None
        return HostUnreachable(url, known.reason, dns=known.dns)

    def _record(self, record: RequestRecord) -> None:
        with self._records_lock:
            self.records.append(record)

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
            except Retryable as exc:
                last_error = exc.reason
                http_response = exc.response
            if attempt == self.settings.retries:
                break
            delay = retry_delay(self.settings.retry_backoff, attempt, http_response)
            if delay > self.settings.max_retry_after:
                last_error += f"; server asked us to wait {delay:.0f}s, more than max_retry_after"
                break
            log.info("retrying %s in %.1fs after: %s", url, delay, last_error)
            self._sleep(delay)
        raise gave_up(url, last_error, self.settings.retries + 1)

    def _get_once(
        self, url: str, headers: dict[str, str], allowed: frozenset[str], to_dir: Path | None, conditional: bool
    ) -> Response:
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            check_url(current, allowed)
            state = self._host(current)
            if (known := self._still_unreachable(current, state)) is not None:
                raise known
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
                    if (error := unreachable(current, exc)) is not None:
                        # waiting will not make a name resolve: no retry, no backoff
                        self._mark_unreachable(current, state, error)
                        raise error from exc
                    raise Retryable(f"connection failed: {connection_reason(exc, self.settings.connect_timeout, self.settings.timeout)}") from exc
                self.answered_hosts.add(urlsplit(current).hostname or "")
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
            if error_page_is_challenge(resp):
                raise BlockedError(final, f"HTTP {status} with a CAPTCHA or bot-challenge page", status)
            raise Retryable(f"HTTP {status} {resp.reason or ''}".strip(), resp)
        if status in (401, 403):
            self._record(RequestRecord(final, status, started, 0, conditional))
            raise with_answer(BlockedError(final, f"HTTP {status}: the publisher refused the request", status), resp)
        if status >= 400:
            self._record(RequestRecord(final, status, started, 0, conditional))
            raise with_answer(FetchError(final, f"HTTP {status} {resp.reason or ''}".strip(), status), resp)

        declared = resp.headers.get("Content-Length")
        cap = self.settings.max_download_bytes
        if declared and declared.isdigit() and int(declared) > cap:
            self._record(RequestRecord(final, status, started, 0, conditional))
            raise FetchError(final, f"too large: {int(declared)} bytes declared, limit is {cap}")

        body = BodyCopy(
            url=final,
            cap=cap,
            deadline=started + self.settings.download_deadline,
            deadline_seconds=self.settings.download_deadline,
            clock=self._clock,
            should_stop=self._should_stop,
        )
        sink: Any
        path: Path | None = None
        if to_dir is not None:
            to_dir.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=to_dir, prefix=".download-")
            sink = os.fdopen(fd, "wb")
            path = Path(name)
        else:
            sink = Buffer()
        try:
            with sink:
                body.copy(resp, sink)
        except BaseException:
            if path is not None:
                path.unlink(missing_ok=True)
            self._record(RequestRecord(final, status, started, body.size, conditional))
            raise
        size = body.size
        self._record(RequestRecord(final, status, started, size, conditional))
        content = sink.getvalue() if path is None else b""
        response = Response(
            url=final, status=status, headers=resp.headers, content=content, path=path, size=size, sha256=body.sha256
        )
        if looks_like_challenge(response.content_type, response.size, _head(response)):
            if path is not None:
                path.unlink(missing_ok=True)
            raise BlockedError(final, "the publisher answered with a CAPTCHA or bot-challenge page", status)
        return response
