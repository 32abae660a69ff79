"""Plan the year: the calendar (stage A) with staffing cuts until its teams exist, then
the teams (stage B), then the topics chosen again for the whole district (``topics.py``,
a MIP) and a local improvement of both (``polish.py``), the teams named again by the
exact flow after each; status, objective and bound of the whole plan.

**Exact.** Stage A counts staff; after each calendar, a max-flow per discipline and
month (``cuts.py``) either names valid teams or returns a set of half-days the calendar
overloads, which becomes a linear cut of stage A. The cuts are valid for every calendar
that has teams, so stage A infeasible with them proves that no calendar and teams exist.

**Objective and bound.** The plan's objective is the weighted sum of the calendar goals
(moved, topic changed, spacing, weekend) and the team goals (far, neighbour, load,
extra lead, staff changed), counted on the plan. The teams are the best for the
calendar (a min-cost flow per discipline, ``flow.best_teams``). The bound is a bound of
the whole problem, decomposed or not (``whole_bound``): the transportation of every
session's educator and the linear relaxation of the doctors' and psychologists' trips
and load, over every calendar (``flow.team_lower_bound``), and the year's relaxation by months
(``bound.py``: the months' bands and the events' spread counted too, and the spacing a
center's leads' days force) of the whole district, or of each part alone for a district
planned in parts (``bound.parts_lower_bound``); weekend, quarters and a re-plan's moves
count 0 but for their floors.
``optimal`` only when the objective meets that bound.

**Reproducible.** Every CP-SAT solve runs a fixed portfolio in interleaved
(deterministic) mode with a deterministic time limit: the result depends on the inputs
and the seed, never on ``--workers`` or on the machine's load. The wall-clock limit stays
as a safety net; a solve it stops is reported (``sessions.wall_clock_stop``).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace

from ortools.sat.python import cp_model

from tuoyu.models.findings import Finding, info, warning
from tuoyu.models.sessions import Center, Session
from tuoyu.optimizer.sessions import (
    calendar,
    cuts,
    explain,
    first,
    flow,
    goals,
    polish,
    replan,
    spread,
    topics,
)
from tuoyu.optimizer.sessions.bound import parts_lower_bound, year_lower_bound
from tuoyu.optimizer.sessions.problem import SessionProblem, sessions_needed
from tuoyu.optimizer.solve import (
    ProgressEvent,
    ProgressFn,
    SoftGoal,
    SolveParams,
    StageTime,
    Status,
    Stop,
    Target,
    cp_status,
    solve,
)

#: threads and tasks per synchronisation of the interleaved search: fixed, so that the
#: search (and the plan) never depends on --workers (CP-SAT's single-thread search differs
#: from its interleaved one, and more threads than tasks per batch would idle)
THREADS = 2
BATCH = 2
#: deterministic time units (CP-SAT's measure of work) per second of the time limit
DET_PER_SECOND = 0.2
#: under a ceiling (``--wall-limit``), the year's relaxation is started only with at least
#: these seconds of it left: building its program alone is not bounded by HiGHS's limit
#: (1.7 s on the bundled year under two CPU hogs, started with 0.2 s left)
RELAXATION_MIN_SECONDS = 2.0
#: the wall clock stops a solve only at this multiple of the time limit (a safety net)
WALL_FACTOR = 10.0
#: staffing-cut rounds of a calendar part allowed past its budget, each of MIN_ROUND
#: deterministic units: a calendar found but not yet staffable is rarely far from one
LATE_ROUNDS = 20
MIN_ROUND = 0.5
#: staffing-cut rounds with the partners' steering before a part is planned without it
STEER_ROUNDS = 2
#: branch-and-bound nodes per second of the work budget: the work limit of the topics'
#: and the local improvement's MIPs (HiGHS), which ends them at the same point every run
#: (the held-out districts' MIPs end at their root node; the wall clock is only their far
#: safety net, ``_Run.wall_left``); the improvement's MIPs count them as nodes of a model
#: of ``bound.NODE_NONZEROS`` nonzeros (``bound.SizedNodes``: fewer for a larger model)
MIP_NODES_PER_SECOND = 50
#: the try at the team bound (``_plan_at_the_bound``) gets this share of the work budget
#: (at least ``0.5`` units, as every solve): 0.5 units at the default budget of 60
TRY_SHARE = 1 / 24


@dataclass
class SessionResult:
    """The planner's result: the calendar with teams, how the solve went, what it found."""

    problem: SessionProblem
    status: Status
    sessions: list[Session] = field(default_factory=list)
    objective: float | None = None
    bound: float | None = None
    stages: list[StageTime] = field(default_factory=list)
    soft_goals: list[SoftGoal] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass
class _Run:
    """What one planning run carries along: budget, stop, progress, stages, findings."""

    p: SessionProblem
    params: SolveParams
    stop: Stop | None
    progress: ProgressFn | None
    t0: float = field(default_factory=time.perf_counter)
    det_left: float = 0.0
    stages: list[StageTime] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: staffing cuts of the (undecomposed) calendar: (discipline, month, slots, capacity)
    cuts: list[tuple] = field(default_factory=list)
    #: deterministic search (the default); False: CP-SAT's parallel portfolio with
    #: --workers threads within wall-clock seconds (faster, may differ run to run)
    reproducible: bool = True
    #: the constructed first calendar built before any search (``_first_ahead``)
    first_ahead: list[Session] | None = None
    _team_bound: float | None = None

    def __post_init__(self) -> None:
        self.det_left = self.params.time_limit * DET_PER_SECOND

    def team_bound(self) -> float:
        """``team_bound(p)``, computed once per run."""
        if self._team_bound is None:
            self._team_bound = team_bound(self.p)
        return self._team_bound

    def stage_progress(self, event: ProgressEvent) -> None:
        """A stage's solutions, passed on as not the plan's own (no gap: the calendar's
        objective steers by estimates; the plan's objective and bound come at the end)."""
        if self.progress is not None:
            self.progress(replace(event, whole=False))

    def wall_left(self) -> float:
        """Seconds left: the safety net of the work budget, or the plan's wall-clock
        ceiling (``--wall-limit``) when it comes first."""
        net = WALL_FACTOR * self.params.time_limit - (time.perf_counter() - self.t0)
        clock = self.params.clock
        return net if clock is None else min(net, clock.left())

    def bound_seconds(self) -> float | None:
        """Wall-clock seconds the plan's bound may take: up to the ceiling
        (``--wall-limit``), None without one (the bound's programs then end on their
        own: the same bound whatever the load)."""
        clock = self.params.clock
        return None if clock is None or clock.seconds is None else clock.ceiling_left()

    def mip_nodes(self) -> int:
        """The work limit of a MIP of the topics or of the local improvement."""
        return max(1, round(MIP_NODES_PER_SECOND * self.params.time_limit))

    def out_of_time(self) -> bool:
        """The stop token is set, or the wall-clock ceiling has come."""
        clock = self.params.clock
        return (self.stop is not None and self.stop.is_set()) or (
            clock is not None and clock.expired()
        )

    def skipped(self, stage: str) -> bool:
        """Out of time before ``stage`` began: True, and a stage the wall clock (not a
        stop) left out is noted as ended by it, for the plan's ``plan.wall_clock_stop``."""
        if not self.out_of_time():
            return False
        clock = self.params.clock
        if clock is not None and clock.expired() and not (self.stop and self.stop.is_set()):
            clock.note(stage)
        return True

    def _params(self, det: float, extra: tuple) -> SolveParams:
        base = _DetParams(**{f.name: getattr(self.params, f.name) for f in fields(SolveParams)})
        if not self.reproducible:  # the parallel portfolio, in seconds of the time limit
            plain = tuple(e for e in extra if e[0] != "repair_hint")  # the abort is interleaved
            return replace(base, time_limit=max(1.0, det / DET_PER_SECOND), extra=plain)
        return replace(
            base,
            workers=THREADS,
            time_limit=max(2.0, self.wall_left()),
            portfolio="default",
            extra=(
                ("interleave_search", True),
                ("interleave_batch_size", BATCH),
                ("max_deterministic_time", det),
                *extra,
            ),
        )

    def solve(self, model: cp_model.CpModel, stage: str, det: float, extra=()):
        """One CP-SAT solve within ``det`` units of work; returns (solver, status)."""
        det = max(0.5, det)
        params = self._params(det, tuple(extra))
        solver, status, secs = solve(model, params, self.stage_progress, stop=self.stop,
                                     stage=stage)
        st = cp_status(status, self.stop)
        solved = st in (Status.OPTIMAL, Status.FEASIBLE)
        obj = solver.objective_value if solved else None
        bound = solver.best_objective_bound if solved else None
        self.stages.append(StageTime(stage, st, obj, bound, 0.0, secs))
        if not self.reproducible:
            self.det_left -= secs * DET_PER_SECOND
            return solver, status
        self.det_left -= solver.deterministic_time
        stopped = self.stop is not None and self.stop.is_set()
        by_clock = self.params.clock is not None and stage in self.params.clock.stopped
        if (st == Status.FEASIBLE and solver.deterministic_time < det * 0.99 and not stopped
                and not by_clock):
            self.findings.append(
                warning("sessions.wall_clock_stop", stage=stage, seconds=round(secs, 1))
            )
        return solver, status


#: stage A: light presolve (probing this model costs more than it saves). Stage A has no
#: solution hint: a hint made its search about ten times slower, and CP-SAT 9.15's
#: interleaved search aborts the process when a hinted model is found infeasible while
#: loading ("Check failed: heuristics.fixed_search").
LIGHT = (("cp_model_probing_level", 0), ("symmetry_level", 0))


@dataclass(frozen=True)
class _DetParams(SolveParams):
    """Solve parameters with CP-SAT subsolvers left out: the interleaved ``fixed`` search
    aborts the process on some models (OR-Tools 9.15: "Check failed:
    heuristics.fixed_search != nullptr")."""

    ignore: tuple[str, ...] = ("fixed",)

    def apply(self, solver: cp_model.CpSolver) -> None:
        super().apply(solver)
        solver.parameters.ignore_subsolvers.extend(self.ignore)


def _calendar_part(
    run: _Run,
    group: list[Center],
    with_events: bool,
    before: list[Session],
    used: dict | None,
    stage: str,
    det: float,
    goals_at_most: int | None = None,
) -> tuple[calendar.CalendarModel | None, cp_model.CpSolver | None, list[Session], Status]:
    """Stage A for one part with staffing cuts until its calendar (with the sessions of
    the parts before) can be staffed by name. The partners' steering concentrates
    sessions on the partners' days; when its calendars still cannot be staffed after
    ``STEER_ROUNDS`` rounds, the part is planned again without it (cuts kept).
    ``goals_at_most``: the calendar goals of the plan at most that
    (``calendar.calendar_goals_at_most``)."""
    p = run.p
    det_end = run.det_left - det
    found: list[tuple[str, frozenset[int], int]] = []
    start = None
    if goals_at_most is None and p.rules.first_calendar:
        start = run.first_ahead if run.first_ahead is not None else _first_calendar(
            run, group, with_events, before, stage)
        if start is not None and run.skipped(stage):  # no time to build and search a model
            return _first_kept(run, None, start, Status.TIME_LIMIT)
    for steer in (True, False):
        t = time.perf_counter()
        a = calendar.build_calendar(
            p, centers=group, with_events=with_events, used=used, steer=steer,
            goals_at_most=goals_at_most,
        )
        for disc, slots, cap in found:
            a.cuts.add(disc, slots, cap)
        build = time.perf_counter() - t
        rounds = late = 0
        while True:
            rounds += 1
            solver, status = run.solve(a.model, stage, run.det_left - det_end, LIGHT)
            run.stages[-1] = replace(run.stages[-1], build_seconds=build)
            st = cp_status(status, run.stop)
            if st not in (Status.OPTIMAL, Status.FEASIBLE):
                if start is not None:
                    return _first_kept(run, a, start, st)
                return a, None, [], st
            part = calendar.extract(p, a, solver)
            _, short = cuts.check_staffing(p, before + part)
            if not short:
                if len(found):
                    run.findings.append(info("sessions.staffing_cuts", cuts=len(found), rounds=rounds))
                return a, solver, part, st
            _cut_shortfalls(run, a, before, short, found)
            if steer and rounds >= STEER_ROUNDS:
                break
            out = run.wall_left() < 1 or (run.stop and run.stop.is_set())
            if start is not None and (out or run.det_left <= det_end + MIN_ROUND):
                return _first_kept(run, a, start, Status.TIME_LIMIT)  # no late rounds
            if run.det_left <= det_end + MIN_ROUND:  # budget spent: a few short rounds more
                late += 1
                det_end = run.det_left - MIN_ROUND
            if late > LATE_ROUNDS or out:
                return a, None, [], Status.TIME_LIMIT
    if start is not None:
        return _first_kept(run, a, start, Status.TIME_LIMIT)
    return None, None, [], Status.TIME_LIMIT


def _first_calendar(run: _Run, group: list[Center], with_events: bool,
                    before: list[Session], stage: str) -> list[Session] | None:
    """The constructed first calendar of a part (``first.first_calendar``), checked by
    the exact flow with the parts before; its seconds are a stage of their own."""
    t = time.perf_counter()
    out = first.first_calendar(run.p, group, with_events, before)
    if out is not None and cuts.check_staffing(run.p, before + out)[1]:
        out = None  # never: the construction counts the same flow
    secs = time.perf_counter() - t
    st = Status.FEASIBLE if out is not None else Status.TIME_LIMIT  # none: proves nothing
    run.stages.append(StageTime(f"first {stage}".strip(), st, None, None, 0.0, secs))
    return out


def _first_ahead(run: _Run) -> list[Session] | None:
    """With a wall-clock ceiling, the constructed first calendar of the first part is
    built before any search, so that when the clock ends the searches the plan is
    finished from constructed calendars at once. What follows the searches is kept from
    them at the ceiling's end (``Clock.keep``): in one part, twice the construction's
    seconds (about what the teams and the plan's own figures take after it); in ``n``
    parts, twice ``n`` times the first part's seconds (each later part's construction
    when the clock has ended its search, then the teams, the bound and the spreading,
    which grow with the district). Without a ceiling nothing changes."""
    p, clock = run.p, run.params.clock
    if clock is None or clock.seconds is None or not p.rules.first_calendar:
        return None
    groups = calendar_groups(p)
    t = time.perf_counter()
    stage = "calendar" if len(groups) == 1 else "calendar 1"
    out = _first_calendar(run, groups[0], True, [], stage)
    clock.keep(2 * len(groups) * (time.perf_counter() - t))
    return out


def _first_kept(run: _Run, a: calendar.CalendarModel | None, part: list[Session],
                st: Status):
    """The search ended without a calendar that can be staffed (``st``: out of budget,
    stopped): the constructed first calendar is the part's calendar (every rule kept,
    staffable); said in the findings."""
    run.findings.append(info("sessions.first_calendar_kept"))
    return a, None, list(part), Status.FEASIBLE


def _cut_shortfalls(run: _Run, a: calendar.CalendarModel, before: list[Session],
                    short: list[cuts.StaffingCut],
                    found: list[tuple[str, frozenset[int], int]]) -> None:
    """A staffing cut per shortfall: the part's demand of the discipline on those
    half-days within the capacity the parts ``before`` leave; kept in ``found`` (for the
    model without steering) and in the run's list."""
    for c in short:
        slots = frozenset(c.slots)
        cap = c.capacity - _demand_in(run.p, before, c.discipline, slots)
        a.cuts.add(c.discipline, slots, cap)
        found.append((c.discipline, slots, cap))
        run.cuts.append((c.discipline, c.month, slots, c.capacity))


def _demand_in(p: SessionProblem, sessions: list[Session], disc: str, slots) -> int:
    return sum(
        p.team_of(s).get(disc, 0) for s in sessions if 2 * p.day(s.date) + s.half in slots
    )


def calendar_groups(p: SessionProblem) -> list[list[Center]]:
    """The whole district in one model, or for a big instance one part per street (the
    street's centers share its staff and neighbours; parts are solved one after another,
    each given what the earlier ones take)."""
    active = list(p.data.centers)
    if sum(1 for c in active if c.sessions_per_year) <= p.rules.decompose_above:
        return [active]
    by_street: dict[str, list[Center]] = defaultdict(list)
    for c in active:
        by_street[c.street_id].append(c)
    groups: list[list[Center]] = []
    size = p.rules.part_size
    for sid in sorted(by_street):
        cs = by_street[sid]
        k = -(-len(cs) // size)
        groups += [cs[j::k] for j in range(k)]
    groups.sort(key=lambda g: (-sum(c.sessions_per_year for c in g), g[0].center_id))
    return groups


def _take(used: dict | None, part: dict) -> None:
    """Add what one part takes (``calendar.used_by``) to what the parts before took:
    counts are summed, a home lead's half-days united. ``used`` is None for a district
    planned in one part."""
    if used is None:
        return
    for k, v in part.items():
        if isinstance(v, set):
            used[k] = used.get(k, set()) | v
        else:
            used[k] = used.get(k, 0) + v


def _plan_calendar(run: _Run) -> tuple[list[Session], dict[str, int], float | None, Status]:
    """Stage A over all parts: the calendar, its goal values, its bound (None when the
    calendar was decomposed; only reported per stage: the plan's bound is
    ``whole_bound``)."""
    p = run.p
    groups = calendar_groups(p)
    used: dict | None = {} if len(groups) > 1 else None
    new: list[Session] = []
    values: dict[str, int] = defaultdict(int)
    bound: float | None = None
    budget = run.det_left
    for gi, group in enumerate(groups):
        stage = "calendar" if len(groups) == 1 else f"calendar {gi + 1}"
        det = budget / len(groups)
        a, solver, part, st = _calendar_part(run, group, gi == 0, new, used, stage, det)
        run.first_ahead = None  # the first part's only (``_first_ahead``)
        if solver is None and part:  # the constructed first calendar (``_first_kept``)
            new += part
            _take(used, calendar.used_by(p, part, {}))
            bound = None
            continue
        if solver is None:
            if st == Status.INFEASIBLE and len(groups) == 1:
                run.findings += explain.why_no_calendar(p, run.params, run.cuts)
                return [], {}, None, Status.INFEASIBLE
            run.findings.append(
                warning("sessions.calendar_not_found", part=gi + 1, parts=len(groups))
            )
            return [], {}, None, Status.CANCELLED if st == Status.CANCELLED else Status.TIME_LIMIT
        assert a is not None
        new += part
        _take(used, calendar.used_by(p, part, calendar.led_sessions(a, solver, p)))
        for k, v in calendar.goal_values(a, solver).items():
            values[k] += v
        bound = solver.best_objective_bound if len(groups) == 1 else None
    if len(groups) > 1:
        run.findings.append(info("sessions.decomposed", parts=len(groups)))
    return new, values, bound, Status.FEASIBLE


def plan_sessions(
    p: SessionProblem,
    params: SolveParams | None = None,
    progress: ProgressFn | None = None,
    *,
    stop: Stop | None = None,
    reproducible: bool = True,
) -> SessionResult:
    """Plan the year (or the rest of it from ``p.from_date``). Never raises for clashing
    rules: the result's status says infeasible and its findings say why. With
    ``reproducible=False`` the solves use CP-SAT's parallel portfolio (``params.workers``
    threads, wall-clock seconds): faster, but another run may give another calendar."""
    run = _Run(p, params or SolveParams(), stop, progress, reproducible=reproducible)
    if not reproducible:
        run.findings.append(info("sessions.fast_mode", workers=run.params.workers))
    kept = replan.repair(p) if p.previous else None
    if kept is not None:  # the calendar holds: only the places that no longer hold change
        new, changes = kept
        staff_of = {k: list(s.staff_ids) for k, s in enumerate(new)}
        return _result(run, new, staff_of, changes)
    clashes = explain.precheck(p)
    if clashes:
        return SessionResult(p, Status.INFEASIBLE, findings=clashes)
    run.first_ahead = _first_ahead(run)
    at_bound, tried = _plan_at_the_bound(run)
    if at_bound is not None:
        return _result(run, *_named(p, *_spread(run, *at_bound)))
    new, _, _, st = _plan_calendar(run)
    if st not in (Status.FEASIBLE, Status.OPTIMAL):
        return SessionResult(p, st, stages=run.stages, findings=run.findings)
    new, staff_of = _teams_and_topics(run, new)
    new, staff_of = _polish(run, new, staff_of)
    return _result(run, *_named(p, *_spread(run, *_better_of(run, (new, staff_of), tried))))


def _better_of(
    run: _Run, made: tuple[list[Session], dict[int, list[str]]], tried: _Tried | None
) -> tuple[list[Session], dict[int, list[str]]]:
    """The plan made, or the try at the team bound's plan when that costs strictly less
    (both meet every rule; the try's calendar only held its calendar goals at 0). A planner
    is never given a plan dearer than one already found (东滩区: the try's 926 against the
    full solve's 943). Ties keep the plan made, so a try that helps nothing changes
    nothing. The try's plan, when kept, is then improved like the plan made
    (``_polish``)."""
    if tried is None:
        return made
    p = run.p
    value = goals.weighted(p, plan_values(p, *made), goals.PLAN_GOALS)
    if tried.value < value - 1e-6:
        run.findings.append(info("sessions.try_plan_kept", tried=round(tried.value),
                                 made=round(value)))
        # the try's plan has had no local improvement yet: it gets its own (kept only
        # when it does not cost more, ``_polish``)
        return _polish(run, tried.sessions, tried.staff_of)
    return made


def _teams_and_topics(
    run: _Run, new: list[Session], at_bound: bool = False
) -> tuple[list[Session], dict[int, list[str]]]:
    """The calendar's sessions in plan order, their teams (the exact flow), then the
    topics chosen again for the whole district (``_choose_topics``; ``at_bound``: the
    try at the team bound)."""
    new.sort(key=lambda s: (s.date, s.half, s.center_id, s.event_id))
    t = time.perf_counter()
    staff_of = flow.best_teams(run.p, new)
    assert staff_of is not None, "the calendar passed the staffing check"
    secs = time.perf_counter() - t
    run.stages.append(StageTime("teams", Status.OPTIMAL, None, None, 0.0, secs))
    return _choose_topics(run, new, staff_of, at_bound)


def _named(
    p: SessionProblem, new: list[Session], staff_of: dict[int, list[str]]
) -> tuple[list[Session], dict[int, list[str]]]:
    """The sessions with their teams written in, in staff-table order."""
    order = {st.staff_id: i for i, st in enumerate(p.data.staff)}
    new = [
        s.model_copy(update={"staff_ids": tuple(sorted(staff_of[k], key=order.__getitem__))})
        for k, s in enumerate(new)
    ]
    return new, staff_of


@dataclass(frozen=True)
class _Tried:
    """The try at the team bound's plan when it missed the bound: every rule held, its
    objective ``value`` counted on the plan; a candidate the plan made must beat."""

    sessions: list[Session]
    staff_of: dict[int, list[str]]
    value: float


def _plan_at_the_bound(
    run: _Run,
) -> tuple[tuple[list[Session], dict[int, list[str]]] | None, _Tried | None]:
    """A plan proven optimal at once, or None (issue 18: the bundled year's proof); and
    the try's plan when it missed the bound (``_better_of``: kept only when the plan made
    without it costs more).

    The team goals' bound ``B`` (``team_bound``, a second) is known before any calendar,
    and every plan pays at least ``B`` for its teams, so a plan whose objective is ``B``
    pays nothing for its calendar goals (spacing, weekend share, months, events spread,
    quarters). The calendar model with those goals held at 0
    (``calendar.calendar_goals_at_most``; no plan at the bound is lost) is far smaller
    after presolve; its best calendar within ``TRY_SHARE`` of the work budget (the same
    deterministic interleaved search; a small budget: the try aims at a calendar the
    topics can bring to the bound, not at the model's own optimum) is staffed (cuts as
    usual), given its teams and topics. When that plan meets ``B``, it is optimal, proven for the whole problem. When
    it does not (or no such calendar is found), everything the attempt changed in the
    run is undone except its stage times (unless the run was stopped during the try: then
    its calendar is the plan, finished like any stopped one), and the plan is made exactly
    as without it:
    the same calendar, the same rows. A fresh plan of one part only (a re-plan's moves
    and a decomposed calendar are not in ``B``'s reach); off with
    ``SessionRules.at_the_bound=False``."""
    p = run.p
    if not p.rules.at_the_bound or p.previous or len(calendar_groups(p)) > 1:
        return None, None
    if run.skipped("calendar"):
        return None, None
    bound = run.team_bound()
    saved = (run.det_left, list(run.findings), list(run.cuts))
    group = calendar_groups(p)[0]
    _, solver, new, st = _calendar_part(
        run, group, True, [], None, "calendar", run.det_left * TRY_SHARE, goals_at_most=0
    )
    found = tried = None
    stopped = run.out_of_time()
    if solver is not None:
        new, staff_of = _teams_and_topics(run, new, at_bound=True)
        value = goals.weighted(p, plan_values(p, new, staff_of), goals.PLAN_GOALS)
        # at the bound: proven. Stopped (cancelled, the wall clock) during the try: the
        # full solve would find nothing more, so the plan is finished from this calendar
        # (it meets every hard rule; said as not proven), never dropped
        if value <= bound + 1e-6 or stopped:
            found = _named(p, new, staff_of)
        else:
            tried = _Tried(new, staff_of, value)
    if found is None:
        run.det_left, run.findings, run.cuts = saved
    return found, tried


def _polish(
    run: _Run, new: list[Session], staff_of: dict[int, list[str]]
) -> tuple[list[Session], dict[int, list[str]]]:
    """The local improvement of the staffed calendar (``polish.py``), its teams named
    again by the exact flow; kept only when the plan's objective does not rise (it never
    should: the pass accepts strict improvements only, and the flow's teams cost at most
    what the pass's teams cost)."""
    p = run.p
    if run.skipped("polish"):  # cancelled or out of time: finish from the best so far
        return new, staff_of
    before = goals.weighted(p, plan_values(p, new, staff_of), goals.PLAN_GOALS)
    if before <= run.team_bound() + 1e-6:  # proven optimal already: nothing to improve
        return new, staff_of
    t = time.perf_counter()
    # the MIPs end at their work limit (the same point every run); the wall clock is
    # only their far safety net
    seconds = run.wall_left()
    ended: list[str] = []
    moved = polish.polish(p, new, staff_of, run.stop, run.params.clock,
                          topics_seconds=seconds, ended=ended, topics_nodes=run.mip_nodes())
    for step in ended:  # a MIP's wall-clock safety net: the plan may differ run to run
        run.findings.append(warning("sessions.wall_clock_stop", stage=step,
                                    seconds=round(seconds, 1)))
    again = flow.best_teams(p, moved) if moved is not new else None
    secs = time.perf_counter() - t
    if again is None:
        return new, staff_of
    after = goals.weighted(p, plan_values(p, moved, again), goals.PLAN_GOALS)
    run.stages.append(StageTime("polish", Status.FEASIBLE, float(after), None, 0.0, secs))
    if after > before:
        return new, staff_of
    return moved, again


def _spread(
    run: _Run, new: list[Session], staff_of: dict[int, list[str]]
) -> tuple[list[Session], dict[int, list[str]]]:
    """The month's sessions spread over its days at no cost (``spread.py``); kept only
    when the plan's objective does not rise (it cannot: every move keeps every goal but
    a center's spacing, and that only when it does not grow)."""
    p = run.p
    t = time.perf_counter()
    before = goals.weighted(p, plan_values(p, new, staff_of), goals.PLAN_GOALS)
    moved, team = spread.spread_days(p, new, staff_of)
    after = goals.weighted(p, plan_values(p, moved, team), goals.PLAN_GOALS)
    run.stages.append(StageTime("spread", Status.FEASIBLE, float(after), None, 0.0,
                                time.perf_counter() - t))
    if after > before:
        return new, staff_of
    n = sum(a.date != b.date for a, b in zip(new, moved, strict=True))
    if n:
        busiest = [max(spread.day_counts(p, x).values()) for x in (new, moved)]
        code = "sessions.days_spread" if busiest[1] < busiest[0] else (
            "sessions.days_spread_busiest_kept")
        run.findings.append(info(code, moved=n, before=busiest[0],
                                 after=busiest[1]))
    return moved, team


def _choose_topics(
    run: _Run, new: list[Session], staff_of: dict[int, list[str]], at_bound: bool = False
) -> tuple[list[Session], dict[int, list[str]]]:
    """The topics chosen again for the whole district with the doctors' and
    psychologists' places (``topics.py``, a MIP), the teams named again by the exact flow;
    kept only when the plan's objective falls. A fresh plan only (a re-plan's topics
    count against the previous plan). The MIP ends on its own or at its work limit
    (``_Run.mip_nodes``, the same point every run); the wall clock is its far safety net
    (said in the findings when it ends it). A district
    planned in parts (``calendar_groups``) is left to the local improvement: one MIP over
    all its sessions could run for minutes. ``at_bound`` (the try at the team bound):
    first the quick topics (``topics.topics_in_steps``), kept when the plan then meets
    the team bound (optimal, whichever topics bring it there); else as without it."""
    p = run.p
    if p.previous or not any(p.pools[d] for d in topics.OTHERS) or run.skipped("topics"):
        return new, staff_of
    if len(calendar_groups(p)) > 1:
        return new, staff_of
    before = goals.weighted(p, plan_values(p, new, staff_of), goals.PLAN_GOALS)
    if before <= run.team_bound() + 1e-6:  # proven optimal already
        return new, staff_of
    t = time.perf_counter()
    staffed = [s.model_copy(update={"staff_ids": tuple(staff_of[k])}) for k, s in enumerate(new)]
    if at_bound:
        quick = _quick_topics(run, staffed)
        if quick is not None:
            run.stages.append(StageTime("topics", Status.FEASIBLE, run.team_bound(), None,
                                        0.0, time.perf_counter() - t))
            return quick
        if run.skipped("topics"):  # the quick topics took what the ceiling had left
            return new, staff_of
    moved, stopped = topics.choose_topics(p, staffed, run.wall_left(), run.stop,
                                          run.mip_nodes())
    again = flow.best_teams(p, moved) if moved is not None else None
    secs = time.perf_counter() - t
    if stopped and not (run.stop is not None and run.stop.is_set()):
        run.findings.append(warning("sessions.wall_clock_stop", stage="topics", seconds=round(secs, 1)))
    if again is None:
        return new, staff_of
    after = goals.weighted(p, plan_values(p, moved, again), goals.PLAN_GOALS)
    run.stages.append(StageTime("topics", Status.FEASIBLE, float(after), None, 0.0, secs))
    if after >= before:
        return new, staff_of
    return moved, again


def _quick_topics(
    run: _Run, staffed: list[Session]
) -> tuple[list[Session], dict[int, list[str]]] | None:
    """The quick topics (``topics.topics_in_steps``) and their teams when the plan then
    meets the team bound, else None."""
    p = run.p
    moved, stopped = topics.topics_in_steps(p, staffed, run.wall_left(), run.stop,
                                            run.mip_nodes())
    again = flow.best_teams(p, moved) if moved is not None and not stopped else None
    if again is None:
        return None
    after = goals.weighted(p, plan_values(p, moved, again), goals.PLAN_GOALS)
    return (moved, again) if after <= run.team_bound() + 1e-6 else None


def plan_values(
    p: SessionProblem, new: list[Session], staff_of: dict[int, list[str]]
) -> dict[str, int]:
    """Every goal of the plan's objective counted on its rows (the new sessions with their
    teams, the kept ones of a re-plan): what the plan reports is what it writes."""
    return {
        **goals.calendar_values(p, new),
        **goals.team_goal_values(p, new, staff_of),
        **goals.even_year_values(p, [*p.fixed, *new]),
    }


def _result(
    run: _Run,
    new: list[Session],
    staff_of: dict[int, list[str]],
    changes: list[Finding] | None = None,
) -> SessionResult:
    """The plan's result; ``changes``: a kept calendar's changes with their causes (else
    the changes against the previous plan are described)."""
    p = run.p
    planned = sorted([*p.fixed, *new], key=lambda s: (s.date, s.half, s.center_id, s.event_id))
    values = plan_values(p, new, staff_of)
    objective = float(goals.weighted(p, values, goals.PLAN_GOALS))
    # cancelled, or less than RELAXATION_MIN_SECONDS left to the wall-clock ceiling: the
    # year's relaxation (seconds on a large district) is not waited for; the plan is kept
    # with the quick team bound. The solves' end comes before the ceiling (``Clock``'s
    # reserve, kept for what follows them): the relaxation may use what is left, and
    # stops at the ceiling
    team = run.team_bound()
    seconds = run.bound_seconds()
    cut = (run.stop is not None and run.stop.is_set()) or (
        seconds is not None and seconds < RELAXATION_MIN_SECONDS)
    bound = min(objective, team if cut else whole_bound(
        p, objective, team=team, seconds=seconds, stop=run.stop))
    status = Status.OPTIMAL if objective <= bound + 1e-6 else Status.FEASIBLE
    if run.progress is not None:  # the plan's own figures: the live line ends on its gap
        run.progress(ProgressEvent("whole", time.perf_counter() - run.t0, objective, bound))
    if run.stop is not None and run.stop.is_set():
        status = Status.CANCELLED  # a plan meeting every rule, kept as it was when stopped
    findings = list(run.findings)
    if status != Status.OPTIMAL:
        findings.append(
            info("sessions.not_proven_optimal", objective=objective, bound=round(bound, 2))
        )
    findings += explain.calendar_warnings(p)
    findings += explain.describe_changes(p, new) if changes is None else changes
    findings += explain.holiday_months(p)
    # the goals the objective counts, each with what it added (they sum to it); not the
    # calendar's own estimate ``other_lead``, which only steers the calendar
    soft = [
        SoftGoal(f"sessions.goal.{g}", values.get(g, 0), getattr(p.rules.weights, g))
        for g in goals.PLAN_GOALS
    ]
    return SessionResult(
        problem=p,
        status=status,
        sessions=planned,
        objective=objective,
        bound=bound,
        stages=run.stages,
        soft_goals=soft,
        targets=targets(p, planned),
        findings=findings,
    )


def team_bound(p: SessionProblem) -> float:
    """The team goals' transportation bound (``flow.team_lower_bound``), or the
    nearest-street bound of the trips if higher: a bound of every plan, a second or so."""
    n_left = {c.center_id: sessions_needed(p, c, p.fixed_of(c)) for c in p.data.centers}
    lower = float(goals.weighted(p, goals.team_lower_bound(p, n_left), goals.TEAM_GOALS))
    return max(lower, float(flow.team_lower_bound(p)))


def whole_bound(
    p: SessionProblem, objective: float | None = None, team: float | None = None, *,
    seconds: float | None = None, stop: Stop | None = None,
) -> float:
    """A lower bound of the plan's objective over every calendar and teams: the team
    goals' transportation bound (``flow.team_lower_bound``), or the nearest-street bound
    of the trips if higher; then, unless that already meets ``objective``, the year's
    relaxation (``bound.py``: the months, each person's monthly places, the spacing
    a center's leads' days force) if higher: for a district planned in one part the
    whole district's (``year_lower_bound``: the months' bands and the events' spread
    counted too), for one planned in parts each part's alone, summed
    (``parts_lower_bound``: the whole program takes minutes on a city, the parts' time
    is linear in them). ``seconds``: wall-clock seconds the relaxation may take (the
    plan's ceiling), ``stop`` the stop token; cut short, the team bound alone. (The
    calendar model's own bound is no bound of the plan: its steering terms may cost
    more than the teams do.)"""
    out = team_bound(p) if team is None else team
    if objective is not None and out >= objective - 1e-6:
        return out
    groups = calendar_groups(p)
    if len(groups) > 1:
        year = parts_lower_bound(p, groups, seconds=seconds, stop=stop)
    else:
        year = year_lower_bound(p, seconds=seconds, stop=stop)
    return out if year is None else max(out, float(year))


def targets(p: SessionProblem, planned: list[Session]) -> list[Target]:
    """Sessions per baby center (and per other venue) against their count; events held."""
    per: dict[str, int] = defaultdict(int)
    for s in planned:
        if s.center_id:
            per[s.center_id] += 1
    out = []
    for kind in ("baby_center", "other"):
        cs = [
            c
            for c in p.data.centers
            if c.sessions_per_year and (c.kind == "baby_center") == (kind == "baby_center")
        ]
        if cs:
            met = sum(1 for c in cs if per[c.center_id] >= c.sessions_per_year)
            code = "sessions_per_center" if kind == "baby_center" else "sessions_per_venue"
            out.append(Target(f"sessions.target.{code}", len(cs), met, met == len(cs)))
    held: dict[str, int] = defaultdict(int)
    for s in planned:
        if s.event_id:
            held[s.event_id] += 1
    if p.data.events:
        ok = sum(1 for e in p.data.events if held[e.event_id] >= e.count)
        n = len(p.data.events)
        out.append(Target("sessions.target.events_held", n, ok, ok == n))
    return out + month_targets(p, planned)


def month_targets(p: SessionProblem, planned: list[Session]) -> list[Target]:
    """The month-by-month histogram of the center sessions as targets: per month its
    share of the year (goal, ``goals.month_weights``: open days, holidays out) and the
    sessions it holds (achieved), met within ``SessionRules.month_band``; then how many
    months are within it."""
    w = goals.month_weights(p, p.data.centers)
    sw = sum(w.values())
    hist = goals.month_histogram(p, planned)
    total = sum(hist.values())
    if not sw or not total:
        return []
    out = []
    for mo, n in hist.items():
        lo, hi = goals.month_band(p, total, w[mo], sw)
        share = round(total * w[mo] / sw, 1)
        out.append(Target(f"sessions.target.month_{mo:02d}", share, n, lo <= n <= hi,
                          low=lo, high=hi))
    ok = sum(1 for t in out if t.met)
    out.append(Target("sessions.target.months_even", len(out), ok, ok == len(out)))
    return out
