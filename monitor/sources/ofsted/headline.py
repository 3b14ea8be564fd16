"""An Ofsted publication's own headline sentences, found by its structure (see
monitor/detect/headlines.py for the rule every publisher follows):

- visit letters (monitoring visits, focused visits, JTAI letters): the paragraph under
  "Headline findings" (or "Overview"; in letters without either, the paragraph that follows
  the opening "This letter summarises the findings ..."), then the items under "Areas for
  priority action" and "What needs to improve ..." / "Areas for improvement";
- area SEND inspections: the "Inspection outcome" statement, then the priority actions;
- inspections (ILACS): the summary after the judgement table, then "What needs to improve?"
  (inspections from April 2026 give no overall grade).
"""

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

_LETTER_HEADINGS = (
    "Areas covered by the visit",
    "Headline findings",
    "Overview",
    "Findings and progress",
    "Main findings",
    "Findings",
    "Areas for priority action",
    "Areas for improvement",
    "What needs to improve",
    "What needs to improve in this area of social work practice",
    "What needs to improve in this area of practice",
    "What needs to improve in this area",
    "Strengths",
    "Next steps",
    "Yours sincerely",
)
_letter_heading = headings(*_LETTER_HEADINGS)
_PRIORITY = headings("Areas for priority action")
_IMPROVE = headings(*(h for h in _LETTER_HEADINGS if h.startswith(("What needs to improve", "Areas for improvement"))))
#: the opening paragraph's sentences: who visited when, never the finding
_LETTER_PREAMBLE = re.compile(
    r"^(?:This letter summarises|(?:This|The) (?:visit )?was the \w+ (?:monitoring|focused) visit|The (?:lead )?inspectors? (?:was|were)|"
    r"(?:Her|His) Majesty['\u2019]s Inspectors?\b|Inspectors? (?:for this visit )?(?:was|were)\b|"
    r"Dear\b|Ofsted\b|Piccadilly Gate|Monitoring visit (?:to|of)\b|Focused visit (?:to|of)\b)",
    re.I,
)


def _opening_finding(blocks: list[Block]) -> list[Block]:
    """Letters before 2022: the finding follows the opening paragraph, before the first heading."""
    opening: list[Block] = []
    started = False
    for block in blocks:
        if block.kind == "heading":
            if started:
                break
            continue
        at = block.text.find("This letter summarises")
        if not started and at >= 0:
            # the address, date and "Dear ..." run into the opening paragraph in a PDF's text
            started = True
            block = block.tail(at)
        if started and block.kind == "text":
            opening.append(block)
    return opening


def _not_preamble(text: str) -> bool:
    return not _LETTER_PREAMBLE.match(text) and not re.search(r"\bHMI\b.*\bHMI\b|carried\s+out\s+(?:this|the)\s+visit", text)


def _ofsted_letter(blocks: list[Block]) -> list[dict[str, object]]:
    priority = items(under(blocks, _PRIORITY), MAX_SENTENCES)
    improve = items(under(blocks, _IMPROVE), MAX_SENTENCES)
    limit = 2 if priority or improve else 3
    # the finding: "Headline findings" (2022 on), else the paragraph after the opening one,
    # else "Overview" (focused visits 2018-2021)
    finding = sentences(under(blocks, headings("Headline findings"), ("text",)), limit)
    if not finding:
        finding = [q for q in sentences(_opening_finding(blocks), 50) if _not_preamble(str(q["text"]))][:limit]
    if not finding:
        finding = sentences(under(blocks, headings("Overview"), ("text",)), limit)
    if not finding:
        return []
    return dedupe(finding + priority + improve)


_SEND_HEADINGS = (
    "Inspection outcome",
    "Information about the local area partnership",
    "What is it like to be a child or young person with SEND in this area",
    "What is the area partnership doing that is effective",
    "What does the area partnership need to do better",
    "Areas for priority action",
    "Areas for improvement",
    "Local area partnership details",
    "Information about this inspection",
)
_send_heading = headings(*_SEND_HEADINGS)


def _area_send(blocks: list[Block]) -> list[dict[str, object]]:
    outcome = sentences(under(blocks, headings("Inspection outcome"), ("text",)), 2)
    if not outcome:
        return []
    priority = sentences(under(blocks, _PRIORITY), 2)
    improve = sentences(under(blocks, headings("Areas for improvement")), 1)
    return dedupe(outcome + priority + improve)


_ILACS_IMPROVE = headings("What needs to improve")
_OVERALL_LINE = re.compile(r"^Overall effectiveness\b", re.I)


def _ilacs_heading(line: str) -> bool:
    return bool(_OVERALL_LINE.match(line)) or _ILACS_IMPROVE(line) or headings("Judgement Grade", "Judgement")(line)


def _ilacs(blocks: list[Block]) -> list[dict[str, object]]:
    summary = sentences(under(blocks, lambda line: bool(_OVERALL_LINE.match(line)), ("text",))[:1], 2)
    if not summary:
        return []
    return dedupe(summary + items(under(blocks, _ILACS_IMPROVE), MAX_SENTENCES))


_LETTER_KINDS = {"monitoring visit", "focused visit", "jtai"}


def structure_of(doc_kind: str) -> str | None:
    """Which Ofsted structure a publication of this kind has: letter, area SEND or ILACS."""
    kind = (doc_kind or "").casefold()
    if kind in _LETTER_KINDS:
        return "letter"
    if kind == "area send":
        return "area_send"
    if kind == "inspection":
        return "ilacs"
    return None


_READERS = {
    "letter": (_letter_heading, _ofsted_letter),
    "area_send": (_send_heading, _area_send),
    "ilacs": (_ilacs_heading, _ilacs),
}


def headline(doc_kind: str, title: str, pages: list[str]) -> list[dict[str, object]]:
    """Up to four {"text", "page"} quotes, finding first; [] when the structure is not there."""
    family = structure_of(doc_kind)
    if family is None:
        return []
    heading, read = _READERS[family]
    return read(blocks_of(pages, heading))
