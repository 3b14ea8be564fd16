"""Keeping the search index: `monitor search --reindex`, migration 0004 on a store made
before it, and index_version / unindex_versions as the pass and retention will call them.
SQLite and PostgreSQL, the same assertions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from council_site import config, listing
from harness import Monitor
from pdfs import make_pdf
from test_search import search

from monitor.search import index_version, unindex_versions
from monitor.search import search as search_store
from monitor.store import Store
from monitor.store.db import MIGRATIONS, schema_revision
from monitor.store.models import VersionRow


def alembic(store: Store, action: str, revision: str) -> None:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        getattr(command, action)(cfg, revision)


@pytest.fixture
def two_reports(server):
    server.add("/reports", listing("a", "b"))
    server.add("/files/a.pdf", make_pdf(["Front page.", "The council's response to care\nleavers was slow."]), content_type="application/pdf")
    server.add("/files/b.pdf", make_pdf(["Adult social care requires improvement."]), content_type="application/pdf")
    return server


def open_store(monitor: Monitor) -> Store:
    return Store(monitor.database_url or f"sqlite:///{monitor.data_dir / 'monitor.db'}", monitor.data_dir)


def test_reindex_rebuilds_an_emptied_index(database_url, two_reports, tmp_path):  # noqa: F811
    monitor = Monitor(tmp_path, config(two_reports.url), database_url=database_url)
    assert monitor.run("run")[0] == 0
    assert len(search(monitor, '"care leavers"')) == 1  # the pass indexed what it stored
    # an index that lost its rows (a store copied in by `monitor import`, a damaged file)
    store = open_store(monitor)
    try:
        table = "search_fts" if store.engine.dialect.name == "sqlite" else "search_page"
        with store.engine.begin() as conn:
            conn.execute(sa.text(f"DELETE FROM {table}"))
    finally:
        store.close()
    assert search(monitor, '"care leavers"') == []
    code, out, err = monitor.run("search", "--reindex")
    assert code == 0, err
    assert out.startswith("search index rebuilt: 2 version(s) in ")
    hits = search(monitor, '"care leavers"')
    assert [(h["key"].rsplit("/", 1)[-1], h["version"], h["page"], h["snippet"]) for h in hits] == [
        ("a.pdf", 1, 2, "The council's response to «care leavers» was slow.")
    ]
    # a second rebuild replaces, never doubles
    assert monitor.run("search", "--reindex")[0] == 0
    assert len(search(monitor, "care")) == 2
    code, _, err = monitor.run("search", "care", "--reindex")
    assert code == 2 and "takes no query" in err


def test_migration_0004_indexes_a_store_made_before_it(database_url, two_reports, tmp_path):  # noqa: F811
    monitor = Monitor(tmp_path, config(two_reports.url), database_url=database_url)
    assert monitor.run("run")[0] == 0
    store = open_store(monitor)
    try:
        assert schema_revision(store.engine) == "0005"
        alembic(store, "downgrade", "0003")  # the store as it was before search existed
        assert schema_revision(store.engine) == "0003"
        tables = set(sa.inspect(store.engine).get_table_names())
        assert not tables & {"search_fts", "search_page"}
    finally:
        store.close()
    # the next start of any command upgrades it, indexing what was stored
    hits = search(monitor, "improvement")
    assert [(h["key"].rsplit("/", 1)[-1], h["version"], h["page"]) for h in hits] == [("b.pdf", 1, 1)]
    store = open_store(monitor)
    try:
        assert schema_revision(store.engine) == "0005"
    finally:
        store.close()


def test_index_version_replaces_and_unindex_removes(database_url, two_reports, tmp_path):  # noqa: F811
    monitor = Monitor(tmp_path, config(two_reports.url), database_url=database_url)
    assert monitor.run("run")[0] == 0
    store = open_store(monitor)
    try:
        with store.session() as session:
            versions = session.scalars(sa.select(VersionRow).order_by(VersionRow.id)).all()
            assert [index_version(session, v) for v in versions] == [2, 1]  # rows = non-empty pages
            assert [index_version(session, v) for v in versions] == [2, 1]  # again: replaced
        with store.session() as session:
            hits = search_store(session, "care", store.blobs)
            assert sorted((h.key.rsplit("/", 1)[-1], h.page) for h in hits) == [("a.pdf", 2), ("b.pdf", 1)]
            unindex_versions(session, [versions[0].id])
        with store.session() as session:
            hits = search_store(session, "care", store.blobs)
            assert [(h.key.rsplit("/", 1)[-1], h.page) for h in hits] == [("b.pdf", 1)]
    finally:
        store.close()


def test_a_phrase_deep_in_a_long_page_is_found(database_url, tmp_path):  # noqa: F811
    """An HTML document is one page: PostgreSQL's tsvector limits (256 positions per word)
    must not hide a phrase after thousands of words, nor one across two of its parts."""
    from monitor.search.postgres_fts import OVERLAP, PART_WORDS
    from monitor.store.db import utcnow
    from monitor.store.models import DocumentRow, SourceRow

    filler = "the council and the care of the children " * 1500  # 12,000 words, "the" 4,500 times
    words = filler.split()
    # one phrase straddling the first part boundary, one near the end
    at = PART_WORDS - OVERLAP // 2
    words[at : at + 3] = ["the", "boundary", "phrase"]
    body = " ".join(words) + " the final finding is inadequate"
    store = Store(database_url, tmp_path / "data")
    try:
        now = utcnow()
        with store.session() as session:
            src = SourceRow(name="long", kind="page")
            session.add(src)
            session.flush()
            doc = DocumentRow(source_id=src.id, key="k", url="http://127.0.0.1/k", title="Long page", kind="page",
                              first_seen=now, last_seen=now)
            session.add(doc)
            session.flush()
            version = VersionRow(document_id=doc.id, number=1, fetched_at=now, sha256="0" * 64, blob_path="00/00/" + "0" * 64,
                                 size=len(body), text=body, text_sha256="0" * 64, pages=1)
            session.add(version)
            session.flush()
            index_version(session, version)
        with store.session() as session:
            for query, quoted in [('"the final finding"', "«the final finding»"), ('"the boundary phrase"', "«the boundary phrase»")]:
                hits = search_store(session, query, store.blobs)
                assert [(h.key, h.version, h.page) for h in hits] == [("k", 1, 1)], query
                assert quoted in hits[0].snippet
            assert search_store(session, '"children the final"', store.blobs)[0].page == 1
    finally:
        store.close()
