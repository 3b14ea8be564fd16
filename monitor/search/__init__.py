"""Full-text search over every stored version: one interface, SQLite FTS5 or PostgreSQL.

Each page of each version is one index row (pages are the "\\f"-separated parts of
VersionRow.text), so a hit names its exact page. A query's words and phrases are found page
by page; AND, OR and NOT combine them over a whole version (monitor/search/boolean.py), so
a report with "care leavers" on one page and "inadequate" on another matches both. The pass keeps the index current by calling
`index_version` right after a version row is flushed, in the same transaction; `reindex`
rebuilds it from every version (`monitor search --reindex`, and migration 0004 for stores
made before it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from types import ModuleType
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from monitor.dates import iso_day
from monitor.extract.textnorm import PAGE_BREAK
from monitor.search import postgres_fts, sqlite_fts
from monitor.search.boolean import compile_query
from monitor.search.query import QueryError, index_text, parse, patterns, to_fts5, to_tsquery
from monitor.search.snippet import make_snippet
from monitor.store.blobs import BlobStore
from monitor.store.models import DocumentRow, SourceRow, VersionRow

__all__ = ["QueryError", "SearchHit", "ensure_index", "index_version", "reindex", "search", "unindex_versions"]


def _dialect(conn: Any) -> str:
    bind = conn.get_bind() if isinstance(conn, Session) else conn
    return bind.dialect.name


def _backend(conn: Any) -> ModuleType:
    return sqlite_fts if _dialect(conn) == "sqlite" else postgres_fts


def ensure_index(conn: Any) -> None:
    """Create the index table(s) for this database if missing (a Session or a Connection)."""
    _backend(conn).create(conn)


def index_version(session: Session | Connection, version: VersionRow) -> int:
    """Index (or re-index) one stored version's pages; returns the page rows written.

    `session` is the pass's Session (or a Connection, e.g. in a mapper event). Call it after
    the version row is flushed (it needs `version.id`), inside the same
    transaction, so a version is searchable exactly when it is stored. Safe to call again
    for the same version: its old rows are replaced."""
    backend = _backend(session)
    backend.delete_versions(session, [version.id])
    pages = [index_text(page) for page in (version.text or "").split(PAGE_BREAK)]
    return backend.insert_pages(session, version.id, pages)


def unindex_versions(session: Session, version_ids: list[int]) -> None:
    """Drop these versions from the index; call before deleting version rows (retention)."""
    _backend(session).delete_versions(session, list(version_ids))


def reindex(conn: Any, *, batch: int = 500) -> int:
    """Rebuild the whole index from every stored version; returns the versions indexed."""
    backend = _backend(conn)
    backend.create(conn)
    backend.clear(conn)
    last, count = 0, 0
    while True:
        rows = conn.execute(
            text("SELECT id, text FROM version WHERE id > :last ORDER BY id LIMIT :n"), {"last": last, "n": batch}
        ).all()
        if not rows:
            break
        for vid, body in rows:
            backend.insert_pages(conn, vid, [index_text(p) for p in (body or "").split(PAGE_BREAK)])
        last, count = rows[-1][0], count + len(rows)
    backend.optimise(conn)
    return count


@dataclass
class SearchHit:
    """One page of one version that matches; `to_json` is the `monitor search --json` shape."""

    source: str
    key: str
    title: str
    kind: str
    version: int
    fetched_at: datetime
    #: when the publisher published the document (None when it gives no date)
    published: date | None
    page: int
    snippet: str
    url: str
    source_url: str
    score: float
    #: every version whose same page reads the same and matched (newest first); `version` is the first
    versions: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "key": self.key,
            "title": self.title,
            "version": self.version,
            "fetched_at": self.fetched_at.isoformat() + "Z",
            "published": self.published.isoformat() if self.published else None,
            "page": self.page,
            "snippet": self.snippet,
            "url": self.url,
            "score": round(self.score, 6),
            "source_url": self.source_url,
            "kind": self.kind,
            "versions": self.versions,
        }


def published_of(doc: DocumentRow) -> date | None:
    """The document's publication date: the publisher's, else the decision's or meeting's date in its meta."""
    if doc.published:
        return doc.published
    meta = doc.meta or {}
    return iso_day(meta.get("decision_date")) or iso_day(meta.get("meeting_date"))


def _filters(
    source: str | None, since: datetime | None, kind: str | None, sources: list[str] | None = None
) -> tuple[str, dict[str, Any]]:
    where, params = "", {}
    if source:
        where += " AND s.name = :source"
        params["source"] = source
    if sources is not None:
        # one bound parameter per name: the same SQL on SQLite and PostgreSQL
        names = [f":among{i}" for i in range(len(sources))] or ["NULL"]
        where += f" AND s.name IN ({', '.join(names)})"
        params.update({f"among{i}": name for i, name in enumerate(sources)})
    if since:
        where += " AND v.fetched_at >= :since"
        params["since"] = since
    if kind:
        where += " AND d.kind = :kind"
        params["kind"] = kind
    return where, params


def search(
    session: Session,
    query: str,
    blobs: BlobStore,
    *,
    source: str | None = None,
    since: datetime | None = None,
    kind: str | None = None,
    limit: int = 20,
    sources: list[str] | None = None,
) -> list[SearchHit]:
    """The best `limit` pages matching `query` (see monitor.search.query for the language).

    AND, OR and NOT apply over a whole version; the hits are the pages of the matching
    versions where a wanted word or phrase is. The same page text matched in several versions
    of one document is one hit, named by its newest version, the others listed in `versions`;
    a page only an old version has is a hit of that version. `sources` keeps only those
    sources' documents (a council's, say). QueryError for a query that cannot be searched."""
    node = parse(query)
    backend = _backend(session)
    leaf_query = to_fts5 if backend is sqlite_fts else to_tsquery
    where, params = _filters(source, since, kind, sources)
    sql, leaf_params = compile_query(node, backend.leaf_sql, leaf_query, where)
    # fetch more than asked: identical pages of several versions fold into one hit
    rows = [
        (int(v), int(p), float(score))
        for v, p, score, _terms in session.execute(text(sql), {**params, **leaf_params, "limit": limit * 4 + 20}).all()
    ]
    if not rows:
        return []
    found = {
        v.id: (v, d, s)
        for v, d, s in session.execute(
            select(VersionRow, DocumentRow, SourceRow)
            .join(DocumentRow, DocumentRow.id == VersionRow.document_id)
            .join(SourceRow, SourceRow.id == DocumentRow.source_id)
            .where(VersionRow.id.in_({vid for vid, _p, _s in rows}))
        ).all()
    }
    wanted = patterns(node)
    root = blobs.root.resolve()
    hits: list[SearchHit] = []
    page_texts: list[str] = []
    seen: dict[tuple[int, int, str], SearchHit] = {}
    for vid, page, score in rows:
        if vid not in found:
            continue  # a row left behind by a deleted version
        version, doc, src = found[vid]
        pages = (version.text or "").split(PAGE_BREAK)
        page_text = pages[page - 1] if 0 < page <= len(pages) else ""
        same = (doc.id, page, page_text)
        if same in seen:
            earlier = seen[same]
            earlier.versions.append(version.number)
            if version.number > earlier.version:
                # name the hit by the newest version that reads the same
                earlier.version, earlier.fetched_at = version.number, version.fetched_at
                earlier.url = (root / blobs.relative(version.sha256)).as_uri()
            continue
        hit = SearchHit(
            source=src.name,
            key=doc.key,
            title=doc.title or "",
            kind=doc.kind,
            version=version.number,
            fetched_at=version.fetched_at,
            published=published_of(doc),
            page=page,
            snippet="",  # quoted below, only for the hits returned
            url=(root / blobs.relative(version.sha256)).as_uri(),
            source_url=doc.url,
            score=score,
            versions=[version.number],
        )
        seen[same] = hit
        hits.append(hit)
        page_texts.append(page_text)
    hits = hits[:limit]
    for hit, page_text in zip(hits, page_texts, strict=False):
        hit.versions.sort(reverse=True)
        hit.snippet = make_snippet(page_text, wanted)
    return hits
