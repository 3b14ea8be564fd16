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
from typing import Any

from monitor.deliver.digest import digest_subject, render_digest
from monitor.deliver.labels import SEVERITY_RANK, capitalise, cut_words, one_line, plural
from monitor.deliver.render import SUBJECT_LIMIT, environment, group_events, item_view
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


def alert_subject(items: list[dict[str, Any]]) -> str:
    """The subject of an alert: the most urgent item's verdict, then how many more, at most
    100 characters ("Harrow: Ofsted judged children's services inadequate (was good)")."""
    first = items[0]["subject"]
    if len(items) == 1:
        return first
    more = f" (and {plural(len(items) - 1, 'more alert')})"
    return cut_words(first, SUBJECT_LIMIT - len(more)) + more


def compose_alert(
    events: list[dict[str, Any]],
    *,
    sender: str,
    recipients: list[str],
    context: list[dict[str, Any]] | None = None,
    about: dict[str, str] | None = None,
) -> EmailMessage:
    """One email for the urgent events of one pass: one document's story, or several.

    Events about the same document (new_document + phrase_match + rating_change) become one
    item, told from its verdict sentence down. `context` holds other events about the same
    documents (the report whose grade changes are urgent), to complete their facts without
    telling them as news; `about` names whom each source is about ({source name: "Harrow"}),
    for problems with a source. The subject is the most urgent item's verdict, at most 100
    characters; nothing in the message is a path on the server or a name from the config.
    """
    if not events:
        raise ValueError("compose_alert needs at least one event")
    groups = group_events(events, context=context)
    for group in groups:
        group.about_hint = (about or {}).get(str(group.main.get("source"))) or None
    items = sorted(
        (item_view(group) for group in groups),
        key=lambda item: (SEVERITY_RANK.get(item["severity"], 3), item["problem"]),
    )
    subject = alert_subject(items)
    intro = f"{capitalise(plural(len(items), 'thing'))} you asked to hear about at once:"
    context_vars = {"items": items, "subject": subject, "intro": intro}
    msg = _new_message(subject, sender, recipients)
    msg.set_content(environment(autoescape=False).get_template("alert.txt.j2").render(context_vars))
    msg.add_alternative(environment(autoescape=True).get_template("alert.html.j2").render(context_vars), subtype="html")
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
    """The daily digest as an email: the same markdown (as plain text) and HTML as the files;
    its subject is the day and the start of its summary."""
    markdown, html = render_digest(day, events, problems, unanswered)
    msg = _new_message(digest_subject(day, events, problems, unanswered), sender, recipients)
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
