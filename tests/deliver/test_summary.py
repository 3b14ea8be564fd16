"""The verdict sentence and the rules of what is quoted, one case at a time.

Facts come from events shaped as `monitor events --json` gives them; one case reads a real
2026-framework Ofsted report (no overall grade) through the real reader.
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import date

import pytest

from monitor.cli import main
from monitor.deliver.labels import short_council
from monitor.deliver.quotes import Said, is_table_row, prose_quotes
from monitor.deliver.summary import Facts, facts_of, short_subject, summary_of, verdict_sentence


def event(source_kind: str, title: str, meta: dict, *, type_: str = "new_document", published: str | None = None, **details) -> dict:
    return {
        "id": 1, "type": type_, "severity": "urgent", "source": "a-source", "source_kind": source_kind, "document_key": "k",
        "title": title, "url": "https://example.org/k", "created_at": "2025-03-04T07:00:00+00:00",
        "details": {"kind": details.pop("kind", ""), "published": published, "meta": meta, **details},
    }


def decision(outcome: str, kind: str = "lgsco") -> str:
    meta = {"authority": "London Borough of Harrow", "reference": "24 012 792", "decision": outcome}
    return summary_of([event(kind, f"London Borough of Harrow (24 012 792): {outcome}", meta, published="2025-07-28")])


@pytest.mark.parametrize(
    "outcome,sentence",
    [
        ("Upheld", "The Ombudsman upheld a complaint against Harrow (24 012 792), decided 28 July 2025."),
        ("Not upheld", "The Ombudsman did not uphold a complaint against Harrow (24 012 792), decided 28 July 2025."),
        (
            "Closed after initial enquiries",
            "The Ombudsman closed a complaint against Harrow (24 012 792) after initial enquiries, decided 28 July 2025.",
        ),
        (
            "Upheld: maladministration, no injustice",
            "The Ombudsman upheld a complaint against Harrow (24 012 792), finding maladministration, no injustice, "
            "decided 28 July 2025.",
        ),
        ("Report issued", "The Ombudsman issued a public report on a complaint against Harrow (24 012 792), decided 28 July 2025."),
    ],
)
def test_an_ombudsman_decision_in_words(outcome, sentence):
    assert decision(outcome) == sentence


def test_a_housing_ombudsman_finding_in_words():
    assert decision("Severe maladministration", "housing_ombudsman") == (
        "The Housing Ombudsman found severe maladministration in a complaint against Harrow (24 012 792), decided 28 July 2025."
    )


def test_a_decision_names_the_complaint_from_its_summary():
    meta = {
        "authority": "London Borough of Harrow", "reference": "24 012 792", "decision": "Upheld",
        "summary": "Miss Y complains the Council did not investigate. We find fault. The Council will pay £500.",
    }
    assert summary_of([event("lgsco", "London Borough of Harrow (24 012 792): Upheld", meta, published="2025-07-28")]) == (
        "The Ombudsman upheld a complaint against Harrow (24 012 792), decided 28 July 2025: "
        "Miss Y complains the Council did not investigate."
    )


def test_a_letter_without_grades_names_the_publisher_the_kind_the_council_and_the_date():
    visit = event(
        "ofsted", "London Borough of Harrow: Children's services focused visit", {"provider": "London Borough of Harrow"},
        published="2023-12-08", kind="focused visit",
    )
    assert summary_of([visit]) == "Ofsted published Harrow's children's services focused visit on 8 December 2023."
    facts = facts_of([visit])
    assert short_subject(facts) == "Harrow: Ofsted published a children's services focused visit"


def test_a_graded_report_leads_with_its_overall_grade_and_what_it_was():
    report = event(
        "ofsted", "London Borough of Harrow: Children's services inspection",
        {"provider": "London Borough of Harrow", "judgements": {"care_leavers": "Inadequate", "overall": "Inadequate"}},
        published="2025-03-04",
    )
    change = {**report, "id": 2, "type": "rating_change",
              "details": {"field": "overall", "from": "good", "to": "inadequate", "direction": "worse", "from_published": "2020-03-16"}}
    assert summary_of([report, change]) == (
        "Ofsted judged Harrow's children's services inadequate overall (good in 2020), published 4 March 2025."
    )
    assert short_subject(facts_of([report, change])) == "Harrow: Ofsted judged children's services inadequate (was good)"


def test_a_2026_report_without_an_overall_grade_leads_with_its_worst_judgements(shared_fixtures):
    pdf = shared_fixtures / "ofsted" / "reports-2026" / "ilacs-2026-80573-trafford.pdf"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["extract", str(pdf), "--kind", "ofsted", "--json"]) == 0
    meta = json.loads(out.getvalue())["meta"]
    assert "overall" not in meta["judgements"]
    report = event("ofsted", "Trafford Council: Children's services inspection", {"provider": "Trafford Council", **meta}, published="2026-08-03")
    assert summary_of([report]) == (
        "Ofsted judged Trafford's children's services inadequate for impact of leaders and for help and protection, "
        "published 3 August 2026."
    )


def test_a_changed_report_says_which_grade_moved():
    reissued = event(
        "ofsted", "London Borough of Harrow: Children's services inspection",
        {"provider": "London Borough of Harrow", "judgements": {"care_leavers": "inadequate", "overall": "good"}},
        type_="changed", published="2022-03-04", summary="2 sentences added, 2 removed",
    )
    change = {**reissued, "id": 2, "type": "rating_change",
              "details": {"field": "care_leavers", "from": "good", "to": "inadequate", "direction": "worse"}}
    assert summary_of([reissued, change]) == (
        "Ofsted changed Harrow's children's services inspection, first published 4 March 2022: "
        "care leavers now inadequate (was good)."
    )
    assert "Changed:" not in summary_of([reissued, change])


@pytest.mark.parametrize(
    "name,short",
    [
        ("London Borough of Harrow", "Harrow"),
        ("Harrow Council", "Harrow"),
        ("Royal Borough of Kingston upon Thames", "Kingston upon Thames"),
        ("Cheshire East Council", "Cheshire East"),
        ("Barnsley Metropolitan Borough Council", "Barnsley"),
        ("Elmgrove House", "Elmgrove House"),
        ("Cabinet", "Cabinet"),
    ],
)
def test_councils_are_named_as_people_name_them(name, short):
    assert short_council(name) == short


# -- what is quoted -------------------------------------------------------------------------------

GRADED = Facts(
    kind="ofsted",
    verdicts={"impact_of_leaders": "Inadequate", "care_leavers": "Inadequate", "overall": "Inadequate"},
    sources={"overall": {"page": 1, "text": "Overall effectiveness Inadequate"}},
)


@pytest.mark.parametrize(
    "text",
    [
        "The experiences and progress of care leavers Inadequate",
        "Overall effectiveness Inadequate",
        "The impact of leaders on social work Inadequate practice with children and families The experiences and "
        "progress of Inadequate children who need help and protection",
        "The experiences and progress of care Inadequate leavers",
        "Care leavers Inadequate",
    ],
)
def test_rows_of_the_grade_table_are_not_quoted(text):
    assert is_table_row(text, GRADED)
    assert prose_quotes([{"text": text, "page": 1}], GRADED) == []


@pytest.mark.parametrize(
    "text",
    [
        "Support for care leavers, which is currently inadequate.",
        "Leaders have not acted on known risks and management oversight is inadequate.",
        "Inadequate support for care leavers has left too many without a home.",
    ],
)
def test_prose_is_quoted(text):
    assert not is_table_row(text, GRADED)


def test_a_sentence_is_said_once_however_it_is_worded():
    said = Said()
    said.add("The Ombudsman upheld a complaint against Harrow, decided 28 July 2025: Miss Y complains the Council did not investigate.")
    kept = said.keep(
        [
            {"text": "I found fault causing injustice to Miss Y.", "page": 1},
            {"text": "The Council will pay Miss Y £500 and remind staff of the protocols.", "page": 1},
            {"text": "The Council has agreed to pay Miss Y £500 and to remind staff of the protocols.", "page": 1},
            {"text": "I found fault causing injustice to Miss Y. The Council has agreed to pay Miss Y £500.", "page": 1},
            {"text": "Miss Y complains the Council did not investigate.", "page": 1},
        ]
    )
    assert [q["text"] for q in kept] == [
        "I found fault causing injustice to Miss Y.",
        "The Council will pay Miss Y £500 and remind staff of the protocols.",
    ]


def test_verdict_sentence_takes_the_kinds_profile():
    facts = Facts(kind="cqc", about="Elmgrove House", council="Elmgrove House", title="Elmgrove House: CQC inspection report (2 July 2025)",
                  published=date(2025, 7, 2), verdicts={"overall": "Inadequate", "safe": "Inadequate"}, announced="new_document")
    assert verdict_sentence(facts) == "The CQC judged Elmgrove House inadequate overall, published 2 July 2025."
