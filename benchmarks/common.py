"""Shared pieces of the benchmarks: the generated corpus, timing statistics, and running the
real `monitor` command in a child process while sampling the memory of its process tree."""

from __future__ import annotations

import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
PYTHON = sys.executable

WORDS = (
    "council children services inspection leadership practice improvement families social care "
    "safeguarding partnership outcomes quality assurance workforce placement review casework "
    "management oversight support planning assessment decision evidence audit report findings"
).split()


@dataclass
class Stat:
    """Median, minimum and maximum of repeated measurements."""

    values: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def max(self) -> float:
        return max(self.values)

    def fmt(self, unit: str = "", digits: int = 2) -> str:
        """'median (min–max) unit'."""
        return f"{self.median:.{digits}f} ({self.min:.{digits}f}–{self.max:.{digits}f}){unit}"


def prose_line(rng: random.Random, index: int) -> str:
    """One line of report-like prose; every sixth line is short, ending a paragraph, as in real
    reports (a page-long paragraph would be unrealistically hard on sentence splitting)."""
    words = 4 if index % 6 == 5 else 12
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def page_text(rng: random.Random, doc_label: str, page: int) -> list[str]:
    """About 40 lines of report-like prose for one page, in paragraphs of six lines."""
    return [f"{doc_label} - page {page}"] + [prose_line(rng, i) for i in range(40)]


def write_pdf(path: Path, label: str, pages: int, seed: int) -> None:
    """A text PDF of `pages` pages (reportlab), written atomically."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    tmp = path.with_suffix(".tmp")
    pdf = canvas.Canvas(str(tmp), pagesize=A4, invariant=1)
    pdf.setTitle(label)
    for number in range(1, pages + 1):
        text = pdf.beginText(50, 800)
        text.setFont("Helvetica", 9)
        for line in page_text(rng, label, number):
            text.textLine(line)
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()
    os.replace(tmp, path)


def _write_job(job: tuple[str, str, int, int]) -> int:
    path, label, pages, seed = job
    if not Path(path).is_file():
        write_pdf(Path(path), label, pages, seed)
    return pages


def corpus(sites: int = 20, per_site: int = 50, *, root: Path | None = None) -> list[list[tuple[str, str, Path, int]]]:
    """The generated PDFs (made once, then reused): per site, (doc id, title, path, pages).

    Page counts are drawn uniformly from 10–40 with a fixed seed, so every run of the
    benchmark reads the same 1,000 documents.
    """
    root = root or OUT / "corpus-v2"
    rng = random.Random(20260101)
    layout: list[list[tuple[str, str, Path, int]]] = []
    jobs = []
    for s in range(sites):
        folder = root / f"site{s:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        docs = []
        for d in range(per_site):
            pages = rng.randint(10, 40)
            doc_id = f"s{s:02d}-d{d:03d}"
            path = folder / f"{doc_id}.pdf"
            docs.append((doc_id, f"Inspection report {doc_id}", path, pages))
            jobs.append((str(path), doc_id, pages, s * 1000 + d))
        layout.append(docs)
    missing = [j for j in jobs if not Path(j[0]).is_file()]
    if missing:
        print(f"  generating {len(missing)} PDFs under {root} (once) ...", flush=True)
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            list(pool.map(_write_job, missing, chunksize=8))
    return layout


def tree_rss_kb(pid: int) -> int:
    """Resident memory (kB) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid, pages = int(fields[1]), int(fields[21])
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * (os.sysconf("SC_PAGE_SIZE") // 1024)
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


@dataclass
class ChildRun:
    """A finished child command: wall time, exit status, output and peak tree memory."""

    seconds: float
    code: int
    stdout: str
    stderr: str
    peak_tree_rss_mb: float
    max_single_rss_mb: float
    #: stopped by `give_up` before it finished (seconds is then when it was stopped)
    stopped: bool = False


def run_child(
    argv: Sequence[str],
    env: dict[str, str] | None = None,
    *,
    sample_every: float = 0.05,
    give_up: Callable[[float], bool] | None = None,
) -> ChildRun:
    """Run a command; sample its process tree's summed RSS from /proc every `sample_every` s.

    Also reports the largest single process's peak (ru_maxrss from wait4 for the command
    itself; the sampled peak is the one to quote for "the whole process tree").
    `give_up(seconds so far)` is asked at every sample; when it answers True the command and
    its children (their own process group) are terminated and the run is marked stopped.
    """
    full_env = dict(os.environ, **(env or {}))
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            start_new_session=give_up is not None)
    peak = 0
    stop = threading.Event()
    stopped = False

    def sample() -> None:
        nonlocal peak, stopped
        while not stop.is_set():
            peak = max(peak, tree_rss_kb(proc.pid))
            if give_up is not None and not stopped and give_up(time.perf_counter() - started):
                stopped = True
                os.killpg(proc.pid, signal.SIGTERM)
            stop.wait(sample_every)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    return ChildRun(seconds, proc.returncode, out, err, peak / 1024, 0.0, stopped)


def monitor_cmd(*args: str) -> list[str]:
    """argv for the real command in this venv."""
    return [PYTHON, "-m", "monitor.cli", *args]


def table(rows: list[list[str]], headers: list[str]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def timed(func: Callable[[], object]) -> float:
    """Seconds one call takes."""
    started = time.perf_counter()
    func()
    return time.perf_counter() - started
