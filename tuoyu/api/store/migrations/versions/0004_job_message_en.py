"""A job's message in English beside the Chinese one, so that the job list speaks the
reader's language (``message`` stays the Chinese sentence).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("jobs")}
    if "message_en" not in columns:
        with op.batch_alter_table("jobs") as batch:
            batch.add_column(sa.Column("message_en", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("message_en")
