"""Schema migrations on a real SQLite file: 0003 re-keys GOV.UK attachments by URL path."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig

from monitor.store.db import MIGRATIONS, Store, make_engine, schema_revision


def _upgrade(engine, revision: str) -> None:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def test_0003_keys_govuk_attachments_by_url_path_and_leaves_the_rest(tmp_path):
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    engine = make_engine(url)
    _upgrade(engine, "0002")
    now = datetime(2026, 1, 1)
    page = "/government/publications/improvement-notice-issued-to-london-borough-of-harrow"
    file_url = "https://assets.publishing.service.gov.uk/media/abc123/Harrow_improvement_notice.pdf"
    with engine.begin() as conn:
        for sid, name, kind in ((1, "govuk-harrow", "govuk"), (2, "pages", "page")):
            conn.execute(
                sa.text("INSERT INTO source (id, name, kind, health, consecutive_failures, failure_alerted) VALUES (:i, :n, :k, 'ok', 0, 0)"),
                {"i": sid, "n": name, "k": kind},
            )
        docs = [
            (1, 1, f"{page}#7654321", file_url),  # the old id form
            (2, 1, page, f"https://www.gov.uk{page}"),  # the page itself: no '#'
            (3, 1, f"{page}#/media/already/new.pdf", "https://assets.publishing.service.gov.uk/media/already/new.pdf"),
            (4, 2, "https://example.org/a#1", "https://example.org/a"),  # another kind: untouched
        ]
        for doc_id, sid, key, doc_url in docs:
            conn.execute(
                sa.text(
                    "INSERT INTO document (id, source_id, key, url, title, kind, meta, first_seen, last_seen, status) "
                    "VALUES (:i, :s, :k, :u, '', 'attachment', '{}', :t, :t, 'ok')"
                ),
                {"i": doc_id, "s": sid, "k": key, "u": doc_url, "t": now},
            )
    engine.dispose()
    store = Store(url, tmp_path)  # migrates to head, as every start does
    try:
        assert schema_revision(store.engine) == "0005"
        with store.engine.connect() as conn:
            keys = dict(conn.execute(sa.text("SELECT id, key FROM document")).all())
    finally:
        store.close()
    assert keys == {
        1: f"{page}#/media/abc123/Harrow_improvement_notice.pdf",
        2: page,
        3: f"{page}#/media/already/new.pdf",
        4: "https://example.org/a#1",
    }
