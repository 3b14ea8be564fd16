"""The verdict sentence: what a document says, in one plain sentence, first in every message.

"Ofsted judged Harrow's children's services inadequate overall (good in 2020), published 4
March 2025." — "The Ombudsman upheld a complaint against Harrow (24 012 792), decided 28 July
2025: Miss Y complains ..." — "Ofsted published Harrow's children's services focused visit
on 8 December 2023."

A document's facts are gathered from the events about it (`facts_of`): its meta, its grades,
the grades they replace, where each grade was read. The sentence is written from those facts
and the kind's profile (label, verdicts, scale, field labels): no kind is named here, and the
same function serves the email, the digest, the feed and `monitor events --json`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from monitor.dates import iso_day
from monitor.deliver.labels import (
    article,
    council_of,
    cut_words,
    field_in_sentence,
    field_label,
    format_day,
    grade_words,
    join_words,
    lower_first,
    meta_of,
    number_words,
    one_line,
    possessive,
    provider_of,
    publisher_in_sentence,
    sentence_case,
    short_council,
    times,
    where_read,
)
from monitor.detect.verdicts import rank, verdict_of
from monitor.profile import Profile
from monitor.sources import profile_of

#: the events that announce a document (the others add to its story)
ANNOUNCING = ("new_document", "changed", "removed")
#: words that say what sort of document a title names, not what it is about
_DOCUMENT_WORDS = {
    "inspection", "inspections", "report", "reports", "visit", "letter", "assessment", "decision",
    "monitoring", "focused", "full", "short", "standard", "joint", "published", "outcome", "outcomes",
}
_LEADING = re.compile(r"^(?:(?:inspection|report|assessment|review)(?: report)? (?:of|on|into) )+", re.I)
_PARENTHESES = re.compile(r"\s*\([^)]*\)")


@dataclass
class Change:
    """A grade that moved: what it was, and when the earlier grade was published (if known)."""

    before: str
    after: str
    direction: str = "unknown"
    before_published: date | None = None


@dataclass
class Facts:
    """What the messages say about one document, gathered from the events about it."""

    kind: str
    title: str = ""
    doc_kind: str = ""
    about: str | None = None
    council: str | None = None
    published: date | None = None
    verdicts: dict[str, str] = field(default_factory=dict)
    changes: dict[str, Change] = field(default_factory=dict)
    sources: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    #: "new_document", "changed" or "removed": how the document is announced; "" when the
    #: events only add to a story told elsewhere (a grade change, a phrase found)
    announced: str = ""
    diff: str = ""
    last_seen: date | None = None

    @property
    def profile(self) -> Profile:
        return profile_of(self.kind)


def facts_of(events: list[dict[str, Any]]) -> Facts | None:
    """The facts of the one document these events are about; None when none is about a document."""
    about_document = [e for e in events if e.get("document_key")]
    if not about_document:
        return None
    first = about_document[0]
    facts = Facts(kind=str(first.get("source_kind") or ""))
    facts.title = next((one_line(e["title"]) for e in about_document if e.get("title")), "")
    for kind in ANNOUNCING:
        for event in about_document:
            if event.get("type") != kind:
                continue
            details = event.get("details") or {}
            facts.announced = facts.announced or kind
            facts.meta = facts.meta or meta_of(event)
            facts.doc_kind = facts.doc_kind or one_line(details.get("kind"))
            facts.published = facts.published or _published(details, meta_of(event))
            if kind == "changed":
                facts.diff = facts.diff or one_line(details.get("summary"))
            if kind == "removed":
                facts.last_seen = iso_day(details.get("last_seen"))
    profile = facts.profile
    facts.verdicts = verdict_of(profile, facts.meta)
    sources = facts.meta.get("verdict_sources")
    facts.sources = sources if isinstance(sources, dict) else {}
    for event in about_document:
        if event.get("type") != "rating_change":
            continue
        details = event.get("details") or {}
        name = str(details.get("field") or "")
        if not name or not details.get("to"):
            continue
        facts.changes[name] = Change(
            before=one_line(details.get("from")),
            after=one_line(details.get("to")),
            direction=one_line(details.get("direction")) or "unknown",
            before_published=iso_day(details.get("from_published")),
        )
        # an alert may carry the grade changes without the report's own event
        facts.verdicts.setdefault(name, one_line(details.get("to")))
    for event in about_document:
        facts.about = facts.about or provider_of(event)
        facts.council = facts.council or council_of(event)
    return facts


def _published(details: dict[str, Any], meta: dict[str, Any]) -> date | None:
    for value in (details.get("published"), meta.get("published"), meta.get("decision_date")):
        day = iso_day(value)
        if day:
            return day
    return None


# -- what the document is about -------------------------------------------------------------


def _title_rest(facts: Facts) -> str:
    """The title without the name it starts with: "London Borough of Harrow: Children's
    services inspection" -> "Children's services inspection"."""
    title = facts.title
    for name in (facts.about, facts.council):
        if name and title.casefold().startswith(name.casefold()):
            rest = title[len(name) :]
            if ":" in rest[:40]:
                return rest.split(":", 1)[1].strip()
    # "London Borough of Trafford: ..." about "Trafford Council": the same council
    head, colon, rest = title.partition(":")
    if colon and facts.council and (short_council(head) or "").casefold() == facts.council.casefold():
        return rest.strip()
    return title


def subject_of(facts: Facts) -> str:
    """What was inspected, in words, from the title: "children's services"; "" when the title
    names only the document ("CQC inspection report") or nothing of the kind."""
    for candidate in (_title_rest(facts), facts.doc_kind):
        text = _PARENTHESES.sub("", candidate or "").strip()
        text = _LEADING.sub("", text)
        for name in (facts.about, facts.council, facts.profile.label):
            if name:
                text = re.sub(rf"\b{re.escape(name)}\b", " ", text, flags=re.I)
        text = re.sub(r"\blocal authority\b|\blocal area\b", " ", text, flags=re.I)
        words = text.replace(":", " ").split()
        while words and words[-1].casefold().strip(",.") in _DOCUMENT_WORDS:
            words.pop()
        while words and words[0].casefold() in _DOCUMENT_WORDS | {"of", "on", "the", "s", "'s"}:
            words.pop(0)
        if words:
            return lower_first(" ".join(words))
    return ""


def _document_words(facts: Facts) -> str:
    """The document as a phrase after its council's name ("children's services focused
    visit"), when its title is "<council>: <a few words in sentence case>"; else ""."""
    rest = _title_rest(facts)
    if rest == facts.title:
        return ""
    words = _PARENTHESES.sub("", rest).split()
    # "CQC inspection report": the publisher is already the sentence's subject
    if words and words[0].casefold() == facts.profile.label.casefold():
        words = words[1:]
    text = " ".join(words)
    if text and len(words) <= 8 and sentence_case(text):
        return lower_first(text)
    return ""


def _whose(facts: Facts, subject: str) -> str:
    """"Harrow's children's services", "Elmgrove House", or the title when nobody is named."""
    name = facts.council or facts.about
    if name and subject:
        return f"{possessive(name)} {subject}"
    if name:
        return name
    if subject:
        return f"the {subject}"
    return f"“{cut_words(facts.title, 90)}”" if facts.title else "a document"


def _when(value: date | None, word: str) -> str:
    return f", {word} {format_day(value)}" if value else ""


# -- verdicts ---------------------------------------------------------------------------------


def lead_fields(facts: Facts) -> list[str]:
    """The judgement(s) a sentence leads with: the overall one, or else the worst ones (a
    2026-framework Ofsted report has no overall grade)."""
    verdicts = facts.verdicts
    overall = [name for name in verdicts if "overall" in name.casefold()]
    if overall:
        return overall[:1]
    profile = facts.profile
    ranked = {name: rank(grade, profile.scale_for(name)) for name, grade in verdicts.items()}
    known = {name: value for name, value in ranked.items() if value is not None}
    if not known:
        return list(verdicts)[:1]
    worst = min(known.values())
    return [name for name, value in known.items() if value == worst]


def _for_fields(facts: Facts, fields: list[str], short: bool = False) -> str:
    """"for care leavers", "for impact of leaders and for help and protection", "in every
    judgement"; in a subject, "for two judgements" where naming them would not fit."""
    if len(fields) > 1 and len(fields) == len(facts.verdicts):
        return "in every judgement"
    if short and len(fields) > 2:
        return f"for {number_words(len(fields))} judgements"
    return join_words([f"for {field_in_sentence(name, facts.profile)}" for name in fields])


def was(change: Change | None, *, short: bool = False) -> str:
    """"(good in 2020)", "(was good)", or "" when the grade did not change."""
    if change is None or not change.before:
        return ""
    if change.before_published and not short:
        return f"({grade_words(change.before)} in {change.before_published.year})"
    return f"(was {grade_words(change.before)})"


def _lead_was(facts: Facts, fields: list[str], short: bool) -> str:
    changes = [facts.changes.get(name) for name in fields]
    if not changes or any(c is None for c in changes):
        return ""
    befores = {(grade_words(c.before), c.before_published) for c in changes if c}
    return f" {was(changes[0], short=short)}" if len(befores) == 1 else ""


def _graded(facts: Facts, short: bool) -> str:
    """"judged Harrow's children's services inadequate overall (good in 2020)"."""
    fields = lead_fields(facts)
    grade = grade_words(facts.verdicts[fields[0]])
    subject = subject_of(facts)
    target = (subject or "it") if short else _whose(facts, subject)
    if len(fields) == 1 and "overall" in fields[0].casefold():
        how = "overall"
    else:
        how = _for_fields(facts, fields)
    return f"judged {target} {grade} {how}{_lead_was(facts, fields, short)}"


def _decision(facts: Facts, short: bool) -> str:
    """"upheld a complaint against Harrow (24 012 792)"."""
    decision = grade_words(facts.verdicts.get("decision"))
    reference = one_line(facts.meta.get("reference"))
    name = facts.council or facts.about
    head = "a complaint" + ("" if short or not name else f" against {name}") + (f" ({reference})" if reference else "")
    low = decision.casefold()
    if low.startswith("not upheld"):
        return f"did not uphold {head}"
    if low.startswith("upheld"):
        rest = decision[len("upheld") :].lstrip(" :,-").strip()
        return f"upheld {head}" + (f", finding {rest}" if rest else "")
    if low.startswith("closed"):
        return f"closed {head} {decision[len('closed'):].strip()}".rstrip()
    if "report" in low:
        return f"issued a public report on {head}"
    if "maladministration" in low or "failure" in low:
        return f"found {decision} in {head}"
    return f"decided {head}: {decision}"


def _ungraded(facts: Facts) -> str:
    """"published Harrow's children's services focused visit"."""
    words = _document_words(facts)
    name = facts.council or facts.about
    if words and name:
        return f"published {possessive(name)} {words}"
    if facts.title:
        rest = _title_rest(facts)
        quoted = f"“{cut_words(rest, 110)}”"
        if name and name.casefold() not in rest.casefold():
            return f"published {quoted} for {name}"
        return f"published {quoted}"
    return f"published {article(facts.doc_kind or 'document')}" + (f" about {name}" if name else "")


def _complaint(facts: Facts) -> str:
    """The complaint in the publisher's words: the first sentence of its summary."""
    summary = one_line(facts.meta.get("summary"))
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z])", summary, maxsplit=1)[0] if summary else ""
    return cut_words(first.rstrip(" ."), 240) if first else ""


def verdict_sentence(facts: Facts, profile: Profile | None = None, *, dated: bool = True) -> str:
    """The one sentence every announcement starts with, in plain English.

    With grades: "Ofsted judged Harrow's children's services inadequate overall (good in
    2020), published 4 March 2025."; without an overall grade, the worst judgements lead.
    With one outcome: "The Ombudsman upheld a complaint against Harrow (24 012 792), decided
    28 July 2025: Miss Y complains ...". Without either: the publisher, the document in words,
    the council and the date. A changed document says so; a removed one says when it was last
    seen. `dated=False` leaves the date out (the digest's summary, under the day's heading)."""
    profile = profile or facts.profile
    if not dated:
        facts = replace(facts, published=None, last_seen=None)
    publisher = publisher_in_sentence(profile, start=True)
    if facts.announced == "removed":
        sentence = f"{publisher} removed “{cut_words(facts.title, 110)}” from its site" + _when(facts.last_seen, "last seen")
        return sentence + "; the monitor keeps its copy."
    if facts.announced == "changed":
        return _changed_sentence(facts, profile)
    if facts.verdicts and profile.verdicts == "decision":
        complaint = _complaint(facts)
        return f"{publisher} {_decision(facts, short=False)}{_when(facts.published, 'decided')}" + (
            f": {complaint}." if complaint else "."
        )
    if facts.verdicts:
        return f"{publisher} {_graded(facts, short=False)}{_when(facts.published, 'published')}."
    return f"{publisher} {_ungraded(facts)}" + (f" on {format_day(facts.published)}." if facts.published else ".")


def _changed_sentence(facts: Facts, profile: Profile) -> str:
    publisher = publisher_in_sentence(profile, start=True)
    what = _document_words(facts) or f"“{cut_words(facts.title, 110)}”"
    name = facts.council or facts.about
    target = f"{possessive(name)} {what}" if name and not what.startswith("“") else what
    head = f"{publisher} changed {target}" + (f", first published {format_day(facts.published)}" if facts.published else "")
    if facts.changes:
        moved = [
            f"{field_in_sentence(name, profile)} now {grade_words(change.after)} {was(change, short=True)}"
            for name, change in facts.changes.items()
        ]
        return f"{head}: {join_words(moved)}."
    return f"{head} ({facts.diff})." if facts.diff else f"{head}."


def summary_line(facts: Facts) -> str:
    """A graded report as the digest's summary names it, shorter than its verdict sentence:
    "Ofsted published Harrow's children's services inspection: inadequate overall (good in
    2020)."; any other document: its verdict sentence without the date."""
    profile = facts.profile
    words = _document_words(facts)
    name = facts.council or facts.about
    if facts.announced != "new_document" or not facts.verdicts or profile.verdicts == "decision" or not words or not name:
        return verdict_sentence(facts, dated=False)
    fields = lead_fields(facts)
    grade = grade_words(facts.verdicts[fields[0]])
    if len(fields) == 1 and "overall" in fields[0].casefold():
        how = "overall"
    else:
        how = _for_fields(facts, fields)
    publisher = publisher_in_sentence(profile, start=True)
    return f"{publisher} published {possessive(name)} {words}: {grade} {how}{_lead_was(facts, fields, short=False)}."


def verdict_phrase(facts: Facts, profile: Profile | None = None) -> str:
    """The verdict for a subject line, without the council (the subject names it first) and
    without the date: "Ofsted judged children's services inadequate (was good)"."""
    profile = profile or facts.profile
    label = profile.label
    if facts.announced == "removed":
        return f"{label} removed “{cut_words(_title_rest(facts), 60)}” from its site"
    if facts.announced == "changed":
        words = _document_words(facts)
        what = f"its {words}" if words else f"“{cut_words(_title_rest(facts), 60)}”"
        moved = [f"{field_in_sentence(n, profile)} now {grade_words(c.after)} {was(c, short=True)}" for n, c in facts.changes.items()]
        return f"{label} changed {what}" + (f": {join_words(moved)}" if moved else "")
    if facts.verdicts and profile.verdicts == "decision":
        return f"{label} {_decision(facts, short=True)}"
    if facts.verdicts:
        fields = lead_fields(facts)
        grade = grade_words(facts.verdicts[fields[0]])
        subject = subject_of(facts) or "it"
        overall = len(fields) == 1 and "overall" in fields[0].casefold()
        how = "" if overall and subject != "it" else (
            " overall" if overall else " " + _for_fields(facts, fields, short=True)
        )
        return f"{label} judged {subject} {grade}{how}{_lead_was(facts, fields, short=True)}"
    words = _document_words(facts)
    if words:
        return f"{label} published {article(words)}" if not words[:1].isupper() else f"{label} published {words}"
    return f"{label} published “{cut_words(_title_rest(facts), 70)}”"


# -- the judgement lines ------------------------------------------------------------------------


def verdict_source(facts: Facts, name: str) -> str:
    """Where a grade was read, in words: "p.1, the grade table", "p.2, “...”", "the CQC's data"."""
    how, page, text = where_read(facts.sources.get(name), facts.profile)
    if how == "quote":
        return f"p.{page}, “{cut_words(text, 90)}”"
    if how == "table":
        return f"p.{page}, the grade table"
    if how == "page":
        return f"p.{page}"
    if how == "data":
        return f"{possessive(facts.profile.sentence_name)} published data"
    return ""


def judgement_lines(facts: Facts, *, leave_out: list[str] | None = None) -> list[dict[str, str]]:
    """Each judgement once, with its change on the same line and where it was read:
    [{"label": "Care leavers", "grade": "inadequate", "was": "(was good)", "source": "p.1, the grade table"}]."""
    skip = set(leave_out or [])
    out = []
    for name, grade in facts.verdicts.items():
        if name in skip:
            continue
        out.append(
            {
                "label": field_label(name, facts.profile),
                "grade": grade_words(grade),
                "was": was(facts.changes.get(name), short=True),
                "source": verdict_source(facts, name),
            }
        )
    return out


def stated_in_sentence(facts: Facts) -> list[str]:
    """The judgements the verdict sentence already states (with their change), so the lines
    under it do not say them again; a single outcome is all in the sentence."""
    if not facts.verdicts or facts.announced in ("changed", "removed"):
        return []
    if facts.profile.verdicts == "decision":
        return list(facts.verdicts)
    return lead_fields(facts) if len(lead_fields(facts)) == 1 else []


def lead_source(facts: Facts) -> str:
    """Where the judgement the sentence states was read ("p.1, the grade table"), or ""."""
    stated = stated_in_sentence(facts)
    return verdict_source(facts, stated[0]) if len(stated) == 1 else ""


def short_subject(facts: Facts, limit: int = 100) -> str:
    """An email subject led by the verdict, the council named once, at most `limit` characters:
    "Harrow: Ofsted judged children's services inadequate (was good)"."""
    name = facts.council or facts.about
    phrase = verdict_phrase(facts)
    text = f"{name}: {phrase}" if name else phrase
    if len(text) > limit:
        # the change is the first thing to go, then the judgements' names, then words from the end
        text = re.sub(r" \((?:was|now) [^)]*\)$", "", text)
    if len(text) > limit and len(lead_fields(facts)) > 1:
        text = re.sub(r" for .*$", f" for {number_words(len(lead_fields(facts)))} judgements", text)
    return cut_words(text, limit)


def summary_of(events: list[dict[str, Any]]) -> str | None:
    """The verdict sentence of the document these events are about (the `summary` of its
    announcing event in `monitor events --json` and in the feed); None when they announce none."""
    facts = facts_of(events)
    if facts is None or not facts.announced:
        return None
    return verdict_sentence(facts)


def addition_line(event: dict[str, Any], about: str | None = None) -> str | None:
    """What a grade change or a phrase found adds to its document's story, in one line
    ("Harrow: Ofsted — care leavers now inadequate (was good)"); None for other events."""
    details = event.get("details") or {}
    profile = profile_of(str(event.get("source_kind") or ""))
    whom = about or short_council(provider_of(event))
    head = f"{whom}: {profile.label}" if whom else profile.label
    if event.get("type") == "rating_change" and details.get("field"):
        change = f"{field_in_sentence(str(details['field']), profile)} now {grade_words(details.get('to'))}"
        if details.get("from"):
            change += f" (was {grade_words(details.get('from'))})"
        return f"{head} — {change}"
    if event.get("type") == "phrase_match" and details.get("phrase"):
        count = int(details.get("count") or 0)
        return f"{head} — the document mentions “{one_line(details['phrase'])}” {times(count)}"
    return None


__all__ = [
    "Change",
    "Facts",
    "addition_line",
    "facts_of",
    "judgement_lines",
    "lead_fields",
    "lead_source",
    "short_council",
    "short_subject",
    "stated_in_sentence",
    "summary_line",
    "summary_of",
    "verdict_phrase",
    "verdict_sentence",
    "verdict_source",
]
