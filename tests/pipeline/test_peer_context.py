"""Peer context through `monitor run`: Ofsted's statistics say where Harrow's grade stands, and
the alert for Harrow's grade falling to inadequate carries that sentence.

One local server plays reports.ofsted.gov.uk (the scenario's provider page and PDFs) and
GOV.UK (the statistics release found through the Search and Content APIs, its ODS data file
built with the 2026 edition's sheets and heading row)."""

from __future__ import annotations

import email
import email.policy

from harness import Monitor
from publisher_server import PublisherServer
from scenario_sites import MailCatcher, config_yaml, ofsted_site
from statistics_release import AS_AT, HISTORY, ODS_PATH, ODS_TYPE, attachment, govuk, make_ods

ENFIELD = ["E09000010", "Enfield", "London", "Short", "d2023-11-10", "d2023-12-19", "Inadequate", "", "", "", ""]
SENTENCE = (
    "Nationally, 2 of 3 councils' children's services are graded inadequate; in London, Harrow is one of "
    "2 of 3 councils graded inadequate (Local authority inspection outcomes as at 31 March 2026)."
)


def test_a_falling_grade_is_told_with_its_national_and_regional_context(tmp_path):
    mail = MailCatcher().start()
    try:
        with PublisherServer() as server:
            site = ofsted_site(server)
            site.day1()
            server.add(ODS_PATH, make_ods({"Inspections_as_at_31_March": [*AS_AT, ENFIELD], "ILACS_inspection_history": HISTORY}), content_type=ODS_TYPE)
            govuk(server, [attachment(server, ODS_PATH, ODS_TYPE)])
            peers = f"""  - name: ofsted-peers
    kind: ofsted_peers
    base_url: {server.url}
    council: Harrow
    context_for: harrow-ofsted
"""
            monitor = Monitor(tmp_path, config_yaml(site.source_yaml + peers, smtp_port=mail.port))
            code, out, err = monitor.run("run")
            assert code == 0, out + err
            site.day2()
            code, out, err = monitor.run("run")
            assert code == 0, out + err
            code, out, err = monitor.run("run")  # the same picture is not recorded twice
            assert code == 0, out + err
        events = monitor.events()
        (context,) = [e for e in events if e["type"] == "peer_context"]
        assert context["severity"] == "info"
        assert context["details"]["counts"] == {"outstanding": 0, "good": 1, "requires improvement": 0, "inadequate": 2}
        assert context["details"]["context_for"] == "harrow-ofsted"
        overall = [e for e in events if e["type"] == "rating_change" and e["details"]["field"] == "overall"]
        (change,) = overall
        assert change["details"]["peer_context"] == SENTENCE
        others = [e for e in events if e["type"] == "rating_change" and e["details"]["field"] != "overall"]
        assert others and all("peer_context" not in e["details"] for e in others)
        assert len(mail.messages) == 1
        parsed = email.message_from_bytes(mail.messages[0]["data"], policy=email.policy.default)
        text = parsed.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert f"In context: {SENTENCE}" in text
        code, out, _ = monitor.run("check-config", "--verbose")  # how the statistics are read: a note for developers
        assert "\n- ofsted-peers:" in out
        # the site's overview puts Harrow's grade in the same context
        index = (monitor.data_dir / "site" / "index.html").read_text()
        assert f"In context: {SENTENCE}" in index.replace("&#39;", "'")
    finally:
        mail.stop()
