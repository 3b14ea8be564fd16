"""Which passages of a document a message quotes: each sentence once, none from its grade table.

A phrase found in a report is quoted with the sentence it sits in; in a graded report many
of those "sentences" are rows of the grade table ("Overall effectiveness Inadequate", "The
experiences and progress of care Inadequate leavers"), which the judgement lines already
say. And a decision's remedy is often in its summary, its headline and the passage a phrase
was found in, each worded a little differently. `prose_quotes` drops the rows; `Said` drops
what was already said.
"""

from __future__ import annotations

import re
from typing import Any

from monitor.deliver.labels import field_label, one_line
from monitor.deliver.summary import Facts

_WORD = re.compile(r"[£$]?\w+(?:[.,']\w+)*", re.UNICODE)
_SENTENCES = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z0-9£])")
#: words that say nothing about what a sentence means, left out when sentences are compared
_STOP = frozenset(
    "a an and are as at be been by for from had has have he her his i in is it its of on or our she "
    "that the their them they this to was we were which who will with would".split()
)
#: a sentence whose meaningful words are mostly in one already said is the same sentence
SAME = 0.8
_END = re.compile(r"[.!?][\"”’')\]]*$")


def words_of(text: str) -> set[str]:
    """The meaningful words of a text, lower case: what two wordings of a sentence share."""
    return {w.casefold() for w in _WORD.findall(text)} - _STOP


def sentences_of(text: str) -> list[str]:
    """A passage split into its sentences."""
    return [s.strip() for s in _SENTENCES.split(one_line(text)) if s.strip()]


def same_sentence(a: set[str], b: set[str]) -> bool:
    """Whether two sentences say the same: most words of the shorter are in the longer."""
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= SAME


class Said:
    """The sentences a message has said so far, to say none twice."""

    def __init__(self) -> None:
        self._said: list[set[str]] = []

    def add(self, text: str) -> None:
        """Remember every sentence of `text` as said."""
        for sentence in sentences_of(text):
            self._said.append(words_of(sentence))
        # a sentence may hold another after a colon ("..., decided 28 July 2025: Miss Y complains ...")
        if ": " in text:
            self._said.append(words_of(text.split(": ", 1)[1]))

    def new_part(self, text: str) -> str:
        """The sentences of `text` not said yet, joined; "" when all were."""
        kept = [s for s in sentences_of(text) if not any(same_sentence(words_of(s), said) for said in self._said)]
        return " ".join(kept)

    def keep(self, quotes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The quotes with what was said already cut out (a quote with nothing new is dropped);
        each kept sentence counts as said."""
        out = []
        for quote in quotes:
            text = self.new_part(str(quote.get("text") or ""))
            if text:
                out.append({**quote, "text": text})
                self.add(text)
        return out


def _grade_pattern(facts: Facts) -> re.Pattern[str] | None:
    """A grade of the kind's scale as a table cell writes it: capitalised ("Inadequate")."""
    values = sorted({v for level in facts.profile.scale for v in level} | {
        v for scale in facts.profile.field_scales.values() for level in scale for v in level
    }, key=len, reverse=True)
    if not values:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(v[:1].upper() + v[1:]) for v in values) + r")\b")


def is_table_row(text: str, facts: Facts) -> bool:
    """Whether a quoted passage is a row (or rows) of the document's grade table rather than
    its prose: it overlaps where a grade was read (meta.verdict_sources), it names a judgement
    followed by a grade, or it carries a capitalised grade mid-text and ends without a full stop."""
    passage = one_line(text)
    if not passage:
        return True
    folded = passage.casefold()
    for source in facts.sources.values():
        row = one_line(source.get("text")).casefold() if isinstance(source, dict) else ""
        if row and (row in folded or folded in row or same_sentence(words_of(row), words_of(folded))):
            return True
    grade = _grade_pattern(facts)
    if grade is None:
        return False
    for name in facts.verdicts:
        label = re.escape(field_label(name, facts.profile))
        if re.search(rf"\b{label}\s+{grade.pattern}", passage, re.I):
            return True
    if not _END.search(passage):
        for match in grade.finditer(passage):
            if match.start() > 0:
                return True
    return False


def prose_quotes(quotes: list[dict[str, Any]], facts: Facts) -> list[dict[str, Any]]:
    """The quotes that are prose: grade-table rows left out, each passage once."""
    out: list[dict[str, Any]] = []
    for quote in quotes:
        text = one_line(quote.get("text"))
        if not text or is_table_row(text, facts):
            continue
        if any(o["text"] == text for o in out):
            continue
        out.append({"text": text, "page": quote.get("page")})
    return out
