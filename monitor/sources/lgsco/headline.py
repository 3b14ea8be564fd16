"""An Ombudsman decision's own headline sentences: those of its "Summary:" that state the
finding and the remedy; public reports add the "Finding" line and the recommended actions."""

from __future__ import annotations

import re

from monitor.detect.headline_quotes import (
    MAX_SENTENCES,
    dedupe,
    headings,
    items,
    sentences,
    under,
)
from monitor.detect.headline_text import Block, blocks_of

_LGSCO_FINDING = re.compile(
    r"\b(?:fault|we found|we find|we have found|failed|failure|failing|concerns? about|"
    r"will not investigate|cannot investigate|could not investigate|not investigate)\b",
    re.I,
)
_LGSCO_REMEDY = re.compile(
    r"\b(?:has agreed|agreed to|will pay|should pay|will apologise|to remedy|remedy (?:the|this) injustice|"
    r"we recommend|should take action|must consider the report|payment)\b",
    re.I,
)
#: a summary's account of the complaint ("Mrs X complained that the Council failed ..."): not the finding
_COMPLAINT = re.compile(r"^(?:(?:Mr|Mrs|Miss|Ms|Dr) [A-Z]\b|The complainants?\b|She|He|They)(?: also)? (?:complain|said|says|say)", re.I)
_lgsco_heading = headings(
    "The Ombudsman's final decision",
    "The Ombudsman\u2019s final decision",
    "Overview",
    "Summary",
    "Finding",
    "Recommendations",
    "The complaint",
    "Key to names used",
    "Back to top",
)


def _summary_text(blocks: list[Block]) -> list[Block]:
    """The summary: an inline "Summary: ..." paragraph (decisions) or the "Summary" section (reports)."""
    for block in blocks:
        if block.kind == "text" and block.text.startswith("Summary:"):
            trimmed = Block("text")
            trimmed.add(block.text[len("Summary:") :].strip(), block.page)
            return [trimmed]
    return under(blocks, headings("Summary"), ("text",))


def _lgsco(blocks: list[Block]) -> list[dict[str, object]]:
    summary = _summary_text(blocks)
    if not summary:
        return []
    report_finding = sentences(under(blocks, headings("Finding"), ("text",)), 1)
    if report_finding:
        # a public report: its "Finding" line and recommended actions say more than its summary
        remedy = items(under(blocks, headings("Recommendations")), 2)
        found = sentences(summary, 1, re.compile(r"\b(?:fault|failed|failure)\b", re.I))
        return dedupe(found + report_finding + remedy)
    found = [q for q in sentences(summary, MAX_SENTENCES, _LGSCO_FINDING) if not _COMPLAINT.match(str(q["text"]))][:2]
    remedy = [q for q in sentences(summary, MAX_SENTENCES, _LGSCO_REMEDY) if q not in found]
    quotes = found + remedy[: max(1, MAX_SENTENCES - len(found))]
    return dedupe(quotes or sentences(summary, 1))


def headline(doc_kind: str, title: str, pages: list[str]) -> list[dict[str, object]]:
    """Up to four {"text", "page"} quotes, finding first; [] when there is no summary."""
    return _lgsco(blocks_of(pages, _lgsco_heading))
