"""Recording events and turning rows into the JSON shape users' scripts read."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from monitor.store.db import utcnow
from monitor.store.models import DocumentRow, EventRow, SourceRow

EVENT_TYPES = (
    "new_document",
    "changed",
    "removed",
    "source_error",
    "phrase_match",
    "rating_change",
    "source_failing",
    "source_recovered",
    "source_broken",
    "cross_check_mismatch",
    "response",
    "listing_incomplete",
    "peer_context",
)


def record_event(
    session: Session,
    source: SourceRow,
    type_: str,
    severity: str,
    summary: str,
    details: dict[str, Any] | None = None,
    *,
    document: DocumentRow | None = None,
    version_id: int | None = None,
) -> EventRow:
    """Add one event to the session (committed with the work that caused it)."""
    row = EventRow(
        type=type_,
        severity=severity,
        source=source,
        document=document,
        version_id=version_id,
        title=document.title if document is not None else source.name,
        url=document.url if document is not None else None,
        summary=summary,
        details=details or {},
        created_at=utcnow(),
    )
    session.add(row)
    return row


def event_json(row: EventRow) -> dict[str, Any]:
    """The public shape of an event (`monitor events --json`)."""
    return {
        "id": row.id,
        "type": row.type,
        "severity": row.severity,
        "source": row.source.name,
        "source_kind": row.source.kind,
        "document_key": row.document.key if row.document is not None else None,
        "title": row.title,
        "url": row.url,
        "summary": row.summary,
        "created_at": row.created_at.isoformat() + "Z",
        "details": row.details or {},
    }
