"""Issue 17: a Housing Ombudsman joint report ("COMPLAINTS 202416446 & 202426714") is one
document with its date and every reference, and a finding stated outside the Determination (an
element of the complaint ruled outside the Ombudsman's jurisdiction) is read; `decision` is the
worst finding and every finding names the sentence it was read from.

The joint report is tests/sources/housing_ombudsman/fixtures/westminster-community-homes-limited-202416446.html,
written by us in the REPORT layout with nested lists as the stored pages have them.
"""

from __future__ import annotations

from pathlib import Path

from monitor.extract.pool import extract_here, html_text
from monitor.sources.housing_ombudsman.reader import decision_lines, read_decision_text
from monitor.sources.housing_ombudsman.source import parse_listing_page

FIXTURES = Path(__file__).parent / "fixtures"
JOINT = FIXTURES / "westminster-community-homes-limited-202416446.html"
LANDLORD = "Westminster Community Homes Limited"
RULING = (
    "After carefully considering all the evidence, in accordance with paragraph 42.a. of the Housing Ombudsman "
    "Scheme, the following aspects of the complaint are outside of the Ombudsman's jurisdiction: The landlord's "
    "response to the resident's request for a management transfer."
)
LEAK = (
    "In accordance with paragraph 52 of the Scheme, there was maladministration in the landlord's handling of the "
    "resident's reports of a leak from the flat above."
)
ASB = (
    "In accordance with paragraph 52 of the Scheme, there was no maladministration in the landlord's handling of the "
    "resident's reports of anti-social behaviour."
)
HANDLING = "In accordance with paragraph 52 of the Scheme, there was service failure in the landlord's complaint handling."
ORDER = (
    "Within 4 weeks of the date of this report, the landlord must pay the resident £750 compensation, made up of £600 "
    "for its handling of the leak and £150 for its complaint handling."
)


def test_a_joint_report_is_read_with_its_date_both_references_and_the_jurisdiction_ruling():
    result = extract_here(JOINT, "text/html", kind="housing_ombudsman")
    assert result.error is None
    assert result.meta == {
        "layout": "report",
        "landlord": LANDLORD,
        "reference": "202416446",
        "also_references": ["202426714"],
        "decision_date": "2025-05-14",
        "findings": [
            {
                "complaint": "The landlord's response to the resident's request for a management transfer",
                "finding": "Outside jurisdiction",
            },
            {"complaint": "handling of the resident's reports of a leak from the flat above", "finding": "Maladministration"},
            {"complaint": "handling of the resident's reports of anti-social behaviour", "finding": "No maladministration"},
            {"complaint": "complaint handling", "finding": "Service failure"},
        ],
        # worst first; a ruling on jurisdiction finds no fault, so it ranks below every finding
        "determinations": ["Maladministration", "Service failure", "No maladministration", "Outside jurisdiction"],
        "decision": "Maladministration",
        "verdict_sources": {
            "decision": {"page": 1, "text": LEAK},
            "findings": [{"page": 1, "text": t} for t in (RULING, LEAK, ASB, HANDLING)],
        },
        "orders": [ORDER],
        "compensation": [750, 600, 150],
        "compensation_total": 750,
        "headline": [{"text": t, "page": 1} for t in (RULING, LEAK, ASB, HANDLING, ORDER)],
    }


def test_the_page_structure_keeps_the_words_of_an_item_that_opens_a_list():
    """monitor.extract.pool's html_text drops a list item that holds a list; the reader keeps it."""
    lines = decision_lines(JOINT.read_bytes()).splitlines()
    lead = (
        "After carefully considering all the evidence, in accordance with paragraph 42.a. of the Housing Ombudsman "
        "Scheme, the following aspects of the complaint are outside of the Ombudsman's jurisdiction:"
    )
    at = lines.index(lead)
    assert lines[at + 1] == "\tThe landlord's response to the resident's request for a management transfer."
    assert lines[at + 2].startswith("Paragraph 42.a. of the Scheme says")
    assert lines[:6] == [
        f"{LANDLORD} (202416446)",
        "Back to Top",
        "REPORT",
        "COMPLAINTS 202416446 & 202426714",
        LANDLORD,
        "14 May 2025",
    ]
    assert lead not in html_text(JOINT.read_bytes()).splitlines()


def test_without_the_page_a_ruling_and_its_elements_are_read_from_the_text():
    """The text road (lines without list depth): the elements run to the next sentence of prose."""
    meta = read_decision_text(
        "Peabody Trust (202300002)\nREPORT\nCOMPLAINTS 202300002, 202300003 and 202300004\nPeabody Trust\n3 March 2025\n"
        "Jurisdiction\nWhat we can and cannot consider is called the Ombudsman's jurisdiction.\n"
        "After carefully considering all the evidence, in accordance with paragraphs 42(a) and (f) of the Scheme, the "
        "following aspects of the complaint are outside of the Ombudsman's jurisdiction:\n"
        "The landlord's handling of the resident's insurance claim.\n"
        "The landlord's decision to end the resident's licence.\n"
        "Paragraph 42(f) of the Scheme says so. The courts decide such claims.\n"
        "Determination\nIn accordance with paragraph 52 of the Scheme, there was severe maladministration in the "
        "landlord's handling of reports of damp.\n"
    )
    assert (meta["reference"], meta["also_references"], meta["decision_date"]) == (
        "202300002", ["202300003", "202300004"], "2025-03-03"
    )
    assert meta["findings"] == [
        {"complaint": "The landlord's handling of the resident's insurance claim", "finding": "Outside jurisdiction"},
        {"complaint": "The landlord's decision to end the resident's licence", "finding": "Outside jurisdiction"},
        {"complaint": "handling of reports of damp", "finding": "Severe maladministration"},
    ]
    assert meta["decision"] == "Severe maladministration"
    assert meta["verdict_sources"]["decision"] == {
        "page": 1,
        "text": "In accordance with paragraph 52 of the Scheme, there was severe maladministration in the landlord's "
        "handling of reports of damp.",
    }
    assert [s["text"].rsplit(": ", 1)[-1] for s in meta["verdict_sources"]["findings"][:2]] == [
        "The landlord's handling of the resident's insurance claim.",
        "The landlord's decision to end the resident's licence.",
    ]


def test_a_jurisdictional_decision_on_the_whole_complaint():
    """'Determination (jurisdictional decision)' ... 'is not within the Ombudsman's jurisdiction'
    (croydon-council-202001124, as stored)."""
    meta = read_decision_text(
        "Croydon Council (202001124)\nREPORT\nCOMPLAINT 202001124\nCroydon Council\n6 April 2021\nOur approach\n"
        "What we can and cannot consider is called the Ombudsman's jurisdiction and is governed by the Housing "
        "Ombudsman Scheme (the Scheme).\nThe complaint\nThe complaint is about the condition of the property.\n"
        "Determination (jurisdictional decision)\nWhen a complaint is brought to the Ombudsman, we must consider all "
        "the circumstances of the case as there are sometimes reasons why a complaint will not be investigated. After "
        "carefully considering all the evidence, it is determined that the complaint, as set out above, is not within "
        "the Ombudsman's jurisdiction to consider, in accordance with paragraph 39(m) of the Scheme.\nSummary of events\n"
        "In 2017 the resident was placed in private accommodation.\n"
    )
    sentence = (
        "After carefully considering all the evidence, it is determined that the complaint, as set out above, is not "
        "within the Ombudsman's jurisdiction to consider, in accordance with paragraph 39(m) of the Scheme."
    )
    assert meta["findings"] == [{"complaint": "the complaint, as set out above", "finding": "Outside jurisdiction"}]
    assert (meta["decision"], meta["decision_date"], meta["reference"]) == ("Outside jurisdiction", "2021-04-06", "202001124")
    assert "also_references" not in meta
    assert meta["verdict_sources"] == {
        "decision": {"page": 1, "text": sentence},
        "findings": [{"page": 1, "text": sentence}],
    }


def test_jurisdiction_boilerplate_and_the_schemes_rules_are_no_finding():
    meta = read_decision_text(
        "X (202300005)\nREPORT\nCOMPLAINT 202300005\nX\n1 May 2025\nJurisdiction\nWhat we can and cannot consider is "
        "called the Ombudsman's jurisdiction.\nSome complaints are always out of the Ombudsman's jurisdiction.\n"
        "Paragraph 42(a) of the Scheme says the Ombudsman may not investigate complaints made too early.\n"
    )
    assert "findings" not in meta and "decision" not in meta and "verdict_sources" not in meta


def test_a_joint_reports_listing_card_names_every_reference():
    html = (
        '<html><body><main><article><h2><a href="/decisions/westminster-community-homes-limited-202416446/">'
        f"{LANDLORD} (202416446 &amp; 202426714)</a></h2><p>14 May 2025</p></article></main></body></html>"
    )
    announced, (ref,) = parse_listing_page(html, "https://www.housing-ombudsman.org.uk/decisions/")
    assert announced is None
    assert ref.key == "202416446"
    assert ref.url == "https://www.housing-ombudsman.org.uk/decisions/westminster-community-homes-limited-202416446/"
    assert ref.title == f"{LANDLORD} (202416446)"
    assert ref.meta == {
        "landlord": LANDLORD,
        "authority": LANDLORD,
        "reference": "202416446",
        "also_references": ["202426714"],
        "slug": "westminster-community-homes-limited",
        "decision": None,
        "decision_date": "2025-05-14",
    }
