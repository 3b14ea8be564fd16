"""A raw-socket server that misbehaves the way real servers do, one behaviour per path.

`/<behaviour>` or `/<behaviour>/anything` gets that behaviour; `/robots.txt` is a plain
404 (no rules), so each test is about one fault only. Behaviours:

500             HTTP 500 every time
429             HTTP 429 with Retry-After: 1 every time
reset           reads the request, then resets the connection (RST)
silent          accepts, reads the request and never answers
dribble         headers, then one byte every 0.5 s of a declared 100 kB body
file-redirect   302 to file:///etc/passwd
host-redirect   302 to another loopback host (not in the source's allowed_hosts)
gzip-bomb       Content-Encoding: gzip whose body inflates to 512 MiB
endless         a chunked response that never ends (8 KiB chunks, as fast as it can)
"""

from __future__ import annotations

import socket
import struct
import threading
import time
import zlib
from functools import lru_cache

BEHAVIOURS = ("500", "429", "reset", "silent", "dribble", "file-redirect", "host-redirect", "gzip-bomb", "endless")


@lru_cache(maxsize=1)
def gzip_bomb(inflated: int = 512 * 1024 * 1024) -> bytes:
    """A gzip stream of `inflated` zero bytes (about 0.5 MB on the wire)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    parts = [comp.compress(block) for _ in range(inflated // len(block))]
    parts.append(comp.flush())
    return b"".join(parts)


class HostileServer:
    """`with HostileServer("127.0.0.3") as srv:`; `srv.url`, `srv.hits` (paths requested)."""

    def __init__(self, host: str = "127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(64)
        self.host = host
        self.url = f"http://{host}:{self.sock.getsockname()[1]}"
        self.hits: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.open: list[socket.socket] = []

    def __enter__(self) -> HostileServer:
        gzip_bomb()  # built before serving (cached), so the bomb is not mistaken for a slow server
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.sock.close()
        for conn in self.open:
            try:
                conn.close()
            except OSError:
                pass

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.open.append(conn)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            request = b""
            while b"\r\n\r\n" not in request:
                data = conn.recv(4096)
                if not data:
                    return
                request += data
            path = request.split(b" ", 2)[1].decode()
            self.hits.append(path)
            behaviour = path.strip("/").split("/", 1)[0].split("?")[0]
            self._behave(conn, behaviour)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def _send(self, conn: socket.socket, status: str, headers: dict[str, str], body: bytes = b"") -> None:
        head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        conn.sendall(head.encode() + body)

    def _behave(self, conn: socket.socket, behaviour: str) -> None:
        if behaviour == "robots.txt":
            self._send(conn, "404 Not Found", {"Content-Length": "0", "Connection": "close"})
        elif behaviour == "500":
            self._send(conn, "500 Internal Server Error", {"Content-Length": "5", "Connection": "close"}, b"oops!")
        elif behaviour == "429":
            self._send(conn, "429 Too Many Requests", {"Retry-After": "1", "Content-Length": "0", "Connection": "close"})
        elif behaviour == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif behaviour == "silent":
            self.stop.wait(120)
        elif behaviour == "dribble":
            self._send(conn, "200 OK", {"Content-Type": "text/html", "Content-Length": "100000"})
            for _ in range(240):
                if self.stop.is_set():
                    return
                conn.sendall(b"<")
                time.sleep(0.5)
        elif behaviour == "file-redirect":
            self._send(conn, "302 Found", {"Location": "file:///etc/passwd", "Content-Length": "0", "Connection": "close"})
        elif behaviour == "host-redirect":
            self._send(conn, "302 Found", {"Location": "http://127.0.0.99:9/elsewhere", "Content-Length": "0"})
        elif behaviour == "gzip-bomb":
            body = gzip_bomb()
            self._send(
                conn,
                "200 OK",
                {"Content-Type": "text/html", "Content-Encoding": "gzip", "Content-Length": str(len(body)), "Connection": "close"},
                body,
            )
        elif behaviour == "endless":
            self._send(conn, "200 OK", {"Content-Type": "text/html", "Transfer-Encoding": "chunked"})
            chunk = b"2000\r\n" + b"a" * 0x2000 + b"\r\n"
            while not self.stop.is_set():
                conn.sendall(chunk)
        else:
            self._send(conn, "404 Not Found", {"Content-Length": "0", "Connection": "close"})
