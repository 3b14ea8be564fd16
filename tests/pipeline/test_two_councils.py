"""Two councils in one installation through `monitor run`: each source carries its `council:`,
and the digest, the site and the search are grouped (and the search filtered) by council."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from harness import Monitor
from lxml import html as lxml_html
from pdfs import make_pdf

LISTING = """<html><body><main><h1>Reports</h1><ul>
{items}
</ul></main></body></html>"""


def _config(url: str) -> str:
    return f"""
settings:
  per_host_delay: 0
  retries: 1
  retry_backoff: 0.01
  timeout: 5
  baseline_alerts: true
sources:
  - name: harrow-papers
    kind: page
    council: Harrow
    url: {url}/harrow/reports
    include: '\\.pdf'
  - name: brent-papers
    kind: page
    council: BEN
    url: {url}/brent/reports
    include: '\\.pdf'
"""


@pytest.fixture
def councils(server):
    for council, papers in {"harrow": ("improvement-plan", "cabinet-minutes"), "brent": ("scrutiny-report",)}.items():
        items = "\n".join(f'<li><a href="/{council}/{name}.pdf">{name.replace("-", " ").title()}</a></li>' for name in papers)
        server.add(f"/{council}/reports", LISTING.format(items=items))
        for name in papers:
            words = f"The {council.title()} {name.replace('-', ' ')} answers the inspection of children's services."
            server.add(f"/{council}/{name}.pdf", make_pdf([words]), content_type="application/pdf")
    return server


def test_digest_site_and_search_grouped_by_council(councils, tmp_path):
    monitor = Monitor(tmp_path, _config(councils.url))
    code, out, err = monitor.run("run")
    assert code == 0, err + out
    assert {d["source"] for d in monitor.documents()} == {"harrow-papers", "brent-papers"}

    # the digest: each council's documents under its name
    code, out, err = monitor.run("digest")
    assert code == 0, err + out
    today = datetime.now(UTC).date().isoformat()
    digest = (monitor.data_dir / "digests" / f"{today}.md").read_text(encoding="utf-8")
    sections = {line[3:]: i for i, line in enumerate(digest.splitlines()) if line.startswith("## ")}
    assert {"Harrow", "Brent"} <= set(sections), digest
    lines = digest.splitlines()
    harrow_end = min((i for i in sections.values() if i > sections["Harrow"]), default=len(lines))
    brent_end = min((i for i in sections.values() if i > sections["Brent"]), default=len(lines))
    harrow_part = "\n".join(lines[sections["Harrow"]:harrow_end])
    brent_part = "\n".join(lines[sections["Brent"]:brent_end])
    assert "Improvement Plan" in harrow_part and "Cabinet Minutes" in harrow_part and "Scrutiny Report" not in harrow_part
    assert "Scrutiny Report" in brent_part and "Improvement Plan" not in brent_part

    # the site: a section and a page per council, each with its own publications
    site = monitor.data_dir / "site"
    index = lxml_html.fromstring((site / "index.html").read_bytes())
    headings = {h.text_content().strip(): h for h in index.xpath("//section[@class='council']/h2")}
    assert set(headings) == {"Harrow", "Brent"}
    assert headings["Brent"].find("a").get("href") == "councils/brent.html"
    brent = lxml_html.fromstring((site / "councils" / "brent.html").read_bytes())
    titles = [a.text_content().strip() for a in brent.xpath("//section[@class='council']//table//a")]
    assert "Scrutiny Report" in titles and "Improvement Plan" not in titles
    harrow = lxml_html.fromstring((site / "councils" / "harrow.html").read_bytes())
    titles = [a.text_content().strip() for a in harrow.xpath("//section[@class='council']//table//a")]
    assert {"Improvement Plan", "Cabinet Minutes"} <= set(titles) and "Scrutiny Report" not in titles

    # the search: every hit names its council; --council keeps one council's documents
    hits = monitor.json("search", "inspection")
    assert {h["council"] for h in hits} == {"HRW", "BEN"}
    only = monitor.json("search", "inspection", "--council", "Brent")
    assert {h["source"] for h in only} == {"brent-papers"} and only
    code, out, err = monitor.run("search", "inspection")
    assert code == 0 and "== Brent ==" in out and "== Harrow ==" in out
    assert out.index("== Brent ==") < out.index("Scrutiny Report") < out.index("== Harrow ==")
