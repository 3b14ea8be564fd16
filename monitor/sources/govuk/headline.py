"""A notice's own headline sentences: the Regulator of Social Housing's "The regulator has
concluded that ..." with its lettered findings and what the regulator will do; a DfE
improvement notice's or direction's requirement and its reason. The same notices are found
on GOV.UK, on a council's own pages and in feeds, so the page and feed kinds use this too."""

from __future__ import annotations

import re

from monitor.detect.headline_quotes import (
    dedupe,
    headings,
    quote,
    sentences,
    under,
)
from monitor.detect.headline_text import Block, blocks_of

_rsh_heading = headings("Regulatory Findings", "The issue", "Our investigation", "Regulatory action",
                         "Summary", "Regulatory judgement", "Our judgement", "Consumer grading")


def _rsh(blocks: list[Block]) -> list[dict[str, object]]:
    body = [b for b in blocks if b.kind != "heading"]
    for index, block in enumerate(body):
        if re.search(r"\b(?:regulator|we) ha(?:s|ve) concluded that\b", block.text, re.I):
            text, page = block.text, block.page
            # "The regulator has concluded that:" then a) ... b) ...: one finding, quoted whole
            for item in body[index + 1 :]:
                if item.kind != "item":
                    break
                text += " " + item.text
            quotes = [quote(text, page)]
            for later in body[index + 1 :]:
                if later.kind == "item":
                    continue
                quotes += sentences([later], 1, re.compile(r"\bregulator will\b|\bwe will\b", re.I))
                break
            return dedupe(quotes + sentences(under(blocks, headings("The issue"), ("text",)), 1))
    grade = sentences(body, 2, re.compile(r"\b(?:C|G|V)[1-4]\b.*\bgrad|\bgrad\w*\b.*\b(?:C|G|V)[1-4]\b", re.I))
    return grade


_DFE_DUTY = re.compile(r"\b(?:requires?|must|is required to|should take the following)\b", re.I)
_DFE_REASON = re.compile(r"\b(?:judged|inadequate|areas? for priority action|it follows|following (?:an?|the) Ofsted|"
                         r"failing to perform|replaces)\b", re.I)


def _from_notice(found: dict[str, object]) -> dict[str, object]:
    """A sentence whose text layer ran a page header into it starts at "This improvement notice"."""
    match = re.search(r"\bThis (?:improvement notice|(?:revised |statutory )*direction)\b", str(found["text"]), re.I)
    return {**found, "text": str(found["text"])[match.start() :]} if match else found


def _dfe(blocks: list[Block]) -> list[dict[str, object]]:
    body = [b for b in blocks if b.kind == "text"]
    duty = sentences(body, 1, re.compile(r"^This (?:improvement notice|(?:revised |statutory )*direction)\b.*\brequires\b", re.I))
    duty = duty or [_from_notice(q) for q in sentences(body, 1, _DFE_DUTY)]
    if not duty:
        return []
    reason = [_from_notice(q) for q in sentences(body, 3, _DFE_REASON)]
    reason = [q for q in reason if q not in duty]
    return dedupe(duty + reason[:2])


def structure_of(title: str, pages: list[str]) -> str | None:
    """"rsh" for a regulator's notice or judgement, "dfe" for a notice or direction, else None."""
    name = (title or "").casefold()
    text = "\n".join(pages[:2])
    if "regulatory notice" in name or "regulatory judgement" in name or re.search(r"regulator has concluded", text, re.I):
        return "rsh"
    if re.search(r"improvement notice|\bdirection\b", name) or re.search(r"^This (?:improvement notice|direction)\b", text, re.I | re.M):
        return "dfe"
    return None


_READERS = {
    "rsh": (_rsh_heading, _rsh),
    "dfe": (headings("Details", "Documents", "Updates to this page", "Applies to England"), _dfe),
}


def headline(doc_kind: str, title: str, pages: list[str]) -> list[dict[str, object]]:
    """Up to four {"text", "page"} quotes; [] when the page is not a notice we know."""
    family = structure_of(title, pages)
    if family is None:
        return []
    heading, read = _READERS[family]
    return read(blocks_of(pages, heading))
