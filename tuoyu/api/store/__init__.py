"""The store: rosters made and outcomes recorded (so the next month knows them), and
the service's datasets, jobs, plans and tokens.

SQLAlchemy; a SQLite file by default (``tuoyu.sqlite`` in the working folder), any
database by URL in the environment variable ``TUOYU_DATABASE_URL``. Tables are made and
upgraded by Alembic (:func:`migrate`), for the command line and the service alike.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from filelock import FileLock
from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tuoyu.api.store.tables import (
    FINISHED,
    STATUSES,
    ApiToken,
    Base,
    Dataset,
    Job,
    Outcome,
    Roster,
    RosterVisit,
    StoredPlan,
    now,
)
from tuoyu.models.inspection import PastInspection

__all__ = [
    "FINISHED", "STATUSES", "ApiToken", "Base", "Dataset", "Job", "Outcome", "Roster",
    "RosterVisit", "StoredPlan", "now", "database_url", "engine", "make_engine", "migrate",
    "stored_history", "save_roster", "record_outcomes",
]

DEFAULT_URL = "sqlite:///tuoyu.sqlite"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine fit for several processes: SQLite waits for locks and uses WAL."""
    if url.startswith("sqlite"):
        eng = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(eng, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return eng
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    """An Alembic config built in code (no alembic.ini): the package's migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["url"] = url
    return cfg


def migrate(url: str) -> None:
    """Bring the database to the newest revision (creates every table on a new one).

    Safe when several processes start at once on a new store: SQLite files are migrated
    under a file lock beside them, PostgreSQL under an advisory lock (in the migration
    environment), so the schema is made once and the others find it made."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(path) + ".migrate.lock", timeout=120):
            command.upgrade(alembic_config(url), "head")
        return
    command.upgrade(alembic_config(url), "head")


def database_url() -> str:
    return os.environ.get("TUOYU_DATABASE_URL") or DEFAULT_URL  # unset or empty: default


def engine(url: str | None = None) -> Engine:
    """The command line's engine: the configured database, brought to the newest schema."""
    url = url or database_url()
    migrate(url)
    return make_engine(url)


def stored_history(session: Session, dataset: str, before: dt.date) -> list[PastInspection]:
    """Recorded outcomes, plus visits of stored rosters with no outcome yet (``planned``),
    dated before ``before``."""
    out: list[PastInspection] = []
    recorded = set()
    for o in session.scalars(
        select(Outcome).where(Outcome.dataset == dataset, Outcome.date < before)
    ):
        out.append(
            PastInspection(
                institution_id=o.institution_id,
                date=o.date,
                outcome=o.outcome,
                inspector_ids=tuple(filter(None, o.inspector_ids.split(";"))),
            )
        )
        recorded.add((o.institution_id, o.date))
    rows = session.execute(
        select(RosterVisit).join(Roster).where(Roster.dataset == dataset, RosterVisit.date < before)
    ).scalars()
    for v in rows:
        if (v.institution_id, v.date) in recorded:
            continue
        out.append(
            PastInspection(
                institution_id=v.institution_id,
                date=v.date,
                outcome="planned",
                inspector_ids=tuple(filter(None, v.inspector_ids.split(";"))),
            )
        )
    out.sort(key=lambda h: (h.date, h.institution_id, h.outcome))
    return out


def save_roster(
    session: Session,
    dataset: str,
    month: str,
    seed: int,
    fingerprint: str,
    draw_json: str,
    rows: Iterable[tuple[dt.date, str, str, str, str]],
) -> tuple[int, bool]:
    """Store a month's roster, replacing an earlier one of the same month.
    Returns (roster id, whether an earlier one was replaced)."""
    old = session.scalars(
        select(Roster).where(Roster.dataset == dataset, Roster.month == month)
    ).all()
    for r in old:
        session.delete(r)
    roster = Roster(
        dataset=dataset,
        month=month,
        seed=seed,
        fingerprint=fingerprint,
        created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        draw_json=draw_json,
    )
    for date, inst, street, team, reason in rows:
        roster.visits.append(
            RosterVisit(
                date=date, institution_id=inst, street_id=street, inspector_ids=team, reason=reason
            )
        )
    session.add(roster)
    session.flush()
    return roster.id, bool(old)


def record_outcomes(session: Session, dataset: str, outcomes: Iterable[PastInspection]) -> int:
    """Record inspection outcomes; a second record of the same visit replaces the first."""
    n = 0
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for o in outcomes:
        for old in session.scalars(
            select(Outcome).where(
                Outcome.dataset == dataset,
                Outcome.institution_id == o.institution_id,
                Outcome.date == o.date,
            )
        ):
            session.delete(old)
        session.add(
            Outcome(
                dataset=dataset,
                institution_id=o.institution_id,
                date=o.date,
                outcome=o.outcome,
                inspector_ids=";".join(o.inspector_ids),
                recorded_at=now,
            )
        )
        n += 1
    return n
