"""What both faces (the command line and the service's worker) do around the planning
layer, written once: gather the inputs a planner needs from the store or an earlier plan,
call the planner's ``run`` (:mod:`tuoyu.planning.registry`), and deliver a finished
plan — its files written into a staging folder, then (a roster) the store committed, then the folder published into the
out folder in one step (a rename). A write that fails stores nothing; a store that
refuses the roster (another one of the month came first) publishes nothing.
"""

from __future__ import annotations

import datetime as dt
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
from tuoyu.models.errors import DataError, Problem
from tuoyu.planning import ProgressFn, Stop, registry
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import AnyParams, RosterParams, SessionParams
from tuoyu.planning.plan import Plan


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


def roster_inputs(session: Session, dataset: Dataset, params: RosterParams) -> dict[str, Any]:
    """What a roster needs from the store: the history (published rosters and outcomes)
    before the month, the month's earlier draws, and for a re-plan (``from_date``) the
    month's roster in force (its visits: ``kept``) and the outcomes recorded this month
    before the date, and its seed (a re-plan keeps the month's draw). Raises
    :class:`store.RedrawRefused` when the month is published and
    no reason is given (a re-plan needs none), :class:`store.NothingToReplan` when a
    re-plan finds no roster of the month."""
    start = dt.date(params.year, params.mon, 1)
    check_redraw(session, dataset, params)
    earlier = store.earlier_draws(session, dataset.key, params.month)
    if params.from_date is None:
        history = store.stored_history(session, dataset.key, start)
        return {"history": history, "earlier_draws": earlier}
    history = [h for h in store.stored_history(session, dataset.key, params.from_date)
               if h.date < start or h.outcome != "planned"]  # fmt: skip
    current = store.month_roster(session, dataset.key, params.month)
    if current is None:
        raise store.NothingToReplan(month=params.month)
    kept = [{"date": v.date, "institution_id": v.institution_id, "street_id": v.street_id,
             "inspector_ids": v.inspector_ids, "reason": v.reason}
            for v in current.visits]  # fmt: skip
    return {"history": history, "kept": kept, "earlier_draws": earlier, "seed": current.seed}


def check_redraw(session: Session, dataset: Dataset, params: RosterParams) -> None:
    """Refuse (:class:`store.RedrawRefused`) another roster of a published month without
    a reason; a re-plan from a date needs none. The service calls it before queueing a
    roster job (409)."""
    from tuoyu.planning.roster import draw_reason

    reason = draw_reason(params.model_dump(mode="json"))
    if not reason and store.is_published(session, dataset.key, params.month):
        raise store.RedrawRefused(month=params.month)


def check_roster(dataset: Dataset, params: RosterParams, engine: Engine | None = None) -> None:
    """Whether a roster job can run in the month's present state; raises
    :class:`store.RosterStateError` (:class:`store.RedrawRefused`,
    :class:`store.NothingToReplan`) with a catalogue code: the service answers 409
    before queueing the job."""
    with Session(engine or store.engine()) as session:
        check_redraw(session, dataset, params)
        if params.from_date is not None and store.month_roster(
                session, dataset.key, params.month) is None:
            raise store.NothingToReplan(month=params.month)


def month_state(dataset: Dataset, month: str, engine: Engine | None = None) -> dict[str, Any]:
    """A month's draws for the pages: every draw (``earlier_draws`` entries, oldest
    first), the one in force and whether the month is published."""
    with Session(engine or store.engine()) as session:
        draws = store.earlier_draws(session, dataset.key, month)
        current = store.month_roster(session, dataset.key, month)
        return {
            "month": month,
            "published": store.is_published(session, dataset.key, month),
            "in_force": store.draw_entry(current) if current else None,
            "draws": draws,
        }


def state_error_text(exc: store.RosterStateError, lang: str = "zh") -> str:
    """The refusal in the reader's language (a state such as ``withdrawn`` by its label)."""
    from tuoyu.api.text import label, message

    params = dict(exc.params)
    if "status" in params:
        params["status"] = label(f"roster.state.{params['status']}", lang)  # type: ignore[arg-type]
    return message(exc.code, params, lang)  # type: ignore[arg-type]


def save_roster(plan: Plan, dataset: Dataset, engine: Engine) -> tuple[int, bool]:
    """Store a roster as the month's new draft (drafts do not feed later months' history
    until published). Raises :class:`store.RedrawRefused` (the month is published and no
    reason given) or :class:`store.DrawConflict` (another roster of the month was stored
    since this one was planned: of two processes saving the month at once, one wins)."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    from tuoyu.api.exports.audit import draw_record_of
    from tuoyu.planning.roster import draw_reason, fingerprint

    record = draw_record_of(plan)
    seen = len(plan.detail.earlier_draws)
    month = str(plan.params["month"])
    try:
        with Session(engine) as session, session.begin():
            return store.save_roster(
                session,
                dataset.key,
                month,
                int(plan.params["seed"]),
                plan.fingerprint,
                json.dumps(record, ensure_ascii=False),
                [
                    (dt.date.fromisoformat(str(r["date"])), str(r["institution_id"]),
                     str(r["street_id"]), str(r["inspector_ids"]), str(r["reason"]))
                    for r in plan.rows
                ],
                seen=seen,
                redraw_reason=draw_reason(plan.params),
                record_fingerprint=fingerprint(record),
            )
    except (IntegrityError, OperationalError) as exc:  # the other process won the month
        raise store.DrawConflict(month=month, seen=seen, stored=-1) from exc


def publish(dataset: Dataset, month: str, engine: Engine | None = None, *,
            record_fingerprint: str | None = None) -> dict[str, Any]:
    """Publish the month's newest draft (or the draw of that ``record_fingerprint``: a
    job's draw.json, ``fingerprint(record)``): from now on it feeds later months'
    history. Returns the draw as ``earlier_draws`` lists it. Raises
    :class:`store.NothingToPublish`."""
    with Session(engine or store.engine()) as session, session.begin():
        roster = store.publish_roster(session, dataset.key, month,
                                      record_fingerprint=record_fingerprint)
        return store.draw_entry(roster)


def publish_draw(dataset: Dataset, record: dict[str, Any],
                 engine: Engine | None = None) -> dict[str, Any]:
    """Publish the draw of this audit record (a job's ``draw.json``), which must be its
    month's newest; see :func:`publish`."""
    from tuoyu.planning.roster import fingerprint

    return publish(dataset, str(record["month"]), engine,
                   record_fingerprint=fingerprint(record))


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


def stored_record(dataset: Dataset, record: dict[str, Any],
                  engine: Engine | None = None) -> dict[str, Any] | None:
    """The store's copy of a draw's record (the same month, seed and time), or None when
    the store does not hold it (verify then compares what it can recompute)."""
    from tuoyu.data import BUNDLED, BUNDLED_NAME
    from tuoyu.planning.roster import fingerprint

    keys = [dataset.key]
    if Path(dataset.folder).resolve() == Path(BUNDLED).resolve():
        keys.append(BUNDLED_NAME)  # the bundled data is stored by name, or by its folder
    with Session(engine or store.engine()) as session:
        draws = [r for key in keys
                 for r in store.month_draws(session, key, str(record.get("month")))]
        stored = [json.loads(r.draw_json) for r in draws]
    # the very record first (two draws of a month can share a second and a seed: a draw
    # and its re-plan); else the draw made at that time with that seed and re-plan, so
    # that a changed file is compared with the one the store keeps
    wanted = fingerprint(record)
    for mine in stored:
        if fingerprint(mine) == wanted:
            return mine
    same = [m for m in stored
            if (m.get("created_at"), m.get("seed"), m.get("replan")) == (
                record.get("created_at"), record.get("seed"), record.get("replan"))]
    return same[-1] if same else None


def office_today() -> dt.date:
    """The office's today: ``TUOYU_TODAY`` (YYYY-MM-DD) when it is set, for a dataset
    whose timeline lies ahead of the calendar (the bundled Baoshan data plans 2027) or a
    training copy; else the machine's date."""
    value = os.environ.get("TUOYU_TODAY", "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DataError([Problem("TUOYU_TODAY", "the setting is not a date", got=value,
                                 expected="a date YYYY-MM-DD", code="input.value_invalid",
                                 params={"kind": "date"})]) from None


def record_outcomes(file: Path, dataset: Dataset, engine: Engine | None = None,
                    today: dt.date | None = None) -> int:
    """Check an outcomes table (the contract's ``inspections``: institution_id, date,
    outcome, inspector_ids) against the dataset and store it; raises DataError naming
    file, row and column, storing nothing. An outcome dated after ``today`` (default:
    :func:`office_today`) is refused: only visits made have outcomes."""
    from tuoyu.planning.roster import read_outcomes

    rows = read_outcomes(file, dataset, today=today or office_today())
    with Session(engine or store.engine()) as session, session.begin():
        return store.record_outcomes(session, dataset.key, rows)
