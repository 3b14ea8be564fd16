"""What a document without grades says: its own headline sentences, quoted with their page.

A monitoring visit letter, an Ombudsman decision or a regulator's notice carries no grade,
so an alert that only said "published" would tell a coordinator nothing. Each kind of
document states its finding in a known place, and the sentences are taken from there, never
from the first N characters:

- Ofsted visit letters (monitoring visits, focused visits, JTAI letters): the paragraph under
  "Headline findings" (or "Overview"; in letters without either, the paragraph that follows
  the opening "This letter summarises the findings ..."), then the items under "Areas for
  priority action" and "What needs to improve ..." / "Areas for improvement".
- Area SEND inspections: the "Inspection outcome" statement, then the priority actions.
- Ofsted inspections (ILACS): the summary after the judgement table, then "What needs to
  improve?" (inspections from April 2026 give no overall grade).
- Ombudsman decisions: the sentences of the "Summary:" that state the finding and the remedy;
  public reports add the "Finding" line and the recommended actions.
- Housing Ombudsman determinations: the findings of maladministration and the orders.
- Regulator of Social Housing notices and judgements: "The regulator has concluded that ..."
  with its lettered findings, and what the regulator will do.
- DfE improvement notices and directions: what the council is required to do and why.

`headline_for` returns [] when the document's structure is not there: a wrong headline is
worse than none, and the phrase rules still quote what they find.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from monitor.detect.headline_quotes import (
    MAX_SENTENCES,
    Heading,
    dedupe,
    headings,
    items,
    quote,
    sentences,
    under,
)
from monitor.detect.headline_text import Block, blocks_of
from monitor.detect.verdicts import GRADED_KINDS, verdict_of

# -- Ofsted letters ----------------------------------------------------------------------

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


# -- Area SEND -------------------------------------------------------------------------

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


# -- Ofsted inspections (ILACS) ----------------------------------------------------------

_ILACS_IMPROVE = headings("What needs to improve")
_OVERALL_LINE = re.compile(r"^Overall effectiveness\b", re.I)


def _ilacs_heading(line: str) -> bool:
    return bool(_OVERALL_LINE.match(line)) or _ILACS_IMPROVE(line) or headings("Judgement Grade", "Judgement")(line)


def _ilacs(blocks: list[Block]) -> list[dict[str, object]]:
    summary = sentences(under(blocks, lambda line: bool(_OVERALL_LINE.match(line)), ("text",))[:1], 2)
    if not summary:
        return []
    return dedupe(summary + items(under(blocks, _ILACS_IMPROVE), MAX_SENTENCES))


# -- the Ombudsmen -----------------------------------------------------------------------

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


_HOS_FINDING = re.compile(r"\b(?:there was (?:severe |no )?maladministration|there was (?:a )?service failure|"
                          r"reasonable redress|outside the Ombudsman's jurisdiction)\b", re.I)
_HOS_ORDER = re.compile(r"\b(?:the landlord (?:is ordered to|must|should)|pay the resident|apologise to the resident)\b", re.I)


def _housing_ombudsman(blocks: list[Block]) -> list[dict[str, object]]:
    found = sentences([b for b in blocks if b.kind != "heading"], 3, _HOS_FINDING)
    if not found:
        return []
    orders = sentences([b for b in blocks if b.kind != "heading"], 2, _HOS_ORDER)
    return dedupe(found + orders)


# -- GOV.UK: the regulator and the DfE ---------------------------------------------------

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


# -- which structure ---------------------------------------------------------------------

_OFSTED_LETTER_KINDS = {"monitoring visit", "focused visit", "jtai"}


def structure_of(source_kind: str, doc_kind: str, title: str, pages: list[str]) -> str | None:
    """The family of document structure to read, or None when it is not one we know."""
    kind = (doc_kind or "").casefold()
    name = (title or "").casefold()
    text = "\n".join(pages[:2])
    if source_kind == "ofsted":
        if kind in _OFSTED_LETTER_KINDS:
            return "ofsted_letter"
        if kind == "area send":
            return "area_send"
        if kind == "inspection":
            return "ilacs"
        return None
    if source_kind == "lgsco":
        return "lgsco"
    if source_kind in ("housing_ombudsman", "hos"):
        return "housing_ombudsman"
    if source_kind in ("govuk", "page", "feed"):
        if "regulatory notice" in name or "regulatory judgement" in name or re.search(r"regulator has concluded", text, re.I):
            return "rsh"
        if re.search(r"improvement notice|\bdirection\b", name) or re.search(r"^This (?:improvement notice|direction)\b", text, re.I | re.M):
            return "dfe"
    return None


_READERS: dict[str, tuple[Heading, Callable[[list[Block]], list[dict[str, object]]]]] = {
    "ofsted_letter": (_letter_heading, _ofsted_letter),
    "area_send": (_send_heading, _area_send),
    "ilacs": (_ilacs_heading, _ilacs),
    "lgsco": (_lgsco_heading, _lgsco),
    "housing_ombudsman": (headings("Determination", "Determination (decision)", "Orders", "Orders and recommendations",
                                    "Recommendations", "Background", "Assessment and findings"),
                          _housing_ombudsman),
    "rsh": (_rsh_heading, _rsh),
    "dfe": (headings("Details", "Documents", "Updates to this page", "Applies to England"), _dfe),
}


def wants_headline(source_kind: str, meta: dict | None) -> bool:
    """Whether a stored version should get `meta["headline"]`: its kind's reader did not give
    one already (the Housing Ombudsman's does), and it is not an Ofsted report or CQC
    assessment with grades (a graded report's grades are its headline)."""
    meta = meta or {}
    if meta.get("headline"):
        return False
    if source_kind in GRADED_KINDS:
        return not verdict_of(source_kind, meta)
    return True


def headline_for(source_kind: str, doc_kind: str, title: str, pages: list[str]) -> list[dict]:
    """The document's own headline sentences, chosen by the structure of its kind.

    `source_kind` is the source's kind ("ofsted", "lgsco", "govuk", ...), `doc_kind` the
    document's kind as its source names it ("monitoring visit", "decision", ...), `pages` the
    extracted page texts. Returns up to four `{"text": str, "page": int}` (pages 1-based), in
    the document's order of importance: finding first, then what must change. Returns [] when
    the kind is not one with a known structure or the structure is not found in the text.
    """
    family = structure_of(source_kind, doc_kind, title, pages)
    if family is None or not any(page.strip() for page in pages):
        return []
    heading, read = _READERS[family]
    return read(blocks_of(pages, heading))
