"""headline_for: a document's own headline sentences with their page, chosen by its structure.

Real texts first (../shared/fixtures: Ofsted ILACS PDFs, Ombudsman decision pages, GOV.UK
improvement notice and direction pages), then our fixtures written to the structure of the
real letters (tests/detect/fixtures/headlines/README.md says from which), then what must give [].
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfs import make_pdf

from monitor.detect.headlines import headline_for
from monitor.extract.pool import extract_here
from monitor.sources import profile_of
from monitor.sources.govuk.headline import structure_of

OWN = Path(__file__).parent / "fixtures" / "headlines"


def q(text: str, page: int = 1) -> dict:
    return {"text": text, "page": page}


def own(name: str) -> list[str]:
    return (OWN / name).read_text().split("\f")


def pdf_pages(tmp_path: Path, pages: list[str]) -> list[str]:
    """The pages as a pass sees them: drawn into a real PDF, then extracted."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(make_pdf(pages))
    return extract_here(path, "application/pdf").pages


# -- real texts --------------------------------------------------------------------------

ILACS = {
    # Harrow 2020: the summary after "Overall effectiveness Good", then "What needs to improve" on page 3
    "ilacs-80499-2020.pdf": [
        q("Services for children and young people in Harrow are good."),
        q("This is an improvement since the 2017 single inspection, when services for help and protection required improvement."),
        q("The quality and impact of supervision so that child in need and protection plans address the specific needs of individual children.", 3),
        q("Care leavers need to have access to their (emotional and physical) health histories and pathway plans, which should be of consistently good quality.", 3),
    ],
    "ilacs-80455.pdf": [
        q("Services in the Isles of Scilly for children who need help and protection are inadequate."),
        q("The council of the Isles of Scilly has not acted quickly enough to address shortfalls identified at the previous judgement inspection in 2019."),
        q("The effectiveness with which information shared with the local authority about children in need, or children in need of protection, is recorded, assessed and responded to.", 3),
        q("The quality of social work practice to assess, support and protect children.", 3),
    ],
    # the running header of page 2 ("Inspection of Barnet ... / 10 to 14 June 2024 2") is not quoted
    "ilacs-80487.pdf": [
        q("Children in the London Borough of Barnet receive strong and effective services."),
        q("A stable and committed leadership team has continued to strengthen and enhance social work practice since the previous inspection in 2019."),
        q("Return home interviews informing safety plans for children who go missing.", 2),
        q("Communication about living arrangements for care leavers.", 2),
    ],
}


@pytest.mark.parametrize("name", list(ILACS))
def test_real_ilacs_reports(shared_fixtures, name):
    pages = extract_here(shared_fixtures / "ofsted" / "reports" / name, "application/pdf").pages
    assert headline_for(profile_of("ofsted"), "inspection", "", pages) == ILACS[name]


def test_every_real_ilacs_report_has_a_summary_and_what_to_improve(shared_fixtures):
    for path in sorted((shared_fixtures / "ofsted" / "reports").glob("*.pdf")):
        quotes = headline_for(profile_of("ofsted"), "inspection", "", extract_here(path, "application/pdf").pages)
        assert len(quotes) >= 3, path.name
        assert quotes[0]["page"] == 1 and quotes[-1]["page"] in (2, 3), path.name
        # never the title or the judgement table (the first N characters)
        assert all(not x["text"].startswith(("Inspection of", "Judgement", "Harrow Inspection")) for x in quotes), path.name


LGSCO = {
    # the summary's finding and remedy, not its account of the complaint
    "22-016-751_harrow_child-protection_upheld.txt": [
        q("We found the Council was at fault in that it included inaccurate and irrelevant information in various documents causing Mrs X distress."),
        q("In recognition of the injustice caused, the Council has agreed to amend the documents, apologise to Mrs X and make a payment to her."),
    ],
    # a public report: the summary's fault, the "Finding" line, the first two recommended actions
    "24-022-000_harrow_other_upheld_PUBLIC-REPORT-format.txt": [
        q(
            "The Council failed to investigate the complaints under the children\u2019s service statutory complaints procedure "
            "following our earlier recommendation, and failed to respond to us when we asked the reasons why."
        ),
        q("Fault found causing injustice and recommendations made."),
        q("Apologise in writing to Mr X to acknowledge the injustice caused to him and his family by the Council\u2019s failings as identified in this report."),
        q(
            "Pay Mr X a symbolic payment of £400 to acknowledge the injustice caused to him in terms of avoidable distress, "
            "worry, uncertainty and frustration by the Council\u2019s faults."
        ),
    ],
    # another crawl: single newlines and "-" list markers
    "24-008-754_harrow_disabled-children_upheld_ALT-EXTRACTION.txt": [
        q("The Council was at fault because of its failure to commence a stage two statutory investigation under the Children Act 1989."),
        q("The Council should take action to remedy the injustice caused to Mr X by the fault and to avoid it happening again in future."),
    ],
    "23-017-669_harrow_looked-after-children_closed-after-initial-enquiries.txt": [
        q("We will not investigate Miss X\u2019s complaint."),
        q("This is because there is no sign of fault in the Council\u2019s decision not to consider her complaint whilst there are ongoing court proceedings."),
    ],
    "24-012-792_harrow_looked-after-children_upheld.txt": [
        q("We find procedural fault which creates uncertainty about the Council\u2019s consideration of the injuries."),
        q(
            "The Council will pay £500 in recognition of that distress and remind staff of the protocols when considering "
            "allegations made against those working with children."
        ),
    ],
}


@pytest.mark.parametrize("name", list(LGSCO))
def test_real_ombudsman_decisions(shared_fixtures, name):
    text = (shared_fixtures / "lgsco" / "page_text_excerpts" / name).read_text()
    assert headline_for(profile_of("lgsco"), "decision", "", [text]) == LGSCO[name]


GOVUK = {
    "govuk_improvement-notice-issued-to-halton-borough-council.EXCERPT.txt": (
        "Improvement notice issued to Halton Borough Council",
        [
            q("This improvement notice requires Halton Borough Council to take steps to improve its children\u2019s social care services."),
            q("An improvement notice issued to Halton Borough Council following an Ofsted inspection in October 2021 (published 17 November 2021)."),
            q("It follows an Ofsted focused visit report that judged there to be 2 areas for priority action."),
        ],
    ),
    # "It follows:" introduced a list the text lost: never quoted
    "govuk_revised-direction-issued-to-halton-borough-council-february-2025.EXCERPT.txt": (
        "Revised direction issued to Halton Borough Council: February 2025",
        [
            q("This direction requires the Council to continue to co-operate with the Department for Education Children\u2019s Services Improvement Adviser."),
            q("This direction replaces the earlier statutory direction issued to Halton Borough Council on 30 August 2024."),
        ],
    ),
    # a feed mirror whose date line runs into the first sentence: quoted from "This improvement notice"
    "govwire_decision-improvement-notice-issued-to-cheshire-east-council-july-2024.EXCERPT.txt": (
        "Decision: Improvement notice issued to Cheshire East Council: July 2024",
        [
            q("This improvement notice requires Cheshire East Council to take steps to improve its childrens social care services."),
            q("It follows an Ofsted report that judged the overall effectiveness of childrens social care services provided by Cheshire East Council as inadequate."),
        ],
    ),
}


@pytest.mark.parametrize("name", list(GOVUK))
def test_real_improvement_notices_and_directions(shared_fixtures, name):
    title, expected = GOVUK[name]
    text = (shared_fixtures / "govuk" / "evidence-2026" / "page_text" / name).read_text()
    assert headline_for(profile_of("govuk"), "decision", title, [text]) == expected


def test_a_govuk_collection_page_has_no_headline(shared_fixtures):
    name = "govuk_collection_improvement-notices-and-directions_via_education.gov.uk_redirect.EXCERPT.txt"
    text = (shared_fixtures / "govuk" / "evidence-2026" / "page_text" / name).read_text()
    assert headline_for(profile_of("govuk"), "document_collection", "Improvement notices and directions", [text]) == []


# -- our fixtures, faithful to the real structures ----------------------------------------


def test_monitoring_visit_letter_headline_findings(tmp_path):
    pages = pdf_pages(tmp_path, own("monitoring_visit_2025.txt"))
    assert headline_for(profile_of("ofsted"), "monitoring visit", "London Borough of Harrow: monitoring visit", pages) == [
        q("The leaving care service has made significant progress since the inspection in January 2025."),
        q("Leaders have reshaped the service and care leavers now have a consistent personal adviser who knows them well."),
        q("However, the quality of pathway plans remains too variable and some care leavers still wait too long for help with housing."),
    ]


def test_monitoring_visit_letter_before_2022_the_paragraph_after_the_opening(tmp_path):
    # the address, "Dear ...", who visited and when are skipped; the second page's header is not a heading
    pages = pdf_pages(tmp_path, own("monitoring_visit_2018.txt"))
    assert headline_for(profile_of("ofsted"), "monitoring visit", "", pages) == [
        q("The local authority has made steady progress in improving services for its children, albeit from a delayed start."),
        q("A permanent senior leadership team is now in place."),
        q("This is leading to better outcomes for children, although not consistently."),
    ]


def test_focused_visit_overview_then_priority_actions_across_pages(tmp_path):
    pages = pdf_pages(tmp_path, own("focused_visit_priority.txt"))
    assert headline_for(profile_of("ofsted"), "focused visit", "", pages) == [
        q("There are serious and widespread weaknesses in the quality of children's services in Example."),
        q("This leaves vulnerable children at risk of harm."),
        q("The quality and timeliness of assessments, so that risk to children is understood and responded to."),
        q("Management oversight of the pre-proceedings stage of the public law outline."),
    ]


def test_focused_visit_what_needs_to_improve_is_quoted_with_its_page(tmp_path):
    pages = own("focused_visit_priority.txt")
    # without the priority actions, the improvement items (page 2) follow the overview
    pages[0] = pages[0].split("Areas for priority action")[0]
    assert headline_for(profile_of("ofsted"), "focused visit", "", pdf_pages(tmp_path, pages))[2:] == [
        q("The quality of plans for children in care.", 2),
        q("Quality assurance, so that managers understand the quality of practice.", 2),
    ]


def test_jtai_letter():
    assert headline_for(profile_of("ofsted"), "jtai", "", own("jtai_letter.txt")) == [
        q("Children at risk of exploitation in Example are not consistently protected."),
        q("Partners do not share information quickly enough when a child goes missing."),
        q("The timeliness of strategy discussions when a child goes missing."),
        q("Leaders' understanding of the quality of multi-agency practice."),
    ]


def test_area_send_inspection_outcome_then_priority_actions():
    assert headline_for(profile_of("ofsted"), "area send", "", own("area_send_2024.txt")) == [
        q(
            "The local area partnership's arrangements lead to inconsistent experiences and outcomes for children and young "
            "people with special educational needs and/or disabilities (SEND)."
        ),
        q("The local area partnership must work jointly to make improvements."),
        q("Leaders should make sure that education, health and care plans are issued on time and reviewed every year."),
        q("Leaders should improve the local offer so that families can find help."),
    ]


def test_rsh_regulatory_notice_about_harrow():
    # the "Regulatory Findings" lines are the notice's own (20 April 2023), lettered findings kept whole
    title = "Regulatory Notice: London Borough of Harrow (20 April 2023)"
    assert structure_of(title, own("rsh_notice_harrow.txt")) == "rsh"
    assert headline_for(profile_of("govuk"), "decision", title, own("rsh_notice_harrow.txt")) == [
        q(
            "The regulator has concluded that: a) The London Borough of Harrow (LB Harrow) has breached part 1.2 of the Home "
            "Standard; and b) As a consequence of this breach, there was the potential for serious detriment to LB Harrow tenants."
        ),
        q("The regulator will work with LB Harrow as it seeks to remedy this breach."),
        q(
            "Following a referral made by a resident of LB Harrow, the regulator has identified a failure to meet statutory "
            "health and safety requirements in some of its homes."
        ),
    ]


def test_housing_ombudsman_determination_and_orders():
    assert headline_for(profile_of("housing_ombudsman"), "decision", "", own("housing_ombudsman.txt")) == [
        q("In accordance with paragraph 52 of the Scheme, there was severe maladministration by the landlord in its handling of the resident's reports of damp and mould."),
        q("In accordance with paragraph 52 of the Scheme, there was maladministration by the landlord in its complaint handling."),
        q("Within four weeks of the date of this report, the landlord must apologise to the resident in writing."),
        q("Within four weeks of the date of this report, the landlord must pay the resident £1,200 in compensation."),
    ]


def test_improvement_notice_letter_duty_then_reason():
    title = "Improvement notice issued to London Borough of Example: March 2025"
    assert headline_for(profile_of("govuk"), "decision", title, own("improvement_notice.txt")) == [
        q("This improvement notice requires the council to take the actions set out below to improve its children's social care services."),
        q(
            "This Improvement Notice is issued to London Borough of Example following the Ofsted inspection of the council's "
            "children's services, published on 4 March 2025, which judged the overall effectiveness of children's services as inadequate."
        ),
    ]


# -- nothing fits: [] -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source_kind", "doc_kind", "title", "pages"),
    [
        # a letter without its structure: no random sentence instead
        ("ofsted", "monitoring visit", "", ["Dear Director\nThank you for your time last week.\nYours sincerely"]),
        ("ofsted", "focused visit", "", [""]),
        ("ofsted", "unknown", "", own("monitoring_visit_2025.txt")),
        # an ILACS report whose judgement table was not read
        ("ofsted", "inspection", "", ["Inspection of Example children's services\nChildren are safe."]),
        ("lgsco", "decision", "", ["London Borough of Harrow (22 016 751)\nBack to top"]),
        ("housing_ombudsman", "decision", "", ["The complaint is about repairs."]),
        ("govuk", "news_story", "Minister visits school", ["The minister visited a school today."]),
        ("govuk", "decision", "Regulatory Notice: Example Homes", ["Regulatory Notice\nSummary\nNone"]),
        ("moderngov", "agenda", "Cabinet", own("monitoring_visit_2025.txt")),
        ("cqc", "assessment", "", own("area_send_2024.txt")),
    ],
)
def test_nothing_fits_gives_no_headline(source_kind, doc_kind, title, pages):
    assert headline_for(profile_of(source_kind), doc_kind, title, pages) == []


def test_a_quote_is_at_most_600_characters():
    long = " ".join(["Leaders have not made progress in any of the areas reviewed and"] * 20) + " children wait."
    letter = f"This letter summarises the findings of the monitoring visit.\nHeadline findings\n{long}\n"
    (quote,) = headline_for(profile_of("ofsted"), "monitoring visit", "", [letter])
    assert len(quote["text"]) == 600 and quote["text"].endswith("…") and quote["page"] == 1


def test_which_versions_want_a_headline():
    from monitor.detect.headlines import wants_headline

    graded = {"judgements": {"overall": "inadequate"}}
    assert wants_headline(profile_of("ofsted"), {"report_type": "monitoring visit"}) is True
    assert wants_headline(profile_of("ofsted"), graded) is False
    assert wants_headline(profile_of("cqc"), {"ratings": {"overall": "Good"}}) is False
    # the Ombudsman's decision is a grade on the verdict axis, but its sentences are the news
    assert wants_headline(profile_of("lgsco"), {"decision": "Upheld"}) is True
    # a reader that chose the headline itself (the Housing Ombudsman's) is not second-guessed
    assert wants_headline(profile_of("housing_ombudsman"), {"headline": [{"text": "x", "page": 1}]}) is False
    assert wants_headline(profile_of("govuk"), None) is True


def test_housing_ombudsman_report_layout_of_our_source_fixture():
    from monitor.extract.pool import html_text

    path = Path(__file__).parents[1] / "sources" / "housing_ombudsman" / "fixtures" / "london-borough-of-harrow-202344547.html"
    if not path.exists():
        pytest.skip("the housing_ombudsman fixtures are not in this checkout")
    quotes = headline_for(profile_of("housing_ombudsman"), "decision", "", [html_text(path.read_bytes())])
    assert quotes[0] == q(
        "In accordance with paragraph 52 of the Housing Ombudsman Scheme there was severe maladministration in the "
        "landlord\u2019s handling of the resident\u2019s reports of defective windows."
    )
    assert quotes[-1] == q("Within 4 weeks of the date of this report, the landlord must provide a written apology to the resident from its chief executive.")
