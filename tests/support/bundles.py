"""Evidence bundles (from `monitor capture`, a first pass, or a broken listing) played back.

A bundle holds the publisher's answers byte for byte with their URLs; `replay` serves each
one at its path and query on a local PublisherServer, so an adapter pointed at that server
reads exactly what the publisher sent.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from publisher_server import PublisherServer

from monitor.evidence import Bundle, read_bundle


def replay(bundle: Bundle | Path, server: PublisherServer) -> Bundle:
    """Serve every answer of `bundle` on `server` (the first answer of a URL wins)."""
    if isinstance(bundle, Path):
        bundle = read_bundle(bundle)
    for answer in bundle.answers:
        parts = urlsplit(answer["url"])
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in server.routes:
            continue
        headers = {k: v for k, v in answer["headers"].items() if k.lower() in ("etag", "last-modified")}
        server.add(
            path,
            (bundle.path / answer["file"]).read_bytes(),
            content_type=answer["headers"].get("Content-Type", "application/octet-stream"),
            status=answer["status"],
            headers=headers,
            etag=False,
        )
    return bundle


def origin(url: str) -> str:
    """scheme://host:port of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
