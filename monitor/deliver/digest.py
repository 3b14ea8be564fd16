"""The daily digest: every event of one day, grouped by publisher then provider, as Markdown and HTML.

The output is deterministic (same events in, byte-identical files out) so a digest can be
regenerated, compared and tested against a golden file. Nothing in it depends on the clock.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from monitor.dates import iso_day
from monitor.deliver.render import (
    PROBLEM_TYPES,
    environment,
    event_time,
    format_day,
    group_events,
    item_view,
    one_line,
    publisher_label,
    publisher_order,
)

#: the watchdog group's day: an event at 00:30 BST belongs to that calendar day in London
LOCAL_TZ = ZoneInfo("Europe/London")
SECTIONS = [
    ("new_document", "New reports"),
    ("rating_change", "Rating changes"),
    ("changed", "Changes"),
    ("removed", "Removed"),
    ("phrase_match", "Phrase matches"),
    ("response", "Council responses"),
]


def events_of_day(day: date, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events created on `day` in London time (timestamps without an offset are taken as London)."""
    out = []
    for event in events:
        moment = event_time(event)
        if moment is None:
            continue
        local = moment.astimezone(LOCAL_TZ) if moment.tzinfo else moment
        if local.date() == day:
            out.append(event)
    return out


def _local_time(event: dict[str, Any]) -> str:
    moment = event_time(event)
    if moment is None:
        return ""
    return (moment.astimezone(LOCAL_TZ) if moment.tzinfo else moment).strftime("%H:%M")


def _publisher_order(kind: str) -> tuple[int, str]:
    return publisher_order(kind)


def _problem_view(problem: dict[str, Any]) -> dict[str, Any]:
    kind = str(problem.get("kind") or problem.get("source_kind") or "")
    failures = problem.get("consecutive_failures", problem.get("failures"))
    return {
        "name": one_line(problem.get("name") or problem.get("source")) or "unnamed source",
        "publisher": publisher_label(kind),
        "health": one_line(problem.get("health")) or "failing",
        "error": one_line(problem.get("error") or problem.get("last_error")),
        "hint": one_line(problem.get("hint")),
        "since": one_line(problem.get("since") or problem.get("last_ok")),
        "failures": int(failures) if isinstance(failures, int) else None,
    }


def _problem_event_view(event: dict[str, Any]) -> dict[str, Any]:
    details = event.get("details") or {}
    item = item_view(group_events([event])[0])
    return {
        "name": one_line(event.get("source")) or "unnamed source",
        "publisher": publisher_label(event.get("source_kind")),
        "what": item["type_label"],
        "time": _local_time(event),
        # a cross-check has no error of its own: its summary names both roads and the problem
        "error": one_line(details.get("error") or (event.get("summary") if details.get("checks") else None)),
        "hint": one_line(details.get("hint")),
        "severity": event.get("severity") or "normal",
    }


def _lags(todays: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per source, how many days after publication today's new reports were found."""
    from monitor.timeliness import find_lag, summarise

    by_source: dict[str, list[int]] = {}
    for event in todays:
        lag = find_lag(event.get("details")) if event.get("type") == "new_document" else None
        if lag is not None:
            by_source.setdefault(one_line(event.get("source")), []).append(lag)
    out = []
    for name, lags in sorted(by_source.items()):
        lag = summarise(lags)
        out.append({"source": name, "found": lag["found"], "median": f"{lag['median_lag_days']:g}", "max": lag["max_lag_days"]})
    return out


def _unanswered_view(row: dict[str, Any]) -> dict[str, Any]:
    finding = row.get("finding") or {}
    return {
        "title": one_line(finding.get("title")) or one_line(finding.get("key")),
        "publisher": one_line(finding.get("source")),
        "published": _published_day(finding.get("published")),
        "days": int(row.get("unanswered_days") or 0),
    }


def _published_day(value: Any) -> str:
    day = iso_day(value)
    return format_day(day) if day else one_line(value)


def _context(
    day: date, events: list[dict[str, Any]], problems: list[dict[str, Any]], unanswered: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    todays = events_of_day(day, events)
    document_events = [e for e in todays if e.get("type") not in PROBLEM_TYPES]
    problem_events = [e for e in todays if e.get("type") in PROBLEM_TYPES]
    by_publisher: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for group in group_events(document_events):
        kind = str(group.main.get("source_kind") or "")
        item = item_view(group)
        by_publisher.setdefault(kind, {}).setdefault(item["provider"], []).append(item)
    publishers = []
    for kind in sorted(by_publisher, key=_publisher_order):
        providers = []
        for provider in sorted(by_publisher[kind], key=lambda name: (name.casefold(), name)):
            items = by_publisher[kind][provider]
            sections = [
                {"title": title, "entries": [item for item in items if item["type"] == kind_]}
                for kind_, title in SECTIONS
            ]
            providers.append({"name": provider, "sections": [s for s in sections if s["entries"]]})
        publishers.append({"name": publisher_label(kind), "providers": providers})
    problem_views = sorted(
        (_problem_view(p) for p in problems), key=lambda p: (p["name"].casefold(), p["health"], p["error"])
    )
    counts = {title: 0 for _, title in SECTIONS}
    for event in document_events:
        for kind_, title in SECTIONS:
            if event.get("type") == kind_:
                counts[title] += 1
    return {
        "day": format_day(day),
        "iso_day": day.isoformat(),
        "total": len(todays),
        "urgent": sum(1 for e in todays if e.get("severity") == "urgent"),
        "counts": [(title, n) for title, n in counts.items() if n],
        "publishers": publishers,
        "problems": problem_views,
        "problem_events": [_problem_event_view(e) for e in problem_events],
        "unanswered": [_unanswered_view(row) for row in unanswered or []],
        "lags": _lags(todays),
    }


def render_digest(
    day: date, events: list[dict[str, Any]], problems: list[dict[str, Any]], unanswered: list[dict[str, Any]] | None = None
) -> tuple[str, str]:
    """(markdown, html) for `day`: the day's events by publisher and provider, then sources with problems.

    `events` may hold more than one day (only `day`'s are shown); `problems` are the sources
    whose health is not ok ({name, kind, health, error, hint, since, consecutive_failures});
    `unanswered` are `monitor responses` rows of findings no council paper has answered in time.
    Within a provider: new reports (verdicts and quotes), rating changes, changes (short
    diff), removals, phrase matches on their own. All text is escaped for its format.
    """
    context = _context(day, events, problems, unanswered)
    markdown = environment(autoescape=False).get_template("digest.md.j2").render(context)
    html = environment(autoescape=True).get_template("digest.html.j2").render(context)
    return markdown, html


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_digest(
    data_dir: Path,
    day: date,
    events: list[dict[str, Any]],
    problems: list[dict[str, Any]],
    unanswered: list[dict[str, Any]] | None = None,
) -> tuple[Path, Path]:
    """Write <data_dir>/digests/YYYY-MM-DD.md and .html atomically; returns both paths."""
    markdown, html = render_digest(day, events, problems, unanswered)
    folder = Path(data_dir) / "digests"
    md_path = folder / f"{day.isoformat()}.md"
    html_path = folder / f"{day.isoformat()}.html"
    atomic_write(md_path, markdown.encode("utf-8"))
    atomic_write(html_path, html.encode("utf-8"))
    return md_path, html_path
