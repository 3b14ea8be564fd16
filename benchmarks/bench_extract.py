"""Benchmark 4: text extraction speed and memory.

Corpora: the twelve real Ofsted reports in ../shared/fixtures/ofsted/reports (skipped with a
note when absent), a generated 300-page cabinet pack and a generated 30-page report.
Methods, each in a fresh child process so its peak RSS (ru_maxrss from wait4) is its own,
timed in steady state (libraries imported, the corpus re-read until 600 pages are done;
pdfplumber reads it once):

  raw-pypdfium2   PdfDocument -> get_text_range per page, nothing else (the floor)
  pypdfium2       monitor.extract.pool.extract_here with pypdfium2 (adds sniffing and normalisation)
  pdfplumber      monitor.extract.pool.extract_here with pdfplumber
  guarded-child   monitor.extract.pool.Extractor: the guarded child a pass uses (JSON protocol,
                  memory cap); the peak shown is the extraction child's (RUSAGE_CHILDREN)

Also: the Ofsted judgement reader's time per report (OfstedSource.read_meta) and the phrase
detector's time per page (monitor.detect.phrases.find_phrases with the default rules),
both in this process on the already-extracted pages.

    python -m benchmarks.bench_extract [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import OUT, PYTHON, ROOT, Stat, prose_line, table

SHARED_OFSTED = ROOT.parent / "shared" / "fixtures" / "ofsted" / "reports"
METHODS = ("raw-pypdfium2", "pypdfium2", "pdfplumber", "guarded-child")
MIN_PAGES = 600


def cabinet_pack(path: Path, pages: int, seed: int) -> Path:
    """A committee-pack-like PDF: agenda headings, prose paragraphs and a table on every 5th page."""
    if path.is_file():
        return path
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pdf = canvas.Canvas(str(tmp), pagesize=A4, invariant=1)
    for number in range(1, pages + 1):
        pdf.setFont("Helvetica-Bold", 12)
        pdf.drawString(50, 800, f"Cabinet - Item {number // 10 + 1}: Report of the Corporate Director")
        pdf.setFont("Helvetica", 9)
        y = 780
        if number % 5 == 0:
            for row in range(25):
                cells = [f"Ward {row}", f"{rng.randint(0, 999)}", rng.choice(["Good", "Requires improvement", "Inadequate"])]
                for col, cell in enumerate(cells):
                    pdf.drawString(50 + col * 150, y, cell)
                y -= 14
        line = 0
        while y > 60:
            pdf.drawString(50, y, prose_line(rng, line))
            line += 1
            y -= 12
        pdf.drawString(290, 30, str(number))
        pdf.showPage()
    pdf.save()
    os.replace(tmp, path)
    return path


def _worker(method: str, files: list[str]) -> None:
    """Child side: extract the files with `method` (steady state); print seconds, pages, child peak."""
    import pdfplumber  # noqa: F401 - imported before the clock starts: a pass's child has them loaded
    import pypdfium2  # noqa: F401

    from monitor.extract.pool import Extractor, extract_here, pdf_pages_pdfium

    paths = [Path(f) for f in files]
    # steady state: the file list is read again until MIN_PAGES pages have been read, so a
    # one-document corpus is not dominated by first-call costs a pass pays once (pdfplumber,
    # 50x slower, reads the list once)
    min_pages = 0 if method == "pdfplumber" else MIN_PAGES
    pages = 0
    if method == "guarded-child":
        extractor = Extractor(timeout=600)
        # a pass keeps one child for all its documents: start it (on another file) before
        # the clock, as a pass has by its second document
        extractor.extract(OUT / "extract" / "warm-up.pdf", "application/pdf", None)
    else:
        extract_here(OUT / "extract" / "warm-up.pdf", "application/pdf", None, "pypdfium2")
    started = time.perf_counter()
    while True:
        for path in paths:
            if method == "raw-pypdfium2":
                pages += len(pdf_pages_pdfium(path))
            elif method == "guarded-child":
                result = extractor.extract(path, "application/pdf", None)
                assert result.error is None, result.error
                pages += len(result.pages)
            else:
                result = extract_here(path, "application/pdf", None, method)
                assert result.error is None, result.error
                pages += len(result.pages)
        if pages >= min_pages:
            break
    seconds = time.perf_counter() - started
    if method == "guarded-child":
        extractor.close()
    # the guarded child has exited and been waited for: its peak is in RUSAGE_CHILDREN
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "pages": pages, "child_peak_mb": child_peak}))


def run_method(method: str, files: list[Path]) -> tuple[float, int, float]:
    """(seconds, pages, peak RSS MB of the child and its children) for one run."""
    proc = subprocess.Popen(
        [PYTHON, "-m", "benchmarks.bench_extract", "--worker", method, *map(str, files)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{method} failed on {files[0].parent}")
    data = json.loads(out)
    if method == "guarded-child":
        # the extraction child is where the document is read; the worker only waits on it
        return data["seconds"], data["pages"], data["child_peak_mb"]
    return data["seconds"], data["pages"], usage.ru_maxrss / 1024


def _page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def ofsted_reader_times(files: list[Path], runs: int) -> tuple[Stat, Stat, int]:
    """Seconds per report for OfstedSource.read_meta and per page for find_phrases."""
    from monitor.detect.phrases import DEFAULT_PHRASES, find_phrases
    from monitor.extract.pool import extract_here
    from monitor.sources.ofsted.source import OfstedSource

    extracted = [(path, extract_here(path, "application/pdf").pages) for path in files]
    pages = sum(len(p) for _, p in extracted)
    reader, phrases = [], []
    for _ in range(runs):
        started = time.perf_counter()
        for path, p in extracted:
            OfstedSource.read_meta(p, path)
        reader.append((time.perf_counter() - started) / len(files))
        started = time.perf_counter()
        for _, p in extracted:
            find_phrases(p, DEFAULT_PHRASES)
        phrases.append((time.perf_counter() - started) / pages)
    return Stat(reader), Stat(phrases), pages


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1 run each, no pdfplumber on the 300-page pack")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args.worker[0], args.worker[1:])
        return {}
    runs = args.runs or (1 if args.quick else 3)
    corpora: dict[str, list[Path]] = {}
    notes = []
    if SHARED_OFSTED.is_dir() and sorted(SHARED_OFSTED.glob("*.pdf")):
        corpora["12 real Ofsted reports"] = sorted(SHARED_OFSTED.glob("*.pdf"))
    else:
        notes.append(f"{SHARED_OFSTED} is absent: the real-report rows are skipped")
    corpora["300-page cabinet pack"] = [cabinet_pack(OUT / "extract" / "cabinet-300-v2.pdf", 300, 300)]
    corpora["30-page report"] = [cabinet_pack(OUT / "extract" / "report-30-v2.pdf", 30, 30)]
    cabinet_pack(OUT / "extract" / "warm-up.pdf", 2, 2)
    results: dict = {"runs": runs, "rows": [], "notes": notes}
    for name, files in corpora.items():
        floor = None
        for method in METHODS:
            if args.quick and method == "pdfplumber" and name.startswith("300"):
                continue
            times, peaks, pages = [], [], 0
            for _ in range(runs):
                seconds, read, peak = run_method(method, files)
                times.append(read / seconds)
                peaks.append(peak)
            pages = sum(_page_count(f) for f in files)
            speed = Stat(times)
            if method == "raw-pypdfium2":
                floor = speed.median
            row = {
                "corpus": name,
                "method": method,
                "pages": pages,
                "pages_per_s": speed.values,
                "of_floor": speed.median / floor if floor else None,
                "peak_rss_mb": peaks,
            }
            results["rows"].append(row)
            print(f"  {name} / {method}: {speed.fmt(' pages/s', 0)}, peak {Stat(peaks).fmt(' MB', 0)}", flush=True)
    if "12 real Ofsted reports" in corpora:
        reader, phrases, pages = ofsted_reader_times(corpora["12 real Ofsted reports"], max(runs, 3))
        results["ofsted_read_meta_ms_per_report"] = [v * 1000 for v in reader.values]
        results["find_phrases_ms_per_page_ofsted"] = [v * 1000 for v in phrases.values]
    pack = [cabinet_pack(OUT / "extract" / "report-30-v2.pdf", 30, 30)]
    _, phrases, _ = ofsted_reader_times(pack, 3)
    results["find_phrases_ms_per_page_generated"] = [v * 1000 for v in phrases.values]
    (OUT / "bench_extract.json").write_text(json.dumps(results, indent=2))
    print(report(results))
    return results


def report(r: dict) -> str:
    """The Markdown table for docs/BENCHMARKS.md."""
    rows = []
    for row in r["rows"]:
        rows.append(
            [
                row["corpus"],
                row["method"],
                str(row["pages"]),
                Stat(row["pages_per_s"]).fmt(digits=0),
                f"{row['of_floor'] * 100:.0f}%" if row["of_floor"] else "",
                Stat(row["peak_rss_mb"]).fmt(digits=0),
            ]
        )
    text = f"median (min–max) of {r['runs']} runs, each in a fresh process\n\n" + table(
        rows, ["corpus", "method", "pages", "pages/s", "of raw pypdfium2", "peak RSS MB"]
    )
    if "ofsted_read_meta_ms_per_report" in r:
        text += (
            f"\n\nOfsted judgement reader (OfstedSource.read_meta): "
            f"{Stat(r['ofsted_read_meta_ms_per_report']).fmt(' ms', 2)} per report"
            f"\n\nPhrase detection (find_phrases, default rules): "
            f"{Stat(r['find_phrases_ms_per_page_ofsted']).fmt(' ms', 2)} per page on the real Ofsted reports"
        )
    text += (
        f", {Stat(r['find_phrases_ms_per_page_generated']).fmt(' ms', 2)} per page on the generated 30-page report"
    )
    for note in r["notes"]:
        text += f"\n\nNote: {note}"
    return text


if __name__ == "__main__":
    sys.exit(0 if main() is not None else 1)
