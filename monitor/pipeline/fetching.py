"""Fetching one listed document: decide whether it needs a request, download it
conditionally, read it in the guarded child, and hand the result to the recorder.

A known document is re-checked only when its listing fingerprint or URL changed, when its
last download failed, when its stored bytes need reading again, or when `recheck_days` have
passed; otherwise it only gets its bookkeeping.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from monitor.config import Config, SourceConfig
from monitor.errors import BlockedError, FetchError
from monitor.extract.pool import Extractor
from monitor.http.client import HttpClient
from monitor.pipeline.known_documents import Bookkeeping, Known
from monitor.pipeline.pass_result import SourceOutcome
from monitor.pipeline.recording import Fetched, Recorder
from monitor.sources.base import DocumentRef, Source
from monitor.store.db import Store, utcnow


def needs_fetch(config: Config, src: SourceConfig, known: Known | None, ref: DocumentRef, now: datetime) -> bool:
    """Whether a listed document must be requested in this pass."""
    if known is None or not known.has_versions or known.status in ("error", "removed") or known.needs_reread:
        return True
    if ref.url != known.url:
        return True
    if ref.fingerprint and ref.fingerprint != known.fingerprint:
        return True
    recheck = src.common.recheck_days if src.common.recheck_days is not None else config.settings.recheck_days
    return known.last_checked is None or now - known.last_checked >= timedelta(days=recheck)


def conditional_headers(known: Known | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the stored version.

    They come from the stored version, not the HTTP cache: they then describe bytes we
    really hold, even if a crash lost a download after its answer."""
    headers: dict[str, str] = {}
    if known and known.has_versions:
        if known.latest_etag:
            headers["If-None-Match"] = known.latest_etag
        if known.latest_last_modified:
            headers["If-Modified-Since"] = known.latest_last_modified
    return headers


class Fetcher:
    """Takes one listed document from its snapshot to a stored version, an error, or
    bookkeeping."""

    def __init__(
        self,
        config: Config,
        store: Store,
        http: HttpClient,
        extractor: Extractor,
        recorder: Recorder,
        should_stop: Callable[[], bool],
    ):
        self.config = config
        self.store = store
        self.http = http
        self.extractor = extractor
        self.recorder = recorder
        self.should_stop = should_stop

    def process(
        self,
        src: SourceConfig,
        source_id: int,
        adapter: Source,
        ref: DocumentRef,
        known: Known | None,
        book: Bookkeeping,
        outcome: SourceOutcome,
    ) -> None:
        """One listed document's part of the pass."""
        now = utcnow()
        if not needs_fetch(self.config, src, known, ref, now):
            assert known is not None
            book.touch(known, ref, now, fetched=False)
            outcome.unchanged += 1
            return
        try:
            response = self.http.get(
                ref.url,
                conditional=False,
                cache_body=False,
                to_dir=self.store.blobs.tmp,
                allowed_hosts=adapter.allowed_hosts(),
                headers={**adapter.request_headers(ref.url), **conditional_headers(known)},
            )
        except FetchError as exc:
            if self.should_stop():
                raise
            if isinstance(exc, BlockedError):
                outcome.blocked_documents += 1
            self.recorder.document_error(src, source_id, ref, now, f"download failed: {exc}", known, outcome)
            return
        unchanged = response.not_modified or response.status == 304 or bool(known and response.sha256 == known.latest_sha)
        if unchanged:
            if response.path is not None:
                response.path.unlink(missing_ok=True)
            assert known is not None
            if known.needs_reread and known.latest_sha and self.store.blobs.has(known.latest_sha):
                self._reread(src, source_id, ref, known, book, now, outcome)
                return
            book.touch(known, ref, now, fetched=True)
            outcome.unchanged += 1
            return
        assert response.path is not None
        blob = self.store.blobs.adopt(response.path, response.sha256)
        with self.http.waiting():  # the extraction runs in a worker process: let another lane work
            extracted = self.extractor.extract(blob, response.content_type, src.kind)
        fetched = Fetched(response.sha256, response.size, response.content_type, response.etag, response.last_modified)
        self.recorder.store_version(src, source_id, ref, fetched, extracted, known, now, outcome)

    def _reread(
        self,
        src: SourceConfig,
        source_id: int,
        ref: DocumentRef,
        known: Known,
        book: Bookkeeping,
        now: datetime,
        outcome: SourceOutcome,
    ) -> None:
        """Read stored bytes again after a passing extraction failure."""
        assert known.latest_sha
        with self.http.waiting():
            extracted = self.extractor.extract(self.store.blobs.path_for(known.latest_sha), known.latest_content_type, src.kind)
        if extracted.error:
            book.touch(known, ref, now, fetched=True)
            outcome.document_errors += 1
            return
        fetched = Fetched(known.latest_sha, known.latest_size, known.latest_content_type, known.latest_etag, known.latest_last_modified)
        self.recorder.store_version(src, source_id, ref, fetched, extracted, known, now, outcome, reread=True)
