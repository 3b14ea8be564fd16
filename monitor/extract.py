"""Bytes + content type -> normalised text, in a guarded child process.

PDFs are read with pypdfium2 (fast, measured in docs/BENCHMARKS.md) and, where its text
layer fails, pdfplumber. HTML is reduced to its main text with BeautifulSoup. A
publisher's own reader (Source.read_meta) runs in the same child, so `monitor extract
FILE --kind ofsted` and a pass read a document the same way.

The child has a memory cap (RLIMIT_AS) and a wall-clock timeout; a hostile document gives
a readable error, never a crashed pass.
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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from monitor.textnorm import join_pages, normalise_page

PDF_TYPES = {"application/pdf", "application/x-pdf"}
HTML_TYPES = {"text/html", "application/xhtml+xml"}
EMPTY_TEXT_MARKER = "[no text layer: the document may be scanned images]"
DEFAULT_TIMEOUT = 120.0
DEFAULT_MEMORY_MB = 1024
MAX_PAGES = 2000
#: Test hook, documented in worker_main: the child stalls when asked for a file of this name.
STALL_ENV = "MONITOR_EXTRACT_TEST_STALL_ON"


class TooManyPagesError(ValueError):
    """The PDF has more than MAX_PAGES pages; no reader is tried after this one."""


@dataclass
class Extracted:
    """The result of reading one document."""

    pages: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    content_type: str = ""
    error: str | None = None
    #: True when the document is readable but has no text (a scan)
    empty: bool = False
    extractor: str = ""

    @property
    def text(self) -> str:
        """All pages' normalised text, pages separated by form feeds."""
        return join_pages(self.pages)

    def to_json(self) -> dict[str, Any]:
        # the pages carry the text; sending it twice would double what crosses the pipe
        data = asdict(self)
        data["page_count"] = len(self.pages)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Extracted:
        return cls(
            pages=list(data.get("pages") or []),
            meta=dict(data.get("meta") or {}),
            content_type=data.get("content_type") or "",
            error=data.get("error"),
            empty=bool(data.get("empty")),
            extractor=data.get("extractor") or "",
        )


def sniff_content_type(path: Path, declared: str = "") -> str:
    """The real type of a file: its magic bytes first, then the declared type, then the name."""
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if head.lstrip().startswith(b"%PDF"):
        return "application/pdf"
    lowered = head.lower()
    if b"<html" in lowered or b"<!doctype html" in lowered:
        return "text/html"
    if lowered.lstrip().startswith(b"<?xml") or b"<rss" in lowered or b"<feed" in lowered:
        return declared if declared and "xml" in declared else "application/xml"
    if declared:
        return declared.split(";")[0].strip().lower()
    suffix = path.suffix.lower()
    return {".pdf": "application/pdf", ".html": "text/html", ".htm": "text/html", ".txt": "text/plain"}.get(
        suffix, "application/octet-stream"
    )


# -- the readers (run inside the child) -------------------------------------------------


def pdf_pages_pdfium(path: Path) -> list[str]:
    """Raw text of each page with pypdfium2."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        if len(pdf) > MAX_PAGES:
            raise TooManyPagesError(f"{len(pdf)} pages, more than the {MAX_PAGES}-page limit")
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return pages
    finally:
        pdf.close()


def pdf_pages_pdfplumber(path: Path) -> list[str]:
    """Raw text of each page with pdfplumber (slower; keeps layout better)."""
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise TooManyPagesError(f"{len(pdf.pages)} pages, more than the {MAX_PAGES}-page limit")
        pages = []
        for page in pdf.pages:
            pages.append(page.extract_text() or "")
            page.close()  # pdfplumber caches every page's objects; a 300-page pack needed GBs
        return pages


PDF_EXTRACTORS = {"pypdfium2": pdf_pages_pdfium, "pdfplumber": pdf_pages_pdfplumber}


def html_text(data: bytes) -> str:
    """The main text of an HTML page: scripts, styles, navigation, header and footer removed."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "lxml")
    for tag in soup(["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "svg"]):
        tag.decompose()
    root = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.body or soup
    blocks = []
    for element in root.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "th", "dt", "dd", "pre", "blockquote"]):
        if element.find(["p", "li", "td", "div", "h1", "h2", "h3", "h4", "table", "ul", "ol"]):
            continue
        text = element.get_text(" ", strip=True)
        if text:
            blocks.append(text)
    if not blocks:
        return root.get_text("\n", strip=True)
    return "\n".join(blocks)


def _describe_pdf_error(exc: BaseException, path: Path) -> str:
    message = str(exc) or type(exc).__name__
    lowered = message.lower()
    if "password" in lowered or "encrypt" in lowered:
        return "encrypted PDF: it needs a password to open"
    if path.stat().st_size == 0:
        return "empty file (0 bytes)"
    return f"unreadable PDF ({type(exc).__name__}: {message[:200]})"


def extract_here(path: Path, content_type: str = "", kind: str | None = None, pdf_extractor: str = "pypdfium2") -> Extracted:
    """Read a file in this process. Use `Extractor` (a guarded child) for untrusted input."""
    result = Extracted()
    try:
        size = path.stat().st_size
    except OSError as exc:
        return Extracted(error=f"cannot read {path}: {exc}")
    ctype = sniff_content_type(path, content_type)
    result.content_type = ctype
    if size == 0:
        result.error = "empty file (0 bytes)"
        return result
    declared = content_type.split(";")[0].strip().lower()
    if declared in PDF_TYPES and ctype in HTML_TYPES:
        # A "PDF" that is really HTML is an error, login or challenge page; reading it as the
        # document would store the publisher's error page as a version of the report.
        result.error = f"declared {declared} but the file is an HTML page (an error, login or challenge page?)"
        return result
    raw_pages: list[str]
    if ctype in PDF_TYPES:
        order = [pdf_extractor] + [name for name in PDF_EXTRACTORS if name != pdf_extractor]
        raw_pages = []
        errors = []
        for name in order:
            try:
                raw_pages = PDF_EXTRACTORS[name](path)
                result.extractor = name
                break
            except MemoryError:
                raise
            except TooManyPagesError as exc:
                # the other reader would count the same pages, only slower
                result.error = f"too many pages: {exc}"
                return result
            except Exception as exc:  # noqa: BLE001 - every library failure becomes a recorded error
                errors.append(_describe_pdf_error(exc, path))
        else:
            result.error = errors[0]
            return result
    elif ctype in HTML_TYPES:
        raw_pages = [html_text(path.read_bytes())]
        result.extractor = "beautifulsoup"
    elif ctype.startswith("text/") or ctype in ("application/json",):
        raw_pages = [path.read_bytes().decode("utf-8", errors="replace")]
        result.extractor = "text"
    else:
        result.error = f"unsupported content type {ctype!r}: stored, not read"
        return result
    result.pages = [normalise_page(page) for page in raw_pages]
    if not any(result.pages):
        result.empty = True
    if kind:
        from monitor.sources import source_class

        try:
            result.meta = source_class(kind).read_meta(result.pages, path) or {}
        except Exception as exc:  # noqa: BLE001 - a reader bug must not lose the text
            result.meta = {"meta_error": f"{type(exc).__name__}: {exc}"}
    return result


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


class Extractor:
    """A long-lived guarded child process that reads documents one at a time.

    Starting Python and pdf libraries per document would cost more than most documents take
    to read, so one child serves many; it is restarted after a timeout or crash.
    """

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB, pdf_extractor: str = "pypdfium2"):
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.pdf_extractor = pdf_extractor
        self._proc: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def _start(self) -> subprocess.Popen[str]:
        env = dict(os.environ, MONITOR_EXTRACT_MEMORY_MB=str(self.memory_mb))
        return subprocess.Popen(
            [sys.executable, "-m", "monitor.extract_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )

    def extract(self, path: Path, content_type: str = "", kind: str | None = None) -> Extracted:
        """Read one file in the child; errors come back in `Extracted.error`."""
        with self._lock:
            request = {"path": str(path), "content_type": content_type, "kind": kind, "pdf_extractor": self.pdf_extractor}
            # A child that died while idle (killed, or crashed after its last answer) is only
            # noticed on write; one fresh child gets the document before it counts as an error.
            for attempt in (1, 2):
                if self._proc is None or self._proc.poll() is not None:
                    self._proc = self._start()
                proc = self._proc
                assert proc.stdin and proc.stdout
                try:
                    proc.stdin.write(json.dumps(request) + "\n")
                    proc.stdin.flush()
                    break
                except (BrokenPipeError, OSError):
                    self._kill()
                    if attempt == 2:
                        return Extracted(error="the extraction process died before reading the document")
            deadline = time.monotonic() + self.timeout
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._kill()
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
                self._kill()
                return Extracted(
                    error=f"the extraction process died (exit {code}); the document may exceed the {self.memory_mb} MB memory cap"
                )
            try:
                return Extracted.from_json(json.loads(line))
            except (ValueError, TypeError, AttributeError) as exc:
                # the protocol is out of step: a fresh child is safer than guessing
                self._kill()
                return Extracted(error=f"the extraction process answered garbage: {type(exc).__name__}: {exc}")

    def _kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None

    def close(self) -> None:
        """Stop the child."""
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                assert self._proc.stdin
                self._proc.stdin.close()
                try:
                    self._proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
            self._proc = None

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
