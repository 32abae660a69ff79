"""What both faces (the command line and the service's worker) do around the planning
layer, written once: gather the inputs a planner needs from the store or an earlier plan,
call ``tuoyu.planning.<kind>.run``, and deliver a finished plan — its files written into
a staging folder, then (a roster) the store committed, then the folder published into the
out folder in one step (a rename). A write that fails stores nothing; a store that
refuses the roster (another one of the month came first) publishes nothing.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tuoyu.api import store
from tuoyu.api.exports.output import staged
from tuoyu.api.store.draws import (  # the roster's store side; named here as before
    check_redraw,
    check_roster,
    commit,
    dataset_keys,
    month_state,
    month_view,
    office_today,
    publish,
    publish_draw,
    record_outcomes,
    reveal,
    roster_inputs,
    save_roster,
    seed,
    store_chain,
    store_draws,
)
from tuoyu.optimizer.solve import ProgressFn, Stop
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import AnyParams, RosterParams, SessionParams, SitingParams
from tuoyu.planning.plan import Plan

__all__ = ["PARAMS", "check_redraw", "check_roster", "commit", "dataset_keys", "deliver",
           "make_plan", "month_state", "month_view", "office_today", "publish", "publish_draw",
           "record_outcomes", "reveal", "roster_inputs", "save_roster", "seed",
           "state_error_text", "store_chain", "store_draws"]

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

        with Session(engine or store.engine()) as session:
            inputs = roster_inputs(session, dataset, params)
        if "seed" in inputs:  # a re-plan keeps the month's draw: the seed of its roster
            params = params.model_copy(update={"seed": inputs.pop("seed")})
        return roster.run(dataset, params, **inputs, stop=stop, progress=progress)
    if isinstance(params, SessionParams):
        from tuoyu.api.exports.sessions import read_sessions_csv
        from tuoyu.planning import sessions

        earlier = read_sessions_csv(previous) if previous is not None else []
        return sessions.run(dataset, params, previous=earlier, stop=stop, progress=progress)
    from tuoyu.planning import siting

    return siting.run(dataset, params, stop=stop, progress=progress)


def deliver(plan: Plan, out_dir: Path, *, dataset: Dataset, engine: Engine | None = None,
            lang: str = "zh") -> tuple[int, bool] | None:
    """Write a finished plan's files, store it (a roster: so the next month knows it),
    then publish the files into ``out_dir`` in one step. Raises
    :class:`tuoyu.api.exports.output.OutputError` when the folder cannot be written
    (nothing is stored then), and :class:`store.DrawConflict` when another roster of the
    month was stored meanwhile (nothing is published then: ``out_dir`` keeps what it
    held, so "nothing was written" is true). Returns what :func:`save_roster` returns
    for a roster (its id, and whether it replaced a draft), None for other plans."""
    exporter: Any = importlib.import_module(f"tuoyu.api.exports.{plan.kind}")
    saved = None
    with staged(out_dir) as tmp:
        exporter.write_plan(plan, tmp, lang=lang)
        if plan.kind == "roster":
            saved = save_roster(plan, dataset, engine or store.engine())
    return saved


def state_error_text(exc: store.RosterStateError, lang: str = "zh") -> str:
    """The refusal in the reader's language (a state such as ``withdrawn`` by its label)."""
    from tuoyu.api.text import label, message

    params = dict(exc.params)
    if "status" in params:
        params["status"] = label(f"roster.state.{params['status']}", lang)  # type: ignore[arg-type]
    return message(exc.code, params, lang)  # type: ignore[arg-type]
