"""Feed and digest from the store: which events, and which sources have problems."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from monitor.events import event_json
from monitor.store.db import Store
from monitor.store.models import DocumentRow, EventRow, SourceRow, VersionRow

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


#: meta keys that name whom a document is about, in the order they are trusted
_ABOUT_KEYS = ("provider", "location_name", "authority", "local_authority", "committee")


def source_about(session, source: SourceRow) -> str | None:  # type: ignore[no-untyped-def]
    """Whom a source is about, as its newest documents name it ("Harrow", "Elmgrove House"),
    so a problem with it is said in words rather than by its config name; None if unknown."""
    from monitor.deliver.labels import short_council

    rows = session.scalars(
        select(DocumentRow.meta).where(DocumentRow.source_id == source.id).order_by(DocumentRow.id.desc()).limit(20)
    )
    for meta in rows:
        for key in _ABOUT_KEYS:
            value = (meta or {}).get(key)
            if isinstance(value, str) and value.strip():
                return short_council(value)
    return None


def source_problems(session) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Sources whose health is not ok, for the digest's "Problems with sources"."""
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
            "about": source_about(session, r),
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

    rows = overdue(responses_report(config, store, today=day), config.settings.responses.unanswered_days)
    # the digest names the publisher of a finding, not its source's config name
    kinds = {src.name: src.kind for src in config.sources}
    return [{**row, "kind": kinds.get(str((row.get("finding") or {}).get("source")), "")} for row in rows]


def write_day_digest(store: Store, config: Config, day: date) -> tuple[Path, Path]:
    """Write <data dir>/digests/YYYY-MM-DD.md and .html for one day."""
    from monitor.deliver.digest import write_digest

    events, problems = day_events(store, day)
    return write_digest(config.data_dir, day, with_councils(events, config), problems, unanswered_findings(store, config, day))


def with_councils(events: list[dict[str, Any]], config: Config) -> list[dict[str, Any]]:
    """Each event with `council`: its source's council (its `council:` setting, by name), so
    a document whose publisher names no council (a committee paper) is told under it."""
    from monitor.registry import source_councils

    councils = source_councils(config.sources)
    return [{**e, "council": councils.get(str(e.get("source")))} if councils.get(str(e.get("source"))) else e for e in events]


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


#: what the feed and digest were last built from, in the data directory
STAMP = ".outputs-stamp"


def outputs_stamp(store: Store, config: Config, day: date) -> str:
    """A digest of everything the feed and the day's digest are built from: the events,
    versions and documents (newest id, count, last change), the sources with problems, the
    day, the settings and the monitor's version. Equal stamps mean equal outputs."""
    from monitor import __version__

    with store.session() as session:
        tables = [
            list(session.execute(select(func.max(EventRow.id), func.count(EventRow.id))).one()),
            list(session.execute(select(func.max(VersionRow.id), func.count(VersionRow.id))).one()),
            list(
                session.execute(
                    select(func.max(DocumentRow.id), func.count(DocumentRow.id), func.max(DocumentRow.last_changed))
                ).one()
            ),
        ]
        problems = source_problems(session)
    payload = [__version__, day.isoformat(), tables, problems, config.settings.model_dump(mode="json")]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def outputs_current(config: Config, day: date, stamp: str) -> bool:
    """Whether the feed and the day's digest on disk were built from `stamp`."""
    data_dir = Path(config.data_dir)
    files = [data_dir / "feed.xml", data_dir / "digests" / f"{day.isoformat()}.md", data_dir / "digests" / f"{day.isoformat()}.html"]
    try:
        return all(f.is_file() for f in files) and (data_dir / STAMP).read_text(encoding="utf-8") == stamp
    except OSError:
        return False


def mark_outputs(config: Config, stamp: str) -> None:
    """Remember what the outputs were built from (after they were written)."""
    path = Path(config.data_dir) / STAMP
    tmp = path.with_suffix(".tmp")
    tmp.write_text(stamp, encoding="utf-8")
    tmp.replace(path)
