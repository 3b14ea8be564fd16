"""Feed and digest from the store: which events, and which sources have problems."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from monitor.events import event_json
from monitor.store.db import Store
from monitor.store.models import EventRow, SourceRow

if TYPE_CHECKING:
    from monitor.config import Config


def _events(session, since: datetime | None = None, until: datetime | None = None, limit: int | None = None):  # type: ignore[no-untyped-def]
    query = select(EventRow).options(joinedload(EventRow.source), joinedload(EventRow.document))
    if since is not None:
        query = query.where(EventRow.created_at >= since)
    if until is not None:
        query = query.where(EventRow.created_at < until)
    if limit is not None:
        query = query.order_by(EventRow.id.desc()).limit(limit)
        return [event_json(e) for e in reversed(session.scalars(query).unique().all())]
    return [event_json(e) for e in session.scalars(query.order_by(EventRow.id)).unique()]


def source_problems(session) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Sources whose health is not ok, for the digest's "Sources with problems"."""
    rows = session.scalars(select(SourceRow).where(SourceRow.health.not_in(["ok", "new"])).order_by(SourceRow.name))
    return [
        {
            "source": r.name,
            "kind": r.kind,
            "health": r.health,
            "error": r.last_error,
            "hint": r.last_hint,
            "consecutive_failures": r.consecutive_failures,
            "last_ok": r.last_ok_at.isoformat() + "Z" if r.last_ok_at else None,
        }
        for r in rows
    ]


def day_events(store: Store, day: date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every event of a UTC day (info-only events left out) and the sources with problems."""
    start = datetime.combine(day, datetime.min.time())
    with store.session() as session:
        events = [e for e in _events(session, start, start + timedelta(days=1)) if e["severity"] != "info"]
        return events, source_problems(session)


def unanswered_findings(store: Store, config: Config, day: date) -> list[dict[str, Any]]:
    """Findings that expect a council answer and have had none for `responses.unanswered_days`."""
    from monitor.responses import overdue, responses_report

    return overdue(responses_report(config, store, today=day), config.settings.responses.unanswered_days)


def write_day_digest(store: Store, config: Config, day: date) -> tuple[Path, Path]:
    """Write <data dir>/digests/YYYY-MM-DD.md and .html for one day."""
    from monitor.deliver.digest import write_digest

    events, problems = day_events(store, day)
    return write_digest(config.data_dir, day, events, problems, unanswered_findings(store, config, day))


def email_day_digest(store: Store, config: Config, day: date) -> None:
    """Email one day's digest to the recipients; DeliveryError when the server refuses."""
    from monitor.deliver.email import compose_digest_email, send_message
    from monitor.deliver.settings import smtp_password

    settings = config.settings.email
    if settings is None:
        raise ValueError("settings.email is not configured")
    events, problems = day_events(store, day)
    message = compose_digest_email(
        day, events, problems, sender=settings.sender, recipients=settings.recipients,
        unanswered=unanswered_findings(store, config, day),
    )
    send_message(message, settings, smtp_password())


def write_recent_feed(store: Store, config: Config) -> Path:
    """Rewrite <data dir>/feed.xml with the newest events (info-only events left out)."""
    from monitor.deliver.feed import write_feed

    with store.session() as session:
        recent = [e for e in _events(session, limit=config.settings.feed_size * 4) if e["severity"] != "info"]
    recent = recent[-config.settings.feed_size :]
    return write_feed(
        config.data_dir,
        recent,
        feed_id=f"tag:report-monitor,2026:{config.settings.feed_title}",
        title=config.settings.feed_title,
        link=config.settings.feed_link,
    )
