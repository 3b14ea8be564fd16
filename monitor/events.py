"""Recording events and turning rows into the JSON shape users' scripts read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

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


#: the events that announce a document: their `summary` is the document's verdict sentence
ANNOUNCING = ("new_document", "changed", "removed")


def _base_json(row: EventRow) -> dict[str, Any]:
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


def event_json(row: EventRow) -> dict[str, Any]:
    """The public shape of an event (`monitor events --json`).

    The `summary` of an event that announces a document (new, changed, removed) is the
    document's verdict sentence ("Ofsted judged Harrow's children's services inadequate
    overall (good in 2020), published 4 March 2025."), written from its meta and the grade
    changes found with the same version. A grade change or a phrase found says what it adds
    in words; other events keep the summary they were recorded with.
    """
    data = _base_json(row)
    if row.document is None:
        return data
    from monitor.deliver.summary import addition_line, summary_of

    if row.type in ANNOUNCING:
        sentence = summary_of([data, *(_base_json(e) for e in _grade_changes(row))])
    else:
        # a grade change or a phrase found, in words ("care leavers now inadequate (was good)")
        sentence = addition_line(data)
    if sentence:
        data["summary"] = sentence
    return data


def _grade_changes(row: EventRow) -> list[EventRow]:
    """The rating changes recorded with the same version of the same document."""
    session = object_session(row)
    if session is None or row.version_id is None:
        return []
    return list(
        session.scalars(
            select(EventRow)
            .where(
                EventRow.document_id == row.document_id,
                EventRow.version_id == row.version_id,
                EventRow.type == "rating_change",
            )
            .order_by(EventRow.id)
        )
    )
