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
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from tuoyu.optimizer.roster.goals import weighted
from tuoyu.optimizer.roster.problem import RosterProblem
from tuoyu.optimizer.roster.variables import Vars


def soft_lower_bound(
    problem: RosterProblem,
    day_of: dict[int, int],
    pairs: list[tuple[int, int]],
    skill: str | None = None,
) -> int | None:
    """See :func:`cheapest_pairs` (its cost only)."""
    return cheapest_pairs(problem, day_of, pairs, skill)[0]


def cheapest_pairs(
    problem: RosterProblem,
    day_of: dict[int, int],
    pairs: list[tuple[int, int]],
    skill: str | None = None,
) -> tuple[int | None, set[tuple[int, int]]]:
    """Least weighted cost of ``return_to_last_institution`` + ``load_above_fair_share``
    over the flows on ``pairs`` ((visit, inspector) allowed on the visit's day) that give
    every visit ``min_team`` different inspectors, one of them with ``skill`` when given
    (every team has one); None when no such flow exists (then there is no roster)."""
    r, w, people = problem.rules, problem.rules.weights, problem.inspectors
    at = {p for p, i in enumerate(people) if problem.available[i.inspector_id]}
    nv = len(problem.visits)
    if not at or nv == 0:
        return 0, set()
    fair = math.ceil(r.min_team * nv / len(at))
    mcf = min_cost_flow.SimpleMinCostFlow()
    ids: dict[object, int] = {}

    def node(key: object) -> int:
        return ids.setdefault(key, len(ids))

    def arc(a: object, b: object, cap: int, cost: int = 0) -> None:
        mcf.add_arc_with_capacity_and_unit_cost(node(a), node(b), cap, cost)

    source, sink = node("source"), node("sink")
    used: dict[tuple[int, int], int] = {}
    for v, p in pairs:
        k, insp = day_of[v], people[p]
        if ("pk", p, k) not in ids:
            arc(("pk", p, k), ("p", p), insp.max_per_day)
        last = insp.inspector_id in problem.visits[v].last_team and r.avoid_last_team
        used[v, p] = mcf.add_arc_with_capacity_and_unit_cost(
            node(("vp", v, p)), node(("pk", p, k)), 1, w.return_to_last_institution * last
        )
        arc(("any", v), ("vp", v, p), 1)
        if skill is not None and skill in insp.skills:
            arc(("skill", v), ("vp", v, p), 1)
    for v in range(nv):
        if skill is None:
            arc("source", ("any", v), r.min_team)
        else:
            arc("source", ("skill", v), 1)
            arc("source", ("any", v), r.min_team - 1)
    for p, insp in enumerate(people):
        if ("p", p) in ids:
            base = min(insp.max_per_month, fair) if p in at else insp.max_per_month
            arc(("p", p), "sink", base)
            if insp.max_per_month > base:
                arc(("p", p), "sink", insp.max_per_month - base, w.load_above_fair_share)
    mcf.set_node_supply(source, r.min_team * nv)
    mcf.set_node_supply(sink, -r.min_team * nv)
    if mcf.solve() != mcf.OPTIMAL:
        return None, set()
    return mcf.optimal_cost(), {q for q, a in used.items() if mcf.flow(a)}


@dataclass(frozen=True)
class Floor:
    """A proven lower bound of the weighted soft objective on fixed days, in its parts."""

    flow: int  # returns to the last institution + load above the fair share, weighted
    busiest: int  # the busiest day's cost (fixed with the days)

    @property
    def total(self) -> int:
        return self.flow + self.busiest


def soft_floor(
    problem: RosterProblem, day_of: dict[int, int], pairs: list[tuple[int, int]]
) -> Floor | None:
    """A proven lower bound of the weighted soft objective on the days ``day_of``:
    :func:`soft_lower_bound` (the best of: any two, one of them with each
    required skill in turn) plus the busiest day's cost (fixed with the days); extra
    team members and days in far streets cost 0 or more. None: no roster exists."""
    flows = [
        soft_lower_bound(problem, day_of, pairs, skill)
        for skill in (None, *problem.rules.required_skills)
    ]
    if any(f is None for f in flows):
        return None
    flow = max(f for f in flows if f is not None)
    per_day: dict[int, int] = {}
    for k in day_of.values():
        per_day[k] = per_day.get(k, 0) + 1
    return Floor(flow, problem.rules.weights.busiest_day * max(per_day.values(), default=0))


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
    model.add(soft["extra_team_member"] == 0)
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
