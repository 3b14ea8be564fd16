"""Golden files of the site for the Harrow story (tests/site/story_record.py): the overview, the
2025 inspection's page, the upheld Ombudsman decision's page and the inspection's finding page,
as the lines a person reads (tests/site/page_text.py), built as of 20 March 2026.

What varies from run to run is written in words a reviewer can read: the publishers' address
(this machine's test server) as https://publisher.example, the day the passes ran as
<the day of the passes>, our copies' content hashes as <sha256>. Anything else that changes is
a change of the site's words: review the diff line by line, then rewrite the files with
MONITOR_UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from page_text import page_lines
from site_record import Record
from story_record import publisher_url, story_site

from monitor.site.data import document_slug
from monitor.site.words import day

GOLDEN = Path(__file__).parent / "golden"
PAGES = {
    "overview.txt": "index.html",
    "document-ofsted-2025.txt": f"documents/{document_slug('harrow-ofsted', '50270419')}.html",
    "document-ombudsman-24-012-792.txt": f"documents/{document_slug('harrow-ombudsman', '24 012 792')}.html",
    "finding-ofsted-2025.txt": f"findings/{document_slug('harrow-ofsted', '50270419')}.html",
}


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> tuple[Record, Path]:
    return story_site(tmp_path_factory.mktemp("story"))


def normalised(record: Record, raw: bytes) -> list[str]:
    """The page's lines with what varies by run put in words."""
    today = date.today()
    days = {day(today), day(today - timedelta(days=1))}
    lines = []
    for line in page_lines(raw):
        line = line.replace(publisher_url(record), "https://publisher.example")
        line = re.sub(r"files/[0-9a-f]{2}/[0-9a-f]{64}", "files/<sha256>", line)
        for d in days:
            line = line.replace(d, "<the day of the passes>")
        lines.append(line)
    return lines


@pytest.mark.parametrize("golden", sorted(PAGES))
def test_pages_match_their_golden_files(story, golden):
    record, out = story
    lines = normalised(record, (out / PAGES[golden]).read_bytes())
    path = GOLDEN / golden
    if os.environ.get("MONITOR_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = path.read_text(encoding="utf-8").splitlines()
    assert lines == expected, f"{golden} differs: review the change, then MONITOR_UPDATE_GOLDEN=1"


def test_the_golden_pages_lead_with_the_verdict_and_say_each_grade_once():
    """What the review of the golden files checks, kept as a test so a rewrite cannot lose it."""
    doc = (GOLDEN / "document-ofsted-2025.txt").read_text(encoding="utf-8").splitlines()
    assert doc[:3] == [
        "# London Borough of Harrow: Children's services inspection",
        "Ofsted · Inspection",
        "Ofsted's children's services inspection of Harrow: inadequate overall (good in 2020). Published 4 March 2025.",
    ]
    # the verdict names where the report states its grades, once, with a link to our copy at that page
    assert doc[3] == "Where every grade is stated: page 1, the grade table <../files/<sha256>.pdf#page=1>"
    grades = [line for line in doc if re.match(r"- (Impact of leaders|Help and protection|Children in care|Care leavers|Overall)", line)]
    assert grades == [
        "- Impact of leaders: Requires improvement (was good in 2020)",
        "- Help and protection: Good (also good in 2020)",
        "- Children in care: Good (children in care and care leavers together: good in 2020)",
        "- Care leavers: Inadequate (children in care and care leavers together: good in 2020)",
    ]
    decision = (GOLDEN / "document-ombudsman-24-012-792.txt").read_text(encoding="utf-8").splitlines()
    assert decision[2] == "The Ombudsman upheld a complaint about Harrow (children's care services: looked after children). Decided 28 July 2025."
    assert sum("£500" in line for line in decision) == 1
    for name in PAGES:
        text = (GOLDEN / name).read_text(encoding="utf-8")
        for word in ("impact_of_leaders", "care_leavers", "in_care", "harrow-ofsted:", "harrow-ombudsman:", "dfe-notices:", "rating_change",
                     "new_document", "127.0.0.1", "localhost", "/tmp/", "/data/", "Traceback"):
            assert word not in re.sub(r"<[^>]*>", "", text), (name, word)
    overview = (GOLDEN / "overview.txt").read_text(encoding="utf-8").splitlines()
    assert overview[0] == "# The accountability record"
    assert any(line.startswith("- Harrow: Improvement notice issued to London Borough of Harrow: June 2025") and "in force since at least then" in line
               for line in overview)
