"""Dates as the publishers write them, parsed into `datetime.date`."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

_FORMATS = ("%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%d-%B-%Y", "%B %d %Y", "%b %d %Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%B %Y", "%b %Y")
_ORDINAL = re.compile(r"(\d{1,2})(st|nd|rd|th)\b", re.I)
_WEEKDAY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+", re.I)


def parse_date(text: str | None) -> date | None:
    """Parse "04 March 2025", "8 Dec 2023", "10/02/2026" (day first), "Tuesday 4th March
    2025", "March 2025" (first of the month) or an ISO date/timestamp. None if unreadable."""
    if not text:
        return None
    value = " ".join(text.replace(",", " ").split())
    if not value:
        return None
    iso = re.match(r"^(\d{4}-\d{2}-\d{2})([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$", value)
    if iso:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
        except ValueError:
            try:
                return date.fromisoformat(iso.group(1))
            except ValueError:
                return None
    value = _WEEKDAY.sub("", _ORDINAL.sub(r"\1", value))
    value = value.replace("Sept ", "Sep ")
    for fmt in _FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def iso_day(value: Any) -> date | None:
    """A date as the store keeps it in meta and event details (a date, or an ISO date or
    timestamp string) as a date; None when absent or not ISO."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
