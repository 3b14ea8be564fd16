"""Grades and outcomes: read them from a document's meta, compare two, say which way it went.

Ofsted and CQC share one four-point scale (Outstanding, Good, Requires improvement,
Inadequate). The Ombudsman's outcomes are ranked on the same axis so that "better" and
"worse" mean the same thing everywhere: a complaint upheld (fault found) is worse for the
council than one not upheld or closed after initial enquiries, and a formal public report
is the worst of all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

Direction = Literal["worse", "better", "unknown"]

#: higher is better; ranks are only ever compared within one field
_RANKS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"^outstanding\b"), 4),
    (re.compile(r"^good\b"), 3),
    (re.compile(r"^requires improvement\b"), 2),
    (re.compile(r"^inadequate\b"), 1),
    # CQC local authority assessment scores: "4 - Evidence shows an exceptional standard" ... "1 - ..."
    (re.compile(r"^(score:? )?([1-4])( - .*)?$"), -1),
    # Ombudsman outcomes
    (re.compile(r"^not upheld\b"), 3),
    (re.compile(r"^closed after initial enquiries\b"), 3),
    (re.compile(r"^upheld: maladministration,? no injustice\b"), 2),
    (re.compile(r"^upheld\b"), 1),
    (re.compile(r"^report issued\b"), 0),
    # Ofsted area SEND outcomes (monitor/sources/ofsted_send.py): the 2023 framework's three,
    # the 2016 framework's written statement of action, a revisit's conclusion on progress
    (re.compile(r"^positive experiences and outcomes\b"), 3),
    (re.compile(r"^inconsistent experiences and outcomes\b"), 2),
    (re.compile(r"^widespread and/or systemic failings\b"), 1),
    (re.compile(r"^no written statement of action required\b"), 3),
    (re.compile(r"^written statement of action required\b"), 1),
    (re.compile(r"^sufficient progress in all significant weaknesses\b"), 3),
    (re.compile(r"^sufficient progress in some significant weaknesses\b"), 2),
    (re.compile(r"^insufficient progress\b"), 1),
    # Housing Ombudsman findings (a decision's worst one), longest first so each prefix
    # meets its own rule
    (re.compile(r"^no maladministration\b"), 3),
    (re.compile(r"^outside (?:of )?jurisdiction\b"), 3),
    (re.compile(r"^reasonable redress\b"), 3),
    (re.compile(r"^service failure\b"), 2),
    (re.compile(r"^severe maladministration\b"), 0),
    (re.compile(r"^maladministration\b"), 1),
]

GRADED_KINDS = {"ofsted": "judgements", "cqc": "ratings"}


def _clean(value: str) -> str:
    return " ".join(value.replace("\u2013", "-").replace("\u2014", "-").split()).casefold()


def rank(value: str | None) -> int | None:
    """The value's place on the better/worse axis (higher is better), or None if unknown."""
    if not value:
        return None
    text = _clean(value)
    for pattern, score in _RANKS:
        match = pattern.match(text)
        if match:
            return int(match.group(2)) if score == -1 else score
    return None


def _grade_text(value: Any) -> str | None:
    """A grade as text, whether stored bare ("Good") or as {"rating": "Good", ...}."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        for key in ("rating", "grade", "judgement", "value", "decision", "score"):
            if isinstance(value.get(key), str | int) and str(value[key]).strip():
                return str(value[key]).strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _graded_fields(raw: Any) -> dict[str, str]:
    """{field: grade} from a dict ({"overall": "Good"}) or a list of rows ([{"name", "grade"}])."""
    out: dict[str, str] = {}
    if isinstance(raw, dict):
        for field, value in raw.items():
            text = _grade_text(value)
            if text:
                out[str(field)] = text
    elif isinstance(raw, list):
        for row in raw:
            if not isinstance(row, dict):
                continue
            name = next((row[k] for k in ("field", "name", "judgement", "area", "key") if row.get(k)), None)
            text = _grade_text({k: v for k, v in row.items() if k not in ("field", "name", "area", "key")})
            if name and text:
                out[str(name)] = text
    return out


def verdict_of(kind: str, meta: dict[str, Any] | None) -> dict[str, str]:
    """The graded fields of a document's meta, as {field: grade}.

    Ofsted: meta["judgements"]; CQC: meta["ratings"]; LGSCO: {"decision": meta["decision"]}.
    Dicts of {field: grade} and lists of {"name"/"field": ..., "grade"/"rating": ...} rows are
    both read. Other kinds (or no meta) give {}.
    """
    if not meta:
        return {}
    if kind in ("lgsco", "housing_ombudsman"):
        decision = _grade_text(meta.get("decision"))
        return {"decision": decision} if decision else {}
    key = GRADED_KINDS.get(kind)
    return _graded_fields(meta.get(key)) if key else {}


@dataclass(frozen=True)
class Change:
    """One graded field that moved between two versions or two reports."""

    field: str
    from_: str
    to: str
    direction: Direction

    def to_dict(self) -> dict[str, str]:
        """The shape of a rating_change event's details (without `provider`, which the caller knows)."""
        return {"field": self.field, "from": self.from_, "to": self.to, "direction": self.direction}

    @property
    def severity(self) -> str:
        """urgent when it got worse, normal otherwise."""
        return severity_of(self.direction)


def compare(previous: dict[str, str], current: dict[str, str]) -> list[Change]:
    """The fields present in both whose grade differs, in `current`'s order.

    Wording changes on the same rank ("Requires improvement" -> "Requires improvement to be
    good") are not changes. A field that appears or disappears is not compared: a new
    framework's rows would otherwise look like verdicts.
    """
    changes: list[Change] = []
    for field, now in current.items():
        before = previous.get(field)
        if before is None or _clean(before) == _clean(now):
            continue
        old_rank, new_rank = rank(before), rank(now)
        if old_rank is not None and new_rank is not None:
            if old_rank == new_rank:
                continue
            direction: Direction = "worse" if new_rank < old_rank else "better"
        else:
            direction = "unknown"
        changes.append(Change(field=field, from_=before, to=now, direction=direction))
    return changes


def severity_of(direction: str) -> str:
    """Severity of a change: worse -> urgent; better or unknown -> normal."""
    return "urgent" if direction == "worse" else "normal"


def _label(value: str) -> str:
    value = " ".join(str(value).split())
    return value[:1].upper() + value[1:]


def field_label(field: str) -> str:
    """A field name for people: "care_leavers" -> "Care leavers"."""
    return _label(field.replace("_", " "))


def format_change(change: Change | dict[str, Any]) -> str:
    """"Good -> Inadequate" for a Change or a rating_change event's details."""
    if isinstance(change, Change):
        before, after = change.from_, change.to
    else:
        before, after = change.get("from") or "?", change.get("to") or "?"
    return f"{_label(before)} -> {_label(after)}"


def headline_verdict(verdicts: dict[str, str]) -> tuple[str, str] | None:
    """The (field, grade) to headline: "overall"-like fields first, else the lowest-ranked grade."""
    if not verdicts:
        return None
    for field, grade in verdicts.items():
        if "overall" in field.casefold():
            return field, grade
    ranked = [(rank(grade), index, field, grade) for index, (field, grade) in enumerate(verdicts.items())]
    known = [item for item in ranked if item[0] is not None]
    if known:
        _, _, field, grade = min(known)
        return field, grade
    field, grade = next(iter(verdicts.items()))
    return field, grade
