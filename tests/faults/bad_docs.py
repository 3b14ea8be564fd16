"""A corpus of hostile documents, generated at test time (nothing big is kept in git).

`corpus()` gives (name, content type, bytes, what a pass must make of it). Expectations are
either ("error", fragment): the document is kept and its error names the problem, or
("text", fragment): it is read, and its stored text contains the fragment.
"""

from __future__ import annotations

import io
import random
import zlib

from pdfs import make_pdf
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

GOOD_TEXT = "Inspection of children's social care services: the council requires improvement."


def _pdf_objects(objects: list[bytes]) -> bytes:
    """A PDF file from raw object bodies (1-based numbering) with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def decompression_bomb_pdf(inflated_mb: int = 700) -> bytes:
    """One page whose content stream is ~1 MB of Flate that inflates to `inflated_mb` MiB."""
    comp = zlib.compressobj(9)
    block = b" " * (1 << 20)
    stream = b"".join(comp.compress(block) for _ in range(inflated_mb)) + comp.flush()
    return _pdf_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        ]
    )


def page_tree_loop_pdf() -> bytes:
    """A /Pages node that lists itself as its own kid."""
    return _pdf_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )


def encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt="not-the-publishers-password")
    pdf.drawString(60, 800, "Secret text that must not be readable without the password.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def many_pages_pdf(pages: int = 2001) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for _ in range(pages):
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def image_only_pdf() -> bytes:
    """A 'scan': a page with drawn shapes and no text layer."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for i in range(20):
        pdf.rect(50 + i * 10, 500, 8, 200, fill=1)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def corpus() -> list[tuple[str, str, bytes, tuple[str, str]]]:
    """The hostile documents: (file name, declared content type, bytes, expectation)."""
    rng = random.Random(7)
    good = make_pdf([GOOD_TEXT, "Second page."])
    pdf = "application/pdf"
    return [
        ("empty.pdf", pdf, b"", ("error", "empty file (0 bytes)")),
        ("truncated.pdf", pdf, good[: len(good) // 2], ("error", "unreadable PDF")),
        ("encrypted.pdf", pdf, encrypted_pdf(), ("error", "encrypted PDF: it needs a password")),
        ("bomb.pdf", pdf, decompression_bomb_pdf(), ("error", "memory")),
        ("html-as-pdf.pdf", pdf, b"<!doctype html><html><body>Page not found</body></html>", ("error", "HTML page")),
        ("too-many-pages.pdf", pdf, many_pages_pdf(), ("error", "too many pages")),
        ("random-after-header.pdf", pdf, b"%PDF-1.4\n" + rng.randbytes(4096), ("error", "unreadable PDF")),
        ("header-only.pdf", pdf, b"%PDF-1.7\n%%EOF\n", ("error", "unreadable PDF")),
        ("jpeg-as-pdf.pdf", pdf, b"\xff\xd8\xff\xe0\x00\x10JFIF" + rng.randbytes(2048), ("error", "unreadable PDF")),
        ("page-tree-loop.pdf", pdf, page_tree_loop_pdf(), ("text", "")),
        ("script-in-text.pdf", pdf, make_pdf(["<script>alert('pdf')</script> Report text."]), ("text", "<script>alert('pdf')</script> Report text.")),
        ("image-only.pdf", pdf, image_only_pdf(), ("text", "")),
        ("pdf-declared-html.html", "text/html", good, ("text", GOOD_TEXT)),
        (
            "bad-utf8.html",
            "text/html; charset=utf-8",
            b"<html><body><p>Caf\xe9 \xff\xfe report on \xc3\x28 services</p></body></html>",
            ("text", "report on"),
        ),
        ("bad-utf8.txt", "text/plain; charset=utf-8", b"plain \xff\xfe\xfd text report", ("text", "text report")),
        ("deep-nesting.html", "text/html", b"<html><body>" + b"<div>" * 50000 + b"deep text" + b"</div>" * 50000 + b"</body></html>", ("text", "")),
        ("nul-bytes.html", "text/html", b"<html><body><p>before\x00\x01\x1b[31m after</p></body></html>", ("text", "after")),
        ("octet-stream.bin", "application/octet-stream", rng.randbytes(4096), ("error", "unsupported content type")),
        (
            "billion-laughs.xml",
            "application/xml",
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><l>&d;&d;&d;</l>',
            ("error", "unsupported content type"),
        ),
        ("huge-line.html", "text/html", b"<html><body><p>" + b"word " * 380_000 + b"</p></body></html>", ("text", "word word")),
        ("over-size-cap.pdf", pdf, b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024), ("error", "too large")),
    ]
