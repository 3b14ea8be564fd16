"""Retention: what may be thrown away, and only that.

Policy: every document and every version of it is kept (they are the evidence), and so is
every event. What grows without telling anyone anything new is pruned: per-pass run rows,
deliveries that were sent long ago, old log files, and temporary download files that a
crash left behind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, func, select

from monitor.ops.logsetup import LOG_FILE, log_dir
from monitor.store.db import Store, utcnow
from monitor.store.models import DeliveryRow, RunRow, delivery_event

#: a temporary download older than this cannot belong to a running pass (downloads give up after 10 minutes)
STALE_TEMP_SECONDS = 24 * 3600


@dataclass
class PruneReport:
    """How many of each thing were (or, in a dry run, would be) deleted."""

    runs: int = 0
    deliveries: int = 0
    log_files: int = 0
    temp_files: int = 0


def prune(store: Store, data_dir: Path, *, days: int, log_days: int, dry_run: bool = False) -> PruneReport:
    """Delete run rows and sent deliveries older than `days`, log files older than `log_days`."""
    report = PruneReport()
    cutoff = utcnow() - timedelta(days=days)
    with store.session() as session:
        old_runs = select(RunRow.id).where(RunRow.started_at < cutoff)
        report.runs = session.scalar(select(func.count()).select_from(old_runs.subquery())) or 0
        # only sent ones: a pending or failed delivery is an alert somebody has not had yet
        old_deliveries = select(DeliveryRow.id).where(DeliveryRow.status == "sent", DeliveryRow.sent_at < cutoff)
        delivery_ids = list(session.scalars(old_deliveries))
        report.deliveries = len(delivery_ids)
        if not dry_run:
            session.execute(delete(RunRow).where(RunRow.started_at < cutoff))
            for chunk in _chunks(delivery_ids, 500):
                session.execute(delete(delivery_event).where(delivery_event.c.delivery_id.in_(chunk)))
                session.execute(delete(DeliveryRow).where(DeliveryRow.id.in_(chunk)))
    report.log_files = _remove_old(_old_logs(data_dir, log_days), dry_run)
    report.temp_files = _remove_old(_stale_temps(store.blobs.tmp), dry_run)
    return report


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _old_logs(data_dir: Path, log_days: int) -> list[Path]:
    folder = log_dir(data_dir)
    if not folder.is_dir():
        return []
    limit = time.time() - log_days * 86400
    # the live file is being written to: rotation, not pruning, keeps it small
    return [p for p in folder.iterdir() if p.is_file() and p.name != LOG_FILE and p.stat().st_mtime < limit]


def _stale_temps(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    limit = time.time() - STALE_TEMP_SECONDS
    return [p for p in folder.iterdir() if p.is_file() and p.stat().st_mtime < limit]


def _remove_old(paths: list[Path], dry_run: bool) -> int:
    if not dry_run:
        for path in paths:
            path.unlink(missing_ok=True)
    return len(paths)
