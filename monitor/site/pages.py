"""The views the templates render: plain dicts and lists built from SiteData, so the templates
hold no logic beyond loops and the escaping Jinja does on every value."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from monitor.deliver.labels import publisher_label, safe_url
from monitor.detect.phrases import diff_summary
from monitor.profile import Profile
from monitor.site import charts
from monitor.site.data import SiteData, SiteDocument, SiteEvent
from monitor.sources import profile_of

PROBLEM_HEALTH = {"failing", "blocked", "broken"}
#: how many of the newest events and decisions the overview shows
RECENT = 10
EXTENSIONS = {"application/pdf": ".pdf", "text/html": ".html", "application/json": ".json", "text/plain": ".txt", "text/xml": ".xml"}


def label(field: str) -> str:
    """"impact_of_leaders" -> "Impact of leaders"."""
    text = field.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def extension(content_type: str) -> str:
    """The file extension a stored copy is given, so a browser opens it as what it is."""
    return EXTENSIONS.get(content_type.split(";")[0].strip().lower(), ".bin")


def stored_name(sha256: str, content_type: str) -> str:
    """Where a blob's copy sits in the site, relative to its root."""
    return f"files/{sha256[:2]}/{sha256}{extension(content_type)}"


def grades_of(doc: SiteDocument) -> list[tuple[str, str]]:
    """(label, value) of the grades, ratings or decision a document states, overall first."""
    return grades_in(doc.meta)


def grades_in(meta: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) of the grades, ratings or decision in a meta dict, overall first."""
    out: list[tuple[str, str]] = []
    for key in ("judgements", "ratings"):
        values = meta.get(key)
        if isinstance(values, dict):
            for name in sorted(values, key=lambda n: (n != "overall", list(values).index(n))):
                if isinstance(values[name], str) and values[name]:
                    out.append((label(name), values[name].capitalize()))
    if isinstance(meta.get("decision"), str):
        out.append(("Decision", meta["decision"]))
    return out


def headline_of(doc: SiteDocument) -> list[dict[str, Any]]:
    """The document's own headline sentences with their page, when the store has them."""
    value = doc.meta.get("headline")
    if not isinstance(value, list):
        return []
    return [{"text": str(h.get("text", "")), "page": h.get("page")} for h in value if isinstance(h, dict) and h.get("text")]


def doc_link(doc: SiteDocument) -> str:
    """A document page's path, relative to the site's root."""
    return f"documents/{doc.slug}.html"


def summary_row(doc: SiteDocument) -> dict[str, Any]:
    """A document as one line of a list."""
    grades = grades_of(doc)
    return {
        "when": doc.when.isoformat(),
        "publisher": publisher_label(doc.source_kind),
        "source": doc.source,
        "title": doc.title,
        "kind": doc.kind,
        "link": doc_link(doc),
        "grade": grades[0][1] if grades else "",
        "grade_css": grades[0][1].lower().replace(" ", "-") if grades else "",
        "status": doc.status,
    }


def _latest_by(docs: list[SiteDocument], meta_id: str, field: str) -> list[SiteDocument]:
    """For each provider (meta_id), its newest document whose meta states `field`."""
    newest: dict[str, SiteDocument] = {}
    for doc in docs:
        if isinstance(doc.meta.get(field), dict) and doc.meta[field]:
            ident = str(doc.meta.get(meta_id) or doc.key)
            if ident not in newest or doc.when > newest[ident].when:
                newest[ident] = doc
    return sorted(newest.values(), key=lambda d: d.when, reverse=True)


def event_row(event: SiteEvent, docs: dict[int, SiteDocument]) -> dict[str, Any]:
    """An event as one line of the overview's "what changed last"."""
    doc = docs.get(event.document_id) if event.document_id is not None else None
    return {
        "when": event.created_at.strftime("%Y-%m-%d %H:%M"),
        "type": label(event.type),
        "severity": event.severity,
        "publisher": publisher_label(event.source_kind),
        "title": doc.title if doc else (event.title or event.source),
        "summary": event.summary,
        "link": doc_link(doc) if doc else None,
    }


def peer_contexts(events: list[SiteEvent]) -> dict[str, str]:
    """council name (folded) -> the newest peer_context sentence about it, written as the
    publisher's profile writes it."""
    out: dict[str, str] = {}
    for event in events:
        if event.type == "peer_context" and event.details.get("council"):
            sentence = profile_of(str(event.details.get("publisher") or "")).call("peer_sentence", event.details)
            if sentence:
                out[str(event.details["council"]).casefold()] = sentence
    return out


def _by_profile(docs: list[SiteDocument]) -> dict[str, tuple[Profile, list[SiteDocument]]]:
    """The documents grouped by the publisher label their kinds' profiles give, publishers in
    their order (kinds of one publisher share a label)."""
    groups: dict[str, tuple[Profile, list[SiteDocument]]] = {}
    for doc in sorted(docs, key=lambda d: profile_of(d.source_kind).order):
        profile = profile_of(doc.source_kind)
        groups.setdefault(profile.label, (profile, []))[1].append(doc)
    return groups


def council_view(name: str, docs: list[SiteDocument], context: str | None = None) -> dict[str, Any]:
    """One council's part of the overview (with its peer context, when a source gives one):
    each publisher's newest grades or decisions, as its profile's `overview` says, and the
    charts its profile names."""
    graded: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    for label_, (profile, group) in _by_profile(docs).items():
        if profile.overview == "grades" and profile.verdicts:
            cards = [
                {
                    "provider": d.meta.get("provider") or d.meta.get("location_name") or d.meta.get("provider_name") or d.title,
                    "row": summary_row(d),
                    "what": profile.document_word or d.kind,
                    "grades": grades_of(d),
                }
                for d in _latest_by(group, profile.overview_key, profile.verdicts)
            ]
            if cards:
                graded.append({"publisher": label_, "cards": cards, "context": context if profile.peer_sentence else None})
        elif profile.overview == "decisions":
            rows = [summary_row(d) for d in group if d.meta.get("decision")][:RECENT]
            if rows:
                decisions.append({"publisher": label_, "in_sentence": profile.sentence_name, "rows": rows})
    chart_list = []
    for chart in charts.CHARTS:
        drawn = charts.CHARTS[chart]([d for d in docs if chart in profile_of(d.source_kind).charts])
        if drawn is not None:
            chart_list.append(drawn)
    return {"name": name, "graded": graded, "decisions": decisions, "charts": chart_list, "count": len(docs), "context": context}


def overview(data: SiteData, built_at: datetime) -> dict[str, Any]:
    """The context of index.html."""
    by_council: dict[str, list[SiteDocument]] = defaultdict(list)
    for doc in data.documents:
        if doc.council:
            by_council[doc.council].append(doc)
    docs = {d.id: d for d in data.documents}
    recent = [e for e in reversed(data.events) if e.severity != "info" and e.type not in ("source_recovered",)][:RECENT]
    contexts = peer_contexts(data.events)
    problems = [
        {"name": s.name, "publisher": publisher_label(s.kind), "health": s.health, "error": s.last_error, "hint": s.last_hint,
         "since": s.last_ok_at.strftime("%Y-%m-%d %H:%M") if s.last_ok_at else "never", "failures": s.consecutive_failures}
        for s in data.sources
        if s.health in PROBLEM_HEALTH
    ]
    return {
        "councils": [
            council_view(n, by_council[n], contexts.get(n.casefold()))
            for n in sorted(by_council, key=lambda n: (-len(by_council[n]), n))
        ],
        "recent": [event_row(e, docs) for e in recent],
        "problems": problems,
        "sources": [{"name": s.name, "publisher": publisher_label(s.kind), "health": s.health} for s in data.sources],
        "documents": len(data.documents),
        "built_at": built_at.strftime("%Y-%m-%d %H:%M UTC"),
    }


def timeline(data: SiteData) -> list[dict[str, Any]]:
    """Every publication, newest first, grouped by year: [{year, rows}]."""
    years: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for doc in data.documents:
        years[doc.when.year].append(summary_row(doc))
    return [{"year": y, "rows": years[y]} for y in sorted(years, reverse=True)]


def document_view(doc: SiteDocument, copies: dict[str, str]) -> dict[str, Any]:
    """The context of one document's page. `copies` maps a version's sha256 to its copy's path."""
    numbers = {v.id: v.number for v in doc.versions}
    versions = []
    previous = None
    for v in doc.versions:
        diff = None
        if previous is not None:
            diff = diff_summary(previous.pages, v.pages, []) if previous.pages != v.pages else {"summary": "same text", "added": [], "removed": []}
        versions.append(
            {
                "number": v.number,
                "fetched_at": v.fetched_at.strftime("%Y-%m-%d %H:%M"),
                "size": v.size,
                "pages": len([p for p in v.pages if p.strip()]),
                "content_type": v.content_type,
                "stored": copies.get(v.sha256),
                "error": v.extract_error,
                "diff": diff,
                "grades": grades_in(v.meta),
            }
        )
        previous = v
    phrases = []
    for e in doc.events:
        if e.type == "phrase_match":
            quotes = [q for q in e.details.get("quotes") or [] if isinstance(q, dict)]
            phrases.append(
                {
                    "phrase": str(e.details.get("phrase", "")),
                    "severity": e.severity,
                    "count": e.details.get("count", len(quotes)),
                    "version": numbers.get(e.version_id),
                    "quotes": [{"page": q.get("page"), "text": str(q.get("text", ""))} for q in quotes],
                }
            )
    meta_rows = [(label(k), v) for k, v in doc.meta.items() if k not in ("judgements", "ratings", "headline", "quality_statements", "published") and isinstance(v, str | int | float) and str(v)]
    return {
        "title": doc.title,
        "publisher": publisher_label(doc.source_kind),
        "source": doc.source,
        "key": doc.key,
        "kind": doc.kind,
        "published": doc.published.isoformat() if doc.published else None,
        "first_seen": doc.first_seen.strftime("%Y-%m-%d %H:%M"),
        "status": doc.status,
        "url": safe_url(doc.url),
        "raw_url": doc.url,
        "grades": grades_of(doc),
        "headline": headline_of(doc),
        "phrases": phrases,
        "versions": list(reversed(versions)),
        "meta": meta_rows,
        "chart": charts.cqc_quality_statements(doc),
        "events": [{"when": e.created_at.strftime("%Y-%m-%d %H:%M"), "type": label(e.type), "severity": e.severity, "summary": e.summary} for e in doc.events if e.type != "phrase_match"],
    }
