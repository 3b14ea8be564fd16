"""SIGKILL a real `monitor run` child at chosen and random points (download, extraction,
commit, SMTP send); then a normal pass must complete, the store must pass the integrity
check, every listed document must have exactly one new_document event, and every urgent
event must be emailed exactly once, except in the outbox's documented window (a kill after
the SMTP server accepted a message and before the pass recorded it as sent), where it may
be emailed twice under the same Message-ID.

Five kill points run in `make test`; `make soak` (MONITOR_SOAK=1) adds twenty random ones.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import hashlib
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from integrity import check_store, deliveries, leftover_temp_files, urgent_event_ids
from passes import query
from pdfs import make_pdf
from publisher_server import PublisherServer
from soak import SOAK

ROOT = Path(__file__).resolve().parents[2]
DOCS = 8
SLOW_DOC = 5  # the document whose download is slowed to widen the "during download" window


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SlowSmtp:
    """aiosmtpd handler: keeps accepted messages; optionally waits before (or after) accepting."""

    def __init__(self) -> None:
        self.accepted: list[email.message.EmailMessage] = []
        self.in_data = threading.Event()
        self.accepted_event = threading.Event()
        self.delay_before_accept = 0.0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.in_data.set()
        if self.delay_before_accept:
            await asyncio.sleep(self.delay_before_accept)
        self.accepted.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.accepted_event.set()
        return "250 OK"


class World:
    """A publisher, an SMTP server, a config and a data directory."""

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.data = tmp_path / "data"
        self.site = PublisherServer()
        self.smtp = SlowSmtp()
        self.port = free_port()
        self.controller = Controller(self.smtp, hostname="127.0.0.1", port=self.port)
        self.download_started = threading.Event()
        self.slow_download = 0.0
        self.bodies = {n: make_pdf([f"Report number {n}.", "Children's services were judged inadequate."]) for n in range(DOCS)}

    def __enter__(self) -> World:
        self.site.__enter__()
        self.controller.start()
        port = self.port
        items = "".join(f'<li><a href="/f/r{n}.pdf">Report {n}</a></li>' for n in range(DOCS))
        self.site.add("/reports", f"<html><body><ul>{items}</ul></body></html>")
        for n, body in self.bodies.items():
            if n == SLOW_DOC:
                self.site.add(f"/f/r{n}.pdf", handler=self._slow_handler(body))
            else:
                self.site.add(f"/f/r{n}.pdf", body, content_type="application/pdf")
        (self.tmp / "sources.yaml").write_text(
            f"""settings:
  per_host_delay: 0
  retries: 1
  retry_backoff: 0.01
  timeout: 10
  extract_timeout: 60
  baseline_alerts: true
  email:
    host: 127.0.0.1
    port: {port}
    security: none
    sender: monitor@example.org
    recipients: [watchdog@example.org]
    timeout: 10
sources:
  - name: reports
    kind: page
    url: {self.site.url}/reports
    links: "li a[href]"
    severity: urgent
"""
        )
        return self

    def _slow_handler(self, body: bytes):  # type: ignore[no-untyped-def]
        def handle(_handler):  # type: ignore[no-untyped-def]
            self.download_started.set()
            if self.slow_download:
                time.sleep(self.slow_download)
            return 200, {"Content-Type": "application/pdf"}, body

        return handle

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
        self.site.__exit__()

    def start_pass(self, env: dict[str, str] | None = None) -> subprocess.Popen:
        full = dict(os.environ, MONITOR_DATA_DIR=str(self.data), **(env or {}))
        full.pop("MONITOR_DATABASE_URL", None)
        return subprocess.Popen(
            [sys.executable, "-m", "monitor.cli", "run", "--config", str(self.tmp / "sources.yaml")],
            cwd=ROOT,
            env=full,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group: the kill takes the extraction child too
        )

    @staticmethod
    def kill(proc: subprocess.Popen, *, must_land: bool = True) -> bool:
        """SIGKILL the pass's process group; whether the pass was still running."""
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate(timeout=30)
        landed = proc.returncode == -signal.SIGKILL
        if must_land:
            # it was still running when killed, so the kill landed inside the pass
            assert landed, proc.returncode
        return landed

    def normal_pass(self) -> None:
        self.slow_download = 0.0
        self.smtp.delay_before_accept = 0.0
        proc = self.start_pass()
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, out + err

    def check(self, *, window: bool) -> None:
        """The store is whole, nothing was lost, and each alert went out once (twice at most in the window)."""
        assert check_store(self.data) == []
        keys = {k for (k,) in query(self.data, "SELECT key FROM document")}
        assert keys == {f"{self.site.url}/f/r{n}.pdf" for n in range(DOCS)}
        texts = dict(query(self.data, "SELECT d.key, v.text FROM version v JOIN document d ON d.id = v.document_id"))
        for n in range(DOCS):
            assert texts[f"{self.site.url}/f/r{n}.pdf"] == f"Report number {n}.\fChildren's services were judged inadequate."
        urgent = urgent_event_ids(self.data)
        assert len(urgent) >= DOCS  # a new_document event per report (plus phrase matches)
        rows = deliveries(self.data)
        assert all(status == "sent" for _, status, _, _ in rows), rows
        delivered = [e for _, _, _, events in rows for e in events]
        assert sorted(delivered) == sorted(urgent), "every urgent event in exactly one delivery"
        ids = Counter(m["Message-ID"] for m in self.smtp.accepted)
        assert set(ids) == {f"<delivery-{d}.report-monitor@example.org>" for d, *_ in rows}
        worst = max(ids.values())
        assert worst <= (2 if window else 1), ids


def wait_for(condition, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("the kill point was never reached")
        time.sleep(0.01)


def kill_during_download(world: World) -> None:
    world.slow_download = 5.0
    proc = world.start_pass()
    wait_for(world.download_started.is_set)
    time.sleep(0.2)
    world.kill(proc)


def kill_during_extraction(world: World) -> None:
    sha = hashlib.sha256(world.bodies[3]).hexdigest()
    blob = world.data / "blobs" / sha[:2] / sha[2:4] / sha
    # the extraction child's documented test hook stalls on this blob, so the kill lands inside extraction
    proc = world.start_pass({"MONITOR_EXTRACT_TEST_STALL_ON": sha})
    wait_for(blob.is_file)
    time.sleep(0.3)
    world.kill(proc)


def kill_during_smtp_before_accept(world: World) -> None:
    world.smtp.delay_before_accept = 5.0
    proc = world.start_pass()
    wait_for(world.smtp.in_data.is_set)
    time.sleep(0.2)
    world.kill(proc)
    assert world.smtp.accepted == []


def kill_just_after_smtp_accept(world: World) -> None:
    proc = world.start_pass()
    wait_for(world.smtp.accepted_event.is_set)
    world.kill(proc)


def kill_at(seconds: float, *, must_land: bool = True):  # type: ignore[no-untyped-def]
    def kill(world: World) -> bool:
        proc = world.start_pass()
        time.sleep(seconds)
        return world.kill(proc, must_land=must_land)

    return kill


POINTS = {
    "download": (kill_during_download, False),
    "extraction": (kill_during_extraction, False),
    "commit-1.2s": (kill_at(1.2), False),  # a first pass spends this moment storing versions
    "smtp-before-accept": (kill_during_smtp_before_accept, False),
    "smtp-after-accept": (kill_just_after_smtp_accept, True),
}


def _stored_versions(data: Path) -> int:
    """Versions stored when the kill landed: 0 when it landed before the store's schema was
    written (a slow start on a loaded machine), which the next pass must recover from too."""
    if not (data / "monitor.db").exists():
        return 0
    try:
        return query(data, "SELECT count(*) FROM version")[0][0]
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise
        return 0


@pytest.mark.parametrize("point", list(POINTS))
def test_sigkill_then_a_normal_pass_loses_nothing(point, tmp_path):
    kill, window = POINTS[point]
    with World(tmp_path) as world:
        kill(world)
        versions = _stored_versions(world.data)
        pending = [d for d in deliveries(world.data) if d[1] != "sent"] if versions else []
        print(f"\n{point}: after the kill {versions} of {DOCS} versions stored, {len(pending)} pending deliveries, "
              f"{len(world.smtp.accepted)} messages accepted, {len(leftover_temp_files(world.data))} temp files left")
        world.normal_pass()
        world.check(window=window)
        print(f"{point}: after recovery {len(world.smtp.accepted)} messages accepted, "
              f"{len(leftover_temp_files(world.data))} temp files left in blobs/tmp")
        # and the pass after that finds nothing new and sends nothing
        sent = len(world.smtp.accepted)
        world.normal_pass()
        world.check(window=window)
        assert len(world.smtp.accepted) == sent


def test_a_crash_in_the_first_pass_keeps_the_rest_of_the_baseline_quiet(tmp_path):
    with World(tmp_path) as world:
        config = world.tmp / "sources.yaml"
        config.write_text(config.read_text().replace("  baseline_alerts: true\n", "").replace("    severity: urgent\n", ""))
        kill_during_download(world)
        stored_before = query(world.data, "SELECT count(*) FROM version")[0][0]
        assert 0 < stored_before < DOCS
        world.normal_pass()
        assert check_store(world.data) == []
        rows = query(world.data, "SELECT severity, json_extract(details, '$.baseline') FROM event WHERE type = 'new_document'")
        assert len(rows) == DOCS
        # the first successful pass is the baseline, however many attempts it took
        assert rows == [("info", 1)] * DOCS, rows


SOAK_SEEDS = list(range(20)) if SOAK else []


@pytest.mark.skipif(not SOAK, reason="long variant: make soak (MONITOR_SOAK=1)")
@pytest.mark.parametrize("seed", SOAK_SEEDS or [0])
def test_soak_sigkill_at_random_moments(seed, tmp_path):
    rng = random.Random(seed)
    with World(tmp_path) as world:
        # the slow download keeps the first pass running past the first kill; the second pass
        # (recovering) may finish before its kill, which is fine: a kill may also come late
        world.slow_download = rng.choice([2.0, 3.0])
        world.smtp.delay_before_accept = rng.choice([0.0, 0.5])
        assert kill_at(rng.uniform(0.2, 2.0))(world)
        world.download_started.clear()
        kill_at(rng.uniform(0.2, 4.0), must_land=False)(world)
        world.normal_pass()
        world.check(window=True)
        leftovers = leftover_temp_files(world.data)
        assert len(leftovers) <= 2, leftovers
