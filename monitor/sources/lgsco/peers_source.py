"""Peer context for the Ombudsman's decisions about a council (kind `lgsco_peers`).

Reads the Ombudsman's yearly statistics of complaints decided about every council (the CSV
linked from its annual review reports page, or `data_url`) and records, as a `peer_context`
event whenever the figures change, the council's upheld rate beside similar councils' and
its statistical neighbours' (from the registry). An upheld decision about the council then
carries that sentence in its alert (lgsco/peers.py writes it).

The page's address and the file's name ("...Complaints-Decided-25-26.csv") come from
third-party notes, not a capture (../shared/fixtures/lgsco/evidence-2026/REPORT.md 1c): a page
without the link, or a file without its columns or without the council, is ListingBrokenError.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote, urljoin, urlsplit

from monitor.errors import ListingBrokenError
from monitor.registry import by_code
from monitor.sources.base import DocumentRef, Source, SourceSettings
from monitor.sources.lgsco.peers import COLUMNS, REQUIRED, summarise, year_of
from monitor.sources.peer_tables import TableError, csv_rows, linked_file, read_table

if TYPE_CHECKING:
    from monitor.registry import Council

STATISTICS_PATH = "/information-centre/reports/annual-review-reports/local-government-complaint-reviews"
FILE_LINK = r"decided"


class LgscoPeersSettings(SourceSettings):
    """sources.yaml keys of an `lgsco_peers` source (with the common `council:`, which it needs)."""

    #: the `lgsco` source whose decisions should carry the context (optional)
    context_for: str | None = None
    #: the page that links the yearly statistics files
    statistics_path: str = STATISTICS_PATH
    #: a regular expression the complaints-decided file's link text or address matches
    file_link: str = FILE_LINK
    #: the file's address, when known (skips the page)
    data_url: str | None = None

    def fill_from_council(self, council: Council | None) -> None:
        """Similar councils and neighbours need the registry's council."""
        if council is None:
            raise ValueError("an lgsco_peers source needs `council:` (the registry's code, e.g. council: HRW)")


class LgscoPeersSource(Source):
    """The council's upheld rate beside similar councils' and its statistical neighbours'."""

    kind: ClassVar[str] = "lgsco_peers"
    Settings: ClassVar[type[SourceSettings]] = LgscoPeersSettings
    default_base_url: ClassVar[str | None] = "https://www.lgo.org.uk"
    complete_listing: ClassVar[bool] = False
    context_source: ClassVar[bool] = True
    settings: LgscoPeersSettings

    def list_documents(self) -> Iterator[DocumentRef]:
        """None: a peer-context source gives a picture, not documents."""
        return iter(())

    def file_url(self) -> str:
        """The statistics file's address: `data_url`, else the link on the statistics page."""
        if self.settings.data_url:
            return urljoin(self.base_url + "/", self.settings.data_url)
        page_url = urljoin(self.base_url + "/", self.settings.statistics_path)
        page = self.http.get(page_url, allowed_hosts=self.allowed_hosts())
        url = linked_file(page.text, page.url, self.settings.file_link)
        if url is None:
            raise ListingBrokenError(
                f"{page_url}: expected a link to the Ombudsman's CSV of complaints decided (its address or "
                "text saying 'decided'), found none; set data_url to the file's address",
                url=page_url,
            )
        return url

    def peer_context(self) -> dict[str, Any]:
        """The council's upheld rate and its peers', from the newest statistics."""
        council = by_code(self.context.council or "")
        url = self.file_url()
        response = self.http.get(url, allowed_hosts=self.allowed_hosts(), conditional=False, cache_body=False)
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        try:
            table = read_table(csv_rows(response.content), COLUMNS, REQUIRED)
            year = year_of(table, name)
            release = f"the Ombudsman's statistics of complaints decided, {year or name}"
            return summarise(table, council, release, year, url)
        except TableError as exc:
            raise ListingBrokenError(f"{url}: {exc}", url=url) from exc

    def warnings(self) -> list[str]:
        """What check-config should say."""
        return [
            "the Ombudsman's statistics page and its complaints-decided file are known from third-party "
            "notes, not a capture (docs/publishers/lgsco.md): a page without the link or a file without "
            "'Upheld' and 'Not upheld' columns is reported broken"
        ]
