"""Local Government and Social Care Ombudsman (www.lgo.org.uk): decisions about one council.

The listing is the Ombudsman's decision search (`/Decisions/SearchResults`) filtered by
authority name and sorted newest first. Each result links to a decision page
`/decisions/<category>/<subcategory>/<YY-NNN-NNN>`; the published reference ("22 016 751")
is the document key.

What we know of the site is uneven (see docs/publishers/lgsco.md and the shared NOTES):
the decision URL, the reference format and the decision page's labels are confirmed; the
search parameters and the result cards' text order come from third-party scrapers; the
search results' HTML has never been seen. So the card parser leans on the confirmed parts
(decision links and references) and reads the rest from the card's text, and a page that
yields no decision links (or cards with neither an outcome nor a date) raises
ListingBrokenError instead of reporting "nothing new".
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
from pydantic import Field, field_validator

from monitor.dates import parse_date
from monitor.errors import ListingBrokenError
from monitor.sources.base import DocumentRef, Source, SourceSettings

log = logging.getLogger(__name__)

SEARCH_PATH = "/Decisions/SearchResults"
PAGE_SIZE = 10
#: every outcome code the search form offers: closed after initial enquiries, not upheld, upheld
ALL_DECISION_CODES = "c nu u "
DECISION_PATH = re.compile(r"^/decisions/([a-z0-9-]+)/([a-z0-9-]+)/(\d{2}-\d{3}-\d{3})/?$", re.I)
REFERENCE = re.compile(r"\b(\d{2})[ -](\d{3})[ -](\d{3})\b")
#: outcomes we have seen or have good reason to expect; used only when the card's
#: subcategory cannot be matched against the URL slug
KNOWN_DECISIONS = (
    "Closed after initial enquiries",
    "Not upheld",
    "Upheld",
    "Report issued",
    "Advice given",
    "Referred back for local resolution",
    "Incomplete/Invalid",
)
_RESULT_COUNT = re.compile(r"has\s+([0-9,]+)\s+results?", re.I)
_CARD_DATE = re.compile(r"\b(\d{1,2})-([A-Za-z]{3})-(\d{4})\b")
_CARD_TYPE = re.compile(r"^\s*(Statement|Report)\b\s*", re.I)
_HEADING = re.compile(r"^(?P<authority>.+?)\s*\((?P<ref>\d{2}[ -]\d{3}[ -]\d{3})\)\s*$")
# Sentences of a summary that say what the council will do: the remedy, where one is stated.
_REMEDY_WORDS = re.compile(
    r"\b(agreed to|agree to|will pay|will apologise|should (?:pay|apologise|take|review|remind|consider)|"
    r"must|recommend(?:s|ed)? (?:that|the)|make a payment|pay (?:Mr|Mrs|Miss|Ms|Mx|her|him|them)|£\s?\d)",
    re.I,
)


class LgscoSettings(SourceSettings):
    """sources.yaml keys of an `lgsco` source."""

    #: the authority exactly as the Ombudsman writes it in decision headings,
    #: e.g. "London Borough of Harrow"
    authority: str = Field(min_length=3)
    #: keep only decisions in these categories (names or URL slugs, e.g. "Children's care
    #: services" or "children-s-care-services"); empty keeps everything
    categories: list[str] = []
    #: result pages (10 decisions each) read per pass
    max_pages: int = Field(default=5, ge=1, le=200)

    @field_validator("authority")
    @classmethod
    def _tidy_authority(cls, value: str) -> str:
        return " ".join(value.split())


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
        """Yield each decision once, newest first, reading up to `max_pages` result pages."""
        url = self.base_url + SEARCH_PATH
        # The site is reported to serve an empty search shell to requests without a referer.
        headers = {"Referer": self.base_url + "/decisions"}
        seen: set[str] = set()
        wanted = {_slug(c) for c in self.settings.categories}
        for page in range(1, self.settings.max_pages + 1):
            response = self.http.get(
                url, params=self.search_params(page), headers=headers, allowed_hosts=self.allowed_hosts()
            )
            page_url = response.url
            total, refs = parse_results_page(response.text, page_url, self.settings.authority)
            new = [ref for ref in refs if ref.key not in seen]
            for ref in new:
                seen.add(ref.key)
                if wanted and not ({ref.meta["category_slug"], _slug(ref.meta["category"])} & wanted):
                    continue
                yield ref
            if not refs or len(refs) < PAGE_SIZE or not new:
                return
            if total is not None and page * PAGE_SIZE >= total:
                return

    @classmethod
    def read_meta(cls, pages: list[str], path: Path | None = None) -> dict[str, Any]:
        """Reference, decision, decision date and (where stated) remedy or finding and
        recommendations, read from a decision page's text."""
        return read_decision_text("\n".join(pages))

    def warnings(self) -> list[str]:
        """The search parameters are second-hand; say so in check-config."""
        return [
            "lgsco: the decision search parameters (aname, dc, fd, td) are reported by third-party "
            "scrapers, not confirmed; a listing that parses to nothing is reported as broken"
        ]


# -- the listing ------------------------------------------------------------------------


def parse_results_page(html: str, page_url: str, authority: str | None = None) -> tuple[int | None, list[DocumentRef]]:
    """The total the page announces (None when it does not say) and its decisions.

    Raises
    ListingBrokenError when the page has no decision links although it does not say it has
    no results, or when no card shows an outcome or a date.
    """
    soup = BeautifulSoup(html, "lxml")
    text = soup.get_text(" ", strip=True)
    count = _RESULT_COUNT.search(text)
    total = int(count.group(1).replace(",", "")) if count else None
    links = _decision_links(soup, page_url)
    if not links:
        if total == 0:
            return 0, []
        expected = f"it says it has {total} results" if total else "no 'Your search has N results' line either"
        raise ListingBrokenError(
            f"{page_url}: expected links to decisions (/decisions/<category>/<subcategory>/<YY-NNN-NNN>) "
            f"but found none ({expected}); the layout may have changed or the site served an empty search shell"
        )
    refs: list[DocumentRef] = []
    readable = 0
    for path, link in links.items():
        ref = _card_to_ref(link, path, page_url, links)
        if ref.meta["decision"] or ref.published:
            readable += 1
        if authority and ref.meta["authority"] and ref.meta["authority"].casefold() != authority.casefold():
            # Kept, not dropped: the search filtered by authority, and a council renamed on
            # the site must not make its decisions vanish silently.
            log.info("%s: %s names %s, not %s", page_url, ref.key, ref.meta["authority"], authority)
        refs.append(ref)
    if not readable:
        raise ListingBrokenError(
            f"{page_url}: found {len(links)} decision links but no result card showed an outcome "
            "or a DD-Mon-YYYY date; the result card layout has changed"
        )
    return total, refs


def _decision_links(soup: BeautifulSoup, page_url: str) -> dict[str, Tag]:
    """Decision page path -> its first link, in page order."""
    found: dict[str, Tag] = {}
    for anchor in soup.find_all("a", href=True):
        path = urlsplit(urljoin(page_url, anchor["href"])).path.rstrip("/")
        if DECISION_PATH.match(path) and path.lower() not in found:
            found[path.lower()] = anchor
    return found


def _card_of(link: Tag, paths: dict[str, Tag], page_url: str) -> Tag:
    """The largest element around a link that holds no other decision's link: its card."""
    node = link
    while isinstance(node.parent, Tag) and node.parent.name not in ("body", "html", "[document]"):
        others = {
            urlsplit(urljoin(page_url, a["href"])).path.rstrip("/").lower()
            for a in node.parent.find_all("a", href=True)
        } & paths.keys()
        if len(others) > 1:
            break
        node = node.parent
    return node


def _card_to_ref(link: Tag, path: str, page_url: str, paths: dict[str, Tag]) -> DocumentRef:
    match = DECISION_PATH.match(path)
    assert match  # _decision_links only keeps matching paths
    category_slug, subcategory_slug, dashed = (g.lower() for g in match.groups())
    reference = dashed.replace("-", " ")
    link_text = link.get_text(" ", strip=True)
    heading = _HEADING.match(link_text)
    authority = heading.group("authority") if heading else None

    card_text = " ".join(_card_of(link, paths, page_url).get_text(" ", strip=True).split())
    after = card_text.split(link_text, 1)[1] if link_text and link_text in card_text else card_text
    head, _, summary = after.partition("Summary:")
    doc_type = "Statement"
    type_match = _CARD_TYPE.match(head)
    if type_match:
        doc_type = type_match.group(1).capitalize()
        head = head[type_match.end() :]
    published = None
    date_match = _CARD_DATE.search(head)
    if date_match:
        published = parse_date(" ".join(date_match.groups()))
        head = head[: date_match.start()]
    decision, subcategory = _split_outcome(head.strip(), subcategory_slug)
    summary = summary.strip() or None
    url = urljoin(page_url, link["href"])
    meta = {
        "authority": authority,
        "reference": reference,
        "category": _humanise(category_slug),
        "category_slug": category_slug,
        "subcategory": subcategory,
        "subcategory_slug": subcategory_slug,
        "decision": decision,
        "decision_date": published.isoformat() if published else None,
        "statement_type": doc_type,
        "summary": summary,
        "remedy": remedy_from_summary(summary),
    }
    title = f"{authority} ({reference})" if authority else f"Ombudsman decision {reference}"
    if decision:
        title += f": {decision}"
    return DocumentRef(
        key=reference,
        url=url,
        title=title,
        published=published,
        kind="public report" if doc_type == "Report" else "decision",
        meta=meta,
        fingerprint=f"{decision}|{meta['decision_date']}" if (decision or published) else None,
    )


def _split_outcome(words_text: str, subcategory_slug: str) -> tuple[str | None, str]:
    """Split "Closed after initial enquiries Parking and other penalties" into outcome and
    subcategory, using the URL's subcategory slug to find where the subcategory starts."""
    words = words_text.split()
    for start in range(len(words)):
        if _slug(" ".join(words[start:])) == subcategory_slug:
            return (" ".join(words[:start]) or None), " ".join(words[start:])
    lowered = words_text.casefold()
    for outcome in KNOWN_DECISIONS:
        if lowered.startswith(outcome.casefold()):
            rest = words_text[len(outcome) :].strip()
            return words_text[: len(outcome)], rest or _humanise(subcategory_slug)
    return None, _humanise(subcategory_slug)


def _slug(text: str) -> str:
    """The site's slug of a name: lower case, runs of anything else as one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def _humanise(slug: str) -> str:
    """A readable name from a slug ("children-s-care-services" -> "Children's care services")."""
    text = re.sub(r"(?<=[a-z])-s(?=-|$)", "'s", slug).replace("-", " ")
    return text[:1].upper() + text[1:]


def remedy_from_summary(summary: str | None) -> str | None:
    """The sentences of a summary that state what the council agreed or was asked to do."""
    if not summary:
        return None
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", summary.strip())
    picked = [s for s in sentences if _REMEDY_WORDS.search(s)]
    return " ".join(picked) or None


# -- a decision page --------------------------------------------------------------------

_LINE_LABEL = re.compile(r"^\s*(Category|Decision date|Decision)\s*:\s*(\S.*?)\s*$", re.I)
_LABEL_ALONE = re.compile(r"^\s*(Category|Decision date|Decision)\s*:?\s*$", re.I)
_SECTION_HEADS = (
    "Back to top",
    "The complaint",
    "The Ombudsman's role and powers",
    "How I considered this complaint",
    "What I have investigated",
    "What I have not investigated",
    "What I found",
    "My assessment",
    "Final decision",
    "Decision",
    "Key to names used",
    "Summary",
    "Finding",
    "Recommendations",
    "Investigator's decision on behalf of the Ombudsman",
)


def read_decision_text(text: str) -> dict[str, Any]:
    """Facts in a decision page's text: authority, reference, category, subcategory,
    decision, decision_date (ISO), summary, remedy; for public reports also finding and
    recommendations. Keys whose facts the text does not state are left out."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [re.sub(r"^[-\u2022*]\s+", "", line) for line in lines if line]
    meta: dict[str, Any] = {}
    for line in lines[:5]:
        heading = _HEADING.match(line)
        if heading:
            meta["authority"] = heading.group("authority")
            meta["reference"] = _reference(heading.group("ref"))
            break
    if "reference" not in meta and (ref := REFERENCE.search(text)):
        meta["reference"] = " ".join(ref.groups())
    labels = _labels(lines)
    if category := labels.get("category"):
        main, sep, sub = category.partition(">")
        meta["category"] = main.strip()
        if sep:
            meta["subcategory"] = sub.strip()
    if decision := labels.get("decision"):
        meta["decision"] = decision
    if when := labels.get("decision date"):
        parsed = parse_date(when)
        if parsed:
            meta["decision_date"] = parsed.isoformat()
    summary = _inline_or_section(lines, "Summary")
    if summary:
        meta["summary"] = summary
    finding = _section(lines, "Finding")
    if finding:
        meta["finding"] = finding
    recommendations = _section(lines, "Recommendations", max_paragraphs=12)
    if recommendations:
        meta["recommendations"] = recommendations
    remedy = None
    if recommendations:
        # Public reports list the remedy as actions after "we recommend ... the following actions."
        _, marker, actions = recommendations.partition("following actions.")
        remedy = actions.strip() if marker else None
    remedy = remedy or remedy_from_summary(summary)
    if remedy:
        meta["remedy"] = remedy
    return meta


def _reference(text: str) -> str:
    match = REFERENCE.search(text)
    return " ".join(match.groups()) if match else text


def _labels(lines: list[str]) -> dict[str, str]:
    """The header's "Label : value" pairs, whether on one line or split over two."""
    found: dict[str, str] = {}
    for index, line in enumerate(lines[:40]):
        match = _LINE_LABEL.match(line)
        if match:
            found.setdefault(match.group(1).lower(), match.group(2).lstrip(": ").strip())
            continue
        alone = _LABEL_ALONE.match(line)
        if alone and index + 1 < len(lines):
            value = lines[index + 1].lstrip(": ").strip()
            if value and not _LABEL_ALONE.match(value):
                found.setdefault(alone.group(1).lower(), value)
    return found


def _inline_or_section(lines: list[str], label: str) -> str | None:
    """"Summary: text" on one line, else the paragraph under a "Summary" heading."""
    for line in lines:
        if line.lower().startswith(label.lower() + ":"):
            value = line[len(label) + 1 :].strip()
            if value:
                return value
    return _section(lines, label, max_paragraphs=1)


def _section(lines: list[str], heading: str, max_paragraphs: int = 3) -> str | None:
    """The paragraphs under a heading line, up to the next known heading."""
    heads = {h.casefold() for h in _SECTION_HEADS}
    for index, line in enumerate(lines):
        if line.rstrip(":").casefold() == heading.casefold():
            body = []
            for following in lines[index + 1 :]:
                if following.rstrip(":").casefold() in heads or len(body) >= max_paragraphs:
                    break
                body.append(following)
            return " ".join(body) or None
    return None
