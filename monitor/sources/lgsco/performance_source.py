"""The Ombudsman's "Your council's performance" page for one council: the annual review letter,
the year's complaint statistics and the service improvements the council agreed.

What is confirmed and what is not (../shared/fixtures/lgsco/evidence-2026/REPORT.md 1c):
- confirmed: the per-council pages live under `/your-councils-performance/<council-slug>`, with
  service improvements at `.../<slug>/serviceimprovements?category=<n>&year=<YYYY>` (one
  verbatim URL); letters and the year's data are published each May (newer Manual for
  Councils, Part 11); the letter and the data cover complaints upheld, compliance with
  recommendations, satisfactory remedies by the council and the average of similar
  authorities (Manual Part 11, Information for Link Officers ch. 9).
- inferred: the page is server-rendered HTML naming the council, linking its annual letter
  (a PDF or an /assets/attach/ file) and its service improvements, and stating the upheld
  rate as "NN% of complaints we investigated were upheld" with "an average of NN% in similar
  authorities/organisations"; Harrow's slug `london-borough-of-harrow`. None of this was
  seen, so each piece the parser does not find is ListingBrokenError naming what it expected:
  the first live run (and `monitor capture`) answers it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qs, urljoin, urlsplit

from bs4 import BeautifulSoup
from pydantic import Field

from monitor.errors import ListingBrokenError
from monitor.sources.base import DocumentRef, Source, SourceSettings
from monitor.sources.fields import PublisherName

if TYPE_CHECKING:
    from monitor.registry import Council

PERFORMANCE_PATH = "/your-councils-performance/{council}"
_YEARS = re.compile(r"\b(20\d\d)\s*[-/\u2013]\s*(20)?(\d\d)\b")
_LETTER = re.compile(r"annual (?:review )?letter|annual review", re.I)
_PERCENT = r"(\d{1,3}(?:\.\d+)?)\s?%"
_STATS = {
    "upheld_rate": re.compile(_PERCENT + r"\s+of (?:the )?complaints (?:we )?investigated (?:were|was) upheld", re.I),
    "similar_average": re.compile(r"average of\s+" + _PERCENT + r"\s+(?:in|for|across) similar", re.I),
    "compliance_rate": re.compile(r"complied with (?:our )?recommendations in\s+" + _PERCENT, re.I),
    "satisfactory_remedy_rate": re.compile(r"satisfactory remedy[^.%]*?in\s+" + _PERCENT, re.I),
}


class LgscoPerformanceSettings(SourceSettings):
    """sources.yaml keys of an `lgsco_performance` source (with the common `council:`, the
    registry's council, which gives `slug` and `authority` when they are left out)."""

    #: the council's slug in /your-councils-performance/<slug>, e.g. "london-borough-of-harrow";
    #: default the Ombudsman's spelling of the council, hyphenated (inferred, see the module)
    slug: str | None = Field(None, min_length=3, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    #: the authority as the Ombudsman writes it; the page must name it
    authority: PublisherName | None = None
    #: also watch the service improvements pages the performance page links to
    service_improvements: bool = True

    def fill_from_council(self, council: Council | None) -> None:
        """The Ombudsman's spelling from the registry, and the slug made from it."""
        if council is not None:
            name = str(council.identifier("ombudsman_name") or council.official_name)
            self.authority = self.authority or name
            self.slug = self.slug or performance_slug(name)
        if not (self.slug and self.authority):
            raise ValueError(
                "an lgsco_performance source needs `council:` (e.g. council: HRW), or both `slug:` (its "
                "/your-councils-performance/<slug> address) and `authority:` (the Ombudsman's spelling)"
            )


def performance_slug(authority: str) -> str:
    """"London Borough of Harrow" -> "london-borough-of-harrow": the slug of the council's
    performance page, inferred from Gloucestershire's (gloucestershire-county-council)."""
    return re.sub(r"[^a-z0-9]+", "-", authority.casefold().replace("&", "and").replace("'", "")).strip("-")


class LgscoPerformanceSource(Source):
    """One council's annual review letter, statistics and service improvements."""

    #: a page showing the latest year: last year's letter leaving it is not a removal
    complete_listing = False

    kind: ClassVar[str] = "lgsco_performance"
    Settings: ClassVar[type[SourceSettings]] = LgscoPerformanceSettings
    default_base_url: ClassVar[str | None] = "https://www.lgo.org.uk"
    settings: LgscoPerformanceSettings

    def list_documents(self) -> Iterator[DocumentRef]:
        """The letter, the statistics and the service improvements pages, one document each."""
        url = self.base_url + PERFORMANCE_PATH.format(council=self.settings.slug)
        response = self.http.get(url, allowed_hosts=self.allowed_hosts())
        yield from parse_performance_page(
            response.text, response.url, self.settings.authority or "", service_improvements=self.settings.service_improvements
        )

    @classmethod
    def read_meta(cls, pages: list[str], path: Path | None = None) -> dict[str, Any]:
        """The statistics a letter or the page states (upheld rate, similar authorities' average,
        compliance and satisfactory remedy rates, the year); keys not stated are left out."""
        return read_statistics("\n".join(pages))

    def warnings(self) -> list[str]:
        """The page structure is inferred; say so in check-config."""
        return [
            "lgsco_performance: the layout of /your-councils-performance/<council> is inferred, not seen; "
            "a page whose letter link or upheld rate cannot be found is reported as broken"
        ]


def read_statistics(text: str) -> dict[str, Any]:
    """Percentages and the year read from a performance page's or a letter's text."""
    flat = " ".join(text.split())
    meta: dict[str, Any] = {}
    for key, pattern in _STATS.items():
        match = pattern.search(flat)
        if match:
            value = float(match.group(1))
            meta[key] = int(value) if value.is_integer() else value
    year = _YEARS.search(flat)
    if year and meta:
        meta["year"] = _year_label(year)
    return meta


def parse_performance_page(
    html: str, page_url: str, authority: str, *, service_improvements: bool = True
) -> list[DocumentRef]:
    """The documents of one council's performance page.

    Raises
    ListingBrokenError when the page does not name the authority, links no annual letter,
    states no upheld rate, or (with service_improvements) links no service improvements page.
    """
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    text = " ".join(soup.get_text(" ", strip=True).split())
    if authority.casefold() not in text.casefold():
        raise ListingBrokenError(
            f"{page_url}: the council's performance page does not name {authority!r}; the slug, the "
            "authority's name or the page changed (or the site served a map that needs a browser)",
            url=page_url,
        )
    refs = _letters(soup, page_url, authority)
    stats = read_statistics(text)
    if "upheld_rate" not in stats:
        raise ListingBrokenError(
            f"{page_url}: expected the year's upheld rate ('NN% of complaints we investigated were upheld') "
            "and found none; the page layout or wording is not the one this adapter reads",
            url=page_url,
        )
    year_match = _statistics_year(soup)
    if year_match is None:
        raise ListingBrokenError(
            f"{page_url}: expected the year of the upheld rate (e.g. 'Complaint statistics 2024-25' in the heading "
            "over it, or '2024-25' in its sentence) and found none; without it a new year cannot be told from "
            "the last one",
            url=page_url,
        )
    year = _year_label(year_match)
    stats["year"] = year
    refs.append(
        DocumentRef(
            key=f"statistics-{year}",
            url=page_url,
            title=f"{authority}: Ombudsman complaint statistics {year}",
            kind="complaint statistics",
            meta={"authority": authority, **stats},
            fingerprint="|".join(f"{k}={stats.get(k)}" for k in sorted(_STATS)),
        )
    )
    if service_improvements:
        improvements = _improvement_pages(soup, page_url, authority)
        if not improvements:
            raise ListingBrokenError(
                f"{page_url}: expected a link to the council's service improvements "
                "(/your-councils-performance/<council>/serviceimprovements) and found none",
                url=page_url,
            )
        refs.extend(improvements)
    return refs


def _statistics_year(soup: BeautifulSoup) -> re.Match[str] | None:
    """The year the upheld rate is for: named in its own sentence, else in the nearest
    heading above it that names a year (up to the page's h1). A year anywhere else on the
    page (a link to an older letter) is not the statistics' year."""
    pattern = _STATS["upheld_rate"]
    holders = [
        el for el in soup.find_all(True)
        if pattern.search(" ".join(el.get_text(" ", strip=True).split()))
        and not any(pattern.search(" ".join(c.get_text(" ", strip=True).split())) for c in el.find_all(True))
    ]
    if not holders:
        return None
    holder = holders[0]
    own = _YEARS.search(" ".join(holder.get_text(" ", strip=True).split()))
    if own:
        return own
    for heading in holder.find_all_previous(re.compile(r"^h[1-6]$")):
        found = _YEARS.search(" ".join(heading.get_text(" ", strip=True).split()))
        if found or heading.name == "h1":
            return found
    return None


def _letters(soup: BeautifulSoup, page_url: str, authority: str) -> list[DocumentRef]:
    refs: dict[str, DocumentRef] = {}
    for anchor in soup.find_all("a", href=True):
        label = " ".join(anchor.get_text(" ", strip=True).split())
        href = urljoin(page_url, anchor["href"])
        if not (_LETTER.search(label) or _LETTER.search(urlsplit(href).path.replace("-", " "))):
            continue
        if not (urlsplit(href).path.lower().endswith((".pdf", ".docx")) or "/assets/attach/" in href):
            continue
        years = _YEARS.search(label) or _YEARS.search(urlsplit(href).path)
        key = f"annual-review-{_year_end(years)}" if years else "annual-review-" + urlsplit(href).path.rsplit("/", 1)[-1]
        refs.setdefault(
            key,
            DocumentRef(
                key=key,
                url=href,
                title=f"{authority}: Ombudsman annual review letter {_year_label(years) if years else label}",
                kind="annual review letter",
                meta={"authority": authority, "year": _year_label(years) if years else None},
            ),
        )
    if not refs:
        raise ListingBrokenError(
            f"{page_url}: expected a link to the council's annual review letter (a PDF or /assets/attach/ "
            "file whose text or address says 'annual letter' or 'annual review') and found none",
            url=page_url,
        )
    return list(refs.values())


def _improvement_pages(soup: BeautifulSoup, page_url: str, authority: str) -> list[DocumentRef]:
    refs: dict[str, DocumentRef] = {}
    for anchor in soup.find_all("a", href=True):
        href = urljoin(page_url, anchor["href"])
        parts = urlsplit(href)
        if not parts.path.rstrip("/").lower().endswith("/serviceimprovements"):
            continue
        query = parse_qs(parts.query)
        suffix = "-".join(query[k][0] for k in ("year", "category") if k in query)
        key = "service-improvements" + (f"-{suffix}" if suffix else "")
        label = " ".join(anchor.get_text(" ", strip=True).split()) or "service improvements"
        refs.setdefault(
            key,
            DocumentRef(key=key, url=href, title=f"{authority}: {label}", kind="service improvements",
                        meta={"authority": authority, **{k: v[0] for k, v in query.items()}}),
        )
    return list(refs.values())


def _year_end(match: re.Match[str]) -> str:
    return f"20{match.group(3)}" if not match.group(2) else f"{match.group(2)}{match.group(3)}"


def _year_label(match: re.Match[str]) -> str:
    return f"{match.group(1)}-{match.group(3)}"
