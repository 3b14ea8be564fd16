"""Peer context from Ofsted's official statistics: where a council's grade stands nationally.

The group's articles put a grade in context ("one of N councils graded inadequate", "the
London boroughs' grades"). The same yearly statistics the `ofsted_outcomes` cross-check
reads ("Local authority inspection outcomes as at 31 March <year>") list every council's
newest inspection. This source reads them and records, as a `peer_context` event whenever
the figures change, how many councils hold each overall grade, the council's own grade, and
the grades of the councils in its Ofsted region. A rating change of the council's Ofsted
source then carries that context in its alert, and the site's overview shows it.

A file that names no council with a grade, or not the watched council, is ListingBrokenError.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from monitor.errors import ListingBrokenError
from monitor.sources.base import SourceSettings
from monitor.sources.ofsted.listing import council_name_key
from monitor.sources.ofsted.outcomes_source import OfstedOutcomesSource
from monitor.sources.ofsted.outcomes_tables import Sheet, TableError, date_of, grade_of

if TYPE_CHECKING:
    from monitor.registry import Council

#: the confirmed heading of the region column (docs/publishers/ofsted.md)
_REGION = re.compile(r"ofsted region|^region$")
GRADES = ("outstanding", "good", "requires improvement", "inadequate")


class OfstedPeersSettings(SourceSettings):
    """sources.yaml keys of an `ofsted_peers` source (with the common `council:`, the
    registry's council, which names it when `local_authority` is left out)."""

    #: the council as the statistics name it ("Harrow"); default the registry's short name
    local_authority: str | None = None
    #: the `ofsted` source whose rating changes should carry the context (optional)
    context_for: str | None = None
    search_query: str = "Local authority inspection outcomes"
    content_path: str | None = Field(None, pattern=r"^/")

    def fill_from_council(self, council: Council | None) -> None:
        """The statistics name a council by its short name ("Harrow")."""
        if not self.local_authority and council is not None:
            self.local_authority = council.name
        if not self.local_authority:
            raise ValueError("an ofsted_peers source needs `council:` (e.g. council: HRW) or `local_authority:` (the council as Ofsted's statistics name it)")


class OfstedPeersSource(OfstedOutcomesSource):
    """Counts of councils by overall grade, and the council's region, from the newest release."""

    kind: ClassVar[str] = "ofsted_peers"
    Settings: ClassVar[type[SourceSettings]] = OfstedPeersSettings
    cross_check: ClassVar[bool] = False
    context_source: ClassVar[bool] = True

    def peer_context(self) -> dict[str, Any]:
        """The national and regional picture of councils' newest overall grades."""
        sheets, title, file_url = self.release_sheets("ofsted-peers-")
        return self.summarise(sheets, title, file_url)

    def summarise(self, sheets: list[Sheet], title: str, file_url: str) -> dict[str, Any]:
        """The context from the sheets of one release (each council's newest graded row)."""
        newest: dict[str, tuple[date, str, str, str]] = {}
        for sheet in sheets:
            region_col = next((i for i, h in enumerate(sheet.headings) if _REGION.search(" ".join(h.casefold().split()))), None)
            for row in sheet.rows:
                name = sheet.value(row, "name")
                if not name:
                    continue
                try:
                    grade = grade_of(sheet.value(row, "overall"))
                except TableError as exc:
                    raise ListingBrokenError(f"{file_url}: {name}: {exc}", url=file_url) from exc
                when = next((d for k in ("published", "end", "start") if (d := date_of(sheet.value(row, k)))), date.min)
                region = row[region_col].strip() if region_col is not None and region_col < len(row) else ""
                key = council_name_key(name)
                if key not in newest or when > newest[key][0]:
                    newest[key] = (when, name, grade or "", region)
        graded = {k: v for k, v in newest.items() if v[2]}
        if not graded:
            raise ListingBrokenError(f"{file_url}: {title} gives no council an overall grade", url=file_url)
        council = self.settings.local_authority or ""
        own = newest.get(council_name_key(council))
        if own is None:
            raise ListingBrokenError(f"{file_url}: {title} does not name {council!r}", url=file_url)
        counts = Counter(v[2] for v in graded.values())
        region = own[3]
        peers = sorted((v[1], v[2] or "no overall grade") for v in newest.values() if region and v[3] == region)
        return {
            "publisher": "ofsted",
            "release": title,
            "url": file_url,
            "field": "overall",
            "council": own[1],
            "grade": own[2] or None,
            "councils": len(newest),
            "graded": len(graded),
            "counts": {grade: counts.get(grade, 0) for grade in GRADES},
            "region": region or None,
            "region_grades": [{"council": n, "grade": g} for n, g in peers],
        }

    def warnings(self) -> list[str]:
        """What check-config should say."""
        return [
            "peer context reads the same statistics file as ofsted_outcomes; its region column "
            "('Ofsted region') is confirmed by one public loader only (docs/publishers/ofsted.md)"
        ]


def context_sentence(context: dict[str, Any]) -> str:
    """"Nationally, 9 of 153 councils' children's services are graded inadequate; in London,
    Harrow is one of 2 of 33 ..." for an alert or the site."""
    grade = context.get("grade")
    counts = context.get("counts") or {}
    total = context.get("graded") or 0
    release = context.get("release") or "Ofsted's statistics"
    if not grade:
        return f"{context.get('council')} has no overall grade in {release} ({total} councils graded)."
    same = counts.get(grade, 0)
    text = f"Nationally, {same} of {total} councils' children's services are graded {grade}"
    region = context.get("region")
    peers = context.get("region_grades") or []
    if region and peers:
        in_region = sum(1 for p in peers if p.get("grade") == grade)
        text += f"; in {region}, {context.get('council')} is one of {in_region} of {len(peers)} councils graded {grade}"
    return f"{text} ({release})."
