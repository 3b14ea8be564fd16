"""Benchmark 5: the store at scale — 100,000 documents, 200,000 versions, 200,000 events in
SQLite (bulk-inserted with SQLAlchemy into a real Store), then:

- bookkeeping per known document: steps.known.load_known + Bookkeeping.touch/flush (what a
  warm pass does for the listed documents it does not re-download: one query and one commit
  per source), timed directly over every document of a random source;
- the same, end to end: a warm `run_source` over one source listing 5,000 known documents
  from a simulated publisher (listing parse + snapshot + touch + health);
- database size on disk;
- `monitor events --since DATE --json` latency (the real command in a child process) for a
  window holding ~100 and ~10,000 events, and for an empty window (the command's fixed cost).

    python -m benchmarks.bench_store [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from benchmarks.common import OUT, Stat, monitor_cmd, table
from benchmarks.simserver import SimDocument, SimSite

SOURCES = 20


def config_text(big_source_url: str) -> str:
    sources = "".join(
        f"  - name: site-{i:02d}\n    kind: page\n    url: {big_source_url if i == 0 else f'http://127.0.0.9/s{i}'}/reports\n"
        f"    links: \"li.report a[href]\"\n"
        for i in range(SOURCES)
    )
    return f"settings:\n  per_host_delay: 0\n  retries: 0\n  timeout: 30\nsources:\n{sources}"


def populate(store, documents: int, versions_per_doc: int, site0_url: str, site0_docs: int, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Bulk-insert the rows; returns the number of events."""
    from monitor.store.models import DocumentRow, EventRow, SourceRow, VersionRow

    rng = random.Random(5)
    per_source = documents // SOURCES
    body = "Inspection findings. " * 15  # ~300 characters of stored text per version
    with store.session() as session:
        session.execute(
            insert(SourceRow),
            [
                {"id": i + 1, "name": f"site-{i:02d}", "kind": "page", "health": "ok", "consecutive_failures": 0,
                 "failure_alerted": 0, "last_ok_at": now, "last_item_count": site0_docs if i == 0 else per_source}
                for i in range(SOURCES)
            ],
        )
    doc_id = version_id = event_id = 0
    batch_docs, batch_versions, batch_events = [], [], []

    def flush() -> None:
        with store.session() as session:
            if batch_docs:
                session.execute(insert(DocumentRow), batch_docs)
            if batch_versions:
                session.execute(insert(VersionRow), batch_versions)
            if batch_events:
                session.execute(insert(EventRow), batch_events)
        batch_docs.clear()
        batch_versions.clear()
        batch_events.clear()

    for s in range(SOURCES):
        for d in range(per_source):
            doc_id += 1
            if s == 0 and d < site0_docs:
                url = f"{site0_url}/files/d{d:05d}.pdf"
            else:
                url = f"http://127.0.0.9/s{s}/files/d{d:05d}.pdf"
            first_seen = now - timedelta(days=rng.uniform(0, 365))
            batch_docs.append(
                {"id": doc_id, "source_id": s + 1, "key": url, "url": url, "title": f"Report {s}-{d}", "kind": "document",
                 "meta": {"listing": "x"}, "first_seen": first_seen, "last_seen": now, "last_checked": now - timedelta(hours=1),
                 "status": "ok"}
            )
            for n in range(1, versions_per_doc + 1):
                version_id += 1
                sha = f"{version_id:064x}"
                batch_versions.append(
                    {"id": version_id, "document_id": doc_id, "number": n, "fetched_at": first_seen + timedelta(days=n),
                     "sha256": sha, "blob_path": f"{sha[:2]}/{sha[2:4]}/{sha}", "content_type": "application/pdf",
                     "size": 250_000, "text": body, "text_sha256": sha, "pages": 25, "meta": {}}
                )
                event_id += 1
                batch_events.append(
                    {"id": event_id, "type": "new_document" if n == 1 else "changed", "severity": "normal",
                     "source_id": s + 1, "document_id": doc_id, "version_id": version_id, "title": f"Report {s}-{d}",
                     "url": url, "summary": f"New: Report {s}-{d}", "details": {"pages": 25, "version": n},
                     "created_at": first_seen + timedelta(days=n - 1)}
                )
            if len(batch_versions) >= 20_000:
                flush()
    flush()
    return event_id


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10,000 documents / 20,000 versions")
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args(argv)
    documents = 10_000 if args.quick else 100_000
    site0_docs = documents // SOURCES  # every document of site-00 is on the simulated listing
    runs = args.runs or 3
    work = OUT / "store"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    data = work / "data"
    os.environ["MONITOR_DATA_DIR"] = str(data)

    from monitor.config import parse_config
    from monitor.http.client import HttpClient
    from monitor.pipeline.known_documents import Bookkeeping, load_known
    from monitor.pipeline.one_pass import Pipeline, SourceOutcome
    from monitor.sources.base import DocumentRef
    from monitor.store import Store
    from monitor.store.db import utcnow

    site = SimSite(
        "127.0.0.2", [SimDocument(f"d{d:05d}", f"Report 0-{d}", Path("/nonexistent")) for d in range(site0_docs)]
    ).start()
    results: dict = {"documents": documents, "versions": documents * 2, "runs": runs}
    try:
        config_path = work / "sources.yaml"
        config_path.write_text(config_text(site.url))
        config = parse_config(config_path.read_text(), config_path)
        store = Store(config.database_url, config.data_dir)
        now = utcnow()
        started = time.perf_counter()
        events = populate(store, documents, 2, site.url, site0_docs, now)
        results["events"] = events
        results["populate_s"] = time.perf_counter() - started
        with store.engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            conn.execute(text("ANALYZE"))
        results["db_mb"] = (data / "monitor.db").stat().st_size / 1e6
        print(f"  populated {documents} documents, {documents * 2} versions, {events} events in "
              f"{results['populate_s']:.0f} s; database {results['db_mb']:.0f} MB", flush=True)

        pipeline = Pipeline(config, store, http=HttpClient(config.settings.http_settings(), store.http_cache()))
        rng = random.Random(9)
        per_source = documents // SOURCES
        direct = []
        for _ in range(runs):
            s = rng.randrange(1, SOURCES)  # site-00 is the end-to-end run's below
            refs = []
            for d in range(per_source):
                url = f"http://127.0.0.9/s{s}/files/d{d:05d}.pdf"
                refs.append(DocumentRef(key=url, url=url, title=f"Report {s}-{d}", kind="document", meta={"listing": "x"}))
            started = time.perf_counter()
            known = load_known(store, s + 1)
            book = Bookkeeping(store)
            for ref in refs:
                snapshot = known.get(ref.key)
                assert snapshot is not None and snapshot.has_versions
                book.touch(snapshot, ref, utcnow(), fetched=False)
            book.flush()
            direct.append((time.perf_counter() - started) / len(refs) * 1000)
        results["snapshot_touch_ms"] = direct
        print(f"  bookkeeping (load_known + touch + flush): {Stat(direct).fmt(' ms/document')}", flush=True)

        warm = []
        for _ in range(runs):
            src = config.source("site-00")
            started = time.perf_counter()
            outcome: SourceOutcome = pipeline.run_source(src)
            seconds = time.perf_counter() - started
            assert (outcome.status, outcome.listed, outcome.unchanged, outcome.new) == ("ok", site0_docs, site0_docs, 0), outcome
            warm.append(seconds / site0_docs * 1000)
        results["warm_source_ms"] = warm
        results["warm_source_docs"] = site0_docs
        print(f"  warm run_source over {site0_docs} known documents: {Stat(warm).fmt(' ms/document')}", flush=True)
        pipeline.extractor.close()
        store.close()

        # `monitor events --since` through the real command
        since_rows = {}
        import sqlite3

        db = sqlite3.connect(data / "monitor.db")
        stamps = [row[0] for row in db.execute("SELECT created_at FROM event ORDER BY created_at DESC LIMIT 10001")]
        db.close()
        windows = {"empty window": "2999-01-01", "~100 events": stamps[100][:19], "~10,000 events": stamps[10_000 if len(stamps) > 10_000 else -1][:19]}
        for label, since in windows.items():
            times, count = [], 0
            for _ in range(runs):
                started = time.perf_counter()
                done = subprocess.run(
                    monitor_cmd("events", "--since", since, "--json", "--config", str(config_path)),
                    env=dict(os.environ, MONITOR_DATA_DIR=str(data)), capture_output=True, text=True, check=True,
                )
                times.append(time.perf_counter() - started)
                count = len(json.loads(done.stdout))
            since_rows[label] = {"since": since, "events": count, "seconds": times}
            print(f"  events --since {since}: {count} events, {Stat(times).fmt(' s')}", flush=True)
        results["events_since"] = since_rows
    finally:
        site.stop()
    (OUT / "bench_store.json").write_text(json.dumps(results, indent=2))
    print(report(results))
    return results


def report(r: dict) -> str:
    """The Markdown table for docs/BENCHMARKS.md."""
    rows = [
        ["bookkeeping per known document (load_known + Bookkeeping, one query and one commit per source)", Stat(r["snapshot_touch_ms"]).fmt(" ms")],
        [f"warm run_source over {r['warm_source_docs']} known documents, per document", Stat(r["warm_source_ms"]).fmt(" ms")],
        ["database size", f"{r['db_mb']:.0f} MB (~300 characters of text per version)"],
    ]
    for row in r["events_since"].values():
        rows.append([f"`monitor events --since {row['since']} --json` ({row['events']} events)", Stat(row["seconds"]).fmt(" s")])
    head = (f"{r['documents']} documents, {r['versions']} versions, {r['events']} events in SQLite; "
            f"median (min–max) of {r['runs']} runs\n\n")
    return head + table(rows, ["measure", "value"])


if __name__ == "__main__":
    main()
