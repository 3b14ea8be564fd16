"""An Ombudsman decision page `/decisions/<category>/<subcategory>/<YY-NNN-NNN>`: its facts.

Confirmed on real page texts (../shared/fixtures/lgsco/evidence-2026/REPORT.md, R1 and R2):
the heading "<Authority> (<YY NNN NNN>)", the labels "Category : A > B", "Decision : X" and
"Decision date : DD Mon YYYY", the sections of a statement ("Summary", "The complaint"...)
and of a public report ("Summary", "Finding", "Recommendations", "Ombudsman satisfied with
council response: <date>", "Further report"). Two things vary with how the page was turned
into text, so both are handled:

- the labels and their values may be one line each ("Category : A > B") or one text node
  per line ("Category :", "A", ">", "B"), as the live site's label/value elements give;
- the heading sits outside the page's article element and can be dropped with the page's
  header, and some crawls drop the label block too. When the raw HTML is at hand
  (`read_html_facts`), the heading and labels are read from the markup wherever they are.

A reference is only ever read from the heading: a reference-like number in the body (an
earlier complaint) must not replace the listing's reference, which is what decisions are
compared on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from monitor.dates import parse_date
from monitor.profile import level_on
from monitor.sources.lgsco.profile import DECISION_SCALE

REFERENCE = re.compile(r"\b(\d{2})[ -](\d{3})[ -](\d{3})\b")
HEADING = re.compile(r"^(?P<authority>.+?)\s*\((?P<ref>\d{2}[ -]\d{3}[ -]\d{3})\)\s*$")
# Sentences of a summary that say what the council will do: the remedy, where one is stated.
_REMEDY_WORDS = re.compile(
    r"\b(agreed to|agree to|will (?:also )?(?:pay|apologise|review|make|provide|remind|ensure|train)|"
    r"should (?:pay|apologise|take|review|remind|consider)|"
    r"must|recommend(?:s|ed)? (?:that|the)|make a payment|pay (?:Mr|Mrs|Miss|Ms|Mx|her|him|them)|£\s?\d|"
    r"(?:is|was|were|are) (?:a )?satisfactory remedy)",
    re.I,
)
# "...set out at the end of this statement": a pointer to the remedy, not the remedy.
_REMEDY_POINTER = re.compile(r"\bat the end of this statement\b", re.I)
_LINE_LABEL = re.compile(r"^\s*(Category|Decision date|Decision)\s*:\s*(\S.*?)\s*$", re.I)
# A label alone on its line always carries its colon on real pages ("Decision date :" then
# "08 Feb 2017"); without one, "Decision" is the statement's own section heading.
_LABEL_ALONE = re.compile(r"^\s*(Category|Decision date|Decision)\s*:\s*$", re.I)
# In the raw HTML the element's class says it is a label, so the colon may be styled away.
_HTML_LABEL = re.compile(r"^\s*(Category|Decision date|Decision)\s*:?\s*$", re.I)
#: outcomes a decision label may hold beyond those the profile's scale ranks
_OTHER_OUTCOMES = {"advice given", "referred back for local resolution", "incomplete/invalid"}
#: an outcome is a few words; anything longer under a "Decision" label is prose
_OUTCOME_MAX_WORDS = 8
_COMPLIANCE = re.compile(r"^Ombudsman satisfied with (?:the )?council'?s? response\s*:\s*(.+)$", re.I)
_TO_REMEDY = re.compile(r"^To remedy the injustice(?: caused)?(?: and prevent recurrence)?,?\s*", re.I)
_SECTION_HEADS = (
    "Back to top",
    "The complaint",
    "The Ombudsman's role and powers",
    "How I considered this complaint",
    "What I have investigated",
    "What I have not investigated",
    "What I found",
    "My assessment",
    "Final decision",
    "Decision",
    "Key to names used",
    "Summary",
    "Finding",
    "Recommendations",
    "Further report",
    "Print this page",
    "Investigator's decision on behalf of the Ombudsman",
)
_HEADS = {h.casefold() for h in _SECTION_HEADS}


def remedy_from_summary(summary: str | None) -> str | None:
    """The sentences of a summary that state what the council agreed or was asked to do."""
    if not summary:
        return None
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", summary.strip())
    picked = [s for s in sentences if _REMEDY_WORDS.search(s) and not _REMEDY_POINTER.search(s)]
    return " ".join(picked) or None


def read_decision_text(text: str) -> dict[str, Any]:
    """Facts in a decision page's text: authority, reference, category, subcategory,
    decision (a short outcome only; prose under a "Decision" label goes to decision_text),
    decision_date (ISO), summary, remedy; for public reports also finding,
    recommendations, compliance_date (ISO, "Ombudsman satisfied with council response") and
    further_report (the text of a further report for non-compliance). Keys whose facts the
    text does not state are left out, so the listing's values stand."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [re.sub(r"^[-\u2022*]\s+", "", line) for line in lines if line]
    meta: dict[str, Any] = {}
    for line in lines[:5]:
        heading = HEADING.match(line)
        if heading:
            meta["authority"] = heading.group("authority")
            meta["reference"] = _reference(heading.group("ref"))
            break
    meta.update(_label_facts(_labels(lines)))
    summary = _inline_or_section(lines, "Summary")
    if summary:
        meta["summary"] = summary
    finding = _section(lines, "Finding")
    if finding:
        meta["finding"] = finding
    recommendations = _section(lines, "Recommendations", max_paragraphs=12)
    if recommendations:
        meta["recommendations"] = recommendations
    further = _section(lines, "Further report", max_paragraphs=3)
    if further:
        meta["further_report"] = further
    for line in lines:
        compliance = _COMPLIANCE.match(line)
        if compliance and (when := parse_date(compliance.group(1))):
            meta["compliance_date"] = when.isoformat()
    remedy = _remedy_of_recommendations(recommendations) or remedy_from_summary(summary)
    if remedy:
        meta["remedy"] = remedy
    return meta


def read_html_facts(path: Path) -> dict[str, Any]:
    """The heading (authority, reference) and the label/value facts read from a decision
    page's raw HTML, wherever in the markup they sit; {} for anything that is not HTML."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    if b"<" not in data[:2048]:
        return {}
    soup = BeautifulSoup(data, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    meta: dict[str, Any] = {}
    body = soup.body or soup
    for string in body.find_all(string=True):
        heading = HEADING.match(" ".join(string.split()))
        if heading:
            meta["authority"] = heading.group("authority")
            meta["reference"] = _reference(heading.group("ref"))
            break
    labels: dict[str, str] = {}
    for label in body.select(".label"):
        match = _HTML_LABEL.match(label.get_text(" ", strip=True))
        value = label.find_next(class_="value")
        if match and value is not None:
            labels.setdefault(match.group(1).lower(), " ".join(value.get_text(" ", strip=True).split()))
    meta.update(_label_facts(labels))
    return meta


def is_outcome(value: str) -> bool:
    """Whether a "Decision" value is a short outcome ("Upheld", "Closed after initial
    enquiries") rather than a paragraph of the statement."""
    text = " ".join(value.split())
    if not text or len(text.split()) > _OUTCOME_MAX_WORDS:
        return False
    return level_on(DECISION_SCALE, text) is not None or text.casefold() in _OTHER_OUTCOMES


def _label_facts(labels: dict[str, str]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if category := labels.get("category"):
        main, sep, sub = category.partition(">")
        meta["category"] = main.strip()
        if sep and sub.strip():
            meta["subcategory"] = sub.strip()
    if decision := labels.get("decision"):
        if is_outcome(decision):
            meta["decision"] = decision
        else:
            # Prose under a "Decision" label must not replace the listing's outcome (it would
            # read as an unknown change of outcome); it is kept for the record.
            meta["decision_text"] = decision
    if when := labels.get("decision date"):
        parsed = parse_date(when)
        if parsed:
            meta["decision_date"] = parsed.isoformat()
    return meta


def _remedy_of_recommendations(recommendations: str | None) -> str | None:
    """What a public report's recommendations ask of the council: the actions after "we
    recommend ... the following actions." (newer reports) or the text after "To remedy the
    injustice caused," (older reports: "the council has agreed to: ...")."""
    if not recommendations:
        return None
    _, marker, actions = recommendations.partition("following actions.")
    if marker and actions.strip():
        return actions.strip()
    lead = _TO_REMEDY.match(recommendations)
    if lead:
        rest = recommendations[lead.end() :].strip()
        return rest[:1].upper() + rest[1:] if rest else None
    return None


def _reference(text: str) -> str:
    match = REFERENCE.search(text)
    return " ".join(match.groups()) if match else text


def _labels(lines: list[str]) -> dict[str, str]:
    """The header's "Label : value" pairs: on one line, or the label alone and its value
    on the following lines (one text node each: "A", ">", "B") up to the next label."""
    found: dict[str, str] = {}
    for index, line in enumerate(lines[:40]):
        match = _LINE_LABEL.match(line)
        if match:
            found.setdefault(match.group(1).lower(), match.group(2).lstrip(": ").strip())
            continue
        alone = _LABEL_ALONE.match(line)
        if not alone:
            continue
        parts: list[str] = []
        for following in lines[index + 1 : index + 6]:
            value = following.lstrip(": ").strip()
            if _LABEL_ALONE.match(value) or _LINE_LABEL.match(value) or _is_head(value) or value.lower().startswith("summary:"):
                break
            parts.append(value)
        if parts:
            found.setdefault(alone.group(1).lower(), " ".join(parts))
    return found


def _is_head(line: str) -> bool:
    return line.rstrip(":").casefold() in _HEADS or line.casefold().startswith("the ombudsman's final decision")


def _inline_or_section(lines: list[str], label: str) -> str | None:
    """"Summary: text" on one line, else the paragraph under a "Summary" heading."""
    for line in lines:
        if line.lower().startswith(label.lower() + ":"):
            value = line[len(label) + 1 :].strip()
            if value:
                return value
    return _section(lines, label, max_paragraphs=1)


def _section(lines: list[str], heading: str, max_paragraphs: int = 3) -> str | None:
    """The paragraphs under a heading line, up to the next known heading."""
    for index, line in enumerate(lines):
        if line.rstrip(":").casefold() == heading.casefold():
            body = []
            for following in lines[index + 1 :]:
                if following.rstrip(":").casefold() in _HEADS or _COMPLIANCE.match(following) or len(body) >= max_paragraphs:
                    break
                body.append(following)
            return " ".join(body) or None
    return None
