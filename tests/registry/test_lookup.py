"""Finding a council from what a person types."""

from __future__ import annotations

import pytest

from monitor.registry import CouncilNotFound, find, search


@pytest.mark.parametrize(
    "text",
    ["Harrow", "London Borough of Harrow", "HRW", "hrw", "E09000015", "310", "harrow council", "london-borough-of-harrow",
     "  Harrow  "],
)
def test_every_spelling_of_harrow(text):
    assert find(text).code == "HRW"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Kent", "KEN"),
        ("Kent County Council", "KEN"),
        ("Liverpool", "LIV"),
        ("Westmorland & Furness", "WAF"),
        ("Kingston upon Hull, City of", "KHL"),
        ("King's Lynn and West Norfolk", "KIN"),
        ("Wirral Metropolitan Borough Council", "WRL"),  # the Ombudsman's spelling
        ("E06000064", "WAF"),
        ("943", "WAF"),
        ("Council of the Isles of Scilly", "IOS"),
    ],
)
def test_other_councils(text, code):
    assert find(text).code == code


def test_an_ambiguous_name_lists_the_councils_it_could_be():
    with pytest.raises(CouncilNotFound) as caught:
        find("Kingston")
    assert {c.code for c in caught.value.matches} == {"KHL", "KTT"}
    assert "Kingston upon Thames (KTT)" in str(caught.value)


def test_an_unknown_name_lists_the_closest():
    with pytest.raises(CouncilNotFound) as caught:
        find("Harow")
    assert caught.value.matches[0].code == "HRW"
    assert not caught.value.ambiguous
    with pytest.raises(CouncilNotFound):
        find("Greater London Authority")  # not a council
    with pytest.raises(CouncilNotFound):
        find("Northamptonshire")  # abolished in 2021: its two successors are named instead
    with pytest.raises(CouncilNotFound) as caught:
        find("Northamptonshire")
    assert {"NNT", "WNT"} <= {c.code for c in caught.value.matches}


def test_search_by_part_of_a_name_a_code_or_a_region():
    assert [c.code for c in search("harrow")] == ["HRW"]
    assert {c.code for c in search("northamptonshire")} == {"NNT", "WNT"}
    assert len(search("London")) >= 33
    assert [c.code for c in search("E09000015")] == ["HRW"]
