"""One pass: sources -> store -> detect -> deliver. The only road through the house.

`monitor run` and the daemon both call `run_pass`; nothing else fetches, writes versions or
sends mail.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from monitor.config import Config, SourceConfig
from monitor.detection import change_details, detect_for_version
from monitor.errors import BlockedError, ConfigError, FetchError, ListingBrokenError
from monitor.events import record_event
from monitor.evidence import RecordingHttp, jsonable, ref_json, save_evidence, write_bundle
from monitor.extract import Extracted, Extractor
from monitor.health import record_incomplete, record_outcome
from monitor.http import HttpClient
from monitor.search import index_version
from monitor.sources.base import DocumentRef, Source, SourceContext, host_of
from monitor.store.blobs import sha256_text
from monitor.store.db import Store, utcnow
from monitor.store.models import DocumentRow, EventRow, SourceRow, VersionRow

log = logging.getLogger(__name__)

#: a listing with fewer than this share of its usual items is treated as broken, not as removals
BROKEN_SHARE = 0.2


@dataclass
class SourceOutcome:
    """What one source's part of a pass did."""

    name: str
    kind: str
    status: str = "ok"  # ok, failing, blocked, broken
    listed: int = 0
    new: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    document_errors: int = 0
    #: downloads refused (401/403, challenge page): each is that document's error, and the
    #: rest of the listing is still fetched
    blocked_documents: int = 0
    error: str | None = None
    hint: str | None = None
    #: where the answers behind a broken or blocked listing were saved (data/evidence/...)
    evidence: str | None = None
    #: why part of an otherwise good listing could not be read (nothing was marked removed)
    incomplete: list[str] = field(default_factory=list)
    duration: float = 0.0
    baseline: bool = False

    @property
    def failed(self) -> bool:
        return self.status != "ok"


@dataclass
class PassResult:
    """The outcome of a whole pass."""

    outcomes: list[SourceOutcome] = field(default_factory=list)
    deliveries_sent: int = 0
    delivery_errors: list[str] = field(default_factory=list)

    @property
    def any_failed(self) -> bool:
        return any(o.failed for o in self.outcomes)

    @property
    def all_failed(self) -> bool:
        return bool(self.outcomes) and all(o.failed for o in self.outcomes)


class _Done(Exception):
    """A cross-check source's pass is complete (it has no documents to process)."""


@dataclass
class _Known:
    """A snapshot of a stored document, taken before the network work."""

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

    @property
    def needs_reread(self) -> bool:
        """The stored bytes could not be read for a passing reason (a timeout, a crashed
        reader): read them again, whatever the server says."""
        error = self.latest_extract_error or ""
        return "timed out" in error or "died" in error


@dataclass
class _Fetched:
    """The bytes a version is made of: what a download gave, or what is already stored."""

    sha256: str
    size: int
    content_type: str
    etag: str | None
    last_modified: str | None


class Pipeline:
    """Runs passes over the configured sources."""

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        http: HttpClient | None = None,
        extractor: Extractor | None = None,
        today: date | None = None,
        workers: int = 4,
        should_stop: Callable[[], bool] = lambda: False,
        on_source_done: Callable[[SourceOutcome], None] | None = None,
    ):
        self.config = config
        self.store = store
        self.should_stop = should_stop
        self.http = http or HttpClient(config.settings.http_settings(), store.http_cache(), should_stop=should_stop)
        self._own_extractor = extractor is None
        self.extractor = extractor or Extractor(
            timeout=config.settings.extract_timeout,
            memory_mb=config.settings.extract_memory_mb,
            pdf_extractor=config.settings.pdf_extractor,
        )
        self.today = today
        self.workers = max(1, workers)
        self.on_source_done = on_source_done
        self._lock = threading.Lock()

    # -- the pass ------------------------------------------------------------------------

    def run(self, names: Iterable[str] | None = None, *, deliver: bool = True) -> PassResult:
        """Run every named source (default: all enabled), then deliver what is due."""
        if names is None:
            chosen = [s for s in self.config.sources if s.common.enabled]
        else:
            chosen = [self.config.source(n) for n in names]
        result = PassResult()
        pass_started = utcnow()
        self.store.blobs.clear_stale_temp(older_than=2 * self.config.settings.download_deadline)
        # sources on one host run one after another (the per-host delay serialises them
        # anyway); different hosts run side by side
        groups: dict[str, list[SourceConfig]] = {}
        # cross-checks compare with what the other sources stored: they go last
        cross_checks = [s for s in chosen if s.source_class.cross_check]
        for src in chosen:
            if src not in cross_checks:
                groups.setdefault(self._host_key(src), []).append(src)

        def run_group(group: list[SourceConfig]) -> list[SourceOutcome]:
            outcomes = []
            for src in group:
                if self.should_stop():
                    break
                outcome = self.run_source(src)
                outcomes.append(outcome)
                if self.on_source_done:
                    self.on_source_done(outcome)
            return outcomes

        try:
            if self.workers == 1 or len(groups) <= 1:
                for group in groups.values():
                    result.outcomes.extend(run_group(group))
            else:
                with ThreadPoolExecutor(max_workers=min(self.workers, len(groups))) as pool:
                    for outcomes in pool.map(run_group, groups.values()):
                        result.outcomes.extend(outcomes)
            result.outcomes.extend(run_group(cross_checks))
            self._link_responses(pass_started)
        finally:
            if self._own_extractor:
                self.extractor.close()
        order = {s.name: i for i, s in enumerate(chosen)}
        result.outcomes.sort(key=lambda o: order.get(o.name, 0))
        if deliver:
            from monitor.deliver.outbox import deliver_after_pass

            deliver_after_pass(self.config, self.store, result)
            self._refresh_site(result)
        return result

    def _refresh_site(self, result: PassResult) -> None:
        """Rebuild data/site/ when the pass found something (or there is no site yet): a build
        reads the whole store, so a quiet pass leaves it as it was."""
        from monitor.site import build_site

        out = self.config.data_dir / "site"
        busy = any(o.new or o.changed or o.removed or o.failed for o in result.outcomes)
        if not busy and (out / "index.html").exists():
            return
        try:
            build_site(self.config, self.store, out)
        except Exception:  # noqa: BLE001 - the site is a view; a bug in it must not fail the pass
            log.exception("could not rebuild the site in %s", out)

    def _host_key(self, src: SourceConfig) -> str:
        """Sources on one host share a lane (page and feed sources name their host in `url`)."""
        where = src.common.base_url or getattr(src.settings, "url", None) or src.source_class.default_base_url
        return host_of(where or "") or src.name

    def run_source(self, src: SourceConfig) -> SourceOutcome:
        """List one source, store what is new or changed, record events and health."""
        started = time.monotonic()
        started_at = utcnow()
        outcome = SourceOutcome(src.name, src.kind)
        with self.store.session() as session:
            row = self._source_row(session, src)
            source_id = row.id
            previous_count = row.last_item_count
            # until a pass over the source has completed, everything found is the baseline (a
            # first pass cut short by a crash or shutdown must not turn into a flood of alerts)
            outcome.baseline = row.last_ok_at is None
        recorder = RecordingHttp(self.http)
        adapter: Source | None = None
        listed: list[DocumentRef] = []
        try:
            adapter = build_source(src, recorder, today=self.today)  # type: ignore[arg-type]
            if adapter.cross_check:
                self._cross_check(src, source_id, adapter, recorder, outcome)
                raise _Done
            refs = self._dedupe(adapter.list_documents())
            listed = refs
            outcome.listed = len(refs)
            if previous_count and (not refs or (previous_count >= 10 and len(refs) < previous_count * BROKEN_SHARE)):
                raise ListingBrokenError(
                    f"the listing gave {len(refs)} documents where the last good pass gave {previous_count}; "
                    "the publisher's page has probably changed"
                )
            for ref in refs:
                if self.should_stop():
                    raise FetchError(ref.url, "pass interrupted (shutting down)")
                self._process(src, source_id, adapter, ref, outcome)
            incomplete = getattr(adapter, "listing_incomplete", False)
            if incomplete:
                # part of the listing could not be read (a meeting's pack page): what was read
                # is stored, nothing is marked removed, and the pass says so
                outcome.incomplete = [str(r) for r in getattr(adapter, "incomplete_reasons", [])] or ["part of the listing could not be read"]
                log.warning("%s: listing incomplete: %s", src.name, "; ".join(outcome.incomplete))
            if adapter.complete_listing and not incomplete:
                self._mark_removed(source_id, {r.key for r in refs}, outcome)

        except _Done:
            pass
        except BlockedError as exc:
            outcome.status, outcome.error, outcome.hint = "blocked", f"blocked by the publisher: {exc}", exc.hint
            outcome.evidence = self._save_evidence(src, outcome.error, recorder)
        except ListingBrokenError as exc:
            outcome.status, outcome.error = "broken", f"listing looks broken: {exc}"
            outcome.evidence = self._save_evidence(src, outcome.error, recorder)
            outcome.hint = (
                "the publisher may have changed its site; check the page in a browser, then run "
                f"`monitor capture {src.name}` and attach the folder to a bug report"
                + (f" (the answers are saved in {outcome.evidence})" if outcome.evidence else "")
            )
        except FetchError as exc:
            outcome.status, outcome.error = "failing", str(exc)
            outcome.hint = "the site may be down or unreachable; the next pass tries again"
        except OperationalError:
            raise  # the database itself failed: not this source's fault, and the pass cannot go on
        except Exception as exc:  # noqa: BLE001 - one source's bug must not stop the others
            log.exception("source %s failed", src.name)
            outcome.status, outcome.error = "failing", f"{type(exc).__name__}: {exc}"
            outcome.hint = "this looks like a bug in the monitor; please report it with the log"
        if outcome.status == "ok" and outcome.baseline:
            self._capture_first_pass(src, recorder, listed)
        if self.should_stop() and outcome.status != "ok":
            # a shutdown is not the publisher failing: no failure streak, no alert
            outcome.status, outcome.hint = "interrupted", None
        outcome.duration = time.monotonic() - started
        record_outcome(self.store, self.config, source_id, outcome, started_at)
        record_incomplete(self.store, source_id, outcome)
        log.info(
            "%s: %s, %d listed, %d new, %d changed, %d removed%s",
            src.name,
            outcome.status,
            outcome.listed,
            outcome.new,
            outcome.changed,
            outcome.removed,
            f" ({outcome.error})" if outcome.error else "",
        )
        return outcome

    # -- pieces --------------------------------------------------------------------------

    def _link_responses(self, since: datetime) -> None:
        """Link the council papers stored in this pass to the findings they answer."""
        from monitor.responses import link_new_answers

        try:
            link_new_answers(self.config, self.store, since)
        except OperationalError:
            raise
        except Exception:  # noqa: BLE001 - a linking bug must not cost the pass its alerts
            log.exception("linking council answers to findings failed; the documents are stored")

    def _save_evidence(self, src: SourceConfig, reason: str, recorder: RecordingHttp) -> str | None:
        """Save every answer the adapter was given this pass; the bundle's path, or None."""
        if not recorder.exchanges:
            return None
        folder = save_evidence(
            self.config.data_dir, src.name, src.kind, reason, list(recorder.exchanges), self.http.settings.user_agent
        )
        if folder is None:
            log.warning("%s: the evidence of this failure could not be saved under %s", src.name, self.config.data_dir)
            return None
        return str(folder)

    def _capture_first_pass(self, src: SourceConfig, recorder: RecordingHttp, refs: list[DocumentRef]) -> None:
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
                user_agent=self.http.settings.user_agent,
                listing={"refs": [ref_json(r) for r in refs]},
            )
        except OSError as exc:
            log.warning("%s: the first pass's answers could not be kept in %s: %s", src.name, folder, exc)

    def _cross_check(
        self, src: SourceConfig, source_id: int, adapter: Source, recorder: RecordingHttp, outcome: SourceOutcome
    ) -> None:
        """Read a cross-check source's facts and compare them with the source they check."""
        from monitor.crosscheck import check

        checked_name = getattr(src.settings, "checks", None)
        checked = next((s for s in self.config.sources if s.name == checked_name), None)
        if checked is None:
            raise ConfigError(f"sources: {src.name}.checks: no source named {checked_name!r} in the configuration")
        facts = adapter.cross_check_facts()
        outcome.listed = len(facts)
        if not facts:
            raise ListingBrokenError(f"{src.name}: the cross-check gave no facts about the watched subjects")
        with self.store.session() as session:
            row = session.scalar(select(SourceRow).where(SourceRow.name == checked.name))
            never_ok = row is None or row.last_ok_at is None
        if never_ok:
            # nothing to compare with yet: the checked source's own health says why
            log.info("%s: %s has not completed a pass yet; cross-check deferred", src.name, checked.name)
            return
        mismatches = check(self.store, source_id, checked.name, checked.kind, facts)
        if mismatches:
            evidence = self._save_evidence(src, f"{len(mismatches)} disagreement(s) with {checked.name}", recorder)
            if evidence:
                self._note_evidence(source_id, evidence, len(mismatches))
        outcome.new = len(mismatches)

    def _note_evidence(self, source_id: int, evidence: str, count: int) -> None:
        """Attach the saved bundle to the newest `count` mismatch events of this source."""
        with self.store.session() as session:
            rows = session.scalars(
                select(EventRow)
                .where(EventRow.source_id == source_id, EventRow.type == "cross_check_mismatch")
                .order_by(EventRow.id.desc())
                .limit(count)
            )
            for row in rows:
                row.details = {**(row.details or {}), "evidence": evidence}

    @staticmethod
    def _dedupe(refs: Iterable[DocumentRef]) -> list[DocumentRef]:
        seen: dict[str, DocumentRef] = {}
        for ref in refs:
            seen.setdefault(ref.key, ref)
        return list(seen.values())

    def _source_row(self, session, src: SourceConfig) -> SourceRow:  # type: ignore[no-untyped-def]
        row = session.scalar(select(SourceRow).where(SourceRow.name == src.name))
        if row is None:
            row = SourceRow(name=src.name, kind=src.kind, health="new", consecutive_failures=0, failure_alerted=0)
            session.add(row)
            session.flush()
        elif row.kind != src.kind:
            row.kind = src.kind
        return row

    def _snapshot(self, source_id: int, key: str) -> _Known | None:
        with self.store.session() as session:
            doc = session.scalar(select(DocumentRow).where(DocumentRow.source_id == source_id, DocumentRow.key == key))
            if doc is None:
                return None
            latest = session.scalar(
                select(VersionRow).where(VersionRow.document_id == doc.id).order_by(VersionRow.number.desc()).limit(1)
            )
            return _Known(
                doc.id,
                doc.url,
                doc.fingerprint,
                doc.status,
                doc.last_checked,
                latest is not None,
                latest.sha256 if latest else None,
                latest.etag if latest else None,
                latest.last_modified if latest else None,
                latest.size if latest else 0,
                latest.content_type if latest else "",
                latest.extract_error if latest else None,
            )

    def _needs_fetch(self, src: SourceConfig, known: _Known | None, ref: DocumentRef, now: datetime) -> bool:
        if known is None or not known.has_versions or known.status in ("error", "removed") or known.needs_reread:
            return True
        if ref.url != known.url:
            return True
        if ref.fingerprint and ref.fingerprint != known.fingerprint:
            return True
        recheck = src.common.recheck_days if src.common.recheck_days is not None else self.config.settings.recheck_days
        return known.last_checked is None or now - known.last_checked >= timedelta(days=recheck)

    def _process(self, src: SourceConfig, source_id: int, adapter: Source, ref: DocumentRef, outcome: SourceOutcome) -> None:
        now = utcnow()
        known = self._snapshot(source_id, ref.key)
        if not self._needs_fetch(src, known, ref, now):
            self._touch(source_id, ref, now, fetched=False)
            outcome.unchanged += 1
            return
        # conditional headers come from the stored version, not the HTTP cache: they then
        # describe bytes we really hold, even if a crash lost a download after its answer
        conditional: dict[str, str] = {}
        if known and known.has_versions:
            if known.latest_etag:
                conditional["If-None-Match"] = known.latest_etag
            if known.latest_last_modified:
                conditional["If-Modified-Since"] = known.latest_last_modified
        try:
            response = self.http.get(
                ref.url,
                conditional=False,
                cache_body=False,
                to_dir=self.store.blobs.tmp,
                allowed_hosts=adapter.allowed_hosts(),
                headers={**adapter.request_headers(ref.url), **conditional},
            )
        except FetchError as exc:
            if self.should_stop():
                raise
            if isinstance(exc, BlockedError):
                outcome.blocked_documents += 1
            self._record_document_error(src, source_id, ref, now, f"download failed: {exc}", known, outcome)
            return
        unchanged = response.not_modified or response.status == 304 or bool(known and response.sha256 == known.latest_sha)
        if unchanged:
            if response.path is not None:
                response.path.unlink(missing_ok=True)
            assert known is not None
            if known.needs_reread and known.latest_sha and self.store.blobs.has(known.latest_sha):
                self._reread(src, source_id, ref, known, now, outcome)
                return
            self._touch(source_id, ref, now, fetched=True)
            outcome.unchanged += 1
            return
        assert response.path is not None
        blob = self.store.blobs.adopt(response.path, response.sha256)
        extracted = self.extractor.extract(blob, response.content_type, src.kind)
        fetched = _Fetched(response.sha256, response.size, response.content_type, response.etag, response.last_modified)
        self._store_version(src, source_id, ref, fetched, extracted, known, now, outcome)

    def _reread(self, src: SourceConfig, source_id: int, ref: DocumentRef, known: _Known, now: datetime, outcome: SourceOutcome) -> None:
        """Read stored bytes again after a passing extraction failure."""
        assert known.latest_sha
        extracted = self.extractor.extract(self.store.blobs.path_for(known.latest_sha), known.latest_content_type, src.kind)
        if extracted.error:
            self._touch(source_id, ref, now, fetched=True)
            outcome.document_errors += 1
            return
        fetched = _Fetched(known.latest_sha, known.latest_size, known.latest_content_type, known.latest_etag, known.latest_last_modified)
        self._store_version(src, source_id, ref, fetched, extracted, known, now, outcome, reread=True)

    def _touch(self, source_id: int, ref: DocumentRef, now: datetime, *, fetched: bool) -> None:
        with self.store.session() as session:
            doc = session.scalar(select(DocumentRow).where(DocumentRow.source_id == source_id, DocumentRow.key == ref.key))
            if doc is None:
                return
            self._apply_listing(doc, ref, now)
            if fetched:
                doc.last_checked = now
                doc.status, doc.error = "ok", None

    @staticmethod
    def _apply_listing(doc: DocumentRow, ref: DocumentRef, now: datetime) -> None:
        doc.url = ref.url
        doc.title = ref.title or doc.title
        doc.kind = ref.kind or doc.kind
        doc.published = ref.published or doc.published
        doc.fingerprint = ref.fingerprint
        if ref.meta:
            # a listing that has nothing to say of a field (CQC's older reports carry no current
            # ratings) must not wipe what an earlier pass or the report itself gave
            said = {k: v for k, v in jsonable(ref.meta).items() if v not in ({}, [], None, "")}
            doc.meta = {**(doc.meta or {}), **said}
        doc.last_seen = now
        if doc.status == "removed":
            doc.status, doc.gone_since = "ok", None

    def _new_document(self, session, source_id: int, ref: DocumentRef, now: datetime) -> DocumentRow:  # type: ignore[no-untyped-def]
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

    def _severity(self, src: SourceConfig, default: str, baseline: bool, ref: DocumentRef | None = None) -> str:
        """A new_document event's severity: info in a baseline, else what the listing says of
        this document (an Ombudsman category's severity), else the source's `severity`."""
        if baseline:
            return "info"
        listed = (ref.meta or {}).get("severity") if ref is not None else None
        if listed in ("urgent", "normal", "info"):
            return str(listed)
        return src.common.severity or default

    def _is_baseline(self, src: SourceConfig, outcome: SourceOutcome) -> bool:
        alerts = src.common.baseline_alerts
        if alerts is None:
            alerts = self.config.settings.baseline_alerts
        return outcome.baseline and not alerts

    def _record_document_error(
        self,
        src: SourceConfig,
        source_id: int,
        ref: DocumentRef,
        now: datetime,
        error: str,
        known: _Known | None,
        outcome: SourceOutcome,
    ) -> None:
        outcome.document_errors += 1
        baseline = self._is_baseline(src, outcome)
        with self.store.session() as session:
            source = session.get(SourceRow, source_id)
            if known is None:
                doc = self._new_document(session, source_id, ref, now)
                doc.status, doc.error = "error", error
                outcome.new += 1
                record_event(
                    session,
                    source,
                    "new_document",
                    self._severity(src, "normal", baseline, ref),
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
                self._apply_listing(doc, ref, now)
                doc.last_checked = now
                doc.status, doc.error = "error", error

    def _store_version(
        self,
        src: SourceConfig,
        source_id: int,
        ref: DocumentRef,
        response: _Fetched,
        extracted: Extracted,
        known: _Known | None,
        now: datetime,
        outcome: SourceOutcome,
        *,
        reread: bool = False,
    ) -> None:
        """Store a new version and record what it means (new, changed, matches, verdicts).

        reread: the same bytes read again after a failed extraction; its text is news to us,
        not a change by the publisher, so it is checked like a first version."""
        baseline = self._is_baseline(src, outcome)
        text = extracted.text
        text_sha = sha256_text(text)
        with self.store.session() as session:
            source = session.get(SourceRow, source_id)
            if known is None:
                doc = self._new_document(session, source_id, ref, now)
            else:
                doc = session.get(DocumentRow, known.id)
                self._apply_listing(doc, ref, now)
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
            found = {k: v for k, v in jsonable(extracted.meta).items() if v not in ({}, [], None, "")}
            # a warning belongs to the version that raised it: a clean reading clears it
            kept = {k: v for k, v in (doc.meta or {}).items() if k != "read_warning" or extracted.error}
            doc.meta = {**kept, **found}
            self._add_headline(src, doc, extracted)
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
                        self._severity(src, "normal", baseline, ref),
                        f"New: {doc.title}",
                        {**details_common, "baseline": baseline},
                        document=doc,
                        version_id=version.id,
                    )
                detect_for_version(self.config, src, session, source, doc, version, None, baseline=baseline)
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
                detect_for_version(self.config, src, session, source, doc, version, previous, baseline=False)
            warning = found.get("read_warning")
            if warning and (previous is None or reread or previous.text_sha256 != text_sha):
                self._unread_report(session, src, source, doc, version, str(warning), baseline)

    @staticmethod
    def _add_headline(src: SourceConfig, doc: DocumentRow, extracted: Extracted) -> None:
        """A document without grades (a visit letter, a decision, a notice) carries its own
        headline sentences in meta.headline, so the alert says what it found."""
        from monitor.detect.headlines import headline_for, wants_headline

        meta = doc.meta or {}
        if extracted.error or not wants_headline(src.kind, meta):
            return
        headline = headline_for(src.kind, doc.kind or "", doc.title or "", extracted.pages)
        if headline:
            doc.meta = {**meta, "headline": headline}

    @staticmethod
    def _unread_report(session, src: SourceConfig, source: SourceRow, doc: DocumentRow, version: VersionRow, warning: str, baseline: bool) -> None:  # type: ignore[no-untyped-def]
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

    def _mark_removed(self, source_id: int, listed: set[str], outcome: SourceOutcome) -> None:
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


def build_source(src: SourceConfig, http: HttpClient, *, today: date | None = None) -> Source:
    """An adapter instance for one configured source."""
    extra: dict[str, Any] = {"today": today} if today else {}
    context = SourceContext(
        name=src.name,
        base_url=src.common.base_url,
        http=http,
        allowed_hosts=frozenset(h.lower() for h in src.common.allowed_hosts),
        extra=extra,
    )
    return src.source_class(src.settings, context)


def lag_days(published: date | None, found: datetime) -> int | None:
    """Days from the publisher's date to when the monitor found it (None when undated)."""
    return (found.date() - published).days if published else None


def run_pass(config: Config, store: Store, names: Iterable[str] | None = None, **kwargs: Any) -> PassResult:
    """One pass over the named (default: all enabled) sources."""
    return Pipeline(config, store, **kwargs).run(names)
