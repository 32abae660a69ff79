"""Where the command line wrote its plans (``plan_folders``), so that the pages and
``tuoyu scorecard`` find the plans ``tuoyu all`` made in the same store.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "plan_folders" in set(sa.inspect(op.get_bind()).get_table_names()):
        return
    op.create_table(
        "plan_folders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dataset", sa.String(500), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("folder", sa.String(1000), nullable=False),
        sa.Column("params_json", sa.Text, nullable=False, server_default="{}"),
        sa.Column("made_at", sa.DateTime, nullable=False),
    )
    op.create_index("ux_plan_folders", "plan_folders", ["dataset", "kind", "folder"],
                    unique=True)


def downgrade() -> None:
    op.drop_index("ux_plan_folders", table_name="plan_folders")
    op.drop_table("plan_folders")
