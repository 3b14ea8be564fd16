"""The `monitor` command: parse arguments, call the pipeline or the store, print.

Exit status: 0 success, 1 some sources (or deliveries) failed, 2 bad configuration or usage,
75 another monitor is already working on the data directory.

One module per family of commands, each with a `register(add)` that adds its sub-commands;
all of them import their helpers from `monitor.cli.common`, and nothing imports a command
module except `build_parser` (inside the function, so importing `monitor.cli.common` from
the daemon or `ops/` loads no command).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from monitor import __version__
from monitor.cli.common import EXIT_BUSY, EXIT_FAILED, EXIT_USAGE, UsageError
from monitor.errors import ConfigError, MonitorError
from monitor.lock import AlreadyRunning

log = logging.getLogger("monitor")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-command per action."""
    from monitor.cli import (
        capture,
        councils,
        deliveries,
        init,
        records,
        responses,
        run,
        search,
        service,
        site,
    )

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

    # this order is the order `monitor --help` lists the commands in
    for module in (run, records, deliveries, service, capture, responses, search, site, init, councils):
        module.register(add)
    return parser


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
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"monitor: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:
        if not _is_database_error(exc):
            raise
        reason = str(exc.orig) if exc.orig is not None else str(exc)  # type: ignore[attr-defined]
        if "locked" in reason:
            reason += ": another process is writing to the database and did not finish in time; run again later"
        print(f"monitor: database error: {reason}", file=sys.stderr)
        return EXIT_FAILED


def _is_database_error(exc: BaseException) -> bool:
    """An SQLAlchemy OperationalError (a locked or unreachable database). Checked without
    importing SQLAlchemy: a command that never opened the store cannot have raised one."""
    errors = sys.modules.get("sqlalchemy.exc")
    return errors is not None and isinstance(exc, errors.OperationalError)
