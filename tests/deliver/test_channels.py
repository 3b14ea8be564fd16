"""Alerts to chat channels through Apprise (`settings.notify`), through the same outbox as
email: a real local HTTP receiver stands in for a JSON webhook service
(`json://user:${MONITOR_NOTIFY_TOKEN}@127.0.0.1:PORT/path`), a real `monitor run` (in process,
and as a child process killed mid-send), a real SQLite file.
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from harness import Monitor
from pdfs import make_pdf
from webhook_receiver import WebhookReceiver

from monitor.deliver.channels import Channel, ChannelError, channel_message

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "tok-Zx81-s3cret-9431"
ENV = {"MONITOR_NOTIFY_TOKEN": TOKEN, "MONITOR_LOG_JSON": "1"}
FIXTURES = Path(__file__).parent / "fixtures" / "digest"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def hook_url(port: int) -> str:
    return "json://monitor:${MONITOR_NOTIFY_TOKEN}@127.0.0.1:" + str(port) + "/hooks/alerts"


def config(site: str, notify: list[str], smtp_port: int | None = None) -> str:
    mail = ""
    if smtp_port:
        mail = (
            f"  email:\n    host: 127.0.0.1\n    port: {smtp_port}\n    security: none\n"
            "    sender: monitor@example.org\n    recipients: [watchdog@example.org]\n    timeout: 5\n"
        )
    return f"""settings:
  user_agent: "report-monitor (Harrow Watchdog Group; coordinator@harrowwatch.org.uk)"
  per_host_delay: 0
  retries: 0
  timeout: 5
  baseline_alerts: true
  notify: {json.dumps(notify)}
{mail}sources:
  - name: council-reports
    kind: page
    url: {site}/reports
    links: "li a[href]"
    severity: urgent
"""


@pytest.fixture
def site(server):
    server.add("/reports", '<ul><li><a href="/files/a.pdf">Children\'s services inspection</a></li></ul>')
    server.add(
        "/files/a.pdf",
        make_pdf(["Inspection of children's services.", "Leaders have not acted on known risks; the service is inadequate."]),
        content_type="application/pdf",
    )
    return server


class Smtp:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    port = free_port()
    handler = Smtp()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def channel_rows(monitor: Monitor) -> list[dict]:
    return [d for d in monitor.json("deliveries", env=ENV) if d["channel"] != "email"]


def written(monitor: Monitor, *outputs: str) -> str:
    """Everything the monitor wrote where a person or a log reader could see it."""
    logs = "".join(p.read_text() for p in (monitor.data_dir / "logs").glob("*")) if (monitor.data_dir / "logs").exists() else ""
    code, deliveries, err = monitor.run("deliveries", "--json", env=ENV)
    return "\n".join([*outputs, logs, deliveries, err, monitor.run("deliveries", env=ENV)[1]])


def start_pass(monitor: Monitor) -> subprocess.Popen:
    env = dict(os.environ, MONITOR_DATA_DIR=str(monitor.data_dir), PYTHONPATH=str(ROOT), **ENV)
    env.pop("MONITOR_DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "run", "-v", "--config", str(monitor.config_path)],
        cwd=monitor.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def test_one_alert_arrives_exactly_once_through_a_refusal_a_kill_and_a_restart(site, tmp_path):
    with WebhookReceiver() as hook:
        monitor = Monitor(tmp_path, config(site.url, [hook_url(hook.port)]))
        outputs = []

        # 1. the service is unavailable: the alert stays in the outbox, pending
        hook.status = 503
        code, out, err = monitor.run("run", "-v", env=ENV)
        outputs += [out, err]
        assert code == 1, out + err
        assert "Alert not sent to JSON (json://monitor:****@" in out and "(will retry next pass)" in out
        assert len(hook.posts) == 1 and hook.accepted == []
        (row,) = channel_rows(monitor)
        assert (row["status"], row["attempts"]) == ("pending", 1)
        assert row["channel"].startswith("notify-") and row["recipient"].startswith("JSON (json://monitor:****@127.0.0.1:")
        assert "503" in row["last_error"]
        urgent = row["event_ids"]
        assert len(urgent) >= 2  # the new report and its "inadequate"

        # 2. the next pass is killed while its POST waits for an answer (not accepted)
        hook.hold, hook.arrived = True, type(hook.arrived)()
        proc = start_pass(monitor)
        assert hook.arrived.wait(60), "the retry never reached the receiver"
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        outputs += [out, err]
        assert proc.returncode == -signal.SIGKILL
        hook.release.set()
        time.sleep(0.2)
        assert hook.accepted == []
        (row,) = channel_rows(monitor)
        assert (row["status"], row["attempts"]) == ("pending", 2)

        # 3. restarted, the service up: the alert arrives, once
        hook.hold, hook.status = False, 200
        code, out, err = monitor.run("run", "-v", env=ENV)
        outputs += [out, err]
        assert code == 0, out + err
        assert "1 alert message(s) sent to chat channels." in out
        assert len(hook.accepted) == 1
        (row,) = channel_rows(monitor)
        assert (row["status"], row["attempts"], row["event_ids"], row["last_error"]) == ("sent", 3, urgent, None)

        # 4. and never again
        code, out, err = monitor.run("run", "-v", env=ENV)
        outputs += [out, err]
        assert code == 0, out + err
        assert len(hook.accepted) == 1 and len(channel_rows(monitor)) == 1

        post = hook.accepted[0]
        assert post["path"] == "/hooks/alerts"
        # the secret came from the environment into the request, and nowhere else
        assert post["headers"]["Authorization"] == "Basic " + base64.b64encode(f"monitor:{TOKEN}".encode()).decode()
        message = post["json"]
        assert message["type"] == "warning"
        assert message["title"] == "Web page published “Children's services inspection”, which mentions “inadequate”"
        assert message["message"].startswith("Web page published “Children's services inspection”")
        assert "“Leaders have not acted on known risks; the service is inadequate.” (p. 2)" in message["message"]
        assert f"{site.url}/files/a.pdf" in message["message"]
        assert row["subject"] == message["title"]
        everything = written(monitor, *outputs)
        assert TOKEN not in everything
        assert "alert" in everything  # the log file was written (the check above read something)


def test_a_dead_endpoint_leaves_the_alert_pending_and_it_is_retried_later(site, smtp, tmp_path):
    handler, smtp_port = smtp
    port = free_port()  # nothing listens here yet
    monitor = Monitor(tmp_path, config(site.url, [hook_url(port)], smtp_port))
    code, out, err = monitor.run("run", env=ENV)
    assert code == 1
    assert len(handler.messages) == 1  # email is its own channel: sent at once
    (row,) = channel_rows(monitor)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert "connection" in row["last_error"].lower()

    code, out, err = monitor.run("run", env=ENV)  # nothing new: only the retry
    assert code == 1
    (row,) = channel_rows(monitor)
    assert (row["status"], row["attempts"]) == ("pending", 2)
    table = monitor.run("deliveries", env=ENV)[1]
    assert "email" in table and "JSON (json://monitor:****@127.0.0.1" in table and "pending" in table

    with WebhookReceiver(port) as hook:
        assert monitor.run("run", env=ENV)[0] == 0
        assert monitor.run("run", env=ENV)[0] == 0
        assert len(hook.accepted) == 1
    (row,) = channel_rows(monitor)
    assert (row["status"], row["attempts"]) == ("sent", 3)
    assert len(handler.messages) == 1  # the email was never sent twice
    assert TOKEN not in written(monitor, out, err)


def test_send_test_reaches_every_channel_and_email(smtp, tmp_path):
    handler, smtp_port = smtp
    with WebhookReceiver() as hook, WebhookReceiver() as other:
        monitor = Monitor(tmp_path, config("http://127.0.0.1:9", [hook_url(hook.port)], smtp_port))
        code, out, err = monitor.run("send-test", env=ENV)
        assert code == 0, out + err
        assert "test email sent to watchdog@example.org" in out
        assert f"test sent to JSON (json://monitor:****@127.0.0.1:{hook.port}/hooks/alerts)" in out
        assert len(handler.messages) == 1 and len(hook.accepted) == 1
        assert hook.accepted[0]["json"]["title"] == "report-monitor: test message"
        assert hook.accepted[0]["json"]["type"] == "info"

        # --channel: that URL only, configured or not
        code, out, err = monitor.run("send-test", "--channel", f"json://127.0.0.1:{other.port}/try", env=ENV)
        assert code == 0, err
        assert out.strip() == f"test sent to JSON (json://127.0.0.1:{other.port}/try)"
        assert len(other.accepted) == 1 and len(hook.accepted) == 1 and len(handler.messages) == 1

        # a dead one fails plainly, with no secret
        dead = "json://monitor:${MONITOR_NOTIFY_TOKEN}@127.0.0.1:" + str(free_port()) + "/x"
        code, out, err = monitor.run("send-test", "--channel", dead, env=ENV)
        assert code == 1
        assert "test not sent to JSON (json://monitor:****@127.0.0.1:" in err
        assert TOKEN not in out + err
        # an unset variable is named
        code, out, err = monitor.run("send-test", env={"MONITOR_NOTIFY_TOKEN": ""})
        assert code == 1 and "MONITOR_NOTIFY_TOKEN is not set in the environment" in err
        assert "test email sent" in out and len(handler.messages) == 2  # the other channels still tried
        assert monitor.run("send-test", "--channel", "not a url", env=ENV)[0] == 2
        # send-test-email stays
        code, out, _ = monitor.run("send-test-email", env=ENV)
        assert code == 0 and len(handler.messages) == 3


def test_send_test_with_nothing_configured_is_a_usage_error(tmp_path):
    monitor = Monitor(tmp_path, config("http://127.0.0.1:9", []))
    code, _, err = monitor.run("send-test")
    assert code == 2 and "neither settings.email nor settings.notify" in err


def test_notify_urls_are_checked_with_file_line_and_key(tmp_path):
    monitor = Monitor(tmp_path, config("http://127.0.0.1:9", ["json://127.0.0.1:9/ok", "telegram token here"]))
    code, _, err = monitor.run("check-config")
    assert code == 2
    assert "sources.yaml:" in err and "settings.notify" in err and "is not a channel URL" in err

    monitor.write_config(config("http://127.0.0.1:9", [hook_url(9), "nosuchservice://x/y"]))
    code, out, err = monitor.run("check-config", env={"MONITOR_NOTIFY_TOKEN": ""})
    assert code == 0, err
    assert "warning: settings.notify[0]: MONITOR_NOTIFY_TOKEN is not set in the environment" in out
    assert "warning: settings.notify[1]: Apprise does not recognise this URL" in out
    code, out, err = monitor.run("doctor", "--offline", env={"MONITOR_NOTIFY_TOKEN": TOKEN})
    assert TOKEN not in out + err
    assert "JSON (json://monitor:****@127.0.0.1:9/hooks/alerts)" in out


def test_a_channel_secret_is_kept_out_of_errors_and_labels(monkeypatch):
    monkeypatch.setenv("MONITOR_NOTIFY_TOKEN", TOKEN)
    channel = Channel("json://127.0.0.1:9/hook?+X-Api-Key=${MONITOR_NOTIFY_TOKEN}")
    assert channel.env_names() == ["MONITOR_NOTIFY_TOKEN"]
    assert TOKEN in channel.resolved()
    assert TOKEN not in channel.label() and channel.label() == "JSON (json://127.0.0.1:9/hook)"
    assert channel.redact(f"refused {TOKEN} at /hook") == "refused *** at /hook"
    assert channel.ident == Channel(channel.url).ident != Channel("json://127.0.0.1:9/other").ident
    assert len(channel.ident) <= 20  # the delivery row's channel column
    monkeypatch.delenv("MONITOR_NOTIFY_TOKEN")
    with pytest.raises(ChannelError, match="MONITOR_NOTIFY_TOKEN is not set"):
        channel.resolved()


def test_the_message_says_each_judgement_once_in_plain_words():
    """A chat message is the alert email's subject and plain text, without its footer."""
    events = {e["id"]: e for e in json.loads((FIXTURES / "events.json").read_text())["events"]}
    title, body = channel_message([events[101], events[102], events[103]])
    assert title == "Harrow: Ofsted judged children's services inadequate (was good)"
    assert len(title) <= 100
    lines = body.splitlines()
    assert lines[0] == "Ofsted judged Harrow's children's services inadequate overall (was good), published 4 March 2025."
    assert lines[2:7] == [
        "The other judgements:",
        "  Impact of leaders: requires improvement to be good",
        "  Help and protection: good",
        "  Children in care: good",
        "  Care leavers: inadequate",
    ]
    assert "Read the report: https://files.ofsted.gov.uk/v1/file/50270419" in lines
    assert not any(line.startswith("--") or "Sent at once" in line for line in lines)
    # never a row of the grade table as a quote; prose quotes for an ungraded document
    title, body = channel_message([events[104], events[105]])
    assert "“The Cabinet noted the Ofsted judgement of inadequate.” (p. 2)" in body
    assert "impact_of_leaders" not in body and "blobs/" not in body and "rating_change" not in body

    title, body = channel_message([events[101], events[103], events[108]])
    assert title == "Harrow: Ofsted judged children's services inadequate (was good) (and one more alert)"
    assert "The monitor can no longer read the CQC's site" in body
