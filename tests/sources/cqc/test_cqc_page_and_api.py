"""Issue 17: the CQC API's structured ratings stand; an assessment page that states only the
overall rating neither replaces the key questions nor disagrees silently.

Unit tests of the reconciliation (monitor.sources.cqc.source.reconcile_ratings), then the real
`monitor run` against the real local server playing the CQC API and the assessment page, a real
SQLite file: the page states the same overall rating (nothing changes, no warning), or another
one (the API's ratings are kept, an urgent-kind source_broken names both values and both URLs).
"""

from __future__ import annotations

import json

import pytest
from harness import Monitor
from scenario_sites import CQC_LOCATION, config_yaml

from monitor.sources.cqc.source import CqcSource, reconcile_ratings

JSON = "application/json; charset=utf-8"
PLAN = "LAP-8802"
API = "https://api.service.cqc.org.uk/public/v1/locations/1-4000000001"
PAGE = "https://www.cqc.org.uk/location/1-4000000001/reports/LAP-8802/overall"
ASSESSED = {
    "overall": "requires improvement",
    "safe": "inadequate",
    "effective": "requires improvement",
    "caring": "good",
    "responsive": "good",
    "well-led": "inadequate",
}
QUESTIONS = ["Safe", "Effective", "Caring", "Responsive", "Well-led"]


def api_sources(url: str) -> dict[str, dict[str, str]]:
    fields = {"overall": "rating"} | {
        q.lower(): f"keyQuestionRatings[{i}].rating" for i, q in enumerate(QUESTIONS)
    }
    return {
        name: {"url": url, "field": f"assessment[0].ratings.asgRatings[0].{field}"} for name, field in fields.items()
    }


# -- the reconciliation -----------------------------------------------------------------------


def test_a_page_stating_the_same_overall_changes_nothing():
    stored = {"ratings": dict(ASSESSED), "verdict_sources": api_sources(API)}
    read = CqcSource.read_meta(["Roxeth Lodge\nOverall rating: Requires improvement\nWe found people were not safe."])
    assert read == {
        "ratings": {"overall": "requires improvement"},
        "verdict_sources": {"overall": {"page": 1, "text": "Overall rating: Requires improvement"}},
    }
    assert reconcile_ratings(stored, read, PAGE) == {
        "ratings": ASSESSED,
        "verdict_sources": api_sources(API),
    }


def test_a_page_stating_another_overall_is_a_read_warning_naming_both():
    stored = {"ratings": dict(ASSESSED), "verdict_sources": api_sources(API)}
    read = CqcSource.read_meta(["Roxeth Lodge\nOverall rating: Good"])
    merged = reconcile_ratings(stored, read, PAGE)
    assert merged == {
        "ratings": ASSESSED,
        "verdict_sources": api_sources(API),
        "read_warning": (
            "the document and the listing disagree: overall: "
            f"{API} (assessment[0].ratings.asgRatings[0].rating) gives 'requires improvement' but the "
            f"document {PAGE} states 'good' on page 1 ('Overall rating: Good'); 'requires improvement' is kept"
        ),
    }


def test_a_rating_the_listing_did_not_give_is_taken_from_the_document_with_its_page():
    stored = {"ratings": {"overall": "good"}, "verdict_sources": {"overall": {"url": API, "field": "currentRatings.overall.rating"}}}
    read = CqcSource.read_meta(["cover", "Overall rating for this service Good\nIs the service safe? Inadequate"])
    assert reconcile_ratings(stored, read, PAGE) == {
        "ratings": {"overall": "good", "safe": "inadequate"},
        "verdict_sources": {
            "overall": {"url": API, "field": "currentRatings.overall.rating"},
            "safe": {"page": 2, "text": "Is the service safe? Inadequate"},
        },
    }


def test_an_earlier_reading_of_the_document_is_replaced_by_the_new_one():
    """A re-issued report speaks for itself: its earlier reading is no second road."""
    stored = {"ratings": {"overall": "good"}, "verdict_sources": {"overall": {"page": 1, "text": "Overall rating: Good"}}}
    read = CqcSource.read_meta(["Overall rating: Inadequate"])
    assert reconcile_ratings(stored, read, PAGE) == {
        "ratings": {"overall": "inadequate"},
        "verdict_sources": {"overall": {"page": 1, "text": "Overall rating: Inadequate"}},
    }


def test_a_local_authority_score_the_page_contradicts_is_a_read_warning():
    assessment = "https://www.cqc.org.uk/care-services/local-authority-assessment-reports/harrow-0824"
    stored = {
        "ratings": {"overall": "requires improvement"},
        "quality_statements": {"safeguarding": 2},
        "verdict_sources": {
            "overall": {"url": assessment, "text": "Overall rating Requires improvement"},
            "safeguarding": {"url": assessment, "text": "- Safeguarding - 2"},
        },
    }
    read = CqcSource.read_meta(["Overall rating Requires improvement\n- Safeguarding - 3"])
    merged = reconcile_ratings(stored, read, assessment)
    assert merged["ratings"] == {"overall": "requires improvement"}
    assert merged["quality_statements"] == {"safeguarding": 2}
    assert merged["verdict_sources"] == stored["verdict_sources"]
    assert merged["read_warning"] == (
        f"the document and the listing disagree: safeguarding: {assessment} (- Safeguarding - 2) gives 2 but "
        f"the document {assessment} states 3 on page 1 ('- Safeguarding - 3'); 2 is kept"
    )


# -- through `monitor run` ---------------------------------------------------------------------


def record(plan: str = PLAN) -> dict:
    """A location record after a single-assessment-framework assessment (the shape of
    tests/sources/cqc/fixtures/location_saf_api.json): no report, the ratings only in assessment[]."""
    shown = {"Safe": "Inadequate", "Effective": "Requires Improvement", "Caring": "Good", "Responsive": "Good",
             "Well-led": "Inadequate"}
    return {
        "locationId": CQC_LOCATION,
        "providerId": "1-4000000100",
        "name": "Elmgrove House",
        "localAuthority": "Harrow",
        "gacServiceTypes": [{"name": "Homecare agencies", "description": "Domiciliary care service"}],
        "reports": [],
        "currentRatings": {},
        "assessment": [
            {
                "assessmentPlanPublishedDateTime": "2025-06-12 09:30:00",
                "ratings": {
                    "asgRatings": [
                        {
                            "assessmentPlanId": plan,
                            "title": "Elmgrove House",
                            "assessmentDate": "2025-04-30",
                            "assessmentPlanStatus": "Active",
                            "name": "Homecare agencies",
                            "rating": "Requires Improvement",
                            "status": "Current",
                            "keyQuestionRatings": [
                                {"name": q, "rating": shown[q], "status": "Current"} for q in QUESTIONS
                            ],
                        }
                    ]
                },
            }
        ],
    }


def assessment_page(overall: str) -> str:
    """The assessment's public page stating only the overall rating, as SAF pages open."""
    return (
        "<html><body><main><h1>Elmgrove House</h1><p>Assessment report, published 12 June 2025</p>"
        f"<h2>Overall rating</h2><p>Overall rating: {overall}</p>"
        "<p>We found that people were not always kept safe from avoidable harm.</p></main></body></html>"
    )


@pytest.mark.parametrize("overall", ["Requires improvement", "Good"])
def test_monitor_run_keeps_the_api_ratings_beside_a_page_stating_only_overall(server, tmp_path, overall):
    base = server.url
    api = f"{base}/api/locations/{CQC_LOCATION}"
    page = f"{base}/location/{CQC_LOCATION}/reports/{PLAN}/overall"
    # day 1: the location is registered but not yet assessed (a quiet baseline of nothing)
    server.add(f"/api/locations/{CQC_LOCATION}", json.dumps({**record(), "assessment": []}), content_type=JSON)
    server.add(f"/location/{CQC_LOCATION}/reports/{PLAN}/overall", assessment_page(overall))
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
    env = {"MONITOR_CQC_API_KEY": "scenario-key"}
    code, out, err = monitor.run("run", env=env)
    assert code == 0, out + err
    assert monitor.documents() == [] and monitor.events() == []
    # day 2: the assessment is published
    server.add(f"/api/locations/{CQC_LOCATION}", json.dumps(record()), content_type=JSON)
    code, out, err = monitor.run("run", env=env)
    assert code == 0, out + err

    (doc,) = monitor.documents()
    assert doc["key"] == PLAN
    meta = doc["meta"]
    # the key questions are the API's, every one with the API field it came from
    assert meta["ratings"] == ASSESSED
    assert meta["verdict_sources"] == api_sources(api)
    events = monitor.events()
    (new,) = [e for e in events if e["type"] == "new_document"]
    assert new["details"]["baseline"] is False
    assert new["details"]["meta"]["ratings"] == ASSESSED
    # no rating moved: there was no earlier verdict about this location
    assert [e for e in events if e["type"] == "rating_change"] == []
    broken = [e for e in events if e["type"] == "source_broken"]
    if overall == "Requires improvement":
        assert "read_warning" not in meta
        assert broken == []
        return
    warning = (
        f"the document and the listing disagree: overall: {api} (assessment[0].ratings.asgRatings[0].rating) "
        f"gives 'requires improvement' but the document {page} states 'good' on page 1 "
        "('Overall rating: Good'); 'requires improvement' is kept"
    )
    assert meta["read_warning"] == warning
    (alarm,) = broken
    assert alarm["document_key"] == PLAN
    assert alarm["details"]["read_warning"] == warning
    assert alarm["details"]["error"] == f"{page}: {warning}"
    assert alarm["severity"] == "urgent"
    assert "could not fully read Elmgrove House: CQC assessment report (12 June 2025)" in alarm["summary"]
