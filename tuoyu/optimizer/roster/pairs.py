"""The pair relaxation of the rosters at the floor: a proven bound of the seeded
priorities, and the teams it rules out.

At the soft goals' floor most teams have exactly two members. The linear relaxation of
the member variables (``a[visit, inspector]``) lets a team be half of four inspectors; the
relaxation with one variable per valid pair (two members covering every required skill,
from enough departments) does not, and is much tighter on coverage-heavy months. It is
solved by HiGHS, and its dual, rounded to a fixed denominator and evaluated in exact
integer arithmetic, gives a lower bound of every roster at the floor whatever the LP's
tolerances (a Lagrangian bound holds for any multipliers of the right signs). Its reduced
costs then rule out teams: a pair whose reduced cost lifts the bound strictly above the
best roster known cannot be in any roster as good, so fixing it keeps every optimum and
every tie, which the proof of a unique optimum needs (:func:`PairBound.fixed`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

import highspy
from ortools.sat.python import cp_model

from tuoyu.optimizer.highs_pool import highs_run, new_highs
from tuoyu.optimizer.roster.bound import Floor, far_apart
from tuoyu.optimizer.roster.problem import RosterProblem
from tuoyu.optimizer.roster.variables import Vars

#: the dual's denominator: multipliers are rounded to multiples of 1 / SCALE, then the
#: bound is exact (any multipliers give a valid bound; rounding only loosens it a little)
SCALE = 1 << 24
#: the relaxation is built only when no team of two has more candidates than this (the
#: seeded shortlists and their widening stay below it; everyone allowed does not)
MAX_POOL = 48

Key = tuple  # ("y", v, p, q) a pair, ("a", v, p) a member of a larger team, ("e", p) load


def valid_pairs(problem: RosterProblem, pool: list[int]) -> list[tuple[int, int]]:
    """The two-member teams from ``pool`` that meet the rules: every required skill, at
    least ``min_departments`` departments, sizes allowed."""
    r, people = problem.rules, problem.inspectors
    if not r.min_team <= 2 <= r.max_team:
        return []
    need = set(r.required_skills)
    out = []
    for p, q in combinations(sorted(pool), 2):
        if not need <= set(people[p].skills) | set(people[q].skills):
            continue
        if len({people[p].department, people[q].department}) < r.min_departments:
            continue
        out.append((p, q))
    return out


@dataclass
class _Lp:
    """A linear programme in rows, integer coefficients, columns named by keys."""

    keys: list[Key] = field(default_factory=list)
    cost: list[int] = field(default_factory=list)
    hi: list[int] = field(default_factory=list)  # every column from 0 to hi
    rows: list[tuple[float, float, list[tuple[int, int]]]] = field(default_factory=list)

    def col(self, key: Key, cost: int, hi: int = 1) -> int:
        self.keys.append(key)
        self.cost.append(cost)
        self.hi.append(hi)
        return len(self.keys) - 1

    def row(self, lo: float, hi: float, terms: list[tuple[int, int]]) -> None:
        """A row ``lo <= sum(c * x_j) <= hi``; a column named twice counts its
        coefficients summed (a pair of two members of the last team costs two returns)."""
        merged: dict[int, int] = {}
        for j, c in terms:
            merged[j] = merged.get(j, 0) + c
        if merged:
            self.rows.append((lo, hi, sorted(merged.items())))


@dataclass(frozen=True)
class PairBound:
    """The proven bound (every roster at the floor has priority at least ``bound``) and the
    exact reduced costs behind it, both scaled by :data:`SCALE`."""

    bound: int  # the least integer priority a roster at the floor can have
    scaled: int  # the Lagrangian bound × SCALE (exact)
    reduced: dict[Key, int]  # column -> reduced cost × SCALE (exact)

    def start(self, free: int) -> int:
        """A first limit for :meth:`fixed`: the one that leaves about ``free`` columns free
        (at least the bound)."""
        devs = sorted(abs(d) for k, d in self.reduced.items() if k[0] != "e")
        if not devs:
            return self.bound
        cut = devs[min(len(devs) - 1, free)]
        return max(self.bound, (self.scaled + cut) // SCALE)

    def fixed(self, best: int) -> tuple[set[Key], set[Key]]:
        """The columns every roster of priority at most ``best`` has at 0 and at 1: those
        whose reduced cost alone lifts the bound strictly above ``best``. Strict, so
        every roster as good as ``best`` (every optimum, every tie) keeps them."""
        limit = best * SCALE - self.scaled  # a roster of priority <= best stays within
        binary = [(k, d) for k, d in self.reduced.items() if k[0] != "e"]
        zero = {k for k, d in binary if d > limit}
        one = {k for k, d in binary if -d > limit}
        return zero, one


def _members(problem: RosterProblem, var: Vars, floor: Floor, lp: _Lp, cost) -> dict:
    """The columns of each (visit, inspector): its pairs for a team of two, else itself."""
    sizes = floor.sizes or {}
    pools: dict[int, list[int]] = defaultdict(list)
    for v, p in sorted(var.a):
        pools[v].append(p)
    member: dict[tuple[int, int], list[int]] = defaultdict(list)
    r, people = problem.rules, problem.inspectors
    for v in range(len(problem.visits)):
        size, pool = sizes.get(v, r.min_team), pools[v]
        if size == 2:
            ys = []
            for p, q in valid_pairs(problem, pool):
                j = lp.col(("y", v, p, q), cost[v, p] + cost[v, q])
                member[v, p].append(j)
                member[v, q].append(j)
                ys.append((j, 1))
            lp.row(1, 1, ys)
            continue
        cols = {p: lp.col(("a", v, p), cost[v, p]) for p in pool}
        for p, j in cols.items():
            member[v, p].append(j)
        lp.row(size, size, [(j, 1) for j in cols.values()])
        for skill in r.required_skills:
            lp.row(1, math.inf, [(j, 1) for p, j in cols.items() if skill in people[p].skills])
        by_dept: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for p, j in cols.items():
            by_dept[people[p].department].append((j, 1))
        for terms in by_dept.values():  # a department holds at most size - (min_dep - 1)
            lp.row(-math.inf, size - r.min_departments + 1, terms)
    return member


def _build(problem: RosterProblem, var: Vars, day_of: dict[int, int], floor: Floor,
           cost: dict[tuple[int, int], int]) -> _Lp:
    """The pair relaxation of the rosters at ``floor`` (as :func:`~.bound.rosters_at_the_floor`
    states them): teams of their least size, daily and monthly limits, no far streets in a
    day, returns and load within the floor's flow."""
    r, w, people = problem.rules, problem.rules.weights, problem.inspectors
    lp = _Lp()
    member = _members(problem, var, floor, lp, cost)
    of = lambda v, p: [(j, 1) for j in member[v, p]]  # noqa: E731
    by_pk: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_p: dict[int, list[int]] = defaultdict(list)
    for v, p in sorted(var.a):
        by_pk[p, day_of[v]].append(v)
        by_p[p].append(v)
    for (p, _k), vs in sorted(by_pk.items()):
        lp.row(-math.inf, people[p].max_per_day, [t for v in vs for t in of(v, p)])
        if people[p].max_per_day >= 2:
            for v1, v2 in combinations(vs, 2):
                st = problem.visits[v1].street_id, problem.visits[v2].street_id
                if far_apart(problem, *st):
                    lp.row(-math.inf, 1, of(v1, p) + of(v2, p))
    at = [p for p, i in enumerate(people) if problem.available[i.inspector_id]]
    nv = len(problem.visits)
    fair = math.ceil(r.min_team * nv / len(at)) if at else 0
    budget: list[tuple[int, int]] = []
    for p, vs in sorted(by_p.items()):
        terms = [t for v in vs for t in of(v, p)]
        lp.row(-math.inf, people[p].max_per_month, terms)
        if p in at:
            e = lp.col(("e", p), 0, people[p].max_per_month)
            lp.row(-math.inf, fair, [*terms, (e, -1)])
            budget.append((e, w.load_above_fair_share))
        if r.avoid_last_team:
            pid = people[p].inspector_id
            for v in vs:
                if pid in problem.visits[v].last_team:
                    budget += [(j, w.return_to_last_institution) for j, _ in of(v, p)]
    lp.row(-math.inf, floor.flow, budget)
    return lp


def _duals(lp: _Lp) -> list[float] | None:
    """HiGHS's row duals of the programme (None: not solved to optimality)."""
    h = new_highs()
    h.setOptionValue("output_flag", False)
    n = len(lp.keys)
    h.addVars(n, [0.0] * n, [float(u) for u in lp.hi])
    h.changeColsCost(n, list(range(n)), [float(c) for c in lp.cost])
    starts, index, value = [], [], []
    for _lo, _hi, terms in lp.rows:
        starts.append(len(index))
        for j, c in terms:
            index.append(j)
            value.append(float(c))
    lo = [(-highspy.kHighsInf if x == -math.inf else float(x)) for x, _, _ in lp.rows]
    hi = [(highspy.kHighsInf if x == math.inf else float(x)) for _, x, _ in lp.rows]
    h.addRows(len(lp.rows), lo, hi, len(index), starts, index, value)
    if h.getNumRow() != len(lp.rows) or h.getNumCol() != n:
        return None
    highs_run(h, 1)  # one thread: the duals, so the fixing, the same on every machine
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    duals = list(h.getSolution().row_dual)
    return duals if len(duals) == len(lp.rows) else None


def exact_bound(lp: _Lp, duals: list[float]) -> tuple[int, list[int]]:
    """The Lagrangian bound of ``lp`` for the multipliers ``duals`` (rounded to multiples
    of 1/:data:`SCALE`; a multiplier whose sign has no finite side is dropped), and the
    reduced costs, both × SCALE and exact: for every feasible x,
    ``cost·x × SCALE >= bound + sum_j |reduced_j| × (distance of x_j from its best end)``."""
    reduced = [c * SCALE for c in lp.cost]
    total = 0
    for (lo, hi, terms), d in zip(lp.rows, duals, strict=True):
        y = round(d * SCALE)
        if (y > 0 and lo == -math.inf) or (y < 0 and hi == math.inf) or y == 0:
            continue
        total += y * int(lo if y > 0 else hi)
        for j, c in terms:
            reduced[j] -= y * c
    total += sum(min(0, d) * u for d, u in zip(reduced, lp.hi, strict=True))
    return total, reduced


def pair_bound(
    problem: RosterProblem,
    var: Vars,
    day_of: dict[int, int],
    floor: Floor,
    cost: dict[tuple[int, int], int],
) -> PairBound | None:
    """The pair relaxation's proven bound of the priorities ``cost`` over the rosters at
    ``floor`` whose members are ``var.a``; None when the LP was not solved (then nothing is
    proven by it)."""
    sizes, pools = floor.sizes or {}, defaultdict(int)
    for v, _p in var.a:
        pools[v] += 1
    two = [v for v in pools if sizes.get(v, problem.rules.min_team) == 2]
    if two and max(pools[v] for v in two) > MAX_POOL:
        return None
    lp = _build(problem, var, day_of, floor, cost)
    duals = _duals(lp)
    if duals is None:
        return None
    scaled, reduced = exact_bound(lp, duals)
    return PairBound(
        -((-scaled) // SCALE),
        scaled,
        dict(zip(lp.keys, reduced, strict=True)),
    )


def add_pairs(
    model: cp_model.CpModel,
    problem: RosterProblem,
    var: Vars,
    floor: Floor,
    zero: set[Key],
    one: set[Key],
) -> dict[tuple[int, int, int], cp_model.IntVar]:
    """State the teams of two as pairs in the CP-SAT model (exactly one valid pair a
    visit, each member's variable the sum of its pairs), without the pairs in ``zero``;
    the larger teams' members in ``zero`` and ``one`` fixed. Returns the pair variables."""
    sizes = floor.sizes or {}
    pools: dict[int, list[int]] = defaultdict(list)
    for v, p in sorted(var.a):
        pools[v].append(p)
    ys: dict[tuple[int, int, int], cp_model.IntVar] = {}
    for v, pool in sorted(pools.items()):
        if sizes.get(v, problem.rules.min_team) != 2:
            for p in pool:
                if ("a", v, p) in zero:
                    model.add(var.a[v, p] == 0)
                elif ("a", v, p) in one:
                    model.add(var.a[v, p] == 1)
            continue
        of: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for p, q in valid_pairs(problem, pool):
            if ("y", v, p, q) in zero:
                continue
            y = ys[v, p, q] = model.new_bool_var(f"y_{v}_{p}_{q}")
            if ("y", v, p, q) in one:
                model.add(y == 1)
            of[p].append(y)
            of[q].append(y)
        model.add_exactly_one([ys[v, p, q] for p, q in valid_pairs(problem, pool)
                               if (v, p, q) in ys])
        for p in pool:
            model.add(var.a[v, p] == cp_model.LinearExpr.sum(of.get(p, [])))
    return ys
