"""A listing full of hostile documents, and hostile feeds, in one real pass: each document is
kept with a recorded error or safe text, nothing crashes, the pass completes, the feed and
digest written after it escape what the publisher sent, and the store stays consistent."""

from __future__ import annotations

import html
from datetime import date

import pytest
from bad_docs import GOOD_TEXT, corpus
from integrity import check_store
from passes import SETTINGS, by_name, documents, events, page_source, query, run_pass
from pdfs import make_pdf

XSS_TITLES = {
    "xss-title-1.pdf": "<script>alert(1)</script> Annual report",
    "xss-title-2.pdf": '<img src=x onerror="alert(2)"> Ombudsman decision',
}


@pytest.fixture
def hostile_site(server):
    docs = corpus()
    assert len(docs) >= 20
    items = []
    for name, ctype, body, _ in docs:
        server.add(f"/d/{name}", body, content_type=ctype)
        items.append(f'<li><a href="/d/{name}">Hostile {name}</a></li>')
    for name, title in XSS_TITLES.items():
        server.add(f"/d/{name}", make_pdf([f"Harmless body of {name}."]), content_type="application/pdf")
        items.append(f'<li><a href="/d/{name}">{html.escape(title)}</a></li>')
    server.add("/d/good.pdf", make_pdf([GOOD_TEXT]), content_type="application/pdf")
    items.append('<li><a href="/d/good.pdf">Good report</a></li>')
    server.add("/reports", "<html><body><ul>" + "\n".join(items) + "</ul></body></html>")
    return server, docs


FEEDS = {
    "malformed": b"<rss version='2.0'><channel><item><title>Broken",
    "bad-utf8": b"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><item><title>\xff\xfe</title>"
    b"<link>http://example.invalid/x</link></item></channel></rss>",
    "xxe": b"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>"
    b"<rss version='2.0'><channel><item><title>Leak &xxe; here</title><link>/d/good.pdf</link>"
    b"<guid>xxe-1</guid></item></channel></rss>",
    "laughs": b"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
    b"<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'><!ENTITY d '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'>"
    b"<!ENTITY e '&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;'><!ENTITY f '&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;'>]>"
    b"<rss version='2.0'><channel><item><title>&f;&f;&f;</title><link>/d/good.pdf</link><guid>lol-1</guid></item>"
    b"</channel></rss>",
    "script-title": b"<?xml version='1.0'?><rss version='2.0'><channel><item>"
    b"<title><![CDATA[<script>alert('feed')</script> Cabinet papers]]></title><link>/d/good.pdf</link>"
    b"<guid>script-1</guid></item></channel></rss>",
}


def test_hostile_documents_each_give_an_error_or_safe_text(hostile_site, tmp_path):
    server, docs = hostile_site
    for name, body in FEEDS.items():
        server.add(f"/feeds/{name}.xml", body, content_type="application/rss+xml")
    config = (
        SETTINGS.replace("baseline_alerts", "x")
        + "  baseline_alerts: true\nsources:\n"
        + page_source("hostile-docs", f"{server.url}/reports")
        + "".join(f"  - name: feed-{n}\n    kind: feed\n    url: {server.url}/feeds/{n}.xml\n" for n in FEEDS)
    )
    result, seconds = run_pass(tmp_path, config)
    data = tmp_path / "data"
    assert seconds < 120
    outcome = by_name(result)["hostile-docs"]
    expected_total = len(docs) + len(XSS_TITLES) + 1
    assert (outcome.status, outcome.listed, outcome.new) == ("ok", expected_total, expected_total), outcome
    stored = documents(data, "hostile-docs")
    assert len(stored) == expected_total
    for name, _ctype, _body, (want, fragment) in docs:
        status, error, versions, text = stored[f"{server.url}/d/{name}"]
        if want == "error" and error.startswith("download failed:"):
            # refused before a byte was kept (size cap): no version, the document marked error
            assert (status, versions) == ("error", 0), name
        elif want == "error":
            # the bytes are kept as evidence; the text could not be read
            assert (status, versions, text) == ("ok", 1, ""), (name, status, versions, text)
            assert error.startswith("text not extracted:"), (name, error)
        else:
            assert (status, error, versions) == ("ok", None, 1), (name, status, error)
        assert fragment in (error if want == "error" else text), (name, error, text)
    status, error, versions, text = stored[f"{server.url}/d/good.pdf"]
    assert (status, error, versions, text) == ("ok", None, 1, GOOD_TEXT)
    assert outcome.document_errors == sum(1 for d in docs if d[3][0] == "error")

    # titles are kept as the publisher wrote them, and escaped wherever they are shown
    titles = dict(query(data, "SELECT key, title FROM document"))
    for name, title in XSS_TITLES.items():
        assert titles[f"{server.url}/d/{name}"] == title
    feed = (data / "feed.xml").read_text(encoding="utf-8")
    digest = (data / "digests" / f"{date.today().isoformat()}.html").read_text(encoding="utf-8")
    for page in (feed, digest):
        assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Annual report" in digest

    # hostile feeds: broken or safely parsed, never a crash, never a local file's contents
    feeds = by_name(result)
    for name in ("malformed", "bad-utf8"):
        o = feeds[f"feed-{name}"]
        assert (o.status, o.listed) == ("broken", 0), o
        assert "not a well-formed feed" in o.error
    xxe = feeds["feed-xxe"]
    assert (xxe.status, xxe.listed) == ("ok", 1), xxe
    # the external entity is never resolved: no local file reaches the store
    assert query(data, "SELECT title FROM document WHERE key = 'xxe-1'") == [("Leak",)]
    assert query(data, "SELECT count(*) FROM document WHERE title LIKE '%root:%'") == [(0,)]
    laughs = feeds["feed-laughs"]
    assert (laughs.status, laughs.listed) == ("broken", 0), laughs
    assert "amplification" in laughs.error
    longest = query(data, "SELECT max(length(title)) FROM document")[0][0]
    assert longest < 10_000, "an entity expansion reached the store"
    script = feeds["feed-script-title"]
    assert (script.status, script.listed, script.new) == ("ok", 1, 1), script
    assert query(data, "SELECT title FROM document WHERE key = 'script-1'") == [("<script>alert('feed')</script> Cabinet papers",)]
    assert check_store(data) == []
    assert len(events(data, "hostile-docs", "new_document")) == expected_total


def test_stored_text_carries_no_terminal_control_characters(server, tmp_path):
    server.add("/d/esc.html", b"<html><body><p>before\x1b[2J\x1b]0;pwned\x07 after</p></body></html>", content_type="text/html")
    server.add("/reports", '<html><body><ul><li><a href="/d/esc.html">Esc</a></li></ul></body></html>')
    result, _ = run_pass(tmp_path, SETTINGS + "sources:\n" + page_source("esc", f"{server.url}/reports"))
    assert by_name(result)["esc"].status == "ok"
    (_, error, versions, text), = documents(tmp_path / "data", "esc").values()
    assert (error, versions) == (None, 1)
    assert "after" in text
    assert not any(ord(ch) < 32 and ch not in "\n\t\f" for ch in text), repr(text)
