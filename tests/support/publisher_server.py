"""A real HTTP server on loopback that plays a publisher for the tests.

Routes are set per test; every request is recorded with its arrival time and headers, and
ETag/Last-Modified answers give 304 to conditional requests, like a real server.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = True
    #: called instead of the static body: (handler) -> (status, headers, body)
    handler: Callable | None = None


@dataclass
class Hit:
    path: str
    query: str
    time: float
    headers: dict[str, str]
    status: int


class PublisherServer:
    """Start with `with PublisherServer() as server:`; `server.url` is its root."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.robots_txt: str | None = "User-agent: *\nAllow: /\n"
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body go out in two writes; with Nagle's algorithm on, a keep-alive
            # client waits ~40 ms for the second (delayed ACK) on every request
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:
                return

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                server._serve(self)

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def add(self, path: str, body: bytes | str = b"", **kwargs: object) -> Route:
        """Serve `body` at `path` (path may include a query string to match exactly)."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        route = Route(body=body, **kwargs)  # type: ignore[arg-type]
        with self.lock:
            self.routes[path] = route
        return route

    def remove(self, path: str) -> None:
        with self.lock:
            self.routes.pop(path, None)

    def hits_for(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path]

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        with self.lock:
            route = self.routes.get(handler.path) or self.routes.get(parts.path)
        status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
        if parts.path == "/robots.txt" and route is None:
            if self.robots_txt is not None:
                status, headers, body = 200, {"Content-Type": "text/plain"}, self.robots_txt.encode()
        elif route is not None:
            if route.handler is not None:
                status, headers, body = route.handler(handler)
            else:
                status, body = route.status, route.body
                headers = {"Content-Type": route.content_type, **route.headers}
                if route.etag and status == 200:
                    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                    headers["ETag"] = etag
                    if handler.headers.get("If-None-Match") == etag:
                        status, body = 304, b""
        self.hits.append(Hit(parts.path, parts.query, time.monotonic(), dict(handler.headers), status))
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        if "Content-Length" not in headers:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if status != 304:
            handler.wfile.write(body)

    def __enter__(self) -> PublisherServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
