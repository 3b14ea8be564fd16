"""Reading a downloaded Ofsted report: grades, framework, dates, lead inspector, council, type.

Ofsted does not show ILACS grades on its web pages, so the PDF's "Judgement | Grade" table
is the only place they can be read. Two frameworks are recognised (docs/publishers/ofsted.md):

* ``ilacs-2018``: the framework in force from January 2018 (care leavers a row of their own
  from January 2023), whose table ends with "Overall effectiveness".
* ``ilacs-2026``: from April 2026 Ofsted removed the overall effectiveness judgement
  (announced 27 November 2025). Reports inspected from then on keep the judgement rows on
  the same four-point scale but have no overall row; that is the framework, not a reading
  failure, so no warning is raised and no "overall" key is written (a rating change is only
  ever computed between fields both reports carry).

A report that should carry grades (an inspection, or an untitled document with a grade
table) whose grades were not all read gets ``read_warning`` beside ``judgements_warning``:
the pipeline turns that key into an urgent source_broken naming the report, so a grade
table in a new form (renamed header, a new scale such as "Needs attention", a lost row)
is never a quiet report without grades. Visit letters, JTAI and area SEND reports carry no
grades and never get it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from monitor.dates import parse_date
from monitor.extract.textnorm import flatten
from monitor.sources.ofsted.grade_table import (  # noqa: F401  (GRADES, JUDGEMENT_KEYS re-exported)
    GRADES,
    JUDGEMENT_KEYS,
    NO_OVERALL,
    TABLE_HEADER,
    missing_rows,
    read_judgements,
)

#: first day of the framework without an overall effectiveness judgement
REFORM_FROM = date(2026, 4, 1)
FRAMEWORK_2018 = "ilacs-2018"
FRAMEWORK_2026 = "ilacs-2026"
#: report types that never carry grades: a table problem in one of them is no read_warning
UNGRADED_TYPES = ("focused visit", "monitoring visit", "jtai", "area send")


def read_report_meta(pages: list[str]) -> dict[str, Any]:
    """Everything read from a report's pages, as the document's meta (see OfstedSource.read_meta)."""
    first = pages[0] if pages else ""
    head = "\n".join(pages[:2])
    meta: dict[str, Any] = {"report_type": read_report_type(first), "judgements": {}}
    judgements, problem = read_judgements(head)
    dates = read_inspection_dates(head)
    framework, problem = _framework(meta["report_type"], head, judgements, problem, dates)
    meta["judgements"] = judgements
    if framework:
        meta["framework"] = framework
    if problem:
        meta["judgements_warning"] = problem
        if meta["report_type"] not in UNGRADED_TYPES:
            # the key the pipeline turns into an urgent source_broken naming the report
            meta["read_warning"] = problem
    if dates:
        meta["inspection_dates"] = dates
    inspector = read_lead_inspector("\n".join(pages))
    if inspector:
        meta["lead_inspector"] = inspector
    authority = read_local_authority(first)
    if authority:
        meta["local_authority"] = authority
    return meta


def _framework(
    report_type: str,
    head: str,
    judgements: dict[str, str],
    problem: str | None,
    dates: dict[str, str] | None,
) -> tuple[str | None, str | None]:
    """(framework, warning): which ILACS framework a graded report follows, and whether what
    was read is complete for it."""
    has_table = bool(TABLE_HEADER.search(flatten(head)))
    if "overall" in judgements:
        return FRAMEWORK_2018, problem
    if not has_table:
        if report_type == "inspection" and _ILACS_TITLE.search(flatten(head)):
            # An ILACS inspection report is always graded; a missing table is a layout we do
            # not know, never an ungraded report.
            return "unknown", "an ILACS inspection report without a 'Judgement Grade' table"
        return None, problem
    inspected = _inspected_on(dates)
    missing = missing_rows(judgements)
    if missing and problem == NO_OVERALL:
        problem = "; ".join([problem, *missing])
    rows_ok = problem is None or problem == NO_OVERALL
    if inspected is not None and inspected >= REFORM_FROM and rows_ok and judgements:
        return FRAMEWORK_2026, None
    if inspected is None and rows_ok and judgements:
        return FRAMEWORK_2026, (
            "judgement table has no 'Overall effectiveness' row and the inspection dates were not "
            "read: taken as the April 2026 framework, check the report"
        )
    if inspected is not None and inspected >= REFORM_FROM:
        return FRAMEWORK_2026, problem
    return FRAMEWORK_2018, problem


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
