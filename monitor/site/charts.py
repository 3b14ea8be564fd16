"""Small inline SVG charts. Every label is escaped here, since the SVG is placed in the page as
markup; each chart carries a <title> and <desc> so a screen reader gets what the bars show, and
comes with a visible title and a legend in words (`Chart`). Colours follow the meaning a
watchdog reads: green is good for the council, red is bad (an upheld complaint, an inadequate
grade), outcomes in the order of their kind's scale, best first."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from monitor.profile import clean
from monitor.site.data import GRADE_ORDER, SiteDocument, grade_rank
from monitor.site.words import level_css, month
from monitor.sources import profile_of

#: CQC's thresholds for a local authority's percentage score (docs/publishers/cqc.md)
CQC_BANDS = ((25, 38, "inadequate"), (39, 62, "requires improvement"), (63, 87, "good"), (88, 100, "outstanding"))
GRADE_CLASS = {g: "grade-" + g.replace(" ", "-") for g in GRADE_ORDER}
QS_TITLE = "CQC quality statement scores against the rating bands"
_seq = 0


@dataclass
class Chart:
    """A chart as a page shows it: a visible title, the drawing, a legend in words (CSS
    class of the swatch, what it means) and a note on how to read it."""

    title: str
    svg: Markup
    legend: list[tuple[str, str]]
    note: str | None = None


@dataclass
class Bar:
    """One bar: its label under the axis, its value, its text and a CSS class."""

    label: str
    value: float
    text: str
    css: str = ""


def _next_id(prefix: str) -> str:
    global _seq
    _seq += 1
    return f"{prefix}-{_seq}"


_CHART_ID = re.compile(r'(?<=")(bar|omb|hbar)-(\d+)-([td])(?=[" ])|(?<= )(bar|omb|hbar)-(\d+)-d(?=")')


def number_ids(html: str) -> str:
    """Number the charts' ids on one page 1, 2, 3... in the order they appear: a page reads
    the same however many charts were drawn before it in the build, so an update of some
    pages writes what a full build writes."""
    seen: dict[str, str] = {}

    def renumber(match: re.Match[str]) -> str:
        prefix, number, part = (match.group(1), match.group(2), match.group(3)) if match.group(1) else (match.group(4), match.group(5), "d")
        key = f"{prefix}-{number}"
        if key not in seen:
            seen[key] = f"{prefix}-{len(seen) + 1}"
        return f"{seen[key]}-{part}"

    return _CHART_ID.sub(renumber, html) if "<svg" in html else html


def _open(width: int, height: int, title: str, desc: str, prefix: str) -> list[str]:
    cid = _next_id(prefix)
    return [
        f'<svg class="chart" role="img" aria-labelledby="{cid}-t {cid}-d" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{cid}-t">{escape(title)}</title><desc id="{cid}-d">{escape(desc)}</desc>',
    ]


def bar_chart(bars: list[Bar], title: str, max_value: float, axis: list[tuple[float, str]] | None = None) -> Markup:
    """Vertical bars with their value written on each and their label under it."""
    width = max(360, 90 * len(bars) + 160)
    height, top, bottom, left = 260, 20, 60, 170
    plot = height - top - bottom
    desc = "; ".join(f"{b.label}: {b.text}" for b in bars)
    out = _open(width, height, title, desc, "bar")
    for value, text in axis or []:
        y = top + plot - plot * value / max_value
        out.append(f'<line class="grid" x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(text)}</text>')
    for i, bar in enumerate(bars):
        h = plot * bar.value / max_value if max_value else 0
        x = left + 10 + 90 * i
        y = top + plot - h
        out.append(
            f'<g class="bar {escape(bar.css)}"><rect x="{x}" y="{y:.1f}" width="60" height="{h:.1f}"><title>'
            f"{escape(bar.label)}: {escape(bar.text)}</title></rect>"
            f'<text class="value" x="{x + 30}" y="{y - 4:.1f}" text-anchor="middle">{escape(bar.text)}</text>'
            f'<text class="label" x="{x + 30}" y="{height - bottom + 16}" text-anchor="middle">{escape(bar.label)}</text></g>'
        )
    out.append("</svg>")
    return Markup("".join(out))


def overall_grades(docs: Iterable[SiteDocument]) -> Chart | None:
    """Overall judgements over time (Ofsted's): one bar per graded report, oldest first, its
    height and colour its grade."""
    graded = []
    for doc in docs:
        overall = (doc.meta.get("judgements") or {}).get("overall") if isinstance(doc.meta.get("judgements"), dict) else None
        rank = grade_rank(overall)
        if rank:
            graded.append((doc.when, str(overall), rank))
    if not graded:
        return None
    graded.sort()
    bars = [Bar(month(when), rank, grade.capitalize(), GRADE_CLASS[grade.lower()]) for when, grade, rank in graded]
    axis = [(len(GRADE_ORDER) - i, g.capitalize()) for i, g in enumerate(GRADE_ORDER)]
    title = "Ofsted overall effectiveness over time"
    legend = [(GRADE_CLASS[g], g.capitalize()) for g in GRADE_ORDER if any(b.css == GRADE_CLASS[g] for b in bars)]
    return Chart(title, bar_chart(bars, title, len(GRADE_ORDER), axis), legend, "Each bar is one inspection report, oldest first; the taller the bar, the better the grade.")


def _decision_year(doc: SiteDocument) -> str:
    return (doc.meta.get("decision_date") or doc.when.isoformat())[:4]


def _outcome_order(doc_kinds: dict[str, str], outcome: str) -> tuple[int, int, str]:
    """Where an outcome sorts: by its level on its kind's scale (best first), then by its place
    within that level, unknown outcomes last."""
    profile = profile_of(doc_kinds[outcome])
    level = profile.level(outcome)
    if level is None:
        return (99, 0, outcome)
    folded = clean(outcome)
    place = next((i for i, v in enumerate(profile.scale[level]) if folded.startswith(v)), 0)
    return (level, place, outcome)


def _outcome_css(doc_kinds: dict[str, str], outcomes: list[str]) -> dict[str, str]:
    """Each outcome's colour class: its level's colour (green best ... red worst); a second
    outcome at the same level gets that level's second shade."""
    css: dict[str, str] = {}
    used: Counter[str] = Counter()
    for outcome in outcomes:
        profile = profile_of(doc_kinds[outcome])
        step = level_css(profile, outcome)
        css[outcome] = f"{step} shade-{used[step] % 2}"
        used[step] += 1
    return css


def decisions_by_year(docs: Iterable[SiteDocument]) -> Chart | None:
    """Ombudsman decisions per year, stacked by outcome: the worst at the bottom in red, the
    best on top in green, in the order of the kind's scale."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    kinds: dict[str, str] = {}
    for doc in docs:
        if doc.meta.get("decision"):
            outcome = str(doc.meta["decision"])
            counts[_decision_year(doc)][outcome] += 1
            kinds.setdefault(outcome, doc.source_kind)
    if not counts:
        return None
    outcomes = sorted(kinds, key=lambda o: _outcome_order(kinds, o))
    css = _outcome_css(kinds, outcomes)
    years = sorted(counts)
    peak = max(sum(c.values()) for c in counts.values())
    width, height, top, bottom, left = max(300, 100 * len(years) + 80), 240, 20, 40, 40
    plot = height - top - bottom
    desc = "; ".join(f"{y}: " + ", ".join(f"{o} {counts[y][o]}" for o in outcomes if counts[y][o]) for y in years)
    title = "Ombudsman decisions by year and outcome"
    out = _open(width, height, title, desc, "omb")
    for i, year in enumerate(years):
        x, base = left + 100 * i, top + plot
        # worst first, so it sits at the bottom of the stack
        for outcome in reversed(outcomes):
            n = counts[year][outcome]
            if not n:
                continue
            h = plot * n / peak
            base -= h
            out.append(
                f'<g class="bar {css[outcome]}"><rect x="{x}" y="{base:.1f}" width="60" height="{h:.1f}"><title>'
                f"{escape(year)}, {escape(outcome)}: {n}</title></rect>"
                f'<text class="value inside" x="{x + 30}" y="{base + h / 2 + 4:.1f}" text-anchor="middle">{n}</text></g>'
            )
        out.append(f'<text class="label" x="{x + 30}" y="{height - bottom + 16}" text-anchor="middle">{escape(year)}</text>')
    out.append("</svg>")
    legend = [(css[o], o) for o in outcomes]
    return Chart(title, Markup("".join(out)), legend, "Outcomes are listed from best to worst for the council; the worst sit at the bottom of each bar.")


def decisions_by_category(docs: Iterable[SiteDocument]) -> Chart | None:
    """Ombudsman decisions per service area: those that found fault (upheld: anything below the
    best level of the kind's scale) in red, the rest in grey."""
    total: Counter[str] = Counter()
    fault: Counter[str] = Counter()
    for doc in docs:
        if doc.meta.get("decision"):
            category = str(doc.meta.get("category") or "Not given")
            total[category] += 1
            level = profile_of(doc.source_kind).level(str(doc.meta["decision"]))
            fault[category] += bool(level)
    if not total:
        return None
    title = "Ombudsman decisions by service area"
    bars = [
        Stacked(c, [(fault[c], "level-2"), (n - fault[c], "level-none")], f"{n} ({fault[c]} upheld)")
        for c, n in sorted(total.items(), key=lambda kv: (-fault[kv[0]], -kv[1], kv[0]))
    ]
    legend = [("level-2", "Upheld: the Ombudsman found fault"), ("level-none", "Not upheld, or not investigated")]
    return Chart(title, stacked_hbar_chart(bars, title, max(total.values())), legend, None)


@dataclass
class Stacked:
    """One horizontal bar made of parts: (value, CSS class) each, then its text."""

    label: str
    parts: list[tuple[float, str]]
    text: str


def stacked_hbar_chart(bars: list[Stacked], title: str, max_value: float) -> Markup:
    """Horizontal bars of parts, the label above each bar so a narrow screen keeps it legible."""
    bar_w, row = 260, 44
    width, height = bar_w + 120, 10 + row * len(bars)
    desc = "; ".join(f"{b.label}: {b.text}" for b in bars)
    out = _open(width, height, title, desc, "hbar")
    for i, bar in enumerate(bars):
        y = 10 + row * i
        out.append(f'<text class="label" x="0" y="{y + 12}">{escape(bar.label)}</text>')
        x = 0.0
        for value, css in bar.parts:
            if not value:
                continue
            w = bar_w * value / max_value if max_value else 0
            out.append(f'<g class="bar {css}"><rect x="{x:.1f}" y="{y + 18}" width="{w:.1f}" height="18"/></g>')
            x += w
        out.append(f'<text class="value" x="{x + 6:.1f}" y="{y + 32}">{escape(bar.text)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def hbar_chart(bars: list[Bar], title: str, max_value: float, bands: list[tuple[float, float, str]] | None = None) -> Markup:
    """Horizontal bars, the label at the left; optional shaded bands behind (value ranges)."""
    label_w, bar_w, row = 260, 300, 26
    width, height = label_w + bar_w + 170, 30 + row * len(bars) + (20 if bands else 0)
    desc = "; ".join(f"{b.label}: {b.text}" for b in bars)
    out = _open(width, height, title, desc, "hbar")
    for lo, hi, name in bands or []:
        x0, x1 = label_w + bar_w * lo / max_value, label_w + bar_w * hi / max_value
        out.append(
            f'<g class="band band-{escape(name.replace(" ", "-"))}"><rect x="{x0:.1f}" y="10" width="{x1 - x0:.1f}" '
            f'height="{height - 30}"/><text class="band-label" x="{(x0 + x1) / 2:.1f}" y="{height - 6}" '
            f'text-anchor="middle">{escape(name)}</text></g>'
        )
    for i, bar in enumerate(bars):
        y = 14 + row * i
        w = bar_w * bar.value / max_value if max_value else 0
        out.append(
            f'<g class="bar {escape(bar.css)}"><text class="label" x="{label_w - 8}" y="{y + 14}" text-anchor="end">'
            f'{escape(bar.label)}</text><rect x="{label_w}" y="{y}" width="{w:.1f}" height="18"><title>'
            f'{escape(bar.label)}: {escape(bar.text)}</title></rect><text class="value" x="{label_w + w + 6:.1f}" '
            f'y="{y + 14}">{escape(bar.text)}</text></g>'
        )
    out.append("</svg>")
    return Markup("".join(out))


def quality_statements(docs: Iterable[SiteDocument]) -> Chart | None:
    """The newest assessment's quality statement scores (CQC's), if any document has them."""
    assessed = [d for d in docs if isinstance(d.meta.get("quality_statements"), dict)]
    svg = cqc_quality_statements(assessed[0]) if assessed else None
    if svg is None:
        return None
    return Chart(QS_TITLE, svg, [], "Each statement is scored 1 to 4; all of them together, as a percentage, fall in one of the rating bands shaded behind.")


def cqc_quality_statements(doc: SiteDocument) -> Markup | None:
    """A CQC assessment's quality statement scores (1-4), and their percentage against the bands."""
    scores = doc.meta.get("quality_statements")
    if not isinstance(scores, dict):
        return None
    valid = {str(k): int(v) for k, v in scores.items() if isinstance(v, int) and 1 <= v <= 4}
    if not valid:
        return None
    percent = round(100 * sum(valid.values()) / (4 * len(valid)))
    band = next((name for lo, hi, name in CQC_BANDS if lo <= percent <= hi), "below the scale")
    bars = [Bar(name.replace("-", " ").capitalize(), score * 25, f"{score} of 4", "score") for name, score in valid.items()]
    bars.append(Bar("All statements", percent, f"{percent}% ({band})", "overall"))
    bands = [(lo - 0.5 if lo > 25 else 25, hi + 0.5 if hi < 100 else 100, name) for lo, hi, name in CQC_BANDS]
    return hbar_chart(bars, QS_TITLE, 100, bands)


#: the charts a profile may name (`charts`), in the order the overview shows them
CHARTS = {
    "overall_grades": overall_grades,
    "decisions_by_year": decisions_by_year,
    "decisions_by_category": decisions_by_category,
    "quality_statements": quality_statements,
}
