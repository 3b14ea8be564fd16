"""Ofsted (reports.ofsted.gov.uk): a provider's published reports, and the ILACS grades.

The listing side reads a provider page (`/provider/<category>/<URN>`). Every scraper that
works on council pages (docs/publishers/ofsted.md, evidence-2026) takes each
`a.publication-link` to files.ofsted.gov.uk anywhere on the page, with the type and
publication date in its `span.nonvisual` text; the `ol.timeline > li.timeline__day` list is
confirmed only on school pages, so it is used for dates where present and never required.
A page that links to report files but yields none, or a council page with no report at all,
is broken, never empty.

The pages are read in monitor/sources/ofsted/listing.py; this module holds the settings and
the source, which pages through them. The reading side (`OfstedSource.read_meta`, in
monitor/sources/ofsted/reader.py) reads the "Judgement | Grade" table of a downloaded
report, and which framework it follows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from monitor.errors import ListingBrokenError
from monitor.sources.base import DocumentRef, Source, SourceSettings, host_of
from monitor.sources.ofsted.listing import (  # noqa: F401  (re-exported: tests, ofsted_outcomes)
    FILES_HOST,
    LEGACY_FILES_HOST,
    _file_key,
    _split_nonvisual,
    council_name_key,
    parse_provider_page,
    parse_search_page,
    report_kind,
)
from monitor.sources.ofsted.reader import (  # noqa: F401  (re-exported: tests, benchmarks)
    FRAMEWORK_2018,
    FRAMEWORK_2026,
    GRADES,
    JUDGEMENT_KEYS,
    parse_date_span,
    read_inspection_dates,
    read_judgements,
    read_lead_inspector,
    read_local_authority,
    read_report_meta,
    read_report_type,
)

log = logging.getLogger(__name__)

#: Children's social care > Local Authority Children's Services (NOTES §2).
SEARCH_PARAMS: dict[str, str | int] = {"q": "", "level_1_types": 3, "level_2_types[]": 12}
#: Ofsted caps `rows` at 100 since February 2025.
SEARCH_ROWS = 100
#: 153 councils fit in two pages; the cap stops a server that ignores `start` looping us.
SEARCH_MAX_PAGES = 10
#: the category of local authority children's services: such a page always lists reports
LA_CATEGORY = 44


# -- settings ---------------------------------------------------------------------------


class Provider(BaseModel):
    """One provider page to watch: its URN, its category (44 = LA children's services)."""

    model_config = ConfigDict(extra="forbid")

    urn: str
    category: int = LA_CATEGORY
    name: str | None = None

    @field_validator("urn", mode="before")
    @classmethod
    def _urn_text(cls, value: Any) -> str:
        # URNs are numbers for councils but "SC123456" for children's homes: keep text.
        text = str(value).strip()
        if not text or not re.fullmatch(r"[A-Za-z0-9]+", text):
            raise ValueError(f"URN must be letters and digits, got {value!r}")
        return text


class OfstedSettings(SourceSettings):
    """sources.yaml keys of an `ofsted` source."""

    providers: list[Provider] = Field(min_length=1)
    #: Find each provider's page through Ofsted's search of LA children's services rather
    #: than building the URL from category and URN; also follows a council whose URN changed.
    search: bool = False


# -- the source -------------------------------------------------------------------------


class OfstedSource(Source):
    """Reports published on reports.ofsted.gov.uk for a list of providers (URNs)."""

    kind: ClassVar[str] = "ofsted"
    Settings: ClassVar[type[SourceSettings]] = OfstedSettings
    default_base_url: ClassVar[str | None] = "https://reports.ofsted.gov.uk"

    settings: OfstedSettings

    def provider_url(self, provider: Provider) -> str:
        """The provider page built from category and URN."""
        return f"{self.base_url}/provider/{provider.category}/{provider.urn}"

    def list_documents(self) -> Iterator[DocumentRef]:
        """Every report on each provider's page, each file once."""
        located = self.search_providers() if self.settings.search else {}
        seen: set[str] = set()
        for provider in self.settings.providers:
            moved_from: str | None = None
            if self.settings.search:
                hit = located.get(provider.urn) or self._moved(provider, located)
                if hit["urn"] != provider.urn:
                    moved_from = provider.urn
                url, category, found_name, urn = hit["url"], hit["category"], hit["name"], hit["urn"]
            else:
                url, category, found_name, urn = (
                    self.provider_url(provider),
                    provider.category,
                    None,
                    provider.urn,
                )
            response = self.http.get(url, allowed_hosts=self.allowed_hosts())
            name, reports = self.parse_listing(
                response, parse_provider_page, url, provider.name or found_name, expect_reports=category == LA_CATEGORY
            )
            name = name or f"URN {urn}"
            for report in reports:
                if report["key"] in seen:
                    continue
                seen.add(report["key"])
                yield self._ref(report, name, urn, category, moved_from)

    @staticmethod
    def _ref(
        report: dict[str, Any], name: str, urn: str, category: Any, moved_from: str | None
    ) -> DocumentRef:
        published: date | None = report["published"]
        label = report["report_type"]
        kind = report_kind(label)
        meta: dict[str, Any] = {
            "provider": name,
            "urn": urn,
            "category": category,
            "report_type": label,
            "published": published.isoformat() if published else None,
        }
        if kind == "unknown":
            # never dropped: the first live run shows which labels Ofsted really uses
            meta["unrecognised_label"] = label
        if report.get("unlisted_link"):
            meta["unlisted_link"] = True
        if moved_from:
            meta["urn_moved_from"] = moved_from
        return DocumentRef(
            key=report["key"],
            url=report["url"],
            title=f"{name}: {label}" if label else name,
            published=published,
            kind=kind,
            meta=meta,
        )

    def _moved(self, provider: Provider, located: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """The search hit of a council whose URN changed (Brighton and Hove: 846 -> 80438),
        found by its configured name; broken when there is none or more than one."""
        url = f"{self.base_url}/search"
        wanted = council_name_key(provider.name) if provider.name else ""
        same = [hit for hit in located.values() if wanted and council_name_key(hit["name"]) == wanted]
        if len(same) == 1:
            hit = same[0]
            log.warning(
                "%s: URN %s is no longer in Ofsted's search; %r is now URN %s (%s): following it. "
                "Update sources.yaml.",
                self.name,
                provider.urn,
                hit["name"],
                hit["urn"],
                hit["url"],
            )
            return hit
        named = (
            f" and no single result is named like {provider.name!r}"
            if provider.name
            else (" (give the provider a `name:` so a council whose URN changed can be followed)")
        )
        raise ListingBrokenError(
            f"{url}: URN {provider.urn} is not among the local authority children's services in Ofsted's "
            f"search results{named}",
            url=url,
        )

    def search_providers(self) -> dict[str, dict[str, Any]]:
        """URN -> search hit (name, url, category, urn) from Ofsted's LA children's services search.

        Pages with start/rows until a page adds no new provider or every wanted URN is found;
        an empty first page means the results layout changed.
        """
        url = f"{self.base_url}/search"
        wanted = {p.urn for p in self.settings.providers}
        hits: dict[str, dict[str, Any]] = {}
        for page in range(SEARCH_MAX_PAGES):
            params = {**SEARCH_PARAMS, "start": page * SEARCH_ROWS, "rows": SEARCH_ROWS}
            response = self.http.get(url, params=params, allowed_hosts=self.allowed_hosts())
            found = self.parse_listing(response, parse_search_page, response.url)
            if page == 0 and not found:
                raise ListingBrokenError(
                    f"{response.url}: expected links to /provider/<category>/<URN> in Ofsted's "
                    "search results and found none",
                    url=response.url,
                )
            new = [hit for hit in found if hit["urn"] not in hits]
            for hit in new:
                hits[hit["urn"]] = hit
            if not new or wanted <= hits.keys():
                break
        return hits

    def warnings(self) -> list[str]:
        """Configuration that will make downloads fail or rests on an unconfirmed guess."""
        notes: list[str] = []
        allowed = self.allowed_hosts()
        if allowed and FILES_HOST not in allowed:
            notes.append(
                f"allowed_hosts lacks {FILES_HOST}: the reports listed on {host_of(self.base_url)} "
                "are served from there and could not be downloaded"
            )
        if not self.settings.search:
            for provider in self.settings.providers:
                if provider.category == LA_CATEGORY:
                    notes.append(
                        f"provider {provider.urn}: the /provider/44/ path is inferred from other councils "
                        "and a council's URN can change; check the page opens in a browser, or set search: true"
                    )
        return notes

    @classmethod
    def read_meta(cls, pages: list[str], path: Path | None = None) -> dict[str, Any]:
        """Grades, framework, inspection dates, lead inspector, local authority and report type.

        Works on the normalised text layer only: measured on the twelve real reports, the
        page-1 text from pypdfium2 keeps each row's label and grade in order, so pdfplumber's
        cost (40x slower) buys nothing here.
        """
        return read_report_meta(pages)
