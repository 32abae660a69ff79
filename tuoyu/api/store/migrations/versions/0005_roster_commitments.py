"""The official draw's cycle (双随机、一公开, issue 19): commitments, seals, reveals.

Adds the table ``roster_commitments`` (a month's commitment of the draw's inputs: their
canonical JSON and its hash, the reason of a second one, then the seed source's value and
the seed) and to ``rosters`` the sealed record (``sealed_json``, ``sealed_hash``,
``sealed_at``) and ``revealed_at``; ``rosters.seed`` becomes a 64-bit integer (an
official seed is 63 bits).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = (
    sa.Column("sealed_json", sa.Text, nullable=True),
    sa.Column("sealed_hash", sa.String(80), nullable=True),
    sa.Column("sealed_at", sa.DateTime, nullable=True),
    sa.Column("revealed_at", sa.DateTime, nullable=True),
)


def upgrade() -> None:
    bind = op.get_bind()
    tables = set(sa.inspect(bind).get_table_names())
    if "roster_commitments" not in tables:
        op.create_table(
            "roster_commitments",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("dataset", sa.String(500), nullable=False, index=True),
            sa.Column("month", sa.String(7), nullable=False, index=True),
            sa.Column("seq", sa.Integer, nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("inputs_json", sa.Text, nullable=False),
            sa.Column("commitment", sa.String(80), nullable=False),
            sa.Column("reason", sa.Text, nullable=True),
            sa.Column("source_kind", sa.String(16), nullable=False),
            sa.Column("value_json", sa.Text, nullable=True),
            sa.Column("checked_value", sa.Text, nullable=True),
            sa.Column("seed", sa.BigInteger, nullable=True),
            sa.Column("seeded_at", sa.DateTime, nullable=True),
        )
        op.create_index("ux_roster_commitments_month_seq", "roster_commitments",
                        ["dataset", "month", "seq"], unique=True)
    have = {c["name"] for c in sa.inspect(bind).get_columns("rosters")}
    with op.batch_alter_table("rosters") as batch:
        for column in COLUMNS:
            if column.name not in have:
                batch.add_column(column)
        batch.alter_column("seed", type_=sa.BigInteger, existing_type=sa.Integer,
                           existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("rosters") as batch:
        batch.alter_column("seed", type_=sa.Integer, existing_type=sa.BigInteger,
                           existing_nullable=False)
        for column in COLUMNS:
            batch.drop_column(column.name)
    op.drop_index("ux_roster_commitments_month_seq", "roster_commitments")
    op.drop_table("roster_commitments")
