"""A real HTTP receiver on 127.0.0.1 standing in for a JSON webhook service that Apprise
posts to (`json://127.0.0.1:PORT/path`): it keeps every POST and answers with `status`.

`accepted` holds the POSTs it answered 2xx (the ones a real service would have taken);
`posts` holds every POST that arrived. With `hold` set it waits before answering, so a test
can kill the sender while its request is in the air.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class WebhookReceiver:
    """`with WebhookReceiver() as hook:` ... `hook.url`, `hook.accepted`, `hook.status = 503`."""

    def __init__(self, port: int = 0):
        self.status = 200
        self.posts: list[dict[str, Any]] = []
        self.accepted: list[dict[str, Any]] = []
        self.hold = False
        self.arrived = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                post = {"path": self.path, "headers": dict(self.headers), "json": body, "raw": raw}
                with receiver._lock:
                    receiver.posts.append(post)
                receiver.arrived.set()
                if receiver.hold:
                    receiver.release.wait(60)
                status = receiver.status
                if 200 <= status < 300:
                    with receiver._lock:
                        receiver.accepted.append(post)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"ok": true}' if status < 300 else b'{"error": "unavailable"}')
                except OSError:
                    pass  # the sender is gone (killed): nothing to answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
