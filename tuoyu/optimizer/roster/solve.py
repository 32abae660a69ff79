"""Solving a roster: the day and the team of every visit.

Hard rules are constraints; soft goals are weighted terms, minimised first; then a seeded
random priority over (visit, inspector) and (visit, day) pairs picks one roster among the
equally good ones. With a proven optimum that is proven the only one, the roster does not
depend on the solver's threads or the machine.

Stage 1 fixes the days (:func:`~.stages.plan_days`, exact network flows). Stage 2 picks
the teams on those days from seeded shortlists (双随机), widened if they leave no roster:
first the priorities among the rosters at the soft goals' proven floor (:func:`_at_floor`:
the pair relaxation's proven bound and reduced-cost fixing, then CP-SAT on the teams left,
:func:`_by_pairs`; else one CP-SAT solve); when no roster reaches the floor, the soft goals
minimised from above it and then the priorities (:func:`_by_priority`). A last solve proves the roster
the only optimum (:func:`~.stages.prove_unique`). If the teams cannot be found on those
days, the full model chooses days and teams together; if no solve found a roster within
the work, a greedy roster in a fixed order completes the days (:func:`_greedy_plan`). The
stop token and the progress function reach every solve.

Every solve is a deterministic search (:class:`_Clock`: :data:`SUBSOLVERS` interleaved
on a fixed number of threads, within a budget of deterministic work), so a roster whose
proofs did not finish is still the same with any ``--workers`` and under any load; the
plan says what was not proven. The soft goals reported are counted on the rows written
(:mod:`.score`).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, fields, replace

from ortools.sat.python import cp_model

from tuoyu.models.errors import InfeasibleError, TimeLimitError
from tuoyu.models.findings import Finding, info, warning
from tuoyu.optimizer.roster import score
from tuoyu.optimizer.roster.bound import Floor, rosters_at_the_floor, soft_floor
from tuoyu.optimizer.roster.explain import capacity_clashes, explain_infeasible
from tuoyu.optimizer.roster.goals import SOFT_GOALS, weighted
from tuoyu.optimizer.roster.model import (
    RosterModel,
    as_sum,
    build_model,
    full_priority_terms,
    team_priority_terms,
)
from tuoyu.optimizer.roster.pairs import add_pairs, pair_bound
from tuoyu.optimizer.roster.problem import RosterProblem, RosterRow
from tuoyu.optimizer.roster.stages import (
    Days,
    Run,
    greedy_teams,
    plan_days,
    prove_unique,
    shortlists,
)
from tuoyu.optimizer.roster.variables import Vars
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
    #: a re-plan that kept stored rows: the solve around them was proven (unique), so the
    #: roster is the same with any workers although no optimum of the whole is claimed
    part_proven: bool = False

    @property
    def soft(self) -> dict[str, int]:
        """Each soft goal's value by name."""
        return {g.code.removeprefix("roster.goal."): g.value for g in self.soft_goals}


#: deterministic time units (CP-SAT's measure of work) per second of the time limit: the
#: roster's budget of work, the same on every machine and under any load
DET_PER_SECOND = 1.0
#: threads and tasks per synchronisation of the interleaved (deterministic) search: fixed,
#: so that the roster never depends on --workers
THREADS = 2
BATCH = 2
#: the full-search workers of every roster solve, whatever --workers: the LP worker finds
#: the rosters, the lower-bound tree search proves them. On assignment models whose
#: relaxation is nearly tight, the tree search closes the last fraction of a per cent of
#: the priorities' gap that a second LP worker (default_lp, used before) chased by
#: restarts: 3-6x less wall time on generated districts, the same proven-unique rosters
#: (docs/benchmarks/roster.md)
SUBSOLVERS = ("max_lp", "lb_tree_search")
#: the wall clock stops a roster's solves only at this multiple of the time limit: a
#: safety net (as the calendar's), so that on a loaded machine the work budget, not the
#: clock, still ends each solve and the roster stays the same
WALL_FACTOR = 10.0


@dataclass(frozen=True)
class _DetParams(SolveParams):
    """The roster's deterministic solves run :data:`SUBSOLVERS` and leave out CP-SAT's
    interleaved ``fixed`` search, which aborts the process on some hinted models
    (OR-Tools 9.15: "Check failed: heuristics.fixed_search != nullptr", met by the
    calendar's solves)."""

    def apply(self, solver: cp_model.CpSolver) -> None:
        super().apply(solver)
        solver.parameters.subsolvers.clear()
        solver.parameters.subsolvers.extend(SUBSOLVERS)
        solver.parameters.ignore_subsolvers.append("fixed")


class _Clock:
    """The work left of the whole solve (deterministic units, ``time_limit`` ×
    :data:`DET_PER_SECOND`) and, as a safety net only, the wall-clock time left
    (:data:`WALL_FACTOR` × ``time_limit``)."""

    def __init__(self, params: SolveParams, work: float | None = None):
        self.params = params
        self.deadline = time.perf_counter() + WALL_FACTOR * params.time_limit
        self.work = params.time_limit * DET_PER_SECOND if work is None else work
        self.wall_stopped: list[str] = []  # stages the wall clock ended before their work

    def left(self, share: float = 1.0) -> SolveParams:
        """A deterministic search on ``share`` of the work left: :data:`SUBSOLVERS` (an
        LP worker and the lower-bound tree search) interleaved on a fixed number of
        threads, within a deterministic time limit. These are assignment models whose
        linear relaxation is nearly tight; LP-based search proves them far faster than the
        default portfolio.
        The result depends on the model and the work budget only, never on --workers, the
        machine or its load (unless the wall clock, a safety net, stops it first)."""
        det = max(0.05, self.work * share)
        wall = max(1.0, self.deadline - time.perf_counter())
        base = _DetParams(**{f.name: getattr(self.params, f.name) for f in fields(SolveParams)})
        return replace(
            base,
            time_limit=wall,
            workers=THREADS,
            portfolio="lp",
            extra=(
                *self.params.extra,
                ("interleave_search", True),
                ("interleave_batch_size", BATCH),
                ("max_deterministic_time", det),
            ),
        )

    def spent(
        self, solver: cp_model.CpSolver, params: SolveParams, stage: str, status: int
    ) -> None:
        """Count a solve's work; note a solve the wall clock (not its work) ended."""
        self.work = max(0.0, self.work - solver.deterministic_time)
        det = dict(params.extra).get("max_deterministic_time", 0.0)
        if status in (cp_model.FEASIBLE, cp_model.UNKNOWN) and solver.deterministic_time < (
            0.99 * float(det)  # type: ignore[arg-type]
        ):
            self.wall_stopped.append(stage)


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


def _solve(
    run: Run, clock: _Clock, model: cp_model.CpModel, label: str, share: float = 1.0
) -> tuple[cp_model.CpSolver, int, float]:
    """One deterministic CP-SAT solve on ``share`` of the work left, counted."""
    params = clock.left(share)
    solver, status, secs = run.solve(model, params, label)
    clock.spent(solver, params, label, status)
    return solver, status, secs


def _at_floor(
    problem: RosterProblem,
    days: Days,
    allowed: dict[int, set[int]] | None,
    clock: _Clock,
    run: Run,
    label: str,
) -> tuple[_Teams | None, list[StageTime], int | None]:
    """The seeded priorities among the rosters whose soft goals cost no more than the
    proven floor, on two thirds of the work left. The floor is a lower bound of every
    roster on these days, so such a roster is optimal, and the priority optimum among
    them is the roster the two stages (soft goals, then priorities) would choose, found
    without first closing the soft objective's gap. First by the pair relaxation
    (:func:`_by_pairs`), else in one solve. Returns the teams when a roster at the floor
    was found, the stages run, and the least cost a roster can have (the floor, or one
    more when none reaches it; None: no roster meets the rules)."""
    first = build_model(problem, day_of=days.day_of, allowed=allowed)
    floor = soft_floor(problem, days.day_of, list(first.var.a))  # type: ignore[arg-type]
    if floor is None:
        return None, [], None
    stage_label = label + ", at the floor"
    # the floor's rules are added to this model only when it is solved (no pair
    # relaxation): the pairs build their own models, on the same columns and floor
    paired = _by_pairs(problem, days, allowed, first.var, floor, clock, run, stage_label)
    if paired is not None:
        found, stage, none_at_floor = paired
        if found is not None:
            return found, [stage], floor.total
        # none at the floor (proven): one more; none found in the work: from the floor
        return None, [stage], floor.total + 1 if none_at_floor else floor.total
    rm = _at_the_floor(problem, days, first, floor)
    # no hint: a greedy roster as hint made CP-SAT search around it first, twice the work
    # (deterministic time) of starting from the linear relaxation on a 12x district
    rm.model.minimize(as_sum(team_priority_terms(problem, rm.var)))
    solver, status, secs = _solve(run, clock, rm.model, stage_label, 2 / 3)
    stage = _stage(stage_label, run, solver, status, 0.0, secs)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # the least cost left
        least = floor.total + 1 if status == cp_model.INFEASIBLE else floor.total
        return None, [stage], least
    teams = _Teams(rm, solver, status, True, None, [stage], floor.total, True)
    return teams, [stage], floor.total


def _at_the_floor(
    problem: RosterProblem,
    days: Days,
    rm: RosterModel,
    floor: Floor,
    zero: set | None = None,
    one: set | None = None,
) -> RosterModel:
    """``rm`` (a fresh model of these days) made the model of the rosters at the soft
    goals' ``floor``; with ``zero``/``one``, the teams of two as pair variables, those
    fixed."""
    rosters_at_the_floor(rm.model, problem, rm.var, rm.soft, days.day_of, floor)  # type: ignore[arg-type]
    if zero is not None and one is not None:
        add_pairs(rm.model, problem, rm.var, floor, zero, one)
    return rm


def _by_pairs(
    problem: RosterProblem,
    days: Days,
    allowed: dict[int, set[int]] | None,
    var: Vars,
    floor: Floor,
    clock: _Clock,
    run: Run,
    label: str,
) -> tuple[_Teams | None, StageTime, bool] | None:
    """The priorities at the floor by the pair relaxation (:mod:`.pairs`): its proven
    bound ``B`` and exact reduced costs; then CP-SAT on the rosters whose teams the
    reduced costs allow under a limit ``U`` (every column whose reduced cost alone lifts
    ``B`` strictly above ``U`` fixed at its end, the teams of two as pair variables).
    Every roster of priority at most ``U`` is among them, so a proven optimum of these of
    priority at most ``U`` is the optimum of all, with every tie (what the proof of
    uniqueness needs). ``U`` starts where about two columns a visit are free; a solve
    whose optimum is above ``U`` raises ``U`` to it (the next one proves it or finds a
    better roster), one with no roster doubles ``U - B``. On two thirds of the work left,
    like the single solve; the LP (HiGHS, one thread, no time limit) is deterministic.
    Returns the teams (status ``FEASIBLE`` when not proven), the stage (its solves
    summed) and whether no roster reaches the floor (proven); None: the relaxation does
    not apply (too many candidates for a team of two, the LP not solved)."""
    tb = time.perf_counter()
    tie = team_priority_terms(problem, var)
    cost = {k: c for k, (_a, c) in zip(var.a, tie, strict=True)}
    bound = pair_bound(problem, var, days.day_of, floor, cost)  # type: ignore[arg-type]
    if bound is None:
        return None
    build, secs = time.perf_counter() - tb, 0.0
    upper = bound.start(2 * len(problem.visits))
    budget = clock.work * 2 / 3
    hint: set[tuple[int, int]] | None = None
    best: _Teams | None = None
    status, lower, proven, none_at_floor = cp_model.UNKNOWN, bound.bound, False, False
    while budget > 0.05 and not run.stopped:
        tb = time.perf_counter()
        zero, one = bound.fixed(upper)
        # the same columns as the floor's (the same days and allowed teams): its floor
        rm = _at_the_floor(problem, days, build_model(problem, day_of=days.day_of,
                                                      allowed=allowed), floor, zero, one)
        priorities = as_sum(team_priority_terms(problem, rm.var))
        rm.model.add(priorities >= bound.bound)
        rm.model.minimize(priorities)
        if hint is not None:
            for k, a in rm.var.a.items():
                rm.model.add_hint(a, k in hint)
        build += time.perf_counter() - tb
        solver, status, took = _solve(run, clock, rm.model, label, budget / max(clock.work, 1e-9))
        budget -= solver.deterministic_time
        secs += took
        if status == cp_model.INFEASIBLE and not (zero or one):
            none_at_floor = True  # nothing fixed: no roster at the floor at all
            break
        if status == cp_model.INFEASIBLE:
            upper = bound.bound + 2 * (upper - bound.bound) + 1
            continue
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break  # none found in the work
        value = round(solver.objective_value)
        best = _Teams(rm, solver, status, True, None, [], floor.total, True)
        hint = {k for k, a in rm.var.a.items() if solver.boolean_value(a)}
        # every roster outside these costs more than U: a bound of all rosters
        restricted = math.ceil(solver.best_objective_bound - 1e-6)
        lower = max(lower, restricted if not (zero or one) else min(restricted, upper + 1))
        if status == cp_model.OPTIMAL and (value <= upper or not (zero or one)):
            # the optimum of every roster at the floor, every tie among these rosters
            lower, proven = value, True
            break
        if status == cp_model.FEASIBLE:
            break  # out of work
        upper = value
    if best is None:
        if status == cp_model.INFEASIBLE and not none_at_floor:
            status = cp_model.UNKNOWN  # infeasible with teams fixed: nothing proven
        stage = StageTime(label, run.status(status), None, None, build, secs)
        return None, stage, none_at_floor
    value = round(best.solver.objective_value)
    # proven only as above: a tie may lie outside a model whose optimum exceeds its U
    best.status = cp_model.OPTIMAL if proven else cp_model.FEASIBLE
    stage = StageTime(label, run.status(best.status), float(value), float(min(lower, value)),
                      build, secs)
    best.stages = [stage]
    return best, stage, False


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
        found, probes, least = _at_floor(problem, days, allowed, clock, run, label)
        stages += probes
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
        solver, status, secs = _solve(run, clock, rm.model, label, 1 / 2)
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
    solver, status, secs = _solve(run, clock, rm.model, "days and teams", 1 / 2)
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
    clock: _Clock,
    unique: bool | None,
) -> list[Finding]:
    findings = list(problem.findings)
    for stage in clock.wall_stopped:
        findings.append(
            warning(
                "roster.wall_clock_stop",
                stage=stage,
                seconds=round(WALL_FACTOR * params.time_limit),
            )
        )
    if plan_size is not None:
        findings.append(info("roster.shortlist", size=plan_size, seed=str(problem.seed)))
    if soft["return_to_last_institution"]:
        findings.append(warning("roster.returns_to_last", count=soft["return_to_last_institution"]))
    if run.stopped:
        findings.append(warning("plan.cancelled"))
    elif not proven:
        findings.append(warning("roster.not_proven_optimal", seconds=round(params.time_limit)))
    elif unique is not True:
        findings.append(warning("roster.not_proven_unique", seconds=round(params.time_limit)))
    return findings


def solve_roster(
    problem: RosterProblem,
    params: SolveParams | None = None,
    progress: ProgressFn | None = None,
    *,
    stop: Stop | None = None,
    prove: bool = True,
    work: float | None = None,
) -> RosterResult:
    """Date and staff every visit; raise :class:`InfeasibleError` (clashes as findings)
    when no roster can meet the rules, :class:`TimeLimitError` when none was found in
    time. A stopped solve keeps the best roster found so far (status ``cancelled``).
    ``work``: the budget of deterministic work (default ``time_limit`` ×
    :data:`DET_PER_SECOND`); every solve is a deterministic search within it, so the
    roster, proven or not, depends on the inputs and this budget only."""
    params = replace(params or SolveParams(), portfolio="lp")
    clashes = capacity_clashes(problem)
    if clashes:
        raise InfeasibleError("roster", clashes)
    run, clock = Run(stop, progress), _Clock(params, work)
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
        greedy = None if run.stopped else _greedy_plan(problem, params, days, stages, clock, run)
        if greedy is not None:
            return greedy
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


def _greedy_plan(
    problem: RosterProblem,
    params: SolveParams,
    days: Days,
    stages: list[StageTime],
    clock: _Clock,
    run: Run,
) -> RosterResult | None:
    """No roster within the budget of work: complete the days by the greedy roster (a
    fixed order, least-loaded first, on the seeded shortlists, then on everyone allowed;
    keeping the soft goals as rules first, then not),
    deterministic like every solve; its bound is the soft goals' floor. None when the
    greedy roster leaves a visit without a team."""
    if days.day_of is None:
        return None
    r = problem.rules
    t0 = time.perf_counter()
    sizes = ([r.shortlist] if r.shortlist is not None else []) + [None]
    for size, soft in [(size, soft) for soft in (True, False) for size in sizes]:
        allowed = shortlists(problem, days.day_of, size)  # type: ignore[arg-type]
        chosen = greedy_teams(problem, days.day_of, allowed, soft)  # type: ignore[arg-type]
        if {v for v, _p in chosen} != set(range(len(problem.visits))):
            continue
        on_x = sorted((v, k) for v, k in days.day_of.items())
        rows = _rows(problem, on_x, sorted(chosen))
        values = score.soft_values(problem, rows)
        objective = float(score.weighted_cost(problem, values))
        pairs = [
            (v, p)
            for v in range(len(problem.visits))
            for p in (allowed[v] if allowed is not None else range(len(problem.inspectors)))
        ]
        floor = soft_floor(problem, days.day_of, pairs)
        bound = min(objective, float(floor.total)) if floor is not None else None
        stages.append(StageTime("greedy completion", Status.FEASIBLE, objective, bound,
                                solve_seconds=time.perf_counter() - t0))
        findings = _findings(problem, size, values, False, params, run, clock, None)
        return RosterResult(problem, rows, Status.FEASIBLE, objective, bound, tuple(stages),
                            _soft_goals(problem, values), tuple(findings), None, size)
    return None


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
    rows = _rows(problem, on_x, on_a)
    # the goals of the rows written, counted on them (the model's goal variables are only
    # bounded from one side: in a roster not proven optimal they may exceed the roster's
    # own); the bound stays the teams stage's proven one
    soft_values = score.soft_values(problem, rows)
    objective = float(score.weighted_cost(problem, soft_values))
    bound = min(bound, objective)
    days_proven = days.optimal or days.day_of is None
    proven = soft_proven and status2 == cp_model.OPTIMAL and days_proven and not run.stopped
    unique: bool | None = None
    if prove and proven:
        chosen = {rm.var.a[k].index for k in on_a}
        if not teams.fixed:
            chosen |= {rm.var.x[k].index for k in on_x}
        left = clock.left()
        unique_teams, stage = prove_unique(rm.model, tie, chosen, left, run, "uniqueness")
        stages.append(stage)
        unique = (unique_teams and days.unique) if teams.fixed else unique_teams
    status = Status.CANCELLED if run.stopped else (Status.OPTIMAL if proven else Status.FEASIBLE)
    findings = _findings(
        problem, teams.size, soft_values, proven, params, run, clock, unique if prove else True
    )
    return RosterResult(problem, rows, status, objective, bound, tuple(stages),
                        _soft_goals(problem, soft_values), tuple(findings), unique, teams.size)


def _soft_goals(problem: RosterProblem, values: dict[str, int]) -> tuple[SoftGoal, ...]:
    """Each soft goal's value on the rows written, with its weight."""
    w = problem.rules.weights
    return tuple(SoftGoal(f"roster.goal.{name}", values[name], getattr(w, name))
                 for name in SOFT_GOALS)


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
    solver2, status2, secs2 = _solve(run, clock, rm.model, "random priority")
    stages.append(_stage("random priority", run, solver2, status2, 0.0, secs2))
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return solver2, status2
    return solver, status2
