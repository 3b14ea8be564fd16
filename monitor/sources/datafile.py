"""What the cross-check kinds share: no documents of their own, and a data file read from a
temporary folder (a publisher's bulk file or official statistics, tens of MB, never cached).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from monitor.errors import ListingBrokenError
from monitor.sources.base import DocumentRef, Source

if TYPE_CHECKING:
    from monitor.http.client import Response


class DataFileSource(Source):
    """A cross-check source: it yields facts (`cross_check_facts`), never documents."""

    complete_listing: ClassVar[bool] = False
    cross_check: ClassVar[bool] = True

    def list_documents(self) -> Iterator[DocumentRef]:
        """None: a cross-check source yields facts, not documents."""
        return iter(())


@contextmanager
def data_file(
    source: Source, url: str, *, prefix: str, unreadable: tuple[type[Exception], ...], **options: Any
) -> Iterator[tuple[Response, Path]]:
    """The answer to a GET of `url` streamed into a temporary folder, and that folder; both
    are gone when the block ends. `options` go to the client's get as they are.

    Raises ListingBrokenError, naming the URL, for an `unreadable` error raised in the block
    (a file whose layout is not understood is broken, never "all agree").
    """
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        response = source.http.get(
            url, to_dir=Path(folder), cache_body=False, allowed_hosts=source.allowed_hosts(), **options
        )
        try:
            yield response, Path(folder)
        except unreadable as exc:
            raise ListingBrokenError(f"{url}: {exc}", url=url) from exc
