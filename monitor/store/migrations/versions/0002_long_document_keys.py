"""Document keys and fingerprints as unbounded text (URL keys can pass 500 characters).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.alter_column("key", existing_type=sa.String(length=500), type_=sa.Text(), existing_nullable=False)
        batch_op.alter_column("fingerprint", existing_type=sa.String(length=500), type_=sa.Text(), existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.alter_column("fingerprint", existing_type=sa.Text(), type_=sa.String(length=500), existing_nullable=True)
        batch_op.alter_column("key", existing_type=sa.Text(), type_=sa.String(length=500), existing_nullable=False)
