"""Benchmark: `build_site` on a store filled the way benchmarks/bench_store.py fills it
(documents with two versions and two events each, bulk-inserted into a real SQLite Store): a
full build, a build with nothing changed, and a build after 10 new documents, each timed with
the process's peak memory; then the size of what it wrote (all of it, and the search index).

    python -m benchmarks.bench_site [--quick] [--documents N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, insert, select

from benchmarks.bench_store import config_text, populate
from benchmarks.common import OUT


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def add_documents(store, count: int, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """`count` new documents of a few thousand characters, one version and event each."""
    from monitor.store.models import DocumentRow, EventRow, VersionRow

    with store.session() as session:
        doc_id = session.scalar(select(func.max(DocumentRow.id))) or 0
        version_id = session.scalar(select(func.max(VersionRow.id))) or 0
        event_id = session.scalar(select(func.max(EventRow.id))) or 0
        for i in range(count):
            doc_id, version_id, event_id = doc_id + 1, version_id + 1, event_id + 1
            url = f"http://127.0.0.9/new/{doc_id}.pdf"
            sha = f"{version_id:064x}"
            session.execute(insert(DocumentRow), [{"id": doc_id, "source_id": 1 + i % 20, "key": url, "url": url, "title": f"New report {doc_id}",
                                                   "kind": "document", "meta": {}, "first_seen": now, "last_seen": now, "last_checked": now, "status": "ok"}])
            session.execute(insert(VersionRow), [{"id": version_id, "document_id": doc_id, "number": 1, "fetched_at": now, "sha256": sha,
                                                  "blob_path": sha, "content_type": "application/pdf", "size": 90_000,
                                                  "text": "The inspection found serious weaknesses. " * 100, "text_sha256": sha, "pages": 3, "meta": {}}])
            session.execute(insert(EventRow), [{"id": event_id, "type": "new_document", "severity": "normal", "source_id": 1 + i % 20,
                                                "document_id": doc_id, "version_id": version_id, "title": f"New report {doc_id}", "url": url,
                                                "summary": "New", "details": {}, "created_at": now}])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10,000 documents")
    parser.add_argument("--documents", type=int, default=None)
    args = parser.parse_args(argv)
    documents = args.documents or (10_000 if args.quick else 100_000)
    work = OUT / "site"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    data = work / "data"
    os.environ["MONITOR_DATA_DIR"] = str(data)
    (work / "sources.yaml").write_text(config_text("http://127.0.0.9/s0"), encoding="utf-8")

    from monitor.config import load_config
    from monitor.site import build_site
    from monitor.store import Store

    config = load_config(work / "sources.yaml")
    store = Store(f"sqlite:///{data / 'monitor.db'}", data)
    started = time.perf_counter()
    populate(store, documents, 2, "http://127.0.0.9/s0", 0, datetime(2026, 6, 1))
    fill = time.perf_counter() - started
    out = work / "out"

    def timed(**kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        build = build_site(config, store, out, **kwargs)
        return build, round(time.perf_counter() - started, 2), round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

    full, full_s, full_rss = timed(full=True)
    quiet, quiet_s, _ = timed()
    add_documents(store, 10, datetime(2026, 12, 1))
    update, update_s, update_rss = timed()
    store.close()
    parts = out / "search"
    result = {
        "documents": documents,
        "fill_seconds": round(fill, 1),
        "full_seconds": full_s,
        "full_peak_rss_mb": full_rss,
        "quiet_seconds": quiet_s,
        "quiet_written": quiet.written,
        "update_seconds": update_s,
        "update_written": update.written,
        "update_peak_rss_mb": update_rss,
        "pages": update.pages,
        "site_bytes": folder_size(out),
        "index_bytes": folder_size(parts),
        "index_parts": len(list(parts.glob("*.js"))),
        "timeline_bytes": (out / "timeline.html").stat().st_size,
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
