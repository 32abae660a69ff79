"""The guidance-session planner's entry point: ``run(dataset, SessionParams, *, previous,
stop, progress) -> Plan``.

Pure of I/O beyond reading the dataset folder: a re-plan's earlier sessions are passed
in as plain data (the command line reads them from ``--previous`` or the out folder's
``sessions.csv``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tuoyu.models.errors import DataError, Problem
from tuoyu.models.sessions import Session, SessionData, load_session_data
from tuoyu.optimizer.sessions import SessionProblem, SessionResult, SessionRules, solve
from tuoyu.optimizer.solve import ProgressFn, Stop
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import SessionParams
from tuoyu.planning.plan import Plan, clocked, failed_plan, solve_params_of

KIND = "sessions"
ROW_FIELDS = ("date", "start", "end", "center_id", "event_id", "topic_id", "staff_ids")
HALF_DAY_TIMES = (("09:00", "11:00"), ("14:00", "16:00"))


@dataclass(frozen=True)
class SessionDetail:
    """What the exports need beyond the plan's rows (``Plan.detail``)."""

    result: SessionResult
    data: SessionData
    year: int
    dataset: Dataset


def plan_rows(sessions: Sequence[Session]) -> list[dict[str, str]]:
    """The contract's rows of ``sessions.csv``."""
    out = []
    for s in sessions:
        start, end = HALF_DAY_TIMES[s.half]
        out.append(
            {
                "date": s.date.isoformat(),
                "start": start,
                "end": end,
                "center_id": s.center_id,
                "event_id": s.event_id,
                "topic_id": s.topic_id,
                "staff_ids": ";".join(s.staff_ids),
            }
        )
    return out


def run(
    dataset: Dataset,
    params: SessionParams,
    *,
    previous: Sequence[Session] = (),
    rules: SessionRules | None = None,
    stop: Stop | None = None,
    progress: ProgressFn | None = None,
) -> Plan:
    """Plan the year's guidance sessions (or re-plan from ``params.from_date`` given the
    earlier plan's sessions ``previous``).

    Bad input raises :class:`DataError`; clashing rules, no calendar in time or a stop
    before any calendar return a plan without rows that says why.
    """
    solve_params = solve_params_of(params)  # the wall-clock ceiling counts from here
    data = load_session_data(dataset.folder)
    if params.from_date is not None and not previous:
        raise DataError(
            [
                Problem(
                    "sessions.csv",
                    "re-planning needs the previous plan",
                    expected="the sessions.csv written by the first plan "
                    "(--previous FILE or in --out)",
                    code="input.previous_missing",
                )
            ]
        )
    problem = SessionProblem(
        data=data,
        year=params.year,
        rules=rules or SessionRules(),
        previous=tuple(previous),
        from_date=params.from_date,
        seed=params.seed,
    )
    as_dict = params.model_dump(mode="json")
    result = solve(problem, solve_params, stop=stop, progress=progress,
                   reproducible=params.reproducible)
    if not result.sessions:
        return clocked(
            failed_plan(KIND, result.status, result.findings, as_dict, result.stages),
            solve_params,
        )
    plan = Plan(
        kind=KIND,
        status=result.status,
        objective=result.objective,
        bound=result.bound,
        stages=tuple(result.stages),
        soft_goals=tuple(result.soft_goals),
        targets=tuple(result.targets),
        findings=tuple(result.findings),
        rows=tuple(plan_rows(result.sessions)),
        fingerprint=data.fingerprint,
        params=as_dict,
        detail=SessionDetail(result, data, params.year, dataset),
    )
    return clocked(plan, solve_params)
