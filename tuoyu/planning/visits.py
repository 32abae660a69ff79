"""The home-visit planner's entry point: ``run(dataset, VisitParams, *, previous, sessions,
stop, progress) -> Plan``.

Reads the dataset folder (families, visit staff, the guidance staff and their leave, the
committees, the calendar, and the guidance sessions that take staff half-days: the
dataset's ``sessions.csv`` or the rows passed as ``sessions``). A re-plan from
``params.from_date`` keeps the earlier plan's visits before that date (``previous``: the
rows of its ``visits.csv``).

Family data stays in the plan: rows, findings and the coverage table name families by
their pseudonymous id only, and nothing here logs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tuoyu.models.errors import DataError, Problem
from tuoyu.models.findings import Finding, info, warning
from tuoyu.models.reader import read_tables
from tuoyu.models.schema import VISIT_TABLES
from tuoyu.models.visits import HALF_EN, VisitData, _half_of, visit_data_from_tables
from tuoyu.optimizer.solve import Clock, ProgressFn, Stop, Target
from tuoyu.optimizer.visits import (
    CLIENT_ITERATIONS_PER_SECOND,
    RoutingParams,
    Visit,
    VisitProblem,
    VisitResult,
    VisitRules,
    solve,
)
from tuoyu.optimizer.visits.far import far_visits
from tuoyu.optimizer.visits.problem import travel_minutes
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import VisitParams
from tuoyu.planning.plan import Plan

KIND = "visits"
ROW_FIELDS = ("date", "half", "start", "end", "staff_ids", "order", "family_id", "street_id",
              "community_id", "needs", "kept", "base_minutes", "far_reason")
COVERAGE_FIELDS = ("street_id", "name", "registered", "visited", "planned", "due",
                   "due_planned", "overdue")


@dataclass(frozen=True)
class VisitDetail:
    """What the exports need beyond the plan's rows (``Plan.detail``)."""

    result: VisitResult
    problem: VisitProblem
    data: VisitData
    coverage: tuple[Mapping[str, Any], ...]
    dataset: Dataset


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def plan_rows(visits: Sequence[Visit], data: VisitData, problem: VisitProblem,
              far: Sequence[Finding] = ()) -> list[dict[str, Any]]:
    """The contract's rows of ``visits.csv``: each with the minutes from its team's base
    (the first member's) to the family, and, for a far visit, its reason's code (the
    ``visits.far.*`` finding of the same family and date says it with the numbers)."""
    fam = {f.family_id: f for f in data.families}
    base = {p.staff_id: (p.base_lon, p.base_lat) for p in data.staff}
    why = {(x.params["family_id"], x.params["date"]): x.code.rsplit(".", 1)[1]
           for x in far if "family_id" in x.params}
    out = []
    for v in visits:
        f = fam[v.family_id]
        lon, lat = base.get(v.staff_ids[0], (f.lon, f.lat))
        out.append({
            "date": v.date.isoformat(), "half": HALF_EN[v.half], "start": _hhmm(v.start),
            "end": _hhmm(v.end), "staff_ids": ";".join(v.staff_ids), "order": v.order,
            "family_id": f.family_id, "street_id": f.street_id,
            "community_id": f.community_id, "needs": ";".join(f.needs),
            "kept": v.kept,
            "base_minutes": travel_minutes(lon, lat, f.lon, f.lat, problem.rules),
            "far_reason": why.get((f.family_id, v.date.isoformat()), ""),
        })
    return out


def _minutes(text: str) -> int:
    h, _, m = str(text).partition(":")
    return int(h) * 60 + int(m or 0)


def kept_visits(previous: Sequence[Mapping[str, Any]], params: VisitParams) -> list[Visit]:
    """The earlier plan's visits before ``from_date`` (all of them kept as they were)."""
    if params.from_date is None:
        return []
    out = []
    for i, r in enumerate(previous):
        try:
            day = dt.date.fromisoformat(str(r["date"]))
            start, end = _minutes(str(r["start"])), _minutes(str(r["end"]))
            staff = tuple(x for x in str(r["staff_ids"]).split(";") if x)
            order = int(r.get("order") or 0)
            fid = str(r["family_id"])
        except (KeyError, ValueError):
            raise DataError([Problem("visits.csv", "a row of the earlier plan is not valid",
                                     row=i + 2, expected="a row written by tuoyu visits",
                                     code="visits.input.previous_row")]) from None
        if params.week <= day < params.from_date:
            out.append(Visit(fid, day, _half_of(str(r["start"])), start, end, staff, order,
                             kept=True))
    return out


def coverage(problem: VisitProblem, data: VisitData, visits: Sequence[Visit],
             ) -> list[dict[str, Any]]:
    """Families by street: registered by the end of the week, visited before it (or kept),
    planned this week, due this week (and how many of them are planned), overdue (past
    their window, not visited, not planned)."""
    planned = {v.family_id for v in visits if not v.kept}
    kept = {v.family_id for v in visits if v.kept}
    names = {s.street_id: s.name for s in data.streets}
    rows: dict[str, dict[str, Any]] = {
        s.street_id: {"street_id": s.street_id, "name": s.name, "registered": 0,
                      "visited": 0, "planned": 0, "due": 0, "due_planned": 0, "overdue": 0}
        for s in data.streets
    }
    for f in data.families:
        if f.registered_on > problem.week_end:
            continue
        r = rows.setdefault(f.street_id, {"street_id": f.street_id,
                                          "name": names.get(f.street_id, ""),
                                          "registered": 0, "visited": 0, "planned": 0,
                                          "due": 0, "due_planned": 0, "overdue": 0})
        r["registered"] += 1
        done = (f.visited_on is not None and f.visited_on < problem.week_start) or \
            f.family_id in kept
        if done:
            r["visited"] += 1
            continue
        last = problem.window(f)[1]
        if f.family_id in planned:
            r["planned"] += 1
        if problem.week_start <= last <= problem.week_end:
            r["due"] += 1
            r["due_planned"] += f.family_id in planned
        elif last < problem.week_start and f.family_id not in planned:
            r["overdue"] += 1
    return [rows[k] for k in sorted(rows)]


def rules_of(params: VisitParams) -> VisitRules:
    return VisitRules(window_days=params.window_days, min_age_days=params.min_age_days,
                      visit_minutes=params.visit_minutes, pairs=params.pairs,
                      speed_kmh=params.speed_kmh, circuity=params.circuity)


def load(dataset: Dataset, sessions: Sequence[Mapping[str, Any]] | None = None) -> VisitData:
    """The visit tables of the dataset; ``sessions`` (rows of a calendar's sessions.csv)
    replace the dataset's own ``sessions.csv`` when given."""
    tables = read_tables(dataset.folder, VISIT_TABLES)
    if sessions is not None:
        import pandas as pd

        from tuoyu.models.reader import parse_date

        rows = []
        for i, r in enumerate(sessions):
            try:
                rows.append({"date": parse_date(str(r["date"])), "start": str(r["start"]),
                             "end": str(r.get("end", "")),
                             "staff_ids": tuple(x for x in str(r.get("staff_ids", "")).split(";")
                                                if x)})
            except (KeyError, ValueError):
                raise DataError([Problem("sessions.csv", "a session row is not valid",
                                         row=i + 2, expected="a row of sessions.csv",
                                         code="visits.input.session_row")]) from None
        tables["sessions"] = pd.DataFrame(rows, columns=["date", "start", "end", "staff_ids"])
    return visit_data_from_tables(tables)


#: with no ``wall_limit``, the wall clock stops the routing only at this multiple of the
#: time limit: a far safety net (as the roster's), so that on a loaded machine the work
#: budget, not the clock, ends the search and the routes stay the same
WALL_FACTOR = 10.0


def routing_of(params: VisitParams) -> tuple[RoutingParams, Clock]:
    """How hard the router tries: the planner's iterations, capped by the work the solver's
    time limit pays for (the service's 60 s, or --time-limit: counted in client-iterations,
    never timed, so the routes do not change with load); the wall clock, started now, only
    as a safety net (``wall_limit``, else :data:`WALL_FACTOR` × the time limit)."""
    net = WALL_FACTOR * params.time_limit
    clock = Clock(net if params.wall_limit is None else min(net, params.wall_limit))
    return RoutingParams(iterations=params.iterations, seed=params.seed, clock=clock,
                         work=params.time_limit * CLIENT_ITERATIONS_PER_SECOND), clock


def budget_findings(params: VisitParams, result: Any, clock: Clock) -> tuple[Finding, ...]:
    """What bounded the search, when not the planner's iterations: the time limit's work
    budget (the same on any load: said as information), or the wall clock (the safety net:
    the routes may then differ from another run: a warning)."""
    out: tuple[Finding, ...] = ()
    if result.budget and result.budget < params.iterations:
        out += (info("visits.work_budget", seconds=params.time_limit,
                     iterations=result.budget, asked=params.iterations),)
    if clock.stopped:
        out += (warning("plan.wall_clock_stop", seconds=clock.seconds,
                        stages=list(clock.stopped)),)
    return out


def run(
    dataset: Dataset,
    params: VisitParams,
    *,
    previous: Sequence[Mapping[str, Any]] = (),
    sessions: Sequence[Mapping[str, Any]] | None = None,
    stop: Stop | None = None,
    progress: ProgressFn | None = None,
) -> Plan:
    """Plan the week's home visits. Bad input raises :class:`DataError`; a week where not
    every due family can be visited returns the best partial plan with the reasons."""
    data = load(dataset, sessions)
    kept = kept_visits(previous, params)
    problem = VisitProblem(
        data=data, week_start=params.week, rules=rules_of(params),
        from_date=params.from_date,
        kept_families=frozenset(v.family_id for v in kept),
        kept_days=frozenset((sid, v.date) for v in kept for sid in v.staff_ids),
    )
    routing, clock = routing_of(params)
    result = solve(problem, routing, stop=stop, progress=progress)
    visits = sorted(list(kept) + list(result.visits),
                    key=lambda v: (v.date, v.staff_ids, v.half, v.order))
    cov = coverage(problem, data, visits)
    asking = sum(r["due"] for r in cov)
    within = sum(r["due_planned"] for r in cov)
    targets = list(result.targets) + [
        Target("visits.target.share_within_window", 1.0,
               round(within / asking, 4) if asking else 1.0, within == asking, unit="share")]
    as_dict = params.model_dump(mode="json")
    # why each visit far from its team's base is made by that team (from the plan's
    # visits and the inputs: far.py)
    far = far_visits(problem, result.teams, result.visits, params.far_minutes)
    findings = tuple(result.findings) + budget_findings(params, result, clock) + tuple(far)
    return Plan(
        kind=KIND, status=result.status, objective=result.objective, bound=result.bound,
        stages=tuple(result.stages), soft_goals=tuple(result.soft_goals),
        targets=tuple(targets), findings=findings,
        rows=tuple(plan_rows(visits, data, problem, far)), fingerprint=data.fingerprint,
        params=as_dict, detail=VisitDetail(result, problem, data, tuple(cov), dataset),
    )
