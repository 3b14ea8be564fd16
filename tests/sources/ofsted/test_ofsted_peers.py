"""Peer context from Ofsted's statistics: councils by overall grade and the council's region.

The same real-structured ODS as the ofsted_outcomes tests (the 2026 edition's sheets and
heading row), served by the local server playing GOV.UK's APIs and assets host.
"""

from __future__ import annotations

import pytest
from statistics_release import AS_AT, HISTORY, ODS_PATH, ODS_TYPE, attachment, govuk, make_ods

from monitor.errors import ListingBrokenError
from monitor.sources import source_class
from monitor.sources.base import SourceContext
from monitor.sources.ofsted.peers_source import OfstedPeersSource, context_sentence

ENFIELD = ["E09000010", "Enfield", "London", "Short", "d2023-11-10", "d2023-12-19", "Inadequate", "", "", "", ""]
LEEDS = ["E08000035", "Leeds", "Yorkshire and Humber", "Standard", "d2022-03-04", "d2022-04-22", "Outstanding", "", "", "", ""]
REFORMED = ["E09000020", "Kensington and Chelsea", "London", "Standard", "d2026-05-08", "d2026-06-19", "", "", "", "", ""]


def make_source(server, http, **keys) -> OfstedPeersSource:
    settings = OfstedPeersSource.Settings(**{"local_authority": "Harrow", **keys})
    return OfstedPeersSource(settings, SourceContext(name="ofsted-peers", base_url=server.url, http=http))


def serve(server, rows: list[list[str]]) -> None:
    server.add(ODS_PATH, make_ods({"Inspections_as_at_31_March": [*AS_AT, *rows], "ILACS_inspection_history": HISTORY}), content_type=ODS_TYPE)
    govuk(server, [attachment(server, ODS_PATH, ODS_TYPE)])


def test_registered_as_a_peer_context_source():
    cls = source_class("ofsted_peers")
    assert cls is OfstedPeersSource
    assert (cls.context_source, cls.cross_check, cls.complete_listing) == (True, False, False)


def test_counts_by_grade_and_the_councils_region(server, http):
    serve(server, [ENFIELD, LEEDS, REFORMED])
    context = make_source(server, http).peer_context()
    assert context == {
        "publisher": "ofsted",
        "release": "Local authority inspection outcomes as at 31 March 2026",
        "url": f"{server.url}{ODS_PATH}",
        "field": "overall",
        "council": "Harrow",
        "grade": "inadequate",
        "councils": 5,
        "graded": 4,
        "counts": {"outstanding": 1, "good": 1, "requires improvement": 0, "inadequate": 2},
        "region": "London",
        "region_grades": [
            {"council": "Barnet", "grade": "good"},
            {"council": "Enfield", "grade": "inadequate"},
            {"council": "Harrow", "grade": "inadequate"},
            {"council": "Kensington and Chelsea", "grade": "no overall grade"},
        ],
    }
    assert context_sentence(context) == (
        "Nationally, 2 of 4 councils' children's services are graded inadequate; in London, Harrow is one of "
        "2 of 4 councils graded inadequate (Local authority inspection outcomes as at 31 March 2026)."
    )


def test_a_file_without_the_council_is_broken(server, http):
    serve(server, [ENFIELD])
    with pytest.raises(ListingBrokenError, match="does not name 'Hillingdon'"):
        make_source(server, http, local_authority="Hillingdon").peer_context()
