"""A week of home visits, routed with PyVRP (iterated local search), deterministically.

``solve(problem, params, *, stop, progress) -> VisitResult``: one contract, a status,
never an exception for "no plan".

How the week is modelled (``rules.py`` has one function per rule): the week's teams are
formed first (``teams.py``: one person, or a pre-paired two where needs span two
disciplines), then one router instance holds every team-day as a vehicle and every
(family, half-day it may take) as an optional client; a family's clients form one
mutually exclusive group; every family carries a prize (huge when its window ends this
week, so it is never traded for travel), and the search maximises prizes less travel.
A week of more than ``RoutingParams.part_clients`` clients is routed in parts, each its own
instance (``decompose.py``); after the router, a repair inserts the families it left out
where they fit, then the post-pass (``improve.py``) weighs who visits.

Deterministic: a fixed seed and an iteration limit (never wall time; on a large week at
most what the work budget pays for, counted in client-iterations), so the same inputs give
the same plan on any machine under any load; the wall clock is a safety net only. The search is a heuristic: the plan's
status is ``feasible`` when the week has visits (never ``optimal`` unless the lower bound
meets the objective). A due family left out is named either way: with a counting proof
that no plan can reach it (``explain.py``: a clash finding), or as left out by the search
(``visits.due_not_fitted``); the target "every due family visited" is then unmet.
``infeasible`` only when no visit can be made and a proof says why; ``time_limit`` when the
search found no visit at all without one. The lower bound (``lower_bound``) is the
sum over families of the cheapest way to reach each (its nearest possible predecessor,
plus the earliest half-day's lateness) or skip it; valid for the whole problem, weak.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import numpy as np
from pyvrp import (
    Client,
    ClientGroup,
    Depot,
    Location,
    PenaltyParams,
    ProblemData,
    Route,
    Solution,
    SolveParams,
    VehicleType,
)
from pyvrp import solve as pyvrp_solve

from tuoyu.models.findings import Finding, info, warning
from tuoyu.models.visits import Family
from tuoyu.optimizer.solve import (
    Clock,
    ProgressEvent,
    ProgressFn,
    SoftGoal,
    StageTime,
    Status,
    Stop,
)
from tuoyu.optimizer.solve import Target as _Target
from tuoyu.optimizer.visits import decompose, explain, goals, improve, rules
from tuoyu.optimizer.visits.goals import GOALS, VisitOutcome, loads_by_staff
from tuoyu.optimizer.visits.problem import Slot, VisitProblem
from tuoyu.optimizer.visits.teams import Team, form_teams, pair_demand

STAGE = "routing"


#: the routing's work budget per second of the solver's time limit, in client-iterations:
#: an iteration of PyVRP's search on a week of n clients costs about n of them (a part of
#: the week about its own clients). A little under what one core of the 2-core benchmark
#: machine searches in a second, unloaded (450,000-770,000 on the bundled, 东滩区 and 12x
#: weeks: docs/benchmarks/visits.md, 2026-12-07); a unit of work, not a second: the same
#: on every machine and under any load. At the service's 60 s it pays for 3,000
#: iterations up to a week of 8,000 clients (the 12x week: 6,078).
CLIENT_ITERATIONS_PER_SECOND = 400_000


@dataclass(frozen=True)
class RoutingParams:
    """How hard the router tries: iterations, not seconds, so the plan never depends on
    the machine's load. ``work``: a budget of client-iterations (the solver's time limit
    × :data:`CLIENT_ITERATIONS_PER_SECOND`) that caps the iterations on a large week
    (:func:`iterations_within`); None: the iterations alone."""

    iterations: int = 3000
    seed: int = 1
    #: a week of more clients is routed in parts of at most this many (``decompose.py``)
    part_clients: int = decompose.PART_CLIENTS
    work: float | None = None
    #: the plan's wall-clock ceiling, a safety net only (``--wall-limit``, else a far
    #: multiple of the time limit; None: the iterations alone)
    clock: Clock | None = field(default=None, compare=False, repr=False)


def iterations_within(params: RoutingParams, clients: int) -> int:
    """The search's iterations on a week of ``clients``: the planner's, at most what the
    work budget pays for (at least 1). Counted, never timed: the same on any load."""
    if params.work is None:
        return params.iterations
    return max(1, min(params.iterations, int(params.work // max(1, clients))))


@dataclass(frozen=True)
class Visit:
    """One planned visit."""

    family_id: str
    date: dt.date
    half: int
    start: int  # minutes after midnight
    end: int
    staff_ids: tuple[str, ...]
    order: int  # 1, 2, ... on the team's route that day
    kept: bool = False


@dataclass(frozen=True)
class DayRoute:
    """A team's route of a day: from its base through the families and back."""

    staff_ids: tuple[str, ...]
    date: dt.date
    base: tuple[float, float]
    family_ids: tuple[str, ...]
    travel_minutes: int
    leave: int  # minutes after midnight it leaves the base
    back: int  # ... and is back


@dataclass
class VisitResult:
    status: Status
    visits: tuple[Visit, ...] = ()
    routes: tuple[DayRoute, ...] = ()
    teams: tuple[Team, ...] = ()
    objective: float | None = None
    bound: float | None = None
    stages: list[StageTime] = field(default_factory=list)
    soft_goals: list[SoftGoal] = field(default_factory=list)
    targets: list[_Target] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    unvisited_due: tuple[str, ...] = ()
    iterations: int = 0
    #: the iterations the search was given (:func:`iterations_within`)
    budget: int = 0


class _Criterion:
    """Stops after ``iterations`` or when the stop token is set; reports improvements."""

    def __init__(self, iterations: int, stop: Stop | None, progress: ProgressFn | None,
                 offset: float, bound: float, clock: Clock | None = None) -> None:
        self.clock = clock
        self.left = iterations
        self.done = 0
        self.stop = stop
        self.progress = progress
        self.best = float("inf")
        self.offset = offset
        self.bound = bound
        self.t0 = time.perf_counter()

    def __call__(self, best_cost: float) -> bool:
        if self.progress is not None and best_cost < self.best:
            self.best = best_cost
            self.progress(ProgressEvent(STAGE, time.perf_counter() - self.t0,
                                        float(best_cost) - self.offset, self.bound))
        if self.stop is not None and self.stop.is_set():
            return True
        if self.clock is not None and self.clock.expired():  # the ceiling, not the budget
            self.clock.note(STAGE)
            return True
        self.done += 1
        return self.done > self.left


def _minutes_matrix(points: list[tuple[float, float]], problem: VisitProblem) -> np.ndarray:
    lon = np.radians(np.array([p[0] for p in points]))
    lat = np.radians(np.array([p[1] for p in points]))
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    km = 2 * 6371.0 * np.arcsin(np.minimum(1.0, np.sqrt(a))) * problem.rules.circuity
    return np.ceil(km / problem.rules.speed_kmh * 60 - 1e-9).astype(np.int64)


@dataclass
class _Built:
    data: ProblemData
    clients: list[tuple[Family, Slot]]
    vehicles: list[tuple[Team, dt.date, int]]
    families: list[Family]
    prize_of: dict[str, int]
    late_cost: list[int]  # per client: per_day_later x days after the earliest date
    offset: int  # PyVRP cost = our objective + offset
    bound: float
    #: per vehicle: the minutes of a pair's commute, both ways, travelled when it goes out
    commutes: list[int] = field(default_factory=list)


def _prize(problem: VisitProblem, f: Family) -> int:
    w = problem.rules.weights
    if problem.is_overdue(f):
        return w.overdue_prize
    return w.due_prize if problem.is_due(f) else w.early_prize


def _late_days(problem: VisitProblem, f: Family, slot: Slot) -> int:
    first = max(problem.window(f)[0], problem.first_day)
    return max(0, (slot.date - first).days)


_Vehicle = tuple[Team, dt.date, int, tuple[int, ...], list[int]]


def _team_days(problem: VisitProblem, teams: tuple[Team, ...]) -> list[_Vehicle]:
    """Every team-day with a free half-day and room for a visit (within its shift, after a
    pair's commute): one router vehicle each."""
    vehicles: list[_Vehicle] = []
    for team in teams:
        commute = team.commute(problem)
        for d in problem.dates:
            halves = rules.free_half_days(problem, team, d)
            cap = rules.daily_visit_limit(problem, team, d)
            if not halves or cap[0] <= 0:
                continue
            early, late = rules.within_working_hours(problem, halves, 0, commute)
            if late - early >= problem.rules.visit_minutes:
                vehicles.append((team, d, (d - problem.week_start).days, halves, cap))
    return vehicles


def _visitable_slots(problem: VisitProblem,
                     vehicles: list[_Vehicle]) -> dict[str, list[Slot]]:
    """Per family, the half-days it may take on which a free team holds its needs; families
    with none are left out (no team can visit them this week)."""
    free_at: dict[tuple[dt.date, int], list[Team]] = {}
    for team, d, _, halves, _ in vehicles:
        for h in halves:
            free_at.setdefault((d, h), []).append(team)
    slots_of: dict[str, list[Slot]] = {}
    for f in sorted(problem.families, key=lambda x: x.family_id):
        ok = [s for s in rules.within_window_and_family_half_days(problem, f)
              if any(rules.team_holds_needed_disciplines(problem, t, f)
                     for t in free_at.get((s.date, s.half), ()))]
        if ok:
            slots_of[f.family_id] = ok
    return slots_of


@dataclass
class _Clients:
    clients: list[Client] = field(default_factory=list)
    cmap: list[tuple[Family, Slot]] = field(default_factory=list)
    groups: list[ClientGroup] = field(default_factory=list)
    late_cost: list[int] = field(default_factory=list)
    offset: int = 0
    bound: float = 0.0


def _family_clients(problem: VisitProblem, fams: list[Family], slots_of: dict[str, list[Slot]],
                    prize_of: dict[str, int], first_loc: int, inarc: np.ndarray) -> _Clients:
    """One optional client per (family, half-day), a family's clients one exclusive group;
    with the offset between PyVRP's cost and ours, and each family's share of the bound
    (the cheaper of skipping it or its nearest predecessor plus its least lateness)."""
    w = problem.rules.weights
    out = _Clients()
    for j, f in enumerate(fams):
        loc = first_loc + j
        members = []
        base_prize = prize_of[f.family_id]
        prizes = []
        for s in slots_of[f.family_id]:
            early, late = rules.visit_in_the_half_day(problem, s)
            prize = base_prize - w.per_day_later * _late_days(problem, f, s)
            prizes.append(prize)
            out.late_cost.append(base_prize - prize)
            members.append(len(out.clients))
            out.clients.append(Client(location=loc, delivery=rules.discipline_load(problem, f),
                                      service_duration=problem.rules.visit_minutes,
                                      tw_early=early, tw_late=late, prize=prize,
                                      required=False, group=len(out.groups)))
            out.cmap.append((f, s))
        out.groups.append(ClientGroup(members, required=False))
        out.offset += sum(prizes) - base_prize
        cheapest = min(base_prize - p for p in prizes) + int(inarc[loc])
        out.bound += min(base_prize, cheapest)
    return out


def _vehicle_types(problem: VisitProblem, vehicles: list[_Vehicle],
                   depot_of: dict[tuple[float, float], int],
                   profile_of: dict[int, int]) -> list[VehicleType]:
    """A team-day as a vehicle: its base, its working hours (after a pair's commute), its
    day's visit limit, the routing profile of its team's size (``_profiles``); a pair's
    commute, both ways, is travel paid when the team goes out that day (a fixed cost)."""
    vtypes = []
    w = problem.rules.weights
    for team, d, k, halves, cap in vehicles:
        commute = team.commute(problem)
        early, late = rules.within_working_hours(problem, halves, k, commute)
        dep = depot_of[team.base]
        vtypes.append(VehicleType(1, capacity=cap, start_depot=dep, end_depot=dep,
                                  fixed_cost=2 * commute * w.travel,
                                  tw_early=early, tw_late=late,
                                  unit_distance_cost=problem.rules.weights.travel,
                                  profile=profile_of[len(team.members)],
                                  name=f"{team.name}@{d.isoformat()}"))
    return vtypes


def _profiles(problem: VisitProblem, vehicles: list[_Vehicle], fams: list[Family],
              first_loc: int, matrix: np.ndarray,
              ) -> tuple[dict[int, int], list[np.ndarray], list[np.ndarray]]:
    """The routing profiles: one per team size, the same travel times; the distances
    (PyVRP's cost) of a team of s people carry, on every arc into a family needing fewer
    than s disciplines, the goal's cost of the people it does not need
    (``goals.no_spare_person``, in minutes of travel). The durations are the travel
    times in every profile (``_Post`` reads them as the travel matrix).
    Returns the profile of each team size, the distance and the duration matrices."""
    w = problem.rules.weights
    sizes = sorted({len(t.members) for t, *_ in vehicles})
    profile_of = {size: i for i, size in enumerate(sizes)}
    distances: list[np.ndarray] = []
    for size in sizes:
        extra = np.zeros(matrix.shape[0], dtype=np.int64)
        for j, f in enumerate(fams):
            extra[first_loc + j] = (w.spare_person // max(1, w.travel)) * goals.spare_people(
                len(problem.needed(f)), size)
        dist = matrix + extra[None, :]
        np.fill_diagonal(dist, 0)  # staying at a place is no arc into it
        distances.append(dist)
    return profile_of, distances, [matrix] * len(sizes)


def build(problem: VisitProblem, teams: tuple[Team, ...]) -> _Built | None:
    """The router's instance; None when there is no client or no team-day."""
    rules.not_in_two_places(teams)
    vehicles = _team_days(problem, teams)
    slots_of = _visitable_slots(problem, vehicles)
    fams = [f for f in sorted(problem.families, key=lambda x: x.family_id)
            if f.family_id in slots_of]
    prize_of = {f.family_id: _prize(problem, f) for f in problem.families}
    if not fams or not vehicles:
        return None
    bases = sorted({t.base for t, *_ in vehicles})
    points = list(bases) + [(f.lon, f.lat) for f in fams]
    matrix = _minutes_matrix(points, problem)
    n = len(points)
    inarc = np.where(np.eye(n, dtype=bool), np.iinfo(np.int64).max, matrix).min(axis=0)
    made = _family_clients(problem, fams, slots_of, prize_of, len(bases), inarc)
    # families no team can visit this week: skipped for sure
    unseen = sum(prize_of[f.family_id] for f in problem.families if f.family_id not in slots_of)
    depot_of = {b: i for i, b in enumerate(bases)}
    profile_of, distances, durations = _profiles(problem, vehicles, fams, len(bases), matrix)
    data = ProblemData([Location(x, y) for x, y in points], made.clients,
                       [Depot(i) for i in range(len(bases))],
                       _vehicle_types(problem, vehicles, depot_of, profile_of), distances,
                       durations, groups=made.groups)
    # PyVRP's cost is travel + every uncollected prize; our objective counts, per family,
    # its prize when skipped or its lateness when visited: they differ by ``offset``
    # (plus the prizes of families with no client, which PyVRP never sees)
    return _Built(data, made.cmap, [(t, d, k) for t, d, k, _, _ in vehicles], fams, prize_of,
                  made.late_cost, made.offset - unseen, made.bound + unseen,
                  [2 * t.commute(problem) for t, *_ in vehicles])


def solve_params(problem: VisitProblem) -> SolveParams:
    """PyVRP's parameters for our instances: its penalties for a broken time window or
    limit may rise far above the largest prize. With PyVRP's default ceiling (100,000,
    our due prize) a route that breaks a window by a minute to collect a family costs less
    than leaving the family out, and on a 12x week the search stayed among such broken
    routes for minutes (PyVRP's ``PenaltyBoundWarning``): no plan within the time limit."""
    w = problem.rules.weights
    top = max(w.due_prize, w.overdue_prize, w.early_prize)
    return SolveParams(penalty=PenaltyParams(max_penalty=PENALTY_FACTOR * top))


#: PyVRP's penalty ceiling, in prizes of the largest kind
PENALTY_FACTOR = 10


#: rounds of the repair then the post-pass after the first post-pass (each only when the
#: round before changed a route)
POLISH_ROUNDS = 3


#: teams tried for a family's relocation by the post-pass: the nearest (and its earlier
#: visitors')
NEAREST_TEAMS = 8


def _week_capacity(problem: VisitProblem, staff: list[str]) -> dict[str, int]:
    """The visits each person could make this week (their fair share is in proportion)."""
    by_id = {p.staff_id: p for p in problem.staff}
    return {s: sum(problem.person_capacity(by_id[s], d) for d in problem.dates)
            for s in staff}


@dataclass
class _Post:
    """The router's instance as the post-pass reads it."""

    vehicles: list[improve.Route]
    clients: improve.Clients
    matrix: np.ndarray
    family_of: list[int]  # client -> index in built.families

    @classmethod
    def of(cls, built: _Built, teams: tuple[Team, ...]) -> _Post:
        data = built.data
        team_ix = {t: i for i, t in enumerate(teams)}
        depots = data.depots()
        vehicles = [
            improve.Route(team_ix[team], team.ids, k, int(depots[vt.start_depot].location),
                          int(vt.tw_early), int(vt.tw_late), tuple(int(x) for x in vt.capacity),
                          built.commutes[v] if built.commutes else 0)
            for v, ((team, _d, k), vt) in enumerate(zip(built.vehicles, data.vehicle_types(),
                                                        strict=True))
        ]
        fam_ix = {f.family_id: i for i, f in enumerate(built.families)}
        clients = data.clients()
        family_of = [fam_ix[f.family_id] for f, _ in built.clients]
        late = [built.late_cost[c] for c in range(len(clients))]
        st = improve.Clients(
            family_of, [s.day for _, s in built.clients],
            [int(c.location) for c in clients],
            [(int(c.tw_early), int(c.tw_late)) for c in clients],
            [tuple(int(x) for x in c.delivery) for c in clients], late,
            [sum(int(x) for x in c.delivery[1:]) for c in clients])  # its disciplines
        return cls(vehicles, st, np.asarray(data.duration_matrix(0)), family_of)


def _post_pass(problem: VisitProblem, built: _Built, teams: tuple[Team, ...],
               routes: dict[int, list[int]], stop: Stop | None, clock: Clock | None,
               ) -> tuple[dict[int, list[int]], improve.Moves]:
    """The router's routes after the post-pass (``improve.py``) for the goals that depend
    on who visits: the same person again, a balanced load."""
    post = _Post.of(built, teams)
    fams = built.families
    family_clients: list[list[int]] = [[] for _ in fams]
    for c, f in enumerate(post.family_of):
        family_clients[f].append(c)
    serve: dict[int, list[int]] = {}  # team -> its vehicles
    for v, r in enumerate(post.vehicles):
        serve.setdefault(r.team, []).append(v)
    base_loc = [post.vehicles[vs[0]].depot for _, vs in sorted(serve.items())]
    team_list = sorted(serve)
    near = post.matrix[np.ix_(base_loc, [post.clients.client_location[cs[0]]
                                         for cs in family_clients])] if fams else None
    cand: list[list[int]] = []
    order: list[list[int]] = []  # per family: the free teams serving it, nearest first
    held = [teams[t].disciplines for t in team_list]
    serving: dict[tuple[str, ...], list[int]] = {}  # needs -> the teams holding them
    team_of_staff = {sid: i for i, t in enumerate(team_list) for sid in teams[t].ids}
    # the teams free in each half-day: a family's nearest are among those free on one of
    # its half-days (the nearest of all may be busy while a free one a little farther
    # off is never tried: on the 12x week, 5 far visits a nearer team could take cheaper)
    index_of = {t: i for i, t in enumerate(team_list)}
    free_at: dict[tuple[int, int], set[int]] = {}
    for (team, d, k), r in zip(built.vehicles, post.vehicles, strict=True):
        for h in rules.free_half_days(problem, team, d):
            free_at.setdefault((k, h), set()).add(index_of[r.team])
    for j, f in enumerate(fams):
        need = problem.needed(f)
        if need not in serving:
            serving[need] = [i for i in range(len(team_list)) if set(need) <= held[i]]
        free = set().union(*(free_at.get((built.clients[c][1].day, built.clients[c][1].half),
                                         set()) for c in family_clients[j]))
        assert near is not None
        order.append(sorted((i for i in serving[need] if i in free),
                            key=lambda i: (int(near[i, j]), i)))
        chosen = set(order[j][:NEAREST_TEAMS]) | {
            team_of_staff[s] for s in f.earlier_visitors
            if s in team_of_staff and set(need) <= held[team_of_staff[s]]}
        cand.append(sorted(v for i in chosen for v in serve[team_list[i]]))
    memo: dict[tuple[int, int], list[int]] = {}

    def candidates(f: int, v: int) -> list[int]:
        """The family's nearest teams and earlier visitors' team, and every free team
        nearer to it than the one visiting it (``v``'s): a far visit is always tried on
        each nearer team (``far.py`` explains the far visits by the same moves)."""
        i = index_of[post.vehicles[v].team]
        if (f, i) not in memo:
            assert near is not None
            nearer = [x for x in order[f][NEAREST_TEAMS:] if near[x, f] < near[i, f]]
            memo[f, i] = sorted(set(cand[f]) | {u for x in nearer for u in serve[team_list[x]]})
        return memo[f, i]

    def nearer(f: int, v: int) -> list[int]:
        """The team-days of the free teams based nearer to the family than ``v``'s: an
        exchange is tried with them only (where a route crosses the map; cheap where the
        nearest team visits)."""
        i = index_of[post.vehicles[v].team]
        assert near is not None
        return sorted(u for x in order[f] if near[x, f] < near[i, f]
                      for u in serve[team_list[x]])

    active = sorted({sid for t in teams for sid in t.ids})

    def halt() -> bool:
        if stop is not None and stop.is_set():
            return True
        if clock is not None and clock.expired():
            clock.note(STAGE)
            return True
        return False

    return improve.improve(
        routes, post.vehicles, post.clients, post.matrix, family_clients=family_clients,
        earlier=[f.earlier_visitors for f in fams], capacity=_week_capacity(problem, active),
        candidates=candidates, service=problem.rules.visit_minutes,
        w=problem.rules.weights, halt=halt, nearer=nearer)


def solve(problem: VisitProblem, params: RoutingParams = RoutingParams(), *,
          stop: Stop | None = None, progress: ProgressFn | None = None) -> VisitResult:
    """Plan the week's visits (see the module docstring for status, objective, bound)."""
    t0 = time.perf_counter()
    teams = form_teams(problem)
    built = build(problem, teams)
    build_s = time.perf_counter() - t0
    findings = _team_findings(problem, teams)
    routed = _Routed()
    if built is not None:
        routed = _route(problem, built, teams, params, stop, progress)
        findings += routed.findings
    visits = routed.visits
    visited = {v.family_id for v in visits}
    due = [f for f in problem.families if problem.is_due(f)]
    unvisited_due = [f for f in due if f.family_id not in visited]
    status, proofs, not_fitted = _status(problem, due, unvisited_due, bool(visits), stop)
    findings = proofs + findings + not_fitted + _overdue(problem, visited) \
        + _left_for_later(problem, built, teams, routed.final, visited)
    w = problem.rules.weights
    outcome, objective = _outcome(problem, built, teams, visits, routed.travel)
    bound = float(built.bound) if built is not None else float(
        sum(_prize(problem, f) for f in problem.families if f.family_id not in visited))
    if objective < bound - 1e-6:  # cannot happen: the bound is valid for every plan
        raise AssertionError("lower bound above a plan's objective")
    if status is Status.FEASIBLE and abs(objective - bound) < 1e-9:
        status = Status.OPTIMAL
    soft = [g(outcome, w) for g in GOALS.values()]
    targets = [_Target("visits.target.due_visited", len(due),
                       len(due) - len(unvisited_due), not unvisited_due)]
    findings.append(info("visits.heuristic", iterations=routed.iterations, seed=params.seed,
                         bound=round(bound, 1)))
    return VisitResult(
        status=status, visits=tuple(sorted(visits, key=lambda v: (v.date, v.staff_ids,
                                                                   v.order))),
        routes=tuple(sorted(routed.routes, key=lambda r: (r.date, r.staff_ids))), teams=teams,
        objective=float(objective), bound=float(bound),
        stages=[StageTime(STAGE, status, float(objective), float(bound), build_s,
                          routed.solve_s)],
        soft_goals=soft, targets=targets, findings=findings,
        unvisited_due=tuple(f.family_id for f in unvisited_due),
        iterations=routed.iterations, budget=routed.budget,
    )


def _team_findings(problem: VisitProblem, teams: tuple[Team, ...]) -> list[Finding]:
    """The pairs formed for families needing two disciplines, and the families whose needs
    go beyond what a team may hold."""
    findings: list[Finding] = []
    demand = pair_demand(problem)
    pairs = [t for t in teams if len(t.members) == 2]
    if pairs or demand:
        findings.append(info("visits.pairs_formed", pairs=len(pairs),
                             families=sum(demand.values())))
    for f in problem.families:
        if len(f.needs) > len(problem.needed(f)):
            findings.append(info("visits.needs_beyond_team", family_id=f.family_id,
                                 covered=list(problem.needed(f)), needs=list(f.needs)))
    return findings


@dataclass
class _Routed:
    """What the router and the post-pass made: visits, day routes, minutes travelled."""

    visits: list[Visit] = field(default_factory=list)
    routes: list[DayRoute] = field(default_factory=list)
    travel: int = 0
    iterations: int = 0
    budget: int = 0
    solve_s: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    final: dict[int, list[int]] = field(default_factory=dict)  # vehicle -> its clients


#: a route as written: client sequence, start minutes, travel, leaving and return minute
_Timed = tuple[list[int], list[int], int, int, int]


def _route(problem: VisitProblem, built: _Built, teams: tuple[Team, ...],
           params: RoutingParams, stop: Stop | None,
           progress: ProgressFn | None) -> _Routed:
    """PyVRP's search (iterations, the stop, the clock), then the post-pass for who
    visits; the routes written with their times."""
    out = _Routed()
    t1 = time.perf_counter()
    data = built.data
    in_parts = data.num_clients > params.part_clients
    out.budget = iterations_within(params, data.num_clients)
    if in_parts:
        routes, parts = _route_in_parts(problem, built, params, stop, out)
    else:
        crit = _Criterion(out.budget, stop, progress, built.offset, built.bound,
                          params.clock)
        res = pyvrp_solve(data, stop=crit, seed=params.seed, collect_stats=False,
                          display=False, params=solve_params(problem))
        out.iterations = res.num_iterations
        routes = {r.vehicle_type(): [int(a.idx) for a in r.schedule() if a.is_client()]
                  for r in res.best.routes()} if res.best.is_feasible() else {}
        parts = 1
    fixed = decompose.Repair()
    if stop is None or not stop.is_set():  # cancelled: no more work
        fixed = _repair(problem, built, teams, routes)
    if in_parts:
        out.findings.append(info("visits.in_parts", parts=parts, inserted=fixed.inserted,
                                 displaced=fixed.displaced))
    elif fixed.inserted:
        out.findings.append(info("visits.repaired", inserted=fixed.inserted,
                                 displaced=fixed.displaced))
    if in_parts or fixed.inserted:
        best = Solution(data, [Route(data, seq, v) for v, seq in sorted(routes.items())
                               if seq])
        if progress is not None and best.is_feasible():  # the router's cost, as PyVRP's
            progress(ProgressEvent(STAGE, time.perf_counter() - t1,
                                   float(best.distance_cost() + best.fixed_vehicle_cost()
                                         + best.uncollected_prizes())
                                   - built.offset, built.bound))
    else:
        best = res.best
    out.solve_s = time.perf_counter() - t1
    if not best.is_feasible():
        return out
    timed: dict[int, _Timed] = {}
    post = _Post.of(built, teams)
    for route in best.routes():
        sched = list(route.schedule())
        acts = [a for a in sched if a.is_client()]
        seq = [int(a.idx) for a in acts]
        v = route.vehicle_type()
        timed[v] = (  # travel from the travel times: a pair's distances carry a goal's cost
            seq, [int(a.start_time) for a in acts],
            improve.route_travel(seq, post.vehicles[v], post.clients, post.matrix),
            int(sched[0].end_time), int(sched[-1].start_time))
    t2 = time.perf_counter()
    final, moves = _post_pass(problem, built, teams, {v: t[0] for v, t in timed.items()},
                              stop, params.clock)
    changed = set(moves.changed)
    inserted = displaced = 0
    for _ in range(POLISH_ROUNDS):
        if not moves.moves or (stop is not None and stop.is_set()):
            break
        # the post-pass's moves may have made room: a family left out that now fits for
        # less than its prize is inserted (else its reason would be "the search left it");
        # then the post-pass again, as an insertion changes routes and loads (on the 12x
        # week a far visit was left that a nearer team took cheaper)
        was = {v: list(seq) for v, seq in final.items()}
        again = _repair(problem, built, teams, final)
        changed |= {v for v, seq in final.items() if seq != was.get(v)}
        inserted, displaced = inserted + again.inserted, displaced + again.displaced
        if not again.inserted:
            break
        final, more = _post_pass(problem, built, teams, final, stop, params.clock)
        changed |= more.changed
        moves.moves, moves.passes = moves.moves + more.moves, moves.passes + more.passes
        moves.after -= more.before - more.after
        if not more.moves:
            break
    out.solve_s += time.perf_counter() - t2
    if moves.moves:
        out.findings.append(info("visits.post_pass", moves=moves.moves, passes=moves.passes,
                                 before=moves.before, after=moves.after))
    if inserted:
        out.findings.append(info("visits.repaired", inserted=inserted, displaced=displaced))
    for v in sorted(final):
        seq, starts, dist, leave, back = (_moved_route(problem, post, v, final[v])
                                          if v in changed else timed[v])
        _write_route(problem, built, v, (seq, starts, dist, leave, back), out)
    out.final = final
    return out


def _left_for_later(problem: VisitProblem, built: _Built | None, teams: tuple[Team, ...],
                    routes: dict[int, list[int]], visited: set[str]) -> list[Finding]:
    """Each family not yet due that the week leaves out: why, and the week it is due in
    (``explain.left_for_later``), measured on the week's final routes."""
    index: dict[str, int] = {}
    where = None
    family_clients: list[list[int]] = []
    post = None
    if built is not None:
        post = _Post.of(built, teams)
        family_clients = [[] for _ in built.families]
        for c, f in enumerate(post.family_of):
            family_clients[f].append(c)
        w = problem.rules.weights
        where = decompose.Insertion(post.vehicles, post.clients, post.matrix, family_clients,
                                    problem.rules.visit_minutes, w.travel, w.spare_person)
        index = {f.family_id: i for i, f in enumerate(built.families)}
    out = []
    for f in sorted(problem.families, key=lambda x: x.family_id):
        if f.family_id in visited or problem.is_due(f) or problem.is_overdue(f):
            continue
        i = index.get(f.family_id)
        options: list[int] = []
        full, found = 0, None
        if i is not None and where is not None and post is not None:
            options = sorted({v for c in family_clients[i] for v in where.teams_for(c)})
            full = sum(1 for v in options
                       if len(routes.get(v, ())) >= post.vehicles[v].capacity[0])
            found = where.best(i, routes)
        out.append(explain.left_for_later(
            problem, f, team_days=len(options), full=full,
            cheapest=None if found is None else found[0], prize=_prize(problem, f)))
    return out


def _route_in_parts(problem: VisitProblem, built: _Built, params: RoutingParams,
                    stop: Stop | None, out: _Routed) -> tuple[dict[int, list[int]], int]:
    """A large week (``decompose.py``): its parts routed each with its share of the
    planner's iterations; the routes (vehicle -> clients) and how many parts."""
    data = built.data
    parts = decompose.split(data, params.part_clients)

    def halted(_best: float) -> bool:
        if stop is not None and stop.is_set():
            return True
        if params.clock is not None and params.clock.expired():
            params.clock.note(STAGE)
            return True
        return False

    routes, made = decompose.solve_parts(
        data, parts, lambda p: decompose.part_iterations(p, out.budget, data),
        params.seed, solve_params(problem), halted)
    out.iterations = made
    return routes, len(parts)


def _repair(problem: VisitProblem, built: _Built, teams: tuple[Team, ...],
            routes: dict[int, list[int]]) -> decompose.Repair:
    """The families the router left out, inserted where they fit (``decompose.repair``:
    a due family may take the place of one not yet due); ``routes`` changed in place."""
    post = _Post.of(built, teams)
    family_clients: list[list[int]] = [[] for _ in built.families]
    for c, f in enumerate(post.family_of):
        family_clients[f].append(c)
    return decompose.repair(
        routes, post.vehicles, post.clients, post.matrix, family_clients=family_clients,
        prize=[built.prize_of[f.family_id] for f in built.families],
        order_key=[(problem.window(f)[1].toordinal(), f.family_id) for f in built.families],
        service=problem.rules.visit_minutes, travel_weight=problem.rules.weights.travel,
        spare_person=problem.rules.weights.spare_person)


def _moved_route(problem: VisitProblem, post: _Post, v: int, seq: list[int]) -> _Timed:
    """A route the post-pass changed, timed again (every move kept it feasible)."""
    r = post.vehicles[v]
    starts = improve.schedule(seq, r, post.clients, post.matrix, problem.rules.visit_minutes)
    assert starts is not None  # every move kept the route feasible
    dist = improve.route_travel(seq, r, post.clients, post.matrix)
    first, last = post.clients.client_location[seq[0]], post.clients.client_location[seq[-1]]
    leave = starts[0] - int(post.matrix[r.depot, first])
    back = starts[-1] + problem.rules.visit_minutes + int(post.matrix[last, r.depot])
    return seq, starts, dist, leave, back


def _write_route(problem: VisitProblem, built: _Built, v: int, timed: _Timed,
                 out: _Routed) -> None:
    """One vehicle's route as the plan's visits (in order) and its day route."""
    seq, starts, dist, leave, back = timed
    team, d, k = built.vehicles[v]
    out.travel += dist
    fam_ids = []
    for order, (c, at) in enumerate(zip(seq, starts, strict=True), start=1):
        f, s = built.clients[c]
        start = at - k * 1440
        out.visits.append(Visit(f.family_id, d, s.half, start,
                                start + problem.rules.visit_minutes, team.ids, order))
        fam_ids.append(f.family_id)
    out.routes.append(DayRoute(team.ids, d, team.base, tuple(fam_ids), dist,
                               leave - k * 1440, back - k * 1440))


def _status(problem: VisitProblem, due: list[Family], unvisited_due: list[Family],
            any_visit: bool, stop: Stop | None,
            ) -> tuple[Status, list[Finding], list[Finding]]:
    """The plan's status, the proofs of why due families cannot be visited, and the due
    families left out without a proof (each named). Without a proof the search's best
    plan is a plan (its visits meet every hard rule; the target says who was left out);
    with no visit at all it is no plan."""
    proofs: list[Finding] = []
    not_fitted: list[Finding] = []
    status = Status.FEASIBLE
    if unvisited_due:
        proofs = explain.no_slot_findings(problem, unvisited_due)
        proofs += explain.discipline_shortages(problem, due)
        proven = {p.params["family_id"] for p in proofs if "family_id" in p.params}
        not_fitted = [warning("visits.due_not_fitted", family_id=f.family_id,
                              needs=list(problem.needed(f)),
                              last=problem.window(f)[1].isoformat())
                      for f in unvisited_due if f.family_id not in proven]
        # a week with visits is a plan even when some due family is proven unreachable:
        # the proofs are its clash findings and the target says who is left out (a
        # planner reads "infeasible" as "no plan", which this is not)
        status = (Status.FEASIBLE if any_visit
                  else Status.INFEASIBLE if proofs else Status.TIME_LIMIT)
    if stop is not None and stop.is_set() and not any_visit:
        status = Status.CANCELLED
    return status, proofs, not_fitted


def _overdue(problem: VisitProblem, visited: set[str]) -> list[Finding]:
    """Families past their window's end, and whether this week visits them."""
    return [warning("visits.overdue", family_id=f.family_id,
                    last=problem.window(f)[1].isoformat(), planned=f.family_id in visited)
            for f in problem.families if problem.is_overdue(f)]


def _outcome(problem: VisitProblem, built: _Built | None, teams: tuple[Team, ...],
             visits: list[Visit], travel: int) -> tuple[VisitOutcome, float]:
    """The soft goals counted on the written visits, and the objective they sum to."""
    w = problem.rules.weights
    visited = {v.family_id for v in visits}
    fam_by_id = {f.family_id: f for f in problem.families}
    late = sum(max(0, (v.date - max(problem.window(fam_by_id[v.family_id])[0],
                                    problem.first_day)).days)
               for v in {v.family_id: v for v in visits}.values())
    skipped = sum(built.prize_of[f.family_id] if built else _prize(problem, f)
                  for f in problem.families if f.family_id not in visited)
    others = sum(goals.other_person(fam_by_id[v.family_id].earlier_visitors, v.staff_ids)
                 for v in visits)
    spare = sum(goals.spare_people(len(problem.needed(fam_by_id[v.family_id])),
                                   len(v.staff_ids)) for v in visits)
    active = sorted({sid for t in teams for sid in t.ids})
    loads = loads_by_staff([v.staff_ids for v in visits], active)
    shares = goals.fair_shares(_week_capacity(problem, active), sum(loads))
    above = goals.above_fair_share(dict(zip(active, loads, strict=True)), shares)
    objective = travel + w.per_day_later * late + skipped + w.same_person * others \
        + w.balance * above + w.spare_person * spare
    early_missed = sum(1 for f in problem.families
                       if not problem.is_due(f) and not problem.is_overdue(f)
                       and f.family_id not in visited)
    return (VisitOutcome(travel, late, early_missed, loads, others, above, spare),
            float(objective))
