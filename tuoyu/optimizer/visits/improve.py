"""A post-pass over the router's week, for the goals that depend on who visits.

PyVRP's costs are per arc of a vehicle (travel) and per client (a prize): a client does
not know which vehicle serves it, and a vehicle (a team-day) does not know the rest of its
team's week. So two goals are out of its reach: the same person again for a family's
second visit (``VisitWeights.same_person``: a cost when none of its earlier visitors is
in the visiting team), and a balanced load (``VisitWeights.balance``: a cost per visit
above a person's fair share of the week, ``goals.fair_shares``). Expressing the first in
PyVRP would take a load dimension per preferred team (or a routing profile per team with
its own matrices), which grows with the district; the second cannot be said at all.

The post-pass weighs them by local search on the router's solution: it relocates a visited
family to another team-day route (the route's team serves its needs, the family gave a
half-day of that day within its window, the route keeps its daily limit, its time windows
and its shift), at the cheapest position, whenever the weighed total falls (travel +
lateness + same person + balance + people beyond the family's needs). Every move keeps
every hard rule, so the week stays a plan; the family stays visited, so the prizes do not change. It is deterministic (fixed
order, no randomness) and stops when no move improves, after ``max_passes``, or on the
stop token or the wall-clock ceiling. A first-improvement local search: it finds a local
optimum of these moves, not the best week; the lower bound of ``solve.py`` stays valid
(these goals only add costs).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from tuoyu.optimizer.visits.goals import (
    VisitWeights,
    WeekLoads,
    above_fair_share,
    fair_shares,
    other_person,
    spare_people,
)


@dataclass(frozen=True)
class Route:
    """What the post-pass needs of a vehicle (a team-day): its team's staff ids, its date
    index, its depot location, its shift and its capacities (visits, then disciplines)."""

    team: int
    staff_ids: tuple[str, ...]
    day: int
    depot: int
    early: int
    late: int
    capacity: tuple[int, ...]
    #: minutes of travel the route adds when it has a visit at all: a pair's second
    #: member to the team's base and back (``Team.commute``, both ways)
    fixed: int = 0


@dataclass(frozen=True)
class Clients:
    client_family: Sequence[int]  # client -> family index
    client_day: Sequence[int]
    client_location: Sequence[int]
    client_window: Sequence[tuple[int, int]]
    client_load: Sequence[tuple[int, ...]]
    client_late_cost: Sequence[int]  # per_day_later x days after the earliest date
    #: the people the client's family needs (its disciplines); empty: not counted
    client_people: Sequence[int] = ()


def spare_cost(c: int, r: Route, st: Clients, weight: int) -> int:
    """The cost of the people of route ``r``'s team at client ``c`` beyond its needs
    (``goals.no_spare_person``): a pair at a family needing one discipline."""
    if not st.client_people:
        return 0
    return weight * spare_people(st.client_people[c], len(r.staff_ids))


@dataclass
class Moves:
    """What the post-pass did: moves made, and the weighed total before and after."""

    moves: int = 0
    passes: int = 0
    before: int = 0
    after: int = 0
    changed: set[int] = field(default_factory=set)  # vehicles whose route changed


def schedule(seq: Sequence[int], r: Route, st: Clients, matrix: np.ndarray,
             service: int) -> list[int] | None:
    """The earliest start of each visit on the route (leaving the base at the shift's
    start, waiting for a time window to open), or None when a window or the shift's end
    (back at the base) cannot be kept."""
    t, loc = r.early, r.depot
    starts = []
    for c in seq:
        t += int(matrix[loc, st.client_location[c]])
        early, late = st.client_window[c]
        t = max(t, early)
        if t > late:
            return None
        starts.append(t)
        t += service
        loc = st.client_location[c]
    t += int(matrix[loc, r.depot])
    return starts if t <= r.late else None


def free_in_half_day(window: tuple[int, int], r: Route, service: int) -> bool:
    """The route's team is free in the client's half-day: a start within the client's
    window (``window``) lets the visit begin after the shift's start and end before the
    shift's end. The shift is not the half-days' hours: a pair's starts later and ends
    earlier by its second member's commute, so a client's window may open before it."""
    start = max(window[0], r.early)
    return start <= window[1] and start + service <= r.late


def route_travel(seq: Sequence[int], r: Route, st: Clients, matrix: np.ndarray) -> int:
    """Minutes of travel of a route: from the base through its visits and back, and a
    pair's commute (``Route.fixed``) when it goes out at all."""
    if not seq:
        return 0
    locs = [r.depot, *(st.client_location[c] for c in seq), r.depot]
    return int(sum(matrix[a, b] for a, b in zip(locs, locs[1:], strict=False))) + r.fixed


def fits_load(seq: Sequence[int], r: Route, st: Clients) -> bool:
    total = [0] * len(r.capacity)
    for c in seq:
        for k, x in enumerate(st.client_load[c]):
            total[k] += x
    return all(a <= b for a, b in zip(total, r.capacity, strict=True))


@dataclass
class _State:
    routes: dict[int, list[int]]
    week: WeekLoads  # each person's visits, for the balance (``goals.WeekLoads``)

    @classmethod
    def of(cls, routes: Mapping[int, Sequence[int]], vehicles: Sequence[Route],
           capacity: Mapping[str, int]) -> _State:
        """The routes with each person's visits counted."""
        state = cls({v: list(s) for v, s in routes.items()}, WeekLoads(capacity))
        for v, seq in state.routes.items():
            state.week.add(vehicles[v].staff_ids, len(seq))
        return state

    def move_visit(self, v: int, i: int, v2: int, c2: int, j: int,
                   vehicles: Sequence[Route]) -> None:
        """Take the ``i``-th visit off route ``v``; put client ``c2`` at ``j`` on ``v2``."""
        del self.routes[v][i]
        self.routes.setdefault(v2, []).insert(j, c2)
        self.week.add(vehicles[v].staff_ids, -1)
        self.week.add(vehicles[v2].staff_ids, 1)


def weighed_total(routes: Mapping[int, Sequence[int]], vehicles: Sequence[Route], st: Clients,
                  matrix: np.ndarray, earlier: Sequence[Sequence[str]],
                  capacity: Mapping[str, int], w: VisitWeights) -> int:
    """Travel + lateness + same person + spare people + balance of a week's routes (the
    post-pass's objective; the prizes of the families left out are not in it: it never
    drops one)."""
    loads: dict[str, int] = {}
    total = cost = 0
    for v, seq in routes.items():
        r = vehicles[v]
        cost += route_travel(seq, r, st, matrix) * w.travel
        for c in seq:
            cost += st.client_late_cost[c]
            cost += w.same_person * other_person(earlier[st.client_family[c]], r.staff_ids)
            cost += spare_cost(c, r, st, w.spare_person)
            for s in r.staff_ids:
                loads[s] = loads.get(s, 0) + 1
                total += 1
    shares = fair_shares(capacity, total)
    return cost + w.balance * above_fair_share(loads, shares)


def improve(routes: Mapping[int, Sequence[int]], vehicles: Sequence[Route], st: Clients,
            matrix: np.ndarray, *, family_clients: Sequence[Sequence[int]],
            earlier: Sequence[Sequence[str]], capacity: Mapping[str, int],
            candidates: Callable[[int, int], Sequence[int]], service: int, w: VisitWeights,
            max_passes: int = 20, halt: Callable[[], bool] = lambda: False,
            nearer: Callable[[int, int], Sequence[int]] | None = None,
            max_swap_passes: int = 3) -> tuple[dict[int, list[int]], Moves]:
    """Relocate visited families between routes while the weighed total falls.

    ``family_clients[f]``: the clients (half-days) of family ``f``; ``candidates(f, v)``:
    the vehicles worth trying for it when vehicle ``v`` visits it (the nearest teams', its
    earlier visitors' and every team nearer to it than ``v``'s, team-days that serve its
    needs); ``capacity``: the visits each person could make this week (the
    fair shares are in proportion to it); ``nearer(f, v)``: the vehicles an exchange is
    tried with (default: the candidates; the planner gives the teams based nearer to the
    family than ``v``'s, where a line crosses the map). Returns the new routes and what
    was done."""
    state = _State.of(routes, vehicles, capacity)
    out = Moves(before=weighed_total(state.routes, vehicles, st, matrix, earlier, capacity, w))
    by_day: dict[tuple[int, int], list[int]] = {}  # (family, day) -> its clients that day
    for f, cs in enumerate(family_clients):
        for c in cs:
            by_day.setdefault((f, st.client_day[c]), []).append(c)
    swaps = 0  # exchange passes made (each over every visit: the costly kind)
    while out.passes < max_passes and not halt():
        out.passes += 1
        moved = False
        where = sorted((st.client_family[c], v, i, c)
                       for v, seq in state.routes.items() for i, c in enumerate(seq))
        for f, v, _, c in where:
            if halt():
                break
            seq = state.routes[v]
            if c not in seq:  # cannot happen: each family is moved once a pass at most
                continue
            i = seq.index(c)
            move = _best_move(f, v, i, c, state, vehicles, st, matrix, by_day, earlier,
                              candidates, service, w)
            if move is None:
                continue
            v2, c2, j, _ = move
            state.move_visit(v, i, v2, c2, j, vehicles)
            out.moves += 1
            out.changed |= {v, v2}
            moved = True
        if not moved and (swaps >= max_swap_passes or not _swap_pass(
                state, vehicles, st, matrix, by_day, earlier, nearer or candidates, service,
                w, out, halt)):
            break
        swaps += not moved
    out.after = weighed_total(state.routes, vehicles, st, matrix, earlier, capacity, w)
    if out.after > out.before:  # cannot happen: each move lowers the total
        raise AssertionError("the post-pass raised the weighed total")
    return {v: s for v, s in state.routes.items() if s}, out


def _swap_pass(state: _State, vehicles: Sequence[Route], st: Clients, matrix: np.ndarray,
               by_day: Mapping[tuple[int, int], list[int]], earlier: Sequence[Sequence[str]],
               candidates: Callable[[int, int], Sequence[int]], service: int,
               w: VisitWeights, out: Moves, halt: Callable[[], bool]) -> bool:
    """Once no relocation lowers the total: exchange two visits between two routes (each
    family at the cheapest feasible place of the other's route, on a half-day it gave),
    whenever that lowers the total. A full route near a family is closed to a
    relocation; an exchange with one of its visits that the other route can take is not.
    Each team keeps its number of visits, so the loads and the balance do not change.
    True when an exchange was made."""
    swapped = False
    where = sorted((st.client_family[c], v, c)
                   for v, seq in state.routes.items() for c in seq)
    for f, v, c in where:
        if halt():
            break
        if c not in state.routes.get(v, ()):  # moved by an exchange of this pass
            continue
        found = _best_swap(f, v, c, state, vehicles, st, matrix, by_day, earlier,
                           candidates, service, w)
        if found is None:
            continue
        v2, new1, new2 = found
        state.routes[v], state.routes[v2] = new1, new2
        out.moves += 1
        out.changed |= {v, v2}
        swapped = True
    return swapped


def _placed(seq: Sequence[int], x: int, r: Route, st: Clients, matrix: np.ndarray,
            service: int) -> tuple[int, list[int]] | None:
    """The cheapest feasible route with client ``x`` put into ``seq``: (travel, route)."""
    best: tuple[int, list[int]] | None = None
    for j in range(len(seq) + 1):
        trial = [*seq[:j], x, *seq[j:]]
        if not fits_load(trial, r, st) or schedule(trial, r, st, matrix, service) is None:
            continue
        cost = route_travel(trial, r, st, matrix)
        if best is None or cost < best[0]:
            best = (cost, trial)
    return best


def _best_swap(f: int, v: int, c: int, state: _State, vehicles: Sequence[Route],
               st: Clients, matrix: np.ndarray, by_day: Mapping[tuple[int, int], list[int]],
               earlier: Sequence[Sequence[str]], candidates: Callable[[int, int], Sequence[int]],
               service: int, w: VisitWeights) -> tuple[int, list[int], list[int]] | None:
    """The best exchange of family ``f`` (client ``c`` on vehicle ``v``) with a visit of
    one of its candidate routes that lowers the weighed total: (the other vehicle, the
    two new routes), or None."""
    r = vehicles[v]
    seq = state.routes[v]
    rest = [x for x in seq if x != c]
    old = route_travel(seq, r, st, matrix)
    best: tuple[int, int, list[int], list[int]] | None = None

    def cost_at(x: int, route: Route) -> int:
        return st.client_late_cost[x] + spare_cost(x, route, st, w.spare_person) + \
            w.same_person * other_person(earlier[st.client_family[x]], route.staff_ids)

    here = cost_at(c, r)
    # a route's travel once a visit is taken off (staying out: the commute), below which
    # putting another on never goes but by rounding (a minute per insertion at most)
    left = route_travel(rest, r, st, matrix) if rest else r.fixed
    for v2 in candidates(f, v):
        r2 = vehicles[v2]
        seq2 = state.routes.get(v2, [])
        if v2 == v or not seq2 or (r2.team == r.team and r2.day == r.day):
            continue
        mine = [x for x in by_day.get((f, r2.day), ()) if free_in_half_day(
            st.client_window[x], r2, service)]
        if not mine:
            continue
        old2 = route_travel(seq2, r2, st, matrix)
        for d in seq2:
            g = st.client_family[d]
            theirs = [y for y in by_day.get((g, r.day), ()) if free_in_half_day(
                st.client_window[y], r, service)]
            if not theirs:
                continue
            rest2 = [x for x in seq2 if x != d]
            before = (old + old2) * w.travel + here + cost_at(d, r2)
            left2 = route_travel(rest2, r2, st, matrix) if rest2 else r2.fixed
            bound = (left + left2 - 2) * w.travel + min(cost_at(y, r) for y in theirs) \
                + min(cost_at(x, r2) for x in mine) - before
            if bound >= (0 if best is None else best[0]):
                continue  # no exchange with this visit can pay
            for y in theirs:
                got1 = _placed(rest, y, r, st, matrix, service)
                if got1 is None:
                    continue
                for x in mine:
                    got2 = _placed(rest2, x, r2, st, matrix, service)
                    if got2 is None:
                        continue
                    delta = (got1[0] + got2[0]) * w.travel + cost_at(y, r) + cost_at(x, r2) \
                        - before
                    if delta < 0 and (best is None or delta < best[0]):
                        best = (delta, v2, got1[1], got2[1])
    return None if best is None else (best[1], best[2], best[3])


def _best_move(f: int, v: int, i: int, c: int, state: _State, vehicles: Sequence[Route],
               st: Clients, matrix: np.ndarray, by_day: Mapping[tuple[int, int], list[int]],
               earlier: Sequence[Sequence[str]],
               candidates: Callable[[int, int], Sequence[int]],
               service: int, w: VisitWeights) -> tuple[int, int, int, int] | None:
    """The best improving relocation of family ``f`` (client ``c`` at position ``i`` of
    vehicle ``v``): (vehicle, client, position, delta), or None."""
    r = vehicles[v]
    seq = state.routes[v]
    prev = st.client_location[seq[i - 1]] if i > 0 else r.depot
    nxt = st.client_location[seq[i + 1]] if i + 1 < len(seq) else r.depot
    here = st.client_location[c]
    emptied = r.fixed if len(seq) == 1 else 0  # its last visit: the team stays home
    gain = (int(matrix[prev, here]) + int(matrix[here, nxt]) - int(matrix[prev, nxt])
            + emptied) * w.travel + st.client_late_cost[c] \
        + w.same_person * other_person(earlier[f], r.staff_ids) \
        + spare_cost(c, r, st, w.spare_person)
    best: tuple[int, int, int, int] | None = None
    for v2 in candidates(f, v):
        if v2 == v:
            continue
        r2 = vehicles[v2]
        if r2.team == r.team and r2.day == r.day:
            continue
        fixed = w.balance * state.week.above_share_change(r.staff_ids, r2.staff_ids) \
            + w.same_person * other_person(earlier[f], r2.staff_ids) \
            + spare_cost(c, r2, st, w.spare_person) - gain  # c2: of the same family as c
        if fixed >= 0 or (best is not None and fixed >= best[3]):
            continue  # inserting never costs less than nothing (triangle inequality)
        seq2 = state.routes.get(v2, [])
        if len(seq2) + 1 > r2.capacity[0]:
            continue
        for c2 in by_day.get((f, r2.day), ()):
            if not free_in_half_day(st.client_window[c2], r2, service):
                continue  # not a half-day this team is free
            found = _best_insertion(seq2, r2, c2, fixed + st.client_late_cost[c2],
                                    None if best is None else best[3], st, matrix, service, w)
            if found is not None:
                best = (v2, c2, found[0], found[1])
    return best if best is not None and not math.isinf(best[3]) else None


def _best_insertion(seq2: Sequence[int], r2: Route, c2: int, fixed: int, beat: int | None,
                    st: Clients, matrix: np.ndarray, service: int, w: VisitWeights,
                    ) -> tuple[int, int] | None:
    """Where client ``c2`` goes into route ``seq2`` at the least cost below 0 and below
    ``beat`` (the best move so far) with the route still feasible: (position, delta)."""
    best: tuple[int, int] | None = None
    x = st.client_location[c2]
    opened = 0 if seq2 else r2.fixed  # its first visit: the team goes out
    for j in range(len(seq2) + 1):
        a = st.client_location[seq2[j - 1]] if j > 0 else r2.depot
        b = st.client_location[seq2[j]] if j < len(seq2) else r2.depot
        delta = fixed + (int(matrix[a, x]) + int(matrix[x, b]) - int(matrix[a, b])
                         + opened) * w.travel
        if delta >= 0 or (beat is not None and delta >= beat) \
                or (best is not None and delta >= best[1]):
            continue
        trial = [*seq2[:j], c2, *seq2[j:]]
        if not fits_load(trial, r2, st) or schedule(trial, r2, st, matrix, service) is None:
            continue
        best = (j, delta)
    return best
