"""Small inline SVG charts. Every label is escaped here, since the SVG is placed in the page as
markup; each chart carries a <title> and <desc> so a screen reader gets what the bars show."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from monitor.site.data import GRADE_ORDER, SiteDocument, grade_rank

#: CQC's thresholds for a local authority's percentage score (docs/publishers/cqc.md)
CQC_BANDS = ((25, 38, "inadequate"), (39, 62, "requires improvement"), (63, 87, "good"), (88, 100, "outstanding"))
GRADE_CLASS = {g: g.replace(" ", "-") for g in GRADE_ORDER}
_seq = 0


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
    height, top, bottom, left = 260, 20, 60, 150
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


def overall_grades(docs: Iterable[SiteDocument]) -> Markup | None:
    """Overall judgements over time (Ofsted's): one bar per graded report, oldest first."""
    graded = []
    for doc in docs:
        overall = (doc.meta.get("judgements") or {}).get("overall") if isinstance(doc.meta.get("judgements"), dict) else None
        rank = grade_rank(overall)
        if rank:
            graded.append((doc.when, str(overall), rank))
    if not graded:
        return None
    graded.sort()
    bars = [Bar(when.isoformat(), rank, grade.capitalize(), GRADE_CLASS[grade.lower()]) for when, grade, rank in graded]
    axis = [(len(GRADE_ORDER) - i, g.capitalize()) for i, g in enumerate(GRADE_ORDER)]
    return bar_chart(bars, "Ofsted overall effectiveness over time", len(GRADE_ORDER), axis)


def _decision_year(doc: SiteDocument) -> str:
    return (doc.meta.get("decision_date") or doc.when.isoformat())[:4]


def decisions_by_year(docs: Iterable[SiteDocument]) -> Markup | None:
    """Ombudsman decisions per year, stacked by outcome."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in docs:
        if doc.meta.get("decision"):
            counts[_decision_year(doc)][str(doc.meta["decision"])] += 1
    if not counts:
        return None
    outcomes = sorted({o for c in counts.values() for o in c})
    years = sorted(counts)
    peak = max(sum(c.values()) for c in counts.values())
    width, height, top, bottom, left = max(360, 100 * len(years) + 260), 40 + 26 * max(len(outcomes), 5), 20, 40, 60
    plot = height - top - bottom
    desc = "; ".join(f"{y}: " + ", ".join(f"{o} {counts[y][o]}" for o in outcomes if counts[y][o]) for y in years)
    out = _open(width, height, "Ombudsman decisions by year and outcome", desc, "omb")
    for i, year in enumerate(years):
        x, base = left + 100 * i, top + plot
        for j, outcome in enumerate(outcomes):
            n = counts[year][outcome]
            if not n:
                continue
            h = plot * n / peak
            base -= h
            out.append(
                f'<g class="bar outcome-{j % 6}"><rect x="{x}" y="{base:.1f}" width="60" height="{h:.1f}"><title>'
                f"{escape(year)}, {escape(outcome)}: {n}</title></rect>"
                f'<text class="value inside" x="{x + 30}" y="{base + h / 2 + 4:.1f}" text-anchor="middle">{n}</text></g>'
            )
        out.append(f'<text class="label" x="{x + 30}" y="{height - bottom + 16}" text-anchor="middle">{escape(year)}</text>')
    legend_x = left + 100 * len(years) + 10
    for j, outcome in enumerate(outcomes):
        y = top + 22 * j
        out.append(
            f'<g class="bar outcome-{j % 6}"><rect x="{legend_x}" y="{y}" width="14" height="14"/></g>'
            f'<text class="legend" x="{legend_x + 20}" y="{y + 12}">{escape(outcome)}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))


def decisions_by_category(docs: Iterable[SiteDocument]) -> Markup | None:
    """Ombudsman decisions per service area, upheld ones counted apart."""
    total: Counter[str] = Counter()
    upheld: Counter[str] = Counter()
    for doc in docs:
        if doc.meta.get("decision"):
            category = str(doc.meta.get("category") or "Unknown")
            total[category] += 1
            upheld[category] += str(doc.meta["decision"]).lower().startswith("upheld")
    if not total:
        return None
    return hbar_chart(
        [Bar(c, n, f"{n} ({upheld[c]} upheld)", "count") for c, n in total.most_common()],
        "Ombudsman decisions by service area",
        max(total.values()),
    )


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


def quality_statements(docs: Iterable[SiteDocument]) -> Markup | None:
    """The newest assessment's quality statement scores (CQC's), if any document has them."""
    assessed = [d for d in docs if isinstance(d.meta.get("quality_statements"), dict)]
    return cqc_quality_statements(assessed[0]) if assessed else None


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
    bars = [Bar(name.replace("-", " ").capitalize(), score * 25, f"{score} of 4", f"score-{score}") for name, score in valid.items()]
    bars.append(Bar("All statements", percent, f"{percent}% ({band})", "overall"))
    bands = [(lo - 0.5 if lo > 25 else 25, hi + 0.5 if hi < 100 else 100, name) for lo, hi, name in CQC_BANDS]
    return hbar_chart(bars, "CQC quality statement scores against the rating bands", 100, bands)


#: the charts a profile may name (`charts`), in the order the overview shows them
CHARTS = {
    "overall_grades": overall_grades,
    "decisions_by_year": decisions_by_year,
    "decisions_by_category": decisions_by_category,
    "quality_statements": quality_statements,
}
