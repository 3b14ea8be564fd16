"""Retention: old run rows, sent deliveries, logs and stale temp files go; the evidence stays."""

from __future__ import annotations

import os
import time
from datetime import timedelta

from harness import Monitor
from pdfs import make_pdf
from sqlalchemy import func, select

from monitor.store.db import Store, utcnow
from monitor.store.models import DeliveryRow, DocumentRow, EventRow, RunRow, VersionRow, delivery_event

CONFIG = """
settings:
  per_host_delay: 0
  retries: 0
  timeout: 5
sources:
  - name: council-reports
    kind: page
    url: {url}/reports
    links: "li a[href]"
"""


def open_store(monitor: Monitor) -> Store:
    return Store(f"sqlite:///{(monitor.data_dir / 'monitor.db').resolve()}", monitor.data_dir)


def counts(monitor: Monitor) -> dict[str, int]:
    store = open_store(monitor)
    try:
        with store.session() as session:
            return {
                model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (RunRow, DeliveryRow, DocumentRow, VersionRow, EventRow)
            } | {"delivery_event": session.scalar(select(func.count()).select_from(delivery_event))}
    finally:
        store.close()


def age(path, days: float) -> None:
    old = time.time() - days * 86400
    os.utime(path, (old, old))


def test_prune_keeps_documents_and_drops_old_history(server, tmp_path):
    server.add("/reports", "<ul><li><a href='/a.pdf'>A</a></li></ul>")
    server.add("/a.pdf", make_pdf(["Report A."]), content_type="application/pdf")
    monitor = Monitor(tmp_path, CONFIG.format(url=server.url))
    for _ in range(3):
        assert monitor.run("run")[0] == 0

    now = utcnow()
    store = open_store(monitor)
    try:
        with store.session() as session:
            runs = session.scalars(select(RunRow).order_by(RunRow.id)).all()
            runs[0].started_at = now - timedelta(days=120)
            runs[1].started_at = now - timedelta(days=100)
            event = session.scalar(select(EventRow).limit(1))
            old_sent = DeliveryRow(channel="email", status="sent", created_at=now - timedelta(days=200), sent_at=now - timedelta(days=200))
            old_sent.events = [event]
            recent_sent = DeliveryRow(channel="email", status="sent", created_at=now, sent_at=now - timedelta(days=5))
            old_failed = DeliveryRow(channel="email", status="failed", created_at=now - timedelta(days=300), attempts=20)
            session.add_all([old_sent, recent_sent, old_failed])
    finally:
        store.close()

    logs = monitor.data_dir / "logs"
    logs.mkdir()
    live, rotated_old, rotated_new = logs / "monitor.jsonl", logs / "monitor.jsonl.3", logs / "monitor.jsonl.1"
    for path in (live, rotated_old, rotated_new):
        path.write_text("{}\n")
    age(live, 400)
    age(rotated_old, 40)
    age(rotated_new, 2)
    temp_dir = monitor.data_dir / "blobs" / "tmp"
    temp_dir.mkdir(parents=True, exist_ok=True)
    stale, fresh = temp_dir / ".download-stale", temp_dir / ".download-fresh"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"in progress")
    age(stale, 3)

    before = counts(monitor)
    assert before == {"run": 3, "delivery": 3, "document": 1, "version": 1, "event": before["event"], "delivery_event": 1}

    code, out, err = monitor.run("prune", "--days", "90", "--log-days", "30", "--dry-run")
    assert code == 0, err
    assert "would delete: 2 run row(s), 1 sent delivery row(s), 1 log file(s), 1 stale temporary file(s)" in out
    assert counts(monitor) == before
    assert rotated_old.exists() and stale.exists()

    code, out, err = monitor.run("prune", "--days", "90", "--log-days", "30")
    assert code == 0, err
    assert "deleted: 2 run row(s), 1 sent delivery row(s), 1 log file(s), 1 stale temporary file(s)" in out
    after = counts(monitor)
    assert after == {**before, "run": 1, "delivery": 2, "delivery_event": 0}
    assert not rotated_old.exists() and not stale.exists()
    assert live.exists() and rotated_new.exists() and fresh.exists()
    statuses = sorted(d["status"] for d in monitor.json("deliveries"))
    assert statuses == ["failed", "sent"]  # the unsent one is kept however old
    assert monitor.json("history", f"{server.url}/a.pdf")[0]["version"] == 1

    # nothing left to prune: a second run is a no-op
    code, out, _ = monitor.run("prune", "--days", "90", "--log-days", "30")
    assert "deleted: 0 run row(s), 0 sent delivery row(s), 0 log file(s), 0 stale temporary file(s)" in out


def test_prune_rejects_a_zero_day_window(tmp_path):
    monitor = Monitor(tmp_path, "sources: []\n")
    code, _out, err = monitor.run("prune", "--days", "0")
    assert code == 2
    assert "--days must be at least 1" in err
