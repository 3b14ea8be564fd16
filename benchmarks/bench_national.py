"""The national benchmark: the real `monitor` command over 150 and 600 simulated councils.

Each council is one simulated publisher (benchmarks/simserver.py) on its own loopback address
127.0.x.y (Linux routes all of 127/8 to the loopback interface), listing 20 text PDFs of 5–20
pages of report-like prose (about 3,000 characters a page), generated once with fixed seeds
and cached under benchmarks/out/national-corpus/. sources.yaml has one `page` source per
council with `council:` set to a council of the registry, so the site has a page per council
(the registry knows 317 councils: past that, councils have a second source).

For each size, every figure from one run of the real command in a child process (wall time
and the peak RSS of its process tree):

- cold pass at `per_host_delay: 0`, and at the default politeness (5 s; 1 s with --quick),
  next to its politeness bound: the busiest host's requests x the delay (a pass cannot be
  faster without asking a host more often). A polite pass that would take more than
  --polite-limit seconds is stopped once its projected length (from the share of requests
  served so far) is clear, and the projection is reported instead;
- warm pass, nothing changed: requests the simulator counted and how many answered 304;
- a pass finding 10 new documents (one each in 10 councils), with the site update's own time
  when the monitor records it (`site-state.json`);
- `monitor site` alone (a full rebuild), the store's size on disk, and `monitor search`
  latency (start-up included; median over a few queries).

    python -m benchmarks.bench_national [--quick] [--sizes 150,600] [--docs 20] [--workers N]
        [--delay S] [--polite-limit S] [--new N]

`--workers` is passed to `monitor run` only when given here; otherwise the monitor chooses.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from benchmarks.common import OUT, ChildRun, monitor_cmd, run_child, table, write_pdf
from benchmarks.simserver import SharedLoopFarm, SimDocument

SIZES = (150, 600)
QUICK_SIZES = (10, 40)
DOCS = 20
QUICK_DOCS = 3
DELAY = 5.0
QUICK_DELAY = 1.0
POLITE_LIMIT = 600.0
QUICK_POLITE_LIMIT = 15.0
NEW = 10
#: `monitor search` arguments; "{council}" is the first simulated council's code
SEARCHES = [['"social care"'], ["safeguarding"], ["assess*"], ['"quality assurance" AND casework', "--council", "{council}"]]
#: --quick: a phrase and a query narrowed to one council (each search is a command's start-up)
QUICK_SEARCHES = [SEARCHES[0], SEARCHES[3]]


def address(index: int) -> str:
    """The loopback address of council `index`: 127.0.1.1, 127.0.1.2, ... 127.0.1.250, 127.0.2.1, ..."""
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


def _write_job(job: tuple[str, str, int, int]) -> None:
    path, label, pages, seed = job
    if not Path(path).is_file():
        write_pdf(Path(path), label, pages, seed)


def council_documents(root: Path, council: int, first: int, count: int, prefix: str = "d") -> list[tuple[str, Path, int, int]]:
    """(doc id, path, pages, seed) of documents first..first+count of a council: each document's
    pages and text come from its own seed, so any size of the benchmark reuses the same files."""
    docs = []
    for d in range(first, first + count):
        seed = 7_000_000 + council * 1000 + d + (500 if prefix != "d" else 0)
        pages = random.Random(seed).randint(5, 20)
        doc_id = f"c{council:03d}-{prefix}{d:02d}"
        docs.append((doc_id, root / f"c{council:03d}" / f"{doc_id}.pdf", pages, seed))
    return docs


def generate(docs: list[tuple[str, Path, int, int]]) -> None:
    """Write the PDFs not yet on disk, on every core."""
    missing = [(str(path), doc_id, pages, seed) for doc_id, path, pages, seed in docs if not path.is_file()]
    if not missing:
        return
    for _, path, _, _ in docs:
        path.parent.mkdir(parents=True, exist_ok=True)
    print(f"  generating {len(missing)} PDFs (once) ...", flush=True)
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(_write_job, missing, chunksize=8))


def council_codes(count: int) -> list[str]:
    """A registry code per simulated council, in the registry's order, round again past its end."""
    from monitor.registry import councils

    known = [c.code for c in councils()]
    return [known[i % len(known)] for i in range(count)]


def config_text(urls: list[str], codes: list[str], delay: float) -> str:
    """sources.yaml: one `page` source per council, naming the council."""
    sources = "".join(
        f"""  - name: council-{i:03d}
    kind: page
    url: {url}/reports
    links: "li.report a[href]"
    include: '\\.pdf$'
    council: {code}
"""
        for i, (url, code) in enumerate(zip(urls, codes, strict=True))
    )
    return f"""settings:
  per_host_delay: {delay:g}
  retries: 1
  retry_backoff: 0.01
  timeout: 30
sources:
{sources}"""


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6 if path.exists() else 0.0


def store_size(data: Path) -> dict:
    """The store on disk: the database (with its journal) and everything else but the site."""
    db = sum(p.stat().st_size for p in data.glob("monitor.db*")) / 1e6
    others = sum(folder_mb(p) for p in data.iterdir() if p.is_dir() and p.name != "site")
    return {"db_mb": round(db, 1), "blobs_mb": round(others, 1), "total_mb": round(db + others, 1)}


def last_build(data: Path) -> dict | None:
    """What the site update of the last pass recorded about itself, when the monitor writes it."""
    state = data / "site-state.json"
    if not state.is_file():
        return None
    try:
        return json.loads(state.read_text()).get("last_build")
    except (OSError, ValueError):
        return None


def site_full_flag() -> list[str]:
    """`--full` when `monitor site` has it (a full rebuild once the site updates incrementally)."""
    out = subprocess.run(monitor_cmd("site", "--help"), capture_output=True, text=True, check=True).stdout
    return ["--full"] if "--full" in out else []


class Bench:
    """One size: the farm, its configurations and the runs of the command against it."""

    def __init__(self, farm: SharedLoopFarm, work: Path, workers: int | None):
        self.farm, self.work, self.workers = farm, work, workers

    def run(self, config: Path, data: Path, *args: str, give_up=None) -> ChildRun:  # type: ignore[no-untyped-def]
        extra = ["--workers", str(self.workers)] if self.workers and args[:1] == ("run",) else []
        result = run_child(monitor_cmd(*args, "--config", str(config), *extra, "--quiet"),
                           env={"MONITOR_DATA_DIR": str(data)}, give_up=give_up)
        if not result.stopped and result.code != 0:
            raise SystemExit(f"monitor {args[0]} failed ({result.code}):\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
        return result

    def requests(self) -> dict:
        farm = self.farm
        return {"total": farm.total(), "answered_304": farm.total(status=304), "listing": farm.total("listing"),
                "document": farm.total("document"), "document_200": farm.total("document", 200),
                "robots": farm.total("robots"),
                "busiest_host": max(site.tally.total() for site in farm.sites)}


def measure_size(councils: int, docs: int, args: argparse.Namespace, corpus_root: Path, work: Path) -> dict:
    """Every scenario at one size."""
    layout = [council_documents(corpus_root, c, 0, docs) for c in range(councils)]
    new_count = min(args.new, councils)
    with_new = [c * councils // new_count for c in range(new_count)]
    added = {c: council_documents(corpus_root, c, 0, 1, prefix="n")[0] for c in with_new}
    generate([d for council in layout for d in council] + list(added.values()))
    pages = sum(p for council in layout for _, _, p, _ in council)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    sim = [[SimDocument(doc_id, f"Inspection report {doc_id}", path) for doc_id, path, _, _ in council]
           for council in layout]
    result: dict = {"councils": councils, "per_council": docs, "documents": councils * docs, "pages": pages,
                    "delay": args.delay, "new_documents": new_count}
    print(f"== {councils} councils x {docs} PDFs ({pages} pages)", flush=True)
    with SharedLoopFarm(sim, hosts=[address(i) for i in range(councils)]) as farm:
        bench = Bench(farm, work, args.workers)
        urls, codes = [s.url for s in farm.sites], council_codes(councils)
        config0, polite = work / "sources.yaml", work / "sources-polite.yaml"
        config0.write_text(config_text(urls, codes, 0))
        polite.write_text(config_text(urls, codes, args.delay))
        data = work / "data"

        # (a) cold, no politeness delay
        cold = bench.run(config0, data, "run")
        cold_req = bench.requests()
        # every document fetched once (and the warm pass below asks for none: all were stored)
        assert cold_req["document_200"] == councils * docs, cold_req
        result["cold"] = {"seconds": cold.seconds, "peak_rss_mb": cold.peak_tree_rss_mb, "requests": cold_req}
        print(f"  cold, delay 0: {cold.seconds:.1f} s, peak {cold.peak_tree_rss_mb:.0f} MB, {cold_req['total']} requests",
              flush=True)
        # (f) the store, as the cold pass left it
        result["store"] = store_size(data)

        # (b) cold at the default politeness, stopped when it would clearly overrun the limit
        if args.polite_limit > 0:
            farm.reset_tallies()
            expected = cold_req["total"]

            first: list[float] = []  # when the first request arrived: start-up is not part of the rate

            def projection(seconds: float) -> float:
                served = farm.total()
                if served and not first:
                    first.append(seconds)
                if not served or seconds <= first[0]:
                    return seconds
                return first[0] + (seconds - first[0]) * expected / served

            def give_up(seconds: float) -> bool:
                if seconds > args.polite_limit:
                    return True
                projected = projection(seconds)
                return seconds >= min(30.0, args.polite_limit / 4) and projected > args.polite_limit

            polite_data = work / "data-polite"
            run = bench.run(polite, polite_data, "run", give_up=give_up)
            served = farm.total()
            bound = cold_req["busiest_host"] * args.delay
            seconds = projection(run.seconds) if run.stopped else run.seconds
            result["polite"] = {"seconds": seconds, "stopped": run.stopped, "ran_seconds": run.seconds,
                                "served": served, "expected": expected, "bound_seconds": bound,
                                "peak_rss_mb": run.peak_tree_rss_mb}
            shutil.rmtree(polite_data, ignore_errors=True)
            print(f"  cold, delay {args.delay:g}: {'projected ' if run.stopped else ''}{seconds:.0f} s "
                  f"(bound {bound:.0f} s){f', stopped after {run.seconds:.0f} s' if run.stopped else ''}", flush=True)

        # (c) warm, nothing changed
        farm.reset_tallies()
        warm = bench.run(config0, data, "run")
        warm_req = bench.requests()
        result["warm"] = {"seconds": warm.seconds, "peak_rss_mb": warm.peak_tree_rss_mb, "requests": warm_req,
                          "ms_per_source": warm.seconds * 1000 / councils}
        print(f"  warm: {warm.seconds:.2f} s, {warm_req['total']} requests ({warm_req['answered_304']} answered 304)",
              flush=True)

        # (d) a pass finding new documents, one in each of `new_count` councils
        for c, (doc_id, path, _, _) in added.items():
            farm.sites[c].set_documents(sim[c] + [SimDocument(doc_id, f"Inspection report {doc_id}", path)])
        farm.reset_tallies()
        new = bench.run(config0, data, "run")
        new_req = bench.requests()
        assert new_req["document_200"] == new_count, new_req
        result["new"] = {"seconds": new.seconds, "peak_rss_mb": new.peak_tree_rss_mb, "requests": new_req,
                         "site": last_build(data)}
        site_took = f"{result['new']['site']['seconds']:.2f} s" if result["new"]["site"] else "n/a"
        print(f"  {new_count} new: {new.seconds:.2f} s, peak {new.peak_tree_rss_mb:.0f} MB, site update {site_took}",
              flush=True)

        # (e) the site alone, a full rebuild
        site = bench.run(config0, data, "site", *site_full_flag())
        result["site"] = {"seconds": site.seconds, "peak_rss_mb": site.peak_tree_rss_mb,
                          "site_mb": round(folder_mb(data / "site"), 1)}
        print(f"  monitor site: {site.seconds:.2f} s, peak {site.peak_tree_rss_mb:.0f} MB", flush=True)

    # (g) search, start-up included (the farm is no longer needed)
    searches = []
    for words in QUICK_SEARCHES if args.quick else SEARCHES:
        query = [w.format(council=codes[0]) for w in words]
        run = bench.run(config0, data, "search", *query, "--json")
        searches.append({"query": " ".join(query), "seconds": run.seconds, "hits": len(json.loads(run.stdout))})
    result["search"] = {"queries": searches, "median_seconds": statistics.median(s["seconds"] for s in searches)}
    print(f"  search: median {result['search']['median_seconds']:.2f} s over {len(searches)} queries", flush=True)
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help=f"{' and '.join(map(str, QUICK_SIZES))} councils x {QUICK_DOCS} PDFs, polite delay "
                             f"{QUICK_DELAY:g} s stopped past {QUICK_POLITE_LIMIT:g} s")
    parser.add_argument("--sizes", help=f"comma-separated numbers of councils (default {','.join(map(str, SIZES))})")
    parser.add_argument("--docs", type=int, help=f"PDFs per council (default {DOCS}; {QUICK_DOCS} with --quick)")
    parser.add_argument("--workers", type=int, help="passed to `monitor run --workers` (default: the monitor chooses)")
    parser.add_argument("--delay", type=float, help=f"per_host_delay of the polite pass (default {DELAY:g})")
    parser.add_argument("--polite-limit", type=float,
                        help=f"stop the polite pass once it would take longer than this many seconds and report "
                             f"its projection (default {POLITE_LIMIT:g}; 0 skips it)")
    parser.add_argument("--new", type=int, default=NEW, help=f"new documents in the incremental pass (default {NEW})")
    parser.add_argument("--work", type=Path, help="working folder (default benchmarks/out/national)")
    parser.add_argument("--corpus", type=Path, help="where the PDFs are cached (default benchmarks/out/national-corpus)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(QUICK_SIZES if args.quick else SIZES)
    docs = args.docs or (QUICK_DOCS if args.quick else DOCS)
    args.delay = args.delay if args.delay is not None else (QUICK_DELAY if args.quick else DELAY)
    if args.polite_limit is None:
        args.polite_limit = QUICK_POLITE_LIMIT if args.quick else POLITE_LIMIT
    work = args.work or OUT / "national"
    corpus_root = args.corpus or OUT / "national-corpus"
    results: dict = {"sizes": {}, "per_council": docs, "delay": args.delay, "polite_limit": args.polite_limit,
                     "workers": args.workers, "quick": args.quick}
    for councils in sizes:
        results["sizes"][str(councils)] = measure_size(councils, docs, args, corpus_root, work / str(councils))
    work.mkdir(parents=True, exist_ok=True)
    (work / "bench_national.json" if args.work else OUT / "bench_national.json").write_text(json.dumps(results, indent=2))
    print(report(results))
    return results


def _polite(p: dict | None) -> str:
    if not p:
        return "not run"
    if p["stopped"]:
        return (f"≈{p['seconds']:.0f} s projected (stopped after {p['ran_seconds']:.0f} s, "
                f"{p['served']} of {p['expected']} requests served)")
    return f"{p['seconds']:.1f} s"


def _size_rows(r: dict) -> list[list[str]]:
    cold, warm, new, site, store = r["cold"], r["warm"], r["new"], r["site"], r["store"]
    polite = r.get("polite")
    wr = warm["requests"]
    built = new["site"]
    rows = [
        ["cold, `per_host_delay: 0`", f"{cold['seconds']:.1f} s", f"{cold['peak_rss_mb']:.0f} MB",
         f"{cold['requests']['total']} requests, {r['pages'] / cold['seconds']:.0f} pages/s"],
        [f"cold, `per_host_delay: {r['delay']:g}`", _polite(polite),
         f"{polite['peak_rss_mb']:.0f} MB" if polite else "",
         (f"politeness bound {polite['bound_seconds']:.0f} s (busiest host {cold['requests']['busiest_host']} requests "
          f"x {r['delay']:g} s): {polite['seconds'] / polite['bound_seconds']:.1f}x the bound") if polite else ""],
        ["warm, nothing changed", f"{warm['seconds']:.2f} s", f"{warm['peak_rss_mb']:.0f} MB",
         f"{wr['total']} requests ({wr['answered_304']} answered 304, {wr['document']} for documents); "
         f"{warm['ms_per_source']:.1f} ms per source"],
        [f"a pass finding {r['new_documents']} new documents", f"{new['seconds']:.2f} s", f"{new['peak_rss_mb']:.0f} MB",
         (f"site update {built['seconds']:.2f} s ({built.get('mode', '?')}, {built.get('pages_written', '?')} pages "
          "written)") if built else "site update: n/a (not recorded by the monitor)"],
        ["`monitor site` alone (full)", f"{site['seconds']:.2f} s", f"{site['peak_rss_mb']:.0f} MB",
         f"site {site['site_mb']:.0f} MB"],
        ["store on disk", f"{store['total_mb']:.0f} MB", "", f"`monitor.db` {store['db_mb']:.0f} MB, "
                                                           f"blobs {store['blobs_mb']:.0f} MB"],
        ["`monitor search` (start-up included)", f"{r['search']['median_seconds']:.2f} s median", "",
         "; ".join(f"`{q['query']}` {q['seconds']:.2f} s, {q['hits']} hits" for q in r["search"]["queries"])],
    ]
    return rows


def _figures(r: dict) -> dict[str, float | None]:
    polite = r.get("polite")
    built = r["new"]["site"]
    return {
        "cold, delay 0: wall": r["cold"]["seconds"],
        "cold, delay 0: peak RSS": r["cold"]["peak_rss_mb"],
        f"cold, delay {r['delay']:g}: wall": polite["seconds"] if polite else None,
        "warm: wall": r["warm"]["seconds"],
        "warm: ms per source": r["warm"]["ms_per_source"],
        "new documents: wall": r["new"]["seconds"],
        "new documents: peak RSS": r["new"]["peak_rss_mb"],
        "new documents: site update": built["seconds"] if built else None,
        "site alone: wall": r["site"]["seconds"],
        "site alone: peak RSS": r["site"]["peak_rss_mb"],
        "store on disk": r["store"]["total_mb"],
        "search: median": r["search"]["median_seconds"],
    }


def report(results: dict) -> str:
    """A Markdown table per size, then how each figure grows from the smallest size to the largest."""
    parts = []
    for size, r in results["sizes"].items():
        parts.append(f"**{size} councils** ({r['documents']} documents, {r['pages']} pages; one loopback host each)\n\n"
                     + table(_size_rows(r), ["pass", "wall / size", "peak RSS, process tree", "detail"]))
    sizes = list(results["sizes"])
    if len(sizes) > 1:
        small, large = results["sizes"][sizes[0]], results["sizes"][sizes[-1]]
        a, b = _figures(small), _figures(large)
        rows = []
        for (name, x), y in zip(a.items(), b.values(), strict=True):
            growth = f"{y / x:.1f}x" if x and y is not None else "n/a"
            rows.append([name, "n/a" if x is None else f"{x:.2f}", "n/a" if y is None else f"{y:.2f}", growth])
        added = int(sizes[-1]) - int(sizes[0])
        marginal = (large["warm"]["seconds"] - small["warm"]["seconds"]) * 1000 / added
        parts.append(f"**Growth** from {sizes[0]} to {sizes[-1]} councils ({int(sizes[-1]) / int(sizes[0]):.0f}x "
                     "the councils; seconds, MB)\n\n" + table(rows, ["figure", sizes[0], sizes[-1], "growth"])
                     + f"\n\nEach source past the first {sizes[0]} added {marginal:.1f} ms to the warm pass "
                     "(the start-up every pass pays left out).")
    return "\n\n".join(parts)


if __name__ == "__main__":
    main()
