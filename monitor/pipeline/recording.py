"""Recording what a pass found: a new version and what it means (new, changed, matches,
verdicts), a document that could not be downloaded, the documents a complete listing no
longer shows.

Each document's work here is its own transaction: its version, its events and its row
commit together, so a crash never loses a stored version or a new_document event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import Config, SourceConfig
from monitor.detect.version_events import change_details, detect_for_version
from monitor.events import record_event
from monitor.evidence import jsonable
from monitor.extract.pool import Extracted
from monitor.pipeline.known_documents import Known, apply_listing, facts_given
from monitor.pipeline.pass_result import SourceOutcome
from monitor.search import index_version
from monitor.sources import profile_of, source_class
from monitor.sources.base import DocumentRef
from monitor.store.blobs import sha256_text
from monitor.store.db import Store, utcnow
from monitor.store.models import DocumentRow, EventRow, SourceRow, VersionRow


@dataclass
class Fetched:
    """The bytes a version is made of: what a download gave, or what is already stored."""

    sha256: str
    size: int
    content_type: str
    etag: str | None
    last_modified: str | None


def lag_days(published: date | None, found: datetime) -> int | None:
    """Days from the publisher's date to when the monitor found it (None when undated)."""
    return (found.date() - published).days if published else None


def severity(src: SourceConfig, default: str, baseline: bool, ref: DocumentRef | None = None) -> str:
    """A new_document event's severity: info in a baseline, else what the listing says of
    this document (an Ombudsman category's severity), else the source's `severity`."""
    if baseline:
        return "info"
    listed = (ref.meta or {}).get("severity") if ref is not None else None
    if listed in ("urgent", "normal", "info"):
        return str(listed)
    return src.common.severity or default


def new_document(session: Session, source_id: int, ref: DocumentRef, now: datetime) -> DocumentRow:
    """A row for a document seen for the first time (flushed, so it has its id)."""
    doc = DocumentRow(
        source_id=source_id,
        key=ref.key,
        url=ref.url,
        title=ref.title,
        kind=ref.kind,
        published=ref.published,
        meta=jsonable(ref.meta),
        fingerprint=ref.fingerprint,
        first_seen=now,
        last_seen=now,
        status="ok",
    )
    session.add(doc)
    session.flush()
    return doc


class Recorder:
    """Writes versions, document errors and removals, with their events."""

    def __init__(self, config: Config, store: Store):
        self.config = config
        self.store = store

    def is_baseline(self, src: SourceConfig, outcome: SourceOutcome) -> bool:
        """Whether what this pass finds is the quiet baseline of a source's first pass."""
        alerts = src.common.baseline_alerts
        if alerts is None:
            alerts = self.config.settings.baseline_alerts
        return outcome.baseline and not alerts

    def document_error(
        self,
        src: SourceConfig,
        source_id: int,
        ref: DocumentRef,
        now: datetime,
        error: str,
        known: Known | None,
        outcome: SourceOutcome,
    ) -> None:
        """A document that could not be downloaded: a new one is still announced (saying so)."""
        outcome.document_errors += 1
        baseline = self.is_baseline(src, outcome)
        with self.store.session() as session:
            source = session.get(SourceRow, source_id)
            if known is None:
                doc = new_document(session, source_id, ref, now)
                doc.status, doc.error = "error", error
                outcome.new += 1
                record_event(
                    session,
                    source,
                    "new_document",
                    severity(src, "normal", baseline, ref),
                    f"New: {ref.title} (not downloaded: {error})",
                    {
                        "kind": ref.kind,
                        "published": ref.published.isoformat() if ref.published else None,
                        "lag_days": lag_days(ref.published, now),
                        "meta": doc.meta,
                        "error": error,
                        "baseline": baseline,
                    },
                    document=doc,
                )
            else:
                doc = session.get(DocumentRow, known.id)
                apply_listing(doc, ref, now)
                doc.last_checked = now
                doc.status, doc.error = "error", error

    def store_version(
        self,
        src: SourceConfig,
        source_id: int,
        ref: DocumentRef,
        response: Fetched,
        extracted: Extracted,
        known: Known | None,
        now: datetime,
        outcome: SourceOutcome,
        *,
        reread: bool = False,
    ) -> None:
        """Store a new version and record what it means (new, changed, matches, verdicts).

        reread: the same bytes read again after a failed extraction; its text is news to us,
        not a change by the publisher, so it is checked like a first version."""
        baseline = self.is_baseline(src, outcome)
        text = extracted.text
        text_sha = sha256_text(text)
        with self.store.session() as session:
            source = session.get(SourceRow, source_id)
            if known is None:
                doc = new_document(session, source_id, ref, now)
            else:
                doc = session.get(DocumentRow, known.id)
                apply_listing(doc, ref, now)
            previous = session.scalar(
                select(VersionRow).where(VersionRow.document_id == doc.id).order_by(VersionRow.number.desc()).limit(1)
            )
            version = VersionRow(
                document_id=doc.id,
                number=(previous.number + 1) if previous else 1,
                fetched_at=now,
                sha256=response.sha256,
                blob_path=self.store.blobs.relative(response.sha256),
                content_type=extracted.content_type or response.content_type,
                size=response.size,
                etag=response.etag,
                last_modified=response.last_modified,
                text=text,
                text_sha256=text_sha,
                pages=len(extracted.pages),
                extract_error=extracted.error,
                meta=jsonable(extracted.meta),
            )
            session.add(version)
            session.flush()
            # searchable exactly when stored: the index rows commit with the version
            index_version(session, version)
            # a reader that found nothing must not wipe what the listing said (CQC ratings)
            found = facts_given(extracted.meta)
            # a warning belongs to the version that raised it: a clean reading clears it
            kept = {k: v for k, v in (doc.meta or {}).items() if k != "read_warning" or extracted.error}
            # the kind reconciles what its reader found with what its listing said (two roads)
            found = facts_given(source_class(src.kind).merge_read_meta(kept, found, doc.url))
            doc.meta = {**kept, **found}
            add_headline(src, doc, extracted)
            doc.last_checked = now
            doc.status = "ok"
            doc.error = f"text not extracted: {extracted.error}" if extracted.error else None
            if extracted.error:
                outcome.document_errors += 1
            had_event = known is not None and session.scalar(
                select(EventRow.id).where(EventRow.document_id == doc.id, EventRow.type == "new_document").limit(1)
            )
            details_common = {
                "kind": doc.kind,
                "published": doc.published.isoformat() if doc.published else None,
                "lag_days": lag_days(doc.published, now),
                "meta": doc.meta,
                "blob_path": str(Path("blobs") / version.blob_path),
                "pages": version.pages,
                "version": version.number,
                "sha256": version.sha256,
                "extract_error": extracted.error,
                "empty_text": extracted.empty,
            }
            if previous is None or reread:
                if previous is None:
                    doc.last_changed = now
                if not had_event:
                    outcome.new += 1
                    record_event(
                        session,
                        source,
                        "new_document",
                        severity(src, "normal", baseline, ref),
                        f"New: {doc.title}",
                        {**details_common, "baseline": baseline},
                        document=doc,
                        version_id=version.id,
                    )
                detect_for_version(self.config, src, session, source, doc, version, None, baseline=baseline, profile=profile_of(src.kind))
            elif previous.text_sha256 == text_sha:
                # same words in new bytes (a re-rendered PDF): kept, but not news
                outcome.unchanged += 1
            else:
                doc.last_changed = now
                outcome.changed += 1
                diff = change_details(self.config, src, previous.text, text)
                record_event(
                    session,
                    source,
                    "changed",
                    "normal",
                    f"Changed: {doc.title} ({diff['summary']})",
                    {**details_common, **diff, "previous_version": previous.number},
                    document=doc,
                    version_id=version.id,
                )
                detect_for_version(
                    self.config, src, session, source, doc, version, previous, baseline=False, profile=profile_of(src.kind)
                )
            warning = found.get("read_warning")
            if warning and (previous is None or reread or previous.text_sha256 != text_sha):
                unread_report(session, src, source, doc, version, str(warning), baseline)

    def mark_removed(
        self, source_id: int, listed: set[str], outcome: SourceOutcome, *, known: dict[str, Known] | None = None
    ) -> None:
        """Every stored document a complete listing no longer shows is removed (copies kept).

        known: the source's stored documents as this pass read them before its downloads. When
        every one of them is listed or already removed, nothing can be gone (a document stored
        since was stored from this listing, and one pass at a time works on a source), so the
        database is not asked again."""
        if known is not None and all(key in listed or doc.status == "removed" for key, doc in known.items()):
            return
        now = utcnow()
        with self.store.session() as session:
            source = session.get(SourceRow, source_id)
            gone = session.scalars(
                select(DocumentRow).where(DocumentRow.source_id == source_id, DocumentRow.status != "removed")
            ).all()
            for doc in gone:
                if doc.key in listed:
                    continue
                doc.status, doc.gone_since = "removed", now
                outcome.removed += 1
                record_event(
                    session,
                    source,
                    "removed",
                    "normal",
                    f"Removed by the publisher: {doc.title} (our copies are kept)",
                    {"last_seen": doc.last_seen.isoformat() + "Z", "meta": doc.meta},
                    document=doc,
                )


def add_headline(src: SourceConfig, doc: DocumentRow, extracted: Extracted) -> None:
    """A document without grades (a visit letter, a decision, a notice) carries its own
    headline sentences in meta.headline, so the alert says what it found."""
    from monitor.detect.headlines import headline_for, wants_headline

    meta = doc.meta or {}
    profile = profile_of(src.kind)
    if extracted.error or not wants_headline(profile, meta):
        return
    headline = headline_for(profile, doc.kind or "", doc.title or "", extracted.pages)
    if headline:
        doc.meta = {**meta, "headline": headline}


def unread_report(
    session: Session, src: SourceConfig, source: SourceRow, doc: DocumentRow, version: VersionRow, warning: str, baseline: bool
) -> None:
    """A report its reader could not fully understand (a grade table in a new form) is a
    loud source_broken naming the document, never a quiet document without grades."""
    record_event(
        session,
        source,
        "source_broken",
        "normal" if baseline else "urgent",
        f"{src.name}: could not fully read {doc.title}: {warning}",
        {
            "error": f"{doc.url}: {warning}",
            "hint": (
                "open the stored copy and check its grades by hand; then run "
                f"`monitor extract {Path('blobs') / version.blob_path} --kind {src.kind} --json` "
                "and attach the output and the file to a bug report"
            ),
            "health": "ok",
            "document": doc.key,
            "read_warning": warning,
            "blob_path": str(Path("blobs") / version.blob_path),
        },
        document=doc,
        version_id=version.id,
    )
