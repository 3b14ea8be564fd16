"""How many verdicts the project's own readers read right from real publishers' documents.

Each publisher registers an evaluator: a function that yields one `Result` (document id,
field, expected, got) per field of every real document it knows the truth of. The truth is
the expectations files beside the real documents in ../shared/fixtures (what a careful
reader takes from each, checked by eye); an empty expected value means the document does
not state that field, so reading one there is a miss too. Run:

    .venv/bin/python -m benchmarks.eval_reading [--fixtures ../shared/fixtures] [--mirror DIR ...]

`--mirror` adds, for Ofsted, the real reports kept by public scrapers in git mirrors
(JT-39/ofsted-ilacs-scrape-tool, data-to-insight/ofsted-send-scrape-tool), read from where
they are (never copied): there the truth is the scraper's own table, so those rows measure
agreement with another reader, and are counted apart ("ofsted-jt39", "ofsted-d2i-send").

Adding a publisher: write `def evaluate_<name>(options) -> Iterator[Result]` and register
it with `@evaluator("<name>")`; `main` prints one table per publisher.
"""

from __future__ import annotations

import argparse
import csv
import re
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FIXTURES = ROOT.parent / "shared" / "fixtures"


@dataclass(frozen=True)
class Result:
    """One field of one document: what the truth says and what the reader read."""

    document: str
    field: str
    expected: str
    got: str

    @property
    def right(self) -> bool:
        return self.expected == self.got


@dataclass
class Options:
    fixtures: Path = DEFAULT_FIXTURES
    mirrors: list[Path] = field(default_factory=list)
    #: at most this many documents per mirror (0: all)
    limit: int = 0


Evaluator = Callable[[Options], Iterator[Result]]
EVALUATORS: dict[str, Evaluator] = {}


def evaluator(name: str) -> Callable[[Evaluator], Evaluator]:
    """Register a publisher's evaluator under `name` (its rows are counted under that name,
    or under the `document` prefix "name:" a result carries, see `publisher_of`)."""

    def register(function: Evaluator) -> Evaluator:
        EVALUATORS[name] = function
        return function

    return register


def publisher_of(name: str, result: Result) -> str:
    """The table a result is counted in: "<evaluator>" or "<evaluator>-<source>" when the
    document id starts with "<source>:"."""
    prefix = result.document.split(":", 1)[0] if ":" in result.document else ""
    return f"{name}-{prefix}" if prefix else name


# -- Ofsted -------------------------------------------------------------------------------

OFSTED_FIELDS = (
    "framework",
    "inspection_type",
    "overall",
    "impact_of_leaders",
    "help_and_protection",
    "in_care",
    "care_leavers",
    "area_send_outcome",
    "read_warning",
)


def _ofsted_read(path: Path) -> dict[str, str]:
    from monitor.extract.pool import extract_here

    meta = extract_here(path, kind="ofsted").meta
    judgements = meta.get("judgements") or {}
    got = {key: str(judgements.get(key, "")) for key in (*OFSTED_FIELDS, "in_care_and_care_leavers")}
    got["framework"] = str(meta.get("framework") or "")
    got["inspection_type"] = str(meta.get("inspection_type") or "")
    got["read_warning"] = str(meta.get("read_warning") or meta.get("meta_error") or "")
    return got


def _compare(document: str, expected: dict[str, str], got: dict[str, str]) -> Iterator[Result]:
    for key in OFSTED_FIELDS:
        if key in expected:
            yield Result(document, key, expected[key], got.get(key, ""))


@evaluator("ofsted")
def evaluate_ofsted(options: Options) -> Iterator[Result]:
    """The real reports in ../shared/fixtures/ofsted, against both expectations.csv files."""
    base = options.fixtures / "ofsted"
    older = base / "expectations.csv"
    if older.exists():
        for row in csv.DictReader(older.open(encoding="utf-8")):
            expected = {k: row[k] for k in OFSTED_FIELDS if k in row}
            expected["framework"] = "ilacs-2018"
            expected["inspection_type"] = row["framework"]
            expected["read_warning"] = ""
            expected["area_send_outcome"] = ""
            yield from _compare(row["file"], expected, _ofsted_read(base / row["file"]))
    newer = base / "reports-2026" / "expectations.csv"
    if newer.exists():
        for row in csv.DictReader(newer.open(encoding="utf-8")):
            expected = {k: row[k] for k in OFSTED_FIELDS if k in row}
            match = re.fullmatch(r"(\S*)(?: \((\w+)\))?", row["framework"])
            expected["framework"] = match.group(1) if match else row["framework"]
            expected["inspection_type"] = (match.group(2) or "") if match else ""
            expected["area_send_outcome"] = row.get("outcome", "")
            expected["read_warning"] = ""
            path = newer.parent / row["file"]
            yield from _compare(f"reports-2026/{row['file']}", expected, _ofsted_read(path))
    for mirror in options.mirrors:
        if (mirror / "refs").exists() or mirror.name == "repo":
            if _git(mirror, "cat-file", "-e", "HEAD:ofsted_csc_ilacs_history.csv", check=False) is not None:
                yield from _jt39(mirror, options.limit)
            elif _git(mirror, "cat-file", "-e", "HEAD:ofsted_send_scrape.py", check=False) is not None:
                yield from _d2i_send(mirror, options.limit)


def _git(repo: Path, *args: str, check: bool = True) -> bytes | None:
    done = subprocess.run(["git", f"--git-dir={repo}", *args], capture_output=True)
    if done.returncode != 0:
        if check:
            raise RuntimeError(done.stderr.decode(errors="replace"))
        return None
    return done.stdout


def _mirror_pdf(repo: Path, path: str) -> Path | None:
    data = _git(repo, "show", f"HEAD:{path}", check=False)
    if not data or not data.startswith(b"%PDF"):
        return None
    handle = tempfile.NamedTemporaryFile(suffix=".pdf", delete=False)
    handle.write(data)
    handle.close()
    return Path(handle.name)


_JT39_GRADES = {
    "overall_effectiveness_grade": "overall",
    "impact_of_leaders_grade": "impact_of_leaders",
    "help_and_protection_grade": "help_and_protection",
    "in_care_grade": "in_care",
    "care_leavers_grade": "care_leavers",
}


def _jt39(repo: Path, limit: int) -> Iterator[Result]:
    """JT-39's ILACS history table against the reports it saved (grades as its parser read them)."""
    text = (_git(repo, "show", "HEAD:ofsted_csc_ilacs_history.csv") or b"").decode("utf-8")
    files = set((_git(repo, "ls-tree", "-r", "--name-only", "HEAD", "export_data") or b"").decode().splitlines())
    count = 0
    for row in csv.DictReader(text.splitlines()):
        if "data_unreadable" in row.values():
            continue  # the scraper could not read it either: no truth to compare with
        folder = f"export_data/inspection_reports/{row['urn']}_{row['local_authority']}/{row['pdf_filename']}"
        if folder not in files:
            continue
        path = _mirror_pdf(repo, folder)
        if path is None:
            continue
        try:
            got = _ofsted_read(path)
        finally:
            path.unlink()
        expected: dict[str, str] = {"inspection_type": row["inspection_framework"], "read_warning": ""}
        for column, key in _JT39_GRADES.items():
            value = row[column].replace("_", " ")
            if value in ("not reported post reform", "inspection pre dates judgement"):
                value = ""
            expected[key] = value
        if row["care_leavers_grade"] == "inspection_pre_dates_judgement":
            # the combined row "children in care and care leavers": JT-39 puts it under in_care
            got["in_care"] = got.get("in_care") or got.get("in_care_and_care_leavers", "")
        yield from _compare(f"jt39:{row['urn']}/{row['pdf_filename']}", expected, got)
        count += 1
        if limit and count >= limit:
            return


_D2I_OUTCOMES = {
    "1.0": "positive experiences and outcomes",
    "2.0": "inconsistent experiences and outcomes",
    "3.0": "widespread and/or systemic failings",
}


def _d2i_send(repo: Path, limit: int) -> Iterator[Result]:
    """data-to-insight's area SEND outcomes (its index.html, latest per council) against the
    reports it saved, where the saved report is that latest one (same publication date)."""
    from bs4 import BeautifulSoup

    html = (_git(repo, "show", "HEAD:index.html") or b"").decode("utf-8", errors="replace")
    table = BeautifulSoup(html, "html.parser").find("table")
    files = (_git(repo, "ls-tree", "-r", "--name-only", "HEAD", "export_data") or b"").decode().splitlines()
    by_urn: dict[str, list[str]] = defaultdict(list)
    for name in files:
        match = re.match(r"export_data/inspection_reports/(\d+)_[^/]+/(.+\.pdf)$", name)
        if match:
            by_urn[match.group(1)].append(name)
    count = 0
    for tr in table.find_all("tr")[1:] if table else []:
        cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        if len(cells) < 11 or cells[8] not in _D2I_OUTCOMES:
            continue
        published = datetime.strptime(cells[10], "%d/%m/%y").strftime("%d %B %Y").lower()
        for name in by_urn.get(cells[0], []):
            if not name.endswith(f" - {published}.pdf"):
                continue
            path = _mirror_pdf(repo, name)
            if path is None:
                continue
            try:
                got = _ofsted_read(path)
            finally:
                path.unlink()
            expected = {
                "framework": "area-send-2023",
                "area_send_outcome": _D2I_OUTCOMES[cells[8]],
                "read_warning": "",
                "overall": "",
            }
            yield from _compare(f"d2i-send:{cells[0]}/{Path(name).name}", expected, got)
            count += 1
        if limit and count >= limit:
            return


# -- CQC and the Ombudsmen ----------------------------------------------------------------
# their expectations are benchmarks/expectations/others.csv, read by eye from the shared
# documents; benchmarks/eval_reading_others.py reads each document as a pass does


def _others(publisher: str) -> Evaluator:
    def evaluate(options: Options) -> Iterator[Result]:
        from benchmarks.eval_reading_others import cases_by_publisher

        for name, (document, field_name, expected, got) in cases_by_publisher(options.fixtures):
            if name == publisher:
                # these expectations are written as the publisher writes them; case aside
                yield Result(document, field_name, expected.casefold(), got.casefold())

    return evaluate


for _publisher in ("cqc", "lgsco", "housing_ombudsman"):
    evaluator(_publisher)(_others(_publisher))


# -- the table ----------------------------------------------------------------------------


def tables(results: dict[str, list[Result]]) -> str:
    """One Markdown table per publisher: per field, right / stated, then each miss."""
    out: list[str] = []
    for publisher, rows in results.items():
        documents = len({r.document for r in rows})
        out.append(f"### {publisher} ({documents} documents)\n")
        out.append("| field | right | of | misses |")
        out.append("|---|---:|---:|---:|")
        by_field: dict[str, list[Result]] = defaultdict(list)
        for row in rows:
            by_field[row.field].append(row)
        for name, items in by_field.items():
            right = sum(r.right for r in items)
            out.append(f"| {name} | {right} | {len(items)} | {len(items) - right} |")
        misses = [r for r in rows if not r.right]
        if misses:
            out.append("\nMisses:\n")
            for r in misses:
                out.append(f"- `{r.document}` {r.field}: expected {r.expected!r}, got {r.got[:200]!r}")
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> dict[str, list[Result]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--mirror", type=Path, action="append", default=[], help="a scraper's git directory")
    parser.add_argument("--limit", type=int, default=0, help="at most this many documents per mirror")
    parser.add_argument("--only", help="comma-separated publishers: " + ", ".join(EVALUATORS))
    parser.add_argument("--quick", action="store_true", help="(for run_all) the shared fixtures only")
    args = parser.parse_args(argv)
    options = Options(fixtures=args.fixtures, mirrors=[] if args.quick else args.mirror, limit=args.limit)
    chosen = args.only.split(",") if args.only else list(EVALUATORS)
    results: dict[str, list[Result]] = defaultdict(list)
    for name in chosen:
        for result in EVALUATORS[name](options):
            results[publisher_of(name, result)].append(result)
    if argv is None:
        print(tables(results))
    return dict(results)


def report(results: dict[str, list[Result]]) -> str:
    """The Markdown benchmarks/run_all.py puts in its results."""
    return tables(results)


if __name__ == "__main__":
    main()
