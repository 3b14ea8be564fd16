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
from in_browser import Checker, axe_or_skip
from lxml import html as lhtml
from site_record import HOSTILE_TITLE, Record, build_record
from story_record import story_site

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
    assert cards[0].startswith("London Borough of Harrow: Children's services inspection "
                               "Ofsted's children's services inspection of Harrow: inadequate overall (good in 2022).")
    assert cards[1].startswith("Elmgrove House: CQC inspection report (2 July 2025) "
                               "The CQC's inspection report of Elmgrove House: inadequate overall (good in 2021).")
    (chart,) = [s for s in dom.iter("{http://www.w3.org/2000/svg}svg", "svg") if "Ofsted" in (s.findtext("title") or s.findtext("{http://www.w3.org/2000/svg}title") or "")]
    rects = [r for r in chart.iter() if isinstance(r.tag, str) and r.tag.endswith("rect")]
    labels = [t.text for t in chart.iter() if isinstance(t.tag, str) and t.tag.endswith("text") and t.get("class") == "label"]
    assert len(rects) == 2 and all(float(r.get("height")) > 0 for r in rects)
    assert labels == ["Mar 2022", "Aug 2025"]
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
    assert [s.get("src") for s in dom.iter("script")] == ["search/index.js", "search.js"]
    screenshot(url, tmp_path / "hostile.png")


def test_without_javascript_the_pages_read_and_search_says_why(record):
    """Only the search page needs scripts, and the timeline's only enhances it (its filters are
    pages of their own), so every other page reads the same with them off; the search page, as
    served, says search needs JavaScript and lists nothing."""
    pages = [record.out / "index.html", record.out / "findings.html", *(record.out / "documents").glob("*.html"), *(record.out / "findings").glob("*.html")]
    for path in pages:
        assert list(lhtml.fromstring(path.read_bytes()).iter("script")) == [], path.name
    for path in [record.out / "timeline.html", *(record.out / "timeline").glob("*.html")]:
        scripts = [s.get("src") for s in lhtml.fromstring(path.read_bytes()).iter("script")]
        assert [src.rsplit("/", 1)[-1] for src in scripts] == ["timeline.js"], path.name
    served_html = lhtml.fromstring((record.out / "search.html").read_bytes())
    assert served_html.get_element_by_id("results").findall("li") == []
    assert "Search needs JavaScript" in text_of(served_html.find(".//noscript"))


def test_every_link_resolves_offline(record):
    """Keyboard users follow links: each one must lead somewhere inside the site (or out to a
    publisher over http(s)), so nothing reachable by Tab is dead."""
    for path in [p for p in record.out.rglob("*.html") if "files" not in p.parts]:
        for a in lhtml.fromstring(path.read_bytes()).iter("a"):
            href = a.get("href")
            if href.startswith(("http://", "https://", "#")):
                continue
            target = (path.parent / href.split("#")[0].split("?")[0]).resolve()
            assert target.is_file(), (path.name, href)
    assert Path(record.out / "search.js").is_file()


def _doc(source: str, key: str) -> str:
    return f"documents/{document_slug(source, key)}.html"


def _finding(source: str, key: str) -> str:
    return f"findings/{document_slug(source, key)}.html"


#: the pages a phone must show without sideways scrolling: every kind of page the site has, and
#: the Ombudsman decision, whose publisher's address is one long word
NARROW_PAGES = [
    "index.html",
    "timeline.html",
    "timeline/ofsted.html",
    "findings.html",
    "search.html?q=inadequate",
    _doc("harrow-ofsted", "50281234"),
    _doc("harrow-ombudsman", "24 012 792"),
    _doc("dfe-notices", "/government/publications/improvement-notice-issued-to-london-borough-of-harrow-june-2025"),
    _finding("harrow-ofsted", "50281234"),
]


def test_no_sideways_scroll_on_a_360px_screen(record, tmp_path):
    checker = Checker(record.out, tmp_path)
    for rel in NARROW_PAGES:
        result = checker.check(rel, 360)
        assert result["innerWidth"] == 360, (rel, result)
        assert result["scrollWidth"] <= result["innerWidth"], (rel, result["scrollWidth"], result["wide"])
    # the check sees a page that is too wide: a long line that may not wrap
    (checker.root / "wide.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        '<title>wide</title></head><body><p style="white-space:nowrap">' + "a-long-address/" * 40 + "</p></body></html>",
        encoding="utf-8",
    )
    wide = checker.check("wide.html", 360)
    assert wide["scrollWidth"] > 360, wide


def test_axe_finds_no_serious_or_critical_violation(record, tmp_path):
    """axe-core (from the npm registry) in the Debian Chromium, on the overview, a document's
    page, a finding's page and the timeline, at a desktop's width and a phone's."""
    checker = Checker(record.out, tmp_path, axe_or_skip())
    pages = ["index.html", _doc("harrow-ofsted", "50281234"), _finding("harrow-ofsted", "50281234"), "timeline.html",
             _doc("harrow-ombudsman", "24 012 792")]
    for rel in pages:
        for width in (1280, 360):
            result = checker.check(rel, width)
            bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
            assert bad == [], (rel, width, bad)
    # and axe is really looking: an image without words is a critical violation
    (checker.root / "bad.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>bad</title></head>'
        '<body><main><img src="nothing.png"></main></body></html>',
        encoding="utf-8",
    )
    ids = {v["id"]: v["impact"] for v in checker.check("bad.html", 1280)["violations"]}
    assert ids.get("image-alt") == "critical", ids


def test_timeline_filters_in_place_with_javascript(record):
    """timeline.js adds three lists (publisher, kind, year) that hide the rows that do not
    match; the address can carry the choice (timeline.html?publisher=ombudsman&year=2025)."""
    dom = lhtml.fromstring(dump_dom(f"{file_url(record, 'timeline.html')}?publisher=ombudsman&year=2025"))
    labels = [text_of(label) for label in dom.xpath("//form[@class='live-filter']//label")]
    assert labels == ["Publisher", "Kind of publication", "Year"]
    shown = [tr for tr in dom.xpath("//table/tbody/tr") if tr.get("hidden") is None]
    assert len(shown) == 4 and all(tr.get("data-publisher") == "ombudsman" and tr.get("data-year") == "2025" for tr in shown)
    hidden_years = [s.find("h2").text for s in dom.xpath("//section[@class='year']") if s.get("hidden") is not None]
    assert "2025" not in hidden_years and "2022" in hidden_years
    assert text_of(dom.xpath("//div[@id='live-filter']/p[@role='status']")[0]) == "4 publications shown"


#: name -> (page, height at 1280 px, height at 390 px): each as tall as its page
SHOTS = {
    "site-overview": ("index.html", 2000, 4400),
    "site-document": (_doc("harrow-ofsted", "50270419"), 1000, 1900),
    "site-finding": (_finding("harrow-ofsted", "50270419"), 800, 1500),
}


def test_screenshots_of_the_harrow_story_at_desktop_and_phone_widths(tmp_path_factory):
    """The docs' screenshots (docs/site-*.png): the Harrow story's overview, its 2025
    inspection and that inspection's finding page with the council's answer, at 1280 and 390
    px. Written to docs/ when MONITOR_SITE_SCREENSHOTS names that folder."""
    chromium_or_skip()
    _, out = story_site(tmp_path_factory.mktemp("story"))
    target = os.environ.get("MONITOR_SITE_SCREENSHOTS")
    shots = tmp_path_factory.mktemp("shots")
    for name, (rel, tall, phone) in SHOTS.items():
        for width, height, suffix in ((1280, tall, ""), (390, phone, "-390")):
            shot = screenshot((out / rel).as_uri(), shots / f"{name}{suffix}.png", width, height)
            raw = shot.read_bytes()
            assert raw[:8] == b"\x89PNG\r\n\x1a\n"
            assert int.from_bytes(raw[16:20], "big") == width  # the PNG's own width
            if target:
                shutil.copyfile(shot, Path(target) / shot.name)
