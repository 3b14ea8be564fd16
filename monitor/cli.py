"""The `monitor` command: parse arguments, call the pipeline or the store, print.

Exit status: 0 success, 1 some sources (or deliveries) failed, 2 bad configuration or usage,
75 another monitor is already working on the data directory.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError

from monitor import __version__
from monitor.errors import ConfigError, MonitorError
from monitor.lock import AlreadyRunning

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: another monitor holds the data directory (EX_TEMPFAIL): try again later, nothing failed
EXIT_BUSY = 75
log = logging.getLogger("monitor")


class UsageError(MonitorError):
    """Bad arguments: exit status 2."""


# -- helpers ---------------------------------------------------------------------------------


def _load(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from monitor.config import load_config

    return load_config(getattr(args, "config", None))


def _open_store(config):  # type: ignore[no-untyped-def]
    from monitor.store import Store

    return Store(config.database_url, config.data_dir)


@contextmanager
def open_session(args: argparse.Namespace) -> Iterator[tuple[Any, Any, Any]]:
    """(config, store, session) for a read-mostly command; the store is closed after."""
    config = _load(args)
    store = _open_store(config)
    try:
        with store.session() as session:
            yield config, store, session
    finally:
        store.close()


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    return value.isoformat()


def _parse_when(text: str) -> datetime:
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time())
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        # stored times are UTC: convert an offset rather than drop it
        return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when
    except ValueError:
        raise UsageError(f"--since: expected a date like 2026-01-31 or an ISO timestamp, got {text!r}") from None


def _table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)) for row in rows]
    return "\n".join(out)


# -- commands ------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    """One monitoring pass."""
    from monitor.lock import InstanceLock
    from monitor.pipeline import Pipeline

    config = _load(args)
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
    if not sys.stderr.isatty() and not args.quiet and not args.verbose:
        # cron and service logs get a plain line per source instead of a progress bar
        logging.getLogger("monitor").setLevel(logging.INFO)
    with InstanceLock(config.data_dir):
        store = _open_store(config)
        try:
            pipeline = Pipeline(config, store, workers=args.workers, today=_today_override())
            if sys.stderr.isatty() and not args.quiet:
                result = _run_with_progress(pipeline, names, config)
            else:
                result = pipeline.run(names)
        finally:
            store.close()
    print(format_summary(result))
    if args.fail_only_if_all:
        return EXIT_FAILED if result.all_failed else EXIT_OK
    # an alert that could not be sent is a failure too: cron and systemd must notice
    return EXIT_FAILED if result.any_failed or result.delivery_errors else EXIT_OK


def _due_sources(config) -> list[str]:  # type: ignore[no-untyped-def]
    """Enabled sources whose schedule has fired since their last pass (or that never ran)."""
    from sqlalchemy import select

    from monitor.schedule import is_due
    from monitor.store.models import SourceRow

    store = _open_store(config)
    try:
        with store.session() as session:
            last = {row.name: row.last_run_at for row in session.scalars(select(SourceRow))}
    finally:
        store.close()
    return [s.name for s in config.sources if s.common.enabled and is_due(s.common.schedule, last.get(s.name))]


def _today_override() -> date | None:
    """MONITOR_TODAY (YYYY-MM-DD) fixes "today" for date-windowed sources (tests, replays)."""
    import os

    value = os.environ.get("MONITOR_TODAY")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"MONITOR_TODAY: expected YYYY-MM-DD, got {value!r}") from None


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
    text = _table(rows, ["source", "status", "listed", "new", "changed", "removed", "doc errors"])
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
    if result.deliveries_sent:
        text += f"\n\n{result.deliveries_sent} alert email(s) sent."
    for err in result.delivery_errors:
        text += f"\n\nAlert email not sent (will retry next pass): {err}"
    return text


def cmd_check_config(args: argparse.Namespace) -> int:
    """Validate sources.yaml and print what would be watched."""
    config = _load(args)
    print(f"{config.path}: OK, {len(config.sources)} source(s)")
    print(f"data directory: {config.data_dir}")
    print(f"database: {_redact_url(config.database_url)}")
    rows = []
    warnings = list(config.warnings)
    for src in config.sources:
        adapter_cls = src.source_class
        base = src.common.base_url or adapter_cls.default_base_url or getattr(src.settings, "url", None) or "-"
        rows.append([src.name, src.kind, src.common.schedule, "yes" if src.common.enabled else "no", base])
    if rows:
        print(_table(rows, ["name", "kind", "schedule", "enabled", "where"]))
    exit_code = EXIT_OK
    from monitor.http import HttpClient
    from monitor.pipeline import build_source

    store = _open_store(config) if args.probe else None
    http = HttpClient(config.settings.http_settings(), store.http_cache() if store else None)
    for src in config.sources:
        try:
            adapter = build_source(src, http)
        except Exception as exc:  # noqa: BLE001 - shown as a warning, the check goes on
            warnings.append(f"{src.name}: {exc}")
            continue
        warnings.extend(f"{src.name}: {w}" for w in adapter.warnings())
        if args.probe:
            exit_code = max(exit_code, _probe(src.name, adapter))
    if store:
        store.close()
    for warning in warnings:
        print(f"warning: {warning}")
    return exit_code


def _probe(name: str, adapter) -> int:  # type: ignore[no-untyped-def]
    from monitor.errors import BlockedError, FetchError, ListingBrokenError

    what = "fact(s) read" if adapter.cross_check else "document(s) listed"
    try:
        count = len(adapter.cross_check_facts()) if adapter.cross_check else sum(1 for _ in adapter.list_documents())
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


def _redact_url(url: str) -> str:
    import re

    return re.sub(r"://([^:/@]+):[^@]+@", r"://\1:***@", url)


def cmd_status(args: argparse.Namespace) -> int:
    """Sources with their health, last success and document counts."""
    from sqlalchemy import func, select

    from monitor.store.models import DocumentRow, SourceRow

    with open_session(args) as (config, store, session):
        counts = dict(
            session.execute(select(DocumentRow.source_id, func.count()).group_by(DocumentRow.source_id)).all()
        )
        rows_by_name = {r.name: r for r in session.scalars(select(SourceRow))}
        from monitor.timeliness import lag_by_source

        lags = lag_by_source(session)
        data = []
        for src in config.sources:
            row = rows_by_name.get(src.name)
            data.append(
                {
                    "source": src.name,
                    "kind": src.kind,
                    "enabled": src.common.enabled,
                    "health": row.health if row else "never run",
                    "last_run": _iso(row.last_run_at) if row else None,
                    "last_ok": _iso(row.last_ok_at) if row else None,
                    "consecutive_failures": row.consecutive_failures if row else 0,
                    "documents": counts.get(row.id, 0) if row else 0,
                    "last_error": row.last_error if row else None,
                    "hint": row.last_hint if row else None,
                    "lag_days": lags.get(row.id) if row else None,
                }
            )
    if args.json:
        _print_json(data)
        return EXIT_OK
    from monitor.timeliness import lag_text

    rows = [
        [
            d["source"],
            d["health"],
            d["last_ok"] or "never",
            str(d["consecutive_failures"]),
            str(d["documents"]),
            lag_text(d["lag_days"]),
        ]
        for d in data
    ]
    print(_table(rows, ["source", "health", "last success", "failures", "documents", "found after publication"]))
    for d in data:
        if d["last_error"]:
            print(f"\n{d['source']}: {d['last_error']}")
            if d["hint"]:
                print(f"  what to try: {d['hint']}")
    return EXIT_OK


def document_status(doc, latest_error: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """ok, error or removed: a document whose last download failed, or whose latest version
    could not be read, is "error", so a script never reads "ok" beside an error."""
    if doc.status == "removed":
        return "removed"
    if doc.status == "error" or doc.error or latest_error:
        return "error"
    return doc.status


def latest_read_errors(session) -> dict[int, str]:  # type: ignore[no-untyped-def]
    """document id -> the reading error of its latest version, for documents that have one."""
    from sqlalchemy import and_, func, select

    from monitor.store.models import VersionRow

    latest = (
        select(VersionRow.document_id, func.max(VersionRow.number).label("n")).group_by(VersionRow.document_id).subquery()
    )
    query = (
        select(VersionRow.document_id, VersionRow.extract_error)
        .join(latest, and_(VersionRow.document_id == latest.c.document_id, VersionRow.number == latest.c.n))
        .where(VersionRow.extract_error.is_not(None))
    )
    return dict(session.execute(query).all())


def document_json(doc, versions: int, latest_error: str | None = None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The public shape of a document (`monitor documents --json`)."""
    return {
        "source": doc.source.name,
        "key": doc.key,
        "url": doc.url,
        "title": doc.title,
        "kind": doc.kind,
        "published": _iso(doc.published),
        "versions": versions,
        "first_seen": _iso(doc.first_seen),
        "last_seen": _iso(doc.last_seen),
        "last_changed": _iso(doc.last_changed),
        "status": document_status(doc, latest_error),
        "error": doc.error or (f"text not extracted: {latest_error}" if latest_error else None),
        "gone_since": _iso(doc.gone_since),
        "meta": doc.meta or {},
    }


def cmd_documents(args: argparse.Namespace) -> int:
    """Every stored document."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import joinedload

    from monitor.store.models import DocumentRow, SourceRow, VersionRow

    with open_session(args) as (config, store, session):
        query = select(DocumentRow).options(joinedload(DocumentRow.source)).order_by(DocumentRow.id)
        if args.source:
            query = query.join(SourceRow).where(SourceRow.name == args.source)
        counts = dict(
            session.execute(select(VersionRow.document_id, func.count()).group_by(VersionRow.document_id)).all()
        )
        errors = latest_read_errors(session)
        data = [document_json(doc, counts.get(doc.id, 0), errors.get(doc.id)) for doc in session.scalars(query)]
    if args.json:
        _print_json(data)
        return EXIT_OK
    rows = [
        [d["source"], d["key"][:40], (d["title"] or "")[:60], d["published"] or "", str(d["versions"]), d["status"]]
        for d in data
    ]
    print(_table(rows, ["source", "key", "title", "published", "versions", "status"]) if rows else "no documents yet")
    return EXIT_OK


def _find_document(session, key: str, source: str | None):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from monitor.store.models import DocumentRow, SourceRow

    query = select(DocumentRow).where(DocumentRow.key == key)
    if source:
        query = query.join(SourceRow).where(SourceRow.name == source)
    found = session.scalars(query).all()
    if not found:
        raise UsageError(f"no document with key {key!r}" + (f" in source {source!r}" if source else ""))
    if len(found) > 1:
        names = ", ".join(d.source.name for d in found)
        raise UsageError(f"key {key!r} is in several sources ({names}); add --source NAME")
    return found[0]


def cmd_history(args: argparse.Namespace) -> int:
    """A document's versions with dates and sizes."""
    with open_session(args) as (config, store, session):
        doc = _find_document(session, args.key, args.source)
        data = [
            {
                "version": v.number,
                "fetched_at": _iso(v.fetched_at),
                "size": v.size,
                "sha256": v.sha256,
                "pages": v.pages,
                "content_type": v.content_type,
                "blob_path": str(store.blobs.path_for(v.sha256)),
                "extract_error": v.extract_error,
            }
            for v in doc.versions
        ]
        title, url = doc.title, doc.url
    if args.json:
        _print_json(data)
        return EXIT_OK
    print(f"{title}\n{url}\n")
    rows = [[str(d["version"]), d["fetched_at"], str(d["size"]), str(d["pages"]), d["blob_path"]] for d in data]
    print(_table(rows, ["version", "fetched", "bytes", "pages", "stored copy"]) if rows else "no versions stored")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    """A unified diff of two versions' text."""
    import difflib

    with open_session(args) as (config, store, session):
        doc = _find_document(session, args.key, args.source)
        versions = {v.number: v for v in doc.versions}
        if len(versions) < 2 and (args.from_ is None or args.to is None):
            print(f"{doc.title} has {len(versions)} version(s); nothing to compare")
            return EXIT_OK
        numbers = sorted(versions)
        to = args.to if args.to is not None else numbers[-1]
        if args.from_ is not None:
            frm = args.from_
        elif to in numbers and numbers.index(to) > 0:
            frm = numbers[numbers.index(to) - 1]
        else:
            raise UsageError(f"version {to} of {args.key!r} has no earlier version to compare with")
        for n in (frm, to):
            if n not in versions:
                raise UsageError(f"no version {n} of {args.key!r}; versions: {', '.join(map(str, numbers))}")
        old, new = versions[frm].text.splitlines(), versions[to].text.splitlines()
    diff = difflib.unified_diff(old, new, f"{args.key} v{frm}", f"{args.key} v{to}", lineterm="")
    print("\n".join(diff) or "no text differences")
    return EXIT_OK


def cmd_events(args: argparse.Namespace) -> int:
    """Events, newest last."""
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    from monitor.events import event_json
    from monitor.store.models import EventRow, SourceRow

    with open_session(args) as (config, store, session):
        query = (
            select(EventRow)
            .options(joinedload(EventRow.source), joinedload(EventRow.document))
            .order_by(EventRow.id)
        )
        if args.since:
            query = query.where(EventRow.created_at >= _parse_when(args.since))
        if args.type:
            query = query.where(EventRow.type.in_(args.type))
        if args.source:
            query = query.join(SourceRow, EventRow.source_id == SourceRow.id).where(SourceRow.name == args.source)
        data = [event_json(e) for e in session.scalars(query).unique()]
    if args.limit:
        data = data[-args.limit :]
    if args.json:
        _print_json(data)
        return EXIT_OK
    if not data:
        print("no events")
    for e in data:
        print(f"{e['created_at'][:19]}  {e['severity']:<6}  {e['type']:<15} {e['source']}: {e['summary']}")
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    """Extract a local file exactly as a pass would."""
    from monitor.extract import Extractor

    path = Path(args.path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    if args.kind:
        from monitor.sources import source_class

        try:
            source_class(args.kind)
        except KeyError as exc:
            raise UsageError(str(exc.args[0])) from None
    with Extractor(timeout=args.timeout) as extractor:
        result = extractor.extract(path.resolve(), "", args.kind)
    if args.json:
        _print_json(
            {
                "path": str(path),
                "pages": len(result.pages),
                "text": result.text,
                "meta": result.meta,
                "content_type": result.content_type,
                "extractor": result.extractor,
                "empty": result.empty,
                "error": result.error,
            }
        )
    else:
        if result.error:
            print(f"{path}: {result.error}", file=sys.stderr)
        print(result.text.replace("\f", "\n\n--- page break ---\n\n"))
        if result.meta:
            print("\n--- meta ---\n" + json.dumps(result.meta, indent=2, ensure_ascii=False))
    return EXIT_FAILED if result.error else EXIT_OK


# -- the parser -------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-command per action."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=argparse.SUPPRESS, help="sources.yaml to use (default: ./sources.yaml or $MONITOR_CONFIG)")
    common.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS, help="more log output")
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="only warnings and errors")

    parser = argparse.ArgumentParser(
        prog="monitor",
        description="Watches Ofsted, CQC, the Ombudsman, council committees and gov.uk for new reports about a council.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"report-monitor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = add("run", cmd_run, "Run one monitoring pass over the sources.")
    p.add_argument("--source", action="append", metavar="NAME", help="only this source (repeatable)")
    p.add_argument("--all", action="store_true", help="every enabled source (the default)")
    p.add_argument(
        "--due",
        action="store_true",
        help="only sources whose schedule: has fired since their last pass (for an hourly cron line)",
    )
    p.add_argument("--workers", type=int, default=4, help="sources on different hosts checked side by side (default 4)")
    p.add_argument(
        "--fail-only-if-all",
        action="store_true",
        help="exit 1 only when every source failed (used by `make run`, handy offline)",
    )

    p = add("check-config", cmd_check_config, "Validate sources.yaml and show what would be watched.")
    p.add_argument("--probe", action="store_true", help="also fetch each source's listing once and report what it finds")

    p = add("status", cmd_status, "Show each source's health, last success and document count.")
    p.add_argument("--json", action="store_true")

    p = add("documents", cmd_documents, "List stored documents.")
    p.add_argument("--source", metavar="NAME")
    p.add_argument("--json", action="store_true")

    p = add("history", cmd_history, "Show the stored versions of one document.")
    p.add_argument("key")
    p.add_argument("--source", metavar="NAME")
    p.add_argument("--json", action="store_true")

    p = add("diff", cmd_diff, "Show what changed between two versions of a document.")
    p.add_argument("key")
    p.add_argument("--source", metavar="NAME")
    p.add_argument("--from", dest="from_", type=int, metavar="N")
    p.add_argument("--to", type=int, metavar="M")

    p = add("events", cmd_events, "List events (new, changed, removed documents, matches, source problems).")
    p.add_argument("--since", metavar="DATE")
    p.add_argument("--type", action="append", metavar="TYPE")
    p.add_argument("--source", metavar="NAME")
    p.add_argument("--limit", type=int)
    p.add_argument("--json", action="store_true")

    p = add("extract", cmd_extract, "Extract a local PDF or HTML file exactly as a pass would.")
    p.add_argument("path")
    p.add_argument("--kind", help="read the publisher's facts too (ofsted, cqc, lgsco, ...)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--timeout", type=float, default=120.0)

    _add_more_commands(add)
    return parser


def _add_more_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Commands from the delivery and operations modules."""
    from monitor import cli_capture, cli_ops, cli_responses, cli_search, cli_site

    cli_ops.register(add)
    cli_capture.register(add)
    cli_responses.register(add)
    cli_search.register(add)
    cli_site.register(add)


def _setup_logging(args: argparse.Namespace) -> None:
    from monitor.config import resolve_data_dir
    from monitor.ops.logsetup import json_enabled, setup_logging

    level = logging.INFO if getattr(args, "verbose", 0) else logging.WARNING
    if getattr(args, "quiet", False):
        level = logging.ERROR
    json_file = json_enabled(getattr(args, "log_json", False))
    try:
        setup_logging(level, data_dir=resolve_data_dir(), json_file=json_file)
    except OSError as exc:
        setup_logging(level)
        log.warning("JSON log file not available (%s); logging to stderr only", exc)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else EXIT_USAGE
    for name, default in (("config", None), ("verbose", 0), ("quiet", False)):
        if not hasattr(args, name):
            setattr(args, name, default)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    _setup_logging(args)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"configuration error:\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    except AlreadyRunning as exc:
        print(f"monitor: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except UsageError as exc:
        print(f"monitor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except MonitorError as exc:
        print(f"monitor: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OperationalError as exc:
        reason = str(exc.orig) if exc.orig is not None else str(exc)
        if "locked" in reason:
            reason += ": another process is writing to the database and did not finish in time; run again later"
        print(f"monitor: database error: {reason}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"monitor: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
