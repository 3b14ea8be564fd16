"""Ofsted (reports.ofsted.gov.uk): a provider's timeline of reports, and the ILACS grades.

The listing side reads a provider page (`/provider/<category>/<URN>`), whose `ol.timeline`
lists each published report as an `a.publication-link` to files.ofsted.gov.uk. No real HTML
capture of the site exists (see docs/publishers/ofsted.md): the selectors come from
third-party scrapers, so a page that lacks them is reported as broken, never as empty.

The reading side (`OfstedSource.read_meta`) takes the text of a downloaded report and reads
the "Judgement | Grade" table of page 1, the inspection dates, the lead inspector, the local
authority and the kind of report. Ofsted does not show ILACS grades on the web page, so the
PDF is the only place they can be read.
"""

from __future__ import annotations

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
from monitor.textnorm import flatten

FILES_HOST = "files.ofsted.gov.uk"
#: Children's social care > Local Authority Children's Services (NOTES §2).
SEARCH_PARAMS: dict[str, str | int] = {"q": "", "level_1_types": 3, "level_2_types[]": 12}
#: Ofsted caps `rows` at 100 since February 2025.
SEARCH_ROWS = 100
#: 153 councils fit in two pages; the cap stops a server that ignores `start` looping us.
SEARCH_MAX_PAGES = 10

GRADES = ("outstanding", "good", "requires improvement", "inadequate")
JUDGEMENT_KEYS = (
    "overall",
    "impact_of_leaders",
    "help_and_protection",
    "in_care",
    "care_leavers",
    "in_care_and_care_leavers",
)


# -- settings ---------------------------------------------------------------------------


class Provider(BaseModel):
    """One provider page to watch: its URN, its category (44 = LA children's services)."""

    model_config = ConfigDict(extra="forbid")

    urn: str
    category: int = 44
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
    #: than building the URL from category and URN (whether a wrong category fails is unknown).
    search: bool = False


# -- listing helpers --------------------------------------------------------------------


def report_kind(report_type: str) -> str:
    """Normalise a report type as Ofsted writes it into one of our kinds.

    Matches on keywords, because the exact wording for some types (monitoring visits on LA
    pages) has never been seen.
    """
    text = report_type.lower()
    if "monitoring visit" in text:
        return "monitoring visit"
    if "focused visit" in text:
        return "focused visit"
    if "joint targeted" in text or "jtai" in text or "joint area child protection" in text:
        return "jtai"
    if re.search(r"\bsend\b", text):
        return "area send"
    if "inspection" in text:
        return "inspection"
    return "other"


def _file_key(url: str) -> str:
    match = re.search(r"/file/(\d+)", urlsplit(url).path) or re.search(r"(\d+)/?$", urlsplit(url).path)
    return match.group(1) if match else url


def _split_nonvisual(text: str) -> tuple[str, date | None]:
    """Split screen-reader text into (type, date):
    "Area SEND full inspection, PDF - 15 July 2024" -> ("Area SEND full inspection", 2024-07-15)."""
    text = " ".join(text.split())
    when: date | None = None
    if " - " in text:
        head, tail = text.rsplit(" - ", 1)
        when = parse_date(tail)
        if when is not None:
            text = head
    report_type = re.split(r",\s*PDF\b", text, maxsplit=1, flags=re.I)[0].strip(" ,")
    return report_type, when


def parse_provider_page(
    html: str, page_url: str, fallback_name: str | None = None
) -> tuple[str | None, list[dict[str, Any]]]:
    """Read a provider page: (provider name, reports as dicts in page order).

    Each report dict has url, key, report_type, published (date or None). Raises
    ListingBrokenError when the page has no `ol.timeline` (a layout change or a JS shell).
    """
    soup = BeautifulSoup(html, "lxml")
    heading = soup.select_one("h1.heading--title")
    name = heading.get_text(" ", strip=True) if heading else None
    name = name or fallback_name
    timelines = soup.select("ol.timeline")
    if not timelines:
        raise ListingBrokenError(
            f'{page_url}: expected an <ol class="timeline"> of reports on the Ofsted provider page '
            "and found none (the layout changed, or the site sent a JavaScript shell)"
        )
    reports: list[dict[str, Any]] = []
    for timeline in timelines:
        # An explicit timeline with no report links is a real "no reports yet". Non-report
        # events (timeline__day--opened, --registered) carry no publication link, so they
        # fall out here without a class blacklist that would also drop a report whose item
        # gained an unexpected modifier.
        for item in timeline.select("li.timeline__day"):
            for link in item.select("a.publication-link[href]"):
                reports.append(_read_link(link, page_url))
    return name, reports


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
        report_type = " ".join(BeautifulSoup(visible, "lxml").get_text(" ").split())
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
        """Every report on each provider's timeline, each file once."""
        located = self.search_providers() if self.settings.search else {}
        seen: set[str] = set()
        for provider in self.settings.providers:
            if self.settings.search:
                hit = located.get(provider.urn)
                if hit is None:
                    raise ListingBrokenError(
                        f"{self.base_url}/search: URN {provider.urn} is not among the local authority "
                        "children's services in Ofsted's search results"
                    )
                url, category, found_name = hit["url"], hit["category"], hit["name"]
            else:
                url, category, found_name = self.provider_url(provider), provider.category, None
            response = self.http.get(url, allowed_hosts=self.allowed_hosts())
            name, reports = parse_provider_page(response.text, url, provider.name or found_name)
            name = name or f"URN {provider.urn}"
            for report in reports:
                if report["key"] in seen:
                    continue
                seen.add(report["key"])
                published: date | None = report["published"]
                yield DocumentRef(
                    key=report["key"],
                    url=report["url"],
                    title=f"{name}: {report['report_type']}" if report["report_type"] else name,
                    published=published,
                    kind=report_kind(report["report_type"]),
                    meta={
                        "provider": name,
                        "urn": provider.urn,
                        "category": category,
                        "report_type": report["report_type"],
                        "published": published.isoformat() if published else None,
                    },
                )

    def search_providers(self) -> dict[str, dict[str, Any]]:
        """URN -> search hit (name, url, category, urn) from Ofsted's LA children's services search.

        Pages with start/rows until a page adds no new provider; an empty first page means
        the results layout changed.
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
                    "search results and found none"
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
                if provider.category == 44:
                    notes.append(
                        f"provider {provider.urn}: the /provider/44/ path is inferred from other councils; "
                        "check the page opens in a browser, or set search: true"
                    )
        return notes

    @classmethod
    def read_meta(cls, pages: list[str], path: Path | None = None) -> dict[str, Any]:
        """Grades, inspection dates, lead inspector, local authority and report type of a report.

        Works on the normalised text layer only: measured on the twelve real reports, the
        page-1 text from pypdfium2 keeps each row's label and grade in order, so pdfplumber's
        cost (40x slower) buys nothing here.
        """
        first = pages[0] if pages else ""
        head = "\n".join(pages[:2])
        meta: dict[str, Any] = {
            "report_type": read_report_type(first),
            "judgements": {},
        }
        judgements, problem = read_judgements(head)
        meta["judgements"] = judgements
        if problem:
            meta["judgements_warning"] = problem
        dates = read_inspection_dates(head)
        if dates:
            meta["inspection_dates"] = dates
        inspector = read_lead_inspector("\n".join(pages))
        if inspector:
            meta["lead_inspector"] = inspector
        authority = read_local_authority(first)
        if authority:
            meta["local_authority"] = authority
        return meta


# -- reading a report -------------------------------------------------------------------

_GRADE = re.compile(r"requires\s+improvement(?:\s+to\s+be\s+good)?|outstanding|good|inadequate", re.I)
# Each row of the table starts with one of these; the grade may sit anywhere in the row
# when a wrapped label's second line comes after it in the text layer.
_ROW_START = re.compile(
    r"\bThe impact of leaders\b|\bThe experiences and progress of\b|\bOverall effectiveness\b", re.I
)
_TABLE_HEADER = re.compile(r"\bJudgement\s+Grade\b", re.I)


def _grade(text: str) -> str:
    value = " ".join(text.lower().split())
    return "requires improvement" if value.startswith("requires improvement") else value


def _row_key(label: str) -> str | None:
    text = " ".join(label.lower().split())
    if text.startswith("overall effectiveness"):
        return "overall"
    if "leaders" in text:
        return "impact_of_leaders"
    if "help and protection" in text:
        return "help_and_protection"
    if re.search(r"in care and care leavers", text):
        return "in_care_and_care_leavers"
    if "care leavers" in text:
        return "care_leavers"
    if "in care" in text:
        return "in_care"
    return None


def read_judgements(text: str) -> tuple[dict[str, str], str | None]:
    """The "Judgement | Grade" table as {key: grade}, and a warning when a table is there but
    could not be read fully (so a silent {} never hides a graded report).

    Only the table is read: a monitoring visit letter that mentions "overall effectiveness"
    in its prose has no table header and gives {}.
    """
    flat = flatten(text)
    header = _TABLE_HEADER.search(flat)
    if not header:
        return {}, None
    body = flat[header.end() :]
    starts = [m.start() for m in _ROW_START.finditer(body)]
    judgements: dict[str, str] = {}
    problems: list[str] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(body)
        row = body[start:end]
        # The label is classified without its grade, which may have split it in two.
        key = _row_key(_GRADE.sub(" ", row))
        if key == "overall":
            # The last row: its grade is the first one after the label; prose follows it.
            match = _GRADE.search(row)
            if match:
                judgements["overall"] = _grade(match.group(0))
            else:
                problems.append("no grade after 'Overall effectiveness'")
            break
        grades = {_grade(m.group(0)) for m in _GRADE.finditer(row)}
        if key is None:
            problems.append(f"unrecognised row {row[:80]!r}")
        elif len(grades) != 1:
            problems.append(f"row {key}: expected one grade, found {sorted(grades) or 'none'}")
        elif key in judgements:
            problems.append(f"row {key} appears twice")
        else:
            judgements[key] = grades.pop()
    if "overall" not in judgements and not problems:
        problems.append("no 'Overall effectiveness' row")
    warning = "judgement table not fully read: " + "; ".join(problems) if problems else None
    return judgements, warning


_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
_RANGE = re.compile(
    rf"(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+({_MONTHS}))?(?:\s+(\d{{4}}))?\s*(?:to|and|-)\s*"
    rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS})\s+(\d{{4}})",
    re.I,
)
_SINGLE = re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS})\s+(\d{{4}})", re.I)


def parse_date_span(text: str) -> dict[str, str] | None:
    """A span of days as {"start": ISO, "end": ISO}, from "20 to 24 January 2025",
    "27 February to 3 March 2023", "28 December 2022 to 6 January 2023", "14 and 15 March
    2023" or a single date."""
    match = _RANGE.search(text)
    if match:
        day1, month1, year1, day2, month2, year2 = match.groups()
        end = parse_date(f"{day2} {month2} {year2}")
        start = parse_date(f"{day1} {month1 or month2} {year1 or year2}")
        if start and end:
            if start > end and not year1:
                # "29 December to 2 January 2025": the start is in the year before.
                start = parse_date(f"{day1} {month1 or month2} {int(year2) - 1}")
            if start and start <= end:
                return {"start": start.isoformat(), "end": end.isoformat()}
    single = _SINGLE.search(text)
    if single:
        when = parse_date(" ".join(single.groups()))
        if when:
            return {"start": when.isoformat(), "end": when.isoformat()}
    return None


def read_inspection_dates(text: str) -> dict[str, str] | None:
    """Dates from the "Inspection dates:" line, or a visit letter's "visit ... on <dates>"."""
    flat = flatten(text)
    match = re.search(r"\b(?:Inspection|Visit)\s+dates?\s*:\s*(.{0,80})", flat, re.I)
    if match:
        span = parse_date_span(match.group(1))
        if span:
            return span
    match = re.search(r"\bvisit\b[^.]{0,160}?\bon\s+(.{0,60})", flat, re.I)
    if match:
        return parse_date_span(match.group(1))
    return None


def read_lead_inspector(text: str) -> str | None:
    """The name after "Lead inspector:" (without ", His Majesty's Inspector")."""
    match = re.search(r"\bLead inspector\s*:\s*([^\n,]+)", text, re.I)
    if not match:
        return None
    name = re.split(r"\b(?:His|Her) Majesty's Inspector\b|\bHMI\b", match.group(1))[0]
    return name.strip(" ,.") or None


def read_local_authority(first_page: str) -> str | None:
    """The council from the title: "Inspection of Harrow local authority children's services",
    "Monitoring visit to Harrow children's services"; in the 2018-2020 layout the title is
    "Inspection of children's social care services" with the council on the line above."""
    flat = flatten(first_page)
    match = re.search(
        r"\b(?:Inspection of|visit to|visit of)\s+(?!children's)(.{2,80}?)\s+(?:local authority\s+)?children's\s+services",
        flat,
        re.I,
    )
    if match:
        return match.group(1).strip()
    lines = first_page.split("\n")
    for index, line in enumerate(lines):
        if re.match(r"Inspection of children's social care services", line, re.I):
            for previous in reversed(lines[:index]):
                if previous.strip() and not previous.strip().isdigit():
                    return previous.strip()
            break
    return None


# Titles start a line and are capitalised; the same words in running prose ("a focused visit
# in 2022") are lower-case or mid-line, so the earliest title-like line decides.
_TITLES = (
    ("jtai", re.compile(r"^Joint targeted area inspection\b", re.M)),
    ("area send", re.compile(r"^(?:Area SEND|Joint local area SEND|Local area SEND)\b", re.M)),
    ("monitoring visit", re.compile(r"^(?:Subject:\s*)?Monitoring visit\b", re.M)),
    ("focused visit", re.compile(r"^(?:Subject:\s*)?Focused visit\b", re.M)),
    ("inspection", re.compile(r"^Inspection of\b", re.M)),
)


def read_report_type(first_page: str) -> str:
    """inspection / focused visit / monitoring visit / jtai / area send / other, from page 1's title."""
    best: tuple[int, str] | None = None
    for name, pattern in _TITLES:
        match = pattern.search(first_page)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), name)
    return best[1] if best else "other"
