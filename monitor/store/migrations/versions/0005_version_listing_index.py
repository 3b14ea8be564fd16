"""An index holding every column of a version but its text, so reading versions without
their texts (the site's build; every pass, for the newest version's validators) does not read
the texts.

SQLite stores a row's columns in order, and `text` comes before `text_sha256`, `extract_error`
and `meta`: reading those walked every version's text through its overflow pages, the whole
database on a national store (0.28 s warm and a full read of the file cold, for 12,000
versions; 0.03 s with this index). PostgreSQL keeps long text out of the row, and cannot put
`json` in a b-tree: the index is SQLite's only.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NAME = "ix_version_without_text"
#: by document, then version number (the order the site reads them and the pass looks a
#: document's newest version up), then every column but the text
COLUMNS = ("document_id", "number", "id", "fetched_at", "sha256", "blob_path", "content_type", "size", "etag", "last_modified",
           "text_sha256", "extract_error", "meta")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.create_index(NAME, "version", list(COLUMNS))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index(NAME, "version")
