"""The full-text search index: FTS5 on SQLite, a tsvector table with a GIN index on
PostgreSQL; every version already stored is indexed here, so an upgraded store is searchable
at once (monitor/search/).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from monitor.search import reindex

    # reindex creates the table for this dialect, then reads every version into it
    reindex(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        bind.execute(sa.text("DROP TABLE IF EXISTS search_fts"))
    else:
        bind.execute(sa.text("DROP TABLE IF EXISTS search_page"))
