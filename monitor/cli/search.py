"""`monitor search`: full-text search over every stored version, and `--reindex`."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from monitor.cli.common import (
    EXIT_OK,
    UsageError,
    council_code,
    load_config_for,
    open_session,
    open_store,
    parse_when,
    print_json,
)


def _reindex(args: argparse.Namespace) -> int:
    from monitor.lock import InstanceLock
    from monitor.search import reindex

    config = load_config_for(args)
    # a pass writing versions meanwhile would race the rebuild
    with InstanceLock(config.data_dir):
        store = open_store(config)
        try:
            started = time.perf_counter()
            with store.session() as session:
                count = reindex(session)
        finally:
            store.close()
    print(f"search index rebuilt: {count} version(s) in {time.perf_counter() - started:.1f} s")
    return EXIT_OK


def _when(hit: dict) -> str:
    """"published 4 March 2025", or when the publisher gave no date, when we stored it."""
    from datetime import date

    from monitor.deliver.labels import format_day

    if hit.get("published"):
        return "published " + format_day(date.fromisoformat(hit["published"]))
    return "no publication date (stored " + format_day(date.fromisoformat(hit["fetched_at"][:10])) + ")"


def _council_name(code: str | None) -> str:
    """A council's name from the registry's code; "No council named" for sources without one."""
    if not code:
        return "No council named"
    from monitor.registry import by_code

    try:
        return by_code(code).name
    except Exception:  # noqa: BLE001 - an unknown code is shown as it is
        return code


def cmd_search(args: argparse.Namespace) -> int:
    """Search every stored version's text; print the best pages with a quote of each."""
    from monitor.search import QueryError, search

    if args.reindex:
        if args.query:
            raise UsageError("--reindex rebuilds the index and takes no query; search after it")
        return _reindex(args)
    if not args.query or not args.query.strip():
        raise UsageError('give a query, e.g. monitor search \'"care leavers" AND inadequate\'')
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    since = parse_when(args.since) if args.since else None
    council = council_code(args.council)
    with open_session(args) as (config, store, session):
        if args.source:
            config.source(args.source)  # a misspelt name is a usage error, not "no hits"
        about = {src.name: src.common.council for src in config.sources}
        among = [name for name, code in about.items() if code == council] if council else None
        try:
            hits = search(
                session, args.query, store.blobs, source=args.source, since=since, kind=args.kind, limit=args.limit, sources=among
            )
        except QueryError as exc:
            raise UsageError(f"search: {exc}") from None
        data = [{**hit.to_json(), "council": about.get(hit.source)} for hit in hits]
    if args.json:
        print_json(data)
        return EXIT_OK
    if not data:
        print("no stored text matches")
        return EXIT_OK
    councils = {hit["council"] for hit in data}
    # several councils in one installation: their hits under each council's name
    data.sort(key=lambda hit: (hit["council"] or "") if len(councils) > 1 else "")
    heading = None
    for hit in data:
        if len(councils) > 1 and hit["council"] != heading:
            heading = hit["council"]
            print(f"== {_council_name(heading)} ==")
        others = f" (same text in v{', v'.join(map(str, hit['versions'][1:]))})" if len(hit["versions"]) > 1 else ""
        print(f"{hit['title'] or hit['key']}  [{hit['source']}]")
        print(f"  {_when(hit)}, page {hit['page']}, version {hit['version']}{others}")
        print(f"  {hit['snippet']}")
        print(f"  stored copy: {hit['url']}")
        print(f"  publisher:   {hit['source_url']}\n")
    print(f"{len(data)} hit(s)")
    return EXIT_OK


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add `search` to the parser."""
    p = add("search", cmd_search, "Search the text of every stored version of every document.")
    p.add_argument(
        "query",
        nargs="?",
        metavar="QUERY",
        help='words (all must be there), "a phrase", word*, AND, OR, NOT, ( ); e.g. \'"care leavers" NOT ofsted\'',
    )
    p.add_argument("--source", metavar="NAME", help="only this source's documents")
    p.add_argument("--council", metavar="NAME_OR_CODE", help="only the documents of the sources about this council (their council: setting)")
    p.add_argument("--since", metavar="DATE", help="only versions fetched on or after DATE (2026-01-31 or ISO time)")
    p.add_argument("--kind", metavar="KIND", help="only documents of this kind (inspection, decision, ...)")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N hits (default 20)")
    p.add_argument("--json", action="store_true", help="JSON array of hits")
    p.add_argument("--reindex", action="store_true", help="rebuild the index from every stored version")
