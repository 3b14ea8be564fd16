"""Sentences of an extracted page: soft line breaks joined, hard ones (paragraphs, table
cells, bullets) kept, and sentence ends found without splitting after abbreviations or
initials. Phrase quotes (monitor/detect/phrases.py) are whole sentences from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.extract.textnorm import normalise_page

#: the shortest full-width line we expect of a report page (A4, 11-12pt: 80-100 characters)
MIN_TYPICAL_LINE = 80

_ABBREVIATIONS = {
    "e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "no", "st", "vs", "cf", "para", "paras", "approx",
    "incl", "dept", "govt", "sec", "s", "ss", "p", "pp", "fig", "ref", "nos", "co", "ltd", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "prof", "rev", "cllr",
}
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9\u2022\u25aa\u25fc•-])")
_CONTINUES = re.compile(r"([,;:(/&-]|\b(and|or|of|the|to|in|for|with|a|an|by|on|at|from|that|which))$", re.I)
WS = re.compile(r"\s+")
_NUMBERED = re.compile(r"\d{1,3}\.\s")  # Ofsted's and the Ombudsman's numbered paragraphs


@dataclass
class Segment:
    """One sentence of a working text, as offsets into it."""

    start: int
    end: int
    #: True when the segment began at a line boundary rather than after a full stop
    line_start: bool


def working_text(page: str, normalised: str | None = None) -> str:
    """The page with soft line breaks as spaces and hard ones (paragraphs, table cells) as \\n.

    PDF text breaks every line; a break is hard when the line before is short (a heading or
    table cell, measured against the page's own long lines) and does not run on into the
    next, or when a blank line separates paragraphs.
    """
    if normalised is None:
        normalised = normalise_page(page)
    lines = grades_after_labels([WS.sub(" ", line).strip() for line in normalised.split("\n")])
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return ""
    typical = lengths[int(0.9 * (len(lengths) - 1))]
    # The floor stops a page of nothing but table rows from calling every row "typical" prose.
    short = int(0.75 * max(typical, MIN_TYPICAL_LINE))
    parts: list[str] = []
    for index, line in enumerate(lines):
        if not line:
            if parts and parts[-1] != "\n":
                parts.append("\n")
            continue
        if parts and parts[-1] != "\n":
            prev = lines[index - 1]
            if GRADE_LINE.fullmatch(line):
                parts.append(" ")  # a grade cell belongs to the row label before it
                parts.append(line)
                parts.append("\n")
                continue
            starts = line[:1]
            bullet = (not starts.isalnum() and starts not in "\"'([") or _NUMBERED.match(line) is not None
            hard = bullet or (len(prev) < short and not _CONTINUES.search(prev) and (starts.isupper() or starts.isdigit()))
            parts.append("\n" if hard else " ")
        parts.append(line)
    return "".join(parts).strip()


GRADE_LINE = re.compile(
    r"(outstanding|good|requires improvement( to be good)?|inadequate|not rated|insufficient evidence to rate)",
    re.IGNORECASE,
)


def grades_after_labels(lines: list[str]) -> list[str]:
    """Grade tables whose label wraps put the grade between the label's two lines in the text
    layer ("...progress of care / Inadequate / leavers"); put it after the label, so a quote
    reads "...progress of care leavers Inadequate"."""
    out = list(lines)
    for i in range(1, len(out) - 1):
        if GRADE_LINE.fullmatch(out[i]) and out[i - 1] and out[i + 1][:1].islower():
            out[i], out[i + 1] = out[i + 1], out[i]
    return out


_LAST_WORD = re.compile(r"([\w.]+)[.!?][\"')\]]*$")


def segments(text: str) -> list[Segment]:
    """Sentences of a working text: split at hard breaks and at sentence ends, not after abbreviations."""
    found: list[Segment] = []
    pos = 0
    for block in text.split("\n"):
        found.extend(block_segments(text, pos, pos + len(block)))
        pos += len(block) + 1
    return found


def block_segments(text: str, block_start: int, block_end: int) -> list[Segment]:
    """The sentences of one hard-broken block, text[block_start:block_end]."""
    block = text[block_start:block_end]
    found: list[Segment] = []
    start = block_start
    first = True
    for match in _SENTENCE_END.finditer(block):
        end = block_start + match.end()
        # only the tail before the stop: searching the whole block again made long paragraphs quadratic
        word = _LAST_WORD.search(block, max(0, match.end() - 200), match.end())
        if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
            continue
        if word and re.fullmatch(r"[A-Z]", word.group(1)):
            continue  # an initial: "J. Smith"
        found.append(Segment(start, end, first))
        first = False
        start = end
        while start < block_end and text[start] == " ":
            start += 1
    if start < block_end:
        found.append(Segment(start, block_end, first))
    return [seg for seg in found if text[seg.start : seg.end].strip()]


def segments_around(text: str, pos: int) -> tuple[list[Segment], int] | None:
    """The sentence holding `pos` and the one before it, found by splitting only the block
    around `pos` (and, when `pos` is in the block's first sentence, the blocks before it):
    (segments, index of the one holding pos), or None when no sentence holds it."""
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    hi = len(text) if hi == -1 else hi
    local = block_segments(text, lo, hi)
    index = next((i for i, seg in enumerate(local) if seg.start <= pos < seg.end), None)
    if index is None:
        return None
    while index == 0 and lo > 0:
        hi = lo - 1
        lo = text.rfind("\n", 0, hi) + 1
        before = block_segments(text, lo, hi)
        if before:
            return [before[-1], *local], 1
    return local, index
