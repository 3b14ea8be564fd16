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


def alert(*ids: int, **kw):
    return compose_alert(by_id(*ids), sender="m@example.org", recipients=["a@example.org"], **kw)


def test_one_document_alert():
    msg = alert(101, 102, 103)
    assert msg["Subject"] == "Harrow: Ofsted judged children's services inadequate (was good)"
    assert msg["From"] == "m@example.org"
    assert msg["To"] == "a@example.org"
    text, html = parts(msg)
    lines = text.splitlines()
    # the verdict sentence first, each other judgement once with its change
    assert lines[0] == "Ofsted judged Harrow's children's services inadequate overall (was good), published 4 March 2025."
    assert "The other judgements:\n  Impact of leaders: requires improvement to be good\n" in text
    assert "  Care leavers: inadequate\n" in text
    assert "Overall" not in text
    # the two grade-table rows among the quotes are left out; the prose stays
    assert "It mentions “inadequate” 3 times.\n  “Support for care leavers, which is currently inadequate.” (p. 6)\n" in text
    assert "Overall effectiveness Inadequate" not in text and "care leavers Inadequate" not in text
    assert "Read the report: https://files.ofsted.gov.uk/v1/file/50270419" in text
    assert "Ofsted's page: https://reports.ofsted.gov.uk/provider/44/80499" in text
    # the stored copy is said in words, never as a path on the server
    assert "A copy is kept by the monitor." in text
    assert "blobs" not in text and "blobs" not in html
    tree = lxml_html.fromstring(html)
    hrefs = tree.xpath("//a/@href")
    assert "https://files.ofsted.gov.uk/v1/file/50270419" in hrefs
    assert "https://reports.ofsted.gov.uk/provider/44/80499" in hrefs
    assert tree.xpath("//h1")[0].text_content() == lines[0]
    quotes = [q.text_content() for q in tree.xpath("//blockquote")]
    assert quotes == ["“Support for care leavers, which is currently inadequate.” (p. 6)"]
    assert [u.text_content() for u in tree.xpath("//*[@class='urgent']")] == ["Urgent"]


def test_an_alert_of_grade_changes_tells_the_report_it_belongs_to():
    # the outbox sends the urgent events; the report's own event comes as context
    alone = alert(102, 103)
    assert parts(alone)[0].splitlines()[0] == "Ofsted judged Harrow's children's services inadequate overall (was good)."
    told = alert(102, 103, context=by_id(101))
    assert told["Subject"] == alert(101, 102, 103)["Subject"]
    assert parts(told)[0].splitlines()[0] == (
        "Ofsted judged Harrow's children's services inadequate overall (was good), published 4 March 2025."
    )


def test_grouped_alert_and_hostile_title():
    msg = alert(101, 102, 103, 105, 104, 108, about={"cqc-harrow": "Elmgrove House"})
    assert msg["Subject"] == "Harrow: Ofsted judged children's services inadequate (was good) (and two more alerts)"
    text, html = parts(msg)
    assert text.startswith("Three things you asked to hear about at once:\n\n1. Ofsted judged Harrow's")
    assert "\n2. Council committees changed “Cabinet minutes <script>alert('x')</script>” (2 sentences added, 1 removed).\n" in text
    assert (
        "\n3. The monitor can no longer read the CQC's site for Elmgrove House: it answers, but not with the list it used to."
        " Anything published since may be missing here until it is fixed.\n"
    ) in text
    # said once: the quoted sentence is not repeated among the lines the new version added
    assert text.count("The Cabinet noted the Ofsted judgement of inadequate.") == 1
    assert "  + A report will follow in April." in text
    # no raw error, no config name, no path
    assert "api.service.cqc.org.uk" not in text and "cqc-harrow" not in text and "locations" not in text
    # the HTML body escapes the hostile title
    assert "<script>" not in html
    tree = lxml_html.fromstring(html)
    assert tree.xpath("//script") == []
    assert "Cabinet minutes <script>alert('x')</script>" in tree.text_content()


def test_subjects_stay_within_100_characters():
    long_title = "Inspection of the London Borough of Harrow local authority children's services " + "and more words " * 12
    event = {**by_id(101)[0], "title": long_title}
    event["details"] = {**event["details"], "meta": {**event["details"]["meta"], "judgements": {"impact_of_leaders": "Inadequate", "help_and_protection": "Inadequate", "in_care": "Inadequate", "care_leavers": "Inadequate"}}}
    for events in ([event], by_id(106), by_id(104, 105), by_id(107), by_id(108), [event, *by_id(104, 105, 106, 108)]):
        msg = compose_alert(events, sender="m@example.org", recipients=["a@example.org"])
        assert len(msg["Subject"]) <= 100, msg["Subject"]
        assert "\n" not in msg["Subject"]
    # a 2026-framework report has no overall grade: the worst judgements lead
    msg = compose_alert([event], sender="m@example.org", recipients=["a@example.org"])
    assert msg["Subject"].startswith("Harrow: Ofsted judged ")
    assert parts(msg)[0].splitlines()[0].startswith("Ofsted judged Harrow's ")
    assert "inadequate in every judgement" in parts(msg)[0].splitlines()[0]
    worst_two = {**event, "details": {**event["details"], "meta": {**event["details"]["meta"], "judgements": {
        "impact_of_leaders": "Inadequate", "help_and_protection": "Inadequate", "in_care": "Good", "care_leavers": "Good"}}}}
    msg = compose_alert([worst_two], sender="m@example.org", recipients=["a@example.org"])
    assert "inadequate for impact of leaders and for help and protection, published 4 March 2025." in parts(msg)[0].splitlines()[0]
    assert len(msg["Subject"]) <= 100


def test_subject_has_no_newlines_and_urls_are_checked():
    event = {
        "id": 9, "type": "new_document", "severity": "urgent", "source": "s", "source_kind": "page",
        "document_key": "k", "title": "Line one\r\nBcc: victim@example.org", "url": "javascript:alert(1)",
        "created_at": "2025-03-04T10:00:00Z", "details": {"meta": {}},
    }
    msg = compose_alert([event], sender="m@example.org", recipients=["a@example.org"])
    assert msg["Subject"] == "Web page published “Line one Bcc: victim@example.org”"
    assert msg["Bcc"] is None
    text, html = parts(msg)
    assert "javascript:" not in html and "javascript:" not in text


def test_compose_alert_needs_events():
    with pytest.raises(ValueError):
        compose_alert([], sender="m@example.org", recipients=["a@example.org"])


def test_digest_email():
    data = json.loads((FIXTURES / "events.json").read_text())
    msg = compose_digest_email(
        date(2025, 3, 4), data["events"], data["problems"], sender="m@example.org", recipients=["a@example.org"]
    )
    assert msg["Subject"] == (
        "Digest for 4 March 2025: Ofsted judged Harrow's children's services inadequate overall (was good)…"
    )
    assert len(msg["Subject"]) <= 100
    text, html = parts(msg)
    assert text == (FIXTURES / "expected.md").read_text(encoding="utf-8")
    assert html.strip() == (FIXTURES / "expected.html").read_text(encoding="utf-8").strip()


# -- sending ----------------------------------------------------------------------------


def test_send_plain_to_real_server(smtp_server, tmp_path: Path):
    handler = Capture()
    port = smtp_server(handler)
    msg = compose_alert(by_id(101, 102), sender="monitor@example.org", recipients=["x@example.org"])
    send_message(msg, settings(port), None)
    assert len(handler.messages) == 1
    got = handler.messages[0]
    assert got["from"] == "monitor@example.org"
    assert got["to"] == ["a@example.org", "b@example.org"]  # the settings' recipients are the envelope
    parsed = email.message_from_bytes(got["data"], policy=email.policy.default)
    assert parsed["Subject"] == msg["Subject"] == "Harrow: Ofsted judged children's services inadequate"
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert "  “Support for care leavers, which is currently inadequate.” (p. 6)" in text
    assert "<blockquote>“Support for care leavers, which is currently inadequate.” <span class=\"source\">(p. 6)</span></blockquote>" in html


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
