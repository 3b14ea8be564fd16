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


def _grade(value: Any) -> str:
    """A grade inside a sentence: "Inadequate" -> "inadequate" (acronyms kept)."""
    from monitor.deliver.labels import one_line

    text = one_line(value)
    return text if text.isupper() else text[:1].lower() + text[1:]


def _published(event: dict[str, Any]) -> str | None:
    from monitor.dates import iso_day
    from monitor.deliver.labels import format_day

    day = iso_day((event.get("details") or {}).get("published"))
    return format_day(day) if day else None


def _document_lines(events: list[dict[str, Any]]) -> tuple[str, list[str], str | None]:
    """(heading, lines, the verdict for a title) for the events of one document."""
    from monitor.deliver.labels import meta_of, one_line, publisher_label, safe_url
    from monitor.detect.verdicts import field_label, headline_verdict, verdict_of
    from monitor.sources import profile_of

    first = events[0]
    kind = first.get("source_kind")
    profile = profile_of(kind)
    title = one_line(next((e.get("title") for e in events if e.get("title")), None) or first.get("document_key") or "a document")
    heading = f"{publisher_label(kind)}: {title}"
    by_type: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_type.setdefault(str(event.get("type")), []).append(event)
    lines: list[str] = []
    new = by_type.get("new_document", [])
    changes = {
        str((e.get("details") or {}).get("field")): e.get("details") or {} for e in by_type.get("rating_change", [])
    }
    if new:
        when = _published(new[0])
        lines.append(f"Published {when}." if when else "Newly published.")
    if by_type.get("changed"):
        what = one_line((by_type["changed"][0].get("details") or {}).get("summary"))
        lines.append("The document changed" + (f": {what}." if what else "."))
    if by_type.get("removed"):
        lines.append("It was removed from the publisher's site (we keep our copy).")
    verdicts = verdict_of(profile, meta_of(new[0])) if new else {}
    headline = None
    top = headline_verdict(verdicts, profile) if verdicts else None
    if top:
        # the headline judgement first
        verdicts = {top[0]: verdicts[top[0]], **{k: v for k, v in verdicts.items() if k != top[0]}}
    # each judgement once, its change on the same line
    for name, grade in verdicts.items():
        change = changes.pop(name, None)
        was = f" (was {_grade(change.get('from'))})" if change else ""
        lines.append(f"{field_label(name)}: {_grade(grade)}{was}")
    for name, change in changes.items():
        lines.append(f"{field_label(name)}: {_grade(change.get('to'))} (was {_grade(change.get('from'))})")
    if top:
        change = next((e.get("details") for e in by_type.get("rating_change", []) if (e.get("details") or {}).get("field") == top[0]), None)
        headline = f"{field_label(top[0]).lower()} {_grade(top[1])}" + (f" (was {_grade(change.get('from'))})" if change else "")
    elif by_type.get("rating_change"):
        details = by_type["rating_change"][0].get("details") or {}
        headline = f"{field_label(str(details.get('field'))).lower()} {_grade(details.get('to'))} (was {_grade(details.get('from'))})"
    # a graded document's grades are its headline: its phrase matches are mostly grade-table rows
    quotes = _quotes(events, phrases=not verdicts and not changes and not by_type.get("rating_change"))
    lines.extend(f"“{q['text']}” (page {q['page']})" for q in quotes)
    link = next((safe_url(e.get("url")) for e in events if safe_url(e.get("url"))), None)
    if link:
        lines.append(link)
    return heading, lines, headline


#: a grade written with a capital after other words: a row of a grade table, not prose
_TABLE_ROW = re.compile(r"\s(?:Outstanding|Good|Requires improvement|Inadequate)\b")


def _quotes(events: list[dict[str, Any]], limit: int = 2, *, phrases: bool = True) -> list[dict[str, Any]]:
    """The document's own headline sentences, then (when `phrases`) the sentences a watched
    phrase was found in, never a grade table's row; each once, at most `limit`."""
    from monitor.deliver.labels import meta_of, one_line

    found: list[dict[str, Any]] = []
    sources = [meta_of(e).get("headline") or (e.get("details") or {}).get("headline") for e in events]
    if phrases:
        sources += [(e.get("details") or {}).get("quotes") for e in events if e.get("type") == "phrase_match"]
    seen: set[str] = set()
    for entries in sources:
        for entry in entries or []:
            if not isinstance(entry, dict):
                continue
            text, page = one_line(entry.get("text"), 300), entry.get("page")
            if text and isinstance(page, int) and text not in seen and not _TABLE_ROW.search(text):
                seen.add(text)
                found.append({"text": text, "page": page})
            if len(found) >= limit:
                return found
    return found


def _problem_line(event: dict[str, Any]) -> str:
    """A source problem in words, with what to try."""
    from monitor.deliver.labels import one_line, publisher_label

    details = event.get("details") or {}
    publisher = publisher_label(event.get("source_kind"))
    kind = event.get("type")
    if kind == "source_failing":
        count = details.get("consecutive_failures")
        text = f"{publisher}: we have not been able to check it" + (f" {count} times in a row" if count else "") + "."
    elif kind == "source_broken":
        text = f"{publisher}: its site has changed and we could not read its list of publications; nothing was marked removed."
    elif kind == "source_recovered":
        text = f"{publisher}: we can read it again."
    elif kind == "cross_check_mismatch":
        text = f"{publisher}: its own published statistics disagree with the reports we hold. {one_line(event.get('summary'))}"
    else:
        text = f"{publisher}: {one_line(event.get('summary'))}"
    hint = one_line(details.get("hint"))
    return text + (f" What to try: {hint}." if hint and kind != "source_recovered" else "")


def channel_message(events: list[dict[str, Any]]) -> tuple[str, str]:
    """(title, body) of one message about these events (`monitor events --json` shapes): one
    block per document, each judgement once with its change, the document's own words, the
    link; source problems in a sentence each. The title is at most 100 characters."""
    from monitor.deliver.labels import PROBLEM_TYPES, one_line

    if not events:
        raise ValueError("a message needs at least one event")
    documents: dict[tuple[str, str], list[dict[str, Any]]] = {}
    problems: list[dict[str, Any]] = []
    for event in sorted(events, key=lambda e: (str(e.get("created_at") or ""), int(e.get("id") or 0))):
        if event.get("type") in PROBLEM_TYPES or not event.get("document_key"):
            problems.append(event)
        else:
            documents.setdefault((str(event.get("source")), str(event["document_key"])), []).append(event)
    blocks: list[str] = []
    titles: list[str] = []
    for group in documents.values():
        heading, lines, headline = _document_lines(group)
        blocks.append("\n".join([heading, *lines]))
        titles.append(f"{heading} — {headline}" if headline else heading)
    for event in problems:
        line = _problem_line(event)
        blocks.append(line)
        titles.append(line.split(":", 1)[0] + ": " + ("a problem reading its site" if event.get("type") != "source_recovered" else "working again"))
    count = len(blocks)
    title = titles[0] if count == 1 else f"{count} alerts: " + "; ".join(titles)
    return one_line(title, TITLE_LIMIT), "\n\n".join(blocks)


TEST_TITLE = "report-monitor: test message"
TEST_BODY = (
    "This is a test from report-monitor. If you can read it, alerts about new or damning reports "
    "will reach you here."
)
