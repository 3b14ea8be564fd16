"""`monitor run` (one pass over the sources) and `monitor check-config`."""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Callable

from monitor.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    load_config_for,
    open_store,
    positive_int,
    redact_url,
    table,
    today_override,
)


def cmd_run(args: argparse.Namespace) -> int:
    """One monitoring pass."""
    from monitor.http.reach import OFFLINE_DNS
    from monitor.lock import InstanceLock
    from monitor.pipeline.one_pass import Pipeline

    config = load_config_for(args)
    if args.source:
        names = args.source
        for name in names:
            config.source(name)
    elif args.due:
        names = _due_sources(config)
        if not names:
            print("no source is due: each ran after its last scheduled time (use --all to run them anyway)")
            return EXIT_OK
    else:
        names = None
    chosen = [config.source(n) for n in names] if names else [s for s in config.sources if s.common.enabled]
    if chosen and _offline(chosen):
        # said once, not once per source, and nothing recorded: the publishers did nothing wrong
        print(OFFLINE_DNS)
        return EXIT_FAILED
    if not sys.stderr.isatty() and not args.quiet and not args.verbose:
        # cron and service logs get a plain line per source instead of a progress bar
        logging.getLogger("monitor").setLevel(logging.INFO)
    with InstanceLock(config.data_dir):
        store = open_store(config)
        try:
            pipeline = Pipeline(config, store, workers=args.workers, today=today_override())
            if sys.stderr.isatty() and not args.quiet:
                result = _run_with_progress(pipeline, names, config)
            else:
                result = pipeline.run(names)
        finally:
            store.close()
    offline = _offline_after(result, pipeline.http)
    print(offline or format_summary(result))
    if offline and (result.deliveries_sent or result.delivery_errors or result.channel_sent or result.channel_errors):
        print(format_deliveries(result).strip())
    if args.fail_only_if_all:
        return EXIT_FAILED if result.all_failed else EXIT_OK
    # an alert that could not be sent is a failure too: cron and systemd must notice
    return EXIT_FAILED if result.any_failed or result.delivery_errors or result.channel_errors else EXIT_OK


def _offline(chosen) -> bool:  # type: ignore[no-untyped-def]
    """Whether no host of the chosen sources resolves: the machine is offline (a few seconds
    at most, lookups side by side; False whenever in doubt)."""
    from monitor.http.client import HttpClient
    from monitor.http.reach import none_resolve
    from monitor.ops.doctor import listing_url
    from monitor.pipeline.listing import build_source

    http = HttpClient()
    urls = []
    for src in chosen:
        try:
            urls.append(listing_url(build_source(src, http)))
        except Exception:  # noqa: BLE001 - a source that cannot be built fails in the pass, and says why
            return False
    return none_resolve(urls)


def _offline_after(result, http) -> str | None:  # type: ignore[no-untyped-def]
    """The one line for a pass in which every source failed because no publisher could be
    reached (host names that do not resolve, or a network with no route), else None. One
    host alone is a site down, not the machine offline."""
    from monitor.http.reach import OFFLINE_CONNECT, OFFLINE_DNS

    if not result.all_failed or http.answered_hosts or any(o.status != "failing" for o in result.outcomes):
        return None
    unreachable = http.unreachable_hosts
    if len(unreachable) < 2 or any(o.listed for o in result.outcomes):
        return None
    return OFFLINE_DNS if all(unreachable.values()) else OFFLINE_CONNECT


def _due_sources(config) -> list[str]:  # type: ignore[no-untyped-def]
    """Enabled sources whose schedule has fired since their last pass (or that never ran)."""
    from sqlalchemy import select

    from monitor.schedule import is_due
    from monitor.store.models import SourceRow

    store = open_store(config)
    try:
        with store.session() as session:
            last = {row.name: row.last_run_at for row in session.scalars(select(SourceRow))}
    finally:
        store.close()
    return [s.name for s in config.sources if s.common.enabled and is_due(s.common.schedule, last.get(s.name))]


def _run_with_progress(pipeline, names, config):  # type: ignore[no-untyped-def]
    from rich.progress import Progress

    total = len(names) if names else sum(1 for s in config.sources if s.common.enabled)
    with Progress(transient=True) as progress:
        task = progress.add_task("monitoring", total=total)

        def done(outcome):  # type: ignore[no-untyped-def]
            progress.update(task, advance=1, description=f"{outcome.name}: {outcome.status}")

        pipeline.on_source_done = done
        return pipeline.run(names)


def format_summary(result) -> str:  # type: ignore[no-untyped-def]
    """The per-source summary printed after a pass."""
    if not result.outcomes:
        return "no sources to check: sources.yaml lists none that are enabled"
    rows = []
    for o in result.outcomes:
        rows.append(
            [
                o.name,
                o.status + (" (baseline)" if o.baseline and o.status == "ok" else ""),
                str(o.listed),
                str(o.new),
                str(o.changed),
                str(o.removed),
                str(o.document_errors),
            ]
        )
    text = table(rows, ["source", "status", "listed", "new", "changed", "removed", "doc errors"])
    problems = [o for o in result.outcomes if o.failed]
    if problems:
        text += "\n\nCould not check:"
        for o in problems:
            text += f"\n- {o.name} ({o.status}): {o.error}"
            if o.hint:
                text += f"\n  what to try: {o.hint}"
    partial = [o for o in result.outcomes if o.incomplete and not o.failed]
    if partial:
        text += "\n\nChecked, but part of the listing could not be read (nothing was marked removed):"
        for o in partial:
            for reason in o.incomplete[:5]:
                text += f"\n- {o.name}: {reason}"
    return text + format_deliveries(result)


def format_deliveries(result) -> str:  # type: ignore[no-untyped-def]
    """What the pass sent, and what it could not send (retried next pass)."""
    text = ""
    if result.deliveries_sent:
        text += f"\n\n{result.deliveries_sent} alert email(s) sent."
    for err in result.delivery_errors:
        text += f"\n\nAlert email not sent (will retry next pass): {err}"
    if result.channel_sent:
        text += f"\n\n{result.channel_sent} alert message(s) sent to chat channels."
    for err in result.channel_errors:
        text += f"\n\nAlert not sent to {err} (will retry next pass)"
    return text


#: what only a developer of the monitor can act on: how a publisher's site is known to be read
_DEVELOPER_NOTE = re.compile(
    r"\binferred\b|confirmed|third-party|scraper|stored copy|was seen answering|come from other councils", re.I
)


def is_developer_note(text: str) -> bool:
    """Whether a source's check-config note is about how the monitor reads the publisher
    ("inferred", "third-party scrapers", "not confirmed") rather than about this configuration."""
    return bool(_DEVELOPER_NOTE.search(text))


def alerts_line(config) -> str | None:  # type: ignore[no-untyped-def]
    """Where urgent alerts go, in one line; None when nowhere (a warning says so)."""
    from monitor.deliver.channels import channels_of

    places = []
    if config.settings.email is not None:
        places.append("email to " + ", ".join(config.settings.email.recipients))
    places.extend(channel.label() for channel in channels_of(config.settings))
    return "urgent alerts go to: " + "; ".join(places) if places else None


def cmd_check_config(args: argparse.Namespace) -> int:
    """Validate sources.yaml and print what would be watched."""
    from monitor.deliver.channels import channels_of

    config = load_config_for(args)
    print(f"{config.path}: OK, {len(config.sources)} source(s)")
    print(f"data directory: {config.data_dir}")
    print(f"database: {redact_url(config.database_url)}")
    if (alerts := alerts_line(config)) is not None:
        print(alerts)
    rows = []
    warnings = list(config.warnings)
    for index, channel in enumerate(channels_of(config.settings)):
        problem = None if channel.missing() else channel.problem()  # an unset variable is warned already
        if problem:
            warnings.append(f"settings.notify[{index}]: {problem}")
    for src in config.sources:
        adapter_cls = src.source_class
        base = src.common.base_url or adapter_cls.default_base_url or getattr(src.settings, "url", None) or "-"
        rows.append([src.name, src.kind, src.common.schedule, "yes" if src.common.enabled else "no", base])
    if rows:
        print(table(rows, ["name", "kind", "schedule", "enabled", "where"]))
    exit_code = EXIT_OK
    from monitor.http.client import HttpClient
    from monitor.pipeline.listing import build_source

    store = open_store(config) if args.probe else None
    http = HttpClient(config.settings.http_settings(), store.http_cache() if store else None)
    notes: list[str] = []
    for src in config.sources:
        try:
            adapter = build_source(src, http)
        except Exception as exc:  # noqa: BLE001 - shown as a warning, the check goes on
            warnings.append(f"{src.name}: {exc}")
            continue
        for note in adapter.warnings():
            (notes if is_developer_note(note) else warnings).append(f"{src.name}: {note}")
        if args.probe:
            exit_code = max(exit_code, _probe(src.name, adapter))
    if store:
        store.close()
    for warning in warnings:
        print(f"warning: {warning}")
    if notes and args.verbose:
        print("notes for developers (how each publisher's site is read, and what is not confirmed):")
        for note in notes:
            print(f"- {note}")
    elif notes:
        print(f"({len(notes)} note(s) for developers on how the publishers' sites are read: add --verbose to see them)")
    return exit_code


def _probe(name: str, adapter) -> int:  # type: ignore[no-untyped-def]
    from monitor.errors import BlockedError, FetchError, ListingBrokenError

    what = "fact(s) read" if adapter.cross_check else "council(s) in the picture" if adapter.context_source else "document(s) listed"
    try:
        if adapter.cross_check:
            count = len(adapter.cross_check_facts())
        elif adapter.context_source:
            count = int(adapter.peer_context().get("councils") or 0)
        else:
            count = sum(1 for _ in adapter.list_documents())
    except BlockedError as exc:
        print(f"probe {name}: BLOCKED by the publisher: {exc}\n  what to try: {exc.hint}")
        return EXIT_FAILED
    except ListingBrokenError as exc:
        print(f"probe {name}: BROKEN: {exc}")
        return EXIT_FAILED
    except FetchError as exc:
        print(f"probe {name}: FAILED: {exc}")
        return EXIT_FAILED
    print(f"probe {name}: ok, {count} {what}")
    if count == 0:
        print(f"  note: {name} lists nothing right now; check the identifiers if you expected reports")
    return EXIT_OK


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add `run` and `check-config` to the parser."""
    p = add("run", cmd_run, "Run one monitoring pass over the sources.")
    p.add_argument("--source", action="append", metavar="NAME", help="only this source (repeatable)")
    p.add_argument("--all", action="store_true", help="every enabled source (the default)")
    p.add_argument(
        "--due",
        action="store_true",
        help="only sources whose schedule: has fired since their last pass (for an hourly cron line)",
    )
    p.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        help="hosts checked side by side at most (default: settings.parallel_hosts, `auto`: what the machine allows)",
    )
    p.add_argument(
        "--fail-only-if-all",
        action="store_true",
        help="exit 1 only when every source failed (used by `make run`, handy offline)",
    )

    p = add("check-config", cmd_check_config, "Validate sources.yaml and show what would be watched.")
    p.add_argument("--probe", action="store_true", help="also fetch each source's listing once and report what it finds")
