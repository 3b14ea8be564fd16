"""Events -> what a person reads: one story per document, its verdict sentence first.

Email, digest and feed describe events the same way, so they share this module. A pass
usually produces several events about one document (new_document, phrase_match,
rating_change); they are grouped into one item, told in this order: the verdict sentence
(monitor/deliver/summary.py), each judgement once with its change, the document's own
headline sentences, then at most a few passages from its prose that hold the words the group
asked about — never a row of the grade table, never a sentence already said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from monitor.dates import iso_day
from monitor.deliver.labels import (  # noqa: F401  (re-exported: digest, email, feed)
    PROBLEM_TYPES,
    SEVERITY_RANK,
    TYPE_LABELS,
    cut_words,
    event_time,
    field_in_sentence,
    format_day,
    grade_words,
    join_words,
    lower_first,
    meta_of,
    one_line,
    possessive,
    provider_of,
    publisher_in_sentence,
    publisher_label,
    publisher_order,
    safe_url,
    short_council,
    times,
)
from monitor.deliver.quotes import Said, is_table_row, prose_quotes
from monitor.deliver.summary import (
    Facts,
    facts_of,
    judgement_lines,
    lead_source,
    short_subject,
    stated_in_sentence,
    verdict_sentence,
)
from monitor.sources import profile_of

TEMPLATES = Path(__file__).parent / "templates"
#: subjects are cut by mail clients beyond this
SUBJECT_LIMIT = 100
#: passages quoted from a document's prose, after its headline sentences
MAX_QUOTES = 3
#: headline sentences shown
MAX_HEADLINE = 4

#: which event of a group tells its story (lower first)
_MAIN_TYPE = {
    "new_document": 0,
    "changed": 1,
    "removed": 2,
    "rating_change": 3,
    "phrase_match": 4,
    "source_broken": 5,
    "cross_check_mismatch": 5,
    "listing_incomplete": 7,
    "response": 4,
    "source_failing": 6,
    "source_error": 7,
    "source_recovered": 8,
}


@dataclass
class Group:
    """The events of one pass (or one day) about one document, or one source problem."""

    key: tuple[str, str]
    events: list[dict[str, Any]] = field(default_factory=list)
    #: events about the same document from outside the group (its report, when an alert
    #: carries only the urgent grade changes; the rest of the feed for one feed entry): they
    #: complete the facts, they are not told as news
    context: list[dict[str, Any]] = field(default_factory=list)
    #: whom the source is about, for a problem ("Harrow"), when the caller knows
    about_hint: str | None = None

    @property
    def main(self) -> dict[str, Any]:
        return min(self.events, key=lambda e: (_MAIN_TYPE.get(e.get("type", ""), 9), e.get("id") or 0))

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("type") == kind]

    @property
    def severity(self) -> str:
        return min((e.get("severity") or "info" for e in self.events), key=lambda s: SEVERITY_RANK.get(s, 3))

    @property
    def kind(self) -> str:
        return str(self.main.get("source_kind") or "")

    @property
    def publisher(self) -> str:
        return publisher_label(self.kind)

    @property
    def is_problem(self) -> bool:
        return self.main.get("type") in PROBLEM_TYPES or not self.main.get("document_key")

    def facts(self) -> Facts | None:
        """The document's facts from the group's events and their context."""
        ids = {id(e) for e in self.events}
        return facts_of(self.events + [e for e in self.context if id(e) not in ids])

    @property
    def about(self) -> str:
        """Whom the group is about, as people name it: "Harrow", "Elmgrove House", "Cabinet"."""
        facts = None if self.is_problem else self.facts()
        if facts is not None and (facts.council or facts.about):
            return str(facts.council or facts.about)
        # the council its source is about (`council:`), when the document names none
        return self.about_hint or str(self.main.get("council") or "")


def _event_order(event: dict[str, Any]) -> tuple[str, int]:
    return (str(event.get("created_at") or ""), int(event.get("id") or 0))


def group_events(events: list[dict[str, Any]], context: list[dict[str, Any]] | None = None) -> list[Group]:
    """Events grouped per (source, document); source problems one group each. Oldest first,
    stable. `context`: other events about the same documents, to complete their facts."""
    groups: dict[tuple[str, str], Group] = {}
    for event in sorted(events, key=_event_order):
        if event.get("type") in PROBLEM_TYPES or not event.get("document_key"):
            key = ("event", str(event.get("id")))
        else:
            key = (str(event.get("source")), str(event["document_key"]))
        groups.setdefault(key, Group(key=key)).events.append(event)
    for event in sorted(context or [], key=_event_order):
        key = (str(event.get("source")), str(event.get("document_key")))
        if event.get("document_key") and key in groups and event not in groups[key].events:
            groups[key].context.append(event)
    return list(groups.values())


# -- problems with a source -------------------------------------------------------------------


def source_in_words(kind: str, about: str | None) -> str:
    """A source as a person names it: "the Ombudsman's site for Harrow" (never its config name)."""
    label = publisher_in_sentence(profile_of(kind))
    if any(word in label.casefold().split() for word in ("page", "feed", "site")):
        # a generic kind ("Web page", "Feed") names the thing itself
        site = f"the {lower_first(label)}"
    else:
        site = f"{possessive(label)} site"
    return f"{site} for {about}" if about else site


def problem_sentence(event: dict[str, Any], about: str | None = None, since: date | None = None) -> str:
    """What went wrong with a source, in words a coordinator can act on; no raw error text.
    `since`: when it last worked, where known."""
    kind = str(event.get("source_kind") or "")
    details = event.get("details") or {}
    where = source_in_words(kind, about)
    failures = details.get("consecutive_failures")
    how_long = []
    if isinstance(failures, int) and failures > 1:
        how_long.append(f"{times(failures)} in a row")
    if since:
        how_long.append(f"last read on {format_day(since)}")
    count = f" ({', '.join(how_long)})" if how_long else ""
    missing = "Anything published since may be missing here until it is fixed."
    kind_of = event.get("type")
    health = one_line(details.get("health"))
    if kind_of == "source_recovered":
        return f"The monitor can read {where} again."
    if kind_of == "listing_incomplete":
        return f"Part of {where} could not be read{count}; nothing was marked as removed."
    if kind_of == "cross_check_mismatch":
        return _cross_check_sentence(event, about)
    if health == "broken" or kind_of == "source_broken":
        return f"The monitor can no longer read {where}: it answers, but not with the list it used to{count}. {missing}"
    if health == "blocked":
        return f"{where[:1].upper()}{where[1:]} is refusing the monitor's requests{count}. {missing}"
    return f"The monitor could not reach {where}{count}. {missing}"


def _cross_check_sentence(event: dict[str, Any], about: str | None) -> str:
    details = event.get("details") or {}
    profile = profile_of(str(event.get("source_kind") or ""))
    who = publisher_in_sentence(profile, start=True)
    whom = f" about {about}" if about else ""
    name = str(details.get("field") or "")
    expected, found = one_line(details.get("expected")), one_line(details.get("found"))
    if name and expected and found:
        return (
            f"{who}'s own published figures disagree with the reports the monitor holds{whom}: they give "
            f"{field_in_sentence(name, profile)} as {grade_words(expected)}, the report says {grade_words(found)}."
        )
    if name and expected and "not given" in one_line(details.get("problem")):
        return (
            f"{who}'s own published figures give {field_in_sentence(name, profile)} as {grade_words(expected)}{whom}, "
            "but no report the monitor holds gives that grade."
        )
    since = iso_day(details.get("not_before"))
    when = f" of {format_day(since)} or later" if since else ""
    return (
        f"{who}'s own published figures name a publication{whom}{when} that the monitor does not hold: "
        "its listing may have missed it."
    )


# -- one item ---------------------------------------------------------------------------------


def _phrase_line(group: Group) -> str:
    """"It mentions “inadequate” 6 times and “widespread or serious failures” once."."""
    found = []
    for event in group.of_type("phrase_match"):
        details = event.get("details") or {}
        phrase, count = one_line(details.get("phrase")), int(details.get("count") or 0)
        if phrase and count:
            found.append(f"“{phrase}” {times(count)}")
    return f"It mentions {join_words(found)}." if found else ""


def _headline(group: Group, facts: Facts | None) -> list[dict[str, Any]]:
    """meta.headline (or a phrase match's details.headline), well-formed entries only."""
    candidates = [facts.meta] if facts else []
    candidates += [{"headline": (e.get("details") or {}).get("headline")} for e in group.events + group.context]
    for meta in candidates:
        quotes = headline_quotes(meta, limit=MAX_HEADLINE * 2)
        if quotes:
            return quotes
    return []


def headline_quotes(meta: dict[str, Any], limit: int = MAX_HEADLINE) -> list[dict[str, Any]]:
    """meta.headline (a document's own headline sentences) as [{text, page}], one line each.

    Only well-formed entries are shown: a quote without its page is not a quote we can stand by.
    """
    out = []
    for entry in meta.get("headline") or []:
        if not isinstance(entry, dict):
            continue
        text, page = one_line(entry.get("text"), 600), entry.get("page")
        if text and isinstance(page, int) and not isinstance(page, bool) and page > 0:
            out.append({"text": text, "page": page})
    return out[:limit]


def _answers(group: Group) -> list[dict[str, Any]]:
    answers = []
    for event in group.of_type("response"):
        d = event.get("details") or {}
        finding = d.get("finding") or {}
        mention = next(iter(d.get("mentions") or []), {})
        published = iso_day(finding.get("published"))
        days = d.get("days_after") if isinstance(d.get("days_after"), int) else None
        sentence = f"It answers “{one_line(finding.get('title'))}”"
        if published:
            sentence += f", published {format_day(published)}"
        if days is not None:
            sentence += f", {days} days later"
        answers.append({"sentence": sentence + ".", "quote": one_line(mention.get("text"), 300), "page": mention.get("page")})
    return answers


def _read_label(facts: Facts | None) -> str:
    """"Read the report", "Read the decision", "Read the document"."""
    if facts is not None and facts.verdicts:
        return "Read the decision" if facts.profile.verdicts == "decision" else "Read the report"
    return "Read the document"


def _links(group: Group, facts: Facts | None) -> list[dict[str, str]]:
    links = []
    url = safe_url(next((e.get("url") for e in group.events + group.context if e.get("url")), None))
    if url:
        links.append({"label": _read_label(facts), "url": url})
    meta = facts.meta if facts else {}
    page = safe_url(meta.get("page_url") or meta.get("listing_url"))
    if page and page != url:
        links.append({"label": f"{possessive(group.publisher)} page", "url": page})
    return links


def _diff(group: Group, facts: Facts) -> dict[str, list[str]] | None:
    """The sentences a new version added and removed; rows of the grade table left out (the
    judgement lines say how each grade moved)."""
    for event in group.of_type("changed"):
        d = event.get("details") or {}

        def prose(lines: list[Any]) -> list[str]:
            return [one_line(s, 300) for s in lines if not is_table_row(str(s), facts)][:5]

        return {"added": prose(d.get("added") or []), "removed": prose(d.get("removed") or [])}
    return None


def _stored(group: Group) -> bool:
    return any((e.get("details") or {}).get("blob_path") for e in group.events + group.context)


def item_view(group: Group) -> dict[str, Any]:
    """Everything a template needs about one group, already in plain words and safe URLs."""
    main = group.main
    if group.is_problem:
        about = group.about_hint
        sentence = problem_sentence(main, about)
        return {
            "severity": group.severity,
            "urgent": group.severity == "urgent",
            "publisher": group.publisher,
            "about": about or "",
            "sentence": sentence,
            "subject": cut_words(sentence.split(": ")[0].split(". ")[0].rstrip("."), SUBJECT_LIMIT),
            "problem": True,
            # what a person can do about it: the details are for whoever runs the monitor
            "advice": main.get("type") != "source_recovered",
            "lead_source": "",
            "every_grade": False,
            "judgements": [],
            "judgements_title": "",
            "context": "",
            "says": [],
            "quotes": [],
            "phrases": "",
            "answers": [],
            "diff": None,
            "links": [],
            "kept": False,
            "event_ids": [e.get("id") for e in group.events],
        }
    facts = group.facts()
    assert facts is not None  # a group about a document has its facts
    if not facts.announced:
        # the document's own event is not among these (a feed entry, a partial alert): tell
        # its story as a new document all the same, from what the events say
        facts.announced = "new_document"
    sentence = verdict_sentence(facts)
    stated = stated_in_sentence(facts)
    judgements = judgement_lines(facts, leave_out=stated)
    where = lead_source(facts)
    every_grade = bool(where and judgements and all(line["source"] == where for line in judgements))
    if every_grade:
        # every grade read from the same place (the grade table): said once, not on each line
        judgements = [{**line, "source": ""} for line in judgements]
    said = Said()
    said.add(sentence)
    says = said.keep(_headline(group, facts))[:MAX_HEADLINE]
    phrase_quotes = [
        {"text": one_line(q.get("text")), "page": q.get("page")}
        for event in group.of_type("phrase_match")
        for q in ((event.get("details") or {}).get("quotes") or [])
        if isinstance(q, dict)
    ]
    quotes = said.keep(prose_quotes(phrase_quotes, facts))[:MAX_QUOTES]
    diff = _diff(group, facts)
    if diff:
        # a sentence the new version added may be the passage just quoted: say it once
        diff["added"] = [line for line in diff["added"] if said.new_part(line)]
    context = next(
        # a first verdict (an upheld decision) carries its peer context on its new_document
        (one_line((e.get("details") or {}).get("peer_context"), 400) for e in group.of_type("rating_change") + group.events
         if (e.get("details") or {}).get("peer_context")),
        "",
    )
    subject = short_subject(facts, SUBJECT_LIMIT)
    phrases = _phrase_line(group)
    if phrases and not facts.verdicts and len(subject) < SUBJECT_LIMIT - 20:
        first = next(iter(group.of_type("phrase_match")), {})
        word = one_line((first.get("details") or {}).get("phrase"))
        subject = cut_words(f"{subject}, which mentions “{word}”", SUBJECT_LIMIT)
    return {
        "severity": group.severity,
        "urgent": group.severity == "urgent",
        "publisher": group.publisher,
        "about": group.about,
        "sentence": sentence,
        "subject": subject,
        "problem": False,
        "advice": False,
        "lead_source": where,
        "every_grade": every_grade,
        "judgements": judgements,
        "judgements_title": "The other judgements" if stated and judgements else "The judgements",
        "context": context,
        "says": says,
        "quotes": quotes,
        "phrases": phrases,
        "answers": _answers(group),
        "diff": diff,
        "links": _links(group, facts),
        "kept": _stored(group),
        "event_ids": [e.get("id") for e in group.events],
    }


def _md_escape(value: Any) -> str:
    """Markdown-escape text so titles cannot inject links, emphasis or raw HTML."""
    text = str(value if value is not None else "")
    for ch in "\\`*_[]<#|":
        text = text.replace(ch, "\\" + ch)
    return text


def environment(autoescape: bool) -> Environment:
    """The Jinja2 environment for our templates; autoescape ON for HTML."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _md_escape
    return env


__all__ = [
    "Group",
    "environment",
    "group_events",
    "headline_quotes",
    "item_view",
    "problem_sentence",
    "short_council",
    "source_in_words",
]
