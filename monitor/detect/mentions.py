"""Which finding a council paper's sentence refers to: the rules behind `response` events.

A *finding* is a publication that holds the council to account (an Ofsted inspection, a CQC
assessment, an Ombudsman decision, an improvement notice, a regulator's notice). An
*answer* is a council committee paper or news item. A sentence of an answer refers to a
finding when one of these holds (precision matters more than recall: a wrong link tells the
group the council answered when it did not):

1. **Reference.** The finding's own reference appears: an Ombudsman or Housing Ombudsman
   case number ("22 016 751", "202312345"). Always a link, whatever the dates.
2. **Topic, anchored in time.** The sentence names the finding's topic in words that only
   that kind of publication has ("inspection of local authority children's services",
   "ILACS", "monitoring visit", "improvement notice", "CQC assessment", "Regulator of Social
   Housing"; a bare "Ofsted" or "schools rated good by Ofsted" is not enough), and then:
   - if the sentence names a month and year or a date, the finding must match it (its
     publication, or its inspection dates): a paper speaking of "the January 2020
     inspection" does not answer the 2025 one;
   - otherwise the finding is the newest of that topic published on or before the paper,
     and the paper came at most `window_days` (180) after it.
3. **Never backwards.** A paper dated before the finding never answers it.

Pure functions over texts and small records; monitor/responses.py applies them to the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from monitor.extract.textnorm import flatten

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_MONTH_YEAR = re.compile(r"\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s+(20\d\d)\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘(])")

#: topic -> a sentence pattern that only a mention of that kind of finding has; each
#: publisher's profile declares its own (monitor/profile.py `topics`)
Topics = dict[str, re.Pattern[str]]


@dataclass(frozen=True)
class Finding:
    """A stored publication that may be answered."""

    id: int
    source: str
    key: str
    title: str
    published: date | None
    topic: str | None
    reference: str | None = None
    #: (start, end) of what was inspected, where the finding says
    inspected: tuple[date, date] | None = None
    #: whether the group expects the council to answer it (an upheld decision, an
    #: inspection; not a complaint the Ombudsman closed)
    expects_answer: bool = True


@dataclass
class Link:
    """One answer's sentences that refer to one finding."""

    finding: Finding
    mentions: list[dict[str, Any]] = field(default_factory=list)
    rule: str = "topic"


def sentences(pages: list[str]) -> list[tuple[int, str]]:
    """(1-based page, sentence) of every sentence, line breaks and hyphenation joined."""
    out: list[tuple[int, str]] = []
    for number, page in enumerate(pages, start=1):
        for part in _SENTENCE_END.split(flatten(page)):
            part = part.strip()
            if len(part) >= 12:
                out.append((number, part[:600]))
    return out


def reference_pattern(reference: str) -> re.Pattern[str]:
    """A case number as written in any spacing: "22 016 751", "22016751", "22-016-751"."""
    digits = re.sub(r"\D", "", reference)
    return re.compile(r"(?<!\d)" + r"[\s\-/]?".join(digits) + r"(?!\d)")


def dates_named(sentence: str) -> list[tuple[int, int, int | None]]:
    """(year, month, day or None) of every date or month-year the sentence names."""
    return [
        (int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)) if m.group(1) else None)
        for m in _MONTH_YEAR.finditer(sentence)
    ]


def _matches_date(finding: Finding, named: list[tuple[int, int, int | None]]) -> bool:
    days: list[date] = []
    if finding.published:
        days.append(finding.published)
    if finding.inspected:
        days.extend(finding.inspected)
    for year, month, _day in named:
        if any(d.year == year and d.month == month for d in days):
            return True
    return False


def topics_of(sentence: str, topics: Topics) -> list[str]:
    """The finding topics the sentence names."""
    return [topic for topic, pattern in topics.items() if pattern.search(sentence)]


def link_answer(
    pages: list[str],
    answer_date: date,
    findings: list[Finding],
    topics: Topics,
    *,
    window_days: int = 180,
    max_mentions: int = 5,
) -> list[Link]:
    """The findings an answer's text refers to, each with the sentences that do (see the rules
    in this module's docstring); `topics` are the publishers' topic patterns."""
    eligible = [f for f in findings if f.published is None or f.published <= answer_date]
    by_topic: dict[str, list[Finding]] = {}
    for finding in eligible:
        if finding.topic:
            by_topic.setdefault(finding.topic, []).append(finding)
    for group in by_topic.values():
        group.sort(key=lambda f: f.published or date.min, reverse=True)
    referenced = [(f, reference_pattern(f.reference)) for f in eligible if f.reference]
    links: dict[int, Link] = {}

    def add(finding: Finding, page: int, text: str, rule: str) -> None:
        link = links.setdefault(finding.id, Link(finding, rule=rule))
        if rule == "reference":
            link.rule = "reference"
        if len(link.mentions) < max_mentions and all(m["text"] != text for m in link.mentions):
            link.mentions.append({"text": text, "page": page})

    for page, sentence in sentences(pages):
        for finding, pattern in referenced:
            if pattern.search(sentence):
                add(finding, page, sentence, "reference")
        named = dates_named(sentence)
        for topic in topics_of(sentence, topics):
            candidates = by_topic.get(topic, [])
            if not candidates:
                continue
            if named:
                for finding in candidates:
                    if _matches_date(finding, named):
                        add(finding, page, sentence, "topic+date")
                continue
            newest = candidates[0]
            if newest.published and (answer_date - newest.published).days <= window_days:
                add(newest, page, sentence, "topic")
    return list(links.values())
