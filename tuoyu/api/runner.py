"""What both faces (the command line and the service's worker) do around the planning
layer, written once: gather the inputs a planner needs from the store or an earlier plan,
call the planner's ``run`` (:mod:`tuoyu.planning.registry`), and deliver a finished
plan — its files written into a staging folder, then (a roster) the store committed, then the folder published into the
out folder in one step (a rename). A write that fails stores nothing; a store that
refuses the roster (another one of the month came first) publishes nothing.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
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
    recorded_dataset,
    reveal,
    roster_inputs,
    save_roster,
    seed,
    store_chain,
    store_draws,
)
from tuoyu.planning import ProgressFn, Stop, registry
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import AnyParams, RosterParams, SessionParams
from tuoyu.planning.plan import Plan

__all__ = ["check_redraw", "check_roster", "commit", "dataset_keys", "deliver", "deliver_each",
           "make_plan", "month_state", "month_view", "office_today", "publish", "publish_draw",
           "record_outcomes", "recorded_dataset", "reveal", "roster_inputs", "roster_run_inputs", "save_roster",
           "seed", "sessions_run_inputs", "state_error_text", "store_chain", "store_draws",
           "store_plan", "write_files"]


def make_plan(
    dataset: Dataset,
    params: AnyParams,
    *,
    engine: Engine | None = None,
    previous: Path | None = None,
    stop: Stop | None = None,
    progress: ProgressFn | None = None,
) -> Plan:
    """Run the planner of ``params.kind`` (:mod:`tuoyu.planning.registry`) with what it
    needs besides the tables (its ``inputs`` hook): a roster the history stored before
    its month; a re-planned calendar the sessions of the earlier plan (``previous``:
    its sessions.csv). The plan carries the district's name (``Plan.district``: the
    title of its workbooks and pages)."""
    from dataclasses import replace

    from tuoyu.planning.dataset import district_name

    planner = registry.planner(params.kind)
    inputs: dict[str, Any] = {}
    gather = planner.hook("inputs")
    if gather is not None:
        params, inputs = gather(dataset, params, engine=engine, previous=previous)
    plan = planner.run(dataset, params, **inputs, stop=stop, progress=progress)
    return replace(plan, district=district_name(dataset))  # type: ignore[no-any-return]


def roster_run_inputs(dataset: Dataset, params: RosterParams, *, engine: Engine | None,
                      previous: Path | None = None) -> tuple[RosterParams, dict[str, Any]]:
    """A roster's inputs from the store (:func:`roster_inputs`); a re-plan keeps the
    month's draw: the seed of its roster."""
    with Session(engine or store.engine()) as session:
        inputs = roster_inputs(session, dataset, params)
    if "seed" in inputs:
        params = params.model_copy(update={"seed": inputs.pop("seed")})
    return params, inputs


def sessions_run_inputs(dataset: Dataset, params: SessionParams, *, engine: Engine | None,
                        previous: Path | None = None) -> tuple[SessionParams, dict[str, Any]]:
    """A re-planned calendar's inputs: the sessions of the earlier plan (its
    sessions.csv), none for a new one."""
    from tuoyu.api.exports.sessions import read_sessions_csv

    return params, {"previous": read_sessions_csv(previous) if previous is not None else []}


def deliver(plan: Plan, out_dir: Path, *, dataset: Dataset, engine: Engine | None = None,
            lang: str = "zh") -> Any:
    """Write a finished plan's files, store it (its planner's ``save`` hook: a roster,
    so the next month knows it), then publish the files into ``out_dir`` in one step.
    Raises :class:`tuoyu.api.exports.output.OutputError` when the folder cannot be
    written (nothing is stored then), and :class:`store.DrawConflict` when another
    roster of the month was stored meanwhile (nothing is published then: ``out_dir``
    keeps what it held, so "nothing was written" is true). Returns what the ``save``
    hook returns (a roster: its id, and whether it replaced a draft), None for a plan
    that is not stored."""
    with staged(out_dir) as tmp:
        write_files(plan, tmp, lang)
        return store_plan(plan, dataset, engine)


def deliver_each(plans: Sequence[Plan], out_dir: Path, *, dataset: Dataset,
                 engine: Engine | None = None, lang: str = "zh") -> dict[str, Any]:
    """Deliver several plans of one dataset (a district of ``tuoyu city``) into one
    folder, a subfolder per plan (``out_dir/<kind>/``), in the order of :func:`deliver`:
    every plan's files staged, every plan stored, then the folder published in one step.
    A plan the store refuses (:class:`store.RosterStateError`) is left out of the
    folder; the others are published. Returns, per kind, what its ``save`` hook
    returned or the refusal. Raises :class:`OutputError` or ``OSError`` when the
    folder cannot be written: nothing is stored then, nothing published."""
    from dataclasses import replace

    from tuoyu.planning.dataset import district_name

    outcome: dict[str, Any] = {}
    name = district_name(dataset)  # the workbooks' titles say which district
    plans = [p if p.district else replace(p, district=name) for p in plans]
    with staged(out_dir) as tmp:
        for plan in plans:
            (tmp / plan.kind).mkdir()
            write_files(plan, tmp / plan.kind, lang)
        for plan in plans:
            try:
                outcome[plan.kind] = store_plan(plan, dataset, engine)
            except store.RosterStateError as exc:
                outcome[plan.kind] = exc
                shutil.rmtree(tmp / plan.kind)
    return outcome


def write_files(plan: Plan, folder: Path, lang: str = "zh") -> None:
    """A plan's files, by its planner's exporter."""
    registry.planner(plan.kind).module("exporter").write_plan(plan, folder, lang=lang)


def store_plan(plan: Plan, dataset: Dataset, engine: Engine | None = None) -> Any:
    """Store a plan by its planner's ``save`` hook (None: a plan that is not stored)."""
    save = registry.planner(plan.kind).hook("save")
    return None if save is None else save(plan, dataset, engine or store.engine())


def state_error_text(exc: store.RosterStateError, lang: str = "zh") -> str:
    """The refusal in the reader's language (a state such as ``withdrawn`` by its label)."""
    from tuoyu.api.text import label, message

    params = dict(exc.params)
    if "status" in params:
        params["status"] = label(f"roster.state.{params['status']}", lang)  # type: ignore[arg-type]
    return message(exc.code, params, lang)  # type: ignore[arg-type]


def draw_state(dataset: Dataset, record: dict[str, Any],
               engine: Engine | None = None) -> str | None:
    """The state the store holds now for the draw of this audit record (``draft``,
    ``published``, ``superseded``, ``withdrawn``), None when the store does not hold it:
    a roster's files are written as a draft, and this says what they are since."""
    from tuoyu.planning.roster import fingerprint

    wanted = fingerprint(record)
    with Session(engine or store.engine()) as session:
        for r in store.month_draws(session, dataset.key, str(record.get("month"))):
            if r.record_fingerprint == wanted:
                return str(r.status)
    return None


def restamp_roster(folder: Path, dataset: Dataset, engine: Engine | None = None) -> str | None:
    """Make ``folder/roster.xlsx`` say the state the store holds for the draw of
    ``folder/draw.json`` (已发布 once published); the file is replaced in one step.
    Returns that state, or None when the folder holds no roster the store knows."""
    from tuoyu.api.exports.roster import stamp_state

    try:
        record = json.loads((Path(folder) / "draw.json").read_text(encoding="utf-8"))
        book = (Path(folder) / "roster.xlsx").read_bytes()
    except (OSError, ValueError):
        return None
    state = draw_state(dataset, record, engine)
    if state is None or state == "draft":
        return state
    tmp = Path(folder) / ".roster.xlsx.new"
    tmp.write_bytes(stamp_state(book, state))
    os.replace(tmp, Path(folder) / "roster.xlsx")
    return state
