"""What the store already knows of a source's documents, read once per pass, and the
bookkeeping of the documents a pass leaves as they were, written once per pass.

A warm pass lists thousands of documents it does not download. Each still needs its
snapshot (to decide whether to fetch) and its bookkeeping (last seen, the listing's url,
title and facts). Both are done per source: one query up front, one commit after the
listing. New and changed documents keep a transaction each (steps/recording.py): losing the
bookkeeping in a crash only makes the next pass check a document again, while a version or
a new_document event must never be lost.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, Update, and_, bindparam, func, select, update

from monitor.evidence import jsonable
from monitor.sources.base import DocumentRef
from monitor.store.db import Store
from monitor.store.models import DocumentRow, VersionRow


@dataclass
class Known:
    """A snapshot of a stored document and its newest version, taken before the network work."""

    id: int
    url: str
    fingerprint: str | None
    status: str
    last_checked: datetime | None
    has_versions: bool
    latest_sha: str | None
    latest_etag: str | None = None
    latest_last_modified: str | None = None
    latest_size: int = 0
    latest_content_type: str = ""
    latest_extract_error: str | None = None
    # the listing's columns as stored, so the bookkeeping writes only what changed
    title: str = ""
    kind: str = "document"
    published: date | None = None
    meta: dict[str, Any] | None = None
    error: str | None = None

    @property
    def needs_reread(self) -> bool:
        """The stored bytes could not be read for a passing reason (a timeout, a crashed
        reader): read them again, whatever the server says."""
        error = self.latest_extract_error or ""
        return "timed out" in error or "died" in error


def _known_query() -> Select[Any]:
    """Every stored document of a source (bound as `source_id`) with its newest version's
    validators."""
    newest = (
        select(func.max(VersionRow.number))
        .where(VersionRow.document_id == DocumentRow.id)
        .correlate(DocumentRow)
        .scalar_subquery()
    )
    # named columns only: a version's text is the bulk of the table and is not needed here
    return (
        select(
            DocumentRow.key,
            DocumentRow.id,
            DocumentRow.url,
            DocumentRow.fingerprint,
            DocumentRow.status,
            DocumentRow.last_checked,
            DocumentRow.title,
            DocumentRow.kind,
            DocumentRow.published,
            DocumentRow.meta,
            DocumentRow.error,
            VersionRow.id,
            VersionRow.sha256,
            VersionRow.etag,
            VersionRow.last_modified,
            VersionRow.size,
            VersionRow.content_type,
            VersionRow.extract_error,
        )
        # `number + 0`: so SQLite's planner cannot take the unique (document, number) index and
        # then the row, walking the text to reach extract_error, but takes the index holding
        # everything but the text (migration 0005); a document has a few versions at most
        .outerjoin(VersionRow, and_(VersionRow.document_id == DocumentRow.id, VersionRow.number + 0 == newest))
        .where(DocumentRow.source_id == bindparam("source_id"))
    )


# built once: building this statement costs several times what running it does on a warm pass
_KNOWN = _known_query()


def load_known(store: Store, source_id: int) -> dict[str, Known]:
    """key -> snapshot of every stored document of a source, with its newest version's
    validators, in one query."""
    # a plain connection: a read needs no ORM session or commit
    with store.engine.connect() as connection:
        rows = connection.execute(_KNOWN, {"source_id": source_id}).all()
    known: dict[str, Known] = {}
    for (key, doc_id, url, fingerprint, status, last_checked, title, kind, published, meta, error,
         version_id, sha, etag, last_modified, size, content_type, extract_error) in rows:
        has = version_id is not None
        known[key] = Known(
            doc_id,
            url,
            fingerprint,
            status,
            last_checked,
            has,
            sha if has else None,
            etag if has else None,
            last_modified if has else None,
            size if has else 0,
            content_type if has else "",
            extract_error if has else None,
            title=title,
            kind=kind,
            published=published,
            meta=meta,
            error=error,
        )
    return known


def facts_given(meta: dict[str, Any] | None) -> dict[str, Any]:
    """The JSON-safe facts of a listing's or a reader's meta that say something (an empty
    value is "nothing to say", never "clear the stored one")."""
    return {k: v for k, v in jsonable(meta or {}).items() if v not in ({}, [], None, "")}


def merged_meta(stored: dict[str, Any] | None, listed: dict[str, Any] | None) -> dict[str, Any] | None:
    """The stored facts updated with what the listing says of the document.

    A listing that has nothing to say of a field (CQC's older reports carry no current
    ratings) must not wipe what an earlier pass or the report itself gave."""
    if not listed:
        return stored
    return {**(stored or {}), **facts_given(listed)}


def apply_listing(doc: DocumentRow, ref: DocumentRef, now: datetime) -> None:
    """Write what the listing says of a document onto its row (in a session of its own)."""
    doc.url = ref.url
    doc.title = ref.title or doc.title
    doc.kind = ref.kind or doc.kind
    doc.published = ref.published or doc.published
    doc.fingerprint = ref.fingerprint
    if ref.meta:
        doc.meta = merged_meta(doc.meta, ref.meta)  # type: ignore[assignment]
    doc.last_seen = now
    if doc.status == "removed":
        doc.status, doc.gone_since = "ok", None


class Bookkeeping:
    """The pending bookkeeping of a source's unchanged documents, written in one commit.

    Applies the same rules as `apply_listing`, to the snapshot instead of a loaded row."""

    def __init__(self, store: Store):
        self.store = store
        self._pending: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(self._pending)

    def touch(self, known: Known, ref: DocumentRef, now: datetime, *, fetched: bool) -> None:
        """Note that a listed document was seen (and, when `fetched`, re-verified) unchanged."""
        target: dict[str, Any] = {
            "url": ref.url,
            "title": ref.title or known.title,
            "kind": ref.kind or known.kind,
            "published": ref.published or known.published,
            "fingerprint": ref.fingerprint,
            "meta": merged_meta(known.meta, ref.meta),
        }
        if known.status == "removed":
            target["status"], target["gone_since"] = "ok", None
        if fetched:
            target["status"], target["error"] = "ok", None
        changes = {k: v for k, v in target.items() if k == "gone_since" or getattr(known, k) != v}
        changes["last_seen"] = now
        if fetched:
            changes["last_checked"] = now
        self._pending.append({"id": known.id, **changes})

    def flush(self) -> int:
        """Write every pending update in one transaction; how many documents it touched.

        One executemany per set of changed columns (usually just last_seen); a row deleted
        meanwhile is simply not updated."""
        if not self._pending:
            return 0
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for row in self._pending:
            columns = tuple(sorted(k for k in row if k != "id"))
            groups[columns].append({f"b_{k}": v for k, v in row.items()})
        # one transaction on a plain connection: the rows are written as they are, no ORM
        # object is loaded
        with self.store.engine.begin() as connection:
            for columns, params in groups.items():
                connection.execute(_update_statement(columns), params)
        count = len(self._pending)
        self._pending.clear()
        return count


@lru_cache(maxsize=64)
def _update_statement(columns: tuple[str, ...]) -> Update:
    """The UPDATE of a document's `columns` by id (bound as b_id, b_<column>), built once per
    set of columns: building it costs more than running it for a source's few documents."""
    table = DocumentRow.__table__
    return (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values({c: bindparam(f"b_{c}", type_=table.c[c].type) for c in columns})
    )
