"""A large week routed in parts, then repaired, then polished as a whole.

Why: PyVRP's iterated local search perturbs a few clients an iteration, and an iteration
over a 12x week (6,000 clients, 1,000 team-days) costs about twenty times one over the
district week: within the service's 60 s its 3,000 iterations were not made, and the
plan left out about 50 of the due families a plan can visit (``docs/benchmarks/
visits.md``). Smaller instances converge in far fewer iterations.

How (deterministic: no randomness beyond the seed, no wall time, parts in a fixed order):

1. ``split``: recursive coordinate bisection of the week's families (weighed by their
   clients, i.e. half-days) along the longer side of their bounding box, at the weighted
   median, until a part holds at most ``PART_CLIENTS`` clients; each team-day goes to the
   side of its team's base. A street plays no role (a district of few huge streets is
   cut like one of many small ones); a cut that would leave a side without any team-day
   is not made on that axis.
2. ``solve_parts``: each part is its own PyVRP instance (the same clients, groups,
   vehicles, matrix rows) with its own iteration budget.
3. ``repair``: the families the parts left out (most often: reachable only by a team
   based on the other side of a cut, or their part's teams full) are inserted, highest
   prize first (overdue, then due, then the rest, each by its window's end), into any
   team-day of the whole week at the cheapest feasible position (every hard rule kept:
   the team holds the needs, the half-day is one the family gave and the team is free,
   time windows, shift, daily limit); a due or overdue family that fits nowhere may take
   the place of a family of a lower prize (not yet due), which is then inserted elsewhere
   if it fits. A team-day belongs to one route only, so parts never double-book it.
4. The combined routes are a PyVRP solution of the whole week; the caller polishes it
   (a few whole-week iterations from it as the initial solution: PyVRP keeps the best
   feasible solution, so the polish never makes the week worse by its own cost).

The lower bound is not touched: it is computed on the whole week (``solve.build``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from pyvrp import ClientGroup, Depot, ProblemData, SolveParams
from pyvrp import solve as pyvrp_solve

from tuoyu.optimizer.visits import improve

#: a week of more clients than this is routed in parts of at most this many
PART_CLIENTS = 900


@dataclass(frozen=True)
class Part:
    """Clients and vehicles (indices in the whole week's instance) routed together."""

    clients: tuple[int, ...]
    vehicles: tuple[int, ...]


def _groups(data: ProblemData) -> list[list[int]]:
    if data.num_groups:
        return [list(g.clients) for g in data.groups()]
    return [[c] for c in range(data.num_clients)]


def split(data: ProblemData, limit: int = PART_CLIENTS) -> list[Part]:
    """The week's parts: families cut by recursive coordinate bisection (see the module
    docstring), each vehicle on the side of its base. One part when small enough."""
    locs = data.locations()
    clients = data.clients()
    groups = _groups(data)
    depots = data.depots()
    xy = np.array([(locs[clients[g[0]].location].x, locs[clients[g[0]].location].y)
                   for g in groups], dtype=float).reshape(-1, 2)
    lat0 = math.radians(float(xy[:, 1].mean())) if len(xy) else 0.0
    scale = np.array([math.cos(lat0), 1.0])  # degrees of longitude are shorter
    gxy = xy * scale
    vxy = np.array([(locs[depots[vt.start_depot].location].x,
                     locs[depots[vt.start_depot].location].y)
                    for vt in data.vehicle_types()], dtype=float).reshape(-1, 2) * scale
    size = [len(g) for g in groups]

    def cut(gs: list[int], vs: list[int]) -> list[tuple[list[int], list[int]]]:
        total = sum(size[g] for g in gs)
        if total <= limit or len(gs) < 2:
            return [(gs, vs)]
        span = gxy[gs].max(axis=0) - gxy[gs].min(axis=0)
        for axis in sorted((0, 1), key=lambda a: (-span[a], a)):
            order = sorted(gs, key=lambda g: (gxy[g, axis], g))
            acc, k = 0, 0
            while acc + size[order[k]] <= total / 2 and k < len(order) - 1:
                acc += size[order[k]]
                k += 1
            k = max(k, 1)
            at = (gxy[order[k - 1], axis] + gxy[order[k], axis]) / 2
            left = [v for v in vs if vxy[v, axis] < at]
            right = [v for v in vs if vxy[v, axis] >= at]
            if left and right:
                return cut(order[:k], left) + cut(order[k:], right)
        return [(gs, vs)]

    parts = cut(list(range(len(groups))), list(range(data.num_vehicle_types)))
    return [Part(tuple(sorted(c for g in gs for c in groups[g])), tuple(sorted(vs)))
            for gs, vs in parts]


def part_data(data: ProblemData, part: Part) -> ProblemData:
    """The part as its own PyVRP instance: its depots, its families' locations, its
    clients (their groups), its vehicles, the rows and columns they use of every
    profile's matrices."""
    depots = data.depots()
    vts = data.vehicle_types()
    clients = data.clients()
    used_depots = sorted({vts[v].start_depot for v in part.vehicles}
                         | {vts[v].end_depot for v in part.vehicles})
    depot_ix = {d: i for i, d in enumerate(used_depots)}
    dep_locs = [depots[d].location for d in used_depots]
    cl_locs = sorted({clients[c].location for c in part.clients})
    loc_list = dep_locs + [x for x in cl_locs if x not in set(dep_locs)]
    loc_ix = {x: i for i, x in enumerate(loc_list)}
    client_ix = {c: i for i, c in enumerate(part.clients)}
    groups: list[ClientGroup] = []
    group_ix: dict[int, int] = {}
    new_clients = []
    for c in part.clients:
        cl = clients[c]
        g = cl.group
        if g is not None and g not in group_ix:
            group_ix[g] = len(groups)
            members = [client_ix[m] for m in data.group(g).clients]
            groups.append(ClientGroup(members, required=data.group(g).required))
        new_clients.append(type(cl)(
            location=loc_ix[cl.location], delivery=list(cl.delivery), pickup=list(cl.pickup),
            service_duration=cl.service_duration, tw_early=cl.tw_early, tw_late=cl.tw_late,
            release_time=cl.release_time, prize=cl.prize, required=cl.required,
            group=None if g is None else group_ix[g], name=cl.name))
    all_locs = data.locations()
    cut = np.ix_(loc_list, loc_list)
    dist = [np.ascontiguousarray(np.asarray(data.distance_matrix(p))[cut])
            for p in range(data.num_profiles)]
    dur = [np.ascontiguousarray(np.asarray(data.duration_matrix(p))[cut])
           for p in range(data.num_profiles)]
    new_vts = [vts[v].replace(start_depot=depot_ix[vts[v].start_depot],
                              end_depot=depot_ix[vts[v].end_depot]) for v in part.vehicles]
    return ProblemData([all_locs[x] for x in loc_list], new_clients,
                       [Depot(i) for i in range(len(used_depots))], new_vts, dist, dur,
                       groups=groups)


#: the fewest iterations a part gets
MIN_PART_ITERATIONS = 200


def part_iterations(part: Part, iterations: int, data: ProblemData) -> int:
    """A part's iterations: the planner's budget shared among the parts in proportion to
    their clients (an iteration over a part costs about in proportion to its size, so the
    parts together cost about what the budget costs on a week of one part), at least
    ``MIN_PART_ITERATIONS``."""
    return max(MIN_PART_ITERATIONS,
               math.ceil(iterations * len(part.clients) / max(1, data.num_clients)))


def solve_parts(data: ProblemData, parts: Sequence[Part], iterations: Callable[[Part], int],
                seed: int, params: SolveParams,
                stop: Callable[[float], bool]) -> tuple[dict[int, list[int]], int]:
    """Each part routed on its own (in the parts' order): the routes as whole-week vehicle
    -> client indices, and the iterations made in all. ``stop`` (the stop token or the
    wall-clock ceiling) ends the part it is called in, and every later part at once."""
    routes: dict[int, list[int]] = {}
    made = 0
    for part in parts:
        if stop(math.inf):  # stopped: the later parts' families go to the repair
            break
        sub = part_data(data, part)
        budget = iterations(part)
        count = [0]

        def crit(best: float, budget: int = budget, count: list[int] = count) -> bool:
            if stop(best):
                return True
            count[0] += 1
            return count[0] > budget

        res = pyvrp_solve(sub, stop=crit, seed=seed, collect_stats=False, display=False,
                          params=params)
        made += res.num_iterations
        if res.best.is_feasible():
            for r in res.best.routes():
                routes[part.vehicles[r.vehicle_type()]] = [
                    part.clients[int(a.idx)] for a in r.schedule() if a.is_client()]
    return routes, made


@dataclass
class Repair:
    """What the repair did: families inserted, and those that took a lower prize's place."""

    inserted: int = 0
    displaced: int = 0


@dataclass(frozen=True)
class Insertion:
    """Where a family left out can go into a week's routes (every hard rule kept), and at
    what cost: the repair's look-up, and the reason a family stays out."""

    vehicles: Sequence[improve.Route]
    st: improve.Clients
    matrix: np.ndarray
    family_clients: Sequence[Sequence[int]]
    service: int
    travel_weight: int = 1
    spare_person: int = 0
    by_day: dict[int, list[int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_day: dict[int, list[int]] = {}
        for v, r in enumerate(self.vehicles):
            by_day.setdefault(r.day, []).append(v)
        object.__setattr__(self, "by_day", by_day)

    def teams_for(self, c: int) -> list[int]:
        """The team-days that may visit client ``c``: its day, free at its half-day, with
        every discipline it needs."""
        st = self.st
        out = []
        for v in self.by_day.get(st.client_day[c], ()):
            r = self.vehicles[v]
            if not improve.free_in_half_day(st.client_window[c], r, self.service):
                continue  # a half-day the team is not free
            if any(a > b for a, b in zip(st.client_load[c], r.capacity, strict=True)):
                continue  # the team lacks a needed discipline
            out.append(v)
        return out

    def best(self, f: int, routes: Mapping[int, Sequence[int]],
             ) -> tuple[int, int, int, int] | None:
        """(cost, vehicle, client, position) of the cheapest feasible insertion of family
        ``f``: added travel, lateness and people beyond its needs; None when it fits on no
        route (each full, or no position keeps the time windows and the shift)."""
        st, matrix = self.st, self.matrix
        best: tuple[int, int, int, int] | None = None
        for c in self.family_clients[f]:
            x = st.client_location[c]
            for v in self.teams_for(c):
                r = self.vehicles[v]
                seq = routes.get(v, [])
                if len(seq) + 1 > r.capacity[0]:
                    continue
                opened = 0 if seq else r.fixed  # its first visit: the team goes out
                for j in range(len(seq) + 1):
                    a = st.client_location[seq[j - 1]] if j > 0 else r.depot
                    b = st.client_location[seq[j]] if j < len(seq) else r.depot
                    cost = (int(matrix[a, x]) + int(matrix[x, b]) - int(matrix[a, b])
                            + opened) * self.travel_weight + st.client_late_cost[c] \
                        + improve.spare_cost(c, r, st, self.spare_person)
                    if best is not None and cost >= best[0]:
                        continue
                    trial = [*seq[:j], c, *seq[j:]]
                    if not improve.fits_load(trial, r, st) or \
                            improve.schedule(trial, r, st, matrix, self.service) is None:
                        continue
                    best = (cost, v, c, j)
        return best


def repair(routes: dict[int, list[int]], vehicles: Sequence[improve.Route],
           st: improve.Clients, matrix: np.ndarray, *, family_clients: Sequence[Sequence[int]],
           prize: Sequence[int], order_key: Sequence[tuple], service: int,
           travel_weight: int = 1, spare_person: int = 0) -> Repair:
    """Insert the families no route visits (``routes`` changed in place; see the module
    docstring). ``prize[f]``: the family's prize when visited on time (its clients' late
    cost is taken off, and ``spare_person`` for each person of the team beyond its needs:
    ``improve.spare_cost``); ``order_key[f]``: its place in the queue among equal prizes."""
    out = Repair()
    where = Insertion(vehicles, st, matrix, family_clients, service, travel_weight,
                      spare_person)
    visited = {st.client_family[c] for seq in routes.values() for c in seq}
    queue = sorted((f for f in range(len(family_clients)) if f not in visited),
                   key=lambda f: (-prize[f], order_key[f], f))

    def best_swap(f: int) -> tuple[int, int, int, int, int] | None:
        """(cost, vehicle, client, position, displaced client) of the cheapest place of
        family ``f`` taken from a visited family of a lower prize."""
        best: tuple[int, int, int, int, int] | None = None
        for c in family_clients[f]:
            x = st.client_location[c]
            for v in where.teams_for(c):
                r = vehicles[v]
                seq = routes.get(v, [])
                for i, old in enumerate(seq):
                    lost = prize[st.client_family[old]] - st.client_late_cost[old] \
                        - improve.spare_cost(old, r, st, spare_person)
                    if prize[st.client_family[old]] >= prize[f]:
                        continue
                    rest = seq[:i] + seq[i + 1:]
                    for j in range(len(rest) + 1):
                        a = st.client_location[rest[j - 1]] if j > 0 else r.depot
                        b = st.client_location[rest[j]] if j < len(rest) else r.depot
                        cost = lost + (int(matrix[a, x]) + int(matrix[x, b])
                                       - int(matrix[a, b])) * travel_weight \
                            + st.client_late_cost[c] + improve.spare_cost(c, r, st, spare_person)
                        if best is not None and cost >= best[0]:
                            continue
                        trial = [*rest[:j], c, *rest[j:]]
                        if not improve.fits_load(trial, r, st) or \
                                improve.schedule(trial, r, st, matrix, service) is None:
                            continue
                        best = (cost, v, c, j, old)
        return best

    pending = list(queue)
    while pending:
        f = pending.pop(0)
        found = where.best(f, routes)
        if found is not None:
            cost, v, c, j = found
            if cost < prize[f]:  # never visit at a loss
                routes.setdefault(v, []).insert(j, c)
                out.inserted += 1
            continue
        swap = best_swap(f)
        if swap is not None and swap[0] < prize[f]:
            _, v, c, j, old = swap
            seq = routes[v]
            seq.remove(old)
            seq.insert(j, c)
            out.inserted += 1
            out.displaced += 1
            # the displaced family: once more, in its place in the queue (never displaces
            # again a family of its own prize or above, so this ends)
            g = st.client_family[old]
            pending.append(g)
            pending.sort(key=lambda h: (-prize[h], order_key[h], h))
    return out
