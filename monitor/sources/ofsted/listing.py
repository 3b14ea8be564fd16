"""Ofsted's listing pages read: a provider page's report links and the search's provider links.

A provider page (`/provider/<category>/<URN>`) is read by its `a.publication-link`s to
files.ofsted.gov.uk wherever they are, with the type and date from their `span.nonvisual`
text (docs/publishers/ofsted.md); the timeline's dates are used where present, never
required. monitor/sources/ofsted/source.py pages through them; nothing here fetches.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from monitor.dates import parse_date
from monitor.errors import ListingBrokenError
from monitor.sources.base import host_of

log = logging.getLogger(__name__)

FILES_HOST = "files.ofsted.gov.uk"
#: the old alias of FILES_HOST, seen only in an old script (evidence-2026 §3)
LEGACY_FILES_HOST = "files.api.ofsted.gov.uk"
_FILE_PATH = re.compile(r"/v1/file/(\d+)")

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
