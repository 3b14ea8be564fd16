"""Local Government and Social Care Ombudsman (www.lgo.org.uk): decisions about one council.

The listing is the Ombudsman's decision search (`/Decisions/SearchResults`) filtered by
authority name and sorted newest first. Each result links to a decision page
`/decisions/<category>/<subcategory>/<YY-NNN-NNN>`; the published reference ("22 016 751")
is the document key.

What we know of the site is uneven (../shared/fixtures/lgsco/evidence-2026/REPORT.md and
docs/publishers/lgsco.md): the search URL, the "has N results" line, the decision links, the
reference and the decision page's labels are confirmed; `aname`, `dc` and the page size come
from third-party scrapers; the result cards' HTML has never been seen. So every answer is
checked against what it announces, and anything that does not add up is ListingBrokenError:
no count line, a count of 0 (unless `allow_empty`), a count the links read across pages do
not reach, a short page before the count is reached, a decision-like link whose reference
cannot be read, a reference shown in the page text without a readable link, a card showing
neither an outcome nor a date, cards naming other authorities (the authority filter not
honoured), or a listing of public reports only (the outcome filter not honoured).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from monitor.errors import ListingBrokenError
from monitor.sources.base import DocumentRef, Source, SourceSettings
from monitor.sources.fields import PublisherName
from monitor.sources.lgsco.reader import read_decision_text, read_html_facts, remedy_from_summary
from monitor.sources.lgsco.results_page import (  # noqa: F401  (re-exported)
    DECISION_PATH,
    KNOWN_DECISIONS,
    parse_results_page,
)
from monitor.sources.lgsco.severity import Severity, merged, severity_for
from monitor.sources.lgsco.severity import slug as _slug

log = logging.getLogger(__name__)

__all__ = ["LgscoSettings", "LgscoSource", "parse_results_page", "read_decision_text", "remedy_from_summary"]

SEARCH_PATH = "/Decisions/SearchResults"
#: results a page holds (second-hand: Legal Data Hunter pages by ceil(total/10))
PAGE_SIZE = 10
#: every outcome code the search form offers (closed after initial enquiries, not upheld,
#: upheld), joined by literal plus signs as the site's own URLs carry them (`dc=c%2Bnu%2Bu%2B`
#: on the wire). Sent with spaces instead, the server may read one unknown code.
ALL_DECISION_CODES = "c+nu+u+"
#: a pass whose results are all public reports, when there are at least this many, means the
#: outcome filter was not applied (R1: a search without a usable `dc` listed reports only)
_REPORTS_ONLY_MIN = 5


class LgscoSettings(SourceSettings):
    """sources.yaml keys of an `lgsco` source."""

    #: the authority exactly as the Ombudsman writes it in decision headings,
    #: e.g. "London Borough of Harrow"
    authority: PublisherName
    #: keep only decisions in these categories (names or URL slugs, e.g. "Children's care
    #: services" or "children-s-care-services"); empty keeps everything
    categories: list[str] = []
    #: result pages (10 decisions each) read per pass
    max_pages: int = Field(default=5, ge=1, le=200)
    #: a search that says "has 0 results" is broken unless this is true (a new authority
    #: with no decisions yet); a council of any size has decisions every year
    allow_empty: bool = False
    #: severity of a decision by category name or slug, or "Category > Subcategory"; laid
    #: over the defaults (children's and adult care services urgent, monitor/sources/
    #: lgsco_severity.py); a category in neither takes the source's `severity`
    category_severity: dict[str, Severity] = {}
    #: a public report is raised to at least this severity, whatever its category
    public_report_severity: Severity | None = "urgent"


class LgscoSource(Source):
    """Decisions the Ombudsman has published about one authority, newest first."""

    #: the listing is a window (dates, newest results): leaving it is not removal
    complete_listing = False

    kind: ClassVar[str] = "lgsco"
    Settings: ClassVar[type[SourceSettings]] = LgscoSettings
    default_base_url: ClassVar[str | None] = "https://www.lgo.org.uk"
    settings: LgscoSettings

    def search_params(self, page: int) -> dict[str, str]:
        """Query parameters of one results page (the GET the search form redirects to)."""
        today = date.today()
        return {
            "aname": self.settings.authority,
            "dc": ALL_DECISION_CODES,
            "fd": "0001-01-01",
            "td": f"{today.year}-{today.month}-{today.day}",
            "page": str(page),
            "sortOrder": "descending",
        }

    def list_documents(self) -> Iterator[DocumentRef]:
        """Yield each decision once, newest first, paging by the announced count up to
        `max_pages` pages. The whole window is read and checked before anything is yielded,
        so a broken page never leaves a half listing behind."""
        url = self.base_url + SEARCH_PATH
        # The site is reported to serve an empty search shell to requests without a referer.
        headers = {"Referer": self.base_url + "/decisions"}
        seen: dict[str, DocumentRef] = {}
        page_url = url
        total = 0
        for page in range(1, self.settings.max_pages + 1):
            response = self.http.get(
                url, params=self.search_params(page), headers=headers, allowed_hosts=self.allowed_hosts()
            )
            page_url = response.url
            # the search's address ends at today's date: one kept parse per page number
            total, refs = self.parse_listing(
                response, parse_results_page, page_url, self.settings.authority, cache_slot=f"page {page}"
            )
            if total == 0:
                if page == 1 and self.settings.allow_empty:
                    return
                raise ListingBrokenError(
                    f"{page_url}: the search says it has 0 results for {self.settings.authority!r}"
                    + (f" after page 1 said there were more (read {len(seen)})" if page > 1 else "")
                    + "; a council has Ombudsman decisions every year, so the authority name, the search "
                    "parameters or the site changed (set allow_empty: true only for an authority with no decisions yet)",
                    url=page_url,
                )
            expected = min(PAGE_SIZE, total - len(seen))
            new = [ref for ref in refs if ref.key not in seen]
            if len(refs) < expected or not new:
                raise ListingBrokenError(
                    f"{page_url}: page {page} lists {len(refs)} decision links ({len(new)} not on earlier pages) "
                    f"but the search says it has {total} results and {len(seen)} were read before it, so at least "
                    f"{expected} were expected; a result card could not be read or the page size changed",
                    url=page_url,
                )
            _check_authorities(refs, page_url, self.settings.authority)
            for ref in new:
                seen[ref.key] = ref
            if len(seen) >= total:
                break
        if len(seen) > total:
            raise ListingBrokenError(
                f"{page_url}: read {len(seen)} different decisions but the search says it has {total} results",
                url=page_url,
            )
        _check_window(list(seen.values()), page_url)
        wanted = {_slug(c) for c in self.settings.categories}
        table = merged(self.settings.category_severity)
        for ref in seen.values():
            if wanted and not ({ref.meta["category_slug"], _slug(ref.meta["category"])} & wanted):
                continue
            severity = severity_for(ref.meta, ref.kind, table, self.settings.public_report_severity)
            # the pipeline gives a listed document's own severity precedence over the source's
            yield replace(ref, meta={**ref.meta, "severity": severity}) if severity else ref

    @classmethod
    def read_meta(cls, pages: list[str], path: Path | None = None) -> dict[str, Any]:
        """Reference, decision, decision date and (where stated) remedy or finding and
        recommendations, read from a decision page's text; the heading and labels are read
        from the raw HTML when the text lost them."""
        meta = read_decision_text("\n".join(pages))
        if path is not None:
            for key, value in read_html_facts(path).items():
                meta.setdefault(key, value)
        if meta.get("decision"):
            # the outcome is only ever read from the page's "Decision :" label
            meta["verdict_sources"] = {"decision": {"page": 1, "text": f"Decision : {meta['decision']}"}}
        return meta

    def warnings(self) -> list[str]:
        """The search parameters are second-hand; say so in check-config."""
        notes = [
            "lgsco: the decision search parameters (aname, dc, fd, td) and the result cards are reported by "
            "third-party scrapers, not confirmed; an answer that does not add up (no count, a count of 0, "
            "fewer links than the count, unreadable cards) is reported as broken"
        ]
        if self.settings.categories:
            notes.append(
                f"lgsco: only decisions in {', '.join(self.settings.categories)} are watched; decisions in every "
                "other category (housing, education, planning...) are read but not recorded"
            )
        return notes


# -- the window as a whole ---------------------------------------------------------------


def _check_authorities(refs: list[DocumentRef], page_url: str, authority: str) -> None:
    """A page's results are about the authority asked for: the authority filter was applied."""
    named = [ref for ref in refs if ref.meta["authority"]]
    foreign = sorted({ref.meta["authority"] for ref in named if authority.casefold() not in ref.meta["authority"].casefold()})
    if named and len(foreign) and sum(1 for r in named if r.meta["authority"] in foreign) * 2 > len(named):
        raise ListingBrokenError(
            f"{page_url}: most results name other authorities ({', '.join(foreign[:5])}), not {authority!r}: "
            "the search did not filter by authority (aname), or the authority is spelled differently on the site",
            url=page_url,
        )
    if foreign:
        # A joint decision or a council renamed on the site: kept, never dropped silently.
        log.warning("%s: results naming other authorities kept: %s", page_url, ", ".join(foreign))


def _check_window(refs: list[DocumentRef], page_url: str) -> None:
    """The whole window read is not public reports only: the outcome filter was applied."""
    if len(refs) >= _REPORTS_ONLY_MIN and all(ref.kind == "public report" for ref in refs):
        raise ListingBrokenError(
            f"{page_url}: all {len(refs)} results read are public reports; decision statements are missing, so "
            "the outcome filter (dc=c+nu+u+) was probably not applied",
            url=page_url,
        )
