"""Scenarios through the real pipeline, one per publisher kind: the real `monitor` command, the
real local publisher server, real PDFs, a real SQLite file and a real SMTP server (aiosmtpd).

Day 1 the site lists its reports (a quiet baseline); day 2 one new report appears, with damning
phrases and, for Ofsted and CQC, grades worse than the provider's previous report. Each day
asserts the exact events, the alert email (once), the outbox, the digest and the Atom feed.
The sites are built in tests/support/scenario_sites.py.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from harness import Monitor
from lxml import etree
from scenario_sites import (
    CQC_QUESTIONS,
    LGSCO_DAY1,
    SITES,
    MailCatcher,
    Site,
    config_yaml,
    cqc_site,
    govuk_site,
    lgsco_site,
    make_pdf,
    ofsted_site,
)

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def mail():
    """A real SMTP server on loopback collecting every message."""
    catcher = MailCatcher().start()
    yield catcher
    catcher.stop()


def by_type(events: list[dict], type_: str) -> list[dict]:
    return [e for e in events if e["type"] == type_]


def message_parts(raw: bytes) -> tuple[str, str, str]:
    """(subject, plain text, html) of a captured message."""
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    # a long subject is folded on the wire; unfolded it reads as composed
    return " ".join(str(parsed["Subject"]).split()), parsed.get_body(("plain",)).get_content(), parsed.get_body(("html",)).get_content()


def run_pass(monitor: Monitor, site: Site) -> str:
    code, out, err = monitor.run("run", env=site.env)
    assert code == 0, out + err
    return out


def assert_baseline(site: Site, events: list[dict]) -> None:
    """Day 1: one info new_document per listed report, marked baseline; only info phrase matches."""
    new = by_type(events, "new_document")
    assert {e["document_key"]: e["title"] for e in new} == site.baseline
    assert len(new) == len(site.baseline)
    for event in new:
        assert (event["severity"], event["details"]["baseline"], event["source_kind"]) == ("info", True, site.kind)
    phrases = by_type(events, "phrase_match")
    assert {(e["document_key"], e["details"]["phrase"]) for e in phrases} == site.baseline_phrases
    assert all(e["severity"] == "info" for e in phrases)
    assert len(events) == len(new) + len(phrases)


def assert_day2(site: Site, events: list[dict]) -> list[dict]:
    """Day 2: exactly the new report's events; returns them."""
    expected = site.new
    today = [e for e in events if not (e["type"] == "new_document" and e["details"].get("baseline"))]
    today = [e for e in today if not (e["type"] == "phrase_match" and e["severity"] == "info")]
    assert {e["document_key"] for e in today} == {expected.key}

    (new,) = by_type(today, "new_document")
    # a listing may say how urgent its document is (the Ombudsman's children's care decisions)
    assert new["severity"] == expected.meta.get("severity", "normal") and new["details"]["baseline"] is False
    assert (new["title"], new["url"], new["details"]["published"], new["details"]["kind"]) == (
        expected.title,
        expected.url,
        expected.published,
        expected.kind,
    )
    meta = new["details"]["meta"]
    for key, value in expected.meta.items():
        assert meta.get(key) == value, f"details.meta.{key}"

    phrases = {e["details"]["phrase"]: e for e in by_type(today, "phrase_match")}
    assert set(phrases) == set(expected.phrases)
    for phrase, (severity, count, pages) in expected.phrases.items():
        event = phrases[phrase]
        assert (event["severity"], event["details"]["count"]) == (severity, count), phrase
        assert {q["page"] for q in event["details"]["quotes"]} == pages, phrase
        assert all(phrase in q["text"].lower() for q in event["details"]["quotes"]), phrase
    quotes = [q["text"] for e in phrases.values() for q in e["details"]["quotes"]]
    assert any(expected.quote in q for q in quotes), quotes

    changes = by_type(today, "rating_change")
    assert {e["details"]["field"]: (e["details"]["from"], e["details"]["to"]) for e in changes} == expected.rating_changes
    assert len(changes) == len(expected.rating_changes)
    for event in changes:
        assert (event["severity"], event["details"]["direction"]) == ("urgent", "worse")
    assert len(today) == 1 + len(phrases) + len(changes)
    return today


@pytest.mark.parametrize("kind", list(SITES))
def test_two_days_of_a_publisher(kind, server, mail, tmp_path):
    site = SITES[kind](server)
    monitor = Monitor(tmp_path, config_yaml(site.source_yaml, mail.port))

    # day 1: the baseline, quietly
    site.day1()
    out = run_pass(monitor, site)
    assert "(baseline)" in out
    day1 = monitor.events()
    assert_baseline(site, day1)
    assert mail.messages == []
    assert monitor.json("deliveries") == []

    # day 2: one new report
    site.day2()
    run_pass(monitor, site)
    events = monitor.events()
    assert events[: len(day1)] == day1
    today = assert_day2(site, events[len(day1) :])

    docs = {d["key"]: d for d in monitor.documents()}
    assert set(docs) == set(site.baseline) | {site.new.key}
    doc = docs[site.new.key]
    assert (doc["title"], doc["published"], doc["kind"], doc["versions"], doc["status"]) == (
        site.new.title,
        site.new.published,
        site.new.kind,
        1,
        "ok",
    )

    # the urgent events went out in one email, at the end of the pass
    urgent_ids = sorted(e["id"] for e in today if e["severity"] == "urgent")
    assert urgent_ids
    assert len(mail.messages) == 1
    assert mail.messages[0]["to"] == ["watchdog@example.org"]
    subject, text, html = message_parts(mail.messages[0]["data"])
    # the verdict first: in the subject (at most 100 characters) and as the first line
    assert site.publisher in subject and len(subject) <= 100, subject
    assert text.splitlines()[0] == site.new.sentence
    assert site.new.quote in " ".join(text.split())
    assert f": {site.new.url}\n" in text.replace("\r\n", "\n")
    assert f'href="{site.new.url.replace("&", "&amp;")}"' in html
    deliveries = monitor.json("deliveries")
    assert len(deliveries) == 1
    assert (deliveries[0]["status"], deliveries[0]["attempts"], deliveries[0]["last_error"]) == ("sent", 1, None)
    assert sorted(deliveries[0]["event_ids"]) == urgent_ids
    assert deliveries[0]["subject"] == subject

    # the digest and the feed carry the new report
    day = datetime.now(UTC).date().isoformat()
    code, out, err = monitor.run("digest", "--date", day)
    assert code == 0, err
    md = (monitor.data_dir / "digests" / f"{day}.md").read_text(encoding="utf-8")
    digest_html = (monitor.data_dir / "digests" / f"{day}.html").read_text(encoding="utf-8")
    assert site.new.url in md and site.new.url.replace("&", "&amp;") in digest_html
    assert f"- **{site.new.sentence}**" in md.replace("\\", "")
    # info events (the baseline) stay out of the digest: the new report is its one document
    assert md.count("\n- **") == 1
    entries = feed_entries(monitor.data_dir / "feed.xml")
    ours = [e for e in entries if e["link"] == site.new.url]
    assert len(ours) == len([e for e in today if e["severity"] != "info"])
    assert subject in [e["title"] for e in ours]

    # a further pass: nothing new, nothing sent again
    run_pass(monitor, site)
    assert monitor.events() == events
    assert len(mail.messages) == 1
    assert monitor.json("deliveries") == deliveries


def feed_entries(path: Path) -> list[dict[str, str]]:
    """Title and alternate link of each entry of an Atom feed (parsing fails on invalid XML)."""
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{ATOM}feed"
    entries = []
    for entry in root.iter(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link")
        entries.append({"title": entry.findtext(f"{ATOM}title") or "", "link": link.get("href") if link is not None else ""})
    return entries


def test_smtp_down_then_recovering_sends_once(server, tmp_path):
    site = ofsted_site(server)
    mail = MailCatcher()  # not started: nothing listens on its port yet
    monitor = Monitor(tmp_path, config_yaml(site.source_yaml, mail.port))
    site.day1()
    run_pass(monitor, site)
    site.day2()
    code, out, _ = monitor.run("run")
    assert code == 1  # the sources were checked, but an alert could not go out: cron must notice
    assert "Alert email not sent (will retry next pass)" in out
    (pending,) = monitor.json("deliveries")
    assert (pending["status"], pending["attempts"]) == ("pending", 1)
    assert f"127.0.0.1:{mail.port}" in pending["last_error"]
    urgent_ids = sorted(e["id"] for e in monitor.events() if e["severity"] == "urgent")
    assert sorted(pending["event_ids"]) == urgent_ids

    # still down: one more attempt, still pending, no second delivery
    assert monitor.run("run", env=site.env)[0] == 1
    (pending,) = monitor.json("deliveries")
    assert (pending["status"], pending["attempts"]) == ("pending", 2)

    mail.start()
    try:
        out = run_pass(monitor, site)
        assert "1 alert email(s) sent." in out
        assert len(mail.messages) == 1
        (sent,) = monitor.json("deliveries")
        assert (sent["id"], sent["status"], sent["attempts"], sent["last_error"]) == (pending["id"], "sent", 3, None)
        assert sorted(sent["event_ids"]) == urgent_ids
        subject, text, _ = message_parts(mail.messages[0]["data"])
        assert subject == "Harrow: Ofsted judged children's services inadequate (was good)"
        assert site.new.quote in " ".join(text.split())
        run_pass(monitor, site)
        assert len(mail.messages) == 1
        assert monitor.json("deliveries") == [sent]
    finally:
        mail.stop()


def test_hostile_title_is_escaped_in_email_digest_and_feed(server, mail, tmp_path):
    title = f"Improvement notice issued to {HOSTILE}: June 2025"
    site = govuk_site(server, new_title=title)
    monitor = Monitor(tmp_path, config_yaml(site.source_yaml, mail.port))
    site.day1()
    run_pass(monitor, site)
    site.day2()
    run_pass(monitor, site)
    (new,) = [e for e in by_type(monitor.events(), "new_document") if not e["details"]["baseline"]]
    assert new["title"] == title  # stored as the publisher wrote it

    assert len(mail.messages) == 1
    subject, text, html = message_parts(mail.messages[0]["data"])
    assert HOSTILE in subject and HOSTILE in text  # plain text is not HTML
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    day = datetime.now(UTC).date().isoformat()
    assert monitor.run("digest", "--date", day)[0] == 0
    digest_html = (monitor.data_dir / "digests" / f"{day}.html").read_text(encoding="utf-8")
    assert "<script" not in digest_html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in digest_html

    raw_feed = (monitor.data_dir / "feed.xml").read_text(encoding="utf-8")
    assert "<script" not in raw_feed.lower()
    # the entry title, once parsed, is the text itself (escaped once, not twice)
    titles = [e["title"] for e in feed_entries(monitor.data_dir / "feed.xml")]
    assert any(title in t for t in titles), titles


# -- behaviours the scenarios exposed, now fixed ---------------------------------------------


def test_ombudsman_decisions_on_different_complaints_are_not_a_rating_change(server, mail, tmp_path):
    """Two decisions are about two complaints: "Not upheld" on one then "Upheld" on another is
    not the council's grade getting worse, and must not send an urgent "rating change"."""
    newest_not_upheld = [
        replace(LGSCO_DAY1[2], card_date="20-Jul-2025", page_date="20 Jul 2025"),
        *LGSCO_DAY1[:2],
    ]
    site = lgsco_site(server, day1_decisions=newest_not_upheld)
    monitor = Monitor(tmp_path, config_yaml(site.source_yaml, mail.port))
    site.day1()
    run_pass(monitor, site)
    site.day2()
    run_pass(monitor, site)
    events = monitor.events()
    changes = by_type(events, "rating_change")
    assert changes == [], [(e["document_key"], e["summary"], e["details"]) for e in changes]


def test_cqc_api_ratings_survive_a_report_whose_text_states_none(server, mail, tmp_path):
    """The API gives the report's ratings; a report PDF whose text states none (a layout the reader
    does not know) must not wipe them, or the rating change goes unnoticed."""
    site = cqc_site(server)
    site.day1()
    # the new report's PDF: findings only, no ratings block the reader recognises
    server_pdf = make_pdf(["Elmgrove House\nInspection report\nOur findings", "We served a warning notice on the provider."])
    original_day2 = site.day2

    def day2() -> None:
        original_day2()
        server.add(f"/api/reports/{site.new.key}", server_pdf, content_type="application/pdf")

    monitor = Monitor(tmp_path, config_yaml(site.source_yaml, mail.port))
    run_pass(monitor, site)
    day2()
    run_pass(monitor, site)
    doc = next(d for d in monitor.documents() if d["key"] == site.new.key)
    assert doc["meta"]["ratings"] == site.new.meta["ratings"]
    changes = by_type(monitor.events(), "rating_change")
    assert sorted(e["details"]["field"] for e in changes) == sorted(site.new.rating_changes)
    assert set(CQC_QUESTIONS) >= {f for f in site.new.rating_changes if f != "overall"}


def _alert_subject(site: Site, mail: MailCatcher, tmp_path: Path) -> str:
    monitor = Monitor(tmp_path, config_yaml(site.source_yaml, mail.port))
    site.day1()
    run_pass(monitor, site)
    site.day2()
    run_pass(monitor, site)
    assert len(mail.messages) == 1
    return message_parts(mail.messages[0]["data"])[0]


@pytest.mark.parametrize(
    "build,expected",
    [(ofsted_site, "Harrow: Ofsted "), (cqc_site, "Elmgrove House: CQC ")],
    ids=["ofsted", "cqc"],
)
def test_alert_subject_names_the_provider_not_its_id(build, expected, server, mail, tmp_path):
    subject = _alert_subject(build(server), mail, tmp_path)
    assert subject.startswith(expected), subject
    assert "80499" not in subject and "1-4000000001" not in subject


def test_alert_subject_leads_with_the_overall_grade(server, mail, tmp_path):
    subject = _alert_subject(ofsted_site(server), mail, tmp_path)
    assert subject == "Harrow: Ofsted judged children's services inadequate (was good)", subject


def test_a_reissued_report_with_new_grades_is_a_rating_change(server, mail, tmp_path):
    """The same Ofsted file replaced with different grades: a `changed` event and, for each grade
    that moved, one `rating_change` against the file's own earlier version."""
    from scenario_sites import GOOD, INADEQUATE, ilacs_report

    site = ofsted_site(server)
    monitor = Monitor(tmp_path, config_yaml(site.source_yaml.rstrip("\n") + "\n    recheck_days: 0\n", mail.port))
    site.day1()
    run_pass(monitor, site)
    regraded = {**GOOD, "care_leavers": INADEQUATE["care_leavers"]}
    server.add(
        "/v1/file/50190001",
        ilacs_report(regraded, "7 to 18 February 2022", "Ann Example", ["Care leavers are not well supported."]),
        content_type="application/pdf",
    )
    run_pass(monitor, site)
    events = [e for e in monitor.events() if not e["details"].get("baseline")]
    assert [(e["type"], e["document_key"]) for e in events if e["type"] in ("changed", "rating_change")] == [
        ("changed", "50190001"),
        ("rating_change", "50190001"),
    ]
    change = by_type(events, "rating_change")[0]
    assert (change["details"]["field"], change["details"]["from"], change["details"]["to"]) == (
        "care_leavers",
        "good",
        "inadequate",
    )
    assert change["severity"] == "urgent"


def test_digest_email_goes_to_the_recipients(server, mail, tmp_path):
    site = ofsted_site(server)
    monitor = Monitor(tmp_path, config_yaml(site.source_yaml, mail.port))
    site.day1()
    run_pass(monitor, site)
    site.day2()
    run_pass(monitor, site)
    alerts = len(mail.messages)
    today = datetime.now(UTC).date().isoformat()
    code, out, err = monitor.run("digest", "--date", today, "--email", env=site.env)
    assert code == 0, out + err
    assert "digest emailed to" in out
    assert len(mail.messages) == alerts + 1
    subject, text, html = message_parts(mail.messages[-1]["data"])
    day = datetime.now(UTC).date()
    assert subject.startswith(f"Digest for {day.day} {day:%B %Y}: Ofsted published Harrow's children's services inspection")
    assert len(subject) <= 100
    assert site.new.sentence in text and "Harrow&#39;s children&#39;s services" in html
