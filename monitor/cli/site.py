"""`monitor site`: write the static site of the record (docs/SITE.md)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from monitor.cli.common import EXIT_OK, load_config_for, open_store


def cmd_site(args: argparse.Namespace) -> int:
    """Build the site from the store into --out (default data/site/)."""
    from monitor.site import build_site

    config = load_config_for(args)
    store = open_store(config)
    try:
        result = build_site(config, store, Path(args.out) if args.out else None, full=args.full)
    finally:
        store.close()
    print(f"site written to {result.out}: {result.documents} document page(s), {result.files} stored cop(ies), {result.seconds:.2f} s")
    if result.mode == "incremental":
        print(f"only what changed since the last build was rewritten: {result.written} of {result.pages} page(s) (--full writes them all)")
    print(f"open {result.out / 'index.html'} in a browser, or publish the folder as it is")
    return EXIT_OK


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add `site` to the parser."""
    p = add("site", cmd_site, "Write the static site of the record: overview, timeline, a page per document, search.")
    p.add_argument("--out", metavar="DIR", help="folder to write (default data/site/ under the data directory)")
    p.add_argument("--full", action="store_true", help="write every page again, not only what changed since the last build")
