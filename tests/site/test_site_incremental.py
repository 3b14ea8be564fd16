"""A site brought up to date after each pass is, byte for byte, the site a full rebuild of the
same store writes; and an update rewrites the pages of what changed, not the others.

The record is the scenario one (every publisher on a real local server, real `monitor run`
passes into a real SQLite store): a baseline pass, a pass with new reports and the council's
answers, a pass where Ofsted reissues a report and the Ombudsman's page breaks; then a
document taken out of the store altogether."""

from __future__ import annotations

import filecmp
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from harness import Monitor
from publisher_server import PublisherServer
from scenario_sites import GOOD, INADEQUATE, PDF, SITES, config_yaml, govuk_site, ilacs_report
from site_record import REISSUED, search_documents
from sqlalchemy import delete, select

from monitor.config import load_config
from monitor.site import build_site
from monitor.site.data import document_slug
from monitor.site.state import state_path
from monitor.store import Store
from monitor.store.models import DocumentRow, EventRow, SourceRow, VersionRow

BUILT = datetime(2026, 3, 20, 9, 30, tzinfo=UTC)


def tree(root: Path) -> dict[str, tuple[int, int]]:
    """relative path -> (inode, size) of every file under `root`."""
    return {str(p.relative_to(root)): (p.stat().st_ino, p.stat().st_size) for p in root.rglob("*") if p.is_file()}


def assert_same_site(a: Path, b: Path) -> None:
    """Every file of `a` is in `b` with the same bytes, and the other way round."""
    left, right = sorted(tree(a)), sorted(tree(b))
    assert left == right
    different = [rel for rel in left if not filecmp.cmp(a / rel, b / rel, shallow=False)]
    assert different == []


class Story:
    """The scenario record, a pass at a time, with its site kept up to date after each."""

    def __init__(self, tmp: Path, server: PublisherServer):
        self.tmp = tmp
        self.server = server
        self.sites = {kind: (make(server) if kind != "govuk" else govuk_site(server)) for kind, make in SITES.items()}
        self.env: dict[str, str] = {}
        for site in self.sites.values():
            self.env.update(site.env)
        yaml = "".join(site.source_yaml + ("    recheck_days: 0\n" if kind == "ofsted" else "") for kind, site in self.sites.items())
        config = config_yaml(yaml).replace("settings:\n", "settings:\n  responses:\n    window_days: 400\n", 1)
        self.monitor = Monitor(tmp, config)
        self.out = tmp / "site"
        self.built = BUILT

    def run(self, expect: int = 0) -> None:
        code, out, err = self.monitor.run("run", env=self.env)
        assert code == expect, out + err

    def build(self, out: Path | None = None, *, full: bool = False):  # type: ignore[no-untyped-def]
        config = load_config(self.monitor.config_path)
        with opened_store_of(self.monitor) as store:
            return build_site(config, store, out or self.out, full=full, built_at=self.built)

    def full_copy(self, name: str) -> Path:
        """A full rebuild of the same store, at the same time, into a folder of its own."""
        other = self.tmp / name
        build = self.build(other, full=True)
        assert build.mode == "full"
        return other


@contextmanager
def opened_store_of(monitor: Monitor) -> Iterator[Store]:
    """The monitor's store, as `monitor site` opens it."""
    store = Store(f"sqlite:///{monitor.data_dir / 'monitor.db'}", monitor.data_dir)
    try:
        yield store
    finally:
        store.close()


def document_pages(root: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in (root / "documents").glob("*.html")}


def snapshot(monitor: Monitor) -> dict[str, str]:
    """Page name -> what the store holds of each document (its row, versions and events)."""
    out = {}
    with opened_store_of(monitor) as store, store.session() as session:
        sources = {r.id: r.name for r in session.scalars(select(SourceRow))}
        for doc in session.scalars(select(DocumentRow)):
            versions = session.execute(select(VersionRow.id, VersionRow.text_sha256, VersionRow.meta).where(VersionRow.document_id == doc.id)).all()
            events = session.execute(select(EventRow.id).where(EventRow.document_id == doc.id)).all()
            name = f"{document_slug(sources[doc.source_id], doc.key)}.html"
            out[name] = repr((doc.title, doc.url, doc.kind, doc.meta, doc.status, doc.published, versions, events))
    return out


def touched_by_last_pass(monitor: Monitor, before: dict[str, str], since_event: int) -> set[str]:
    """Page names of the documents the pass changed in the store, and of the findings its
    answers answer (their pages say they are answered now)."""
    names = {name for name, held in snapshot(monitor).items() if before.get(name) != held}
    for e in monitor.events():
        finding = (e.get("details") or {}).get("finding") or {}
        if e["id"] > since_event and finding.get("source") and finding.get("key"):
            names.add(f"{document_slug(finding['source'], finding['key'])}.html")
    return names


def last_event(monitor: Monitor) -> int:
    return max((e["id"] for e in monitor.events()), default=0)


@pytest.fixture(scope="module")
def story(tmp_path_factory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("incremental")
    with PublisherServer() as server:
        yield Story(tmp, server)


def test_updates_equal_full_rebuilds_and_touch_only_what_changed(story):
    # day 1: the first build is a full one (there is no state yet)
    for site in story.sites.values():
        site.day1()
    story.run()
    first = story.build()
    assert first.mode == "full" and first.written >= first.documents > 0
    assert state_path(story.out).is_file() and not (story.out / "site-state.json").exists()
    assert_same_site(story.out, story.full_copy("full-1"))

    # nothing changed, the same day: nothing but the overview (it says when it was built) is written
    before = tree(story.out)
    again = story.build()
    assert again.mode == "incremental"
    assert again.written == 0
    assert tree(story.out) == before

    # day 2: new reports and the council's answers
    for site in story.sites.values():
        site.day2()
    mark, held = last_event(story.monitor), snapshot(story.monitor)
    story.run()
    story.built = BUILT + timedelta(hours=1)
    pages_before = document_pages(story.out)
    second = story.build()
    assert second.mode == "incremental"
    rewritten = {name for name, ino in document_pages(story.out).items() if pages_before.get(name) != ino}
    touched = touched_by_last_pass(story.monitor, held, mark)
    new = set(document_pages(story.out)) - set(pages_before)
    assert new and new <= rewritten
    # no page of a document outside the change is rewritten
    assert rewritten <= touched, rewritten - touched
    assert len(rewritten) < len(document_pages(story.out))
    assert_same_site(story.out, story.full_copy("full-2"))

    # day 3: Ofsted reissues a report with a new grade; the Ombudsman's page breaks
    regraded = {**GOOD, "care_leavers": INADEQUATE["care_leavers"]}
    story.server.add(f"/v1/file/{REISSUED}", ilacs_report(regraded, "7 to 18 February 2022", "Ann Example", ["Care leavers are not well supported."]), content_type=PDF)
    story.server.add("/Decisions/SearchResults", "<html><body><h1>Decisions</h1><p>Sorry, something went wrong.</p></body></html>")
    mark, held = last_event(story.monitor), snapshot(story.monitor)
    story.run(expect=1)
    story.built = BUILT + timedelta(hours=2)
    pages_before = document_pages(story.out)
    third = story.build()
    rewritten = {name for name, ino in document_pages(story.out).items() if pages_before.get(name) != ino}
    touched = touched_by_last_pass(story.monitor, held, mark)
    reissued = next(n for n in touched if REISSUED in n)
    assert reissued in rewritten and rewritten <= touched
    assert third.written < first.written
    assert_same_site(story.out, story.full_copy("full-3"))

    # a document taken out of the store: its page and its line in the index go
    with opened_store_of(story.monitor) as store, store.session() as session:
        row = session.scalars(select(DocumentRow).where(DocumentRow.key.contains(REISSUED))).first()
        source = session.get(SourceRow, row.source_id)
        gone = f"{document_slug(source.name, row.key)}.html"
        session.execute(delete(EventRow).where(EventRow.document_id == row.id))
        session.execute(delete(VersionRow).where(VersionRow.document_id == row.id))
        session.execute(delete(DocumentRow).where(DocumentRow.id == row.id))
    story.built = BUILT + timedelta(hours=3)
    assert (story.out / "documents" / gone).exists()
    story.build()
    assert not (story.out / "documents" / gone).exists()
    assert all(d["url"] != f"documents/{gone}" for d in search_documents(story.out))
    assert_same_site(story.out, story.full_copy("full-4"))

    # a new day: "unanswered for N days" moves on, and the pages that say it follow
    story.built = BUILT + timedelta(days=3)
    story.build()
    assert_same_site(story.out, story.full_copy("full-5"))


def test_a_build_cut_short_leaves_no_state_and_the_next_is_full(story, tmp_path):
    out = tmp_path / "site"
    story.build(out)
    where = state_path(out)
    assert where.is_file()
    # a build that dies part way: the state it removed on starting is not there to vouch for it
    where.unlink()
    (out / "documents" / next(iter(document_pages(out)))).write_text("half a page", encoding="utf-8")
    redone = story.build(out)
    assert redone.mode == "full"
    assert_same_site(out, story.full_copy("full-after-crash"))


def test_a_damaged_index_part_is_rebuilt_from_the_store(story, tmp_path):
    out = tmp_path / "site"
    story.build(out)
    part = next((out / "search").glob("index*.js"))
    part.write_text("(window.MONITOR_SEARCH_PARTS = window.MONITOR_SEARCH_PARTS || []).push([\n]);\n", encoding="utf-8")
    update = story.build(out)
    assert update.mode == "incremental"
    assert_same_site(out, story.full_copy("full-after-damage"))
    assert os.path.getsize(part) > 100


def test_a_large_record_in_many_index_parts(tmp_path):
    """600 documents (the index in 16 parts): two taken out of the store and one renamed; the
    update is the full rebuild, with only the parts that held them rewritten."""
    from benchmarks.bench_store import config_text, populate
    from monitor.site.search_parts import part_digits

    data = tmp_path / "data"
    config_path = tmp_path / "sources.yaml"
    config_path.write_text(config_text("http://127.0.0.9/s0"), encoding="utf-8")
    config = load_config(config_path)
    store = Store(f"sqlite:///{data / 'monitor.db'}", data)
    try:
        populate(store, 600, 2, "http://127.0.0.9/s0", 0, datetime(2026, 6, 1))
        assert part_digits(600) == 1
        out = tmp_path / "site"
        build_site(config, store, out, built_at=BUILT)
        parts_before = {p.name: p.stat().st_ino for p in (out / "search").glob("*.js")}
        assert len(parts_before) == 16
        with store.session() as session:
            first, second = session.scalars(select(DocumentRow).order_by(DocumentRow.id).limit(2)).all()
            gone = {f"{document_slug(f'site-{d.source_id - 1:02d}', d.key)}.html" for d in (first, second)}
            for doc in (first, second):
                session.execute(delete(EventRow).where(EventRow.document_id == doc.id))
                session.execute(delete(VersionRow).where(VersionRow.document_id == doc.id))
                session.execute(delete(DocumentRow).where(DocumentRow.id == doc.id))
            doc = session.scalars(select(DocumentRow).order_by(DocumentRow.id.desc()).limit(1)).one()
            doc.title = "Report renamed by its publisher"
        update = build_site(config, store, out, built_at=BUILT + timedelta(hours=1))
        assert update.mode == "incremental"
        assert not any((out / "documents" / name).exists() for name in gone)
        parts_after = {p.name: p.stat().st_ino for p in (out / "search").glob("*.js")}
        rewritten = {name for name, ino in parts_after.items() if parts_before.get(name) != ino}
        assert 1 <= len(rewritten) <= 3
        assert any(d["title"] == "Report renamed by its publisher" for d in search_documents(out))
        full = build_site(config, store, tmp_path / "full", full=True, built_at=BUILT + timedelta(hours=1))
        assert full.mode == "full" and full.documents == 598
        assert_same_site(out, tmp_path / "full")
    finally:
        store.close()
