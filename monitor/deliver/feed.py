"""The Atom feed of recent events, for people who prefer a feed reader to email.

Written with lxml rather than feedgen so the output is deterministic (feedgen stamps the
current time and a generator element) and every text node is escaped by the XML library.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from monitor.deliver.digest import atomic_write
from monitor.deliver.labels import (
    TYPE_LABELS,
    capitalise,
    cut_words,
    event_time,
    one_line,
    safe_url,
)
from monitor.deliver.render import SUBJECT_LIMIT, environment, group_events, item_view
from monitor.deliver.summary import addition_line

ATOM_NS = "http://www.w3.org/2005/Atom"
#: where an entry's category terms come from (severity, type)
SCHEME = "tag:report-monitor,2026:"
DEFAULT_LIMIT = 50
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _rfc3339(moment: datetime | None) -> str:
    moment = moment or _EPOCH
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _tag_authority(link: str) -> str:
    host = urlsplit(link).hostname or ""
    return host if host and "." in host else "report-monitor.invalid"


def entry_id(event: dict[str, Any], authority: str) -> str:
    """tag:<authority>,<event's creation date>:event/<id> — stable for the event's life."""
    moment = event_time(event) or _EPOCH
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"tag:{authority},{moment.date().isoformat()}:event/{event.get('id')}"


def _summary(item: dict[str, Any]) -> str:
    """The entry's text: the item as the alert email tells it, its verdict sentence first."""
    return environment(autoescape=False).from_string(
        '{% from "_item.txt.j2" import item_text %}{{ item_text(item) }}'
    ).render(item=item).strip()


def _title(event: dict[str, Any], item: dict[str, Any]) -> str:
    """An entry's title: the document's verdict for the event that announces it; what this
    event adds for the others ("Harrow: Ofsted — care leavers now inadequate (was good)")."""
    line = addition_line(event, item["about"] or None)
    return cut_words(line, SUBJECT_LIMIT) if line else item["subject"]


def _sub(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{name}", attrs)
    if text is not None:
        element.text = _xml_safe(text)
    return element


def _xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (control characters from broken PDFs)."""
    return "".join(ch for ch in text if ch in "\t\n\r" or (ord(ch) >= 0x20 and ch not in "\ufffe\uffff"))


def render_feed(
    events: list[dict[str, Any]],
    *,
    feed_id: str,
    title: str,
    link: str,
    limit: int = DEFAULT_LIMIT,
    tag_authority: str | None = None,
) -> bytes:
    """An Atom 1.0 document of the newest `limit` events (one entry per event), newest first.

    Entry ids are tag URIs built from `tag_authority` (default: `link`'s host name), the
    event's creation date and its id, so a reader never sees the same event twice. The feed's
    `updated` is the newest event's time, so the bytes depend only on the events.
    """
    authority = tag_authority or _tag_authority(link)
    newest = sorted(events, key=lambda e: (str(e.get("created_at") or ""), int(e.get("id") or 0)), reverse=True)
    newest = newest[: max(0, limit)]
    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    _sub(root, "id", feed_id)
    _sub(root, "title", one_line(title))
    _sub(root, "updated", _rfc3339(event_time(newest[0]) if newest else None))
    _sub(root, "link", href=safe_url(link) or link, rel="alternate")
    author = _sub(root, "author")
    _sub(author, "name", "report-monitor")
    _sub(root, "generator", "report-monitor")
    # a problem with a source is said with whom the source is about, as its documents name it
    about = {str(g.main.get("source")): g.about for g in group_events(events) if not g.is_problem and g.about}
    for event in newest:
        # one entry per event, its document's facts completed by the other events about it
        single = group_events([event], context=events)[0]
        single.about_hint = about.get(str(event.get("source")))
        item = item_view(single)
        entry = _sub(root, "entry")
        _sub(entry, "id", entry_id(event, authority))
        _sub(entry, "title", _title(event, item))
        stamp = _rfc3339(event_time(event))
        _sub(entry, "updated", stamp)
        _sub(entry, "published", stamp)
        href = next((link_["url"] for link_ in item["links"]), None) or safe_url(link)
        if href:
            _sub(entry, "link", href=href, rel="alternate")
        # the terms are for filters; a feed reader shows the labels
        severity = str(event.get("severity") or "normal")
        _sub(entry, "category", term=severity, label=capitalise(severity), scheme=f"{SCHEME}severity")
        kind = str(event.get("type") or "event")
        _sub(entry, "category", term=kind, label=TYPE_LABELS.get(kind, "Event"), scheme=f"{SCHEME}type")
        summary = _sub(entry, "summary", _summary(item))
        summary.set("type", "text")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def write_feed(
    data_dir: Path,
    events: list[dict[str, Any]],
    *,
    feed_id: str,
    title: str,
    link: str,
    limit: int = DEFAULT_LIMIT,
    tag_authority: str | None = None,
) -> Path:
    """Write <data_dir>/feed.xml atomically; returns its path."""
    path = Path(data_dir) / "feed.xml"
    atomic_write(
        path, render_feed(events, feed_id=feed_id, title=title, link=link, limit=limit, tag_authority=tag_authority)
    )
    return path
