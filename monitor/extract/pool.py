"""Bytes + content type -> normalised text, in guarded child processes.

The readers themselves are in monitor/extract/readers.py (PDFs with pypdfium2, pdfplumber
where its text layer fails; HTML with BeautifulSoup; a publisher's own `read_meta` in the
same child, so `monitor extract FILE --kind ofsted` and a pass read a document the same way).

Each child has a memory cap (RLIMIT_AS) and a wall-clock timeout; a hostile document gives
a readable error, never a crashed pass. `Extractor` keeps a small pool of them (sized from
the CPU count and the memory cap), so documents from sources read side by side are read side
by side too.
"""

from __future__ import annotations

import json
import os
import resource
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

from monitor.extract.readers import (
    DEFAULT_MEMORY_MB,
    DEFAULT_TIMEOUT,
    EMPTY_TEXT_MARKER,
    HTML_TYPES,
    MAX_PAGES,
    PDF_EXTRACTORS,
    PDF_TYPES,
    STALL_ENV,
    Extracted,
    TooManyPagesError,
    extract_here,
    html_text,
    pdf_pages_pdfium,
    pdf_pages_pdfplumber,
    sniff_content_type,
)

__all__ = [  # the readers' names stay importable from here
    "DEFAULT_MEMORY_MB", "DEFAULT_TIMEOUT", "EMPTY_TEXT_MARKER", "HTML_TYPES", "MAX_PAGES", "PDF_EXTRACTORS",
    "PDF_TYPES", "STALL_ENV", "Extracted", "Extractor", "TooManyPagesError", "extract_here", "html_text",
    "pdf_pages_pdfium", "pdf_pages_pdfplumber", "pool_size", "sniff_content_type", "worker_main",
]

# -- the guarded child ------------------------------------------------------------------


def _limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def worker_main() -> None:
    """The child's loop: one JSON request per line on stdin, one JSON answer per line out.

    Test hook: when the environment variable MONITOR_EXTRACT_TEST_STALL_ON names a file
    (its base name), the child sleeps for an hour instead of reading that file, so tests can
    prove the parent's timeout without a genuinely slow document. Unset, it costs nothing.
    """
    memory_mb = int(os.environ.get("MONITOR_EXTRACT_MEMORY_MB", DEFAULT_MEMORY_MB))
    if memory_mb > 0:
        _limit_memory(memory_mb)
    stall_on = os.environ.get(STALL_ENV)
    out = sys.stdout
    sys.stdout = sys.stderr  # a library printing must not corrupt the protocol
    for line in sys.stdin:
        request = json.loads(line)
        if stall_on and Path(request["path"]).name == stall_on:
            time.sleep(3600)
        try:
            result = extract_here(
                Path(request["path"]), request.get("content_type", ""), request.get("kind"), request.get("pdf_extractor", "pypdfium2")
            )
        except MemoryError:
            result = Extracted(error=f"out of memory: the document needs more than the {memory_mb} MB cap")
        except Exception as exc:  # noqa: BLE001
            result = Extracted(error=f"extraction failed: {type(exc).__name__}: {exc}")
        out.write(json.dumps(result.to_json()) + "\n")
        out.flush()


class _Child:
    """One guarded child process reading documents one at a time; restarted after a timeout
    or crash. Not thread-safe: the pool hands it to one caller at a time."""

    def __init__(self, timeout: float, memory_mb: int, pdf_extractor: str):
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.pdf_extractor = pdf_extractor
        self.proc: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        env = dict(os.environ, MONITOR_EXTRACT_MEMORY_MB=str(self.memory_mb))
        return subprocess.Popen(
            [sys.executable, "-m", "monitor.extract.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )

    def extract(self, path: Path, content_type: str, kind: str | None) -> Extracted:
        request = {"path": str(path), "content_type": content_type, "kind": kind, "pdf_extractor": self.pdf_extractor}
        # A child that died while idle (killed, or crashed after its last answer) is only
        # noticed on write; one fresh child gets the document before it counts as an error.
        for attempt in (1, 2):
            if self.proc is None or self.proc.poll() is not None:
                self.proc = self._start()
            proc = self.proc
            assert proc.stdin and proc.stdout
            try:
                proc.stdin.write(json.dumps(request) + "\n")
                proc.stdin.flush()
                break
            except (BrokenPipeError, OSError):
                self.kill()
                if attempt == 2:
                    return Extracted(error="the extraction process died before reading the document")
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                return Extracted(error=f"extraction timed out after {self.timeout:g}s")
            ready, _, _ = select.select([proc.stdout], [], [], remaining)
            if ready:
                break
        line = proc.stdout.readline()
        if not line:
            try:
                code: int | str = proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = "unknown"
            self.kill()
            return Extracted(
                error=f"the extraction process died (exit {code}); the document may exceed the {self.memory_mb} MB memory cap"
            )
        try:
            return Extracted.from_json(json.loads(line))
        except (ValueError, TypeError, AttributeError) as exc:
            # the protocol is out of step: a fresh child is safer than guessing
            self.kill()
            return Extracted(error=f"the extraction process answered garbage: {type(exc).__name__}: {exc}")

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            assert self.proc.stdin
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


#: more children than this buys little (the pass's own threads and the store become the limit)
MAX_CHILDREN = 4
#: the environment variable that fixes the pool's size (benchmarks: 1, 2, all cores)
CHILDREN_ENV = "MONITOR_EXTRACT_CHILDREN"


def pool_size(memory_mb: int = DEFAULT_MEMORY_MB) -> int:
    """How many children to keep: one per CPU, at most MAX_CHILDREN, and no more than half of
    the machine's memory divided by each child's cap (so capped children cannot, together,
    push the machine into swap); MONITOR_EXTRACT_CHILDREN overrides."""
    fixed = os.environ.get(CHILDREN_ENV, "").strip()
    if fixed.isdigit() and int(fixed) > 0:
        return int(fixed)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024)
    except (ValueError, OSError, AttributeError):
        memory = 0
    by_memory = max(1, memory // (2 * memory_mb)) if memory and memory_mb > 0 else MAX_CHILDREN
    return max(1, min(cpus, MAX_CHILDREN, by_memory))


class Extractor:
    """A pool of long-lived guarded children that read documents, one document per child at
    a time; callers on several threads are served side by side.

    Starting Python and pdf libraries per document would cost more than most documents take
    to read, so each child serves many. Children start only when every running one is busy
    (a pass that reads nothing starts none); the one used last is handed out first, so a
    single caller keeps to one child.
    """

    def __init__(
        self,
        timeout: float = DEFAULT_TIMEOUT,
        memory_mb: int = DEFAULT_MEMORY_MB,
        pdf_extractor: str = "pypdfium2",
        *,
        children: int | None = None,
    ):
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.pdf_extractor = pdf_extractor
        self.size = max(1, children if children is not None else pool_size(memory_mb))
        self._idle: list[_Child] = []
        self._all: list[_Child] = []
        self._last: _Child | None = None
        self._available = threading.Condition()

    @property
    def _proc(self) -> subprocess.Popen[str] | None:
        """The process of the child used last (tests kill it to prove it is replaced)."""
        return self._last.proc if self._last is not None else None

    def _acquire(self) -> _Child:
        with self._available:
            while True:
                if self._idle:
                    return self._idle.pop()
                if len(self._all) < self.size:
                    child = _Child(self.timeout, self.memory_mb, self.pdf_extractor)
                    self._all.append(child)
                    return child
                self._available.wait()

    def _release(self, child: _Child) -> None:
        with self._available:
            self._idle.append(child)
            self._last = child
            self._available.notify()

    def extract(self, path: Path, content_type: str = "", kind: str | None = None) -> Extracted:
        """Read one file in a child; errors come back in `Extracted.error`. Thread-safe."""
        child = self._acquire()
        try:
            return child.extract(path, content_type, kind)
        finally:
            self._release(child)

    def close(self) -> None:
        """Stop the children (waiting for any still reading to finish)."""
        with self._available:
            while len(self._idle) < len(self._all):
                self._available.wait()
            for child in self._all:
                child.close()

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
