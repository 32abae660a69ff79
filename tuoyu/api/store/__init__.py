"""The store: rosters made and outcomes recorded (so the next month knows them), and
the service's datasets, jobs, plans and tokens.

SQLAlchemy; one SQLite file by default, ``tuoyu.sqlite`` in the data root
(``TUOYU_HOME``, else ``./tuoyu_home``: :func:`home`), for the command line and the
service alike, so a roster made by ``tuoyu all`` shows in the pages of ``tuoyu serve``
started in the same folder; any database by URL in the environment variable
``TUOYU_DATABASE_URL``. Tables are made and
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
from sqlalchemy import create_engine, delete, event, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tuoyu.api.store.lease import Lease, store_lease
from tuoyu.api.store.tables import (
    FINISHED,
    ROSTER_STATES,
    STATUSES,
    ApiToken,
    Base,
    DatasetRow,
    Job,
    Outcome,
    OutcomeSuperseded,
    PlanFolder,
    Roster,
    RosterVisit,
    StoredPlan,
    now,
)
from tuoyu.models.inspection import PastInspection

__all__ = [
    "FINISHED", "ROSTER_STATES", "STATUSES", "ApiToken", "Base", "DatasetRow", "Job", "Outcome", "OutcomeSuperseded", "Roster",
    "RosterVisit", "StoredPlan", "now", "database_url", "engine", "make_engine", "migrate",
    "stored_history", "save_roster", "record_outcomes", "OutcomesBusy", "RosterStateError", "RedrawRefused",
    "DrawConflict", "default_url", "home", "ReplanNeedsReason", "NothingToPublish", "NothingToReplan", "NoRosterStored", "month_draws", "earlier_draws", "draw_entry",
    "is_published", "month_roster", "publish_roster", "PlanFolder", "note_plan_folder",
    "plan_folders", "job_dataset_ids", "write_turn", "Lease", "store_lease",
]

#: the data root when ``TUOYU_HOME`` is not set (relative to the working folder)
DEFAULT_HOME = "tuoyu_home"
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


def home() -> Path:
    """The data root: ``TUOYU_HOME``, else ``./tuoyu_home`` (absolute)."""
    return Path(os.environ.get("TUOYU_HOME") or DEFAULT_HOME).resolve()


def default_url(root: Path | None = None) -> str:
    """The SQLite file of a data root (default :func:`home`): ``ROOT/tuoyu.sqlite``."""
    return f"sqlite:///{(root or home()) / 'tuoyu.sqlite'}"


def database_url() -> str:
    """The store of the command line and the service alike: ``TUOYU_DATABASE_URL``
    (unset or empty: :func:`default_url`)."""
    return os.environ.get("TUOYU_DATABASE_URL") or default_url()


def engine(url: str | None = None) -> Engine:
    """The command line's engine: the configured database, brought to the newest schema."""
    url = url or database_url()
    migrate(url)
    return make_engine(url)


#: how many folders of one dataset and kind the store remembers (the newest)
PLAN_FOLDERS_KEPT = 20


def note_plan_folder(eng: Engine, dataset: str, kind: str, folder: Path,
                     params: dict[str, Any]) -> None:
    """Remember that a finished plan of ``kind`` on ``dataset`` was written into
    ``folder`` (the command line's out folder) now: the pages and ``tuoyu scorecard``
    look there for plans made on the command line. The same folder again replaces its
    row; only the newest :data:`PLAN_FOLDERS_KEPT` of a dataset and kind are kept."""
    import json

    where = str(Path(folder).resolve())
    with Session(eng) as session, session.begin():
        session.execute(delete(PlanFolder).where(
            PlanFolder.dataset == dataset, PlanFolder.kind == kind, PlanFolder.folder == where))
        session.add(PlanFolder(dataset=dataset, kind=kind, folder=where, made_at=now(),
                               params_json=json.dumps(params, ensure_ascii=False,
                                                      sort_keys=True, default=str)))
        session.flush()
        old = session.scalars(
            select(PlanFolder.id).where(PlanFolder.dataset == dataset, PlanFolder.kind == kind)
            .order_by(PlanFolder.made_at.desc(), PlanFolder.id.desc())
            .offset(PLAN_FOLDERS_KEPT)).all()
        if old:
            session.execute(delete(PlanFolder).where(PlanFolder.id.in_(old)))


def folder_noted(eng: Engine, folder: Path) -> bool:
    """Whether the command line noted a plan written into ``folder`` (any dataset or
    kind): a plan folder of a version before the folders' mark (``output.MARK``)."""
    where = str(Path(folder).resolve())
    with Session(eng) as session:
        return session.scalars(
            select(PlanFolder.id).where(PlanFolder.folder == where).limit(1)).first() is not None


def write_turn(session: Session, key: int) -> None:
    """Take the database's turn to write before this transaction reads what it checks, so
    that two writers on one store (two processes of the service, two services) cannot both
    pass a check that the other's write would fail (two requests both counting 19 queued
    jobs of 20, both adding one): on SQLite the write lock at once (``BEGIN IMMEDIATE``:
    the other writer waits for it, up to the busy timeout), on PostgreSQL the transaction's
    advisory lock ``key``, released when it ends. Call it first in a new transaction;
    another database takes no turn here."""
    from sqlalchemy import text

    conn = session.connection()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def job_dataset_ids(session: Session, key: str) -> list[str]:
    """The dataset ids the service's jobs of the dataset keyed ``key`` carry: the key,
    and every registered dataset whose folder the key is (a planner's folder served with
    ``tuoyu serve --data``: its jobs carry the row's id, the store keys its history by the
    folder's path, as the command line does)."""
    rows = session.scalars(select(DatasetRow.id).where(DatasetRow.path == key)).all()
    return [key, *sorted(r for r in rows if r != key)]


def plan_folders(eng: Engine, dataset: str, kind: str) -> list[PlanFolder]:
    """The folders the command line wrote plans of ``kind`` on ``dataset`` into, newest
    first (a folder may since have been removed or overwritten: check its files)."""
    with Session(eng, expire_on_commit=False) as session:
        return list(session.scalars(
            select(PlanFolder).where(PlanFolder.dataset == dataset, PlanFolder.kind == kind)
            .order_by(PlanFolder.made_at.desc(), PlanFolder.id.desc())).all())


def stored_history(session: Session, dataset: str, before: dt.date) -> list[PastInspection]:
    """Recorded outcomes, plus the visits of PUBLISHED rosters with no outcome yet
    (``planned``), dated before ``before``. Drafts never feed the history."""
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
        select(RosterVisit)
        .join(Roster)
        .where(
            Roster.dataset == dataset, Roster.status == "published", RosterVisit.date < before
        )
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


# ------------------------------------------------------------ a month's draws (双随机)


class RosterStateError(Exception):
    """A roster cannot be saved or published in the month's present state. ``code`` and
    ``params`` are a message of the catalogue (``tuoyu.api.text``): CLI exit 2, API 409."""

    code = "roster.state"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(f"{self.code} {params}")


class OutcomesBusy(RosterStateError):
    """Another upload of outcomes was being stored and this one could not take its turn
    within ``seconds`` (or it conflicted with it): nothing of this one was stored; try
    again. CLI exit 2, API 409."""

    code = "roster.outcomes_busy"


class RedrawRefused(RosterStateError):
    """The month is published: another roster for it needs a reason."""

    code = "roster.redraw_needs_reason"


class DrawConflict(RosterStateError):
    """Another roster of the month was saved since this one was planned (a second process
    at the same time): this one is not stored."""

    code = "roster.draw_conflict"


class NothingToPublish(RosterStateError):
    """No draft of the month (or the draw asked for is not the month's newest)."""

    code = "roster.publish_nothing"


class ReplanNeedsReason(RosterStateError):
    """A re-plan of a published month with no outcome recorded in the month before its
    date changes the published roster for no recorded cause: it needs a reason."""

    code = "roster.replan_needs_reason"


class NothingToReplan(RosterStateError):
    """A re-plan from a date needs a stored roster of the month."""

    code = "roster.replan_nothing"


class NoRosterStored(RosterStateError):
    """No roster of the month is stored (nothing to give notice of)."""

    code = "roster.notice_nothing"


def month_draws(session: Session, dataset: str, month: str) -> list[Roster]:
    """Every draw of a month, oldest first."""
    return list(
        session.scalars(
            select(Roster)
            .where(Roster.dataset == dataset, Roster.month == month)
            .order_by(Roster.seq, Roster.id)
        )
    )


def _iso(t: dt.datetime | None) -> str | None:
    return None if t is None else t.replace(microsecond=0).isoformat() + "Z"


def draw_entry(r: Roster) -> dict[str, Any]:
    """One earlier draw as ``draw.json`` lists it (``earlier_draws``)."""
    return {
        "draw": r.seq,
        "seed": r.seed,
        "time": _iso(r.created_at),
        "fingerprint": r.record_fingerprint,
        "tables_fingerprint": r.fingerprint,
        "reason": r.redraw_reason,
        "status": r.status,
        "published_at": _iso(r.published_at),
    }


def earlier_draws(session: Session, dataset: str, month: str) -> list[dict[str, Any]]:
    """The draws of a month stored so far, oldest first (see :func:`draw_entry`)."""
    return [draw_entry(r) for r in month_draws(session, dataset, month)]


def is_published(session: Session, dataset: str, month: str) -> bool:
    """Was a roster of the month ever published (then another needs a reason)?"""
    return any(r.published_at is not None for r in month_draws(session, dataset, month))


def month_roster(session: Session, dataset: str, month: str) -> Roster | None:
    """The month's roster in force: the published one, else the newest draft."""
    draws = month_draws(session, dataset, month)
    published = [r for r in draws if r.status == "published"]
    drafts = [r for r in draws if r.status == "draft"]
    return (published or drafts or [None])[-1]


def save_roster(
    session: Session,
    dataset: str,
    month: str,
    seed: int,
    fingerprint: str,
    draw_json: str,
    rows: Iterable[tuple[dt.date, str, str, str, str]],
    *,
    seen: int | None = None,
    redraw_reason: str | None = None,
    record_fingerprint: str | None = None,
) -> tuple[int, bool]:
    """Store a new draft of a month's roster. A draft of the month stored before is
    ``superseded`` (kept, and listed in the new draw's ``earlier_draws``); a published
    one stays in force until the new draft is published.

    ``seen``: how many draws of the month the roster was planned with (its
    ``earlier_draws``); when another was stored since, :class:`DrawConflict`. A month
    once published needs ``redraw_reason`` (else :class:`RedrawRefused`). The draw's
    number is unique in the month (an index), so of two sessions saving at once one
    fails. Returns (roster id, whether a draft was superseded)."""
    draws = month_draws(session, dataset, month)
    if seen is not None and len(draws) != seen:
        raise DrawConflict(month=month, seen=seen, stored=len(draws))
    from tuoyu.planning.roster import clean_reason

    redraw_reason = clean_reason(redraw_reason)
    if any(r.published_at is not None for r in draws) and not redraw_reason:
        raise RedrawRefused(month=month)
    replaced = False
    for r in draws:
        if r.status == "draft":
            r.status, replaced = "superseded", True
    roster = Roster(
        dataset=dataset,
        month=month,
        seed=seed,
        fingerprint=fingerprint,
        created_at=now(),
        draw_json=draw_json,
        seq=max((r.seq for r in draws), default=0) + 1,
        status="draft",
        redraw_reason=redraw_reason,
        record_fingerprint=record_fingerprint,
    )
    for date, inst, street, team, reason in rows:
        roster.visits.append(
            RosterVisit(
                date=date, institution_id=inst, street_id=street, inspector_ids=team, reason=reason
            )
        )
    session.add(roster)
    try:
        session.flush()
    except IntegrityError as exc:  # another session took the month's next draw number
        raise DrawConflict(month=month, seen=len(draws), stored=-1) from exc
    return roster.id, replaced


def publish_roster(
    session: Session, dataset: str, month: str, *, record_fingerprint: str | None = None
) -> Roster:
    """Publish the month's newest draft (or, with ``record_fingerprint``, that draw,
    which must be the month's newest): it feeds later months' history from now on; a
    roster of the month published before is ``withdrawn``. Publishing the published
    draw again changes nothing. Raises :class:`NothingToPublish`."""
    draws = month_draws(session, dataset, month)
    if record_fingerprint is not None:
        chosen = [r for r in draws if r.record_fingerprint == record_fingerprint]
        if chosen and chosen[0].status == "published":
            return chosen[0]
        if not chosen or chosen[0].status != "draft":
            raise NothingToPublish(month=month, status=chosen[0].status if chosen else "none")
        target = chosen[0]
    else:
        drafts = [r for r in draws if r.status == "draft"]
        if not drafts:
            published = [r for r in draws if r.status == "published"]
            raise NothingToPublish(month=month, status="published" if published else "none")
        target = drafts[-1]
    for r in draws:
        if r.status == "published":
            r.status = "withdrawn"
    session.flush()
    # only while it is still a draft: of two publishes at once the second changes nothing
    # (it was sealed and announced by the first; a second seal would replace its hash)
    session.execute(update(Roster).where(Roster.id == target.id, Roster.status == "draft")
                    .values(status="published", published_at=now())
                    .execution_options(synchronize_session=False))
    session.refresh(target)
    return target


def outcomes_between(session: Session, dataset: str, start: dt.date, end: dt.date) -> int:
    """How many outcomes are recorded for visits dated in ``[start, end)``."""
    return len(list(session.scalars(select(Outcome.id).where(
        Outcome.dataset == dataset, Outcome.date >= start, Outcome.date < end))))
#: rows written per statement when outcomes are recorded
OUTCOME_BATCH = 2000


def _deduplicated(rows: list[PastInspection]) -> list[PastInspection]:
    """One row per visit (institution, date), the last given (a table checked by the
    reader holds no two; a caller that gives two means the later)."""
    return list({(o.institution_id, o.date): o for o in rows}.values())


def record_outcomes(session: Session, dataset: str, outcomes: Iterable[PastInspection]) -> int:
    """Record inspection outcomes; a second record of the same visit is the one in force,
    and the earlier one is kept in ``outcomes_superseded`` (never lost; the same outcome
    by the same team recorded again keeps nothing twice).

    One outcome per visit is the unique index ``ux_outcomes_visit``. On SQLite and
    PostgreSQL the visits no one recorded yet are inserted first (``INSERT … ON CONFLICT
    (dataset, institution_id, date) DO NOTHING``: on PostgreSQL a visit another writer is
    recording waits for that writer's transaction), then the visits recorded before are
    read locked (``FOR UPDATE``), kept and replaced (:func:`_supersede`), so two writers at
    once never store two outcomes of one visit and neither's record is lost; on SQLite
    writers take turns (see :func:`tuoyu.api.store.draws.record_outcomes`). Other
    databases: the earlier rows kept, deleted, then the new inserted (the index refuses a
    second writer's duplicate). Multi-row statements in batches: 300,000 rows take
    seconds, in the caller's one transaction (all or nothing)."""
    rows = _deduplicated(list(outcomes))
    if not rows:
        return 0
    at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    table = Outcome.__table__
    dialect = session.get_bind().dialect.name
    # in one order of visits: two writers at once lock the same rows in the same order
    # (PostgreSQL), so they wait for each other instead of deadlocking
    values = [{"dataset": dataset, "institution_id": o.institution_id, "date": o.date,
               "outcome": o.outcome, "inspector_ids": ";".join(o.inspector_ids),
               "recorded_at": at}
              for o in sorted(rows, key=lambda o: (o.institution_id, o.date))]
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as upsert
        else:
            from sqlalchemy.dialects.postgresql import insert as upsert
        stmt = upsert(table).on_conflict_do_nothing(
            index_elements=["dataset", "institution_id", "date"])
        for i in range(0, len(values), OUTCOME_BATCH):
            session.execute(stmt, values[i:i + OUTCOME_BATCH])
        _supersede(session, dataset, values, at, replace=True)
        return len(rows)
    old = _supersede(session, dataset, values, at, replace=False)
    for i in range(0, len(old), OUTCOME_BATCH):
        session.execute(delete(table).where(table.c.id.in_(old[i:i + OUTCOME_BATCH])))
    for i in range(0, len(values), OUTCOME_BATCH):
        session.execute(insert(table), values[i:i + OUTCOME_BATCH])
    return len(rows)


def _supersede(session: Session, dataset: str, values: list[dict[str, Any]],
               at: dt.datetime, *, replace: bool) -> list[int]:
    """The visits of ``values`` stored before this record (not the rows it inserted, whose
    ``recorded_at`` is ``at``): each earlier outcome that differs from the new one is
    copied into ``outcomes_superseded``; with ``replace`` its row then takes the new
    outcome (an identical one is left as it was). Returns the ids of the earlier rows."""
    from sqlalchemy import bindparam, update

    table = Outcome.__table__
    new = {(v["institution_id"], v["date"]): v for v in values}
    lo, hi = min(v["date"] for v in values), max(v["date"] for v in values)
    query = (select(table.c.id, table.c.institution_id, table.c.date, table.c.outcome,
                    table.c.inspector_ids, table.c.recorded_at)
             .where(table.c.dataset == dataset, table.c.date >= lo, table.c.date <= hi)
             .order_by(table.c.institution_id, table.c.date))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    earlier, kept, changed = [], [], []
    for row in session.execute(query):
        v = new.get((row.institution_id, row.date))
        if v is None or row.recorded_at == at:
            continue
        earlier.append(row.id)
        if (row.outcome, row.inspector_ids) == (v["outcome"], v["inspector_ids"]):
            continue
        kept.append({"outcome_id": row.id, "dataset": dataset,
                     "institution_id": row.institution_id, "date": row.date,
                     "outcome": row.outcome, "inspector_ids": row.inspector_ids,
                     "recorded_at": row.recorded_at, "superseded_at": at})
        changed.append({"row_id": row.id, "new_outcome": v["outcome"],
                        "new_team": v["inspector_ids"], "new_at": at})
    for i in range(0, len(kept), OUTCOME_BATCH):
        session.execute(insert(OutcomeSuperseded.__table__), kept[i:i + OUTCOME_BATCH])
    if replace and changed:
        stmt = (update(table).where(table.c.id == bindparam("row_id"))
                .values(outcome=bindparam("new_outcome"), inspector_ids=bindparam("new_team"),
                        recorded_at=bindparam("new_at")))
        for i in range(0, len(changed), OUTCOME_BATCH):
            session.execute(stmt, changed[i:i + OUTCOME_BATCH])
    return earlier
