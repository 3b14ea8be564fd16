"""A Housing Ombudsman decision page `/decisions/<landlord-slug>-<case ref>/`: its facts.

Two layouts are published (docs/publishers/housing_ombudsman.md, evidence H2-H5):

- the REPORT layout (to October 2025): a heading "<Landlord> (<ref>)", then "REPORT",
  "COMPLAINT <ref>", the landlord's name and the date, then sections ("Our approach",
  "The complaint", "Background", "Assessment and findings", "Determination" or
  "Determination (decision)", "Orders" / "Orders and recommendations", "Recommendations").
  Each finding is a sentence of the Determination: "In accordance with paragraph 52 of the
  Housing Ombudsman Scheme, there was severe maladministration in the landlord's handling
  of ...", or "... there was:" followed by one line per element ("Maladministration in
  ...", "Service failure in ...");
- the decision layout (from November 2025): a "Decision" block of labels and values
  ("Case ID", "Decision type", "Landlord", "Landlord type", a tenancy row, "Date"), then
  "Our decision (determination)" as a table of Complaint | Finding rows, "Summary of
  reasons", "Putting things right" (apology, compensation and other orders, each with a
  "No later than <date>") and "Our investigation" with repeated Complaint / Finding pairs.

Both are read from the extracted text (one block per line, table cells on lines of their
own, as monitor.extract.pool.html_text gives them); nothing is guessed from the first N
characters. A page that states no finding at all gives no `decision`, and the caller
decides what that means.
"""

from __future__ import annotations

import re
from typing import Any

from monitor.dates import parse_date

#: the outcomes the Ombudsman states, most serious first (the order also settles which of
#: several terms in one sentence is the finding: "severe maladministration" before
#: "maladministration", "no maladministration" before "maladministration")
OUTCOMES = (
    "Severe maladministration",
    "Maladministration",
    "Service failure",
    "Reasonable redress",
    "No maladministration",
    "Outside jurisdiction",
)
#: worst first, for `decision` (the most serious finding of a determination)
_SEVERITY = {name.casefold(): index for index, name in enumerate(OUTCOMES)}
_TERM = re.compile(
    r"\b(severe maladministration|no maladministration|maladministration|service failure|"
    r"reasonable redress|outside (?:of )?(?:the )?(?:Ombudsman'?s )?jurisdiction)\b",
    re.I,
)
_EXACT_OUTCOME = re.compile(rf"^\s*({'|'.join(re.escape(o) for o in OUTCOMES)})\s*\.?\s*$", re.I)
HEADING = re.compile(r"^(?P<landlord>.+?)\s*\(\s*(?P<ref>\d{7,10})\s*\)\s*$")
_COMPLAINT_LINE = re.compile(r"^COMPLAINT\s+(\d{7,10})\s*$", re.I)
_DETERMINATION_HEAD = re.compile(r"^(?:Determination(?:\s*\((?:decision|jurisdictional decision)\))?|Our decision\s*\(determination\))\s*:?\s*$", re.I)
_ORDERS_HEAD = re.compile(r"^(?:Orders?(?: and recommendations?)?|Putting things right)\s*:?\s*$", re.I)
_END_OF_ORDERS = re.compile(r"^(?:Recommendations?|Our investigation|Learning|Background|Summary of reasons)\s*:?\s*$", re.I)
_SECTION_HEAD = re.compile(
    r"^(?:Our approach|The complaint|What the complaint is about|Background(?: and summary of events)?|"
    r"Summary of events|Scope(?: of(?: the)? investigation)?|Jurisdiction|Policies and procedures|"
    r"Assessment and findings?|Summary of reasons|Our investigation|Recommendations?|Learning|"
    r"Orders?(?: and recommendations?)?|Putting things right|Complaint handling|Reasons|Decision)\s*:?\s*$",
    re.I,
)
# Boilerplate the Ombudsman opens every report with: it names "maladministration" as a
# concept, never as a finding.
_BOILERPLATE = re.compile(r"looks to see if there has been any|we investigate complaints about|'maladministration'", re.I)
_ELEMENT_LEAD = re.compile(
    r"^(?:by the landlord\s*)?(?:in|for|regarding|with regard to|in respect of|in relation to|concerning|about|of)?\s*"
    r"(?:the landlord'?s?\s+|its\s+)?",
    re.I,
)
_SCHEME_LEAD = re.compile(r"^.*?\bScheme\b[^,]*,\s*", re.I)
_MONEY = re.compile(r"£\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?")
_TOTAL = re.compile(r"\bpay(?:s)? (?:the resident |the complainant |them |her |him )?(?:a total of |total compensation of )?£\s?(\d{1,3}(?:,\d{3})+|\d+)", re.I)
_LABELS = ("case id", "decision type", "landlord", "landlord type", "occupancy", "tenancy", "tenancy type", "date")


def read_decision_text(text: str) -> dict[str, Any]:
    """Facts in a decision page's text.

    Keys (each only when the text states it): landlord, reference, decision_date (ISO),
    layout ("report" or "decision"), decision_type, landlord_type, tenancy, findings (a
    list of {complaint, finding} in the order stated), determinations (the distinct
    findings, worst first), decision (the worst finding: one of OUTCOMES), orders (the
    lines of the orders section), compensation (every £ amount ordered, in pounds),
    compensation_total, headline (a list of {text, page}: the finding sentences and the
    compensation order, page 1 as a web page has one).
    """
    lines = [re.sub(r"^[-\u2022*]\s+|^\d{1,2}\.\s+", "", line.strip()) for line in text.splitlines()]
    lines = [" ".join(line.split()) for line in lines if line.strip()]
    meta: dict[str, Any] = {}
    labels = _labels(lines[:40])
    meta["layout"] = "decision" if "case id" in labels else "report"
    for line in lines[:12]:
        heading = HEADING.match(line)
        if heading:
            meta["landlord"] = heading.group("landlord").strip()
            meta["reference"] = heading.group("ref")
            break
    if labels.get("case id", "").isdigit():
        meta["reference"] = labels["case id"]
    if labels.get("landlord"):
        meta["landlord"] = labels["landlord"]
    for key, name in (("decision type", "decision_type"), ("landlord type", "landlord_type")):
        if labels.get(key):
            meta[name] = labels[key]
    tenancy = labels.get("occupancy") or labels.get("tenancy") or labels.get("tenancy type")
    if tenancy:
        meta["tenancy"] = tenancy
    when = parse_date(labels.get("date")) if labels.get("date") else _report_date(lines)
    if when:
        meta["decision_date"] = when.isoformat()
    findings, sentences = _findings(lines)
    if findings:
        meta["findings"] = findings
        distinct = sorted({f["finding"] for f in findings}, key=lambda f: _SEVERITY[f.casefold()])
        meta["determinations"] = distinct
        meta["decision"] = distinct[0]
    orders = _orders(lines)
    if orders:
        meta["orders"] = orders
        amounts = [_pounds(m) for line in orders for m in _MONEY.finditer(line)]
        if amounts:
            meta["compensation"] = amounts
        total = next((m for line in orders if (m := _TOTAL.search(line))), None)
        if total:
            meta["compensation_total"] = int(total.group(1).replace(",", ""))
    headline = [{"text": s, "page": 1} for s in sentences]
    order = next((line for line in orders if _TOTAL.search(line)), None) if orders else None
    if order:
        headline.append({"text": order, "page": 1})
    if headline:
        meta["headline"] = headline
    return meta


def _labels(lines: list[str]) -> dict[str, str]:
    """The decision layout's "Label" / "value" rows (cells on lines of their own, or one
    "Label: value" line)."""
    found: dict[str, str] = {}
    for index, line in enumerate(lines):
        key = line.rstrip(":").strip().casefold()
        if key in _LABELS and index + 1 < len(lines) and lines[index + 1].rstrip(":").casefold() not in _LABELS:
            found.setdefault(key, lines[index + 1])
            continue
        name, sep, value = line.partition(":")
        if sep and name.strip().casefold() in _LABELS and value.strip():
            found.setdefault(name.strip().casefold(), value.strip())
    return found


def _report_date(lines: list[str]) -> Any:
    """The REPORT layout's date: the line after "COMPLAINT <ref>" and the landlord's name."""
    for index, line in enumerate(lines[:20]):
        if _COMPLAINT_LINE.match(line):
            for following in lines[index + 1 : index + 4]:
                when = parse_date(following)
                if when and re.search(r"\b\d{1,2}\b", following):
                    return when
    return None


def _section(lines: list[str], head: re.Pattern[str], end: re.Pattern[str]) -> list[str]:
    """The lines after the first line matching `head`, up to one matching `end`."""
    for index, line in enumerate(lines):
        if head.match(line):
            body = []
            for following in lines[index + 1 :]:
                if end.match(following):
                    break
                body.append(following)
            return body
    return []


def _findings(lines: list[str]) -> tuple[list[dict[str, str]], list[str]]:
    """({complaint, finding} per element, the sentences that state them)."""
    body = _section(lines, _DETERMINATION_HEAD, _SECTION_HEAD)
    findings: list[dict[str, str]] = []
    sentences: list[str] = []
    previous = ""
    for line in body:
        exact = _EXACT_OUTCOME.match(line)
        if exact:
            # a table row of the decision layout: the complaint cell, then its finding cell
            if previous and previous.casefold() not in ("complaint", "finding"):
                findings.append({"complaint": previous, "finding": _canonical(exact.group(1))})
                sentences.append(f"{previous.rstrip('.')}: {_canonical(exact.group(1))}")
            previous = ""
            continue
        previous = line
        if _BOILERPLATE.search(line):
            continue
        for sentence in re.split(r"(?<=[.;])\s+(?=[A-Z])", line):
            term = _TERM.search(sentence)
            if not term:
                continue
            after = re.sub(r"^of (?:the )?Ombudsman\b", "", sentence[term.end() :].strip(" :.,;"), flags=re.I)
            element = _ELEMENT_LEAD.sub("", after.strip(" :.,;")).strip(" .;")
            if not element:
                # "..., the landlord's handling of X is outside of the Ombudsman's jurisdiction."
                before = _SCHEME_LEAD.sub("", sentence[: term.start()]).strip(" ,")
                element = re.sub(r"\s+(?:is|was|are|were)$", "", before).strip()
            findings.append({"complaint": element, "finding": _canonical(term.group(1))})
            sentences.append(sentence.strip())
    if not findings:
        findings = _investigation_pairs(lines)
        sentences = [f"{f['complaint'].rstrip('.')}: {f['finding']}" for f in findings]
    return findings, sentences


def _investigation_pairs(lines: list[str]) -> list[dict[str, str]]:
    """The decision layout's "Complaint" / <element> / "Finding" / <outcome> pairs."""
    pairs = []
    for index, line in enumerate(lines):
        if line.casefold() != "finding" or index + 1 >= len(lines):
            continue
        exact = _EXACT_OUTCOME.match(lines[index + 1])
        start = max((i for i in range(index) if lines[i].casefold() == "complaint"), default=None)
        if exact and start is not None and start < index - 1:
            pairs.append({"complaint": " ".join(lines[start + 1 : index]), "finding": _canonical(exact.group(1))})
    return pairs


def _orders(lines: list[str]) -> list[str]:
    body = _section(lines, _ORDERS_HEAD, _END_OF_ORDERS)
    # "Orders and recommendations" may hold an "Orders" subheading of its own
    return [line for line in body if not _ORDERS_HEAD.match(line)][:20]


def _canonical(term: str) -> str:
    """The outcome as OUTCOMES spells it ("outside the Ombudsman's jurisdiction" -> "Outside jurisdiction")."""
    lowered = " ".join(term.split()).casefold()
    if lowered.startswith("outside"):
        return "Outside jurisdiction"
    return next(o for o in OUTCOMES if o.casefold() == lowered)


def _pounds(match: re.Match[str]) -> int | float:
    whole = int(match.group(1).replace(",", ""))
    return whole + int(match.group(2)) / 100 if match.group(2) and match.group(2) != "00" else whole
