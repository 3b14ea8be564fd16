"""Grades and outcomes: read them from a document's meta, compare two, say which way it went.

Which meta field holds a kind's verdict, and its values from best to worst, are the kind's
profile (monitor/profile.py, declared in the publisher's folder): an upheld complaint ranks
below one not upheld as an inadequate grade ranks below a good one, so "better" and "worse"
mean the same thing everywhere. Scores ("4 - Evidence shows an exceptional standard" ... "1
- ...", CQC's quality statements) rank by their number, whatever the kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from monitor.profile import Profile, clean, level_on

Direction = Literal["worse", "better", "unknown"]
Scale = tuple[tuple[str, ...], ...]

_SCORE = re.compile(r"^(?:score:? )?([1-4])(?: - .*)?$")


def _clean(value: str) -> str:
    return clean(value)


def rank(value: str | None, scale: Scale = ()) -> int | None:
    """The value's place on the better/worse axis (higher is better), or None if unknown.

    A score out of four ranks by its number; anything else by its level on `scale` (best
    first), the best level ranking highest."""
    if not value:
        return None
    text = _clean(value)
    score = _SCORE.match(text)
    if score:
        return int(score.group(1))
    level = level_on(scale, text)
    return None if level is None else len(scale) - level


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


def verdict_of(profile: Profile, meta: dict[str, Any] | None) -> dict[str, str]:
    """The graded fields of a document's meta, as {field: grade}.

    Where they sit is the profile's `verdicts`: a mapping (Ofsted's meta["judgements"], CQC's
    meta["ratings"]) or one outcome ({"decision": meta["decision"]}, the Ombudsmen). Dicts of
    {field: grade} and lists of {"name"/"field": ..., "grade"/"rating": ...} rows are both
    read. A kind that states no verdict (or no meta) gives {}.
    """
    key = profile.verdicts
    if not meta or not key:
        return {}
    if key == "decision":
        decision = _grade_text(meta.get("decision"))
        return {"decision": decision} if decision else {}
    return _graded_fields(meta.get(key))


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


def compare(previous: dict[str, str], current: dict[str, str], profile: Profile | None = None) -> list[Change]:
    """The fields present in both whose grade differs, in `current`'s order, ranked on the
    profile's scale for each field.

    Wording changes on the same rank ("Requires improvement" -> "Requires improvement to be
    good") are not changes. A field that appears or disappears is not compared: a new
    framework's rows would otherwise look like verdicts.
    """
    changes: list[Change] = []
    for field, now in current.items():
        before = previous.get(field)
        if before is None or _clean(before) == _clean(now):
            continue
        scale = profile.scale_for(field) if profile else ()
        old_rank, new_rank = rank(before, scale), rank(now, scale)
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


def headline_verdict(verdicts: dict[str, str], profile: Profile | None = None) -> tuple[str, str] | None:
    """The (field, grade) to headline: "overall"-like fields first, else the lowest-ranked grade."""
    if not verdicts:
        return None
    for field, grade in verdicts.items():
        if "overall" in field.casefold():
            return field, grade
    ranked = [
        (rank(grade, profile.scale_for(field) if profile else ()), index, field, grade)
        for index, (field, grade) in enumerate(verdicts.items())
    ]
    known = [item for item in ranked if item[0] is not None]
    if known:
        _, _, field, grade = min(known)
        return field, grade
    field, grade = next(iter(verdicts.items()))
    return field, grade
