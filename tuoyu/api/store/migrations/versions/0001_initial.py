"""Initial: every table, the CLI's (rosters, roster_visits, outcomes) and the service's.

A database the command line made before (``store.engine`` creates its tables with
``create_all``) already has some of them: those are left as they are.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _missing(name: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    if _missing("rosters"):
        op.create_table(
            "rosters",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("dataset", sa.String(500), nullable=False),
            sa.Column("month", sa.String(7), nullable=False),
            sa.Column("seed", sa.Integer, nullable=False),
            sa.Column("fingerprint", sa.String(80), nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("draw_json", sa.Text, nullable=False),
        )
        op.create_index("ix_rosters_dataset", "rosters", ["dataset"])
        op.create_index("ix_rosters_month", "rosters", ["month"])
    if _missing("roster_visits"):
        op.create_table(
            "roster_visits",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("roster_id", sa.Integer, sa.ForeignKey("rosters.id"), nullable=False),
            sa.Column("date", sa.Date, nullable=False),
            sa.Column("institution_id", sa.String(64), nullable=False),
            sa.Column("street_id", sa.String(64), nullable=False),
            sa.Column("inspector_ids", sa.String(500), nullable=False),
            sa.Column("reason", sa.String(32), nullable=False),
        )
        op.create_index("ix_roster_visits_roster_id", "roster_visits", ["roster_id"])
        op.create_index("ix_roster_visits_institution_id", "roster_visits", ["institution_id"])
    if _missing("outcomes"):
        op.create_table(
            "outcomes",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("dataset", sa.String(500), nullable=False),
            sa.Column("institution_id", sa.String(64), nullable=False),
            sa.Column("date", sa.Date, nullable=False),
            sa.Column("outcome", sa.String(16), nullable=False),
            sa.Column("inspector_ids", sa.String(500), nullable=False),
            sa.Column("recorded_at", sa.DateTime, nullable=False),
        )
        op.create_index("ix_outcomes_dataset", "outcomes", ["dataset"])
        op.create_index("ix_outcomes_institution_id", "outcomes", ["institution_id"])
    if _missing("datasets"):
        op.create_table(
            "datasets",
            sa.Column("id", sa.String(64), primary_key=True),
            sa.Column("name", sa.String(200), nullable=False),
            sa.Column("path", sa.String(1000), nullable=False),
            sa.Column("tables_json", sa.Text, nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
        )
    if _missing("jobs"):
        op.create_table(
            "jobs",
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("kind", sa.String(16), nullable=False),
            sa.Column("dataset_id", sa.String(64), nullable=False),
            sa.Column("params_json", sa.Text, nullable=False),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("progress_json", sa.Text, nullable=True),
            sa.Column("message", sa.Text, nullable=True),
            sa.Column("cancel_requested", sa.Boolean, nullable=False),
            sa.Column("pid", sa.Integer, nullable=True),
            sa.Column("parent_id", sa.String(32), nullable=True),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("started_at", sa.DateTime, nullable=True),
            sa.Column("finished_at", sa.DateTime, nullable=True),
        )
        op.create_index("ix_jobs_kind", "jobs", ["kind"])
        op.create_index("ix_jobs_dataset_id", "jobs", ["dataset_id"])
        op.create_index("ix_jobs_status", "jobs", ["status"])
        op.create_index("ix_jobs_created_at", "jobs", ["created_at"])
    if _missing("plans"):
        op.create_table(
            "plans",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id"), nullable=False),
            sa.Column("result_json", sa.Text, nullable=False),
            sa.Column("files_json", sa.Text, nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
        )
        op.create_index("ix_plans_job_id", "plans", ["job_id"], unique=True)
    if _missing("api_tokens"):
        op.create_table(
            "api_tokens",
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("name", sa.String(200), nullable=False),
            sa.Column("role", sa.String(16), nullable=False),
            sa.Column("salt", sa.String(64), nullable=False),
            sa.Column("hash", sa.String(128), nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("last_used_at", sa.DateTime, nullable=True),
        )


def downgrade() -> None:
    for name in ("api_tokens", "plans", "jobs", "datasets"):
        op.drop_table(name)
