"""Alerts where the group already talks: any channel the Apprise library supports (Telegram,
Signal, Slack, Matrix, Microsoft Teams, ntfy, Discord, a JSON webhook...), configured as
`settings.notify: [URL, ...]`.

A URL names its secrets as `${NAME}`, replaced from the environment when a message is sent
(`tgram://${MONITOR_TELEGRAM_TOKEN}/-1001234567`), so sources.yaml holds no secret. The
values put in are never written anywhere: they are redacted from every error, from the
delivery rows and (registered with monitor.ops.logsetup) from every log line; Apprise's own
log, which quotes whole URLs, is caught here instead of reaching the log.

A channel is known by its URL as written (`Channel.ident`, the delivery row's `channel`), so
a token rotated in the environment is the same channel; the outbox (monitor/deliver/outbox.py)
sends each alert once per channel. The message is `channel_message`: the same events in
plain words, title and body (docs/CHANNELS.md).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from monitor.errors import MonitorError

#: `${NAME}` in a URL: replaced by the environment variable NAME when sending
ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: what stands in for a secret in anything written
REDACTED = "***"
#: a URL as sources.yaml may give it: a scheme, "://", and no spaces
URL_SHAPE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
#: query parameters whose values are secrets whatever the service (Apprise's "+Header=value"
#: headers, tokens, keys, passwords)
_SECRET_PARAM = re.compile(r"^\+|token|key|secret|pass|auth", re.I)
TITLE_LIMIT = 100

log = logging.getLogger(__name__)


class ChannelError(MonitorError):
    """A message could not be sent to a channel; the text holds no secret."""


def _quiet_apprise() -> None:
    """Keep Apprise's log (which quotes URLs with their secrets) out of the monitor's log;
    `send` reads its warnings through a callback instead."""
    apprise_log = logging.getLogger("apprise")
    apprise_log.propagate = False
    if not apprise_log.handlers:
        apprise_log.addHandler(logging.NullHandler())


@dataclass(frozen=True)
class Channel:
    """One entry of `settings.notify`: an Apprise URL with `${NAME}` references."""

    url: str

    @property
    def ident(self) -> str:
        """The channel's name in the outbox: "notify-" and 12 hex digits of the URL as written."""
        return "notify-" + hashlib.sha256(self.url.encode()).hexdigest()[:12]

    def env_names(self) -> list[str]:
        """The environment variables the URL refers to, in order."""
        return list(dict.fromkeys(ENV_REF.findall(self.url)))

    def missing(self) -> list[str]:
        """The referenced variables that are unset or empty."""
        return [name for name in self.env_names() if not os.environ.get(name)]

    def resolved(self) -> str:
        """The URL with each `${NAME}` replaced; ChannelError naming a variable not set."""
        missing = self.missing()
        if missing:
            raise ChannelError(f"{', '.join(missing)} is not set in the environment, so this channel cannot be used")
        url = ENV_REF.sub(lambda m: os.environ[m.group(1)], self.url)
        _register_secrets(self._secrets_in(url))
        return url

    def _secrets_in(self, url: str) -> list[str]:
        values = [os.environ.get(name) or "" for name in self.env_names()]
        parts = urlsplit(url)
        try:
            values.append(parts.password or "")
        except ValueError:
            pass
        for pair in parts.query.split("&"):
            key, _, value = pair.partition("=")
            if _SECRET_PARAM.search(key):
                values.append(value)
        # very short values would blank out ordinary words (as monitor.ops.logsetup reasons)
        return sorted({v for v in values if len(v) >= 4}, key=len, reverse=True)

    def secrets(self) -> list[str]:
        """Every value of this URL that must never be written: the environment's values it
        takes, a password, header and token parameters."""
        try:
            return self._secrets_in(ENV_REF.sub(lambda m: os.environ.get(m.group(1)) or "", self.url))
        except ValueError:
            return []

    def redact(self, text: str) -> str:
        """`text` with every secret of this channel replaced by ***."""
        for secret in self.secrets():
            text = text.replace(secret, REDACTED)
        return text

    def label(self) -> str:
        """The channel as a person may see it, with no secret: "JSON (json://127.0.0.1:8080/hook)",
        "Telegram (tgram://1...9/-1001234567)"."""
        scheme = self.url.split("://", 1)[0]
        plugin = None
        if not self.missing():
            try:
                plugin = _plugin(self.resolved())
            except ChannelError:
                plugin = None
        if plugin is None:
            return f"{scheme}://… (not usable: {self.problem() or 'unknown'})"
        shown = urlsplit(plugin.url(privacy=True))
        # the query holds Apprise's defaults and any header secrets: left out
        text = urlunsplit((shown.scheme, shown.netloc, shown.path.rstrip("/"), "", ""))
        return f"{plugin.service_name} ({self.redact(text)})"

    def problem(self) -> str | None:
        """Why this channel cannot be sent to as configured (a variable not set, a URL Apprise
        does not understand), or None."""
        missing = self.missing()
        if missing:
            return f"{', '.join(missing)} is not set in the environment"
        try:
            if _plugin(self.resolved()) is None:
                return "Apprise does not recognise this URL (check the service's URL format in Apprise's documentation)"
        except ChannelError as exc:
            return str(exc)
        return None


_SECRETS_REGISTERED: set[str] = set()


def _register_secrets(values: list[str]) -> None:
    """Hand the values to the log's redaction filter, once each."""
    new = [v for v in values if v not in _SECRETS_REGISTERED]
    if new:
        from monitor.ops.logsetup import add_secrets

        _SECRETS_REGISTERED.update(new)
        add_secrets(new)


def _plugin(url: str) -> Any:
    """Apprise's plugin object for a URL, or None when Apprise does not understand it."""
    import apprise

    _quiet_apprise()
    try:
        return apprise.Apprise.instantiate(url)
    except Exception:  # noqa: BLE001 - any parse failure means "not a usable URL"
        return None


def channels_of(settings: Any) -> list[Channel]:
    """The channels of `settings.notify`, in order, each once."""
    return [Channel(url) for url in dict.fromkeys(getattr(settings, "notify", None) or [])]


def send(channel: Channel, title: str, body: str, *, urgent: bool = True) -> None:
    """Send one message; ChannelError (with no secret in it) when the service did not take it."""
    import apprise

    _quiet_apprise()
    url = channel.resolved()
    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise ChannelError(channel.problem() or "Apprise does not recognise this URL")
    said: list[str] = []

    def keep(entry: Any, _plugin: Any) -> None:
        if entry.level in ("WARNING", "ERROR", "CRITICAL"):
            said.append(str(entry.message))

    try:
        ok = notifier.notify(
            body=body,
            title=title,
            notify_type=apprise.NotifyType.WARNING if urgent else apprise.NotifyType.INFO,
            body_format=apprise.NotifyFormat.TEXT,
            log_callback=keep,
            log_level=logging.WARNING,
        )
    except Exception as exc:  # noqa: BLE001 - a plugin's own failure is a failed send, said safely
        raise ChannelError(channel.redact(f"{type(exc).__name__}: {exc}")) from None
    if not ok:
        reason = " ".join(dict.fromkeys(said)) or "the service did not accept the message"
        raise ChannelError(channel.redact(reason))


# -- the message -------------------------------------------------------------------------


def channel_message(
    events: list[dict[str, Any]],
    *,
    context: list[dict[str, Any]] | None = None,
    about: dict[str, str] | None = None,
) -> tuple[str, str]:
    """(title, body) of one chat message about these events (`monitor events --json` shapes):
    the alert email's subject and plain text, so every channel says the same thing in the
    same words (the verdict sentence first, each judgement once); without the email's footer,
    which speaks of email. The title is at most 100 characters."""
    from monitor.deliver.email import compose_alert
    from monitor.deliver.labels import one_line

    message = compose_alert(events, sender="report-monitor@localhost", recipients=[], context=context, about=about)
    text = message.get_body(preferencelist=("plain",)).get_content()
    body = text.split("\n--\n", 1)[0].strip()
    return one_line(str(message["Subject"]), TITLE_LIMIT), body


TEST_TITLE = "report-monitor: test message"
TEST_BODY = (
    "This is a test from report-monitor. If you can read it, alerts about new or damning reports "
    "will reach you here."
)
