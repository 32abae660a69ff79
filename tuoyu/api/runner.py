"""What both faces (the command line and the service's worker) do around the planning
layer, written once: gather the inputs a planner needs from the store or an earlier plan,
call ``tuoyu.planning.<kind>.run``, and deliver a finished plan — its files published
into the out folder in one step, then (a roster) the store committed. The store is
committed only after the files are published, so a write that fails stores nothing.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tuoyu.api import store
from tuoyu.api.exports.output import staged
from tuoyu.optimizer.solve import ProgressFn, Stop
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import AnyParams, RosterParams, SessionParams, SitingParams
from tuoyu.planning.plan import Plan

PARAMS: dict[str, type[AnyParams]] = {
    "roster": RosterParams,
    "sessions": SessionParams,
    "siting": SitingParams,
}


def make_plan(
    dataset: Dataset,
    params: AnyParams,
    *,
    engine: Engine | None = None,
    previous: Path | None = None,
    stop: Stop | None = None,
    progress: ProgressFn | None = None,
) -> Plan:
    """Run the planner of ``params.kind`` with what it needs besides the tables: a
    roster the history stored before its month; a re-planned calendar the sessions of
    the earlier plan (``previous``: its sessions.csv)."""
    if isinstance(params, RosterParams):
        from tuoyu.planning import roster

        start = dt.date(params.year, params.mon, 1)
        with Session(engine or store.engine()) as session:
            history = store.stored_history(session, dataset.key, start)
        return roster.run(dataset, params, history=history, stop=stop, progress=progress)
    if isinstance(params, SessionParams):
        from tuoyu.api.exports.sessions import read_sessions_csv
        from tuoyu.planning import sessions

        earlier = read_sessions_csv(previous) if previous and previous.is_file() else []
        return sessions.run(dataset, params, previous=earlier, stop=stop, progress=progress)
    from tuoyu.planning import siting

    return siting.run(dataset, params, stop=stop, progress=progress)


def deliver(plan: Plan, out_dir: Path, *, dataset: Dataset, engine: Engine | None = None,
            lang: str = "zh") -> None:
    """Write a finished plan's files and publish them into ``out_dir`` in one step; for a
    roster, then store it so the next month knows it. Raises
    :class:`tuoyu.api.exports.output.OutputError` when the folder cannot be written
    (nothing is stored then)."""
    exporter: Any = importlib.import_module(f"tuoyu.api.exports.{plan.kind}")
    with staged(out_dir) as tmp:
        exporter.write_plan(plan, tmp, lang=lang)
    if plan.kind == "roster":
        save_roster(plan, dataset, engine or store.engine())


def save_roster(plan: Plan, dataset: Dataset, engine: Engine) -> tuple[int, bool]:
    """Store a roster (its visits feed later months' history)."""
    from tuoyu.api.exports.audit import draw_record_of

    record = draw_record_of(plan)
    with Session(engine) as session, session.begin():
        return store.save_roster(
            session,
            dataset.key,
            str(plan.params["month"]),
            int(plan.params["seed"]),
            plan.fingerprint,
            json.dumps(record, ensure_ascii=False),
            [
                (dt.date.fromisoformat(str(r["date"])), str(r["institution_id"]),
                 str(r["street_id"]), str(r["inspector_ids"]), str(r["reason"]))
                for r in plan.rows
            ],
        )


def record_outcomes(file: Path, dataset: Dataset, engine: Engine | None = None) -> int:
    """Check an outcomes table (the contract's ``inspections``: institution_id, date,
    outcome, inspector_ids) against the dataset and store it; raises DataError naming
    file, row and column, storing nothing."""
    from tuoyu.planning.roster import read_outcomes

    rows = read_outcomes(file, dataset)
    with Session(engine or store.engine()) as session, session.begin():
        return store.record_outcomes(session, dataset.key, rows)
