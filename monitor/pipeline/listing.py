"""Listing a source: the adapter, its listing deduplicated and checked against the last good
pass, a cross-check's facts compared, and the answers behind a failure (or a first pass)
kept as evidence.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from monitor.config import Config, SourceConfig
from monitor.errors import ConfigError, ListingBrokenError
from monitor.evidence import RecordingHttp, ref_json, save_evidence, write_bundle
from monitor.http.client import HttpClient
from monitor.pipeline.pass_result import SourceOutcome
from monitor.sources.base import DocumentRef, Source, SourceContext
from monitor.sources.listing_cache import ListingCache
from monitor.store.db import Store, utcnow
from monitor.store.models import EventRow, SourceRow

log = logging.getLogger(__name__)

#: a listing with fewer than this share of its usual items is treated as broken, not as removals
BROKEN_SHARE = 0.2


def build_source(
    src: SourceConfig, http: HttpClient, *, today: date | None = None, listing_cache: ListingCache | None = None
) -> Source:
    """An adapter instance for one configured source; with `listing_cache`, its listing pages
    that have not changed since an earlier pass are not parsed again."""
    extra: dict[str, Any] = {"today": today} if today else {}
    context = SourceContext(
        name=src.name,
        base_url=src.common.base_url,
        http=http,
        allowed_hosts=frozenset(h.lower() for h in src.common.allowed_hosts),
        extra=extra,
        council=src.common.council,
        listing_cache=listing_cache,
    )
    return src.source_class(src.settings, context)


def source_row(session: Session, src: SourceConfig) -> SourceRow:
    """The source's row, created on its first pass (and its kind kept up to date)."""
    row = session.scalar(select(SourceRow).where(SourceRow.name == src.name))
    if row is None:
        row = SourceRow(name=src.name, kind=src.kind, health="new", consecutive_failures=0, failure_alerted=0)
        session.add(row)
        session.flush()
    elif row.kind != src.kind:
        row.kind = src.kind
    return row


def source_rows(store: Store) -> dict[str, Row[Any]]:
    """name -> (id, kind, last_item_count, last_ok_at) of every source the store knows, in one
    query at the start of a pass, so a source that has run before needs no query of its own."""
    query = select(SourceRow.name, SourceRow.id, SourceRow.kind, SourceRow.last_item_count, SourceRow.last_ok_at)
    with store.engine.connect() as connection:
        return {row.name: row for row in connection.execute(query)}


def dedupe(refs: Iterable[DocumentRef]) -> list[DocumentRef]:
    """The listing with each key once (its first appearance)."""
    seen: dict[str, DocumentRef] = {}
    for ref in refs:
        seen.setdefault(ref.key, ref)
    return list(seen.values())


def check_size(refs: list[DocumentRef], previous_count: int | None) -> None:
    """A listing that shrank to nothing, or to under a fifth of its usual size, is broken."""
    if previous_count and (not refs or (previous_count >= 10 and len(refs) < previous_count * BROKEN_SHARE)):
        raise ListingBrokenError(
            f"the listing gave {len(refs)} documents where the last good pass gave {previous_count}; "
            "the publisher's page has probably changed"
        )


class Evidence:
    """Keeps the answers an adapter was given: behind a failure, or of a first good pass."""

    def __init__(self, config: Config, http: HttpClient):
        self.config = config
        self.http = http

    @property
    def user_agent(self) -> str:
        """The User-Agent the answers were asked for with (named in the bundle)."""
        return self.http.settings.user_agent

    def save(self, src: SourceConfig, reason: str, recorder: RecordingHttp) -> str | None:
        """Save every answer the adapter was given this pass; the bundle's path, or None."""
        if not recorder.exchanges:
            return None
        folder = save_evidence(self.config.data_dir, src.name, src.kind, reason, list(recorder.exchanges), self.user_agent)
        if folder is None:
            log.warning("%s: the evidence of this failure could not be saved under %s", src.name, self.config.data_dir)
            return None
        return str(folder)

    def capture_first_pass(self, src: SourceConfig, recorder: RecordingHttp, refs: list[DocumentRef]) -> None:
        """Keep the publisher's answers of a source's first good pass under data/captures/: real
        fixtures from the user's own machine, for a bug report or the contract tests."""
        if not recorder.exchanges:
            return
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        folder = self.config.data_dir / "captures" / f"{src.name}-first-pass-{stamp}"
        try:
            write_bundle(
                folder,
                source=src.name,
                kind=src.kind,
                reason="the first good pass over this source: the publisher's answers as the monitor read them",
                exchanges=list(recorder.exchanges),
                user_agent=self.user_agent,
                listing={"refs": [ref_json(r) for r in refs]},
            )
        except OSError as exc:
            log.warning("%s: the first pass's answers could not be kept in %s: %s", src.name, folder, exc)


def cross_check(
    config: Config,
    store: Store,
    evidence: Evidence,
    src: SourceConfig,
    source_id: int,
    adapter: Source,
    recorder: RecordingHttp,
    outcome: SourceOutcome,
) -> None:
    """Read a cross-check source's facts and compare them with the source they check."""
    from monitor.pipeline.crosscheck import check

    checked_name = getattr(src.settings, "checks", None)
    checked = next((s for s in config.sources if s.name == checked_name), None)
    if checked is None:
        raise ConfigError(f"sources: {src.name}.checks: no source named {checked_name!r} in the configuration")
    facts = adapter.cross_check_facts()
    outcome.listed = len(facts)
    if not facts:
        raise ListingBrokenError(f"{src.name}: the cross-check gave no facts about the watched subjects")
    with store.session() as session:
        row = session.scalar(select(SourceRow).where(SourceRow.name == checked.name))
        never_ok = row is None or row.last_ok_at is None
    if never_ok:
        # nothing to compare with yet: the checked source's own health says why
        log.info("%s: %s has not completed a pass yet; cross-check deferred", src.name, checked.name)
        return
    mismatches = check(store, source_id, checked.name, checked.kind, facts)
    if mismatches:
        saved = evidence.save(src, f"{len(mismatches)} disagreement(s) with {checked.name}", recorder)
        if saved:
            _note_evidence(store, source_id, saved, len(mismatches))
    outcome.new = len(mismatches)


def _note_evidence(store: Store, source_id: int, evidence: str, count: int) -> None:
    """Attach the saved bundle to the newest `count` mismatch events of this source."""
    with store.session() as session:
        rows = session.scalars(
            select(EventRow)
            .where(EventRow.source_id == source_id, EventRow.type == "cross_check_mismatch")
            .order_by(EventRow.id.desc())
            .limit(count)
        )
        for row in rows:
            row.details = {**(row.details or {}), "evidence": evidence}
