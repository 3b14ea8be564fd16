"""Listing parses kept between passes, so a page that has not changed is not parsed again.

A warm pass mostly gets its listings back unchanged (a 304 answered from the HTTP cache's
copy). Parsing the same bytes again gives the same refs, so the parse is kept in
`<data dir>/cache/listings/`, one small JSON file per listing page of a source, and reused
while these are all the same: the adapter's kind and settings, the parse function and its
arguments, the page's address, content type and bytes (SHA-256), and the monitor's code
(monitor/fingerprint.py, so a fixed parser takes effect at once).

Rules:
- a parse that raised (ListingBrokenError...) is never kept: the next pass parses again and
  fails as loudly;
- a copy that cannot be read or decoded is ignored and the page parsed again, never an error;
- each listing page of a source has one file, replaced when anything above changes, and
  files unused for `KEEP_DAYS` are removed, so the folder does not grow without end;
- files are written to a temporary name and renamed into place: sources running side by
  side, or two processes, never see half a file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from monitor.fingerprint import code_fingerprint
from monitor.sources.parse_codec import Unencodable, decode, encode

log = logging.getLogger(__name__)

T = TypeVar("T")

#: the file layout; a file of another format is ignored
FORMAT = 1
#: a listing page's file not rewritten for this long is removed (its source or page is gone,
#: or it has been unchanged so long that one more parse costs nothing)
KEEP_DAYS = 30
#: a temporary file older than this was left by a process that died while writing
STALE_TEMP_SECONDS = 3600
#: how often one process looks through the folder for files to remove
PRUNE_EVERY_SECONDS = 3600
_TEMP_PREFIX = ".tmp-"
#: argument types that identify a parse's inputs by their repr
_ARG_TYPES = (str, int, float, bool, type(None))


def listing_cache_dir(data_dir: Path) -> Path:
    """Where a data directory keeps its listings' parses."""
    return data_dir / "cache" / "listings"


class ListingCache:
    """The kept parses of one data directory. Thread-safe; `hits` and `misses` count, for
    this process, the parses reused and the parses run."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self._made = False

    def parsed(
        self,
        *,
        source: str,
        identity: str,
        url: str,
        content_type: str,
        slot: str | None = None,
        sha256: str,
        parse: Callable[..., T],
        read_body: Callable[[], Any],
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> T:
        """`parse(read_body(), *args, **kwargs)`, reused from an earlier pass when every
        input is the same (the body is only read when the parse runs).

        source: the source's name (with `slot`, else `url`, it names the file).
        identity: what else decides the parse: the adapter's kind and settings, as text.
        sha256: the digest of the body's bytes.
        args, kwargs: the parse's other inputs; plain values only (text, numbers, None).
        """
        kwargs = kwargs or {}
        for value in (*args, *kwargs.values()):
            if type(value) not in _ARG_TYPES:
                raise TypeError(f"a kept parse's arguments must be plain values, not {type(value).__name__}")
        qualname = getattr(parse, "__qualname__", None)
        if qualname is None or "<lambda>" in qualname or "<locals>" in qualname:
            # a partial, a lambda or a closure carries inputs its name does not tell
            raise TypeError("a kept parse must be a function or method named in its module")
        name = f"{parse.__module__}.{qualname}"
        path = self.folder / (_digest([source, name, slot or url])[:40] + ".json")
        key = _digest([identity, name, repr(args), repr(sorted(kwargs.items())), url, content_type, sha256, code_fingerprint()])
        found = self._read(path, key)
        if found is not None:
            with self._lock:
                self.hits += 1
            return found[0]
        with self._lock:
            self.misses += 1
        # a parse that raises leaves the file as it was: no result, nothing kept
        result = parse(read_body(), *args, **kwargs)
        self._write(path, key, result)
        return result

    def _read(self, path: Path, key: str) -> tuple[Any] | None:
        """(the kept parse,) when the file holds one for `key`; None otherwise, for whatever
        reason (absent, another key, damaged, unreadable)."""
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except Exception as exc:  # noqa: BLE001 - unreadable, not JSON, nested past the limit...
            log.debug("listing cache %s unreadable, parsing again: %s", path, exc)
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key or "value" not in data:
            return None
        try:
            return (decode(data["value"]),)
        except Exception as exc:  # noqa: BLE001 - a damaged copy is only a reason to parse again
            log.debug("listing cache %s does not decode, parsing again: %s", path, exc)
            return None

    def _write(self, path: Path, key: str, result: Any) -> None:
        """Keep a parse (atomically); a parse the codec cannot keep exactly, or a disk that
        refuses, only means parsing again next time."""
        try:
            text = json.dumps({"format": FORMAT, "key": key, "value": encode(result)}, ensure_ascii=False)
        except (Unencodable, ValueError, RecursionError) as exc:
            log.debug("listing parse for %s not kept: %s", path.name, exc)
            return
        temp: str | None = None
        try:
            if not self._made:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._made = True
            fd, temp = tempfile.mkstemp(dir=self.folder, prefix=_TEMP_PREFIX)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(temp, path)
            temp = None
        except OSError as exc:
            log.warning("could not keep a listing's parse in %s: %s", self.folder, exc)
        finally:
            if temp is not None:
                Path(temp).unlink(missing_ok=True)

    def prune_now_and_then(self) -> int:
        """`prune()`, at most once an hour per folder in one process: the daemon starts a pass
        for each source's job, and one look at the folder an hour is plenty."""
        key = str(self.folder)
        now = time.monotonic()
        with _PRUNED_LOCK:
            if now - _PRUNED.get(key, float("-inf")) < PRUNE_EVERY_SECONDS:
                return 0
            _PRUNED[key] = now
        return self.prune()

    def prune(self, *, keep_days: float = KEEP_DAYS, now: float | None = None) -> int:
        """Remove the files not rewritten for `keep_days` and temporary files left by a dead
        process; how many were removed. Never fails: a file that cannot go stays."""
        now = time.time() if now is None else now
        removed = 0
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return 0
        for entry in entries:
            try:
                age = now - entry.stat().st_mtime
                stale = age > STALE_TEMP_SECONDS if entry.name.startswith(_TEMP_PREFIX) else age > keep_days * 86400
                if stale and entry.is_file():
                    os.unlink(entry.path)
                    removed += 1
            except OSError:
                continue
        return removed


#: folder -> when this process last pruned it (time.monotonic())
_PRUNED: dict[str, float] = {}
_PRUNED_LOCK = threading.Lock()


def _digest(parts: list[str]) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()
