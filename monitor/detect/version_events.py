"""From a stored version to the events that matter: phrase matches and verdict changes.

The rules themselves live in monitor/detect/; this module applies them to the store.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.events import record_event
from monitor.extract.textnorm import PAGE_BREAK
from monitor.profile import Profile
from monitor.store.models import DocumentRow, EventRow, SourceRow, VersionRow

if TYPE_CHECKING:
    from monitor.config import Config, SourceConfig


def rules_for(config: Config, src: SourceConfig) -> list[Any]:
    """The phrase rules of a source: the global list (or the defaults) plus its own."""
    from monitor.detect.phrases import DEFAULT_PHRASES

    base = config.settings.phrases
    return list(base if base is not None else DEFAULT_PHRASES) + list(src.common.phrases)


def pages_of(text: str) -> list[str]:
    """A stored text split back into its pages."""
    return text.split(PAGE_BREAK) if text else []


def change_details(config: Config, src: SourceConfig, old_text: str, new_text: str) -> dict[str, Any]:
    """The diff summary of a changed version (what was added and removed, phrases gone)."""
    from monitor.detect.phrases import diff_summary

    return diff_summary(pages_of(old_text), pages_of(new_text), rules_for(config, src))


def provider_of(profile: Profile, doc: DocumentRow) -> str | None:
    """What a verdict belongs to, so only like is compared with like: the inspected provider
    or location; for the Ombudsmen, the complaint (a decision on another complaint is not a
    change of verdict). The profile's `provider_keys` say which."""
    meta = doc.meta or {}
    for key in profile.provider_keys:
        if meta.get(key):
            return str(meta[key])
    return None


def display_name(doc: DocumentRow) -> str | None:
    """Whom a document is about, in words (for subjects and digests)."""
    meta = doc.meta or {}
    for key in ("provider", "location_name", "provider_name", "authority", "local_authority", "committee"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def detect_for_version(
    config: Config,
    src: SourceConfig,
    session: Session,
    source: SourceRow,
    doc: DocumentRow,
    version: VersionRow,
    previous: VersionRow | None,
    *,
    baseline: bool,
    profile: Profile,
) -> None:
    """Record phrase_match and rating_change events for a newly stored version; `profile` is
    what the monitor knows of the source's kind (where its verdicts are, how they rank)."""
    from monitor.detect.phrases import added_pages, find_phrases
    from monitor.detect.verdicts import compare, format_change, verdict_of

    pages = pages_of(version.text)
    if previous is not None:
        pages = added_pages(pages_of(previous.text), pages)
    # an alert carries only the urgent events, not the new_document: they bring the
    # document's own headline sentences with them
    headline = {"headline": (doc.meta or {})["headline"]} if (doc.meta or {}).get("headline") else {}
    for match in find_phrases(pages, rules_for(config, src)):
        record_event(
            session,
            source,
            "phrase_match",
            "info" if baseline else match.severity,
            f"'{match.phrase}' x{match.count} in {doc.title}",
            {**match.to_dict(), "provider_name": display_name(doc), **headline},
            document=doc,
            version_id=version.id,
        )

    current = verdict_of(profile, doc.meta or {})
    provider = provider_of(profile, doc)
    if not current or provider is None:
        return
    # a re-issued version of the same report is compared with its own earlier version first
    earlier = verdict_of(profile, previous.meta or {}) if previous is not None else None
    # when the earlier verdict is another report's, its publication date lets a message say
    # "good in 2020" rather than only "was good"
    earlier_published: dict[str, str] = {}
    if not earlier:
        found = _previous_verdict(session, source, doc, provider, profile, set(current))
        if found is not None:
            earlier, when = found
            earlier_published = {"from_published": when.isoformat()} if when else {}
    if not earlier:
        if previous is None:
            _context_for_first_verdict(session, source, doc, version, current, profile)
        return
    for change in compare(earlier, current, profile):
        context = _peer_context(session, source, change.field, profile, doc)
        record_event(
            session,
            source,
            "rating_change",
            "info" if baseline else change.severity,
            f"{doc.title}: {change.field} {format_change(change)}",
            {
                **change.to_dict(),
                **earlier_published,
                "provider": provider,
                "provider_name": display_name(doc),
                **headline,
                **context,
            },
            document=doc,
            version_id=version.id,
        )


def _peer_context(session: Session, source: SourceRow, field: str, profile: Profile, doc: DocumentRow) -> dict[str, Any]:
    """{"peer_context": sentence} from the newest peer_context event about this publisher and
    field (one naming this source in `context_for`, or any), else {}. The profile says which
    fields have peer context and how its sentence is written; a picture saying what it is
    `about` (a document kind: the council's own assessment) is given to those documents only."""
    if not profile.peer_sentence or field not in profile.peer_fields:
        return {}

    # every council's sources of an installation record their own pictures: the newest one
    # naming this source in context_for wins, whichever council's came later
    rows = session.scalars(select(EventRow).where(EventRow.type == "peer_context").order_by(EventRow.id.desc()))
    for row in rows:
        details = row.details or {}
        about = details.get("about") or {}
        if about.get("kind") and about["kind"] != doc.kind:
            continue
        if details.get("publisher") == source.kind and details.get("context_for") in (None, source.name):
            return {"peer_context": profile.call("peer_sentence", details)}
    return {}


def _context_for_first_verdict(
    session: Session, source: SourceRow, doc: DocumentRow, version: VersionRow, current: dict[str, str], profile: Profile
) -> None:
    """A new document whose verdict is below the best (an upheld complaint: nothing earlier to
    compare it with) carries the peer context in its new_document event, as a rating change
    does: the alert about the decision then says where the council stands."""
    for field, value in current.items():
        level = profile.level(value, field)
        if not level:
            continue
        context = _peer_context(session, source, field, profile, doc)
        if not context:
            continue
        event = session.scalar(
            select(EventRow).where(
                EventRow.document_id == doc.id, EventRow.version_id == version.id, EventRow.type == "new_document"
            )
        )
        if event is not None:
            event.details = {**(event.details or {}), **context}
        return


def _previous_verdict(
    session: Session, source: SourceRow, doc: DocumentRow, provider: str, profile: Profile, fields: set[str]
) -> tuple[dict[str, str], date | None] | None:
    """The verdict of the latest earlier document about the same provider that grades any of
    `fields`, with that document's publication date, if any: a report of another kind (an
    area SEND outcome between two children's services inspections) is not the one a verdict
    moved from."""
    from monitor.detect.verdicts import verdict_of

    candidates = session.scalars(
        select(DocumentRow).where(DocumentRow.source_id == source.id, DocumentRow.id != doc.id)
    ).all()
    best: tuple[Any, dict[str, str], date | None] | None = None
    for other in candidates:
        if provider_of(profile, other) != provider:
            continue
        verdict = verdict_of(profile, other.meta or {})
        if not verdict or not fields & set(verdict):
            continue
        when = (other.published or date.min, other.first_seen)
        if doc.published and other.published and other.published > doc.published:
            continue
        if best is None or when > best[0]:
            best = (when, verdict, other.published)
    return (best[1], best[2]) if best else None
