"""Two stories told by the real monitor, for the golden files of tests/deliver/fixtures/.

The Harrow story: day 1 Ofsted's provider page lists Harrow's real 2020 inspection (the PDF
from ../shared/fixtures, overall good, published 16 March 2020); day 2 it lists the 2025
inspection, published 4 March 2025 with the real 2025 grades (overall inadequate, impact of
leaders requires improvement to be good, help and protection good, children in care good,
care leavers inadequate), drawn by us since the 2025 PDF is not among the shared fixtures.

The Ombudsman story: day 1 the search lists three older decisions; day 2 the real decision
24 012 792 (upheld, 28 July 2025) appears, with its real summary and a statement that words
its £500 remedy a second way.

Each story runs the real `monitor` command against the local publisher server with a real
SMTP server and returns the events (`monitor events --json`) and the alert emails received.
`normalised` makes them stable (fixed times on the story's day, the publishers' real hosts in
place of the local server's address) so they can be frozen as fixtures:

    PYTHONPATH=. .venv/bin/python tests/deliver/stories.py

writes tests/deliver/fixtures/<story>/events.json; the golden files are then rendered from
those by `REGENERATE_GOLDEN=1 pytest tests/deliver/test_stories.py`.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "support"))

from harness import Monitor  # noqa: E402
from publisher_server import PublisherServer  # noqa: E402
from scenario_sites import (  # noqa: E402
    LGSCO_DAY1,
    PDF,
    Decision,
    MailCatcher,
    config_yaml,
    ilacs_report,
    lgsco_page,
    lgsco_search,
    ofsted_page,
)

FIXTURES = HERE / "fixtures"
SHARED = HERE.parents[2] / "shared" / "fixtures"
HARROW_2020 = SHARED / "ofsted" / "reports" / "ilacs-80499-2020.pdf"

#: the 2025 grades of Harrow's children's services, as published on 4 March 2025
GRADES_2025 = {
    "impact_of_leaders": "Requires improvement to be good",
    "help_and_protection": "Good",
    "in_care": "Good",
    "care_leavers": "Inadequate",
    "overall": "Inadequate",
}
FINDINGS_2025 = [
    "Services for children in care and care leavers have declined since the last inspection in 2020.",
    "Support for care leavers, which is currently inadequate, does not meet their needs.",
    "Too many care leavers live in unsuitable accommodation and do not have up-to-date pathway plans.",
    "Leaders have not acted quickly enough on what they knew about the care leavers service.",
]
#: the real decision 24 012 792 (../shared/fixtures/lgsco/page_text_excerpts)
DECISION = Decision(
    "24 012 792",
    "Children's care services",
    "Looked after children",
    "Upheld",
    "28-Jul-2025",
    "28 Jul 2025",
    "Miss Y complains the Council did not properly investigate the injuries her child obtained whilst in "
    "Council arranged foster care. We find procedural fault which creates uncertainty about the Council's "
    "consideration of the injuries. The Council will pay £500 in recognition of that distress and remind staff "
    "of the protocols when considering allegations made against those working with children.",
    [
        "Miss Y complains about failures in the Council's investigation after her child sustained injuries in "
        "foster care. She says that due to those failures no explanation has been provided about the injuries, "
        "and other foster children may still be at risk.",
        "I have completed my investigation. I found fault causing injustice to Miss Y.",
        "To remedy the injustice, the Council has agreed to pay Miss Y £500 in recognition of that distress and to "
        "remind staff of the protocols when considering allegations made against those working with children.",
    ],
)
#: where each story's documents really live
HOSTS = {"/v1/file/": "https://files.ofsted.gov.uk", "/provider/": "https://reports.ofsted.gov.uk", "/decisions/": "https://www.lgo.org.uk"}
@dataclass
class Story:
    """What the monitor made of a story: its events and the alert emails it sent."""

    name: str
    day: str
    events: list[dict[str, Any]]
    emails: list[dict[str, str]]


def _emails(mail: MailCatcher) -> list[dict[str, str]]:
    out = []
    for message in mail.messages:
        parsed = email.message_from_bytes(message["data"], policy=email.policy.default)
        out.append(
            {
                "subject": " ".join(str(parsed["Subject"]).split()),
                "text": parsed.get_body(("plain",)).get_content().replace("\r\n", "\n"),
                "html": parsed.get_body(("html",)).get_content().replace("\r\n", "\n"),
            }
        )
    return out


@contextmanager
def _mail() -> Iterator[MailCatcher]:
    catcher = MailCatcher().start()
    try:
        yield catcher
    finally:
        catcher.stop()


def harrow_story(tmp: Path) -> tuple[Story, str]:
    """Harrow's 2020 inspection (good), then its 2025 inspection (inadequate); and the local
    server's address."""
    with PublisherServer() as server, _mail() as mail:
        base = server.url
        server.add("/v1/file/50149055", HARROW_2020.read_bytes(), content_type=PDF)
        server.add(
            "/v1/file/50270419",
            ilacs_report(GRADES_2025, "20 to 24 January 2025", "Rebekah Tucker", FINDINGS_2025),
            content_type=PDF,
        )
        inspection_2020 = ("50149055", "Children's services inspection", "16 March 2020")
        inspection_2025 = ("50270419", "Children's services inspection", "04 March 2025")
        server.add("/provider/44/80499", ofsted_page(base, [inspection_2020]))
        source = f"  - name: harrow-ofsted\n    kind: ofsted\n    base_url: {base}\n    providers:\n      - urn: 80499\n"
        monitor = Monitor(tmp, config_yaml(source, mail.port))
        for listing in ([inspection_2020], [inspection_2025, inspection_2020]):
            server.add("/provider/44/80499", ofsted_page(base, listing))
            code, out, err = monitor.run("run")
            assert code == 0, out + err
        return Story("harrow", "2025-03-04", monitor.events(), _emails(mail)), base


def ombudsman_story(tmp: Path) -> tuple[Story, str]:
    """Three older decisions, then the upheld decision 24 012 792; and the local server's address."""
    with PublisherServer() as server, _mail() as mail:
        base = server.url
        source = f"  - name: harrow-ombudsman\n    kind: lgsco\n    base_url: {base}\n    authority: London Borough of Harrow\n"
        monitor = Monitor(tmp, config_yaml(source, mail.port))
        for decisions in (LGSCO_DAY1, [DECISION, *LGSCO_DAY1]):
            for decision in decisions:
                server.add(decision.path, lgsco_page(decision))
            server.add("/Decisions/SearchResults", lgsco_search(decisions))
            code, out, err = monitor.run("run")
            assert code == 0, out + err
        return Story("ombudsman", "2025-07-29", monitor.events(), _emails(mail)), base


def real_hosts(text: str, base: str) -> str:
    """The local server's address replaced by the publisher's real host, by path."""

    def host(match: re.Match[str]) -> str:
        path = match.group(1)
        for prefix, real in HOSTS.items():
            if path.startswith(prefix):
                return real + path
        return "https://www.lgo.org.uk" + path

    return re.sub(re.escape(base) + r"(/[^\s\"'<>)]*)", host, text)


def normalised(story: Story, base: str) -> Story:
    """Fixed times on the story's day (in event order), real hosts, no server paths in blobs."""
    events = json.loads(real_hosts(json.dumps(story.events), base))
    for index, event in enumerate(events):
        event["created_at"] = f"{story.day}T07:{index // 60:02d}:{index % 60:02d}+00:00"
        details = event.get("details") or {}
        if details.get("lag_days") is not None:
            details.pop("lag_days")
    emails = [{k: real_hosts(v, base) for k, v in e.items()} for e in story.emails]
    return Story(story.name, story.day, events, emails)


def freeze() -> None:
    """Run both stories and write their events as fixtures."""
    for make in (harrow_story, ombudsman_story):
        with tempfile.TemporaryDirectory() as tmp:
            story, base = make(Path(tmp))
        story = normalised(story, base)
        folder = FIXTURES / story.name
        folder.mkdir(parents=True, exist_ok=True)
        events = story.events
        (folder / "events.json").write_text(
            json.dumps({"day": story.day, "events": events}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"wrote {folder / 'events.json'} ({len(events)} events)")


if __name__ == "__main__":
    freeze()
