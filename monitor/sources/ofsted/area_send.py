"""Reading the outcome of an area SEND inspection (Ofsted and CQC) from the report's own statement.

One field, ``judgements.area_send_outcome``, in the publisher's words, ordered best -> worst
in monitor/detect/verdicts.py (so a worse outcome is an urgent rating_change):

* ``area-send-2023`` (from January 2023): the report's opening has the heading "Inspection
  outcome" and one sentence giving one of three outcomes: "positive experiences and
  outcomes", "inconsistent experiences and outcomes", "widespread and/or systemic failings".
  The outcome is read from that first sentence only, never from a mention elsewhere.
* ``area-send-2016`` (May 2016 - 2022, the outcome letter of a joint local area SEND
  inspection): the letter either requires a written statement of action, in its sentence
  "... determined that a Written Statement of Action (WSOA) is required ..." (``written
  statement of action required``), or has no such sentence (``no written statement of action
  required``, sourced to the letter's opening sentence that says what was inspected). Any
  other mention of a written statement that is not understood is a read warning.
* a revisit letter of that framework: its conclusion on progress, from its "has (not) made
  sufficient progress in addressing ..." sentence: ``sufficient progress in all significant
  weaknesses``, ``sufficient progress in some significant weaknesses`` or ``insufficient
  progress``.

Anything else (no statement found, two outcomes in one statement) is a problem for the
caller's read_warning: an area SEND report never quietly has no outcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from monitor.extract.textnorm import flatten

FRAMEWORK_2023 = "area-send-2023"
FRAMEWORK_2016 = "area-send-2016"
#: the 2023 framework's three outcomes, best first
OUTCOMES_2023 = (
    "positive experiences and outcomes",
    "inconsistent experiences and outcomes",
    "widespread and/or systemic failings",
)
WSOA_REQUIRED = "written statement of action required"
NO_WSOA = "no written statement of action required"
PROGRESS_ALL = "sufficient progress in all significant weaknesses"
PROGRESS_SOME = "sufficient progress in some significant weaknesses"
PROGRESS_NONE = "insufficient progress"


@dataclass
class SendRead:
    framework: str | None = None
    outcome: str | None = None
    source: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None


_HEADING = re.compile(r"^Inspection outcomes?\s*$", re.M | re.I)
_NEXT_HEADING = re.compile(r"^(?:Information about|Next steps|Main findings|What the local area)", re.M | re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
# the letter's opening sentence (it starts "Between <dates>, Ofsted and ... conducted a joint
# inspection of the local area of <area> to judge the effectiveness of the area ...")
_OPENING_2016 = re.compile(
    r"\bBetween\b[^.]*?\bjoint inspection of the local area of\b[^.]*\bto judge the effectiveness of the area\b[^.]*\.",
    re.I,
)
_OPENING_2016_ANY = re.compile(
    r"[^.]*\bjoint inspection of the local area of\b[^.]*\bto judge the effectiveness of the area\b[^.]*\.", re.I
)
_REVISIT_TITLE = re.compile(r"\bJoint local area SEND revisit\b|\brevisit\b[^.]{0,80}\bwritten statement of action\b", re.I)
_WSOA_SENTENCE = re.compile(
    r"[^.]*\bdetermined that a Written Statement of Action(?: \(WSOA\))? (?:is|was) required\b[^.]*\.", re.I
)
_PROGRESS = re.compile(
    r"[^.]*\b(?:has|had) (not )?made sufficient progress in addressing\s+(all|any|none|\w+)\b(?:\s+of the\s+(\w+))?[^.]*\.",
    re.I,
)


def _page_of(pages: list[str], text: str) -> int:
    """The page (1-based) whose flattened text holds `text`'s first words."""
    probe = " ".join(text.split()[:8])
    for number, page in enumerate(pages, start=1):
        if probe in flatten(page):
            return number
    return 1


def read_area_send(pages: list[str]) -> SendRead:
    """The outcome of an area SEND report, with its source, or the problem that stopped it."""
    first = pages[0] if pages else ""
    heading = _HEADING.search(first)
    if heading:
        return _read_2023(pages, first, heading.end())
    text = flatten("\n".join(pages))
    if _REVISIT_TITLE.search(flatten(first)):
        return _read_revisit(pages, text)
    opening = _OPENING_2016.search(text) or _OPENING_2016_ANY.search(text)
    if opening:
        return _read_2016(pages, text, opening.group(0).strip())
    return SendRead(
        problem="area SEND report: no 'Inspection outcome' statement (2023 framework) and no joint "
        "inspection opening (2016 framework) read: its outcome is not known"
    )


def _read_2023(pages: list[str], first: str, start: int) -> SendRead:
    rest = first[start:]
    stop = _NEXT_HEADING.search(rest)
    statement = flatten(rest[: stop.start()] if stop else rest[:1200])
    sentence = _SENTENCE_END.split(statement, maxsplit=1)[0] if statement else ""
    found = [o for o in OUTCOMES_2023 if o in sentence.lower()]
    if len(found) != 1:
        what = f"found {found}" if found else "found none"
        return SendRead(
            framework=FRAMEWORK_2023,
            problem=(
                "area SEND outcome not read: the 'Inspection outcome' statement should give one of "
                f"{', '.join(repr(o) for o in OUTCOMES_2023)}, {what}: {sentence[:160]!r}"
            ),
        )
    return SendRead(
        framework=FRAMEWORK_2023, outcome=found[0], source={"page": _page_of(pages, sentence), "text": sentence}
    )


def _read_2016(pages: list[str], text: str, opening: str) -> SendRead:
    wsoa = _WSOA_SENTENCE.search(text)
    if wsoa:
        sentence = wsoa.group(0).strip()
        return SendRead(
            framework=FRAMEWORK_2016,
            outcome=WSOA_REQUIRED,
            source={"page": _page_of(pages, sentence), "text": sentence},
        )
    if re.search(r"\bwritten statement\b", text, re.I):
        return SendRead(
            framework=FRAMEWORK_2016,
            problem="area SEND letter mentions a written statement of action in a sentence the reader does "
            "not know: whether one is required is not read",
        )
    return SendRead(
        framework=FRAMEWORK_2016,
        outcome=NO_WSOA,
        source={
            "page": _page_of(pages, opening),
            "text": opening,
            "rule": "the letter of a joint local area SEND inspection requires no written statement of "
            "action (a letter that requires one says so)",
        },
    )


_NUMBERS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten".split())}


def _read_revisit(pages: list[str], text: str) -> SendRead:
    found = list(_PROGRESS.finditer(text))
    if not found:
        return SendRead(
            framework=FRAMEWORK_2016,
            problem="area SEND revisit letter: no 'has (not) made sufficient progress in addressing ...' "
            "sentence read: its conclusion is not known",
        )
    match = found[0]
    negative, amount, total = match.group(1), match.group(2).lower(), (match.group(3) or "").lower()
    if negative or amount in ("none", "any"):
        outcome = PROGRESS_NONE if (negative or amount == "none") and amount in ("any", "all", "none") else None
    elif amount == "all" or (total and _NUMBERS.get(amount, amount) == _NUMBERS.get(total, total)):
        outcome = PROGRESS_ALL
    elif total:
        outcome = PROGRESS_SOME
    else:
        outcome = None
    sentence = match.group(0).strip()
    if outcome is None:
        return SendRead(
            framework=FRAMEWORK_2016,
            problem=f"area SEND revisit letter: progress sentence not understood: {sentence[:160]!r}",
        )
    return SendRead(
        framework=FRAMEWORK_2016, outcome=outcome, source={"page": _page_of(pages, sentence), "text": sentence}
    )
