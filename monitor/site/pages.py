"""The views the templates render: plain dicts and lists built from SiteData, so the templates
hold no logic beyond loops and the escaping Jinja does on every value. Every word a reader
sees comes from monitor/site/words.py: no field, configuration or event type names."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from monitor.deliver.labels import publisher_label, safe_url
from monitor.detect.phrases import diff_summary
from monitor.profile import Profile
from monitor.site import charts
from monitor.site.data import SiteData, SiteDocument, SiteEvent
from monitor.site.findings import FindingStatus, finding_slug, notices_in_force, statuses
from monitor.site.words import (
    Judgement,
    Said,
    badge_text,
    day,
    facts,
    field_label,
    grade_text,
    judgements,
    kind_label,
    level_css,
    plural,
    problem_sentence,
    sentences,
    source_words,
    summary_sentences,
    verdict_fields,
    verdict_sentence,
)
from monitor.sources import profile_of

PROBLEM_HEALTH = {"failing", "blocked", "broken"}
#: how many of the newest changes, decisions and unanswered findings the overview shows
RECENT = 10
EXTENSIONS = {"application/pdf": ".pdf", "text/html": ".html", "application/json": ".json", "text/plain": ".txt", "text/xml": ".xml"}
_SLUG = re.compile(r"[^a-z0-9]+")
#: a phrase quote that does not end a sentence is a table cell or a heading (the grade table's
#: "The experiences and progress of care leavers Inadequate"): the grades already say it
_SENTENCE_END = re.compile(r"[.!?][\"”’')]?$")


def extension(content_type: str) -> str:
    """The file extension a stored copy is given, so a browser opens it as what it is."""
    return EXTENSIONS.get(content_type.split(";")[0].strip().lower(), ".bin")


def stored_name(sha256: str, content_type: str) -> str:
    """Where a blob's copy sits in the site, relative to its root."""
    return f"files/{sha256[:2]}/{sha256}{extension(content_type)}"


@functools.lru_cache(maxsize=1024)  # publishers' and kinds' names, for every row of every list
def slug(text: str) -> str:
    """"Council committees" -> "council-committees", for filter pages' names."""
    return _SLUG.sub("-", text.casefold()).strip("-") or "other"


def doc_link(doc: SiteDocument) -> str:
    """A document page's path, relative to the site's root."""
    return f"documents/{doc.slug}.html"


def size_words(size: int) -> str:
    """"45 KB"."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} KB"


def type_words(content_type: str) -> str:
    """"application/pdf" -> "PDF"."""
    ext = extension(content_type)
    return ext[1:].upper() if ext != ".bin" else "file"


@dataclass
class Context:
    """What every page of one build shares: the data, each finding's status, each verdict's
    previous report, the build's date and the stored copies' paths."""

    data: SiteData
    today: date
    statuses: dict[int, FindingStatus]
    previous: dict[int, SiteDocument]
    copies: dict[str, str]
    #: document id -> its line in lists, drawn once a build (a document is on several lists)
    rows: dict[int, dict[str, Any]] = field(default_factory=dict)


def previous_reports(data: SiteData) -> dict[int, SiteDocument]:
    """Document id -> the report before it about the same provider (the first of its kind's
    `provider_keys` found) that grades any of the same fields, for a document whose kind
    states a verdict in fields (an area SEND outcome between two inspections is not the
    report an inspection's grades moved from; the same rule as detection's)."""
    groups: dict[tuple[str, str, str], list[SiteDocument]] = defaultdict(list)
    for doc in data.documents:
        profile = profile_of(doc.source_kind)
        if not profile.verdicts or profile.verdicts == "decision" or not verdict_fields(profile, doc.meta):
            continue
        ident = next((str(doc.meta[k]) for k in profile.provider_keys if doc.meta.get(k)), None)
        if ident:
            groups[(profile.label, profile.verdicts, ident)].append(doc)
    out: dict[int, SiteDocument] = {}
    for docs in groups.values():
        docs.sort(key=lambda d: (d.when, d.id))
        for index, after in enumerate(docs):
            fields = set(verdict_fields(profile_of(after.source_kind), after.meta))
            for before in reversed(docs[:index]):
                if before.when < after.when and fields & set(verdict_fields(profile_of(before.source_kind), before.meta)):
                    out[after.id] = before
                    break
    return out


def context(data: SiteData, built_at: datetime, copies: dict[str, str]) -> Context:
    """The shared context of one build."""
    return Context(data, built_at.date(), statuses(data, built_at.date()), previous_reports(data), copies)


def verdict_of(doc: SiteDocument, ctx: Context) -> tuple[str, list[Judgement]]:
    """The verdict sentence and the judgements of `doc`."""
    previous = ctx.previous.get(doc.id)
    found = judgements(doc, previous)
    return verdict_sentence(doc, found, previous), found


def judgement_rows(found: list[Judgement], sentence_has: str | None, ctx: Context, doc: SiteDocument, root: str) -> list[dict[str, Any]]:
    """Each judgement once as a row: label, value, its change, where it is read. The field the
    sentence already states (`sentence_has`) is left out."""
    newest = doc.versions[-1] if doc.versions else None
    copy = ctx.copies.get(newest.sha256) if newest else None
    rows = []
    for j in found:
        if j.field == sentence_has:
            continue
        rows.append({"label": j.label, "value": badge_text(j.value), "css": j.css, "was": j.was, **source_link(j.source, copy, newest, root, profile_of(doc.source_kind))})
    return rows


def source_link(source: dict[str, Any] | None, copy: str | None, newest: Any, root: str, profile: Profile) -> dict[str, Any]:
    """Where a verdict is read, in words, with a link to our copy at that page (a PDF opens at
    `#page=N`) or to the publisher's data."""
    words = source_words(source, profile)
    href = None
    if source and isinstance(source.get("page"), int) and copy:
        href = f"{root}{copy}" + (f"#page={source['page']}" if copy.endswith(".pdf") else "")
    elif source and source.get("url"):
        href = safe_url(source["url"])
    return {"where": words, "where_href": href}


def finding_cell(doc: SiteDocument, ctx: Context) -> dict[str, Any] | None:
    """A finding's answer state for a list: words, link to its page, and whether it is late."""
    status = ctx.statuses.get(doc.id)
    if status is None:
        return None
    return {"words": status.words, "link": finding_slug(doc), "late": status.unanswered_days is not None, "answered": bool(status.answers)}


def summary_row(doc: SiteDocument, ctx: Context | None = None) -> dict[str, Any]:
    """A document as one line of a list."""
    if ctx is not None:
        row = ctx.rows.get(doc.id)
        if row is None:
            row = ctx.rows[doc.id] = _summary_row(doc, ctx)
        return row
    return _summary_row(doc, None)


def _summary_row(doc: SiteDocument, ctx: Context | None) -> dict[str, Any]:
    profile = profile_of(doc.source_kind)
    verdict = verdict_fields(profile, doc.meta)
    first = next(iter(verdict.items()), None)
    return {
        "when": day(doc.when),
        "year": doc.when.year,
        "publisher": publisher_label(doc.source_kind),
        "publisher_slug": slug(publisher_label(doc.source_kind)),
        "title": doc.title,
        "kind": kind_label(doc.kind),
        "kind_slug": slug(doc.kind or "publication"),
        "link": doc_link(doc),
        "grade": badge_text(first[1]) if first else "",
        "grade_label": ("" if first[0] in ("overall", profile.verdicts) else field_label(first[0])) if first else "",
        "grade_css": level_css(profile, first[1], first[0]) if first else "",
        "status": status_words(doc.status),
        "finding": finding_cell(doc, ctx) if ctx else None,
    }


def status_words(status: str) -> str | None:
    """A document's state when it is not simply published: "removed by the publisher"."""
    return None if status == "ok" else {"removed": "removed by the publisher", "gone": "removed by the publisher"}.get(status, "could not be read")


def _latest_by(docs: list[SiteDocument], profile: Profile) -> list[SiteDocument]:
    """For each provider (the profile's overview key), its newest document stating a verdict."""
    newest: dict[str, SiteDocument] = {}
    for doc in docs:
        if verdict_fields(profile_of(doc.source_kind), doc.meta):
            ident = str(doc.meta.get(profile.overview_key) or doc.key)
            if ident not in newest or doc.when > newest[ident].when:
                newest[ident] = doc
    return sorted(newest.values(), key=lambda d: d.when, reverse=True)


def peer_contexts(events: list[SiteEvent]) -> dict[str, dict[str, str]]:
    """council name (folded) -> {publisher kind: the newest peer_context sentence about that
    council and publisher}, written as the publisher's profile writes it (Ofsted's, the CQC's
    and the Ombudsman's pictures are told apart)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for event in events:
        if event.type == "peer_context" and event.details.get("council"):
            publisher = str(event.details.get("publisher") or "")
            sentence = profile_of(publisher).call("peer_sentence", event.details)
            if sentence:
                out[str(event.details["council"]).casefold()][publisher] = sentence
    return out


def _by_profile(docs: list[SiteDocument]) -> dict[str, tuple[Profile, list[SiteDocument]]]:
    """The documents grouped by the publisher label their kinds' profiles give, publishers in
    their order (kinds of one publisher share a label)."""
    groups: dict[str, tuple[Profile, list[SiteDocument]]] = {}
    for doc in sorted(docs, key=lambda d: profile_of(d.source_kind).order):
        profile = profile_of(doc.source_kind)
        groups.setdefault(profile.label, (profile, []))[1].append(doc)
    return groups


def card(doc: SiteDocument, ctx: Context, root: str) -> dict[str, Any]:
    """A document's verdict as the overview shows it: its sentence, then the other judgements."""
    sentence, found = verdict_of(doc, ctx)
    stated = "overall" if any(j.field == "overall" for j in found) else None
    return {
        "title": doc.title,
        "link": doc_link(doc),
        "sentence": sentence,
        # where each grade is read is for the document's own page: the overview stays short
        "grades": [{**row, "where": None, "where_href": None} for row in judgement_rows(found, stated, ctx, doc, root)],
        "finding": finding_cell(doc, ctx),
    }


def council_slug(name: str) -> str:
    """"Harrow" -> "harrow"; "Brighton and Hove" -> "brighton-and-hove": a council page's name."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "council"


def council_view(name: str, docs: list[SiteDocument], ctx: Context, contexts: dict[str, str] | None = None) -> dict[str, Any]:
    """One council's part of the overview (with its peer context, when a source gives one):
    each publisher's newest verdicts or decisions, as its profile's `overview` says, and the
    charts its profile names."""
    graded: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    for label_, (profile, group) in _by_profile(docs).items():
        if profile.overview == "grades" and profile.verdicts:
            cards = [card(d, ctx, "") for d in _latest_by(group, profile)]
            if cards:
                graded.append({"publisher": label_, "cards": cards, "context": (contexts or {}).get(profile.kind)})
        elif profile.overview == "decisions":
            rows = [summary_row(d, ctx) for d in group if d.meta.get("decision")][:RECENT]
            if rows:
                decisions.append({"publisher": label_, "in_sentence": profile.sentence_name, "rows": rows,
                                  "context": (contexts or {}).get(profile.kind)})
    chart_list = []
    for chart in charts.CHARTS:
        drawn = charts.CHARTS[chart]([d for d in docs if chart in profile_of(d.source_kind).charts])
        if drawn is not None:
            chart_list.append(drawn)
    # the council's own newest publications (committee papers, news), which state no verdict
    newest = [summary_row(d, ctx) for d in sorted(docs, key=lambda d: (d.when, d.id), reverse=True)
              if profile_of(d.source_kind).overview == "none"][:RECENT]
    return {"name": name, "graded": graded, "decisions": decisions, "newest": newest, "charts": chart_list, "count": len(docs)}


def change_line(doc: SiteDocument, events: list[SiteEvent], docs: dict[tuple[str, str], SiteDocument]) -> str:
    """What happened to a document lately, in words, each fact once: "new; care leavers now
    inadequate (was good); says “widespread or serious failures”"."""
    parts: list[str] = []
    types = {e.type for e in events}
    if "new_document" in types:
        parts.append("newly published")
    if "changed" in types:
        parts.append("a new version")
    if "removed" in types:
        parts.append("removed by the publisher")
    for e in events:
        if e.type == "rating_change" and e.details.get("field") and e.details.get("to"):
            name = str(e.details["field"])
            label = "decision" if name == profile_of(doc.source_kind).verdicts else field_label(name).lower()
            was = f" (was {grade_text(e.details['from'])})" if e.details.get("from") else ""
            parts.append(f"{label} now {grade_text(e.details['to'])}{was}")
    phrases = sorted({str(e.details.get("phrase")) for e in events if e.type == "phrase_match" and e.details.get("phrase")})
    if phrases:
        parts.append("says " + ", ".join(f"“{p}”" for p in phrases))
    for e in events:
        if e.type == "response":
            finding = e.details.get("finding") or {}
            target = docs.get((str(finding.get("source")), str(finding.get("key"))))
            parts.append(f"answers “{target.title if target else finding.get('title', 'a finding')}”")
    return capital_first("; ".join(dict.fromkeys(parts)))


def capital_first(text: str) -> str:
    """The first letter in capitals."""
    return text[:1].upper() + text[1:]


#: event types a reader is told of in "what changed last" (source problems have their own box)
CHANGE_TYPES = {"new_document", "changed", "removed", "rating_change", "phrase_match", "response"}


def recent_changes(data: SiteData) -> list[dict[str, Any]]:
    """The documents that changed last, newest first, one line each."""
    by_id = {d.id: d for d in data.documents}
    by_key = {(d.source, d.key): d for d in data.documents}
    grouped: dict[int, list[SiteEvent]] = {}
    for event in reversed(data.events):
        if event.severity == "info" or event.type not in CHANGE_TYPES or event.document_id not in by_id:
            continue
        grouped.setdefault(event.document_id, []).append(event)
        if len(grouped) > RECENT:
            grouped.pop(event.document_id)
            break
    out = []
    for doc_id, events in grouped.items():
        doc = by_id[doc_id]
        out.append(
            {
                "when": day(max(e.created_at for e in events)),
                "publisher": publisher_label(doc.source_kind),
                "title": doc.title,
                "link": doc_link(doc),
                "what": change_line(doc, sorted(events, key=lambda e: e.id), by_key),
                "urgent": any(e.severity == "urgent" for e in events),
            }
        )
    return out


def problems(data: SiteData) -> list[str]:
    """Each source with a problem, once, in words; never its error text."""
    out = []
    for source in data.sources:
        if source.health in PROBLEM_HEALTH:
            kinds = {d.kind for d in data.documents if d.source == source.name and d.kind}
            noun = plural(next(iter(kinds))) if len(kinds) == 1 else "publications"
            out.append(problem_sentence(source, noun))
    return list(dict.fromkeys(out))


def sources_view(data: SiteData) -> list[dict[str, Any]]:
    """Where the record comes from: each publisher once, with when it was last read."""
    out: dict[str, dict[str, Any]] = {}
    for source in sorted(data.sources, key=lambda s: profile_of(s.kind).order):
        label_ = publisher_label(source.kind)
        row = out.setdefault(label_, {"publisher": label_, "last_ok": None, "problem": False, "count": 0})
        row["problem"] = row["problem"] or source.health in PROBLEM_HEALTH
        if source.last_ok_at and (row["last_ok"] is None or source.last_ok_at > row["last_ok"]):
            row["last_ok"] = source.last_ok_at
    for doc in data.documents:
        label_ = publisher_label(doc.source_kind)
        if label_ in out:
            out[label_]["count"] += 1
    return [
        {**row, "last_ok": day(row["last_ok"]) if row["last_ok"] else None, "filter": f"timeline/{slug(row['publisher'])}.html" if row["count"] else None}
        for row in out.values()
    ]


def overview(data: SiteData, ctx: Context) -> dict[str, Any]:
    """The context of index.html."""
    by_council: dict[str, list[SiteDocument]] = defaultdict(list)
    for doc in data.documents:
        council = data.council_of(doc)
        if council:
            by_council[council].append(doc)
    contexts = peer_contexts(data.events)
    waiting = sorted(
        (s for s in ctx.statuses.values() if s.unanswered_days is not None),
        key=lambda s: s.unanswered_days or 0,
        reverse=True,
    )
    publishers = {publisher_label(s.kind) for s in data.sources}
    return {
        "councils": [
            {**council_view(n, by_council[n], ctx, contexts.get(n.casefold())), "link": f"councils/{council_slug(n)}.html"}
            for n in sorted(by_council, key=lambda n: (-len(by_council[n]), n))
        ],
        "notices": [
            {"council": n["council"], "title": n["doc"].title, "link": doc_link(n["doc"]), "published": day(n["doc"].published or n["doc"].when),
             "publisher": publisher_label(n["doc"].source_kind), "ours": n["ours"], "finding": finding_cell(n["doc"], ctx)}
            for n in notices_in_force(data)
        ],
        "waiting": [{"title": s.doc.title, "link": finding_slug(s.doc), "words": s.words, "published": day(s.doc.when),
                     "publisher": publisher_label(s.doc.source_kind)} for s in waiting[:RECENT]],
        "recent": recent_changes(data),
        "problems": problems(data),
        "sources": sources_view(data),
        "documents": len(data.documents),
        "publishers": len(publishers),
    }


# -- the timeline --------------------------------------------------------------------------------


def timeline(docs: list[SiteDocument], ctx: Context) -> list[dict[str, Any]]:
    """Publications, newest first, grouped by year: [{year, rows}]."""
    years: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for doc in docs:
        years[doc.when.year].append(summary_row(doc, ctx))
    return [{"year": y, "rows": years[y]} for y in sorted(years, reverse=True)]


def timeline_filters(data: SiteData) -> dict[str, Any]:
    """The timeline's filters, each a page of its own so they work without JavaScript:
    timeline/<publisher>.html, timeline/<publisher>-<kind>.html and timeline/<year>.html.
    Returns {"publishers": [...], "years": [...]}, each entry with its page, words, count and
    the documents it holds."""
    publishers: dict[str, dict[str, Any]] = {}
    for doc in sorted(data.documents, key=lambda d: profile_of(d.source_kind).order):
        label_ = publisher_label(doc.source_kind)
        entry = publishers.setdefault(label_, {"name": label_, "path": f"timeline/{slug(label_)}.html", "docs": [], "kinds": {}})
        entry["docs"].append(doc)
        kind = kind_label(doc.kind)
        kind_entry = entry["kinds"].setdefault(
            kind, {"name": kind, "title": f"{label_}: {plural(kind.lower())}", "path": f"timeline/{slug(label_)}-{slug(doc.kind or 'publication')}.html", "docs": []}
        )
        kind_entry["docs"].append(doc)
    years: dict[int, list[SiteDocument]] = defaultdict(list)
    for doc in data.documents:
        years[doc.when.year].append(doc)
    out_publishers = []
    for entry in publishers.values():
        kinds = sorted(entry["kinds"].values(), key=lambda k: (-len(k["docs"]), k["name"]))
        out_publishers.append({**entry, "count": len(entry["docs"]), "kinds": [{**k, "count": len(k["docs"])} for k in kinds]})
    out_years = [{"name": str(y), "title": f"Published in {y}", "path": f"timeline/{y}.html", "docs": years[y], "count": len(years[y])} for y in sorted(years, reverse=True)]
    return {"publishers": out_publishers, "years": out_years}


# -- a document's page -------------------------------------------------------------------------


def _quotes(doc: SiteDocument, said: Said) -> tuple[list[dict[str, Any]], list[str]]:
    """Phrase matches with their quotes from the prose: never a grade-table cell (the grades
    say it), never a sentence the page already shows (`said`, to which the quotes are added).
    Phrases left with no quote of their own are named only."""
    numbers = {v.id: v.number for v in doc.versions}
    latest = doc.versions[-1].number if doc.versions else None
    phrases: list[dict[str, Any]] = []
    named_only: list[str] = []
    for e in doc.events:
        if e.type != "phrase_match":
            continue
        phrase = str(e.details.get("phrase", ""))
        quotes = []
        for q in e.details.get("quotes") or []:
            if not isinstance(q, dict):
                continue
            # a list's bullet is layout, not words
            text = " ".join(str(q.get("text", "")).split()).lstrip("◼▪•●■-–* ")
            if not _SENTENCE_END.search(text):
                continue
            # the sentence that holds the phrase, unless the page says it already
            fresh = [s for s in sentences(text) if not said.has(s)]
            fresh = [s for s in fresh if phrase.casefold() in s.casefold()] or []
            for sentence in fresh:
                said.add(sentence)
                quotes.append({"page": q.get("page") if isinstance(q.get("page"), int) else None, "text": sentence})
        version = numbers.get(e.version_id)
        if quotes:
            phrases.append({"phrase": phrase, "count": e.details.get("count", len(quotes)), "version": version if version != latest else None, "quotes": quotes})
        elif phrase and phrase not in named_only:
            named_only.append(phrase)
    return phrases, [p for p in named_only if all(q["phrase"] != p for q in phrases)]


def versions_view(doc: SiteDocument, ctx: Context, root: str) -> list[dict[str, Any]]:
    """Every version, newest first: when it was read, its size, our copy, what changed since
    the one before, and the grades of an older version where they differ from the next."""
    profile = profile_of(doc.source_kind)
    out = []
    previous = None
    for index, v in enumerate(doc.versions):
        diff = None
        if previous is not None:
            diff = diff_summary(previous.pages, v.pages, []) if previous.pages != v.pages else {"summary": "no change in the text", "added": [], "removed": []}
        grades = []
        if index + 1 < len(doc.versions):
            mine, later = verdict_fields(profile, v.meta), verdict_fields(profile, doc.versions[index + 1].meta)
            grades = [
                {"label": "Decision" if k == profile.verdicts else field_label(k), "value": badge_text(val), "css": level_css(profile, val, k), "was": None, "where": None, "where_href": None}
                for k, val in mine.items()
                if " ".join(str(later.get(k, "")).split()).casefold() != " ".join(val.split()).casefold()
            ]
        copy = ctx.copies.get(v.sha256)
        out.append(
            {
                "number": v.number,
                "read": day(v.fetched_at),
                "size": size_words(v.size),
                "pages": len([p for p in v.pages if p.strip()]),
                "type": type_words(v.content_type),
                "stored": f"{root}{copy}" if copy else None,
                "unreadable": bool(v.extract_error),
                "diff": diff,
                "grades": grades,
            }
        )
        previous = v
    return list(reversed(out))


def document_view(doc: SiteDocument, ctx: Context) -> dict[str, Any]:
    """The context of one document's page: the verdict and where it is read first, then the
    document's own words, then the rest folded away."""
    root = "../"
    sentence, found = verdict_of(doc, ctx)
    profile = profile_of(doc.source_kind)
    stated = "overall" if any(j.field == "overall" for j in found) else (profile.verdicts if any(j.field == profile.verdicts for j in found) else None)
    lead = next((j for j in found if j.field == stated), None)
    newest = doc.versions[-1] if doc.versions else None
    copy = ctx.copies.get(newest.sha256) if newest else None
    shown = Said([sentence])
    said = summary_sentences(doc, shown)
    phrases, named_only = _quotes(doc, shown)
    status = ctx.statuses.get(doc.id)
    # the sentence gives the publication date (or, without one, when the monitor first saw it)
    about = [("First seen by the monitor", day(doc.first_seen))] if doc.published else []
    about += facts(doc, shown)
    lead_where = source_link(lead.source, copy, newest, root, profile) if lead else None
    grades = judgement_rows(found, stated, ctx, doc, root)
    every_grade = bool(lead_where and lead_where["where"] and grades and all(g["where"] == lead_where["where"] for g in grades))
    if every_grade:
        # every grade read from the same place (the grade table): said once, as the emails say it
        grades = [{**g, "where": None, "where_href": None} for g in grades]
    return {
        "title": doc.title,
        "publisher": publisher_label(doc.source_kind),
        "kind": kind_label(doc.kind),
        "published": day(doc.published) if doc.published else None,
        "status": status_words(doc.status),
        "url": safe_url(doc.url),
        "raw_url": doc.url,
        "sentence": sentence,
        "lead_source": lead_where,
        "every_grade": every_grade,
        "grades": grades,
        "said": said,
        "phrases": phrases,
        "named_only": named_only,
        "finding": finding_cell(doc, ctx),
        "versions": versions_view(doc, ctx, root),
        "about": about,
        "chart": charts.cqc_quality_statements(doc),
        "answer_kind": status is not None,
    }


def document_inputs(doc: SiteDocument, ctx: Context) -> list[Any]:
    """Everything a document's page is drawn from besides the code (`document_view` reads
    nothing else): the document, its versions (their texts by digest), its events, the report
    before it, its finding's state and where its copies sit. The same inputs draw the same
    page, so a build leaves a page alone while they hold."""
    before = ctx.previous.get(doc.id)
    return [
        [doc.id, doc.source, doc.source_kind, doc.key, doc.url, doc.title, doc.kind, doc.published, doc.first_seen, doc.status, doc.meta, doc.slug],
        [[v.id, v.number, v.fetched_at, v.sha256, v.content_type, v.size, v.text_sha256, v.extract_error, v.meta, ctx.copies.get(v.sha256)]
         for v in doc.versions],
        [[e.id, e.type, e.severity, e.version_id, e.title, e.url, e.summary, e.details, e.created_at] for e in doc.events],
        [before.id, before.slug, before.title, before.published, before.first_seen, before.meta, before.source_kind] if before else None,
        [finding_cell(doc, ctx), doc.id in ctx.statuses],
    ]


def finding_view(status: FindingStatus, ctx: Context) -> dict[str, Any]:
    """The context of one finding's page: what it found, then the council's answers (each
    with the sentences that make it an answer) or how long it has gone unanswered."""
    doc = status.doc
    sentence, _ = verdict_of(doc, ctx)
    answers = [
        {
            "title": a.title,
            "link": doc_link(a.doc) if a.doc else None,
            "when": day(a.answered) if a.answered else None,
            "days_after": a.days_after,
            "mentions": a.mentions,
        }
        for a in status.answers
    ]
    return {
        "title": doc.title,
        "publisher": publisher_label(doc.source_kind),
        "in_sentence": profile_of(doc.source_kind).sentence_name,
        "sentence": sentence,
        "link": doc_link(doc),
        "url": safe_url(doc.url),
        "published": day(doc.when),
        "answers": answers,
        "words": status.words,
        "expects": status.expects_answer,
        "ours": status.ours,
        "unanswered_days": status.unanswered_days,
    }


def findings_index(ctx: Context) -> list[dict[str, Any]]:
    """Every finding, newest first, with its answer state: the context of findings.html."""
    ordered = sorted(ctx.statuses.values(), key=lambda s: (s.doc.when, s.doc.id), reverse=True)
    rows = []
    for s in ordered:
        row = summary_row(s.doc, ctx)
        rows.append({**row, "finding_link": finding_slug(s.doc)})
    return rows
