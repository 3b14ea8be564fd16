"""Parsing www.cqc.org.uk pages: a location's page and reports tab, and assessment pages.

No raw HTML of a current page was ever captured. What is known (evidence-2026/site/):
the reports tab's text order (a date, "During ...", a link), the download block
`div.overview-download-report` with `a.download-report__link` and a sibling
`p.download-report__publish-info-date` ("Published / 3 June 2026"), both report link forms
(`https://api.cqc.org.uk/public/v1/reports/{uuid}?{timestamp}` and, for assessments
under the single assessment framework, `/location/{id}/reports/{planId}/overall`), and
key-question ratings in `data-test="safe rating text: Good"` attributes. So the parsers
read text, links and those few names, and report links they cannot classify.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, Tag

from monitor.dates import parse_date
from monitor.sources.cqc.vocabulary import (
    key_question,
    normalise_rating,
    read_overall_percentage,
    read_quality_statement_scores,
    read_ratings,
)

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_OLD_LINK = re.compile(rf"/reports/({_UUID})(?:[/?#]|$)", re.I)
# /location/{id}/reports/{planId}[/overall[/safe|...]]: the plan id's format was never seen
_NEW_LINK = re.compile(r"/location/([^/]+)/reports/([^/?#]+)(?:/overall(?:/[\w-]+)?)?/?$", re.I)
_REPORTISH_TEXT = re.compile(r"\b(?:read|download|view)\b[^.]{0,40}\breport\b", re.I)
_LONG_DATE = re.compile(
    r"^(?:published:?\s+)?(\d{1,2}(?:st|nd|rd|th)? (?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December) \d{4})$",
    re.I,
)
_DATA_TEST_RATING = re.compile(
    r"^\s*(overall|safe|effective|caring|responsive|well[- ]led)\s+rating\s+text\s*:\s*(.+?)\s*$", re.I
)


def classify_report_link(url: str) -> dict[str, str] | None:
    """{key, url, style} for a link to a CQC report, or None if it is not one we know.

    New style (an assessment): key is the plan id, url the assessment's /overall page, the
    same key and url the API's assessment[] gives. Old style: key is the report's UUID
    (lower case), as the API's linkId; the url is kept as linked."""
    parts = urlsplit(url)
    if match := _NEW_LINK.search(parts.path):
        location_id, plan_id = match.group(1), match.group(2)
        key = plan_id.lower() if re.fullmatch(_UUID, plan_id, re.I) else plan_id
        canonical = urljoin(url, f"/location/{location_id}/reports/{plan_id}/overall")
        return {"key": key, "url": canonical, "style": "assessment"}
    if match := _OLD_LINK.search(parts.path + "/"):
        return {"key": match.group(1).lower(), "url": url, "style": "report"}
    return None


def _looks_like_report_link(link: Tag, url: str, page_url: str) -> bool:
    path = urlsplit(url).path.rstrip("/")
    if path == urlsplit(page_url).path.rstrip("/"):
        return False
    classes = " ".join(link.get("class") or [])
    text = " ".join(link.get_text(" ").split())
    return (
        "/reports/" in path + "/"
        and not path.endswith("/reports")
        or "download-report__link" in classes
        or bool(_REPORTISH_TEXT.search(text))
    )


def _strip_chrome(soup: BeautifulSoup) -> Tag:
    """The page's main content, without scripts and the site's own header, nav and footer."""
    for tag in soup(["script", "style", "noscript", "nav"]):
        tag.decompose()
    main = soup.find("main")
    for tag in soup(["header", "footer"]):
        # a <footer> inside main is content (the download block is one)
        if main is None or main not in tag.parents:
            tag.decompose()
    return main or soup.body or soup


def _text_lines(root: Tag) -> list[str]:
    return [" ".join(line.split()) for line in root.get_text("\n").splitlines() if line.strip()]


def _data_test_ratings(root: Tag, sources: dict[str, str] | None = None) -> dict[str, str]:
    ratings: dict[str, str] = {}
    for tag in root.find_all(attrs={"data-test": True}):
        match = _DATA_TEST_RATING.match(str(tag["data-test"]))
        if match:
            name = "overall" if match.group(1).lower() == "overall" else key_question(match.group(1))
            rating = normalise_rating(match.group(2))
            if name and rating and name not in ratings:
                ratings[name] = rating
                if sources is not None:
                    sources[name] = f'data-test="{tag["data-test"]}"'
    return ratings


def parse_location_page(html: str) -> dict[str, Any]:
    """Name, type, provider and current ratings from a public location page's header.

    The first heading is the name, "Overall: Good", "Provided and run by:" then the
    provider; ratings also come from `data-test="safe rating text: Good"` attributes."""
    soup = BeautifulSoup(html, "lxml")
    root = _strip_chrome(soup)
    result: dict[str, Any] = {}
    heading = root.find("h1")
    if heading:
        result["name"] = " ".join(heading.get_text(" ").split())
    lines = _text_lines(root)
    for index, line in enumerate(lines):
        if line.lower().startswith("provided and run by"):
            rest = line.split(":", 1)[1].strip() if ":" in line else ""
            result["provider_name"] = rest or (lines[index + 1] if index + 1 < len(lines) else None)
            break
    provider_link = root.find("a", href=re.compile(r"/provider/[\w-]+"))
    if provider_link:
        result["provider_id"] = str(provider_link["href"]).rstrip("/").rsplit("/", 1)[-1]
    if heading:
        # the service type is the short line(s) just above the name ("Care home")
        before = [
            " ".join(str(s).split())
            for s in heading.find_all_previous(string=True, limit=6)
            if str(s).strip() and root in s.parents
        ]
        types = [t.lstrip("•- ") for t in before[:2] if len(t) < 60 and "you are here" not in t.lower()]
        result["service_types"] = list(
            dict.fromkeys(t[:1].upper() + t[1:].lower() for t in reversed(types) if t)
        )
    said: dict[str, str] = {}
    ratings = read_ratings("\n".join(lines), said)
    elements: dict[str, str] = {}
    for name, rating in _data_test_ratings(root, elements).items():
        if name not in ratings:
            ratings[name] = rating
            said[name] = elements[name]
    result["ratings"] = ratings
    #: {rating field: the words or element it was read from}
    result["rating_sources"] = said
    return result


def parse_download_blocks(html: str, page_url: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The "latest report" download blocks of a location page: ([{key, url, style, date}],
    links in them that are not a report link we know)."""
    soup = BeautifulSoup(html, "lxml")
    found: list[dict[str, Any]] = []
    unknown: list[str] = []
    for link in soup.select("a.download-report__link[href]"):
        url = urljoin(page_url, str(link["href"]))
        report = classify_report_link(url)
        if report is None:
            unknown.append(url)
            continue
        block = link.find_parent(
            class_=re.compile(r"download-report__publish-info$|overview-download-report")
        )
        stamp = block.find(class_="download-report__publish-info-date") if block else None
        text = " ".join(stamp.get_text(" ").split()) if stamp else ""
        match = _LONG_DATE.match(text)
        found.append({**report, "date": parse_date(match.group(1)) if match else None})
    return found, unknown


def parse_reports_page(html: str, page_url: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The inspections on a location's reports tab that link to a report, and report-like
    links that could not be classified: ([{key, url, style, date, description}], [url]).

    Entries are read in document order: a line holding only a date ("6 November 2023")
    starts an entry, a "During ..." line says what it was, and a report link is its report.
    Monthly data reviews have no report and are not documents."""
    soup = BeautifulSoup(html, "lxml")
    root = soup.find("main") or soup.body or soup
    entries: list[dict[str, Any]] = []
    unknown: list[str] = []
    keys: set[str] = set()
    current_date: date | None = None
    description: str | None = None
    for node in root.descendants:
        if isinstance(node, Tag):
            if node.name != "a" or not node.get("href"):
                continue
            url = urljoin(page_url, str(node["href"]))
            report = classify_report_link(url)
            if report is None:
                if _looks_like_report_link(node, url, page_url):
                    unknown.append(url)
                continue
            if report["key"] not in keys:
                keys.add(report["key"])
                entries.append({**report, "date": current_date, "description": description})
            continue
        if isinstance(node, Comment):
            continue
        text = " ".join(str(node).split())
        if not text:
            continue
        if match := _LONG_DATE.match(text):
            current_date, description = parse_date(match.group(1)), None
        elif text.lower().startswith("during ") and description is None:
            description = text
    return entries, unknown


def parse_assessment_page(html: str, page_url: str) -> dict[str, Any]:
    """Title, authority, published date, ratings, scores, overall percentage and theme links
    of an assessment page."""
    soup = BeautifulSoup(html, "lxml")
    root = _strip_chrome(soup)
    heading = root.find("h1")
    title = " ".join(heading.get_text(" ").split()) if heading else ""
    lines = _text_lines(root)
    text = "\n".join(lines)
    published = None
    if match := re.search(
        r"\b(?:published|date of publication|last updated)\s*:?\s*(\d{1,2} [A-Za-z]+ \d{4})", text, re.I
    ):
        published = parse_date(match.group(1))
    themes = []
    seen: set[str] = set()
    for link in root.find_all("a", href=True):
        url = urljoin(page_url, str(link["href"]))
        match = re.search(r"-theme(\d)-[\w-]+/?$", urlsplit(url).path)
        if match and url != page_url and url not in seen:
            seen.add(url)
            label = " ".join(link.get_text(" ").split())
            themes.append({"url": url, "theme": int(match.group(1)), "title": label or urlsplit(url).path})
    said: dict[str, str] = {}
    return {
        "title": title,
        "local_authority": title.split(":")[0].strip() if title else "",
        "published": published,
        "ratings": read_ratings(text, said),
        "quality_statements": read_quality_statement_scores(text, said),
        #: {rating field or quality statement: {"url": this page, "text": the words read}}
        "sources": {name: {"url": page_url, "text": words} for name, words in said.items()},
        "overall_percentage": read_overall_percentage(text),
        "theme_pages": themes,
    }
