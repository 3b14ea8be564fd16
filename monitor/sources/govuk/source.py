"""GOV.UK publications found with the Search API, and their attachments via the Content API.

The default use is the Department for Education's improvement notices and directions to
councils ("Improvement notice issued to <council>: <Month YYYY>", "Revised direction issued
to ...", content type `decision`), but any Search API query works: an organisation, a
content-store document type, free text, and a title pattern checked here.

One search hit gives one document: the publication page, keyed by its content path
("/government/publications/<slug>"). With `attachments: true` each PDF or HTML attachment is
a document of its own, keyed "<content path>#<path of the attachment URL>". Not the
attachment `id`: Whitehall copies every attachment into each new edition of a page with a new
id, while the file (and so its URL) is shared between editions (evidence:
../shared/fixtures/govuk/evidence-2026/REPORT.md, C2). A new edition with the same files is
therefore nothing new; a replaced file has a new URL and is a new document. Reading the
Content API item is in govuk_content.py.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

from pydantic import Field, field_validator, model_validator

from monitor.dates import parse_date
from monitor.errors import FetchError, ListingBrokenError
from monitor.sources.base import DocumentRef, Source, SourceSettings
from monitor.sources.govuk.listing import attachment_refs, content_details, organisations

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
#: Titles of DfE improvement notices and directions to any council, as the real titles run
#: ("Improvement notice issued to Halton Borough Council", "...: March 2024", "Direction
#: issued to ...", "Revised direction issued to ...", "Directions issued to ...", a
#: "Statutory direction ...", a "Revised improvement notice ...").
NOTICE_TITLES = r"(?i)^(?:revised\s+)?(?:improvement\s+notice|(?:statutory\s+)?direction)s?\b"
#: Titles about one council: the council's name anywhere and "improvement notice",
#: "direction" or "commissioner" (a statutory direction appoints one, whose report follows)
#: anywhere, so a re-worded title ("Harrow Council: improvement notice") matches.
COUNCIL_NOTICE_TITLES = r"(?i)^(?=.*\b{council}\b).*\b(?:improvement\s+notice|direction|commissioner)s?\b"
#: organisation and document type pairs that stored copies of real pages show together
#: (docs/publishers/govuk.md); any other pair is reported by check-config as unconfirmed
CONFIRMED_TYPES: dict[tuple[str, str], str] = {
    ("department-for-education", "decision"): "Halton's improvement notice and direction pages",
    ("regulator-of-social-housing", "decision"): (
        "the pages of Harrow's regulatory notice (20 April 2023) and Harlow's regulatory judgement "
        "(25 September 2024), both labelled 'Decision'"
    ),
}
RSH = "regulator-of-social-housing"


class GovukSettings(SourceSettings):
    """sources.yaml keys of a `govuk` source."""

    #: free-text search (`q`); empty searches everything the filters allow
    query: str = ""
    #: an organisation slug, e.g. "department-for-education"
    organisation: str | None = None
    #: a content-store document type, e.g. "decision"
    document_type: str | None = None
    #: a regular expression the title must contain a match for (see NOTICE_TITLES)
    title_pattern: str | None = None
    #: read results (newest first) back to at least this day; the pass fails as broken if
    #: max_results runs out first, so a first run never quietly misses an older notice
    since: date | None = None
    #: search results read per pass at most (newest first), before the title pattern
    max_results: int = Field(default=100, ge=1, le=10000)
    #: at least this many results must pass the title pattern (a notice known to exist);
    #: fewer is a broken listing, never "nothing new"
    expect_matches: int = Field(default=0, ge=0)
    #: also list each PDF and HTML attachment of a hit (one Content API request per hit)
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
    """Search API hits, newest first, with their PDF and HTML attachments from the Content API."""

    #: the listing is a window (dates, newest results): leaving it is not removal
    complete_listing = False

    kind: ClassVar[str] = "govuk"
    Settings: ClassVar[type[SourceSettings]] = GovukSettings
    default_base_url: ClassVar[str | None] = "https://www.gov.uk"
    settings: GovukSettings

    def warnings(self) -> list[str]:
        """What check-config should say about this source."""
        notes = []
        pattern = (self.settings.title_pattern or "").lower()
        if "notice" in pattern or "direction" in pattern:
            notes.append(
                "the title wording and document type of DfE improvement notices come from other councils' "
                "notices (Halton, Havering, Plymouth...); check-config --probe shows what the search finds"
            )
        organisation, document_type = self.settings.organisation, self.settings.document_type
        if organisation and document_type and (organisation, document_type) not in CONFIRMED_TYPES:
            notes.append(
                f"organisation {organisation!r} with document type {document_type!r} is not seen together in "
                "any stored GOV.UK page; check-config --probe shows what the search finds"
            )
        if organisation == RSH:
            notes.append(
                "the Regulator of Social Housing files each provider's notices and judgements as attachments "
                "of one publication per provider (/government/publications/<provider>/<notice>, seen in the "
                "addresses of real notices); the publication's title and how a new attachment shows in the "
                "search are inferred: expect_matches makes a search that no longer finds it broken"
            )
        if self.settings.since is None and self.settings.expect_matches:
            notes.append("expect_matches without since: only the newest max_results results are read")
        return notes

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

    def search_url(self, start: int, count: int) -> str:
        """The full URL of one Search API request, as errors name it."""
        return f"{self.base_url}{SEARCH_PATH}?{urlencode(self.search_params(start, count), doseq=True)}"

    def list_documents(self) -> Iterator[DocumentRef]:
        """Yield each matching publication once (and its attachments), newest first.

        Pages through the search until `total` is read, or (with `since`) until a result older
        than `since` is read, or `max_results`. ListingBrokenError when the answer's count
        disagrees with what was read, when `since` is not reached within max_results, or when
        fewer than `expect_matches` titles match.
        """
        pattern = re.compile(self.settings.title_pattern) if self.settings.title_pattern else None
        since, cap = self.settings.since, self.settings.max_results
        seen: set[str] = set()
        start = matched = 0
        while True:
            count = min(PAGE_SIZE, cap - start)
            shown = self.search_url(start, count)
            response = self.http.get(
                self.base_url + SEARCH_PATH, params=self.search_params(start, count), allowed_hosts=self.allowed_hosts()
            )
            results, total = search_results(response.json(), shown, start)
            # max_results is a promise about work per pass, even if the API sends more than asked
            results = results[:count]
            for hit in results:
                path = content_path(hit.get("link"))
                if path is None or path in seen:
                    continue
                seen.add(path)
                if pattern and not pattern.search(str(hit.get("title") or "")):
                    continue
                matched += 1
                yield from self._documents_for(hit, path)
            start += len(results)
            if start >= total:
                break
            if not results:
                raise ListingBrokenError(
                    f"{shown}: the answer says total={total} but lists no results from start={start}", url=shown
                )
            # newest first: the page's last dated result is its oldest (one odd date inside a
            # page must not end the paging early)
            dated = [d for d in (parse_date(hit.get("public_timestamp")) for hit in results) if d]
            if since is not None and dated and dated[-1] < since:
                break
            if start >= cap:
                if since is not None:
                    raise ListingBrokenError(
                        f"{shown}: read max_results={cap} of {total} results and none is older than since={since}; "
                        "raise max_results or narrow the query, or older documents are missed",
                        url=shown,
                    )
                break
        if matched < self.settings.expect_matches:
            first = self.search_url(0, min(PAGE_SIZE, cap))
            raise ListingBrokenError(
                f"{first}: expected at least {self.settings.expect_matches} result(s) whose title matches "
                f"{self.settings.title_pattern!r} (expect_matches), found {matched} among {start} read; the title "
                "wording, the document type or the query no longer find what is known to be published",
                url=first,
            )

    def _documents_for(self, hit: dict[str, Any], path: str) -> Iterator[DocumentRef]:
        meta = {
            "content_path": path,
            "document_type": hit.get("content_store_document_type") or hit.get("format"),
            "organisations": organisations(hit.get("organisations")),
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
        details = content_details(content, content_url)
        meta["document_type"] = content.get("document_type") or meta["document_type"]
        meta["content_id"] = content.get("content_id")
        meta["public_updated_at"] = content.get("public_updated_at")
        if not meta["organisations"]:
            meta["organisations"] = organisations((content.get("links") or {}).get("organisations"))
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
        yield from attachment_refs(details, page, meta, content_url, self.base_url)


def search_results(data: Any, url: str, start: int) -> tuple[list[dict[str, Any]], int]:
    """The hits and total of a Search API answer; ListingBrokenError when its shape is gone."""
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        keys = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise ListingBrokenError(f"{url}: expected a Search API answer with a 'results' list, got {keys}", url=url)
    total = data.get("total")
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        # without the count, a short answer cannot be told from the end of the results
        raise ListingBrokenError(f"{url}: expected a 'total' count in the Search API answer, got {total!r}", url=url)
    hits = [hit for hit in results if isinstance(hit, dict)]
    if results and not any(content_path(hit.get("link")) for hit in hits):
        raise ListingBrokenError(f"{url}: {len(results)} results but none has a 'link' path", url=url)
    if not results and start == 0 and total:
        raise ListingBrokenError(f"{url}: the answer says total={total} but lists no results", url=url)
    return hits, total


def content_path(link: Any) -> str | None:
    """The site-relative path of a hit ("/government/publications/x"); links are usually
    relative already, but a full www.gov.uk URL is accepted."""
    if not isinstance(link, str) or not link.strip():
        return None
    path = urlsplit(link.strip()).path
    return path if path.startswith("/") else None

