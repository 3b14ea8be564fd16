"""Reading the "Judgement | Grade" table of an ILACS report (see ofsted_report.py).

The rows are found by the words their labels start with; each row's grade is a known grade
in it, else the words beside its label that are not the label (a grade on a scale the
reader does not know, kept as read and named in the warning, never dropped). Two text
layers are handled: pypdfium2 (a grade after or in the middle of its wrapped label) and
pdfplumber (a grade beside the label's first line, the overall grade before its label).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from monitor.extract.textnorm import flatten

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

_GRADE = re.compile(r"requires\s+improvement(?:\s+to\s+be\s+good)?|outstanding|good|inadequate", re.I)
# Each row of the table starts with one of these; the grade may sit anywhere in the row
# when a wrapped label's second line comes after it in the text layer.
_ROW_START = re.compile(
    r"\bThe impact of leaders\b|\bThe experiences and progress of\b|\bOverall effectiveness\b", re.I
)
TABLE_HEADER = re.compile(r"\bJudgements?(?:\s+areas?)?\s+Grades?\b", re.I)


def _grade(text: str) -> str:
    value = " ".join(text.lower().split())
    return "requires improvement" if value.startswith("requires improvement") else value


def _row_key(label: str) -> str | None:
    text = " ".join(label.lower().split())
    if text.startswith("overall effectiveness"):
        return "overall"
    if "leaders" in text:
        return "impact_of_leaders"
    if "help and protection" in text:
        return "help_and_protection"
    if re.search(r"in care and care leavers", text):
        return "in_care_and_care_leavers"
    if "care leavers" in text:
        return "care_leavers"
    if "in care" in text:
        return "in_care"
    return None


#: the warning of a table read fully but for its overall row (the 2026 framework has none)
NO_OVERALL = "judgement table not fully read: no 'Overall effectiveness' row"
# A wrapped label's second line ("leavers") follows the grade in the text layer; this many
# characters after the grade of a table's last row are read as its label, no more, because
# prose follows a table that has no "Overall effectiveness" row to end it.
_LABEL_TAIL = 40


def read_judgements(text: str) -> tuple[dict[str, str], str | None]:
    """The "Judgement | Grade" table as {key: grade}, and a warning when a table is there but
    could not be read fully (so a silent {} never hides a graded report).

    Only the table is read: a monitoring visit letter that mentions "overall effectiveness"
    in its prose has no table header and gives {}. A table without an "Overall
    effectiveness" row (the April 2026 framework) gives the other rows and the warning
    "no 'Overall effectiveness' row", which the caller drops when the dates show the report
    belongs to that framework. A grade that is not one of GRADES (a new scale) is kept as
    read, lower-cased, and named in the warning: it is never dropped.
    """
    flat = flatten(text)
    header = TABLE_HEADER.search(flat)
    if not header:
        return {}, None
    words = _Words(text)
    body = flat[header.end() :]
    starts = [m.start() for m in _ROW_START.finditer(body)]
    if not starts:
        return (
            {},
            "judgement table not fully read: no row the reader knows after the 'Judgement Grade' header",
        )
    judgements: dict[str, str] = {}
    problems: list[str] = []
    carried: str | None = None
    before = body[: starts[0]].strip()
    if before:
        # a row whose label the reader does not know, ahead of the known ones
        problems.append(f"text before the first row not read: {before[:80]!r}")
    for index, start in enumerate(starts):
        last = index + 1 == len(starts)
        end = len(body) if last else starts[index + 1]
        row = body[start:end]
        # The label is classified without its grade, which may have split it in two.
        if last:
            # prose follows the last row and may name another row's words ("leaders")
            key = _label_key(row) or _row_key(_GRADE.sub(" ", _last_row(row)))
        else:
            key = _row_key(_GRADE.sub(" ", row))
        if key is None:
            problems.append(f"unrecognised row {row[:80]!r}")
            continue
        if key in judgements:
            problems.append(f"row {key} appears twice")
            continue
        at = header.end() + start
        if not last and _OVERALL_NEXT.match(body, end) and len(_GRADE.findall(row)) == 2:
            # pdfplumber puts the overall grade, printed level with its label's middle,
            # ahead of "Overall effectiveness": the row before it ends with that grade
            second = list(_GRADE.finditer(row))[1]
            carried = _grade(second.group(0))
            row = row[: second.start()]
        if key == "overall" and carried is not None:
            grade, problem = _overall_carried(carried, row, words, at)
        else:
            grade, problem = _row_grade(key, row, last, words, at)
        if grade is not None:
            judgements[key] = grade
        if problem:
            problems.append(problem)
        if key == "overall":
            # the last row of the 2018 table: prose follows it
            break
    if not problems and "overall" in judgements:
        # a table read without a fault must still have every row: an absent one was lost
        # (a table without the overall row is checked by the caller, which knows the framework)
        problems = missing_rows(judgements)
    if "overall" not in judgements and not problems:
        return judgements, NO_OVERALL
    warning = "judgement table not fully read: " + "; ".join(problems) if problems else None
    return judgements, warning


def _row_grade(key: str, row: str, last: bool, words: _Words, at: int) -> tuple[str | None, str | None]:
    """(grade, problem) of one row starting at flat offset `at`: a known grade, or the words
    that are not the row's label (a grade the reader does not know, kept and named)."""
    if key == "overall":
        beside = _unlabelled(key, row, words, at)
        if beside and not _GRADE.search(beside):
            return _unknown(key, beside)
        # the last row: its grade is the first one after the label; prose follows it
        match = _GRADE.search(row)
        if match:
            return _grade(match.group(0)), None
        return None, "no grade after 'Overall effectiveness'"
    if last:
        # prose follows the last row of a table without an overall row: only the words
        # right beside the label are its grade
        unknown = _unlabelled(key, row, words, at)
        if unknown and not _GRADE.search(unknown):
            return _unknown(key, unknown)
        row = _last_row(row)
    grades = [_grade(m.group(0)) for m in _GRADE.finditer(row)]
    if len(grades) == 1:
        return grades[0], None
    if grades:
        return None, f"row {key}: expected one grade, found {grades}"
    unknown = _unlabelled(key, row, words, at)
    if unknown:
        return _unknown(key, unknown)
    return None, f"row {key}: expected one grade, found none"


def _overall_carried(carried: str, row: str, words: _Words, at: int) -> tuple[str, str | None]:
    """The overall grade printed before its label, checked against any grade beside it."""
    beside = _unlabelled("overall", row, words, at)
    if beside and _GRADE.fullmatch(beside.strip(" .")) and _grade(beside.strip(" .")) != carried:
        return carried, f"row overall: two grades, {carried!r} and {beside!r}"
    return carried, None


_OVERALL_NEXT = re.compile(r"overall effectiveness\b", re.I)


def _unknown(key: str, value: str) -> tuple[str, str]:
    return " ".join(value.lower().split()), (f"row {key}: grade {value!r} is not one of {', '.join(GRADES)}")


#: each row's label as the 2018-2025 reports print it (lower case); the words of a row that
#: are not its label, in order, are its grade
_LABELS = {
    "overall": "overall effectiveness",
    "impact_of_leaders": "the impact of leaders on social work practice with children and families",
    "help_and_protection": "the experiences and progress of children who need help and protection",
    "in_care": "the experiences and progress of children in care",
    "care_leavers": "the experiences and progress of care leavers",
    "in_care_and_care_leavers": "the experiences and progress of children in care and care leavers",
}
#: the longest grade read as unknown; more words than this are a label or prose
_MAX_GRADE_WORDS = 6


class _Words:
    """The words of a text with where each sits in `flatten(text)` and on which line, so a
    position in the flattened table maps back to the line it was printed on."""

    def __init__(self, text: str) -> None:
        self.flat_starts: list[int] = []
        self.lines: list[int] = []
        offset = 0
        line = 0
        previous = 0
        for match in re.finditer(r"\S+", text):
            line += text.count("\n", previous, match.start())
            previous = match.start()
            self.flat_starts.append(offset)
            self.lines.append(line)
            offset += len(match.group(0)) + 1

    def line_at(self, flat_offset: int) -> int:
        """The line of the word at (or just before) a flattened offset."""
        return self.lines[max(0, bisect_right(self.flat_starts, flat_offset) - 1)]


def _unlabelled(key: str, row: str, words: _Words, at: int) -> str | None:
    """The first run of a row's words that are not its label, cut at the end of the line it
    starts on (a wrapped label goes on after a grade; prose starts a new line)."""
    label = _LABELS[key].split()
    position = 0
    run: list[str] = []
    line: int | None = None
    for match in re.finditer(r"\S+", row):
        word = match.group(0)
        if run and (words.line_at(at + match.start()) != line):
            break
        if not run and position < len(label) and word.lower().strip(",.;:") == label[position]:
            position += 1
            continue
        if run and position < len(label) and word.lower().strip(",.;:") == label[position]:
            break
        if not run:
            line = words.line_at(at + match.start())
        run.append(word)
    if not run or len(run) > _MAX_GRADE_WORDS:
        return None
    return " ".join(run)


def _label_key(row: str) -> str | None:
    """The row whose whole label starts `row`, with at most one run of other words (its grade)
    inside or after it; the longest such label wins ("children in care and care leavers"
    over "children in care")."""
    words = [w.lower().strip(",.;:") for w in row.split()]
    best: tuple[int, str] | None = None
    for key, text in _LABELS.items():
        label = text.split()
        position = runs = 0
        skipping = False
        for word in words:
            if position == len(label):
                break
            if word == label[position]:
                position += 1
                skipping = False
            elif position == 0:
                break
            elif not skipping:
                runs += 1
                skipping = True
                if runs > 1:
                    break
        if position == len(label) and (best is None or len(label) > best[0]):
            best = (len(label), key)
    return best[1] if best else None


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


def _last_row(row: str) -> str:
    """The last row of a table, without the prose after it: up to its first grade and the
    few words of a wrapped label that follow the grade."""
    if re.match(r"overall effectiveness", row, re.I):
        return row
    match = _GRADE.search(row)
    if not match:
        return row[:200]
    tail = row[match.end() : match.end() + _LABEL_TAIL]
    # the wrapped label's rest is lower-case words; a capital or a grade starts the prose
    rest = re.match(r"\s*((?:[a-z'’-]+\s*){0,4})", tail)
    return row[: match.end()] + (" " + rest.group(1) if rest else "")
