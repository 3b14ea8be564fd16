"""`monitor responses`: each finding with the council papers that answered it."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from monitor.cli.common import EXIT_OK, council_code, open_session, print_json, table, today_override


def _unanswered(row: dict) -> str:
    """What a finding without an answer is waiting for, in words."""
    age = row["unanswered_days"]
    if row["expects_answer"]:
        return "no answer yet" + (f" ({age} days)" if age is not None else "")
    if age is None and row["finding"]["published"]:
        return "no answer (no longer expected)"
    return "no answer (none asked for)"


def cmd_responses(args: argparse.Namespace) -> int:
    """List findings, their answers and the days each took; unanswered ones with their age."""
    from monitor.responses import responses_report

    council = council_code(args.council)
    with open_session(args) as (config, store, _session):
        report = responses_report(config, store, today=today_override(), everything=args.all)
    if args.source:
        report = [r for r in report if r["finding"]["source"] == args.source]
    if council:
        theirs = {src.name for src in config.sources if src.common.council == council}
        report = [r for r in report if r["finding"]["source"] in theirs]
    if args.unanswered:
        report = [r for r in report if not r["responses"]]
    if args.json:
        print_json(report)
        return EXIT_OK
    if not report:
        print("no findings waiting for an answer" + ("" if args.all else " (--all adds older ones)"))
        return EXIT_OK
    rows = []
    for row in report:
        finding = row["finding"]
        first = [finding["source"], (finding["title"] or "")[:50], finding["published"] or ""]
        if not row["responses"]:
            rows.append([*first, _unanswered(row), ""])
        for i, response in enumerate(row["responses"]):
            days = response["days_after"]
            rows.append([*(first if i == 0 else ["", "", ""]), (response["title"] or "")[:50], "" if days is None else str(days)])
    print(table(rows, ["finding source", "finding", "published", "answered by", "days"]))
    return EXIT_OK


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add `responses` to the parser."""
    p = add("responses", cmd_responses, "Show each finding with the council papers that answered it and the days it took.")
    p.add_argument("--source", metavar="NAME", help="only findings of this source")
    p.add_argument("--council", metavar="NAME_OR_CODE", help="only findings of the sources about this council (their council: setting)")
    p.add_argument("--unanswered", action="store_true", help="only findings nobody has answered yet")
    p.add_argument(
        "--all",
        action="store_true",
        help="also findings older than settings.responses.horizon_days (365) that nobody answered",
    )
    p.add_argument("--json", action="store_true")
