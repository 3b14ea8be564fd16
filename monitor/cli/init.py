"""`monitor init`: write a complete, commented sources.yaml for one council, several, or all.

What is written for each publisher comes from that publisher's folder (its profile's `setup`,
monitor/sources/init_blocks.py); this command only finds the councils in the registry, asks
every profile in turn, checks the result as `check-config` would, and writes it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from monitor.cli.common import EXIT_OK, EXIT_USAGE, UsageError


def _base_urls(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        publisher, sep, url = pair.partition("=")
        if not sep or not url.startswith(("http://", "https://")):
            raise UsageError(f"--base-url: expected PUBLISHER=URL (e.g. moderngov=https://democracy.example.gov.uk), got {pair!r}")
        out[publisher.strip()] = url.strip().rstrip("/")
    return out


def _councils(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The councils asked for, each once, in the order given; None after printing the closest
    names when one is unknown or ambiguous."""
    from monitor.registry import CouncilNotFound, councils, find

    if args.all_councils:
        return list(councils())
    chosen = []
    for text in args.council:
        try:
            council = find(text)
        except CouncilNotFound as exc:
            what = "could be more than one council" if exc.ambiguous else "is not a council the registry knows"
            print(f"monitor init: {text!r} {what}.", file=sys.stderr)
            if exc.matches:
                print("The closest:", file=sys.stderr)
                for match in exc.matches:
                    print(f"  {match.official_name} ({match.code})", file=sys.stderr)
            print("Run `monitor councils --search TEXT` to look a council up.", file=sys.stderr)
            return None
        if council not in chosen:
            chosen.append(council)
    return chosen


def cmd_init(args: argparse.Namespace) -> int:
    """Find the councils, ask each publisher's folder what to watch, write the file."""
    from monitor.config import Settings, parse_config
    from monitor.http.client import HttpClient
    from monitor.sources import PROFILES
    from monitor.sources.init_blocks import InitContext, render_config

    if bool(args.council) == bool(args.all_councils):
        raise UsageError("name the council with --council NAME_OR_CODE (repeatable), or give --all-councils")
    base_urls = _base_urls(args.base_url)
    chosen = _councils(args)
    if chosen is None:
        return EXIT_USAGE
    out = Path(args.out)
    if out.exists() and not args.force:
        raise UsageError(f"{out} already exists: nothing written (pass --force to replace it, or --out PATH)")
    http = None
    if args.probe:
        # a handful of requests per council: a shorter pause between them than a pass takes
        http = HttpClient(Settings(per_host_delay=1).http_settings())
    sections = []
    notes: list[tuple[str, str]] = []
    for council in chosen:
        ctx = InitContext(council, several=len(chosen) > 1, probe=args.probe, http=http, base_urls=base_urls)
        blocks = []
        for profile in sorted(PROFILES.values(), key=lambda p: (p.order, p.kind)):
            if profile.setup:
                blocks += profile.call("setup", ctx)
        sections.append((council, blocks))
        notes += [(council.name, note) for note in ctx.notes]
    command = "monitor init " + ("--all-councils" if args.all_councils else " ".join(f"--council {c.code}" for c in chosen))
    text = render_config(sections, command + (" --probe" if args.probe else ""))
    # what is written must be what check-config accepts: a failure here is a fault of ours
    parse_config(text, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(out)
    active = sum(b.active for _, blocks in sections for b in blocks)
    waiting = sum(not b.active for _, blocks in sections for b in blocks)
    who = chosen[0].official_name if len(chosen) == 1 else f"{len(chosen)} councils"
    print(f"Wrote {out}: {active} sources for {who}" + (f", and {waiting} written commented out for you to complete" if waiting else "") + ".")
    for name, note in notes:
        print(f"  {name if len(chosen) > 1 else ''}{': ' if len(chosen) > 1 else ''}{note}")
    print(f"Next: `monitor check-config --config {out}` shows what will be watched.")
    return EXIT_OK


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add `init` to the parser."""
    p = add("init", cmd_init, "Write a sources.yaml watching a council (or several) from the council registry.")
    p.add_argument(
        "--council", action="extend", nargs="+", default=[], metavar="NAME_OR_CODE",
        help='a council by name or code: "Harrow", "London Borough of Harrow", "HRW", "E09000015", "310"; '
        "several councils make one file (--council Harrow Brent, or --council repeated)",
    )
    p.add_argument("--all-councils", action="store_true", help="every council in England")
    p.add_argument("--out", default="sources.yaml", metavar="PATH", help="where to write (default ./sources.yaml)")
    p.add_argument(
        "--probe", action="store_true",
        help="also ask the publishers' sites what only they know (committee ids, the CQC assessment's address)",
    )
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    # where a publisher is reached instead of its real address (tests, a mirror): PUBLISHER=URL
    p.add_argument("--base-url", action="append", default=[], metavar="PUBLISHER=URL", help=argparse.SUPPRESS)
