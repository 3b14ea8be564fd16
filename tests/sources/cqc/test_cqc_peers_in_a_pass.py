"""Peer context through `monitor run`: every council's CQC rating says where Harrow's adult
social care stands, and the alert about Harrow's new, worse assessment carries that sentence.

One local server plays www.cqc.org.uk: the list of local authority assessments, Harrow's 2024
assessment (day 1) and a 2026 reassessment rated inadequate (day 2), the "Using CQC data" page
and the all-council ratings file (fixtures/la_assessment_ratings.csv)."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

from harness import Monitor
from publisher_server import PublisherServer
from scenario_sites import MailCatcher, config_yaml, cqc_site

from monitor.sources.cqc.peers_source import LANDING_PATH

FIXTURES = Path(__file__).parent / "fixtures"
ASSESSMENTS = "/care-services/local-authority-assessment-reports"
FILE = "/system/files/2026-08/04_August_2026_local_authority_assessment_ratings.csv"
SENTENCE = (
    "Nationally, 7 of 17 councils assessed by the CQC are rated requires improvement; of Harrow's 10 statistical "
    "neighbours, 9 have been rated: 5 good, 3 requires improvement and 1 inadequate (CQC local authority "
    "assessments, data produced on 4 August 2026)."
)


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def index(*slugs: str) -> str:
    links = "".join(f'<li><a href="{ASSESSMENTS}/{s}">London Borough of Harrow: local authority assessment</a></li>' for s in slugs)
    return f"<html><body><main><h1>Local authority assessment reports</h1><ul>{links}</ul></main></body></html>"


def reassessment() -> str:
    """The 2024 overview page rewritten as a 2026 reassessment rated inadequate (scores all 1)."""
    page = fixture("assessment_overview.html")
    page = page.replace("Published: 15 August 2024", "Published: 20 January 2026")
    page = page.replace("<p>Requires improvement</p>", "<p>Inadequate</p>")
    page = re.sub(r"(<li>- [^<]+ - )\d(</li>)", r"\g<1>1\g<2>", page)
    return re.sub(r"<h2>Theme 1.*?</ul>", "", page, flags=re.S)


def test_a_worse_rating_is_told_with_the_national_picture_and_the_neighbours(tmp_path):
    mail = MailCatcher().start()
    try:
        with PublisherServer() as server:
            server.add(ASSESSMENTS, index("harrow-0824"))
            server.add(f"{ASSESSMENTS}/harrow-0824", fixture("assessment_overview.html"))
            for theme in ("harrow-0824-theme1-needs", "harrow-0824-theme1-support"):
                server.add(f"{ASSESSMENTS}/{theme}", fixture("assessment_theme1_needs.html"))
            server.add(LANDING_PATH, fixture("using_cqc_data_la.html"))
            server.add(FILE, (FIXTURES / "la_assessment_ratings.csv").read_bytes(), content_type="text/csv")
            sources = f"""  - name: cqc-harrow-adult-social-care
    kind: cqc
    council: HRW
    base_url: {server.url}
    local_authority: Harrow
    assessment_url: {ASSESSMENTS}/harrow-0824
  - name: cqc-national-context
    kind: cqc_peers
    council: HRW
    base_url: {server.url}
    context_for: cqc-harrow-adult-social-care
"""
            monitor = Monitor(tmp_path, config_yaml(sources, smtp_port=mail.port))
            code, out, err = monitor.run("run")
            assert code == 0, out + err
            server.add(ASSESSMENTS, index("harrow-0126", "harrow-0824"))
            server.add(f"{ASSESSMENTS}/harrow-0126", reassessment())
            code, out, err = monitor.run("run")
            assert code == 0, out + err
        events = monitor.events()
        (context,) = [e for e in events if e["type"] == "peer_context"]
        assert context["details"]["grade"] == "requires improvement" and context["details"]["code"] == "HRW"
        changes = [e for e in events if e["type"] == "rating_change"]
        (overall,) = [e for e in changes if e["details"]["field"] == "overall"]
        assert (overall["details"]["from"], overall["details"]["to"]) == ("requires improvement", "inadequate")
        assert overall["details"]["peer_context"] == SENTENCE
        assert all("peer_context" not in e["details"] for e in changes if e["details"]["field"] != "overall")

        assert len(mail.messages) == 1
        parsed = email.message_from_bytes(mail.messages[0]["data"], policy=email.policy.default)
        text = parsed.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert f"In context: {SENTENCE}" in " ".join(text.split())
        code, out, err = monitor.run("digest")
        assert code == 0, err
        (md,) = (monitor.data_dir / "digests").glob("*.md")
        assert f"In context: {SENTENCE}" in " ".join(md.read_text(encoding="utf-8").split())
    finally:
        mail.stop()


def test_a_care_homes_rating_is_not_put_in_the_councils_context(tmp_path):
    """The picture is about councils' assessments: a care home's fall to inadequate, watched by
    the same source, is told without it."""
    with PublisherServer() as server:
        site = cqc_site(server)
        site.day1()
        server.add(LANDING_PATH, fixture("using_cqc_data_la.html"))
        server.add(FILE, (FIXTURES / "la_assessment_ratings.csv").read_bytes(), content_type="text/csv")
        peers = f"""  - name: cqc-national-context
    kind: cqc_peers
    council: HRW
    base_url: {server.url}
    context_for: harrow-cqc
"""
        monitor = Monitor(tmp_path, config_yaml(site.source_yaml + peers))
        code, out, err = monitor.run("run", env=site.env)
        assert code == 0, out + err
        site.day2()
        code, out, err = monitor.run("run", env=site.env)
        assert code == 0, out + err
    events = monitor.events()
    assert [e["type"] for e in events].count("peer_context") == 1
    (overall,) = [e for e in events if e["type"] == "rating_change" and e["details"]["field"] == "overall"]
    assert overall["details"]["to"] == "inadequate"
    assert "peer_context" not in overall["details"]
