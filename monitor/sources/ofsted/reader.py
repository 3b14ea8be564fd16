"""Reading a downloaded Ofsted report: verdicts with their sources, framework, dates, lead
inspector, council, type.

Ofsted does not show ILACS grades on its web pages, so the PDF's "Judgement | Grade" table
is the only place they can be read (monitor/sources/ofsted/grade_table.py reads it by its
structure). A grade is read from that table and nowhere else: no sentence of prose ever
gives one, so an opening paragraph that recalls the previous inspection ("Since a judgement
of inadequate for overall effectiveness at the last inspection...") lends nothing.
Frameworks (docs/publishers/ofsted.md):

* ``ilacs-2018``: the framework in force from January 2018 (care leavers a row of their own
  from January 2023), whose table ends with "Overall effectiveness".
* ``ilacs-2026``: from April 2026 Ofsted removed the overall effectiveness judgement. The
  table has the four judgement rows and no overall row; no "overall" key is written.
  The framework is the table's (an overall row or not); the inspection dates only
  cross-check it.
* ``sif-2013``: the 2013-2017 single inspection framework: its overall judgement is read
  from the page-1 statement "Children's services in <council> are <grade>"; its other
  judgements (children looked after, adoption, leadership...) have no key here and are
  listed, unread, in ``unread_judgements``.
* ``area-send-2023`` / ``area-send-2016``: area SEND inspections (monitor/sources/ofsted/area_send.py).

Every verdict carries where it was read in ``verdict_sources`` ({key: {"page", "text"}}).
A report that should carry verdicts whose verdicts were not all read gets ``read_warning``
beside ``judgements_warning``: the pipeline turns that key into an urgent source_broken
naming the report, so a grade table in a new form (renamed header, a new scale, a lost row)
is never a quiet report without grades. Visit letters (focused, monitoring) and JTAI carry
no grades: none is ever read from them, whatever their prose names.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from monitor.dates import parse_date
from monitor.extract.textnorm import flatten
from monitor.sources.ofsted.area_send import read_area_send
from monitor.sources.ofsted.grade_table import (  # noqa: F401  (GRADES, JUDGEMENT_KEYS re-exported)
    GRADES,
    JUDGEMENT_KEYS,
    TABLE_HEADER,
    missing_rows,
    read_judgements,
    read_table,
)

#: first day of the framework without an overall effectiveness judgement
REFORM_FROM = date(2026, 4, 1)
FRAMEWORK_2018 = "ilacs-2018"
FRAMEWORK_2026 = "ilacs-2026"
FRAMEWORK_SIF = "sif-2013"
#: report types that never carry grades: nothing is read from them as a grade
UNGRADED_TYPES = ("focused visit", "monitoring visit", "jtai")
#: ILACS: a short inspection is one week on site, a standard one two weeks
SHORT_MAX_DAYS = 7
NO_OVERALL_ROW = "no 'Overall effectiveness' row"


def read_report_meta(pages: list[str]) -> dict[str, Any]:
    """Everything read from a report's pages, as the document's meta (see OfstedSource.read_meta)."""
    first = pages[0] if pages else ""
    head = "\n".join(pages[:2])
    report_type = read_report_type(first)
    meta: dict[str, Any] = {"report_type": report_type, "judgements": {}}
    dates = read_inspection_dates(head)
    problems: list[str] = []
    sources: dict[str, dict[str, Any]] = {}
    framework: str | None = None
    if report_type == "area send":
        send = read_area_send(pages)
        framework = send.framework
        if send.outcome:
            meta["judgements"] = {"area_send_outcome": send.outcome}
            sources = {"area_send_outcome": send.source}
        if send.problem:
            problems.append(send.problem)
    elif report_type in UNGRADED_TYPES:
        if read_table(pages[:2]) is not None:
            meta["judgements_warning"] = (
                f"a 'Judgement Grade' header in a {report_type} letter: a letter carries no grades, none read"
            )
    else:
        framework, judgements, sources, problems, extra = _graded(report_type, pages, dates)
        meta["judgements"] = judgements
        meta.update(extra)
    if framework:
        meta["framework"] = framework
    if sources:
        meta["verdict_sources"] = sources
    if problems:
        problem = "; ".join(problems)
        meta["judgements_warning"] = problem
        # the key the pipeline turns into an urgent source_broken naming the report
        meta["read_warning"] = problem
    if dates:
        meta["inspection_dates"] = dates
    if framework in (FRAMEWORK_2018, FRAMEWORK_2026):
        kind = read_inspection_type(pages, dates)
        if kind:
            meta["inspection_type"], meta["inspection_type_source"] = kind
    inspector = read_lead_inspector("\n".join(pages))
    if inspector:
        meta["lead_inspector"] = inspector
    authority = read_local_authority(first)
    if authority:
        meta["local_authority"] = authority
    return meta


def _graded(
    report_type: str, pages: list[str], dates: dict[str, str] | None
) -> tuple[str | None, dict[str, str], dict[str, dict[str, Any]], list[str], dict[str, Any]]:
    """(framework, judgements, sources, problems, other meta) of an inspection report."""
    head = flatten("\n".join(pages[:2]))
    table = read_table(pages[:2])
    if table is None:
        sif = _read_sif(pages)
        if sif is not None:
            return sif
        if report_type == "inspection" and _ILACS_TITLE.search(head):
            # An ILACS inspection report is always graded; a missing table is a layout we do
            # not know, never an ungraded report.
            return "unknown", {}, {}, ["an ILACS inspection report without a 'Judgement Grade' table"], {}
        return None, {}, {}, [], {}
    judgements, sources = table.judgements()
    problems = ["judgement table not fully read: " + p for p in table.problems]
    inspected = _inspected_on(dates)
    # a row printed but not read (no grade, two grades) is said once, not again as missing
    missing = missing_rows({row.key: "" for row in table.rows if row.key})
    if not judgements:
        if not problems:
            problems.append("judgement table not fully read: no row read")
        return "unknown", {}, {}, problems, {}
    if "overall" in judgements:
        framework = FRAMEWORK_2018
        if inspected is not None and inspected >= REFORM_FROM:
            problems.append(
                f"the judgement table has an 'Overall effectiveness' row but the inspection ended on "
                f"{inspected:%d %B %Y}, under the April 2026 framework that has none: check the report"
            )
    elif inspected is not None and inspected < REFORM_FROM:
        # a table without its overall row before the reform: a row was lost, not a framework
        framework = FRAMEWORK_2018
        problems.append(f"judgement table not fully read: {NO_OVERALL_ROW}")
    else:
        framework = FRAMEWORK_2026
        if inspected is None and not table.problems and not missing:
            problems.append(
                "judgement table has no 'Overall effectiveness' row and the inspection dates were not "
                "read: taken as the April 2026 framework, check the report"
            )
    problems += ["judgement table not fully read: " + m for m in missing]
    return framework, judgements, sources, _merge(problems), {}


def _merge(problems: list[str]) -> list[str]:
    """One "judgement table not fully read: a; b" for the table's problems, others as they are."""
    prefix = "judgement table not fully read: "
    table = [p[len(prefix) :] for p in problems if p.startswith(prefix)]
    other = [p for p in problems if not p.startswith(prefix)]
    return ([prefix + "; ".join(table)] if table else []) + other


_SIF_TITLE = re.compile(r"\bInspection of services for children in need of help and\s+protection", re.I)
_SIF_OVERALL = re.compile(
    r"^(Children's services in .{2,80}? (?:are|is) (outstanding|good|inadequate)"
    r"|Children's services in .{2,80}? requires? (improvement)(?: to be good)?)\s*\.?$",
    re.I | re.M,
)
_SIF_ROW = re.compile(r"^\d(?:\.\d)?\.?\s+\S.*$", re.M)


def _read_sif(pages: list[str]):
    """A 2013-2017 single inspection framework report: its overall judgement from the page-1
    statement, or a warning; None when the report is not one."""
    first = pages[0] if pages else ""
    if not _SIF_TITLE.search(flatten(first)):
        return None
    match = _SIF_OVERALL.search(first)
    if not match:
        return (
            FRAMEWORK_SIF,
            {},
            {},
            ["a 2013-2017 single inspection framework report whose overall judgement "
             "('Children's services in ... are ...') was not read"],
            {},
        )
    grade = (match.group(2) or "requires improvement").lower()
    if match.group(3):
        grade = "requires improvement"
    unread = [
        " ".join(line.split())
        for line in _SIF_ROW.findall(first[match.end() :])
        if _GRADE_WORD.search(line)
    ]
    extra = {"unread_judgements": unread} if unread else {}
    source = {"page": 1, "text": " ".join(match.group(1).split())}
    return FRAMEWORK_SIF, {"overall": grade}, {"overall": source}, [], extra


_GRADE_WORD = re.compile(r"\b(?:Outstanding|Good|Requires improvement|Inadequate)\b")


def read_inspection_type(
    pages: list[str], dates: dict[str, str] | None
) -> tuple[str, dict[str, Any]] | None:
    """("short" | "standard", where it was read) of an ILACS inspection.

    Where the report names it above its table ("short inspection"), that; else from the
    "Inspection dates:" line, as Ofsted's framework defines the two (a short inspection is
    one week on site, a standard one two weeks): at most 7 days is short.
    """
    first = pages[0] if pages else ""
    top = re.split(r"^Judgements?(?: areas?)? Grades?$", first, maxsplit=1, flags=re.M | re.I)[0]
    named = re.search(r"\b(short|standard) (?:ILACS )?inspection\b", flatten(top), re.I)
    if named:
        return named.group(1).lower(), {"page": 1, "text": named.group(0)}
    if not dates:
        return None
    line = re.search(r"^.*\bInspection dates?\s*:.*$", first, re.M | re.I)
    days = (date.fromisoformat(dates["end"]) - date.fromisoformat(dates["start"])).days + 1
    kind = "short" if days <= SHORT_MAX_DAYS else "standard"
    return kind, {
        "page": 1,
        "text": line.group(0).strip() if line else f"{dates['start']} to {dates['end']}",
        "rule": f"the inspection dates span {days} days: a short inspection is one week on site, a standard one two",
    }


_ILACS_TITLE = re.compile(
    r"\bInspection of\b.{0,80}?\bchildren's (?:social care )?services\b|\bInspection of children's social care services\b",
    re.I,
)


def _inspected_on(dates: dict[str, str] | None) -> date | None:
    if not dates:
        return None
    return date.fromisoformat(dates.get("end") or dates["start"])


_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
_RANGE = re.compile(
    rf"(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+({_MONTHS}))?(?:\s+(\d{{4}}))?\s*(?:to|and|-)\s*"
    rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS})\s+(\d{{4}})",
    re.I,
)
_SINGLE = re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS})\s+(\d{{4}})", re.I)


def parse_date_span(text: str) -> dict[str, str] | None:
    """A span of days as {"start": ISO, "end": ISO}, from "20 to 24 January 2025",
    "27 February to 3 March 2023", "28 December 2022 to 6 January 2023", "14 and 15 March
    2023" or a single date."""
    match = _RANGE.search(text)
    if match:
        day1, month1, year1, day2, month2, year2 = match.groups()
        end = parse_date(f"{day2} {month2} {year2}")
        start = parse_date(f"{day1} {month1 or month2} {year1 or year2}")
        if start and end:
            if start > end and not year1:
                # "29 December to 2 January 2025": the start is in the year before.
                start = parse_date(f"{day1} {month1 or month2} {int(year2) - 1}")
            if start and start <= end:
                return {"start": start.isoformat(), "end": end.isoformat()}
    single = _SINGLE.search(text)
    if single:
        when = parse_date(" ".join(single.groups()))
        if when:
            return {"start": when.isoformat(), "end": when.isoformat()}
    return None


def read_inspection_dates(text: str) -> dict[str, str] | None:
    """Dates from the "Inspection dates:" line, or a visit letter's "visit ... on <dates>"."""
    flat = flatten(text)
    match = re.search(r"\b(?:Inspection|Visit)\s+dates?\s*:\s*(.{0,80})", flat, re.I)
    if match:
        span = parse_date_span(match.group(1))
        if span:
            return span
    match = re.search(r"\bvisit\b[^.]{0,160}?\bon\s+(.{0,60})", flat, re.I)
    if match:
        return parse_date_span(match.group(1))
    return None


def read_lead_inspector(text: str) -> str | None:
    """The name after "Lead inspector:" (without ", His Majesty's Inspector")."""
    match = re.search(r"\bLead inspector\s*:\s*([^\n,]+)", text, re.I)
    if not match:
        return None
    name = re.split(r"\b(?:His|Her) Majesty's Inspector\b|\bHMI\b", match.group(1))[0]
    return name.strip(" ,.") or None


def read_local_authority(first_page: str) -> str | None:
    """The council from the title: "Inspection of Harrow local authority children's services",
    "Monitoring visit to Harrow children's services"; in the 2018-2020 layout the title is
    "Inspection of children's social care services" with the council on the line above."""
    flat = flatten(first_page)
    match = re.search(
        r"\b(?:Inspection of|visit to|visit of)\s+(?!children's)(.{2,80}?)\s+(?:local authority\s+)?children's\s+services",
        flat,
        re.I,
    )
    if match:
        return match.group(1).strip()
    lines = first_page.split("\n")
    for index, line in enumerate(lines):
        if re.match(r"Inspection of children's social care services", line, re.I):
            for previous in reversed(lines[:index]):
                if previous.strip() and not previous.strip().isdigit():
                    return previous.strip()
            break
    return None


# Titles start a line and are capitalised; the same words in running prose ("a focused visit
# in 2022") are lower-case or mid-line, so the earliest title-like line decides.
_TITLES = (
    ("jtai", re.compile(r"^Joint targeted area inspection\b", re.M)),
    ("area send", re.compile(r"^(?:Area SEND|Joint local area SEND|Local area SEND)\b", re.M)),
    ("monitoring visit", re.compile(r"^(?:Subject:\s*)?Monitoring visit\b", re.M)),
    ("focused visit", re.compile(r"^(?:Subject:\s*)?Focused visit\b", re.M)),
    ("inspection", re.compile(r"^Inspection of\b", re.M)),
)


def read_report_type(first_page: str) -> str:
    """inspection / focused visit / monitoring visit / jtai / area send / other, from page 1's title."""
    best: tuple[int, str] | None = None
    for name, pattern in _TITLES:
        match = pattern.search(first_page)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), name)
    return best[1] if best else "other"
