"""The moderngov parsing helpers (keys, URLs, titles, dates, pages) and the contract tests
that read the real web-service answers in ../shared/fixtures/moderngov/webservice/.

Split from test_source_moderngov.py, which drives the source against a local server.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from monitor.errors import ListingBrokenError
from monitor.sources.base import SourceContext
from monitor.sources.moderngov.source import (
    ModernGovSource,
    absolute_url,
    classify,
    date_in_text,
    document_key,
    parse_get_meeting,
    parse_get_meetings,
    parse_meeting_page,
    parse_meetings_page,
)

FIXTURES = Path(__file__).parent / "fixtures"


# -- helpers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("href", "key"),
    [
        ("documents/s90588/report.pdf", "s90588"),
        ("https://x.gov.uk/documents/g4689/Printed minutes 28th-Jan-2010.pdf?T=1", "g4689-T1"),
        ("documents/g4689/Decisions.pdf", "g4689"),
        ("documents/b1234/Combined Pack 19th-May-2026 17.00 Planning Committee.pdf?T=9", "b1234"),
        ("http://www2.harrow.gov.uk/mgConvert2PDF.aspx?ID=4601&amp;T=0&amp;J=1".replace("&amp;", "&"), "mg4601-T0"),
        ("mgConvert2Pdf.aspx?ID=11106&T=9&J=1", "mg11106-T9"),
        ("https://democracy.manchester.gov.uk/mgConvert2PDF.aspx?ID=60860", "s60860"),
        ("mgChooseDocPack.aspx?ID=4601&J=1", "pack4601"),
        ("mgMeetingAttendance.aspx?ID=4689&J=1", None),
        ("ieDecisionDetails.aspx?AIId=301205", None),
        ("mgLocationDetails.aspx?RID=1", None),
    ],
)
def test_document_key(href, key):
    assert document_key(href) == key


def test_absolute_url_keeps_the_sites_scheme_and_escapes_spaces():
    base = "https://moderngov.harrow.gov.uk"
    assert absolute_url("http://moderngov.harrow.gov.uk/mgConvert2PDF.aspx?ID=1", base) == (
        "https://moderngov.harrow.gov.uk/mgConvert2PDF.aspx?ID=1"
    )
    assert absolute_url("http://other.example/x.pdf", base) == "http://other.example/x.pdf"
    assert absolute_url("documents/g1/Printed\r\n minutes.pdf?T=1", base) == (
        "https://moderngov.harrow.gov.uk/documents/g1/Printed%20minutes.pdf?T=1"
    )


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Supplemental Agenda 2", "supplementary"),
        ("Printed minutes", "minutes"),
        ("Decisions 31st-Mar-2025", "decision"),
        ("Public reports pack 04th-Jun-2026 14.00 Improvement Committee", "agenda"),
        ("Agenda Frontsheet", "agenda"),
        ("DRAFT WP  FEBRUARY 2026", "report"),
    ],
)
def test_classify(title, kind):
    assert classify(title, default="report") == kind


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("Thursday, 19th February, 2026 6.30 pm", date(2026, 2, 19)),
        ("Cabinet - Tuesday 15 October 2024 6.30 pm, CANCELLED", date(2024, 10, 15)),
        ("20 Jun 2019 7.30 pm", date(2019, 6, 20)),
        ("Moved from 21 June, Thursday 28 June 2018", date(2018, 6, 28)),
        ("Browse meetings", None),
    ],
)
def test_date_in_text(text, when):
    assert date_in_text(text) == when


def test_meeting_page_status_and_sizes_are_read():
    page = (FIXTURES / "ieListDocuments_66101.html").read_text()
    parsed = parse_meeting_page(page, "u", "https://h.example")
    assert parsed.status == "Cancelled"
    assert [(d.key, d.raw_title, d.document_type, d.agenda_item) for d in parsed.item_docs] == [
        ("s247901", "Q2 Performance Report", "report", {"number": "4", "title": "Quarterly Performance Report Q2 2025/26"})
    ]
    assert [(d.key, d.raw_title, d.url) for d in parsed.pack_docs] == [
        ("mg66101-T0", "Agenda Frontsheet", "https://h.example/mgConvert2PDF.aspx?ID=66101&T=0")
    ]


def test_meetings_page_reads_title_ids_dates_statuses():
    title, meetings = parse_meetings_page((FIXTURES / "ieListMeetings_249.html").read_text(), "u", 249)
    assert title == "Cabinet"
    assert [(m.meeting_id, m.date, m.status) for m in meetings] == [
        (66180, date(2026, 6, 25), None),
        (66140, date(2026, 3, 16), None),
        (66120, date(2026, 2, 19), None),
        (66101, date(2025, 12, 11), "Cancelled"),
        (65990, date(2025, 10, 14), None),
    ]


# -- contract: the real web-service answers in ../shared/fixtures ----------------------------------


def _real(shared_fixtures: Path, name: str) -> etree._Element:
    from monitor.sources.moderngov.source import _XML_PARSER

    return etree.fromstring((shared_fixtures / "moderngov" / "webservice" / name).read_bytes(), _XML_PARSER)


def test_contract_real_getmeetings(shared_fixtures):
    root = _real(shared_fixtures, "lgsf_manchester_GetMeetings_meetings.xml")
    meetings = parse_get_meetings(root, "GetMeetings", 144)
    assert [(m.committee_id, m.committee, m.meeting_id, m.date, m.status, m.time) for m in meetings] == [
        (144, "Audit Committee", 4966, date(2026, 1, 13), "Cancelled", "10.00 am"),
        (144, "Audit Committee", 4967, date(2026, 2, 10), "Confirmed", "10.00 am"),
    ]
    with pytest.raises(ListingBrokenError):
        parse_get_meetings(root, "GetMeetings", 249)


def test_contract_real_getmeeting_with_documents(shared_fixtures):
    root = _real(shared_fixtures, "lgsf_manchester_GetMeeting_4967_with_minutes.xml")
    docs = parse_get_meeting(root, "GetMeeting", 4967, "https://democracy.manchester.gov.uk")
    assert [
        (d.key, d.url, d.raw_title, d.document_type, d.publication_date, d.agenda_item, d.restricted) for d in docs
    ] == [
        ("s60860", "https://democracy.manchester.gov.uk/mgConvert2PDF.aspx?ID=60860",
         "6 - CHAIR APPROVED Minutes Audit Committee 25 Nov 2025", "minutes", date(2026, 2, 2),
         {"number": "1", "title": "Minutes"}, False),
        ("s60909", "https://democracy.manchester.gov.uk/mgConvert2PDF.aspx?ID=60909", "DRAFT WP FEBRUARY 2026",
         "report", date(2026, 2, 2), {"number": "9", "title": "Work Programme"}, False),
    ]


def test_contract_real_getmeeting_without_documents(shared_fixtures):
    root = _real(shared_fixtures, "lgsf_manchester_GetMeeting_4966_no_minutes.xml")
    assert parse_get_meeting(root, "GetMeeting", 4966, "https://democracy.manchester.gov.uk") == []
    with pytest.raises(ListingBrokenError, match="expected <meetingid>4967"):
        parse_get_meeting(root, "GetMeeting", 4967, "https://democracy.manchester.gov.uk")


def test_contract_real_answers_through_the_source(server, http, shared_fixtures):
    folder = shared_fixtures / "moderngov" / "webservice"
    xml = "text/xml; charset=utf-8"
    server.add("/mgWebService.asmx/GetMeetings", (folder / "lgsf_manchester_GetMeetings_meetings.xml").read_bytes(),
               content_type=xml)
    server.add("/mgWebService.asmx/GetMeeting?lMeetingId=4966",
               (folder / "lgsf_manchester_GetMeeting_4966_no_minutes.xml").read_bytes(), content_type=xml)
    server.add("/mgWebService.asmx/GetMeeting?lMeetingId=4967",
               (folder / "lgsf_manchester_GetMeeting_4967_with_minutes.xml").read_bytes(), content_type=xml)
    source = ModernGovSource(
        ModernGovSource.Settings(committees=[144], meeting_packs=False),
        SourceContext(name="manchester", base_url=server.url, http=http, extra={"today": date(2026, 2, 1)}),
    )
    got = list(source.list_documents())
    assert [(r.key, r.title, r.published, r.kind, r.url) for r in got] == [
        ("s60860", "Audit Committee, 10 Feb 2026: 6 - CHAIR APPROVED Minutes Audit Committee 25 Nov 2025",
         date(2026, 2, 2), "minutes", "https://democracy.manchester.gov.uk/mgConvert2PDF.aspx?ID=60860"),
        ("s60909", "Audit Committee, 10 Feb 2026: DRAFT WP FEBRUARY 2026", date(2026, 2, 2), "report",
         "https://democracy.manchester.gov.uk/mgConvert2PDF.aspx?ID=60909"),
    ]
    assert got[0].meta == {
        "committee_id": 144, "committee": "Audit Committee", "meeting_id": 4967, "meeting_date": "2026-02-10",
        "meeting_status": "Confirmed", "agenda_item": {"number": "1", "title": "Minutes"}, "document_type": "minutes",
        "publication_date": "2026-02-02", "raw_title": "6 - CHAIR APPROVED Minutes Audit Committee 25 Nov 2025",
        "listed_via": "webservice",
    }
