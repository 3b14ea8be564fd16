"""The daily digest: a day's findings read in a minute, as Markdown and HTML.

It opens with a short summary in words ("Ofsted judged Harrow's children's services
inadequate overall (good in 2020). One Ombudsman decision: upheld. No answer yet from the
council to the March 2025 Ombudsman decision."), then tells each document under whom it is
about (a council, a care home, a committee) and its publisher, then the findings the council
has not answered, then each source with a problem once, in words.

The output is deterministic (same events in, byte-identical files out) so a digest can be
regenerated, compared and tested against a golden file. Nothing in it depends on the clock.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from monitor.dates import iso_day
from monitor.deliver.labels import (
    PROBLEM_TYPES,
    capitalise,
    event_time,
    format_day,
    grade_words,
    join_words,
    month_year,
    number_words,
    one_line,
    plural,
    publisher_in_sentence,
    publisher_label,
    publisher_order,
)
from monitor.deliver.render import Group, environment, group_events, item_view, problem_sentence
from monitor.deliver.summary import Facts, summary_line
from monitor.sources import profile_of

#: the watchdog group's day: an event at 00:30 BST belongs to that calendar day in London
LOCAL_TZ = ZoneInfo("Europe/London")
#: a median of fewer finds than this says nothing
MIN_LAGS = 3
#: documents named one by one in the summary before they are counted instead
MAX_NAMED = 3


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


# -- sources with problems --------------------------------------------------------------------


def _problem_lines(
    problems: list[dict[str, Any]], problem_events: list[dict[str, Any]], about: dict[str, str]
) -> list[str]:
    """Each source with a problem once: its state now (from `problems`), else what happened to
    it today (a recovery, two sources disagreeing). `about`: whom each source is about, by name."""
    lines: dict[str, tuple[tuple[int, str], str]] = {}
    for problem in problems:
        name = one_line(problem.get("name") or problem.get("source"))
        kind = str(problem.get("kind") or problem.get("source_kind") or "")
        failures = problem.get("consecutive_failures", problem.get("failures"))
        event = {
            "type": "source_error",
            "source_kind": kind,
            "details": {"health": one_line(problem.get("health")) or "failing", "consecutive_failures": failures},
        }
        whom = problem.get("about") or about.get(name)
        sentence = problem_sentence(event, whom, since=iso_day(problem.get("since") or problem.get("last_ok")))
        lines[name] = (publisher_order(kind), sentence)
    by_source: dict[str, list[dict[str, Any]]] = {}
    for event in sorted(problem_events, key=lambda e: (str(e.get("created_at") or ""), int(e.get("id") or 0))):
        by_source.setdefault(one_line(event.get("source")), []).append(event)
    for name, events in by_source.items():
        if name in lines:
            continue
        newest = events[-1]
        sentence = problem_sentence(newest, about.get(name))
        more = len([e for e in events if e.get("type") == newest.get("type")]) - 1
        if more > 0 and newest.get("type") == "cross_check_mismatch":
            sentence += f" ({capitalise(plural(more, 'other disagreement'))} today.)"
        lines[name] = (publisher_order(str(newest.get("source_kind") or "")), sentence)
    return [sentence for _, sentence in sorted(lines.values())]


# -- the summary in words ----------------------------------------------------------------------


def _undated(facts: Facts) -> str:
    """A document as the summary at the top names it (the day is the digest's heading)."""
    return summary_line(facts)


def _summary(
    groups: list[tuple[Group, Facts | None]], problems: list[str], unanswered: list[dict[str, Any]]
) -> str:
    """A few sentences a person reads first: each graded report, the decisions counted by
    outcome, the other documents counted, the answers, what still has none, the problems."""
    sentences: list[str] = []
    graded: list[str] = []
    decisions: dict[str, list[str]] = {}
    others: dict[str, list[Facts]] = {}
    changed: list[str] = []
    removed: Counter[str] = Counter()
    answers = 0
    for group, facts in groups:
        answers += len(group.of_type("response"))
        if facts is None or not facts.announced:
            continue
        profile = facts.profile
        if facts.announced == "changed":
            if facts.changes:
                changed.append(_undated(facts))
            continue
        if facts.announced == "removed":
            removed[profile.label] += 1
            continue
        if facts.verdicts and profile.verdicts == "decision":
            decisions.setdefault(profile.label, []).append(grade_words(facts.verdicts.get("decision")))
        elif facts.verdicts:
            graded.append(_undated(facts))
        elif group.of_type("new_document"):
            others.setdefault(profile.label, []).append(facts)
    sentences += graded[:MAX_NAMED]
    if len(graded) > MAX_NAMED:
        sentences.append(f"{capitalise(plural(len(graded) - MAX_NAMED, 'other graded report'))} (below).")
    for label, outcomes in decisions.items():
        counts = Counter(outcomes)
        if len(outcomes) == 1:
            sentences.append(f"One {label} decision: {outcomes[0]}.")
        else:
            parts = [f"{number_words(n)} {outcome}" for outcome, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
            sentences.append(f"{capitalise(plural(len(outcomes), f'{label} decision'))}: {join_words(parts)}.")
    for label, documents in others.items():
        if len(documents) == 1:
            sentences.append(_undated(documents[0]))
        else:
            sentences.append(f"{capitalise(plural(len(documents), 'new document'))} from {label}.")
    sentences += changed[:MAX_NAMED]
    for label, count in removed.items():
        sentences.append(f"{capitalise(plural(count, 'document'))} removed from {label}'s site; the monitor keeps its copies.")
    if answers:
        sentences.append(f"{capitalise(plural(answers, 'council paper'))} answering a finding (below)." if answers > 1
                         else "One council paper answers a finding (below).")
    for row in unanswered[:MAX_NAMED]:
        sentences.append(f"No answer yet from the council to {_finding_words(row)}.")
    if len(unanswered) > MAX_NAMED:
        sentences.append(f"{capitalise(plural(len(unanswered) - MAX_NAMED, 'other finding'))} without an answer (below).")
    if problems:
        sentences.append(
            "One source has a problem (below)." if len(problems) == 1
            else f"{capitalise(number_words(len(problems)))} sources have problems (below)."
        )
    return " ".join(sentences) if sentences else "Nothing new today."


def _finding_words(row: dict[str, Any]) -> str:
    """"the March 2025 Ombudsman decision" for a finding without an answer."""
    finding = row.get("finding") or {}
    profile = profile_of(str(row.get("kind") or finding.get("kind") or ""))
    published = iso_day(finding.get("published"))
    noun = "decision" if profile.verdicts == "decision" else "report"
    label = profile.label if profile.adapter else ""
    when = f"{month_year(published)} " if published else ""
    if label:
        return f"the {when}{label} {noun}"
    return f"“{one_line(finding.get('title'))}”" + (f" of {month_year(published)}" if published else "")


def _unanswered_line(row: dict[str, Any]) -> str:
    finding = row.get("finding") or {}
    published = iso_day(finding.get("published"))
    days = int(row.get("unanswered_days") or 0)
    profile = profile_of(str(row.get("kind") or finding.get("kind") or ""))
    who = f"{publisher_in_sentence(profile, start=True)}: " if profile.adapter else ""
    when = f", published {format_day(published)}" if published else ""
    return f"{who}“{one_line(finding.get('title'))}”{when}. No council paper has referred to it in {days} days."


def _lags(todays: list[dict[str, Any]]) -> list[str]:
    """How many days after publication each publisher's new reports were found, where there
    are enough of them for a median to mean something."""
    from monitor.timeliness import find_lag, summarise

    by_publisher: dict[str, list[int]] = {}
    for event in todays:
        lag = find_lag(event.get("details")) if event.get("type") == "new_document" else None
        if lag is not None:
            by_publisher.setdefault(publisher_label(event.get("source_kind")), []).append(lag)
    out = []
    for label, lags in sorted(by_publisher.items()):
        if len(lags) < MIN_LAGS:
            continue
        lag = summarise(lags)
        out.append(
            f"{label}: {plural(lag['found'], 'new document')}, found a median of {lag['median_lag_days']:g} days "
            f"after publication (at most {lag['max_lag_days']})."
        )
    return out


# -- the digest ----------------------------------------------------------------------------------


def _context(
    day: date, events: list[dict[str, Any]], problems: list[dict[str, Any]], unanswered: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    todays = events_of_day(day, events)
    document_events = [e for e in todays if e.get("type") not in PROBLEM_TYPES and e.get("document_key")]
    problem_events = [e for e in todays if e.get("type") in PROBLEM_TYPES or not e.get("document_key")]
    groups = [(group, group.facts()) for group in group_events(document_events, context=events)]
    sections: dict[str, dict[str, list[tuple[Group, dict[str, Any]]]]] = {}
    for group, _ in groups:
        item = item_view(group)
        sections.setdefault(item["about"] or group.publisher, {}).setdefault(group.kind, []).append((group, item))
    ordered = []
    for name, kinds in sections.items():
        publishers = []
        for kind in sorted(kinds, key=publisher_order):
            entries = sorted(kinds[kind], key=lambda gi: (gi[1]["severity"] != "urgent", str(gi[0].main.get("created_at")), gi[0].main.get("id") or 0))
            publishers.append({"name": publisher_label(kind), "entries": [item for _, item in entries]})
        # two kinds of one publisher (Ofsted's reports and its statistics) share a heading
        merged: list[dict[str, Any]] = []
        for publisher in publishers:
            if merged and merged[-1]["name"] == publisher["name"]:
                merged[-1]["entries"].extend(publisher["entries"])
            else:
                merged.append(publisher)
        ordered.append((min(publisher_order(k) for k in kinds), name, merged))
    about = {str(group.main.get("source")): group.about for group, _ in groups if group.about}
    about.update({one_line(p.get("name") or p.get("source")): str(p["about"]) for p in problems if p.get("about")})
    problem_lines = _problem_lines(problems, problem_events, about)
    unanswered = list(unanswered or [])
    return {
        "day": format_day(day),
        "iso_day": day.isoformat(),
        "summary": _summary(groups, problem_lines, unanswered),
        "sections": [{"name": name, "publishers": publishers} for _, name, publishers in sorted(ordered, key=lambda o: (o[0], o[1].casefold()))],
        "problems": problem_lines,
        "unanswered": [_unanswered_line(row) for row in unanswered],
        "lags": _lags(todays),
        "kept": any(item["kept"] for kinds in sections.values() for entries in kinds.values() for _, item in entries),
        "urgent": sum(1 for e in todays if e.get("severity") == "urgent"),
    }


def render_digest(
    day: date, events: list[dict[str, Any]], problems: list[dict[str, Any]], unanswered: list[dict[str, Any]] | None = None
) -> tuple[str, str]:
    """(markdown, html) for `day`: a summary in words, the day's documents by council and
    publisher, the findings without an answer, then each source with a problem once.

    `events` may hold more than one day (only `day`'s are told; the others complete the facts
    of the same documents); `problems` are the sources whose health is not ok ({name, kind,
    health, since, consecutive_failures, about}); `unanswered` are `monitor responses` rows of
    findings no council paper has answered in time (with the finding's source `kind`). All
    text is escaped for its format.
    """
    context = _context(day, events, problems, unanswered)
    markdown = environment(autoescape=False).get_template("digest.md.j2").render(context)
    html = environment(autoescape=True).get_template("digest.html.j2").render(context)
    return markdown, html


def digest_subject(day: date, events: list[dict[str, Any]], problems: list[dict[str, Any]], unanswered: list[dict[str, Any]] | None = None) -> str:
    """The digest email's subject: the day, then the start of its summary, at most 100 characters."""
    from monitor.deliver.labels import cut_words

    summary = _context(day, events, problems, unanswered)["summary"]
    return cut_words(f"Digest for {format_day(day)}: {summary}", 100)


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
