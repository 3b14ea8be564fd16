"""Two days of a CQC location through the real `monitor run`: the real local server playing the
CQC API, real PDFs and HTML, a real SQLite file and a real SMTP server.

Day 1 the location has an old-style inspection report rated Good. Day 2 it has been assessed
under the single assessment framework: the API's record (shaped as the 2025 portal schema and
the live observations in evidence-2026/api/) keeps the old report, empties currentRatings.overall
and carries the new rating only in assessment[]. The assessment must become one new document with
its ratings, and the ratings that got worse urgent rating_change events, mailed once."""

from __future__ import annotations

import json

import pytest
from harness import Monitor
from scenario_sites import (
    CQC_LOCATION,
    CQC_QUESTIONS,
    MailCatcher,
    config_yaml,
    cqc_location,
    cqc_ratings_text,
    make_pdf,
)

PDF = "application/pdf"
JSON = "application/json; charset=utf-8"
R_2021 = "0c7d9e31-8f2a-4b6c-a1d3-5e9f22b4c002"
PLAN = "LAP-7319"
GOOD = dict.fromkeys(CQC_QUESTIONS, "Good")
ASSESSED = {
    "safe": "Inadequate",
    "effective": "Requires Improvement",
    "caring": "Good",
    "responsive": "Good",
    "well-led": "Requires Improvement",
}


@pytest.fixture
def mail():
    catcher = MailCatcher().start()
    yield catcher
    catcher.stop()


def day2_record() -> dict:
    record = cqc_location(
        [(R_2021, "2021-03-09", "2021-01-26")], (R_2021, "Good", GOOD), [(R_2021, "Good", GOOD)]
    )
    # as live users see it after a SAF assessment: no current overall, the old rating stale
    record["currentRatings"] = {
        "overall": None,
        "serviceRatings": [{"name": "Care home", "rating": "Good", "reportLinkId": R_2021}],
    }
    record["assessment"] = [
        {
            "assessmentPlanPublishedDateTime": "2025-06-12 09:30:00",
            "ratings": {
                "asgRatings": [
                    {
                        "assessmentPlanId": PLAN,
                        "title": "Elmgrove House",
                        "assessmentDate": "2025-04-30",
                        "assessmentPlanStatus": "Active",
                        "name": "Residential social care",
                        "rating": "Requires Improvement",
                        "status": "Current",
                        "keyQuestionRatings": [
                            {
                                "name": q.capitalize() if q != "well-led" else "Well-led",
                                "rating": r,
                                "percentageScore": "50",
                            }
                            for q, r in ASSESSED.items()
                        ],
                    }
                ]
            },
        }
    ]
    return record


def test_a_saf_assessment_is_a_new_document_and_a_rating_change(server, mail, tmp_path):
    base = server.url
    server.add(
        f"/api/reports/{R_2021}",
        make_pdf(
            [
                "Elmgrove House\nInspection report\nDate of publication:\n9 March 2021\n"
                + cqc_ratings_text("Good", GOOD)
            ]
        ),
        content_type=PDF,
    )
    server.add(
        f"/location/{CQC_LOCATION}/reports/{PLAN}/overall",
        "<html><body><main><h1>Elmgrove House</h1><p>Assessment report, published 12 June 2025</p>"
        "<p>We found that people were not always kept safe from avoidable harm.</p></main></body></html>",
    )
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
""",
            mail.port,
        ),
    )
    env = {"MONITOR_CQC_API_KEY": "scenario-key"}

    code, out, err = monitor.run("run", env=env)
    assert code == 0, out + err
    day1_events = monitor.events()
    assert [(e["type"], e["document_key"], e["details"].get("baseline")) for e in day1_events] == [
        ("new_document", R_2021, True)
    ]
    assert mail.messages == []

    server.add(f"/api/locations/{CQC_LOCATION}", json.dumps(day2_record()), content_type=JSON)
    code, out, err = monitor.run("run", env=env)
    assert code == 0, out + err
    today = monitor.events()[len(day1_events) :]
    assert {e["document_key"] for e in today} == {PLAN}

    (new,) = [e for e in today if e["type"] == "new_document"]
    assert new["details"]["baseline"] is False
    assert new["title"] == "Elmgrove House: CQC assessment report (12 June 2025)"
    assert new["url"] == f"{base}/location/{CQC_LOCATION}/reports/{PLAN}/overall"
    assert new["details"]["published"] == "2025-06-12"
    assert new["details"]["kind"] == "assessment report"
    meta = new["details"]["meta"]
    assert meta["location_id"] == CQC_LOCATION
    assert meta["assessment_plan_id"] == PLAN
    assert meta["report_date"] == "2025-06-12"
    assert meta["ratings"] == {
        "overall": "requires improvement",
        "safe": "inadequate",
        "effective": "requires improvement",
        "caring": "good",
        "responsive": "good",
        "well-led": "requires improvement",
    }

    changes = {e["details"]["field"]: e for e in today if e["type"] == "rating_change"}
    assert {f: (e["details"]["from"], e["details"]["to"]) for f, e in changes.items()} == {
        "overall": ("good", "requires improvement"),
        "safe": ("good", "inadequate"),
        "effective": ("good", "requires improvement"),
        "well-led": ("good", "requires improvement"),
    }
    assert all((e["severity"], e["details"]["direction"]) == ("urgent", "worse") for e in changes.values())

    # the urgent events went out in one email naming the assessment
    assert len(mail.messages) == 1
    raw = mail.messages[0]["data"].decode("utf-8", "replace")
    assert "Elmgrove House" in raw
    docs = {d["key"]: d for d in monitor.documents()}
    assert set(docs) == {R_2021, PLAN}
    assert docs[PLAN]["meta"]["ratings"]["overall"] == "requires improvement"
    assert docs[R_2021]["meta"]["ratings"]["overall"] == "good"

    # a further pass: nothing new, nothing sent again
    code, out, err = monitor.run("run", env=env)
    assert code == 0, out + err
    assert len(monitor.events()) == len(day1_events) + len(today)
    assert len(mail.messages) == 1
