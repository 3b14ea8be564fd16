"""One pass: sources -> store -> detect -> deliver. The only road through the house.

`monitor run` and the daemon both call `run_pass`; nothing else fetches, writes versions or
sends mail.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import OperationalError

from monitor.config import Config, SourceConfig
from monitor.errors import BlockedError, FetchError, ListingBrokenError
from monitor.evidence import RecordingHttp
from monitor.extract.pool import Extractor
from monitor.health import record_incomplete, record_outcome
from monitor.http.client import HttpClient
from monitor.pipeline.capacity import Turns, cpu_turns, host_lanes
from monitor.pipeline.fetching import Fetcher
from monitor.pipeline.known_documents import Bookkeeping, Known, load_known
from monitor.pipeline.listing import (
    BROKEN_SHARE,
    Evidence,
    build_source,
    check_size,
    cross_check,
    dedupe,
    source_row,
    source_rows,
)
from monitor.pipeline.pass_result import PassResult, SourceOutcome
from monitor.pipeline.peers import record_peer_context
from monitor.pipeline.recording import Recorder, lag_days
from monitor.sources.base import DocumentRef, Source, host_of
from monitor.sources.listing_cache import ListingCache, listing_cache_dir
from monitor.store.db import Store, utcnow

# the names callers import from here (the pass's result types and helpers live in their own modules)
__all__ = ["BROKEN_SHARE", "PassResult", "Pipeline", "SourceOutcome", "build_source", "lag_days", "run_pass"]

log = logging.getLogger(__name__)


class _Done(Exception):
    """A cross-check or peer-context source's pass is complete (it has no documents to process)."""


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
        workers: int | None = None,
        turns: Turns | None = None,
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
        #: hosts worked on at once: `--workers`, else `parallel_hosts` (monitor/pipeline/capacity.py)
        self.workers = workers
        self.turns = turns or Turns(cpu_turns())
        self.http.waiting = self.turns.waiting
        self.on_source_done = on_source_done
        self.recorder = Recorder(config, store)
        #: the listings' parses kept between passes: an unchanged page is not parsed again
        self.listing_cache = ListingCache(listing_cache_dir(config.data_dir))
        #: the sources' rows as the pass found them (read in one query), each taken by its source
        self._source_rows: dict[str, Row[Any]] = {}

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
        self.listing_cache.prune_now_and_then()
        self._source_rows = source_rows(self.store)
        # sources on one host run one after another (the per-host delay serialises them
        # anyway); different hosts run side by side
        groups: dict[str, list[SourceConfig]] = {}
        # cross-checks compare with what the other sources stored: they go last
        cross_checks = [s for s in chosen if s.source_class.cross_check]
        # the national picture first: a rating change found in this pass carries it
        contexts = [s for s in chosen if s.source_class.context_source]
        for src in chosen:
            if src not in cross_checks and src not in contexts:
                groups.setdefault(host_key(src), []).append(src)

        def run_group(group: list[SourceConfig]) -> list[SourceOutcome]:
            outcomes = []
            for src in group:
                if self.should_stop():
                    break
                with self.turns.turn():
                    outcome = self.run_source(src)
                outcomes.append(outcome)
                if self.on_source_done:
                    self.on_source_done(outcome)
            return outcomes

        try:
            result.outcomes.extend(run_group(contexts))
            lanes = self.lanes(len(groups))
            if lanes == 1:
                for group in groups.values():
                    result.outcomes.extend(run_group(group))
            else:
                # hosts with most sources first: when there are more hosts than lanes, the
                # longest lanes must not be the last to start
                busiest = sorted(groups.values(), key=len, reverse=True)
                with ThreadPoolExecutor(max_workers=lanes, thread_name_prefix="host") as pool:
                    for outcomes in pool.map(run_group, busiest):
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
        """Bring data/site/ up to date when the pass found something (or there is no site yet):
        only the pages whose inputs changed are rewritten (monitor/site/builder.py), and a quiet
        pass leaves the site as it was."""
        from monitor.site import build_site

        out = self.config.data_dir / "site"
        busy = any(o.new or o.changed or o.removed or o.failed for o in result.outcomes)
        if not busy and (out / "index.html").exists():
            return
        try:
            build_site(self.config, self.store, out)
        except Exception:  # noqa: BLE001 - the site is a view; a bug in it must not fail the pass
            log.exception("could not rebuild the site in %s", out)

    def lanes(self, hosts: int) -> int:
        """Hosts worked on side by side in a pass over `hosts` different hosts."""
        if self.workers is not None:
            return max(1, min(self.workers, hosts))
        return host_lanes(self.config.settings.parallel_hosts, hosts)


    def run_source(self, src: SourceConfig) -> SourceOutcome:
        """List one source, store what is new or changed, record events and health."""
        started = time.monotonic()
        started_at = utcnow()
        outcome = SourceOutcome(src.name, src.kind)
        known_row = self._source_rows.pop(src.name, None)
        if known_row is not None and known_row.kind == src.kind:
            # read with every other source's at the start of the pass; only this source's own
            # outcome, recorded below, changes it
            source_id, previous_count, last_ok_at = known_row.id, known_row.last_item_count, known_row.last_ok_at
        else:
            with self.store.session() as session:
                row = source_row(session, src)
                source_id, previous_count, last_ok_at = row.id, row.last_item_count, row.last_ok_at
        # until a pass over the source has completed, everything found is the baseline (a
        # first pass cut short by a crash or shutdown must not turn into a flood of alerts)
        outcome.baseline = last_ok_at is None
        recorder = RecordingHttp(self.http)
        evidence = Evidence(self.config, self.http)
        adapter: Source | None = None
        listed: list[DocumentRef] = []
        try:
            adapter = build_source(src, recorder, today=self.today, listing_cache=self.listing_cache)  # type: ignore[arg-type]
            if adapter.cross_check:
                cross_check(self.config, self.store, evidence, src, source_id, adapter, recorder, outcome)
                raise _Done
            if adapter.context_source:
                record_peer_context(self.store, src, source_id, adapter, outcome)
                raise _Done
            refs = dedupe(adapter.list_documents())
            listed = refs
            outcome.listed = len(refs)
            check_size(refs, previous_count)
            known = self._fetch_all(src, source_id, adapter, refs, outcome)
            incomplete = getattr(adapter, "listing_incomplete", False)
            if incomplete:
                # part of the listing could not be read (a meeting's pack page): what was read
                # is stored, nothing is marked removed, and the pass says so
                outcome.incomplete = [str(r) for r in getattr(adapter, "incomplete_reasons", [])] or ["part of the listing could not be read"]
                log.warning("%s: listing incomplete: %s", src.name, "; ".join(outcome.incomplete))
            if adapter.complete_listing and not incomplete:
                self.recorder.mark_removed(source_id, {r.key for r in refs}, outcome, known=known)

        except _Done:
            pass
        except BlockedError as exc:
            outcome.status, outcome.error, outcome.hint = "blocked", f"blocked by the publisher: {exc}", exc.hint
            outcome.evidence = evidence.save(src, outcome.error, recorder)
        except ListingBrokenError as exc:
            outcome.status, outcome.error = "broken", f"listing looks broken: {exc}"
            outcome.evidence = evidence.save(src, outcome.error, recorder)
            outcome.hint = (
                "the publisher may have changed its site; check the page in a browser, then run "
                f"`monitor capture {src.name}` and attach the folder to a bug report"
                + (f" (the answers are saved in {outcome.evidence})" if outcome.evidence else "")
            )
        except FetchError as exc:
            outcome.status, outcome.error = "failing", str(exc)
            # an unreachable host (monitor/http/reach.py) says what to check itself
            outcome.hint = getattr(exc, "hint", None) or "the site may be down or unreachable; the next pass tries again"
        except OperationalError:
            raise  # the database itself failed: not this source's fault, and the pass cannot go on
        except Exception as exc:  # noqa: BLE001 - one source's bug must not stop the others
            log.exception("source %s failed", src.name)
            outcome.status, outcome.error = "failing", f"{type(exc).__name__}: {exc}"
            outcome.hint = "this looks like a bug in the monitor; please report it with the log"
        if outcome.status == "ok" and outcome.baseline:
            evidence.capture_first_pass(src, recorder, listed)
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

    def _fetch_all(
        self, src: SourceConfig, source_id: int, adapter: Source, refs: list[DocumentRef], outcome: SourceOutcome
    ) -> dict[str, Known]:
        """Every listed document: what the store knows of them read in one query, the unchanged
        ones' bookkeeping written in one commit at the end (even when the listing's work stops
        early: what was seen stays seen). Returns that snapshot of the stored documents."""
        known = load_known(self.store, source_id)
        book = Bookkeeping(self.store)
        fetcher = Fetcher(self.config, self.store, self.http, self.extractor, self.recorder, self.should_stop)
        try:
            for ref in refs:
                if self.should_stop():
                    raise FetchError(ref.url, "pass interrupted (shutting down)")
                fetcher.process(src, source_id, adapter, ref, known.get(ref.key), book, outcome)
        finally:
            book.flush()
        return known

    def _link_responses(self, since: datetime) -> None:
        """Link the council papers stored in this pass to the findings they answer."""
        from monitor.responses import link_new_answers

        try:
            link_new_answers(self.config, self.store, since)
        except OperationalError:
            raise
        except Exception:  # noqa: BLE001 - a linking bug must not cost the pass its alerts
            log.exception("linking council answers to findings failed; the documents are stored")


def host_key(src: SourceConfig) -> str:
    """Sources on one host share a lane (page and feed sources name their host in `url`)."""
    where = src.common.base_url or getattr(src.settings, "url", None) or src.source_class.default_base_url
    return host_of(where or "") or src.name


def pass_lanes(config: Config, sources: Iterable[SourceConfig]) -> int:
    """Lanes for a pass over these sources at the configured `parallel_hosts`."""
    return host_lanes(config.settings.parallel_hosts, len({host_key(s) for s in sources}))


def run_pass(config: Config, store: Store, names: Iterable[str] | None = None, **kwargs: Any) -> PassResult:
    """One pass over the named (default: all enabled) sources."""
    return Pipeline(config, store, **kwargs).run(names)
