"""The store on SQLite and on PostgreSQL: the same pipeline, the same answers.

PostgreSQL runs where MONITOR_TEST_POSTGRES_URL is set (CI starts a server on loopback);
elsewhere those cases skip.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from council_site import config, listing
from harness import Monitor
from pdfs import make_pdf

from monitor.store import Store
from monitor.store.db import schema_revision, upgrade_schema
from monitor.store.models import VersionRow

POSTGRES_URL = os.environ.get("MONITOR_TEST_POSTGRES_URL")


def test_schema_is_created_and_upgrades_idempotently(database_url, tmp_path):
    store = Store(database_url, tmp_path / "data")
    try:
        assert schema_revision(store.engine) == "0005"
        upgrade_schema(store.engine)  # a second start changes nothing
        assert schema_revision(store.engine) == "0005"
        tables = set(sa.inspect(store.engine).get_table_names())
        assert {"source", "document", "version", "event", "delivery", "delivery_event", "http_cache", "run"} <= tables
    finally:
        store.close()


def test_a_pass_stores_the_same_on_every_database(database_url, server, tmp_path):
    server.add("/reports", listing("a", "b"))
    server.add("/files/a.pdf", make_pdf(["First report.", "Services are inadequate."]), content_type="application/pdf")
    server.add("/files/b.pdf", make_pdf(["Second report."]), content_type="application/pdf")
    monitor = Monitor(tmp_path, config(server.url), database_url=database_url)
    assert monitor.run("run")[0] == 0
    server.add("/reports", listing("a", "b", "c"))
    server.add("/files/c.pdf", make_pdf(["Third report: improvement notice issued."]), content_type="application/pdf")
    server.add("/files/b.pdf", make_pdf(["Second report.", "Revised."]), content_type="application/pdf")
    assert monitor.run("run")[0] == 0

    docs = monitor.documents()
    assert [(d["key"].rsplit("/", 1)[-1], d["versions"], d["status"]) for d in docs] == [
        ("a.pdf", 1, "ok"),
        ("b.pdf", 2, "ok"),
        ("c.pdf", 1, "ok"),
    ]
    events = monitor.events()
    live = [(e["type"], e["document_key"].rsplit("/", 1)[-1]) for e in events if not e["details"].get("baseline") and e["severity"] != "info"]
    assert ("new_document", "c.pdf") in live
    assert ("changed", "b.pdf") in live
    assert ("phrase_match", "c.pdf") in live
    assert not (monitor.data_dir / "monitor.db").exists() or database_url.startswith("sqlite")

    store = Store(database_url, monitor.data_dir)
    try:
        with store.session() as session:
            for version in session.scalars(sa.select(VersionRow)):
                assert store.blobs.verify(version.sha256), version.blob_path
    finally:
        store.close()


def test_versions_are_append_only(database_url, tmp_path):
    store = Store(database_url, tmp_path / "data")
    try:
        with store.session() as session:
            session.execute(sa.text("INSERT INTO source (name, kind, health, consecutive_failures, failure_alerted) VALUES ('s', 'page', 'ok', 0, 0)"))
        with pytest.raises(sa.exc.IntegrityError), store.session() as session:
            session.execute(
                sa.text(
                    "INSERT INTO document (source_id, key, url, title, kind, meta, first_seen, last_seen, status) "
                    "VALUES (1, 'k', 'u', 't', 'd', '{}', '2026-01-01', '2026-01-01', 'ok'), "
                    "(1, 'k', 'u', 't', 'd', '{}', '2026-01-01', '2026-01-01', 'ok')"
                )
            )
    finally:
        store.close()


def test_the_http_cache_takes_the_same_url_from_many_threads(database_url, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from monitor.http.client import CachedResponse
    from monitor.store.models import HttpCacheRow

    store = Store(database_url, tmp_path / "data")
    try:
        cache = store.http_cache()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda i: cache.remember("http://x.test/list", CachedResponse(f'"e{i}"', None, b"body")), range(16)))
        with store.session() as session:
            rows = session.scalars(sa.select(HttpCacheRow)).all()
        assert len(rows) == 1 and rows[0].url == "http://x.test/list"
        assert cache.lookup("http://x.test/list").body == b"body"
    finally:
        store.close()


def test_stale_partial_downloads_are_cleared_and_fresh_ones_kept(tmp_path):
    from monitor.store.blobs import BlobStore

    blobs = BlobStore(tmp_path / "blobs")
    blobs.tmp.mkdir(parents=True)
    old, fresh = blobs.tmp / ".download-old", blobs.tmp / ".download-fresh"
    old.write_bytes(b"half a pdf")
    fresh.write_bytes(b"being written now")
    os.utime(old, (1, 1))
    assert blobs.clear_stale_temp(older_than=3600) == 1
    assert not old.exists() and fresh.exists()


def test_a_document_url_longer_than_500_characters_is_stored(database_url, server, tmp_path):
    long_name = "x" * 520
    server.add(
        "/reports",
        f'<ul><li><a href="/files/a.pdf">A</a></li><li><a href="/files/{long_name}.pdf">Long</a></li>'
        '<li><a href="/files/c.pdf">C</a></li></ul>',
    )
    for name in ("a", long_name, "c"):
        server.add(f"/files/{name}.pdf", make_pdf([f"Report {name[:5]}."]), content_type="application/pdf")
    monitor = Monitor(tmp_path, config(server.url), database_url=database_url)
    code, out, err = monitor.run("run")
    assert code == 0, out + err
    keys = [d["key"].rsplit("/", 1)[-1] for d in monitor.documents()]
    assert keys == ["a.pdf", f"{long_name}.pdf", "c.pdf"]
