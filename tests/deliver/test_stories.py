"""Golden files of what the coordinator reads, for two stories told by the real monitor.

The Harrow story (2020 good -> 2025 inadequate) and an Ombudsman decision (24 012 792,
upheld, £500): the alert email (text and HTML) and the digest (Markdown and HTML) are
rendered from the frozen events in tests/deliver/fixtures/<story>/events.json and compared
with the golden files beside them. The frozen events are checked against a live run of the
same story (tests/deliver/stories.py): the email the real SMTP server received is the email
the frozen events make.

To regenerate after an intended change of wording:
    REGENERATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/deliver/test_stories.py
then read every changed line of tests/deliver/fixtures/ before committing it.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from harness import Monitor
from lxml import html as lxml_html
from publisher_server import PublisherServer
from scenario_sites import LGSCO_DAY1, MailCatcher, config_yaml, lgsco_page, lgsco_search
from stories import HARROW_2020, harrow_story, normalised, ombudsman_story

from monitor.deliver.digest import render_digest
from monitor.deliver.email import compose_alert
from monitor.deliver.feed import render_feed

FIXTURES = Path(__file__).parent / "fixtures"
STORIES = ("harrow", "ombudsman")
FEED = {"feed_id": "tag:watchdog.example.org,2025:feed", "title": "Harrow watchdog", "link": "https://watchdog.example.org/"}


def frozen(story: str) -> tuple[date, list[dict[str, Any]]]:
    data = json.loads((FIXTURES / story / "events.json").read_text(encoding="utf-8"))
    return date.fromisoformat(data["day"]), data["events"]


def story_day(day: date, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if str(e["created_at"]).startswith(day.isoformat()) and e["severity"] != "info"]


def alert_of(events: list[dict[str, Any]], day: date) -> tuple[str, str, str]:
    """(subject, text, html) of the alert the outbox sends for the story's day: its urgent
    events, with the day's other events about the same documents as context."""
    todays = story_day(day, events)
    urgent = [e for e in todays if e["severity"] == "urgent"]
    context = [e for e in todays if e["severity"] != "urgent"]
    msg = compose_alert(urgent, sender="monitor@example.org", recipients=["watchdog@example.org"], context=context)
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = msg.get_body(("html",)).get_content().replace("\r\n", "\n")
    return str(msg["Subject"]), text, html


def outputs(story: str) -> dict[str, str]:
    """Every file a person reads for a story: alert text and HTML, digest Markdown and HTML."""
    day, events = frozen(story)
    subject, text, html = alert_of(events, day)
    markdown, digest_html = render_digest(day, story_day(day, events), [])
    return {
        "alert.txt": f"Subject: {subject}\n\n{text}",
        "alert.html": html,
        "digest.md": markdown,
        "digest.html": digest_html,
    }


@pytest.mark.parametrize("story", STORIES)
def test_golden_files(story):
    rendered = outputs(story)
    if os.environ.get("REGENERATE_GOLDEN"):
        for name, text in rendered.items():
            (FIXTURES / story / name).write_text(text, encoding="utf-8")
    for name, text in rendered.items():
        assert text == (FIXTURES / story / name).read_text(encoding="utf-8"), f"{story}/{name}"


# -- what the golden files say ------------------------------------------------------------------

HARROW_SENTENCE = "Ofsted judged Harrow's children's services inadequate overall (good in 2020), published 4 March 2025."
OMBUDSMAN_SENTENCE = (
    "The Ombudsman upheld a complaint against Harrow (24 012 792), decided 28 July 2025: Miss Y complains the Council "
    "did not properly investigate the injuries her child obtained whilst in Council arranged foster care."
)


def test_the_harrow_alert_leads_with_its_verdict_and_states_each_grade_once():
    text = (FIXTURES / "harrow" / "alert.txt").read_text(encoding="utf-8")
    subject, body = text.split("\n\n", 1)
    assert subject == "Subject: Harrow: Ofsted judged children's services inadequate (was good)"
    assert body.splitlines()[0] == HARROW_SENTENCE
    # every grade was read from the grade table: said once, not on each line
    assert "(Every grade read from p.1, the grade table.)" in body
    judgements = [line.strip() for line in body.splitlines() if line.startswith("  ") and ": " in line and "“" not in line]
    assert judgements == [
        "Impact of leaders: requires improvement (was good)",
        "Help and protection: good",
        "Children in care: good",
        "Care leavers: inadequate",
    ]
    # the overall grade is in the sentence, once; no grade is said twice
    assert body.count("inadequate overall") == 1 and "Overall effectiveness" not in body
    assert "Read the report: https://files.ofsted.gov.uk/v1/file/50270419" in body
    assert "A copy is kept by the monitor." in body


def test_the_ombudsman_alert_states_its_remedy_once():
    text = (FIXTURES / "ombudsman" / "alert.txt").read_text(encoding="utf-8")
    subject, body = text.split("\n\n", 1)
    assert subject == "Subject: Harrow: Ombudsman upheld a complaint (24 012 792)"
    assert body.splitlines()[0] == OMBUDSMAN_SENTENCE
    assert body.count("£500") == 1
    # the finding is in its headline sentences: the passage the phrase was found in adds nothing
    assert body.count("I found fault causing injustice to Miss Y.") == 1
    assert "It mentions “fault causing injustice” once." in body
    page = lxml_html.fromstring((FIXTURES / "ombudsman" / "alert.html").read_text(encoding="utf-8"))
    assert page.text_content().count("£500") == 1
    assert page.xpath("//h1")[0].text_content() == OMBUDSMAN_SENTENCE


def test_the_digests_open_with_a_summary_in_words():
    harrow = (FIXTURES / "harrow" / "digest.md").read_text(encoding="utf-8").splitlines()
    assert harrow[:3] == [
        "# What the monitor found on 4 March 2025",
        "",
        "Ofsted published Harrow's children's services inspection: inadequate overall (good in 2020).",
    ]
    assert "## Harrow" in harrow and "### Ofsted" in harrow
    ombudsman = (FIXTURES / "ombudsman" / "digest.md").read_text(encoding="utf-8").splitlines()
    assert ombudsman[2] == "One Ombudsman decision: upheld."


def test_the_html_is_calm_the_urgent_marker_stands_out():
    for story in STORIES:
        for name in ("alert.html", "digest.html"):
            page = (FIXTURES / story / name).read_text(encoding="utf-8")
            style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
            rules = dict(re.findall(r"([.\w, ]+)\{([^}]*)\}", style))
            assert "color: #fff" in rules[".urgent "] and "background" in rules[".urgent "]
            # only the marker is coloured red: no red text, no bold body
            assert style.count("#b3261e") == 1
            assert "font-weight: bold" not in rules.get("body ", "")
            tree = lxml_html.fromstring(page)
            assert [s.text_content() for s in tree.xpath("//*[@class='urgent']")] == ["Urgent"]


# -- the frozen events are what the monitor records ----------------------------------------------


@pytest.mark.parametrize("make", [harrow_story, ombudsman_story], ids=STORIES)
def test_a_live_run_sends_the_email_the_frozen_events_make(make, tmp_path):
    if make is harrow_story and not HARROW_2020.is_file():
        pytest.skip("../shared/fixtures is not present beside this checkout")
    story, base = make(tmp_path)
    live = normalised(story, base)
    day, events = frozen(live.name)
    assert [(e["type"], e["severity"], e["document_key"]) for e in live.events] == [
        (e["type"], e["severity"], e["document_key"]) for e in events
    ]
    (received,) = live.emails
    subject, text, html = alert_of(events, day)
    assert received["subject"] == subject
    assert received["text"] == text
    assert received["html"] == html
    assert received["text"].splitlines()[0] == (HARROW_SENTENCE if live.name == "harrow" else OMBUDSMAN_SENTENCE)


# -- nothing internal in anything a person reads --------------------------------------------------

#: words of the machinery a person must never read
INTERNAL = re.compile(
    r"\b[a-z]+_[a-z_]+\b"  # field names, event types, kinds: impact_of_leaders, new_document
    r"|/tmp|data/blobs|blobs/|\b[0-9a-f]{40,64}\b"  # server paths, file hashes
    r"|127\.0\.0\.1|localhost"
    r"|Changed: Changed:"
    r"|harrow-ofsted|harrow-ombudsman|harrow-committees|ofsted-harrow|lgsco-harrow|govuk-harrow|cqc-harrow|ofsted-search"
    r"|\[URGENT\]|report-monitor found"
)


def _readable(text: str) -> str:
    """What a person reads of a file: HTML without its markup, URLs left out (a publisher's
    address may hold anything)."""
    if text.lstrip().startswith(("<!DOCTYPE", "<?xml")):
        tree = lxml_html.fromstring(text.encode("utf-8"))
        for style in tree.xpath("//style"):
            style.drop_tree()
        text = tree.text_content()
    return re.sub(r"https?://\S+", "", text)


def every_output() -> dict[str, str]:
    found = {f"{story}/{name}": text for story in STORIES for name, text in outputs(story).items()}
    scripted = json.loads((FIXTURES / "digest" / "events.json").read_text())
    markdown, html = render_digest(date.fromisoformat(scripted["day"]), scripted["events"], scripted["problems"])
    found["digest/expected.md"], found["digest/expected.html"] = markdown, html
    for story in STORIES:
        _, events = frozen(story)
        found[f"{story}/feed.xml"] = render_feed(events, **FEED).decode("utf-8")
    return found


def test_no_internal_names_paths_or_hashes_in_any_output():
    for name, text in every_output().items():
        readable = _readable(text)
        assert INTERNAL.search(readable) is None, (name, INTERNAL.search(readable))


def test_quotes_are_never_rows_of_the_grade_table():
    for story in STORIES:
        text = outputs(story)["alert.txt"]
        quotes = re.findall(r"“([^”]*)”", text)
        for quote in quotes:
            assert not re.search(r"\b(?:Inadequate|Good|Requires improvement|Outstanding)\b(?! to be)", quote[1:]), quote
            assert "Overall effectiveness" not in quote and "experiences and progress of" not in quote, quote
    harrow = outputs("harrow")["alert.txt"]
    assert "“Support for care leavers, which is currently inadequate, does not meet their needs.” (p. 2)" in harrow


def test_a_broken_source_is_told_in_words_with_whom_it_is_about(tmp_path):
    """The Ombudsman's search stops listing decisions: the alert names the publisher and the
    council its decisions are about, never the source's config name, the raw error or the
    folder the evidence was saved in."""
    mail = MailCatcher().start()
    try:
        with PublisherServer() as server:
            source = f"  - name: harrow-ombudsman\n    kind: lgsco\n    base_url: {server.url}\n    authority: London Borough of Harrow\n"
            monitor = Monitor(tmp_path, config_yaml(source, mail.port))
            for decision in LGSCO_DAY1:
                server.add(decision.path, lgsco_page(decision))
            server.add("/Decisions/SearchResults", lgsco_search(LGSCO_DAY1))
            assert monitor.run("run")[0] == 0
            server.add("/Decisions/SearchResults", "<html><body><h1>Decisions</h1><p>Sorry, something went wrong.</p></body></html>")
            assert monitor.run("run")[0] == 1
    finally:
        mail.stop()
    (message,) = mail.messages
    parsed = email.message_from_bytes(message["data"], policy=email.policy.default)
    text = parsed.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert " ".join(str(parsed["Subject"]).split()) == "The monitor can no longer read the Ombudsman's site for Harrow"
    assert text.startswith(
        "The monitor can no longer read the Ombudsman's site for Harrow: it answers, but not with the list it used to. "
        "Anything published since may be missing here until it is fixed.\n"
        "If it lasts, whoever runs the monitor can see the details with `monitor status`.\n"
    )
    for internal in ("harrow-ombudsman", "127.0.0.1", "evidence", str(tmp_path), "SearchResults"):
        assert internal not in text, internal
