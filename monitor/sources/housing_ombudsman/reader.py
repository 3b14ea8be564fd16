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
from monitor.extract.textnorm import normalise_page

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
_JURISDICTION = (
    r"(?:outside (?:of )?|not within )(?:the )?(?:Ombudsman['’]?s |Housing Ombudsman['’]?s |our )?jurisdiction"
)
_TERM = re.compile(
    r"\b(severe maladministration|no maladministration|maladministration|service failure|"
    rf"reasonable redress|{_JURISDICTION})\b",
    re.I,
)
#: a ruling that part of a complaint is outside the Ombudsman's jurisdiction, which the
#: reports also state outside the Determination ("Jurisdiction", "Scope")
_JURISDICTION_TERM = re.compile(rf"\b({_JURISDICTION})\b", re.I)
#: "the following aspects of the complaint are outside ...:" introduces the elements, one a line
_LEAD_SUBJECT = re.compile(r"\b(?:the )?following\b|\baspects? of (?:the|this) complaint\b$", re.I)
#: the clause before a ruling's subject: "After carefully considering all the evidence, it is determined that"
_RULING_LEAD = re.compile(r"^.*?\b(?:determined|decided|found|concluded|satisfied) that\s+", re.I)
_EXACT_OUTCOME = re.compile(rf"^\s*({'|'.join(re.escape(o) for o in OUTCOMES)})\s*\.?\s*$", re.I)
#: more case references after the first, as joint reports write them ("202416446 & 202426714")
_MORE_REFS = r"(?P<more>(?:\s*(?:&|,|\band\b)\s*\d{7,10})*)"
HEADING = re.compile(rf"^(?P<landlord>.+?)\s*\(\s*(?P<ref>\d{{7,10}}){_MORE_REFS}\s*\)\s*$")
#: "COMPLAINT 202344547", or a joint report's "COMPLAINTS 202416446 & 202426714"
_COMPLAINT_LINE = re.compile(rf"^COMPLAINTS?\s+(?P<ref>\d{{7,10}}){_MORE_REFS}\s*$", re.I)
_REF = re.compile(r"\d{7,10}")
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
    depths: list[int] = []
    lines: list[str] = []
    for raw in text.splitlines():
        line = " ".join(re.sub(r"^[-\u2022*]\s+|^\d{1,2}\.\s+", "", raw.strip()).split())
        if line:
            lines.append(line)
            depths.append(len(raw) - len(raw.lstrip("\t")))
    meta: dict[str, Any] = {}
    labels = _labels(lines[:40])
    meta["layout"] = "decision" if "case id" in labels else "report"
    references: list[str] = []
    for line in lines[:12]:
        heading = HEADING.match(line)
        if heading:
            meta["landlord"] = heading.group("landlord").strip()
            references = _REF.findall(heading.group("ref") + heading.group("more"))
            break
    for line in lines[:20]:
        complaint = _COMPLAINT_LINE.match(line)
        if complaint:
            # a joint report names every case it decides on the COMPLAINTS line
            stated = _REF.findall(complaint.group("ref") + complaint.group("more"))
            references = list(dict.fromkeys([*references[:1], *stated]))
            break
    case_ids = _REF.findall(labels.get("case id", ""))
    if case_ids and re.fullmatch(r"[\d\s&,and]+", labels.get("case id", "")):
        references = case_ids
    if references:
        meta["reference"] = references[0]
        if len(references) > 1:
            meta["also_references"] = references[1:]
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
    findings, sentences = _findings(lines, depths)
    if findings:
        meta["findings"] = findings
        distinct = sorted({f["finding"] for f in findings}, key=lambda f: _SEVERITY[f.casefold()])
        meta["determinations"] = distinct
        meta["decision"] = distinct[0]
        # each finding, and the decision (the first finding that is the worst), with the
        # words it was read from; a web page is one page
        meta["verdict_sources"] = {
            "decision": {"page": 1, "text": sentences[[f["finding"] for f in findings].index(distinct[0])]},
            "findings": [{"page": 1, "text": sentence} for sentence in sentences],
        }
    orders = _orders(lines)
    if orders:
        meta["orders"] = orders
        amounts = [_pounds(m) for line in orders for m in _MONEY.finditer(line)]
        if amounts:
            meta["compensation"] = amounts
        total = next((m for line in orders if (m := _TOTAL.search(line))), None)
        if total:
            meta["compensation_total"] = int(total.group(1).replace(",", ""))
    headline = [{"text": s, "page": 1} for s in dict.fromkeys(sentences)]
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
    """The REPORT layout's date: the line after "COMPLAINT <ref>" (a joint report's
    "COMPLAINTS <ref> & <ref>") and the landlord's name."""
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


def _section_span(lines: list[str], head: re.Pattern[str], end: re.Pattern[str]) -> range:
    """The indexes of the lines after the first line matching `head`, up to one matching `end`."""
    for index, line in enumerate(lines):
        if head.match(line):
            stop = next((i for i in range(index + 1, len(lines)) if end.match(lines[i])), len(lines))
            return range(index + 1, stop)
    return range(0)


def _findings(lines: list[str], depths: list[int] | None = None) -> tuple[list[dict[str, str]], list[str]]:
    """({complaint, finding} per element, the sentence each was read from), in the order stated.

    Every finding of the Determination, and every ruling elsewhere in the report (its
    "Jurisdiction" or "Scope" section) that an element of the complaint is outside the
    Ombudsman's jurisdiction. A sentence ending in a colon ("... there was:", "... the following
    aspects of the complaint are outside of the Ombudsman's jurisdiction:") introduces the
    elements that follow it, one a line: nested under it where the page's lists say so
    (`depths`), else up to the next heading or the next sentence stating a finding."""
    depths = depths or [0] * len(lines)
    determination = _section_span(lines, _DETERMINATION_HEAD, _SECTION_HEAD)
    findings: list[dict[str, str]] = []
    sentences: list[str] = []

    def add(complaint: str, finding: str, sentence: str) -> None:
        item = {"complaint": complaint, "finding": finding}
        if item not in findings:
            findings.append(item)
            sentences.append(sentence)

    previous = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        inside = index in determination
        index += 1
        if inside:
            exact = _EXACT_OUTCOME.match(line)
            if exact:
                # a table row of the decision layout: the complaint cell, then its finding cell
                if previous and previous.casefold() not in ("complaint", "finding"):
                    finding = _canonical(exact.group(1))
                    add(previous, finding, f"{previous.rstrip('.')}: {finding}")
                previous = ""
                continue
            previous = line
        if _BOILERPLATE.search(line) or _SECTION_HEAD.match(line) or _DETERMINATION_HEAD.match(line):
            continue
        for sentence in re.split(r"(?<=[.;])\s+(?=[A-Z])", line):
            term = (_TERM if inside else _JURISDICTION_TERM).search(sentence)
            if not term:
                continue
            finding = _canonical(term.group(1))
            if finding == "Outside jurisdiction":
                element = _ruled_element(sentence[: term.start()])
            else:
                after = re.sub(r"^of (?:the )?Ombudsman\b", "", sentence[term.end() :].strip(" :.,;"), flags=re.I)
                element = _ELEMENT_LEAD.sub("", after.strip(" :.,;")).strip(" .;")
            if sentence.rstrip().endswith(":") and (not element or _LEAD_SUBJECT.search(element)):
                # the elements follow, one a line
                items, index = _elements(lines, depths, index, depths[index - 1])
                for item in items:
                    add(item.rstrip("."), finding, f"{sentence.strip()} {item}")
                continue
            if not element and finding != "Outside jurisdiction":
                element = _ruled_element(sentence[: term.start()])
            if element:
                add(element, finding, sentence.strip())
    if not findings:
        findings = _investigation_pairs(lines)
        sentences = [f"{f['complaint'].rstrip('.')}: {f['finding']}" for f in findings]
    return findings, sentences


def _ruled_element(before: str) -> str:
    """The subject of a ruling: "In accordance with paragraph 42.j. of the Housing Ombudsman
    Scheme, the landlord's handling of X is" -> "the landlord's handling of X"."""
    element = _SCHEME_LEAD.sub("", before).strip(" ,")
    element = _RULING_LEAD.sub("", element).strip(" ,")
    return re.sub(r"\s+(?:is|was|are|were|falls|fall)(?:\s+(?:therefore|also))?$", "", element).strip(" ,")


def _elements(lines: list[str], depths: list[int], start: int, lead_depth: int) -> tuple[list[str], int]:
    """The element lines after a lead sentence ending in a colon, and the index after them."""
    items: list[str] = []
    index = start
    nested = start < len(lines) and depths[start] > lead_depth
    while index < len(lines):
        line = lines[index]
        if _SECTION_HEAD.match(line) or _DETERMINATION_HEAD.match(line):
            break
        if nested:
            if depths[index] <= lead_depth:
                break
            if depths[index] == depths[start]:
                items.append(line)
        else:
            # without the page's lists: an element is one short sentence stating no finding itself
            if _TERM.search(line) or len(line) > 250 or re.search(r"[.;:]\s+[A-Z]", line):
                break
            items.append(line)
        index += 1
    return items, index


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
    if lowered.startswith(("outside", "not within")):
        return "Outside jurisdiction"
    return next(o for o in OUTCOMES if o.casefold() == lowered)


def _pounds(match: re.Match[str]) -> int | float:
    whole = int(match.group(1).replace(",", ""))
    return whole + int(match.group(2)) / 100 if match.group(2) and match.group(2) != "00" else whole


_BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "th", "dt", "dd", "pre", "blockquote"]
_LISTS = ("ol", "ul")


def decision_lines(html: bytes | str) -> str:
    """A decision page's text one block a line, as monitor.extract's html_text gives it, but
    keeping what that drops: a list item that holds a list of its own keeps its own words
    ("... the following aspects of the complaint are outside of the Ombudsman's
    jurisdiction:"), and each line starts with one tab per list it is nested in, so the
    elements a sentence introduces are known by the page's structure."""
    from bs4 import BeautifulSoup, NavigableString, Tag

    def lists_between(node: Any, top: Tag) -> bool:
        return any(isinstance(a, Tag) and a.name in _LISTS for a in node.parents if a is not top and top in a.parents)

    def holder(node: Any) -> Tag | None:
        """The list item whose own words `node` is part of, if that item holds a list."""
        item = node.find_parent("li")
        if item is None or not item.find(_LISTS) or lists_between(node, item):
            return None
        return item

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "svg"]):
        tag.decompose()
    root = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.body or soup
    lines: list[str] = []
    for element in root.find_all(_BLOCKS):
        depth = max(0, len([a for a in element.parents if isinstance(a, Tag) and a.name in _LISTS]) - 1)
        if element.name == "li" and element.find(_LISTS):
            own = [
                str(node)
                for node in element.descendants
                if isinstance(node, NavigableString) and not lists_between(node, element)
            ]
            text = " ".join(" ".join(own).split())
        elif element.find(["p", "li", "td", "div", "h1", "h2", "h3", "h4", "table", "ul", "ol"]):
            continue
        elif holder(element) is not None:
            continue  # read with the list item it opens
        else:
            text = " ".join(element.get_text(" ", strip=True).split())
        # the same words the extractor gives (quotes, dashes, spaces normalised)
        text = " ".join(normalise_page(text).split())
        if text:
            lines.append("\t" * depth + text)
    return "\n".join(lines)
