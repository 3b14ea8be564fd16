"""Reading versions without their texts does not read the texts on SQLite (migration 0005):
`text` is stored before the columns read with the list, so without the index every text's
overflow pages were walked, the whole database file on a national store."""

from __future__ import annotations

import sqlalchemy as sa

from monitor.pipeline.known_documents import _KNOWN
from monitor.site.data import version_listing
from monitor.store import Store


def _plan(store: Store, statement: sa.Executable, params: dict | None = None) -> str:
    compiled = statement.compile(store.engine)
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", tuple(compiled.construct_params(params).values()) if params else ()).all()
    return " | ".join(str(row[-1]) for row in rows)


def test_the_site_and_the_pass_read_versions_from_the_index_not_the_table(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'monitor.db'}", tmp_path)
    try:
        site = _plan(store, version_listing(texts=False))
        assert "USING COVERING INDEX ix_version_without_text" in site, site
        known = _plan(store, _KNOWN, {"source_id": 1})
        assert "version USING COVERING INDEX ix_version_without_text" in known, known
        # with texts asked for, the table is read: the index is not a copy of everything
        assert "COVERING INDEX" not in _plan(store, version_listing(texts=True))
    finally:
        store.close()
