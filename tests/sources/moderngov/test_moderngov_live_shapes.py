"""The moderngov source against what is known of the live ModernGov sites in 2026.

Each test is a probe of ../shared/fixtures/moderngov/evidence-2026/REPORT.md turned into a check:
F1 (a meeting page read for its packs must not abort the confirmed web-service documents), H4
(agenda items without td.mgItemNumberCell), H5 (the real 2010 Harrow packs block and packs
outside div.mgLinks), H2/H6 (real headings and link forms), C1 (Harrow's committees).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from monitor.errors import BlockedError, ListingBrokenError
from monitor.sources.base import SourceContext
from monitor.sources.moderngov.source import (
    ModernGovSource,
    date_in_text,
    document_key,
    page_status,
    parse_meeting_page,
    parse_meetings_page,
)

FIXTURES = Path(__file__).parent / "fixtures"
EVIDENCE = Path("moderngov") / "evidence-2026"
REPO_CONFIG = Path(__file__).resolve().parents[3] / "sources.yaml"
XML = "text/xml; charset=utf-8"
MANCHESTER = "https://democracy.manchester.gov.uk"


def manchester(server, http, **keys) -> ModernGovSource:
    settings = ModernGovSource.Settings(**{"committees": [144], **keys})
    return ModernGovSource(settings, SourceContext(name="manchester", base_url=server.url, http=http,
                                                   extra={"today": date(2026, 2, 1)}))


def serve_real_xml(server, shared_fixtures: Path) -> None:
    """The real Manchester answers: committee 144, meetings 4966 (cancelled) and 4967."""
    folder = shared_fixtures / EVIDENCE / "webservice"
    server.add("/mgWebService.asmx/GetMeetings", (folder / "lgsf_manchester_GetMeetings_meetings.xml").read_bytes(),
               content_type=XML)
    server.add("/mgWebService.asmx/GetMeeting?lMeetingId=4966",
               (folder / "lgsf_manchester_GetMeeting_4966_no_minutes.xml").read_bytes(), content_type=XML)
    server.add("/mgWebService.asmx/GetMeeting?lMeetingId=4967",
               (folder / "lgsf_manchester_GetMeeting_4967_with_minutes.xml").read_bytes(), content_type=XML)


XML_DOCS = [
    ("s60860", "Audit Committee, 10 Feb 2026: 6 - CHAIR APPROVED Minutes Audit Committee 25 Nov 2025",
     date(2026, 2, 2), "minutes", f"{MANCHESTER}/mgConvert2PDF.aspx?ID=60860",
     {"number": "1", "title": "Minutes"}, "2026-02-02"),
    ("s60909", "Audit Committee, 10 Feb 2026: DRAFT WP FEBRUARY 2026", date(2026, 2, 2), "report",
     f"{MANCHESTER}/mgConvert2PDF.aspx?ID=60909", {"number": "9", "title": "Work Programme"}, "2026-02-02"),
]


def fields(refs) -> list[tuple]:
    return [(r.key, r.title, r.published, r.kind, r.url, r.meta["agenda_item"], r.fingerprint) for r in refs]


# -- F1: the packs page is an enrichment ----------------------------------------------------------------


def test_contract_packs_off_lists_the_real_xml_documents_with_three_service_calls(server, http, shared_fixtures):
    serve_real_xml(server, shared_fixtures)
    source = manchester(server, http, meeting_packs=False)
    assert fields(source.list_documents()) == XML_DOCS
    assert len([h for h in server.hits if h.path.startswith("/mgWebService.asmx/")]) == 3
    assert source.listing_incomplete is False


def test_contract_packs_page_404_costs_only_that_meetings_packs(server, http, shared_fixtures):
    serve_real_xml(server, shared_fixtures)  # no ieListDocuments route: the server answers 404
    source = manchester(server, http)
    assert fields(source.list_documents()) == XML_DOCS
    # only 4967 has anything published; the cancelled 4966 costs no page request
    assert [h.query for h in server.hits_for("/ieListDocuments.aspx")] == ["CId=144&MId=4967&Ver=4"]
    assert source.listing_incomplete is True
    (reason,) = source.incomplete_reasons
    assert reason.startswith(f"{server.url}/ieListDocuments.aspx?CId=144&MId=4967&Ver=4: ")
    assert "404" in reason and "packs" in reason


def test_contract_packs_page_without_mglinks_costs_only_that_meetings_packs(server, http, shared_fixtures):
    serve_real_xml(server, shared_fixtures)
    server.add("/ieListDocuments.aspx", "<html><body><div class='mgContent'><p>Venue: Town Hall</p></div></body></html>")
    source = manchester(server, http)
    assert fields(source.list_documents()) == XML_DOCS
    assert source.listing_incomplete is True
    assert "lists no meeting packs" in source.incomplete_reasons[0]


def test_contract_packs_page_that_is_not_moderngov_costs_only_the_packs(server, http, shared_fixtures):
    serve_real_xml(server, shared_fixtures)
    server.add("/ieListDocuments.aspx", "<html><body><p>Welcome to our new democracy portal</p></body></html>")
    source = manchester(server, http)
    assert fields(source.list_documents()) == XML_DOCS
    assert "expected a ModernGov meeting page" in source.incomplete_reasons[0]


def test_contract_packs_page_refused_is_blocked_with_the_way_out(server, http, shared_fixtures):
    serve_real_xml(server, shared_fixtures)
    server.add("/ieListDocuments.aspx", "Forbidden", status=403, content_type="text/plain")
    with pytest.raises(BlockedError) as info:
        list(manchester(server, http).list_documents())
    assert "meeting_packs: false" in info.value.hint


def test_contract_packs_page_with_modern_g_links_outside_mglinks(server, http, shared_fixtures):
    serve_real_xml(server, shared_fixtures)
    page = (FIXTURES / "ieListDocuments_65943_bare_numbers.html").read_text(encoding="utf-8")
    server.add("/ieListDocuments.aspx", page)
    source = manchester(server, http)
    got = list(source.list_documents())
    # the XML documents, then the packs the page adds; its item documents are the XML's business
    assert [(r.key, r.kind, r.meta["raw_title"], r.url) for r in got] == [
        ("s60860", "minutes", "6 - CHAIR APPROVED Minutes Audit Committee 25 Nov 2025",
         f"{MANCHESTER}/mgConvert2PDF.aspx?ID=60860"),
        ("s60909", "report", "DRAFT WP FEBRUARY 2026", f"{MANCHESTER}/mgConvert2PDF.aspx?ID=60909"),
        ("g65943-T10", "agenda", "Public reports pack",
         f"{server.url}/documents/g65943/Public%20reports%20pack%2015th-Oct-2024%2018.30%20Cabinet.pdf?T=10"),
        ("g65943-T2", "decision", "Printed decisions",
         f"{server.url}/documents/g65943/Printed%20decisions%2015th-Oct-2024%2018.30%20Cabinet.pdf?T=2"),
    ]
    assert got[2].published == date(2026, 2, 10) and got[2].fingerprint is None
    assert got[2].meta["listed_via"] == "webservice" and got[2].meta["agenda_item"] is None
    assert source.listing_incomplete is False


def test_moderngov_never_reports_removals():
    assert ModernGovSource.complete_listing is False


# -- H4: agenda items without td.mgItemNumberCell ----------------------------------------------------------


def test_items_are_read_from_bare_number_cells_on_the_html_road():
    page = (FIXTURES / "ieListDocuments_65943_bare_numbers.html").read_text(encoding="utf-8")
    base = "https://moderngov.harrow.gov.uk"
    parsed = parse_meeting_page(page, "u", base)
    assert parsed.status is None and parsed.unread == []
    uasc = {"number": "8", "title": "Provision of Supported Accommodation for Unaccompanied Asylum-Seeking Children "
                                    "and Young People"}
    assert [(d.key, d.raw_title, d.document_type, d.agenda_item, d.url) for d in parsed.item_docs] == [
        # before the first numbered item: no agenda item
        ("s196001", "Public Notice", "report", None, f"{base}/documents/s196001/Public%20Notice.pdf"),
        # "decision" in the title: classified as the publisher's titles are everywhere
        ("s196010", "Key Decision Schedule October 2024 - December 2025", "decision",
         {"number": "6", "title": "Key Decision Schedule October 2024 - December 2025"},
         f"{base}/documents/s196010/Key%20Decision%20Schedule.pdf"),
        ("s196020", uasc["title"], "report", uasc, f"{base}/documents/s196020/UASC%20accommodation%20report.pdf"),
        ("s196021", "Appendix A - Equality Impact Assessment", "report", uasc,
         f"{base}/documents/s196021/Appendix%20A%20-%20Equality%20Impact%20Assessment.pdf"),
        # a bare "9." cell and a title that is plain text
        ("s196030", "Care leavers report", "report",
         {"number": "9", "title": "Provision of Accommodation for Care Leavers and Homeless Young People"},
         f"{base}/documents/s196030/Care%20leavers%20report.pdf"),
    ]
    assert [(d.key, d.raw_title, d.document_type) for d in parsed.pack_docs] == [
        ("g65943-T10", "Public reports pack", "agenda"), ("g65943-T2", "Printed decisions", "decision"),
    ]


def test_oxford_shaped_table_is_read(server, http):
    # REPORT.md H4: table#mgItemTable whose number cell is <td><p class="mgAiTitleTxt">6.</p></td>
    page = ('<html><body><div class="mgContent"><table id="mgItemTable"><tr><td><p class="mgAiTitleTxt">6.</p></td>'
            '<td><p class="mgAiTitleTxt">Planning application 24/01234/FUL</p>'
            '<a href="documents/s90588/report.pdf">Report <span class="mgFileSize">PDF 1 MB</span></a></td></tr>'
            '</table></div></body></html>')
    parsed = parse_meeting_page(page, "u", "https://x.gov.uk", require_packs=False)
    assert [(d.key, d.raw_title, d.agenda_item) for d in parsed.item_docs] == [
        ("s90588", "Report", {"number": "6", "title": "Planning application 24/01234/FUL"})
    ]


def test_table_headed_no_item_without_moderngov_classes_is_read():
    # the stored Harrow pages show the header "No. | Item" (and "Note No. Item" in 2008)
    page = ('<html><body><div class="mgContent"><table><tr><th>Note</th><th>No.</th><th>Item</th></tr>'
            '<tr><td></td><td>21.</td><td>Attendance by Reserve Members'
            '<a href="documents/s5/Reserve members.pdf">Reserve members</a></td></tr></table></div></body></html>')
    parsed = parse_meeting_page(page, "u", "https://x.gov.uk", require_packs=False)
    assert [(d.key, d.agenda_item) for d in parsed.item_docs] == [
        ("s5", {"number": "21", "title": "Attendance by Reserve Members"})
    ]


def test_document_links_in_an_unknown_form_are_broken(server, http):
    page = ('<html><body><div class="mgContent"><table class="mgItemTable"><tr><td class="mgItemNumberCell">1.</td>'
            '<td><p class="mgAiTitleTxt">Budget</p><a href="mgDocument.aspx?DocId=77">Budget report '
            '<img alt="pdf icon"/> PDF 2 MB</a></td></tr></table></div></body></html>')
    server.add("/ieListMeetings.aspx", (FIXTURES / "ieListMeetings_249.html").read_text())
    server.add("/ieListDocuments.aspx", page)
    source = ModernGovSource(ModernGovSource.Settings(committees=[249], use_webservice=False),
                             SourceContext("h", server.url, http, extra={"today": date(2026, 2, 20)}))
    with pytest.raises(ListingBrokenError, match="look like documents.*mgDocument.aspx") as info:
        list(source.list_documents())
    assert info.value.url == f"{server.url}/ieListDocuments.aspx?CId=249&MId=66101&Ver=4"


def test_some_links_in_an_unknown_form_mark_the_listing_incomplete(server, http):
    page = (FIXTURES / "ieListDocuments_66101.html").read_text().replace(
        "</ul></td>", '<li><a href="mgDocument.aspx?DocId=77">Annex <span class="mgFileSize">PDF 2 MB</span></a></li>'
        "</ul></td>")
    server.add("/ieListMeetings.aspx", (FIXTURES / "ieListMeetings_249.html").read_text())
    server.add("/ieListDocuments.aspx", page)
    source = ModernGovSource(ModernGovSource.Settings(committees=[249], use_webservice=False),
                             SourceContext("h", server.url, http, extra={"today": date(2026, 2, 20)}))
    keys = [r.key for r in source.list_documents()]
    assert keys == ["s247901", "mg66101-T0"]
    assert source.listing_incomplete is True
    assert all("mgDocument.aspx?DocId=77" in r for r in source.incomplete_reasons)


# -- H5: the real 2010 Harrow packs block --------------------------------------------------------------


def test_contract_real_harrow_2010_packs_block(shared_fixtures):
    raw = (shared_fixtures / EVIDENCE / "html_fragments" / "openlylocal_documents_21787.json.TRUNCATED_EXCERPT.txt"
           ).read_text(encoding="utf-8")
    # the archive cut the JSON mid-string: decode the body up to its last whole escape
    body = raw.split('"body":"', 1)[1]
    body = json.loads('"' + body[: body.rfind("\\n")] + '"')
    parsed = parse_meeting_page(body, "u", "https://moderngov.harrow.gov.uk", require_items=False)
    assert [(d.key, d.document_type, d.raw_title, d.url) for d in parsed.pack_docs] == [
        ("mg4601-T0", "agenda", "Agenda Frontsheet", "http://www2.harrow.gov.uk/mgConvert2PDF.aspx?ID=4601&T=0&J=1"),
        ("pack4601", "agenda", "Agenda reports pack", "http://www2.harrow.gov.uk/mgChooseDocPack.aspx?ID=4601&J=1"),
        ("mg11106-T9", "supplementary", "Supplemental Agenda 1",
         "http://www2.harrow.gov.uk/mgConvert2Pdf.aspx?ID=11106&T=9&J=1"),
        ("mg11111-T9", "supplementary", "Supplemental Agenda 2",
         "http://www2.harrow.gov.uk/mgConvert2Pdf.aspx?ID=11111&T=9&J=1"),
        ("mg11113-T9", "supplementary", "Supplemental Agenda 3",
         "http://www2.harrow.gov.uk/mgConvert2Pdf.aspx?ID=11113&T=9&J=1"),
    ]
    assert parsed.item_docs == [] and parsed.unread == []


def test_two_untyped_g_documents_of_one_class_are_both_kept():
    page = ('<html><body><div class="mgLinks"><ul class="mgActionList">'
            '<li><a href="documents/g6439/Printed minutes 31st-Mar-2025.pdf">Printed minutes</a></li>'
            '<li><a href="documents/g6439/Printed minutes Part II 31st-Mar-2025.pdf">Printed minutes Part II</a></li>'
            '</ul></div></body></html>')
    parsed = parse_meeting_page(page, "u", "https://x.gov.uk", require_items=False)
    assert [d.key for d in parsed.pack_docs] == [
        "g6439-minutes", "g6439-minutes-printed-minutes-part-ii-31st-mar-2025"
    ]


# -- H2, H3, H6: real headings, meeting lists and link forms ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "when", "status"),
    [
        ("Cabinet - Thursday 21 October 2021 6.30 pm", date(2021, 10, 21), None),
        ("Executive Board - Thursday, 11th December, 2025 2.00 p.m.", date(2025, 12, 11), None),
        ("(Special - ILACS Report), Overview and Scrutiny Committee - Tuesday 8 July 2025 6.30 pm",
         date(2025, 7, 8), None),
        ("Monday, 9th February, 2026 6.00 pm", date(2026, 2, 9), None),
        ("Corporate Parenting Panel - Monday 14 January 2008 6.00 pm", date(2008, 1, 14), None),
        ("15/07/2021 - Cabinet (Item 494)", None, None),
        ("Cabinet - Thursday 11 December 2025 6.30 pm, CANCELLED", date(2025, 12, 11), "Cancelled"),
        ("Cabinet - Thursday 11 December 2025 6.30 pm (Cancelled)", date(2025, 12, 11), "Cancelled"),
        ("New Homes Bonus - Thursday 11 December 2025", date(2025, 12, 11), None),
    ],
)
def test_real_headings(text, when, status):
    assert (date_in_text(text), page_status(text)) == (when, status)


def test_contract_real_headings_in_stored_pages(shared_fixtures):
    folder = shared_fixtures / EVIDENCE / "page_text"
    found = {}
    for path in sorted(folder.glob("*ieListDocuments*.txt")) + sorted(folder.glob("opencouncil*.txt")):
        heading = next((line for line in path.read_text(encoding="utf-8").splitlines() if re.search(r" - \w+day", line)),
                       None)
        if heading:
            found[path.name.split("_")[0] + " " + heading] = date_in_text(heading)
    assert None not in found.values() and len(found) >= 5, found


def test_meetings_page_with_committeeid_links_and_the_real_title_sentence():
    # harlow_ieListMeetings_CommitteeId289.EXCERPT.txt's sentence; FING's link forms (MId and MID, ordinals)
    page = ("<html><body><h1>Browse meetings</h1><p>This page lists the meetings for Constitution.</p><ul>"
            '<li><a href="ieListDocuments.aspx?CId=289&amp;MId=901&amp;Ver=4">Monday, 9th February, 2026 6.00 pm</a></li>'
            '<li><a href="ieListDocuments.aspx?CommitteeId=289&amp;MID=902">Tuesday 8 July 2025 6.30 pm (Cancelled)</a></li>'
            "</ul></body></html>")
    title, meetings = parse_meetings_page(page, "u", 289)
    assert title == "Constitution"
    assert [(m.meeting_id, m.date, m.status) for m in meetings] == [
        (901, date(2026, 2, 9), None), (902, date(2025, 7, 8), "Cancelled")
    ]


@pytest.mark.parametrize(
    ("href", "key"),
    [
        ("documents/g6247/Printed minutes\r\n08th-Feb-2026 18.00 Council.pdf?T=1", "g6247-T1"),
        ("/documents/g123/Public reports pack 04th-Jun-2026 14.00 Improvement Committee.pdf?T=10", "g123-T10"),
        ("documents/b21450/Combined Pack 19th-May-2026 17.00 Planning Committee.pdf?T=9", "b21450"),
        ("https://committees.aberdeencity.gov.uk/mgConvert2PDF.aspx?ID=2060&T=6", "mg2060-T6"),
        ("http://present.brighton-hove.gov.uk/mgConvert2PDF.aspx?ID=1319&T=10", "mg1319-T10"),
        ("https://moderngov.harrow.gov.uk/(S(1bwain55pptpzair2v30wdir))/documents/s123/x.pdf", "s123"),
        ("ieListDocuments.aspx?CId=249&MID=65943#AI12345", None),
        ("mgIssueHistoryHome.aspx?IId=104348&Opt=0", None),
        ("ieIssueDetails.aspx?IId=104348&PlanId=0&Opt=3", None),
    ],
)
def test_real_link_forms(href, key):
    assert document_key(href) == key


# -- C1: Harrow's committees ----------------------------------------------------------------------------


def test_harrow_entry_watches_council_and_the_audit_committee():
    entries = yaml.safe_load(REPO_CONFIG.read_text(encoding="utf-8"))["sources"]
    entry = next(e for e in entries if e["name"] == "harrow-committees")
    assert {249, 276, 817, 1037, 788, 288, 850} <= set(entry["committees"])
    settings = ModernGovSource.Settings(**{k: v for k, v in entry.items()
                                           if k not in ("name", "kind", "schedule", "base_url", "severity", "council")})
    assert settings.meeting_packs is True
