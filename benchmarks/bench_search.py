"""Benchmark: full-text search at 100,000 documents on SQLite (FTS5).

A real Store is filled by bulk insert (as benchmarks/bench_store.py does) with 100,000
documents, one version each of PAGES pages of report-like text drawn from a vocabulary of
~20,000 words with a Zipf-like spread (so phrases are as selective as in real reports), plus
planted phrases at known rates. Then:

- `reindex` (what `monitor search --reindex` and migration 0004 do): seconds, and the index's
  size on disk (FTS5's shadow tables, from SQLite's dbstat);
- `index_version` per new version, as the pass will call it;
- monitor.search.search latency in process (what the command does after start-up), warm
  cache, for phrase, word, boolean and prefix queries of different selectivity, with the
  number of matching pages; and the real `monitor search --json` command once, start-up
  included.

    python -m benchmarks.bench_search [--quick] [--runs N] [--database-url URL]

With --database-url postgresql+psycopg2://... the same runs on PostgreSQL (the database must
exist and be empty; its search table's size is pg_total_relation_size, GIN index included).
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

PAGES = 3
WORDS_PER_PAGE = 180
#: phrase -> share of pages it is planted in
PLANTED = {"care leavers": 0.01, "improvement notice": 0.001, "section eleven audit": 0.0001}
QUERIES = [
    ('"section eleven audit"', "rare phrase (~0.01% of pages)"),
    ('"improvement notice"', "phrase (~0.1% of pages)"),
    ('"care leavers"', "phrase (~1% of pages)"),
    ("inadequate", "word (~2% of pages)"),
    ('"care leavers" AND inadequate NOT ofsted', "boolean"),
    ("leav*", "prefix"),
]


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    syllables = ["ca", "re", "lo", "mi", "tan", "ver", "sol", "pra", "dis", "ent", "ing", "ous", "ment", "al", "ic"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def make_pages(rng: random.Random, vocab: list[str], weights: list[float]) -> list[str]:
    pages = []
    for _ in range(PAGES):
        words = rng.choices(vocab, weights, k=WORDS_PER_PAGE)
        for phrase, share in PLANTED.items():
            if rng.random() < share:
                words[rng.randrange(WORDS_PER_PAGE)] = phrase
        if rng.random() < 0.02:
            words[rng.randrange(WORDS_PER_PAGE)] = "inadequate"
        lines = [" ".join(words[i : i + 12]).capitalize() + "." for i in range(0, len(words), 12)]
        pages.append("\n".join(lines))
    return pages


def populate(store, documents: int, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Bulk-insert one source, the documents and one version each; returns text bytes."""
    from monitor.store.models import DocumentRow, SourceRow, VersionRow

    rng = random.Random(11)
    vocab = vocabulary(rng)
    weights = [1 / (rank + 10) for rank in range(len(vocab))]
    with store.session() as session:
        session.execute(insert(SourceRow), [{"id": 1, "name": "bench", "kind": "page", "health": "ok",
                                            "consecutive_failures": 0, "failure_alerted": 0}])
    docs, versions, total = [], [], 0
    for d in range(1, documents + 1):
        url = f"http://127.0.0.9/files/d{d:06d}.pdf"
        seen = now - timedelta(days=rng.uniform(0, 3650))
        docs.append({"id": d, "source_id": 1, "key": url, "url": url, "title": f"Report {d}", "kind": "inspection",
                     "meta": {}, "first_seen": seen, "last_seen": now, "status": "ok"})
        body = "\f".join(make_pages(rng, vocab, weights))
        total += len(body)
        sha = f"{d:064x}"
        versions.append({"id": d, "document_id": d, "number": 1, "fetched_at": seen, "sha256": sha,
                         "blob_path": f"{sha[:2]}/{sha[2:4]}/{sha}", "content_type": "application/pdf", "size": 250_000,
                         "text": body, "text_sha256": sha, "pages": PAGES, "meta": {}})
        if len(versions) >= 10_000:
            with store.session() as session:
                session.execute(insert(DocumentRow), docs)
                session.execute(insert(VersionRow), versions)
            docs.clear()
            versions.clear()
    if versions:
        with store.session() as session:
            session.execute(insert(DocumentRow), docs)
            session.execute(insert(VersionRow), versions)
    return total


def index_bytes(store) -> int:  # type: ignore[no-untyped-def]
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            return int(conn.execute(text("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_fts%'")).scalar() or 0)
        return int(conn.execute(text("SELECT pg_total_relation_size('search_page')")).scalar() or 0)


def database_bytes(store, data: Path) -> int:  # type: ignore[no-untyped-def]
    if store.engine.dialect.name == "sqlite":
        with store.engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        return (data / "monitor.db").stat().st_size
    with store.engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar())


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10,000 documents")
    parser.add_argument("--runs", type=int, default=20, help="repetitions of each query (default 20)")
    parser.add_argument("--database-url", help="an empty PostgreSQL database instead of SQLite")
    args = parser.parse_args(argv)
    documents = 10_000 if args.quick else 100_000
    work = OUT / "search"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    data = work / "data"
    os.environ["MONITOR_DATA_DIR"] = str(data)

    from monitor.search import index_version, reindex, search
    from monitor.store import Store
    from monitor.store.db import utcnow
    from monitor.store.models import VersionRow

    config_path = work / "sources.yaml"
    config_path.write_text("sources:\n  - name: bench\n    kind: page\n    url: http://127.0.0.9/reports\n")
    url = args.database_url or f"sqlite:///{data / 'monitor.db'}"
    store = Store(url, data)
    results: dict = {"documents": documents, "pages": documents * PAGES, "runs": args.runs,
                     "database": store.engine.dialect.name}
    started = time.perf_counter()
    results["text_mb"] = populate(store, documents, utcnow()) / 1e6
    results["populate_s"] = time.perf_counter() - started
    print(f"  populated {documents} documents ({results['text_mb']:.0f} MB of text) in {results['populate_s']:.0f} s", flush=True)

    started = time.perf_counter()
    with store.session() as session:
        reindex(session)
    results["reindex_s"] = time.perf_counter() - started
    results["db_mb"] = database_bytes(store, data) / 1e6
    results["index_mb"] = index_bytes(store) / 1e6
    print(f"  reindex {results['reindex_s']:.0f} s; index {results['index_mb']:.0f} MB of a {results['db_mb']:.0f} MB database", flush=True)

    # what the pass pays per new version: re-index 1,000 existing ones in one transaction
    with store.session() as session:
        sample = session.scalars(select_versions(VersionRow, 1000)).all()
        started = time.perf_counter()
        for version in sample:
            index_version(session, version)
        results["index_version_ms"] = (time.perf_counter() - started) / len(sample) * 1000
    print(f"  index_version: {results['index_version_ms']:.2f} ms per {PAGES}-page version", flush=True)

    rows = []
    with store.session() as session:
        for query, label in QUERIES:
            search(session, query, store.blobs)  # warm the page cache once
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                hits = search(session, query, store.blobs, limit=20)
                times.append((time.perf_counter() - started) * 1000)
            matching = count_matches(session, query)
            rows.append({"query": query, "label": label, "ms": times, "hits": len(hits), "matching_pages": matching})
            print(f"  {query}: {matching} matching pages, {Stat(times).fmt(' ms')}", flush=True)
    results["queries"] = rows
    store.close()

    times = []
    for _ in range(3):
        started = time.perf_counter()
        env = dict(os.environ, MONITOR_DATA_DIR=str(data))
        if args.database_url:
            env["MONITOR_DATABASE_URL"] = args.database_url
        done = subprocess.run(search_cmd('"improvement notice"', "--json", "--config", str(config_path)),
                              env=env, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - started)
        assert len(json.loads(done.stdout)) == 20
    results["command_s"] = times
    print(f"  monitor search --json (child process): {Stat(times).fmt(' s')}", flush=True)
    (OUT / f"bench_search_{results['database']}.json").write_text(json.dumps(results, indent=2))
    print(report(results))
    return results


def search_cmd(*args: str) -> list[str]:
    """argv for the real `monitor search` in a child process."""
    return [*monitor_cmd(), "search", *args]


def select_versions(model, n: int):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    return select(model).order_by(model.id.desc()).limit(n)


def count_matches(session, query: str) -> int:  # type: ignore[no-untyped-def]
    from monitor.search.query import parse, to_fts5, to_tsquery

    if session.get_bind().dialect.name == "sqlite":
        sql, q = "SELECT count(*) FROM search_fts WHERE search_fts MATCH :q", to_fts5(parse(query))
    else:
        sql = "SELECT count(DISTINCT (version_id, page)) FROM search_page WHERE tsv @@ to_tsquery('simple', :q)"
        q = to_tsquery(parse(query))
    return int(session.execute(text(sql), {"q": q}).scalar())


def report(r: dict) -> str:
    """The Markdown table for docs/BENCHMARKS.md."""
    rows = [[f"`{q['query']}` — {q['label']}", str(q["matching_pages"]), Stat(q["ms"]).fmt(" ms")] for q in r["queries"]]
    head = (f"{r.get('database', 'sqlite')}: {r['documents']:,} documents, one version each, {r['pages']:,} pages, {r['text_mb']:.0f} MB of text; "
            f"`reindex` {r['reindex_s']:.0f} s; index {r['index_mb']:.0f} MB (database {r['db_mb']:.0f} MB); "
            f"`index_version` {r['index_version_ms']:.2f} ms per {PAGES}-page version; "
            f"`monitor search --json` as a command, start-up included: {Stat(r['command_s']).fmt(' s')}. "
            f"Query latency in process, top 20 hits with snippets, median (min–max) of {r['runs']} runs:\n\n")
    return head + table(rows, ["query", "matching pages", "latency"])


if __name__ == "__main__":
    main()
