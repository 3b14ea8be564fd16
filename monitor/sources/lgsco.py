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
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from pydantic import Field, field_validator

from monitor.errors import ListingBrokenError
from monitor.sources.base import DocumentRef, Source, SourceSettings
from monitor.sources.lgsco_cards import card_date
from monitor.sources.lgsco_page import (
    HEADING,
    read_decision_text,
    read_html_facts,
    remedy_from_summary,
)
from monitor.sources.lgsco_severity import Severity, merged, severity_for
from monitor.sources.lgsco_severity import slug as _slug

log = logging.getLogger(__name__)

__all__ = ["LgscoSettings", "LgscoSource", "parse_results_page", "read_decision_text", "remedy_from_summary"]

SEARCH_PATH = "/Decisions/SearchResults"
#: results a page holds (second-hand: Legal Data Hunter pages by ceil(total/10))
PAGE_SIZE = 10
#: every outcome code the search form offers (closed after initial enquiries, not upheld,
#: upheld), joined by literal plus signs as the site's own URLs carry them (`dc=c%2Bnu%2Bu%2B`
#: on the wire). Sent with spaces instead, the server may read one unknown code.
ALL_DECISION_CODES = "c+nu+u+"
DECISION_PATH = re.compile(r"^/decisions/([a-z0-9-]+)/([a-z0-9-]+)/(\d{2}-\d{3}-\d{3})/?$", re.I)
#: three path segments under /decisions/: a decision page, whatever its reference looks like
_DECISION_LIKE = re.compile(r"^/decisions/[^/]+/[^/]+/[^/]+/?$", re.I)
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
_CARD_TYPE = re.compile(r"^\s*(Statement|Report)\b\s*", re.I)
_CARD_LABEL = re.compile(r"\b(Category|Decision date|Decision|Date)\s*:\s*", re.I)
#: a pass whose results are all public reports, when there are at least this many, means the
#: outcome filter was not applied (R1: a search without a usable `dc` listed reports only)
_REPORTS_ONLY_MIN = 5


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
    #: a search that says "has 0 results" is broken unless this is true (a new authority
    #: with no decisions yet); a council of any size has decisions every year
    allow_empty: bool = False
    #: severity of a decision by category name or slug, or "Category > Subcategory"; laid
    #: over the defaults (children's and adult care services urgent, monitor/sources/
    #: lgsco_severity.py); a category in neither takes the source's `severity`
    category_severity: dict[str, Severity] = {}
    #: a public report is raised to at least this severity, whatever its category
    public_report_severity: Severity | None = "urgent"

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
            total, refs = parse_results_page(response.text, page_url, self.settings.authority)
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


# -- the listing ------------------------------------------------------------------------


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


def parse_results_page(html: str, page_url: str, authority: str | None = None) -> tuple[int, list[DocumentRef]]:
    """The total the page announces and its decisions, in page order.

    Raises
    ListingBrokenError when the page has no "has N results" line, when it has no decision
    links although it does not say it has no results, when a decision-like link's reference
    cannot be read, when the page text shows a reference that no readable link carries, or
    when a card shows neither an outcome nor a date.
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
            f"but found none ({expected}); the layout may have changed or the site served an empty search shell",
            url=page_url,
        )
    if total is None:
        raise ListingBrokenError(
            f"{page_url}: found {len(links)} decision links but no 'Your search has N results' line, so the "
            "pages cannot be checked against the count; the layout has changed",
            url=page_url,
        )
    unreadable = _unreadable_links(soup, page_url)
    if unreadable:
        raise ListingBrokenError(
            f"{page_url}: result links whose reference cannot be read ({', '.join(unreadable[:3])}); expected "
            "/decisions/<category>/<subcategory>/<YY-NNN-NNN>",
            url=page_url,
        )
    linked = {path.rsplit("/", 1)[1].replace("-", " ") for path in links}
    shown = {" ".join(m.groups()) for m in re.finditer(r"\(\s*(\d{2}) (\d{3}) (\d{3})\s*\)", text)}
    if shown - linked:
        raise ListingBrokenError(
            f"{page_url}: the page shows decisions {', '.join(sorted(shown - linked))} without a readable link to "
            "their decision page; a result card's markup changed",
            url=page_url,
        )
    refs: list[DocumentRef] = []
    for path, link in links.items():
        ref = _card_to_ref(link, path, page_url, links)
        if not (ref.meta["decision"] or ref.published):
            raise ListingBrokenError(
                f"{page_url}: the result card of {ref.key} shows neither an outcome nor a date "
                "(expected e.g. 'Statement Upheld Child protection 08-Dec-2023'); the result card layout has changed",
                url=page_url,
            )
        if authority and ref.meta["authority"] and ref.meta["authority"].casefold() != authority.casefold():
            log.info("%s: %s names %s, not %s", page_url, ref.key, ref.meta["authority"], authority)
        refs.append(ref)
    return total, refs


def _unreadable_links(soup: BeautifulSoup, page_url: str) -> list[str]:
    """Links shaped like a decision page whose last segment is not a YY-NNN-NNN reference."""
    bad = []
    for anchor in soup.find_all("a", href=True):
        path = urlsplit(urljoin(page_url, anchor["href"])).path.rstrip("/")
        if _DECISION_LIKE.match(path) and not DECISION_PATH.match(path):
            bad.append(path)
    return bad


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
    link_text = " ".join(link.get_text(" ", strip=True).split())
    card_text = " ".join(_card_of(link, paths, page_url).get_text(" ", strip=True).split())
    # The heading "<Authority> (<ref>)" is the link text in the modelled cards; where the link
    # shows only the reference, the authority is read from the card text around it.
    around = " ".join(link.parent.get_text(" ", strip=True).split()) if isinstance(link.parent, Tag) else ""
    heading = HEADING.match(link_text) or re.match(
        rf"^(?P<authority>[A-Z][^()]*?)\s*\(\s*(?P<ref>{re.escape(reference)})\s*\)", around
    )
    authority = heading.group("authority").strip() if heading else None
    if heading and heading.group(0).strip() in card_text:
        after = card_text.split(heading.group(0).strip(), 1)[1]
    elif link_text and link_text in card_text:
        after = card_text.split(link_text, 1)[1]
    else:
        after = card_text
    head, _, summary = after.partition("Summary:")
    doc_type = "Statement"
    type_match = _CARD_TYPE.match(head)
    if type_match:
        doc_type = type_match.group(1).capitalize()
        head = head[type_match.end() :]
    if _CARD_LABEL.search(head):
        decision, subcategory, published = _labelled_card(head, subcategory_slug, reference, page_url)
    else:
        published, head = card_date(head, reference, page_url)
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


def _labelled_card(
    head: str, subcategory_slug: str, reference: str, page_url: str
) -> tuple[str | None, str, date | None]:
    """A card written like a decision page: "Decision : Upheld Decision date : 28 Jul 2025"."""
    parts = _CARD_LABEL.split(head)
    labels = {parts[i].lower(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    decision = labels.get("decision") or None
    when = labels.get("decision date") or labels.get("date")
    published, _ = card_date(when, reference, page_url) if when else (None, "")
    _, sep, sub = (labels.get("category") or "").partition(">")
    return decision, (sub.strip() if sep and sub.strip() else _humanise(subcategory_slug)), published


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


def _humanise(slug: str) -> str:
    """A readable name from a slug ("children-s-care-services" -> "Children's care services")."""
    text = re.sub(r"(?<=[a-z])-s(?=-|$)", "'s", slug).replace("-", " ")
    return text[:1].upper() + text[1:]

