"""One outcome per visit: the unique index ``ux_outcomes_visit`` on ``outcomes``
(dataset, institution_id, date), so two uploads of outcomes at once can no longer both
store one for the same visit.

A store may already hold such pairs (two uploads that raced before this revision). The
newest recorded of a visit (latest ``recorded_at``, then highest id: what a later upload
replacing an earlier one keeps) stays in ``outcomes``; every other one is moved, as it
was, into the new table ``outcomes_superseded`` (``outcome_id``: its id in outcomes,
``superseded_at``: when this revision ran), never deleted, and the count is logged.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

#: the outcomes that are not the newest of their visit
OLDER = """
SELECT o.id FROM outcomes o WHERE EXISTS (
    SELECT 1 FROM outcomes n
    WHERE n.dataset = o.dataset AND n.institution_id = o.institution_id AND n.date = o.date
      AND (n.recorded_at > o.recorded_at OR (n.recorded_at = o.recorded_at AND n.id > o.id)))
"""


def upgrade() -> None:
    bind = op.get_bind()
    if "outcomes_superseded" not in set(sa.inspect(bind).get_table_names()):
        op.create_table(
            "outcomes_superseded",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("outcome_id", sa.Integer, nullable=False),
            sa.Column("dataset", sa.String(500), nullable=False, index=True),
            sa.Column("institution_id", sa.String(64), nullable=False),
            sa.Column("date", sa.Date, nullable=False),
            sa.Column("outcome", sa.String(16), nullable=False),
            sa.Column("inspector_ids", sa.String(500), nullable=False),
            sa.Column("recorded_at", sa.DateTime, nullable=False),
            sa.Column("superseded_at", sa.DateTime, nullable=False),
        )
    older = [r[0] for r in bind.execute(sa.text(OLDER))]
    if older:
        at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        for i in range(0, len(older), 500):
            ids = older[i:i + 500]
            moved = sa.text(
                "INSERT INTO outcomes_superseded (outcome_id, dataset, institution_id, date,"
                " outcome, inspector_ids, recorded_at, superseded_at)"
                " SELECT id, dataset, institution_id, date, outcome, inspector_ids,"
                " recorded_at, :at FROM outcomes WHERE id IN :ids"
            ).bindparams(sa.bindparam("ids", expanding=True))
            bind.execute(moved, {"at": at, "ids": ids})
            bind.execute(sa.text("DELETE FROM outcomes WHERE id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)), {"ids": ids})
        log.warning("0007: %d outcomes of visits recorded twice moved to "
                    "outcomes_superseded (the newest of each visit kept)", len(older))
    op.create_index("ux_outcomes_visit", "outcomes", ["dataset", "institution_id", "date"],
                    unique=True)


def downgrade() -> None:
    """The index dropped; the outcomes moved aside go back into ``outcomes`` (new ids),
    so nothing stored is lost going down either."""
    op.drop_index("ux_outcomes_visit", table_name="outcomes")
    op.get_bind().execute(sa.text(
        "INSERT INTO outcomes (dataset, institution_id, date, outcome, inspector_ids,"
        " recorded_at) SELECT dataset, institution_id, date, outcome, inspector_ids,"
        " recorded_at FROM outcomes_superseded ORDER BY id"))
    op.drop_table("outcomes_superseded")
