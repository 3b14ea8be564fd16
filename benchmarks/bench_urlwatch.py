"""Benchmark 6: side by side with urlwatch on the same 20 listing pages.

urlwatch (thp/urlwatch, installed from PyPI into its own venv under benchmarks/out/) watches
the 20 simulated listing pages and every PDF they link, one job each (so both tools watch the
same thing); report-monitor watches the same pages as `kind: page` sources, downloading and
reading the 50 PDFs each one links on its first pass. Cold pass = empty state, warm pass =
nothing changed. Bytes are counted by the server per client (User-Agent), so each tool is
charged only for what it asked for.

The floor (benchmarks/floor.py) is measured in the same run: a Python process that imports
requests and makes the same 20 conditional listing GETs, and nothing else.

    python -m benchmarks.bench_urlwatch [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
import urllib.request

from benchmarks.bench_pass import config_text
from benchmarks.common import OUT, Stat, corpus, monitor_cmd, run_child, table
from benchmarks.simserver import SimDocument, SimFarm

VENV = OUT / "urlwatch-venv"


def install_urlwatch() -> tuple[str | None, str | None]:
    """(path to the urlwatch command, error text) — installed once into its own venv."""
    exe = VENV / "bin" / "urlwatch"
    if exe.is_file():
        return str(exe), None
    try:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, capture_output=True, text=True, timeout=300)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "urlwatch"], check=True, capture_output=True, text=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        return None, f"{exc}: {getattr(exc, 'stderr', '') or ''}"[-2000:]
    return str(exe), None


def urlwatch_version(exe: str) -> str:
    return subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="20 listings of 5 documents, 2 runs")
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args(argv)
    per_site = 5 if args.quick else 50
    runs = args.runs or (2 if args.quick else 3)
    exe, error = install_urlwatch()
    results: dict = {"per_site": per_site, "runs": runs}
    if exe is None:
        results["error"] = error
        print(f"urlwatch could not be installed:\n{error}")
        (OUT / "bench_urlwatch.json").write_text(json.dumps(results, indent=2))
        return results
    results["urlwatch_version"] = urlwatch_version(exe)
    layout = corpus(20, 50)
    sim = [[SimDocument(doc_id, title, path) for doc_id, title, path, _ in site[:per_site]] for site in layout]
    work = OUT / "urlwatch"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    with SimFarm(sim) as farm:
        urls = work / "urls.yaml"
        jobs = []
        for i, site in enumerate(farm.sites):
            jobs.append(f"name: site-{i:02d}\nurl: \"{site.url}/reports\"")
            jobs += [f"name: site-{i:02d}-{d.doc_id}\nurl: \"{site.url}/files/{d.doc_id}.pdf\"" for d in sim[i]]
        urls.write_text("\n---\n".join(jobs) + "\n")
        config = work / "sources.yaml"
        config.write_text(config_text([s.url for s in farm.sites]))

        def urlwatch_pass(cache: str) -> float:
            started = time.perf_counter()
            done = subprocess.run(
                [exe, "--urls", str(urls), "--config", str(work / "urlwatch.yaml"), "--cache", cache],
                capture_output=True, text=True, timeout=600,
            )
            seconds = time.perf_counter() - started
            if done.returncode != 0:
                raise SystemExit(f"urlwatch failed: {done.stderr[-2000:]}")
            return seconds

        def measure(family: str, cold, warm) -> dict:  # type: ignore[no-untyped-def]
            out = {"cold_s": [], "warm_s": [], "cold_bytes": 0, "warm_bytes": 0, "cold_requests": 0, "warm_requests": 0}
            for r in range(runs):
                farm.reset_tallies()
                out["cold_s"].append(cold(r))
                out["cold_bytes"], out["cold_requests"] = farm.bytes_for(family), farm.requests_for(family)
                farm.reset_tallies()
                out["warm_s"].append(warm(r))
                out["warm_bytes"], out["warm_requests"] = farm.bytes_for(family), farm.requests_for(family)
                print(f"  {family} run {r + 1}: cold {out['cold_s'][-1]:.2f} s, warm {out['warm_s'][-1]:.2f} s, "
                      f"{out['cold_bytes']} / {out['warm_bytes']} bytes", flush=True)
            return out

        results["urlwatch"] = measure(
            "urlwatch",
            lambda r: urlwatch_pass(str(work / f"uw-cache-{r}.db")),
            lambda r: urlwatch_pass(str(work / f"uw-cache-{r}.db")),
        )

        def monitor_pass(r: int) -> float:
            result = run_child(
                monitor_cmd("run", "--config", str(config), "--quiet"), env={"MONITOR_DATA_DIR": str(work / f"mon-{r}")}
            )
            if result.code != 0:
                raise SystemExit(f"monitor run failed: {result.stdout[-1000:]} {result.stderr[-2000:]}")
            return result.seconds

        results["monitor"] = measure("report-monitor", monitor_pass, monitor_pass)
        results["floor"] = measure_floor(farm, work, runs)
    (OUT / "bench_urlwatch.json").write_text(json.dumps(results, indent=2))
    print(report(results))
    return results


def measure_floor(farm: SimFarm, work, runs: int) -> dict:  # type: ignore[no-untyped-def]
    """Seconds of benchmarks/floor.py over the farm's listings, and the requests it made."""
    pairs = []
    for site in farm.sites:
        with urllib.request.urlopen(f"{site.url}/reports") as answer:
            pairs.append([f"{site.url}/reports", answer.headers["ETag"]])
    jobs = work / "floor-jobs.json"
    jobs.write_text(json.dumps(pairs))
    seconds = []
    for _ in range(runs):
        farm.reset_tallies()
        result = run_child([sys.executable, "-m", "benchmarks.floor", str(jobs)])
        if result.code != 0:
            raise SystemExit(f"floor failed ({result.code}): {result.stderr[-2000:]}")
        seconds.append(result.seconds)
        print(f"  floor: {seconds[-1]:.3f} s, {farm.requests_for('other')} requests", flush=True)
    return {"warm_s": seconds, "warm_requests": farm.requests_for("other")}


def report(r: dict) -> str:
    """The Markdown table for docs/BENCHMARKS.md."""
    if "error" in r:
        return f"urlwatch could not be installed here:\n\n```\n{r['error']}\n```"
    u, m = r["urlwatch"], r["monitor"]
    rows = []
    for label, key, bkey, qkey in (("cold", "cold_s", "cold_bytes", "cold_requests"), ("warm", "warm_s", "warm_bytes", "warm_requests")):
        us, ms = Stat(u[key]), Stat(m[key])
        ratio_b = f"{m[bkey] / u[bkey]:.1f}x" if u[bkey] else ("0 = 0" if not m[bkey] else "∞")
        rows.append([label, us.fmt(" s"), ms.fmt(" s"), f"{ms.median / us.median:.1f}x", f"{u[qkey]} / {u[bkey]:,} B",
                     f"{m[qkey]} / {m[bkey]:,} B", ratio_b])
    head = (f"{r['urlwatch_version'].splitlines()[0]} (20 listings + every PDF as a job) vs report-monitor on 20 "
            f"listing pages of {r['per_site']} PDFs each; median (min–max) of {r['runs']} runs; requests / bytes "
            "counted at the server\n\n")
    tail = ""
    if "floor" in r:
        floor, warm_m, warm_u = Stat(r["floor"]["warm_s"]), Stat(m["warm_s"]), Stat(u["warm_s"])
        tail = (f"\n\nWarm pass: urlwatch / report-monitor = **{warm_u.median / warm_m.median:.1f}x** (goal >= 8x); "
                f"floor (Python + requests + {r['floor']['warm_requests']} conditional GETs) {floor.fmt(' s', 3)}; "
                f"report-monitor / floor = **{warm_m.median / floor.median:.2f}x** (goal <= 2x)")
    return head + tail.strip() + "\n\n" * bool(tail) + table(rows, ["pass", "urlwatch wall", "report-monitor wall", "time ratio (monitor/urlwatch)",
                               "urlwatch requests / bytes", "report-monitor requests / bytes", "bytes ratio"])


if __name__ == "__main__":
    main()
