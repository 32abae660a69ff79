"""A job's lease: the worker that holds it is the only one that may write the job's
status, progress and result (a worker left over from a killed service never can).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("jobs")}
    if "lease" not in columns:
        with op.batch_alter_table("jobs") as batch:
            batch.add_column(sa.Column("lease", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("lease")
