"""A month's roster is a draft until published; every draw of a month is kept.

Adds to ``rosters``: ``seq`` (the draw's number within its month, unique with dataset
and month), ``status`` (draft | published | superseded | withdrawn), ``published_at``,
``redraw_reason`` and ``record_fingerprint``. Rosters stored before are drafts (none was
ever published), numbered in the order they were made.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = (
    sa.Column("seq", sa.Integer, nullable=False, server_default="1"),
    sa.Column("status", sa.String(16), nullable=False, server_default="draft"),
    sa.Column("published_at", sa.DateTime, nullable=True),
    sa.Column("redraw_reason", sa.Text, nullable=True),
    sa.Column("record_fingerprint", sa.String(80), nullable=True),
)


def upgrade() -> None:
    bind = op.get_bind()
    have = {c["name"] for c in sa.inspect(bind).get_columns("rosters")}
    missing = [c for c in COLUMNS if c.name not in have]
    if missing:
        with op.batch_alter_table("rosters") as batch:
            for column in missing:
                batch.add_column(column)
    # number the draws already stored, month by month, in the order they were made
    op.execute(
        "UPDATE rosters SET seq = (SELECT COUNT(*) FROM rosters r2 WHERE "
        "r2.dataset = rosters.dataset AND r2.month = rosters.month AND r2.id <= rosters.id)"
    )
    indexes = {i["name"] for i in sa.inspect(bind).get_indexes("rosters")}
    if "ux_rosters_month_seq" not in indexes:
        op.create_index("ux_rosters_month_seq", "rosters", ["dataset", "month", "seq"],
                        unique=True)
    if "ix_rosters_status" not in indexes:
        op.create_index("ix_rosters_status", "rosters", ["status"])


def downgrade() -> None:
    op.drop_index("ix_rosters_status", "rosters")
    op.drop_index("ux_rosters_month_seq", "rosters")
    with op.batch_alter_table("rosters") as batch:
        for column in COLUMNS:
            batch.drop_column(column.name)
