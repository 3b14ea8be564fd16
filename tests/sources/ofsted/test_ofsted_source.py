"""The ofsted source: the provider timeline listing, the search, and the ILACS report reader.

Listings are served by the real local publisher server from fixtures written from the
structure in ../shared/fixtures/ofsted/NOTES.md; reports are the real ILACS PDFs in
../shared/fixtures/ofsted (contract) and PDFs drawn here with reportlab.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs

import pdfplumber
import pytest
from pydantic import ValidationError

from monitor.errors import BlockedError, ListingBrokenError
from monitor.extract.pool import extract_here
from monitor.extract.textnorm import normalise_page
from monitor.sources import source_class
from monitor.sources.base import DocumentRef, SourceContext
from monitor.sources.ofsted.source import (
    OfstedSource,
    parse_date_span,
    read_judgements,
    read_report_type,
    report_kind,
)

FIXTURES = Path(__file__).parent / "fixtures"
GRADE_KEYS = ("overall", "impact_of_leaders", "help_and_protection", "in_care", "care_leavers")


def fixture(name: str, base: str = "") -> str:
    return (FIXTURES / name).read_text(encoding="utf-8").replace("{BASE}", base)


def make_source(server, http, **keys) -> OfstedSource:
    return OfstedSource(
        OfstedSource.Settings(**keys), SourceContext(name="ofsted-test", base_url=server.url, http=http)
    )


# -- settings ---------------------------------------------------------------------------


def test_registered_under_its_kind():
    assert source_class("ofsted") is OfstedSource
    assert OfstedSource.default_base_url == "https://reports.ofsted.gov.uk"


def test_settings_normalise_urn_and_default_category():
    settings = OfstedSource.Settings(
        providers=[{"urn": 80499}, {"urn": "SC123456", "category": 2, "name": "A home"}]
    )
    assert [(p.urn, p.category, p.name) for p in settings.providers] == [
        ("80499", 44, None),
        ("SC123456", 2, "A home"),
    ]
    assert settings.search is False


@pytest.mark.parametrize(
    "keys",
    [
        {},
        {"providers": []},
        {"providers": [{"urn": 80499}], "colour": "red"},
        {"providers": [{"urn": 80499, "catgory": 44}]},
        {"providers": [{"urn": "../44"}]},
    ],
)
def test_settings_reject_bad_keys(keys):
    with pytest.raises(ValidationError):
        OfstedSource.Settings(**keys)


# -- the provider timeline --------------------------------------------------------------


def test_lists_every_report_on_the_timeline_once(server, http):
    server.add("/provider/44/80499", fixture("provider_80499.html", server.url))
    source = make_source(server, http, providers=[{"urn": 80499}])

    docs = list(source.list_documents())

    name = "London Borough of Harrow"

    def ref(key, url, report_type, kind, published, **extra):
        return DocumentRef(
            key=key,
            url=url,
            title=f"{name}: {report_type}",
            published=published,
            kind=kind,
            meta={
                "provider": name,
                "urn": "80499",
                "category": 44,
                "report_type": report_type,
                "published": published.isoformat() if published else None,
                **extra,
            },
        )

    base = server.url
    assert docs == [
        ref(
            "50281234",
            f"{base}/v1/file/50281234",
            "Children's services monitoring visit",
            "monitoring visit",
            date(2025, 8, 1),
        ),
        ref(
            "50270419",
            f"{base}/v1/file/50270419",
            "Children's services inspection",
            "inspection",
            date(2025, 3, 4),
        ),
        # a relative href is resolved against the provider page
        ref(
            "50252440",
            f"{base}/v1/file/50252440",
            "Area SEND full inspection",
            "area send",
            date(2024, 7, 15),
        ),
        ref(
            "50236001",
            f"{base}/v1/file/50236001",
            "Joint area child protection inspection",
            "jtai",
            date(2023, 12, 8),
        ),
        # a label no kind word names is kept, as "unknown", with the label said (issue 13)
        ref(
            "50236002",
            f"{base}/v1/file/50236002",
            "Outcome letter",
            "unknown",
            date(2023, 12, 8),
            unrecognised_label="Outcome letter",
        ),
        # no date in the screen-reader text: listed, with no published date
        ref(
            "50212345", f"{base}/v1/file/50212345", "Children's services focused visit", "focused visit", None
        ),
        ref(
            "50149055",
            f"{base}/v1/file/50149055",
            "Children's services inspection",
            "inspection",
            date(2020, 3, 16),
        ),
    ]
    assert [hit.path for hit in server.hits if hit.path != "/robots.txt"] == ["/provider/44/80499"]


def test_settings_name_used_when_page_has_no_heading(server, http):
    page = fixture("provider_80499.html", server.url).replace('class="heading--title"', 'class="heading"')
    server.add("/provider/44/80499", page)
    source = make_source(server, http, providers=[{"urn": "80499", "name": "Harrow children's services"}])

    docs = list(source.list_documents())

    assert len(docs) == 7
    assert docs[0].title == "Harrow children's services: Children's services monitoring visit"
    assert {doc.meta["provider"] for doc in docs} == {"Harrow children's services"}


def test_two_providers_share_a_file_once(server, http):
    server.add("/provider/44/80499", fixture("provider_80499.html", server.url))
    joint = (
        '<html><body><h1 class="heading--title">London Borough of Barnet</h1><ol class="timeline">'
        '<li class="timeline__day"><a class="publication-link" href="{BASE}/v1/file/50236001">JTAI '
        '<span class="nonvisual">Joint targeted area inspection, PDF - 08 December 2023</span></a></li>'
        '<li class="timeline__day"><a class="publication-link" href="{BASE}/v1/file/50253182">Inspection '
        '<span class="nonvisual">Children\'s services inspection, PDF - 23 July 2024</span></a></li>'
        "</ol></body></html>"
    ).replace("{BASE}", server.url)
    server.add("/provider/21/80487", joint)
    source = make_source(server, http, providers=[{"urn": 80499}, {"urn": 80487, "category": 21}])

    docs = list(source.list_documents())

    assert [doc.key for doc in docs] == [
        "50281234",
        "50270419",
        "50252440",
        "50236001",
        "50236002",
        "50212345",
        "50149055",
        "50253182",
    ]
    barnet = docs[-1]
    assert barnet == DocumentRef(
        key="50253182",
        url=f"{server.url}/v1/file/50253182",
        title="London Borough of Barnet: Children's services inspection",
        published=date(2024, 7, 23),
        kind="inspection",
        meta={
            "provider": "London Borough of Barnet",
            "urn": "80487",
            "category": 21,
            "report_type": "Children's services inspection",
            "published": "2024-07-23",
        },
    )


def test_link_without_file_id_keyed_by_url(server, http):
    page = (
        '<html><body><h1 class="heading--title">Harrow</h1><ol class="timeline"><li class="timeline__day">'
        '<a class="publication-link" href="/documents/latest-report">Children\'s services inspection</a>'
        "</li></ol></body></html>"
    )
    server.add("/provider/44/80499", page)
    docs = list(make_source(server, http, providers=[{"urn": 80499}]).list_documents())
    url = f"{server.url}/documents/latest-report"
    assert docs == [
        DocumentRef(
            key=url,
            url=url,
            title="Harrow: Children's services inspection",
            published=None,
            kind="inspection",
            meta={
                "provider": "Harrow",
                "urn": "80499",
                "category": 44,
                "report_type": "Children's services inspection",
                "published": None,
            },
        )
    ]


def test_explicit_empty_timeline_lists_nothing(server, http):
    server.add("/provider/2/SC123456", fixture("provider_no_reports.html"))
    source = make_source(server, http, providers=[{"urn": "SC123456", "category": 2}])
    assert list(source.list_documents()) == []
    assert len(server.hits_for("/provider/2/SC123456")) == 1


@pytest.mark.parametrize("page", ["provider_broken.html", "provider_js_shell.html"])
def test_page_without_timeline_is_broken_not_empty(server, http, page):
    server.add("/provider/44/80499", fixture(page))
    source = make_source(server, http, providers=[{"urn": 80499}])
    with pytest.raises(ListingBrokenError) as caught:
        list(source.list_documents())
    assert f"{server.url}/provider/44/80499" in str(caught.value)
    assert "timeline" in str(caught.value)


def test_forbidden_page_is_blocked(server, http):
    server.add("/provider/44/80499", "<html><body>Forbidden</body></html>", status=403)
    source = make_source(server, http, providers=[{"urn": 80499}])
    with pytest.raises(BlockedError) as caught:
        list(source.list_documents())
    assert caught.value.status == 403
    assert caught.value.url == f"{server.url}/provider/44/80499"


def test_warnings_name_the_files_host_and_inferred_category(http):
    context = SourceContext(
        name="harrow-ofsted", base_url=None, http=http, allowed_hosts=frozenset({"reports.ofsted.gov.uk"})
    )
    source = OfstedSource(OfstedSource.Settings(providers=[{"urn": 80499}]), context)
    warnings = source.warnings()
    assert len(warnings) == 2
    assert "files.ofsted.gov.uk" in warnings[0]
    assert "80499" in warnings[1] and "/provider/44/" in warnings[1]

    context.allowed_hosts = frozenset({"reports.ofsted.gov.uk", "files.ofsted.gov.uk"})
    searching = OfstedSource(OfstedSource.Settings(providers=[{"urn": 80499}], search=True), context)
    assert searching.warnings() == []


@pytest.mark.parametrize(
    ("report_type", "kind"),
    [
        ("Children's services inspection", "inspection"),
        ("Children's services focused visit", "focused visit"),
        ("Children's services monitoring visit", "monitoring visit"),
        ("Monitoring visit", "monitoring visit"),
        ("Joint area child protection inspection", "jtai"),
        ("Joint targeted area inspection", "jtai"),
        ("Area SEND full inspection", "area send"),
        ("Full inspection", "inspection"),
        ("Outcome letter", "unknown"),
        ("Joint targeted area inspection of the multi-agency response", "jtai"),
        ("JTAI", "jtai"),
        ("Local area SEND revisit", "area send"),
        ("Children's services focused visit, PDF", "focused visit"),
        ("", "unknown"),
    ],
)
def test_report_kind(report_type, kind):
    assert report_kind(report_type) == kind


# -- the search -------------------------------------------------------------------------


def _search_route(server, pages: dict[str, str]):
    def handler(request):
        query = parse_qs(request.path.partition("?")[2], keep_blank_values=True)
        body = pages.get(query.get("start", ["0"])[0], "<html><body><p>No results</p></body></html>")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()

    server.add("/search", handler=handler)


def test_search_finds_the_provider_page_across_pages(server, http):
    _search_route(server, {"0": fixture("search_page1.html"), "100": fixture("search_page2.html")})
    server.add("/provider/44/80499", fixture("provider_80499.html", server.url))
    source = make_source(server, http, providers=[{"urn": 80499}], search=True)

    hits = source.search_providers()
    docs = list(source.list_documents())

    assert hits["80499"] == {
        "name": "London Borough of Harrow",
        "url": f"{server.url}/provider/44/80499",
        "category": 44,
        "urn": "80499",
    }
    assert sorted(hits) == ["80486", "80487", "80498", "80499", "80500"]
    assert hits["80486"]["name"] == "London Borough of Barking and Dagenham"
    searches = server.hits_for("/search")
    assert len(searches) == 4  # two pages, twice; stopped once Harrow was found
    first, second = (parse_qs(hit.query, keep_blank_values=True) for hit in searches[:2])
    assert first == {
        "q": [""],
        "level_1_types": ["3"],
        "level_2_types[]": ["12"],
        "start": ["0"],
        "rows": ["100"],
    }
    assert second["start"] == ["100"] and second["rows"] == ["100"]
    assert [doc.key for doc in docs] == [
        "50281234",
        "50270419",
        "50252440",
        "50236001",
        "50236002",
        "50212345",
        "50149055",
    ]
    assert docs[1].meta["category"] == 44
    assert docs[1].title == "London Borough of Harrow: Children's services inspection"


def test_search_stops_at_a_page_with_nothing_new(server, http):
    # A server that ignores `start` would repeat page 1 for ever.
    _search_route(server, {str(n): fixture("search_page1.html") for n in range(0, 2000, 100)})
    source = make_source(server, http, providers=[{"urn": 80499}], search=True)
    with pytest.raises(ListingBrokenError) as caught:
        list(source.list_documents())
    assert "URN 80499" in str(caught.value)
    assert f"{server.url}/search" in str(caught.value)
    assert len(server.hits_for("/search")) == 2


def test_search_with_no_provider_links_is_broken(server, http):
    _search_route(server, {"0": fixture("provider_js_shell.html")})
    source = make_source(server, http, providers=[{"urn": 80499}], search=True)
    with pytest.raises(ListingBrokenError) as caught:
        list(source.list_documents())
    assert f"{server.url}/search?" in str(caught.value)
    assert "/provider/" in str(caught.value)


# -- reading reports: the real ILACS PDFs (contract) ------------------------------------


def _expectations(shared: Path) -> list[dict[str, str]]:
    with open(shared / "ofsted" / "expectations.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_contract_every_expected_report_reads_exactly(shared_fixtures):
    rows = _expectations(shared_fixtures)
    assert len(rows) == 11
    for row in rows:
        path = shared_fixtures / "ofsted" / row["file"]
        meta = extract_here(path, "application/pdf", "ofsted").meta
        expected = {key: row[key] for key in GRADE_KEYS}
        assert meta["judgements"] == expected, row["file"]
        assert "judgements_warning" not in meta, row["file"]
        assert "read_warning" not in meta, row["file"]
        assert meta["report_type"] == "inspection", row["file"]
        assert meta["framework"] == "ilacs-2018", row["file"]
        assert row["local_authority"].lower() in meta["local_authority"].lower(), row["file"]
        start, end = (date.fromisoformat(meta["inspection_dates"][k]) for k in ("start", "end"))
        assert start <= end < date.fromisoformat(row["published"]), row["file"]
        assert (end - start).days <= 14, row["file"]
        assert meta["lead_inspector"] and "Inspector" not in meta["lead_inspector"], row["file"]


def test_contract_pdfplumber_layout_reads_the_same(shared_fixtures):
    # pdfplumber puts each grade beside the first line of its wrapped label ("The impact
    # of leaders on social work Good / practice with children and families").
    for row in _expectations(shared_fixtures):
        with pdfplumber.open(shared_fixtures / "ofsted" / row["file"]) as pdf:
            page = normalise_page(pdf.pages[0].extract_text() or "")
        judgements, warning = read_judgements(page)
        assert judgements == {key: row[key] for key in GRADE_KEYS}, row["file"]
        assert warning is None


def test_contract_harrow_2020_combined_row(shared_fixtures):
    meta = extract_here(shared_fixtures / "ofsted" / "reports" / "ilacs-80499-2020.pdf", kind="ofsted").meta
    assert meta == {
        "report_type": "inspection",
        "judgements": {
            "overall": "good",
            "impact_of_leaders": "good",
            "help_and_protection": "good",
            "in_care_and_care_leavers": "good",
        },
        "framework": "ilacs-2018",
        "verdict_sources": {
            "impact_of_leaders": {
                "page": 1,
                "text": "The impact of leaders on social work practice with children and families Good",
            },
            "help_and_protection": {
                "page": 1,
                "text": "The experiences and progress of children who need help and protection Good",
            },
            "in_care_and_care_leavers": {
                "page": 1,
                "text": "The experiences and progress of children in care and care leavers Good",
            },
            "overall": {"page": 1, "text": "Overall effectiveness Good"},
        },
        "inspection_dates": {"start": "2020-02-10", "end": "2020-02-14"},
        "inspection_type": "short",
        "inspection_type_source": {
            "page": 1,
            "text": "Inspection dates: 10 to 14 February 2020",
            "rule": "the inspection dates span 5 days: a short inspection is one week on site, a standard one two",
        },
        "lead_inspector": "Brenda McLaughlin",
        "local_authority": "Harrow",
    }


def test_contract_specific_values(shared_fixtures):
    reports = shared_fixtures / "ofsted" / "reports"
    peterborough = extract_here(reports / "ilacs-80537.pdf", kind="ofsted").meta
    assert peterborough["inspection_dates"] == {"start": "2023-11-27", "end": "2023-12-08"}
    assert peterborough["lead_inspector"] == "Russel Breyer"
    assert peterborough["local_authority"] == "Peterborough"
    plymouth = extract_here(reports / "ilacs-80538.pdf", kind="ofsted").meta
    assert plymouth["inspection_dates"] == {"start": "2024-01-22", "end": "2024-02-02"}
    assert plymouth["local_authority"] == "Plymouth City Council"
    scilly = extract_here(reports / "ilacs-80455.pdf", kind="ofsted").meta
    # "Requires Improvement to be good" with a capital I in the real table
    assert scilly["judgements"]["in_care"] == "requires improvement"


# -- reading reports: PDFs drawn here ---------------------------------------------------


def _draw_pdf(path: Path, lines: list[tuple[float, float, str]]) -> Path:
    """A one-page PDF with each (x, y, text) drawn in the order given (the text layer's order)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("Helvetica", 11)
    for x, y, text in lines:
        pdf.drawString(x, y, text)
    pdf.showPage()
    pdf.save()
    return path


def test_drawn_report_with_wrapped_labels(tmp_path):
    rows = [
        (
            "The impact of leaders on social work",
            "practice with children and families",
            "Requires Improvement To Be Good",
        ),
        ("The experiences and progress of", "children who need help and protection", "GOOD"),
        ("The experiences and progress of", "children in care", "Inadequate"),
        ("The experiences and progress of care", "leavers", "Outstanding"),
    ]
    lines = [
        (60, 790, "Inspection of Harrow local authority"),
        (60, 774, "children's services"),
        (60, 750, "Inspection dates: 27 February to 3 March 2023"),
        (60, 734, "Lead inspector: Jane Example, His Majesty's Inspector"),
        (60, 710, "Judgement"),
        (360, 710, "Grade"),
    ]
    y = 690
    for first, second, grade in rows:
        # the grade sits between the label's two lines, vertically centred, and is drawn
        # between them, so the text layer has it in the middle of the label
        lines += [(60, y, first), (360, y - 7, grade), (60, y - 14, second)]
        y -= 40
    lines += [
        (60, y, "Overall effectiveness"),
        (360, y, "Requires improvement to be good"),
        (60, y - 30, "A focused visit in 2022 found that overall effectiveness had been good and"),
        (60, y - 44, "practice with children in care was outstanding."),
    ]
    path = _draw_pdf(tmp_path / "report.pdf", lines)

    extracted = extract_here(path, kind="ofsted")

    assert extracted.error is None
    # where each grade was read, and the inspection type from the dates: asserted, then set aside
    meta = dict(extracted.meta)
    assert meta.pop("inspection_type") == "short"
    assert meta.pop("inspection_type_source")["text"] == "Inspection dates: 27 February to 3 March 2023"
    sources = meta.pop("verdict_sources")
    assert sources["overall"] == {"page": 1, "text": "Overall effectiveness Requires improvement to be good"}
    assert sources["impact_of_leaders"]["text"].startswith(
        "The impact of leaders on social work practice with children and families "
    )
    assert set(sources) == set(meta["judgements"])
    assert meta == {
        "report_type": "inspection",
        "judgements": {
            "overall": "requires improvement",
            "impact_of_leaders": "requires improvement",
            "help_and_protection": "good",
            "in_care": "inadequate",
            "care_leavers": "outstanding",
        },
        "framework": "ilacs-2018",
        "inspection_dates": {"start": "2023-02-27", "end": "2023-03-03"},
        "lead_inspector": "Jane Example",
        "local_authority": "Harrow",
    }
    # and the same through pdfplumber's layout
    with pdfplumber.open(path) as pdf:
        judgements, warning = read_judgements(normalise_page(pdf.pages[0].extract_text()))
    assert judgements == extracted.meta["judgements"] and warning is None


def test_drawn_monitoring_visit_letter_has_no_judgements(tmp_path):
    lines = [
        (380, 800, "Ofsted"),
        (380, 786, "Piccadilly Gate"),
        (380, 772, "Store Street"),
        (380, 758, "Manchester M1 2WD"),
        (60, 730, "12 June 2025"),
        (60, 700, "Director of Children's Services"),
        (60, 686, "London Borough of Harrow"),
        (60, 660, "Dear Director,"),
        (60, 636, "Monitoring visit to Harrow children's services"),
        (60, 612, "This letter summarises the findings of the monitoring visit to Harrow children's"),
        (60, 598, "services on 14 and 15 May 2025. This was the first monitoring visit since the local"),
        (60, 584, "authority was judged inadequate for overall effectiveness in January 2025."),
        (60, 570, "The experiences and progress of care leavers remain inadequate, although"),
        (60, 556, "leaders have made a good start."),
        (60, 520, "Yours sincerely"),
        (60, 490, "Rebekah Tucker"),
        (60, 476, "His Majesty's Inspector"),
    ]
    path = _draw_pdf(tmp_path / "letter.pdf", lines)

    meta = extract_here(path, kind="ofsted").meta

    assert meta == {
        "report_type": "monitoring visit",
        "judgements": {},
        "inspection_dates": {"start": "2025-05-14", "end": "2025-05-15"},
        "local_authority": "Harrow",
    }


def test_table_that_cannot_be_read_warns():
    text = (
        "Inspection of Harrow local authority children's services\n"
        "Judgement Grade\n"
        "The impact of leaders on social work practice with children and families Good\n"
        "The experiences and progress of children who need help and protection\n"
        "Overall effectiveness Good"
    )
    judgements, warning = read_judgements(text)
    assert judgements == {"impact_of_leaders": "good", "overall": "good"}
    # the row printed without a grade is said once; the rows never printed are said too
    assert warning == (
        "judgement table not fully read: row help_and_protection: expected one grade, found none"
    )
    meta_warning = (
        "judgement table not fully read: row help_and_protection: expected one grade, found none; "
        "no row for in_care; no row for care_leavers"
    )
    meta = OfstedSource.read_meta([text])
    assert meta["judgements_warning"] == meta_warning
    assert meta["read_warning"] == meta_warning


def test_table_without_overall_row_warns():
    judgements, warning = read_judgements(
        "Judgement Grade\nThe impact of leaders on social work practice with children and families Good\n"
    )
    assert judgements == {"impact_of_leaders": "good"}
    assert warning == "judgement table not fully read: no 'Overall effectiveness' row"


def test_empty_document_reads_to_nothing():
    assert OfstedSource.read_meta([]) == {"report_type": "other", "judgements": {}}


@pytest.mark.parametrize(
    ("first_page", "kind"),
    [
        (
            "Joint targeted area inspection of the multi-agency response to children in Harrow\nJudgement",
            "jtai",
        ),
        (
            "Area SEND inspection of Harrow Local Area Partnership\nInspection dates: 1 to 5 July 2024",
            "area send",
        ),
        (
            "Ofsted\nAgora\n6 Cumberland Place\nFocused visit to Harrow local authority children's services",
            "focused visit",
        ),
        ("Ofsted\nSubject: Monitoring visit to Harrow children's services\nDear Ms X", "monitoring visit"),
        # prose mentioning other report types never decides: the title comes first
        (
            "Inspection of Barnsley local authority\nchildren's services\noverall, a joint targeted area inspection\n"
            "Focused visit findings\n",
            "inspection",
        ),
        ("A letter about something else", "other"),
    ],
)
def test_report_type_from_the_title(first_page, kind):
    assert read_report_type(first_page) == kind


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("20 to 24 January 2025", ("2025-01-20", "2025-01-24")),
        ("27 February to 3 March 2023", ("2023-02-27", "2023-03-03")),
        ("28 December 2022 to 6 January 2023", ("2022-12-28", "2023-01-06")),
        ("29 December to 2 January 2025", ("2024-12-29", "2025-01-02")),
        ("14 and 15 May 2025.", ("2025-05-14", "2025-05-15")),
        ("5 March 2024", ("2024-03-05", "2024-03-05")),
    ],
)
def test_date_spans(text, span):
    assert parse_date_span(text) == {"start": span[0], "end": span[1]}


def test_date_span_unreadable():
    assert parse_date_span("to be confirmed") is None


def test_contract_guarded_child_gives_the_same_meta(shared_fixtures):
    # the pass reads documents in the guarded child: its meta must survive the JSON trip
    from monitor.extract.pool import Extractor

    path = shared_fixtures / "ofsted" / "reports" / "ilacs-80568.pdf"
    with Extractor(timeout=60) as extractor:
        result = extractor.extract(path, "application/pdf", "ofsted")
    assert result.error is None
    assert result.meta == extract_here(path, "application/pdf", "ofsted").meta
    assert result.meta["judgements"]["overall"] == "inadequate"
    assert result.meta["local_authority"] == "Swindon Borough Council"


def test_page_heading_wins_over_settings_name(server, http):
    server.add("/provider/44/80499", fixture("provider_80499.html", server.url))
    source = make_source(server, http, providers=[{"urn": 80499, "name": "Harrow (configured)"}])
    docs = list(source.list_documents())
    assert [doc.title for doc in docs][:2] == [
        "London Borough of Harrow: Children's services monitoring visit",
        "London Borough of Harrow: Children's services inspection",
    ]
    assert {doc.meta["provider"] for doc in docs} == {"London Borough of Harrow"}
