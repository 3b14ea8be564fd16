"""The daemon: schedules, no overlap, digest job, signals (as a real child process), reload."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from harness import Monitor
from pdfs import make_pdf
from publisher_server import PublisherServer
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from monitor.daemon import Daemon, DaemonOptions, _cron_dow, cron_trigger
from monitor.lock import InstanceLock
from monitor.store.db import Store
from monitor.store.models import DocumentRow, EventRow, RunRow, SourceRow, VersionRow

ROOT = Path(__file__).resolve().parents[2]


def listing(*names: str) -> str:
    items = "\n".join(f'<li><a href="/files/{n}.pdf">Report {n}</a></li>' for n in names)
    return f"<html><body><h1>Reports</h1><ul>{items}</ul></body></html>"


def source_yaml(name: str, url: str, path: str = "/reports") -> str:
    return f"""  - name: {name}
    kind: page
    url: {url}{path}
    links: "li a[href]"
    include: '\\.pdf'
"""


def config_text(*sources: str, extra_settings: str = "") -> str:
    return (
        "settings:\n  per_host_delay: 0\n  retries: 0\n  retry_backoff: 0.01\n  timeout: 10\n"
        + extra_settings
        + "sources:\n"
        + "".join(sources)
    )


def slow(seconds: float, body: bytes, content_type: str = "text/html; charset=utf-8", entered: threading.Event | None = None):
    """A route handler that takes `seconds` to answer."""

    def handler(_request):  # type: ignore[no-untyped-def]
        if entered is not None:
            entered.set()
        time.sleep(seconds)
        return 200, {"Content-Type": content_type}, body

    return handler


def wait_for(condition, timeout: float = 30.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def open_store(data_dir: Path, *, migrate: bool = True) -> Store:
    return Store(f"sqlite:///{(data_dir / 'monitor.db').resolve()}", data_dir, migrate=migrate)


def runs_of(data_dir: Path, name: str) -> list[RunRow]:
    if not (data_dir / "monitor.db").exists():
        return []
    # never migrate from the test: the daemon may be creating the schema at this moment
    store = open_store(data_dir, migrate=False)
    try:
        with store.session() as session:
            return list(
                session.scalars(select(RunRow).join(SourceRow).where(SourceRow.name == name).order_by(RunRow.id))
            )
    except OperationalError:  # the daemon has not created the tables yet
        return []
    finally:
        store.close()


# -- cron reading ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, names",
    [
        ("1", "mon"),
        ("0", "sun"),
        ("7", "sun"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("5-7", "sun,fri,sat"),
        ("*/2", "sun,tue,thu,sat"),
        ("0,6", "sun,sat"),
        ("mon-fri", "mon-fri"),
        ("*", "*"),
    ],
)
def test_cron_day_of_week_is_read_as_cron_reads_it(field, names):
    assert _cron_dow(field) == names


def test_monday_schedule_fires_on_monday_not_tuesday():
    from zoneinfo import ZoneInfo

    utc = ZoneInfo("UTC")
    trigger = cron_trigger("0 7 * * 1", timezone=utc)
    sunday = datetime(2026, 11, 22, 12, 0, tzinfo=utc)
    fire = trigger.get_next_fire_time(None, sunday)
    assert fire == datetime(2026, 11, 23, 7, 0, tzinfo=utc)
    assert fire.strftime("%A") == "Monday"


# -- in-process scheduling -------------------------------------------------------------------------


def test_each_source_runs_on_its_interval_without_overlap(tmp_path, monkeypatch):
    with PublisherServer() as fast_site, PublisherServer() as slow_site:
        fast_site.add("/reports", listing())
        # the slow listing takes longer than the interval: the scheduler must skip, not overlap
        slow_site.add("/reports", handler=slow(1.6, listing().encode()))
        monitor = Monitor(tmp_path, config_text(source_yaml("fast", fast_site.url), source_yaml("slow", slow_site.url)))
        monkeypatch.setenv("MONITOR_DATA_DIR", str(monitor.data_dir))
        daemon = Daemon(monitor.config_path, DaemonOptions(jitter=0, interval_seconds=1, workers=4, stop_timeout=10))
        daemon.start()
        try:
            assert daemon.source_jobs() == ["fast", "slow"]
            time.sleep(6.5)
        finally:
            stopped_at = time.monotonic()
            assert daemon.stop() is True

        # a run cut short by the stop is recorded as failing; every run before it is ok
        assert all(r.status == "ok" for r in daemon.runs if r.finished < stopped_at), daemon.runs
        fast = [r for r in daemon.runs if r.source == "fast"]
        slow_runs = [r for r in daemon.runs if r.source == "slow"]
        # the fast source ran about once a second from the start (caught up at once, then on schedule)
        assert 5 <= len(fast) <= 8, fast
        starts = [r.started for r in fast]
        gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
        assert all(0.7 <= g <= 1.6 for g in gaps), gaps
        # the slow one ran several times, never two at once
        assert 2 <= len(slow_runs) <= 4, slow_runs
        for before, after in zip(slow_runs, slow_runs[1:], strict=False):
            assert after.started >= before.finished
        # and each run went through the real pipeline: one run row per job, listings fetched
        assert len(runs_of(monitor.data_dir, "fast")) == len(fast)
        assert len(runs_of(monitor.data_dir, "slow")) == len(slow_runs)
        assert len(fast_site.hits_for("/reports")) == len(fast)
        assert len(slow_site.hits_for("/reports")) == len(slow_runs)
        # the lock went with the daemon
        with InstanceLock(monitor.data_dir):
            pass


def test_a_disabled_source_gets_no_job_and_reload_reschedules(server, tmp_path, monkeypatch):
    server.add("/reports", listing())
    monitor = Monitor(
        tmp_path, config_text(source_yaml("one", server.url), source_yaml("two", server.url) + "    enabled: false\n")
    )
    monkeypatch.setenv("MONITOR_DATA_DIR", str(monitor.data_dir))
    daemon = Daemon(monitor.config_path, DaemonOptions(jitter=0, interval_seconds=60, stop_timeout=10))
    daemon.start()
    try:
        assert daemon.source_jobs() == ["one"]
        monitor.write_config("sources: [\n")
        assert daemon.reload() is False
        assert daemon.source_jobs() == ["one"]
        monitor.write_config(config_text(source_yaml("two", server.url), source_yaml("three", server.url)))
        assert daemon.reload() is True
        assert daemon.source_jobs() == ["three", "two"]
    finally:
        assert daemon.stop() is True


def test_start_runs_only_what_was_missed_or_cut_short(server, tmp_path, monkeypatch):
    from datetime import timedelta

    from monitor.store.db import utcnow

    server.add("/reports", listing())
    monitor = Monitor(
        tmp_path,
        config_text(
            source_yaml("fresh", server.url),
            source_yaml("cut-short", server.url),
            source_yaml("overdue", server.url) + "    schedule: '0 * * * *'\n",
            source_yaml("never", server.url),
        ),
    )
    for name in ("fresh", "cut-short", "overdue"):
        assert monitor.run("run", "--source", name)[0] == 0
    store = open_store(monitor.data_dir)
    try:
        with store.session() as session:
            rows = {r.name: r for r in session.scalars(select(SourceRow))}
            session.add(RunRow(source_id=rows["cut-short"].id, started_at=utcnow(), outcome="interrupted"))
            # the box was off over the top of the hour: one run is owed, not several
            rows["overdue"].last_run_at = utcnow() - timedelta(hours=3)
    finally:
        store.close()
    monkeypatch.setenv("MONITOR_DATA_DIR", str(monitor.data_dir))
    # cron schedules, not an interval: "fresh" ran just now and its next time (07:00) is ahead
    daemon = Daemon(monitor.config_path, DaemonOptions(jitter=0, stop_timeout=10))
    daemon.start()
    try:
        wait_for(lambda: len(daemon.runs) >= 3, 20, "the catch-up runs")
        time.sleep(1.0)
    finally:
        assert daemon.stop() is True
    assert sorted(r.source for r in daemon.runs) == ["cut-short", "never", "overdue"]
    assert all(r.status == "ok" for r in daemon.runs)


class Capture:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope.content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_digest_job_writes_the_day_and_emails_it(server, tmp_path, monkeypatch):
    server.add("/reports", listing())
    capture, port = Capture(), free_port()
    controller = Controller(capture, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        email = (
            f"  email:\n    host: 127.0.0.1\n    port: {port}\n    security: none\n"
            "    sender: monitor@example.org\n    recipients: [watch@example.org]\n"
            "  digest:\n    time: '06:30'\n    email: true\n"
        )
        monitor = Monitor(tmp_path, config_text(source_yaml("one", server.url), extra_settings=email))
        monkeypatch.setenv("MONITOR_DATA_DIR", str(monitor.data_dir))
        daemon = Daemon(monitor.config_path, DaemonOptions(jitter=0, interval_seconds=3600, stop_timeout=10))
        daemon.start()
        try:
            job = daemon._scheduler.get_job("digest")  # type: ignore[union-attr]
            assert (job.next_run_time.hour, job.next_run_time.minute) == (6, 30)
            day = datetime(2026, 3, 4).date()
            daemon.run_digest(day)
        finally:
            assert daemon.stop() is True
    finally:
        controller.stop()
    assert (monitor.data_dir / "digests" / "2026-03-04.md").is_file()
    assert (monitor.data_dir / "digests" / "2026-03-04.html").is_file()
    assert len(capture.messages) == 1
    assert b"watch@example.org" in capture.messages[0]
    assert b"2026" in capture.messages[0].split(b"Subject:", 1)[1].split(b"\n", 1)[0]


# -- a real child process ------------------------------------------------------------------------------


class Child:
    """`python -m monitor.cli daemon` as systemd would run it, stderr kept in a file."""

    def __init__(self, monitor: Monitor, *args: str):
        self.log = monitor.root / f"daemon-{time.monotonic_ns()}.log"
        env = {**os.environ, "MONITOR_DATA_DIR": str(monitor.data_dir), "PYTHONUNBUFFERED": "1"}
        env.pop("MONITOR_DATABASE_URL", None)
        self._log_file = open(self.log, "wb")  # noqa: SIM115 - closed in wait()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "monitor.cli", "daemon", "--config", str(monitor.config_path), "--jitter", "0", *args],
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self._log_file.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self._log_file.close()


@pytest.fixture
def children():
    started: list[Child] = []
    yield started
    for child in started:
        child.kill()


def test_sigterm_mid_pass_leaves_a_consistent_store_and_the_next_start_resumes(server, tmp_path, children):
    entered = threading.Event()
    server.add("/reports", listing("a", "b", "c"))
    server.add("/files/a.pdf", make_pdf(["Report A."]), content_type="application/pdf")
    server.add("/files/b.pdf", handler=slow(2.5, make_pdf(["Report B."]), "application/pdf", entered))
    server.add("/files/c.pdf", make_pdf(["Report C."]), content_type="application/pdf")
    monitor = Monitor(tmp_path, config_text(source_yaml("reports", server.url)))

    child = Child(monitor, "--interval-seconds", "3600", "--stop-timeout", "20")
    children.append(child)
    assert entered.wait(40), child.output()  # the first start catches up at once and reaches b
    sent = time.monotonic()
    child.signal(signal.SIGTERM)
    assert child.wait(20) == 0, child.output()
    assert time.monotonic() - sent < 10  # bounded: the slow download was abandoned, not waited out
    assert "daemon stopped" in child.output()

    store = open_store(monitor.data_dir)
    try:
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        with store.session() as session:
            versions = session.scalars(select(VersionRow)).all()
            docs = {d.key.rsplit("/", 1)[-1]: d for d in session.scalars(select(DocumentRow))}
            assert docs["a.pdf"].status == "ok" and len(docs["a.pdf"].versions) == 1
            assert "c.pdf" not in docs  # the pass stopped before reaching c
            assert all(store.blobs.verify(v.sha256) for v in versions)
            assert not docs.get("b.pdf") or not docs["b.pdf"].versions
        assert not [p for p in (monitor.data_dir / "blobs" / "tmp").glob("*")]
    finally:
        store.close()
    with InstanceLock(monitor.data_dir):
        pass  # released

    # the next start: b is quick now, and the interrupted pass is redone at once
    server.add("/files/b.pdf", make_pdf(["Report B."]), content_type="application/pdf")
    child = Child(monitor, "--interval-seconds", "3600")
    children.append(child)

    def done() -> bool:
        runs = runs_of(monitor.data_dir, "reports")
        return bool(runs) and runs[-1].outcome == "ok"

    wait_for(done, 40, "the resumed pass")
    child.signal(signal.SIGTERM)
    assert child.wait(20) == 0, child.output()
    store = open_store(monitor.data_dir)
    try:
        with store.session() as session:
            docs = {d.key.rsplit("/", 1)[-1]: d for d in session.scalars(select(DocumentRow))}
            assert sorted(docs) == ["a.pdf", "b.pdf", "c.pdf"]
            assert [len(d.versions) for _, d in sorted(docs.items())] == [1, 1, 1]
            assert all(d.status == "ok" for d in docs.values())
            new_events = session.execute(
                select(EventRow.document_id, func.count()).where(EventRow.type == "new_document").group_by(EventRow.document_id)
            ).all()
            assert sorted(n for _, n in new_events) == [1, 1, 1]  # nobody is told twice
            assert session.scalar(select(SourceRow.health)) == "ok"
    finally:
        store.close()
    assert len(server.hits_for("/files/a.pdf")) == 1  # a was not fetched again


def test_sighup_with_a_broken_file_keeps_the_old_config(server, tmp_path, children):
    server.add("/one", listing())
    server.add("/two", listing())
    monitor = Monitor(tmp_path, config_text(source_yaml("one", server.url, "/one")))
    child = Child(monitor, "--interval-seconds", "1", "--log-json")
    children.append(child)
    wait_for(lambda: len(runs_of(monitor.data_dir, "one")) >= 1, 40, "the first run")

    # while the daemon runs, a cron `monitor run` is turned away with a clear message
    code, _out, err = monitor.run("run")
    assert code == 75
    assert "another monitor (pid" in err and "already working on" in err

    monitor.write_config("settings:\n  per_host_delay: -1\nsources: []\n")
    child.signal(signal.SIGHUP)
    wait_for(lambda: "reload refused" in child.output(), 20, "the reload error")
    assert "per_host_delay" in child.output()
    assert child.proc.poll() is None
    seen = len(runs_of(monitor.data_dir, "one"))
    wait_for(lambda: len(runs_of(monitor.data_dir, "one")) >= seen + 2, 20, "the old config to keep running")

    monitor.write_config(config_text(source_yaml("one", server.url, "/one"), source_yaml("two", server.url, "/two")))
    child.signal(signal.SIGHUP)
    wait_for(lambda: len(runs_of(monitor.data_dir, "two")) >= 1, 20, "the new source to run")
    assert "reloaded" in child.output()
    child.signal(signal.SIGINT)
    assert child.wait(20) == 0, child.output()
    # the same story in the JSON log file, one object a line
    records = [json.loads(line) for line in (monitor.data_dir / "logs" / "monitor.jsonl").read_text().splitlines()]
    messages = [r["message"] for r in records]
    assert any(m.startswith("daemon started: 1 source job(s)") for m in messages)
    assert any(m.startswith("reload refused") and r["level"] == "ERROR" for m, r in zip(messages, records, strict=True))
    assert any(m.startswith("reloaded") and "2 source job(s)" in m for m in messages)
    assert messages[-1] == "daemon stopped"
