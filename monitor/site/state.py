"""What the last build of a site wrote, so the next one rewrites only what changed.

The state sits beside the site (`<data_dir>/site-state.json` for the default `data/site/`), not
in it, so a published folder holds nothing but the site. It records, for every page, a digest
of what the page was made from (a document page: the document, its versions, its events, the
report before it, its finding's state and the code that draws it) or of the page itself
(everything else), and the digest of each search-index part. A build whose inputs give the
same digest leaves that page alone; anything else is written. The state is removed when a
build starts and written again when it ends, so a build cut short leaves no state and the next
one is a full rebuild: a page is never trusted to be up to date unless a whole build said so.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.fingerprint import code_fingerprint  # noqa: F401  (re-exported: the builder reads it here)

#: written into the state; a state of another version is not read (a full rebuild follows)
STATE_VERSION = 1


def state_path(out: Path) -> Path:
    """Where the state of the site in `out` is kept: beside it, `<out>-state.json`."""
    out = Path(out).resolve()
    return out.parent / f"{out.name}-state.json"


def quick_digest(code: str, inputs: Any) -> str:
    """A digest of a page's inputs (a document page's, or the view a list page is drawn from)
    by their repr: the same store read twice gives the same repr (dicts keep the order they
    were stored in, and no view holds a set), and it is several times quicker than JSON over
    twelve thousand documents."""
    return hashlib.sha1(f"{code}{inputs!r}".encode()).hexdigest()


@dataclass
class SiteState:
    """The pages and index parts one build wrote, with the digests they were written from."""

    out: str
    code: str
    #: relative path -> digest, for every page of the site
    pages: dict[str, str] = field(default_factory=dict)
    #: relative path -> digest of the file, for every part of the search index
    parts: dict[str, str] = field(default_factory=dict)
    #: the stored copies under files/ the site links
    files: list[str] = field(default_factory=list)
    #: how many hex digits of a document's digest name its index part (0: one part)
    part_digits: int = 0
    #: what the build did: mode, seconds, pages written, documents
    last_build: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path, out: Path, code: str) -> SiteState | None:
        """The state a finished build of `out` on this code left, or None (no state, another
        site, another version of the code, an unreadable file: the build is a full one)."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(raw, dict) or raw.get("version") != STATE_VERSION:
            return None
        if raw.get("out") != str(Path(out).resolve()) or raw.get("code") != code:
            return None
        pages, parts = raw.get("pages"), raw.get("parts")
        if not isinstance(pages, dict) or not isinstance(parts, dict) or not isinstance(raw.get("part_digits"), int):
            return None
        files = raw.get("files") if isinstance(raw.get("files"), list) else []
        return cls(raw["out"], code, pages, parts, files, raw["part_digits"], raw.get("last_build") or {})

    def write(self, path: Path) -> None:
        """Write the state in one rename."""
        body = {"version": STATE_VERSION, "out": self.out, "code": self.code, "part_digits": self.part_digits,
                "last_build": self.last_build, "pages": self.pages, "parts": self.parts, "files": self.files}
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(body, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
