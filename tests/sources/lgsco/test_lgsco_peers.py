"""Peer context for the Ombudsman: a council's upheld rate beside similar councils' and its
statistical neighbours', from a file shaped like the Ombudsman's yearly "complaints decided"
CSV (fixtures/complaints_decided_2024-25.csv: title rows above the header, one row per
organisation, a count per outcome)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.errors import ListingBrokenError
from monitor.sources import profile_of, source_class
from monitor.sources.base import SourceContext
from monitor.sources.lgsco.peers import context_sentence
from monitor.sources.lgsco.peers_source import STATISTICS_PATH, LgscoPeersSource

FIXTURES = Path(__file__).parent / "fixtures"
FILE = "/assets/attach/6971/2-Complaints-Decided-24-25.csv"
SENTENCE = (
    "In 2024-25 the Ombudsman upheld 75% of the 24 complaints about Harrow it investigated; across London "
    "boroughs it upheld 69%, and across 9 of Harrow's 10 statistical neighbours with figures 65% (the "
    "Ombudsman's statistics of complaints decided, 2024-25)."
)


def make_source(server, http, council: str = "HRW", **keys) -> LgscoPeersSource:
    return LgscoPeersSource(
        LgscoPeersSource.Settings(**keys), SourceContext(name="ombudsman-national-context", base_url=server.url, http=http, council=council)
    )


def serve(server, csv: bytes | None = None) -> None:
    server.add(STATISTICS_PATH, (FIXTURES / "annual_review_reports.html").read_text(encoding="utf-8"))
    server.add(FILE, csv or (FIXTURES / "complaints_decided_2024-25.csv").read_bytes(), content_type="text/csv")


def test_registered_as_a_peer_context_source_for_the_ombudsman():
    cls = source_class("lgsco_peers")
    assert cls is LgscoPeersSource
    assert (cls.context_source, cls.cross_check) == (True, False)
    assert profile_of("lgsco_peers").context_for == "lgsco"
    assert profile_of("lgsco").peer_fields == ("decision",)
    with pytest.raises(ValueError, match="needs `council:`"):
        LgscoPeersSource.Settings().fill_from_council(None)


def test_the_councils_rate_beside_similar_councils_and_its_neighbours(server, http):
    serve(server)
    context = make_source(server, http).peer_context()
    assert context["publisher"] == "lgsco" and context["field"] == "decision"
    assert context["url"] == f"{server.url}{FILE}"
    assert context["year"] == "2024-25"
    assert (context["upheld"], context["investigated"], context["rate"]) == (18, 24, 75.0)
    # the care provider and the fire authority are not councils: left out
    assert context["councils"] == 17
    assert context["similar"] == {"label": "London boroughs", "councils": 10, "upheld": 152, "investigated": 219, "rate": 69.4}
    assert context["peers"] == {
        "label": "Harrow's 10 statistical neighbours", "of": 10, "councils": 9, "upheld": 97, "investigated": 149, "rate": 65.1,
    }
    assert context_sentence(context) == SENTENCE
    assert profile_of("lgsco").call("peer_sentence", context) == SENTENCE


def test_a_district_is_compared_with_districts_of_its_region(server, http):
    serve(server)
    context = make_source(server, http, council="SHO").peer_context()
    assert context["similar"]["label"] == "district councils" and context["similar"]["rate"] == 65.2
    assert context["peers"] == {
        "label": "district councils in East Midlands", "of": 2, "councils": 2, "upheld": 10, "investigated": 14, "rate": 71.4,
    }
    assert context_sentence(context) == (
        "In 2024-25 the Ombudsman upheld 60% of the 5 complaints about South Holland it investigated; across district "
        "councils it upheld 65%, and across district councils in East Midlands 71% (the Ombudsman's statistics of "
        "complaints decided, 2024-25)."
    )


def test_a_file_without_the_council_is_broken(server, http):
    serve(server)
    with pytest.raises(ListingBrokenError, match="does not name Liverpool City Council"):
        make_source(server, http, council="LIV").peer_context()


def test_a_page_without_the_file_is_broken(server, http):
    server.add(STATISTICS_PATH, "<html><body><a href='/assets/attach/1/Review.pdf'>Review</a></body></html>")
    with pytest.raises(ListingBrokenError, match="expected a link to the Ombudsman's CSV of complaints decided"):
        make_source(server, http).peer_context()


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        (b"Organisation,Decided\nLondon Borough of Harrow,3\n", "expected a header row naming name, upheld, not_upheld"),
        (b"Organisation,Not upheld,Upheld\nLondon Borough of Harrow,two,3\n", "Not upheld is 'two', not a count"),
        (b"Organisation,Not upheld,Upheld\nA care home,1,1\n", "no council of the registry"),
    ],
)
def test_a_file_it_cannot_read_is_broken(server, http, csv, message):
    serve(server, csv)
    with pytest.raises(ListingBrokenError, match=message):
        make_source(server, http).peer_context()
