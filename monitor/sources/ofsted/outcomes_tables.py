"""Reading Ofsted's "Local authority inspection outcomes" data files: CSV or ODS, any sheet.

The official statistics publish their underlying data as an OpenDocument spreadsheet (the
2026 edition: sheets `Inspections_as_at_31_March` and `ILACS_inspection_history`, headings
on row 3, per a public loader of that file; see docs/publishers/ofsted.md). No CSV edition
has been seen; one is read the same way if it appears. Columns are recognised by words in
their heading, because only some heading names are confirmed.

An ODS file is read by the monitor's one spreadsheet reader (monitor/extract/spreadsheet.py).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from monitor.dates import parse_date
from monitor.extract.spreadsheet import OdsError, iter_sheets
from monitor.sources.ofsted.grade_table import JUDGEMENT_KEYS

#: the heading row is among the first rows (the 2026 file: row 3, under two title rows)
_HEADER_SEARCH_ROWS = 12

#: our field -> words its heading contains (first match wins, so longer phrases first)
COLUMNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("area_code", re.compile(r"area code|\bla code\b|ons code|gss code")),
    ("urn", re.compile(r"^urn\b|\burn$|unique reference number|\bprovider urn\b")),
    ("name", re.compile(r"^local authority( name)?$|^la name$|local authority name|^provider name$")),
    ("published", re.compile(r"publication date|date published|published")),
    ("end", re.compile(r"end date|date inspection ended|inspection end")),
    ("start", re.compile(r"start date|^inspection date$|^date of inspection$|inspection start")),
    ("type", re.compile(r"inspection type|type of inspection|^event type$")),
    ("overall", re.compile(r"overall effectiveness")),
    ("in_care_and_care_leavers", re.compile(r"in care and care leavers|looked after and care leavers")),
    ("impact_of_leaders", re.compile(r"impact of leaders|leaders")),
    ("help_and_protection", re.compile(r"help and protection")),
    ("care_leavers", re.compile(r"care leavers")),
    ("in_care", re.compile(r"children in care|\bin care\b|looked after")),
)
#: the graded columns, by the names the reports' judgements have
GRADED = JUDGEMENT_KEYS
#: the numeric codes of Ofsted's older data files (1 = Outstanding ... 4 = Inadequate, 5 = Not judged)
_CODES = {"1": "outstanding", "2": "good", "3": "requires improvement", "4": "inadequate"}
_BLANK = re.compile(
    r"^(?:|-|–|\.|\.\.|:|n/?a|na|none|null|\[[a-z]\]|5|not (?:judged|applicable|graded|given|reported|inspected)"
    r"(?: .*)?|no (?:judgement|grade).*)$"
)


class TableError(ValueError):
    """A data file whose layout cannot be read (the caller names the URL)."""


@dataclass
class Sheet:
    """One table: its name, its headings (as published) and our column index for each field."""

    name: str
    headings: list[str]
    columns: dict[str, int]
    rows: list[list[str]] = field(default_factory=list)

    def value(self, row: list[str], key: str) -> str:
        """The cell of `row` in our field `key` ("" when the sheet has no such column)."""
        index = self.columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""


def read_table_file(path: Path, kind: str) -> list[Sheet]:
    """Every sheet of a CSV ("csv") or ODS ("ods") file that has a heading row naming a local
    authority; TableError when there is none."""
    if kind == "csv":
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig", errors="replace")
        sheets = {"csv": list(csv.reader(io.StringIO(text)))}
    elif kind == "ods":
        try:
            sheets = dict(iter_sheets(path))
        except OdsError as exc:
            raise TableError(f"not an OpenDocument spreadsheet ({exc})") from exc
    else:
        raise TableError(f"cannot read a {kind!r} file")
    found = [sheet for name, rows in sheets.items() if (sheet := _with_header(name, rows))]
    if not found:
        names = ", ".join(sheets) or "none"
        raise TableError(f"no sheet has a heading row naming a local authority (sheets: {names})")
    return found


def _with_header(name: str, rows: list[list[str]]) -> Sheet | None:
    for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        columns = match_columns(row)
        if "name" in columns or "urn" in columns:
            body = [r for r in rows[index + 1 :] if any(cell.strip() for cell in r)]
            return Sheet(name=name, headings=row, columns=columns, rows=body)
    return None


def match_columns(headings: list[str]) -> dict[str, int]:
    """Our field -> column index, from a heading row; each field its first matching column."""
    columns: dict[str, int] = {}
    for index, heading in enumerate(headings):
        text = " ".join(heading.replace("\u2019", "'").casefold().split())
        if not text:
            continue
        for key, words in COLUMNS:
            if words.search(text):
                columns.setdefault(key, index)
                break
    return columns


def grade_of(value: str) -> str | None:
    """A published grade in the reader's words ("requires improvement", ...), None for a
    blank or "not judged"; TableError for anything else."""
    text = " ".join(value.casefold().split())
    if text in _CODES:
        return _CODES[text]
    if text.startswith("requires improvement"):
        return "requires improvement"
    if text in ("outstanding", "good", "inadequate"):
        return text
    if _BLANK.match(text):
        return None
    raise TableError(f"unknown grade {value!r}")


def date_of(value: str):
    """A date cell (ISO from ODS, "24/01/2025", "24 January 2025") or None."""
    return parse_date(value.strip()) if value.strip() else None
