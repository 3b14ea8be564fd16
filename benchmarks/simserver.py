"""A simulated publisher: real HTTP on loopback serving generated listings and PDFs.

Each `SimSite` is one publisher on its own loopback address (127.0.0.x), so the pipeline
treats the sites as different hosts and runs them side by side, as it would real publishers.
Listings and documents carry strong ETags and answer conditional requests with 304; every
request is counted (by kind, status and User-Agent) with the bytes sent, so a benchmark can
say exactly what a pass asked for.
"""

from __future__ import annotations

import hashlib
import selectors
import socketserver
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class SimDocument:
    """One document a site lists: its id, title and the file it serves."""

    doc_id: str
    title: str
    path: Path


@dataclass
class Tally:
    """What a site served: requests by (kind, status), bytes by User-Agent family."""

    requests: Counter = field(default_factory=Counter)
    bytes_by_agent: Counter = field(default_factory=Counter)
    requests_by_agent: Counter = field(default_factory=Counter)

    def total(self, kind: str | None = None, status: int | None = None) -> int:
        """Requests of this kind (listing, document, robots, other) and status; None: any."""
        return sum(
            n for (k, s), n in self.requests.items() if (kind is None or k == kind) and (status is None or s == status)
        )


class _LoopbackServer(ThreadingHTTPServer):
    """A threading HTTP server that names itself by its address: the stdlib's server_bind asks
    the resolver for the address's name (socket.getfqdn), ~0.1 s per 127.x.y.z address, a
    minute for 600 simulated councils."""

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = host, port


def _agent_family(agent: str) -> str:
    agent = agent.lower()
    if "report-monitor" in agent:
        return "report-monitor"
    if "urlwatch" in agent:
        return "urlwatch"
    return "other"


class SimSite:
    """One publisher: `/reports` lists its documents, `/files/<id>.pdf` serves them."""

    def __init__(self, host: str, documents: list[SimDocument], *, latency: float = 0.0):
        self.documents = list(documents)
        self.latency = latency
        self.tally = Tally()
        self.lock = threading.Lock()
        self._listing_cache: tuple[bytes, str] | None = None
        self._etags: dict[Path, tuple[float, str]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body go out in two writes; with Nagle's algorithm on, a keep-alive
            # client waits ~40 ms for the second (delayed ACK) on every request
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:
                return

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                site._serve(self)

        self.httpd = _LoopbackServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def set_documents(self, documents: list[SimDocument]) -> None:
        """Replace what the listing shows (the next request sees the new listing)."""
        with self.lock:
            self.documents = list(documents)
            self._listing_cache = None

    def listing(self) -> tuple[bytes, str]:
        """The listing page and its ETag."""
        with self.lock:
            if self._listing_cache is None:
                items = "\n".join(
                    f'<li class="report"><a href="/files/{d.doc_id}.pdf">{d.title}</a></li>' for d in self.documents
                )
                body = (
                    "<!doctype html><html><head><title>Reports</title></head><body><main>"
                    f"<h1>Published reports</h1><ul>\n{items}\n</ul></main></body></html>"
                ).encode()
                self._listing_cache = (body, '"' + hashlib.sha256(body).hexdigest()[:20] + '"')
            return self._listing_cache

    def _document(self, doc_id: str) -> SimDocument | None:
        with self.lock:
            for doc in self.documents:
                if doc.doc_id == doc_id:
                    return doc
        return None

    def _etag(self, path: Path) -> str:
        # keyed on mtime so a rewritten file gets a new ETag without hashing every request
        mtime = path.stat().st_mtime_ns
        cached = self._etags.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
        etag = '"' + hashlib.sha256(path.read_bytes()).hexdigest()[:20] + '"'
        self._etags[path] = (mtime, etag)
        return etag

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        if self.latency:
            time.sleep(self.latency)
        path = handler.path.split("?", 1)[0]
        family = _agent_family(handler.headers.get("User-Agent", ""))
        status, ctype, body, etag = 404, "text/plain", b"not found", None
        kind = "other"
        if path == "/robots.txt":
            kind, status, body = "robots", 200, b"User-agent: *\nAllow: /\n"
        elif path == "/reports":
            kind = "listing"
            body, etag = self.listing()
            status, ctype = 200, "text/html; charset=utf-8"
        elif path.startswith("/files/") and path.endswith(".pdf"):
            kind = "document"
            doc = self._document(path[len("/files/") : -len(".pdf")])
            if doc is not None:
                etag = self._etag(doc.path)
                status, ctype = 200, "application/pdf"
                body = b"" if handler.headers.get("If-None-Match") == etag else doc.path.read_bytes()
        if etag and handler.headers.get("If-None-Match") == etag:
            status, body = 304, b""
        with self.lock:
            self.tally.requests[(kind, status)] += 1
            self.tally.requests_by_agent[family] += 1
            self.tally.bytes_by_agent[family] += len(body)
        handler.send_response(status)
        handler.send_header("Content-Type", ctype)
        if etag:
            handler.send_header("ETag", etag)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if status != 304:
            handler.wfile.write(body)

    def start(self) -> SimSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class SimFarm:
    """Several sites on 127.0.0.2, 127.0.0.3, ... (or the given `hosts`); `with SimFarm(corpus) as farm:`."""

    def __init__(self, corpus: list[list[SimDocument]], *, latency: float = 0.0, hosts: list[str] | None = None):
        hosts = hosts or [f"127.0.0.{i + 2}" for i in range(len(corpus))]
        self.sites = [SimSite(host, docs, latency=latency) for host, docs in zip(hosts, corpus, strict=True)]

    def __enter__(self) -> SimFarm:
        for site in self.sites:
            site.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for site in self.sites:
            site.stop()

    def reset_tallies(self) -> None:
        for site in self.sites:
            with site.lock:
                site.tally = Tally()

    def total(self, kind: str | None = None, status: int | None = None) -> int:
        """Requests across all sites."""
        return sum(site.tally.total(kind, status) for site in self.sites)

    def bytes_for(self, family: str) -> int:
        """Bytes sent to one client family (report-monitor, urlwatch)."""
        return sum(site.tally.bytes_by_agent[family] for site in self.sites)

    def requests_for(self, family: str) -> int:
        return sum(site.tally.requests_by_agent[family] for site in self.sites)


class SharedLoopFarm(SimFarm):
    """A farm of many sites, each still its own server on its own address, whose listening
    sockets one thread watches (a thread per connection as before): hundreds of
    `serve_forever` threads each polling every 0.5 s would cost the machine more than the
    monitor under test, and stopping them one by one takes minutes."""

    def __enter__(self) -> SharedLoopFarm:
        self._stop = threading.Event()
        self._selector = selectors.DefaultSelector()
        for site in self.sites:
            self._selector.register(site.httpd, selectors.EVENT_READ, site.httpd)
        self._loop = threading.Thread(target=self._serve, daemon=True)
        self._loop.start()
        return self

    def _serve(self) -> None:
        while not self._stop.is_set():
            for key, _ in self._selector.select(0.2):
                key.data._handle_request_noblock()  # what serve_forever does for a ready socket

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._loop.join()
        self._selector.close()
        for site in self.sites:
            site.httpd.server_close()
