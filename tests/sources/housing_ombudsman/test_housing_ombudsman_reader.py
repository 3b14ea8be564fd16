"""The housing_ombudsman kind: decision pages read through the real extractor (both layouts,
every field), and the listing on the real local server: paging, the count, and every answer
that does not add up raising ListingBrokenError.

Decision pages are tests/sources/housing_ombudsman/fixtures/ (written by us in the real layouts, with the
published findings of three Harrow cases). Listing pages are built here: the confirmed parts are
real (/decisions/, /decisions/page/N/, links /decisions/<landlord>-<ref>/ whose text is
"<Landlord> (<ref>)"); the count line and card markup are modelled, as they are inferred.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from monitor.errors import ListingBrokenError
from monitor.extract.pool import extract_here
from monitor.sources import source_class
from monitor.sources.base import SourceContext
from monitor.sources.housing_ombudsman.reader import read_decision_text
from monitor.sources.housing_ombudsman.source import HousingOmbudsmanSource

# not `from conftest import FIXTURES`: tests/faults has a conftest of its own, and in a
# whole-suite run the name `conftest` may be that one
FIXTURES = Path(__file__).parent / "fixtures"

HARROW = "London Borough of Harrow"
DIR = FIXTURES


def meta_of(name: str) -> dict:
    result = extract_here(DIR / name, "text/html", kind="housing_ombudsman")
    assert result.error is None
    return result.meta


# -- decision pages -------------------------------------------------------------------------


def test_registered():
    assert source_class("housing_ombudsman") is HousingOmbudsmanSource
    assert HousingOmbudsmanSource.complete_listing is False


def test_report_layout_with_severe_maladministration():
    meta = meta_of("london-borough-of-harrow-202344547.html")
    assert meta == {
        "layout": "report",
        "landlord": HARROW,
        "reference": "202344547",
        "decision_date": "2024-10-21",
        "findings": [
            {"complaint": "handling of the resident's reports of defective windows", "finding": "Severe maladministration"},
            {"complaint": "handling of the resident's reports of repairs required to the roof", "finding": "Maladministration"},
            {"complaint": "handling of the associated complaint", "finding": "Maladministration"},
        ],
        "determinations": ["Severe maladministration", "Maladministration"],
        "decision": "Severe maladministration",
        "orders": [
            "Within 4 weeks of the date of this report, the landlord must provide a written apology to the resident from its chief executive.",
            "Within 4 weeks of the date of this report, the landlord must pay the resident £2,150 compensation, made up of £1,500 for "
            "the distress and inconvenience caused by its handling of the windows, £400 for its handling of the roof repairs and "
            "£250 for its complaint handling.",
            "Within 8 weeks, the landlord must complete the window replacement.",
        ],
        "compensation": [2150, 1500, 400, 250],
        "compensation_total": 2150,
        "headline": [
            {"text": "In accordance with paragraph 52 of the Housing Ombudsman Scheme there was severe maladministration in the "
                     "landlord's handling of the resident's reports of defective windows.", "page": 1},
            {"text": "In accordance with paragraph 52 of the Housing Ombudsman Scheme there was maladministration in the "
                     "landlord's handling of the resident's reports of repairs required to the roof.", "page": 1},
            {"text": "In accordance with paragraph 52 of the Housing Ombudsman Scheme there was maladministration in the "
                     "landlord's handling of the associated complaint.", "page": 1},
            {"text": meta["orders"][1], "page": 1},
        ],
        # the decision and each finding with the sentence it was read from
        "verdict_sources": {
            "decision": {"page": 1, "text": meta["headline"][0]["text"]},
            "findings": [{"page": 1, "text": h["text"]} for h in meta["headline"][:3]],
        },
    }


def test_boilerplate_maladministration_is_not_a_finding():
    """'looks to see if there has been any maladministration' opens every report."""
    meta = read_decision_text(
        "REPORT\nCOMPLAINT 202300001\nX\n1 May 2025\nOur approach\nThe Ombudsman looks to see if there has been "
        "any 'maladministration'.\nDetermination\nThe Ombudsman looks to see if there has been any 'maladministration'.\n"
    )
    assert "decision" not in meta and "findings" not in meta


def test_report_layout_with_outside_jurisdiction_and_a_subheaded_orders_section():
    meta = meta_of("london-borough-of-harrow-202305653.html")
    assert meta["findings"] == [
        {"complaint": "handling of the resident's reports that her boiler was faulty", "finding": "Service failure"},
        {"complaint": "the landlord's handling of the resident's rehousing application", "finding": "Outside jurisdiction"},
        {"complaint": "handling of the associated complaints", "finding": "No maladministration"},
    ]
    assert meta["determinations"] == ["Service failure", "No maladministration", "Outside jurisdiction"]
    assert (meta["decision"], meta["decision_date"], meta["reference"]) == ("Service failure", "2024-12-20", "202305653")
    assert meta["orders"] == ["The landlord must pay the resident £100 for the distress caused by the boiler repairs."]
    assert (meta["compensation"], meta["compensation_total"]) == ([100], 100)
    assert len(meta["headline"]) == 4


def test_report_layout_listing_elements_after_there_was():
    """'... there was:' followed by one line per element (202300469's published wording)."""
    meta = read_decision_text(
        "London Borough of Harrow (202300469)\nREPORT\nCOMPLAINT 202300469\nLondon Borough of Harrow\n13 February 2025\n"
        "Determination\nIn accordance with paragraph 52 of the Scheme there was:\n"
        "Maladministration in the landlord's handling of the resident's reports of repairs required in the property's bathroom.\n"
        "Service failure in the landlord's complaint handling.\nOrders\nThe landlord must pay the resident £600.\n"
    )
    assert meta["findings"] == [
        {"complaint": "handling of the resident's reports of repairs required in the property's bathroom", "finding": "Maladministration"},
        {"complaint": "complaint handling", "finding": "Service failure"},
    ]
    assert (meta["decision"], meta["decision_date"], meta["compensation_total"]) == ("Maladministration", "2025-02-13", 600)


def test_decision_layout_from_november_2025():
    meta = meta_of("london-borough-of-harrow-202430466.html")
    assert meta == {
        "layout": "decision",
        "landlord": HARROW,
        "reference": "202430466",
        "decision_type": "Investigation",
        "landlord_type": "Local Authority",
        "tenancy": "Secure Tenancy",
        "decision_date": "2025-11-28",
        "findings": [
            {"complaint": "The landlord's response to reports of damp and mould.", "finding": "Maladministration"},
            {"complaint": "The handling of the complaint", "finding": "Maladministration"},
        ],
        "determinations": ["Maladministration"],
        "decision": "Maladministration",
        "orders": [
            "Apology order",
            "The landlord must apologise to the resident for the failures identified in this decision. No later than 7 January 2026",
            "Compensation order",
            "The landlord must pay the resident £850 made up as follows: £650 for the distress and inconvenience caused by its "
            "response to the damp and mould; £200 for its complaint handling. No later than 7 January 2026",
        ],
        "compensation": [850, 650, 200],
        "compensation_total": 850,
        "headline": [
            {"text": "The landlord's response to reports of damp and mould: Maladministration", "page": 1},
            {"text": "The handling of the complaint: Maladministration", "page": 1},
            {"text": meta["orders"][3], "page": 1},
        ],
        "verdict_sources": {
            "decision": {"page": 1, "text": "The landlord's response to reports of damp and mould: Maladministration"},
            "findings": [
                {"page": 1, "text": "The landlord's response to reports of damp and mould: Maladministration"},
                {"page": 1, "text": "The handling of the complaint: Maladministration"},
            ],
        },
    }


def test_decision_layout_without_a_determination_table_reads_the_investigation_pairs():
    meta = read_decision_text(
        "Decision\nCase ID\n202499999\nLandlord\nLondon Borough of Harrow\nDate\n2 March 2026\nOur investigation\n"
        "Complaint\nThe landlord's handling of reports of a leak.\nFinding\nSevere maladministration\nIt took a year.\n"
    )
    assert meta["findings"] == [{"complaint": "The landlord's handling of reports of a leak.", "finding": "Severe maladministration"}]
    assert (meta["decision"], meta["reference"], meta["decision_date"]) == ("Severe maladministration", "202499999", "2026-03-02")


# -- the listing ------------------------------------------------------------------------------


def card(ref: str, when: str = "28 November 2025", landlord: str = HARROW, *, text: str | None = None, href: str | None = None) -> str:
    href = href or f"/decisions/{landlord.lower().replace(' ', '-')}-{ref}/"
    label = text if text is not None else f"{landlord} ({ref})"
    return f'<article class="decision"><h2><a href="{href}">{label}</a></h2><p class="date">{when}</p></article>'


def page(cards: list[str], count: str | None = None) -> str:
    line = f'<p class="results-count">{count}</p>' if count else ""
    return f"<html><body><header><a href='/decisions/'>Decisions</a></header><main><h1>Decisions</h1>{line}{''.join(cards)}</main></body></html>"


def refs(n: int, start: int = 0) -> list[str]:
    return [f"2024{30000 + i:05d}" for i in range(start, start + n)]


def serve(server, pages: dict[int, str]) -> None:
    def handler(request):
        path = urlsplit(request.path).path
        number = 1 if path == "/decisions/" else int(path.split("/")[3])
        if number not in pages:
            return 404, {"Content-Type": "text/html"}, b"<html><body>Page not found</body></html>"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, pages[number].encode()

    server.add("/decisions/", handler=handler)
    for number in pages:
        server.add(f"/decisions/page/{number}/", handler=handler)
    server.add(f"/decisions/page/{max(pages) + 1}/", handler=handler)


def source(server, http, **keys) -> HousingOmbudsmanSource:
    settings = HousingOmbudsmanSource.Settings(**{"landlords": [HARROW, "Harrow Council"], **keys})
    return HousingOmbudsmanSource(settings, SourceContext(name="housing-ombudsman-harrow", base_url=server.url, http=http))


def listed(server, http, pages: dict[int, str], **keys):
    serve(server, pages)
    return list(source(server, http, **keys).list_documents())


def broken(server, http, pages: dict[int, str], match: str, **keys) -> ListingBrokenError:
    serve(server, pages)
    with pytest.raises(ListingBrokenError, match=match) as info:
        list(source(server, http, **keys).list_documents())
    assert info.value.url and info.value.url.startswith(f"{server.url}/decisions/")
    return info.value


def test_one_page_every_field(server, http):
    (ref,) = listed(server, http, {1: page([card("202430466")], "1 results")})
    assert (ref.key, ref.title, ref.published, ref.kind) == ("202430466", f"{HARROW} (202430466)", date(2025, 11, 28), "decision")
    assert ref.url == f"{server.url}/decisions/london-borough-of-harrow-202430466/"
    assert ref.meta == {"landlord": HARROW, "authority": HARROW, "reference": "202430466", "also_references": [],
                        "slug": "london-borough-of-harrow", "decision": None, "decision_date": "2025-11-28"}
    assert ref.fingerprint == "None|2025-11-28"
    (hit,) = server.hits_for("/decisions/")
    assert parse_qs(hit.query) == {"s": [HARROW]}


def test_card_outcome_is_read_when_shown(server, http):
    html = page([card("202344547", "21 October 2024").replace("</article>", "<p>Outcome: Severe maladministration</p></article>")])
    (ref,) = listed(server, http, {1: html})
    assert ref.title == f"{HARROW} (202344547): Severe maladministration"
    assert ref.meta["decision"] == "Severe maladministration"


def test_pages_by_the_count(server, http):
    all_refs = refs(23)
    pages = {n + 1: page([card(r) for r in all_refs[n * 10 : n * 10 + 10]], f"Showing {n * 10 + 1} - {min(n * 10 + 10, 23)} of 23 results")
             for n in range(3)}
    got = listed(server, http, pages)
    assert [r.key for r in got] == all_refs
    assert [h.path.split("?")[0] for h in server.hits if h.path.startswith("/decisions")] == [
        "/decisions/", "/decisions/page/2/", "/decisions/page/3/"]


def test_without_a_count_paging_ends_at_a_short_page_or_a_404(server, http):
    all_refs = refs(15)
    got = listed(server, http, {1: page([card(r) for r in all_refs[:10]]), 2: page([card(r) for r in all_refs[10:]])})
    assert [r.key for r in got] == all_refs
    server.hits.clear()
    got = listed(server, http, {1: page([card(r) for r in all_refs[:10]])})
    assert [r.key for r in got] == all_refs[:10]
    assert [h.status for h in server.hits if h.path.startswith("/decisions/page/2/")] == [404]


def test_max_pages_bounds_the_window(server, http):
    all_refs = refs(30)
    pages = {n + 1: page([card(r) for r in all_refs[n * 10 : n * 10 + 10]], "30 results") for n in range(3)}
    assert [r.key for r in listed(server, http, pages, max_pages=2)] == all_refs[:20]


def test_other_landlords_are_left_out_and_both_harrow_spellings_kept(server, http):
    html = page([card("202430466"), card("202113373", "28 March 2022", "Harrow Council"),
                 card("202014585", "8 June 2022", "Harrow Churches Housing Association")])
    assert [(r.key, r.meta["landlord"]) for r in listed(server, http, {1: html})] == [
        ("202430466", HARROW), ("202113373", "Harrow Council")]


def test_a_link_without_its_heading_is_read_from_its_address(server, http):
    (ref,) = listed(server, http, {1: page([card("202430466", text="Read the decision")])})
    assert (ref.key, ref.title, ref.meta["landlord"]) == ("202430466", "London borough of harrow (202430466)", None)


def test_zero_results_is_broken_unless_allowed(server, http):
    html = page([], "0 results")
    broken(server, http, {1: html}, "says it found nothing")
    assert listed(server, http, {1: html}, allow_empty=True) == []
    broken(server, http, {1: page(["<p>Sorry, but nothing matched your search terms.</p>"])}, "found nothing")


def test_a_page_without_decisions_is_broken(server, http):
    broken(server, http, {1: page(["<p>Welcome</p>"])}, "found none")
    broken(server, http, {1: page(["<p>Welcome</p>"], "12 results")}, "although the page says 12")


def test_a_count_the_pages_do_not_reach_is_broken(server, http):
    pages = {1: page([card(r) for r in refs(10)], "25 results"), 2: page([card(r) for r in refs(4, 10)], "25 results")}
    broken(server, http, pages, "page 2 lists 4 decisions")


def test_more_decisions_than_the_count_is_broken(server, http):
    broken(server, http, {1: page([card(r) for r in refs(3)], "2 results")}, "read 3 different decisions but the search says 2")


def test_a_page_repeating_the_first_is_broken(server, http):
    same = page([card(r) for r in refs(10)])
    broken(server, http, {1: same, 2: same}, "must add decisions")


def test_an_unreadable_reference_is_broken(server, http):
    html = page([card("202430466"), card("x", href="/decisions/london-borough-of-harrow-2024a30466/")])
    broken(server, http, {1: html}, "case reference cannot be read")


def test_a_reference_shown_without_its_link_is_broken(server, http):
    html = page([card("202430466"), "<article><h2>London Borough of Harrow (202417193)</h2></article>"])
    broken(server, http, {1: html}, "shows decisions 202417193 without a readable link")


def test_a_link_naming_another_reference_is_broken(server, http):
    html = page([card("202430466", text=f"{HARROW} (202417193)")])
    broken(server, http, {1: html}, "another case reference")


def test_a_search_not_applied_is_broken(server, http):
    """The newest decisions of every landlord: the keyword was ignored (or the name is wrong)."""
    html = page([card(r, landlord="Peabody Trust") for r in refs(8)] + [card("202430466")])
    broken(server, http, {1: html}, "8 of 9 decisions read are about other landlords")


def test_settings_need_a_landlord():
    with pytest.raises(ValueError):
        HousingOmbudsmanSource.Settings(landlords=[])
    with pytest.raises(ValueError):
        HousingOmbudsmanSource.Settings(landlords=["  "])
    assert HousingOmbudsmanSource.Settings(landlords=["  London  Borough of Harrow "]).landlords == [HARROW]


def test_warnings_say_what_is_inferred(server, http):
    (warning,) = source(server, http).warnings()
    assert "keyword search (s=)" in warning and "inferred" in warning
