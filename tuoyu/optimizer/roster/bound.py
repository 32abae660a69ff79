"""A lower bound of the soft goals on fixed days, exact and in milliseconds.

Forget skills, departments and streets: every visit needs ``min_team`` inspectors from
those allowed that day, no inspector beyond the daily and monthly limits, a member of
the last team costs its weight, a visit above an inspector's fair share costs its
weight. That is a minimum-cost flow (visit -> inspector-day -> inspector -> sink, the
fair share at no cost, each visit above it at the load weight), and any roster that
meets every rule contains such a flow (any ``min_team`` members of each team) of no
greater cost. So the flow's cost plus the busiest day's cost bounds the soft objective
from below; CP-SAT is told so, and an optimum that reaches it is proven at once.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations, combinations_with_replacement

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from tuoyu.optimizer.roster.goals import weighted
from tuoyu.optimizer.roster.problem import RosterProblem
from tuoyu.optimizer.roster.variables import Vars


def least_team(problem: RosterProblem, pool: list[int]) -> int | None:
    """The smallest team a visit can have from ``pool`` (inspector indices allowed on its
    day): at least ``min_team``, covering every required skill, from ``min_departments``
    departments; None when no team of at most ``max_team`` exists. Exact and fast: the
    inspectors are grouped by (required skills held, department), and the teams are
    enumerated over those few groups."""
    r, people = problem.rules, problem.inspectors
    need = frozenset(r.required_skills)
    groups = Counter((need & frozenset(people[p].skills), people[p].department) for p in pool)
    keys = sorted(groups, key=lambda g: (sorted(g[0]), g[1]))
    for size in range(r.min_team, r.max_team + 1):
        for team in combinations_with_replacement(keys, size):
            if any(team.count(g) > groups[g] for g in set(team)):
                continue
            skills = frozenset().union(*(g[0] for g in team))
            if skills >= need and len({g[1] for g in team}) >= r.min_departments:
                return size
    return None


def least_teams(problem: RosterProblem, pairs: list[tuple[int, int]]) -> dict[int, int | None]:
    """:func:`least_team` of every visit, from the (visit, inspector) pairs allowed."""
    pools: dict[int, list[int]] = defaultdict(list)
    for v, p in pairs:
        pools[v].append(p)
    return {v: least_team(problem, pools[v]) for v in range(len(problem.visits))}


def soft_lower_bound(
    problem: RosterProblem,
    day_of: dict[int, int],
    pairs: list[tuple[int, int]],
    skill: str | None = None,
    sizes: dict[int, int] | None = None,
) -> int | None:
    """See :func:`cheapest_pairs` (its cost only)."""
    return cheapest_pairs(problem, day_of, pairs, skill, sizes)[0]


class _FlowNet:
    """The network of :func:`cheapest_pairs`, arc by arc (node keys of any hashable kind)."""

    def __init__(self) -> None:
        self.mcf = min_cost_flow.SimpleMinCostFlow()
        self.ids: dict[object, int] = {}

    def node(self, key: object) -> int:
        return self.ids.setdefault(key, len(self.ids))

    def arc(self, a: object, b: object, cap: int, cost: int = 0) -> int:
        return self.mcf.add_arc_with_capacity_and_unit_cost(self.node(a), self.node(b), cap, cost)


def _pair_arcs(
    net: _FlowNet,
    problem: RosterProblem,
    day_of: dict[int, int],
    pairs: list[tuple[int, int]],
    skill: str | None,
) -> dict[tuple[int, int], int]:
    """visit -> (visit, inspector) -> inspector-day -> inspector: a pair at most once, an
    inspector-day within the daily limit, a return to the last institution at its weight;
    with ``skill``, the skilled pairs also reachable from the visit's skill node. Returns
    the arc of each pair."""
    r, people = problem.rules, problem.inspectors
    used: dict[tuple[int, int], int] = {}
    for v, p in pairs:
        k, insp = day_of[v], people[p]
        if ("pk", p, k) not in net.ids:
            net.arc(("pk", p, k), ("p", p), insp.max_per_day)
        last = insp.inspector_id in problem.visits[v].last_team and r.avoid_last_team
        cost = r.weights.return_to_last_institution * last
        used[v, p] = net.arc(("vp", v, p), ("pk", p, k), 1, cost)
        net.arc(("any", v), ("vp", v, p), 1)
        if skill is not None and skill in insp.skills:
            net.arc(("skill", v), ("vp", v, p), 1)
    return used


def _load_arcs(net: _FlowNet, problem: RosterProblem) -> None:
    """inspector -> sink: the fair share at no cost, the rest of the monthly limit at the
    load weight (inspectors on leave all month have no fair share)."""
    people, nv = problem.inspectors, len(problem.visits)
    at = {p for p, i in enumerate(people) if problem.available[i.inspector_id]}
    fair = math.ceil(problem.rules.min_team * nv / len(at))
    for p, insp in enumerate(people):
        if ("p", p) in net.ids:
            base = min(insp.max_per_month, fair) if p in at else insp.max_per_month
            net.arc(("p", p), "sink", base)
            if insp.max_per_month > base:
                cost = problem.rules.weights.load_above_fair_share
                net.arc(("p", p), "sink", insp.max_per_month - base, cost)


def cheapest_pairs(
    problem: RosterProblem,
    day_of: dict[int, int],
    pairs: list[tuple[int, int]],
    skill: str | None = None,
    sizes: dict[int, int] | None = None,
) -> tuple[int | None, set[tuple[int, int]]]:
    """Least weighted cost of ``return_to_last_institution`` + ``load_above_fair_share``
    over the flows on ``pairs`` ((visit, inspector) allowed on the visit's day) that give
    every visit ``sizes[v]`` (default ``min_team``; every team has at least its least
    team) different inspectors, one of them with ``skill`` when given (every team has
    one); None when no such flow exists (then there is no roster)."""
    people, nv = problem.inspectors, len(problem.visits)
    if nv == 0 or not any(problem.available[i.inspector_id] for i in people):
        return 0, set()
    net = _FlowNet()
    source, sink = net.node("source"), net.node("sink")
    used = _pair_arcs(net, problem, day_of, pairs, skill)
    size = {v: (sizes or {}).get(v, problem.rules.min_team) for v in range(nv)}
    for v in range(nv):
        if skill is None:
            net.arc("source", ("any", v), size[v])
        else:
            net.arc("source", ("skill", v), 1)
            net.arc("source", ("any", v), size[v] - 1)
    _load_arcs(net, problem)
    mcf = net.mcf
    mcf.set_node_supply(source, sum(size.values()))
    mcf.set_node_supply(sink, -sum(size.values()))
    if mcf.solve() != mcf.OPTIMAL:
        return None, set()
    return mcf.optimal_cost(), {q for q, a in used.items() if mcf.flow(a)}


@dataclass(frozen=True)
class Floor:
    """A proven lower bound of the weighted soft objective on fixed days, in its parts."""

    flow: int  # returns to the last institution + load above the fair share, weighted
    busiest: int  # the busiest day's cost (fixed with the days)
    extra: int = 0  # members beyond min_team that some visits need (their least team)
    sizes: dict[int, int] | None = None  # visit -> its least team

    @property
    def total(self) -> int:
        return self.flow + self.busiest + self.extra


def soft_floor(
    problem: RosterProblem, day_of: dict[int, int], pairs: list[tuple[int, int]]
) -> Floor | None:
    """A proven lower bound of the weighted soft objective on the days ``day_of``:
    :func:`soft_lower_bound` (the best of: any two, one of them with each
    required skill in turn) plus the busiest day's cost (fixed with the days) plus the
    members beyond ``min_team`` of the visits whose least team is larger
    (:func:`least_team`: where no two allowed inspectors cover the skills and departments,
    every roster has three); days in far streets cost 0 or more. None: no roster exists."""
    r = problem.rules
    least = least_teams(problem, pairs)
    if any(n is None for n in least.values()):
        return None
    sizes = {v: n for v, n in least.items() if n is not None}
    flows = [
        soft_lower_bound(problem, day_of, pairs, skill, sizes)
        for skill in (None, *r.required_skills)
    ]
    if any(f is None for f in flows):
        return None
    flow = max(f for f in flows if f is not None)
    per_day: dict[int, int] = {}
    for k in day_of.values():
        per_day[k] = per_day.get(k, 0) + 1
    extra = r.weights.extra_team_member * sum(n - r.min_team for n in sizes.values())
    return Floor(flow, r.weights.busiest_day * max(per_day.values(), default=0), extra, sizes)


def rosters_at_the_floor(
    model: cp_model.CpModel,
    problem: RosterProblem,
    var: Vars,
    soft: dict[str, cp_model.LinearExprT],
    day_of: dict[int, int],
    floor: Floor,
) -> None:
    """Keep only the rosters whose soft goals cost no more than ``floor``, and say what
    that implies in the model's own terms. Returns and load above the fair share cost at
    least ``floor.flow`` in every roster and the busiest day costs ``floor.busiest``, so
    at the floor an extra team member or a day in far streets would cost more than the
    floor allows: every team has ``min_team`` members, and no inspector takes in two
    streets that are neither the same nor neighbours on one day (stated pair by pair,
    which the solver's linear relaxation sees; the goal's own encoding is a big-M one)."""
    w = problem.rules.weights
    model.add(weighted(problem, soft) <= floor.total)
    model.add(w.extra_team_member * soft["extra_team_member"] == floor.extra)
    for v, n in (floor.sizes or {}).items():  # every team its least size
        model.add(var.team(v, range(len(problem.inspectors))) == n)
    model.add(soft["team_day_in_far_streets"] == 0)
    returns, load = soft["return_to_last_institution"], soft["load_above_fair_share"]
    model.add(w.return_to_last_institution * returns + w.load_above_fair_share * load <= floor.flow)
    by_pk: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    for (v, p), a in var.a.items():
        if problem.inspectors[p].max_per_day >= 2:
            by_pk[p, day_of[v]].append((v, a))
    for visits in by_pk.values():
        for (v1, a1), (v2, a2) in combinations(visits, 2):
            if far_apart(problem, problem.visits[v1].street_id, problem.visits[v2].street_id):
                model.add_bool_or([a1.negated(), a2.negated()])


def far_apart(problem: RosterProblem, s: str, t: str) -> bool:
    """Two streets that are neither the same nor neighbours (either way round)."""
    none: frozenset[str] = frozenset()
    return s != t and (
        t not in problem.neighbours.get(s, none) or s not in problem.neighbours.get(t, none)
    )
