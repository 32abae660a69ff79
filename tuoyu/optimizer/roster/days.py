"""Stage 1 of a roster, exactly and in milliseconds: the day of every visit.

The days problem is a transportation problem: each visit goes to one of its candidate
days (within its deadline, not before opening, a pool free of conflicts that can staff
it), and a day takes no more visits than its inspectors can staff. The busiest day is
minimised first (the smallest cap ``B`` for which a maximum flow places every visit),
then the seeded priorities of (visit, day) pairs, a minimum-cost flow with the days
capped at ``B``. Both are exact integer network algorithms (OR-Tools graph), so the
optimum is proven; it is the only one when the residual network of the optimal flow has
no cycle of cost 0 (every such cycle is another assignment of the same cost), which is
checked with shortest-path potentials and strongly connected components (networkx). The
result is the same as the lexicographic CP-SAT model ``big * busiest + tie`` it replaces.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from ortools.graph.python import max_flow, min_cost_flow

from tuoyu.optimizer.roster.problem import RosterProblem
from tuoyu.optimizer.roster.variables import deadline_index, earliest_index, pool_can_staff


@dataclass(frozen=True)
class DayFlow:
    """The exact days: visit -> day index (None when no assignment places every visit),
    the busiest day, the priority sum, and whether no other assignment ties."""

    day_of: dict[int, int] | None
    busiest: int | None
    cost: int | None
    unique: bool | None


def day_candidates(problem: RosterProblem) -> dict[int, list[int]]:
    """Per visit, the day indices it may fall on: within its deadline, not before
    opening, and with a pool free of conflicts that can staff it."""
    people = problem.inspectors
    at_work = [
        [i for i in people if day in set(problem.available[i.inspector_id])] for day in problem.days
    ]
    barred: dict[str, set[str]] = {}
    for iid, pid in problem.recused:
        barred.setdefault(iid, set()).add(pid)
    open_day = [pool_can_staff(problem, pool) for pool in at_work]
    out: dict[int, list[int]] = {}
    for v, visit in enumerate(problem.visits):
        last = deadline_index(problem, visit)
        first = earliest_index(problem, visit)
        no = barred.get(visit.institution_id, set())
        out[v] = [
            k
            for k in range(len(problem.days))
            if first <= k
            and (last is None or k <= last)
            and (
                open_day[k]
                if not no
                else pool_can_staff(problem, [i for i in at_work[k] if i.inspector_id not in no])
            )
        ]
    return out


def day_capacity(problem: RosterProblem) -> list[int]:
    """Visits each day's inspectors (and its skilled ones) can staff."""
    r, caps = problem.rules, []
    for day in problem.days:
        at_work = [i for i in problem.inspectors if day in problem.available[i.inspector_id]]
        cap = sum(i.max_per_day for i in at_work) // r.min_team
        for skill in r.required_skills:
            cap = min(cap, sum(i.max_per_day for i in at_work if skill in i.skills))
        caps.append(cap)
    return caps


class _Net:
    """The network source -> visit -> day -> sink (node ids: 0 source, 1 sink, visits
    from 2, days after them)."""

    def __init__(self, cand: dict[int, list[int]], n_days: int):
        self.cand, self.nv, self.nd = cand, len(cand), n_days
        self.pairs = [(v, k) for v in sorted(cand) for k in cand[v]]

    def visit(self, v: int) -> int:
        return 2 + v

    def day(self, k: int) -> int:
        return 2 + self.nv + k

    def places_all(self, caps: list[int]) -> bool:
        """Can every visit be placed with the days capped at ``caps``?"""
        mf = max_flow.SimpleMaxFlow()
        for v in range(self.nv):
            mf.add_arc_with_capacity(0, self.visit(v), 1)
        for v, k in self.pairs:
            mf.add_arc_with_capacity(self.visit(v), self.day(k), 1)
        for k in range(self.nd):
            mf.add_arc_with_capacity(self.day(k), 1, caps[k])
        return mf.solve(0, 1) == mf.OPTIMAL and mf.optimal_flow() == self.nv

    def cheapest(self, caps: list[int], cost: dict[tuple[int, int], int]) -> dict[int, int]:
        """The minimum-cost placement of every visit (costs: the seeded priorities)."""
        mcf = min_cost_flow.SimpleMinCostFlow()
        arcs = {}
        for v in range(self.nv):
            mcf.add_arc_with_capacity_and_unit_cost(0, self.visit(v), 1, 0)
        for v, k in self.pairs:
            arcs[v, k] = mcf.add_arc_with_capacity_and_unit_cost(
                self.visit(v), self.day(k), 1, cost[v, k]
            )
        for k in range(self.nd):
            mcf.add_arc_with_capacity_and_unit_cost(self.day(k), 1, caps[k], 0)
        mcf.set_node_supply(0, self.nv)
        mcf.set_node_supply(1, -self.nv)
        if mcf.solve() != mcf.OPTIMAL:
            raise RuntimeError("a feasible transportation problem has an optimum")
        return {v: k for (v, k), arc in arcs.items() if mcf.flow(arc)}


def _residual(
    net: _Net, caps: list[int], cost: dict[tuple[int, int], int], day_of: dict[int, int]
) -> nx.DiGraph:
    """The residual network of the placement ``day_of`` (the source left out: every visit
    is placed), arcs weighted by their cost: a placed visit may leave its day, an unplaced
    pair may be taken, a day with room may take one more (to the sink), a day with a visit
    may give one up (from the sink)."""
    load = [0] * net.nd
    for k in day_of.values():
        load[k] += 1
    g = nx.DiGraph()
    for v, k in net.pairs:
        if day_of[v] == k:
            g.add_edge(("d", k), ("v", v), w=-cost[v, k])
        else:
            g.add_edge(("v", v), ("d", k), w=cost[v, k])
    sink = ("t",)
    for k in range(net.nd):
        if load[k] < caps[k]:
            g.add_edge(("d", k), sink, w=0)
        if load[k] > 0:
            g.add_edge(sink, ("d", k), w=0)
    return g


def _potentials(g: nx.DiGraph) -> dict[object, int]:
    """Shortest-path potentials (from a root joined to every node at cost 0): every arc's
    reduced cost is then >= 0 (the placement is optimal: no negative cycle)."""
    root = ("root",)
    h = g.copy()
    h.add_edges_from(((root, n) for n in list(g.nodes)), w=0)
    pot = nx.single_source_bellman_ford_path_length(h, root, weight="w")
    return {n: d for n, d in pot.items() if n != root}


def no_tie(
    net: _Net, caps: list[int], cost: dict[tuple[int, int], int], day_of: dict[int, int]
) -> bool:
    """Is the optimal placement ``day_of`` the only one? Yes iff the residual network has
    no simple cycle of cost 0 other than an arc and its own reverse. With shortest-path
    potentials every residual arc has a reduced cost >= 0, so such a cycle uses arcs of
    reduced cost 0 only: either a cycle among visits and days (visits change days), or a
    path from a day that gives up a visit to another day with room (through the sink)."""
    g = _residual(net, caps, cost, day_of)
    pot = _potentials(g)
    sink = ("t",)

    def tight(a: object, b: object) -> bool:
        return g[a][b]["w"] + pot[a] - pot[b] == 0

    inner = nx.DiGraph()
    inner.add_nodes_from(n for n in g.nodes if n != sink)
    inner.add_edges_from((a, b) for a, b in g.edges if sink not in (a, b) and tight(a, b))
    if not nx.is_directed_acyclic_graph(inner):
        return False
    if sink not in g:
        return True
    gives = [b for b in g.successors(sink) if tight(sink, b)]
    takes = {a for a in g.predecessors(sink) if tight(a, sink)}
    reach: set[object] = set()
    for b in gives:
        reach |= nx.descendants(inner, b)
    return not (reach & takes)


def exact_days(
    problem: RosterProblem, cost: dict[tuple[int, int], int], check_unique: bool = True
) -> DayFlow:
    """The busiest day as low as it can be, then the least priority sum; exact."""
    cand = day_candidates(problem)
    if any(not ks for ks in cand.values()):
        return DayFlow(None, None, None, None)
    net = _Net(cand, len(problem.days))
    base = day_capacity(problem)
    nv, nd = len(problem.visits), len(problem.days)
    if nv == 0:
        return DayFlow({}, 0, 0, True)
    if not net.places_all(base):
        return DayFlow(None, None, None, None)
    lo, hi = max(1, -(-nv // max(1, nd))), max(base)  # places_all at hi
    while lo < hi:
        mid = (lo + hi) // 2
        if net.places_all([min(c, mid) for c in base]):
            hi = mid
        else:
            lo = mid + 1
    caps = [min(c, lo) for c in base]
    day_of = net.cheapest(caps, cost)
    total = sum(cost[v, k] for v, k in day_of.items())
    unique = no_tie(net, caps, cost, day_of) if check_unique else None
    return DayFlow(day_of, lo, total, unique)
