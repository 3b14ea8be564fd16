"""The cold pass on 1, 2 and all cores: the real `monitor run` pinned with `taskset` to the
first N CPUs (the extraction pool sizes itself from the CPUs it may use), over the same
20 simulated publishers x 50 PDFs as bench_pass; wall time, pages per second and the peak
RSS of the process tree (the command and its extraction children).

    python -m benchmarks.bench_cores [--quick] [--runs N]

The simulated publishers run in this process, unpinned, so on a small machine they compete
with the pass for the same cores (as in bench_pass).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil

from benchmarks.bench_pass import config_text, count_stored
from benchmarks.common import OUT, Stat, corpus, monitor_cmd, run_child, table
from benchmarks.simserver import SimDocument, SimFarm


def core_counts() -> list[int]:
    """1, 2 and all the CPUs this process may use (each once)."""
    total = len(os.sched_getaffinity(0))
    return sorted({1, min(2, total), total})


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5 sites x 10 documents, 1 run")
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args(argv)
    sites, per_site = (5, 10) if args.quick else (20, 50)
    runs = args.runs or (1 if args.quick else 2)
    layout = corpus(sites, per_site)
    pages = sum(p for site in layout for *_, p in site)
    work = OUT / "cores"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    cpus = sorted(os.sched_getaffinity(0))
    sim = [[SimDocument(doc_id, title, path) for doc_id, title, path, _ in site] for site in layout]
    results: dict = {"sites": sites, "per_site": per_site, "pages": pages, "runs": runs, "cores": {}}
    with SimFarm(sim) as farm:
        config = work / "sources.yaml"
        config.write_text(config_text([s.url for s in farm.sites]))
        for cores in core_counts():
            pin = ",".join(str(c) for c in cpus[:cores])
            seconds, rss = [], []
            for r in range(runs):
                data = work / f"c{cores}-{r}"
                env = {"MONITOR_DATA_DIR": str(data)}
                result = run_child(["taskset", "-c", pin, *monitor_cmd("run", "--config", str(config), "--quiet")], env=env)
                if result.code not in (0, 1):
                    raise SystemExit(f"monitor run failed ({result.code}):\n{result.stderr[-3000:]}")
                stored = count_stored(data, config)
                assert stored == (sites * per_site, sites * per_site), stored
                seconds.append(result.seconds)
                rss.append(result.peak_tree_rss_mb)
                print(f"  {cores} core(s), run {r + 1}: {result.seconds:.1f} s, {pages / result.seconds:.0f} pages/s, "
                      f"peak tree RSS {result.peak_tree_rss_mb:.0f} MB", flush=True)
            results["cores"][str(cores)] = {"seconds": seconds, "pages_per_s": [pages / s for s in seconds],
                                            "peak_tree_rss_mb": rss}
    (OUT / "bench_cores.json").write_text(json.dumps(results, indent=2))
    print(report(results))
    return results


def report(r: dict) -> str:
    """The Markdown table for docs/BENCHMARKS.md."""
    rows = []
    base = None
    for cores, m in r["cores"].items():
        pps = Stat(m["pages_per_s"])
        base = base or pps.median
        rows.append([cores, Stat(m["seconds"]).fmt(" s", 1), pps.fmt(digits=0), f"{pps.median / base:.2f}x",
                     Stat(m["peak_tree_rss_mb"]).fmt(" MB", 0)])
    head = (f"cold pass, {r['sites']} sources x {r['per_site']} PDFs ({r['pages']} pages), `taskset` to N CPUs; "
            f"median (min–max) of {r['runs']} runs\n\n")
    return head + table(rows, ["cores", "wall time", "pages/s", "speed-up", "peak RSS, process tree"])


if __name__ == "__main__":
    main()
