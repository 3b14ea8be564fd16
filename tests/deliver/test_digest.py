"""The daily digest: golden files for a scripted day, determinism, escaping, atomic files.

To regenerate the golden files after an intended change of layout:
    REGENERATE_DIGEST_GOLDEN=1 .venv/bin/python -m pytest -q tests/deliver/test_digest.py
then read the diff of tests/deliver/fixtures/digest/ before committing it.
"""

from __future__ import annotations

import json
import os
import random
import re
from datetime import date
from pathlib import Path

import pytest
from lxml import html as lxml_html

from monitor.deliver.digest import events_of_day, render_digest, write_digest

FOLDER = Path(__file__).parent / "fixtures" / "digest"


@pytest.fixture
def scripted():
    data = json.loads((FOLDER / "events.json").read_text())
    return date.fromisoformat(data["day"]), data["events"], data["problems"]


def test_golden_files(scripted):
    day, events, problems = scripted
    markdown, html = render_digest(day, events, problems)
    if os.environ.get("REGENERATE_DIGEST_GOLDEN"):
        (FOLDER / "expected.md").write_text(markdown, encoding="utf-8")
        (FOLDER / "expected.html").write_text(html, encoding="utf-8")
    assert markdown == (FOLDER / "expected.md").read_text(encoding="utf-8")
    assert html == (FOLDER / "expected.html").read_text(encoding="utf-8")


def test_deterministic_whatever_the_input_order(scripted):
    day, events, problems = scripted
    first = render_digest(day, events, problems)
    shuffled = list(events)
    random.Random(7).shuffle(shuffled)
    assert render_digest(day, shuffled, list(reversed(problems))) == first


def test_structure_and_order(scripted):
    day, events, problems = scripted
    markdown, _ = render_digest(day, events, problems)
    lines = markdown.splitlines()
    # a summary in words first: the verdict, the decisions counted, what was removed, the problems
    assert lines[2] == (
        "Ofsted judged Harrow's children's services inadequate overall (was good). One Ombudsman decision: upheld. "
        "One document removed from GOV.UK's site; the monitor keeps its copies. Two sources have problems (below)."
    )
    # then by whom it is about, then by publisher; the problems last
    heads = [line for line in lines if line.startswith("#")]
    assert heads == [
        "# What the monitor found on 4 March 2025",
        "## Harrow", "### Ofsted", "### Ombudsman",
        "## Cabinet", "### Council committees",
        "## GOV.UK",
        "## Problems with sources",
    ]
    ofsted = markdown[markdown.index("### Ofsted") : markdown.index("### Ombudsman")]
    assert "- **Ofsted judged Harrow's children's services inadequate overall (was good), published 4 March 2025.** *Urgent.*" in ofsted
    # each judgement once: the overall grade is the sentence's, the others each on a line
    assert "  - Care leavers: **inadequate**\n" in ofsted and "Overall" not in ofsted
    assert ofsted.count("inadequate") == 4  # the sentence, care leavers, the phrase line, the quote
    assert '    > “Support for care leavers, which is currently inadequate.” (p. 6)' in ofsted
    assert "[Ofsted's page](https://reports.ofsted.gov.uk/provider/44/80499)" in ofsted
    # the event from 23:30 the day before is not in this day's digest
    assert "Old report from yesterday" not in markdown
    assert "- **The Ombudsman upheld a complaint against Harrow, decided 28 July 2025.**" in markdown
    committees = markdown[markdown.index("## Cabinet") : markdown.index("## GOV.UK")]
    assert "    - added: A report will follow in April." in committees
    assert "    - removed: The report was deferred." in committees
    problems_md = markdown[markdown.index("## Problems with sources") :]
    # each source with a problem once, in words: the broken CQC source and its event of 13:15 are one line
    assert problems_md.count("\n- ") == 2
    assert "- The monitor can no longer read the CQC's site: it answers, but not with the list it used to (3 times in a row, last read on 1 March 2025)." in problems_md
    assert "- Ofsted's site is refusing the monitor's requests (9 times in a row, last read on 27 February 2025)." in problems_md
    # no raw error, no hint written for developers, no config name, no file hash
    for internal in ("403", "locations", "user\\_agent", "cqc-harrow", "ofsted-search", "Stored copy", "blobs"):
        assert internal not in markdown, internal


def test_figures_only_where_there_are_enough(scripted):
    day, events, problems = scripted
    one = [{**e, "details": {**e["details"], "lag_days": 532}} for e in events if e["id"] == 101]
    assert "median" not in render_digest(day, one, [])[0]
    several = [
        {**one[0], "id": 300 + n, "document_key": f"k{n}", "details": {**one[0]["details"], "lag_days": lag}}
        for n, lag in enumerate((1, 2, 9))
    ]
    markdown = render_digest(day, several, [])[0]
    assert "- Ofsted: three new documents, found a median of 2 days after publication (at most 9)." in markdown


def test_findings_without_an_answer_are_named_by_publisher_and_month():
    row = {
        "finding": {"source": "harrow-ombudsman", "key": "24 999 001", "title": "London Borough of Harrow (24 999 001): Upheld", "published": "2025-03-20"},
        "unanswered_days": 134, "expects_answer": True, "kind": "lgsco",
    }
    markdown, html = render_digest(date(2025, 8, 1), [], [], [row])
    assert "No answer yet from the council to the March 2025 Ombudsman decision." in markdown
    assert (
        "- The Ombudsman: “London Borough of Harrow (24 999 001): Upheld”, published 20 March 2025. "
        "No council paper has referred to it in 134 days." in markdown
    )
    assert "harrow-ombudsman" not in markdown and "harrow-ombudsman" not in html


def test_hostile_text_is_escaped(scripted):
    day, events, problems = scripted
    markdown, html = render_digest(day, events, problems)
    assert "<script>" not in html and "<b>bold" not in html
    assert "&lt;script&gt;" in html
    # every "<" of hostile text is backslash-escaped, so Markdown renders it as text
    assert re.search(r"(?<!\\)<(script|/script|b>|/b>)", markdown) is None
    assert "Cabinet minutes \\<script>alert('x')\\</script>" in markdown
    tree = lxml_html.fromstring(html)
    assert tree.xpath("//script") == []
    assert tree.xpath("//b") == []
    assert "Cabinet minutes <script>alert('x')</script>" in tree.text_content()


def test_hostile_url_is_not_a_link():
    event = {
        "id": 1, "type": "new_document", "severity": "normal", "source": "page", "source_kind": "page",
        "document_key": "k", "title": "Click me", "url": "javascript:alert(1)",
        "created_at": "2025-03-04T10:00:00Z", "details": {},
    }
    markdown, html = render_digest(date(2025, 3, 4), [event], [])
    assert "javascript:" not in markdown and "javascript:" not in html
    assert "- **Web page published “Click me”.**" in markdown


def test_empty_day():
    markdown, html = render_digest(date(2025, 3, 5), [], [])
    assert markdown.splitlines()[:3] == ["# What the monitor found on 5 March 2025", "", "Nothing new today."]
    assert "Every source answered normally." in markdown
    assert '<p class="summary">Nothing new today.</p>' in html


def test_events_of_day_uses_london_time():
    summer = [
        {"id": 1, "created_at": "2025-07-01T23:30:00+00:00"},  # 00:30 BST on 2 July
        {"id": 2, "created_at": "2025-07-01T22:30:00+00:00"},  # 23:30 BST on 1 July
        {"id": 3, "created_at": "2025-07-01T12:00:00"},  # no offset: taken as London time
        {"id": 4, "created_at": "garbage"},
    ]
    assert [e["id"] for e in events_of_day(date(2025, 7, 1), summer)] == [2, 3]
    assert [e["id"] for e in events_of_day(date(2025, 7, 2), summer)] == [1]


def test_write_digest_atomic_files(tmp_path: Path, scripted):
    day, events, problems = scripted
    md_path, html_path = write_digest(tmp_path, day, events, problems)
    assert md_path == tmp_path / "digests" / "2025-03-04.md"
    assert html_path == tmp_path / "digests" / "2025-03-04.html"
    markdown, html = render_digest(day, events, problems)
    assert md_path.read_text(encoding="utf-8") == markdown
    assert html_path.read_text(encoding="utf-8") == html
    # a rewrite replaces the file and leaves no temporary files behind
    write_digest(tmp_path, day, events[:1], [])
    assert sorted(p.name for p in (tmp_path / "digests").iterdir()) == ["2025-03-04.html", "2025-03-04.md"]
    assert "Harrow's children's services" in md_path.read_text(encoding="utf-8")
    assert "Cabinet" not in md_path.read_text(encoding="utf-8")


def test_each_publisher_is_named_and_sorted_by_its_profile():
    """The Housing Ombudsman is named as such and sorts after the Ombudsman, before the
    council's own papers (its label and order come from its folder's profile)."""

    def event(id_, kind, source, title):
        return {
            "id": id_, "type": "new_document", "severity": "normal", "source": source, "source_kind": kind,
            "document_key": f"k{id_}", "title": title, "url": f"https://example.org/{id_}",
            "created_at": "2025-03-04T10:00:00Z", "details": {},
        }

    events = [
        event(1, "moderngov", "harrow-cabinet", "Cabinet agenda"),
        event(2, "housing_ombudsman", "harrow-housing-ombudsman", "Complaint 202344547"),
        event(3, "lgsco", "harrow-ombudsman", "Decision 24 012 792"),
    ]
    markdown, html = render_digest(date(2025, 3, 4), events, [])
    assert "Housing_ombudsman" not in markdown and "Housing_ombudsman" not in html
    # nobody named: each document under its publisher, in the publishers' order
    sections = [line[3:] for line in markdown.splitlines() if line.startswith("## ")]
    assert sections == ["Ombudsman", "Housing Ombudsman", "Council committees", "Problems with sources"]
