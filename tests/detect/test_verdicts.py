"""Grades and outcomes: reading them from meta, comparing, direction and severity."""

from __future__ import annotations

from monitor.detect.verdicts import (
    Change,
    compare,
    field_label,
    format_change,
    headline_verdict,
    rank,
    severity_of,
    verdict_of,
)
from monitor.sources import profile_of

OFSTED, CQC, LGSCO, HOUSING = (profile_of(k) for k in ("ofsted", "cqc", "lgsco", "housing_ombudsman"))


def test_rank_order_ofsted_cqc():
    assert rank("Outstanding", OFSTED.scale) > rank("Good", OFSTED.scale) > rank("Requires improvement to be good", OFSTED.scale) > rank("Inadequate", OFSTED.scale)
    assert rank("requires improvement", OFSTED.scale) == rank("Requires improvement to be good", OFSTED.scale)
    assert rank("  GOOD ", OFSTED.scale) == rank("Good", OFSTED.scale)
    assert rank("Sparkly", OFSTED.scale) is None
    assert rank(None, OFSTED.scale) is None


def test_rank_cqc_scores_and_lgsco_outcomes():
    assert rank("2 - Evidence shows some shortfalls") == 2
    assert rank("Score: 3") == 3
    assert rank("Not upheld", LGSCO.scale) > rank("Upheld", LGSCO.scale)
    assert rank("Closed after initial enquiries", LGSCO.scale) > rank("Upheld", LGSCO.scale)
    assert rank("Upheld: maladministration and injustice", LGSCO.scale) == rank("Upheld", LGSCO.scale)
    assert rank("Upheld: maladministration, no injustice", LGSCO.scale) > rank("Upheld: maladministration and injustice", LGSCO.scale)
    assert rank("Report issued: maladministration and injustice", LGSCO.scale) < rank("Upheld", LGSCO.scale)


def test_verdict_of_each_kind():
    ofsted = {
        "judgements": {"overall": "Inadequate", "care_leavers": "Inadequate", "help_and_protection": "Good"},
        "provider": "London Borough of Harrow",
    }
    assert verdict_of(profile_of("ofsted"), ofsted) == {
        "overall": "Inadequate",
        "care_leavers": "Inadequate",
        "help_and_protection": "Good",
    }
    cqc = {"ratings": {"overall": {"rating": "Requires improvement"}, "safe": "Good", "bad": None}}
    assert verdict_of(profile_of("cqc"), cqc) == {"overall": "Requires improvement", "safe": "Good"}
    rows = {"judgements": [{"name": "Overall effectiveness", "grade": "Good"}, {"name": "x"}]}
    assert verdict_of(profile_of("ofsted"), rows) == {"Overall effectiveness": "Good"}
    assert verdict_of(profile_of("lgsco"), {"decision": "Upheld", "reference": "22 016 751"}) == {"decision": "Upheld"}
    assert verdict_of(profile_of("lgsco"), {}) == {}
    assert verdict_of(profile_of("moderngov"), {"committee": "Cabinet", "judgements": {"overall": "Good"}}) == {}
    assert verdict_of(profile_of("ofsted"), None) == {}


def test_compare_directions():
    before = {"overall": "Good", "care_leavers": "Good", "in_care": "Requires improvement", "x": "Sparkly"}
    after = {"overall": "Inadequate", "care_leavers": "Outstanding", "in_care": "Requires improvement to be good",
             "x": "Shiny", "new_row": "Good"}
    changes = compare(before, after, OFSTED)
    assert changes == [
        Change(field="overall", from_="Good", to="Inadequate", direction="worse"),
        Change(field="care_leavers", from_="Good", to="Outstanding", direction="better"),
        Change(field="x", from_="Sparkly", to="Shiny", direction="unknown"),
    ]
    assert [c.severity for c in changes] == ["urgent", "normal", "normal"]
    assert changes[0].to_dict() == {"field": "overall", "from": "Good", "to": "Inadequate", "direction": "worse"}
    assert compare({"decision": "Not upheld"}, {"decision": "Upheld"}, LGSCO)[0].direction == "worse"
    assert compare({"overall": "good"}, {"overall": "Good"}, OFSTED) == []
    assert compare({}, {"overall": "Good"}, OFSTED) == []


def test_severity_and_format():
    assert severity_of("worse") == "urgent"
    assert severity_of("better") == "normal"
    assert severity_of("unknown") == "normal"
    assert format_change(Change("overall", "good", "inadequate", "worse")) == "Good -> Inadequate"
    assert format_change({"field": "overall", "from": "Good", "to": "Requires improvement"}) == (
        "Good -> Requires improvement"
    )
    assert field_label("care_leavers") == "Care leavers"


def test_headline_verdict():
    assert headline_verdict({"care_leavers": "Inadequate", "overall": "Good"}, OFSTED) == ("overall", "Good")
    assert headline_verdict({"a": "Good", "b": "Inadequate", "c": "Requires improvement"}, OFSTED) == ("b", "Inadequate")
    assert headline_verdict({}) is None


def test_housing_ombudsman_findings_rank_worst_last_and_compare_like_the_ombudsman():
    from monitor.detect.verdicts import compare, rank, verdict_of

    order = ["No maladministration", "Reasonable redress", "Service failure", "Maladministration", "Severe maladministration"]
    ranks = [rank(v, HOUSING.scale) for v in order]
    assert ranks == [4, 4, 3, 2, 1]
    assert verdict_of(profile_of("housing_ombudsman"), {"decision": "Severe maladministration"}) == {"decision": "Severe maladministration"}
    (change,) = compare({"decision": "Service failure"}, {"decision": "Severe maladministration"}, HOUSING)
    assert change.direction == "worse"


def test_no_maladministration_is_not_an_urgent_maladministration_match():
    from monitor.detect.phrases import DEFAULT_PHRASES, find_phrases

    matches = find_phrases(["The Ombudsman found no maladministration by the landlord."], DEFAULT_PHRASES)
    assert [m.phrase for m in matches if m.phrase == "maladministration"] == []
    matches = find_phrases(["There was severe maladministration by the landlord."], DEFAULT_PHRASES)
    assert [m.phrase for m in matches] == ["maladministration"]
