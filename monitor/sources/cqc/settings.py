"""What the cqc kind is configured with, and what its readers (cqc_records.py,
cqc_public.py, cqc_assessment.py) use of the source: kept here so that the readers need
not name CqcSource from the adapter that imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import field_validator, model_validator

from monitor.sources.base import SourceSettings
from monitor.sources.fields import unique_ids

if TYPE_CHECKING:
    from monitor.http.client import HttpClient, Response

T = TypeVar("T")


class CqcSettings(SourceSettings):
    """The cqc kind's own keys in sources.yaml."""

    locations: list[str] = []
    providers: list[str] = []
    #: the council's name for its adult social care assessment, e.g. "Harrow"
    local_authority: str | None = None
    #: the assessment page's path or URL on www.cqc.org.uk, when known (skips discovery)
    assessment_url: str | None = None
    #: the Syndication API root (tests point it at a local server)
    api_base_url: str | None = None

    @field_validator("locations", "providers")
    @classmethod
    def _clean_ids(cls, value: list[str]) -> list[str]:
        return unique_ids(value, "each id must be a CQC id such as 1-125856395 (no spaces or slashes)")

    @model_validator(mode="after")
    def _something_to_watch(self) -> CqcSettings:
        if not (self.locations or self.providers or self.local_authority or self.assessment_url):
            raise ValueError(
                "a cqc source needs at least one of: locations (CQC location ids), providers "
                "(CQC provider ids), local_authority (a council name such as Harrow), assessment_url"
            )
        return self


class CqcReading(Protocol):
    """The parts of a CqcSource its readers use."""

    settings: CqcSettings
    http: HttpClient
    listing_incomplete: bool
    incomplete_reasons: list[str]

    @property
    def base_url(self) -> str:
        """The public site's root."""
        ...

    @property
    def api_base_url(self) -> str:
        """The Syndication API root."""
        ...

    def allowed_hosts(self) -> frozenset[str]:
        """Hosts the source may fetch from."""
        ...

    def parse_listing(self, response: Response, parse: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A page's parse, reused while the page is unchanged (Source.parse_listing)."""
        ...
