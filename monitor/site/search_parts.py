"""The client-side search index, in parts: `search/index-<p>.js`, each holding the documents
whose page name's digest begins with <p>, one document a line. A pass that finds ten documents
rewrites the parts they fall in, not the whole index; a part is rewritten from the lines it
already holds (checked against the digest the last build recorded) and the new documents'
lines, so only the changed documents' texts are read from the store.

Each part is a script (`window.MONITOR_SEARCH_PARTS.push([...])`) rather than JSON to fetch,
because browsers refuse fetch() on file:// and the site must work offline."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from monitor.deliver.labels import publisher_label
from monitor.site import pages
from monitor.site.data import SiteDocument
from monitor.site.files import write_text
from monitor.site.words import day

#: text of one document kept in the client-side search index; beyond it the page is cut, so a
#: published index stays a size a browser loads (docs/SITE.md)
MAX_INDEX_CHARS = 60_000
FOLDER = "search"
HEAD = "(window.MONITOR_SEARCH_PARTS = window.MONITOR_SEARCH_PARTS || []).push([\n"
TAIL = "\n]);\n"
_URL = re.compile(r'^\{"url":"documents/([^"]+)\.html"')


def part_digits(documents: int) -> int:
    """How many hex digits name a part: one part for a small record, 16 past 500 documents,
    256 past 8,000, so a part stays a few hundred documents (a part is what one change
    rewrites) and the number of files stays what a browser loads at once."""
    return 0 if documents <= 500 else 1 if documents <= 8_000 else 2


def part_name(slug: str, digits: int) -> str:
    """The index part the line of the document with page name `slug` is in, relative to the
    site's root."""
    # the slug ends with ten hex digits of the (source, key) digest: spread evenly, and stable
    return f"{FOLDER}/index-{slug[-10:][:digits]}.js" if digits else f"{FOLDER}/index.js"


def entry(doc: SiteDocument) -> dict[str, Any]:
    """Title and page texts of one document; a page seen in a newer version is not repeated
    for an older one, so an old version's chunks are what it alone said. The versions' texts
    must be read."""
    seen: set[str] = set()
    chunks: list[list[Any]] = []
    budget = MAX_INDEX_CHARS
    for v in reversed(doc.versions):
        for number, page in enumerate(v.pages or [], start=1):
            text = " ".join(page.split())
            if not text or text in seen or budget <= 0:
                continue
            seen.add(text)
            chunks.append([v.number, number, text[:budget]])
            budget -= len(text)
    if not chunks:
        chunks.append([doc.versions[-1].number if doc.versions else 1, 1, ""])
    return {
        "url": pages.doc_link(doc),
        "title": doc.title,
        "publisher": publisher_label(doc.source_kind),
        "date": doc.when.isoformat(),
        "when": day(doc.when),
        "chunks": chunks,
    }


def entry_line(doc: SiteDocument) -> str:
    """A document's line in its part ("</" cannot end the script early: escaped)."""
    return json.dumps(entry(doc), ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def file_digest(path: Path) -> str | None:
    """A part as written: its size and modification time, or None if it is not there. A part
    changed or replaced since (by hand, or a build cut short) tells by either; reading every
    part's bytes to hash them would make each update read the whole index."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return f"{stat.st_size}-{stat.st_mtime_ns}"


def read_lines(path: Path) -> dict[str, str]:
    """Slug -> line of a part written by this module."""
    text = path.read_text(encoding="utf-8")
    body = text[len(HEAD) : len(text) - len(TAIL)] if text.startswith(HEAD) and text.endswith(TAIL) else ""
    out = {}
    for line in body.split(",\n") if body else []:
        match = _URL.match(line)
        if match:
            out[match.group(1)] = line
    return out


class PartWriter:
    """Writes the index parts. Whole (every part from every document, streamed to temporary
    files in the documents' order, so memory does not follow the size of the index) or
    incrementally (only the parts holding a changed or removed document)."""

    def __init__(self, out: Path, digits: int, order: list[SiteDocument], previous: dict[str, str] | None):
        self.out = out
        self.digits = digits
        self.whole = previous is None
        self.previous = previous or {}
        self.groups: dict[str, list[SiteDocument]] = {}
        for doc in order:
            self.groups.setdefault(part_name(doc.slug, digits), []).append(doc)
        self.fresh: dict[str, str] = {}
        self.touched: set[str] = set()
        self._files: dict[str, tuple[IO[str], str]] = {}

    def add(self, doc: SiteDocument) -> None:
        """A document whose line is (re)written; whole builds must add in the documents' order."""
        name = part_name(doc.slug, self.digits)
        line = entry_line(doc)
        if not self.whole:
            self.fresh[doc.slug] = line
            self.touched.add(name)
            return
        if name not in self._files:
            (self.out / FOLDER).mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".index.", suffix=".tmp", dir=self.out / FOLDER)
            fh = os.fdopen(fd, "w", encoding="utf-8")
            fh.write(HEAD + line)
            self._files[name] = (fh, tmp)
        else:
            self._files[name][0].write(",\n" + line)

    def removed(self, names: Iterable[str]) -> None:
        """Parts that held a document no longer in the store."""
        self.touched.update(names)

    def finish(self, read_texts: Callable[[list[SiteDocument]], None], forget: Callable[[list[SiteDocument]], None]) -> dict[str, str]:
        """Write the parts; returns part -> digest for every part of the site (a part whose
        file is missing or not what the last build wrote is rebuilt from the store)."""
        digests: dict[str, str] = {}
        if self.whole:
            for name, (fh, tmp) in self._files.items():
                fh.write(TAIL)
                fh.close()
                os.replace(tmp, self.out / name)
            for name in self.groups:
                digests[name] = file_digest(self.out / name) or ""
            self._remove_others(set(self.groups))
            return digests
        for name in self.groups:
            if self.previous.get(name) is None or file_digest(self.out / name) != self.previous[name]:
                self.touched.add(name)
        for name in self.touched:
            docs = self.groups.get(name)
            path = self.out / name
            if not docs:
                path.unlink(missing_ok=True)
                continue
            kept = read_lines(path) if path.exists() and file_digest(path) == self.previous.get(name) else {}
            missing = [d for d in docs if d.slug not in self.fresh and d.slug not in kept]
            if missing:
                read_texts(missing)
                for doc in missing:
                    kept[doc.slug] = entry_line(doc)
                forget(missing)
            lines = [self.fresh.get(d.slug) or kept[d.slug] for d in docs]
            write_text(path, HEAD + ",\n".join(lines) + TAIL)
        for name in self.groups:
            digests[name] = self.previous[name] if name not in self.touched else file_digest(self.out / name) or ""
        return digests

    def _remove_others(self, keep: set[str]) -> None:
        folder = self.out / FOLDER
        if folder.is_dir():
            for path in folder.glob("*.js"):
                if f"{FOLDER}/{path.name}" not in keep:
                    path.unlink()
        # the single index file of sites built before the index came in parts
        (self.out / "search-index.js").unlink(missing_ok=True)
