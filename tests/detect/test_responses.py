"""The council's answer, linked to the finding: `response` events through `monitor run`.

One local server plays Ofsted (a provider page with the January 2025 inspection, published
4 March 2025), the Ombudsman (decision 22 016 751 of 8 December 2023) and Harrow's ModernGov
(Cabinet). Cabinet papers:

- 24 July 2025, "Council response to the recent inspection of local authority children's
  services": names the inspection and quotes the Ombudsman reference -> two responses;
- 14 March 2024, a budget paper that says schools are "rated good by Ofsted", a year before
  the inspection -> no response (too early, and a bare "Ofsted" is not the inspection);
- 24 July 2025, a performance report that mentions "the 2020 inspection" of children's
  services -> no response to the 2025 inspection (the date it names is another one's).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import Monitor
from pdfs import make_pdf
from publisher_server import PublisherServer
from scenario_sites import (
    INADEQUATE,
    Decision,
    config_yaml,
    ilacs_report,
    lgsco_page,
    lgsco_search,
    mg_meeting,
    mg_meetings,
    ofsted_page,
)

PDF = "application/pdf"
XML = "text/xml; charset=utf-8"
TODAY = "2025-08-01"

DECISION = Decision(
    "22 016 751", "Children's care services", "Child protection", "Upheld", "08-Dec-2023", "08 Dec 2023",
    "Mrs X complained the Council failed to properly investigate child protection concerns.",
    ["I have completed my investigation. There was fault causing injustice to Mrs X."],
)
UNANSWERED = Decision(
    "24 999 001", "Adult care services", "Charging", "Upheld", "20-Mar-2025", "20 Mar 2025",
    "Mrs W complained about charges for her care. The Council has agreed to refund £800.",
    ["There was fault causing injustice to Mrs W."],
)
OTHER_DECISION = Decision(
    "23 001 002", "Housing", "Allocations", "Not upheld", "01-Feb-2024", "01 Feb 2024",
    "Mr Z complained about his housing band. We found no fault.", ["There was no fault by the Council."],
)

RESPONSE_PAPER = [
    "Council Response to the Recent Inspection of Local Authority Children's Services\n"
    "Report of the Corporate Director, People.\n"
    "This report sets out the council's response to the inspection of local authority children's services "
    "carried out by Ofsted between 20 and 24 January 2025.",
    "The Ombudsman's decision in complaint 22 016 751 found fault in how child protection concerns were "
    "investigated; the improvement plan includes the remedy agreed.\n"
    "Members are asked to note the improvement plan.",
]
BUDGET_PAPER = [
    "Revenue Budget 2024/25\nThe budget protects frontline services.",
    "Over 90% of Harrow schools are rated good or outstanding by Ofsted. Members are asked to approve the budget.",
]
PERFORMANCE_PAPER = [
    "Quarter 1 Performance Report\nMost indicators are on target.",
    "Children's services were judged good by Ofsted at the January 2020 inspection of local authority children's "
    "services. Caseloads remain stable.",
]


def serve(server: PublisherServer) -> None:
    base = server.url
    server.add("/provider/44/80499", ofsted_page(base, [("50270419", "Children's services inspection", "04 March 2025")]))
    server.add(
        "/v1/file/50270419",
        ilacs_report(INADEQUATE, "20 to 24 January 2025", "Jane Example", ["Leaders have not acted on known risks."]),
        content_type=PDF,
    )
    for d in (DECISION, OTHER_DECISION, UNANSWERED):
        server.add(d.path, lgsco_page(d))
    server.add("/Decisions/SearchResults", lgsco_search([UNANSWERED, OTHER_DECISION, DECISION]))
    papers = {300001: RESPONSE_PAPER, 300002: BUDGET_PAPER, 300003: PERFORMANCE_PAPER}
    for aid, pages in papers.items():
        server.add(f"/mgConvert2PDF.aspx?ID={aid}", make_pdf(pages), content_type=PDF)
    server.add(
        "/mgWebService.asmx/GetMeetings",
        mg_meetings([(65000, "14/03/2024"), (66000, "24/07/2025")]),
        content_type=XML,
    )
    server.add(
        "/mgWebService.asmx/GetMeeting?lMeetingId=65000",
        mg_meeting(base, 65000, "14/03/2024", [("5", "Revenue Budget 2024/25", [(300002, "Revenue Budget 2024-25 report", "06/03/2024")])]),
        content_type=XML,
    )
    server.add(
        "/mgWebService.asmx/GetMeeting?lMeetingId=66000",
        mg_meeting(
            base,
            66000,
            "24/07/2025",
            [
                ("6", "Council Response to the Recent Inspection of Local Authority Children's Services",
                 [(300001, "Council response to the recent inspection of local authority children's services", "16/07/2025")]),
                ("7", "Quarter 1 Performance Report", [(300003, "Q1 Performance Report", "16/07/2025")]),
            ],
        ),
        content_type=XML,
    )


def sources(base: str) -> str:
    return f"""  - name: ofsted-harrow
    kind: ofsted
    base_url: {base}
    providers:
      - urn: 80499
  - name: ombudsman-harrow
    kind: lgsco
    base_url: {base}
    authority: London Borough of Harrow
  - name: harrow-cabinet
    kind: moderngov
    base_url: {base}
    committees: [249]
    meeting_packs: false
    days_back: 600
"""


@pytest.fixture
def monitor(tmp_path: Path):
    with PublisherServer() as server:
        serve(server)
        mon = Monitor(tmp_path, config_yaml(sources(server.url)))
        code, out, err = mon.run("run", env={"MONITOR_TODAY": TODAY})
        assert code == 0, out + err
        yield mon


def responses_of(monitor: Monitor) -> list[dict]:
    return [e for e in monitor.events() if e["type"] == "response"]


def test_a_cabinet_paper_answering_an_inspection_and_a_decision_gives_two_responses(monitor):
    events = responses_of(monitor)
    assert {(e["document_key"], e["details"]["finding"]["key"]) for e in events} == {
        ("s300001", "50270419"),
        ("s300001", "22 016 751"),
    }
    by_finding = {e["details"]["finding"]["key"]: e for e in events}
    ofsted = by_finding["50270419"]
    assert ofsted["source"] == "harrow-cabinet"
    assert ofsted["severity"] == "normal"
    assert ofsted["details"]["finding"] == {
        "source": "ofsted-harrow",
        "key": "50270419",
        "title": "London Borough of Harrow: Children's services inspection",
        "published": "2025-03-04",
    }
    assert ofsted["details"]["days_after"] == 134  # 4 March -> 16 July 2025, the paper's publication date
    assert ofsted["details"]["rule"] == "topic"
    assert ofsted["details"]["mentions"] == [
        {"text": "Council Response to the Recent Inspection of Local Authority Children's Services "
                 "Report of the Corporate Director, People.", "page": 1},
        {"text": "This report sets out the council's response to the inspection of local authority children's services "
                 "carried out by Ofsted between 20 and 24 January 2025.", "page": 1},
    ]
    assert ofsted["summary"].startswith("Cabinet, 24 Jul 2025: Council response to the recent inspection")
    assert ofsted["summary"] == (
        "Cabinet, 24 Jul 2025: Council response to the recent inspection of local authority children's services "
        "(16 July 2025) answers Ofsted's \u201cLondon Borough of Harrow: Children's services inspection\u201d, published 4 March 2025"
    )
    ombudsman = by_finding["22 016 751"]
    assert ombudsman["details"]["rule"] == "reference"
    assert ombudsman["details"]["days_after"] == 586  # 8 December 2023 -> 16 July 2025
    assert ombudsman["details"]["mentions"] == [
        {
            "text": "The Ombudsman's decision in complaint 22 016 751 found fault in how child protection concerns were "
            "investigated; the improvement plan includes the remedy agreed.",
            "page": 2,
        }
    ]


def test_papers_that_only_mention_ofsted_in_passing_or_another_inspection_answer_nothing(monitor):
    keys = {e["document_key"] for e in responses_of(monitor)}
    assert "s300002" not in keys, "a budget paper a year before the inspection, 'rated good by Ofsted'"
    assert "s300003" not in keys, "names the January 2020 inspection, not the 2025 one"


def test_a_second_pass_links_nothing_twice(monitor):
    before = len(responses_of(monitor))
    code, out, err = monitor.run("run", env={"MONITOR_TODAY": TODAY})
    assert code == 0, out + err
    assert len(responses_of(monitor)) == before


def test_monitor_responses_json_lists_each_finding_with_its_answers(monitor):
    report = monitor.json("responses", env={"MONITOR_TODAY": "2025-08-01"})
    by_key = {row["finding"]["key"]: row for row in report}
    # the decision of 1 February 2024 nobody answered is past the year an answer is expected
    # in (settings.responses.horizon_days); the one of 8 December 2023 was answered, so it stays
    assert set(by_key) == {"50270419", "22 016 751", "24 999 001"}
    ofsted = by_key["50270419"]
    assert ofsted["finding"] == {
        "source": "ofsted-harrow",
        "key": "50270419",
        "title": "London Borough of Harrow: Children's services inspection",
        "published": "2025-03-04",
    }
    assert ofsted["responses"] == [
        {
            "source": "harrow-cabinet",
            "key": "s300001",
            "title": "Cabinet, 24 Jul 2025: Council response to the recent inspection of local authority children's services",
            "published": "2025-07-16",
            "days_after": 134,
        }
    ]
    assert ofsted["unanswered_days"] is None
    assert ofsted["expects_answer"] is True
    assert by_key["24 999 001"]["responses"] == []
    assert by_key["24 999 001"]["expects_answer"] is True
    assert by_key["24 999 001"]["unanswered_days"] == 134  # 20 March -> 1 August 2025
    assert by_key["22 016 751"]["unanswered_days"] is None and by_key["22 016 751"]["responses"]

    # --all: the older one too, no longer counted as waiting
    everything = {row["finding"]["key"]: row for row in monitor.json("responses", "--all", env={"MONITOR_TODAY": TODAY})}
    assert set(everything) == {"50270419", "22 016 751", "23 001 002", "24 999 001"}
    assert everything["23 001 002"]["responses"] == []
    assert everything["23 001 002"]["expects_answer"] is False
    assert everything["23 001 002"]["unanswered_days"] is None
    code, out, _ = monitor.run("responses", "--all", env={"MONITOR_TODAY": TODAY})
    assert code == 0
    assert "no answer yet (134 days)" in out and "no answer (no longer expected)" in out
    assert "547" not in out


def test_the_horizon_is_a_setting(monitor):
    text = monitor.config_path.read_text().replace("settings:\n", "settings:\n  responses: {horizon_days: 600}\n", 1)
    monitor.write_config(text)
    by_key = {row["finding"]["key"]: row for row in monitor.json("responses", env={"MONITOR_TODAY": TODAY})}
    assert by_key["23 001 002"]["unanswered_days"] == 547  # 1 February 2024 -> 1 August 2025
    assert by_key["23 001 002"]["expects_answer"] is False, "a complaint not upheld asks nothing of the council"
    code, out, _ = monitor.run("responses", env={"MONITOR_TODAY": TODAY})
    assert "no answer (none asked for)" in out


def test_the_digest_shows_the_answer_and_the_findings_nobody_answered(monitor):
    code, out, err = monitor.run("digest")
    assert code == 0, err
    (today,) = (monitor.data_dir / "digests").glob("*.md")
    text = today.read_text()
    assert "  - It answers “London Borough of Harrow: Children's services inspection”, published 4 March 2025, 134 days later." in text
    # on 1 August 2025 the upheld charging decision of 20 March had no answer for 134 days;
    # the decision not upheld is not flagged
    code, out, err = monitor.run("digest", "--date", "2025-08-01")
    assert code == 0, err
    text = (monitor.data_dir / "digests" / "2025-08-01.md").read_text()
    assert "No answer yet from the council to the March 2025 Ombudsman decision." in text
    assert "## Findings the council has not answered" in text
    assert (
        "- The Ombudsman: “London Borough of Harrow (24 999 001): Upheld”, published 20 March 2025. "
        "No council paper has referred to it in 134 days." in text
    )
    assert "ombudsman-harrow" not in text
    assert "23 001 002" not in text
    html = (monitor.data_dir / "digests" / "2025-08-01.html").read_text()
    assert "<h2>Findings the council has not answered</h2>" in html
