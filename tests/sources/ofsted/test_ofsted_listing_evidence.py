"""The ofsted listing against the 2026 evidence (issue 13): each probe of
../shared/fixtures/ofsted/evidence-2026/REPORT.md that gave no document, or a silent zero,
now gives the right documents or ListingBrokenError.

Pages are served by the real local publisher server; the contract tests read the real
fragments and scrape outputs in ../shared/fixtures directly.
"""

from __future__ import annotations

import csv
import logging
from datetime import date, datetime

import pytest
from test_ofsted_source import _search_route, fixture, make_source

from monitor.errors import ListingBrokenError
from monitor.sources.base import DocumentRef
from monitor.sources.ofsted.source import _file_key, _split_nonvisual, council_name_key, report_kind

#: the real tag, as bs4 printed it in data-to-insight's SEND tool (evidence file
#: send_tool_publication_link_area_send_50252437.html); the href host is made the test server's
REAL_LINK = (
    '<a class="publication-link" href="{BASE}/v1/file/50252437" target="_blank">\n'
    'Area SEND full inspection                <span class="nonvisual">Area SEND full inspection, pdf - '
    "15 July 2024</span></a>"
)


def _page(body: str, base: str, heading: str = "Worcestershire County Council") -> str:
    return f'<html><body><h1 class="heading--title">{heading}</h1>{body}</body></html>'.replace(
        "{BASE}", base
    )


def _area_send(base: str, **extra) -> DocumentRef:
    return DocumentRef(
        key="50252437",
        url=f"{base}/v1/file/50252437",
        title="Worcestershire County Council: Area SEND full inspection",
        published=date(2024, 7, 15),
        kind="area send",
        meta={
            "provider": "Worcestershire County Council",
            "urn": "80584",
            "category": 44,
            "report_type": "Area SEND full inspection",
            "published": "2024-07-15",
            **extra,
        },
    )


# probes A-D and probe2 of REPORT.md §1: the same real link in every container now lists
@pytest.mark.parametrize(
    "body",
    [
        pytest.param(REAL_LINK, id="A_fragment_alone"),
        pytest.param(
            f'<ol class="timeline"><li class="timeline__day">{REAL_LINK}</li></ol>', id="B_timeline"
        ),
        pytest.param(f'<ol class="timeline"><li class="event">{REAL_LINK}</li></ol>', id="C_other_li_class"),
        pytest.param(f'<ul class="timeline"><li>{REAL_LINK}</li></ul>', id="D_ul_timeline"),
        pytest.param(
            '<ol class="timeline"><li class="timeline__day timeline__day--opened"><p>Opened</p></li></ol>'
            f'<section class="reports"><ul><li>{REAL_LINK}</li></ul></section>',
            id="timeline_only_events_reports_elsewhere",
        ),
    ],
)
def test_publication_link_read_wherever_it_sits(server, http, body):
    server.add("/provider/44/80584", _page(body, server.url))
    docs = list(make_source(server, http, providers=[{"urn": 80584}]).list_documents())
    assert docs == [_area_send(server.url)]


def test_renamed_link_class_is_broken_not_empty(server, http):
    # probe2 "timeline_day_but_link_class_renamed": report files linked, none a publication link
    body = (
        '<ol class="timeline"><li class="timeline__day">'
        + REAL_LINK.replace("publication-link", "report-link")
        + "</li></ol>"
    )
    server.add("/provider/44/80584", _page(body, server.url))
    with pytest.raises(ListingBrokenError) as caught:
        list(make_source(server, http, providers=[{"urn": 80584}]).list_documents())
    url = f"{server.url}/provider/44/80584"
    assert caught.value.url == url
    assert str(caught.value) == (
        f"{url}: the Ofsted provider page links to 1 report file(s) but none is an "
        '<a class="publication-link"> (the report list, or timeline, changed its layout)'
    )


def test_council_page_with_timeline_but_no_report_is_broken(server, http):
    # a zero where results are expected: every council has had an ILACS inspection since 2018
    page = fixture("provider_no_reports.html")
    server.add("/provider/44/80499", page)
    with pytest.raises(ListingBrokenError) as caught:
        list(make_source(server, http, providers=[{"urn": 80499}]).list_documents())
    assert caught.value.url == f"{server.url}/provider/44/80499"
    assert "lists no report at all" in str(caught.value)
    # the same page for a children's home (category 2) is a real "nothing published yet"
    server.add("/provider/2/SC123456", page)
    assert (
        list(make_source(server, http, providers=[{"urn": "SC123456", "category": 2}]).list_documents()) == []
    )


def test_council_page_without_timeline_lists_every_link(server, http, caplog):
    server.add("/provider/44/80438", fixture("provider_la_links_only.html", server.url))
    source = make_source(server, http, providers=[{"urn": 80438}])

    with caplog.at_level(logging.WARNING, logger="monitor.sources.ofsted.source"):
        docs = list(source.list_documents())

    base, name = server.url, "Brighton and Hove City Council"

    def ref(key, label, kind, published, **extra):
        return DocumentRef(
            key=key,
            url=f"{base}/v1/file/{key}",
            title=f"{name}: {label}",
            published=published,
            kind=kind,
            meta={
                "provider": name,
                "urn": "80438",
                "category": 44,
                "report_type": label,
                "published": published.isoformat(),
                **extra,
            },
        )

    assert docs == [
        ref("50290001", "Children's services monitoring visit", "monitoring visit", date(2026, 2, 2)),
        # a label no kind word names: kept, and said
        ref("50290002", "Outcome summary", "unknown", date(2026, 2, 2), unrecognised_label="Outcome summary"),
        ref("50246981", "Children's services inspection", "inspection", date(2024, 5, 16)),
        ref("50252437", "Area SEND full inspection", "area send", date(2024, 7, 15)),
        ref("50252240", "Joint area child protection inspection", "jtai", date(2024, 1, 30)),
        # "as PDF" is not part of the type (REPORT.md §1.6)
        ref("50004297", "Single inspection of LA children's services", "inspection", date(2015, 6, 22)),
        # a 7-digit file id (REPORT.md §3)
        ref("2754178", "Children's services inspection", "inspection", date(2013, 8, 16)),
    ]
    # the "latest report" button repeats a listed file: listed once, and logged as a link
    # outside the publication links
    assert any(
        "50246981" in r.getMessage() and "outside the publication links" in r.getMessage()
        for r in caplog.records
    )


def test_file_link_outside_publication_links_is_listed_and_said(server, http, caplog):
    body = REAL_LINK + '<p><a class="download" href="{BASE}/v1/file/50290099">Summary for parents</a></p>'
    server.add("/provider/44/80584", _page(body, server.url))
    with caplog.at_level(logging.WARNING, logger="monitor.sources.ofsted.source"):
        docs = list(make_source(server, http, providers=[{"urn": 80584}]).list_documents())
    assert docs == [
        _area_send(server.url),
        DocumentRef(
            key="50290099",
            url=f"{server.url}/v1/file/50290099",
            title="Worcestershire County Council: Summary for parents",
            published=None,
            kind="unknown",
            meta={
                "provider": "Worcestershire County Council",
                "urn": "80584",
                "category": 44,
                "report_type": "Summary for parents",
                "published": None,
                "unrecognised_label": "Summary for parents",
                "unlisted_link": True,
            },
        ),
    ]
    assert [r.levelname for r in caplog.records if "50290099" in r.getMessage()] == ["WARNING"]


def test_timeline_date_used_when_the_link_has_none(server, http):
    body = (
        '<ol class="timeline"><li class="timeline__day"><p class="timeline__date"><time>01 November 2018'
        '</time></p><a class="publication-link" href="{BASE}/v1/file/50012345">Children\'s services focused '
        "visit</a></li></ol>"
    )
    server.add("/provider/44/80499", _page(body, server.url, "London Borough of Harrow"))
    (doc,) = make_source(server, http, providers=[{"urn": 80499}]).list_documents()
    assert (doc.key, doc.kind, doc.published, doc.meta["published"]) == (
        "50012345",
        "focused visit",
        date(2018, 11, 1),
        "2018-11-01",
    )


# -- a URN that changed -----------------------------------------------------------------


def test_search_follows_a_council_whose_urn_changed(server, http, caplog):
    _search_route(server, {"0": fixture("search_urn_moved.html")})
    server.add("/provider/44/80438", fixture("provider_la_links_only.html", server.url))
    source = make_source(server, http, providers=[{"urn": 846, "name": "Brighton and Hove"}], search=True)

    with caplog.at_level(logging.WARNING, logger="monitor.sources.ofsted.source"):
        docs = list(source.list_documents())

    assert len(docs) == 7
    assert {(d.meta["urn"], d.meta["urn_moved_from"]) for d in docs} == {("80438", "846")}
    assert docs[2].url == f"{server.url}/v1/file/50246981"
    moved = [r.getMessage() for r in caplog.records if "URN 846" in r.getMessage()]
    assert moved == [
        "ofsted-test: URN 846 is no longer in Ofsted's search; 'Brighton and Hove City Council' is now "
        f"URN 80438 ({server.url}/provider/44/80438): following it. Update sources.yaml."
    ]


def test_search_without_the_urn_or_its_name_is_broken(server, http):
    _search_route(server, {"0": fixture("search_urn_moved.html")})
    for provider, tail in [
        ({"urn": 846}, "(give the provider a `name:` so a council whose URN changed can be followed)"),
        ({"urn": 846, "name": "Hove Town"}, "and no single result is named like 'Hove Town'"),
    ]:
        source = make_source(server, http, providers=[provider], search=True)
        with pytest.raises(ListingBrokenError) as caught:
            list(source.list_documents())
        assert caught.value.url == f"{server.url}/search"
        assert str(caught.value).endswith(tail)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("London Borough of Harrow", "harrow"),
        ("Harrow children's services", "harrow"),
        ("Brighton and Hove City Council", "brighton and hove"),
        ("Royal Borough of Kingston upon Thames", "kingston upon thames"),
        ("Bournemouth, Christchurch & Poole Council", "bournemouth christchurch and poole"),
    ],
)
def test_council_name_key(name, key):
    assert council_name_key(name) == key


# -- contract: the real scrape outputs --------------------------------------------------


def test_contract_real_nonvisual_texts_and_kinds(shared_fixtures):
    folder = shared_fixtures / "ofsted" / "evidence-2026"
    texts = [
        line.strip()
        for line in (folder / "send_tool_nonvisual_texts_lowercased.txt").read_text().splitlines()
        if line.strip() and not line.startswith("<")
    ]
    assert [(*_split_nonvisual(t), report_kind(_split_nonvisual(t)[0])) for t in texts] == [
        ("joint area child protection inspection", date(2024, 1, 30), "jtai"),
        ("children's services focused visit", date(2024, 8, 1), "focused visit"),
        ("joint area child protection inspection", date(2023, 1, 6), "jtai"),
        ("children's services focused visit", date(2023, 11, 7), "focused visit"),
        ("area send full inspection", date(2024, 7, 12), "area send"),
    ]


def test_contract_real_link_fragment(shared_fixtures, server, http):
    tag = shared_fixtures / "ofsted" / "evidence-2026" / "send_tool_publication_link_area_send_50252437.html"
    body = tag.read_text(encoding="utf-8").replace("https://files.ofsted.gov.uk", "{BASE}")
    server.add("/provider/44/80584", _page(body, server.url))
    docs = list(make_source(server, http, providers=[{"urn": 80584}]).list_documents())
    assert docs == [_area_send(server.url)]


def test_contract_every_jt39_history_row(shared_fixtures):
    # 497 children's services inspection links on 153 council pages, 2012-2026: the saved
    # file name is the screen-reader text lower-cased with ", pdf" removed
    path = shared_fixtures / "ofsted" / "evidence-2026" / "jt39_ofsted_csc_ilacs_history.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 497
    lengths = set()
    for row in rows:
        stem = row["pdf_filename"].removesuffix(".pdf")
        label, _, when = stem.rpartition(" - ")
        text = f"{label}, pdf - {when}" if "pdf" not in label else f"{label} - {when}"
        report_type, published = _split_nonvisual(text)
        assert published == datetime.strptime(row["publication_date"], "%d/%m/%y").date(), row
        assert report_kind(report_type) == "inspection", row
        assert "pdf" not in report_type.lower(), row
        key = _file_key(row["inspection_link"])
        assert key.isdigit() and row["inspection_link"].endswith(f"/v1/file/{key}"), row
        lengths.add(len(key))
    assert lengths == {7, 8}
