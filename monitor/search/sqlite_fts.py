"""SQLite: an FTS5 table, one row per page of every stored version.

The row id encodes the page: `version_id * PAGE_SLOTS + page` (page from 1), so a version's
rows are one id range (deleted and rewritten with a range scan, no extra column) and a hit
names its version and page without a join.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import text

log = logging.getLogger(__name__)

PAGE_SLOTS = 100_000
TABLE = "search_fts"

CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    "text, tokenize = 'unicode61 remove_diacritics 2')"
)
DROP = f"DROP TABLE IF EXISTS {TABLE}"


def create(conn: Any) -> None:
    """Create the FTS5 table if it is not there."""
    conn.execute(text(CREATE))


def delete_versions(conn: Any, version_ids: list[int]) -> None:
    """Remove every page row of these versions."""
    for vid in version_ids:
        conn.execute(
            text(f"DELETE FROM {TABLE} WHERE rowid >= :lo AND rowid < :hi"),
            {"lo": vid * PAGE_SLOTS, "hi": (vid + 1) * PAGE_SLOTS},
        )


def insert_pages(conn: Any, version_id: int, pages: list[str]) -> int:
    """Insert a version's pages (already in index form); returns the rows written."""
    rows = []
    for number, page in enumerate(pages, start=1):
        if number >= PAGE_SLOTS:
            log.warning("version %s: pages after %s are not indexed", version_id, PAGE_SLOTS - 1)
            break
        if page:
            rows.append({"id": version_id * PAGE_SLOTS + number, "text": page})
    if rows:
        conn.execute(text(f"INSERT INTO {TABLE}(rowid, text) VALUES (:id, :text)"), rows)
    return len(rows)


def clear(conn: Any) -> None:
    """Empty the index (for a rebuild)."""
    conn.execute(text(f"DELETE FROM {TABLE}"))


def optimise(conn: Any) -> None:
    """Merge the index's segments after a bulk load (smaller, faster to query)."""
    conn.execute(text(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')"))


def leaf_sql(name: str, param: str, wanted: bool) -> str:
    """One query leaf's pages (columns v, p, sc); sc is -bm25 (higher is better), and 0 for
    a leaf only negated, which is never ranked."""
    score = f"-bm25({TABLE})" if wanted else "0.0"
    return (
        f"SELECT rowid / {PAGE_SLOTS} AS v, rowid % {PAGE_SLOTS} AS p, {score} AS sc "
        f"FROM {TABLE} WHERE {TABLE} MATCH :{param}"
    )
