"""`monitor capture`: save a source's live answers as a fixture bundle for a bug report."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from monitor.cli.common import EXIT_FAILED, EXIT_OK, UsageError, load_config_for, today_override


def cmd_capture(args: argparse.Namespace) -> int:
    """Fetch one source's listing (and a few documents) live and write them as a bundle."""
    from monitor.capture import capture, default_folder

    config = load_config_for(args)
    src = config.source(args.source)
    out = Path(args.out) if args.out else default_folder(config, src.name)
    if (out / "manifest.json").exists():
        raise UsageError(f"{out} already holds a capture; name another folder with --out")
    result = capture(config, src, out, documents=args.documents, today=today_override())
    if src.source_class.cross_check:
        print(f"{src.name}: {result.facts} fact(s) read")
    else:
        print(f"{src.name}: {len(result.refs)} document(s) listed, {result.documents} downloaded")
    print(f"captured {len(list((out / 'answers').iterdir()))} answer(s) into {out}")
    print("nothing secret is in it (no request headers, no cookies, key-like parameters masked);")
    print("attach the folder (zip it) to a bug report, or give it to the tests as a fixture")
    if result.error:
        print(f"{src.name} {result.error}")
        return EXIT_FAILED
    return EXIT_OK


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add `capture` to the parser."""
    p = add("capture", cmd_capture, "Save one source's live listing and a few documents as a fixture bundle.")
    p.add_argument("source", metavar="SOURCE", help="the source's name in sources.yaml")
    p.add_argument("--out", metavar="DIR", help="folder to write (default data/captures/SOURCE-TIME/)")
    p.add_argument("--documents", type=int, default=3, metavar="N", help="documents to download too (default 3)")
