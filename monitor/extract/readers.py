"""Bytes + content type -> normalised page texts, in this process: the readers the guarded
extraction children (monitor/extract/pool.py) run. PDFs with pypdfium2, pdfplumber where its text
layer fails; HTML reduced to its main text with BeautifulSoup; a kind's own `read_meta`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from monitor.extract.textnorm import join_pages, normalise_page

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
