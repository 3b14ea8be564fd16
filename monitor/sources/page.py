"""`kind: page` — any web page that links to documents.

A CSS selector picks the document links, regexes filter them, and an optional "next" link
is followed for a few pages. The key is the absolute URL without its fragment or tracking
parameters, so the same document linked twice is one document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup
from pydantic import Field, field_validator

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


class PageSettings(SourceSettings):
    """Keys of `kind: page`."""

    url: str = Field(pattern=r"^https?://")
    links: str = "a[href]"
    include: str | list[str] | None = None
    exclude: str | list[str] | None = None
    next: str | None = None
    max_pages: int = Field(5, ge=1, le=100)

    @field_validator("include", "exclude")
    @classmethod
    def _regexes(cls, value: str | list[str] | None) -> str | list[str] | None:
        _compile(_as_list(value))
        return value

    @field_validator("links", "next")
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

    def list_documents(self) -> Iterator[DocumentRef]:
        settings: PageSettings = self.settings  # type: ignore[assignment]
        include = _compile(_as_list(settings.include))
        exclude = _compile(_as_list(settings.exclude))
        url: str | None = self.start_url()
        visited: set[str] = set()
        pages = 0
        while url and url not in visited and pages < settings.max_pages:
            visited.add(url)
            pages += 1
            response = self.http.get(url, allowed_hosts=self.allowed_hosts())
            soup = BeautifulSoup(response.content, "lxml")
            if pages == 1 and soup.find(True) is None:
                raise ListingBrokenError(f"{url}: the page is empty")
            for anchor in soup.select(settings.links):
                href = anchor.get("href")
                if not href or href.startswith(("mailto:", "javascript:", "tel:", "#")):
                    continue
                absolute = urldefrag(urljoin(response.url, href)).url
                if not absolute.startswith(("http://", "https://")):
                    continue
                text = " ".join(anchor.get_text(" ", strip=True).split())
                haystacks = (absolute, text)
                if include and not any(p.search(h) for p in include for h in haystacks):
                    continue
                if any(p.search(h) for p in exclude for h in haystacks):
                    continue
                key = normalise_url(absolute)
                yield DocumentRef(key=key, url=absolute, title=text or key.rsplit("/", 1)[-1], kind="document", meta={"listing": url})
            url = None
            if settings.next:
                link = soup.select_one(settings.next)
                if link is not None and link.get("href"):
                    url = urljoin(response.url, link["href"])
        if url and url not in visited:
            # stopped at max_pages with more to read: older documents past the last page read
            # are out of sight, not removed
            self.complete_listing = False
