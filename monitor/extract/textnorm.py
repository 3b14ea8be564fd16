"""Text normalisation: the same words give the same text, however the PDF was rendered."""

from __future__ import annotations

import re
import unicodedata

PAGE_BREAK = "\f"

_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
_QUOTES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
}
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# A word broken at a line end by a hyphen: "improve-\nment" -> "improvement". Only joins when
# the next line starts lower-case, so "Anti-\nSocial" and list dashes stay as written.
_HYPHEN_BREAK = re.compile(r"(\w)[-\u00ad\u2010]\n[ \t]*([a-z\u00df-\u00f6\u00f8-\u00ff])")
_SOFT_HYPHEN = "\u00ad"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# pypdfium2 (PDFium's FPDFText_GetText) reports a hyphen that ends a line as U+FFFE (older
# builds: U+0002) and drops the line break with it: "improve-\nment" arrives as
# "improve\ufffement". Restoring "-\n" lets the rule above treat both extractors alike.
_PDFIUM_LINE_HYPHENS = str.maketrans({"\ufffe": "-\n", "\x02": "-\n"})
_TRANSLATE = str.maketrans({**_LIGATURES, **_QUOTES, "\u2013": "-", "\u2014": "-", "\u2212": "-"})


def normalise_page(text: str) -> str:
    """Normalise one page's text: NFC, ligatures, quotes, joined hyphenation, tidy spaces."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    # control characters could drive a terminal (escapes) or split pages (form feed)
    text = _CONTROL.sub(lambda m: "\n" if m.group() == "\f" else "", text)
    text = text.translate(_PDFIUM_LINE_HYPHENS).translate(_TRANSLATE)
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    text = text.replace(_SOFT_HYPHEN, "")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def join_pages(pages: list[str]) -> str:
    """Pages joined with form feeds, so a position in the text still knows its page."""
    return PAGE_BREAK.join(pages)


def flatten(text: str) -> str:
    """All whitespace (line breaks, page breaks) folded to single spaces, for matching."""
    return re.sub(r"\s+", " ", text).strip()
