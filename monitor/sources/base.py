"""What every source adapter is: the DocumentRef it yields and the Source base class.

A source knows its publisher and nothing else. It gets the shared HTTP client and its own
validated settings, and yields DocumentRefs. It never touches the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from monitor.http.client import HttpClient
    from monitor.http.types import Response
    from monitor.registry import Council
    from monitor.sources.listing_cache import ListingCache

T = TypeVar("T")


@dataclass(frozen=True)
class DocumentRef:
    """One document as a listing describes it.

    key: the publisher's stable id (Ofsted file id, LGSCO reference, ModernGov document id,
         CQC report id, or a normalised URL for generic pages), never a position on a page.
    url: where the document's bytes are fetched from.
    kind: the document type as the publisher names it ("inspection", "decision", "agenda"...).
    meta: structured facts from the listing (provider, committee, dates, ratings...).
    fingerprint: a listing-side hint that changes when the document changes (a size, a
         modified date). When it changes, the pipeline re-downloads without waiting for the
         slower re-verification cadence.
    """

    key: str
    url: str
    title: str
    published: date | None = None
    kind: str = "document"
    meta: dict[str, Any] = field(default_factory=dict)
    fingerprint: str | None = None


@dataclass(frozen=True)
class CrossCheckFact:
    """What a second road to the same facts (a publisher's bulk data file, official
    statistics) says another source's documents should show.

    match: meta keys and values that pick the checked source's documents about this subject,
        e.g. {"location_id": "1-101"} or {"urn": 80499}; values compare as strings.
    field: the graded field ("overall", "safe", ...) as the checked documents name it in
        meta["ratings"] (CQC) or meta["judgements"] (Ofsted); None checks only the date.
    value: the rating or grade the second road gives ("Requires improvement"); compared
        case-insensitively with the newest checked document's. None: not compared.
    not_before: the checked source must hold a document about the subject dated on or after
        this day (the publication the second road knows of).
    url: the report as the second road names it, if it does.
    label: plain words naming the second road and what it says, for the alert.
    """

    match: dict[str, Any]
    label: str
    field: str | None = None
    value: str | None = None
    not_before: date | None = None
    url: str | None = None


class SourceSettings(BaseModel):
    """A kind's own keys in sources.yaml. Unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")

    def fill_from_council(self, council: Council | None) -> None:
        """Fill the keys left out that the registry knows of the source's council (its
        `council:` setting, None when it has none); raise ValueError saying what is still
        missing. Called once the settings are validated. Default: nothing to fill."""


@dataclass
class SourceContext:
    """What a source gets besides its settings."""

    name: str
    base_url: str | None
    http: HttpClient
    allowed_hosts: frozenset[str] = frozenset()
    extra: dict[str, Any] = field(default_factory=dict)
    #: the registry's code of the council the source is about (its `council:` setting)
    council: str | None = None
    #: the listings' parses kept between passes (monitor/sources/listing_cache.py); None
    #: parses every page (a capture, a probe, the adapters' own tests)
    listing_cache: ListingCache | None = None


class Source:
    """Base class of a source adapter. Subclasses set `kind` and `Settings`."""

    kind: ClassVar[str] = ""
    Settings: ClassVar[type[SourceSettings]] = SourceSettings
    #: Where the publisher lives when sources.yaml gives no base_url.
    default_base_url: ClassVar[str | None] = None
    #: True when a listing shows every document the source watches, so a document missing
    #: from it was removed. Windowed listings (a date range, the newest N results, a feed)
    #: set False: what falls out of the window is not a removal.
    complete_listing: ClassVar[bool] = True
    #: True for a cross-check source: it yields no documents of its own but facts that the
    #: source named by its `checks` setting must agree with (see monitor/pipeline/crosscheck.py)
    cross_check: ClassVar[bool] = False
    #: True for a peer-context source: it yields no documents but the national or regional
    #: picture a finding sits in (how many councils hold each grade), recorded as an event
    context_source: ClassVar[bool] = False

    def __init__(self, settings: SourceSettings, context: SourceContext):
        self.settings = settings
        self.context = context
        self.http = context.http

    @property
    def name(self) -> str:
        return self.context.name

    @property
    def base_url(self) -> str:
        """The publisher's root URL, overridable per source (tests point it at a local server)."""
        url = self.context.base_url or self.default_base_url
        if not url:
            raise ValueError(f"source {self.name!r}: no base_url and the kind has no default")
        return url.rstrip("/")

    def allowed_hosts(self) -> frozenset[str]:
        """Hosts this source may fetch from; empty means any http(s) host."""
        return self.context.allowed_hosts

    def parse_listing(
        self,
        response: Response,
        parse: Callable[..., T],
        *args: Any,
        as_bytes: bool = False,
        cache_slot: str | None = None,
        **kwargs: Any,
    ) -> T:
        """`parse(body, *args, **kwargs)` of a listing page, where body is the response's text
        (its bytes with as_bytes), reused from an earlier pass when the page's bytes, this
        source's settings, the arguments and the monitor's code are all the same.

        `parse` must be a pure function of what it is given and of this source's settings (a
        date window or anything else outside them is applied to its result, not inside it);
        its arguments must be plain values. A parse that raises is never kept.

        Each page keeps one parse, named by the page's address; cache_slot names it instead
        when the address changes from day to day (a search up to today's date).
        """

        def body() -> Any:
            return response.content if as_bytes else response.text

        cache = self.context.listing_cache
        if cache is None or response.path is not None or not response.sha256:
            return parse(body(), *args, **kwargs)
        return cache.parsed(
            source=self.name,
            identity=self._listing_identity(),
            url=response.url,
            slot=cache_slot,
            content_type=response.headers.get("Content-Type") or "",
            sha256=response.sha256,
            parse=parse,
            read_body=body,
            args=args,
            kwargs=kwargs,
        )

    def _listing_identity(self) -> str:
        """The kind, settings and base URL of this source as text: part of a kept parse's key."""
        identity = getattr(self, "_identity", None)
        if identity is None:
            identity = f"{self.kind}\n{self.context.base_url or ''}\n{self.settings.model_dump_json()}"
            self._identity = identity
        return identity

    def list_documents(self) -> Iterator[DocumentRef]:
        """Yield every document the publisher currently lists for this source.

        Raise BlockedError when refused, ListingBrokenError when the listing's structure is
        gone; never yield nothing silently for those.
        """
        raise NotImplementedError

    @classmethod
    def read_meta(cls, pages: list[str], path: Path | None = None) -> dict[str, Any]:
        """Publisher-specific facts read from a document's extracted pages.

        Runs inside the guarded extraction process, so it may open `path` (the raw file)
        with pdfplumber for layout-sensitive tables. The result is merged into the
        document's meta. Default: nothing.
        """
        return {}

    @classmethod
    def merge_read_meta(cls, stored: dict[str, Any], read: dict[str, Any], url: str) -> dict[str, Any]:
        """The facts of a reading (`read`, what read_meta gave for a new version of the
        document at `url`) to lay over the document's stored meta (`stored`, including what
        the listing said of it this pass).

        A kind whose listing and documents state the same verdicts by two roads (CQC: the
        API's ratings and the report's) reconciles them here and says when they disagree
        (read_warning). Default: the reading's facts replace the stored ones."""
        return read

    def cross_check_facts(self) -> list[CrossCheckFact]:
        """A cross-check source's facts (only when `cross_check` is True).

        Raise BlockedError/FetchError/ListingBrokenError as list_documents does; a file that
        names none of the watched subjects is broken, never "all agree".
        """
        raise NotImplementedError

    def peer_context(self) -> dict[str, Any]:
        """A peer-context source's picture (only when `context_source` is True): a JSON-able
        dict the pipeline records as a `peer_context` event when it changes."""
        raise NotImplementedError

    def request_headers(self, url: str) -> dict[str, str]:
        """Extra headers a download of `url` needs (an API key). Default: none."""
        return {}

    def warnings(self) -> list[str]:
        """Things check-config should show (an unconfirmed identifier...)."""
        return []


def host_of(url: str) -> str:
    """The lower-cased host of a URL."""
    return (urlsplit(url).hostname or "").lower()
