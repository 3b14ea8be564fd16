"""The council's answer, linked to the finding: `response` events and `monitor responses`.

After each pass, every version stored in it from an *answer* source (council committee
papers, news pages and feeds) is read for references to the *findings* the monitor holds
(inspections, assessments, decisions, notices). Each link is one `response` event on the
answer, with the sentences that make it (rules in monitor/detect/mentions.py). A finding
that has no answer after `settings.responses.unanswered_days` is flagged in the digest.

`monitor responses` lists the findings about the council the configuration watches (never
another council's notice found by a national search: monitor/councils.py) that are still
waiting for an answer, within `settings.responses.horizon_days` of their publication, and
every finding that was answered.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from monitor.councils import about_watched, configured, stated_by
from monitor.dates import iso_day
from monitor.detect.mentions import Finding, Topics, link_answer
from monitor.detect.verdicts import verdict_of
from monitor.detect.version_events import pages_of
from monitor.events import record_event
from monitor.sources import PROFILES, profile_of
from monitor.store.db import Store, utcnow
from monitor.store.models import DocumentRow, EventRow, SourceRow, VersionRow

if TYPE_CHECKING:
    from monitor.config import Config

log = logging.getLogger(__name__)

EVENT_TYPE = "response"


@cache
def topic_patterns() -> Topics:
    """Every publisher's topics (the words only a mention of that kind of finding has), compiled."""
    return {name: re.compile(pattern, re.I) for profile in PROFILES.values() for name, pattern in profile.topics.items()}


def role_of(config: Config, name: str, kind: str) -> str:
    """finding, answer or none for a configured source (a source no longer configured: by kind)."""
    return role_lookup(config)(name, kind)


def role_lookup(config: Config) -> Callable[[str, str], str]:
    """`role_of` for many rows: the configured roles read once (a national configuration has
    hundreds of sources, and the store tens of thousands of documents)."""
    configured = {src.name: src.common.role for src in config.sources if src.common.role}

    def role(name: str, kind: str) -> str:
        return configured.get(name) or profile_of(kind).role

    return role


def _finding_sources(session: Session, config: Config) -> list[int]:
    """The ids of the stored sources whose documents are findings."""
    role = role_lookup(config)
    return [sid for sid, name, kind in session.execute(select(SourceRow.id, SourceRow.name, SourceRow.kind)) if role(name, kind) == "finding"]


def topic_of(kind: str, doc: DocumentRow) -> str | None:
    """The words a council paper would use for this finding (its profile's `topic_rule`)."""
    return profile_of(kind).call("topic_rule", doc.kind or "", doc.title or "", doc.meta or {})


def finding_of(source: SourceRow, doc: DocumentRow) -> Finding:
    """A stored document as a finding an answer may refer to."""
    meta = doc.meta or {}
    profile = profile_of(source.kind)
    reference = None
    if profile.cited_by_reference:
        reference = str(meta.get("reference") or doc.key)
        if sum(c.isdigit() for c in reference) < 6:
            reference = None
    inspected = None
    dates = meta.get("inspection_dates")
    if isinstance(dates, dict) and iso_day(dates.get("start")) and iso_day(dates.get("end")):
        inspected = (iso_day(dates["start"]), iso_day(dates["end"]))
    topic = topic_of(source.kind, doc)
    expects = topic is not None
    if profile.answer_expected_from is not None:
        # a decision expects an answer when it found fault (or worse), whatever its topic
        level = profile.level(str(verdict_of(profile, meta).get("decision") or ""))
        expects = expects or (level is not None and level >= profile.answer_expected_from)
    return Finding(
        id=doc.id,
        source=source.name,
        key=doc.key,
        title=doc.title or doc.key,
        published=doc.published or iso_day(meta.get("decision_date")),
        topic=topic,
        reference=reference,
        inspected=inspected,  # type: ignore[arg-type]
        expects_answer=expects,
    )


def answer_date(doc: DocumentRow, version: VersionRow) -> date:
    """When the council said it: the paper's date, else its meeting's, else when we found it."""
    meta = doc.meta or {}
    return doc.published or iso_day(meta.get("meeting_date")) or version.fetched_at.date()


def _findings(session: Session, config: Config) -> list[Finding]:
    ids = _finding_sources(session, config)
    if not ids:
        return []
    rows = session.execute(select(DocumentRow, SourceRow).join(SourceRow).where(SourceRow.id.in_(ids))).all()
    return [finding_of(src, doc) for doc, src in rows]


def _sentence_of(kind: str, finding: Finding) -> str:
    when = finding.published.strftime("%-d %B %Y") if finding.published else "undated"
    return f"{profile_of(kind).sentence_name}'s \u201c{finding.title}\u201d, published {when}"


def link_new_answers(config: Config, store: Store, since: datetime) -> int:
    """Record `response` events for the answer versions stored since `since`; returns how many."""
    window = config.settings.responses.window_days
    recorded = 0
    with store.session() as session:
        versions = session.scalars(
            select(VersionRow)
            .options(joinedload(VersionRow.document).joinedload(DocumentRow.source))
            .where(VersionRow.fetched_at >= since)
            .order_by(VersionRow.id)
        ).all()
        role = role_lookup(config)
        answers = [v for v in versions if role(v.document.source.name, v.document.source.kind) == "answer"]
        if not answers:
            return 0
        findings = _findings(session, config)
        if not findings:
            return 0
        kinds = dict(session.execute(select(SourceRow.name, SourceRow.kind)).all())
        for version in answers:
            doc = version.document
            when = answer_date(doc, version)
            links = link_answer(pages_of(version.text), when, findings, topic_patterns(), window_days=window)
            if not links:
                continue
            earlier = {
                ((row.details or {}).get("finding") or {}).get("key")
                for row in session.scalars(select(EventRow).where(EventRow.document_id == doc.id, EventRow.type == EVENT_TYPE))
            }
            for link in links:
                finding = link.finding
                if finding.key in earlier:
                    continue
                days = (when - finding.published).days if finding.published else None
                record_event(
                    session,
                    doc.source,
                    EVENT_TYPE,
                    "normal",
                    f"{doc.title} ({when.strftime('%-d %B %Y')}) answers {_sentence_of(kinds.get(finding.source, ''), finding)}",
                    {
                        "finding": {
                            "source": finding.source,
                            "key": finding.key,
                            "title": finding.title,
                            "published": finding.published.isoformat() if finding.published else None,
                        },
                        "mentions": link.mentions,
                        "days_after": days,
                        "rule": link.rule,
                        "answer_date": when.isoformat(),
                    },
                    document=doc,
                    version_id=version.id,
                )
                recorded += 1
    if recorded:
        log.info("%d council answer(s) linked to findings", recorded)
    return recorded


def watched_councils(config: Config, session: Session) -> set[str]:
    """Core names of the councils this configuration watches: named in its sources' settings,
    or stated in the meta of the documents its finding sources stored (monitor/councils.py)."""
    names = configured(src.settings for src in config.sources)
    ids = _finding_sources(session, config)
    if ids:
        for meta in session.scalars(select(DocumentRow.meta).where(DocumentRow.source_id.in_(ids))):
            names |= stated_by(meta or {})
    return names


def responses_report(
    config: Config, store: Store, today: date | None = None, *, everything: bool = False
) -> list[dict[str, Any]]:
    """Each finding about the watched council with the council papers that answered it
    (`monitor responses --json`).

    A finding nobody answered is listed while an answer is still expected: published within
    `settings.responses.horizon_days` (or undated); `everything` lists older ones too, with
    `unanswered_days` None and `expects_answer` false. An answered finding is always listed."""
    today = today or utcnow().date()
    horizon = config.settings.responses.horizon_days
    out: list[dict[str, Any]] = []
    with store.session() as session:
        events = session.scalars(
            select(EventRow).options(joinedload(EventRow.document), joinedload(EventRow.source)).where(EventRow.type == EVENT_TYPE)
        ).all()
        answered: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for event in events:
            finding = (event.details or {}).get("finding") or {}
            doc = event.document
            answered.setdefault((finding.get("source"), finding.get("key")), []).append(
                {
                    "source": event.source.name,
                    "key": doc.key if doc else None,
                    "title": doc.title if doc else event.title,
                    "published": (event.details or {}).get("answer_date"),
                    "days_after": (event.details or {}).get("days_after"),
                }
            )
        watched = watched_councils(config, session)
        ids = _finding_sources(session, config)
        rows = session.execute(select(DocumentRow.id, DocumentRow.title, DocumentRow.meta).where(DocumentRow.source_id.in_(ids))).all() if ids else []
        about = {doc_id: about_watched(title or "", meta or {}, watched) for doc_id, title, meta in rows}
        findings = [f for f in _findings(session, config) if about.get(f.id, True)]
        for finding in sorted(findings, key=lambda f: (f.published or date.min, f.key), reverse=True):
            responses = sorted(answered.get((finding.source, finding.key), []), key=lambda r: r["published"] or "")
            age = (today - finding.published).days if finding.published else None
            expected = age is None or age <= horizon
            if not responses and not expected and not everything:
                continue
            out.append(
                {
                    "finding": {
                        "source": finding.source,
                        "key": finding.key,
                        "title": finding.title,
                        "published": finding.published.isoformat() if finding.published else None,
                    },
                    "responses": responses,
                    "unanswered_days": max(0, age) if age is not None and not responses and expected else None,
                    "expects_answer": finding.expects_answer and expected,
                }
            )
    return out


def overdue(report: list[dict[str, Any]], unanswered_days: int, horizon_days: int | None = None) -> list[dict[str, Any]]:
    """Findings that expect an answer and have none after `unanswered_days` (the report
    already leaves out those past `settings.responses.horizon_days`; `horizon_days` cuts
    shorter still)."""
    return [
        row
        for row in report
        if row.get("expects_answer")
        and row["unanswered_days"] is not None
        and unanswered_days <= row["unanswered_days"]
        and (horizon_days is None or row["unanswered_days"] <= horizon_days)
    ]
