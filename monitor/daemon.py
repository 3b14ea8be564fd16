"""`monitor daemon`: decides *when* each source is due and calls the same pass as `monitor run`.

APScheduler 3.x runs one job per enabled source on its own cron schedule, plus the daily
digest job. A job never overlaps itself (max_instances=1), misfires after a sleep are
coalesced into one run, and a jitter spreads sources that share a schedule.

The daemon holds the single-instance lock for its whole life, so a cron `monitor run`
started beside it exits with a clear message instead of racing it.

Signals: SIGTERM/SIGINT stop it (the current document finishes or is abandoned, then it
exits within `stop_timeout` seconds); SIGHUP re-reads sources.yaml (a bad file is logged and
the running configuration is kept).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from monitor.config import Config, SourceConfig, load_config
from monitor.errors import ConfigError
from monitor.http.client import HttpClient
from monitor.lock import InstanceLock
from monitor.pipeline.capacity import Turns, cpu_turns
from monitor.schedule import _cron_dow, cron_trigger, is_due  # noqa: F401 - _cron_dow re-exported for tests
from monitor.store.db import Store, utcnow
from monitor.store.models import RunRow, SourceRow

log = logging.getLogger(__name__)

DIGEST_JOB = "digest"


@dataclass
class DaemonOptions:
    """How the daemon schedules; defaults suit production, tests shorten them."""

    #: seconds of random delay added to every fire time, so sources sharing a schedule spread out
    jitter: float = 60.0
    #: testing: run every source every N seconds instead of its cron schedule
    interval_seconds: float | None = None
    #: a run later than this after its time (the box slept) is skipped; None = always run once, late
    misfire_grace: int | None = 12 * 3600
    #: sources on different hosts may run side by side, up to this many (None: the
    #: `parallel_hosts` setting, `auto` by default: what the machine allows)
    workers: int | None = None
    #: after SIGTERM, wait at most this long for running passes before giving up on them
    stop_timeout: float = 60.0


@dataclass
class JobRun:
    """One finished source job, for status output and tests."""

    source: str
    started: float
    finished: float
    status: str


class Daemon:
    """The scheduler wired to the pipeline. `serve()` for the command; `start()`/`stop()` in tests."""

    def __init__(self, config_path: str | Path | None, options: DaemonOptions | None = None):
        self.config_path = config_path
        self.options = options or DaemonOptions()
        self.config: Config = load_config(config_path)
        self.stop_event = threading.Event()
        self.runs: list[JobRun] = []
        self._wake = threading.Event()
        self._reload_requested = False
        self._lock: InstanceLock | None = None
        self._store: Store | None = None
        self._http: HttpClient | None = None
        self._scheduler: BackgroundScheduler | None = None
        self._deliver_lock = threading.Lock()
        self._running = 0
        #: the jobs running side by side take turns at the processor (monitor/pipeline/capacity.py)
        self._turns = Turns(cpu_turns())
        self._running_cond = threading.Condition()

    # -- life cycle --------------------------------------------------------------------

    def start(self) -> None:
        """Take the lock, open the store and start scheduling. Raises AlreadyRunning."""
        self._lock = InstanceLock(self.config.data_dir)
        self._lock.acquire()
        try:
            self._store = Store(self.config.database_url, self.config.data_dir)
            self._http = self._new_http(self.config)
            self._scheduler = BackgroundScheduler(
                executors={"default": ThreadPoolExecutor(max_workers=self._lanes(self.config))},
                job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": self.options.misfire_grace},
            )
            self._schedule(self.config, first=True)
            self._scheduler.start()
        except BaseException:
            self._lock.release()
            raise
        log.info(
            "daemon started: %d source job(s), digest at %s; pid lock %s",
            len(self.source_jobs()),
            self.config.settings.digest.time,
            self._lock.path,
        )

    def stop(self) -> bool:
        """Stop scheduling, let running passes finish or abandon their work; True when all ended in time."""
        self.stop_event.set()
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        deadline = time.monotonic() + self.options.stop_timeout
        with self._running_cond:
            while self._running and time.monotonic() < deadline:
                self._running_cond.wait(timeout=max(0.0, min(0.5, deadline - time.monotonic())))
            clean = self._running == 0
        if not clean:
            log.error("%d pass(es) still running after %.0fs; exiting without them", self._running, self.options.stop_timeout)
        if clean and self._store is not None:
            self._store.close()
        if self._lock is not None:
            self._lock.release()
        log.info("daemon stopped%s", "" if clean else " (passes abandoned)")
        return clean

    def serve(self) -> bool:
        """Run until SIGTERM/SIGINT (handling SIGHUP as reload); the result of `stop()`."""
        self.start()
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
        }
        try:
            while not self.stop_event.is_set():
                # a timeout, so a signal arriving between the check and the wait is seen promptly
                self._wake.wait(timeout=1.0)
                self._wake.clear()
                if self._reload_requested:
                    self._reload_requested = False
                    self.reload()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self.stop()

    def _on_signal(self, signum: int, _frame: object) -> None:
        # only flags here: logging or scheduler calls are not safe inside a signal handler
        if signum == signal.SIGHUP:
            self._reload_requested = True
        else:
            self.stop_event.set()
        self._wake.set()

    # -- configuration -------------------------------------------------------------------

    def reload(self) -> bool:
        """Re-read sources.yaml; on success reschedule, on failure keep the running config."""
        try:
            config = load_config(self.config_path)
        except ConfigError as exc:
            log.error("reload refused, still running the previous configuration:\n%s", exc)
            return False
        if config.database_url != self.config.database_url or config.data_dir != self.config.data_dir:
            log.error("reload refused: the data directory or database changed; restart the daemon for that")
            return False
        self.config = config
        self._http = self._new_http(config)
        self._schedule(config, first=False)
        log.info("reloaded %s: %d source job(s)", config.path, len(self.source_jobs()))
        return True

    def _lanes(self, config: Config) -> int:
        """Source jobs run side by side at most: --workers, else what `parallel_hosts` allows."""
        if self.options.workers is not None:
            return max(1, self.options.workers)
        from monitor.pipeline.one_pass import pass_lanes

        return pass_lanes(config, [s for s in config.sources if s.common.enabled])

    def _new_http(self, config: Config) -> HttpClient:
        # one client shared by every job, so sources on the same host keep the per-host delay
        assert self._store is not None
        return HttpClient(config.settings.http_settings(), self._store.http_cache(), should_stop=self.stop_event.is_set)

    def source_jobs(self) -> list[str]:
        """Names of the sources currently scheduled."""
        if self._scheduler is None:
            return []
        return sorted(job.id.removeprefix("source:") for job in self._scheduler.get_jobs() if job.id.startswith("source:"))

    def _trigger(self, src: SourceConfig) -> BaseTrigger:
        jitter = self.options.jitter or None
        if self.options.interval_seconds:
            return IntervalTrigger(seconds=self.options.interval_seconds, jitter=int(jitter) if jitter else None)
        return cron_trigger(src.common.schedule, jitter=jitter)

    def _schedule(self, config: Config, *, first: bool) -> None:
        assert self._scheduler is not None and self._store is not None
        wanted = {src.name: src for src in config.sources if src.common.enabled}
        for job in self._scheduler.get_jobs():
            if job.id.startswith("source:") and job.id.removeprefix("source:") not in wanted:
                job.remove()
        with self._store.session() as session:
            rows = {row.name: row for row in session.scalars(select(SourceRow))}
            last_outcome = {
                row.name: session.scalar(
                    select(RunRow.outcome).where(RunRow.source_id == row.id).order_by(RunRow.id.desc()).limit(1)
                )
                for row in rows.values()
            }
        existing = {job.id for job in self._scheduler.get_jobs()}
        for name, src in wanted.items():
            job_id = f"source:{name}"
            trigger = self._trigger(src)
            kwargs: dict[str, Any] = {}
            if job_id not in existing:
                # a memory job store forgets runs missed while the daemon was down: catch up once
                if self._missed(src, rows.get(name), last_outcome.get(name)):
                    kwargs["next_run_time"] = datetime.now(UTC)
                self._scheduler.add_job(self._run_source, trigger, args=[name], id=job_id, name=name, **kwargs)
            else:
                self._scheduler.reschedule_job(job_id, trigger=trigger)
        hour, minute = config.settings.digest.hour_minute
        digest_trigger = CronTrigger(hour=hour, minute=minute)
        if first:
            self._scheduler.add_job(self.run_digest, digest_trigger, id=DIGEST_JOB, name=DIGEST_JOB)
        else:
            self._scheduler.reschedule_job(DIGEST_JOB, trigger=digest_trigger)

    def _missed(self, src: SourceConfig, row: SourceRow | None, last_outcome: str | None) -> bool:
        """Whether a source should run at start: never ran, last run failed or was cut short,
        or a scheduled time passed while the daemon was not running."""
        if row is None or row.last_run_at is None or row.health != "ok" or last_outcome != "ok":
            return True
        last = row.last_run_at.replace(tzinfo=UTC)
        now = datetime.now(UTC)
        if self.options.interval_seconds:
            return now - last >= timedelta(seconds=self.options.interval_seconds)
        return is_due(src.common.schedule, row.last_run_at, now)

    # -- jobs ------------------------------------------------------------------------------

    def _run_source(self, name: str) -> None:
        """One source's pass, through the same Pipeline as `monitor run`."""
        from monitor.cli.common import today_override
        from monitor.deliver.outbox import deliver_after_pass
        from monitor.pipeline.one_pass import Pipeline

        if self.stop_event.is_set():
            return
        config, http, store = self.config, self._http, self._store
        assert store is not None and http is not None
        try:
            config.source(name)
        except ConfigError:
            return  # removed by a reload after this run was queued
        with self._running_cond:
            self._running += 1
        started = time.monotonic()
        status = "error"
        try:
            pipeline = Pipeline(
                config, store, http=http, workers=1, turns=self._turns, today=today_override(), should_stop=self.stop_event.is_set
            )
            result = pipeline.run([name], deliver=False)
            status = result.outcomes[0].status if result.outcomes else "skipped"
            if self.stop_event.is_set():
                # alerts stay pending in the outbox; the next start sends them
                return
            # jobs for different sources may end together: one at a time through the outbox,
            # or two could queue (and send) the same urgent event
            with self._deliver_lock:
                deliver_after_pass(config, store, result)
            for error in result.delivery_errors:
                log.warning("after %s: %s", name, error)
        except Exception:  # noqa: BLE001 - a job must never take the scheduler down
            log.exception("the %s job failed", name)
        finally:
            self.runs.append(JobRun(name, started, time.monotonic(), status))
            with self._running_cond:
                self._running -= 1
                self._running_cond.notify_all()

    def run_digest(self, day: date | None = None) -> None:
        """Write the digest of `day` (default: yesterday, UTC, the last complete day) and email it
        when settings.digest.email is on."""
        from monitor.deliver.email import DeliveryError
        from monitor.deliver.rebuild import email_day_digest, write_day_digest

        config, store = self.config, self._store
        assert store is not None
        day = day or (utcnow().date() - timedelta(days=1))
        try:
            with self._deliver_lock:
                md_path, _html = write_day_digest(store, config, day)
                log.info("wrote digest %s", md_path)
                if config.settings.digest.email and config.settings.email is not None:
                    try:
                        email_day_digest(store, config, day)
                    except DeliveryError as exc:
                        log.error("the digest for %s was written but not emailed: %s", day, exc)
        except Exception:  # noqa: BLE001 - the scheduler must survive a digest bug
            log.exception("the digest job for %s failed", day)
