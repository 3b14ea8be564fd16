"""Harrow's own sources.yaml through `monitor run`: an Ombudsman housing decision is found.

The repository's sources.yaml is used as shipped, with every source's base_url pointed at one
real local server (and host allow-lists dropped, since everything is on 127.0.0.1). The server
plays only the Ombudsman: the other sources fail on its 404s, which must not hide the
Ombudsman's news. Day 1 is the baseline; on day 2 the Ombudsman publishes a housing
allocations decision and a children's care decision about Harrow. Each is a new_document with
its category and the severity Harrow's `category_severity` gives it: housing normal (the
digest), children's care urgent (emailed at once).
"""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
import yaml
from harness import Monitor
from scenario_sites import LGSCO_DAY1, Decision, MailCatcher, lgsco_page, lgsco_search

REPO_CONFIG = Path(__file__).resolve().parents[2] / "sources.yaml"

HOUSING = Decision(
    "25 006 220", "Housing", "Allocations", "Upheld", "18-Sep-2025", "18 Sep 2025",
    "Mr X complained the Council delayed assessing his housing register application and placed him in the "
    "wrong band. The Council has agreed to apologise, backdate his band and pay him £300.",
    ["I have completed my investigation. The Council was at fault in how it assessed Mr X's application.",
     "The Council has agreed to apologise, backdate his band and pay Mr X £300."],
)
CHILDREN = Decision(
    "24 008 754", "Children's care services", "Disabled children", "Upheld", "17-Sep-2025", "17 Sep 2025",
    "Mr X complained the Council has not taken action to ensure the family has the respite care it is "
    "entitled to. The Council should take action to remedy the injustice caused to Mr X.",
    ["I have completed my investigation. The Council was at fault and has agreed to arrange respite care."],
)


@pytest.fixture
def mail():
    catcher = MailCatcher().start()
    yield catcher
    catcher.stop()


def harrow_config_on(base: str, smtp_port: int) -> str:
    """The repository's sources.yaml, every source on `base`, fast HTTP and a local SMTP server."""
    config = yaml.safe_load(REPO_CONFIG.read_text(encoding="utf-8"))
    config["settings"].update(
        per_host_delay=0, retries=1, retry_backoff=0.01, timeout=5,
        email={"host": "127.0.0.1", "port": smtp_port, "security": "none", "sender": "monitor@example.org",
               "recipients": ["watchdog@example.org"], "timeout": 5},
    )
    for source in config["sources"]:
        source["base_url"] = base
        source.pop("allowed_hosts", None)
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def serve_ombudsman(server, decisions: list[Decision]) -> None:
    for d in decisions:
        server.add(d.path, lgsco_page(d))
    server.add("/Decisions/SearchResults", lgsco_search(decisions))


def new_documents(monitor: Monitor) -> dict[str, dict]:
    return {e["document_key"]: e for e in monitor.events() if e["type"] == "new_document"
            and e["source"] == "ombudsman-harrow"}


def test_an_ombudsman_housing_decision_is_found_under_harrows_defaults(server, mail, tmp_path):
    monitor = Monitor(tmp_path, harrow_config_on(server.url, mail.port))
    code, out, err = monitor.run("check-config")
    assert code == 0, err
    names = [s["name"] for s in yaml.safe_load(monitor.config_path.read_text())["sources"]]
    assert "ombudsman-harrow" in names and len(names) >= 9

    # day 1: the baseline, quietly; the other sources fail on the server's 404s
    serve_ombudsman(server, LGSCO_DAY1)
    # as `make run` runs it: exit 1 only when every source failed
    code, out, err = monitor.run("run", "--fail-only-if-all")
    assert code == 0, out + err
    assert "ombudsman-harrow: ok" in out + err
    day1 = new_documents(monitor)
    assert set(day1) == {d.ref for d in LGSCO_DAY1}
    assert all(e["severity"] == "info" and e["details"]["baseline"] for e in day1.values())
    assert mail.messages == []

    # day 2: a housing allocations decision and a children's care decision appear
    serve_ombudsman(server, [HOUSING, CHILDREN, *LGSCO_DAY1])
    code, out, err = monitor.run("run", "--fail-only-if-all")
    assert code == 0, out + err
    found = {k: e for k, e in new_documents(monitor).items() if k not in day1}
    assert set(found) == {HOUSING.ref, CHILDREN.ref}

    housing = found[HOUSING.ref]
    assert housing["severity"] == "normal" and housing["details"]["baseline"] is False
    assert housing["title"] == f"London Borough of Harrow ({HOUSING.ref}): Upheld"
    assert housing["url"] == f"{server.url}{HOUSING.path}"
    assert housing["details"]["published"] == "2025-09-18"
    assert housing["details"]["kind"] == "decision"
    meta = housing["details"]["meta"]
    assert (meta["category"], meta["subcategory"], meta["decision"], meta["reference"]) == (
        "Housing", "Allocations", "Upheld", HOUSING.ref)
    assert meta["severity"] == "normal"
    assert meta["decision_date"] == "2025-09-18"

    children = found[CHILDREN.ref]
    assert children["severity"] == "urgent"
    assert children["details"]["meta"]["category"] == "Children's care services"
    assert children["details"]["meta"]["severity"] == "urgent"

    # the urgent decision is emailed; the housing one waits for the digest
    subjects = [" ".join(str(email.message_from_bytes(m["data"], policy=email.policy.default)["Subject"]).split())
                for m in mail.messages]
    assert any(CHILDREN.ref in s for s in subjects), subjects
    assert not any(HOUSING.ref in s for s in subjects), subjects

    # the Ombudsman source is healthy although its neighbours on the same host are not
    status = {row["source"]: row for row in monitor.json("status")}
    assert (status["ombudsman-harrow"]["health"], status["ombudsman-harrow"]["documents"]) == ("ok", 5)
    assert status["ombudsman-harrow"]["consecutive_failures"] == 0
    assert status["harrow-council-news"]["health"] == "failing"
