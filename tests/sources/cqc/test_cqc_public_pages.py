"""The cqc source's public pages (no key) and local authority assessment against the 2026
evidence (../shared/fixtures/cqc/evidence-2026/REPORT.md probes F, F2, G and H)."""

from __future__ import annotations

from datetime import date

import pytest
from test_cqc_source import ASSESSMENTS, HARROW_SCORES, fixture, make_source

from monitor.errors import ListingBrokenError
from monitor.sources.cqc.public_pages import classify_report_link, parse_download_blocks, parse_location_page
from monitor.sources.cqc.source import API_KEY_ENV
from monitor.sources.cqc.vocabulary import (
    percentage_of_scores,
    rating_for_percentage,
    read_overall_percentage,
)

SAF = "1-4000000005"
PLAN = "LAP-7319"
OLD = "a361ecb8-4b08-49b8-934c-dc578d6bff8d"
OLD_URL = f"https://api.cqc.org.uk/public/v1/reports/{OLD}?20181025120000"
CURRENT = {
    "overall": "requires improvement",
    "safe": "inadequate",
    "effective": "requires improvement",
    "caring": "good",
    "responsive": "good",
    "well-led": "requires improvement",
}


@pytest.fixture(autouse=True)
def without_key(monkeypatch):
    monkeypatch.delenv(API_KEY_ENV, raising=False)


def public_refs(
    server, http, page: str = "location_page_saf.html", tab: str = "location_reports_page_saf.html"
):
    server.add(f"/location/{SAF}", fixture(page) if page.endswith(".html") else page)
    server.add(f"/location/{SAF}/reports", fixture(tab) if tab.endswith(".html") else tab)
    return list(make_source(server, http, locations=[SAF]).list_documents())


# -- probes F, G: new-style links are read and today's rating goes to the newest report ---------


def test_public_assessment_link_is_read_and_gets_todays_ratings(server, http):
    new, old = public_refs(server, http)
    common = {
        "location_id": SAF,
        "location_name": "Roxeth Lodge",
        "provider_id": "1-4000000100",
        "provider_name": "Elmgrove Care Limited",
        "service_types": ["Homecare agency"],
    }
    assert new.key == PLAN  # the key the API's assessmentPlanId gives
    assert new.url == f"{server.url}/location/{SAF}/reports/{PLAN}/overall"
    # the "Published" date of the page's latest-report block, not the visit date of the tab
    assert new.title == "Roxeth Lodge: CQC assessment report (12 June 2025)"
    assert new.published == date(2025, 6, 12)
    assert new.kind == "assessment report"
    assert new.meta == {
        **common,
        "report_date": "2025-06-12",
        "inspection_type": "During an assessment under our new approach",
        "ratings": CURRENT,
        # the overall rating from the page's words, the key questions from its data-test attributes
        "verdict_sources": {
            "overall": {"url": f"{server.url}/location/{SAF}", "text": "Overall: Requires improvement"},
            **{
                name: {"url": f"{server.url}/location/{SAF}", "field": f'data-test="{name} rating text: {shown}"'}
                for name, shown in {
                    "safe": "Inadequate",
                    "effective": "Requires Improvement",
                    "caring": "Good",
                    "responsive": "Good",
                    "well-led": "Requires Improvement",
                }.items()
            },
        },
    }
    assert old.key == OLD
    assert old.url == OLD_URL
    assert old.title == "Roxeth Lodge: CQC inspection report (15 August 2018)"
    assert old.published == date(2018, 8, 15)
    assert old.kind == "inspection report"
    assert old.meta == {
        **common,
        "report_date": "2018-08-15",
        "inspection_type": "During a routine inspection",
    }


def test_latest_report_missing_from_the_tab_is_still_listed(server, http):
    tab = fixture("location_reports_page_saf.html")
    start = tab.index('<div class="inspection">\n    <h3>30 April 2025')
    tab = tab[:start] + tab[tab.index('<div class="inspection">\n    <h3>6 July 2023') :]
    new, old = public_refs(server, http, tab=tab)
    assert (new.key, new.url, new.published, new.meta["inspection_type"], new.meta["ratings"]) == (
        PLAN,
        f"{server.url}/location/{SAF}/reports/{PLAN}/overall",
        date(2025, 6, 12),
        None,
        CURRENT,
    )
    assert (old.key, "ratings" in old.meta) == (OLD, False)


def test_only_new_style_links_is_not_broken(server, http):
    tab = fixture("location_reports_page_saf.html").replace(
        OLD_URL, f"/location/{SAF}/reports/LAP-5100/overall"
    )
    new, older = public_refs(server, http, tab=tab)
    assert [new.key, older.key] == [PLAN, "LAP-5100"]
    assert older.url == f"{server.url}/location/{SAF}/reports/LAP-5100/overall"
    assert older.kind == "assessment report"
    assert "ratings" not in older.meta


def test_a_report_link_of_an_unknown_form_is_broken(server, http):
    tab = fixture("location_reports_page_saf.html").replace(OLD_URL, "/report-archive/2018/harwood-road")
    with pytest.raises(
        ListingBrokenError, match=r"look like reports.*/report-archive/2018/harwood-road"
    ) as caught:
        public_refs(server, http, tab=tab)
    assert caught.value.url == f"{server.url}/location/{SAF}/reports"


def test_a_latest_report_block_of_an_unknown_form_is_broken(server, http):
    page = fixture("location_page_saf.html").replace(
        f"/location/{SAF}/reports/{PLAN}/overall", "/assessments/roxeth-lodge/2025"
    )
    with pytest.raises(
        ListingBrokenError, match=r"look like reports.*/assessments/roxeth-lodge/2025"
    ) as caught:
        public_refs(server, http, page=page)
    assert caught.value.url == f"{server.url}/location/{SAF}"


def test_classify_report_link():
    assert classify_report_link("https://www.cqc.org.uk/location/1-1/reports/LAP-1/overall/safe") == {
        "key": "LAP-1",
        "url": "https://www.cqc.org.uk/location/1-1/reports/LAP-1/overall",
        "style": "assessment",
    }
    uuid = "6B1F0C52-3D1E-4A7B-9C55-0E2D41A8F001"
    assert (
        classify_report_link(f"https://www.cqc.org.uk/location/1-1/reports/{uuid}/overall")["key"]
        == uuid.lower()
    )
    assert classify_report_link(f"https://api.cqc.org.uk/public/v1/reports/{uuid}?20220414070037") == {
        "key": uuid.lower(),
        "url": f"https://api.cqc.org.uk/public/v1/reports/{uuid}?20220414070037",
        "style": "report",
    }
    assert classify_report_link("https://www.cqc.org.uk/location/1-1/reports") is None


def test_data_test_ratings_are_read():
    assert parse_location_page(fixture("location_page_saf.html"))["ratings"] == CURRENT


# -- contract: the reconstructed live markup ----------------------------------------------------


def test_contract_download_blocks(shared_fixtures):
    site = shared_fixtures / "cqc" / "evidence-2026" / "site"
    page = "https://www.cqc.org.uk/location/1-10559211016"
    new, unknown = parse_download_blocks(
        (site / "location_page_download_report_block_newstyle_RECONSTRUCTED.html").read_text(), page
    )
    assert unknown == []
    assert new == [
        {
            "key": "LAP-1",
            "url": "https://www.cqc.org.uk/location/1-10559211016/reports/LAP-1/overall",
            "style": "assessment",
            "date": date(2026, 6, 3),
        }
    ]
    # the old-style block's uuid is truncated in the reconstruction ("106534dd-abcd"): not a
    # report link we know, so it is reported, not skipped
    old, unknown = parse_download_blocks(
        (site / "location_page_download_report_block_oldstyle_RECONSTRUCTED.html").read_text(), page
    )
    assert old == []
    assert unknown == ["https://api.cqc.org.uk/public/v1/reports/106534dd-abcd?20220414070037"]


def test_contract_full_uuid_old_style_block(shared_fixtures):
    site = shared_fixtures / "cqc" / "evidence-2026" / "site"
    html = (site / "location_page_download_report_block_oldstyle_RECONSTRUCTED.html").read_text()
    uuid = "106534dd-0000-4000-8000-000000000000"
    (block,), unknown = parse_download_blocks(html.replace("106534dd-abcd", uuid), "https://www.cqc.org.uk/")
    assert unknown == []
    assert block == {
        "key": uuid,
        "url": f"https://api.cqc.org.uk/public/v1/reports/{uuid}?20220414070037",
        "style": "report",
        "date": date(2022, 4, 14),
    }


# -- probe H: the local authority assessment ----------------------------------------------------


def test_capitalised_slug_is_found(server, http):
    server.add(
        ASSESSMENTS,
        f'<html><body><main><a href="{ASSESSMENTS}/Hertfordshire-0524">Hertfordshire County Council: '
        "local authority assessment</a></main></body></html>",
    )
    server.add(
        f"{ASSESSMENTS}/Hertfordshire-0524",
        "<html><body><main><h1>Hertfordshire County Council: local authority assessment</h1>"
        "<p>Overall rating: Good</p></main></body></html>",
    )
    (ref,) = list(make_source(server, http, local_authority="Hertfordshire County Council").list_documents())
    assert ref.key == f"{ASSESSMENTS}/Hertfordshire-0524"
    assert ref.url == f"{server.url}{ASSESSMENTS}/Hertfordshire-0524"
    assert ref.title == "Hertfordshire County Council: local authority assessment"
    assert ref.published is None
    assert ref.kind == "local authority assessment"
    assert ref.meta == {
        "local_authority": "Hertfordshire County Council",
        "report_date": None,
        "ratings": {"overall": "good"},
        "quality_statements": {},
        "verdict_sources": {
            "overall": {"url": f"{server.url}{ASSESSMENTS}/Hertfordshire-0524", "text": "Overall rating: Good"}
        },
    }


def test_contract_listing_without_report_links_is_broken(server, http, shared_fixtures):
    """The stored copy of the live list shows no report between its headings."""
    text = (shared_fixtures / "cqc" / "evidence-2026" / "la" / "listing_page_text_excerpt.txt").read_text()
    server.add(
        ASSESSMENTS,
        "<html><body><main>"
        + "".join(f"<p>{line}</p>" for line in text.splitlines())
        + "</main></body></html>",
    )
    with pytest.raises(ListingBrokenError, match="harrow-MMYY.*set assessment_url") as caught:
        list(make_source(server, http, local_authority="Harrow").list_documents())
    assert caught.value.url == f"{server.url}{ASSESSMENTS}"


def test_overall_rating_read_from_the_summary_page(server, http):
    server.add(f"{ASSESSMENTS}/harrow-0824", fixture("assessment_overview_nav.html"))
    server.add(f"{ASSESSMENTS}/harrow-0824/summary", fixture("assessment_summary.html"))
    source = make_source(server, http, local_authority="Harrow", assessment_url=f"{ASSESSMENTS}/harrow-0824")
    assessment, needs, support = list(source.list_documents())
    # with local_authority too, the list is searched for a newer assessment; here it is absent
    assert [h.status for h in server.hits_for(ASSESSMENTS)] == [404]
    assert source.listing_incomplete
    assert source.incomplete_reasons == [
        f"{server.url}{ASSESSMENTS}: the list of local authority assessments answered HTTP 404; "
        "a new assessment of Harrow would not be seen until assessment_url is changed"
    ]
    assert assessment.key == f"{ASSESSMENTS}/harrow-0824"
    assert assessment.url == f"{server.url}{ASSESSMENTS}/harrow-0824"
    assert assessment.title == "London Borough of Harrow: local authority assessment"
    assert assessment.published == date(2024, 8, 15)
    assert assessment.kind == "local authority assessment"
    assert assessment.meta == {
        "local_authority": "Harrow",
        "report_date": "2024-08-15",
        "ratings": {"overall": "requires improvement"},
        "quality_statements": {},
        "overall_percentage": 58,
        # read from the summary page, which the source names
        "verdict_sources": {
            "overall": {
                "url": f"{server.url}{ASSESSMENTS}/harrow-0824/summary",
                "text": "Overall rating: Requires improvement",
            }
        },
    }
    assert [(r.key, r.title, r.kind, r.meta) for r in (needs, support)] == [
        (
            f"{ASSESSMENTS}/harrow-0824-theme1-needs",
            "Harrow: Assessing needs",
            "local authority assessment quality statement",
            {"local_authority": "Harrow", "assessment": f"{ASSESSMENTS}/harrow-0824", "theme": 1},
        ),
        (
            f"{ASSESSMENTS}/harrow-0824-theme1-support",
            "Harrow: Supporting people to live healthier lives",
            "local authority assessment quality statement",
            {"local_authority": "Harrow", "assessment": f"{ASSESSMENTS}/harrow-0824", "theme": 1},
        ),
    ]


def test_assessment_without_an_overall_rating_anywhere_is_broken(server, http):
    server.add(f"{ASSESSMENTS}/harrow-0824", fixture("assessment_overview_nav.html"))
    source = make_source(server, http, assessment_url=f"{ASSESSMENTS}/harrow-0824")
    with pytest.raises(
        ListingBrokenError, match=r"expected the assessment's overall rating .*harrow-0824/summary"
    ):
        list(source.list_documents())


def test_a_percentage_that_contradicts_the_rating_is_broken(server, http):
    server.add(f"{ASSESSMENTS}/harrow-0824", fixture("assessment_overview_nav.html"))
    server.add(
        f"{ASSESSMENTS}/harrow-0824/summary",
        fixture("assessment_summary.html").replace("Overall score: 58%", "Overall score: 71%"),
    )
    source = make_source(server, http, assessment_url=f"{ASSESSMENTS}/harrow-0824")
    with pytest.raises(ListingBrokenError, match="overall score of 71%.*'good'"):
        list(source.list_documents())


def test_scores_that_contradict_the_rating_are_broken(server, http):
    page = fixture("assessment_overview.html").replace("<p>Requires improvement</p>", "<p>Outstanding</p>")
    server.add(f"{ASSESSMENTS}/harrow-0824", page)
    source = make_source(server, http, assessment_url=f"{ASSESSMENTS}/harrow-0824")
    with pytest.raises(
        ListingBrokenError, match="quality statement scores making 58%.*'requires improvement'"
    ):
        list(source.list_documents())


def test_harrow_real_scores_make_its_real_rating(shared_fixtures):
    """21 of 36 = 58%, which CQC's thresholds make "requires improvement" (three sources agree)."""
    assert sorted(HARROW_SCORES.values()) == sorted([2, 2, 3, 2, 3, 2, 2, 2, 3])
    assert round(percentage_of_scores(HARROW_SCORES)) == 58
    assert rating_for_percentage(percentage_of_scores(HARROW_SCORES)) == "requires improvement"
    text = (
        shared_fixtures / "cqc" / "evidence-2026" / "la" / "how_we_determine_ratings_excerpt.txt"
    ).read_text()
    assert "39 to 62% = requires improvement" in text
    assert [rating_for_percentage(p) for p in (25, 38, 39, 62, 63, 87, 88)] == [
        "inadequate",
        "inadequate",
        "requires improvement",
        "requires improvement",
        "good",
        "good",
        "outstanding",
    ]
    row = (
        shared_fixtures
        / "cqc"
        / "evidence-2026"
        / "la"
        / "harrow_row_from_bongo_twisty_report_2025-10-03.csv"
    ).read_text()
    assert "London Borough of Harrow,Requires improvement," in row


def test_overall_percentage_wording():
    assert read_overall_percentage("Overall score: 58%") == 58
    assert read_overall_percentage("Our overall percentage score is 58 %") == 58
    assert read_overall_percentage("58% of people said") is None
