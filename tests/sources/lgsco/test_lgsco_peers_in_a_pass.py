"""Peer context through `monitor run`: the Ombudsman's yearly statistics say where Harrow's
record stands, and the alert (and the digest) about a new upheld decision carry that sentence.

One local server plays the Ombudsman's site: the decision search and pages (the scenario's
day 1 and day 2), the annual review reports page and its complaints-decided CSV."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from harness import Monitor
from publisher_server import PublisherServer
from scenario_sites import MailCatcher, config_yaml, lgsco_site

from monitor.sources.lgsco.peers_source import STATISTICS_PATH

FIXTURES = Path(__file__).parent / "fixtures"
FILE = "/assets/attach/6971/2-Complaints-Decided-24-25.csv"
SENTENCE = (
    "In 2024-25 the Ombudsman upheld 75% of the 24 complaints about Harrow it investigated; across London "
    "boroughs it upheld 69%, and across 9 of Harrow's 10 statistical neighbours with figures 65% (the "
    "Ombudsman's statistics of complaints decided, 2024-25)."
)


def test_an_upheld_decision_is_told_with_the_councils_record_beside_its_peers(tmp_path):
    mail = MailCatcher().start()
    try:
        with PublisherServer() as server:
            site = lgsco_site(server)
            site.day1()
            server.add(STATISTICS_PATH, (FIXTURES / "annual_review_reports.html").read_text(encoding="utf-8"))
            server.add(FILE, (FIXTURES / "complaints_decided_2024-25.csv").read_bytes(), content_type="text/csv")
            peers = f"""  - name: ombudsman-national-context
    kind: lgsco_peers
    council: Harrow
    base_url: {server.url}
    context_for: harrow-ombudsman
"""
            monitor = Monitor(tmp_path, config_yaml(site.source_yaml + peers, smtp_port=mail.port))
            code, out, err = monitor.run("run")
            assert code == 0, out + err
            site.day2()
            code, out, err = monitor.run("run")
            assert code == 0, out + err
            code, out, err = monitor.run("run")  # the same figures are not recorded again
            assert code == 0, out + err
        events = monitor.events()
        (context,) = [e for e in events if e["type"] == "peer_context"]
        assert context["severity"] == "info"
        assert context["details"]["code"] == "HRW" and context["details"]["rate"] == 75.0
        assert context["details"]["context_for"] == "harrow-ombudsman"
        (new,) = [e for e in events if e["type"] == "new_document" and e["document_key"] == site.new.key]
        assert new["severity"] == "urgent"
        assert new["details"]["peer_context"] == SENTENCE
        # a decision that is not upheld carries no context
        closed = [e for e in events if e["type"] == "new_document" and e["details"]["meta"].get("decision") != "Upheld"]
        assert closed and all("peer_context" not in e["details"] for e in closed)

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
