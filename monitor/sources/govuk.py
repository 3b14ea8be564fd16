"""GOV.UK publications found with the Search API, and their attachments via the Content API.

The default use is the Department for Education's improvement notices to councils
("Improvement notice issued to <council>: <Month YYYY>", content type `decision`), but any
Search API query works: an organisation, a content-store document type, free text, and a
title pattern checked here.

One search hit gives one document: the publication page, keyed by its content path
("/government/publications/<slug>"). With `attachments: true` each PDF attached to it is a
document of its own, keyed "<content path>#<attachment id>" (the id the Content API gives;
the attachment URL's path when there is none), so a replaced PDF is a change to that key
and a new PDF on an old page is a new document.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from pydantic import Field, field_validator, model_validator

from monitor.dates import parse_date
from monitor.errors import FetchError, ListingBrokenError
from monitor.sources.base import DocumentRef, Source, SourceSettings

log = logging.getLogger(__name__)

SEARCH_PATH = "/api/search.json"
CONTENT_PATH = "/api/content"
#: the Search API allows up to 1500 per request; 100 keeps one answer small
PAGE_SIZE = 100
FIELDS = (
    "title",
    "link",
    "description",
    "public_timestamp",
    "format",
    "content_store_document_type",
    "organisations",
)
_PDF_TYPES = ("application/pdf", "application/x-pdf")


class GovukSettings(SourceSettings):
    """sources.yaml keys of a `govuk` source."""

    #: free-text search (`q`); empty searches everything the filters allow
    query: str = ""
    #: an organisation slug, e.g. "department-for-education"
    organisation: str | None = None
    #: a content-store document type, e.g. "decision"
    document_type: str | None = None
    #: a regular expression the title must contain a match for, e.g. "^Improvement notice issued to"
    title_pattern: str | None = None
    #: search results read per pass (newest first), before the title pattern is applied
    max_results: int = Field(default=100, ge=1, le=1500)
    #: also list each PDF attached to a hit (one Content API request per hit)
    attachments: bool = True

    @field_validator("title_pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"title_pattern is not a valid regular expression: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _narrowed(self) -> GovukSettings:
        # Without any of these the search is "everything on GOV.UK", which is never meant.
        if not (self.query.strip() or self.organisation or self.document_type):
            raise ValueError("give at least one of query, organisation or document_type")
        return self


class GovukSource(Source):
    """Search API hits, newest first, with their PDF attachments from the Content API."""

    #: the listing is a window (dates, newest results): leaving it is not removal
    complete_listing = False

    kind: ClassVar[str] = "govuk"
    Settings: ClassVar[type[SourceSettings]] = GovukSettings
    default_base_url: ClassVar[str | None] = "https://www.gov.uk"
    settings: GovukSettings

    def warnings(self) -> list[str]:
        """What check-config should say about this source."""
        if self.settings.title_pattern and "improvement notice" in self.settings.title_pattern.lower():
            return [
                "the title wording of DfE improvement notices is taken from other councils' notices, "
                "and their document type is inferred; check-config --probe shows what the search finds"
            ]
        return []

    def search_params(self, start: int, count: int) -> dict[str, Any]:
        """Query parameters of one Search API request."""
        params: dict[str, Any] = {"order": "-public_timestamp", "count": count, "start": start, "fields": list(FIELDS)}
        if self.settings.query.strip():
            params["q"] = self.settings.query.strip()
        if self.settings.organisation:
            params["filter_organisations"] = self.settings.organisation
        if self.settings.document_type:
            params["filter_content_store_document_type"] = self.settings.document_type
        return params

    def list_documents(self) -> Iterator[DocumentRef]:
        """Yield each matching publication once (and its PDFs), newest first."""
        pattern = re.compile(self.settings.title_pattern) if self.settings.title_pattern else None
        seen: set[str] = set()
        start = 0
        while start < self.settings.max_results:
            count = min(PAGE_SIZE, self.settings.max_results - start)
            response = self.http.get(
                self.base_url + SEARCH_PATH,
                params=self.search_params(start, count),
                allowed_hosts=self.allowed_hosts(),
            )
            results, total = _search_results(response.json(), response.url, start)
            # max_results is a promise about work per pass, even if the API sends more than asked
            results = results[:count]
            for hit in results:
                path = _content_path(hit.get("link"))
                if path is None or path in seen:
                    continue
                seen.add(path)
                if pattern and not pattern.search(str(hit.get("title") or "")):
                    continue
                yield from self._documents_for(hit, path)
            start += len(results)
            if not results or (total is not None and start >= total):
                return

    def _documents_for(self, hit: dict[str, Any], path: str) -> Iterator[DocumentRef]:
        meta = {
            "content_path": path,
            "document_type": hit.get("content_store_document_type") or hit.get("format"),
            "organisations": _organisations(hit.get("organisations")),
            "public_timestamp": hit.get("public_timestamp"),
            "description": hit.get("description"),
        }
        title = str(hit.get("title") or path)
        published = parse_date(hit.get("public_timestamp"))
        page = DocumentRef(
            key=path,
            url=self.base_url + path,
            title=title,
            published=published,
            kind=meta["document_type"] or "publication",
            meta=meta,
            fingerprint=hit.get("public_timestamp"),
        )
        if not self.settings.attachments:
            yield page
            return
        content_url = self.base_url + CONTENT_PATH + path
        try:
            content = self.http.get(content_url, allowed_hosts=self.allowed_hosts()).json()
        except FetchError as exc:
            if exc.status not in (404, 410):
                raise
            # Search can lag behind an unpublished page; the page itself is still worth listing.
            log.warning("%s: no content item (%s); listing the page without attachments", content_url, exc.reason)
            yield page
            return
        details = content.get("details") if isinstance(content, dict) else None
        if not isinstance(details, dict):
            raise ListingBrokenError(
                f"{content_url}: expected a Content API item with a 'details' object, got "
                f"{sorted(content) if isinstance(content, dict) else type(content).__name__}"
            )
        meta["document_type"] = content.get("document_type") or meta["document_type"]
        meta["content_id"] = content.get("content_id")
        meta["public_updated_at"] = content.get("public_updated_at")
        if not meta["organisations"]:
            meta["organisations"] = _organisations((content.get("links") or {}).get("organisations"))
        page = DocumentRef(
            key=path,
            url=page.url,
            title=str(content.get("title") or title),
            published=published or parse_date(content.get("public_updated_at")),
            kind=meta["document_type"] or "publication",
            meta=meta,
            fingerprint=content.get("public_updated_at") or page.fingerprint,
        )
        yield page
        yield from self._attachments(details.get("attachments"), page, meta, content_url)

    def _attachments(
        self, attachments: Any, page: DocumentRef, page_meta: dict[str, Any], content_url: str
    ) -> Iterator[DocumentRef]:
        if attachments is None:
            return
        if not isinstance(attachments, list):
            raise ListingBrokenError(f"{content_url}: expected details.attachments to be a list")
        keys: set[str] = set()
        for item in attachments:
            if not isinstance(item, dict) or not item.get("url"):
                continue
            content_type = str(item.get("content_type") or "").lower()
            is_pdf = content_type in _PDF_TYPES or str(item.get("filename") or item["url"]).lower().endswith(".pdf")
            if item.get("attachment_type", "file") != "file" or not is_pdf:
                continue
            url = urljoin(self.base_url + "/", item["url"])
            key = f"{page.key}#{item.get('id') or urlsplit(url).path}"
            if key in keys:
                continue
            keys.add(key)
            meta = {
                **page_meta,
                "publication_title": page.title,
                "attachment_id": item.get("id"),
                "attachment_title": item.get("title"),
                "filename": item.get("filename"),
                "content_type": content_type or None,
                "file_size": item.get("file_size"),
                "number_of_pages": item.get("number_of_pages"),
            }
            yield DocumentRef(
                key=key,
                url=url,
                title=str(item.get("title") or item.get("filename") or page.title),
                published=page.published,
                kind="attachment",
                meta=meta,
                fingerprint=f"{url}|{item.get('file_size')}",
            )


def _search_results(data: Any, url: str, start: int) -> tuple[list[dict[str, Any]], int | None]:
    """The hits and total of a Search API answer; ListingBrokenError when its shape is gone."""
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        keys = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise ListingBrokenError(f"{url}: expected a Search API answer with a 'results' list, got {keys}")
    total = data.get("total")
    total = total if isinstance(total, int) else None
    hits = [hit for hit in results if isinstance(hit, dict)]
    if results and not any(_content_path(hit.get("link")) for hit in hits):
        raise ListingBrokenError(f"{url}: {len(results)} results but none has a 'link' path")
    if not results and start == 0 and total:
        raise ListingBrokenError(f"{url}: the answer says total={total} but lists no results")
    return hits, total


def _content_path(link: Any) -> str | None:
    """The site-relative path of a hit ("/government/publications/x"); links are usually
    relative already, but a full www.gov.uk URL is accepted."""
    if not isinstance(link, str) or not link.strip():
        return None
    path = urlsplit(link.strip()).path
    return path if path.startswith("/") else None


def _organisations(value: Any) -> list[str]:
    """Organisation titles from Search API objects, Content API links, or plain slugs."""
    names: list[str] = []
    for org in value or []:
        if isinstance(org, dict):
            name = org.get("title") or org.get("slug")
        else:
            name = org
        if isinstance(name, str) and name and name not in names:
            names.append(name)
    return names
