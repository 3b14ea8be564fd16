"""Guarded extraction against real documents, good and hostile.

Documents are generated at test time (reportlab for real PDFs, a few lines of hand-written
PDF syntax for the decompression bomb) into tmp_path; the two small hand-written files in
tests/extract/fixtures/bad_documents/ are described in its README. Every bad document must come
back as a readable error (or `empty` for a scan) and the same Extractor must then read the
next good document.
"""

from __future__ import annotations

import os
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
import reportlab
from reportlab.lib import pdfencrypt
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from monitor.extract.pool import (
    EMPTY_TEXT_MARKER,
    MAX_PAGES,
    STALL_ENV,
    Extracted,
    Extractor,
    extract_here,
    sniff_content_type,
)

BAD = Path(__file__).parent / "fixtures" / "bad_documents"
REPORT_LINES = [
    ["Harrow Council inspection of children's social care services", "Overall effectiveness: Good"],
    ["The experiences and progress of children in care: Requires improvement to be good"],
    ["Leaders have a clear plan", "Date of inspection: 04 March 2025"],
]
VERA = "Vera"
pdfmetrics.registerFont(TTFont(VERA, os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")))


def make_pdf(path: Path, pages: list[list[str]], *, font: str = "Helvetica", title: str = "", **kwargs: object) -> Path:
    """A real PDF with one drawn line per string, top to bottom."""
    pdf = canvas.Canvas(str(path), **kwargs)  # type: ignore[arg-type]
    if title:
        pdf.setTitle(title)
    for lines in pages:
        pdf.setFont(font, 12)
        for row, line in enumerate(lines):
            pdf.drawString(72, 720 - 18 * row, line)
        pdf.showPage()
    pdf.save()
    return path


def make_bomb(path: Path, inflated_mb: int) -> Path:
    """A one-page PDF whose content stream is ~1 MB of flate that inflates to `inflated_mb` MB."""
    packer = zlib.compressobj(9)
    block = b" " * (1 << 20)
    stream = b"".join(packer.compress(block) for _ in range(inflated_mb)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


@pytest.fixture(scope="module")
def extractor():
    """One long-lived guarded child shared by the module, as a pass would use it."""
    with Extractor(timeout=30, memory_mb=1024) as ex:
        yield ex


@pytest.fixture
def good_pdf(tmp_path) -> Path:
    return make_pdf(tmp_path / "good.pdf", REPORT_LINES)


def assert_good(result: Extracted) -> None:
    """The good report read completely and correctly."""
    assert result.error is None
    assert result.empty is False
    assert result.content_type == "application/pdf"
    assert result.pages == ["\n".join(lines) for lines in REPORT_LINES]
    assert result.text.split("\f")[1] == "The experiences and progress of children in care: Requires improvement to be good"


# -- good documents ----------------------------------------------------------------------


def test_good_pdf_pages_and_text(extractor, good_pdf):
    result = extractor.extract(good_pdf, "application/pdf")
    assert_good(result)
    assert result.extractor == "pypdfium2"
    assert result.meta == {}
    data = result.to_json()
    assert data["page_count"] == 3
    assert Extracted.from_json(data) == result


def test_pdfplumber_reads_the_same_text(good_pdf):
    with Extractor(timeout=30, pdf_extractor="pdfplumber") as ex:
        result = ex.extract(good_pdf)
    assert_good(result)
    assert result.extractor == "pdfplumber"


def test_ligatures_quotes_and_hyphenation_normalised(tmp_path):
    lines = [
        "The council \ufb01nds the \ufb02oor plan \u201cadequate\u201d and the team\u2019s work",
        "needs improve-",
        "ment in Anti-",
        "Social behaviour",
    ]
    pdf = make_pdf(tmp_path / "ligatures.pdf", [lines], font=VERA)
    expected = "The council finds the floor plan \"adequate\" and the team's work\nneeds improvement in Anti-\nSocial behaviour"
    for reader in ("pypdfium2", "pdfplumber"):
        result = extract_here(pdf, "application/pdf", pdf_extractor=reader)
        assert result.error is None
        assert result.pages == [expected], reader


def test_identical_rerender_gives_identical_text(tmp_path):
    first = make_pdf(tmp_path / "a.pdf", REPORT_LINES, title="render one")
    second = make_pdf(tmp_path / "b.pdf", REPORT_LINES, title="render two", pageCompression=1)
    assert first.read_bytes() != second.read_bytes()
    with Extractor(timeout=30) as ex:
        one, two = ex.extract(first), ex.extract(second)
    assert one.error is None and two.error is None
    assert one.text == two.text
    assert one.pages == ["\n".join(lines) for lines in REPORT_LINES]


def test_html_page_reduced_to_main_text(tmp_path):
    page = tmp_path / "decision.html"
    page.write_text(
        "<html><head><title>t</title><style>p{}</style><script>var x=1;</script></head><body>"
        "<nav><li>Home</li></nav><header>Site header</header>"
        "<main><h1>London Borough of Harrow (23 001 234)</h1><p>We found fault causing injustice.</p>"
        "<ul><li>Remedy: apology</li></ul></main><footer>Cookies</footer></body></html>"
    )
    result = extract_here(page, "text/html")
    assert result.error is None
    assert result.extractor == "beautifulsoup"
    assert result.pages == ["London Borough of Harrow (23 001 234)\nWe found fault causing injustice.\nRemedy: apology"]


# -- bad documents: each gives a readable error, and the next document still reads -------


def _truncated(tmp_path: Path) -> Path:
    whole = make_pdf(tmp_path / "whole.pdf", REPORT_LINES).read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    return path


def _encrypted(tmp_path: Path) -> Path:
    return make_pdf(
        tmp_path / "encrypted.pdf", REPORT_LINES, encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner")
    )


def _zero_bytes(tmp_path: Path) -> Path:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    return path


def _too_many_pages(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "many.pdf", [["x"]] * (MAX_PAGES + 1))


BAD_CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "truncated": (_truncated, "unreadable PDF (PdfiumError"),
    "encrypted": (_encrypted, "encrypted PDF: it needs a password to open"),
    "zero bytes": (_zero_bytes, "empty file (0 bytes)"),
    "too many pages": (_too_many_pages, f"too many pages: {MAX_PAGES + 1} pages, more than the {MAX_PAGES}-page limit"),
    "html served as pdf": (
        lambda _: BAD / "html_error_page.pdf",
        "declared application/pdf but the file is an HTML page",
    ),
    "garbage after a pdf header": (lambda _: BAD / "not_a_pdf.pdf", "unreadable PDF"),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_document_gives_readable_error_then_next_reads(extractor, tmp_path, good_pdf, case):
    make, expected = BAD_CASES[case]
    result = extractor.extract(make(tmp_path), "application/pdf")
    assert result.error is not None and result.error.startswith(expected), result.error
    assert result.pages == []
    assert result.empty is False
    assert_good(extractor.extract(good_pdf, "application/pdf"))


def test_encrypted_with_owner_password_only_still_reads(extractor, tmp_path):
    # permissions-only encryption (no user password) is common on council PDFs and must read
    pdf = make_pdf(
        tmp_path / "owner.pdf", REPORT_LINES, encrypt=pdfencrypt.StandardEncryption("", ownerPassword="o", canCopy=0)
    )
    assert_good(extractor.extract(pdf, "application/pdf"))


def test_image_only_pdf_is_empty_not_an_error(extractor, tmp_path, good_pdf):
    scan = canvas.Canvas(str(tmp_path / "scan.pdf"))
    scan.setFillGray(0.3)
    scan.rect(72, 72, 400, 600, fill=1)
    scan.showPage()
    scan.save()
    result = extractor.extract(tmp_path / "scan.pdf", "application/pdf")
    assert result.error is None
    assert result.empty is True
    assert result.pages == [""]
    assert result.text == ""
    assert EMPTY_TEXT_MARKER.startswith("[no text layer")
    assert_good(extractor.extract(good_pdf))


def test_missing_file_is_an_error(extractor, tmp_path, good_pdf):
    result = extractor.extract(tmp_path / "gone.pdf")
    assert result.error is not None and result.error.startswith("cannot read")
    assert_good(extractor.extract(good_pdf))


def test_decompression_bomb_hits_memory_cap_then_next_reads(tmp_path, good_pdf):
    bomb = make_bomb(tmp_path / "bomb.pdf", inflated_mb=400)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with Extractor(timeout=30, memory_mb=300) as ex:
        started = time.monotonic()
        result = ex.extract(bomb, "application/pdf")
        assert time.monotonic() - started < 20
        assert result.error is not None
        assert "300 MB" in result.error, result.error
        assert result.pages == []
        # the child died; a fresh one reads the next document under the same cap
        assert_good(ex.extract(good_pdf, "application/pdf"))


def test_timeout_kills_the_child_and_next_reads(tmp_path, good_pdf, monkeypatch):
    monkeypatch.setenv(STALL_ENV, "stall.pdf")
    stall = make_pdf(tmp_path / "stall.pdf", REPORT_LINES)
    with Extractor(timeout=1.0) as ex:
        started = time.monotonic()
        result = ex.extract(stall)
        elapsed = time.monotonic() - started
        assert result.error == "extraction timed out after 1s"
        assert result.pages == []
        assert 1.0 <= elapsed < 5, elapsed
        assert_good(ex.extract(good_pdf))


def test_html_declared_as_html_is_read(tmp_path):
    result = extract_here(BAD / "html_error_page.pdf", "text/html")
    assert result.error is None
    assert result.content_type == "text/html"
    assert result.pages == ["Page not found\nThe page you requested could not be found."]


def test_sniff_content_type(tmp_path, good_pdf):
    assert sniff_content_type(good_pdf, "application/octet-stream") == "application/pdf"
    assert sniff_content_type(BAD / "html_error_page.pdf", "application/pdf") == "text/html"
    note = tmp_path / "note.txt"
    note.write_text("plain words")
    assert sniff_content_type(note) == "text/plain"
    assert sniff_content_type(note, "text/csv; charset=utf-8") == "text/csv"


def test_unsupported_type_is_stored_not_read(tmp_path):
    blob = tmp_path / "sheet.xlsx"
    blob.write_bytes(b"PK\x03\x04 not really a spreadsheet")
    result = extract_here(blob, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert result.error is not None and result.error.startswith("unsupported content type")
    assert result.pages == []


def test_child_killed_between_documents_is_replaced(good_pdf):
    with Extractor(timeout=30) as ex:
        assert_good(ex.extract(good_pdf))
        child = ex._proc
        assert child is not None
        child.kill()  # a child this test started, as the OOM killer or an operator might
        child.wait()
        assert_good(ex.extract(good_pdf))
        assert ex._proc is not None and ex._proc.pid != child.pid
