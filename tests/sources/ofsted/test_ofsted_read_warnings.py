"""A graded Ofsted report the reader cannot read fully carries meta["read_warning"] (issue 13).

The pipeline turns that key into an urgent source_broken naming the report, so a grade
table in a new form (a renamed header, a new scale such as "Needs attention", a lost row)
is never a quiet report with `judgements: {}`. Visit letters carry no grades and never get
it. PDFs are drawn with reportlab in the layout of the real 2023-2025 reports (each grade
between its wrapped label's two lines, as in ../shared/fixtures/ofsted/reports) and read
through both text layers the project uses; the twelve real reports must stay free of it.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from harness import Monitor
from scenario_sites import config_yaml, draw_pdf, letter, ofsted_page

from monitor.extract.pool import extract_here
from monitor.extract.textnorm import normalise_page
from monitor.sources.ofsted.source import read_judgements

ROWS = (
    ("impact_of_leaders", "The impact of leaders on social work", "practice with children and families"),
    ("help_and_protection", "The experiences and progress of", "children who need help and protection"),
    ("in_care", "The experiences and progress of", "children in care"),
    ("care_leavers", "The experiences and progress of care", "leavers"),
)
NEW_SCALE = {
    "impact_of_leaders": "Needs attention",
    "help_and_protection": "Urgent improvement",
    "in_care": "Expected standard",
    "care_leavers": "Expected standard",
}
FOUR_POINT = {
    "impact_of_leaders": "Inadequate",
    "help_and_protection": "Requires improvement to be good",
    "in_care": "Good",
    "care_leavers": "Good",
}
PROSE = [
    "Leaders have made good progress since the focused visit, but help for children",
    "remains inadequate in the front door and outstanding practice is rare.",
]


def ilacs_pdf(
    grades: dict[str, str],
    dates: str = "11 to 22 May 2026",
    *,
    header: tuple[str, str] = ("Judgement", "Grade"),
    overall: str | None = None,
    rows: tuple[tuple[str, str, str], ...] = ROWS,
) -> bytes:
    """Page 1 of an ILACS report: title, dates, inspector, the grade table, then prose."""
    lines = [
        (60, 790, "Inspection of Harrow local authority"),
        (60, 774, "children's services"),
        (60, 750, f"Inspection dates: {dates}"),
        (60, 734, "Lead inspector: Jane Doe, His Majesty's Inspector"),
        (60, 710, header[0]),
        (360, 710, header[1]),
    ]
    y = 690
    for key, first, second in rows:
        if key in grades:
            lines += [(60, y, first), (360, y - 7, grades[key]), (60, y - 14, second)]
            y -= 40
    if overall:
        lines += [(60, y, "Overall effectiveness"), (360, y, overall)]
        y -= 30
    lines += [(60, y - 30 - 14 * i, sentence) for i, sentence in enumerate(PROSE)]
    return draw_pdf([lines])


def read(tmp_path: Path, body: bytes, name: str = "report.pdf") -> dict:
    path = tmp_path / name
    path.write_bytes(body)
    return extract_here(path, kind="ofsted").meta


def plumber_judgements(tmp_path: Path, body: bytes) -> tuple[dict[str, str], str | None]:
    path = tmp_path / "plumber.pdf"
    path.write_bytes(body)
    with pdfplumber.open(path) as pdf:
        return read_judgements(normalise_page(pdf.pages[0].extract_text() or ""))


def unknown(key: str, value: str) -> str:
    return f"row {key}: grade {value!r} is not one of outstanding, good, requires improvement, inadequate"


# -- a new scale: kept as read, never dropped ---------------------------------------------


def test_grades_on_a_new_scale_are_kept_and_said(tmp_path):
    body = ilacs_pdf(NEW_SCALE)
    meta = read(tmp_path, body)

    expected = {key: value.lower() for key, value in NEW_SCALE.items()}
    warning = "judgement table not fully read: " + "; ".join(unknown(k, v) for k, v in NEW_SCALE.items())
    meta = dict(meta)
    assert meta.pop("inspection_type") == "standard"
    assert meta.pop("inspection_type_source")["text"] == "Inspection dates: 11 to 22 May 2026"
    # a grade kept as read still names the row it was read from
    assert meta.pop("verdict_sources")["care_leavers"] == {
        "page": 1,
        "text": "The experiences and progress of care leavers Expected standard",
    }
    assert meta == {
        "report_type": "inspection",
        "judgements": expected,
        "framework": "ilacs-2026",
        "judgements_warning": warning,
        "read_warning": warning,
        "inspection_dates": {"start": "2026-05-11", "end": "2026-05-22"},
        "lead_inspector": "Jane Doe",
        "local_authority": "Harrow",
    }
    # pdfplumber puts each grade beside its label's first line: the same values
    judgements, plumber_warning = plumber_judgements(tmp_path, body)
    assert judgements == expected
    assert plumber_warning == warning


def test_one_grade_off_the_scale_among_known_ones(tmp_path):
    grades = {**FOUR_POINT, "help_and_protection": "Needs attention"}
    meta = read(tmp_path, ilacs_pdf(grades))
    assert meta["judgements"] == {
        "impact_of_leaders": "inadequate",
        "help_and_protection": "needs attention",
        "in_care": "good",
        "care_leavers": "good",
    }
    assert meta["read_warning"] == "judgement table not fully read: " + unknown(
        "help_and_protection", "Needs attention"
    )
    assert meta["judgements_warning"] == meta["read_warning"]


def test_overall_grade_off_the_scale(tmp_path):
    meta = read(tmp_path, ilacs_pdf(FOUR_POINT, "20 to 31 January 2025", overall="Not yet effective"))
    assert meta["judgements"]["overall"] == "not yet effective"
    assert meta["framework"] == "ilacs-2018"
    assert meta["read_warning"] == "judgement table not fully read: " + unknown(
        "overall", "Not yet effective"
    )


# -- a table that cannot be found or read fully ---------------------------------------------


@pytest.mark.parametrize("header", [("Judgement areas and", "grades"), ("Area", "Outcome")])
def test_renamed_header_is_an_unknown_framework_and_said(tmp_path, header):
    meta = read(tmp_path, ilacs_pdf(FOUR_POINT, header=header))
    assert meta["judgements"] == {}
    assert meta["framework"] == "unknown"
    assert meta["read_warning"] == "an ILACS inspection report without a 'Judgement Grade' table"
    assert meta["judgements_warning"] == meta["read_warning"]


def test_row_without_a_grade_is_said(tmp_path):
    grades = {**FOUR_POINT, "in_care": ""}
    meta = read(tmp_path, ilacs_pdf(grades))
    assert meta["framework"] == "ilacs-2026"
    assert meta["judgements"] == {
        k: v.lower().replace(" to be good", "") for k, v in FOUR_POINT.items() if k != "in_care"
    }
    assert (
        meta["read_warning"] == "judgement table not fully read: row in_care: expected one grade, found none"
    )


def test_lost_row_is_said_not_dropped(tmp_path):
    # care leavers' row never printed: the table reads without a fault but one row short
    grades = {k: v for k, v in FOUR_POINT.items() if k != "care_leavers"}
    meta = read(tmp_path, ilacs_pdf(grades))
    assert meta["judgements"] == {
        "impact_of_leaders": "inadequate",
        "help_and_protection": "requires improvement",
        "in_care": "good",
    }
    # the table is the 2026 one (no overall row, dated after the reform): one row is lost
    assert meta["framework"] == "ilacs-2026"
    assert meta["read_warning"] == "judgement table not fully read: no row for care_leavers"
    # the same with an overall row (2018 framework)
    meta = read(tmp_path, ilacs_pdf(grades, "20 to 31 January 2025", overall="Inadequate"), "b.pdf")
    assert meta["framework"] == "ilacs-2018"
    assert meta["read_warning"] == "judgement table not fully read: no row for care_leavers"


def test_renamed_row_with_the_same_grade_as_the_one_before_is_said(tmp_path):
    # a renamed label is a row of its own that the reader does not know: named, never
    # mapped by a keyword, and the row it replaced is said to be missing
    rows = (*ROWS[:2], ("in_care", "How well children in care", "are looked after"), ROWS[3])
    grades = {**FOUR_POINT, "help_and_protection": "Good"}
    meta = read(tmp_path, ilacs_pdf(grades, "20 to 31 January 2025", overall="Good", rows=rows))
    assert meta["judgements"] == {
        "impact_of_leaders": "inadequate",
        "help_and_protection": "good",
        "care_leavers": "good",
        "overall": "good",
    }
    assert meta["read_warning"] == (
        "judgement table not fully read: unrecognised row 'How well children in care Good are looked after'; "
        "no row for in_care"
    )


def test_renamed_row_taken_for_another_is_said(tmp_path):
    # "How well care leavers are supported" is never read as care leavers by its words
    rows = (*ROWS[:3], ("care_leavers", "How well care leavers are", "supported into adult life"))
    grades = {**FOUR_POINT, "care_leavers": "Good"}
    meta = read(tmp_path, ilacs_pdf(grades, "20 to 31 January 2025", overall="Good", rows=rows))
    assert "care_leavers" not in meta["judgements"]
    assert meta["judgements"]["in_care"] == "good"
    assert meta["read_warning"] == (
        "judgement table not fully read: unrecognised row 'How well care leavers are Good supported into "
        "adult life'; no row for care_leavers"
    )


def test_unknown_row_before_the_known_ones_is_said(tmp_path):
    rows = (("leadership", "Leadership and", "management"), *ROWS)
    grades = {**FOUR_POINT, "leadership": "Inadequate"}
    meta = read(tmp_path, ilacs_pdf(grades, "20 to 31 January 2025", overall="Inadequate", rows=rows))
    assert meta["read_warning"].startswith(
        "judgement table not fully read: text before the first row not read: 'Leadership and"
    )
    assert "Inadequate" in meta["read_warning"]


def test_pre_reform_table_without_overall_is_said(tmp_path):
    meta = read(tmp_path, ilacs_pdf(FOUR_POINT, "20 to 31 January 2025"))
    assert meta["framework"] == "ilacs-2018"
    assert meta["read_warning"] == "judgement table not fully read: no 'Overall effectiveness' row"


def test_no_overall_and_no_dates_is_said(tmp_path):
    meta = read(tmp_path, ilacs_pdf(FOUR_POINT, "to be confirmed"))
    assert meta["framework"] == "ilacs-2026"
    assert meta["read_warning"] == meta["judgements_warning"]
    assert "taken as the April 2026 framework" in meta["read_warning"]


def test_fully_read_reports_have_no_warning(tmp_path):
    post = read(tmp_path, ilacs_pdf(FOUR_POINT), "post.pdf")
    pre = read(tmp_path, ilacs_pdf(FOUR_POINT, "20 to 31 January 2025", overall="Inadequate"), "pre.pdf")
    for meta in (post, pre):
        assert "read_warning" not in meta and "judgements_warning" not in meta
    assert pre["judgements"]["overall"] == "inadequate"


# -- letters carry no grades: no warning ----------------------------------------------------


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Monitoring visit to Harrow children's services", "monitoring visit"),
        ("Focused visit to Harrow children's services", "focused visit"),
    ],
)
def test_visit_letters_have_no_read_warning(tmp_path, title, kind):
    body = letter(
        title,
        [
            "This letter summarises the findings of the visit on 14 and 15 May 2026.",
            "The local authority was judged inadequate for overall effectiveness in 2025.",
            "The experiences and progress of care leavers remain inadequate.",
        ],
    )
    meta = read(tmp_path, body)
    assert meta["report_type"] == kind
    assert meta["judgements"] == {}
    assert "read_warning" not in meta and "judgements_warning" not in meta


def test_visit_letter_with_a_table_header_is_no_read_warning(tmp_path):
    # a letter never carries grades: even a "Judgement Grade" it cannot read is not a graded report
    body = letter(
        "Monitoring visit to Harrow children's services",
        ["Judgement Grade", "The impact of leaders on social work practice is improving."],
    )
    meta = read(tmp_path, body)
    assert meta["report_type"] == "monitoring visit"
    assert "judgements_warning" in meta
    assert "read_warning" not in meta


# -- the twelve real reports (contract) -------------------------------------------------------


def test_contract_no_real_report_sets_read_warning(shared_fixtures):
    reports = sorted((shared_fixtures / "ofsted" / "reports").glob("*.pdf"))
    assert len(reports) == 12
    for path in reports:
        meta = extract_here(path, kind="ofsted").meta
        assert "read_warning" not in meta, (path.name, meta.get("read_warning"))
        assert "judgements_warning" not in meta, path.name
        assert meta["judgements"].get("overall"), path.name
        with pdfplumber.open(path) as pdf:
            _, warning = read_judgements(normalise_page(pdf.pages[0].extract_text() or ""))
        assert warning is None, (path.name, warning)


# -- through the pipeline: the event, and `monitor documents --json` ---------------------------


def test_pipeline_unread_report_is_urgent_and_new_kinds_are_listed(server, tmp_path):
    base = server.url
    day1 = [
        ("50290001", "Children's services monitoring visit", "02 February 2026"),
        ("50290002", "Outcome summary", "02 February 2026"),
    ]
    new = ("50300001", "Children's services inspection", "03 August 2026")
    server.add(
        "/v1/file/50290001",
        letter("Monitoring visit to Harrow children's services", PROSE),
        content_type="application/pdf",
    )
    server.add(
        "/v1/file/50290002", letter("Outcome summary for Harrow", PROSE), content_type="application/pdf"
    )
    server.add("/v1/file/50300001", ilacs_pdf(NEW_SCALE), content_type="application/pdf")
    server.add("/provider/44/80499", ofsted_page(base, day1))
    monitor = Monitor(
        tmp_path,
        config_yaml(
            f"  - name: harrow-ofsted\n    kind: ofsted\n    base_url: {base}\n    providers:\n      - urn: 80499\n"
        ),
    )
    _, out, err = monitor.run("run")
    # the pass itself (not the digest or mail after it) is what is under test here
    assert "harrow-ofsted  ok (baseline)" in out, out + err
    assert [e for e in monitor.events() if e["type"] == "source_broken"] == []

    server.add("/provider/44/80499", ofsted_page(base, [new, *day1]))
    _, out, err = monitor.run("run")
    assert "harrow-ofsted  ok" in out, out + err

    documents = {d["key"]: d for d in monitor.documents()}
    assert {k: d["kind"] for k, d in documents.items()} == {
        "50290001": "monitoring visit",
        "50290002": "unknown",
        "50300001": "inspection",
    }
    assert "read_warning" not in documents["50290001"]["meta"]
    assert documents["50290002"]["meta"]["unrecognised_label"] == "Outcome summary"
    unread = documents["50300001"]["meta"]
    assert unread["judgements"]["impact_of_leaders"] == "needs attention"
    assert "'Needs attention'" in unread["read_warning"]

    (broken,) = [e for e in monitor.events() if e["type"] == "source_broken"]
    assert broken["severity"] == "urgent"
    assert broken["details"]["document"] == "50300001"
    assert broken["details"]["read_warning"] == unread["read_warning"]
    assert f"{base}/v1/file/50300001" in broken["details"]["error"]
