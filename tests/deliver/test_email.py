"""Alert emails composed from events and sent to a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import email
import email.policy
import json
import logging
import socket
from datetime import date
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from lxml import html as lxml_html
from pydantic import ValidationError

from monitor.deliver.email import (
    DeliveryError,
    compose_alert,
    compose_digest_email,
    send_message,
    send_test_email,
)
from monitor.deliver.settings import DigestSettings, EmailSettings, smtp_password
from monitor.errors import MonitorError

FIXTURES = Path(__file__).parent / "fixtures" / "digest"
PASSWORD = "s3cret-Pa55word!"


def scripted_events() -> list[dict]:
    return json.loads((FIXTURES / "events.json").read_text())["events"]


def by_id(*ids: int) -> list[dict]:
    events = {e["id"]: e for e in scripted_events()}
    return [events[i] for i in ids]


def parts(msg) -> tuple[str, str]:
    parsed = email.message_from_bytes(bytes(msg), policy=email.policy.default)
    return parsed.get_body(("plain",)).get_content(), parsed.get_body(("html",)).get_content()


class Capture:
    """An aiosmtpd handler that keeps every message, or refuses them all with `refuse`."""

    def __init__(self, refuse: str | None = None):
        self.messages: list[dict] = []
        self.refuse = refuse

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.refuse:
            return self.refuse
        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "data": envelope.content,
                "auth": session.authenticated,
            }
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Start a real SMTP server on 127.0.0.1; yields (handler, port)."""
    started = []

    def start(handler: Capture, **kwargs):
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        started.append(controller)
        return port

    yield start
    for controller in started:
        controller.stop()


def settings(port: int, **kw) -> EmailSettings:
    base = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "sender": "monitor@example.org",
        "recipients": ["a@example.org", "b@example.org"],
        "timeout": 5,
    }
    return EmailSettings(**{**base, **kw})


# -- settings ---------------------------------------------------------------------------


def test_settings_validation(monkeypatch):
    with pytest.raises(ValidationError):
        EmailSettings(host="h", sender="x@y.org", recipients=[])
    with pytest.raises(ValidationError):
        EmailSettings(host="h", sender="x@y.org", recipients=["a@b.org"], password="no")
    with pytest.raises(ValidationError):
        EmailSettings(host="h", sender="x@y.org", recipients=["a@b.org"], security="tls")
    with pytest.raises(ValidationError):
        EmailSettings(host="h", sender="x@y.org", recipients=["not an address"])
    ok = EmailSettings(host="smtp.example.org", sender="x@y.org", recipients=["a@b.org"])
    assert (ok.port, ok.security, ok.username, ok.timeout) == (587, "starttls", None, 30)
    assert DigestSettings().time == "07:00" and DigestSettings().email is False
    assert DigestSettings(time="18:45").hour_minute == (18, 45)
    for bad in ("7:00", "24:00", "07:60", "seven"):
        with pytest.raises(ValidationError):
            DigestSettings(time=bad)
    with pytest.raises(ValidationError):
        DigestSettings(when="07:00")
    monkeypatch.delenv("MONITOR_SMTP_PASSWORD", raising=False)
    assert smtp_password() is None
    monkeypatch.setenv("MONITOR_SMTP_PASSWORD", "")
    assert smtp_password() is None
    monkeypatch.setenv("MONITOR_SMTP_PASSWORD", PASSWORD)
    assert smtp_password() == PASSWORD


# -- composing --------------------------------------------------------------------------


def test_one_document_alert(tmp_path: Path):
    msg = compose_alert(by_id(101, 102, 103), data_dir=tmp_path, sender="m@example.org", recipients=["a@example.org"])
    assert msg["Subject"] == (
        "[Ofsted] London Borough of Harrow: Inspection of Harrow local authority children's services published"
        " — Overall: Good -> Inadequate, 'inadequate' x3"
    )
    assert msg["From"] == "m@example.org"
    assert msg["To"] == "a@example.org"
    text, html = parts(msg)
    assert "Ofsted | London Borough of Harrow" in text
    assert "New report: Inspection of Harrow local authority children's services [URGENT]" in text
    assert "Published: 4 March 2025" in text
    assert "  Care leavers: Inadequate" in text
    assert "  Overall: Good -> Inadequate (worse)" in text
    assert "'inadequate' found 3 times:" in text
    assert '  p.1: "Overall effectiveness Inadequate"' in text
    assert '  p.6: "Support for care leavers, which is currently inadequate."' in text
    assert "Publisher's page: https://reports.ofsted.gov.uk/provider/44/80499" in text
    assert "Document: https://files.ofsted.gov.uk/v1/file/50270419" in text
    assert f"Our stored copy: {tmp_path / 'blobs/ab/abcdef0123.pdf'}" in text
    tree = lxml_html.fromstring(html)
    hrefs = tree.xpath("//a/@href")
    assert "https://files.ofsted.gov.uk/v1/file/50270419" in hrefs
    assert "https://reports.ofsted.gov.uk/provider/44/80499" in hrefs
    quotes = [q.text_content() for q in tree.xpath("//blockquote")]
    assert quotes[2] == "Support for care leavers, which is currently inadequate. (page 6)"
    assert str(tmp_path / "blobs/ab/abcdef0123.pdf") in tree.xpath("//code/text()")


def test_grouped_alert_and_hostile_title(tmp_path: Path):
    events = by_id(101, 102, 103, 105, 104, 108)
    msg = compose_alert(events, data_dir=tmp_path, sender="m@example.org", recipients=["a@example.org"])
    assert msg["Subject"] == (
        "[report-monitor] 3 alerts: Ofsted London Borough of Harrow; Council committees Cabinet; CQC cqc-harrow"
    )
    text, html = parts(msg)
    assert "1. [Ofsted] London Borough of Harrow:" in text
    assert "2. [Council committees] Cabinet: Cabinet minutes <script>alert('x')</script> changed" in text
    assert "3. [CQC] cqc-harrow: source broken: https://api.service.cqc.org.uk/public/v1/locations" in text
    assert "What to try: the site may have changed; check the page in a browser" in text
    assert "  + The Cabinet noted the Ofsted judgement of inadequate." in text
    # the HTML body escapes the hostile title
    assert "<script>" not in html
    tree = lxml_html.fromstring(html)
    assert tree.xpath("//script") == []
    assert "Cabinet minutes <script>alert('x')</script>" in tree.text_content()


def test_subject_has_no_newlines_and_urls_are_checked(tmp_path: Path):
    event = {
        "id": 9, "type": "new_document", "severity": "urgent", "source": "s", "source_kind": "page",
        "document_key": "k", "title": "Line one\r\nBcc: victim@example.org", "url": "javascript:alert(1)",
        "created_at": "2025-03-04T10:00:00Z", "details": {"meta": {}},
    }
    msg = compose_alert([event], data_dir=tmp_path, sender="m@example.org", recipients=["a@example.org"])
    assert msg["Subject"] == "[Web page] s: Line one Bcc: victim@example.org published"
    assert msg["Bcc"] is None
    text, html = parts(msg)
    assert "javascript:" not in html and "javascript:" not in text


def test_compose_alert_needs_events(tmp_path: Path):
    with pytest.raises(ValueError):
        compose_alert([], data_dir=tmp_path, sender="m@example.org", recipients=["a@example.org"])


def test_digest_email():
    data = json.loads((FIXTURES / "events.json").read_text())
    msg = compose_digest_email(
        date(2025, 3, 4), data["events"], data["problems"], sender="m@example.org", recipients=["a@example.org"]
    )
    assert msg["Subject"] == "[report-monitor] Daily digest for 4 March 2025: 8 events, 5 urgent"
    text, html = parts(msg)
    assert text == (FIXTURES / "expected.md").read_text(encoding="utf-8")
    assert html.strip() == (FIXTURES / "expected.html").read_text(encoding="utf-8").strip()


# -- sending ----------------------------------------------------------------------------


def test_send_plain_to_real_server(smtp_server, tmp_path: Path):
    handler = Capture()
    port = smtp_server(handler)
    msg = compose_alert(by_id(101, 102), data_dir=tmp_path, sender="monitor@example.org", recipients=["x@example.org"])
    send_message(msg, settings(port), None)
    assert len(handler.messages) == 1
    got = handler.messages[0]
    assert got["from"] == "monitor@example.org"
    assert got["to"] == ["a@example.org", "b@example.org"]  # the settings' recipients are the envelope
    parsed = email.message_from_bytes(got["data"], policy=email.policy.default)
    assert parsed["Subject"] == msg["Subject"]
    assert "'inadequate' x3" in parsed["Subject"]
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert '  p.1: "Overall effectiveness Inadequate"' in text
    assert "<blockquote>Overall effectiveness Inadequate <em>(page 1)</em></blockquote>" in html


def test_send_test_email(smtp_server):
    handler = Capture()
    port = smtp_server(handler)
    sent = send_test_email(settings(port), None)
    assert sent["Subject"] == "[report-monitor] test email"
    parsed = email.message_from_bytes(handler.messages[0]["data"], policy=email.policy.default)
    assert parsed["Subject"] == "[report-monitor] test email"
    assert f"via 127.0.0.1:{port} (none)" in parsed.get_content()


def test_login_with_auth(smtp_server, caplog):
    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"watchdog" and auth_data.password == PASSWORD.encode()
        seen.append((mechanism, ok))
        return AuthResult(success=ok, handled=False)  # let aiosmtpd answer 235 or 535

    handler = Capture()
    port = smtp_server(handler, authenticator=authenticator, auth_require_tls=False)
    caplog.set_level(logging.DEBUG)
    send_test_email(settings(port, username="watchdog"), PASSWORD)
    assert seen and seen[-1][1] is True
    assert handler.messages[0]["auth"] is True
    assert PASSWORD not in caplog.text

    with pytest.raises(DeliveryError) as info:
        send_test_email(settings(port, username="watchdog"), "wrong-" + PASSWORD)
    message = str(info.value)
    assert f"127.0.0.1:{port}" in message
    assert "535" in message
    assert PASSWORD not in message
    assert info.value.__cause__ is None
    assert PASSWORD not in caplog.text
    assert len(handler.messages) == 1


def test_username_without_password_is_refused_before_connecting():
    with pytest.raises(DeliveryError) as info:
        send_message(compose_test_msg(), settings(1, username="watchdog"), None)
    assert "MONITOR_SMTP_PASSWORD" in str(info.value)
    assert "127.0.0.1:1" in str(info.value)


def compose_test_msg():
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["Subject"] = "t"
    msg.set_content("t")
    return msg


def test_server_refuses(smtp_server, caplog):
    handler = Capture(refuse="451 4.3.0 try later")
    port = smtp_server(handler)
    with pytest.raises(DeliveryError) as info:
        send_message(compose_test_msg(), settings(port), PASSWORD)
    assert isinstance(info.value, MonitorError)
    assert f"127.0.0.1:{port}" in str(info.value)
    assert "451" in str(info.value) and "try later" in str(info.value)
    assert PASSWORD not in str(info.value)
    assert PASSWORD not in caplog.text


def test_server_down():
    port = free_port()  # nothing listens here
    with pytest.raises(DeliveryError) as info:
        send_message(compose_test_msg(), settings(port, username="u"), PASSWORD)
    assert f"could not send email via 127.0.0.1:{port}" in str(info.value)
    assert "ConnectionRefusedError" in str(info.value)
    assert PASSWORD not in str(info.value)


def test_starttls_against_a_server_without_it_fails_clearly(smtp_server):
    # aiosmtpd without a TLS context does not offer STARTTLS: we must refuse to send in clear.
    handler = Capture()
    port = smtp_server(handler)
    with pytest.raises(DeliveryError) as info:
        send_message(compose_test_msg(), settings(port, security="starttls"), None)
    assert "STARTTLS" in str(info.value)
    assert handler.messages == []


def test_ssl_against_a_plain_server_fails_clearly(smtp_server):
    handler = Capture()
    port = smtp_server(handler)
    with pytest.raises(DeliveryError) as info:
        send_message(compose_test_msg(), settings(port, security="ssl"), None)
    assert f"127.0.0.1:{port}" in str(info.value)
    assert handler.messages == []
