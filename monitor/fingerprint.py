"""A digest of the monitor's own code, for whatever is kept on disk between passes that the
code made (the site's pages, the listings' parses): a new version of the code makes every
such copy stale at once, so a fix takes effect on the next pass without anyone clearing a
folder by hand.

It lives outside monitor/site so the pipeline can use it without importing the site builder.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

_MONITOR = Path(__file__).resolve().parent
_code: str | None = None


def code_fingerprint() -> str:
    """A digest of the code and templates of the monitor (every source file of the package,
    since the site's words come from the publishers' profiles as well as its own modules, and
    a listing's parse from the adapters and their helpers): an upgrade makes every kept copy
    stale, a pass on the same code reuses them. Computed once per process."""
    global _code
    if _code is None:
        digest = hashlib.sha256()
        try:
            digest.update(metadata.version("report-monitor").encode())
        except metadata.PackageNotFoundError:
            pass
        for path in sorted(p for p in _MONITOR.rglob("*") if p.suffix in (".py", ".j2", ".css", ".js") and p.is_file()):
            digest.update(str(path.relative_to(_MONITOR)).encode())
            digest.update(path.read_bytes())
        _code = digest.hexdigest()
    return _code
