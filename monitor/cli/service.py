"""Service commands: daemon, doctor, prune, export, import."""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Callable
from pathlib import Path

from monitor.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    load_config_for,
    open_store,
    positive_int,
    table,
)


def _logging_for_service(args: argparse.Namespace, data_dir: Path, *, default_level: int) -> None:
    """Re-do the CLI's logging with the secret filter and, when asked, the JSON file."""
    from monitor.ops.logsetup import json_enabled, setup_logging

    level = default_level
    if getattr(args, "verbose", 0):
        level = logging.DEBUG if args.verbose > 1 else logging.INFO
    if getattr(args, "quiet", False):
        level = logging.ERROR
    setup_logging(level, data_dir=data_dir, json_file=json_enabled(getattr(args, "log_json", False)))


def cmd_daemon(args: argparse.Namespace) -> int:
    """Run every source on its schedule until stopped (SIGTERM/SIGINT); SIGHUP reloads sources.yaml."""
    from monitor.daemon import Daemon, DaemonOptions

    config = load_config_for(args)
    # a daemon's log is all anyone will read of it: INFO by default, not the CLI's WARNING
    _logging_for_service(args, config.data_dir, default_level=logging.INFO)
    if args.interval_seconds is not None and args.interval_seconds <= 0:
        raise UsageError("--interval-seconds must be positive")
    options = DaemonOptions(
        jitter=args.jitter,
        interval_seconds=args.interval_seconds,
        misfire_grace=None if args.misfire_grace == 0 else args.misfire_grace,
        workers=args.workers,
        stop_timeout=args.stop_timeout,
    )
    daemon = Daemon(getattr(args, "config", None), options)
    clean = daemon.serve()
    if not clean:
        # a pass stuck in a request would keep the interpreter alive at exit; the store is
        # transactional, so leaving now loses only the unfinished document
        logging.shutdown()
        os._exit(EXIT_FAILED)
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    """Check that everything the monitor needs works; a table of what to fix."""
    from monitor.ops.doctor import FAIL, run_checks

    checks = run_checks(getattr(args, "config", None), min_free_gb=args.min_free_gb, network=not args.offline)
    rows = [[c.name, c.result, c.detail, c.fix or ""] for c in checks]
    print(table(rows, ["check", "result", "detail", "what to do"]))
    return EXIT_FAILED if any(c.result == FAIL for c in checks) else EXIT_OK


def cmd_prune(args: argparse.Namespace) -> int:
    """Delete old run history, sent deliveries and log files; documents and versions are kept."""
    from monitor.ops.prune import prune

    if args.days < 1:
        raise UsageError("--days must be at least 1")
    config = load_config_for(args)
    store = open_store(config)
    try:
        report = prune(store, config.data_dir, days=args.days, log_days=args.log_days or args.days, dry_run=args.dry_run)
    finally:
        store.close()
    verb = "would delete" if args.dry_run else "deleted"
    print(
        f"{verb}: {report.runs} run row(s), {report.deliveries} sent delivery row(s), "
        f"{report.log_files} log file(s), {report.temp_files} stale temporary file(s)"
    )
    print("kept: every document and every version (the evidence), all events, unsent deliveries")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Write the whole store to a folder: one JSON-lines file per table, a manifest, the blobs."""
    from monitor.ops.transfer import export_store

    config = load_config_for(args)
    store = open_store(config)
    try:
        manifest = export_store(store, Path(args.directory))
    finally:
        store.close()
    counts = ", ".join(f"{t}: {n}" for t, n in manifest["tables"].items())
    print(f"exported to {args.directory}: {counts}; {manifest['blobs']} blob(s)")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Load an export into this data directory's database (which must be empty unless --force)."""
    from monitor.lock import InstanceLock
    from monitor.ops.transfer import import_store

    config = load_config_for(args)
    with InstanceLock(config.data_dir):
        store = open_store(config)
        try:
            counts = import_store(store, Path(args.directory), force=args.force)
        finally:
            store.close()
    print(f"imported from {args.directory}: " + ", ".join(f"{t}: {n}" for t, n in counts.items()))
    return EXIT_OK


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the service commands to the parser."""
    p = add("daemon", cmd_daemon, "Run each source on its own schedule until stopped (for systemd).")
    p.add_argument("--jitter", type=float, default=60.0, help="random delay in seconds added to each run (default 60)")
    p.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        help="sources run side by side at most (default: settings.parallel_hosts, `auto`: what the machine allows)",
    )
    p.add_argument(
        "--misfire-grace",
        type=int,
        default=12 * 3600,
        help="a run missed by more than this many seconds (machine asleep) is skipped; 0 = never skip (default 43200)",
    )
    p.add_argument("--stop-timeout", type=float, default=60.0, help="seconds to wait for running passes on SIGTERM")
    p.add_argument("--log-json", action="store_true", help="also log JSON lines to <data dir>/logs/monitor.jsonl")
    p.add_argument("--interval-seconds", type=float, metavar="N", help=argparse.SUPPRESS)

    p = add("doctor", cmd_doctor, "Check config, database, disk, SMTP and each source's host; say what to fix.")
    p.add_argument("--min-free-gb", type=float, default=1.0, help="warn when the data disk has less free (default 1)")
    p.add_argument("--offline", action="store_true", help="skip the SMTP and source host checks")

    p = add("prune", cmd_prune, "Delete old run history, sent deliveries and logs (documents are kept).")
    p.add_argument("--days", type=int, default=90, help="keep the last N days of run rows and deliveries (default 90)")
    p.add_argument("--log-days", type=int, help="keep the last N days of log files (default: --days)")
    p.add_argument("--dry-run", action="store_true", help="only count what would be deleted")

    p = add("export", cmd_export, "Export the store to a folder of JSON lines plus the stored files.")
    p.add_argument("directory")

    p = add("import", cmd_import, "Import an export into an empty database.")
    p.add_argument("directory")
    p.add_argument("--force", action="store_true", help="replace the contents of a database that is not empty")

