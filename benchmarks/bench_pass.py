"""Benchmarks 1–3: cold, warm and incremental passes of the real `monitor run` command over
20 simulated publishers x 50 PDFs, each publisher on its own loopback host.

    python -m benchmarks.bench_pass [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from benchmarks.common import OUT, ChildRun, Stat, corpus, monitor_cmd, run_child, table, write_pdf
from benchmarks.simserver import SimDocument, SimFarm


def config_text(urls: list[str], *, recheck_days: float = 7) -> str:
    """sources.yaml: one `kind: page` source per site, no politeness delay (local server)."""
    sources = "".join(
        f"""  - name: site-{i:02d}
    kind: page
    url: {url}/reports
    links: "li.report a[href]"
    include: '\\.pdf$'
"""
        for i, url in enumerate(urls)
    )
    return f"""settings:
  per_host_delay: 0
  retries: 1
  retry_backoff: 0.01
  timeout: 30
  recheck_days: {recheck_days}
sources:
{sources}"""


def run_pass(workdir: Path, config: Path, data: Path, workers: int | None) -> ChildRun:
    lanes = ["--workers", str(workers)] if workers else []
    result = run_child(
        monitor_cmd("run", "--config", str(config), *lanes, "--quiet"),
        env={"MONITOR_DATA_DIR": str(data)},
    )
    if result.code not in (0, 1):
        raise SystemExit(f"monitor run failed ({result.code}):\n{result.stderr[-3000:]}")
    if result.code == 1:
        print(f"  warning: some sources failed:\n{result.stdout[-2000:]}", file=sys.stderr)
    return result


def count_stored(data: Path, config: Path) -> tuple[int, int]:
    """(documents, versions) in the store, through the real command."""
    import subprocess

    out = subprocess.run(
        monitor_cmd("documents", "--json", "--config", str(config)),
        env={"MONITOR_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    docs = json.loads(out)
    return len(docs), sum(d["versions"] for d in docs)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5 sites x 10 documents, 2 runs")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--workers", type=int, default=None, help="monitor run --workers (default: the command's own choice)")
    parser.add_argument("--sites", type=int, default=None, help="simulated publishers (default 20; 5 with --quick)")
    parser.add_argument("--docs", type=int, default=None, help="PDFs per publisher (default 50; 10 with --quick)")
    args = parser.parse_args(argv)
    sites, per_site = (5, 10) if args.quick else (20, 50)
    sites, per_site = args.sites or sites, args.docs or per_site
    runs = args.runs or (2 if args.quick else 3)
    cold_runs = args.runs or 2
    layout = corpus(sites, per_site)
    pages_total = sum(p for site in layout for *_, p in site)
    docs_total = sites * per_site
    work = OUT / "pass"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    sim = [[SimDocument(doc_id, title, path) for doc_id, title, path, _ in site] for site in layout]
    results: dict = {"sites": sites, "per_site": per_site, "documents": docs_total, "pages": pages_total, "runs": runs}
    with SimFarm(sim) as farm:
        config = work / "sources.yaml"
        config.write_text(config_text([s.url for s in farm.sites]))
        config0 = work / "sources-recheck0.yaml"
        config0.write_text(config_text([s.url for s in farm.sites], recheck_days=0))

        # 1. cold: a fresh data directory each run
        cold: list[ChildRun] = []
        for r in range(cold_runs):
            data = work / f"cold{r}"
            farm.reset_tallies()
            cold.append(run_pass(work, config, data, args.workers))
            stored = count_stored(data, config)
            assert stored == (docs_total, docs_total), f"cold pass stored {stored}, expected {docs_total} docs/versions"
            assert farm.total("document", 200) == docs_total, farm.total("document", 200)
            print(f"  cold run {r + 1}: {cold[-1].seconds:.1f} s, peak tree RSS {cold[-1].peak_tree_rss_mb:.0f} MB", flush=True)
        secs = Stat([c.seconds for c in cold])
        results["cold"] = {
            "seconds": secs.values,
            "docs_per_s": [docs_total / s for s in secs.values],
            "pages_per_s": [pages_total / s for s in secs.values],
            "peak_tree_rss_mb": [c.peak_tree_rss_mb for c in cold],
        }

        # 2. warm: nothing changed, on the first cold run's data
        base = work / "cold0"
        warm: list[ChildRun] = []
        warm_requests = []
        for r in range(runs):
            farm.reset_tallies()
            warm.append(run_pass(work, config, base, args.workers))
            t = farm.sites[0].tally
            warm_requests.append(
                {
                    "listing": farm.total("listing"),
                    "listing_304": farm.total("listing", 304),
                    "document": farm.total("document"),
                    "robots": farm.total("robots"),
                    "bytes": farm.bytes_for("report-monitor"),
                }
            )
            del t
            print(f"  warm run {r + 1}: {warm[-1].seconds:.2f} s, requests {warm_requests[-1]}", flush=True)
        results["warm"] = {"seconds": [w.seconds for w in warm], "requests": warm_requests,
                           "peak_tree_rss_mb": [w.peak_tree_rss_mb for w in warm]}

        # 3a. incremental: 1% new documents (default cadence: known documents not re-requested)
        new_count = max(1, docs_total // 100)
        extra_dir = OUT / "corpus-extra"
        extra_dir.mkdir(parents=True, exist_ok=True)
        incr: list[ChildRun] = []
        incr_req = []
        for r in range(runs):
            data = work / f"incr{r}"
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(base, data)
            added = []
            for n in range(new_count):
                site = n % sites
                doc_id = f"new{r}-{n:03d}"
                path = extra_dir / f"{doc_id}.pdf"
                if not path.is_file():
                    write_pdf(path, doc_id, 25, 900000 + r * 1000 + n)
                added.append((site, SimDocument(doc_id, f"New report {doc_id}", path)))
            for i, site in enumerate(farm.sites):
                site.set_documents(sim[i] + [d for s, d in added if s == i])
            farm.reset_tallies()
            incr.append(run_pass(work, config, data, args.workers))
            incr_req.append({"document": farm.total("document"), "listing": farm.total("listing")})
            assert farm.total("document", 200) == new_count, farm.total("document", 200)
            print(f"  incremental (1% new) run {r + 1}: {incr[-1].seconds:.2f} s {incr_req[-1]}", flush=True)
        for i, site in enumerate(farm.sites):
            site.set_documents(sim[i])
        results["incremental_new"] = {"new": new_count, "seconds": [c.seconds for c in incr], "requests": incr_req}

        # 3b. incremental: 1% changed, found by the recheck (recheck_days 0: every known
        # document is asked again with If-None-Match)
        changed: list[ChildRun] = []
        changed_req = []
        for r in range(runs):
            data = work / f"chg{r}"
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(base, data)
            originals = {}
            for n in range(new_count):
                site = (n * 7) % sites
                doc = sim[site][(n * 13) % per_site]
                originals[doc.path] = doc.path.read_bytes()
                write_pdf(doc.path, doc.doc_id + " revised", 25, 800000 + r * 1000 + n)
            farm.reset_tallies()
            try:
                changed.append(run_pass(work, config0, data, args.workers))
            finally:
                for path, body in originals.items():
                    path.write_bytes(body)
                    # a fresh mtime so the server's ETag cache notices the restore
                    time.sleep(0.001)
            changed_req.append(
                {"document_200": farm.total("document", 200), "document_304": farm.total("document", 304)}
            )
            assert farm.total("document", 200) == len(originals), changed_req[-1]
            print(f"  incremental (1% changed, recheck all) run {r + 1}: {changed[-1].seconds:.2f} s {changed_req[-1]}",
                  flush=True)
        results["incremental_changed"] = {"changed": new_count, "seconds": [c.seconds for c in changed],
                                          "requests": changed_req}
    (OUT / "bench_pass.json").write_text(json.dumps(results, indent=2))
    print(report(results))
    return results


def report(r: dict) -> str:
    """The Markdown table for docs/BENCHMARKS.md."""
    cold, warm = r["cold"], r["warm"]
    wr = warm["requests"][-1]
    rows = [
        ["cold pass (all new)", Stat(cold["seconds"]).fmt(" s"),
         f"{Stat(cold['docs_per_s']).fmt(digits=1)} docs/s, {Stat(cold['pages_per_s']).fmt(digits=0)} pages/s",
         Stat(cold["peak_tree_rss_mb"]).fmt(" MB", 0)],
        ["warm pass (nothing changed)", Stat(warm["seconds"]).fmt(" s"),
         f"{wr['listing']} listing requests ({wr['listing_304']} answered 304), {wr['document']} document requests, "
         f"{wr['robots']} robots.txt, {wr['bytes']} bytes sent", Stat(warm["peak_tree_rss_mb"]).fmt(" MB", 0)],
        [f"incremental: {r['incremental_new']['new']} new (1%)", Stat(r["incremental_new"]["seconds"]).fmt(" s"),
         f"{r['incremental_new']['requests'][-1]['document']} document requests", ""],
        [f"incremental: {r['incremental_changed']['changed']} changed (1%), recheck_days 0",
         Stat(r["incremental_changed"]["seconds"]).fmt(" s"),
         f"{r['incremental_changed']['requests'][-1]['document_200']} downloads, "
         f"{r['incremental_changed']['requests'][-1]['document_304']} answered 304", ""],
    ]
    head = (f"{r['sites']} sources x {r['per_site']} PDFs = {r['documents']} documents, {r['pages']} pages; "
            f"median (min–max) of {len(cold['seconds'])} cold runs and {r['runs']} of each other pass\n\n")
    return head + table(rows, ["pass", "wall time", "throughput / requests", "peak RSS, process tree"])


if __name__ == "__main__":
    main()
