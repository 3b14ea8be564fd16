"""The polite HTTP client against real local servers.

`server` (tests/support/publisher_server.py) plays a well-behaved publisher and records every hit
with its arrival time. `RawServer` below plays a hostile one on a bare socket (dribbling
bytes, resetting, never answering, endless bodies, gzip bombs); each behaviour is bounded
in time so a broken client fails the test instead of hanging it.
"""

from __future__ import annotations

import gzip
import hashlib
import socket
import struct
import threading
import time
import tracemalloc
from collections.abc import Callable

import pytest
from publisher_server import PublisherServer

from monitor.errors import BlockedError, FetchError
from monitor.http.client import DEFAULT_USER_AGENT, CachedResponse, HttpClient, HttpSettings

#: no hostile behaviour runs longer than this, whatever the client does
BEHAVIOUR_LIMIT = 10.0


def fast(**overrides: object) -> HttpClient:
    """A client with the conftest defaults, some overridden."""
    values: dict[str, object] = dict(per_host_delay=0.0, retry_backoff=0.01, timeout=5, connect_timeout=2, retries=2)
    values.update(overrides)
    return HttpClient(HttpSettings(**values))  # type: ignore[arg-type]


class MemoryCache:
    """The smallest real HttpCache: a dict, with a log of what was remembered."""

    def __init__(self) -> None:
        self.entries: dict[str, CachedResponse] = {}

    def lookup(self, url: str) -> CachedResponse | None:
        return self.entries.get(url)

    def remember(self, url: str, entry: CachedResponse) -> None:
        self.entries[url] = entry


# -- a hostile server on a bare socket --------------------------------------------------


class RawServer:
    """Accepts connections on 127.0.0.1 and hands each to `behaviour(conn, server)`."""

    def __init__(self, behaviour: Callable[[socket.socket, RawServer], None]) -> None:
        self.behaviour = behaviour
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.connections = 0
        self.requests: list[bytes] = []
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            thread = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(BEHAVIOUR_LIMIT)
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                piece = conn.recv(4096)
                if not piece:
                    return
                data += piece
            self.requests.append(data.split(b"\r\n", 1)[0])
            if data.startswith(b"GET /robots.txt"):
                body = b"User-agent: *\nAllow: /\n"
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                    + b"Content-Length: %d\r\n\r\n" % len(body)
                    + body
                )
                return
            self.behaviour(conn, self)
        except OSError:
            return  # the client gave up: that is what most behaviours are waiting for
        finally:
            conn.close()

    def api_hits(self) -> int:
        """Requests for anything but robots.txt."""
        return sum(1 for line in self.requests if not line.startswith(b"GET /robots.txt"))

    def __enter__(self) -> RawServer:
        self._accepter.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self._accepter.join(timeout=2)
        self.sock.close()
        for thread in self._threads:
            thread.join(timeout=BEHAVIOUR_LIMIT + 1)


def _header(extra: bytes = b"", length: int | None = None) -> bytes:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nConnection: close\r\n" + extra
    if length is not None:
        head += b"Content-Length: %d\r\n" % length
    return head + b"\r\n"


def reset_connection(conn: socket.socket, server: RawServer) -> None:
    """Answer nothing and close with RST (SO_LINGER 0): 'connection reset by peer'."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def reset_mid_body(conn: socket.socket, server: RawServer) -> None:
    """Promise 10,000 bytes, send 100, then reset."""
    conn.sendall(_header(length=10_000) + b"x" * 100)
    time.sleep(0.05)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def never_answer(conn: socket.socket, server: RawServer) -> None:
    """Read the request and say nothing until the client leaves (or the limit)."""
    conn.settimeout(0.1)
    deadline = time.monotonic() + BEHAVIOUR_LIMIT
    while time.monotonic() < deadline and not server.stop.is_set():
        try:
            if conn.recv(1) == b"":
                return
        except TimeoutError:
            continue


def dribble(conn: socket.socket, server: RawServer) -> None:
    """Promise 100,000 bytes and send one every 20 ms: each read succeeds, the whole never ends."""
    conn.sendall(_header(length=100_000))
    deadline = time.monotonic() + BEHAVIOUR_LIMIT
    while time.monotonic() < deadline and not server.stop.is_set():
        conn.sendall(b"x")
        time.sleep(0.02)


def endless_chunked(conn: socket.socket, server: RawServer) -> None:
    """A chunked body of 4 KiB chunks that never ends."""
    conn.sendall(_header(b"Transfer-Encoding: chunked\r\n"))
    chunk = b"1000\r\n" + b"y" * 4096 + b"\r\n"
    deadline = time.monotonic() + BEHAVIOUR_LIMIT
    while time.monotonic() < deadline and not server.stop.is_set():
        conn.sendall(chunk)
        time.sleep(0.001)


def body_without_length(conn: socket.socket, server: RawServer) -> None:
    """5,000 bytes with neither Content-Length nor chunking: the body ends when the socket closes."""
    conn.sendall(_header())
    for _ in range(10):
        conn.sendall(b"z" * 500)


BOMB_INFLATED = 50 * 1024 * 1024
BOMB = gzip.compress(b"\0" * BOMB_INFLATED, compresslevel=9)


def gzip_bomb(conn: socket.socket, server: RawServer) -> None:
    """About 50 KB on the wire that inflates to 50 MB."""
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nConnection: close\r\n"
        + b"Content-Length: %d\r\n\r\n" % len(BOMB)
        + BOMB
    )


# -- identity, retries, rate limits ------------------------------------------------------


def test_user_agent_sent_on_every_request(server, http):
    server.add("/page", "<p>hello</p>")
    response = http.get(server.url + "/page")
    assert response.status == 200
    assert response.content == b"<p>hello</p>"
    assert [hit.path for hit in server.hits] == ["/robots.txt", "/page"]
    for hit in server.hits:
        assert hit.headers["User-Agent"] == DEFAULT_USER_AGENT
    assert DEFAULT_USER_AGENT.startswith("report-monitor/")


def test_custom_user_agent(server):
    server.add("/page", "ok")
    client = fast(user_agent="report-monitor (harrow watchdog; contact@example.org)")
    client.get(server.url + "/page")
    assert server.hits_for("/page")[0].headers["User-Agent"] == "report-monitor (harrow watchdog; contact@example.org)"


def test_retries_on_503_then_succeeds(server, http):
    calls = []

    def flaky(handler):
        calls.append(1)
        if len(calls) < 3:
            return 503, {"Content-Type": "text/plain"}, b"busy"
        return 200, {"Content-Type": "text/plain"}, b"third time lucky"

    server.add("/flaky", handler=flaky)
    response = http.get(server.url + "/flaky")
    assert response.status == 200
    assert response.text == "third time lucky"
    assert [hit.status for hit in server.hits_for("/flaky")] == [503, 503, 200]


def test_429_retry_after_is_honoured(server, http):
    calls = []

    def limited(handler):
        calls.append(1)
        if len(calls) == 1:
            return 429, {"Content-Type": "text/plain", "Retry-After": "1"}, b"slow down"
        return 200, {"Content-Type": "text/plain"}, b"ok now"

    server.add("/limited", handler=limited)
    response = http.get(server.url + "/limited")
    assert response.text == "ok now"
    first, second = server.hits_for("/limited")
    assert (first.status, second.status) == (429, 200)
    # the fixture's own backoff is 0.01s: only Retry-After explains a one-second gap
    assert second.time - first.time >= 1.0


def test_gives_up_after_retries_with_url_in_error(server, http):
    server.add("/down", "down", status=503, content_type="text/plain")
    url = server.url + "/down"
    with pytest.raises(FetchError) as caught:
        http.get(url)
    assert not isinstance(caught.value, BlockedError)
    assert caught.value.url == url
    assert caught.value.status == 503
    assert url in str(caught.value)
    assert "gave up after 3 attempts" in str(caught.value)
    assert len(server.hits_for("/down")) == 3


def test_persistent_429_is_a_clear_rate_limit_error(server, http):
    server.add("/limited", "no", status=429, content_type="text/plain", headers={"Retry-After": "0"})
    with pytest.raises(FetchError) as caught:
        http.get(server.url + "/limited")
    assert caught.value.status == 429
    assert "rate limited" in caught.value.reason
    assert "per_host_delay" in caught.value.reason
    assert len(server.hits_for("/limited")) == 3


def test_retry_after_beyond_max_gives_up_at_once(server):
    server.add("/later", "no", status=503, content_type="text/plain", headers={"Retry-After": "3600"})
    client = fast(max_retry_after=60)
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        client.get(server.url + "/later")
    assert time.monotonic() - started < 2
    assert "more than max_retry_after" in caught.value.reason
    assert len(server.hits_for("/later")) == 1


def test_404_is_not_retried(server, http):
    with pytest.raises(FetchError) as caught:
        http.get(server.url + "/missing")
    assert not isinstance(caught.value, BlockedError)
    assert caught.value.status == 404
    assert len(server.hits_for("/missing")) == 1


# -- robots.txt --------------------------------------------------------------------------


def test_robots_disallow_blocks_without_requesting(server, http):
    server.robots_txt = "User-agent: *\nDisallow: /private\n"
    server.add("/private/report.pdf", b"%PDF secret")
    server.add("/public", "fine")
    with pytest.raises(BlockedError) as caught:
        http.get(server.url + "/private/report.pdf")
    assert "robots.txt" in caught.value.reason
    assert server.hits_for("/private/report.pdf") == []
    assert http.get(server.url + "/public").text == "fine"
    # robots.txt is read once per host, not per request
    assert len(server.hits_for("/robots.txt")) == 1


def test_robots_rules_for_our_agent_apply(server, http):
    server.robots_txt = "User-agent: report-monitor\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    server.add("/page", "x")
    with pytest.raises(BlockedError):
        http.get(server.url + "/page")
    assert server.hits_for("/page") == []


def test_robots_ignored_when_switched_off(server):
    server.robots_txt = "User-agent: *\nDisallow: /\n"
    server.add("/page", "x")
    client = fast(respect_robots=False)
    assert client.get(server.url + "/page").text == "x"
    assert server.hits_for("/robots.txt") == []


def test_robots_403_means_blocked(server, http):
    server.add("/robots.txt", "forbidden", status=403, content_type="text/plain")
    server.add("/page", "x")
    with pytest.raises(BlockedError):
        http.get(server.url + "/page")
    assert server.hits_for("/page") == []


def test_robots_reread_after_a_day(server):
    offset = [0.0]
    client = HttpClient(
        HttpSettings(per_host_delay=0.0, retry_backoff=0.01, timeout=5),
        clock=lambda: time.monotonic() + offset[0],
    )
    server.add("/page", "x")
    client.get(server.url + "/page")
    client.get(server.url + "/page")
    assert len(server.hits_for("/robots.txt")) == 1
    server.robots_txt = "User-agent: *\nDisallow: /page\n"
    offset[0] = 25 * 3600
    with pytest.raises(BlockedError):
        client.get(server.url + "/page")
    assert len(server.hits_for("/robots.txt")) == 2
    assert len(server.hits_for("/page")) == 2


# -- politeness and parallelism ----------------------------------------------------------


def _gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in zip(times, times[1:], strict=False)]


def test_per_host_delay_spaces_requests(server):
    server.add("/page", "x")
    client = fast(per_host_delay=0.3)
    for _ in range(4):
        client.get(server.url + "/page", conditional=False)
    times = [hit.time for hit in server.hits]
    assert [hit.path for hit in server.hits] == ["/robots.txt"] + ["/page"] * 4
    gaps = _gaps(times)
    assert len(gaps) == 4
    assert min(gaps) >= 0.3, gaps


def test_two_hosts_proceed_in_parallel():
    delay, count = 0.4, 3
    with PublisherServer() as first, PublisherServer() as second:
        for srv in (first, second):
            srv.add("/page", "x")
        client = fast(per_host_delay=delay)
        errors: list[BaseException] = []

        def walk(base: str) -> None:
            try:
                for _ in range(count):
                    client.get(base + "/page", conditional=False)
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                errors.append(exc)

        started = time.monotonic()
        threads = [threading.Thread(target=walk, args=(srv.url,)) for srv in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
        elapsed = time.monotonic() - started
        assert errors == []
        for srv in (first, second):
            assert len(srv.hits) == count + 1  # robots.txt + pages
            assert min(_gaps([hit.time for hit in srv.hits])) >= delay
        # each host alone needs 3 gaps (1.2s); one after the other would need 2.4s
        assert elapsed < 2.0, elapsed
        # and the two hosts' request windows overlap in time
        assert first.hits[0].time < second.hits[-1].time and second.hits[0].time < first.hits[-1].time


# -- size caps ---------------------------------------------------------------------------


def test_declared_oversize_aborted_and_no_temp_file(server, tmp_path):
    server.add("/big.pdf", b"%PDF" + b"x" * 5000, content_type="application/pdf")
    client = fast(max_download_bytes=1000)
    with pytest.raises(FetchError) as caught:
        client.get(server.url + "/big.pdf", to_dir=tmp_path)
    assert "too large" in caught.value.reason
    assert "5004 bytes declared" in caught.value.reason
    assert list(tmp_path.iterdir()) == []


def test_undeclared_oversize_aborted_and_no_temp_file(tmp_path):
    client = fast(max_download_bytes=1000, retries=0)
    with RawServer(body_without_length) as raw:
        with pytest.raises(FetchError) as caught:
            client.get(raw.url + "/big.pdf", to_dir=tmp_path)
    assert "passed the 1000-byte limit" in caught.value.reason
    assert list(tmp_path.iterdir()) == []


def test_endless_chunked_body_stopped_by_size_cap(tmp_path):
    client = fast(max_download_bytes=200_000, retries=0)
    with RawServer(endless_chunked) as raw:
        started = time.monotonic()
        with pytest.raises(FetchError) as caught:
            client.get(raw.url + "/endless", to_dir=tmp_path)
        assert time.monotonic() - started < 5
    assert "too large" in caught.value.reason
    assert list(tmp_path.iterdir()) == []


def test_download_within_limits_lands_in_a_file(server, tmp_path):
    body = b"%PDF-1.4 " + bytes(range(256)) * 40
    server.add("/report.pdf", body, content_type="application/pdf")
    response = fast(max_download_bytes=len(body)).get(server.url + "/report.pdf", to_dir=tmp_path)
    assert response.path is not None and response.path.parent == tmp_path
    assert response.path.read_bytes() == body
    assert response.content == b""
    assert response.size == len(body)
    assert response.sha256 == hashlib.sha256(body).hexdigest()
    assert response.content_type == "application/pdf"


def test_gzip_bomb_bounded_by_decompressed_size():
    client = fast(max_download_bytes=1024 * 1024, retries=0)
    with RawServer(gzip_bomb) as raw:
        tracemalloc.start()
        try:
            with pytest.raises(FetchError) as caught:
                client.get(raw.url + "/bomb")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert "passed the 1048576-byte limit" in caught.value.reason
    assert len(BOMB) < 1024 * 1024  # on the wire it is under the cap: only inflated size trips it
    # never inflated whole (50 MB), nor in big gulps
    assert peak < 8 * 1024 * 1024, peak


def test_gzip_body_within_limit_is_decoded(server, http):
    page = "<html><body><p>Requires improvement</p></body></html>" * 100
    server.add("/gz", gzip.compress(page.encode()), headers={"Content-Encoding": "gzip"})
    response = http.get(server.url + "/gz")
    assert response.text == page
    assert response.size == len(page.encode())
    assert "gzip" in server.hits_for("/gz")[0].headers["Accept-Encoding"]


# -- conditional requests ----------------------------------------------------------------


def test_conditional_get_answers_304_from_cache(server):
    cache = MemoryCache()
    client = HttpClient(HttpSettings(per_host_delay=0.0, retry_backoff=0.01, timeout=5), cache)
    server.add("/listing", "<ul><li>Report A</li></ul>")
    url = server.url + "/listing"

    first = client.get(url)
    assert first.status == 200 and not first.from_cache
    etag = first.etag
    assert etag and cache.entries[url].etag == etag
    assert cache.entries[url].body == b"<ul><li>Report A</li></ul>"

    second = client.get(url)
    hit = server.hits_for("/listing")[-1]
    assert hit.headers["If-None-Match"] == etag
    assert hit.status == 304
    assert second.status == 304
    assert second.from_cache and not second.not_modified
    assert second.text == "<ul><li>Report A</li></ul>"
    assert second.content_type == "text/html"
    assert "If-None-Match" not in server.hits_for("/listing")[0].headers

    # a changed page gets a new ETag and a full answer
    server.add("/listing", "<ul><li>Report A</li><li>Report B</li></ul>")
    third = client.get(url)
    assert third.status == 200 and not third.from_cache
    assert "Report B" in third.text
    assert cache.entries[url].etag != etag


def test_conditional_download_without_body_reports_not_modified(server, tmp_path):
    cache = MemoryCache()
    client = HttpClient(HttpSettings(per_host_delay=0.0, timeout=5), cache)
    server.add("/report.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    url = server.url + "/report.pdf"
    first = client.get(url, to_dir=tmp_path)
    # a download's validators are the caller's to keep (with the stored version), not the cache's
    assert first.path is not None and url not in cache.entries
    second = client.get(url, to_dir=tmp_path, headers={"If-None-Match": first.etag})
    assert second.status == 304
    assert second.not_modified and not second.from_cache
    assert second.content == b"" and second.path is None

    third = client.get(url, to_dir=tmp_path)
    assert third.status == 200
    assert "If-None-Match" not in server.hits_for("/report.pdf")[-1].headers


def test_conditional_get_with_last_modified(server):
    stamp = "Wed, 04 Mar 2025 10:00:00 GMT"

    def dated(handler):
        if handler.headers.get("If-Modified-Since") == stamp:
            return 304, {}, b""
        return 200, {"Content-Type": "text/html", "Last-Modified": stamp}, b"dated page"

    server.add("/dated", handler=dated)
    cache = MemoryCache()
    client = HttpClient(HttpSettings(per_host_delay=0.0, timeout=5), cache)
    client.get(server.url + "/dated")
    again = client.get(server.url + "/dated")
    assert server.hits_for("/dated")[-1].headers["If-Modified-Since"] == stamp
    assert again.from_cache and again.text == "dated page"


# -- redirects and schemes ---------------------------------------------------------------


def test_redirect_within_host_followed(server, http):
    server.add("/old", status=301, headers={"Location": "/new"})
    server.add("/new", "moved here")
    response = http.get(server.url + "/old", allowed_hosts=["127.0.0.1"])
    assert response.url == server.url + "/new"
    assert response.text == "moved here"


def test_redirect_to_other_host_refused():
    with PublisherServer() as home, PublisherServer() as elsewhere:
        port = elsewhere.httpd.server_address[1]
        elsewhere.add("/x", "elsewhere")
        home.add("/go", status=302, headers={"Location": f"http://localhost:{port}/x"})
        with pytest.raises(FetchError) as caught:
            fast().get(home.url + "/go", allowed_hosts=["127.0.0.1"])
        assert "'localhost' is not in this source's allowed_hosts" in caught.value.reason
        assert elsewhere.hits == []


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"])
def test_redirect_to_non_http_scheme_refused(server, http, target):
    server.add("/go", status=302, headers={"Location": target})
    with pytest.raises(FetchError) as caught:
        http.get(server.url + "/go")
    assert "refusing scheme" in caught.value.reason
    assert caught.value.url == target


def test_redirect_loop_stops(server, http):
    server.add("/a", status=302, headers={"Location": "/b"})
    server.add("/b", status=302, headers={"Location": "/a"})
    with pytest.raises(FetchError) as caught:
        http.get(server.url + "/a")
    assert "more than 5 redirects" in caught.value.reason


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)", "data:,hi"])
def test_non_http_scheme_refused(http, url):
    with pytest.raises(FetchError) as caught:
        http.get(url)
    assert "refusing scheme" in caught.value.reason
    assert http.records == []


def test_host_outside_allow_list_refused_before_any_request(server, http):
    with pytest.raises(FetchError):
        http.get(server.url + "/page", allowed_hosts=["www.harrow.gov.uk"])
    assert server.hits == []


# -- blocked -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403])
def test_401_403_blocked_with_status(server, http, status):
    server.add("/secret", "no", status=status, content_type="text/plain")
    with pytest.raises(BlockedError) as caught:
        http.get(server.url + "/secret")
    assert caught.value.status == status
    assert caught.value.hint
    assert len(server.hits_for("/secret")) == 1


CLOUDFLARE_CHALLENGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="390"></head><body><div class="main-wrapper" role="main">
<h1>www.example.gov.uk</h1><p>Checking if the site connection is secure</p>
<script>(function(){window._cf_chl_opt={cvId: '3',cZone: 'www.example.gov.uk'};}());</script>
</div></body></html>"""


def test_challenge_page_with_200_is_blocked(server, http):
    server.add("/listing", CLOUDFLARE_CHALLENGE)
    with pytest.raises(BlockedError) as caught:
        http.get(server.url + "/listing")
    assert caught.value.status == 200
    assert "challenge" in caught.value.reason


def test_challenge_page_with_503_is_blocked_not_retried(server, http):
    server.add("/listing", CLOUDFLARE_CHALLENGE, status=503)
    with pytest.raises(BlockedError) as caught:
        http.get(server.url + "/listing")
    assert caught.value.status == 503
    assert len(server.hits_for("/listing")) == 1


def test_challenge_instead_of_pdf_download_is_blocked_and_removed(server, http, tmp_path):
    server.add("/report.pdf", CLOUDFLARE_CHALLENGE)
    with pytest.raises(BlockedError):
        http.get(server.url + "/report.pdf", to_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "title",
    ["Attention Required! | Cloudflare", "Access Denied", "Pardon Our Interruption", "hCaptcha check"],
)
def test_block_page_titles_are_blocked(server, http, title):
    server.add("/p", f"<html><head><title>\n  {title}\n</title></head><body>x</body></html>")
    with pytest.raises(BlockedError):
        http.get(server.url + "/p")


def test_page_with_a_recaptcha_form_is_not_a_challenge(server, http):
    page = """<html><head><title>Decision 23 001 234 - Local Government Ombudsman</title>
    <script src="https://www.google.com/recaptcha/api.js"></script>
    <script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script></head>
    <body><main><h1>London Borough of Harrow (23 001 234)</h1><p>Summary: we found fault.</p></main>
    <form action="/feedback"><div class="g-recaptcha" data-sitekey="abc"></div>
    <p>Please complete the captcha to send feedback.</p></form></body></html>"""
    server.add("/decision", page)
    response = http.get(server.url + "/decision")
    assert response.status == 200
    assert "we found fault" in response.text


# -- broken connections ------------------------------------------------------------------


def test_connection_reset_is_a_fetch_error_after_retries():
    client = fast(retries=1)
    with RawServer(reset_connection) as raw:
        with pytest.raises(FetchError) as caught:
            client.get(raw.url + "/reset")
        assert raw.api_hits() == 2
    assert not isinstance(caught.value, BlockedError)
    assert "connection failed" in caught.value.reason
    assert caught.value.url == raw.url + "/reset"


def test_connection_reset_mid_body_is_a_fetch_error(tmp_path):
    client = fast(retries=0)
    with RawServer(reset_mid_body) as raw:
        with pytest.raises(FetchError) as caught:
            client.get(raw.url + "/half.pdf", to_dir=tmp_path)
    assert "connection broke during the body" in caught.value.reason
    assert list(tmp_path.iterdir()) == []


def test_server_that_never_answers_is_bounded_by_timeout():
    client = fast(timeout=0.5, retries=1)
    with RawServer(never_answer) as raw:
        started = time.monotonic()
        with pytest.raises(FetchError) as caught:
            client.get(raw.url + "/silent")
        elapsed = time.monotonic() - started
        assert raw.api_hits() == 2
    assert "timed out" in caught.value.reason.lower()
    assert 1.0 <= elapsed < 4, elapsed


def test_dribbling_server_bounded_by_download_deadline(tmp_path):
    client = fast(download_deadline=0.5, timeout=3, retries=0)
    with RawServer(dribble) as raw:
        started = time.monotonic()
        with pytest.raises(FetchError) as caught:
            client.get(raw.url + "/slow.pdf", to_dir=tmp_path)
        elapsed = time.monotonic() - started
    assert "too slow" in caught.value.reason
    # a byte arrives every 20 ms, so the per-read timeout (3s) never trips: only the deadline does
    assert elapsed < 1.5, elapsed
    assert list(tmp_path.iterdir()) == []


def test_shutdown_request_stops_before_fetching(server):
    client = HttpClient(HttpSettings(per_host_delay=0.0), should_stop=lambda: True)
    server.add("/page", "x")
    with pytest.raises(FetchError) as caught:
        client.get(server.url + "/page")
    assert "shutting down" in caught.value.reason
    assert server.hits_for("/page") == []


# -- decoding ----------------------------------------------------------------------------


def test_text_uses_declared_charset_and_json_errors_name_the_url(server, http):
    server.add("/latin", "Caf\u00e9".encode("latin-1"), content_type="text/plain; charset=ISO-8859-1")
    assert http.get(server.url + "/latin").text == "Caf\u00e9"
    server.add("/api", '{"total": 2}', content_type="application/json")
    assert http.get(server.url + "/api").json() == {"total": 2}
    server.add("/notjson", "<html>oops</html>")
    with pytest.raises(FetchError) as caught:
        http.get(server.url + "/notjson").json()
    assert caught.value.url == server.url + "/notjson"
    assert "expected JSON" in caught.value.reason


def test_params_are_encoded_into_the_url(server, http):
    server.add("/search", "results")
    response = http.get(server.url + "/search", params={"q": "Harrow council", "page": 2})
    assert response.url == server.url + "/search?q=Harrow+council&page=2"
    assert server.hits_for("/search")[0].query == "q=Harrow+council&page=2"


def test_requests_are_recorded(server, http):
    server.add("/page", "12345")
    http.get(server.url + "/page")
    record = http.records[-1]
    assert record.url == server.url + "/page"
    assert record.status == 200
    assert record.bytes == 5
    assert isinstance(record.started, float)



def test_caller_headers_are_not_forwarded_to_another_host(server, http):
    """An API key meant for one host must not follow a redirect to another."""
    port = server.url.rsplit(":", 1)[1]
    server.add("/api", b"", status=302, etag=False, headers={"Location": f"http://localhost:{port}/elsewhere"})
    server.add("/elsewhere", b"moved here", content_type="text/plain")
    server.add("/same-host", b"", status=302, etag=False, headers={"Location": "/kept"})
    server.add("/kept", b"same host", content_type="text/plain")

    moved = http.get(server.url + "/api", headers={"Ocp-Apim-Subscription-Key": "SECRET-KEY"})
    assert moved.content == b"moved here"
    assert "Ocp-Apim-Subscription-Key" in server.hits_for("/api")[-1].headers
    assert "Ocp-Apim-Subscription-Key" not in server.hits_for("/elsewhere")[-1].headers

    kept = http.get(server.url + "/same-host", headers={"Ocp-Apim-Subscription-Key": "SECRET-KEY"})
    assert kept.content == b"same host"
    assert server.hits_for("/kept")[-1].headers.get("Ocp-Apim-Subscription-Key") == "SECRET-KEY"
