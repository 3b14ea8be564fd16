"""`kind: feed` — an RSS 2.0 or Atom feed; each entry's link is a document.

The key is the entry's id (Atom id, RSS guid), else its link. Parsed with lxml with entity
resolution and network access off, so a hostile feed cannot read files or call out.
"""

from __future__ import annotations

from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree
from pydantic import Field

from monitor.dates import parse_date
from monitor.errors import ListingBrokenError
from monitor.sources.base import DocumentRef, Source, SourceSettings

ATOM = "{http://www.w3.org/2005/Atom}"


class FeedSettings(SourceSettings):
    """Keys of `kind: feed`."""

    url: str = Field(pattern=r"^https?://")


def _date(text: str | None):  # type: ignore[no-untyped-def]
    if not text:
        return None
    try:
        return parsedate_to_datetime(text.strip()).date()
    except (TypeError, ValueError, IndexError):
        return parse_date(text.strip())


def parse_feed(data: bytes, url: str) -> list[DocumentRef]:
    """The entries of an RSS or Atom document; ListingBrokenError if it is neither."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ListingBrokenError(f"{url}: not a well-formed feed: {exc}") from None
    refs: list[DocumentRef] = []
    if root.tag == f"{ATOM}feed":
        for entry in root.iter(f"{ATOM}entry"):
            link = None
            for candidate in entry.findall(f"{ATOM}link"):
                if candidate.get("rel", "alternate") in ("alternate", "enclosure"):
                    link = candidate.get("href")
                    break
            entry_id = (entry.findtext(f"{ATOM}id") or "").strip()
            title = " ".join((entry.findtext(f"{ATOM}title") or "").split())
            when = _date(entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated"))
            if not link and not entry_id:
                continue
            absolute = urljoin(url, link) if link else entry_id
            refs.append(DocumentRef(key=entry_id or absolute, url=absolute, title=title or absolute, published=when, kind="entry"))
    elif root.tag == "rss" or root.find("channel") is not None:
        for item in root.iter("item"):
            link = (item.findtext("link") or "").strip()
            enclosure = item.find("enclosure")
            if not link and enclosure is not None:
                link = enclosure.get("url", "")
            guid = (item.findtext("guid") or "").strip()
            title = " ".join((item.findtext("title") or "").split())
            if not link and not guid:
                continue
            absolute = urljoin(url, link) if link else guid
            refs.append(DocumentRef(key=guid or absolute, url=absolute, title=title or absolute, published=_date(item.findtext("pubDate")), kind="entry"))
    else:
        raise ListingBrokenError(f"{url}: expected an RSS or Atom feed, found <{etree.QName(root).localname}>")
    return refs


class FeedSource(Source):
    """Documents announced in an RSS or Atom feed."""

    #: the listing is a window (dates, newest results): leaving it is not removal
    complete_listing = False

    kind = "feed"
    Settings = FeedSettings

    def feed_url(self) -> str:
        url = self.settings.url  # type: ignore[attr-defined]
        if self.context.base_url:
            parts, base = urlsplit(url), urlsplit(self.context.base_url)
            url = urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
        return url

    def list_documents(self) -> Iterator[DocumentRef]:
        url = self.feed_url()
        response = self.http.get(url, allowed_hosts=self.allowed_hosts())
        yield from self.parse_listing(response, parse_feed, response.url, as_bytes=True)
