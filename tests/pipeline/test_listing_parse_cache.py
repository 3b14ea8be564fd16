"""A listing page that has not changed is not parsed again, across passes (each pass a new
Pipeline, a new HTTP client and a new cache over the same data folder, as `monitor run` from
cron has them), and what it must never do: hide a change, trust a damaged copy, outlive a
change of the source's settings, or quiet a broken listing.

Real parts: the local publisher server (ETags, 304s), real PDFs, a real SQLite file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from council_site import config, listing  # noqa: E402
from harness import load_config_in
from pdfs import make_pdf

from monitor.pipeline.one_pass import Pipeline
from monitor.pipeline.pass_result import SourceOutcome
from monitor.sources.listing_cache import listing_cache_dir
from monitor.store import Store


@pytest.fixture
def site(server):
    server.add("/reports", listing("a", "b"))
    for name in "abc":
        server.add(f"/files/{name}.pdf", make_pdf([f"Report {name.upper()} about children's services."]), content_type="application/pdf")
    return server


class Passes:
    """Passes over one sources.yaml and data folder; each pass a fresh Pipeline."""

    def __init__(self, tmp_path: Path, text: str):
        self.tmp_path = tmp_path
        self.write(text)
        self.hits = self.misses = 0

    def write(self, text: str) -> None:
        (self.tmp_path / "sources.yaml").write_text(text, encoding="utf-8")

    @property
    def folder(self) -> Path:
        return listing_cache_dir(self.tmp_path / "data")

    def run(self) -> SourceOutcome:
        cfg = load_config_in(self.tmp_path / "sources.yaml", self.tmp_path / "data")
        store = Store(cfg.database_url, cfg.data_dir)
        try:
            pipeline = Pipeline(cfg, store)
            (outcome,) = pipeline.run(deliver=False).outcomes
        finally:
            store.close()
        self.hits, self.misses = pipeline.listing_cache.hits, pipeline.listing_cache.misses
        return outcome


def listing_statuses(server) -> list[int]:
    return [hit.status for hit in server.hits_for("/reports")]


def test_an_unchanged_listing_is_not_parsed_again_and_a_changed_one_is(site, tmp_path):
    passes = Passes(tmp_path, config(site.url))
    first = passes.run()
    assert (first.status, first.listed, passes.hits, passes.misses) == ("ok", 2, 0, 1)

    # (a) the publisher answers 304: the kept copy's parse is used, nothing parsed
    second = passes.run()
    assert listing_statuses(site)[-1] == 304
    assert (second.status, second.listed, second.unchanged, passes.hits, passes.misses) == ("ok", 2, 2, 1, 0)

    # (b) a new report on the page: parsed again, and found
    site.add("/reports", listing("a", "b", "c"))
    third = passes.run()
    assert listing_statuses(site)[-1] == 200
    assert (third.status, third.listed, third.new, passes.hits, passes.misses) == ("ok", 3, 1, 0, 1)
    # one file per listing page: the new parse replaced the old one
    assert len(list(passes.folder.glob("*.json"))) == 1

    fourth = passes.run()
    assert (fourth.listed, fourth.new, passes.hits, passes.misses) == (3, 0, 1, 0)


@pytest.mark.parametrize(
    "damage",
    [b"", b"{not json", b'{"format": 1, "key": "x"', b"\xff\xfe\x00garbage", "wrong key", "undecodable value"],
)
def test_a_damaged_copy_is_ignored_and_the_page_parsed_again(site, tmp_path, damage):
    passes = Passes(tmp_path, config(site.url))
    passes.run()
    (kept,) = passes.folder.glob("*.json")
    if damage == "wrong key":
        kept.write_text(kept.read_text().replace('"key": "', '"key": "0'))
    elif damage == "undecodable value":
        # a class from outside the monitor is never imported from a kept file
        kept.write_text(kept.read_text().replace("monitor.sources.page.source:ListingPage", "os:system"))
    else:
        kept.write_bytes(damage)

    outcome = passes.run()

    assert listing_statuses(site)[-1] == 304
    assert (outcome.status, outcome.listed, outcome.unchanged, outcome.error) == ("ok", 2, 2, None)
    assert (passes.hits, passes.misses) == (0, 1)
    # written again, whole: the next pass reuses it
    passes.run()
    assert (passes.hits, passes.misses) == (1, 0)


def test_a_change_of_the_sources_settings_parses_again(site, tmp_path):
    passes = Passes(tmp_path, config(site.url))
    passes.run()
    passes.run()
    assert (passes.hits, passes.misses) == (1, 0)

    # (d) the same page under a narrower `include`: the kept parse no longer holds
    passes.write(config(site.url).replace("include: '\\.pdf'", "include: 'a\\.pdf'"))
    outcome = passes.run()
    assert listing_statuses(site)[-1] == 304
    assert (passes.hits, passes.misses) == (0, 1)
    assert (outcome.status, outcome.listed, outcome.removed) == ("ok", 1, 1)
    assert len(list(passes.folder.glob("*.json"))) == 1


def test_a_broken_listing_stays_loud_when_the_page_comes_back_unchanged(site, tmp_path):
    passes = Passes(tmp_path, config(site.url, min_links="2"))
    assert passes.run().status == "ok"
    good = [p.read_bytes() for p in passes.folder.glob("*.json")]

    # (e) the page loses its links: broken, and the broken parse is not kept
    site.add("/reports", "<html><body><main><h1>Reports</h1><p>Moved to our new site.</p></main></body></html>")
    broken = passes.run()
    assert listing_statuses(site)[-1] == 200
    assert broken.status == "broken" and "expected at least 2 document link(s)" in broken.error

    # the same broken page again, answered 304 from the kept copy: parsed again, broken again
    again = passes.run()
    assert listing_statuses(site)[-1] == 304
    assert again.status == "broken" and again.error == broken.error
    assert (passes.hits, passes.misses) == (0, 1)
    # only the last good parse is on disk (for a body no longer current: never used for this one)
    assert [p.read_bytes() for p in passes.folder.glob("*.json")] == good
