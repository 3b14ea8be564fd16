"""A monitoring visit letter through `monitor run`: the email quotes its headline finding.

The real `monitor` command, the real local publisher server playing Ofsted's provider page and
files, a real PDF, a real SQLite file and a real SMTP server. Day 1 the page lists Harrow's
inadequate ILACS report (the baseline); day 2 a monitoring visit letter appears, which has no
grades: its new_document event must carry `details.meta.headline` (the "Headline findings"
sentences with their page) and the alert email must quote them with "p. N".

Needs the pipeline to call monitor.detect.headlines.headline_for for versions without grades
and store the result in meta["headline"] (the lead's change; see docs/publishers/headlines.md).
"""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from harness import Monitor
from pdfs import make_pdf
from scenario_sites import INADEQUATE, PDF, MailCatcher, config_yaml, ilacs_report, ofsted_page

LETTER = (Path(__file__).parent / "fixtures" / "headlines" / "monitoring_visit_2025.txt").read_text().split("\f")
HEADLINE = [
    {"text": "The leaving care service has made significant progress since the inspection in January 2025.", "page": 1},
    {"text": "Leaders have reshaped the service and care leavers now have a consistent personal adviser who knows them well.", "page": 1},
    {
        "text": "However, the quality of pathway plans remains too variable and some care leavers still wait too long for help with housing.",
        "page": 1,
    },
]


@pytest.fixture
def mail():
    catcher = MailCatcher().start()
    yield catcher
    catcher.stop()


def test_monitoring_visit_letter_email_quotes_its_headline(server, mail, tmp_path):
    base = server.url
    ilacs = ("50270419", "Children's services inspection", "04 March 2025")
    visit = ("50290001", "Children's services monitoring visit", "04 November 2025")
    server.add(
        "/v1/file/50270419",
        ilacs_report(INADEQUATE, "20 to 24 January 2025", "Ann Example", ["Care leavers are not kept safe."]),
        content_type=PDF,
    )
    server.add("/v1/file/50290001", make_pdf(LETTER), content_type=PDF)
    server.add("/provider/44/80499", ofsted_page(base, [ilacs]))
    monitor = Monitor(
        tmp_path,
        config_yaml(f"  - name: harrow-ofsted\n    kind: ofsted\n    base_url: {base}\n    providers:\n      - urn: 80499\n", mail.port),
    )

    code, out, err = monitor.run("run")
    assert code == 0, out + err
    day1 = monitor.events()
    assert mail.messages == []

    server.add("/provider/44/80499", ofsted_page(base, [visit, ilacs]))
    code, out, err = monitor.run("run")
    assert code == 0, out + err
    today = monitor.events()[len(day1) :]

    (new,) = [e for e in today if e["type"] == "new_document"]
    assert (new["document_key"], new["details"]["kind"]) == ("50290001", "monitoring visit")
    assert "judgements" not in new["details"]["meta"] or not new["details"]["meta"]["judgements"]
    assert new["details"]["meta"]["headline"] == HEADLINE

    # "judged inadequate" in the opening paragraph makes the pass urgent: one email
    assert len(mail.messages) == 1
    parsed = email.message_from_bytes(mail.messages[0]["data"], policy=email.policy.default)
    text = parsed.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith("Ofsted published Harrow's children's services monitoring visit on 4 November 2025.\n")
    assert "In its own words:\n" + "".join(f'  “{q["text"]}” (p. {q["page"]})\n' for q in HEADLINE) in text
    html = parsed.get_body(("html",)).get_content()
    assert f"“{HEADLINE[0]['text']}” <span class=\"source\">(p. 1)</span>" in html

    # the digest quotes it too
    code, out, err = monitor.run("digest")
    assert code == 0, err
    (md,) = (monitor.data_dir / "digests").glob("*.md")
    assert f'    > “{HEADLINE[0]["text"]}” (p. 1)' in md.read_text(encoding="utf-8")
