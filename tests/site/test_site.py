"""The static site built from a store the real pipeline filled (tests/site/site_record.py),
read as HTML: the contract, the overview, a document's page, the charts, the search index,
escaping and the accessibility basics that can be checked from the markup."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from lxml import html as lhtml
from site_record import (
    HOSTILE_TITLE,
    REISSUE_SENTENCE,
    REISSUED,
    Record,
    build_record,
    opened_store,
    search_documents,
)

from monitor.site import charts
from monitor.site.builder import build_from_data
from monitor.site.data import SiteData, SiteDocument, SiteSource, SiteVersion, council_of, document_slug, load


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Record:
    return build_record(tmp_path_factory.mktemp("record"))


def page(record: Record, rel: str) -> lhtml.HtmlElement:
    return lhtml.fromstring((record.out / rel).read_bytes())


def text_of(el: lhtml.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def doc_page(record: Record, source: str, key: str) -> str:
    return f"documents/{document_slug(source, key)}.html"


def finding_page(record: Record, source: str, key: str) -> str:
    return f"findings/{document_slug(source, key)}.html"


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
    # the verdict sentence first (overall once, with what it was and the date), then each
    # other judgement once with its change, then whether the council has answered
    assert cards == [
        "London Borough of Harrow: Children's services inspection "
        "Ofsted's children's services inspection of Harrow: inadequate overall (good in 2022). Published 1 August 2025. "
        "Impact of leaders: Inadequate (was good in 2022) Help and protection: Inadequate (was good in 2022) "
        "Children in care: Inadequate (was good in 2022) Care leavers: Inadequate (also inadequate in 2022) "
        "The council's answer: Answered 9 March 2026",
        "Elmgrove House: CQC inspection report (2 July 2025) "
        "The CQC's inspection report of Elmgrove House: inadequate overall (good in 2021). Published 2 July 2025. "
        "Safe: Inadequate (was good in 2021) Effective: Requires improvement (was good in 2021) Caring: Good (also good in 2021) "
        "Responsive: Good (also good in 2021) Well-led: Inadequate (was good in 2021) "
        "The council's answer: No answer found",
    ]
    rows = [[text_of(td) for td in tr.findall("td")] for tr in harrow.xpath(".//table[caption[contains(., 'Ombudsman')]]/tbody/tr")]
    assert rows == [
        ["28 July 2025", "London Borough of Harrow (24 012 792): Upheld", "Upheld", "No answer found"],
        ["12 June 2025", "London Borough of Harrow (25 001 412): Upheld", "Upheld", "No answer found"],
        ["2 May 2025", "London Borough of Harrow (25 000 118): Closed after initial enquiries", "Closed after initial enquiries", "No answer expected"],
        ["14 March 2025", "London Borough of Harrow (24 006 077): Not upheld", "Not upheld", "No answer expected"],
    ]
    # an upheld complaint is red, one not upheld green, one closed unexamined grey
    badges = [b.get("class") for b in harrow.xpath(".//table[caption[contains(., 'Ombudsman')]]//span[contains(@class, 'grade')]")]
    assert badges == ["grade level-2", "grade level-2", "grade level-0", "grade level-0"]
    link = harrow.xpath(".//div[@class='card']//a")[0].get("href")
    assert link == doc_page(record, "harrow-ofsted", "50281234") and (record.out / link).is_file()


def test_overview_says_a_source_problem_in_words_and_what_changed_last(record):
    root = page(record, "index.html")
    (problems,) = root.find_class("problems")
    (item,) = problems.findall(".//li")
    assert re.fullmatch(
        r"We have not been able to read the Ombudsman's site since \d{1,2} \w+ \d{4} \(its pages no longer read the way they did\); "
        r"decisions published since then may be missing here\.",
        text_of(item),
    ), text_of(item)
    recent = [text_of(li) for li in root.xpath("//section[h2='What changed last']//li")]
    assert len(recent) == 6  # one line per document that changed, newest first
    # the newest: day 3's regrade of the reissued report, in words, each fact once
    assert recent[0].endswith("Urgent Ofsted: London Borough of Harrow: Children's services inspection. "
                              "A new version; care leavers now inadequate (was good); says “care leavers”, “inadequate”."), recent[0]
    assert any("answers “London Borough of Harrow: Children's services inspection”" in r for r in recent)
    sources = [text_of(li) for li in root.xpath("//section[h2='Where this record comes from']//li")]
    assert sources[2] == "Ombudsman: 4 publications; not read lately (see above)"


def visible_text(root: lhtml.HtmlElement) -> str:
    """What a reader sees, less the publishers' addresses (in tests, this machine's server)."""
    for el in root.xpath("//*[contains(@class, 'url')] | //script | //style | //svg"):
        el.drop_tree() if el.getparent() is not None else None
    return text_of(root)


def every_page(record: Record) -> list[Path]:
    return [p for p in record.out.rglob("*.html") if "files" not in p.parts]


def test_every_page_is_safe_to_share(record):
    """No server path, no error text, no configuration, field or event type name, no label
    said twice: what a member of the public reads."""
    internal = ["impact_of_leaders", "help_and_protection", "care_leavers", "in_care", "local_authority", "urn", "report_type",
                "rating_change", "new_document", "phrase_match", "source_broken", "harrow-ombudsman", "harrow-ofsted", "harrow-cqc",
                "dfe-notices", "harrow-committees", "Housing_ombudsman", "listing looks broken", "Traceback", "evidence", "127.0.0.1",
                "localhost", str(record.monitor.data_dir), str(record.out.parent), "Key:", "Urn", "Category:"]
    for path in every_page(record):
        text = visible_text(lhtml.fromstring(path.read_bytes()))
        for word in internal:
            assert not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text), (path.relative_to(record.out), word)
        assert not re.search(r"\b([A-Z][\w' -]{2,40}): \1:", text), (path.relative_to(record.out), "a label said twice")


def test_document_page_leads_with_the_verdict_then_folds_the_details(record):
    root = page(record, doc_page(record, "harrow-ofsted", "50281234"))
    main = root.find(".//main")
    blocks = [text_of(el) for el in main if el.tag in ("h1", "p", "div", "section")]
    assert blocks[:3] == [
        "London Borough of Harrow: Children's services inspection",
        "Ofsted · Inspection",
        "Ofsted's children's services inspection of Harrow: inadequate overall (good in 2022). Published 1 August 2025. "
        "Where every grade is stated: page 1, the grade table",
    ]
    lines = [text_of(li) for li in root.xpath("//section[h2='Each judgement']//li")]
    # each grade names where the report states it: its page and the grade table's row
    # where they were read is said once, above (every grade comes from the grade table)
    grades = lines
    assert grades == ["Impact of leaders: Inadequate (was good in 2022)", "Help and protection: Inadequate (was good in 2022)",
                      "Children in care: Inadequate (was good in 2022)", "Care leavers: Inadequate (also inadequate in 2022)"]
    # each grade once on the page: the overall in the sentence, the rest in the list
    text = visible_text(page(record, doc_page(record, "harrow-ofsted", "50281234")))
    assert text.count("Inadequate") + text.count("inadequate overall") == 5
    # the metadata folded away, in human words, only what means something
    (details,) = root.xpath("//details")
    meta = {text_of(d.find("dt")).rstrip(":"): text_of(d.find("dd")) for d in details.xpath(".//dl[@class='meta']/div")}
    assert meta.pop("Publisher's copy").endswith("/v1/file/50281234")
    assert re.fullmatch(r"\d{1,2} \w+ \d{4}", meta.pop("First seen by the monitor"))
    assert meta == {"Inspection dates": "2 to 13 June 2025", "Lead inspector": "Jane Example"}
    phrases = {text_of(h).split(":")[0]: h for h in root.xpath("//section[h2='Phrases found']/h3")}
    assert set(phrases) == {"“inadequate”", "“widespread or serious failures”"}
    quotes = [text_of(q) for q in root.xpath("//section[h2='Phrases found']//li")]
    # prose only: the grade table's cells are not quoted, the grades say them
    assert quotes == ["Leaders have not acted on known risks and management oversight is inadequate. page 2",
                      "There are widespread or serious failures in the help and protection of children. page 2"]
    answer = root.xpath("//p[@class='answer']/a")[0]
    assert text_of(answer) == "Answered 9 March 2026" and answer.get("href") == "../" + finding_page(record, "harrow-ofsted", "50281234")


def test_a_revised_report_shows_its_versions_diff_and_copies(record):
    root = page(record, doc_page(record, "harrow-ofsted", REISSUED))
    assert text_of(root.find(".//h1")) == "London Borough of Harrow: Children's services inspection"
    assert text_of(root.find_class("verdict-sentence")[0]) == "Ofsted's children's services inspection of Harrow: good overall. Published 4 March 2022."
    lines = [text_of(li) for li in root.xpath("//section[h2='Each judgement']//li")]
    # each grade names where the report states it: its page and the grade table's row
    # where they were read is said once, above (every grade comes from the grade table)
    grades = lines
    assert "Care leavers: Inadequate (was good before the report was revised)" in grades
    versions = root.find_class("version")
    assert [text_of(v.find("h3")).split(",")[0] for v in versions] == ["Version 2", "Version 1"]
    newest = versions[0]
    # an older version shows only the grades a later one changed
    by_version = [[text_of(li) for li in v.xpath(".//ul[@class='judgements']/li")] for v in versions]
    assert by_version == [[], ["Care leavers: Good"]]
    assert text_of(newest.find_class("diff-summary")[0]).startswith("Since version 1: ")
    assert REISSUE_SENTENCE in [text_of(li) for li in newest.xpath(".//ul[@class='added']/li")]
    (copy,) = [a for a in newest.iter("a") if a.text and a.text.startswith("Our copy")]
    stored = record.out / "documents" / copy.get("href")
    assert stored.resolve().is_file() and stored.read_bytes()[:5] == b"%PDF-"


def test_an_ombudsman_decision_says_each_fact_once(record):
    root = page(record, doc_page(record, "harrow-ombudsman", "24 012 792"))
    assert text_of(root.find_class("verdict-sentence")[0]) == (
        "The Ombudsman upheld a complaint about Harrow (children's care services: looked after children). Decided 28 July 2025."
    )
    text = visible_text(root)
    assert text.count("£500") == 1, text  # the remedy once, not in the summary, headline and quotes
    assert root.xpath("//section[h2='Each judgement']") == []  # the decision is the sentence


def test_a_hostile_title_is_text_everywhere(record):
    hostile = next(d for d in record.documents if d["title"] == HOSTILE_TITLE)
    for rel in ("index.html", "timeline.html", doc_page(record, hostile["source"], hostile["key"])):
        raw = (record.out / rel).read_text(encoding="utf-8")
        assert "<script>alert" not in raw, rel
    raw = (record.out / doc_page(record, hostile["source"], hostile["key"])).read_text(encoding="utf-8")
    assert "<h1>Improvement notice issued to &lt;script&gt;alert(1)&lt;/script&gt;: June 2025</h1>" in raw
    # the search index keeps the title as data; search.js puts it into the page as text only
    assert HOSTILE_TITLE in [d["title"] for d in search_documents(record.out)]
    script = (record.out / "search.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "textContent" in script


def test_timeline_lists_every_publication_newest_first(record):
    root = page(record, "timeline.html")
    rows = root.xpath("//table/tbody/tr")
    assert len(rows) == 18
    dates = [datetime.strptime(text_of(r.find("td")), "%d %B %Y").date() for r in rows]
    assert dates == sorted(dates, reverse=True)
    assert [text_of(h) for h in root.xpath("//main/section/h2")] == [str(y) for y in sorted({d.year for d in dates}, reverse=True)]


def test_timeline_filters_are_pages_of_their_own(record):
    """Without JavaScript: each publisher, each kind of a publisher's publications and each
    year has its page, linked from the timeline, listing exactly those publications."""
    root = page(record, "timeline.html")
    links = {a.get("data-filter") + ":" + text_of(a): a.get("href") for a in root.xpath("//nav[@class='filters']//a")}
    assert links["publisher:Ofsted"] == "timeline/ofsted.html"
    assert links["kind:Inspection"] == "timeline/ofsted-inspection.html"
    assert links["year:2025"] == "timeline/2025.html"
    by_publisher = {d["source"]: d for d in record.documents}
    assert len(by_publisher) == 5
    expected = {
        "timeline/ofsted.html": [d for d in record.documents if d["source"] == "harrow-ofsted"],
        "timeline/ofsted-inspection.html": [d for d in record.documents if d["source"] == "harrow-ofsted" and d["kind"] == "inspection"],
        "timeline/ombudsman.html": [d for d in record.documents if d["source"] == "harrow-ombudsman"],
        "timeline/2025.html": [d for d in record.documents if (d["published"] or d["first_seen"])[:4] == "2025"],
    }
    for rel, docs in expected.items():
        filtered = page(record, rel)
        hrefs = sorted(a.get("href") for a in filtered.xpath("//table/tbody/tr/td[2]/a"))
        assert hrefs == sorted(f"../{doc_page(record, d['source'], d['key'])}" for d in docs), rel
        assert filtered.xpath("//nav[@class='filters']//a[@aria-current='page']/@href") == [f"../{rel}"]
        assert filtered.xpath("//p[@class='lead']/a/@href") == ["../timeline.html"]
    # every filter page there is, is linked, and nothing else is in the folder
    assert sorted(f"timeline/{p.name}" for p in (record.out / "timeline").glob("*.html")) == sorted(set(links.values()))


def test_findings_have_a_page_each_with_the_councils_answer(record):
    findings = sorted(p.name for p in (record.out / "findings").glob("*.html"))
    roles = {"harrow-ofsted", "harrow-cqc", "harrow-ombudsman", "dfe-notices"}  # every kind here but committee papers
    assert findings == sorted(f"{document_slug(d['source'], d['key'])}.html" for d in record.documents if d["source"] in roles)
    answered = page(record, finding_page(record, "harrow-ofsted", "50281234"))
    assert text_of(answered.find_class("verdict-sentence")[0]).startswith("Ofsted's children's services inspection of Harrow: inadequate overall")
    (answer,) = answered.xpath("//ol[@class='answers']/li")
    assert text_of(answer.find("h3")) == "Cabinet, 16 Mar 2026: Children's Services - Ofsted Action Plan"
    assert "9 March 2026, 220 days after the finding was published." in text_of(answer)
    assert [text_of(q) for q in answer.xpath(".//blockquote")] == ["Ofsted judged the overall effectiveness of children's services to be inadequate."]
    closed = page(record, finding_page(record, "harrow-ombudsman", "25 000 118"))
    assert "No answer is expected" in text_of(closed.xpath("//section[h2=\"The council's answer\"]")[0])
    other = page(record, finding_page(record, "dfe-notices", "/government/publications/improvement-notice-issued-to-cheshire-east-council-may-2024"))
    assert "about another council" in text_of(other.xpath("//section[h2=\"The council's answer\"]")[0])
    index = page(record, "findings.html")
    assert len(index.xpath("//table/tbody/tr")) == len(findings)


def test_unanswered_for_n_days_as_of_the_build(record, tmp_path):
    """A finding that expects an answer and has none says for how long, counted to the day the
    site was built: built on 1 September 2025, the upheld housing complaint of 12 June 2025 has
    waited 81 days, and the overview lists it."""
    with opened_store(record) as store:
        with store.session() as session:
            data = load(session)
        build_from_data(data, tmp_path, store.blobs.path_for, built_at=datetime(2025, 9, 1, 8, 0, tzinfo=UTC))
    root = lhtml.fromstring((tmp_path / finding_page(record, "harrow-ombudsman", "25 001 412")).read_bytes())
    assert text_of(root.find_class("unanswered")[0]).startswith("Unanswered for 81 days.")
    overview = lhtml.fromstring((tmp_path / "index.html").read_bytes())
    waiting = [text_of(li) for li in overview.xpath("//section[h2=\"Waiting for the council's answer\"]//li")]
    assert "London Borough of Harrow (25 001 412): Upheld (Ombudsman, 12 June 2025): Unanswered for 81 days" in waiting
    # the inspection of 1 August 2025 was answered in March 2026, after this build: not yet
    assert any(w.startswith("London Borough of Harrow: Children's services inspection (Ofsted, 1 August 2025): Unanswered for 31 days") for w in waiting), waiting


def test_the_improvement_notice_in_force_is_on_the_overview(record):
    root = page(record, "index.html")
    items = [text_of(li) for li in root.xpath("//section[h2='Improvement notices and directions']//li")]
    # the council this record follows first, then the newest notice of each other council
    assert items == [
        f"Harrow: {HOSTILE_TITLE}, published by GOV.UK on 20 June 2025, so in force since at least then. "
        "The council's answer: Answered 9 March 2026.",
        "Cheshire East: Improvement notice issued to Cheshire East Council: May 2024, published by GOV.UK on 9 May 2024.",
        "Havering: Improvement notice issued to London Borough of Havering: March 2024, published by GOV.UK on 22 March 2024.",
    ]


def test_charts_have_visible_titles_a_legend_in_words_and_the_right_colours(record):
    root = page(record, "index.html")
    figures = root.xpath("//figure[@class='chart-figure']")
    assert [text_of(f.find(".//span[@class='chart-title']")) for f in figures] == [
        "Ofsted overall effectiveness over time", "Ombudsman decisions by year and outcome", "Ombudsman decisions by service area"]
    legends = [[(li.find("span").get("class"), text_of(li)) for li in f.xpath(".//ul[@class='legend']/li")] for f in figures]
    assert legends == [
        [("swatch grade-good", "Good"), ("swatch grade-inadequate", "Inadequate")],
        # best for the council first, by the kind's scale; upheld in red
        [("swatch level-0 shade-0", "Not upheld"), ("swatch level-0 shade-1", "Closed after initial enquiries"), ("swatch level-2 shade-0", "Upheld")],
        [("swatch level-2", "Upheld: the Ombudsman found fault"), ("swatch level-none", "Not upheld, or not investigated")],
    ]
    css = (Path(__file__).parents[2] / "monitor" / "site" / "static" / "site.css").read_text(encoding="utf-8")
    colour = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-f]{6})", css))
    fills = dict(re.findall(r"svg\.chart ([^{]*?) rect \{ fill: var\(--([a-z]+)\)", css))
    assert "inadequate" in [v for k, v in fills.items() if ".level-2" in k] and colour["inadequate"] == "#b3261e"
    assert "good" in [v for k, v in fills.items() if ".level-0 " in k + " "]
    svgs = [f.find(".//svg") for f in figures]
    assert [s.find("title").text for s in svgs] == [text_of(f.find(".//span[@class='chart-title']")) for f in figures]
    bars = [(b.find("text[@class='label']").text, b.find("text[@class='value']").text) for b in svgs[0].find_class("bar")]
    # the reissued 2022 report keeps its overall grade (only care leavers moved)
    assert bars == [("Mar 2022", "Good"), ("Aug 2025", "Inadequate")]
    stacked = svgs[1].xpath(".//g[contains(@class,'bar')]")
    # worst at the bottom: drawn first
    assert [g.find("rect/title").text for g in stacked] == ["2025, Upheld: 2", "2025, Closed after initial enquiries: 1", "2025, Not upheld: 1"]
    assert [g.get("class") for g in stacked][0] == "bar level-2 shade-0"
    categories = [t.text for t in svgs[2].xpath(".//text[@class='label']")]
    # service areas with upheld decisions first
    assert categories == ["Children's care services", "Housing", "Benefits and tax", "Transport and highways"]


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
    data = {"documents": search_documents(record.out)}
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
    for fg in ("fg", "muted", "link", "good", "outstanding", "ri", "inadequate", "worst", "neutral"):
        assert contrast(var[fg], var["bg"]) >= 4.5, fg
        assert contrast(var[fg], var["soft"]) >= 4.5 or fg not in ("fg", "muted", "link"), fg  # the filter box
    for badge in ("good", "outstanding", "ri", "inadequate", "muted", "worst", "neutral"):
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


def _one_report(tmp_path: Path, meta: dict, kind: str = "ofsted", title: str = "London Borough of Harrow: Children's services inspection") -> lhtml.HtmlElement:
    """The page of one document built from data made here (no store): how a verdict's source
    is shown, for readers that record one."""
    blob = tmp_path / "blob.pdf"
    blob.write_bytes(b"%PDF-1.4 made here")
    sha = "ab" * 32
    source = SiteSource("harrow-x", kind, "ok", None, datetime(2025, 3, 5), None, None, 0)
    doc = SiteDocument(1, "harrow-x", kind, "k1", "https://files.example/v1/file/1", title, "inspection", date(2025, 3, 4),
                       datetime(2025, 3, 5, 9, 0), "ok", meta, "harrow-x-k1")
    doc.versions.append(SiteVersion(1, 1, datetime(2025, 3, 5, 9, 0), sha, "blobs/x", "application/pdf", 2048, ["page one", "page two"], None, meta))
    build_from_data(SiteData([source], [doc], []), tmp_path / "site", lambda _sha: blob, built_at=datetime(2025, 3, 6, tzinfo=UTC))
    return lhtml.fromstring((tmp_path / "site" / "documents" / "harrow-x-k1.html").read_bytes())


def test_a_verdict_is_shown_with_the_page_and_row_it_was_read_from(tmp_path):
    meta = {
        "local_authority": "Harrow",
        "judgements": {"overall": "inadequate", "impact_of_leaders": "requires improvement", "care_leavers": "inadequate"},
        "verdict_sources": {
            "overall": {"page": 1, "text": "Overall effectiveness Inadequate"},
            "care_leavers": {"page": 1, "text": "The experiences and progress of care leavers Inadequate"},
        },
    }
    root = _one_report(tmp_path, meta)
    assert text_of(root.find_class("verdict-sentence")[0]) == (
        "Ofsted's children's services inspection of Harrow: inadequate overall. Published 4 March 2025.")
    where = root.xpath("//div[@class='verdict']/p[@class='where']")[0]
    assert text_of(where) == "Where it says so: page 1, the grade table"  # one grade without a source: not "every"
    assert where.find("a").get("href") == f"../files/ab/{'ab' * 32}.pdf#page=1"
    grades = [text_of(li) for li in root.xpath("//ul[@class='judgements']/li")]
    # a judgement without a recorded source is shown without one
    assert grades == ["Impact of leaders: Requires improvement",
                      "Care leavers: Inadequate — page 1, the grade table"]


def test_a_decision_read_from_structured_data_links_the_data(tmp_path):
    meta = {"authority": "London Borough of Harrow", "decision": "Upheld", "decision_date": "2025-03-04", "category": "Housing",
            "verdict_sources": {"decision": {"url": "https://publisher.example/api/decisions/1", "field": "outcome"}}}
    root = _one_report(tmp_path, meta, kind="lgsco", title="London Borough of Harrow (24 000 001): Upheld")
    assert text_of(root.find_class("verdict-sentence")[0]) == "The Ombudsman upheld a complaint about Harrow (housing). Decided 4 March 2025."
    where = root.xpath("//div[@class='verdict']/p[@class='where']")[0]
    assert text_of(where) == "Where it says so: the publisher's data"
    assert where.find("a").get("href") == "https://publisher.example/api/decisions/1"
