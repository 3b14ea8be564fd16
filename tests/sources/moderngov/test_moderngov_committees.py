"""A ModernGov site's committee list (GetCommittees) and the committees a group follows."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.sources.moderngov.committees import NotACommitteeList, followed, parse_committees

FIXTURES = Path(__file__).parent / "fixtures"


def test_every_committee_with_whether_it_is_current():
    committees = parse_committees((FIXTURES / "GetCommittees_liverpool.xml").read_bytes())
    assert len(committees) == 11
    assert [c.id for c in committees if not c.current] == [109]
    assert committees[0].title == "Cabinet"


def test_the_followed_committees_by_title_in_order():
    picked = followed(parse_committees((FIXTURES / "GetCommittees_liverpool.xml").read_bytes()))
    assert [(what, c.id) for what, c in picked] == [
        ("full council", 102),
        ("cabinet", 101),
        ("scrutiny", 104),
        ("scrutiny", 111),
        ("children's services", 106),
        ("health", 105),
        ("audit", 103),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"<html><body><p>gone<br></body></html>", "not XML"), (b"<getmeetings/>", "not a <committees> list"),
     (b"<committees><committee><committeeid>x</committeeid></committee></committees>", "no numeric")],
)
def test_anything_else_is_not_a_committee_list(body, message):
    with pytest.raises(NotACommitteeList, match=message):
        parse_committees(body)


def test_contract_real_manchester_answer(shared_fixtures):
    real = shared_fixtures / "moderngov" / "webservice" / "lgsf_manchester_GetCommittees_committees.xml"
    committees = parse_committees(real.read_bytes())
    assert [(c.id, c.title, c.current) for c in committees] == [
        (312, "Appointment Sub Committee for Director of Adult Social Services", False),
        (163, "Art Galleries Committee", True),
        (144, "Audit Committee", True),
    ]
    assert [(what, c.id) for what, c in followed(committees)] == [("audit", 144)]
