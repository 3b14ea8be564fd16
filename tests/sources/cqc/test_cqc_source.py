"""The cqc source against a real local server playing the CQC API and www.cqc.org.uk."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from monitor.errors import BlockedError, FetchError, ListingBrokenError
from monitor.extract.pool import extract_here
from monitor.sources import source_class
from monitor.sources.base import SourceContext
from monitor.sources.cqc.source import (
    API_KEY_ENV,
    API_KEY_HEADER,
    CqcSource,
    authority_slug,
    normalise_rating,
    read_quality_statement_scores,
    read_ratings,
)

FIXTURES = Path(__file__).parent / "fixtures"
KEY = "test-primary-key-0123"
ASSESSMENTS = "/care-services/local-authority-assessment-reports"

LOC1 = "1-4000000001"
LOC2 = "1-4000000002"
PROVIDER = "1-4000000100"
R_2024 = "6b1f0c52-3d1e-4a7b-9c55-0e2d41a8f001"
R_2021 = "0c7d9e31-8f2a-4b6c-a1d3-5e9f22b4c002"
R_2013 = "f4e3a2b1-7c6d-4e5f-8a9b-0c1d2e3f4003"
R_DUP = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7004"
R_PROVIDER = "b5c6d7e8-f901-4a2b-9c3d-4e5f6a7b8006"

#: the lines of tests/fixtures/cqc/assessment_overview.html each score is read from
OVERVIEW_SCORE_LINES = {
    "assessing needs": "- Assessing needs - 2",
    "supporting people to live healthier lives": "- Supporting people to live healthier lives - 2",
    "equity in experience and outcomes": "- Equity in experience and outcomes - 3",
    "care provision, integration and continuity": "- Care provision, integration and continuity - 2",
    "partnerships and communities": "- Partnerships and communities - 3",
    "safe systems, pathways and transitions": "- Safe pathways, systems and transitions - 2",
    "safeguarding": "- Safeguarding - 2",
    "governance, management and sustainability": "- Governance, management and sustainability - 2",
    "learning, improvement and innovation": "- Learning, improvement and innovation - 3",
}
HARROW_SCORES = {
    "assessing needs": 2,
    "supporting people to live healthier lives": 2,
    "equity in experience and outcomes": 3,
    "care provision, integration and continuity": 2,
    "partnerships and communities": 3,
    "safe systems, pathways and transitions": 2,
    "safeguarding": 2,
    "governance, management and sustainability": 2,
    "learning, improvement and innovation": 3,
}


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def make_source(server, http, **keys) -> CqcSource:
    keys.setdefault("api_base_url", server.url + "/api")
    return CqcSource(
        CqcSource.Settings(**keys), SourceContext(name="cqc-test", base_url=server.url, http=http)
    )


def serve_json(server, path: str, name: str, status: int = 200) -> None:
    server.add(path, fixture(name), content_type="application/json", status=status)


@pytest.fixture
def with_key(monkeypatch):
    monkeypatch.setenv(API_KEY_ENV, KEY)


@pytest.fixture
def without_key(monkeypatch):
    monkeypatch.delenv(API_KEY_ENV, raising=False)


# -- settings ---------------------------------------------------------------------------


def test_registry_finds_the_cqc_kind():
    assert source_class("cqc") is CqcSource


def test_settings_need_something_to_watch():
    with pytest.raises(ValidationError, match="at least one of: locations"):
        CqcSource.Settings()


def test_settings_forbid_unknown_keys_and_bad_ids():
    with pytest.raises(ValidationError, match="extra"):
        CqcSource.Settings(locations=["1-1"], location=["1-2"])
    with pytest.raises(ValidationError, match="CQC id"):
        CqcSource.Settings(locations=["1-1 23"])
    settings = CqcSource.Settings(locations=[" 1-125856395 ", "1-125856395"], local_authority="Harrow")
    assert settings.locations == ["1-125856395"]
    assert settings.local_authority == "Harrow"


def test_warnings_without_key_name_the_variable(server, http, without_key):
    source = make_source(server, http, locations=[LOC1, "RHAY9"], providers=[PROVIDER])
    warnings = source.warnings()
    assert any(API_KEY_ENV in w and "public" in w for w in warnings)
    assert any("providers need the CQC API" in w for w in warnings)
    assert any("'RHAY9' does not look like a CQC id" in w for w in warnings)


# -- the API ----------------------------------------------------------------------------


def test_api_location_lists_each_report_with_its_ratings(server, http, with_key):
    serve_json(server, f"/api/locations/{LOC1}", "location_api.json")
    refs = list(make_source(server, http, locations=[LOC1]).list_documents())

    assert [r.key for r in refs] == [R_2024, R_2021, R_2013]
    hit = server.hits_for(f"/api/locations/{LOC1}")[0]
    assert hit.headers[API_KEY_HEADER] == KEY
    # the key travels in a header only: URLs and meta are stored and mailed
    assert all(KEY not in r.url and KEY not in json.dumps(r.meta) for r in refs)

    common = {
        "location_id": LOC1,
        "location_name": "Elmgrove House",
        "provider_id": PROVIDER,
        "provider_name": None,
        "service_types": ["Care home service without nursing", "Domiciliary care service"],
        "local_authority": "Harrow",
    }
    newest, older, oldest = refs
    assert newest.url == f"{server.url}/api/reports/{R_2024}"
    assert newest.title == "Elmgrove House: CQC inspection report (2 July 2024)"
    assert newest.published == date(2024, 7, 2)
    assert newest.kind == "inspection report"
    assert newest.fingerprint is None
    # caring and responsive still carry the 2021 report's ratings, so they are not this report's
    assert newest.meta == {
        **common,
        "report_date": "2024-07-02",
        "report_type": "Location",
        "first_visit_date": "2024-05-14",
        "ratings": {
            "overall": "requires improvement",
            "safe": "requires improvement",
            "effective": "requires improvement",
            "well-led": "inadequate",
        },
        # each rating names the API field it was read from
        "verdict_sources": {
            name: {"url": f"{server.url}/api/locations/{LOC1}", "field": field}
            for name, field in {
                "overall": "currentRatings.overall.rating",
                "safe": "currentRatings.overall.keyQuestionRatings[1].rating",
                "effective": "currentRatings.overall.keyQuestionRatings[4].rating",
                "well-led": "currentRatings.overall.keyQuestionRatings[0].rating",
            }.items()
        },
    }
    assert older.url == f"{server.url}/api/reports/{R_2021}"
    assert older.title == "Elmgrove House: CQC inspection report (9 March 2021)"
    assert older.published == date(2021, 3, 9)
    assert older.meta == {
        **common,
        "report_date": "2021-03-09",
        "report_type": "Location",
        "first_visit_date": "2021-01-26",
        "ratings": {
            "overall": "good",
            "safe": "good",
            "effective": "good",
            "caring": "good",
            "responsive": "good",
            "well-led": "outstanding",
        },
        "verdict_sources": {
            name: {"url": f"{server.url}/api/locations/{LOC1}", "field": field}
            for name, field in {
                "overall": "historicRatings[0].overall.rating",
                "safe": "historicRatings[0].overall.keyQuestionRatings[1].rating",
                "effective": "historicRatings[0].overall.keyQuestionRatings[4].rating",
                "caring": "historicRatings[0].overall.keyQuestionRatings[3].rating",
                "responsive": "historicRatings[0].overall.keyQuestionRatings[0].rating",
                "well-led": "historicRatings[0].overall.keyQuestionRatings[2].rating",
            }.items()
        },
    }
    assert oldest.url == f"{server.url}/api/reports/{R_2013}"
    assert oldest.title == "Elmgrove House: CQC inspection report (20 November 2013)"
    assert oldest.published == date(2013, 11, 20)
    assert oldest.meta == {
        **common,
        "report_date": "2013-11-20",
        "report_type": None,
        "first_visit_date": "2013-10-08",
    }


def test_api_report_listed_twice_is_one_document(server, http, with_key):
    serve_json(server, f"/api/locations/{LOC2}", "location_duplicate_report.json")
    refs = list(make_source(server, http, locations=[LOC2]).list_documents())
    assert len(refs) == 1
    (ref,) = refs
    assert ref.key == R_DUP
    assert ref.url == f"{server.url}/api/reports/{R_DUP}"
    assert ref.title == "Elmgrove Home Care: CQC inspection report (15 March 2023)"
    assert ref.published == date(2023, 3, 15)
    assert ref.meta["report_date"] == "2023-03-15"
    assert ref.meta["service_types"] == ["Domiciliary care service"]
    assert ref.meta["ratings"] == {
        "overall": "good",
        "safe": "good",
        "effective": "good",
        "caring": "good",
        "responsive": "outstanding",
        "well-led": "good",
    }


def test_api_report_without_a_date(server, http, with_key):
    serve_json(server, "/api/locations/1-4000000003", "location_undated_report.json")
    (ref,) = list(make_source(server, http, locations=["1-4000000003"]).list_documents())
    assert ref.key == "2d3e4f50-6172-4839-a4b5-c6d7e8f90005"
    assert ref.url == f"{server.url}/api/reports/2d3e4f50-6172-4839-a4b5-c6d7e8f90005"
    assert ref.title == "Kenmore Surgery: CQC inspection report (date not given)"
    assert ref.published is None
    assert ref.meta["report_date"] is None
    assert ref.meta["first_visit_date"] == "2012-11-05"
    assert ref.meta["provider_id"] == "1-4000000300"
    assert ref.meta["service_types"] == ["Doctors consultation service"]
    assert "ratings" not in ref.meta  # nothing to say: an empty dict would wipe stored ratings


def test_api_provider_lists_its_reports_and_its_locations_reports_once(server, http, with_key):
    serve_json(server, f"/api/providers/{PROVIDER}", "provider_api.json")
    serve_json(server, f"/api/locations/{LOC1}", "location_api.json")
    serve_json(server, f"/api/locations/{LOC2}", "location_duplicate_report.json")
    source = make_source(server, http, providers=[PROVIDER], locations=[LOC1])
    refs = list(source.list_documents())

    assert [r.key for r in refs] == [R_PROVIDER, R_2024, R_2021, R_2013, R_DUP]
    # LOC1 is both configured and one of the provider's: fetched once
    assert len(server.hits_for(f"/api/locations/{LOC1}")) == 1
    provider_report = refs[0]
    assert provider_report.url == f"{server.url}/api/reports/{R_PROVIDER}"
    assert provider_report.title == "Elmgrove Care Limited: CQC inspection report (20 October 2022)"
    assert provider_report.published == date(2022, 10, 20)
    assert provider_report.meta == {
        "provider_id": PROVIDER,
        "provider_name": "Elmgrove Care Limited",
        "location_id": None,
        "location_name": None,
        "report_date": "2022-10-20",
        "report_type": "Provider",
        "first_visit_date": "2022-09-12",
        "ratings": {"overall": "good", "well-led": "good"},
        "verdict_sources": {
            "overall": {"url": f"{server.url}/api/providers/{PROVIDER}", "field": "currentRatings.overall.rating"},
            "well-led": {
                "url": f"{server.url}/api/providers/{PROVIDER}",
                "field": "currentRatings.overall.keyQuestionRatings[0].rating",
            },
        },
        "inspection_location_ids": [LOC1, LOC2],
    }
    assert {r.meta["provider_name"] for r in refs[1:]} == {"Elmgrove Care Limited"}
    assert refs[4].meta["location_name"] == "Elmgrove Home Care"


def test_api_500_is_a_failure_not_an_empty_listing(server, http, with_key):
    serve_json(server, f"/api/locations/{LOC1}", "api_500.json", status=500)
    with pytest.raises(FetchError) as caught:
        list(make_source(server, http, locations=[LOC1]).list_documents())
    assert caught.value.status == 500
    assert f"/api/locations/{LOC1}" in str(caught.value)
    assert len(server.hits_for(f"/api/locations/{LOC1}")) == 3  # retried before giving up


def test_api_401_without_key_says_to_set_the_key(server, http, without_key):
    serve_json(server, f"/api/providers/{PROVIDER}", "api_401_no_key.json", status=401)
    with pytest.raises(BlockedError) as caught:
        list(make_source(server, http, providers=[PROVIDER]).list_documents())
    assert caught.value.status == 401
    assert API_KEY_ENV in caught.value.hint
    assert "api-portal.service.cqc.org.uk" in caught.value.hint
    assert API_KEY_HEADER not in server.hits_for(f"/api/providers/{PROVIDER}")[0].headers


def test_api_401_with_a_key_says_the_key_was_refused(server, http, with_key):
    serve_json(server, f"/api/locations/{LOC1}", "api_401_no_key.json", status=401)
    with pytest.raises(BlockedError) as caught:
        list(make_source(server, http, locations=[LOC1]).list_documents())
    assert "refused the key" in caught.value.hint
    assert API_KEY_ENV in caught.value.hint


def test_api_unknown_location_names_the_id(server, http, with_key):
    with pytest.raises(FetchError, match=r"location 1-4000000009 is unknown to the CQC API \(HTTP 404\)"):
        list(make_source(server, http, locations=["1-4000000009"]).list_documents())


def test_api_answer_of_the_wrong_shape_is_broken(server, http, with_key):
    server.add(
        f"/api/locations/{LOC1}",
        json.dumps({"locationId": "1-999", "reports": []}),
        content_type="application/json",
    )
    with pytest.raises(ListingBrokenError, match=f"locationId {LOC1}"):
        list(make_source(server, http, locations=[LOC1]).list_documents())
    server.add(f"/api/locations/{LOC1}", json.dumps([1, 2]), content_type="application/json")
    with pytest.raises(ListingBrokenError, match="expected a JSON object"):
        list(make_source(server, http, locations=[LOC1]).list_documents())
    server.add(
        f"/api/locations/{LOC1}",
        json.dumps({"locationId": LOC1, "reports": [{"reportDate": "2024-01-01"}]}),
        content_type="application/json",
    )
    with pytest.raises(ListingBrokenError, match=r"reports\[0\] is \{'reportDate'"):
        list(make_source(server, http, locations=[LOC1]).list_documents())


def test_request_headers_send_the_key_to_the_api_only(server, http, with_key, monkeypatch):
    source = make_source(server, http, locations=[LOC1])
    assert source.request_headers(f"{server.url}/api/reports/{R_2024}") == {API_KEY_HEADER: KEY}
    assert source.request_headers(f"{server.url}/location/{LOC1}") == {}
    assert source.request_headers("https://api.service.cqc.org.uk.evil.example/reports/x") == {}
    monkeypatch.delenv(API_KEY_ENV)
    assert source.request_headers(f"{server.url}/api/reports/{R_2024}") == {}


def test_contract_real_2019_location_answer(server, http, with_key, shared_fixtures):
    real = (shared_fixtures / "cqc" / "location_1-125856395_detail_c2019_from_SFC_testfile.json").read_text()
    server.add("/api/locations/1-125856395", real, content_type="application/json")
    refs = list(make_source(server, http, locations=["1-125856395"]).list_documents())
    by_key = {r.key: r for r in refs}

    assert len(refs) == 9
    assert set(by_key) == {
        "a361ecb8-4b08-49b8-934c-dc578d6bff8d",
        "e2afac75-fdf8-469b-b1dc-4de1ae8a5ec1",
        "c2bfc2ef-995e-4b02-bcd6-02a4d6b0db39",
        "987e58b3-d216-4645-b744-f746c1e595c9",
        "e61ffba6-a7e0-4b9d-b85d-898e4ccb3b21",
        "c0812822-bb19-4169-9372-ef4d69c0b6d6",
        "a3304b3b-bd48-4457-990e-5bfaea55727f",
        "8a3ae9dc-d9ad-4dac-890d-6c213744a3eb",
        "3dd66d83-4cd7-4d0b-8fc8-bc7888d46e1a",
    }
    current = by_key["a361ecb8-4b08-49b8-934c-dc578d6bff8d"]
    assert current.title == "Lucerne House: CQC inspection report (31 October 2019)"
    assert current.url == f"{server.url}/api/reports/a361ecb8-4b08-49b8-934c-dc578d6bff8d"
    assert current.published == date(2019, 10, 31)
    assert current.meta["location_id"] == "1-125856395"
    assert current.meta["provider_id"] == "1-102642955"
    assert current.meta["location_name"] == "Lucerne House"
    assert current.meta["service_types"] == ["Care home service with nursing"]
    assert current.meta["local_authority"] == "Devon"
    assert current.meta["report_type"] == "Location"
    assert current.meta["first_visit_date"] == "2019-09-17"
    assert current.meta["ratings"] == {
        "overall": "outstanding",
        "safe": "good",
        "well-led": "outstanding",
        "caring": "outstanding",
        "responsive": "outstanding",
        "effective": "outstanding",
    }
    assert by_key["e2afac75-fdf8-469b-b1dc-4de1ae8a5ec1"].meta["ratings"] == {
        "overall": "outstanding",
        "safe": "good",
        "well-led": "outstanding",
        "caring": "outstanding",
        "responsive": "outstanding",
        "effective": "outstanding",
    }
    assert by_key["c2bfc2ef-995e-4b02-bcd6-02a4d6b0db39"].meta["ratings"] == {
        "overall": "good",
        "safe": "good",
        "well-led": "good",
        "caring": "good",
        "responsive": "requires improvement",
        "effective": "good",
    }
    untyped = by_key["987e58b3-d216-4645-b744-f746c1e595c9"]
    assert untyped.published == date(2014, 6, 27)
    assert untyped.meta["report_type"] is None
    assert "ratings" not in untyped.meta
    # the register really lists a report dated before its first visit; we report it as given
    odd = by_key["3dd66d83-4cd7-4d0b-8fc8-bc7888d46e1a"]
    assert odd.meta["report_date"] == "2011-09-28"
    assert odd.meta["first_visit_date"] == "2012-07-25"


# -- the public pages (no key) ----------------------------------------------------------


def test_public_location_pages_list_linked_reports(server, http, without_key):
    server.add(f"/location/{LOC1}", fixture("location_page.html"))
    server.add(f"/location/{LOC1}/reports", fixture("location_reports_page.html"))
    refs = list(make_source(server, http, locations=[LOC1]).list_documents())

    assert not server.hits_for(f"/api/locations/{LOC1}")
    assert [r.key for r in refs] == [R_2024, R_2021]  # the same keys the API gives
    common = {
        "location_id": LOC1,
        "location_name": "Elmgrove House",
        "provider_id": PROVIDER,
        "provider_name": "Elmgrove Care Limited",
        "service_types": ["Care home"],
    }
    newest, older = refs
    assert newest.url == f"https://api.cqc.org.uk/public/v1/reports/{R_2024}?20240702120000"
    assert newest.title == "Elmgrove House: CQC inspection report (14 May 2024)"
    assert newest.published == date(2024, 5, 14)
    assert newest.kind == "inspection report"
    assert newest.meta == {
        **common,
        "report_date": "2024-05-14",
        "inspection_type": "During an inspection looking at part of the service",
        "ratings": {
            "overall": "requires improvement",
            "safe": "requires improvement",
            "effective": "requires improvement",
            "caring": "good",
            "responsive": "good",
            "well-led": "inadequate",
        },
        # each rating names the page and the words it was read from
        "verdict_sources": {
            name: {"url": f"{server.url}/location/{LOC1}", "text": words}
            for name, words in {
                "overall": "Overall: Requires improvement",
                "safe": "Safe: Requires improvement",
                "effective": "Effective: Requires improvement",
                "caring": "Caring: Good",
                "responsive": "Responsive: Good",
                "well-led": "Well-led: Inadequate",
            }.items()
        },
    }
    assert older.url == f"{server.url}/reports/0C7D9E31-8F2A-4B6C-A1D3-5E9F22B4C002"
    assert older.title == "Elmgrove House: CQC inspection report (26 January 2021)"
    assert older.published == date(2021, 1, 26)
    assert older.meta == {
        **common,
        "report_date": "2021-01-26",
        "inspection_type": "During a routine inspection",
    }


def test_public_reports_page_without_report_links_is_broken(server, http, without_key):
    server.add(f"/location/{LOC1}", fixture("location_page.html"))
    server.add(f"/location/{LOC1}/reports", fixture("location_reports_page_changed.html"))
    with pytest.raises(
        ListingBrokenError, match=rf"{server.url}/location/{LOC1}/reports: expected dated inspections"
    ):
        list(make_source(server, http, locations=[LOC1]).list_documents())


def test_public_page_403_propagates_as_blocked(server, http, without_key):
    server.add(f"/location/{LOC1}", "Forbidden", status=403, content_type="text/plain")
    with pytest.raises(BlockedError) as caught:
        list(make_source(server, http, locations=[LOC1]).list_documents())
    assert caught.value.status == 403


# -- the local authority assessment -----------------------------------------------------


def serve_assessment(server) -> None:
    server.add(ASSESSMENTS, fixture("assessment_index.html"))
    server.add(f"{ASSESSMENTS}/harrow-0824", fixture("assessment_overview.html"))


def test_assessment_found_by_council_name(server, http, without_key):
    serve_assessment(server)
    refs = list(make_source(server, http, local_authority="Harrow").list_documents())

    assert len(server.hits_for(ASSESSMENTS)) == 1
    assert not server.hits_for(f"{ASSESSMENTS}/harrow-0321")
    assessment, needs, support = refs
    assert assessment.key == f"{ASSESSMENTS}/harrow-0824"
    assert assessment.url == f"{server.url}{ASSESSMENTS}/harrow-0824"
    assert assessment.title == "London Borough of Harrow: local authority assessment"
    assert assessment.published == date(2024, 8, 15)
    assert assessment.kind == "local authority assessment"
    assert assessment.meta == {
        "local_authority": "Harrow",
        "report_date": "2024-08-15",
        "ratings": {"overall": "requires improvement"},
        "quality_statements": HARROW_SCORES,
        "verdict_sources": {
            name: {"url": f"{server.url}{ASSESSMENTS}/harrow-0824", "text": words}
            for name, words in {"overall": "Overall rating Requires improvement", **OVERVIEW_SCORE_LINES}.items()
        },
    }
    assert needs.key == f"{ASSESSMENTS}/harrow-0824-theme1-needs"
    assert needs.url == f"{server.url}{ASSESSMENTS}/harrow-0824-theme1-needs"
    assert needs.title == "Harrow: Assessing needs"
    assert needs.published == date(2024, 8, 15)
    assert needs.kind == "local authority assessment quality statement"
    assert needs.meta == {"local_authority": "Harrow", "assessment": f"{ASSESSMENTS}/harrow-0824", "theme": 1}
    assert support.key == f"{ASSESSMENTS}/harrow-0824-theme1-support"
    assert support.url == f"{server.url}{ASSESSMENTS}/harrow-0824-theme1-support"
    assert support.title == "Harrow: Supporting people to live healthier lives"
    assert support.meta == {
        "local_authority": "Harrow",
        "assessment": f"{ASSESSMENTS}/harrow-0824",
        "theme": 1,
    }


def test_assessment_at_an_explicit_path(server, http, without_key):
    server.add(f"{ASSESSMENTS}/harrow-0824-theme1-needs", fixture("assessment_theme1_needs.html"))
    source = make_source(server, http, assessment_url=f"{ASSESSMENTS}/harrow-0824-theme1-needs")
    (ref,) = list(source.list_documents())
    assert not server.hits_for(ASSESSMENTS)
    assert ref.key == f"{ASSESSMENTS}/harrow-0824-theme1-needs"
    assert ref.url == f"{server.url}{ASSESSMENTS}/harrow-0824-theme1-needs"
    assert ref.title == "London Borough of Harrow: local authority assessment"
    assert ref.published is None
    assert ref.meta == {
        "local_authority": "London Borough of Harrow",
        "report_date": None,
        "quality_statements": {"assessing needs": 2},
        "verdict_sources": {
            "assessing needs": {
                "url": f"{server.url}{ASSESSMENTS}/harrow-0824-theme1-needs",
                "text": "Assessing needs / Score: 2",
            }
        },
    }


def test_assessment_index_without_the_council_is_broken(server, http, without_key):
    server.add(ASSESSMENTS, fixture("assessment_index.html"))
    with pytest.raises(
        ListingBrokenError, match=rf"{ASSESSMENTS}: expected a link to .*/brent-MMYY.*assessment_url"
    ):
        list(make_source(server, http, local_authority="Brent").list_documents())


def test_assessment_page_that_states_nothing_is_broken(server, http, without_key):
    server.add(
        f"{ASSESSMENTS}/harrow-0824",
        "<html><body><main><h1>Page moved</h1><p>Sorry.</p></main></body></html>",
    )
    with pytest.raises(ListingBrokenError, match="harrow-0824: expected a local authority assessment"):
        list(make_source(server, http, assessment_url=f"{ASSESSMENTS}/harrow-0824").list_documents())


def test_authority_slug():
    assert authority_slug("Harrow") == "harrow"
    assert authority_slug("London Borough of Harrow") == "harrow"
    assert authority_slug("Harrow Council") == "harrow"
    assert authority_slug("Hammersmith & Fulham") == "hammersmith-fulham"


# -- reading documents ------------------------------------------------------------------


def make_pdf(path: Path, pages: list[str]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for text in pages:
        y = 800
        for line in text.splitlines():
            pdf.drawString(60, y, line)
            y -= 18
        pdf.showPage()
    pdf.save()


def test_read_meta_from_a_report_pdf(tmp_path):
    path = tmp_path / "report.pdf"
    make_pdf(path, [fixture("report_page1.txt"), fixture("report_page2.txt")])
    result = extract_here(path, "application/pdf", kind="cqc")
    assert result.error is None
    assert result.meta == {
        "ratings": {
            "overall": "requires improvement",
            "safe": "requires improvement",
            "effective": "requires improvement",
            "caring": "good",
            "responsive": "good",
            "well-led": "inadequate",
        },
        "verdict_sources": {
            name: {"page": 1, "text": words}
            for name, words in {
                "overall": "Overall rating for this service Requires improvement",
                "safe": "Is the service safe? Requires improvement",
                "effective": "Is the service effective? Requires improvement",
                "caring": "Is the service caring? Good",
                "responsive": "Is the service responsive? Good",
                "well-led": "Is the service well-led? Inadequate",
            }.items()
        },
    }


def test_read_meta_ignores_the_last_inspections_rating_in_prose():
    # page 2 says "At our last inspection we rated this service good": that is history
    assert CqcSource.read_meta([fixture("report_page2.txt")]) == {"ratings": {}}


def test_read_meta_from_an_assessment_theme_page(tmp_path):
    path = tmp_path / "needs.html"
    path.write_text(fixture("assessment_theme1_needs.html"), encoding="utf-8")
    result = extract_here(path, "text/html", kind="cqc")
    assert result.meta == {
        "ratings": {},
        "quality_statements": {"assessing needs": 2},
        "verdict_sources": {"assessing needs": {"page": 1, "text": "Assessing needs / Score: 2"}},
    }


def test_ratings_outside_the_four_are_not_ratings():
    assert normalise_rating("Requires improvement") == "requires improvement"
    assert normalise_rating("No rating") is None
    assert normalise_rating("Insufficient evidence to rate") is None
    assert normalise_rating(None) is None
    assert read_ratings("Overall: Insufficient evidence to rate\nSafe: Good") == {"safe": "good"}
    assert read_ratings("Are services well-led? Outstanding\nOverall rating: Good") == {
        "overall": "good",
        "well-led": "outstanding",
    }
    assert read_quality_statement_scores("Safeguarding\nScore: 5") == {}


def test_contract_real_assessment_theme_pages(shared_fixtures):
    folder = shared_fixtures / "cqc" / "page_text_excerpts"
    needs = (folder / "la-assessment_harrow-0824-theme1-needs.txt").read_text()
    support = (folder / "la-assessment_harrow-0824-theme1-support.txt").read_text()
    # one page writes "Score 2", the other "Score: 2"
    assert CqcSource.read_meta([needs]) == {
        "ratings": {},
        "quality_statements": {"assessing needs": 2},
        "verdict_sources": {"assessing needs": {"page": 1, "text": "Assessing needs / Score 2"}},
    }
    assert CqcSource.read_meta([support]) == {
        "ratings": {},
        "quality_statements": {"supporting people to live healthier lives": 2},
        "verdict_sources": {
            "supporting people to live healthier lives": {
                "page": 1,
                "text": "Supporting people to live healthier lives / Score: 2",
            }
        },
    }


def test_contract_real_press_release(shared_fixtures):
    text = (
        shared_fixtures / "cqc" / "page_text_excerpts" / "press-release_harrow-asc-requires-improvement.txt"
    ).read_text()
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("- ")]
    assert CqcSource.read_meta([text]) == {
        "ratings": {"overall": "requires improvement"},
        "quality_statements": HARROW_SCORES,
        "verdict_sources": {
            "overall": {"page": 1, "text": "has rated London Borough of Harrow as requires improvement"},
            **{name: {"page": 1, "text": line} for name, line in zip(HARROW_SCORES, lines, strict=True)},
        },
    }


def test_contract_real_location_reports_tab_text(shared_fixtures):
    text = (shared_fixtures / "cqc" / "page_text_excerpts" / "location_1-116949710_reports.txt").read_text()
    assert CqcSource.read_meta([text]) == {
        "ratings": {"overall": "good"},
        "verdict_sources": {"overall": {"page": 1, "text": "Overall: Good"}},
    }
