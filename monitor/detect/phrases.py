"""Phrase rules: find damning words in a document's text and quote the sentences they sit in.

Documents reach us as extracted pages (monitor.extract.pool): PDF text with line breaks in the
middle of sentences, words hyphenated across lines, curly quotes, and table cells that
never end in a full stop. Matching and quoting are built to survive all of that, so a
volunteer reading an alert sees the whole sentence and the page to turn to.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from monitor.detect.sentences import GRADE_LINE as _GRADE_LINE
from monitor.detect.sentences import MIN_TYPICAL_LINE  # noqa: F401 - kept importable from here
from monitor.detect.sentences import WS as _WS
from monitor.detect.sentences import Segment as _Segment
from monitor.detect.sentences import segments as _segments
from monitor.detect.sentences import segments_around as _segments_around
from monitor.detect.sentences import working_text as _working_text
from monitor.extract.textnorm import normalise_page

Severity = Literal["urgent", "normal", "info"]

MAX_QUOTES = 5
MAX_QUOTE_CHARS = 400
MAX_SNIPPET_CHARS = 200
MAX_SNIPPETS = 5
#: a line shorter than this without a full stop (a table cell such as "Inadequate") is quoted
#: together with a longer line before it (the row's label), so the quote says *what* was inadequate
SHORT_SENTENCE = 40


class PhraseRule(BaseModel):
    """One phrase to look for; `exclude` lists wider phrases that cancel it ("not inadequate")."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    severity: Severity = "normal"
    exclude: list[str] = Field(default_factory=list)


def _defaults() -> list[PhraseRule]:
    """The default rules. Why the default severities are what they are.

    Urgent = the publisher has reached a formal finding of failure or ordered action, which
    the group would want to know about the same day:
    - "inadequate": Ofsted's and CQC's lowest grade.
    - "improvement notice": the DfE's statutory notice after an inadequate judgement.
    - "widespread or serious failures": Ofsted's wording for the conditions of an inadequate grade.
    - "maladministration", "fault causing injustice": the Ombudsman's findings against the council.
    - "warning notice": CQC's enforcement step before prosecution or cancellation.

    Normal = worth reading in the daily digest but routinely present in ordinary reports:
    - "requires improvement" (a common middle grade), "serious weakness" (appears in monitoring
      visits and SEND letters, often about a past state), "care leavers" (a topic, not a verdict),
      "enforcement" (used loosely, e.g. "parking enforcement").

    Two additions beyond the brief's list, from real Ombudsman wording: "fault found causing
    injustice" (the public reports' Finding line, which "fault causing injustice" does not
    match), and an exclusion for the boilerplate "We investigate complaints about
    'maladministration'" that opens every decision statement, upheld or not.
    """
    return [
        PhraseRule(text="inadequate", severity="urgent", exclude=["not inadequate"]),
        PhraseRule(text="requires improvement", severity="normal"),
        PhraseRule(text="improvement notice", severity="urgent"),
        PhraseRule(text="serious weakness", severity="normal"),
        PhraseRule(text="widespread or serious failures", severity="urgent"),
        PhraseRule(
            text="maladministration",
            severity="urgent",
            # "no maladministration" is the Housing Ombudsman clearing the landlord
            exclude=["complaints about 'maladministration'", "complaints about maladministration", "no maladministration"],
        ),
        PhraseRule(text="fault causing injustice", severity="urgent"),
        PhraseRule(text="fault found causing injustice", severity="urgent"),
        PhraseRule(text="care leavers", severity="normal"),
        PhraseRule(text="enforcement", severity="normal"),
        PhraseRule(text="warning notice", severity="urgent"),
    ]


DEFAULT_PHRASES: list[PhraseRule] = _defaults()


@dataclass
class PhraseMatch:
    """Every occurrence of one rule's phrase in a document."""

    phrase: str
    severity: str
    count: int
    #: up to five {"text": full sentence, "page": 1-based page number}
    quotes: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The shape a phrase_match event's details carry."""
        return {"phrase": self.phrase, "severity": self.severity, "count": self.count, "quotes": list(self.quotes)}


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A phrase as a regex: case-insensitive, whole words, any run of spaces or hyphens between words."""
    words = normalise_page(phrase).lower().split()
    body = r"[\s\-]+".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def _shorten(text: str, start: int, end: int, limit: int) -> str:
    """`text` cut to about `limit` characters around [start, end), at word boundaries."""
    text_len = len(text)
    if text_len <= limit:
        return text
    room = max(0, limit - (end - start)) // 2
    lo = max(0, start - room)
    hi = min(text_len, end + room)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < text_len:
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    return ("…" if lo > 0 else "") + text[lo:hi].strip() + ("…" if hi < text_len else "")


def _is_cell(text: str, seg: _Segment) -> bool:
    """A short hard-broken line without a full stop: a table cell or a grade on its own."""
    body = text[seg.start : seg.end].strip()
    return seg.line_start and len(body) < SHORT_SENTENCE and body[-1:] not in ".!?"


def _quote(text: str, segments: list[_Segment], index: int, m_start: int, m_end: int) -> str:
    seg = segments[index]
    start = seg.start
    # A bare table cell ("Inadequate") is quoted with its row label on the line before.
    bare_grade = _GRADE_LINE.fullmatch(text[seg.start : seg.end].strip()) is not None
    if index > 0 and bare_grade and _is_cell(text, seg) and segments[index - 1].line_start:
        label = text[segments[index - 1].start : segments[index - 1].end].strip()
        if len(label) >= SHORT_SENTENCE and label[-1:] not in ".!?:":
            start = segments[index - 1].start
    # "Is the service safe? Inadequate": the answer is quoted with its question
    if index > 0 and bare_grade and text[segments[index - 1].start : segments[index - 1].end].strip().endswith("?"):
        start = segments[index - 1].start
    flat = _WS.sub(" ", text[start : seg.end]).strip()
    # Segments start on a non-space, so folding the text before the match gives its offset.
    m0 = len(_WS.sub(" ", text[start:m_start]))
    m1 = m0 + len(_WS.sub(" ", text[m_start:m_end]))
    return _shorten(flat, m0, m1, MAX_QUOTE_CHARS)


def _phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(normalise_page(phrase).lower().split())


@dataclass(frozen=True)
class _Matcher:
    """Every rule's and exclusion's phrase behind one compiled scan.

    `scan` finds, in one pass over a page, each place where some phrase's first word starts;
    only there are the phrases' own patterns tried (`by_initial` picks them by the first
    letter). Pages where no first word occurs at all are not even prepared for matching.
    """

    scan: re.Pattern[str]
    patterns: tuple[re.Pattern[str], ...]
    by_initial: dict[str, tuple[int, ...]]
    first_words: tuple[str, ...]
    #: every rule phrase's words: a page can match a rule only if it holds all of them
    rule_words: tuple[tuple[str, ...], ...]
    #: per rule: its pattern's index and its exclusions' indices
    rules: tuple[tuple[int, tuple[int, ...]], ...]


_MATCHERS: dict[tuple[tuple[str, tuple[str, ...]], ...], _Matcher] = {}


def _matcher(rules: list[PhraseRule]) -> _Matcher:
    key = tuple((rule.text, tuple(rule.exclude)) for rule in rules)
    found = _MATCHERS.get(key)
    if found is None:
        found = _build_matcher(key)
        if len(_MATCHERS) > 64:  # per-source rule sets are few; never grow without bound
            _MATCHERS.clear()
        _MATCHERS[key] = found
    return found


def _build_matcher(key: tuple[tuple[str, tuple[str, ...]], ...]) -> _Matcher:
    ids: dict[tuple[str, ...], int] = {}
    patterns: list[re.Pattern[str]] = []

    def pattern_id(phrase: str) -> int:
        words = _phrase_words(phrase)
        if words not in ids:
            ids[words] = len(patterns)
            patterns.append(_phrase_pattern(phrase))
        return ids[words]

    rules = tuple(
        (pattern_id(text), tuple(pattern_id(ex) for ex in excludes if ex.strip())) for text, excludes in key
    )
    firsts = [words[0] for words in ids]
    by_initial: dict[str, list[int]] = {}
    for words, index in ids.items():
        by_initial.setdefault(words[0][0], []).append(index)
    alternatives = "|".join(re.escape(word) for word in sorted(set(firsts), key=len, reverse=True))
    return _Matcher(
        scan=re.compile(rf"(?<!\w)(?=(?:{alternatives}))", re.IGNORECASE),
        patterns=tuple(patterns),
        by_initial={initial: tuple(found) for initial, found in by_initial.items()},
        first_words=tuple(sorted(set(firsts))),
        rule_words=tuple(_phrase_words(text) for text, _ in key),
        rules=rules,
    )


def _page_spans(matcher: _Matcher, text: str) -> list[list[tuple[int, int]]]:
    """Per phrase pattern, its non-overlapping matches in `text`, as `finditer` would give."""
    spans: list[list[tuple[int, int]]] = [[] for _ in matcher.patterns]
    last_end = [0] * len(matcher.patterns)
    every = tuple(range(len(matcher.patterns)))
    for candidate in matcher.scan.finditer(text):
        pos = candidate.start()
        for index in matcher.by_initial.get(text[pos].lower(), every):
            if pos < last_end[index]:
                continue
            match = matcher.patterns[index].match(text, pos)
            if match:
                spans[index].append((pos, match.end()))
                last_end[index] = match.end()
    return spans


def _may_match(matcher: _Matcher, normalised: str) -> bool:
    """False only when no rule can match on the page: for every rule, one of its words is
    missing from it. Exact for ASCII, where case folding is lower-casing; other pages are
    always matched."""
    folded = normalised.lower()
    if not folded.isascii() or not all(word.isascii() for words in matcher.rule_words for word in words):
        return True
    return any(all(word in folded for word in words) for words in matcher.rule_words)


def find_phrases(pages: list[str], rules: list[PhraseRule]) -> list[PhraseMatch]:
    """Every rule that matches somewhere in `pages`, with its count and up to five quotes.

    Matching is case-insensitive on whole words and ignores line breaks, hyphenation at line
    ends, soft hyphens, curly quotes and repeated spaces. A match inside an occurrence of one
    of the rule's `exclude` phrases does not count. Quotes are the full sentence (page
    numbers 1-based), capped at about 400 characters around the match. Results keep the
    order of `rules`; rules with no match are left out.
    """
    if not rules:
        return []
    matcher = _matcher(rules)
    pages_found: list[tuple[str, int, list[list[tuple[int, int]]]]] = []
    for page_no, page in enumerate(pages, start=1):
        normalised = normalise_page(page)
        if not _may_match(matcher, normalised):
            continue
        text = _working_text(page, normalised)
        spans = _page_spans(matcher, text)
        if any(spans):
            pages_found.append((text, page_no, spans))
    results: list[PhraseMatch] = []
    segments_at: dict[tuple[int, int], tuple[list[_Segment], int]] = {}
    for rule, (rule_id, exclude_ids) in zip(rules, matcher.rules, strict=True):
        count = 0
        quotes: list[dict[str, Any]] = []
        for text, page_no, spans in pages_found:
            blocked = [span for ex in exclude_ids for span in spans[ex]]
            for m_start, m_end in spans[rule_id]:
                if any(lo <= m_start and m_end <= hi for lo, hi in blocked):
                    continue
                count += 1
                if len(quotes) >= MAX_QUOTES:
                    continue
                if (page_no, m_start) not in segments_at:
                    segments_at[(page_no, m_start)] = _segments_around(text, m_start) or _last_segment(text)
                segments, index = segments_at[(page_no, m_start)]
                quote = {"text": _quote(text, segments, index, m_start, m_end), "page": page_no}
                if quote not in quotes:
                    quotes.append(quote)
        if count:
            results.append(PhraseMatch(phrase=rule.text, severity=rule.severity, count=count, quotes=quotes))
    return results


def _last_segment(text: str) -> tuple[list[_Segment], int]:
    """What a match outside every sentence is quoted with: the page's last sentence."""
    segments = _segments(text)
    return segments, len(segments) - 1


# -- what changed between two versions ---------------------------------------------------


def _units(pages: list[str]) -> list[tuple[int, str]]:
    """(page index, sentence) for every sentence of a document, whitespace folded."""
    units: list[tuple[int, str]] = []
    for page_index, page in enumerate(pages):
        text = _working_text(page)
        for seg in _segments(text):
            sentence = _WS.sub(" ", text[seg.start : seg.end]).strip()
            if sentence:
                units.append((page_index, sentence))
    return units


def _diff(old_pages: list[str], new_pages: list[str]) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Sentences only in the new version and sentences only in the old, in document order.

    The comparison runs over the whole document, not page by page, so text that merely moved
    to the next page (one paragraph added above it) does not count as added.
    """
    old_units = _units(old_pages)
    new_units = _units(new_pages)
    matcher = difflib.SequenceMatcher(
        a=[s.casefold() for _, s in old_units], b=[s.casefold() for _, s in new_units], autojunk=False
    )
    added: list[tuple[int, str]] = []
    removed: list[tuple[int, str]] = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            added.extend(new_units[b0:b1])
        if tag in ("replace", "delete"):
            removed.extend(old_units[a0:a1])
    return added, removed


def added_pages(old_pages: list[str], new_pages: list[str]) -> list[str]:
    """For each page of the new version, only the sentences added since the old one.

    Feed the result to `find_phrases` so a changed document alerts only on what is new.
    The list has one string per new page (empty where nothing was added), so page
    numbers in quotes stay right.
    """
    added, _ = _diff(old_pages, new_pages)
    out: list[list[str]] = [[] for _ in new_pages]
    for page_index, sentence in added:
        out[page_index].append(sentence)
    # Blank lines keep each added sentence a paragraph of its own when segmented again.
    return ["\n\n".join(sentences) for sentences in out]


def _snippet(text: str) -> str:
    return _shorten(text, 0, 0, MAX_SNIPPET_CHARS) if len(text) > MAX_SNIPPET_CHARS else text


def diff_summary(old_pages: list[str], new_pages: list[str], rules: list[PhraseRule]) -> dict[str, Any]:
    """What changed between two versions, in the shape of a `changed` event's details.

    `added_lines` / `removed_lines` count sentences (the unit that survives PDF reflow);
    `added` / `removed` are up to five short snippets each; `phrases_gone` lists the rules'
    phrases that matched the old version and no longer match the new one.
    """
    added, removed = _diff(old_pages, new_pages)
    old_hits = {match.phrase for match in find_phrases(old_pages, rules)}
    new_hits = {match.phrase for match in find_phrases(new_pages, rules)}
    gone = [rule.text for rule in rules if rule.text in old_hits and rule.text not in new_hits]
    if not added and not removed:
        summary = "no change in the text (layout or file only)"
    else:
        summary = f"{len(added)} sentence{'s' if len(added) != 1 else ''} added, {len(removed)} removed"
        if len(old_pages) != len(new_pages):
            summary += f"; {len(old_pages)} -> {len(new_pages)} pages"
    if gone:
        summary += "; no longer says " + ", ".join(f"'{phrase}'" for phrase in gone)
    return {
        "summary": summary,
        "added_lines": len(added),
        "removed_lines": len(removed),
        "added": [_snippet(s) for _, s in added[:MAX_SNIPPETS]],
        "removed": [_snippet(s) for _, s in removed[:MAX_SNIPPETS]],
        "phrases_gone": gone,
    }
