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
    # publishers in fixed order, sources with problems last
    positions = [markdown.index(h) for h in ("## Ofsted", "## Ombudsman", "## Council committees", "## GOV.UK",
                                             "## Sources with problems")]
    assert positions == sorted(positions)
    assert "8 events, 5 urgent" in markdown
    # verdicts, rating change and quotes sit with the new report
    ofsted = markdown[markdown.index("## Ofsted") : markdown.index("## Ombudsman")]
    assert "### London Borough of Harrow" in ofsted
    assert "  - Care leavers: **Inadequate**" in ofsted
    assert "  - Overall: **Good -> Inadequate** (worse)" in ofsted
    assert '    > p.6: "Support for care leavers, which is currently inadequate."' in ofsted
    assert "<https://reports.ofsted.gov.uk/provider/44/80499>" in ofsted
    assert "  - Published: 4 March 2025" in ofsted
    # the event from 23:30 the day before is not in this day's digest
    assert "Old report from yesterday" not in markdown
    lgsco = markdown[markdown.index("## Ombudsman") : markdown.index("## Council committees")]
    assert "  - Decision: **Upheld**" in lgsco
    committees = markdown[markdown.index("## Council committees") : markdown.index("## GOV.UK")]
    assert "#### Changes" in committees
    assert "    - added: A report will follow in April." in committees
    assert "    - removed: The report was deferred." in committees
    problems_md = markdown[markdown.index("## Sources with problems") :]
    assert "- **cqc-harrow** (CQC): broken, 3 failed runs in a row, last worked 2025-03-01" in problems_md
    assert "- **ofsted-search** (Ofsted): blocked, 9 failed runs in a row" in problems_md
    assert "13:15 **cqc-harrow** (CQC): source broken" in problems_md


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
    assert "**Click me**" in markdown


def test_empty_day():
    markdown, html = render_digest(date(2025, 3, 5), [], [])
    assert "Nothing new on 5 March 2025." in markdown
    assert "None: every source answered normally." in markdown
    assert "<p>Nothing new on 5 March 2025.</p>" in html


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
    assert "Inspection of Harrow" in md_path.read_text(encoding="utf-8")
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
    publishers = [line[3:] for line in markdown.splitlines() if line.startswith("## ")]
    assert publishers == ["Ombudsman", "Housing Ombudsman", "Council committees", "Sources with problems"]
