"""`monitor responses` lists findings about the council the configuration watches, never
another council's notice found by a national search (monitor/councils.py), through the real
`monitor run` and `monitor responses` against the local publisher server.

The national search is the GOV.UK scenario's: every DfE improvement notice "issued to" any
council, which stores Havering's (March 2024), Cheshire East's (May 2024) and Harrow's (June
2025). The watched council is Harrow: named by the Ombudsman source's `authority` setting, or
stated in the meta of the Ofsted report the monitor read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import Monitor
from publisher_server import PublisherServer
from scenario_sites import (
    INADEQUATE,
    config_yaml,
    govuk_site,
    ilacs_report,
    lgsco_page,
    lgsco_search,
    ofsted_page,
)
from test_responses import UNANSWERED

from monitor.councils import about_watched, core_name, named_in

PDF = "application/pdf"
TODAY = "2025-08-01"
HARROW_NOTICE = "/government/publications/improvement-notice-issued-to-london-borough-of-harrow-june-2025"


def run(tmp_path: Path, server: PublisherServer, sources: str) -> Monitor:
    monitor = Monitor(tmp_path, config_yaml(sources))
    code, out, err = monitor.run("run", env={"MONITOR_TODAY": TODAY})
    assert code == 0, out + err
    return monitor


def keys(monitor: Monitor, *args: str) -> set[str]:
    return {row["finding"]["key"] for row in monitor.json("responses", *args, env={"MONITOR_TODAY": TODAY})}


@pytest.fixture
def national(tmp_path):
    with PublisherServer() as server:
        site = govuk_site(server)
        site.day2()
        yield server, site.source_yaml


def test_a_council_named_in_the_settings_leaves_out_other_councils_notices(national, tmp_path):
    server, govuk_yaml = national
    server.add("/Decisions/SearchResults", lgsco_search([UNANSWERED]))
    server.add(UNANSWERED.path, lgsco_page(UNANSWERED))
    monitor = run(tmp_path, server, govuk_yaml + f"""  - name: ombudsman-harrow
    kind: lgsco
    base_url: {server.url}
    authority: London Borough of Harrow
""")
    stored = {d["key"] for d in monitor.documents()}
    assert {HARROW_NOTICE, "24 999 001"} < stored and len(stored) == 4  # Havering's and Cheshire East's too
    # --all: age is no reason to leave them out here; the council is
    assert keys(monitor, "--all") == {HARROW_NOTICE, "24 999 001"}
    assert keys(monitor) == {HARROW_NOTICE, "24 999 001"}
    code, out, _ = monitor.run("responses", "--all", env={"MONITOR_TODAY": TODAY})
    assert "Havering" not in out and "Cheshire" not in out and "Harrow" in out


def test_a_council_stated_by_a_report_is_watched_too(national, tmp_path):
    server, govuk_yaml = national
    server.add("/provider/44/80499", ofsted_page(server.url, [("50270419", "Children's services inspection", "04 March 2025")]))
    server.add("/v1/file/50270419", ilacs_report(INADEQUATE, "20 to 24 January 2025", "Jane Example", ["Leaders have not acted."]),
               content_type=PDF)
    monitor = run(tmp_path, server, govuk_yaml + f"""  - name: ofsted-harrow
    kind: ofsted
    base_url: {server.url}
    providers:
      - urn: 80499
""")
    ofsted = next(d for d in monitor.documents() if d["key"] == "50270419")
    assert ofsted["meta"]["local_authority"] == "Harrow"
    assert keys(monitor, "--all") == {HARROW_NOTICE, "50270419"}


def test_with_no_council_known_nothing_is_left_out(national, tmp_path):
    server, govuk_yaml = national
    monitor = run(tmp_path, server, govuk_yaml)
    assert len(keys(monitor, "--all")) == 3


def test_council_names():
    assert core_name("London Borough of Harrow") == core_name("Harrow Council") == core_name("Harrow") == "harrow"
    assert core_name("Royal Borough of Kingston upon Thames") == "kingston upon thames"
    assert core_name("City of York Council") == "york" and core_name("Kent County Council") == "kent"
    assert core_name("london-borough-of-harrow") == "harrow"  # a slug, as lgsco_performance's council
    assert named_in("Improvement notice issued to Halton Borough Council: February 2025") == {"halton"}
    assert named_in("Improvement notice issued to London Borough of Havering: March 2024") == {"havering"}
    assert named_in("Improvement notice issued to Cheshire East Council: May 2024") == {"cheshire east"}
    assert named_in("The Council has agreed to pay £500") == set()
    assert named_in("Children's services inspection") == set()
    watched = {"harrow"}
    assert about_watched("London Borough of Harrow (24 012 792)", {"authority": "London Borough of Harrow"}, watched)
    assert not about_watched("Decision 24 000 001", {"authority": "London Borough of Brent"}, watched)
    assert not about_watched("Improvement notice issued to Halton Borough Council", {}, watched)
    assert about_watched("Improvement notice", {"publication_title": "Improvement notice issued to Harrow Council"}, watched)
    assert about_watched("Notice to Royal Borough of Kingston upon Thames", {}, {"kingston"})
    assert about_watched("A report that names no council", {}, watched)
    assert about_watched("Improvement notice issued to Halton Borough Council", {}, set())
