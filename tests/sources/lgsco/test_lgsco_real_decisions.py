"""read_meta against the real decision page texts of issue 13's evidence
(../shared/fixtures/lgsco/evidence-2026; skipped when that folder is absent), and against our own
HTML page shaped as R1 describes the live site: heading outside the article, labels and values
as separate elements, no <h1>."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.extract.pool import extract_here
from monitor.extract.textnorm import normalise_page
from monitor.sources.lgsco.source import LgscoSource

FIXTURES = Path(__file__).parent / "fixtures"
EVIDENCE = ("lgsco", "evidence-2026")


def _meta(text: str) -> dict:
    return LgscoSource.read_meta([normalise_page(text)])


def _r1(shared_fixtures: Path, name: str) -> dict:
    path = shared_fixtures.joinpath(*EVIDENCE, "legal-sources_UK-LGO", name)
    text = json.loads(path.read_text(encoding="utf-8"))["text"] if path.suffix == ".json" else path.read_text(encoding="utf-8")
    return _meta(text)


# -- R1: the article text of live pages (2026-07-17), one text node per line -----------------

# file -> (category, subcategory, decision date, summary start, remedy start, remedy end, compliance date)
R1 = {
    "record_0000_15-020-792.json": (
        "Environment and regulation", "Drainage", "2016-12-20", "A woman complains the council failed to adhere",
        "The council has agreed to: Within one month of our final decision get a quote",
        "Pay the woman £250 to recognise the time, trouble and inconvenience has been put to in pursuing the matter.",
        "2017-09-12",
    ),
    "record_0001_15-018-561_header.txt": (
        "Children's care services", "Friends and family carers", "2016-12-08", "A woman complains the council has refused",
        "The council has agreed to: apologise to the woman and the child", "for the failings we have identified;", None,
    ),
    "record_0004_15-017-863.json": (
        "Adult care services", "Assessment and care plan", "2017-02-08", "A Solicitor complains the Council has failed",
        "The Council should backdate its payments", "had eligible care needs.", None,
    ),
    "record_0011_16-002-186.json": (
        "Adult care services", "Charging", "2017-03-22", "A family complain the council did not give them the option",
        "The council should: apologise to the family refund the top-up fees paid to date (£4,628)",
        "to see if there are others similarly affected.", "2021-02-26",
    ),
}


@pytest.mark.parametrize("name", sorted(R1))
def test_contract_r1_article_texts(shared_fixtures, name):
    """Before: no subcategory (the "> Drainage" nodes were lost) and no remedy. The article text
    carries no heading, so authority and reference stay the listing's: none is guessed from
    a number in the body."""
    category, subcategory, decided, summary, remedy_start, remedy_end, compliance = R1[name]
    meta = _r1(shared_fixtures, name)
    expected_keys = {"category", "subcategory", "decision", "decision_date", "summary", "finding", "recommendations", "remedy",
                     "verdict_sources"}
    expected_keys |= {"compliance_date"} if compliance else set()
    expected_keys |= {"further_report"} if name.startswith("record_0011") else set()
    assert set(meta) == expected_keys
    assert meta["category"] == category
    assert meta["subcategory"] == subcategory
    assert meta["decision"] == "Upheld"
    assert meta["verdict_sources"] == {"decision": {"page": 1, "text": "Decision : Upheld"}}
    assert meta["decision_date"] == decided
    assert meta["summary"].startswith(summary)
    assert meta["finding"] == "The Ombudsman upheld the complaint and found fault causing injustice."
    assert meta["recommendations"].startswith("To remedy the injustice caused, the")
    assert meta["remedy"].startswith(remedy_start) and meta["remedy"].endswith(remedy_end)
    assert meta.get("compliance_date") == compliance
    assert "Print this page" not in meta["recommendations"]
    assert "Ombudsman satisfied" not in meta["recommendations"]


def test_contract_r1_further_report_for_non_compliance(shared_fixtures):
    meta = _r1(shared_fixtures, "record_0011_16-002-186.json")
    assert meta["further_report"].startswith("We are issuing this further report because the Council has not complied")
    assert meta["further_report"].endswith("calls upon the Council to do so now.")
    assert "Further report" not in meta["recommendations"]


def test_contract_r1_index_matches_what_is_read(shared_fixtures):
    """The third party's own parse of all 12 records agrees with ours on the four held in full."""
    index = shared_fixtures.joinpath(*EVIDENCE, "legal-sources_UK-LGO", "index_all_12_records.tsv").read_text(encoding="utf-8")
    rows = {line.split("\t")[1]: line.split("\t") for line in index.splitlines()[1:]}
    for name in ("record_0000_15-020-792.json", "record_0004_15-017-863.json", "record_0011_16-002-186.json"):
        record = json.loads(shared_fixtures.joinpath(*EVIDENCE, "legal-sources_UK-LGO", name).read_text(encoding="utf-8"))
        meta = _r1(shared_fixtures, name)
        row = rows[record["case_id"]]
        assert (meta["category"], meta["subcategory"], meta["decision"]) == (row[3], row[4], row[5])
        assert record["url"].endswith("/" + record["case_id"].replace(" ", "-"))


# -- R2: stored page texts with the heading; two crawls without the label lines -----------------

# file -> (authority, reference, category, subcategory, decision_date, remedy or None)
R2 = {
    "decision_18-014-455_stockport_displaypref_header.txt": (
        "Stockport Metropolitan Borough Council", "18 014 455", "Adult care services", "Safeguarding", "2019-10-28",
        "The Council should apologise to Mr X for these faults, make a financial payment for the unnecessary distress "
        "caused to them and provide evidence to the Ombudsman that it has carried out the recommendations of the Learning Review.",
    ),
    "decision_19-007-429_east-herts_header.txt": (
        "East Hertfordshire District Council", "19 007 429", "Housing", "Allocations", "2020-02-05", None,
    ),
    "decision_20-006-486_south-holland_covid_header.txt": (
        "South Holland District Council", "20 006 486", "Benefits and tax", "COVID-19", "2021-07-15",
        "We recommend the Council provide an apology, explanation, payment and review its decision on Mrs X's grant. "
        "We also recommend the Council revisit its decision making on stalls and take action to prevent recurrence of identified faults.",
    ),
    "decision_22-013-473_staffordshire_header.txt": (
        "Staffordshire County Council", "22 013 473", "Education", "Alternative provision", "2023-08-28",
        "The Council will apologise, provide a symbolic payment and make service improvements.",
    ),
    "decision_23-001-336_croydon_header.txt": (
        "London Borough of Croydon", "23 001 336", "Housing", "Homelessness", "2023-09-17",
        "An apology, payment to Mr B, reminders, training for officers and a review of the process for identifying "
        "properties for homeless applicants is satisfactory remedy.",
    ),
    "decision_24-005-444_southwark_header.txt": (
        "London Borough of Southwark", "24 005 444", "Housing", "Homelessness", "2025-03-14",
        "The Council will apologise and make a symbolic payment to Ms X. It will also review its internal procedure, "
        "and ensure its staff are fully trained.",
    ),
}


def _r2(shared_fixtures: Path, name: str) -> dict:
    return _meta(shared_fixtures.joinpath(*EVIDENCE, "pages", name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(R2))
def test_contract_r2_pages_with_labels(shared_fixtures, name):
    authority, reference, category, subcategory, decided, remedy = R2[name]
    meta = _r2(shared_fixtures, name)
    assert set(meta) == {"authority", "reference", "category", "subcategory", "decision", "decision_date", "summary",
                         "verdict_sources"} | ({"remedy"} if remedy else set())
    assert (meta["authority"], meta["reference"]) == (authority, reference)
    assert (meta["category"], meta["subcategory"]) == (category, subcategory)
    assert (meta["decision"], meta["decision_date"]) == ("Upheld", decided)
    assert meta["verdict_sources"] == {"decision": {"page": 1, "text": "Decision : Upheld"}}
    assert meta["summary"].split()[0] in ("Mr", "Miss", "Mrs", "Ms", "The", "the")
    assert meta.get("remedy") == remedy


@pytest.mark.parametrize(
    "name,authority,reference,remedy",
    [
        ("decision_22-010-680_wirral_NO-LABELS-crawl_header.txt", "Wirral Metropolitan Borough Council", "22 010 680", None),
        ("decision_24-013-880_harrow_NO-LABELS-crawl_header.txt", "London Borough of Harrow", "24 013 880",
         "The Council has agreed to remedy this injustice by: apologising to Miss Y; making a payment to reflect the "
         "upset caused; and service improvements."),
    ],
)
def test_contract_r2_crawls_without_labels(shared_fixtures, name, authority, reference, remedy):
    """No Category/Decision/Decision date lines: those keys are left out (the listing's values
    stand), nothing else is invented. Wirral's "we set out action ... at the end of this
    statement" points at a remedy, it is not one."""
    meta = _r2(shared_fixtures, name)
    assert set(meta) == {"authority", "reference", "summary"} | ({"remedy"} if remedy else set())
    assert (meta["authority"], meta["reference"]) == (authority, reference)
    assert meta["summary"].startswith(("Ms B complained", "Miss Y complained"))
    assert meta.get("remedy") == remedy


def test_contract_every_evidence_decision_text_is_covered(shared_fixtures):
    pages = {p.name for p in shared_fixtures.joinpath(*EVIDENCE, "pages").glob("decision_*.txt")}
    assert pages == set(R2) | {"decision_22-010-680_wirral_NO-LABELS-crawl_header.txt",
                               "decision_24-013-880_harrow_NO-LABELS-crawl_header.txt"}
    records = {p.name for p in shared_fixtures.joinpath(*EVIDENCE, "legal-sources_UK-LGO").glob("record_*")}
    assert records == set(R1)


def test_contract_information_pages_are_not_decisions(shared_fixtures):
    for name in ("CouncilsPerformance_OLD-site.txt", "interpreting-local-authority-statistics.txt"):
        assert _r2(shared_fixtures, name) == {}


# -- our HTML page shaped as R1 describes the live site -----------------------------------------


def test_read_meta_takes_heading_and_labels_from_the_raw_html_when_the_text_lost_them():
    """The page's text (header removed, label/value spans not kept) has neither the heading nor
    the labels; read_meta reads them from the raw HTML, wherever they sit."""
    path = FIXTURES / "decision_15-020-792_live-shape.html"
    extracted = extract_here(path, "text/html", "lgsco")
    assert extracted.error is None
    text = "\n".join(extracted.pages)
    assert "(15 020 792)" not in text and "Decision date" not in text
    meta = extracted.meta
    assert set(meta) == {"authority", "reference", "category", "subcategory", "decision", "decision_date", "summary",
                         "finding", "recommendations", "remedy", "compliance_date", "verdict_sources"}
    assert (meta["authority"], meta["reference"]) == ("Cambridgeshire County Council", "15 020 792")
    assert (meta["category"], meta["subcategory"]) == ("Environment and regulation", "Drainage")
    assert (meta["decision"], meta["decision_date"]) == ("Upheld", "2016-12-20")
    assert meta["verdict_sources"] == {"decision": {"page": 1, "text": "Decision : Upheld"}}
    assert meta["summary"] == ("A woman complains the council failed to adhere to recommendations we made following a "
                               "previous complaint to us.")
    assert meta["finding"] == "The Ombudsman upheld the complaint and found fault causing injustice."
    assert meta["remedy"] == "The council has agreed to: Pay the woman £250 to recognise the time and trouble."
    assert meta["compliance_date"] == "2017-09-12"


def test_a_reference_in_the_body_is_not_taken_for_the_decisions_own():
    meta = LgscoSource.read_meta(["Summary", "Mrs X complained again after our decision on 21 004 117.", "The complaint"])
    assert "reference" not in meta and "authority" not in meta
    assert meta["summary"] == "Mrs X complained again after our decision on 21 004 117."


# -- review finding 1: a "Decision" heading is not the Decision label --------------------------

_HARROW_BODY = """
The complaint
1. Miss Y complained about housing.
Decision
2. I have decided the Council was at fault and this caused injustice. The Council
has agreed to pay Miss Y £300.
Final decision
3. I have completed my investigation."""


def test_contract_a_decision_heading_in_a_no_labels_crawl_is_not_the_outcome(shared_fixtures):
    """The Harrow 24 013 880 crawl has no label block; with the statement's "Decision" section
    under it, the paragraph used to become meta.decision and replace the listing's "Upheld"."""
    text = shared_fixtures.joinpath(*EVIDENCE, "pages", "decision_24-013-880_harrow_NO-LABELS-crawl_header.txt").read_text(
        encoding="utf-8")
    meta = _meta(text + _HARROW_BODY)
    assert set(meta) == {"authority", "reference", "summary", "remedy"}
    assert (meta["authority"], meta["reference"]) == ("London Borough of Harrow", "24 013 880")
    assert meta["summary"].startswith("Miss Y complained about the way the Council dealt with her homelessness")
    assert meta["remedy"] == ("The Council has agreed to remedy this injustice by: apologising to Miss Y; making a "
                              "payment to reflect the upset caused; and service improvements.")


@pytest.mark.parametrize(
    "lines,decision",
    [
        ("Decision :\nUpheld", "Upheld"),
        ("Decision :\nClosed after initial enquiries", "Closed after initial enquiries"),
        ("Decision : Not upheld", "Not upheld"),
        ("Decision :\nUpheld: maladministration and injustice", "Upheld: maladministration and injustice"),
    ],
)
def test_a_decision_label_with_its_colon_is_read(lines, decision):
    meta = _meta(f"London Borough of Harrow (24 013 880)\n{lines}\nDecision date :\n08 Feb 2017\nSummary: Miss Y complained.")
    assert (meta["decision"], meta["decision_date"]) == (decision, "2017-02-08")
    assert "decision_text" not in meta


def test_prose_under_a_decision_label_is_kept_aside_not_taken_for_the_outcome():
    """An outcome rank() does not know, or a paragraph, must not replace the listing's outcome."""
    meta = _meta("London Borough of Harrow (24 013 880)\nDecision :\n2. I have decided the Council was at fault.\n"
                 "Summary: Miss Y complained.")
    assert "decision" not in meta
    assert meta["decision_text"] == "2. I have decided the Council was at fault."
