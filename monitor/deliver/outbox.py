"""The outbox: urgent events become deliveries, one per channel (email, and each chat
channel of `settings.notify`), sent at the end of the pass that found them, each exactly once.

A delivery row is committed (pending) before any traffic; it is marked sent only after the
server accepted the message (the SMTP server, or the chat service answering 2xx through
Apprise). A crash before acceptance leaves it pending, so the next pass sends it; a crash in
the instant between acceptance and the commit is the one window in which a message can go
out twice (docs/RELIABILITY.md). Every email carries a stable Message-ID, so mail clients
fold such a duplicate. An event is queued once per channel: a channel added later gets the
urgent events of the last QUEUE_WINDOW, not the whole history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
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


def _targets(config: Config) -> list[tuple[str, Callable[[], str]]]:
    """(channel, who it reaches) for email and every chat channel; the second is computed
    only when a row is made (a chat channel's label loads Apprise)."""
    from monitor.deliver.channels import channels_of

    targets: list[tuple[str, Callable[[], str]]] = []
    email = config.settings.email
    if email is not None:
        targets.append((EMAIL, lambda: ", ".join(email.recipients)))
    for channel in channels_of(config.settings):
        targets.append((channel.ident, channel.label))
    return targets


def enqueue_urgent(store: Store, config: Config) -> list[int]:
    """Put every urgent event not yet queued for a channel into one pending delivery for
    that channel; the ids of the deliveries made."""
    made = []
    for channel, recipient in _targets(config):
        with store.session() as session:
            queued = (
                select(delivery_event.c.event_id)
                .join(DeliveryRow, DeliveryRow.id == delivery_event.c.delivery_id)
                .where(DeliveryRow.channel == channel)
            )
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
                continue
            delivery = DeliveryRow(channel=channel, recipient=recipient(), status="pending", attempts=0, created_at=utcnow())
            delivery.events = list(events)
            session.add(delivery)
            session.flush()
            made.append(delivery.id)
    return made


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
            events, context, about = _alert_inputs(session, delivery)
            delivery.attempts += 1
            attempt = delivery.attempts
        try:
            message = compose_alert(
                events,
                sender=settings.sender,
                recipients=settings.recipients,
                context=context,
                about=about,
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


def send_pending_channels(store: Store, config: Config) -> tuple[int, list[str]]:
    """Try every pending delivery of each configured chat channel once; (sent count, errors
    as "<channel>: <why>", with no secret in them)."""
    from monitor.deliver.channels import ChannelError, channel_message, channels_of, send

    sent, errors = 0, []
    for channel in channels_of(config.settings):
        with store.session() as session:
            pending = [
                (row.id, row.recipient)
                for row in session.scalars(
                    select(DeliveryRow)
                    .where(DeliveryRow.channel == channel.ident, DeliveryRow.status == "pending")
                    .order_by(DeliveryRow.id)
                )
            ]
        for delivery_id, recipient in pending:
            with store.session() as session:
                delivery = session.get(DeliveryRow, delivery_id)
                events, context, about = _alert_inputs(session, delivery)
                # counted before the attempt: a crash mid-send still shows it was tried
                delivery.attempts += 1
                attempt = delivery.attempts
            title = ""
            try:
                title, body = channel_message(events, context=context, about=about)
                send(channel, title, body, urgent=True)
            except Exception as exc:  # noqa: BLE001 - any failure leaves the delivery pending
                error = channel.redact(str(exc) if isinstance(exc, ChannelError) else f"{type(exc).__name__}: {exc}")
                errors.append(f"{recipient}: {error}")
                with store.session() as session:
                    delivery = session.get(DeliveryRow, delivery_id)
                    delivery.last_error = error
                    if attempt >= MAX_ATTEMPTS:
                        delivery.status = "failed"
                log.warning("alert %s to %s not sent (attempt %d): %s", delivery_id, recipient, attempt, error)
                continue
            with store.session() as session:
                delivery = session.get(DeliveryRow, delivery_id)
                delivery.status = "sent"
                delivery.sent_at = utcnow()
                delivery.subject = title
                delivery.last_error = None
            sent += 1
    return sent, errors


def _alert_inputs(session, delivery):  # type: ignore[no-untyped-def]
    """What an alert about a delivery's events is written from, for every channel: the events,
    other events about the same documents (their facts), and whom each source with a problem
    is about ({source name: "Harrow"})."""
    rows = _events_of(session, delivery)
    about = {row.source.name: source_about(session, row.source) for row in rows if row.document_id is None}
    return (
        [event_json(e) for e in rows],
        [event_json(e) for e in _context_of(session, rows)],
        {name: value for name, value in about.items() if value},
    )


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
    result.channel_sent, result.channel_errors = send_pending_channels(store, config)
    try:
        refresh_outputs(store, config)
    except Exception as exc:  # noqa: BLE001 - a digest bug must not fail the pass
        log.exception("could not refresh the feed or digest")
        result.delivery_errors.append(f"feed/digest not written: {exc}")
