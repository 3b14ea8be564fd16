"""The outbox: urgent events become email deliveries, sent at the end of the pass that
found them, each exactly once.

A delivery row is committed (pending) before any SMTP traffic; it is marked sent only after
the server accepted the message. A crash before acceptance leaves it pending, so the next
pass sends it; a crash in the instant between acceptance and the commit is the one window in
which a message can go out twice (docs/RELIABILITY.md). Every message carries a stable
Message-ID, so mail clients fold such a duplicate.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from monitor.deliver.rebuild import source_about
from monitor.events import event_json
from monitor.store.db import Store, utcnow
from monitor.store.models import DeliveryRow, EventRow, delivery_event

if TYPE_CHECKING:
    from monitor.config import Config
    from monitor.pipeline.pass_result import PassResult

log = logging.getLogger(__name__)

#: after this many failed attempts a delivery is marked failed (shown by `monitor deliveries`)
MAX_ATTEMPTS = 20
#: urgent events older than this are not queued: configuring email later must not send a
#: flood of last month's alerts (they are in the digests and `monitor events`)
QUEUE_WINDOW = timedelta(days=2)
EMAIL = "email"


def enqueue_urgent(store: Store, config: Config) -> int | None:
    """Put every urgent event not yet queued into one pending email delivery; its id."""
    if config.settings.email is None:
        return None
    with store.session() as session:
        queued = select(delivery_event.c.event_id)
        events = session.scalars(
            select(EventRow)
            .where(
                EventRow.severity == "urgent",
                EventRow.id.not_in(queued),
                EventRow.created_at >= utcnow() - QUEUE_WINDOW,
            )
            .order_by(EventRow.id)
        ).all()
        if not events:
            return None
        delivery = DeliveryRow(
            channel=EMAIL,
            recipient=", ".join(config.settings.email.recipients),
            status="pending",
            attempts=0,
            created_at=utcnow(),
        )
        delivery.events = list(events)
        session.add(delivery)
        session.flush()
        return delivery.id


def send_pending(store: Store, config: Config) -> tuple[int, list[str]]:
    """Try every pending email delivery once; (sent count, error messages)."""
    settings = config.settings.email
    if settings is None:
        return 0, []
    from monitor.deliver.email import compose_alert, send_message
    from monitor.deliver.settings import smtp_password

    sent, errors = 0, []
    with store.session() as session:
        pending_ids = list(
            session.scalars(
                select(DeliveryRow.id).where(DeliveryRow.channel == EMAIL, DeliveryRow.status == "pending").order_by(DeliveryRow.id)
            )
        )
    for delivery_id in pending_ids:
        with store.session() as session:
            delivery = session.get(DeliveryRow, delivery_id)
            rows = _events_of(session, delivery)
            events = [event_json(e) for e in rows]
            context = [event_json(e) for e in _context_of(session, rows)]
            about = {row.source.name: source_about(session, row.source) for row in rows if row.document_id is None}
            delivery.attempts += 1
            attempt = delivery.attempts
        try:
            message = compose_alert(
                events,
                sender=settings.sender,
                recipients=settings.recipients,
                context=context,
                about={name: value for name, value in about.items() if value},
            )
            del message["Message-ID"]
            message["Message-ID"] = f"<delivery-{delivery_id}.report-monitor@{settings.sender.split('@')[-1]}>"
            send_message(message, settings, smtp_password())
        except Exception as exc:  # noqa: BLE001 - any failure leaves the delivery pending
            error = str(exc)
            errors.append(error)
            with store.session() as session:
                delivery = session.get(DeliveryRow, delivery_id)
                delivery.last_error = error
                if attempt >= MAX_ATTEMPTS:
                    delivery.status = "failed"
            log.warning("alert email %s not sent (attempt %d): %s", delivery_id, attempt, error)
            continue
        with store.session() as session:
            delivery = session.get(DeliveryRow, delivery_id)
            delivery.status = "sent"
            delivery.sent_at = utcnow()
            delivery.subject = str(message["Subject"] or "")
            delivery.last_error = None
        sent += 1
    return sent, errors


def _events_of(session, delivery: DeliveryRow) -> list[EventRow]:  # type: ignore[no-untyped-def]
    ids = [e.id for e in delivery.events]
    return list(
        session.scalars(
            select(EventRow).options(joinedload(EventRow.source), joinedload(EventRow.document)).where(EventRow.id.in_(ids)).order_by(EventRow.id)
        )
    )


def _context_of(session, rows: list[EventRow]) -> list[EventRow]:  # type: ignore[no-untyped-def]
    """The other events recorded with the same versions of the same documents: an alert of a
    report's urgent grade changes tells them with the report's own facts (its date, every
    grade, its headline), though the report's own event was not urgent."""
    ids = {row.id for row in rows}
    versions = {(row.document_id, row.version_id) for row in rows if row.document_id is not None and row.version_id is not None}
    if not versions:
        return []
    found = session.scalars(
        select(EventRow)
        .options(joinedload(EventRow.source), joinedload(EventRow.document))
        .where(EventRow.document_id.in_({d for d, _ in versions}), EventRow.version_id.in_({v for _, v in versions}))
        .order_by(EventRow.id)
    )
    return [row for row in found if row.id not in ids and (row.document_id, row.version_id) in versions]


def delivery_json(delivery: DeliveryRow) -> dict[str, Any]:
    """The public shape of a delivery (`monitor deliveries --json`)."""
    return {
        "id": delivery.id,
        "event_ids": [e.id for e in delivery.events],
        "channel": delivery.channel,
        "recipient": delivery.recipient,
        "subject": delivery.subject,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at.isoformat() + "Z",
        "sent_at": delivery.sent_at.isoformat() + "Z" if delivery.sent_at else None,
    }


def refresh_outputs(store: Store, config: Config, day: date | None = None) -> None:
    """Rewrite the Atom feed and today's digest from the store, unless nothing they are built
    from has changed since they were last written (a pass that found nothing)."""
    from monitor.deliver.rebuild import (
        mark_outputs,
        outputs_current,
        outputs_stamp,
        write_day_digest,
        write_recent_feed,
    )

    day = day or utcnow().date()
    stamp = outputs_stamp(store, config, day)
    if outputs_current(config, day, stamp):
        return
    write_recent_feed(store, config)
    write_day_digest(store, config, day)
    mark_outputs(config, stamp)


def deliver_after_pass(config: Config, store: Store, result: PassResult) -> None:
    """What every pass ends with: queue and send urgent alerts, refresh feed and digest."""
    enqueue_urgent(store, config)
    result.deliveries_sent, result.delivery_errors = send_pending(store, config)
    try:
        refresh_outputs(store, config)
    except Exception as exc:  # noqa: BLE001 - a digest bug must not fail the pass
        log.exception("could not refresh the feed or digest")
        result.delivery_errors.append(f"feed/digest not written: {exc}")
