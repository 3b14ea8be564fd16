"""Reading the "Judgement | Grade" table of an ILACS report (see ofsted_report.py).

The table is read by its structure, line by line, in the text layer of the page that holds
its header (a line "Judgement Grade"):

* a row starts with the first words of a row label the reader knows ("The impact of
  leaders", "The experiences and progress of", "Overall effectiveness");
* a label wraps over several lines ("The experiences and progress of care / leavers"); the
  words that continue it are joined whatever line they sit on, and a wrapped line of a
  label starts lower-case;
* a row's grade cell is a line of its own, or the words after its label on a line
  (pypdfium2 puts it between, after or at the end of the label's lines, pdfplumber beside
  the label's first line): a known grade ("Requires improvement to be good"), or a short
  capitalised run that is not a label (a grade on a scale the reader does not know, kept as
  read and named in the warning, never dropped);
* the table ends at the first line that is none of these (the first paragraph), and at the
  latest once its last row has been read: the 2018 table ends with "Overall effectiveness",
  the April 2026 one with care leavers. Prose never gives a grade.

Each row carries where it was read: the page and the row as printed (label and grade),
which becomes `meta.verdict_sources`. A row whose whole label is not one the reader knows is
an "unrecognised row", never mapped by a keyword; a row without a grade, with two grades,
or twice, is said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

GRADES = ("outstanding", "good", "requires improvement", "inadequate")
#: the judgements of an ILACS inspection, as reports and the statistics' data files give them
JUDGEMENT_KEYS = (
    "overall",
    "impact_of_leaders",
    "help_and_protection",
    "in_care",
    "care_leavers",
    "in_care_and_care_leavers",
)

#: a table's header line: "Judgement Grade" (also "Judgements Grades", "Judgement area Grade")
TABLE_HEADER = re.compile(r"\bJudgements?(?:\s+areas?)?\s+Grades?\b", re.I)
_HEADER_LINE = re.compile(r"^\s*Judgements?(?:\s+areas?)?\s+Grades?\s*$", re.I)
# A grade cell as Ofsted prints it: capitalised, at the end of a line or a line of its own.
# (The body's headings give the grade lower-case after a colon: "...protection: good".)
_GRADE_CELL = re.compile(r"(?:^|\s)(requires improvement(?: to be good)?|outstanding|good|inadequate)\s*$", re.I)
_GRADE = re.compile(r"requires\s+improvement(?:\s+to\s+be\s+good)?|outstanding|good|inadequate", re.I)

#: each row's label as the 2018-2026 reports print it (lower case, words); a key may have
#: several labels, each seen in real reports (docs/publishers/ofsted.md)
LABELS: dict[str, tuple[str, ...]] = {
    "overall": ("overall effectiveness",),
    "impact_of_leaders": (
        "the impact of leaders on social work practice with children and families",
        # the April 2026 framework's wording in some reports (North Northamptonshire, 2026)
        "the impact of leaders on practice with children and families",
    ),
    "help_and_protection": ("the experiences and progress of children who need help and protection",),
    "in_care": ("the experiences and progress of children in care",),
    "care_leavers": (
        "the experiences and progress of care leavers",
        # as printed in several 2025-2026 reports (Bedford, Bracknell Forest...)
        "the experiences and progress of children care leavers",
    ),
    "in_care_and_care_leavers": ("the experiences and progress of children in care and care leavers",),
}
_ALL_LABELS = [(key, tuple(text.split())) for key, texts in LABELS.items() for text in texts]
#: the words a row starts with (a line starting so starts a row)
_ROW_STARTS = {words[: min(3, len(words))] for _, words in _ALL_LABELS}
#: the longest grade read as unknown; more words than this are a label or prose
_MAX_GRADE_WORDS = 6
#: lines between the header and the first row kept as "text before the first row"
_MAX_LINES_BEFORE = 6

#: the warning of a table read fully but for its overall row (the 2026 framework has none)
NO_OVERALL = "judgement table not fully read: no 'Overall effectiveness' row"


def _word(text: str) -> str:
    return text.lower().replace("\u2019", "'").strip(",.;:")


def _grade(text: str) -> str:
    value = " ".join(text.lower().split())
    return "requires improvement" if value.startswith("requires improvement") else value


@dataclass
class Row:
    """One row of the table as printed: its label's words, its grade cell(s), its page."""

    page: int
    label: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    #: False once a word is met that no known label has there
    known: bool = True

    @property
    def key(self) -> str | None:
        words = tuple(_word(w) for w in self.label)
        return next((key for key, label in _ALL_LABELS if label == words), None)

    @property
    def text(self) -> str:
        """The row as printed: its label, then its grade."""
        return " ".join([*self.label, *self.cells])

    def extends(self, words: list[str]) -> int:
        """How many of `words` continue this row's label as some known label goes on."""
        if not self.known:
            return 0
        have = tuple(_word(w) for w in self.label)
        best = 0
        for _, label in _ALL_LABELS:
            if label[: len(have)] != have:
                continue
            count = 0
            while (
                count < len(words)
                and len(have) + count < len(label)
                and _word(words[count]) == label[len(have) + count]
            ):
                count += 1
            best = max(best, count)
        return best

    @property
    def complete(self) -> bool:
        return self.key is not None


@dataclass
class Table:
    """What was read of a page's "Judgement | Grade" table."""

    page: int
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def judgements(self) -> tuple[dict[str, str], dict[str, dict[str, object]]]:
        """({key: grade}, {key: {"page", "text"}}) of the rows read with one grade each."""
        grades: dict[str, str] = {}
        sources: dict[str, dict[str, object]] = {}
        for row in self.rows:
            key = row.key
            if key is None or len(row.cells) != 1 or key in grades:
                continue
            grades[key] = _grade(row.cells[0])
            sources[key] = {"page": row.page, "text": row.text}
        return grades, sources


def _starts_row(words: list[str]) -> bool:
    lowered = tuple(_word(w) for w in words)
    return any(lowered[: len(start)] == start for start in _ROW_STARTS)


def _cell_like(words: list[str]) -> bool:
    """A short capitalised run that is not a sentence: a grade cell on an unknown scale."""
    return (
        0 < len(words) <= _MAX_GRADE_WORDS
        and words[0][:1].isupper()
        and not words[-1].endswith((".", ":", ";", ","))
        and not _starts_row(words)
    )


def _split_cell(line: str) -> tuple[list[str], str | None]:
    """(label words, known grade cell at the end of the line or None)."""
    match = _GRADE_CELL.search(line)
    if not match or not match.group(1)[0].isupper():
        return line.split(), None
    return line[: match.start()].split(), match.group(1)


def find_table(pages: list[str]) -> tuple[int, int] | None:
    """(page index, line index) of the table's header line, on the first two pages."""
    for number, page in enumerate(pages[:2]):
        lines = page.split("\n")
        for index, line in enumerate(lines):
            if _HEADER_LINE.match(line):
                return number, index
            if re.fullmatch(r"\s*Judgements?\s*", line, re.I) and index + 1 < len(lines):
                if re.fullmatch(r"\s*Grades?\s*", lines[index + 1], re.I):
                    return number, index + 1
    return None


def read_table(pages: list[str]) -> Table | None:
    """The "Judgement | Grade" table of a report's first pages, or None when there is no header."""
    found = find_table(pages)
    if found is None:
        return None
    number, header = found
    lines = [line for line in pages[number].split("\n")[header + 1 :] if line.strip()]
    table = Table(page=number + 1)
    before: list[str] = []
    current: Row | None = None
    pending: str | None = None

    def close() -> None:
        nonlocal current
        if current is not None:
            table.rows.append(current)
            current = None

    def complete() -> bool:
        keys = {row.key for row in table.rows} | ({current.key} if current else set())
        if "overall" in keys:
            return True
        care = {"in_care_and_care_leavers"} if "in_care_and_care_leavers" in keys else {"in_care", "care_leavers"}
        return {"impact_of_leaders", "help_and_protection", *care} <= keys

    for index, line in enumerate(lines):
        words, cell = _split_cell(line)
        if current is not None and current.cells and _wraps_cell(current.cells[-1], line):
            # a grade cell that wraps: "Requires improvement / to be good"
            current.cells[-1] = f"{current.cells[-1]} {line.strip()}"
            continue
        if current is not None and words and current.extends(words):
            _take(current, words)
            if cell:
                current.cells.append(cell)
            continue
        if not words and cell:
            if current is None:
                before.append(line)
            elif current.cells and pending is None:
                # a row's grade printed level with the middle of a label that wraps: it comes
                # before that label ("Requires improvement to be good / Overall effectiveness")
                pending = cell
            else:
                current.cells.append(cell)
            continue
        if _starts_row(words):
            if complete() and (current is None or current.cells):
                # after the last row: only the overall row may follow the four judgements
                keys = {row.key for row in table.rows} | ({current.key} if current else set())
                if "overall" in keys or _word(words[0]) != "overall":
                    break
            close()
            current = Row(page=table.page)
            if pending is not None:
                current.cells.append(pending)
                pending = None
            _take(current, words)
            if cell:
                current.cells.append(cell)
            continue
        if current is not None and words[0][:1].islower() and not current.complete:
            # a wrapped label's next line, of a label the reader does not know
            current.known = False
            current.label += words
            if cell:
                current.cells.append(cell)
            continue
        if current is not None and not current.cells and _cell_like(words) and not cell:
            current.cells.append(" ".join(words))
            continue
        if current is None and not table.rows:
            before.append(line)
            if len(before) > _MAX_LINES_BEFORE:
                break
            continue
        if not complete() and _row_ahead(lines, index):
            # a row whose label the reader does not know, among the known ones
            close()
            current = Row(page=table.page, label=words, known=False)
            if cell:
                current.cells.append(cell)
            continue
        break
    close()
    if pending is not None:
        table.problems.append(f"grade {pending!r} after the last row, of no row")
    if before:
        if table.rows:
            table.problems.append(f"text before the first row not read: {' '.join(before)[:80]!r}")
        else:
            table.problems.append(
                "no row the reader knows after the 'Judgement Grade' header: "
                f"{' '.join(before)[:80]!r}"
            )
    seen: set[str] = set()
    for row in table.rows:
        key = row.key
        if key is None:
            table.problems.append(f"unrecognised row {row.text[:80]!r}")
            continue
        if key in seen:
            table.problems.append(f"row {key} appears twice")
            continue
        seen.add(key)
        if not row.cells:
            table.problems.append(f"row {key}: expected one grade, found none")
        elif len(row.cells) > 1:
            table.problems.append(f"row {key}: expected one grade, found {[_grade(c) for c in row.cells]}")
        elif not _GRADE.fullmatch(row.cells[0].strip()):
            table.problems.append(
                f"row {key}: grade {row.cells[0]!r} is not one of {', '.join(GRADES)}"
            )
    return table


def _wraps_cell(cell: str, line: str) -> bool:
    """Whether `line` is the rest of a grade cell that wrapped ("to be good")."""
    joined = " ".join(f"{cell} {line}".lower().split())
    return line[:1].islower() and joined in ("requires improvement to be good", "requires improvement to")


def _take(row: Row, words: list[str]) -> None:
    """Add a line's words to a row: the words that go on with its label, and a grade cell
    among them (a text layer may print "<label start> <grade> <label end>" on one line)."""
    taken = row.extends(words)
    row.label += words[:taken]
    rest = words[taken:]
    if not rest:
        return
    for size in range(1, min(_MAX_GRADE_WORDS, len(rest) - 1) + 1):
        cell, after = rest[:size], rest[size:]
        if cell[0][:1].isupper() and row.extends(after) == len(after):
            row.cells.append(" ".join(cell))
            row.label += after
            return
    if _cell_like(rest):
        row.cells.append(" ".join(rest))
        return
    row.known = False
    row.label += rest


def _row_ahead(lines: list[str], index: int) -> bool:
    """Whether lines[index] starts a row: a short line, not a sentence, whose grade cell is on
    it or on one of the next two lines."""
    words = lines[index].split()
    if len(words) > 10 or words[-1].endswith("."):
        return False
    return any(_GRADE_WORD.search(line) for line in lines[index : index + 3])


_GRADE_WORD = re.compile(r"\b(?:Requires improvement|Outstanding|Good|Inadequate)\b")


def read_judgements(text: str) -> tuple[dict[str, str], str | None]:
    """The "Judgement | Grade" table of one page's text as {key: grade}, and a warning when a
    table is there but could not be read fully (so a silent {} never hides a graded report).

    A table without an "Overall effectiveness" row (the April 2026 framework) and no other
    problem gives NO_OVERALL, which the caller drops when the table is complete for that
    framework. A grade that is not one of GRADES (a new scale) is kept as read, lower-cased,
    and named in the warning: it is never dropped.
    """
    table = read_table([text])
    if table is None:
        return {}, None
    judgements, _ = table.judgements()
    problems = list(table.problems)
    if not problems and "overall" not in judgements:
        return judgements, NO_OVERALL
    warning = "judgement table not fully read: " + "; ".join(problems) if problems else None
    return judgements, warning


def missing_rows(judgements: dict[str, str]) -> list[str]:
    """Problems for the rows every ILACS table has (care leavers a row of their own from 2023)."""
    if not judgements:
        return []
    care = (
        ["in_care_and_care_leavers"]
        if "in_care_and_care_leavers" in judgements
        else ["in_care", "care_leavers"]
    )
    return [
        f"no row for {key}"
        for key in ["impact_of_leaders", "help_and_protection", *care]
        if key not in judgements
    ]
