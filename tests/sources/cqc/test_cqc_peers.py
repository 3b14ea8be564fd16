"""Peer context for the CQC: every council's local authority assessment rating, nationally and
among the council's statistical neighbours, from a data file shaped like the CQC's own bulk
files (fixtures/la_assessment_ratings.csv: title lines, "This data was produced on ...", one
header row, dd/mm/yyyy dates, ratings in the CQC's words)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.errors import ListingBrokenError
from monitor.sources import profile_of, source_class
from monitor.sources.base import SourceContext
from monitor.sources.cqc.peers import context_sentence
from monitor.sources.cqc.peers_source import LANDING_PATH, CqcPeersSource

FIXTURES = Path(__file__).parent / "fixtures"
FILE = "/system/files/2026-08/04_August_2026_local_authority_assessment_ratings.csv"
SENTENCE = (
    "Nationally, 7 of 17 councils assessed by the CQC are rated requires improvement; of Harrow's 10 statistical "
    "neighbours, 9 have been rated: 5 good, 3 requires improvement and 1 inadequate (CQC local authority "
    "assessments, data produced on 4 August 2026)."
)


def make_source(server, http, council: str = "HRW", **keys) -> CqcPeersSource:
    return CqcPeersSource(
        CqcPeersSource.Settings(**keys), SourceContext(name="cqc-national-context", base_url=server.url, http=http, council=council)
    )


def serve(server, csv: bytes | None = None) -> None:
    server.add(LANDING_PATH, (FIXTURES / "using_cqc_data_la.html").read_text(encoding="utf-8"))
    server.add(FILE, csv or (FIXTURES / "la_assessment_ratings.csv").read_bytes(), content_type="text/csv")


def test_registered_as_a_peer_context_source_for_the_cqc():
    cls = source_class("cqc_peers")
    assert cls is CqcPeersSource
    assert (cls.context_source, cls.cross_check, cls.complete_listing) == (True, False, False)
    assert profile_of("cqc_peers").context_for == "cqc"
    assert profile_of("cqc").peer_fields == ("overall",)
    with pytest.raises(ValueError, match="needs `council:`"):
        CqcPeersSource.Settings().fill_from_council(None)


def test_the_national_picture_and_the_neighbours(server, http):
    serve(server)
    context = make_source(server, http).peer_context()
    assert context["publisher"] == "cqc"
    assert context["about"] == {"kind": "local authority assessment"}
    assert context["release"] == "CQC local authority assessments, data produced on 4 August 2026"
    assert context["url"] == f"{server.url}{FILE}"
    assert (context["council"], context["code"], context["grade"]) == ("Harrow", "HRW", "requires improvement")
    assert (context["councils"], context["graded"]) == (18, 17)
    assert context["counts"] == {"outstanding": 1, "good": 8, "requires improvement": 7, "inadequate": 1}
    assert [(n["code"], n["grade"]) for n in context["neighbours"]] == [
        ("RDB", "good"), ("HIL", "requires improvement"), ("BNE", "good"), ("EAL", "requires improvement"),
        ("WFT", "good"), ("RDG", "good"), ("HNS", "requires improvement"), ("MRT", None), ("SLG", "inadequate"),
        ("MIK", "good"),
    ]
    # a row the registry cannot place still counts nationally, and is named
    assert context["unmatched"] == ["A council of another name"]
    assert context_sentence(context) == SENTENCE
    assert profile_of("cqc").call("peer_sentence", context) == SENTENCE


def test_a_council_not_yet_rated(server, http):
    serve(server)
    context = make_source(server, http, council="WSM").peer_context()
    assert context["grade"] is None
    assert context_sentence(context).startswith(
        "Westminster has no CQC rating yet; nationally, of 17 councils rated, 1 outstanding, 8 good, 7 requires "
        "improvement and 1 inadequate; of Westminster's 10 statistical neighbours, "
    )


def test_the_file_at_a_given_address(server, http):
    server.add("/data/ratings.csv", (FIXTURES / "la_assessment_ratings.csv").read_bytes(), content_type="text/csv")
    context = make_source(server, http, data_url="/data/ratings.csv").peer_context()
    assert context["graded"] == 17
    assert not server.hits_for(LANDING_PATH)


def test_a_page_without_the_link_is_broken(server, http):
    server.add(LANDING_PATH, "<html><body><a href='/system/files/x_CQC_directory.csv'>Care directory</a></body></html>")
    with pytest.raises(ListingBrokenError, match="expected a link to the CQC's local authority assessment ratings"):
        make_source(server, http).peer_context()


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        (b"CQC data\nName,Address\nA,B\n", "expected a header row naming name, rating"),
        (b"Local authority,Overall rating\nHarrow,Requires Improvment\n", "which is none of CQC's four"),
        (b"Local authority,Overall rating\nHarrow,\nBarnet,Not rated\n", "no council in the file has an overall rating"),
    ],
)
def test_a_file_it_cannot_read_is_broken(server, http, csv, message):
    serve(server, csv)
    with pytest.raises(ListingBrokenError, match=message):
        make_source(server, http).peer_context()
