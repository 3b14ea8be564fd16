"""Logging for a monitor that runs unattended: readable lines on stderr, optional JSON lines
in a rotating file under <data dir>/logs, and never a secret in either.

JSON logging is switched on by `--log-json` (daemon) or MONITOR_LOG_JSON=1 (any command).
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

#: environment variables whose values must never appear in a log line
SECRET_ENVS = ("MONITOR_SMTP_PASSWORD", "MONITOR_CQC_API_KEY")
JSON_ENV = "MONITOR_LOG_JSON"
LOG_FILE = "monitor.jsonl"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 10
REDACTED = "***"
HUMAN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


#: secret values handed over at run time (a chat channel's token taken from the environment
#: by monitor/deliver/channels.py), hidden like the variables above
_EXTRA_SECRETS: set[str] = set()


def add_secrets(values: list[str]) -> None:
    """Hide these values too in every log line from now on."""
    _EXTRA_SECRETS.update(v for v in values if v)


def _secrets() -> list[str]:
    # read at every record, not once: a secret set after start-up is still hidden
    values = [os.environ.get(name) or "" for name in SECRET_ENVS] + list(_EXTRA_SECRETS)
    # very short values would blank out ordinary words; nobody uses a 3-character password
    return sorted((v for v in values if len(v) >= 4), key=len, reverse=True)


def redact(text: str) -> str:
    """`text` with every configured secret replaced by ***."""
    for secret in _secrets():
        text = text.replace(secret, REDACTED)
    return text


class RedactSecrets(logging.Filter):
    """A handler filter that rewrites a record so no secret value survives formatting.

    The message is rendered here (args merged in) and the traceback text pre-formatted, so
    formatters downstream only ever see the redacted strings.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not _secrets():
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not hide the record
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        # the traceback now lives in exc_text; dropping exc_info stops a formatter re-rendering it raw
        record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonLines(logging.Formatter):
    """One JSON object per line: time (UTC, ISO), level, logger, message, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat().replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
            "thread": record.threadName,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            data["exception"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


def json_enabled(flag: bool = False) -> bool:
    """Whether JSON file logging is wanted: the flag, or MONITOR_LOG_JSON set to 1/true/yes."""
    return flag or (os.environ.get(JSON_ENV, "").strip().lower() in ("1", "true", "yes", "on"))


def log_dir(data_dir: Path) -> Path:
    """Where the JSON log files live."""
    return Path(data_dir) / "logs"


def setup_logging(level: int = logging.WARNING, *, data_dir: Path | None = None, json_file: bool = False) -> None:
    """Configure the root logger: stderr (human) and, when asked, <data dir>/logs/monitor.jsonl.

    Replaces any handlers set before (so `monitor daemon` can upgrade the CLI's plain setup),
    and puts the secret filter on every handler: logger-level filters would miss records
    propagated from child loggers.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(logging.Formatter(HUMAN_FORMAT))
    stderr.addFilter(RedactSecrets())
    root.addHandler(stderr)
    if json_file:
        if data_dir is None:
            raise ValueError("JSON logging needs the data directory")
        folder = log_dir(data_dir)
        folder.mkdir(parents=True, exist_ok=True)
        rotating = logging.handlers.RotatingFileHandler(
            folder / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
        rotating.setFormatter(JsonLines())
        rotating.addFilter(RedactSecrets())
        # the file is for after-the-fact diagnosis: keep INFO even when stderr is quiet
        rotating.setLevel(min(level, logging.INFO))
        root.addHandler(rotating)
        root.setLevel(min(level, logging.INFO))
        stderr.setLevel(level)
    else:
        root.setLevel(level)
