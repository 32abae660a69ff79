"""A folder served with ``tuoyu serve --data DIR`` keeps its history under its path.

For a while (2026-12-07) the service stored a served folder's history (rosters, draws
and their chain, commitments, outcomes) under the folder's dataset id (``folder-`` and
12 hex digits); it now keys it by the folder's absolute path, as the command line does
(``tuoyu roster --data DIR``). This revision moves what was stored under each
``folder-…`` id of ``datasets`` to that row's path, so that a planner upgrading still
sees the published rosters, the draws and the outcomes. Nothing is deleted or
overwritten:

- a month's draws and commitments move together, unless the path already holds draws or
  commitments of that month (two numberings of one month), or both hold sealed records
  (two chains cannot be one): such a month stays under the id, and is logged;
- an outcome of a visit the path already holds an outcome of: the newer recorded stays in
  ``outcomes``, the other goes into ``outcomes_superseded`` (as 0007 does), logged;
- a remembered plan folder the path already remembers stays under the id.

Idempotent (what is left under an id is left again) and run once per store under the
migration lock (``tuoyu.api.store.migrate``). The downgrade moves nothing back: the
older code finds the folder's history as the command line kept it.

Before 2026-12-07 a folder served with ``--data`` was registered *as* ``baoshan`` and
its history mixed with the bundled data's under that key: which rows are whose takes the
folder's tables (the draws' fingerprints), so the service sorts them out when it starts
(``tuoyu.api.service.datasets.adopt_folder_served_as_baoshan``); the revision logs it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

#: the id prefix of folders served with ``--data`` (``service.datasets.FOLDER_PREFIX``)
PREFIX = "folder-"


def _months(bind: sa.Connection, key: str) -> set[str]:
    """The months with draws or commitments under ``key``."""
    return {r[0] for r in bind.execute(sa.text(
        "SELECT month FROM rosters WHERE dataset = :k UNION "
        "SELECT month FROM roster_commitments WHERE dataset = :k"), {"k": key})}


def _sealed_months(bind: sa.Connection, key: str) -> set[str]:
    return {r[0] for r in bind.execute(sa.text(
        "SELECT DISTINCT month FROM rosters WHERE dataset = :k AND sealed_hash IS NOT NULL"),
        {"k": key})}


def move_months(bind: sa.Connection, old: str, new: str) -> list[str]:
    """Move the draws and commitments of every month ``new`` does not hold; returns the
    months left under ``old``."""
    taken = _months(bind, new)
    sealed_there = bool(_sealed_months(bind, new))
    sealed_here = _sealed_months(bind, old)
    left = sorted(m for m in _months(bind, old)
                  if m in taken or (sealed_there and m in sealed_here))
    for month in sorted(_months(bind, old) - set(left)):
        for table in ("rosters", "roster_commitments"):
            bind.execute(sa.text(f"UPDATE {table} SET dataset = :new "  # noqa: S608
                                 "WHERE dataset = :old AND month = :m"),
                         {"new": new, "old": old, "m": month})
    return left


def move_outcomes(bind: sa.Connection, old: str, new: str) -> int:
    """Move the outcomes (and those superseded); of a visit both keys hold an outcome of,
    the newer recorded (a tie: the later id) stays in force and the other is superseded.
    Returns how many were superseded."""
    pairs = bind.execute(sa.text(
        "SELECT o.id, o.recorded_at, n.id, n.recorded_at FROM outcomes o JOIN outcomes n"
        " ON n.institution_id = o.institution_id AND n.date = o.date"
        " WHERE o.dataset = :old AND n.dataset = :new"), {"old": old, "new": new}).all()
    older = [a if (ta, a) < (tb, b) else b for a, ta, b, tb in pairs]
    if older:
        at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        moved = sa.text(
            "INSERT INTO outcomes_superseded (outcome_id, dataset, institution_id, date,"
            " outcome, inspector_ids, recorded_at, superseded_at)"
            " SELECT id, :new, institution_id, date, outcome, inspector_ids, recorded_at, :at"
            " FROM outcomes WHERE id IN :ids").bindparams(sa.bindparam("ids", expanding=True))
        gone = sa.text("DELETE FROM outcomes WHERE id IN :ids").bindparams(
            sa.bindparam("ids", expanding=True))
        for i in range(0, len(older), 500):
            ids = older[i:i + 500]
            bind.execute(moved, {"new": new, "at": at, "ids": ids})
            bind.execute(gone, {"ids": ids})
    for table in ("outcomes", "outcomes_superseded"):
        bind.execute(sa.text(f"UPDATE {table} SET dataset = :new WHERE dataset = :old"),  # noqa: S608
                     {"new": new, "old": old})
    return len(older)


def move_plan_folders(bind: sa.Connection, old: str, new: str) -> int:
    """Move the remembered plan folders ``new`` does not remember; returns how many stay."""
    bind.execute(sa.text(
        "UPDATE plan_folders SET dataset = :new WHERE dataset = :old AND NOT EXISTS ("
        " SELECT 1 FROM plan_folders p WHERE p.dataset = :new AND p.kind = plan_folders.kind"
        " AND p.folder = plan_folders.folder)"), {"new": new, "old": old})
    return int(bind.execute(sa.text("SELECT COUNT(*) FROM plan_folders WHERE dataset = :old"),
                            {"old": old}).scalar_one())


def upgrade() -> None:
    bind = op.get_bind()
    folders = bind.execute(sa.text(
        "SELECT id, path FROM datasets WHERE id LIKE :p ORDER BY id"), {"p": PREFIX + "%"}).all()
    for old, new in folders:
        if not new or new == old:
            continue
        left = move_months(bind, old, new)
        superseded = move_outcomes(bind, old, new)
        stayed = move_plan_folders(bind, old, new)
        if left or superseded or stayed:
            log.warning("0008: %s (%s): months left under the id, the folder's path holding "
                        "draws of them already: %s; outcomes superseded by the path's: %d; "
                        "plan folders left: %d", old, new, ", ".join(left) or "none",
                        superseded, stayed)
    bundled = bind.execute(sa.text("SELECT path FROM datasets WHERE id = 'baoshan'")).first()
    if bundled is not None and not bundled[0].replace("\\", "/").rstrip("/").endswith(
            "tuoyu/data/baoshan"):
        log.warning("0008: the dataset 'baoshan' names the folder %s (served with --data "
                    "before 2026-12-07?): its draws are sorted out when the service starts", bundled[0])


def downgrade() -> None:
    """Nothing moves back (the older code keyed these folders by their id; the newer by
    their path, as the command line does, which the older command line reads too)."""
