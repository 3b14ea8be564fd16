"""GOV.UK attachments keyed by their URL's path, not by the attachment id.

GOV.UK copies a page's attachments into every new edition with new ids, so a key of the
form `<content path>#<id>` would announce every PDF again as new whenever the page is
edited. Keys become `<content path>#<path of the attachment URL>` (what
monitor/sources/govuk_content.attachment_key makes); a row whose new key is already taken
is left as it is.

Revision ID: 0003
Revises: 0002
"""

from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT document.id, document.source_id, document.key, document.url FROM document "
            "JOIN source ON source.id = document.source_id WHERE source.kind = 'govuk'"
        )
    ).all()
    taken = {(source_id, key) for _id, source_id, key, _url in rows}
    for doc_id, source_id, key, url in rows:
        page, sep, rest = key.partition("#")
        if not sep or rest.startswith("/") or not url:
            continue
        new_key = f"{page}#{urlsplit(url).path}"
        if (source_id, new_key) in taken:
            continue
        bind.execute(sa.text("UPDATE document SET key = :key WHERE id = :id"), {"key": new_key, "id": doc_id})
        taken.add((source_id, new_key))


def downgrade() -> None:
    # the attachment ids are kept in each document's meta; the old keys are not needed back
    pass
