"""Every Ofsted verdict exactly as the publisher states it, with where it was read (issue 17).

PDFs are drawn with reportlab in the layouts of the real reports (the April 2026 table with
four rows whose labels wrap and whose grade sits on a line of its own; the body repeating each
judgement as a heading; an opening paragraph recalling the previous inspection's grade; area
SEND reports of both frameworks); the real documents in ../shared/fixtures/ofsted are read
exactly as their expectations.csv say, and a pass through `monitor run` turns a 2026 report
after a 2025 one into rating changes for the four judgements only.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from harness import Monitor
from scenario_sites import config_yaml, draw_pdf, ofsted_page

from monitor.detect.verdicts import compare, rank, verdict_of
from monitor.extract.pool import extract_here
from monitor.sources import profile_of
from monitor.sources.ofsted.source import OfstedSource

OFSTED = profile_of("ofsted")

LABELS = {
    "impact_of_leaders": ("The impact of leaders on social work", "practice with children and families"),
    "help_and_protection": ("The experiences and progress of", "children who need help and protection"),
    "in_care": ("The experiences and progress of", "children in care"),
    "care_leavers": ("The experiences and progress of care", "leavers"),
}
FULL = {
    "impact_of_leaders": "The impact of leaders on social work practice with children and families",
    "help_and_protection": "The experiences and progress of children who need help and protection",
    "in_care": "The experiences and progress of children in care",
    "care_leavers": "The experiences and progress of care leavers",
}
SHORT_RULE = "the inspection dates span 5 days: a short inspection is one week on site, a standard one two"


def report_2026(
    grades: dict[str, str],
    *,
    dates: str = "27 April to 1 May 2026",
    overall: str | None = None,
    opening: tuple[str, ...] = (),
    headings: bool = False,
) -> bytes:
    """Page 1 as the 2026 reports print it: each label on two lines, then its grade on a line
    of its own; then the opening paragraph; page 2 repeats each judgement as a heading."""
    lines = [
        (60, 790, "Inspection of Harrow local authority"),
        (60, 774, "children's services"),
        (60, 750, f"Inspection dates: {dates}"),
        (60, 734, "Lead inspector: Jane Doe, His Majesty's Inspector"),
        (60, 710, "Judgement"),
        (360, 710, "Grade"),
    ]
    y = 690
    for key, (first, second) in LABELS.items():
        lines += [(60, y, first), (60, y - 14, second), (360, y - 7, grades[key])]
        y -= 40
    if overall:
        lines += [(60, y, "Overall effectiveness"), (360, y, overall)]
        y -= 30
    for sentence in opening:
        lines.append((60, y, sentence))
        y -= 14
    page2 = [(60, 790, "What needs to improve?")]
    if headings:
        y = 760
        for key, text in FULL.items():
            page2 += [(60, y, f"{text}: {grades[key].lower()}"), (60, y - 14, "Practice is improving.")]
            y -= 40
    return draw_pdf([lines, page2])


def read(tmp_path: Path, body: bytes, name: str = "r.pdf") -> dict:
    path = tmp_path / name
    path.write_bytes(body)
    return extract_here(path, kind="ofsted").meta


GOOD4 = dict.fromkeys(LABELS, "Good")
MIXED = {
    "impact_of_leaders": "Inadequate",
    "help_and_protection": "Requires improvement to be good",
    "in_care": "Good",
    "care_leavers": "Outstanding",
}


# -- the ILACS table --------------------------------------------------------------------------


def test_four_row_table_with_wrapped_labels_is_read_with_its_sources(tmp_path):
    meta = read(tmp_path, report_2026(MIXED, headings=True))
    assert meta == {
        "report_type": "inspection",
        "judgements": {
            "impact_of_leaders": "inadequate",
            "help_and_protection": "requires improvement",
            "in_care": "good",
            "care_leavers": "outstanding",
        },
        "framework": "ilacs-2026",
        "verdict_sources": {key: {"page": 1, "text": f"{FULL[key]} {MIXED[key]}"} for key in LABELS},
        "inspection_dates": {"start": "2026-04-27", "end": "2026-05-01"},
        "inspection_type": "short",
        "inspection_type_source": {
            "page": 1,
            "text": "Inspection dates: 27 April to 1 May 2026",
            "rule": SHORT_RULE,
        },
        "lead_inspector": "Jane Doe",
        "local_authority": "Harrow",
    }


RECALLS = (
    "Since a judgement of inadequate for overall effectiveness at the last inspection in",
    "2023, leaders have improved services. Overall effectiveness was judged to be",
    "inadequate, when services were judged as requires improvement to be good.",
)


def test_opening_recalling_an_old_overall_grade_lends_nothing(tmp_path):
    meta = read(tmp_path, report_2026(GOOD4, opening=RECALLS))
    assert meta["judgements"] == dict.fromkeys(LABELS, "good")
    assert "overall" not in meta["judgements"] and "overall" not in meta["verdict_sources"]
    assert meta["framework"] == "ilacs-2026"
    assert "read_warning" not in meta and "judgements_warning" not in meta


def test_opening_recalling_an_old_grade_with_an_overall_row(tmp_path):
    meta = read(tmp_path, report_2026(MIXED, dates="2 to 13 June 2025", overall="Good", opening=RECALLS))
    assert meta["judgements"]["overall"] == "good"
    assert meta["verdict_sources"]["overall"] == {"page": 1, "text": "Overall effectiveness Good"}
    assert meta["framework"] == "ilacs-2018"
    assert meta["inspection_type"] == "standard"
    assert "read_warning" not in meta


def test_body_headings_repeating_each_judgement_are_not_rows(tmp_path):
    meta = read(tmp_path, report_2026(GOOD4, headings=True, opening=RECALLS))
    assert set(meta["judgements"]) == set(LABELS)
    assert "read_warning" not in meta


def test_a_row_with_a_grade_off_the_scale_is_a_read_warning(tmp_path):
    meta = read(tmp_path, report_2026({**GOOD4, "in_care": "Secure"}))
    assert meta["judgements"]["in_care"] == "secure"
    assert meta["verdict_sources"]["in_care"]["text"] == "The experiences and progress of children in care Secure"
    assert meta["read_warning"] == (
        "judgement table not fully read: row in_care: grade 'Secure' is not one of outstanding, good, "
        "requires improvement, inadequate"
    )


def test_a_label_the_reader_does_not_know_is_never_mapped_by_a_keyword():
    text = (
        "Inspection of Harrow local authority children's services\nInspection dates: 2 to 13 June 2025\n"
        "Judgement Grade\nThe impact of leaders on practice Good\n"
        + "\n".join(f"{FULL[k]} Good" for k in ("help_and_protection", "in_care", "care_leavers"))
        + "\nOverall effectiveness Good\nLeaders are effective."
    )
    meta = OfstedSource.read_meta([text])
    assert "impact_of_leaders" not in meta["judgements"]
    assert meta["read_warning"] == (
        "judgement table not fully read: unrecognised row 'The impact of leaders on practice Good'; "
        "no row for impact_of_leaders"
    )


def test_grade_printed_before_its_wrapped_label_and_a_wrapped_grade():
    # pdfplumber's layout of a real report: the overall grade, level with the middle of its
    # two-line label, comes first; and a grade cell that wraps ("Requires improvement / to be good")
    text = (
        "Judgement Grade\n"
        "The impact of leaders on social work practice with children\nand families\nRequires improvement\nto be good\n"
        "The experiences and progress of children who need help\nand protection Good\n"
        "The experiences and progress of children in care and care\nleavers Good\n"
        "Inadequate\nOverall effectiveness\nServices have declined since 2018."
    )
    meta = OfstedSource.read_meta([text])
    assert meta["judgements"] == {
        "impact_of_leaders": "requires improvement",
        "help_and_protection": "good",
        "in_care_and_care_leavers": "good",
        "overall": "inadequate",
    }
    assert meta["verdict_sources"]["overall"]["text"] == "Overall effectiveness Inadequate"
    assert "read_warning" not in meta


def test_sif_report_reads_its_overall_statement_only():
    page = (
        "London Borough of Harrow\nInspection of services for children in need of help and\n"
        "protection, children looked after and care leavers\nInspection dates: 16 January 2017 to 9 February 2017\n"
        "Children's services in Harrow are good\n1. Children who need help and protection Requires improvement\n"
        "2.2 Experiences and progress of care leavers Good\n3. Leadership, management and governance Good"
    )
    meta = OfstedSource.read_meta([page])
    assert meta["framework"] == "sif-2013"
    assert meta["judgements"] == {"overall": "good"}
    assert meta["verdict_sources"] == {"overall": {"page": 1, "text": "Children's services in Harrow are good"}}
    assert len(meta["unread_judgements"]) == 3
    assert "read_warning" not in meta


# -- area SEND ----------------------------------------------------------------------------------

SEND_2023 = {
    "positive experiences and outcomes": (
        "The local area partnership's special educational needs and/or disabilities (SEND)",
        "arrangements typically lead to positive experiences and outcomes for children and",
        "young people with SEND. The local area partnership is taking action where improvements",
        "are needed.",
    ),
    "inconsistent experiences and outcomes": (
        "The local area partnership's arrangements lead to inconsistent experiences and",
        "outcomes for children and young people with special educational needs and/or",
        "disabilities (SEND). The local area partnership must work jointly to make improvements.",
    ),
    "widespread and/or systemic failings": (
        "There are widespread and/or systemic failings leading to significant concerns about",
        "the experiences and outcomes of children and young people with special educational",
        "needs and/or disabilities (SEND), which the local area partnership must address urgently.",
    ),
}


def send_report(statement: tuple[str, ...], later: tuple[str, ...] = ()) -> bytes:
    lines = [
        (60, 790, "Local area partnership report"),
        (60, 774, "Area SEND inspection of Harrow Local"),
        (60, 758, "Area Partnership"),
        (60, 742, "Inspection dates: 21 to 25 October 2024"),
        (60, 726, "Inspection outcome"),
    ]
    y = 710
    for sentence in (*statement, "Information about the local area partnership", *later):
        lines.append((60, y, sentence))
        y -= 14
    return draw_pdf([lines])


@pytest.mark.parametrize("outcome", list(SEND_2023))
def test_area_send_2023_outcomes(tmp_path, outcome):
    # a later incidental mention of another outcome's words never decides
    later = ("Some children have positive experiences and outcomes in early years.",)
    meta = read(tmp_path, send_report(SEND_2023[outcome], later))
    sentence = " ".join(SEND_2023[outcome]).split(". ")[0].split("(SEND),")[0]
    assert meta["report_type"] == "area send"
    assert meta["framework"] == "area-send-2023"
    assert meta["judgements"] == {"area_send_outcome": outcome}
    assert meta["verdict_sources"]["area_send_outcome"]["page"] == 1
    assert meta["verdict_sources"]["area_send_outcome"]["text"].startswith(sentence)
    assert "read_warning" not in meta and "inspection_type" not in meta


def test_area_send_statement_not_understood_is_a_read_warning(tmp_path):
    meta = read(tmp_path, send_report(("The partnership's arrangements are effective for most children.",)))
    assert meta["judgements"] == {}
    assert meta["read_warning"].startswith("area SEND outcome not read")


def test_area_send_outcomes_are_ordered_best_to_worst():
    scale = OFSTED.scale_for("area_send_outcome")
    ranks = [rank(o, scale) for o in SEND_2023]
    assert ranks == sorted(ranks, reverse=True) and len(set(ranks)) == 3
    (change,) = compare(
        {"area_send_outcome": "inconsistent experiences and outcomes"},
        {"area_send_outcome": "widespread and/or systemic failings"},
        OFSTED,
    )
    assert (change.direction, change.severity) == ("worse", "urgent")
    assert rank("written statement of action required", scale) < rank("no written statement of action required", scale)
    assert rank("insufficient progress", scale) < rank("sufficient progress in some significant weaknesses", scale)
    assert rank("sufficient progress in some significant weaknesses", scale) < rank(
        "sufficient progress in all significant weaknesses", scale
    )


OPENING_2016 = (
    "Joint local area SEND inspection in Harrow",
    "Between 5 March 2018 and 9 March 2018, Ofsted and the Care Quality Commission (CQC)",
    "conducted a joint inspection of the local area of Harrow to judge the effectiveness of the",
    "area in implementing the disability and special educational needs reforms.",
)
WSOA = (
    "As a result of the findings of this inspection and in accordance with the Children Act",
    "2004 (Joint Area Reviews) Regulations 2015, Her Majesty's Chief Inspector (HMCI) has",
    "determined that a Written Statement of Action (WSOA) is required because of significant",
    "areas of weakness in the local area's practice.",
)


def send_letter(body: tuple[str, ...]) -> bytes:
    lines = [(380, 800, "Ofsted"), (60, 740, "Dear Director,")]
    y = 716
    for sentence in body:
        lines.append((60, y, sentence))
        y -= 14
    return draw_pdf([lines])


def test_area_send_2016_written_statement_required(tmp_path):
    meta = read(tmp_path, send_letter((*OPENING_2016, *WSOA)))
    assert meta["framework"] == "area-send-2016"
    assert meta["judgements"] == {"area_send_outcome": "written statement of action required"}
    assert meta["verdict_sources"]["area_send_outcome"]["text"].startswith("As a result of the findings")
    assert "read_warning" not in meta


def test_area_send_2016_no_written_statement(tmp_path):
    meta = read(tmp_path, send_letter((*OPENING_2016, "Leaders know the area well.")))
    assert meta["judgements"] == {"area_send_outcome": "no written statement of action required"}
    source = meta["verdict_sources"]["area_send_outcome"]
    assert source["text"].startswith("Between 5 March 2018")
    assert "requires no written statement" in source["rule"]
    assert "read_warning" not in meta


def test_area_send_revisit_progress(tmp_path):
    body = (
        "Joint local area SEND revisit in Harrow",
        "As a result of the findings of this revisit, HMCI has determined that the area has",
        "made sufficient progress in addressing two of the four significant weaknesses.",
    )
    meta = read(tmp_path, send_letter(body))
    assert meta["judgements"] == {"area_send_outcome": "sufficient progress in some significant weaknesses"}
    assert "read_warning" not in meta


# -- the real documents (contract) ----------------------------------------------------------


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_contract_2026_documents_read_exactly(shared_fixtures):
    folder = shared_fixtures / "ofsted" / "reports-2026"
    rows = _rows(folder / "expectations.csv")
    assert len(rows) == 6
    for row in rows:
        meta = extract_here(folder / row["file"], kind="ofsted").meta
        framework, _, kind = row["framework"].partition(" (")
        expected = {k: row[k] for k in ("overall", *LABELS) if row[k]}
        if row["outcome"]:
            expected["area_send_outcome"] = row["outcome"]
        assert meta["judgements"] == expected, row["file"]
        assert meta.get("framework", "") == framework, row["file"]
        assert meta.get("inspection_type", "") == kind.rstrip(")"), row["file"]
        assert set(meta.get("verdict_sources", {})) == set(expected), row["file"]
        for key, source in meta.get("verdict_sources", {}).items():
            assert source["page"] == 1 and source["text"], (row["file"], key)
        assert "read_warning" not in meta and "judgements_warning" not in meta, row["file"]
    trafford = extract_here(folder / "ilacs-2026-80573-trafford.pdf", kind="ofsted").meta
    assert trafford["verdict_sources"]["care_leavers"] == {
        "page": 1,
        "text": "The experiences and progress of care leavers Requires improvement to be good",
    }


def test_contract_focused_visits_read_no_grade(shared_fixtures):
    for path in sorted((shared_fixtures / "ofsted" / "reports-2026").glob("focused-visit-*.pdf")):
        meta = extract_here(path, kind="ofsted").meta
        assert meta["report_type"] == "focused visit", path.name
        assert meta["judgements"] == {}, path.name
        assert not {"verdict_sources", "framework", "read_warning", "judgements_warning"} & set(meta), path.name


def test_contract_older_reports_still_exact(shared_fixtures):
    base = shared_fixtures / "ofsted"
    for row in _rows(base / "expectations.csv"):
        meta = extract_here(base / row["file"], kind="ofsted").meta
        expected = {k: row[k] for k in ("overall", *LABELS)}
        assert meta["judgements"] == expected, row["file"]
        assert (meta["framework"], meta["inspection_type"]) == ("ilacs-2018", row["framework"]), row["file"]
        assert set(meta["verdict_sources"]) == set(expected), row["file"]
        assert "read_warning" not in meta, row["file"]


# -- through `monitor run` -------------------------------------------------------------------


def test_pass_2026_report_after_a_2025_one_changes_four_judgements_not_overall(server, tmp_path):
    base = server.url
    old = ("50280001", "Children's services inspection", "01 August 2025")
    new = ("50310001", "Children's services inspection", "17 June 2026")
    inadequate = dict.fromkeys(LABELS, "Inadequate")
    server.add(
        "/v1/file/50280001",
        report_2026(inadequate, dates="2 to 13 June 2025", overall="Inadequate"),
        content_type="application/pdf",
    )
    better = {**MIXED, "impact_of_leaders": "Good"}
    server.add("/v1/file/50310001", report_2026(better, opening=RECALLS, headings=True), content_type="application/pdf")
    server.add("/provider/44/80499", ofsted_page(base, [old]))
    monitor = Monitor(
        tmp_path,
        config_yaml(
            f"  - name: harrow-ofsted\n    kind: ofsted\n    base_url: {base}\n    providers:\n      - urn: 80499\n"
        ),
    )
    _, out, err = monitor.run("run")
    assert "harrow-ofsted  ok (baseline)" in out, out + err
    server.add("/provider/44/80499", ofsted_page(base, [new, old]))
    _, out, err = monitor.run("run")
    assert "harrow-ofsted  ok" in out, out + err

    events = monitor.events()
    assert [e for e in events if e["type"] == "source_broken"] == []
    changes = sorted(
        (e["details"]["field"], e["details"]["from"], e["details"]["to"], e["details"]["direction"], e["severity"])
        for e in events
        if e["type"] == "rating_change"
    )
    assert changes == [
        ("care_leavers", "inadequate", "outstanding", "better", "normal"),
        ("help_and_protection", "inadequate", "requires improvement", "better", "normal"),
        ("impact_of_leaders", "inadequate", "good", "better", "normal"),
        ("in_care", "inadequate", "good", "better", "normal"),
    ], changes
    documents = {d["key"]: d for d in monitor.documents()}
    meta = documents["50310001"]["meta"]
    assert "read_warning" not in meta
    assert "overall" not in meta["judgements"]
    assert meta["framework"] == "ilacs-2026"
    assert meta["verdict_sources"]["in_care"] == {"page": 1, "text": f"{FULL['in_care']} Good"}
    assert verdict_of(OFSTED, meta) == {k: v.lower().replace(" to be good", "") for k, v in better.items()}
