"""The site in a real browser: headless Chromium loads the built site from file:// and from a
loopback HTTP server; the tests read what a person sees in the rendered DOM (after the search
script ran) and write screenshots under the test's temp folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from browser import StaticServer, chromium_or_skip, dump_dom, screenshot
from lxml import html as lhtml
from site_record import HOSTILE_TITLE, Record, build_record

from monitor.site.data import document_slug


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Record:
    chromium_or_skip()
    return build_record(tmp_path_factory.mktemp("record"))


@pytest.fixture(scope="module")
def served(record: Record):
    with StaticServer(record.out) as srv:
        yield srv.url


def text_of(el: lhtml.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def file_url(record: Record, rel: str) -> str:
    return (record.out / rel).as_uri()


@pytest.mark.parametrize("where", ["file", "http"])
def test_overview_shows_grades_and_charts(record, served, where, tmp_path):
    url = file_url(record, "index.html") if where == "file" else f"{served}/index.html"
    dom = lhtml.fromstring(dump_dom(url))
    assert text_of(dom.find(".//h1")) == "The accountability record"
    cards = [text_of(c) for c in dom.find_class("card")]
    assert cards[0].startswith("London Borough of Harrow: inspection published 2025-08-01 Overall: Inadequate")
    assert cards[1].startswith("Elmgrove House: report published 2025-07-02 Overall: Inadequate Safe: Inadequate")
    (chart,) = [s for s in dom.iter("{http://www.w3.org/2000/svg}svg", "svg") if "Ofsted" in (s.findtext("title") or s.findtext("{http://www.w3.org/2000/svg}title") or "")]
    rects = [r for r in chart.iter() if isinstance(r.tag, str) and r.tag.endswith("rect")]
    labels = [t.text for t in chart.iter() if isinstance(t.tag, str) and t.tag.endswith("text") and t.get("class") == "label"]
    assert len(rects) == 2 and all(float(r.get("height")) > 0 for r in rects)
    assert labels == ["2022-03-04", "2025-08-01"]
    shot = screenshot(url, tmp_path / f"overview-{where}.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    target = os.environ.get("MONITOR_SITE_SCREENSHOT")
    if target and where == "file":
        # how docs/site-overview.png is made: MONITOR_SITE_SCREENSHOT=docs/site-overview.png
        shutil.copyfile(shot, target)


@pytest.mark.parametrize("where", ["file", "http"])
def test_search_finds_a_phrase_with_its_page(record, served, where):
    query = '"widespread or serious failures"'
    rel = f"search.html?q={quote(query)}"
    url = f"{file_url(record, 'search.html')}?q={quote(query)}" if where == "file" else f"{served}/{rel}"
    dom = lhtml.fromstring(dump_dom(url))
    assert text_of(dom.get_element_by_id("search-status")) == f"1 match for {query}"
    (hit,) = dom.get_element_by_id("results").findall("li")
    link = hit.find(".//h2/a")
    assert text_of(link) == "London Borough of Harrow: Children's services inspection"
    slug = document_slug("harrow-ofsted", "50281234")
    assert link.get("href") == f"documents/{slug}.html#v1"
    assert "version 1 · page 2" in text_of(hit.find_class("when")[0])
    assert [m.text.lower() for m in hit.iter("mark")] == ["widespread or serious failures"]


def test_search_finds_what_only_an_old_version_said(record):
    dom = lhtml.fromstring(dump_dom(f"{file_url(record, 'search.html')}?q={quote('sustained good practice')}"))
    (hit,) = dom.get_element_by_id("results").findall("li")
    assert "version 1 · page" in text_of(hit.find_class("when")[0])
    assert hit.find(".//h2/a").get("href").endswith("#v1")


def test_hostile_title_is_shown_as_text(record, served, tmp_path):
    hostile = next(d for d in record.documents if d["title"] == HOSTILE_TITLE)
    url = f"{served}/documents/{document_slug(hostile['source'], hostile['key'])}.html"
    dom = lhtml.fromstring(dump_dom(url))
    assert text_of(dom.find(".//h1")) == HOSTILE_TITLE
    assert [s.get("src") for s in dom.iter("script")] == []  # nothing ran, nothing was injected
    # and in the search results, where script writes the title into the page
    dom = lhtml.fromstring(dump_dom(f"{served}/search.html?q={quote('improvement notice issued to <script>')}"))
    titles = [text_of(a) for a in dom.xpath("//ol[@id='results']/li/h2/a")]
    assert titles == [HOSTILE_TITLE]
    assert [s.get("src") for s in dom.iter("script")] == ["search-index.js", "search.js"]
    screenshot(url, tmp_path / "hostile.png")


def test_without_javascript_the_pages_read_and_search_says_why(record):
    """Only the search page has scripts, so every other page reads the same with them off; the
    search page, as served, says search needs JavaScript and lists nothing."""
    for path in [record.out / "index.html", record.out / "timeline.html", *(record.out / "documents").glob("*.html")]:
        assert list(lhtml.fromstring(path.read_bytes()).iter("script")) == [], path.name
    served_html = lhtml.fromstring((record.out / "search.html").read_bytes())
    assert served_html.get_element_by_id("results").findall("li") == []
    assert "Search needs JavaScript" in text_of(served_html.find(".//noscript"))


def test_every_link_resolves_offline(record):
    """Keyboard users follow links: each one must lead somewhere inside the site (or out to a
    publisher over http(s)), so nothing reachable by Tab is dead."""
    for path in [record.out / "index.html", record.out / "timeline.html", *(record.out / "documents").glob("*.html")]:
        for a in lhtml.fromstring(path.read_bytes()).iter("a"):
            href = a.get("href")
            if href.startswith(("http://", "https://", "#")):
                continue
            target = (path.parent / href.split("#")[0].split("?")[0]).resolve()
            assert target.is_file(), (path.name, href)
    assert Path(record.out / "search.js").is_file()
