"""The Harrow story the golden files and the docs' screenshots are built from: Ofsted judged
Harrow's children's services good in 2020 and inadequate in 2025; the Ombudsman upheld a
complaint about looked-after children; the Department for Education issued an improvement
notice; the council's cabinet answered with an action plan.

- The 2020 report is the real one (../shared/fixtures/ofsted/reports/ilacs-80499-2020.pdf,
  published 16 March 2020, overall good).
- The 2025 report is drawn here with the real report's grades, dates and inspector
  (../shared/fixtures/ofsted/NOTES.md: file 50270419, published 4 March 2025, inspected 20 to
  24 January 2025 by Rebekah Tucker; impact of leaders requires improvement to be good, help
  and protection good, children in care good, care leavers inadequate, overall inadequate); its
  prose on page 2 is written here, not quoted from the report.
- The Ombudsman's decisions, the notice and the committee papers are the scenario publishers'
  (tests/support/scenario_sites.py), the upheld decision modelled on the real 24 012 792.

Two passes through the real `monitor` command (day 1: the 2020 report and the first decisions;
day 2: the 2025 report, the upheld decision, the notice and the action plan), then
`monitor site`. Needs ../shared/fixtures: the caller skips when it is absent."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from harness import Monitor
from publisher_server import PublisherServer
from scenario_sites import PDF, config_yaml, govuk_site, ilacs_report, lgsco_site, moderngov_site, ofsted_page
from site_record import Record, opened_store

from monitor.site.builder import build_from_data
from monitor.site.data import load

REPORT_2020 = ("50149055", "Children's services inspection", "16 March 2020")
REPORT_2025 = ("50270419", "Children's services inspection", "04 March 2025")
GRADES_2025 = {
    "overall": "Inadequate",
    "impact_of_leaders": "Requires improvement to be good",
    "help_and_protection": "Good",
    "in_care": "Good",
    "care_leavers": "Inadequate",
}
PROSE_2025 = [
    "Care leavers do not get the help they need to find safe and suitable homes.",
    "Leaders have not acted quickly enough on what they know about the service.",
]


def build_story(tmp: Path, shared_fixtures: Path) -> Record:
    """Two passes of the Harrow story, then `monitor site --out tmp/site`."""
    real_2020 = (shared_fixtures / "ofsted" / "reports" / "ilacs-80499-2020.pdf").read_bytes()
    drawn_2025 = ilacs_report(GRADES_2025, "20 to 24 January 2025", "Rebekah Tucker", PROSE_2025)
    with PublisherServer() as server:
        base = server.url
        server.add(f"/v1/file/{REPORT_2020[0]}", real_2020, content_type=PDF)
        server.add(f"/v1/file/{REPORT_2025[0]}", drawn_2025, content_type=PDF)
        others = {"lgsco": lgsco_site(server), "govuk": govuk_site(server), "moderngov": moderngov_site(server)}
        ofsted_yaml = f"""  - name: harrow-ofsted
    kind: ofsted
    base_url: {base}
    providers:
      - urn: 80499
"""
        env: dict[str, str] = {}
        for site in others.values():
            env.update(site.env)
        yaml = ofsted_yaml + "".join(site.source_yaml for site in others.values())
        # answers are looked for over 400 days: the action plan of March 2026 answers the
        # inspection of March 2025
        config = config_yaml(yaml).replace("settings:\n", "settings:\n  responses:\n    window_days: 400\n", 1)
        monitor = Monitor(tmp, config)
        server.add("/provider/44/80499", ofsted_page(base, [REPORT_2020]))
        for site in others.values():
            site.day1()
        code, out, err = monitor.run("run", env=env)
        assert code == 0, out + err
        server.add("/provider/44/80499", ofsted_page(base, [REPORT_2025, REPORT_2020]))
        for site in others.values():
            site.day2()
        code, out, err = monitor.run("run", env=env)
        assert code == 0, out + err
        code, site_out, err = monitor.run("site", "--out", str(tmp / "site"))
        assert code == 0, site_out + err
        return Record(monitor, {**others}, tmp / "site", monitor.documents(), monitor.events(), site_out)


def publisher_url(record: Record) -> str:
    """The address the story's publishers were served from (this machine's, in a test)."""
    return next(site.server.url for site in record.sites.values())


#: the day the story's site is built for in the golden files and screenshots
BUILT_AT = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
#: the real reports beside this checkout (tests/conftest.py SHARED_FIXTURES)
SHARED = Path(__file__).resolve().parents[3] / "shared" / "fixtures"


def story_site(tmp: Path) -> tuple[Record, Path]:
    """The story through the real command, and its site built again as of BUILT_AT into
    tmp/golden-site (so "unanswered for N days" reads the same every run); skips when
    ../shared/fixtures is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared/fixtures is not present beside this checkout")
    record = build_story(tmp, SHARED)
    out = tmp / "golden-site"
    with opened_store(record) as store:
        with store.session() as session:
            data = load(session)
        build_from_data(data, out, store.blobs.path_for, built_at=BUILT_AT)
    return record, out
