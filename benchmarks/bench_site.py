"""Benchmark: `build_site` on a store filled the way benchmarks/bench_store.py fills it
(100,000 documents, 200,000 versions, 200,000 events, bulk-inserted into a real SQLite Store),
timed in its parts: reading the store, writing the pages, and the whole build; then the size of
what it wrote (all of it, and the search index alone) and the process's peak memory.

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

from benchmarks.bench_store import populate
from benchmarks.common import OUT


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


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

    from monitor.site.builder import build_from_data
    from monitor.site.data import load
    from monitor.store import Store

    store = Store(f"sqlite:///{data / 'monitor.db'}", data)
    started = time.perf_counter()
    populate(store, documents, 2, "http://127.0.0.9/s0", 0, datetime(2026, 6, 1))
    fill = time.perf_counter() - started

    started = time.perf_counter()
    with store.session() as session:
        site_data = load(session)
    read = time.perf_counter() - started
    out = work / "out"
    build = build_from_data(site_data, out, store.blobs.path_for)
    store.close()
    result = {
        "documents": documents,
        "fill_seconds": round(fill, 1),
        "read_seconds": round(read, 2),
        "write_seconds": round(build.seconds, 2),
        "total_seconds": round(read + build.seconds, 2),
        "pages": build.pages,
        "site_bytes": folder_size(out),
        "index_bytes": (out / "search-index.js").stat().st_size,
        "timeline_bytes": (out / "timeline.html").stat().st_size,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
