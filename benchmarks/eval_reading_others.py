"""Reading accuracy on the real CQC and Ombudsman documents in ../shared/fixtures (issue 17).

Each row of benchmarks/expectations/others.csv is one fact a person read by eye from one
shared file (named in the row): a rating, a score, a decision, a date, the words a verdict
was read from. An empty `expected` means the document states no such fact: reading one is
a miss too. `cases(shared)` yields (document id, field, expected, got) for every row whose
file is present; `main()` prints right/total per publisher and field, with the misses.

The Housing Ombudsman has no real document in ../shared/fixtures (docs/publishers/
housing_ombudsman.md), so it has no row here; its readers are tested on pages written in
the real layouts (tests/sources/housing_ombudsman/fixtures/).

    .venv/bin/python -m benchmarks.eval_reading_others [--shared ../shared/fixtures]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from monitor.extract.textnorm import normalise_page
from monitor.sources.cqc.listing import record_refs
from monitor.sources.cqc.source import CqcSource
from monitor.sources.lgsco.source import LgscoSource

EXPECTATIONS = Path(__file__).resolve().parent / "expectations" / "others.csv"
DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
API = "https://api.service.cqc.org.uk/public/v1"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _lgsco(path: Path) -> dict[str, dict[str, str]]:
    meta = LgscoSource.read_meta([normalise_page(path.read_text(encoding="utf-8"))])
    facts = {k: _text(meta.get(k)) for k in ("authority", "reference", "category", "subcategory", "decision",
                                             "decision_date")}
    facts["decision_source"] = _text(((meta.get("verdict_sources") or {}).get("decision") or {}).get("text"))
    return {"*": facts}


def _cqc_record(path: Path) -> dict[str, dict[str, str]]:
    """Every report of a real API location answer, read as the cqc source lists it."""
    data = json.loads(path.read_text(encoding="utf-8"))
    source = SimpleNamespace(api_base_url=API, base_url="https://www.cqc.org.uk")
    url = f"{API}/locations/{data['locationId']}"
    refs = record_refs(source, data, url, {"location_id": data["locationId"]}, data.get("name") or "", data["locationId"])
    out: dict[str, dict[str, str]] = {}
    for ref in refs:
        ratings = ref.meta.get("ratings") or {}
        facts = {"report_date": _text(ref.meta.get("report_date"))}
        facts |= {q: _text(ratings.get(q)) for q in ("overall", "safe", "effective", "caring", "responsive", "well-led")}
        facts["overall_source"] = _text(((ref.meta.get("verdict_sources") or {}).get("overall") or {}).get("field"))
        out[ref.key] = facts
    return out


def _cqc_page(path: Path) -> dict[str, dict[str, str]]:
    meta = CqcSource.read_meta([normalise_page(path.read_text(encoding="utf-8"))])
    facts = {name: _text(value) for name, value in {**meta.get("ratings", {}), **meta.get("quality_statements", {})}.items()}
    # every verdict read must name where it was read from (issue 17: no source, not stated)
    unsourced = sorted(set(facts) - set(meta.get("verdict_sources") or {}))
    facts["unsourced"] = ", ".join(unsourced)
    return {"*": facts}


def _reader(shared_file: str) -> Callable[[Path], dict[str, dict[str, str]]]:
    if shared_file.startswith("lgsco/"):
        return _lgsco
    if shared_file.endswith(".json"):
        return _cqc_record
    return _cqc_page


def rows(expectations: Path = EXPECTATIONS) -> list[dict[str, str]]:
    """The expectation rows (publisher, document, shared_file, field, expected)."""
    with expectations.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _facts(shared: Path, shared_file: str) -> dict[str, dict[str, str]]:
    return _reader(shared_file)(shared / shared_file)


def cases(shared: Path) -> Iterable[tuple[str, str, str, str]]:
    """(document id, field, expected, got) for every expectation whose shared file exists."""
    yield from (case for _, case in cases_by_publisher(shared))


def cases_by_publisher(shared: Path) -> Iterator[tuple[str, tuple[str, str, str, str]]]:
    """(publisher, (document id, field, expected, got)) for every expectation whose shared file exists."""
    read: dict[str, dict[str, dict[str, str]]] = {}
    by_file: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows():
        by_file[row["shared_file"]].append(row)
    for shared_file, file_rows in by_file.items():
        if not (shared / shared_file).exists():
            continue
        read[shared_file] = _facts(shared, shared_file)
        for row in file_rows:
            facts = read[shared_file]
            document = facts.get(row["document"]) or facts.get("*") or {}
            got = document.get(row["field"], "")
            yield row["publisher"], (row["document"], row["field"], row["expected"], got)
        if any("unsourced" in d for d in read[shared_file].values()):
            for name, document in read[shared_file].items():
                if document.get("unsourced") is not None:
                    label = file_rows[0]["document"] if name == "*" else name
                    yield file_rows[0]["publisher"], (label, "unsourced", "", document["unsourced"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared fixtures folder")
    args = parser.parse_args(argv)
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    misses: list[str] = []
    for publisher, (document, field, expected, got) in cases_by_publisher(args.shared):
        cell = table[(publisher, field)]
        cell[1] += 1
        if expected.casefold() == got.casefold():
            cell[0] += 1
        else:
            misses.append(f"  {publisher} {document} {field}: expected {expected!r}, got {got!r}")
    if not table:
        print(f"no expectation's file found under {args.shared}")
        return 1
    print(f"{'publisher':<10} {'field':<45} right/total")
    for (publisher, field), (right, total) in sorted(table.items()):
        print(f"{publisher:<10} {field:<45} {right}/{total}")
    right = sum(c[0] for c in table.values())
    total = sum(c[1] for c in table.values())
    print(f"{'all':<10} {'':<45} {right}/{total}")
    if misses:
        print("misses:")
        print("\n".join(misses))
    return 0 if not misses else 2


if __name__ == "__main__":
    raise SystemExit(main())
