"""The steps of a roster solve: the days of the visits (stage 1), the shortlists of the
double-random team draw, a greedy starting roster, and the proof that an optimum is the
only one. :mod:`.solve` strings them together."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from ortools.sat.python import cp_model

from tuoyu.optimizer.draw import hashed_int
from tuoyu.optimizer.roster.bound import far_apart
from tuoyu.optimizer.roster.days import day_candidates, exact_days
from tuoyu.optimizer.roster.model import day_coefficients
from tuoyu.optimizer.roster.problem import RosterProblem, Visit
from tuoyu.optimizer.solve import (
    ProgressEvent,
    ProgressFn,
    SolveParams,
    StageTime,
    Status,
    Stop,
    cp_status,
    solve,
)


@dataclass(frozen=True)
class Run:
    """How every solve of one roster is run: the stop token and the progress function."""

    stop: Stop | None = None
    progress: ProgressFn | None = None

    def solve(
        self, model: cp_model.CpModel, params: SolveParams, stage: str
    ) -> tuple[cp_model.CpSolver, int, float]:
        return solve(model, params, self.progress, stop=self.stop, stage=stage)

    def status(self, status: int) -> Status:
        return cp_status(status, self.stop)

    @property
    def stopped(self) -> bool:
        return self.stop is not None and self.stop.is_set()


def prove_unique(
    model: cp_model.CpModel,
    tie: list[tuple[cp_model.IntVar, int]],
    chosen: set[int],
    params: SolveParams,
    run: Run,
    stage: str,
) -> tuple[bool | None, StageTime]:
    """Is the optimum ``chosen`` (the indices of the literals set in it) of the priorities
    ``tie`` the only one among the solutions of ``model``? One solve of a perturbed objective:
    ``N * priority + d`` with ``d`` = +1 for a literal set in ``chosen``, -1 for one that
    is not, and ``N`` above the number of literals. ``chosen`` scores
    ``N * best + |chosen|``; another solution of the same priority scores less (it drops
    a chosen literal or sets another one), one of a worse priority scores at least ``N``
    more. So the proven minimum equals ``chosen``'s score iff no other optimum exists,
    and any solution scoring less is a tie (a proof of the contrary). Unlike forbidding
    ``chosen`` with a no-good cut, whose linear relaxation is weak, the perturbed
    objective keeps the priorities' own bound: the proof costs about what the optimum
    did (at 12x Baoshan's size 10 s, against no proof in 60 s with the cut)."""
    big = 2 * len(tie) + 1
    on = [v.index in chosen for v, _ in tie]
    coefs = [big * c + (1 if o else -1) for (_v, c), o in zip(tie, on, strict=True)]
    best = sum(c for (_v, c), o in zip(tie, on, strict=True) if o)
    target = big * best + sum(on)
    model.minimize(cp_model.LinearExpr.weighted_sum([v for v, _ in tie], coefs))
    model.clear_hints()
    for (v, _c), o in zip(tie, on, strict=True):  # the optimum: only the proof is left
        model.add_hint(v, o)
    solver, status, secs = run.solve(model, params, stage)
    verdict: bool | None = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value < target:
        verdict = False  # another roster of the same priority
    elif status == cp_model.OPTIMAL:
        verdict = True
    return verdict, StageTime(stage, run.status(status), solve_seconds=secs)


@dataclass(frozen=True)
class Days:
    """Stage 1's answer: visit -> day index (None: no days found), whether proven best,
    whether proven the only best, and the stages run."""

    day_of: dict[int, int] | None
    optimal: bool
    unique: bool | None
    stages: tuple[StageTime, ...]


def plan_days(
    problem: RosterProblem, params: SolveParams, run: Run = Run(), unique: bool = True
) -> Days:
    """Stage 1: the day of every visit, spread over the month, then by seeded priority.

    A visit may only fall on a day when enough inspectors free of conflicts, with the
    skills and departments, are at work; no day takes more visits than its inspectors can
    staff. The busiest day is minimised first, then the seeded priorities: exact network
    flows (:mod:`.days`), proven optimal, and proven the only optimum (or not) at once.
    """
    t0 = time.perf_counter()
    cand = day_candidates(problem)
    keys = [(v, k) for v in sorted(cand) for k in cand[v]]
    cost = dict(zip(keys, day_coefficients(problem, keys), strict=True))
    flow = exact_days(problem, cost, check_unique=unique)
    secs = time.perf_counter() - t0
    if flow.day_of is None:
        return Days(None, False, None, (StageTime("days", Status.INFEASIBLE, solve_seconds=secs),))
    big = sum(sorted(cost.values(), reverse=True)[: len(problem.visits)]) + 1
    objective = float(big * (flow.busiest or 0) + (flow.cost or 0))
    stage = StageTime("days", Status.OPTIMAL, objective, objective, solve_seconds=secs)
    if run.progress is not None:
        run.progress(ProgressEvent("days", secs, objective, objective))
    return Days(flow.day_of, True, flow.unique, (stage,))


def shortlists(
    problem: RosterProblem, day_of: dict[int, int], size: int | None
) -> dict[int, set[int]] | None:
    """双随机 for inspectors: per inspection, ``size`` inspectors drawn at random (seeded)
    from those at work that day and free of conflicts, the last team drawn last; widened
    until the shortlist holds every required skill and enough departments."""
    if size is None:
        return None
    return {
        v: _shortlist(problem, visit, problem.days[day_of[v]], size)
        for v, visit in enumerate(problem.visits)
    }


def _shortlist(problem: RosterProblem, visit: Visit, day, size: int) -> set[int]:
    r, people = problem.rules, problem.inspectors
    pool = [
        p
        for p, i in enumerate(people)
        if day in problem.available[i.inspector_id]
        and (visit.institution_id, i.inspector_id) not in problem.recused
    ]
    last = set(visit.last_team)
    pool.sort(
        key=lambda p: (
            people[p].inspector_id in last,
            -hashed_int(problem.seed, "shortlist", visit.institution_id, people[p].inspector_id),
        )
    )
    chosen = pool[:size]
    for skill in r.required_skills:
        if not any(skill in people[p].skills for p in chosen):
            chosen += [p for p in pool if skill in people[p].skills][:1]
    for p in pool:
        depts = {people[q].department for q in chosen}
        if len(depts) >= r.min_departments:
            break
        if people[p].department not in depts:
            chosen.append(p)
    return set(chosen)


class _Greedy:
    """A quick balanced roster (least-loaded first, never two far streets a day), the
    solver's starting hint."""

    def __init__(
        self, problem: RosterProblem, allowed: dict[int, set[int]] | None, soft: bool = True
    ):
        self.problem = problem
        self.allowed = allowed
        self.soft = soft  # keep the soft goals as rules (no last team, no far streets)
        self.load: dict[int, int] = defaultdict(int)
        self.per_day: dict[tuple[int, int], int] = defaultdict(int)
        self.streets: dict[tuple[int, int], set[str]] = defaultdict(set)
        self.window = 12

    def near(self, p: int, k: int, street: str) -> bool:
        """Would this street keep inspector ``p``'s day ``k`` in neighbouring streets?"""
        return not any(far_apart(self.problem, s, street) for s in self.streets[p, k])

    def candidates(self, v: int, k: int) -> list[int]:
        problem, visit = self.problem, self.problem.visits[v]
        day = problem.days[k]
        pool = self.allowed[v] if self.allowed is not None else range(len(problem.inspectors))
        cands = []
        for p in pool:
            i = problem.inspectors[p]
            if (
                day in problem.available[i.inspector_id]
                and (visit.institution_id, i.inspector_id) not in problem.recused
                and self.load[p] < i.max_per_month
                and self.per_day[p, k] < i.max_per_day
                and (
                    not self.soft
                    or (i.inspector_id not in visit.last_team and self.near(p, k, visit.street_id))
                )
            ):
                cands.append(p)
        if self.soft:
            return sorted(cands, key=lambda p: (self.load[p], p))
        # the completion spares the members of scarce skills: fewest required skills first
        need = set(problem.rules.required_skills)
        people = problem.inspectors
        return sorted(cands, key=lambda p: (len(need & set(people[p].skills)), self.load[p], p))

    def team(self, cands: list[int]) -> list[int]:
        """The smallest valid team, least-loaded members first, from a small window: the
        ``window`` least-loaded candidates and the least-loaded one of each skill and of
        each department (so that a valid team is in it whenever one exists nearby)."""
        r, people = self.problem.rules, self.problem.inspectors
        keep = set(cands[: self.window])
        for skill in r.required_skills:
            keep.update([p for p in cands if skill in people[p].skills][:1])
        seen: set[str] = set()
        for p in cands:
            if people[p].department not in seen:
                seen.add(people[p].department)
                keep.add(p)
        window = [p for p in cands if p in keep]
        for size in range(r.min_team, r.max_team + 1):
            for team in combinations(window, size):
                if self.valid(list(team)):
                    return list(team)
        return []

    def valid(self, team: list[int]) -> bool:
        r, people = self.problem.rules, self.problem.inspectors
        return (
            r.min_team <= len(team) <= r.max_team
            and all(any(s in people[p].skills for p in team) for s in r.required_skills)
            and len({people[p].department for p in team}) >= r.min_departments
        )


def greedy_teams(
    problem: RosterProblem,
    day_of: dict[int, int],
    allowed: dict[int, set[int]] | None,
    soft: bool = True,
) -> set[tuple[int, int]]:
    """A quick balanced roster (least-loaded first), in a fixed order: the solver's
    starting hint, and the roster of last resort when no solve found one within its work
    (``soft=False``: the last team and far streets allowed, at their cost); visits it
    cannot staff are left out. Deterministic."""
    g = _Greedy(problem, allowed, soft)
    chosen: set[tuple[int, int]] = set()
    order = sorted(day_of, key=lambda v: (day_of[v], v))
    if not soft:  # the completion: the visits with the fewest possible members first
        size = {v: len(g.candidates(v, day_of[v])) for v in order}
        order.sort(key=lambda v: (size[v], day_of[v], v))
    for v in order:
        k = day_of[v]
        team = g.team(g.candidates(v, k))
        if g.valid(team):
            for p in team:
                chosen.add((v, p))
                g.load[p] += 1
                g.per_day[p, k] += 1
                g.streets[p, k].add(problem.visits[v].street_id)
    return chosen
