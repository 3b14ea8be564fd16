"""`kind: page` — any web page that links to documents.

A CSS selector picks the document links, regexes filter them, and an optional "next" link
is followed for a few pages. The key is the absolute URL without its fragment or tracking
parameters, so the same document linked twice is one document.

A news list (a council's press releases) is read item by item: `items` selects each entry,
`links` its link inside it and `date` the element holding its publication date, so each
document carries the date the publisher gave it. `min_links` states how many documents the
first page must yield: a page whose layout changed then reports broken instead of "nothing
new" (without it, a page that never listed anything cannot be told from a quiet one).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag
from pydantic import Field, field_validator

from monitor.dates import parse_date
from monitor.errors import ListingBrokenError
from monitor.sources.base import DocumentRef, Source, SourceSettings

TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|_gl|ref_src)$", re.I)


def normalise_url(url: str) -> str:
    """The URL with its fragment and tracking parameters removed, scheme and host lower-cased."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)]
    netloc = parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))


def _as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _compile(patterns: list[str]) -> list[re.Pattern[str]]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern, re.I))
        except re.error as exc:
            raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None
    return compiled


@dataclass(frozen=True)
class ListingPage:
    """What one listing page gives: its documents in page order and the next page's address."""

    refs: list[DocumentRef]
    next: str | None


class PageSettings(SourceSettings):
    """Keys of `kind: page`."""

    url: str = Field(pattern=r"^https?://")
    links: str = "a[href]"
    include: str | list[str] | None = None
    exclude: str | list[str] | None = None
    next: str | None = None
    max_pages: int = Field(5, ge=1, le=100)
    #: CSS selector of each entry of a list; `links` and `date` are then looked for inside it
    items: str | None = None
    #: CSS selector (inside an item) of the element whose text holds the entry's date
    date: str | None = None
    #: the first page must yield at least this many documents, or the source is broken
    min_links: int = Field(0, ge=0)
    #: what about this page is not confirmed (shown by check-config)
    unconfirmed: str | None = None

    @field_validator("include", "exclude")
    @classmethod
    def _regexes(cls, value: str | list[str] | None) -> str | list[str] | None:
        _compile(_as_list(value))
        return value

    @field_validator("links", "next", "items", "date")
    @classmethod
    def _selector(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                BeautifulSoup("<p></p>", "lxml").select(value)
            except Exception as exc:  # noqa: BLE001 - soupsieve raises several types
                raise ValueError(f"bad CSS selector {value!r}: {exc}") from None
        return value


class PageSource(Source):
    """Documents linked from a listing page (and its next pages)."""

    kind = "page"
    Settings = PageSettings

    @property
    def base_url(self) -> str:
        return self.context.base_url or self.settings.url

    def start_url(self) -> str:
        """The listing URL; a base_url override keeps the path and swaps the host (tests)."""
        url = self.settings.url
        if self.context.base_url:
            parts = urlsplit(url)
            base = urlsplit(self.context.base_url)
            url = urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
        return url

    def warnings(self) -> list[str]:
        """The configuration's own note of what is unconfirmed, and a page that can go quiet."""
        settings: PageSettings = self.settings  # type: ignore[assignment]
        notes = [settings.unconfirmed] if settings.unconfirmed else []
        if not settings.min_links:
            notes.append(
                "min_links is 0: if the page's layout changes so that no link matches, the first pass cannot "
                "tell it from a page with nothing on it"
            )
        return notes

    def list_documents(self) -> Iterator[DocumentRef]:
        settings: PageSettings = self.settings  # type: ignore[assignment]
        url: str | None = self.start_url()
        visited: set[str] = set()
        pages = 0
        while url and url not in visited and pages < settings.max_pages:
            visited.add(url)
            pages += 1
            response = self.http.get(url, allowed_hosts=self.allowed_hosts())
            # an unchanged page (a 304 answered from the kept copy) is not parsed again
            page = self.parse_listing(response, self._parse_page, response.url, url, pages == 1, as_bytes=True)
            yield from page.refs
            url = page.next
        if url and url not in visited:
            # stopped at max_pages with more to read: older documents past the last page read
            # are out of sight, not removed
            self.complete_listing = False

    def _parse_page(self, body: bytes, base: str, url: str, first: bool) -> ListingPage:
        """One listing page read: its documents and the next page's address. The first page
        must not be empty and must give `min_links` documents (ListingBrokenError)."""
        settings: PageSettings = self.settings  # type: ignore[assignment]
        include = _compile(_as_list(settings.include))
        exclude = _compile(_as_list(settings.exclude))
        soup = BeautifulSoup(body, "lxml")
        if first and soup.find(True) is None:
            raise ListingBrokenError(f"{url}: the page is empty", url=url)
        refs = list(self._page_refs(soup, base, url, include, exclude))
        if first and len(refs) < settings.min_links:
            where = f"items {settings.items!r} holding " if settings.items else ""
            raise ListingBrokenError(
                f"{url}: expected at least {settings.min_links} document link(s) ({where}links {settings.links!r}"
                f"{', matching ' + repr(settings.include) if settings.include else ''}) and found {len(refs)}; "
                "the page's layout has changed",
                url=url,
            )
        next_url = None
        if settings.next:
            link = soup.select_one(settings.next)
            if link is not None and link.get("href"):
                next_url = urljoin(base, str(link["href"]))
        return ListingPage(refs, next_url)

    def _page_refs(
        self, soup: BeautifulSoup, base: str, listing: str, include: list[re.Pattern[str]], exclude: list[re.Pattern[str]]
    ) -> Iterator[DocumentRef]:
        """The documents of one page, in page order: each item's first wanted link, or every
        wanted link when no `items` selector is set."""
        settings: PageSettings = self.settings  # type: ignore[assignment]
        containers: list[Tag] = soup.select(settings.items) if settings.items else [soup]
        for container in containers:
            for anchor in container.select(settings.links):
                ref = self._ref(anchor, base, listing, include, exclude, container if settings.items else None)
                if ref is not None:
                    yield ref
                    if settings.items:
                        break

    def _ref(
        self,
        anchor: Tag,
        base: str,
        listing: str,
        include: list[re.Pattern[str]],
        exclude: list[re.Pattern[str]],
        item: Tag | None,
    ) -> DocumentRef | None:
        href = str(anchor.get("href") or "")
        if not href or href.startswith(("mailto:", "javascript:", "tel:", "#")):
            return None
        absolute = urldefrag(urljoin(base, href)).url
        if not absolute.startswith(("http://", "https://")):
            return None
        text = " ".join(anchor.get_text(" ", strip=True).split())
        haystacks = (absolute, text)
        if include and not any(p.search(h) for p in include for h in haystacks):
            return None
        if any(p.search(h) for p in exclude for h in haystacks):
            return None
        key = normalise_url(absolute)
        published = None
        settings: PageSettings = self.settings  # type: ignore[assignment]
        if item is not None and settings.date:
            holder = item.select_one(settings.date)
            published = _item_date(holder.get_text(" ", strip=True)) if holder is not None else None
        if not text and item is not None:
            # a list entry whose link wraps only its picture: the entry's heading is its title
            heading = item.find(["h1", "h2", "h3", "h4"])
            text = " ".join(heading.get_text(" ", strip=True).split()) if heading is not None else ""
        return DocumentRef(
            key=key,
            url=absolute,
            title=text or key.rsplit("/", 1)[-1],
            published=published,
            kind="document",
            meta={"listing": listing},
        )


def _item_date(text: str) -> dt.date | None:
    """The date in a list entry's date text ("Published: 24 November 2023")."""
    text = re.sub(r"^\s*(?:published|posted|date|updated)\s*:?\s*", "", text, flags=re.I)
    return parse_date(text)
