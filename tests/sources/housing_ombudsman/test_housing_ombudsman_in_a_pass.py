"""The housing_ombudsman kind through `monitor run`: the real command, the real local server, a
real SQLite file and a real SMTP server. Day 1 the Ombudsman lists two Harrow decisions (and one
about another landlord whose text mentions Harrow): a quiet baseline. Day 2 a severe
maladministration decision about Harrow appears: one new_document carrying the determination,
and an urgent alert that quotes the finding."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from harness import Monitor
from scenario_sites import MailCatcher, config_yaml

# not `from conftest import FIXTURES`: tests/faults has a conftest of its own, and in a
# whole-suite run the name `conftest` may be that one
FIXTURES = Path(__file__).parent / "fixtures"

DIR = FIXTURES
HARROW = "London Borough of Harrow"
DAY1 = [("202430466", "28 November 2025"), ("202305653", "20 December 2024")]
NEW = ("202344547", "21 October 2024")


@pytest.fixture
def mail():
    catcher = MailCatcher().start()
    yield catcher
    catcher.stop()


def listing(decisions: list[tuple[str, str]]) -> str:
    cards = "".join(
        f'<article class="decision"><h2><a href="/decisions/london-borough-of-harrow-{ref}/">{HARROW} ({ref})</a></h2>'
        f'<p class="date">{when}</p></article>'
        for ref, when in decisions
    )
    other = ('<article class="decision"><h2><a href="/decisions/peabody-trust-202411111/">Peabody Trust (202411111)</a>'
             '</h2><p class="date">1 December 2025</p></article>')
    return f"<html><body><main><h1>Decisions</h1><p>{len(decisions) + 1} results</p>{cards}{other}</main></body></html>"


def serve(server, decisions: list[tuple[str, str]]) -> None:
    for ref, _ in decisions:
        server.add(f"/decisions/london-borough-of-harrow-{ref}/", (DIR / f"london-borough-of-harrow-{ref}.html").read_bytes())
    server.add("/decisions/", listing(decisions))


def test_a_severe_maladministration_decision_about_harrow(server, mail, tmp_path):
    yaml = f"""  - name: housing-ombudsman-harrow
    kind: housing_ombudsman
    base_url: {server.url}
    landlords: [London Borough of Harrow, Harrow Council]
"""
    monitor = Monitor(tmp_path, config_yaml(yaml, mail.port))

    serve(server, DAY1)
    code, out, err = monitor.run("run")
    assert code == 0, out + err
    events = monitor.events()
    baseline = [e for e in events if e["type"] == "new_document"]
    assert sorted(e["document_key"] for e in baseline) == ["202305653", "202430466"]
    assert all(e["severity"] == "info" and e["details"]["baseline"] for e in baseline)
    assert all(e["severity"] == "info" for e in events)
    assert mail.messages == []

    serve(server, [NEW, *DAY1])
    code, out, err = monitor.run("run")
    assert code == 0, out + err
    today = [e for e in monitor.events() if e["severity"] != "info"]
    assert {e["document_key"] for e in today} == {"202344547"}
    (new,) = [e for e in today if e["type"] == "new_document"]
    assert (new["title"], new["url"], new["details"]["published"], new["details"]["kind"], new["source_kind"]) == (
        f"{HARROW} (202344547)", f"{server.url}/decisions/london-borough-of-harrow-202344547/", "2024-10-21", "decision",
        "housing_ombudsman")
    meta = new["details"]["meta"]
    assert meta["decision"] == "Severe maladministration"
    assert meta["determinations"] == ["Severe maladministration", "Maladministration"]
    assert meta["findings"][0] == {"complaint": "handling of the resident's reports of defective windows",
                                   "finding": "Severe maladministration"}
    assert (meta["landlord"], meta["reference"], meta["decision_date"], meta["compensation_total"]) == (
        HARROW, "202344547", "2024-10-21", 2150)
    assert meta["headline"][0]["text"].startswith("In accordance with paragraph 52 of the Housing Ombudsman Scheme there was "
                                                  "severe maladministration")
    phrases = [e for e in today if e["type"] == "phrase_match"]
    assert [e["details"]["phrase"] for e in phrases] == ["maladministration"]
    assert phrases[0]["severity"] == "urgent"
    quotes = [q["text"] for q in phrases[0]["details"]["quotes"]]
    assert any("there was severe maladministration in the landlord's handling" in q for q in quotes), quotes

    assert len(mail.messages) == 1
    parsed = email.message_from_bytes(mail.messages[0]["data"], policy=email.policy.default)
    body = parsed.get_body(("plain",)).get_content()
    assert "202344547" in " ".join(str(parsed["Subject"]).split())
    assert "severe maladministration in the landlord's handling" in " ".join(body.split())

    # a third pass with nothing new: no new alert, no removal for the window
    code, out, err = monitor.run("run")
    assert code == 0, out + err
    assert len(mail.messages) == 1
    assert not [e for e in monitor.events() if e["type"] == "removed"]
