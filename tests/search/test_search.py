"""`monitor search` on SQLite and PostgreSQL with the same assertions: real PDFs served by the
local publisher server, read by a real `monitor run` (which indexes each version as it stores
it, monitor.search.index_version), searched through the real command.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest
import sqlalchemy as sa
from council_site import config, listing
from harness import Monitor
from pdfs import make_pdf

from monitor.store import Store

HIT_FIELDS = {"source", "key", "title", "version", "fetched_at", "published", "page", "snippet", "url", "score"}


def search(monitor: Monitor, *args: str) -> list[dict]:
    hits = monitor.json("search", *args)
    for hit in hits:
        assert set(hit) >= HIT_FIELDS
    return hits


def stored_texts(monitor: Monitor, name: str) -> list[str]:
    store = Store(monitor.database_url or f"sqlite:///{monitor.data_dir / 'monitor.db'}", monitor.data_dir)
    try:
        with store.session() as session:
            rows = session.execute(
                sa.text("SELECT v.text FROM version v JOIN document d ON d.id = v.document_id WHERE d.key LIKE :k ORDER BY v.number"),
                {"k": f"%/{name}.pdf"},
            ).all()
            return [r[0] for r in rows]
    finally:
        store.close()


def test_phrases_across_line_breaks_and_hyphenation(database_url, server, tmp_path):  # noqa: F811
    server.add("/reports", listing("a", "b"))
    server.add(
        "/files/a.pdf",
        make_pdf(["Report A.\nSupport for care\nleavers is inadequate.", "Nothing here.", "The care-\nleavers offer is weak."]),
        content_type="application/pdf",
    )
    server.add("/files/b.pdf", make_pdf(["Report B on the Café de Paris and adult social care."]), content_type="application/pdf")
    monitor = Monitor(tmp_path, config(server.url), database_url=database_url)
    assert monitor.run("run")[0] == 0
    # the stored forms the query must reach: a line break, and a hyphenation textnorm joined
    text_a = stored_texts(monitor, "a")[0]
    assert "care\nleavers" in text_a.split("\f")[0]
    assert "careleavers" in text_a.split("\f")[2]

    hits = search(monitor, '"care leavers"')
    assert [(h["key"].rsplit("/", 1)[-1], h["version"], h["page"]) for h in hits] == [("a.pdf", 1, 1), ("a.pdf", 1, 3)] or [
        (h["key"].rsplit("/", 1)[-1], h["version"], h["page"]) for h in hits
    ] == [("a.pdf", 1, 3), ("a.pdf", 1, 1)]
    by_page = {h["page"]: h for h in hits}
    assert by_page[1]["snippet"] == "Report A. Support for «care leavers» is inadequate."
    assert by_page[3]["snippet"] == "The «careleavers» offer is weak."
    for hit in hits:
        assert hit["source"] == "council-reports"
        assert hit["key"] == f"{server.url}/files/a.pdf"
        assert hit["title"] == "Report a"
        assert hit["source_url"] == f"{server.url}/files/a.pdf?utm_source=x"
        assert hit["kind"] == "document"
        assert hit["versions"] == [1]
        assert hit["fetched_at"].endswith("Z") and len(hit["fetched_at"]) >= 20
        assert isinstance(hit["score"], float) and hit["score"] > 0
        assert hit["url"].startswith("file:///")
        blob = Path(url2pathname(urlsplit(hit["url"]).path))
        assert blob.is_file() and blob.read_bytes().startswith(b"%PDF")
    # the hyphen typed in the query, and capitals, make no difference
    assert {h["page"] for h in search(monitor, "CARE-LEAVERS")} == {1, 3}
    # diacritics are folded both ways
    cafe = search(monitor, "cafe")
    assert [(h["key"].rsplit("/", 1)[-1], h["page"], h["snippet"]) for h in cafe] == [
        ("b.pdf", 1, "Report B on the «Café» de Paris and adult social care.")
    ]
    assert [h["page"] for h in search(monitor, "café")] == [1]
    # a phrase is words side by side: "leavers care" is not there
    assert search(monitor, '"leavers care"') == []


def test_a_term_only_in_an_old_version_is_found_with_that_version(database_url, server, tmp_path):  # noqa: F811
    server.add("/reports", listing("a"))
    server.add("/files/a.pdf", make_pdf(["An improvement notice was issued.", "Leadership is weak."]), content_type="application/pdf")
    monitor = Monitor(tmp_path, config(server.url), database_url=database_url)
    assert monitor.run("run")[0] == 0
    server.add("/files/a.pdf", make_pdf(["The notice was lifted.", "Leadership is weak."]), content_type="application/pdf")
    assert monitor.run("run")[0] == 0
    assert [h["version"] for h in monitor.json("history", f"{server.url}/files/a.pdf")] == [1, 2]

    old = search(monitor, '"improvement notice"')
    assert [(h["version"], h["page"], h["versions"], h["snippet"]) for h in old] == [
        (1, 1, [1], "An «improvement notice» was issued.")
    ]
    new = search(monitor, "lifted")
    assert [(h["version"], h["page"], h["versions"]) for h in new] == [(2, 1, [2])]
    # a page that reads the same in both versions is one hit, named by the newest
    both = search(monitor, '"leadership is weak"')
    assert [(h["version"], h["page"], h["versions"], h["snippet"]) for h in both] == [
        (2, 2, [2, 1], "«Leadership is weak».")
    ]
    assert old[0]["url"] != both[0]["url"]  # each version's own stored copy
    # a term on page 1 of both versions, with different text: one hit per version
    assert sorted((h["version"], h["page"]) for h in search(monitor, "notice")) == [(1, 1), (2, 1)]


def test_boolean_queries_and_filters(database_url, server, tmp_path):  # noqa: F811
    server.add("/reports", listing("a", "b", "c"))
    server.add("/files/a.pdf", make_pdf(["Children's services are inadequate."]), content_type="application/pdf")
    server.add("/files/b.pdf", make_pdf(["Adult social care requires improvement."]), content_type="application/pdf")
    server.add("/files/c.pdf", make_pdf(["Children's services require improvement; safeguarding inadequate."]), content_type="application/pdf")
    monitor = Monitor(tmp_path, config(server.url), database_url=database_url)
    assert monitor.run("run")[0] == 0

    def names(*args: str) -> list[str]:
        return sorted(h["key"].rsplit("/", 1)[-1] for h in search(monitor, *args))

    assert names("inadequate") == ["a.pdf", "c.pdf"]
    assert names("children inadequate") == ["a.pdf", "c.pdf"]  # implicit AND
    assert names("children AND improvement") == ["c.pdf"]
    assert names("inadequate NOT safeguarding") == ["a.pdf"]
    assert names("adult OR safeguarding") == ["b.pdf", "c.pdf"]
    assert names("(adult OR children) AND improvement") == ["b.pdf", "c.pdf"]
    assert names("requir*") == ["b.pdf", "c.pdf"]
    assert names('"children s services"') == ["a.pdf", "c.pdf"]
    # text that is query syntax in FTS5 or tsquery is only words here
    assert names("inadequate: NEAR(^care) 'x' | &") == []
    assert names("children's:") == ["a.pdf", "c.pdf"]
    # ranked: the page where the word is a larger share of the text first
    assert [h["key"].rsplit("/", 1)[-1] for h in search(monitor, "inadequate")] == ["a.pdf", "c.pdf"]

    assert names("improvement", "--source", "council-reports") == ["b.pdf", "c.pdf"]
    assert names("improvement", "--kind", "document") == ["b.pdf", "c.pdf"]
    assert names("improvement", "--kind", "inspection") == []
    assert names("improvement", "--since", "2999-01-01") == []
    assert names("improvement", "--since", "2000-01-01") == ["b.pdf", "c.pdf"]
    assert len(search(monitor, "improvement", "--limit", "1")) == 1

    code, out, _ = monitor.run("search", "safeguarding")
    assert code == 0
    assert "Report c  [council-reports]" in out
    assert "no publication date (stored " in out and ", page 1, version 1" in out
    assert "require improvement; «safeguarding» inadequate." in out
    assert "stored copy: file:///" in out and "1 hit(s)" in out
    assert monitor.run("search", "nothingmatchesthis")[1].strip() == "no stored text matches"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("NOT inadequate", "NOT needs words"),
        ("(inadequate", "is not closed"),
        ("inadequate)", "unexpected ')'"),
        ('""', "no words to find"),
        ("inadequate AND", "AND needs words"),
        ("inadequate OR", "OR needs words"),
        ("inadequate NOT", "ends after an operator"),
        ("", "give a query"),
    ],
)
def test_queries_that_cannot_be_searched_are_usage_errors(query, message, server, tmp_path):
    server.add("/reports", listing())
    monitor = Monitor(tmp_path, config(server.url))
    code, out, err = monitor.run("search", query)
    assert code == 2, out
    assert message in err


def test_unknown_source_and_bad_limit_are_usage_errors(server, tmp_path):
    monitor = Monitor(tmp_path, config(server.url))
    code, _, err = monitor.run("search", "x", "--source", "no-such-source")
    assert code == 2 and "no-such-source" in err
    code, _, err = monitor.run("search", "x", "--limit", "0")
    assert code == 2 and "--limit" in err


def dated_listing(*entries: tuple[str, str]) -> str:
    """A list of reports, each entry with its publication date, as a council news page has."""
    items = "\n".join(
        f'<li class="entry"><a href="/files/{name}.pdf">Report {name}</a> <span class="when">Published: {when}</span></li>'
        for name, when in entries
    )
    return f"<html><body><main><ul>{items}</ul></main></body></html>"


def test_and_or_not_apply_over_the_whole_report(database_url, server, tmp_path):  # noqa: F811
    """The README's own example: a report with "care leavers" on one page and "inadequate" on
    another is found by '"care leavers" AND inadequate', with a hit on each of those pages."""
    server.add("/reports", dated_listing(("a", "4 March 2025"), ("b", "12 May 2024"), ("c", "1 June 2023")))
    server.add(
        "/files/a.pdf",
        make_pdf(["Inspection of children's services.", "Support for care leavers is patchy.", "Overall the service is inadequate."]),
        content_type="application/pdf",
    )
    # b has both words on one page; c has "care leavers" but never "inadequate"
    server.add("/files/b.pdf", make_pdf(["Ofsted found help for care leavers inadequate."]), content_type="application/pdf")
    server.add("/files/c.pdf", make_pdf(["Front page.", "Our care leavers are well supported."]), content_type="application/pdf")
    monitor = Monitor(tmp_path, config(server.url, items='"li.entry"', date='".when"'))
    assert monitor.run("run")[0] == 0

    def pages(*args: str) -> list[tuple[str, int]]:
        return sorted((h["key"].rsplit("/", 1)[-1], h["page"]) for h in search(monitor, *args))

    # AND across pages; the hits point at the pages where the terms are
    assert pages('"care leavers" AND inadequate') == [("a.pdf", 2), ("a.pdf", 3), ("b.pdf", 1)]
    assert pages('"care leavers" inadequate') == pages('"care leavers" AND inadequate')
    # NOT over the whole report: b says "Ofsted" on its only page, a says it nowhere
    assert pages('inadequate NOT ofsted') == [("a.pdf", 3)]
    assert pages('"care leavers" NOT inadequate') == [("c.pdf", 2)]
    # OR, and a group inside an AND, over the whole report
    assert pages('(patchy OR supported) AND "care leavers"') == [("a.pdf", 2), ("c.pdf", 2)]
    assert pages('children AND (patchy OR ofsted)') == [("a.pdf", 1), ("a.pdf", 2)]
    # a phrase is still words side by side on one page: "service inadequate" is nowhere, and
    # the last word of page 1 and the first of page 2 of c are not a phrase
    assert pages('"service inadequate"') == []
    assert pages('"page our"') == []
    # the page holding every term ranks first
    ranked = search(monitor, '"care leavers" AND inadequate')
    assert (ranked[0]["key"].rsplit("/", 1)[-1], ranked[0]["page"]) == ("b.pdf", 1)

    # hits carry the publication date beside the date fetched
    by_key = {h["key"].rsplit("/", 1)[-1]: h for h in search(monitor, "care")}
    assert {k: h["published"] for k, h in by_key.items()} == {"a.pdf": "2025-03-04", "b.pdf": "2024-05-12", "c.pdf": "2023-06-01"}
    assert all(h["fetched_at"].endswith("Z") for h in by_key.values())
    code, out, _ = monitor.run("search", "patchy")
    assert code == 0
    assert "Report a  [council-reports]\n  published 4 March 2025, page 2, version 1\n" in out
    assert "fetched" not in out


def test_a_document_without_a_publication_date_says_so(server, tmp_path):
    server.add("/reports", listing("a"))
    server.add("/files/a.pdf", make_pdf(["Nothing dated here."]), content_type="application/pdf")
    monitor = Monitor(tmp_path, config(server.url))
    assert monitor.run("run")[0] == 0
    (hit,) = search(monitor, "dated")
    assert hit["published"] is None
    out = monitor.run("search", "dated")[1]
    assert ", page 1, version 1" in out and "no publication date (stored " in out
