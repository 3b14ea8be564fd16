"""Ofsted (reports.ofsted.gov.uk): a provider's published reports, and the ILACS grades.

The listing side reads a provider page (`/provider/<category>/<URN>`). Every scraper that
works on council pages (docs/publishers/ofsted.md, evidence-2026) takes each
`a.publication-link` to files.ofsted.gov.uk anywhere on the page, with the type and
publication date in its `span.nonvisual` text; the `ol.timeline > li.timeline__day` list is
confirmed only on school pages, so it is used for dates where present and never required.
A page that links to report files but yields none, or a council page with no report at all,
is broken, never empty.

The reading side (`OfstedSource.read_meta`, in monitor/sources/ofsted_report.py) reads the
"Judgement | Grade" table of a downloaded report, and which framework it follows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from pydantic import BaseModel, ConfigDict, Field, field_validator

from monitor.dates import parse_date
from monitor.errors import ListingBrokenError
from monitor.sources.base import DocumentRef, Source, SourceSettings, host_of
from monitor.sources.ofsted_report import (  # noqa: F401  (re-exported: tests, benchmarks)
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

FILES_HOST = "files.ofsted.gov.uk"
#: the old alias of FILES_HOST, seen only in an old script (evidence-2026 §3)
LEGACY_FILES_HOST = "files.api.ofsted.gov.uk"
#: Children's social care > Local Authority Children's Services (NOTES §2).
SEARCH_PARAMS: dict[str, str | int] = {"q": "", "level_1_types": 3, "level_2_types[]": 12}
#: Ofsted caps `rows` at 100 since February 2025.
SEARCH_ROWS = 100
#: 153 councils fit in two pages; the cap stops a server that ignores `start` looping us.
SEARCH_MAX_PAGES = 10
#: the category of local authority children's services: such a page always lists reports
LA_CATEGORY = 44
_FILE_PATH = re.compile(r"/v1/file/(\d+)")


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


# -- listing helpers --------------------------------------------------------------------

#: (kind, words that name it), first match wins; a label none of them names is "unknown"
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("monitoring visit", re.compile(r"\bmonitoring visit")),
    ("focused visit", re.compile(r"\bfocused visit")),
    ("jtai", re.compile(r"\bjoint targeted\b|\bjtai\b|\bjoint area child protection\b")),
    ("area send", re.compile(r"\bsend\b")),
    ("inspection", re.compile(r"\binspection\b")),
)


def report_kind(report_type: str) -> str:
    """Normalise a report type as Ofsted writes it into one of our kinds, or "unknown".

    Matches on kind words, because the label of some types (ILACS monitoring visits on
    council pages) has never been seen.
    """
    text = report_type.lower()
    for kind, words in _KINDS:
        if words.search(text):
            return kind
    return "unknown"


def _file_key(url: str) -> str:
    path = urlsplit(url).path
    match = _FILE_PATH.search(path) or re.search(r"/file/(\d+)", path) or re.search(r"(\d+)/?$", path)
    return match.group(1) if match else url


def _is_file_link(url: str) -> bool:
    """A link to a report file: Ofsted's file hosts, or their /v1/file/<id> path anywhere."""
    return host_of(url) in (FILES_HOST, LEGACY_FILES_HOST) or bool(_FILE_PATH.search(urlsplit(url).path))


def _split_nonvisual(text: str) -> tuple[str, date | None]:
    """Split screen-reader text into (type, date):
    "Area SEND full inspection, PDF - 15 July 2024" -> ("Area SEND full inspection", 2024-07-15);
    "single inspection of la children's services as pdf - 10 february 2015" keeps no "as pdf"."""
    text = " ".join(text.split())
    when: date | None = None
    if " - " in text:
        head, tail = text.rsplit(" - ", 1)
        when = parse_date(tail)
        if when is not None:
            text = head
    report_type = re.split(r"(?:,|\s+as)\s*PDF\b", text, maxsplit=1, flags=re.I)[0].strip(" ,")
    return report_type, when


def parse_provider_page(
    html: str, page_url: str, fallback_name: str | None = None, *, expect_reports: bool = False
) -> tuple[str | None, list[dict[str, Any]]]:
    """Read a provider page: (provider name, reports as dicts in page order).

    Each report dict has url, key, report_type, published (date or None) and, for a link to
    a report file that is not an `a.publication-link`, `unlisted_link: True` (it is listed
    all the same, and logged). Raises ListingBrokenError when the page links to report files
    but none is a publication link, or has neither report links nor a timeline (a layout
    change or a JavaScript shell), or (expect_reports: a council's page) lists no report.
    """
    soup = BeautifulSoup(html, "lxml")
    heading = soup.select_one("h1.heading--title")
    name = heading.get_text(" ", strip=True) if heading else None
    name = name or fallback_name
    links = soup.select("a.publication-link[href]")
    reports = [_read_link(link, page_url) for link in links]
    read = {id(link) for link in links}
    others = [
        a
        for a in soup.select("a[href]")
        if id(a) not in read and _is_file_link(urljoin(page_url, str(a.get("href", "")).strip()))
    ]
    if others and not reports:
        raise ListingBrokenError(
            f"{page_url}: the Ofsted provider page links to {len(others)} report file(s) but none is an "
            '<a class="publication-link"> (the report list, or timeline, changed its layout)',
            url=page_url,
        )
    for link in others:
        report = _read_link(link, page_url)
        report["unlisted_link"] = True
        log.warning(
            "%s: report file %s is linked outside the publication links (class %r); listed anyway",
            page_url,
            report["url"],
            " ".join(link.get("class") or []),
        )
        reports.append(report)
    if not reports:
        if not soup.select("ol.timeline"):
            raise ListingBrokenError(
                f'{page_url}: expected <a class="publication-link"> report links or an <ol class="timeline"> '
                "on the Ofsted provider page and found neither (the layout changed, or the site sent a "
                "JavaScript shell)",
                url=page_url,
            )
        if expect_reports:
            raise ListingBrokenError(
                f"{page_url}: a local authority children's services page lists no report at all; every "
                "council has been inspected since 2018, so the page is not what it was",
                url=page_url,
            )
    return name, reports


def _item_date(link: Tag) -> date | None:
    """The date of the timeline item holding a link (`li.timeline__day` ... `<time>`)."""
    item = link.find_parent("li", class_="timeline__day")
    when = item.find("time") if item is not None else None
    return parse_date(when.get_text(" ", strip=True)) if when is not None else None


def _read_link(link: Tag, page_url: str) -> dict[str, Any]:
    url = urljoin(page_url, str(link.get("href", "")).strip())
    hidden = link.select_one("span.nonvisual")
    if hidden is not None:
        report_type, published = _split_nonvisual(hidden.get_text(" ", strip=True))
    else:
        report_type, published = "", None
    if not report_type:
        # The visible text is the type when the screen-reader text is missing or bare.
        visible = "".join(
            str(node)
            for node in link.children
            if not (isinstance(node, Tag) and "nonvisual" in (node.get("class") or []))
        )
        report_type, visible_date = _split_nonvisual(BeautifulSoup(visible, "lxml").get_text(" "))
        published = published or visible_date
    published = published or _item_date(link)
    return {"url": url, "key": _file_key(url), "report_type": report_type, "published": published}


def parse_search_page(html: str, page_url: str) -> list[dict[str, Any]]:
    """Provider links on one search results page: dicts of name, url, category, urn."""
    soup = BeautifulSoup(html, "lxml")
    found: list[dict[str, Any]] = []
    # Three scrapers use three selectors (NOTES §2); the href shape is the common ground.
    for link in soup.select("a[href*='/provider/']"):
        url = urljoin(page_url, str(link.get("href", "")).strip())
        match = re.search(r"/provider/([^/]+)/([^/?#]+)/?$", urlsplit(url).path)
        if not match:
            continue
        category = match.group(1)
        found.append(
            {
                "name": " ".join(link.get_text(" ").split()),
                "url": url,
                "category": int(category) if category.isdigit() else category,
                "urn": match.group(2),
            }
        )
    return found


_NAME_NOISE = re.compile(
    r"\b(?:london borough of|royal borough of|city of|county of|borough of|metropolitan district council|"
    r"metropolitan borough council|county council|borough council|city council|district council|council|"
    r"children's services|children's social care|local authority)\b"
)


def council_name_key(name: str) -> str:
    """A council's name reduced for comparison: "London Borough of Harrow" and "Harrow
    children's services" both give "harrow"."""
    text = name.casefold().replace("’", "'").replace("&", " and ")
    text = _NAME_NOISE.sub(" ", text)
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text).split())


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
            name, reports = parse_provider_page(
                response.text, url, provider.name or found_name, expect_reports=category == LA_CATEGORY
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
            found = parse_search_page(response.text, response.url)
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
