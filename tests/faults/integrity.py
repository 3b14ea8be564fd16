"""An independent integrity check of a data directory, read with plain sqlite3.

It deliberately does not use the monitor's models: a bug in them must not hide a bug in
the data they wrote.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from pathlib import Path


def check_store(data_dir: Path) -> list[str]:
    """Every problem found in `data_dir` (empty list: consistent).

    Checks: SQLite's own integrity and foreign keys; every version's blob exists at its
    content address and hashes to its sha256; no row points at a missing row; each document
    has exactly one new_document event; deliveries reference existing events.
    """
    problems: list[str] = []
    db = sqlite3.connect(data_dir / "monitor.db")
    try:
        if (result := db.execute("PRAGMA integrity_check").fetchone()[0]) != "ok":
            problems.append(f"sqlite integrity_check: {result}")
        for row in db.execute("PRAGMA foreign_key_check"):
            problems.append(f"foreign key violation: {row}")
        blobs = data_dir / "blobs"
        for vid, doc_id, sha, rel, size in db.execute("SELECT id, document_id, sha256, blob_path, size FROM version"):
            path = blobs / rel
            if rel != f"{sha[:2]}/{sha[2:4]}/{sha}":
                problems.append(f"version {vid}: blob path {rel} is not the content address of {sha}")
            if not path.is_file():
                problems.append(f"version {vid} of document {doc_id}: blob {rel} is missing")
                continue
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != sha:
                problems.append(f"version {vid}: blob {rel} does not hash to its name (half-written?)")
            if len(data) != size:
                problems.append(f"version {vid}: blob is {len(data)} bytes, row says {size}")
        orphan_queries = {
            "version without document": "SELECT v.id FROM version v LEFT JOIN document d ON d.id = v.document_id WHERE d.id IS NULL",
            "document without source": "SELECT d.id FROM document d LEFT JOIN source s ON s.id = d.source_id WHERE s.id IS NULL",
            "event without source": "SELECT e.id FROM event e LEFT JOIN source s ON s.id = e.source_id WHERE s.id IS NULL",
            "event with missing document": (
                "SELECT e.id FROM event e LEFT JOIN document d ON d.id = e.document_id "
                "WHERE e.document_id IS NOT NULL AND d.id IS NULL"
            ),
            "event with missing version": (
                "SELECT e.id FROM event e LEFT JOIN version v ON v.id = e.version_id "
                "WHERE e.version_id IS NOT NULL AND v.id IS NULL"
            ),
            "delivery link to missing event": (
                "SELECT de.event_id FROM delivery_event de LEFT JOIN event e ON e.id = de.event_id WHERE e.id IS NULL"
            ),
            "delivery link to missing delivery": (
                "SELECT de.delivery_id FROM delivery_event de LEFT JOIN delivery d ON d.id = de.delivery_id "
                "WHERE d.id IS NULL"
            ),
            "run without source": "SELECT r.id FROM run r LEFT JOIN source s ON s.id = r.source_id WHERE s.id IS NULL",
        }
        for what, query in orphan_queries.items():
            ids = [row[0] for row in db.execute(query)]
            if ids:
                problems.append(f"{what}: {ids[:10]}")
        versions_per_doc = Counter(
            doc for (doc,) in db.execute("SELECT document_id FROM version")
        )
        numbers = db.execute("SELECT document_id, group_concat(number) FROM version GROUP BY document_id").fetchall()
        for doc_id, nums in numbers:
            got = sorted(int(n) for n in nums.split(","))
            if got != list(range(1, versions_per_doc[doc_id] + 1)):
                problems.append(f"document {doc_id}: version numbers {got} are not 1..n")
        new_events = Counter(
            doc for (doc,) in db.execute("SELECT document_id FROM event WHERE type = 'new_document'")
        )
        for (doc_id, key) in db.execute("SELECT id, key FROM document"):
            if new_events[doc_id] != 1:
                problems.append(f"document {key}: {new_events[doc_id]} new_document events, expected exactly 1")
        events_in_deliveries = Counter(ev for (ev,) in db.execute("SELECT event_id FROM delivery_event"))
        for event_id, n in events_in_deliveries.items():
            if n > 1:
                problems.append(f"event {event_id} queued in {n} deliveries")
    finally:
        db.close()
    return problems


def leftover_temp_files(data_dir: Path) -> list[Path]:
    """Partial downloads or blobs left in blobs/tmp (never referenced, but they take space)."""
    tmp = data_dir / "blobs" / "tmp"
    return sorted(p for p in tmp.iterdir()) if tmp.is_dir() else []


def urgent_event_ids(data_dir: Path) -> set[int]:
    """Ids of every urgent event (the ones the outbox must email exactly once)."""
    db = sqlite3.connect(data_dir / "monitor.db")
    try:
        return {row[0] for row in db.execute("SELECT id FROM event WHERE severity = 'urgent'")}
    finally:
        db.close()


def deliveries(data_dir: Path) -> list[tuple[int, str, int, list[int]]]:
    """(delivery id, status, attempts, event ids) of every delivery."""
    db = sqlite3.connect(data_dir / "monitor.db")
    try:
        rows = db.execute("SELECT id, status, attempts FROM delivery ORDER BY id").fetchall()
        out = []
        for did, status, attempts in rows:
            events = [r[0] for r in db.execute("SELECT event_id FROM delivery_event WHERE delivery_id = ?", (did,))]
            out.append((did, status, attempts, sorted(events)))
        return out
    finally:
        db.close()
