"""Source health: every pass's outcome recorded, and every failure made loud exactly once.

A source is ok, failing (errors), blocked (401/403, challenge page, robots.txt) or broken
(its listing no longer parses). Blocked and broken never mean "nothing new". A pass that was
"interrupted" (the daemon shutting down) is recorded as a run and changes nothing else.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from monitor.events import record_event
from monitor.store.db import Store, utcnow
from monitor.store.models import EventRow, RunRow, SourceRow

if TYPE_CHECKING:
    from monitor.config import Config
    from monitor.pipeline.pass_result import SourceOutcome


def record_outcome(store: Store, config: Config, source_id: int, outcome: SourceOutcome, started_at: datetime) -> None:
    """Write the run row, update the source's health, and raise the once-only alerts."""
    settings = config.settings
    now = utcnow()
    with store.session() as session:
        source = session.get(SourceRow, source_id)
        assert source is not None
        session.add(
            RunRow(
                source_id=source_id,
                started_at=started_at,
                duration=outcome.duration,
                outcome=outcome.status,
                items=outcome.listed if outcome.status == "ok" else None,
                error=outcome.error,
            )
        )
        if outcome.status == "interrupted":
            # a pass cut short by a shutdown says nothing about the publisher: no streak, no
            # alert; the run row alone tells the daemon to redo it at its next start
            return
        source.last_run_at = now
        source.last_duration = outcome.duration
        previous_health = source.health
        details = {"error": outcome.error, "hint": outcome.hint, "health": outcome.status, "evidence": outcome.evidence}
        if outcome.status == "ok":
            if source.failure_alerted:
                record_event(
                    session,
                    source,
                    "source_recovered",
                    "normal",
                    f"{source.name} is working again after {source.consecutive_failures} failed passes",
                    {"health": "ok", "previous_health": previous_health, "failed_passes": source.consecutive_failures},
                )
            source.health = "ok"
            source.last_ok_at = now
            source.last_error = source.last_hint = None
            source.consecutive_failures = 0
            source.failure_alerted = 0
            source.last_item_count = outcome.listed
            return

        source.health = outcome.status
        source.last_error = outcome.error
        source.last_hint = outcome.hint
        source.consecutive_failures = (source.consecutive_failures or 0) + 1
        record_event(
            session,
            source,
            "source_error",
            "info",
            f"{source.name}: {outcome.error}",
            {**details, "consecutive_failures": source.consecutive_failures},
        )
        if source.failure_alerted:
            return
        if outcome.status == "broken":
            source.failure_alerted = 1
            record_event(
                session,
                source,
                "source_broken",
                "urgent",
                f"{source.name}: the listing looks broken; no documents were marked removed",
                details,
            )
            return
        since_ok = now - (source.last_ok_at or now)
        too_many = source.consecutive_failures >= settings.failure_threshold
        too_long = source.last_ok_at is not None and since_ok >= timedelta(hours=settings.failure_hours)
        if too_many or too_long:
            source.failure_alerted = 1
            why = (
                f"{source.consecutive_failures} passes in a row failed"
                if too_many
                else f"no successful pass for {since_ok.total_seconds() / 3600:.0f} hours"
            )
            record_event(
                session,
                source,
                "source_failing",
                "urgent",
                f"{source.name} is {outcome.status}: {why}",
                {**details, "consecutive_failures": source.consecutive_failures},
            )


def record_incomplete(store: Store, source_id: int, outcome: SourceOutcome) -> None:
    """One `listing_incomplete` event (digest) for the reasons this good pass could not read
    all of its listing that no earlier event has told: said once, not every pass."""
    if outcome.status != "ok" or not outcome.incomplete:
        return
    with store.session() as session:
        source = session.get(SourceRow, source_id)
        assert source is not None
        told: set[str] = set()
        for details in session.scalars(
            select(EventRow.details).where(EventRow.source_id == source_id, EventRow.type == "listing_incomplete")
        ):
            told.update((details or {}).get("reasons") or [])
        new = [r for r in outcome.incomplete if r not in told]
        if not new:
            return
        record_event(
            session,
            source,
            "listing_incomplete",
            "info" if outcome.baseline else "normal",
            f"{source.name}: part of the listing could not be read ({len(new)} new reason(s)); nothing was marked removed",
            {
                "reasons": new,
                "error": "; ".join(new[:3]) + (f" and {len(new) - 3} more" if len(new) > 3 else ""),
                "hint": f"what was read is stored; if this repeats, run `monitor capture {source.name}` and attach the folder to a bug report",
                "health": "ok",
            },
        )
