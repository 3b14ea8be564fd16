"""Source health through the real pipeline, the real command and a real SMTP server:
every failure is loud exactly once, recovery is told once, a changed site is broken, not removals."""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from harness import Monitor
from pdfs import make_pdf
from sqlalchemy import select

from monitor.store.db import Store, utcnow
from monitor.store.models import RunRow, SourceRow


def listing(*names: str) -> str:
    items = "\n".join(f'<li><a href="/files/{n}.pdf">Report {n}</a></li>' for n in names)
    return f"<html><body><main><h1>Reports</h1><ul>{items}</ul></main></body></html>"


class Capture:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    capture = Capture()
    controller = Controller(capture, hostname="127.0.0.1", port=port)
    controller.start()
    yield capture, port
    controller.stop()


def config(url: str, smtp_port: int | None = None, threshold: int = 3) -> str:
    mail = ""
    if smtp_port:
        mail = (
            f"  email:\n    host: 127.0.0.1\n    port: {smtp_port}\n    security: none\n"
            "    sender: monitor@example.org\n    recipients: [watchdog@example.org]\n"
        )
    return f"""
settings:
  per_host_delay: 0
  retries: 0
  retry_backoff: 0.01
  timeout: 5
  failure_threshold: {threshold}
{mail}sources:
  - name: council-reports
    kind: page
    url: {url}/reports
    links: "li a[href]"
    include: '\\.pdf'
"""


@pytest.fixture
def site(server):
    server.add("/reports", listing("a", "b"))
    for name in "ab":
        server.add(f"/files/{name}.pdf", make_pdf([f"Report {name}."]), content_type="application/pdf")
    return server


def of_type(events, type_):
    return [e for e in events if e["type"] == type_]


def source_row(monitor: Monitor) -> SourceRow:
    store = Store(f"sqlite:///{(monitor.data_dir / 'monitor.db').resolve()}", monitor.data_dir)
    try:
        with store.session() as session:
            return session.scalar(select(SourceRow).where(SourceRow.name == "council-reports"))
    finally:
        store.close()


def test_three_failing_passes_give_one_alert_email_and_recovery_is_told_once(site, smtp, tmp_path):
    capture, port = smtp
    monitor = Monitor(tmp_path, config(site.url, port))
    assert monitor.run("run")[0] == 0  # a good baseline
    assert capture.messages == []

    site.add("/reports", "down for maintenance", status=500)
    for attempt in range(1, 6):
        code, out, _err = monitor.run("run")
        assert code == 1
        assert "HTTP 500" in out
        failing = of_type(monitor.events(), "source_failing")
        assert len(failing) == (0 if attempt < 3 else 1), attempt
    errors = of_type(monitor.events(), "source_error")
    assert [e["details"]["consecutive_failures"] for e in errors] == [1, 2, 3, 4, 5]
    assert all(e["severity"] == "info" for e in errors)
    (alert,) = of_type(monitor.events(), "source_failing")
    assert alert["severity"] == "urgent"
    assert alert["source"] == "council-reports"
    assert "3 passes in a row failed" in alert["summary"]
    assert "HTTP 500" in alert["details"]["error"]
    assert alert["details"]["hint"]

    assert len(capture.messages) == 1  # five failed passes, one email
    message = capture.messages[0]
    assert message["To"] == "watchdog@example.org"
    body = message.get_body(("plain",)).get_content()
    # said in words, without the source's config name or the raw error
    assert body.startswith("The monitor could not reach the web page (3 times in a row).")
    assert "council-reports" not in body and "HTTP 500" not in body
    assert "`monitor status`" in body
    row = source_row(monitor)
    assert (row.health, row.consecutive_failures, row.failure_alerted) == ("failing", 5, 1)

    site.add("/reports", listing("a", "b"))
    assert monitor.run("run")[0] == 0
    assert monitor.run("run")[0] == 0
    (recovered,) = of_type(monitor.events(), "source_recovered")
    assert recovered["details"]["failed_passes"] == 5
    assert recovered["details"]["previous_health"] == "failing"
    assert "working again after 5 failed passes" in recovered["summary"]
    assert len(of_type(monitor.events(), "source_failing")) == 1
    row = source_row(monitor)
    assert (row.health, row.consecutive_failures, row.failure_alerted) == ("ok", 0, 0)
    assert not of_type(monitor.events(), "removed")

    # a new streak is a new problem: told again, once
    site.add("/reports", "down again", status=503)
    for _ in range(3):
        monitor.run("run")
    assert len(of_type(monitor.events(), "source_failing")) == 2
    assert len(capture.messages) == 2


def test_hours_without_success_alert_before_the_count(site, tmp_path):
    monitor = Monitor(tmp_path, config(site.url, threshold=10))
    assert monitor.run("run")[0] == 0
    store = Store(f"sqlite:///{(monitor.data_dir / 'monitor.db').resolve()}", monitor.data_dir)
    try:
        with store.session() as session:
            row = session.scalar(select(SourceRow))
            row.last_ok_at = utcnow() - timedelta(hours=50)  # past the default failure_hours of 48
    finally:
        store.close()
    site.add("/reports", "gone", status=500)
    assert monitor.run("run")[0] == 1
    (alert,) = of_type(monitor.events(), "source_failing")
    assert "no successful pass for 50 hours" in alert["summary"]
    assert alert["details"]["consecutive_failures"] == 1
    monitor.run("run")
    assert len(of_type(monitor.events(), "source_failing")) == 1


def test_a_layout_change_is_one_source_broken_and_no_removals(site, smtp, tmp_path):
    capture, port = smtp
    monitor = Monitor(tmp_path, config(site.url, port))
    assert monitor.run("run")[0] == 0
    # the publisher redesigned: the page still answers 200 but the list is gone
    site.add("/reports", "<html><body><main><h1>Reports</h1><div class='cards'></div></main></body></html>")
    for _ in range(3):
        code, out, _ = monitor.run("run")
        assert code == 1
        assert "broken" in out
    events = monitor.events()
    (broken,) = of_type(events, "source_broken")
    assert broken["severity"] == "urgent"
    assert "no documents were marked removed" in broken["summary"]
    assert "gave 0 documents where the last good pass gave 2" in broken["details"]["error"]
    assert of_type(events, "removed") == []
    assert of_type(events, "source_failing") == []
    assert {d["status"] for d in monitor.documents()} == {"ok"}
    assert len(capture.messages) == 1
    assert source_row(monitor).health == "broken"


def test_far_fewer_items_than_usual_is_broken_too(server, tmp_path):
    names = [f"r{i}" for i in range(12)]
    server.add("/reports", listing(*names))
    for name in names:
        server.add(f"/files/{name}.pdf", make_pdf([f"Report {name}."]), content_type="application/pdf")
    monitor = Monitor(tmp_path, config(server.url))
    assert monitor.run("run")[0] == 0
    server.add("/reports", listing("r0", "r1"))  # 2 of 12: under a fifth of the usual
    assert monitor.run("run")[0] == 1
    assert len(of_type(monitor.events(), "source_broken")) == 1
    assert of_type(monitor.events(), "removed") == []
    assert len([d for d in monitor.documents() if d["status"] == "ok"]) == 12


def test_every_pass_records_outcome_duration_items_and_error(site, tmp_path):
    monitor = Monitor(tmp_path, config(site.url))
    monitor.run("run")
    site.add("/reports", "nope", status=500)
    monitor.run("run")
    store = Store(f"sqlite:///{(monitor.data_dir / 'monitor.db').resolve()}", monitor.data_dir)
    try:
        with store.session() as session:
            runs = session.scalars(select(RunRow).order_by(RunRow.id)).all()
    finally:
        store.close()
    assert [(r.outcome, r.items) for r in runs] == [("ok", 2), ("failing", None)]
    assert runs[0].error is None and "HTTP 500" in runs[1].error
    assert all(r.duration > 0 for r in runs)
    assert runs[0].started_at <= runs[1].started_at
    status = {s["source"]: s for s in monitor.json("status")}
    assert status["council-reports"]["health"] == "failing"
    assert status["council-reports"]["consecutive_failures"] == 1


def test_an_interrupted_pass_is_recorded_but_is_not_a_failure(site, tmp_path, monkeypatch):
    from monitor.config import load_config
    from monitor.health import record_outcome
    from monitor.pipeline.one_pass import SourceOutcome

    monitor = Monitor(tmp_path, config(site.url))
    assert monitor.run("run")[0] == 0
    events_before = monitor.events()
    monkeypatch.setenv("MONITOR_DATA_DIR", str(monitor.data_dir))
    cfg = load_config(monitor.config_path)
    store = Store(cfg.database_url, cfg.data_dir)
    try:
        row = source_row(monitor)
        for _ in range(4):
            outcome = SourceOutcome("council-reports", "page", status="interrupted", error="pass interrupted (shutting down)")
            record_outcome(store, cfg, row.id, outcome, utcnow())
        with store.session() as session:
            runs = session.scalars(select(RunRow).order_by(RunRow.id)).all()
    finally:
        store.close()
    assert [r.outcome for r in runs] == ["ok"] + ["interrupted"] * 4
    after = source_row(monitor)
    assert (after.health, after.consecutive_failures, after.failure_alerted) == ("ok", 0, 0)
    assert after.last_run_at == row.last_run_at
    assert monitor.events() == events_before
