"""Alert and digest emails: composed from events (plain text + HTML) and sent over SMTP.

Composing and sending are separate so the outbox can store a composed message and retry
sending it; `send_message` raises `DeliveryError` (never containing the password) so the
outbox can record the failure and try again later.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from monitor.deliver.digest import events_of_day, render_digest
from monitor.deliver.render import environment, format_day, group_events, item_view, one_line
from monitor.deliver.settings import EmailSettings
from monitor.errors import MonitorError

log = logging.getLogger(__name__)

APP = "report-monitor"


class DeliveryError(MonitorError):
    """An email could not be sent; the message names the server (host:port), never the password."""

    def __init__(self, host: str, port: int, reason: str):
        self.host = host
        self.port = port
        self.reason = reason
        super().__init__(f"could not send email via {host}:{port}: {reason}")


def _new_message(subject: str, sender: str, recipients: list[str]) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = one_line(subject, 250)
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    return msg


def compose_alert(
    events: list[dict[str, Any]], *, data_dir: Path, sender: str, recipients: list[str]
) -> EmailMessage:
    """One email for the urgent events of one pass: one document's story, or a grouped list.

    Events about the same document (new_document + phrase_match + rating_change) become one
    item. The subject names the publisher, provider and verdict, e.g. "[Ofsted] London
    Borough of Harrow: Inspection of Harrow ... published — Overall effectiveness:
    Inadequate, 'inadequate' x3"; with several items, "[report-monitor] 3 alerts: ...".
    """
    if not events:
        raise ValueError("compose_alert needs at least one event")
    groups = group_events(events)
    items = [item_view(group, data_dir) for group in groups]
    if len(items) == 1:
        subject = items[0]["subject"]
        intro = "report-monitor found something you asked to hear about at once."
    else:
        summaries = "; ".join(f"{item['publisher']} {item['provider']}" for item in items)
        subject = f"[{APP}] {len(items)} alerts: {summaries}"
        intro = f"report-monitor found {len(items)} things you asked to hear about at once."
    subject = one_line(subject, 200)
    context = {"items": items, "subject": subject, "intro": intro}
    msg = _new_message(subject, sender, recipients)
    msg.set_content(environment(autoescape=False).get_template("alert.txt.j2").render(context))
    msg.add_alternative(environment(autoescape=True).get_template("alert.html.j2").render(context), subtype="html")
    return msg


def compose_digest_email(
    day: date,
    events: list[dict[str, Any]],
    problems: list[dict[str, Any]],
    *,
    sender: str,
    recipients: list[str],
    unanswered: list[dict[str, Any]] | None = None,
) -> EmailMessage:
    """The daily digest as an email: the same markdown (as plain text) and HTML as the files."""
    markdown, html = render_digest(day, events, problems, unanswered)
    todays = events_of_day(day, events)
    urgent = sum(1 for event in todays if event.get("severity") == "urgent")
    subject = f"[{APP}] Daily digest for {format_day(day)}: {len(todays)} event{'s' if len(todays) != 1 else ''}"
    if urgent:
        subject += f", {urgent} urgent"
    msg = _new_message(subject, sender, recipients)
    msg.set_content(markdown)
    msg.add_alternative(html, subtype="html")
    return msg


def _reason(exc: BaseException, password: str | None) -> str:
    """A readable reason; the password scrubbed should a server ever echo it back."""
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        text = f"server said {exc.smtp_code} {detail}"
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        text = "every recipient was refused: " + ", ".join(sorted(exc.recipients))
    else:
        text = f"{type(exc).__name__}: {exc}"
    if password:
        text = text.replace(password, "***")
    return one_line(text, 500)


@contextmanager
def smtp_session(settings: EmailSettings, password: str | None) -> Iterator[smtplib.SMTP]:
    """A connected, logged-in SMTP session; DeliveryError (never holding the password) on failure.

    security "ssl" connects with implicit TLS, "starttls" upgrades a plain connection (and
    fails rather than send in clear if the server cannot), "none" sends in clear (for a
    relay on localhost). Logs in only when `username` is set.
    """
    host, port = settings.host, settings.port
    if settings.username and not password:
        raise DeliveryError(host, port, "a username is set but MONITOR_SMTP_PASSWORD is empty")
    smtp: smtplib.SMTP | None = None
    try:
        if settings.security == "ssl":
            smtp = smtplib.SMTP_SSL(host, port, timeout=settings.timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=settings.timeout)
            if settings.security == "starttls":
                smtp.ehlo()
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
        if settings.username:
            smtp.login(settings.username, password or "")
        yield smtp
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        # `from None`: the chained exception is not ours to vouch for (it could carry credentials).
        raise DeliveryError(host, port, _reason(exc, password)) from None
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def send_message(msg: EmailMessage, settings: EmailSettings, password: str | None) -> None:
    """Send `msg` through the SMTP server in `settings`; raise DeliveryError on any failure."""
    host, port = settings.host, settings.port
    with smtp_session(settings, password) as smtp:
        refused = smtp.send_message(msg, from_addr=settings.sender, to_addrs=settings.recipients)
        if refused:
            log.warning("%s:%s refused %d recipient(s): %s", host, port, len(refused), ", ".join(sorted(refused)))
    log.info("sent %r to %d recipient(s) via %s:%s", msg["Subject"], len(settings.recipients), host, port)


def send_test_email(settings: EmailSettings, password: str | None) -> EmailMessage:
    """Send a short test email to the configured recipients; returns the message sent."""
    msg = _new_message(f"[{APP}] test email", settings.sender, settings.recipients)
    msg.set_content(
        "This is a test from report-monitor.\n\n"
        f"It was sent via {settings.host}:{settings.port} ({settings.security}). "
        "If you can read this, alerts will reach you.\n"
    )
    send_message(msg, settings, password)
    return msg
