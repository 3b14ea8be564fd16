"""What the site shows, read out of the store once: documents with their versions, the events
that concern them, and the sources' health. Plain dataclasses, so the pages and charts never
touch the database and a build is one pass over the tables."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from monitor.sources import profile_of
from monitor.store.models import DocumentRow, EventRow, SourceRow, VersionRow

#: the grades in their order, best first, for sorting and for chart heights
GRADE_ORDER = ("outstanding", "good", "requires improvement", "inadequate")
_SLUG = re.compile(r"[^A-Za-z0-9]+")
_COUNCIL_PREFIX = re.compile(r"^(the\s+)?(london borough of|royal borough of|city of|borough of)\s+", re.I)
_COUNCIL_SUFFIX = re.compile(r"\s+(borough|city|county|district)?\s*council$", re.I)


@dataclass
class SiteVersion:
    """One stored version of a document."""

    id: int
    number: int
    fetched_at: datetime
    sha256: str
    blob_path: str
    content_type: str
    size: int
    #: the text, page by page; None until read (a build reads the text only of the documents
    #: whose pages it writes: `load_texts`)
    pages: list[str] | None
    extract_error: str | None
    #: what the publisher's reader found in this version (grades at the time)
    meta: dict[str, Any] = field(default_factory=dict)
    #: the text's digest, so a build knows a version's text changed without reading it
    text_sha256: str = ""


@dataclass
class SiteEvent:
    """An event, with the names the pages need."""

    id: int
    type: str
    severity: str
    source: str
    source_kind: str
    document_id: int | None
    version_id: int | None
    title: str
    url: str | None
    summary: str
    details: dict[str, Any]
    created_at: datetime


@dataclass
class SiteDocument:
    """A document as the site shows it."""

    id: int
    source: str
    source_kind: str
    key: str
    url: str
    title: str
    kind: str
    published: date | None
    first_seen: datetime
    status: str
    meta: dict[str, Any]
    slug: str
    versions: list[SiteVersion] = field(default_factory=list)
    events: list[SiteEvent] = field(default_factory=list)

    # worked out once: every list asks each document for these, several times a build
    @cached_property
    def when(self) -> date:
        """The date the document belongs to on a timeline: published, else first seen."""
        return self.published or self.first_seen.date()

    @cached_property
    def council(self) -> str | None:
        """The council the document is about, when its publisher says so."""
        return council_of(self.meta)


@dataclass
class SiteSource:
    """A source and its health."""

    name: str
    kind: str
    health: str
    last_run_at: datetime | None
    last_ok_at: datetime | None
    last_error: str | None
    last_hint: str | None
    consecutive_failures: int


@dataclass
class SiteData:
    """Everything one build needs."""

    sources: list[SiteSource]
    documents: list[SiteDocument]
    events: list[SiteEvent]
    #: source name -> what its documents are to the council: "finding", "answer" or "none"
    #: (the source's `role:` in the configuration, else its kind's profile)
    roles: dict[str, str] = field(default_factory=dict)
    #: source name -> the council it is about (its `council:` in the configuration), for
    #: documents whose publisher does not name one (a council's own committee papers)
    councils: dict[str, str] = field(default_factory=dict)

    def council_of(self, doc: SiteDocument) -> str | None:
        """The council a document is about: as its publisher names it, else its source's."""
        return doc.council or self.councils.get(doc.source)

    def role_of(self, doc: SiteDocument) -> str:
        """The role of a document's source."""
        return self.roles.get(doc.source) or profile_of(doc.source_kind).role


def council_of(meta: dict[str, Any]) -> str | None:
    """"Harrow" for meta naming "London Borough of Harrow" or local_authority "Harrow"."""
    for key in ("local_authority", "authority"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            name = _COUNCIL_PREFIX.sub("", " ".join(value.split()))
            return _COUNCIL_SUFFIX.sub("", name) or name
    return None


def document_slug(source: str, key: str) -> str:
    """A file name for a document's page, stable across builds and stores (not the row id)."""
    readable = _SLUG.sub("-", f"{source}-{key}").strip("-").lower()[:80]
    digest = hashlib.sha1(f"{source}\0{key}".encode()).hexdigest()[:10]
    return f"{readable}-{digest}"


def grade_rank(value: Any) -> int | None:
    """4 for outstanding ... 1 for inadequate; None for anything else."""
    text = " ".join(str(value or "").lower().split())
    return len(GRADE_ORDER) - GRADE_ORDER.index(text) if text in GRADE_ORDER else None


def version_listing(texts: bool = False) -> Select[Any]:
    """Every version in document and number order, with its text or (`texts=False`) without:
    then SQLite answers from an index (migration 0005) instead of walking every text."""
    return select(
        VersionRow.id,
        VersionRow.document_id,
        VersionRow.number,
        VersionRow.fetched_at,
        VersionRow.sha256,
        VersionRow.blob_path,
        VersionRow.content_type,
        VersionRow.size,
        VersionRow.text if texts else VersionRow.text_sha256,
        VersionRow.extract_error,
        VersionRow.meta,
        VersionRow.text_sha256,
    ).order_by(VersionRow.document_id, VersionRow.number)


def load(session: Session, *, texts: bool = True) -> SiteData:
    """Read sources, documents, versions and events out of the store; with `texts=False` the
    versions' texts are left unread (`load_texts` reads them for the documents a build writes),
    so what a build holds in memory follows the number of documents, not their length."""
    sources = {
        row.id: SiteSource(
            row.name, row.kind, row.health, row.last_run_at, row.last_ok_at, row.last_error, row.last_hint, row.consecutive_failures
        )
        for row in session.scalars(select(SourceRow).order_by(SourceRow.name))
    }
    docs: dict[int, SiteDocument] = {}
    # plain rows through a Core connection, not ORM objects nor ORM results: a build reads every
    # document, version and event, and the ORM's bookkeeping was most of the time it took
    connection = session.connection()
    doc_columns = (DocumentRow.id, DocumentRow.source_id, DocumentRow.key, DocumentRow.url, DocumentRow.title, DocumentRow.kind,
                   DocumentRow.published, DocumentRow.first_seen, DocumentRow.status, DocumentRow.meta)
    for doc_id, source_id, key, url, title, kind, published, first_seen, status, meta in connection.execute(select(*doc_columns)):
        src = sources[source_id]
        docs[doc_id] = SiteDocument(doc_id, src.name, src.kind, key, url, title or key, kind, published, first_seen, status,
                                    meta if isinstance(meta, dict) else {}, document_slug(src.name, key))
    for vid, doc_id, number, fetched_at, sha, blob, ctype, size, text, error, vmeta, text_sha in connection.execute(version_listing(texts)):
        if doc_id in docs:
            pages = (text or "").split("\f") if texts else None
            docs[doc_id].versions.append(
                SiteVersion(vid, number, fetched_at, sha, blob, ctype or "", size, pages, error, vmeta if isinstance(vmeta, dict) else {}, text_sha or "")
            )
    events: list[SiteEvent] = []
    by_doc: dict[int, list[SiteEvent]] = defaultdict(list)
    event_columns = (EventRow.id, EventRow.type, EventRow.severity, EventRow.source_id, EventRow.document_id, EventRow.version_id,
                     EventRow.title, EventRow.url, EventRow.summary, EventRow.details, EventRow.created_at)
    for eid, etype, severity, source_id, doc_id, version_id, title, url, summary, details, created_at in connection.execute(
        select(*event_columns).order_by(EventRow.id)
    ):
        src = sources[source_id]
        event = SiteEvent(eid, etype, severity, src.name, src.kind, doc_id, version_id, title or "", url, summary or "",
                          details if isinstance(details, dict) else {}, created_at)
        events.append(event)
        if doc_id is not None:
            by_doc[doc_id].append(event)
    for doc_id, doc_events in by_doc.items():
        if doc_id in docs:
            docs[doc_id].events = doc_events
    ordered = sorted(docs.values(), key=lambda d: (d.when, d.id), reverse=True)
    return SiteData(list(sources.values()), ordered, events)


def load_texts(session: Session, docs: list[SiteDocument]) -> None:
    """Read the texts of `docs`' versions that are not read yet (a few hundred at a time, so a
    long store is never one query's worth of memory)."""
    wanted = {v.id: v for doc in docs for v in doc.versions if v.pages is None}
    ids = sorted(wanted)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for vid, text in session.execute(select(VersionRow.id, VersionRow.text).where(VersionRow.id.in_(chunk))):
            wanted[vid].pages = (text or "").split("\f")


def forget_texts(docs: list[SiteDocument]) -> None:
    """Let go of texts read for a page once it is written."""
    for doc in docs:
        for v in doc.versions:
            v.pages = None
