"""The reviewer's findings on the cqc source (issue 13), one test or more each, against the real
local server: a reassessment beside a pinned assessment_url, reports without a linkId, several
service groups, unreadable SAF ratings and dates, the UK day of a timestamp, an API answer that is
not JSON, and ratings kept across passes (through the real `monitor run` and SQLite)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from harness import Monitor
from scenario_sites import CQC_LOCATION, CQC_QUESTIONS, config_yaml, cqc_location, cqc_ratings_text, make_pdf
from test_cqc_source import ASSESSMENTS, KEY, LOC1, fixture, make_source

from monitor.errors import ListingBrokenError
from monitor.sources.cqc.api_reader import read_assessments, uk_date
from monitor.sources.cqc.source import API_KEY_ENV

PINNED = f"{ASSESSMENTS}/harrow-0824"
NEWER = f"{ASSESSMENTS}/harrow-1126"
JSON = "application/json"


@pytest.fixture
def with_key(monkeypatch):
    monkeypatch.setenv(API_KEY_ENV, KEY)


@pytest.fixture
def without_key(monkeypatch):
    monkeypatch.delenv(API_KEY_ENV, raising=False)


# -- finding 1: a pinned assessment_url must not hide a reassessment ------------------------------


def pinned_source(server, http, index: str | None):
    server.add(PINNED, fixture("assessment_overview.html"))
    if index is not None:
        server.add(ASSESSMENTS, index)
    return make_source(server, http, local_authority="Harrow", assessment_url=PINNED)


def test_a_newer_assessment_in_the_list_is_listed_beside_the_pinned_one(server, http, without_key):
    reassessed = (
        fixture("assessment_overview.html")
        .replace("harrow-0824", "harrow-1126")
        .replace("Published: 15 August 2024", "Published: 3 November 2026")
    )
    server.add(NEWER, reassessed)
    index = fixture("assessment_index.html").replace(
        "</ul>",
        f'<li><a href="{NEWER}">London Borough of Harrow: local authority assessment</a></li></ul>',
        1,
    )
    source = pinned_source(server, http, index)
    refs = list(source.list_documents())
    assert [(r.key, r.published, r.kind) for r in refs] == [
        (PINNED, date(2024, 8, 15), "local authority assessment"),
        (f"{PINNED}-theme1-needs", date(2024, 8, 15), "local authority assessment quality statement"),
        (f"{PINNED}-theme1-support", date(2024, 8, 15), "local authority assessment quality statement"),
        (NEWER, date(2026, 11, 3), "local authority assessment"),
        (f"{NEWER}-theme1-needs", date(2026, 11, 3), "local authority assessment quality statement"),
        (f"{NEWER}-theme1-support", date(2026, 11, 3), "local authority assessment quality statement"),
    ]
    newer = refs[3]
    assert newer.url == f"{server.url}{NEWER}"
    assert newer.title == "London Borough of Harrow: local authority assessment"
    assert newer.meta["ratings"] == {"overall": "requires improvement"}
    assert newer.meta["report_date"] == "2026-11-03"
    assert newer.meta["local_authority"] == "Harrow"
    assert not source.listing_incomplete


def test_a_list_with_only_the_pinned_assessment_adds_nothing(server, http, without_key):
    source = pinned_source(server, http, fixture("assessment_index.html"))
    refs = list(source.list_documents())
    assert [r.key for r in refs] == [PINNED, f"{PINNED}-theme1-needs", f"{PINNED}-theme1-support"]
    assert len(server.hits_for(ASSESSMENTS)) == 1
    assert (source.listing_incomplete, source.incomplete_reasons) == (False, [])


def test_a_list_without_links_makes_the_listing_incomplete_not_broken(server, http, without_key):
    # what the stored copy of the live list shows: nothing after the introduction
    index = (
        "<html><body><main><h1>Local authority assessments</h1>"
        "<p>Our reports, starting with the most recently published:</p></main></body></html>"
    )
    source = pinned_source(server, http, index)
    refs = list(source.list_documents())
    assert [r.key for r in refs] == [PINNED, f"{PINNED}-theme1-needs", f"{PINNED}-theme1-support"]
    assert source.listing_incomplete is True
    assert source.incomplete_reasons == [
        f"{server.url}{ASSESSMENTS}: the list of local authority assessments carries no links; a new "
        "assessment of Harrow would not be seen until assessment_url is changed"
    ]
    assert any("newer assessment than assessment_url is looked for" in w for w in source.warnings())
    # a further pass starts afresh
    server.add(ASSESSMENTS, fixture("assessment_index.html"))
    list(source.list_documents())
    assert (source.listing_incomplete, source.incomplete_reasons) == (False, [])


def test_a_list_naming_other_councils_only_makes_the_listing_incomplete(server, http, without_key):
    index = (
        f'<html><body><main><a href="{ASSESSMENTS}/kent-0525">Kent</a>'
        f'<a href="{ASSESSMENTS}/Hertfordshire-0524">Hertfordshire</a></main></body></html>'
    )
    source = pinned_source(server, http, index)
    assert len(list(source.list_documents())) == 3
    assert source.incomplete_reasons == [
        f"{server.url}{ASSESSMENTS}: the list of local authority assessments links 2 assessments but "
        "none of Harrow; a new assessment of Harrow would not be seen until assessment_url is changed"
    ]


def test_assessment_url_alone_does_not_search_the_list(server, http, without_key):
    server.add(PINNED, fixture("assessment_overview.html"))
    source = make_source(server, http, assessment_url=PINNED)
    assert len(list(source.list_documents())) == 3
    assert not server.hits_for(ASSESSMENTS)
    assert not source.listing_incomplete


# -- finding 2: a report without a linkId is broken, even beside readable ones --------------------


@pytest.mark.parametrize(
    "bad, shown",
    [
        ({"reportUri": "/reports/bbb", "reportDate": "2025-06-01"}, "reports[1] is {'reportUri'"),
        ("bbb", "reports[1] is bbb"),
    ],
    ids=["no-link-id", "not-an-object"],
)
def test_any_report_without_a_link_id_is_broken(server, http, with_key, bad, shown):
    record = {
        "locationId": LOC1,
        "name": "Elmgrove House",
        "reports": [{"linkId": "aaa", "reportDate": "2023-01-01"}, bad],
        "currentRatings": {
            "overall": {"rating": "Inadequate", "reportLinkId": "bbb", "reportDate": "2025-06-01"}
        },
    }
    server.add(f"/api/locations/{LOC1}", json.dumps(record), content_type=JSON)
    with pytest.raises(ListingBrokenError, match="expected every entry of reports") as caught:
        list(make_source(server, http, locations=[LOC1]).list_documents())
    assert shown in str(caught.value)
    assert caught.value.url == f"{server.url}/api/locations/{LOC1}"


# -- finding 3: several service groups, unreadable ratings, plans with nothing to say -------------


def plan(group_ratings: list[tuple[str, str, str]], published: str | None = "2025-03-01T10:00:00Z") -> dict:
    entry: dict = {
        "ratings": {
            "asgRatings": [
                {
                    "assessmentPlanId": "P1",
                    "name": name,
                    "rating": overall,
                    "keyQuestionRatings": [{"name": "Safe", "rating": safe}],
                }
                for name, overall, safe in group_ratings
            ]
        }
    }
    if published is not None:
        entry["assessmentPlanPublishedDateTime"] = published
    return {"locationId": LOC1, "name": "Elmgrove House", "reports": [], "assessment": [entry]}


def test_one_group_falling_to_inadequate_is_the_locations_rating():
    record = plan(
        [("Community health", "Inadequate", "Inadequate"), ("Urgent care", "Good", "Requires improvement")]
    )
    (item,) = read_assessments(record)
    assert item.plan_id == "P1"
    assert item.published == date(2025, 3, 1)
    assert item.ratings == {"overall": "inadequate", "safe": "inadequate"}
    assert item.service_group_ratings == {
        "Community health": {"overall": "inadequate", "safe": "inadequate"},
        "Urgent care": {"overall": "good", "safe": "requires improvement"},
    }
    record = plan(
        [("Community health", "Good", "Good"), ("Urgent care", "Outstanding", "Requires improvement")]
    )
    assert read_assessments(record)[0].ratings == {"overall": "good", "safe": "requires improvement"}


def test_worst_group_rating_reaches_the_document(server, http, with_key):
    record = plan([("Community health", "Inadequate", "Good"), ("Urgent care", "Good", "Good")])
    server.add(f"/api/locations/{LOC1}", json.dumps(record), content_type=JSON)
    (ref,) = list(make_source(server, http, locations=[LOC1]).list_documents())
    assert (ref.key, ref.published, ref.kind) == ("P1", date(2025, 3, 1), "assessment report")
    assert ref.url == f"{server.url}/location/{LOC1}/reports/P1/overall"
    assert ref.title == "Elmgrove House: CQC assessment report (1 March 2025)"
    assert ref.meta["ratings"] == {"overall": "inadequate", "safe": "good"}
    assert ref.meta["service_groups"] == ["Community health", "Urgent care"]


@pytest.mark.parametrize(
    "record, message",
    [
        (plan([("Homecare", "Very good", "Good")]), r"gives rating the rating 'Very good'"),
        (plan([("Homecare", "Good", "3 - good")]), r"gives Safe the rating '3 - good'"),
        (plan([("Homecare", "", "")], published=None), "P1 has neither a rating nor a publication date"),
        (
            plan([("Homecare", "Not rated", "Not rated")], published=None),
            "neither a rating nor a publication date",
        ),
        (plan([("Homecare", "Good", "Good")], published="last spring"), r"unreadable date 'last spring'"),
    ],
    ids=["unknown-overall", "unknown-key-question", "nothing", "not-rated-undated", "bad-date"],
)
def test_an_assessment_the_reader_cannot_trust_is_broken(server, http, with_key, record, message):
    server.add(f"/api/locations/{LOC1}", json.dumps(record), content_type=JSON)
    with pytest.raises(ListingBrokenError, match=message) as caught:
        list(make_source(server, http, locations=[LOC1]).list_documents())
    assert caught.value.url == f"{server.url}/api/locations/{LOC1}"


def test_known_not_rated_labels_are_no_rating_and_no_error():
    record = plan([("Homecare", "Inspected but not rated", "Insufficient evidence to rate")])
    (item,) = read_assessments(record)
    assert (item.ratings, item.published) == ({}, date(2025, 3, 1))


# -- finding 4: an API answer that is not JSON ----------------------------------------------------


def test_an_html_answer_from_the_api_is_broken_not_failing(server, http, with_key):
    page = "<html><body><h1>Scheduled maintenance</h1><p>Back soon.</p></body></html>"
    server.add(f"/api/locations/{LOC1}", page, content_type="text/html; charset=utf-8")
    with pytest.raises(
        ListingBrokenError, match="expected JSON from the CQC API describing location"
    ) as caught:
        list(make_source(server, http, locations=[LOC1]).list_documents())
    assert "text/html" in str(caught.value)
    assert caught.value.url == f"{server.url}/api/locations/{LOC1}"


# -- finding 5: the UK day of a timestamp ---------------------------------------------------------


@pytest.mark.parametrize(
    "stamp, day",
    [
        ("2025-03-01T23:30:00-01:00", date(2025, 3, 2)),  # 00:30 GMT on 2 March
        ("2025-06-30T23:30:00Z", date(2025, 7, 1)),  # 00:30 BST
        ("2025-01-31T23:30:00Z", date(2025, 1, 31)),  # GMT = UTC in winter
        ("2025-06-12 09:30:00", date(2025, 6, 12)),  # no zone: UK time
        ("2025-06-12", date(2025, 6, 12)),
        ("01/03/2025", date(2025, 3, 1)),  # day first
        ("", None),
        (None, None),
    ],
)
def test_assessment_dates_are_uk_days(stamp, day):
    assert uk_date(stamp) == day


def test_a_late_evening_publication_is_dated_by_the_uk_day():
    record = plan([("Homecare", "Inadequate", "Inadequate")], published="2025-03-01T23:30:00-01:00")
    assert read_assessments(record)[0].published == date(2025, 3, 2)


# -- finding 6: ratings read earlier survive a listing that has nothing to say of them ------------


GOOD = dict.fromkeys(CQC_QUESTIONS, "Good")
RI = {**GOOD, "safe": "Requires Improvement"}
R_2021 = "0c7d9e31-8f2a-4b6c-a1d3-5e9f22b4c002"
R_2025 = "9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9001"


def test_older_reports_keep_their_ratings_on_the_next_pass(server, tmp_path):
    """Day 1 the 2021 report is the newest, rated Good (listing and PDF). Day 2 a 2025 report is
    the newest and the record's historicRatings is empty: the 2021 report must stay Good."""
    base = server.url
    for link, overall, questions, when in (
        (R_2021, "Good", GOOD, "9 March 2021"),
        (R_2025, "Requires improvement", RI, "4 June 2025"),
    ):
        text = f"Elmgrove House\nInspection report\nDate of publication:\n{when}\n" + cqc_ratings_text(
            overall, questions
        )
        server.add(f"/api/reports/{link}", make_pdf([text]), content_type="application/pdf")
    day1 = cqc_location([(R_2021, "2021-03-09", "2021-01-26")], (R_2021, "Good", GOOD), [])
    server.add(f"/api/locations/{CQC_LOCATION}", json.dumps(day1), content_type=JSON)
    monitor = Monitor(
        tmp_path,
        config_yaml(
            f"""  - name: harrow-cqc
    kind: cqc
    base_url: {base}
    api_base_url: {base}/api
    locations: ["{CQC_LOCATION}"]
"""
        ),
    )
    env = {API_KEY_ENV: "scenario-key"}
    code, out, err = monitor.run("run", env=env)
    assert code == 0, out + err
    good = {"overall": "good", **{q: "good" for q in CQC_QUESTIONS}}
    assert {d["key"]: d["meta"].get("ratings") for d in monitor.documents()} == {R_2021: good}

    day2 = cqc_location(
        [(R_2025, "2025-06-04", "2025-04-10"), (R_2021, "2021-03-09", "2021-01-26")],
        (R_2025, "Requires Improvement", RI),
        [],
    )
    server.add(f"/api/locations/{CQC_LOCATION}", json.dumps(day2), content_type=JSON)
    for _ in range(2):  # the day the new report comes, and a quiet pass after it
        code, out, err = monitor.run("run", env=env)
        assert code == 0, out + err
        docs = {d["key"]: d["meta"].get("ratings") for d in monitor.documents()}
        assert docs == {
            R_2021: good,
            R_2025: {**good, "overall": "requires improvement", "safe": "requires improvement"},
        }
    changes = {
        e["details"]["field"]: (e["details"]["from"], e["details"]["to"])
        for e in monitor.events()
        if e["type"] == "rating_change"
    }
    assert changes == {"overall": ("good", "requires improvement"), "safe": ("good", "requires improvement")}
