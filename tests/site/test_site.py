"""The static site built from a store the real pipeline filled (tests/site/site_record.py),
read as HTML: the contract, the overview, a document's page, the charts, the search index,
escaping and the accessibility basics that can be checked from the markup."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import html as lhtml
from site_record import HOSTILE_TITLE, REISSUE_SENTENCE, REISSUED, Record, build_record

from monitor.site import charts
from monitor.site.data import SiteDocument, council_of, document_slug


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Record:
    return build_record(tmp_path_factory.mktemp("record"))


def page(record: Record, rel: str) -> lhtml.HtmlElement:
    return lhtml.fromstring((record.out / rel).read_bytes())


def text_of(el: lhtml.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def doc_page(record: Record, source: str, key: str) -> str:
    return f"documents/{document_slug(source, key)}.html"


def test_the_contract_index_and_one_page_per_document(record):
    assert (record.out / "index.html").is_file()
    names = sorted(p.name for p in (record.out / "documents").glob("*.html"))
    expected = sorted(f"{document_slug(d['source'], d['key'])}.html" for d in record.documents)
    assert names == expected and len(names) == 18
    assert f"site written to {record.out}: 18 document page(s)" in record.site_output


def test_default_folder_is_data_site(record):
    import shutil

    # every pass that found something rebuilt data/site/ already; the command writes it anew
    shutil.rmtree(record.monitor.data_dir / "site")
    code, out, err = record.monitor.run("site")
    assert code == 0, err
    assert (record.monitor.data_dir / "site" / "index.html").is_file()
    assert len(list((record.monitor.data_dir / "site" / "documents").glob("*.html"))) == 18


def test_overview_shows_current_grades_with_dates(record):
    root = page(record, "index.html")
    (harrow,) = [s for s in root.iter("section") if text_of(s.find("h2")) == "Harrow"]
    cards = [text_of(c) for c in harrow.find_class("card")]
    assert cards == [
        "London Borough of Harrow: inspection published 2025-08-01 Overall: Inadequate Impact of leaders: Inadequate "
        "Help and protection: Inadequate In care: Inadequate Care leavers: Inadequate",
        "Elmgrove House: report published 2025-07-02 Overall: Inadequate Safe: Inadequate Effective: Requires improvement "
        "Caring: Good Responsive: Good Well led: Inadequate",
    ]
    rows = [[text_of(td) for td in tr.findall("td")] for tr in harrow.xpath(".//table[caption[contains(., 'Ombudsman')]]/tbody/tr")]
    assert rows == [
        ["2025-07-28", "Ombudsman", "London Borough of Harrow (24 012 792): Upheld", "decision", "Upheld"],
        ["2025-06-12", "Ombudsman", "London Borough of Harrow (25 001 412): Upheld", "decision", "Upheld"],
        ["2025-05-02", "Ombudsman", "London Borough of Harrow (25 000 118): Closed after initial enquiries", "decision", "Closed after initial enquiries"],
        ["2025-03-14", "Ombudsman", "London Borough of Harrow (24 006 077): Not upheld", "decision", "Not upheld"],
    ]
    link = harrow.xpath(".//div[@class='card']//a")[0].get("href")
    assert link == doc_page(record, "harrow-ofsted", "50281234") and (record.out / link).is_file()


def test_overview_names_the_broken_source_and_what_changed_last(record):
    root = page(record, "index.html")
    (problems,) = root.find_class("problems")
    (item,) = problems.findall(".//li")
    assert text_of(item).startswith("harrow-ombudsman (Ombudsman): ")
    assert item.find_class("health")[0].text in ("failing", "broken")
    recent = [text_of(li) for li in root.xpath("//section[h2='What changed last']//li")]
    assert len(recent) == 10
    # the newest first: day 3's regrade of the reissued report
    assert any("Rating change" in r and "Children's services inspection" in r for r in recent[:4]), recent[:4]


def test_document_page_has_versions_diff_copy_and_phrases(record):
    root = page(record, doc_page(record, "harrow-ofsted", REISSUED))
    assert text_of(root.find(".//h1")) == "London Borough of Harrow: Children's services inspection"
    grades = [text_of(d) for d in root.xpath("//section[h2='Grades and ratings']//dl/div")]
    assert grades[0] == "Overall: Good" and "Care leavers: Inadequate" in grades
    versions = root.find_class("version")
    assert [text_of(v.find("h3")).split(",")[0] for v in versions] == ["Version 2", "Version 1"]
    newest = versions[0]
    # each version shows the grades it stated: the reissue moved care leavers only
    by_version = [[text_of(d) for d in v.xpath(".//dl[@class='grades']/div")] for v in versions]
    assert "Care leavers: Inadequate" in by_version[0] and "Care leavers: Good" in by_version[1]
    assert by_version[0][0] == by_version[1][0] == "Overall: Good"
    assert text_of(newest.find_class("diff-summary")[0]).startswith("Since version 1: ")
    assert REISSUE_SENTENCE in [text_of(li) for li in newest.xpath(".//ul[@class='added']/li")]
    (copy,) = [a for a in newest.iter("a") if a.text and a.text.startswith("Stored copy")]
    stored = record.out / "documents" / copy.get("href")
    assert stored.resolve().is_file() and stored.read_bytes()[:5] == b"%PDF-"

    new = page(record, doc_page(record, "harrow-ofsted", "50281234"))
    phrases = {text_of(h).split(":")[0]: h for h in new.xpath("//section[h2='Phrases found']/h3")}
    assert set(phrases) == {"“inadequate”", "“widespread or serious failures”"}
    quotes = new.xpath("//section[h2='Phrases found']//li")
    assert any("widespread or serious failures" in text_of(q) and text_of(q).endswith("page 2") for q in quotes)
    meta = {text_of(d.find("dt")).rstrip(":"): text_of(d.find("dd")) for d in new.xpath("//dl[@class='meta']/div")}
    assert meta["Published"] == "2025-08-01" and meta["Lead inspector"] == "Jane Example"
    assert meta["Publisher's copy"].endswith("/v1/file/50281234")


def test_a_hostile_title_is_text_everywhere(record):
    hostile = next(d for d in record.documents if d["title"] == HOSTILE_TITLE)
    for rel in ("index.html", "timeline.html", doc_page(record, hostile["source"], hostile["key"])):
        raw = (record.out / rel).read_text(encoding="utf-8")
        assert "<script>alert" not in raw, rel
    raw = (record.out / doc_page(record, hostile["source"], hostile["key"])).read_text(encoding="utf-8")
    assert "<h1>Improvement notice issued to &lt;script&gt;alert(1)&lt;/script&gt;: June 2025</h1>" in raw
    # the search index keeps the title as data; search.js puts it into the page as text only
    raw = (record.out / "search-index.js").read_text(encoding="utf-8")
    data = json.loads(re.fullmatch(r"window\.MONITOR_SEARCH = (.*);\n", raw, re.S).group(1))
    assert HOSTILE_TITLE in [d["title"] for d in data["documents"]]
    script = (record.out / "search.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "textContent" in script


def test_timeline_lists_every_publication_newest_first(record):
    root = page(record, "timeline.html")
    rows = root.xpath("//table/tbody/tr")
    assert len(rows) == 18
    dates = [text_of(r.find("td")) for r in rows]
    assert dates == sorted(dates, reverse=True)
    assert [text_of(h) for h in root.xpath("//main/section/h2")] == sorted({d[:4] for d in dates}, reverse=True)


def test_charts_have_labelled_bars(record):
    root = page(record, "index.html")
    svgs = root.xpath("//svg")
    titles = [s.find("title").text for s in svgs]
    assert titles == ["Ofsted overall effectiveness over time", "Ombudsman decisions by year and outcome", "Ombudsman decisions by service area"]
    ofsted = svgs[0]
    bars = [(b.find("text[@class='label']").text, b.find("text[@class='value']").text) for b in ofsted.find_class("bar")]
    # the reissued 2022 report keeps its overall grade (only care leavers moved)
    assert bars == [("2022-03-04", "Good"), ("2025-08-01", "Inadequate")]
    by_year = svgs[1]
    assert sorted(r.find("title").text for r in by_year.xpath(".//rect[title]")) == [
        "2025, Closed after initial enquiries: 1",
        "2025, Not upheld: 1",
        "2025, Upheld: 2",
    ]
    categories = [b.find("text[@class='label']").text for b in svgs[2].find_class("bar")]
    assert sorted(categories) == ["Benefits and tax", "Children's care services", "Housing", "Transport and highways"]


def test_cqc_quality_statements_chart_against_bands():
    """Harrow's 2025 adult social care assessment: 2,2,3,2,3,2,2,2,3 = 58%, requires improvement."""
    names = ["assessing-needs", "supporting-people", "equity", "care-provision", "partnerships", "safe-pathways", "safeguarding", "governance", "learning"]
    doc = SiteDocument(1, "cqc-la", "cqc", "k", "https://www.cqc.org.uk/x", "t", "assessment", None, datetime(2025, 1, 1), "ok",
                       {"quality_statements": dict(zip(names, [2, 2, 3, 2, 3, 2, 2, 2, 3], strict=True))}, "s")
    svg = lhtml.fromstring(str(charts.cqc_quality_statements(doc)))
    values = [t.text for t in svg.xpath(".//g[contains(@class,'bar')]/text[@class='value']")]
    assert values == ["2 of 4", "2 of 4", "3 of 4", "2 of 4", "3 of 4", "2 of 4", "2 of 4", "2 of 4", "3 of 4", "58% (requires improvement)"]
    assert [t.text for t in svg.find_class("band-label")] == ["inadequate", "requires improvement", "good", "outstanding"]
    doc.meta = {"quality_statements": {"x": 7}}
    assert charts.cqc_quality_statements(doc) is None


def test_search_index_holds_every_version_text_once(record):
    raw = (record.out / "search-index.js").read_text(encoding="utf-8")
    data = json.loads(re.fullmatch(r"window\.MONITOR_SEARCH = (.*);\n", raw, re.S).group(1))
    (doc,) = [d for d in data["documents"] if d["url"] == doc_page(record, "harrow-ofsted", REISSUED)]
    versions = {c[0] for c in doc["chunks"]}
    assert versions == {1, 2}
    assert any(REISSUE_SENTENCE in c[2] and c[0] == 2 for c in doc["chunks"])
    assert any("sustained good practice" in c[2] and c[0] == 1 for c in doc["chunks"])
    assert len(data["documents"]) == 18


def test_headings_in_order_and_svgs_titled_on_every_page(record):
    for path in [record.out / "index.html", record.out / "timeline.html", record.out / "search.html", *(record.out / "documents").glob("*.html")]:
        root = lhtml.fromstring(path.read_bytes())
        levels = [int(h.tag[1]) for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert levels[0] == 1 and levels.count(1) == 1, path.name
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (path.name, levels)
        assert all(s.get("role") == "img" and s.find("title") is not None for s in root.iter("svg")), path.name
        assert all(img.get("alt") for img in root.iter("img")), path.name
        for a in root.iter("a"):
            assert a.get("href") and text_of(a), (path.name, lhtml.tostring(a))
            assert a.get("tabindex") is None
        assert root.get("lang") == "en" and root.find(".//a[@class='skip']").get("href") == "#main"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_colours_meet_wcag_aa_contrast():
    css = (Path(__file__).parents[2] / "monitor" / "site" / "static" / "site.css").read_text(encoding="utf-8")
    var = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-f]{6})", css))
    for fg in ("fg", "muted", "link", "good", "outstanding", "ri", "inadequate"):
        assert contrast(var[fg], var["bg"]) >= 4.5, fg
    for badge in ("good", "outstanding", "ri", "inadequate", "muted"):
        assert contrast("#ffffff", var[badge]) >= 4.5, badge  # white text on the grade badges


def test_council_names_are_read_from_meta():
    assert council_of({"authority": "London Borough of Harrow"}) == "Harrow"
    assert council_of({"local_authority": "Harrow"}) == "Harrow"
    assert council_of({"authority": "Cheshire East Council"}) == "Cheshire East"
    assert council_of({}) is None


def test_build_is_timed(record):
    seconds = float(re.search(r", ([0-9.]+) s\n", record.site_output).group(1))
    assert 0 < seconds < 30
    assert datetime.now(UTC).year >= 2025
