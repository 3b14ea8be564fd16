"""What every channel writes the same way about an event: publisher labels (from each kind's
profile), event type
labels, text on one line, safe URLs, days, whom an event is about, where our copy is.

Email, digest, feed and the site all use these; monitor/deliver/render.py builds on them.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from monitor.sources import profile_of

SEVERITY_RANK = {"urgent": 0, "normal": 1, "info": 2}
TYPE_LABELS = {
    "new_document": "New report",
    "changed": "Changed",
    "removed": "Removed",
    "rating_change": "Rating change",
    "phrase_match": "Phrase match",
    "source_broken": "Source broken",
    "cross_check_mismatch": "Cross-check disagrees",
    "listing_incomplete": "Listing read in part",
    "response": "Council response",
    "source_failing": "Source failing",
    "source_error": "Source error",
    "source_recovered": "Source recovered",
}
PROBLEM_TYPES = {
    "source_error",
    "source_failing",
    "source_broken",
    "source_recovered",
    "cross_check_mismatch",
    "listing_incomplete",
}


def publisher_label(source_kind: str | None) -> str:
    """"Ofsted", "CQC", "Ombudsman", "Housing Ombudsman" ... for a source kind (its profile's label)."""
    return profile_of(source_kind).label


def publisher_order(source_kind: str | None) -> tuple[int, str]:
    """Where a kind's publisher sorts (inspectorates first), as its profile says."""
    return (profile_of(source_kind).order, source_kind or "")


def one_line(text: Any, limit: int = 0) -> str:
    """Text on one line (no header injection, no broken subjects), cut at `limit` with an ellipsis."""
    value = " ".join(str(text or "").split())
    if limit and len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value


def safe_url(url: Any) -> str | None:
    """The URL if it is http(s), with spaces and brackets encoded; None otherwise (javascript:, data:)."""
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    return quote(url, safe=":/?#@!$&'*+,;=%~-._")


def format_day(value: date) -> str:
    """"4 March 2025"."""
    return f"{value.day} {value:%B %Y}"


def event_time(event: dict[str, Any]) -> datetime | None:
    """The event's created_at as a datetime, or None if unreadable."""
    try:
        return datetime.fromisoformat(str(event.get("created_at") or "").replace("Z", "+00:00"))
    except ValueError:
        return None


def meta_of(event: dict[str, Any]) -> dict[str, Any]:
    """The document meta an event carries (details.meta), or {}."""
    meta = (event.get("details") or {}).get("meta")
    return meta if isinstance(meta, dict) else {}


def provider_of(event: dict[str, Any]) -> str | None:
    """Whom the event is about: meta.provider / committee / authority, or a rating change's provider."""
    meta = meta_of(event)
    for key in ("provider", "committee", "authority"):
        if isinstance(meta.get(key), str) and meta[key].strip():
            return one_line(meta[key])
    details = event.get("details") or {}
    for key in ("provider_name", "provider"):
        value = details.get(key)
        if isinstance(value, str) and value.strip():
            return one_line(value)
    return None


def stored_copy(blob_path: Any, data_dir: Path | None) -> str | None:
    """Where our stored copy is: blob_path joined with data_dir when relative."""
    if not isinstance(blob_path, str) or not blob_path:
        return None
    path = Path(blob_path)
    if not path.is_absolute() and data_dir is not None:
        path = Path(data_dir) / path
    return str(path)
