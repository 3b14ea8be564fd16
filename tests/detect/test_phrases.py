"""Phrase rules on real publisher wording: PDF line breaks, hyphenation, quotes, tables, exclusions."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pydantic import ValidationError

from monitor.detect.phrases import DEFAULT_PHRASES, PhraseRule, added_pages, diff_summary, find_phrases
from monitor.extract.pool import extract_here


def by_phrase(matches):
    return {match.phrase: match for match in matches}


INADEQUATE = PhraseRule(text="inadequate", severity="urgent", exclude=["not inadequate"])


def test_rule_validation_forbids_unknown_keys_and_bad_severity():
    with pytest.raises(ValidationError):
        PhraseRule(text="inadequate", colour="red")
    with pytest.raises(ValidationError):
        PhraseRule(text="inadequate", severity="critical")
    assert PhraseRule(text="x").severity == "normal"
    assert PhraseRule(text="x").exclude == []


def test_default_severities():
    severities = {rule.text: rule.severity for rule in DEFAULT_PHRASES}
    for urgent in (
        "inadequate",
        "improvement notice",
        "widespread or serious failures",
        "maladministration",
        "fault causing injustice",
        "warning notice",
    ):
        assert severities[urgent] == "urgent"
    for normal in ("requires improvement", "serious weakness", "care leavers", "enforcement"):
        assert severities[normal] == "normal"


def test_match_across_line_break_and_case():
    # Wording from Peterborough's ILACS report, wrapped the way the PDF wraps it.
    page = (
        "This improvement is, however, very recent, and there remains much to do, particularly in\n"
        "improving support for care\nleavers, which is currently INADEQUATE.\n"
        "Since July, the leadership team has completed a robust and accurate self-evaluation."
    )
    found = by_phrase(find_phrases([page], [INADEQUATE, PhraseRule(text="care leavers")]))
    assert found["care leavers"].count == 1
    assert found["inadequate"].count == 1
    assert found["inadequate"].severity == "urgent"
    assert found["inadequate"].quotes == [
        {
            "text": "This improvement is, however, very recent, and there remains much to do, particularly in "
            "improving support for care leavers, which is currently INADEQUATE.",
            "page": 1,
        }
    ]


def test_hyphenated_across_lines_and_soft_hyphen():
    pages = [
        "Senior leaders have not addressed a serious weak-\nness in the quality of plans for children.",
        "Inspectors found a serious weak\u00adness in supervision.",
    ]
    match = by_phrase(find_phrases(pages, [PhraseRule(text="serious weakness")]))["serious weakness"]
    assert match.count == 2
    assert match.quotes == [
        {"text": "Senior leaders have not addressed a serious weakness in the quality of plans for children.", "page": 1},
        {"text": "Inspectors found a serious weakness in supervision.", "page": 2},
    ]


def test_curly_quotes_and_many_spaces():
    # The Ombudsman's boilerplate uses curly quotes; the rule is written with a straight one.
    page = "We investigate complaints about \u2018maladministration\u2019 and \u2018service   failure\u2019."
    match = by_phrase(find_phrases([page], [PhraseRule(text="'service failure'")]))["'service failure'"]
    assert match.count == 1
    assert match.quotes == [
        {"text": "We investigate complaints about 'maladministration' and 'service failure'.", "page": 1}
    ]


def test_word_boundaries():
    page = "The council's inadequateness was discussed. Enforcement officers attended. Reinforcement followed."
    found = by_phrase(find_phrases([page], [INADEQUATE, PhraseRule(text="enforcement")]))
    assert "inadequate" not in found
    assert found["enforcement"].count == 1
    assert found["enforcement"].quotes == [{"text": "Enforcement officers attended.", "page": 1}]


def test_exclusion_cancels_only_matches_inside_it():
    page = (
        "The panel found the service was not inadequate, but it was close.\n"
        "Support for care leavers is inadequate."
    )
    match = by_phrase(find_phrases([page], [INADEQUATE]))["inadequate"]
    assert match.count == 1
    assert match.quotes == [{"text": "Support for care leavers is inadequate.", "page": 1}]
    assert find_phrases(["The service is not\ninadequate."], [INADEQUATE]) == []


def test_abbreviations_do_not_split_sentences():
    page = "Some areas, e.g. Harrow and Brent, were found inadequate by Mr. Smith in 2023. Others were good."
    match = by_phrase(find_phrases([page], [INADEQUATE]))["inadequate"]
    assert match.quotes == [
        {"text": "Some areas, e.g. Harrow and Brent, were found inadequate by Mr. Smith in 2023.", "page": 1}
    ]


def test_long_sentence_is_capped_around_the_match():
    filler = " ".join(f"word{i}" for i in range(200))
    page = f"{filler} and the outcome was inadequate for children {filler}."
    match = by_phrase(find_phrases([page], [INADEQUATE]))["inadequate"]
    quote = match.quotes[0]["text"]
    assert len(quote) <= 410
    assert "the outcome was inadequate for children" in quote
    assert quote.startswith("…") and quote.endswith("…")


def test_at_most_five_quotes_but_every_match_counted():
    pages = [f"Sentence {i} says inadequate. Sentence {i} also says inadequate twice: inadequate." for i in range(4)]
    match = by_phrase(find_phrases(pages, [INADEQUATE]))["inadequate"]
    assert match.count == 12
    assert len(match.quotes) == 5
    assert [q["page"] for q in match.quotes] == [1, 1, 2, 2, 3]
    assert match.quotes[1] == {"text": "Sentence 0 also says inadequate twice: inadequate.", "page": 1}


def test_to_dict_shape():
    match = find_phrases(["It is inadequate."], [INADEQUATE])[0]
    assert match.to_dict() == {
        "phrase": "inadequate",
        "severity": "urgent",
        "count": 1,
        "quotes": [{"text": "It is inadequate.", "page": 1}],
    }


def test_lgsco_real_wording_upheld_and_boilerplate(shared_fixtures: Path):
    folder = shared_fixtures / "lgsco" / "page_text_excerpts"
    upheld = (folder / "24-022-000_harrow_other_upheld_PUBLIC-REPORT-format.txt").read_text()
    found = by_phrase(find_phrases([upheld], DEFAULT_PHRASES))
    assert found["fault found causing injustice"].count == 1
    assert found["fault found causing injustice"].severity == "urgent"
    assert found["fault found causing injustice"].quotes == [
        {"text": "Fault found causing injustice and recommendations made.", "page": 1}
    ]
    # "fault causing injustice" is the brief's wording; the Ombudsman writes "fault found causing".
    assert "fault causing injustice" not in found
    # Every decision statement opens with "We investigate complaints about 'maladministration'":
    # the default rule excludes that boilerplate.
    boilerplate = (folder / "22-016-751_harrow_child-protection_upheld.txt").read_text()
    assert "maladministration" not in by_phrase(find_phrases([boilerplate], DEFAULT_PHRASES))
    rule = PhraseRule(text="maladministration")
    plain = by_phrase(find_phrases([boilerplate], [rule]))["maladministration"]
    assert plain.count == 1
    assert plain.quotes == [
        {"text": "We investigate complaints about 'maladministration' and 'service failure'.", "page": 1}
    ]


def test_real_ofsted_report_peterborough(shared_fixtures: Path):
    rows = {row["urn"]: row for row in csv.DictReader(open(shared_fixtures / "ofsted" / "expectations.csv"))}
    assert rows["80537"]["overall"] == "inadequate"
    extracted = extract_here(shared_fixtures / "ofsted" / "reports" / "ilacs-80537.pdf")
    assert extracted.error is None
    found = by_phrase(find_phrases(extracted.pages, DEFAULT_PHRASES))
    inadequate = found["inadequate"]
    assert inadequate.count == 4
    assert inadequate.quotes == [
        {"text": "The experiences and progress of care leavers Inadequate", "page": 1},
        {"text": "Overall effectiveness Inadequate", "page": 1},
        {
            "text": "This improvement is, however, very recent, and there remains much to do, particularly in "
            "improving support for care leavers, which is currently inadequate.",
            "page": 1,
        },
        {"text": "The experiences and progress of care leavers: inadequate", "page": 6},
    ]
    assert found["requires improvement"].count == 6
    assert found["requires improvement"].quotes[0] == {
        "text": "The impact of leaders on social work practice with children and families "
        "Requires improvement to be good",
        "page": 1,
    }
    assert found["care leavers"].count == 23
    assert "maladministration" not in found


def test_real_ofsted_report_harrow_2020_is_not_inadequate(shared_fixtures: Path):
    extracted = extract_here(shared_fixtures / "ofsted" / "reports" / "ilacs-80499-2020.pdf")
    found = by_phrase(find_phrases(extracted.pages, DEFAULT_PHRASES))
    assert "inadequate" not in found
    assert found["care leavers"].quotes[0] == {
        "text": "The experiences and progress of children in care and care leavers Good",
        "page": 1,
    }


def _table_pdf(path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    data = [
        ["Judgement", "Grade"],
        ["The impact of leaders on social work practice", "Good"],
        ["The experiences and progress of care leavers", "Inadequate"],
        ["Overall effectiveness", "Requires improvement to be good"],
    ]
    table = Table(data, colWidths=[300, 180])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story = [
        Paragraph("Inspection of Harrow local authority children's services", styles["Title"]),
        table,
        Spacer(1, 20),
        Paragraph("Leaders know their services well.", styles["Normal"]),
    ]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def test_phrase_in_a_pdf_table_cell(tmp_path: Path):
    pdf = tmp_path / "grades.pdf"
    _table_pdf(pdf)
    extracted = extract_here(pdf, "application/pdf")
    assert extracted.error is None
    found = by_phrase(find_phrases(extracted.pages, DEFAULT_PHRASES))
    assert found["inadequate"].count == 1
    # The quote is the table row (label and grade), not the whole table run together.
    assert found["inadequate"].quotes == [{"text": "The experiences and progress of care leavers Inadequate", "page": 1}]
    assert found["requires improvement"].count == 1
    assert found["requires improvement"].quotes == [
        {"text": "Overall effectiveness Requires improvement to be good", "page": 1}
    ]


def test_added_pages_only_new_text_and_page_numbers_kept():
    old = [
        "Inspection of Harrow.\nLeaders know their services well.",
        "Children in care are well supported.\nCare leavers have good support.",
    ]
    new = [
        "Inspection of Harrow.\nLeaders know their services well. A new paragraph was\ninserted here.",
        "Children in care are well supported.\nCare leavers have inadequate support.",
        "Annex: the council received an improvement notice.",
    ]
    added = added_pages(old, new)
    assert len(added) == 3
    assert added[0] == "A new paragraph was inserted here."
    assert added[1] == "Care leavers have inadequate support."
    assert added[2] == "Annex: the council received an improvement notice."
    found = by_phrase(find_phrases(added, DEFAULT_PHRASES))
    assert found["inadequate"].quotes == [{"text": "Care leavers have inadequate support.", "page": 2}]
    assert found["improvement notice"].quotes[0]["page"] == 3
    # "care leavers" sat in unchanged text before; only the changed sentence counts now.
    assert found["care leavers"].count == 1


def test_added_pages_ignores_reflow_and_page_moves():
    old = ["First sentence here. Second sentence\nhere.", "Third sentence is inadequate."]
    new = ["First sentence\nhere.", "Second sentence here. Third sentence is\ninadequate."]
    assert added_pages(old, new) == ["", ""]
    assert find_phrases(added_pages(old, new), DEFAULT_PHRASES) == []


def test_diff_summary():
    old = ["Overall effectiveness: inadequate.\nCare leavers: requires improvement to be good."]
    new = ["Overall effectiveness: good.\nCare leavers: requires improvement to be good.\nA new annex."]
    summary = diff_summary(old, new, DEFAULT_PHRASES)
    assert summary == {
        "summary": "2 sentences added, 1 removed; no longer says 'inadequate'",
        "added_lines": 2,
        "removed_lines": 1,
        "added": ["Overall effectiveness: good.", "A new annex."],
        "removed": ["Overall effectiveness: inadequate."],
        "phrases_gone": ["inadequate"],
    }
    same = diff_summary(old, ["Overall effectiveness:\ninadequate. Care leavers: requires improvement to be good."], [])
    assert same["summary"] == "no change in the text (layout or file only)"
    assert same["added"] == [] and same["removed"] == [] and same["phrases_gone"] == []


def test_a_grade_answering_a_question_is_quoted_with_the_question():
    page = "Our ratings for this service\nIs the service safe? Inadequate\nIs the service effective? Requires improvement\n"
    found = by_phrase(find_phrases([page], DEFAULT_PHRASES))
    assert found["inadequate"].quotes == [{"text": "Is the service safe? Inadequate", "page": 1}]
    assert found["requires improvement"].quotes == [{"text": "Is the service effective? Requires improvement", "page": 1}]
