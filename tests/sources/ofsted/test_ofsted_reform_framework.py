"""ILACS reports after the April 2026 reform: no overall effectiveness judgement.

Ofsted announced on 27 November 2025 that ILACS inspections from April 2026 no longer give
an overall effectiveness judgement; JT-39's daily scrape of the live site (evidence-2026:
jt39_ofsted_csc_ilacs_history.csv, parser marks "not_reported_post_reform") shows the
reports of May-August 2026 still grading impact of leaders, help and protection, children in
care and care leavers on the four-point scale. No post-reform PDF is at hand, so the PDFs
here are drawn with reportlab in the layout of the real 2023-2025 reports (the table's
labels wrapped around the grade, as in ../shared/fixtures/ofsted/reports) minus the overall
row: that layout is inferred (docs/publishers/ofsted.md).
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from test_ofsted_source import _draw_pdf

from monitor.detect.verdicts import compare, headline_verdict, verdict_of
from monitor.extract.pool import extract_here
from monitor.extract.textnorm import normalise_page
from monitor.sources import profile_of
from monitor.sources.ofsted.source import read_judgements

OFSTED = profile_of("ofsted")

ROWS = [
    ("The impact of leaders on social work", "practice with children and families", "Inadequate"),
    ("The experiences and progress of", "children who need help and protection", "Inadequate"),
    ("The experiences and progress of", "children in care", "Good"),
    ("The experiences and progress of care", "leavers", "Requires improvement to be good"),
]


def _report(path: Path, dates: str, rows=ROWS, *, table: bool = True, overall: str | None = None) -> Path:
    lines = [
        (60, 790, "Inspection of Trafford local authority"),
        (60, 774, "children's services"),
        (60, 750, f"Inspection dates: {dates}"),
        (60, 734, "Lead inspector: Leanne Example, His Majesty's Inspector"),
    ]
    y = 690
    if table:
        lines += [(60, 710, "Judgement"), (360, 710, "Grade")]
        for first, second, grade in rows:
            lines += [(60, y, first), (360, y - 7, grade), (60, y - 14, second)]
            y -= 40
        if overall:
            lines += [(60, y, "Overall effectiveness"), (360, y, overall)]
            y -= 30
    lines += [
        (60, y - 30, "Leaders have made good progress since the focused visit, but help for children"),
        (60, y - 44, "remains inadequate in the front door and outstanding practice is rare."),
    ]
    return _draw_pdf(path, lines)


JUDGED = {
    "impact_of_leaders": "inadequate",
    "help_and_protection": "inadequate",
    "in_care": "good",
    "care_leavers": "requires improvement",
}


def test_post_reform_report_reads_its_four_judgements_and_no_overall(tmp_path):
    path = _report(tmp_path / "trafford-2026.pdf", "8 to 19 June 2026")

    meta = dict(extract_here(path, kind="ofsted").meta)

    assert meta.pop("inspection_type") == "standard"
    assert meta.pop("inspection_type_source")["text"] == "Inspection dates: 8 to 19 June 2026"
    assert set(meta.pop("verdict_sources")) == set(JUDGED)
    assert meta == {
        "report_type": "inspection",
        "judgements": JUDGED,
        "framework": "ilacs-2026",
        "inspection_dates": {"start": "2026-06-08", "end": "2026-06-19"},
        "lead_inspector": "Leanne Example",
        "local_authority": "Trafford",
    }
    # the prose after the table ("good progress", "inadequate", "outstanding") is not a row
    with pdfplumber.open(path) as pdf:
        judgements, warning = read_judgements(normalise_page(pdf.pages[0].extract_text()))
    assert judgements == JUDGED
    assert warning == "judgement table not fully read: no 'Overall effectiveness' row"


def test_same_table_before_the_reform_is_a_reading_failure(tmp_path):
    meta = extract_here(_report(tmp_path / "r.pdf", "20 to 31 January 2025"), kind="ofsted").meta
    assert meta["judgements"] == JUDGED
    assert meta["framework"] == "ilacs-2018"
    assert meta["judgements_warning"] == "judgement table not fully read: no 'Overall effectiveness' row"
    assert meta["read_warning"] == meta["judgements_warning"]


def test_post_reform_table_without_dates_is_taken_as_2026_and_said(tmp_path):
    meta = extract_here(_report(tmp_path / "r.pdf", "to be confirmed"), kind="ofsted").meta
    assert meta["judgements"] == JUDGED
    assert meta["framework"] == "ilacs-2026"
    assert meta["judgements_warning"] == (
        "judgement table has no 'Overall effectiveness' row and the inspection dates were not read: "
        "taken as the April 2026 framework, check the report"
    )
    assert "inspection_dates" not in meta


def test_post_reform_row_that_cannot_be_read_still_warns(tmp_path):
    rows = [*ROWS[:2], ("The experiences and progress of", "children in care", ""), ROWS[3]]
    meta = extract_here(_report(tmp_path / "r.pdf", "8 to 19 June 2026", rows), kind="ofsted").meta
    assert meta["framework"] == "ilacs-2026"
    assert meta["judgements"] == {k: v for k, v in JUDGED.items() if k != "in_care"}
    assert meta["judgements_warning"] == (
        "judgement table not fully read: row in_care: expected one grade, found none"
    )
    assert meta["read_warning"] == meta["judgements_warning"]


def test_inspection_report_without_a_table_is_never_silently_ungraded(tmp_path):
    meta = extract_here(_report(tmp_path / "r.pdf", "8 to 19 June 2026", table=False), kind="ofsted").meta
    assert meta["judgements"] == {}
    assert meta["framework"] == "unknown"
    assert meta["judgements_warning"] == "an ILACS inspection report without a 'Judgement Grade' table"
    assert meta["read_warning"] == meta["judgements_warning"]


def test_pre_reform_report_with_overall_is_2018(tmp_path):
    meta = extract_here(
        _report(tmp_path / "r.pdf", "20 to 24 January 2025", overall="Inadequate"), kind="ofsted"
    ).meta
    assert meta["judgements"] == {**JUDGED, "overall": "inadequate"}
    assert meta["framework"] == "ilacs-2018"
    assert "judgements_warning" not in meta


def test_detection_no_rating_change_for_the_overall_that_is_merely_absent(tmp_path):
    before = extract_here(
        _report(tmp_path / "a.pdf", "20 to 24 January 2025", overall="Inadequate"), kind="ofsted"
    ).meta
    rows = [ROWS[0], ROWS[1][:2] + ("Requires improvement to be good",), ROWS[2], ROWS[3]]
    after = extract_here(_report(tmp_path / "b.pdf", "8 to 19 June 2026", rows), kind="ofsted").meta

    changes = compare(verdict_of(OFSTED, before), verdict_of(OFSTED, after), OFSTED)

    # only the field both reports grade and that moved; "overall" is not compared
    assert [c.to_dict() for c in changes] == [
        {
            "field": "help_and_protection",
            "from": "inadequate",
            "to": "requires improvement",
            "direction": "better",
        }
    ]
    assert [c.severity for c in changes] == ["normal"]
    # and a post-reform report headlines its worst judgement, not a missing overall
    assert headline_verdict(verdict_of(OFSTED, after), OFSTED) == ("impact_of_leaders", "inadequate")
    # two post-reform reports compare judgement by judgement
    worse = extract_here(
        _report(
            tmp_path / "c.pdf",
            "1 to 12 March 2027",
            [ROWS[0], ROWS[1], ROWS[2][:2] + ("Inadequate",), ROWS[3]],
        ),
        kind="ofsted",
    ).meta
    assert [c.to_dict() for c in compare(verdict_of(OFSTED, after), verdict_of(OFSTED, worse), OFSTED)] == [
        {
            "field": "help_and_protection",
            "from": "requires improvement",
            "to": "inadequate",
            "direction": "worse",
        },
        {"field": "in_care", "from": "good", "to": "inadequate", "direction": "worse"},
    ]
