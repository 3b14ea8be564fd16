"""`make bench`: every benchmark in turn; the combined Markdown goes to stdout and to
benchmarks/out/RESULTS.md (docs/BENCHMARKS.md quotes it with the command that produced it).

    python -m benchmarks.run_all [--quick] [--only pass,extract,store,urlwatch,cores,startup,phrases,national]
"""

from __future__ import annotations

import argparse
import platform
import time
from datetime import UTC, datetime

from benchmarks import (
    bench_cores,
    bench_extract,
    bench_national,
    bench_pass,
    bench_phrases,
    bench_startup,
    bench_store,
    bench_urlwatch,
    eval_reading,
)
from benchmarks.common import OUT

BENCHES = {
    "pass": ("1–3. Cold, warm and incremental passes", bench_pass),
    "extract": ("4. Extraction", bench_extract),
    "store": ("5. Scale of the store", bench_store),
    "urlwatch": ("6. Side by side with urlwatch", bench_urlwatch),
    "cores": ("Cold pass on 1, 2 and all cores", bench_cores),
    "startup": ("Start-up", bench_startup),
    "phrases": ("Phrase detection against extraction", bench_phrases),
    "reading": ("Verdicts read right from real documents", eval_reading),
    "national": ("National: 150 and 600 simulated councils", bench_national),
}


def machine() -> str:
    """One line describing where the numbers were measured."""
    import os

    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import importlib.metadata

    import pdfplumber
    import sqlalchemy

    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}; "
        f"pypdfium2 {importlib.metadata.version('pypdfium2')}, pdfplumber {pdfplumber.__version__}, SQLAlchemy {sqlalchemy.__version__}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller corpora and fewer runs (a couple of minutes)")
    parser.add_argument("--only", help="comma-separated subset of: " + ", ".join(BENCHES))
    args = parser.parse_args(argv)
    chosen = args.only.split(",") if args.only else list(BENCHES)
    started = time.perf_counter()
    sections = [
        f"# Benchmark results ({'quick' if args.quick else 'full'})",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
    ]
    for name in chosen:
        title, module = BENCHES[name]
        print(f"== {title}", flush=True)
        section_started = time.perf_counter()
        result = module.main(["--quick"] if args.quick else [])
        sections.append(f"## {title}\n\n{module.report(result) if result else '(no result)'}\n\n"
                        f"({time.perf_counter() - section_started:.0f} s)")
    sections.append(f"Total benchmark time: {time.perf_counter() - started:.0f} s")
    text = "\n\n".join(sections) + "\n"
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "RESULTS.md").write_text(text)
    print("\n" + text)


if __name__ == "__main__":
    main()
