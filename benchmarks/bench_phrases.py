"""Phrase detection against extraction, CPU time per page on generated 30-page reports
(the goal: detection at most a third of extraction).

    python -m benchmarks.bench_phrases [--docs N]
"""

from __future__ import annotations

import argparse
import time

from benchmarks.common import OUT, write_pdf


def main(argv: list[str] | None = None) -> dict:
    from monitor.detect.phrases import DEFAULT_PHRASES, find_phrases
    from monitor.extract.pool import extract_here

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2 documents")
    args = parser.parse_args(argv)
    if args.quick:
        args.docs = 2
    folder = OUT / "phrases"
    folder.mkdir(parents=True, exist_ok=True)
    docs, extract_cpu = [], 0.0
    extract_here(write_or_get(folder, 0), "application/pdf")  # first-call imports not counted
    for i in range(args.docs):
        started = time.process_time()
        docs.append(extract_here(write_or_get(folder, i), "application/pdf").pages)
        extract_cpu += time.process_time() - started
    pages = sum(len(d) for d in docs)
    started = time.process_time()
    for doc in docs:
        find_phrases(doc, DEFAULT_PHRASES)
    detect_cpu = time.process_time() - started
    result = {"pages": pages, "extract_ms_per_page": extract_cpu / pages * 1000, "detect_ms_per_page": detect_cpu / pages * 1000}
    result["ratio"] = result["detect_ms_per_page"] / result["extract_ms_per_page"]
    print(f"{pages} pages: extraction {result['extract_ms_per_page']:.2f} ms/page, phrase detection "
          f"{result['detect_ms_per_page']:.2f} ms/page, ratio {result['ratio']:.2f} (goal <= 0.33)")
    return result


def report(r: dict) -> str:
    """One line for docs/BENCHMARKS.md."""
    return (f"{r['pages']} generated pages: extraction {r['extract_ms_per_page']:.2f} ms/page, phrase detection "
            f"{r['detect_ms_per_page']:.2f} ms/page (CPU), ratio {r['ratio']:.2f} (goal <= 0.33)")


def write_or_get(folder, i: int):  # type: ignore[no-untyped-def]
    path = folder / f"report{i}.pdf"
    if not path.is_file():
        write_pdf(path, f"report{i}", 30, i)
    return path


if __name__ == "__main__":
    main()
