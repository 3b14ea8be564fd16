"""Events -> what a person reads: publisher labels, providers, headlines, one view per document.

Email, digest and feed all describe events the same way, so they share this module (its
plain-text pieces, labels and safe URLs are in monitor/deliver/labels.py). A pass
usually produces several events about one document (new_document, phrase_match,
rating_change); they are grouped into one item so the reader sees one story per report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from monitor.dates import parse_date
from monitor.deliver.labels import (  # noqa: F401  (re-exported: digest, email, feed, site)
    PROBLEM_TYPES,
    SEVERITY_RANK,
    TYPE_LABELS,
    event_time,
    format_day,
    meta_of,
    one_line,
    provider_of,
    publisher_label,
    publisher_order,
    safe_url,
    stored_copy,
)
from monitor.detect.verdicts import field_label, format_change, headline_verdict, verdict_of
from monitor.sources import profile_of

TEMPLATES = Path(__file__).parent / "templates"

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
    #: the provider named by sibling events outside this group (a feed entry is one event)
    provider_hint: str | None = None

    @property
    def main(self) -> dict[str, Any]:
        return min(self.events, key=lambda e: (_MAIN_TYPE.get(e.get("type", ""), 9), e.get("id") or 0))

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("type") == kind]

    @property
    def severity(self) -> str:
        return min((e.get("severity") or "info" for e in self.events), key=lambda s: SEVERITY_RANK.get(s, 3))

    @property
    def publisher(self) -> str:
        return publisher_label(self.main.get("source_kind"))

    @property
    def provider(self) -> str:
        if self.provider_hint:
            return self.provider_hint
        for event in sorted(self.events, key=lambda e: _MAIN_TYPE.get(e.get("type", ""), 9)):
            provider = provider_of(event)
            if provider:
                return provider
        return one_line(self.main.get("source")) or "unknown source"

    @property
    def title(self) -> str:
        for event in self.events:
            if event.get("title"):
                return one_line(event["title"])
        kind = (self.main.get("details") or {}).get("kind")
        return one_line(kind) or one_line(self.main.get("document_key")) or "document"


def _event_order(event: dict[str, Any]) -> tuple[str, int]:
    return (str(event.get("created_at") or ""), int(event.get("id") or 0))


def group_events(events: list[dict[str, Any]]) -> list[Group]:
    """Events grouped per (source, document); source problems one group each. Oldest first, stable."""
    groups: dict[tuple[str, str], Group] = {}
    for event in sorted(events, key=_event_order):
        if event.get("type") in PROBLEM_TYPES or not event.get("document_key"):
            key = ("event", str(event.get("id")))
        else:
            key = (str(event.get("source")), str(event["document_key"]))
        groups.setdefault(key, Group(key=key)).events.append(event)
    return list(groups.values())


def verdict_parts(group: Group) -> list[str]:
    """Short verdict phrases for a subject: rating changes, the headline grade, phrase counts."""
    parts: list[str] = []
    # the overall grade first: a long subject is cut at the end, never at the headline
    changes = sorted(
        group.of_type("rating_change"), key=lambda e: "overall" not in str((e.get("details") or {}).get("field"))
    )
    for event in changes:
        details = event.get("details") or {}
        parts.append(f"{field_label(str(details.get('field') or 'rating'))}: {format_change(details)}")
    if not changes:
        for event in group.of_type("new_document"):
            headline = headline_verdict(verdict_of(profile := profile_of(event.get("source_kind")), meta_of(event)), profile)
            if headline:
                parts.append(f"{field_label(headline[0])}: {one_line(headline[1])}")
    for event in group.of_type("phrase_match"):
        details = event.get("details") or {}
        parts.append(f"'{one_line(details.get('phrase'))}' x{int(details.get('count') or 0)}")
    return parts


def what_happened(group: Group) -> str:
    """"Monitoring visit published", "Cabinet minutes changed", "source broken: ..."."""
    main = group.main
    kind = main.get("type")
    title = group.title
    if kind == "new_document":
        return f"{title} published"
    if kind == "changed":
        return f"{title} changed"
    if kind == "removed":
        return f"{title} removed from the publisher's site"
    if kind in ("rating_change", "phrase_match"):
        return title
    details = main.get("details") or {}
    label = TYPE_LABELS.get(str(kind), str(kind)).lower()
    error = one_line(details.get("error"), 120)
    return f"{label}: {error}" if error else label


def subject_line(group: Group, limit: int = 200) -> str:
    """"[Ofsted] Harrow children's services: Monitoring visit published — 'inadequate' x3"."""
    parts = verdict_parts(group)
    happened = what_happened(group)
    # titles often start with the provider ("London Borough of Harrow: inspection"): say it once
    head = happened if happened.startswith(f"{group.provider}:") else f"{group.provider}: {happened}"
    text = f"[{group.publisher}] {head}"
    if parts:
        text += " — " + ", ".join(parts)
    return one_line(text, limit)


def headline_quotes(meta: dict[str, Any], limit: int = 4) -> list[dict[str, Any]]:
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


def _published(event: dict[str, Any]) -> str | None:
    value = (event.get("details") or {}).get("published")
    parsed = parse_date(str(value)) if value else None
    return format_day(parsed) if parsed else (one_line(value) or None)


def item_view(group: Group, data_dir: Path | None = None) -> dict[str, Any]:
    """Everything a template needs about one group, already flattened to plain text and safe URLs."""
    main = group.main
    details = main.get("details") or {}
    verdicts: list[dict[str, str]] = []
    stored = None
    published = None
    page_url = None
    says: list[dict[str, Any]] = []
    for event in group.of_type("new_document") or group.of_type("changed"):
        says = says or headline_quotes(meta_of(event))
        for name, grade in verdict_of(profile_of(event.get("source_kind")), meta_of(event)).items():
            verdicts.append({"field": field_label(name), "grade": one_line(grade)})
        stored = stored or stored_copy((event.get("details") or {}).get("blob_path"), data_dir)
        published = published or _published(event)
        meta = meta_of(event)
        page_url = page_url or safe_url(meta.get("page_url") or meta.get("listing_url"))
    for event in group.events:
        # an alert carries only the urgent events (phrase_match, rating_change): they bring
        # the document's headline in details.headline, since the new_document is not sent
        details_of = event.get("details") or {}
        says = says or headline_quotes(meta_of(event)) or headline_quotes({"headline": details_of.get("headline")})
    answers = []
    for event in group.of_type("response"):
        d = event.get("details") or {}
        finding = d.get("finding") or {}
        mention = next(iter(d.get("mentions") or []), {})
        answers.append(
            {
                "title": one_line(finding.get("title")),
                "published": _published({"details": {"published": finding.get("published")}}) or "",
                "days": d.get("days_after") if isinstance(d.get("days_after"), int) else None,
                "quote": one_line(mention.get("text"), 300),
                "page": mention.get("page"),
            }
        )
    changes = []
    context = None
    for event in group.of_type("rating_change"):
        d = event.get("details") or {}
        changes.append(
            {
                "field": field_label(str(d.get("field") or "rating")),
                "change": format_change(d),
                "direction": one_line(d.get("direction")),
            }
        )
        context = context or (one_line(d.get("peer_context"), 400) or None)
    for event in group.events:
        # a first verdict (an upheld decision) carries its peer context on its new_document
        context = context or (one_line((event.get("details") or {}).get("peer_context"), 400) or None)
    phrases = []
    for event in group.of_type("phrase_match"):
        d = event.get("details") or {}
        quotes = [
            {"text": one_line(q.get("text")), "page": q.get("page")}
            for q in (d.get("quotes") or [])
            if isinstance(q, dict)
        ]
        phrases.append(
            {
                "phrase": one_line(d.get("phrase")),
                "count": int(d.get("count") or 0),
                "severity": event.get("severity") or "normal",
                "quotes": quotes,
            }
        )
    diff = None
    for event in group.of_type("changed"):
        d = event.get("details") or {}
        diff = {
            "summary": one_line(d.get("summary")),
            "added": [one_line(s, 300) for s in (d.get("added") or [])][:5],
            "removed": [one_line(s, 300) for s in (d.get("removed") or [])][:5],
            "phrases_gone": [one_line(p) for p in (d.get("phrases_gone") or [])],
        }
    problem = None
    if main.get("type") in PROBLEM_TYPES:
        problem = {
            "error": one_line(details.get("error") or main.get("summary")),
            "hint": one_line(details.get("hint")),
            "health": one_line(details.get("health")),
        }
    last_seen = None
    for event in group.of_type("removed"):
        last_seen = one_line((event.get("details") or {}).get("last_seen")) or None
    return {
        "publisher": group.publisher,
        "provider": group.provider,
        "source": one_line(main.get("source")),
        "type": main.get("type"),
        "type_label": TYPE_LABELS.get(str(main.get("type")), one_line(main.get("type"))),
        "severity": group.severity,
        "title": group.title,
        "subject": subject_line(group),
        "headline": what_happened(group),
        "verdict_parts": verdict_parts(group),
        "url": safe_url(next((e.get("url") for e in group.events if e.get("url")), None)),
        "page_url": page_url,
        "published": published,
        "verdicts": verdicts,
        "says": says,
        "answers": answers,
        "changes": changes,
        "context": context,
        "phrases": phrases,
        "diff": diff,
        "problem": problem,
        "last_seen": last_seen,
        "stored": stored,
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
