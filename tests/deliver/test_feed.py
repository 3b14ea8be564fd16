"""The Atom feed: valid Atom structure, stable entry ids, newest first, hostile text escaped."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree

from monitor.deliver.feed import render_feed, write_feed

FIXTURES = Path(__file__).parent / "fixtures" / "digest"
A = "{http://www.w3.org/2005/Atom}"
NS = {"a": "http://www.w3.org/2005/Atom"}
FEED = {"feed_id": "tag:watchdog.example.org,2025:feed", "title": "Harrow watchdog alerts", "link": "https://watchdog.example.org/"}


def events() -> list[dict]:
    return json.loads((FIXTURES / "events.json").read_text())["events"]


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def test_valid_atom_structure():
    root = parse(render_feed(events(), **FEED))
    assert root.tag == f"{A}feed"
    assert root.nsmap[None] == "http://www.w3.org/2005/Atom"
    assert root.findtext(f"{A}id") == "tag:watchdog.example.org,2025:feed"
    assert root.findtext(f"{A}title") == "Harrow watchdog alerts"
    assert root.findtext(f"{A}updated") == "2025-03-04T13:15:00Z"  # the newest event
    assert root.find(f"{A}link").get("href") == "https://watchdog.example.org/"
    assert root.findtext(f"{A}author/{A}name") == "report-monitor"
    entries = root.findall(f"{A}entry")
    assert len(entries) == 9
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.findtext(f"{A}{required}"), required
        assert entry.find(f"{A}summary").get("type") == "text"


def test_entries_newest_first_with_stable_ids():
    root = parse(render_feed(events(), **FEED))
    ids = [e.findtext(f"{A}id") for e in root.findall(f"{A}entry")]
    assert ids[0] == "tag:watchdog.example.org,2025-03-04:event/108"
    assert ids[-1] == "tag:watchdog.example.org,2025-03-03:event/109"
    # events 101-103 share a timestamp: the higher id is newer
    assert ids.index("tag:watchdog.example.org,2025-03-04:event/103") < ids.index(
        "tag:watchdog.example.org,2025-03-04:event/101"
    )
    # the same event keeps its id when the feed is rebuilt with more events
    later = events() + [
        {"id": 200, "type": "removed", "severity": "info", "source": "x", "source_kind": "govuk",
         "document_key": "d", "title": "T", "url": None, "created_at": "2025-03-05T08:00:00Z", "details": {}}
    ]
    again = parse(render_feed(later, **FEED))
    new_ids = [e.findtext(f"{A}id") for e in again.findall(f"{A}entry")]
    assert new_ids[0] == "tag:watchdog.example.org,2025-03-05:event/200"
    assert new_ids[1:] == ids
    assert render_feed(events(), **FEED) == render_feed(list(reversed(events())), **FEED)


def test_entry_content():
    root = parse(render_feed(events(), **FEED))
    entry = next(e for e in root.findall(f"{A}entry") if e.findtext(f"{A}id").endswith("event/102"))
    # a phrase found: what it adds, with whom the document is about (from its other events)
    assert entry.findtext(f"{A}title") == "Harrow: Ofsted — the document mentions “inadequate” 3 times"
    assert entry.findtext(f"{A}updated") == "2025-03-04T07:05:00Z"
    assert entry.find(f"{A}link").get("href") == "https://files.ofsted.gov.uk/v1/file/50270419"
    assert [c.get("term") for c in entry.findall(f"{A}category")] == ["urgent", "phrase_match"]
    # a feed reader shows the labels, not the machine's names
    assert [c.get("label") for c in entry.findall(f"{A}category")] == ["Urgent", "Words you asked about"]
    summary = entry.findtext(f"{A}summary")
    assert summary.splitlines()[0] == (
        "Ofsted judged Harrow's children's services inadequate overall (was good), published 4 March 2025."
    )
    assert "“Support for care leavers, which is currently inadequate.” (p. 6)" in summary
    assert "Overall effectiveness Inadequate" not in summary
    # the document's own entry: its verdict as title, its verdict sentence first
    new = next(e for e in root.findall(f"{A}entry") if e.findtext(f"{A}id").endswith("event/101"))
    assert new.findtext(f"{A}title") == "Harrow: Ofsted judged children's services inadequate (was good)"
    assert new.findtext(f"{A}summary").splitlines()[0] == summary.splitlines()[0]
    assert "  Care leavers: inadequate" in new.findtext(f"{A}summary")
    change = next(e for e in root.findall(f"{A}entry") if e.findtext(f"{A}id").endswith("event/103"))
    assert change.findtext(f"{A}title") == "Harrow: Ofsted — overall effectiveness now inadequate (was good)"


def test_hostile_titles_are_escaped():
    hostile = {
        "id": 7, "type": "new_document", "severity": "urgent", "source": "p", "source_kind": "page",
        "document_key": "k", "title": "<script>alert(1)</script> & \x07bell", "url": "javascript:alert(1)",
        "created_at": "2025-03-04T10:00:00Z", "details": {},
    }
    data = render_feed([hostile], **FEED)
    assert b"<script>" not in data
    assert b"&lt;script&gt;" in data
    assert b"javascript:" not in data
    root = parse(data)  # still well-formed XML despite the control character
    entry = root.find(f"{A}entry")
    assert entry.findtext(f"{A}title") == "Web page published “<script>alert(1)</script> & bell”"
    assert entry.find(f"{A}link").get("href") == "https://watchdog.example.org/"
    assert root.xpath("//a:script", namespaces=NS) == []


def test_limit_and_empty_feed():
    root = parse(render_feed(events(), limit=2, **FEED))
    assert [e.findtext(f"{A}id").rsplit("/", 1)[1] for e in root.findall(f"{A}entry")] == ["108", "107"]
    empty = parse(render_feed([], **FEED))
    assert empty.findall(f"{A}entry") == []
    assert empty.findtext(f"{A}updated") == "1970-01-01T00:00:00Z"


def test_write_feed_atomically(tmp_path: Path):
    path = write_feed(tmp_path, events(), **FEED)
    assert path == tmp_path / "feed.xml"
    assert path.read_bytes() == render_feed(events(), **FEED)
    write_feed(tmp_path, events()[:1], **FEED)
    assert [p.name for p in tmp_path.iterdir()] == ["feed.xml"]
    assert len(parse(path.read_bytes()).findall(f"{A}entry")) == 1
