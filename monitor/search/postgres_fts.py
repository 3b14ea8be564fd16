"""PostgreSQL: a table of page texts with a generated tsvector and a GIN index.

The `simple` configuration (no stemming, no stop words) over text that
monitor.search.query.index_text already folded, so PostgreSQL and SQLite see the same words.
A tsvector keeps positions only up to 16,383 and at most 256 positions per word (PostgreSQL
manual, "Text Search: Limitations"), so on a long page (an HTML document is one page) a
phrase after the 256th "the" would not be found. A page is therefore stored in parts of
PART_WORDS words that overlap by OVERLAP words: a phrase of up to that many words is always
inside one part, and a word would need to be one word in eight to pass 256 in a part.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

TABLE = "search_page"
PART_WORDS = 2_000
OVERLAP = 32

CREATE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    "version_id INTEGER NOT NULL REFERENCES version(id) ON DELETE CASCADE, "
    "page INTEGER NOT NULL, part INTEGER NOT NULL DEFAULT 0, text TEXT NOT NULL, "
    "tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, text)) STORED, "
    "PRIMARY KEY (version_id, page, part))"
)
CREATE_INDEX = f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_tsv ON {TABLE} USING GIN (tsv)"
DROP = f"DROP TABLE IF EXISTS {TABLE}"


def create(conn: Any) -> None:
    """Create the table and its GIN index if they are not there."""
    conn.execute(text(CREATE))
    conn.execute(text(CREATE_INDEX))


def delete_versions(conn: Any, version_ids: list[int]) -> None:
    """Remove every page row of these versions (deleting a version cascades too)."""
    if version_ids:
        conn.execute(text(f"DELETE FROM {TABLE} WHERE version_id = ANY(:ids)"), {"ids": list(version_ids)})


def _parts(page: str) -> list[str]:
    words = page.split(" ")
    if len(words) <= PART_WORDS:
        return [page]
    step = PART_WORDS - OVERLAP
    return [" ".join(words[at : at + PART_WORDS]) for at in range(0, len(words) - OVERLAP, step)]


def insert_pages(conn: Any, version_id: int, pages: list[str]) -> int:
    """Insert a version's pages (already in index form); returns the rows written."""
    rows = [
        {"v": version_id, "p": number, "part": part, "t": chunk}
        for number, page in enumerate(pages, start=1)
        if page
        for part, chunk in enumerate(_parts(page))
    ]
    if rows:
        conn.execute(text(f"INSERT INTO {TABLE} (version_id, page, part, text) VALUES (:v, :p, :part, :t)"), rows)
    return len(rows)


def clear(conn: Any) -> None:
    """Empty the index (for a rebuild)."""
    conn.execute(text(f"DELETE FROM {TABLE}"))


def optimise(conn: Any) -> None:
    """Refresh the planner's statistics after a bulk load."""
    conn.execute(text(f"ANALYZE {TABLE}"))


def leaf_sql(name: str, param: str, wanted: bool) -> str:
    """One query leaf's pages (columns v, p, sc); sc is ts_rank_cd over 1 + log(length), like
    bm25 favouring the page where the words are a larger share (a page's best part); 0 for a
    leaf only negated, which is never ranked."""
    score = "max(ts_rank_cd(sp.tsv, q.q, 1))" if wanted else "0.0"
    return (
        f"SELECT sp.version_id AS v, sp.page AS p, {score} AS sc FROM {TABLE} sp "
        f"CROSS JOIN (SELECT to_tsquery('simple'::regconfig, :{param}) AS q) q "
        "WHERE sp.tsv @@ q.q GROUP BY sp.version_id, sp.page"
    )
