"""Care Quality Commission (CQC): inspection reports and assessments of care services, and
the local authority assessment of adult social care.

Three things can be watched (see docs/publishers/cqc.md):

- locations and providers, through the Syndication API (`/locations/{id}`,
  `/providers/{id}`), which needs a subscription key in MONITOR_CQC_API_KEY. Each report
  in `reports[]` is a document keyed by its `linkId`; each assessment plan in
  `assessment[]` (the single assessment framework, since 2024) is a document keyed by its
  `assessmentPlanId`.
- locations without a key, from the public pages `/location/{id}` and
  `/location/{id}/reports`, which link both kinds of report.
- the council's adult social care assessment on www.cqc.org.uk, one document keyed by its
  path, plus one document per quality-statement (theme) page it links to.

No silent miss: an answer that names reports or ratings the adapter cannot turn into
documents is ListingBrokenError; CQC's soft rate limit (HTTP 200 carrying
`{"statusCode": 429}`) is waited out briefly, then a FetchError (failing, not broken).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from monitor.errors import BlockedError, FetchError, ListingBrokenError
from monitor.http.client import Response
from monitor.sources.base import DocumentRef, Source, SourceSettings
from monitor.sources.cqc.api_reader import api_error_of, api_ratings_by_report, retry_hint_seconds
from monitor.sources.cqc.assessment_road import AssessmentReader
from monitor.sources.cqc.listing import record_refs
from monitor.sources.cqc.public_pages import (
    parse_assessment_page,
    parse_location_page,
    parse_reports_page,
)
from monitor.sources.cqc.public_road import public_location_refs
from monitor.sources.cqc.settings import CqcSettings
from monitor.sources.cqc.vocabulary import (
    authority_slug,
    normalise_rating,
    page_of,
    read_quality_statement_scores,
    read_ratings,
)

API_KEY_ENV = "MONITOR_CQC_API_KEY"
API_KEY_HEADER = "Ocp-Apim-Subscription-Key"
DEFAULT_API_BASE = "https://api.service.cqc.org.uk/public/v1"
#: the soft rate limit is retried this many times, waiting what its message asks (at most
#: SOFT_LIMIT_MAX_WAIT seconds each time); past that the source is "failing" for this pass
SOFT_LIMIT_RETRIES = 2
SOFT_LIMIT_MAX_WAIT = 60.0

__all__ = [
    "API_KEY_ENV",
    "API_KEY_HEADER",
    "CqcSettings",
    "CqcSource",
    "api_ratings_by_report",
    "authority_slug",
    "normalise_rating",
    "parse_assessment_page",
    "parse_location_page",
    "parse_reports_page",
    "read_quality_statement_scores",
    "read_ratings",
]


class CqcSource(Source):
    """CQC inspection reports and assessments for locations/providers, and a council's ASC assessment."""

    kind: ClassVar[str] = "cqc"
    Settings: ClassVar[type[SourceSettings]] = CqcSettings
    default_base_url: ClassVar[str | None] = "https://www.cqc.org.uk"

    settings: CqcSettings
    #: set by a pass whose listing could not be fully confirmed (the pipeline then marks
    #: nothing removed and prints incomplete_reasons in the pass summary)
    listing_incomplete: bool = False
    incomplete_reasons: list[str]

    # -- configuration ------------------------------------------------------------------

    @property
    def api_base_url(self) -> str:
        """The Syndication API root, overridable by `api_base_url`."""
        return (self.settings.api_base_url or DEFAULT_API_BASE).rstrip("/")

    @staticmethod
    def api_key() -> str | None:
        """The subscription key from the environment (never from sources.yaml, which is shared)."""
        return os.environ.get(API_KEY_ENV, "").strip() or None

    def request_headers(self, url: str) -> dict[str, str]:
        """Headers a download of `url` needs: the key, for API URLs only (never sent elsewhere)."""
        key = self.api_key()
        if key and url.startswith(self.api_base_url + "/"):
            return {API_KEY_HEADER: key}
        return {}

    def warnings(self) -> list[str]:
        """What check-config should say about this source."""
        notes = []
        if not self.api_key():
            if self.settings.locations:
                notes.append(
                    f"{API_KEY_ENV} is not set: locations are read from the public www.cqc.org.uk pages, "
                    "whose layout is inferred, not confirmed"
                )
            if self.settings.providers:
                notes.append(
                    f"providers need the CQC API: set {API_KEY_ENV} to your primary subscription key"
                )
        for item in self.settings.locations + self.settings.providers:
            if not re.fullmatch(r"1-\d{6,12}", item):
                notes.append(f"{item!r} does not look like a CQC id (1- followed by digits)")
        if self.settings.local_authority and not self.settings.assessment_url:
            notes.append(
                "the list of local authority assessments is inferred (the live page may not carry "
                "the links); set assessment_url to the assessment's page"
            )
        if self.settings.local_authority and self.settings.assessment_url:
            notes.append(
                "a newer assessment than assessment_url is looked for in CQC's list of local authority "
                "assessments; if that list carries no links (as the stored copy suggests), each pass "
                "says its listing is incomplete: a new assessment would not be seen until "
                "assessment_url is changed"
            )
        if self.settings.assessment_url:
            notes.append(
                "how the assessment page states its overall rating and date is inferred (no raw page "
                "was captured); the rating is also looked for on its /summary page, and a page "
                "stating none is reported broken"
            )
        return notes

    # -- listing ------------------------------------------------------------------------

    def list_documents(self) -> Iterator[DocumentRef]:
        """Yield every report and assessment of the watched locations/providers and the council's assessment."""
        self.listing_incomplete, self.incomplete_reasons = False, []
        seen_keys: set[str] = set()
        for ref in self._all_refs(seen_locations=set()):
            # one report can be listed twice (a location's list, or a provider and its location)
            if ref.key in seen_keys:
                continue
            seen_keys.add(ref.key)
            yield ref

    def _all_refs(self, seen_locations: set[str]) -> Iterator[DocumentRef]:
        use_api = self.api_key() is not None
        for provider_id in self.settings.providers:
            # Without a key the API is still tried: it answers 401, which reaches the user as
            # "blocked, set MONITOR_CQC_API_KEY" rather than as an empty provider.
            yield from self._provider_refs(provider_id, seen_locations)
        for location_id in self.settings.locations:
            if location_id in seen_locations:
                continue
            seen_locations.add(location_id)
            if use_api:
                yield from self._location_refs_api(location_id, provider_name=None)
            else:
                yield from self._location_refs_public(location_id)
        if self.settings.local_authority or self.settings.assessment_url:
            yield from AssessmentReader(self).refs()

    # -- the Syndication API ------------------------------------------------------------

    def _api_get(self, path: str, what: str) -> dict[str, Any]:
        url = f"{self.api_base_url}{path}"
        key = self.api_key()
        headers = {API_KEY_HEADER: key} if key else {}
        for attempt in range(SOFT_LIMIT_RETRIES + 1):
            # a retry must not be answered from the cache with the rate-limit body
            data = self._json(self._api_fetch(url, headers, what, conditional=attempt == 0), what)
            error = api_error_of(data)
            if error is None:
                break
            status, message = error
            if status in (401, 403):
                raise BlockedError(
                    url, f"the CQC API answered statusCode {status}: {message}", status, hint=self._key_hint()
                )
            if status != 429:
                raise FetchError(
                    url, f"the CQC API answered with an error: statusCode {status}: {message}", status
                )
            wait = retry_hint_seconds(message)
            if attempt == SOFT_LIMIT_RETRIES or (wait is not None and wait > SOFT_LIMIT_MAX_WAIT):
                raise FetchError(
                    url,
                    f"rate limited: the CQC API answered HTTP 200 with statusCode 429 ({message or 'no message'}) "
                    f"{attempt + 1} time(s); raise per_host_delay or check less often",
                    429,
                )
            time.sleep(wait if wait is not None else 2.0 * (attempt + 1))
        if not isinstance(data, dict):
            raise ListingBrokenError(
                f"{url}: expected a JSON object describing {what}, got {type(data).__name__}", url=url
            )
        return data

    @staticmethod
    def _json(response: Response, what: str) -> Any:
        """The answer's JSON; ListingBrokenError for anything else (the HTTP client has
        already turned challenge pages into BlockedError), so the answer is kept as evidence."""
        try:
            return json.loads(response.text)
        except ValueError as exc:
            raise ListingBrokenError(
                f"{response.url}: expected JSON from the CQC API describing {what}, got "
                f"{response.content_type or 'no content type'} ({exc})",
                url=response.url,
            ) from exc

    def _key_hint(self) -> str:
        if not self.api_key():
            return (
                f"{API_KEY_ENV} is not set: get a primary subscription key from "
                "https://api-portal.service.cqc.org.uk (Products, Subscribe, Profile) and set it"
            )
        return f"the CQC API refused the key in {API_KEY_ENV}: check it is the current primary key"

    def _api_fetch(self, url: str, headers: dict[str, str], what: str, conditional: bool) -> Response:
        try:
            return self.http.get(
                url, headers=headers, allowed_hosts=self.allowed_hosts(), conditional=conditional
            )
        except BlockedError as exc:
            raise BlockedError(exc.url, exc.reason, exc.status, hint=self._key_hint()) from exc
        except FetchError as exc:
            if exc.status == 404:
                raise FetchError(
                    exc.url, f"{what} is unknown to the CQC API (HTTP 404): check the id", 404
                ) from exc
            raise

    def _provider_refs(self, provider_id: str, seen_locations: set[str]) -> Iterator[DocumentRef]:
        data = self._api_get(f"/providers/{provider_id}", f"provider {provider_id}")
        url = f"{self.api_base_url}/providers/{provider_id}"
        if data.get("providerId") != provider_id or not isinstance(data.get("locationIds", []), list):
            raise ListingBrokenError(
                f"{url}: expected a provider record with providerId {provider_id} and locationIds", url=url
            )
        name = data.get("name") or provider_id
        facts = {
            "provider_id": provider_id,
            "provider_name": name,
            "location_id": None,
            "location_name": None,
        }
        yield from self._record_refs(data, url, facts, subject=name, location_id=None)
        for location_id in data.get("locationIds") or []:
            if location_id in seen_locations:
                continue
            seen_locations.add(location_id)
            yield from self._location_refs_api(location_id, provider_name=name)

    def _location_refs_api(self, location_id: str, provider_name: str | None) -> Iterator[DocumentRef]:
        data = self._api_get(f"/locations/{location_id}", f"location {location_id}")
        url = f"{self.api_base_url}/locations/{location_id}"
        if data.get("locationId") != location_id:
            raise ListingBrokenError(
                f"{url}: expected a location record with locationId {location_id}", url=url
            )
        name = data.get("name") or location_id
        facts = {
            "location_id": location_id,
            "location_name": name,
            "provider_id": data.get("providerId"),
            "provider_name": provider_name,
            "service_types": [
                item.get("description") or item.get("name")
                for item in data.get("gacServiceTypes") or []
                if isinstance(item, dict) and (item.get("description") or item.get("name"))
            ],
            "local_authority": data.get("localAuthority"),
        }
        yield from self._record_refs(data, url, facts, subject=name, location_id=location_id)

    def _record_refs(
        self, data: dict[str, Any], url: str, facts: dict[str, Any], subject: str, location_id: str | None
    ) -> Iterator[DocumentRef]:
        yield from record_refs(self, data, url, facts, subject, location_id)

    # -- the public location pages (no key) ---------------------------------------------

    def _location_refs_public(self, location_id: str) -> Iterator[DocumentRef]:
        return public_location_refs(self, location_id)

    # -- reading documents --------------------------------------------------------------

    @classmethod
    def read_meta(cls, pages: list[str], path: Path | None = None) -> dict[str, Any]:
        """Ratings (and, for assessments, quality statement scores) a CQC document states,
        each named in `verdict_sources` by its page and the words it was read from."""
        text = "\n".join(pages)
        said: dict[str, str] = {}
        meta: dict[str, Any] = {"ratings": read_ratings(text, said)}
        scores = read_quality_statement_scores(text, said)
        if scores:
            meta["quality_statements"] = scores
        if said:
            meta["verdict_sources"] = {
                name: {"page": page_of(pages, words), "text": words} for name, words in said.items()
            }
        return meta

    @classmethod
    def merge_read_meta(cls, stored: dict[str, Any], read: dict[str, Any], url: str) -> dict[str, Any]:
        """What a document's reading adds to what the listing said of it (see reconcile_ratings)."""
        return reconcile_ratings(stored, read, url)


#: the graded fields of a CQC document's meta: ratings, and a council's quality statement scores
GRADED = ("ratings", "quality_statements")


def _where(source: Any) -> str:
    if not isinstance(source, dict):
        return "the listing (source not recorded)"
    if "page" in source:
        return f"page {source['page']} ({source.get('text')!r})"
    detail = source.get("field") or source.get("text")
    return f"{source.get('url')} ({detail})" if detail else str(source.get("url"))


def reconcile_ratings(stored: dict[str, Any], read: dict[str, Any], url: str) -> dict[str, Any]:
    """The reader's facts to lay over a document's stored meta, its ratings reconciled.

    A rating the listing gave from a structured answer or a page (its verdict source names a
    URL: the API's field, the location or assessment page) stands: a document that states
    another value for it raises read_warning naming both values and where each came from,
    and one that states the same changes nothing. A field the listing did not rate (the
    document's own key questions, an older report) is taken from the document with its
    page. A rating an earlier reading of the document gave (its source names a page) is
    replaced by the new reading: a re-issued report speaks for itself."""
    out = dict(read)
    stored_sources = stored.get("verdict_sources") if isinstance(stored.get("verdict_sources"), dict) else {}
    read_sources = read.get("verdict_sources") if isinstance(read.get("verdict_sources"), dict) else {}
    sources = dict(stored_sources)
    problems: list[str] = []
    for field in GRADED:
        had = stored.get(field) if isinstance(stored.get(field), dict) else {}
        found = read.get(field) if isinstance(read.get(field), dict) else {}
        if not found:
            continue
        merged = dict(had)
        for name, value in found.items():
            source = stored_sources.get(name)
            listed = isinstance(source, dict) and bool(source.get("url"))
            if name in had and listed:
                if str(had[name]).casefold() != str(value).casefold():
                    problems.append(
                        f"{name}: {_where(source)} gives {had[name]!r} but the document {url} states "
                        f"{value!r} on {_where(read_sources.get(name))}; {had[name]!r} is kept"
                    )
                continue
            merged[name] = value
            if name in read_sources:
                sources[name] = read_sources[name]
            else:
                sources.pop(name, None)
        out[field] = merged
    if sources:
        out["verdict_sources"] = sources
    if problems:
        warning = "the document and the listing disagree: " + "; ".join(problems)
        out["read_warning"] = f"{read['read_warning']}; {warning}" if read.get("read_warning") else warning
    return out
