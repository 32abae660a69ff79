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

from ortools.graph.python import min_cost_flow

from tuoyu.optimizer.roster.problem import RosterProblem


def soft_lower_bound(
    problem: RosterProblem, day_of: dict[int, int], pairs: list[tuple[int, int]]
) -> int | None:
    """Least weighted cost of ``return_to_last_institution`` + ``load_above_fair_share``
    over the flows on ``pairs`` ((visit, inspector) allowed on the visit's day); None when
    no flow gives every visit a team (then there is no roster either)."""
    r, w = problem.rules, problem.rules.weights
    people = problem.inspectors
    at_work = [p for p, i in enumerate(people) if problem.available[i.inspector_id]]
    nv = len(problem.visits)
    if not at_work or nv == 0:
        return 0
    fair = math.ceil(r.min_team * nv / len(at_work))
    mcf = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    visit_node = {v: 2 + v for v in range(nv)}
    nxt = 2 + nv
    person_node: dict[int, int] = {}
    pd_node: dict[tuple[int, int], int] = {}
    for v, p in pairs:
        k = day_of[v]
        if p not in person_node:
            person_node[p], nxt = nxt, nxt + 1
        if (p, k) not in pd_node:
            pd_node[p, k], nxt = nxt, nxt + 1
            mcf.add_arc_with_capacity_and_unit_cost(
                pd_node[p, k], person_node[p], people[p].max_per_day, 0
            )
        last = people[p].inspector_id in problem.visits[v].last_team
        cost = w.return_to_last_institution if last and r.avoid_last_team else 0
        mcf.add_arc_with_capacity_and_unit_cost(visit_node[v], pd_node[p, k], 1, cost)
    for v in range(nv):
        mcf.add_arc_with_capacity_and_unit_cost(source, visit_node[v], r.min_team, 0)
    at = set(at_work)
    for p, node in person_node.items():
        cap = people[p].max_per_month
        base = min(cap, fair) if p in at else cap
        mcf.add_arc_with_capacity_and_unit_cost(node, sink, base, 0)
        if cap > base:
            mcf.add_arc_with_capacity_and_unit_cost(node, sink, cap - base, w.load_above_fair_share)
    mcf.set_node_supply(source, r.min_team * nv)
    mcf.set_node_supply(sink, -r.min_team * nv)
    if mcf.solve() != mcf.OPTIMAL:
        return None
    return mcf.optimal_cost()


def soft_floor(
    problem: RosterProblem, day_of: dict[int, int], pairs: list[tuple[int, int]]
) -> int | None:
    """A proven lower bound of the weighted soft objective on the days ``day_of``:
    :func:`soft_lower_bound` plus the busiest day's cost (fixed with the days); extra
    team members and days in far streets cost 0 or more."""
    flow = soft_lower_bound(problem, day_of, pairs)
    if flow is None:
        return None
    per_day: dict[int, int] = {}
    for k in day_of.values():
        per_day[k] = per_day.get(k, 0) + 1
    return flow + problem.rules.weights.busiest_day * max(per_day.values(), default=0)
