"""How late the monitor heard of each publication: the lag per source.

Each new_document event records the publisher's date (`details.published`) and, as
`details.lag_days`, the days from it to when the pass found it. A source's lag is taken
over its non-baseline finds (a baseline is what was already published before we watched).
"""

from __future__ import annotations

from statistics import median
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.store.models import EventRow


def lag_by_source(session: Session) -> dict[int, dict[str, Any]]:
    """source id -> {found, median_lag_days, max_lag_days} over new_document events that are
    not the baseline and have a publisher's date."""
    rows = session.execute(
        select(EventRow.source_id, EventRow.details).where(
            EventRow.type == "new_document", EventRow.severity.in_(("urgent", "normal"))
        )
    ).all()
    lags: dict[int, list[int]] = {}
    for source_id, details in rows:
        lag = find_lag(details)
        if lag is not None:
            lags.setdefault(source_id, []).append(lag)
    return {source_id: summarise(values) for source_id, values in lags.items()}


def find_lag(details: dict[str, Any] | None) -> int | None:
    """A new_document event's lag in days, or None for the baseline or an undated find."""
    details = details or {}
    lag = details.get("lag_days")
    return None if details.get("baseline") or not isinstance(lag, int) else lag


def summarise(lags: list[int]) -> dict[str, Any]:
    """{found, median_lag_days, max_lag_days} of some finds' lags (at least one)."""
    return {"found": len(lags), "median_lag_days": median(lags), "max_lag_days": max(lags)}


def lag_text(lag: dict[str, Any] | None) -> str:
    """"2 days (median of 5, at most 9)" for a person; "-" when nothing was found yet."""
    if not lag:
        return "-"
    days = lag["median_lag_days"]
    days_text = f"{days:g} day" + ("" if days == 1 else "s")
    return f"{days_text} (median of {lag['found']}, at most {lag['max_lag_days']})"
