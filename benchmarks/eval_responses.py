"""Precision and recall of `response` linking on the labelled set in tests/detect/fixtures/responses/.

Each labelled answer (a council paper or news item: its date, its page texts, and the
findings a person would say it answers) is linked by monitor.detect.mentions.link_answer
against the ten findings in findings.json. A pair (answer, finding) is a true positive
when both the rules and the label link them. Run:

    .venv/bin/python -m benchmarks.eval_responses [--window-days 180]
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from monitor.detect.mentions import Finding, link_answer
from monitor.responses import topic_patterns

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "detect" / "fixtures" / "responses"


@dataclass
class Scores:
    """Pair counts and the pairs that went wrong."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_links: list[tuple[str, str]] = field(default_factory=list)
    missed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_findings() -> dict[str, Finding]:
    """The labelled set's findings by their id (the `id` of Finding is its position)."""
    out = {}
    for number, row in enumerate(json.loads((FIXTURES / "findings.json").read_text()), start=1):
        inspected = tuple(date.fromisoformat(d) for d in row["inspected"]) if row.get("inspected") else None
        out[row["id"]] = Finding(
            id=number,
            source=row["source"],
            key=row["key"],
            title=row["title"],
            published=date.fromisoformat(row["published"]),
            topic=row.get("topic"),
            reference=row.get("reference"),
            inspected=inspected,  # type: ignore[arg-type]
        )
    return out


def evaluate(window_days: int = 180) -> tuple[Scores, int]:
    """Scores over every labelled answer, and how many answers there were."""
    findings = load_findings()
    ids = {f.id: name for name, f in findings.items()}
    labelled = json.loads((FIXTURES / "labelled.json").read_text())
    scores = Scores()
    for item in labelled:
        links = link_answer(item["pages"], date.fromisoformat(item["date"]), list(findings.values()), topic_patterns(), window_days=window_days)
        got = {ids[link.finding.id] for link in links}
        want = set(item["expected"])
        scores.tp += len(got & want)
        scores.fp += len(got - want)
        scores.fn += len(want - got)
        scores.false_links += [(item["id"], f) for f in sorted(got - want)]
        scores.missed += [(item["id"], f) for f in sorted(want - got)]
    return scores, len(labelled)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window-days", type=int, default=180)
    args = parser.parse_args()
    scores, answers = evaluate(args.window_days)
    print(f"labelled answers: {answers}, expected links: {scores.tp + scores.fn}")
    print("| window_days | true links | false links | missed | precision | recall |")
    print("|---|---|---|---|---|---|")
    print(f"| {args.window_days} | {scores.tp} | {scores.fp} | {scores.fn} | {scores.precision:.2f} | {scores.recall:.2f} |")
    for answer, finding in scores.false_links:
        print(f"false link: {answer} -> {finding}")
    for answer, finding in scores.missed:
        print(f"missed: {answer} -> {finding}")


if __name__ == "__main__":
    main()
