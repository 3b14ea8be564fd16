"""Cron schedules read as cron reads them, and whether a source is due."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from apscheduler.triggers.cron import CronTrigger

_DOW_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]


def cron_trigger(expr: str, *, timezone: Any = None, jitter: float | None = None) -> CronTrigger:
    """A CronTrigger that reads the day-of-week field as cron does (0 and 7 = Sunday).

    APScheduler 3.x's own `from_crontab` counts weekdays from Monday=0, so "0 7 * * 1" would
    fire on Tuesdays; numeric weekdays are rewritten to names first.
    """
    minute, hour, day, month, dow = expr.split()
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=_cron_dow(dow),
        timezone=timezone,
        jitter=int(jitter) if jitter else None,
    )


def _cron_dow(field: str) -> str:
    """A cron day-of-week field as an explicit list of APScheduler day names."""
    if not re.search(r"\d", field):
        return field  # "*", "mon-fri": names mean the same in both
    days: set[int] = set()
    for part in field.split(","):
        body, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if body == "*":
            lo, hi = 0, 6
        elif "-" in body:
            a, b = body.split("-", 1)
            lo, hi = _dow_number(a), _dow_number(b)
            if hi == 0 and lo > 0:
                hi = 7  # "5-7" / "5-0": Friday to Sunday
        else:
            lo = hi = _dow_number(body)
            if step_text:
                hi = 6  # "1/2": from Monday every other day, as cron reads it
        days.update(d % 7 for d in range(lo, hi + 1, step))
    return ",".join(_DOW_NAMES[d] for d in sorted(days))


def _dow_number(token: str) -> int:
    token = token.strip().lower()
    if token.isdigit():
        value = int(token)
        if not 0 <= value <= 7:
            raise ValueError(f"day of week {value} is out of range 0-7")
        return value
    if token[:3] in _DOW_NAMES:
        return _DOW_NAMES.index(token[:3])
    raise ValueError(f"unknown day of week {token!r}")


def is_due(schedule: str, last_run: datetime | None, now: datetime | None = None) -> bool:
    """Whether a scheduled time has passed since `last_run` (naive UTC); never run is due."""
    if last_run is None:
        return True
    now = now or datetime.now(UTC)
    due = cron_trigger(schedule).get_next_fire_time(None, last_run.replace(tzinfo=UTC))
    return due is not None and due <= now
