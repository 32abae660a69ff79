"""The roster planner's entry point: ``run(dataset, RosterParams, *, history, stop,
progress) -> Plan``, the verification of a draw from its audit record (``verify``) and
the reading of recorded outcomes (``read_outcomes``).

Pure of I/O beyond reading the dataset folder (and the file it is given): the history
kept in the store (stored rosters, recorded outcomes) is passed in as plain data by the
caller, which reads it with ``tuoyu.api.store.stored_history``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tuoyu.models.calendar import month_bounds
from tuoyu.models.errors import DataError, InfeasibleError, Problem, TimeLimitError
from tuoyu.models.findings import Finding, warning
from tuoyu.models.inspection import InspectionData, PastInspection, load_inspection_data
from tuoyu.models.reader import read_tables
from tuoyu.optimizer.roster import RosterPlan, RosterRules, build_problem, solve_roster
from tuoyu.optimizer.solve import ProgressFn, SolveParams, Status, Stop, Target
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import RosterParams
from tuoyu.planning.plan import Plan, failed_plan

KIND = "roster"
ROW_FIELDS = ("date", "institution_id", "street_id", "inspector_ids", "reason")


@dataclass(frozen=True)
class RosterDetail:
    """What the exports need beyond the plan's rows (``Plan.detail``)."""

    result: RosterPlan  # the optimizer's roster (problem, rows with notes, draw)
    data: InspectionData  # the dataset's tables as read (without the stored history)
    history: tuple[PastInspection, ...]  # the stored history the roster was made with
    dataset: Dataset
    covered: Mapping[str, str]  # institution -> last on-site date this year, this month incl.
    active: int  # active institutions of the dataset


def rules_of(params: RosterParams) -> RosterRules:
    """The roster's rules from a planner's parameters."""
    return RosterRules(
        draw_share=params.draw_share,
        min_team=params.min_team,
        max_team=max(params.min_team + 1, 3),
    )


def _covered(
    data: InspectionData, history: Sequence[PastInspection], result: RosterPlan, start: dt.date
) -> dict[str, str]:
    covered: dict[str, str] = {}
    for h in sorted((*data.history, *history), key=lambda h: h.date):
        if h.date.year == start.year and h.date < start:
            covered[h.institution_id] = h.date.isoformat()
    for r in result.rows:
        covered.setdefault(r.institution_id, r.date.isoformat())
    return covered


def _targets(result: RosterPlan, covered: Mapping[str, str], active: set[str]) -> list[Target]:
    """Every active institution on site this year; this month's share of the ones not
    yet inspected; the month's random draw."""
    p = result.problem
    on_site = len(active & set(covered))
    quota = int(p.coverage.get("coverage_quota", 0))  # type: ignore[call-overload]
    by_coverage = sum(1 for r in result.rows if r.reason == "coverage")
    n_active = int(p.coverage.get("active", 0))  # type: ignore[call-overload]
    to_draw = round(p.rules.draw_share * n_active)
    drawn = sum(1 for e in p.draw if e.drawn)
    return [
        Target("roster.target.year_coverage", len(active), on_site, on_site >= len(active)),
        Target("roster.target.month_share", quota, by_coverage, by_coverage >= quota),
        Target("roster.target.draw", to_draw, drawn, drawn >= to_draw),
    ]


def plan_rows(result: RosterPlan) -> list[dict[str, str]]:
    """The contract's rows of ``roster.csv``: date, institution_id, street_id,
    inspector_ids (``;``-joined), reason."""
    return [
        {
            "date": r.date.isoformat(),
            "institution_id": r.institution_id,
            "street_id": r.street_id,
            "inspector_ids": ";".join(r.inspector_ids),
            "reason": r.reason,
        }
        for r in result.rows
    ]


def run(
    dataset: Dataset,
    params: RosterParams,
    *,
    history: Sequence[PastInspection] = (),
    stop: Stop | None = None,
    progress: ProgressFn | None = None,
) -> Plan:
    """Make a month's roster: draw, date and staff every inspection.

    ``history``: inspections from the store before the month (stored rosters as
    ``planned``, recorded outcomes). Bad input raises :class:`DataError`; a clash or no
    roster in time returns a plan without rows that says why (status infeasible, time
    limit or cancelled). A stopped search keeps the best roster so far (cancelled).
    """
    data = load_inspection_data(dataset.folder)
    history = tuple(history)
    start, _end = month_bounds(params.year, params.mon)
    problem = build_problem(
        data.with_history(list(history)), params.year, params.mon, params.seed, rules_of(params)
    )
    solve_params = SolveParams(time_limit=params.time_limit, workers=params.workers)
    as_dict = params.model_dump(mode="json")
    try:
        result = solve_roster(problem, solve_params, progress, stop=stop)
    except TimeLimitError as err:
        cancelled = any(c.code == "roster.cancelled_no_plan" for c in err.clashes)
        status = Status.CANCELLED if cancelled else Status.TIME_LIMIT
        return failed_plan(KIND, status, err.clashes, as_dict)
    except InfeasibleError as err:
        return failed_plan(KIND, Status.INFEASIBLE, err.clashes, as_dict)
    covered = _covered(data, history, result, start)
    active = {i.institution_id for i in data.institutions if i.active}
    detail = RosterDetail(result, data, history, dataset, covered, len(active))
    return Plan(
        kind=KIND,
        status=result.status,
        objective=result.objective,
        bound=result.bound,
        stages=result.stages,
        soft_goals=result.soft_goals,
        targets=tuple(_targets(result, covered, active)),
        findings=result.findings,
        rows=tuple(plan_rows(result)),
        fingerprint=data.fingerprint,
        params=as_dict,
        detail=detail,
    )


# ---------------------------------------------------------------- the draw's audit record


def fingerprint(obj: Any) -> str:
    """SHA-256 of the canonical JSON of ``obj`` (the audit record's fingerprints)."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def history_rows(history: Sequence[PastInspection]) -> list[dict[str, Any]]:
    return [
        {
            "institution_id": h.institution_id,
            "date": h.date.isoformat(),
            "outcome": h.outcome,
            "inspector_ids": list(h.inspector_ids),
        }
        for h in history
    ]


def result_rows(result: RosterPlan) -> list[dict[str, Any]]:
    """The roster as the audit record keeps it (teams as lists)."""
    return [
        {
            "date": r.date.isoformat(),
            "institution_id": r.institution_id,
            "street_id": r.street_id,
            "inspector_ids": list(r.inspector_ids),
            "reason": r.reason,
        }
        for r in result.rows
    ]


def _record_history(record: Mapping[str, Any]) -> list[PastInspection]:
    return [
        PastInspection(
            institution_id=h["institution_id"],
            date=dt.date.fromisoformat(h["date"]),
            outcome=h["outcome"],
            inspector_ids=tuple(h["inspector_ids"]),
        )
        for h in record["inputs"]["stored_history"]
    ]


def _compare(again: list[dict[str, Any]], recorded: list[dict[str, Any]]) -> list[Finding]:
    out: list[Finding] = []
    if again == recorded:
        return out
    by_id = {r["institution_id"]: r for r in recorded}
    for r in again:
        old = by_id.get(r["institution_id"])
        if old != r:
            out.append(
                warning(
                    "roster.verify.visit_differs",
                    institution_id=r["institution_id"],
                    date=r["date"],
                    inspector_ids=r["inspector_ids"],
                    recorded_date=old["date"] if old else None,
                    recorded_inspector_ids=old["inspector_ids"] if old else None,
                )
            )
            if len(out) > 10:
                break
    if len(again) != len(recorded):
        out.append(
            warning("roster.verify.count_differs", recomputed=len(again), recorded=len(recorded))
        )
    return out


def _drawn_differ(drawn: list[str], recorded: list[str]) -> list[Finding]:
    if drawn == recorded:
        return []
    a, b = next((a, b) for a, b in zip([*drawn, ""], [*recorded, ""], strict=False) if a != b)
    return [
        warning(
            "roster.verify.drawn_differ",
            recomputed=len(drawn),
            recorded=len(recorded),
            first_recomputed=a,
            first_recorded=b,
        )
    ]


def verify(
    record: Mapping[str, Any],
    dataset: Dataset,
    *,
    time_limit: float = 120.0,
    workers: int = 8,
    stop: Stop | None = None,
) -> tuple[bool, list[Finding]]:
    """Recompute a draw from its audit record (``draw.json``) and the dataset: the same
    institutions, days and teams? Returns (matches, the differences as findings).
    Raises ``KeyError``/``ValueError`` on a record that is not one."""
    data = load_inspection_data(dataset.folder)
    inputs = record["inputs"]
    if data.fingerprint != inputs["tables_fingerprint"]:
        return False, [
            warning(
                "roster.verify.dataset_changed",
                folder=str(dataset.folder),
                got=data.fingerprint[:19],
                recorded=inputs["tables_fingerprint"][:19],
            )
        ]
    problems: list[Finding] = []
    if fingerprint(inputs["stored_history"]) != inputs["stored_history_fingerprint"]:
        problems.append(warning("roster.verify.history_changed"))
    if fingerprint(record["result"]) != record["result_fingerprint"]:
        problems.append(warning("roster.verify.result_changed"))
    year, month = (int(x) for x in str(record["month"]).split("-"))
    rules = RosterRules.from_dict(dict(record["rules"]))
    full = data.with_history(_record_history(record))
    problem = build_problem(full, year, month, int(record["seed"]), rules)
    problems += _drawn_differ(
        [e.institution_id for e in problem.draw if e.drawn], list(record["draw"]["drawn"])
    )
    try:
        result = solve_roster(
            problem, SolveParams(time_limit=time_limit, workers=workers), stop=stop
        )
    except InfeasibleError as err:
        return False, [*problems, warning("roster.verify.no_roster"), *err.clashes]
    problems += _compare(result_rows(result), list(record["result"]))
    if result.status != Status.OPTIMAL:
        problems.append(warning("roster.verify.not_proven"))
    return not problems, problems


# ------------------------------------------------------------------ recorded outcomes


def _read_table(file: Path, dataset: Dataset) -> Any:
    """The file as the contract's ``inspections`` table (checked column by column)."""
    with tempfile.TemporaryDirectory() as tmp:
        suffix = file.suffix.lower()
        target = Path(tmp) / ("inspections" + (".csv" if suffix == ".csv" else ".xlsx"))
        shutil.copy(file, target)
        if suffix == ".csv":
            for name in ("streets", "institutions", "inspectors"):
                src = Path(dataset.folder) / f"{name}.csv"
                if src.exists():
                    shutil.copy(src, Path(tmp) / f"{name}.csv")
        try:
            return read_tables(tmp, ("inspections",))["inspections"]
        except DataError as err:
            raise DataError(
                [
                    Problem(file.name, p.message, p.row, p.column, p.expected, p.got)
                    for p in err.problems
                ]
            ) from None


def read_outcomes(file: Path, dataset: Dataset) -> list[PastInspection]:
    """Read and check a table of inspection outcomes (the contract's ``inspections``:
    institution_id, date, outcome, inspector_ids) against the dataset. Raises
    :class:`DataError` naming the file, row and column of every problem."""
    file = Path(file)
    if not file.exists():
        raise DataError(
            [
                Problem(
                    file.name,
                    "the file does not exist",
                    expected="a CSV or XLSX of inspection outcomes",
                )
            ]
        )
    data = load_inspection_data(dataset.folder)
    table = _read_table(file, dataset)
    known_inst = {i.institution_id for i in data.institutions}
    known_insp = {i.inspector_id for i in data.inspectors}
    problems, rows = [], []
    for n, r in enumerate(table.itertuples(index=False)):
        if r.institution_id not in known_inst:
            problems.append(
                Problem(
                    file.name,
                    f"'{r.institution_id}' refers to nothing",
                    n + 2,
                    "institution_id",
                    "an institution_id of the dataset",
                    r.institution_id,
                )
            )
        problems += [
            Problem(
                file.name,
                f"'{i}' refers to nothing",
                n + 2,
                "inspector_ids",
                "inspector_ids of the dataset",
                i,
            )
            for i in r.inspector_ids
            if i not in known_insp
        ]
        rows.append(
            PastInspection(
                institution_id=r.institution_id,
                date=r.date,
                outcome=r.outcome,
                inspector_ids=tuple(r.inspector_ids),
            )
        )
    if problems:
        raise DataError(problems)
    return rows
