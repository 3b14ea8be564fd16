"""Housing Ombudsman Service (www.housing-ombudsman.org.uk): its decisions about one landlord.

A council that owns homes (Harrow does) answers to the Housing Ombudsman as a landlord, a
body apart from the LGSCO. The Ombudsman publishes its decisions every two weeks at
`/decisions/`, newest first, paged WordPress-style as `/decisions/page/<n>/`; each decision
has a page `/decisions/<landlord-slug>-<case ref>/` headed "<Landlord> (<case ref>)", the
case reference being the 9-digit number the Ombudsman publishes (e.g. 202345085). Those
facts are confirmed (docs/publishers/housing_ombudsman.md, H1-H4). What is not: how the
listing is narrowed to one landlord (the keyword search `s=` is inferred; the site's own
guidance names filters by date, category, outcome, tenure, order and landlord type, not by
landlord name), whether the listing states a count, and the result cards' markup.

So the adapter checks what it reads and fails loudly (ListingBrokenError) on: a page with
no decision links unless it says it found nothing, a search that says it found nothing
(unless `allow_empty`), a count line that the links read do not reach or exceed, a page
after the first that adds nothing new, a link under /decisions/ that ends in a number that
is not a case reference, a reference shown in the page text that no link carries, a link
whose text names another reference than its address, and a window where most decisions
are about other landlords (the search was not applied). Decisions about other landlords
are dropped by name (a keyword search also finds decisions that merely mention Harrow).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from pydantic import Field, field_validator

from monitor.dates import parse_date
from monitor.errors import FetchError, ListingBrokenError
from monitor.sources.base import DocumentRef, Source, SourceSettings
from monitor.sources.fields import one_line
from monitor.sources.housing_ombudsman.reader import HEADING, OUTCOMES, decision_lines, read_decision_text

log = logging.getLogger(__name__)

__all__ = ["HousingOmbudsmanSettings", "HousingOmbudsmanSource", "parse_listing_page", "read_decision_text"]

LISTING_PATH = "/decisions/"
#: /decisions/<landlord-slug>-<case reference>/ (references are 9 digits; 7-10 accepted)
DECISION_PATH = re.compile(r"^/decisions/(?P<slug>[a-z0-9-]+?)-(?P<ref>\d{7,10})/?$", re.I)
#: one path segment under /decisions/ ending in a number: shaped like a decision page
_DECISION_LIKE = re.compile(r"^/decisions/[^/]*\d/?$", re.I)
_SHOWN_REF = re.compile(r"\((\d{9})\)")
_COUNT = re.compile(r"\b(?:of\s+)?([0-9][0-9,]*)\s+(?:results?|decisions?)(?:\s+found)?\b", re.I)
_NOTHING = re.compile(r"\bnothing (?:found|matched)|\bno (?:results|decisions) (?:found|match)|\b0 results\b", re.I)
_CARD_DATE = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4}\b|\b\d{1,2}/\d{1,2}/\d{4}\b")
_OUTCOME_WORDS = re.compile(r"\b(" + "|".join(re.escape(o) for o in (*OUTCOMES, "Partial maladministration")) + r")\b", re.I)


class HousingOmbudsmanSettings(SourceSettings):
    """sources.yaml keys of a `housing_ombudsman` source."""

    #: the landlord as the Ombudsman names it in decision headings; every spelling it has
    #: used (Harrow's decisions to 2022 say "Harrow Council", later ones "London Borough of
    #: Harrow")
    landlords: list[str] = Field(min_length=1)
    #: the keyword sent as the search (`s=`); default the first of `landlords`
    search: str | None = None
    #: listing pages read per pass (a window: the newest decisions)
    max_pages: int = Field(default=3, ge=1, le=100)
    #: a search that finds nothing is broken unless this is true
    allow_empty: bool = False

    @field_validator("landlords")
    @classmethod
    def _tidy(cls, value: list[str]) -> list[str]:
        names = [one_line(v) for v in value if v.strip()]
        if not names:
            raise ValueError("name at least one landlord as the Ombudsman writes it")
        return names


class HousingOmbudsmanSource(Source):
    """Decisions the Housing Ombudsman has published about one landlord, newest first."""

    complete_listing = False

    kind: ClassVar[str] = "housing_ombudsman"
    Settings: ClassVar[type[SourceSettings]] = HousingOmbudsmanSettings
    default_base_url: ClassVar[str | None] = "https://www.housing-ombudsman.org.uk"
    settings: HousingOmbudsmanSettings

    def page_url(self, page: int) -> str:
        """The listing page's address: /decisions/ then /decisions/page/<n>/."""
        return self.base_url + (LISTING_PATH if page == 1 else f"{LISTING_PATH}page/{page}/")

    def list_documents(self) -> Iterator[DocumentRef]:
        """Yield this landlord's decisions in the newest `max_pages` pages, after checking
        the whole window (nothing is yielded from a window that does not add up)."""
        params = {"s": self.settings.search or self.settings.landlords[0]}
        seen: dict[str, DocumentRef] = {}
        total: int | None = None
        page_size = 0
        url = self.page_url(1)
        for page in range(1, self.settings.max_pages + 1):
            try:
                response = self.http.get(self.page_url(page), params=params, allowed_hosts=self.allowed_hosts())
            except FetchError as exc:
                # WordPress answers 404 past the last page: the end of the listing, unless
                # the count says there is more
                if page > 1 and exc.status == 404 and (total is None or len(seen) >= total):
                    break
                raise
            url = response.url
            announced, refs = self.parse_listing(response, parse_listing_page, url)
            if announced == 0:
                if page == 1 and self.settings.allow_empty:
                    return
                raise ListingBrokenError(
                    f"{url}: the decisions search for {params['s']!r} says it found nothing"
                    + (f" on page {page} after {len(seen)} decisions" if page > 1 else "")
                    + "; the landlord name, the search parameter or the site changed "
                    "(set allow_empty: true only for a landlord with no published decisions)",
                    url=url,
                )
            if announced is not None:
                total = announced if total is None else total
            new = [ref for ref in refs if ref.key not in seen]
            if page == 1:
                page_size = len(refs)
            elif total is None and not refs:
                break
            expected = min(page_size, total - len(seen)) if total is not None else 1
            if len(new) < expected:
                raise ListingBrokenError(
                    f"{url}: page {page} lists {len(refs)} decisions ({len(new)} not on earlier pages), but "
                    + (f"the search says {total} and {len(seen)} were read before it" if total is not None
                       else "a page after the first must add decisions or be the end")
                    + "; a result could not be read or the paging changed",
                    url=url,
                )
            for ref in new:
                seen[ref.key] = ref
            if total is not None and len(seen) >= total:
                break
            if page_size and len(refs) < page_size:
                break
        if total is not None and len(seen) > total:
            raise ListingBrokenError(f"{url}: read {len(seen)} different decisions but the search says {total}", url=url)
        yield from self._own(list(seen.values()), url)

    def _own(self, refs: list[DocumentRef], url: str) -> list[DocumentRef]:
        """The decisions about this landlord; most being about others means no search was applied."""
        names = {n.casefold() for n in self.settings.landlords}
        slugs = {_slug(n) for n in self.settings.landlords}
        own = [r for r in refs if (r.meta["landlord"] or "").casefold() in names or r.meta["slug"] in slugs]
        others = sorted({r.meta["landlord"] or r.meta["slug"] for r in refs if r not in own})
        if len(refs) - len(own) > len(own):
            raise ListingBrokenError(
                f"{url}: {len(refs) - len(own)} of {len(refs)} decisions read are about other landlords "
                f"({', '.join(others[:5])}), not {' / '.join(self.settings.landlords)}: the search (s=) was not "
                "applied, or the Ombudsman spells the landlord differently (check `landlords:`)",
                url=url,
            )
        if others:
            log.info("%s: decisions about other landlords left out: %s", url, ", ".join(others))
        return own

    @classmethod
    def read_meta(cls, pages: list[str], path: Path | None = None) -> dict[str, Any]:
        """Landlord, reference, date, each complaint element's finding, the worst finding
        (`decision`), orders and compensation, and the headline sentences."""
        return read_decision_text(_structured_text(pages, path))

    def warnings(self) -> list[str]:
        """The listing's landlord filter and layout are inferred; say so in check-config."""
        return [
            "housing_ombudsman: /decisions/, /decisions/page/N/ and the decision pages are confirmed by a "
            "third-party harvest; the keyword search (s=) that narrows the listing to the landlord, any count "
            "line and the result cards' layout are inferred. A listing of mostly other landlords, a count that "
            "does not add up or a page with no readable decisions is reported as broken"
        ]


# -- one listing page ------------------------------------------------------------------------


def parse_listing_page(html: str, page_url: str) -> tuple[int | None, list[DocumentRef]]:
    """The count the page announces (None when it states none; 0 when it says it found
    nothing) and its decisions in page order.

    Raises ListingBrokenError when the page has no decision links but does not say it found
    nothing, when a link under /decisions/ ending in a number is not a decision address,
    when the text shows a case reference no link carries, or when a link's text names
    another reference than its address.
    """
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    text = " ".join(soup.get_text(" ", strip=True).split())
    links: dict[str, Tag] = {}
    bad: list[str] = []
    for anchor in soup.find_all("a", href=True):
        path = urlsplit(urljoin(page_url, anchor["href"])).path
        if DECISION_PATH.match(path):
            links.setdefault(DECISION_PATH.match(path).group("ref"), anchor)
        elif _DECISION_LIKE.match(path) and not path.rstrip("/").endswith(("/page", "/feed")) and "/page/" not in path:
            bad.append(path)
    count = _COUNT.search(text)
    announced = int(count.group(1).replace(",", "")) if count else None
    if not links:
        if announced == 0 or _NOTHING.search(text):
            return 0, []
        raise ListingBrokenError(
            f"{page_url}: expected links to decisions (/decisions/<landlord>-<case reference>/) but found none"
            + (f" although the page says {announced}" if announced else "")
            + "; the layout changed or the site served an empty page",
            url=page_url,
        )
    if bad:
        raise ListingBrokenError(
            f"{page_url}: links shaped like decisions whose case reference cannot be read ({', '.join(bad[:3])}); "
            "expected /decisions/<landlord>-<9-digit reference>/",
            url=page_url,
        )
    found = [_ref(ref, anchor, page_url, set(links)) for ref, anchor in links.items()]
    unlinked = sorted(set(_SHOWN_REF.findall(text)) - set(links))
    if unlinked:
        raise ListingBrokenError(
            f"{page_url}: the page shows decisions {', '.join(unlinked[:5])} without a readable link to them; "
            "a result's markup changed",
            url=page_url,
        )
    return announced, found


def _card_of(anchor: Tag, refs: set[str]) -> Tag:
    """The largest element around a link that holds no other decision's link."""
    node = anchor
    while isinstance(node.parent, Tag) and node.parent.name not in ("body", "html", "[document]", "main"):
        inside = {m.group("ref") for a in node.parent.find_all("a", href=True)
                  if (m := DECISION_PATH.match(urlsplit(a["href"]).path))} & refs
        if len(inside) > 1:
            break
        node = node.parent
    return node


def _ref(reference: str, anchor: Tag, page_url: str, refs: set[str]) -> DocumentRef:
    path = urlsplit(urljoin(page_url, anchor["href"])).path
    match = DECISION_PATH.match(path)
    assert match  # only matching links are kept
    slug = match.group("slug").lower()
    link_text = " ".join(anchor.get_text(" ", strip=True).split())
    heading = HEADING.match(link_text)
    if heading and heading.group("ref") != reference:
        raise ListingBrokenError(
            f"{page_url}: the link to {path} reads {link_text!r}, another case reference; a result's markup changed",
            url=page_url,
        )
    card = " ".join(_card_of(anchor, refs).get_text(" ", strip=True).split())
    landlord = heading.group("landlord").strip() if heading else None
    date_match = _CARD_DATE.search(card.replace(link_text, " ", 1))
    published = parse_date(date_match.group(0)) if date_match else None
    outcome = _OUTCOME_WORDS.search(card.replace(link_text, " ", 1))
    decision = outcome.group(1).capitalize() if outcome else None
    name = landlord or _humanise(slug)
    title = f"{name} ({reference})" + (f": {decision}" if decision else "")
    meta = {
        "landlord": landlord,
        "authority": landlord,
        "reference": reference,
        # a joint report's card names every case it decides: "<Landlord> (202416446 & 202426714)"
        "also_references": re.findall(r"\d{7,10}", heading.group("more")) if heading else [],
        "slug": slug,
        "decision": decision,
        "decision_date": published.isoformat() if published else None,
    }
    return DocumentRef(
        key=reference,
        url=urljoin(page_url, anchor["href"]),
        title=title,
        published=published,
        kind="decision",
        meta=meta,
        fingerprint=f"{decision}|{meta['decision_date']}" if (decision or published) else None,
    )


def _slug(text: str) -> str:
    """The site's slug of a name: lower case, runs of anything else as one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def _humanise(slug: str) -> str:
    words = slug.replace("-", " ")
    return words[:1].upper() + words[1:]


def _structured_text(pages: list[str], path: Path | None) -> str:
    """The page's text with its list structure (decision_lines) when the raw HTML is at hand,
    else the extracted text."""
    if path is not None:
        try:
            head = path.read_bytes()
        except OSError:
            head = b""
        if b"<" in head[:1024] and re.search(rb"<(?:html|body|main|p|h1)\b", head[:65536], re.I):
            lines = decision_lines(head)
            if lines.strip():
                return lines
    return "\n".join(pages)
