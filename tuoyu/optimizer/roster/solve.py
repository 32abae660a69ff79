"""Solving a roster: the day and the team of every visit.

Hard rules are constraints; soft goals are weighted terms, minimised first; then a seeded
random priority over (visit, inspector) and (visit, day) pairs picks one roster among the
equally good ones. With a proven optimum that is proven the only one, the roster does not
depend on the solver's threads or the machine.

Stage 1 fixes the days (:func:`~.stages.plan_days`, exact network flows). Stage 2 picks
the teams on those days from seeded shortlists (双随机), widened if they leave no roster:
first the priorities among the rosters at the soft goals' proven floor, in one CP-SAT
solve (:func:`_at_floor`); when no roster reaches the floor, the soft goals minimised from
above it and then the priorities (:func:`_by_priority`). A last solve proves the roster
the only optimum (:func:`~.stages.prove_unique`). If the teams cannot be found on those
days, the full model chooses days and teams together. The stop token and the progress
function reach every solve.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from tuoyu.models.errors import InfeasibleError, TimeLimitError
from tuoyu.models.findings import Finding, info, warning
from tuoyu.optimizer.roster.bound import rosters_at_the_floor, soft_floor
from tuoyu.optimizer.roster.explain import capacity_clashes, explain_infeasible
from tuoyu.optimizer.roster.goals import SOFT_GOALS, weighted
from tuoyu.optimizer.roster.model import (
    RosterModel,
    as_sum,
    build_model,
    full_priority_terms,
    team_priority_terms,
)
from tuoyu.optimizer.roster.problem import RosterProblem, RosterRow
from tuoyu.optimizer.roster.stages import (
    Days,
    Run,
    greedy_teams,
    plan_days,
    prove_unique,
    shortlists,
)
from tuoyu.optimizer.solve import (
    ProgressFn,
    SoftGoal,
    SolveParams,
    StageTime,
    Status,
    Stop,
)


@dataclass(frozen=True)
class RosterResult:
    """A month's roster: the rows, how the solve ended and what a planner should know."""

    problem: RosterProblem
    rows: tuple[RosterRow, ...]
    status: Status
    objective: float | None
    bound: float | None
    stages: tuple[StageTime, ...]
    soft_goals: tuple[SoftGoal, ...]
    findings: tuple[Finding, ...]
    unique: bool | None = None  # proven unique optimum (None: not checked)
    shortlist: int | None = None  # size of the team shortlists used (None: everyone)

    @property
    def soft(self) -> dict[str, int]:
        """Each soft goal's value by name."""
        return {g.code.removeprefix("roster.goal."): g.value for g in self.soft_goals}


class _Clock:
    """The time left of the whole solve, for each stage after the first."""

    def __init__(self, params: SolveParams):
        self.params = params
        self.deadline = time.perf_counter() + params.time_limit

    def left(self) -> SolveParams:
        return replace(self.params, time_limit=max(1.0, self.deadline - time.perf_counter()))


@dataclass
class _Teams:
    """The model that found the teams, and how: with the days fixed or not, and whether
    that solve already chose by the seeded priorities among the rosters at the floor."""

    rm: RosterModel
    solver: cp_model.CpSolver
    status: int
    fixed: bool
    size: int | None
    stages: list[StageTime]
    floor: int | None = None  # the soft goals' proven floor, when a roster reaches it
    picked: bool = False


def _lp_workers(params: SolveParams, share: float = 1.0) -> SolveParams:
    """The solver of the floor and uniqueness solves: CP-SAT's two LP workers (max_lp,
    default_lp) and its helpers, on ``share`` of the time left. These are assignment
    models whose linear relaxation is nearly tight; on a 12x district (two cores) they
    prove in 17 s what eight workers did not prove in 60 s. Only the speed depends on
    it: a proven optimum that is proven unique is the same roster whatever the solver."""
    return replace(
        params,
        time_limit=max(1.0, params.time_limit * share),
        workers=min(params.workers, 2),
        portfolio="lp",
    )


def _at_floor(
    problem: RosterProblem,
    days: Days,
    allowed: dict[int, set[int]] | None,
    clock: _Clock,
    run: Run,
    label: str,
) -> tuple[_Teams | None, StageTime | None, int | None]:
    """The seeded priorities among the rosters whose soft goals cost no more than the
    proven floor, in one solve on two thirds of the time left. The floor is a lower
    bound of every roster on these days, so such a roster is optimal, and the priority
    optimum among them is the roster the two stages (soft goals, then priorities) would
    choose, found without first closing the soft objective's gap. Returns the teams when
    a roster at the floor was found, and the least cost a roster can have (the floor, or
    one more when none reaches it; None: no roster meets the rules)."""
    rm = build_model(problem, day_of=days.day_of, allowed=allowed)
    floor = soft_floor(problem, days.day_of, list(rm.var.a))  # type: ignore[arg-type]
    if floor is None:
        return None, None, None
    rosters_at_the_floor(rm.model, problem, rm.var, rm.soft, days.day_of, floor)  # type: ignore[arg-type]
    # no hint: a greedy roster as hint made CP-SAT search around it first, twice the work
    # (deterministic time) of starting from the linear relaxation on a 12x district
    rm.model.minimize(as_sum(team_priority_terms(problem, rm.var)))
    stage_label = label + ", at the floor"
    solver, status, secs = run.solve(rm.model, _lp_workers(clock.left(), 2 / 3), stage_label)
    stage = _stage(stage_label, run, solver, status, 0.0, secs)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # the least cost left
        least = floor.total + 1 if status == cp_model.INFEASIBLE else floor.total
        return None, stage, least
    return _Teams(rm, solver, status, True, None, [stage], floor.total, True), stage, floor.total


def _teams_on_days(problem: RosterProblem, days: Days, clock: _Clock, run: Run) -> _Teams | None:
    """Stage 2: the teams on the fixed days, from shortlists widened until one works.
    First the rosters at the soft goals' proven floor (:func:`_at_floor`); when none
    reaches it, the soft goals minimised (from above the floor) and then the priorities."""
    r = problem.rules
    sizes = [None] if r.shortlist is None else [r.shortlist, 2 * r.shortlist, None]
    stages: list[StageTime] = []
    for size in sizes:
        tb = time.perf_counter()
        allowed = shortlists(problem, days.day_of, size)  # type: ignore[arg-type]
        label = "teams" + (f" (shortlists of {size})" if size else " (all allowed)")
        found, probe, least = _at_floor(problem, days, allowed, clock, run, label)
        if probe is not None:
            stages.append(probe)
        if found is not None:
            found.size, found.stages = size, stages
            return found
        if run.stopped:
            break
        if least is None:  # no roster meets the rules on these shortlists
            continue
        rm = build_model(problem, day_of=days.day_of, allowed=allowed)
        rm.model.minimize(weighted(problem, rm.soft))
        rm.model.add(weighted(problem, rm.soft) >= least)
        greedy = greedy_teams(problem, days.day_of, allowed)  # type: ignore[arg-type]
        for (v, p), a in rm.var.a.items():
            rm.model.add_hint(a, (v, p) in greedy)
        build = time.perf_counter() - tb
        solver, status, secs = run.solve(rm.model, clock.left(), label)
        stages.append(_stage(label, run, solver, status, build, secs))
        if status != cp_model.INFEASIBLE:
            return _Teams(rm, solver, status, True, size, stages)
    return None


def _days_and_teams(problem: RosterProblem, clock: _Clock, run: Run) -> _Teams:
    """The full model: days and teams together (when the days of stage 1 leave none)."""
    tb = time.perf_counter()
    rm = build_model(problem)
    rm.model.minimize(weighted(problem, rm.soft))
    build = time.perf_counter() - tb
    solver, status, secs = run.solve(rm.model, clock.left(), "days and teams")
    return _Teams(
        rm,
        solver,
        status,
        False,
        None,
        [_stage("days and teams", run, solver, status, build, secs)],
    )


def _stage(
    label: str, run: Run, solver: cp_model.CpSolver, status: int, build: float, secs: float
) -> StageTime:
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return StageTime(
        label,
        run.status(status),
        solver.objective_value if found else None,
        solver.best_objective_bound if found else None,
        build,
        secs,
    )


def _assignment(solver: cp_model.CpSolver, rm: RosterModel) -> tuple[list, list]:
    on_x = sorted(k for k, x in rm.var.x.items() if solver.boolean_value(x))
    on_a = sorted(k for k, a in rm.var.a.items() if solver.boolean_value(a))
    return on_x, on_a


def _rows(problem: RosterProblem, on_x: list, on_a: list) -> tuple[RosterRow, ...]:
    day_of_v = {v: problem.days[k] for v, k in on_x}
    team_of: dict[int, list[str]] = defaultdict(list)
    for v, p in on_a:
        team_of[v].append(problem.inspectors[p].inspector_id)
    rows = [
        RosterRow(
            day_of_v[v],
            visit.institution_id,
            visit.street_id,
            tuple(sorted(team_of[v])),
            visit.reason,
            visit.note,
        )
        for v, visit in enumerate(problem.visits)
    ]
    return tuple(sorted(rows, key=lambda r: (r.date, r.street_id, r.institution_id)))


def _findings(
    problem: RosterProblem,
    plan_size: int | None,
    soft: dict[str, int],
    proven: bool,
    params: SolveParams,
    run: Run,
) -> list[Finding]:
    findings = list(problem.findings)
    if plan_size is not None:
        findings.append(info("roster.shortlist", size=plan_size, seed=str(problem.seed)))
    if soft["return_to_last_institution"]:
        findings.append(warning("roster.returns_to_last", count=soft["return_to_last_institution"]))
    if run.stopped:
        findings.append(warning("plan.cancelled"))
    elif not proven:
        findings.append(warning("roster.not_proven_optimal", seconds=round(params.time_limit)))
    return findings


def solve_roster(
    problem: RosterProblem,
    params: SolveParams | None = None,
    progress: ProgressFn | None = None,
    *,
    stop: Stop | None = None,
    prove: bool = True,
) -> RosterResult:
    """Date and staff every visit; raise :class:`InfeasibleError` (clashes as findings)
    when no roster can meet the rules, :class:`TimeLimitError` when none was found in
    time. A stopped solve keeps the best roster found so far (status ``cancelled``)."""
    params = replace(params or SolveParams(), portfolio="lp")
    clashes = capacity_clashes(problem)
    if clashes:
        raise InfeasibleError("roster", clashes)
    run, clock = Run(stop, progress), _Clock(params)
    days = plan_days(problem, params, run, prove)
    teams = _teams_on_days(problem, days, clock, run) if days.day_of is not None else None
    stages = list(days.stages) + (teams.stages if teams else [])
    if teams is None and run.stopped:
        raise TimeLimitError(
            "roster", [Finding("roster.cancelled_no_plan", {"seconds": round(params.time_limit)})]
        )
    if teams is None or teams.status == cp_model.INFEASIBLE:
        teams = _days_and_teams(problem, clock, run)
        stages += teams.stages
    if teams.status == cp_model.INFEASIBLE:
        raise explain_infeasible(problem, params, stop, progress)
    if teams.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        kind = Status.CANCELLED if run.stopped else Status.TIME_LIMIT
        raise TimeLimitError(
            "roster",
            [
                Finding(
                    "roster.cancelled_no_plan" if kind == Status.CANCELLED else "plan.time_limit",
                    {"seconds": round(params.time_limit)},
                )
            ],
        )
    return _pick(problem, params, days, teams, stages, clock, run, prove)


def _pick(
    problem: RosterProblem,
    params: SolveParams,
    days: Days,
    teams: _Teams,
    stages: list[StageTime],
    clock: _Clock,
    run: Run,
    prove: bool,
) -> RosterResult:
    """Among rosters as good on every soft goal, the seeded random priority picks one
    (already done when the teams were found at the floor); then, when every stage is
    proven optimal, prove it is the only one."""
    rm, solver = teams.rm, teams.solver
    tie = (team_priority_terms if teams.fixed else full_priority_terms)(problem, rm.var)
    if teams.picked:
        bound = objective = float(teams.floor)  # type: ignore[arg-type]
        soft_proven, status2 = True, teams.status
    else:
        best_soft = round(solver.objective_value)
        bound = float(solver.best_objective_bound)
        soft_proven = teams.status == cp_model.OPTIMAL
        solver, status2 = _by_priority(rm, solver, tie, best_soft, stages, clock, run, problem)
    on_x, on_a = _assignment(solver, rm)
    soft_values = {name: round(solver.value(expr)) for name, expr in rm.soft.items()}
    # the roster's own cost (the priority stage may have found one cheaper than the teams
    # stage's incumbent); the bound stays the teams stage's proven one
    w = problem.rules.weights
    objective = float(sum(soft_values[name] * getattr(w, name) for name in SOFT_GOALS))
    bound = min(bound, objective)
    days_proven = days.optimal or days.day_of is None
    proven = soft_proven and status2 == cp_model.OPTIMAL and days_proven and not run.stopped
    unique: bool | None = None
    if prove and proven:
        chosen = {rm.var.a[k].index for k in on_a}
        if not teams.fixed:
            chosen |= {rm.var.x[k].index for k in on_x}
        left = _lp_workers(clock.left())
        unique_teams, stage = prove_unique(rm.model, tie, chosen, left, run, "uniqueness")
        stages.append(stage)
        unique = (unique_teams and days.unique) if teams.fixed else unique_teams
    status = Status.CANCELLED if run.stopped else (Status.OPTIMAL if proven else Status.FEASIBLE)
    goals = tuple(
        SoftGoal(f"roster.goal.{name}", soft_values[name], getattr(w, name)) for name in SOFT_GOALS
    )
    findings = _findings(problem, teams.size, soft_values, proven, params, run)
    return RosterResult(
        problem,
        _rows(problem, on_x, on_a),
        status,
        objective,
        bound,
        tuple(stages),
        goals,
        tuple(findings),
        unique,
        teams.size,
    )


def _by_priority(
    rm: RosterModel,
    solver: cp_model.CpSolver,
    tie: list[tuple[cp_model.IntVar, int]],
    best_soft: int,
    stages: list[StageTime],
    clock: _Clock,
    run: Run,
    problem: RosterProblem,
) -> tuple[cp_model.CpSolver, int]:
    """The seeded priorities among the rosters as good as the teams stage's best, from
    that roster; the teams stage's solver is kept when this one finds nothing in time."""
    on_x, on_a = _assignment(solver, rm)
    rm.model.add(weighted(problem, rm.soft) <= best_soft)
    rm.model.minimize(as_sum(tie))
    rm.model.clear_hints()
    sx, sa = set(on_x), set(on_a)
    for key, x in rm.var.x.items():
        rm.model.add_hint(x, key in sx)
    for key, a in rm.var.a.items():
        rm.model.add_hint(a, key in sa)
    solver2, status2, secs2 = run.solve(rm.model, clock.left(), "random priority")
    stages.append(_stage("random priority", run, solver2, status2, 0.0, secs2))
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return solver2, status2
    return solver, status2
