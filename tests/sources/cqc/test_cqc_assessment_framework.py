"""The cqc source against CQC as it is in 2026 (../shared/fixtures/cqc/evidence-2026/REPORT.md):
single assessment framework records, the soft rate limit, inherited ratings. Each probe of the
report that gave no document, a wrong attachment of ratings or a silent zero is a test here.
The public pages and the local authority assessment are in test_source_cqc_pages.py."""

from __future__ import annotations

import json
from datetime import date

import pytest
from test_cqc_source import KEY, fixture, make_source

from monitor.errors import FetchError, ListingBrokenError
from monitor.sources.cqc.api_reader import api_error_of, read_assessments, retry_hint_seconds
from monitor.sources.cqc.source import API_KEY_ENV

SAF = "1-4000000005"
PLAN = "LAP-7319"
R_2021 = "0c7d9e31-8f2a-4b6c-a1d3-5e9f22b4c002"
SAF_RATINGS = {
    "overall": "requires improvement",
    "safe": "inadequate",
    "effective": "requires improvement",
    "caring": "good",
    "responsive": "good",
    "well-led": "requires improvement",
}
SAF_FACTS = {
    "location_id": SAF,
    "location_name": "Roxeth Lodge",
    "provider_id": "1-4000000100",
    "provider_name": None,
    "service_types": ["Domiciliary care service"],
    "local_authority": "Harrow",
}


@pytest.fixture
def with_key(monkeypatch):
    monkeypatch.setenv(API_KEY_ENV, KEY)


def saf_record() -> dict:
    return json.loads(fixture("location_saf_api.json"))


def serve(server, record: dict, location: str = SAF) -> None:
    server.add(f"/api/locations/{location}", json.dumps(record), content_type="application/json")


def list_refs(server, http, location: str = SAF):
    return list(make_source(server, http, locations=[location]).list_documents())


# -- probe C1: reports[] empty, currentRatings empty, the rating only in assessment[] ---------


def test_saf_assessment_is_a_report_of_its_own(server, http, with_key):
    serve(server, saf_record())
    (ref,) = list_refs(server, http)
    assert ref.key == PLAN
    assert ref.url == f"{server.url}/location/{SAF}/reports/{PLAN}/overall"
    assert ref.title == "Roxeth Lodge: CQC assessment report (12 June 2025)"
    assert ref.published == date(2025, 6, 12)
    assert ref.kind == "assessment report"
    assert ref.fingerprint is None
    assert ref.meta == {
        **SAF_FACTS,
        "report_date": "2025-06-12",
        "report_type": "Assessment",
        "assessment_plan_id": PLAN,
        "assessment_date": "2025-04-30",
        "assessment_status": "Active",
        "service_groups": ["Homecare agencies"],
        "ratings": SAF_RATINGS,
        "verdict_sources": {
            name: {"url": f"{server.url}/api/locations/{SAF}", "field": f"assessment[0].ratings.asgRatings[0].{field}"}
            for name, field in {
                "overall": "rating",
                "safe": "keyQuestionRatings[0].rating",
                "effective": "keyQuestionRatings[1].rating",
                "caring": "keyQuestionRatings[2].rating",
                "responsive": "keyQuestionRatings[3].rating",
                "well-led": "keyQuestionRatings[4].rating",
            }.items()
        },
        "percentage_scores": {
            "safe": "38",
            "effective": "50",
            "caring": "69",
            "responsive": "63",
            "well-led": "46",
        },
    }


# -- probe C2: an old report and stale ratings beside a newer assessment ----------------------


def test_saf_assessment_beside_an_old_report_and_stale_service_ratings(server, http, with_key):
    record = saf_record()
    record["reports"] = [
        {
            "linkId": R_2021,
            "reportDate": "2021-03-09",
            "reportUri": f"/reports/{R_2021}",
            "reportType": "Location",
        }
    ]
    # what a live user saw: currentRatings.overall empty, serviceRatings still the superseded one
    record["currentRatings"] = {
        "overall": None,
        "serviceRatings": [{"name": "Homecare", "rating": "Good", "reportLinkId": R_2021}],
    }
    serve(server, record)
    old, new = list_refs(server, http)
    assert (old.key, old.published, old.kind, "ratings" in old.meta) == (
        R_2021,
        date(2021, 3, 9),
        "inspection report",
        False,
    )
    assert old.url == f"{server.url}/api/reports/{R_2021}"
    assert (new.key, new.published, new.kind, new.meta["ratings"]) == (
        PLAN,
        date(2025, 6, 12),
        "assessment report",
        SAF_RATINGS,
    )


def test_saf_overall_object_wins_over_service_groups():
    """Non-social-care locations: CQC fills assessment[].ratings.overall (Skills for Care, Q4)."""
    record = saf_record()
    ratings = record["assessment"][0]["ratings"]
    ratings["overall"] = [
        {
            "rating": "Good",
            "status": "Current",
            "keyQuestionRatings": [
                {"name": "Safe", "rating": "Good"},
                {"name": "Well led", "rating": "Outstanding"},
            ],
        }
    ]
    second = {**ratings["asgRatings"][0], "name": "Nursing homes", "rating": "Good", "keyQuestionRatings": []}
    ratings["asgRatings"].append(second)
    (item,) = read_assessments(record)
    assert item.plan_id == PLAN
    assert item.ratings == {"overall": "good", "safe": "good", "well-led": "outstanding"}
    assert item.service_groups == ["Homecare agencies", "Nursing homes"]
    assert item.service_group_ratings == {
        "Homecare agencies": SAF_RATINGS,
        "Nursing homes": {"overall": "good"},
    }
    assert item.percentage_scores == {}


def test_saf_several_groups_without_overall_take_the_worst_rating_per_field():
    """Review finding 3: keeping only agreed fields hid one group's fall to Inadequate."""
    record = saf_record()
    groups = record["assessment"][0]["ratings"]["asgRatings"]
    groups.append(
        {
            **groups[0],
            "name": "Supported living",
            "rating": "Good",
            "keyQuestionRatings": [
                {"name": "Safe", "rating": "Inadequate"},
                {"name": "Caring", "rating": "Good"},
            ],
        }
    )
    (item,) = read_assessments(record)
    assert item.ratings == SAF_RATINGS  # the worst of Homecare (SAF_RATINGS) and Supported living
    assert set(item.service_group_ratings) == {"Homecare agencies", "Supported living"}
    assert item.published == date(2025, 6, 12)


def test_two_assessment_plans_are_two_documents(server, http, with_key):
    record = saf_record()
    older = json.loads(json.dumps(record["assessment"][0]))
    older["assessmentPlanPublishedDateTime"] = "2024-09-02T08:00:00Z"
    older["ratings"]["asgRatings"][0].update(
        {"assessmentPlanId": "LAP-5100", "rating": "Good", "status": "Superseded", "keyQuestionRatings": []}
    )
    record["assessment"].append(older)
    serve(server, record)
    refs = list_refs(server, http)
    assert [(r.key, r.published, r.meta["ratings"]) for r in refs] == [
        (PLAN, date(2025, 6, 12), SAF_RATINGS),
        ("LAP-5100", date(2024, 9, 2), {"overall": "good"}),
    ]
    assert refs[1].url == f"{server.url}/location/{SAF}/reports/LAP-5100/overall"


@pytest.mark.parametrize(
    "assessment, message",
    [
        (
            [
                {
                    "assessmentPlanPublishedDateTime": "2025-06-12 09:30:00",
                    "ratings": {"asgRatings": [{"rating": "Good"}]},
                }
            ],
            "names no assessmentPlanId",
        ),
        (["LAP-1"], "is not an object"),
        ({"assessmentPlanId": "LAP-1"}, "'assessment' is not a list"),
    ],
    ids=["no-plan-id", "not-an-object", "not-a-list"],
)
def test_an_assessment_that_cannot_be_read_is_broken(server, http, with_key, assessment, message):
    record = saf_record()
    record["assessment"] = assessment
    serve(server, record)
    with pytest.raises(ListingBrokenError, match=message) as caught:
        list_refs(server, http)
    assert caught.value.url == f"{server.url}/api/locations/{SAF}"
    assert f"/api/locations/{SAF}" in str(caught.value)


def test_a_rated_location_that_yields_no_document_is_broken(server, http, with_key):
    """A zero where results are expected: the record says it has a rating, nothing is read."""
    record = saf_record()
    record["assessment"] = []
    record["currentRatings"] = {"overall": {"rating": "Requires Improvement"}}
    serve(server, record)
    with pytest.raises(
        ListingBrokenError, match=r"has a current rating \(Requires Improvement\) but lists no report"
    ):
        list_refs(server, http)
    record["currentRatings"] = {}
    serve(server, record)
    with pytest.raises(ListingBrokenError, match="has a report published 2025-06-12 but lists no report"):
        list_refs(server, http)


def test_a_never_inspected_location_is_quietly_empty(server, http, with_key):
    record = {"locationId": SAF, "name": "New Service", "reports": [], "currentRatings": {}, "assessment": []}
    serve(server, record)
    assert list_refs(server, http) == []


# -- probe D: a rating inherited from a predecessor whose report reports[] does not list -------


def test_inherited_rating_whose_report_is_not_listed_is_a_document(server, http, with_key):
    link = "f4fdb42e-7d01-44b6-9ad7-da130cf04273"
    record = {
        "locationId": "1-222222222",
        "name": "Example successor",
        "relationships": [
            {"relatedLocationId": "1-111111111", "type": "HSCA Predecessor", "reason": "NHS Transfer"}
        ],
        "currentRatings": {
            "overall": {
                "rating": "Good",
                "reportDate": "2022-01-01",
                "reportLinkId": link,
                "organisationId": "1-111111111",
                "keyQuestionRatings": [{"name": "Safe", "rating": "Good", "reportLinkId": link}],
            }
        },
        "reports": [],
    }
    serve(server, record, location="1-222222222")
    (ref,) = list_refs(server, http, location="1-222222222")
    assert ref.key == link
    assert ref.url == f"{server.url}/api/reports/{link}"
    assert ref.title == "Example successor: CQC inspection report (1 January 2022)"
    assert ref.published == date(2022, 1, 1)
    assert ref.kind == "inspection report"
    assert ref.meta["ratings"] == {"overall": "good", "safe": "good"}
    assert ref.meta["inherited_from"] == "1-111111111"
    assert ref.meta["location_id"] == "1-222222222"


# -- probe E: HTTP 200 whose body is {"statusCode": 429} ------------------------------------------


def test_soft_rate_limit_is_waited_out_then_read(server, http, with_key):
    answers = [
        {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 0 seconds."},
        saf_record(),
    ]

    def handler(request):
        body = json.dumps(answers.pop(0) if len(answers) > 1 else answers[0]).encode()
        return 200, {"Content-Type": "application/json"}, body

    server.add(f"/api/locations/{SAF}", handler=handler)
    (ref,) = list_refs(server, http)
    assert ref.key == PLAN
    assert len(server.hits_for(f"/api/locations/{SAF}")) == 2


def test_soft_rate_limit_that_persists_is_failing_not_broken(server, http, with_key):
    server.add(
        f"/api/locations/{SAF}",
        json.dumps({"statusCode": 429, "message": "Rate limit is exceeded. Try again in 0 seconds."}),
        content_type="application/json",
    )
    with pytest.raises(FetchError) as caught:
        list_refs(server, http)
    assert not isinstance(caught.value, ListingBrokenError)
    assert caught.value.status == 429
    assert "rate limited" in str(caught.value) and "statusCode 429" in str(caught.value)
    assert len(server.hits_for(f"/api/locations/{SAF}")) == 3


def test_soft_rate_limit_asking_for_a_long_wait_fails_at_once(server, http, with_key):
    server.add(
        f"/api/locations/{SAF}",
        json.dumps({"statusCode": 429, "message": "Rate limit is exceeded. Try again in 300 seconds."}),
        content_type="application/json",
    )
    with pytest.raises(FetchError, match="rate limited") as caught:
        list_refs(server, http)
    assert caught.value.status == 429
    assert len(server.hits_for(f"/api/locations/{SAF}")) == 1


def test_other_error_bodies_are_failures_with_their_status(server, http, with_key):
    server.add(
        f"/api/locations/{SAF}",
        json.dumps({"statusCode": 500, "message": "Internal server error"}),
        content_type="application/json",
    )
    with pytest.raises(FetchError, match="statusCode 500: Internal server error") as caught:
        list_refs(server, http)
    assert caught.value.status == 500


def test_error_body_helpers():
    assert api_error_of({"statusCode": 429, "message": "x"}) == (429, "x")
    assert api_error_of({"statusCode": "429"}) == (429, "")
    assert api_error_of({"locationId": "1-1", "statusCode": 429}) is None
    assert api_error_of({"statusCode": 200}) is None
    assert api_error_of([1]) is None
    assert retry_hint_seconds("Rate limit is exceeded. Try again in 7 seconds.") == 7.0
    assert retry_hint_seconds("slow down") is None


# -- contract: the evidence's own record shapes -------------------------------------------------


def test_contract_portal_example_1_545611283(server, http, with_key, shared_fixtures):
    """Probe B: CQC's documented example; the 'No published rating' entry gives no ratings."""
    path = (
        shared_fixtures
        / "cqc"
        / "evidence-2026"
        / "api"
        / "v1_location_1-545611283_portal_example_RECONSTRUCTED.json"
    )
    server.add("/api/locations/1-545611283", path.read_text(), content_type="application/json")
    (ref,) = list_refs(server, http, location="1-545611283")
    assert ref.key == "79727ce9-7eee-4ac2-98df-05d110f02f39"
    assert ref.url == f"{server.url}/api/reports/79727ce9-7eee-4ac2-98df-05d110f02f39"
    assert ref.title == "Morden Hall Medical Centre: CQC inspection report (4 February 2016)"
    assert ref.published == date(2016, 2, 4)
    assert ref.meta["local_authority"] == "Merton"
    assert ref.meta["first_visit_date"] == "2015-11-05"
    assert ref.meta["ratings"] == dict.fromkeys(
        ("overall", "safe", "effective", "caring", "responsive", "well-led"), "good"
    )


def test_contract_saf_record_in_the_portal_schemas_shape(shared_fixtures):
    """Every key the reader uses is one the portal schema defines for assessment[]."""
    schema = json.loads((shared_fixtures / "cqc" / "portal_schema_Syndication_Location_Id.json").read_text())
    item = schema["properties"]["assessment"]["items"][0]["properties"]
    group = item["ratings"]["properties"]["asgRatings"]["items"][0]["properties"]
    question = group["keyQuestionRatings"]["items"][0]["properties"]
    assert "assessmentPlanPublishedDateTime" in item
    assert {"assessmentPlanId", "assessmentDate", "assessmentPlanStatus", "name", "rating", "status"} <= set(
        group
    )
    assert {"name", "rating", "percengtageScore"} <= set(question)
    record = saf_record()
    entry = record["assessment"][0]
    assert set(entry) - {"title", "assessmentDate", "assessmentPlanStatus"} <= set(item)
    for key in entry["ratings"]["asgRatings"][0]:
        assert key in group, key
