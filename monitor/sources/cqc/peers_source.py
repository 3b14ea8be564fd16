"""Peer context for the CQC's assessment of a council's adult social care (kind `cqc_peers`).

Reads every council's local authority assessment rating from the CQC's data file (found on
its "Using CQC data" page by a link whose text or address says "local authority
assessment", or at `data_url`) and records, as a `peer_context` event whenever the figures
change, how many councils hold each rating and how the council's statistical neighbours
(from the registry) are rated. A change of the council's overall rating in its `cqc` source
then carries that sentence in its alert (cqc/peers.py writes it).

The page and the file's link are inferred (docs/publishers/cqc.md): a page without the link,
or a file without the columns, is ListingBrokenError, never an empty picture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote, urljoin, urlsplit

from monitor.errors import ListingBrokenError
from monitor.registry import by_code
from monitor.sources.base import DocumentRef, Source, SourceSettings
from monitor.sources.cqc.peers import COLUMNS, REQUIRED, release_of, summarise
from monitor.sources.peer_tables import TableError, csv_rows, linked_file, read_table

if TYPE_CHECKING:
    from monitor.registry import Council

LANDING_PATH = "/about-us/transparency/using-cqc-data"
FILE_LINK = r"local[\s_-]*authorit(?:y|ies)[\s_-]*assessment"


class CqcPeersSettings(SourceSettings):
    """sources.yaml keys of a `cqc_peers` source (with the common `council:`, which it needs)."""

    #: the `cqc` source whose rating changes should carry the context (optional)
    context_for: str | None = None
    #: the page that links the data file
    landing_path: str = LANDING_PATH
    #: a regular expression the file's link text or address matches
    file_link: str = FILE_LINK
    #: the data file's address, when known (skips the page)
    data_url: str | None = None

    def fill_from_council(self, council: Council | None) -> None:
        """Neighbours and the council's own rating need the registry's council."""
        if council is None:
            raise ValueError("a cqc_peers source needs `council:` (the registry's code, e.g. council: HRW)")


class CqcPeersSource(Source):
    """Counts of councils by overall rating, and the council's statistical neighbours' ratings."""

    kind: ClassVar[str] = "cqc_peers"
    Settings: ClassVar[type[SourceSettings]] = CqcPeersSettings
    default_base_url: ClassVar[str | None] = "https://www.cqc.org.uk"
    complete_listing: ClassVar[bool] = False
    context_source: ClassVar[bool] = True
    settings: CqcPeersSettings

    def list_documents(self) -> Iterator[DocumentRef]:
        """None: a peer-context source gives a picture, not documents."""
        return iter(())

    def file_url(self) -> str:
        """The data file's address: `data_url`, else the link on the landing page."""
        if self.settings.data_url:
            return urljoin(self.base_url + "/", self.settings.data_url)
        landing = urljoin(self.base_url + "/", self.settings.landing_path)
        page = self.http.get(landing, allowed_hosts=self.allowed_hosts())
        url = linked_file(page.text, page.url, self.settings.file_link)
        if url is None:
            raise ListingBrokenError(
                f"{landing}: expected a link to the CQC's local authority assessment ratings (a CSV file "
                "whose link says 'local authority assessment'), found none; set data_url to the file's address",
                url=landing,
            )
        return url

    def peer_context(self) -> dict[str, Any]:
        """The national picture of councils' overall ratings, and the council's neighbours'."""
        council = by_code(self.context.council or "")
        url = self.file_url()
        response = self.http.get(url, allowed_hosts=self.allowed_hosts(), conditional=False, cache_body=False)
        try:
            table = read_table(csv_rows(response.content), COLUMNS, REQUIRED)
            name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
            return summarise(table, council, release_of(table, name), url)
        except TableError as exc:
            raise ListingBrokenError(f"{url}: {exc}", url=url) from exc

    def warnings(self) -> list[str]:
        """What check-config should say."""
        return [
            "the CQC's file of every council's assessment rating, and its link on the 'Using CQC data' "
            "page, are inferred from CQC's other data files (docs/publishers/cqc.md): a page without the "
            "link or a file without its columns is reported broken"
        ]
