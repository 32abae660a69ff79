"""The teams as min-cost flows: exact teams for a fixed calendar, and a lower bound of
the team goals over every calendar.

**Exact teams (stage B).** The team rules and goals split by discipline (the
disciplines partition the staff; every goal is a sum over team members, the load goal
a sum per discipline). For one discipline the teams of a fixed calendar are a flow:

    place r (needs n_r people)  --1-->  (person, half-day)  --1-->  (person, month)
        --room(s, month)-->  person  --fair: cost 0, the rest: cost w.load-->  sink

The arc of place ``r`` to person ``s`` costs what that trip costs in the plan (near home:
``neighbour`` or ``far``; the center's home lead or ``extra_lead``; a re-plan's kept
person saves ``staff_changed``). The node ``(person, half-day)`` keeps a person in one
place per half-day, ``(person, month)`` within the monthly limit, and the person's
convex arc to the sink counts sessions above the fair share. A min-cost flow is
integral, so its optimum *is* the best teams for the calendar: no time limit, no gap,
no fallback; the solver (OR-Tools' cost scaling) is deterministic.

**Lower bound (any calendar).** Drop the calendar: every center's sessions still need
one education member each (the center's lead), and at least ``min_extra(c)`` of them a
medical or psychology member (with at most ``k`` education-only topics, a center needing
``t`` different topics has ``t - k`` sessions that need one); the district events need
their people. Each person gives at most their places of the year. The min-cost
transportation of these demands, with the same costs per trip, the lead's cost and the
education load, bounds the team goals of every plan from below: a plan's teams are such
a transportation (its far / neighbour / extra-lead / load counts are the flow's cost),
so no calendar and teams can cost less.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from ortools.graph.python import min_cost_flow

from tuoyu.models.sessions import Session
from tuoyu.optimizer.sessions.problem import (
    DISCIPLINES,
    SessionProblem,
    month_places,
    near,
    sessions_needed,
)


class _Net:
    """Named nodes over OR-Tools' SimpleMinCostFlow (nodes numbered in order of use). The
    arcs are handed to the solver at once when it solves (a 937-center year has two
    million; one call each took seconds), in the order they were named: the same graph,
    the same flow."""

    def __init__(self) -> None:
        self.f = min_cost_flow.SimpleMinCostFlow()
        self.ids: dict[object, int] = {}
        self.arcs: list[tuple[object, object]] = []
        self._arcs: list[tuple[int, int, int, int]] = []

    def node(self, key: object) -> int:
        if key not in self.ids:
            self.ids[key] = len(self.ids)
        return self.ids[key]

    def arc(self, a: object, b: object, cap: int, cost: int) -> None:
        if cap > 0:
            self._arcs.append((self.node(a), self.node(b), cap, cost))
            self.arcs.append((a, b))

    def solve(self, supply: dict[object, int]) -> bool:
        if self._arcs:
            x = np.array(self._arcs, dtype=np.int64)
            self.f.add_arcs_with_capacity_and_unit_cost(x[:, 0], x[:, 1], x[:, 2], x[:, 3])
            self._arcs = []
        for key, n in supply.items():
            self.f.set_node_supply(self.node(key), n)
        return self.f.solve() == self.f.OPTIMAL

    def flows(self):
        """(tail, head, flow) of every arc carrying flow."""
        if not self.arcs:
            return
        x = self.f.flows(np.arange(len(self.arcs), dtype=np.int64))
        for i in np.flatnonzero(x):
            a, b = self.arcs[i]
            yield a, b, int(x[i])


def trip_cost(p: SessionProblem, staff_street: str, street: str) -> int:
    """What one person's trip to a center costs in the plan's objective."""
    d = near(p, staff_street, street)
    w = p.rules.weights
    return w.far if d == 2 else w.neighbour if d == 1 else 0


def _load_arcs(net: _Net, pool, fair: int, places: dict[str, int], load_weight: int) -> None:
    """Person -> sink: up to the fair share free, the rest at the load weight."""
    for s in pool:
        cap = places[s.staff_id]
        net.arc(("p", s.staff_id), "sink", min(cap, fair), 0)
        net.arc(("p", s.staff_id), "sink", cap - min(cap, fair), load_weight)


def _place_arcs(net: _Net, p: SessionProblem, k: int, s: Session, disc: str, pool,
                street: str, prev: Session | None) -> None:
    """Session ``k``'s places of ``disc`` -> each person of the pool working that day, at
    its half-day: the trip, an education place not taken by the home lead, a person the
    previous plan had there (a saving)."""
    w = p.rules.weights
    slot, day = 2 * p.day(s.date) + s.half, p.day(s.date)
    home = p.home_lead.get(s.center_id) if s.center_id and disc == "education" else None
    kept = set(prev.staff_ids) if prev else set()
    for st in pool:
        if day not in p.available_days[st.staff_id]:
            continue
        cost = trip_cost(p, st.street_id, street) if s.center_id else 0
        if s.center_id and disc == "education" and st.staff_id != home:
            cost += w.extra_lead
        if st.staff_id in kept:
            cost -= w.staff_changed
        net.arc(("r", k), ("h", st.staff_id, slot), 1, cost)


def _month_arcs(net: _Net, p: SessionProblem, pool) -> dict[str, int]:
    """Each used half-day of a person -> their month -> the person, within the month's
    room; returns each person's places over the year."""
    used_slots = {key for key in net.ids if key[0] == "h"}
    months: set[tuple[str, int]] = set()
    for _, sid, slot in sorted(used_slots):
        mo = p.date(slot // 2).month
        net.arc(("h", sid, slot), ("m", sid, mo), 1, 0)
        months.add((sid, mo))
    staff = {st.staff_id: st for st in pool}
    cap: dict[str, int] = defaultdict(int)
    for sid, mo in sorted(months):
        room = p.room(staff[sid], mo)
        net.arc(("m", sid, mo), ("p", sid), room, 0)
        cap[sid] += room
    return cap


def best_teams(
    p: SessionProblem, sessions: list[Session], disciplines: tuple[str, ...] = DISCIPLINES
) -> dict[int, list[str]] | None:
    """The best teams of a calendar (session index -> people), or None when the calendar
    cannot be staffed. ``disciplines``: only the places of these (each discipline's flow
    is its own: the others' people are those of the whole call)."""
    street_of = {c.center_id: c.street_id for c in p.data.centers}
    old = {(s.date, s.half, s.center_id, s.event_id): s for s in p.was_planned}
    w = p.rules.weights
    out: dict[int, list[str]] = defaultdict(list)
    for disc in disciplines:
        pool = p.pools[disc]
        places = [(k, n) for k, s in enumerate(sessions) if (n := p.team_of(s).get(disc, 0))]
        if not places:
            continue
        net = _Net()
        total = sum(n for _, n in places)
        for k, _ in places:
            s = sessions[k]
            prev = old.get((s.date, s.half, s.center_id, s.event_id))
            _place_arcs(net, p, k, s, disc, pool, street_of.get(s.center_id, ""), prev)
        cap = _month_arcs(net, p, pool)
        fair = math.ceil(total / len(pool))
        _load_arcs(net, pool, fair, {st.staff_id: cap[st.staff_id] for st in pool}, w.load)
        supply: dict[object, int] = {("r", k): n for k, n in places}
        supply["sink"] = -total
        if not net.solve(supply):
            return None
        for a, b, _ in net.flows():
            if a[0] == "r":
                out[a[1]].append(b[1])
    return dict(out)


def min_extra(p: SessionProblem, n_left: int, has_fixed: bool) -> int:
    """Sessions of a center that need a medical or psychology member in every calendar:
    its distinct topics beyond the education-only ones (0 on a re-plan, to stay safe)."""
    if has_fixed:
        return 0
    edu_only = sum(1 for t in p.data.topics if not set(t.disciplines) - {"education"})
    need = min(p.rules.min_topics, n_left, len(p.data.topics))
    return max(0, min(n_left, need - edu_only))


def min_of(p: SessionProblem, n_left: int, has_fixed: bool, disc: str) -> int:
    """Sessions of a center that need ``disc`` in every calendar: its distinct topics
    beyond those needing nobody but an educator or needing another discipline only (e.g.
    one psychology topic: four different topics take at least one doctor's topic)."""
    if has_fixed:
        return 0
    other = sum(1 for t in p.data.topics if disc not in t.disciplines)
    need = min(p.rules.min_topics, n_left, len(p.data.topics))
    return max(0, min(n_left, need - other))


def team_lower_bound(p: SessionProblem) -> int:
    """A lower bound of the weighted team goals (far, neighbour, extra lead, load) over
    every calendar and teams; see the module docstring."""
    w = p.rules.weights
    centers, n_left, ev_need, places = _relaxation_inputs(p)
    total = 0
    # education: every center session's lead, the events' education people; exact load
    net = _Net()
    leads = p.pools["education"]
    supply: dict[object, int] = {}
    demand = 0
    for c in centers:
        n = n_left[c.center_id]
        if not n:
            continue
        supply["c", c.center_id] = n
        demand += n
        home = p.home_lead.get(c.center_id)
        for st in leads:
            cost = trip_cost(p, st.street_id, c.street_id)
            cost += 0 if st.staff_id == home else w.extra_lead
            net.arc(("c", c.center_id), ("p", st.staff_id), n, cost)
    for eid, k, count in ev_need["education"]:
        supply["e", eid] = k * count
        demand += k * count
        for st in leads:
            net.arc(("e", eid), ("p", st.staff_id), count, 0)
    if demand:
        if not leads:
            return 0
        _load_arcs(net, leads, math.ceil(demand / len(leads)), places, w.load)
        supply["sink"] = -demand
        if not net.solve(supply):
            return 0  # no plan at all then; the calendar stage says why
        total += net.f.optimal_cost()
    total += _extra_lower_bound(p, centers, n_left, ev_need, places)
    return total


def _extra_flow(p, centers, n_left, ev_need, places, safe: bool = True) -> _Net | None:
    """Medical and psychology trips: each center's ``min_extra`` sessions, the events'
    people (cost 0, they take places); load left out (its fair share depends on the
    topics). ``safe=False`` counts ``min_extra`` on a re-plan too (for the partners)."""
    pool = [*p.pools["medical"], *p.pools["psychology"]]
    net = _Net()
    supply: dict[object, int] = {}
    demand = 0
    for c in centers:
        n = min_extra(p, n_left[c.center_id], safe and bool(p.fixed_of(c)))
        if not n or not pool:
            continue
        supply["c", c.center_id] = n
        demand += n
        for st in pool:
            cost = trip_cost(p, st.street_id, c.street_id)
            net.arc(("c", c.center_id), ("p", st.staff_id), n, cost)
    for d in ("medical", "psychology"):
        for eid, k, count in ev_need[d]:
            supply["e", d, eid] = k * count
            demand += k * count
            for st in p.pools[d]:
                net.arc(("e", d, eid), ("p", st.staff_id), count, 0)
    if not demand:
        return None
    for st in pool:
        net.arc(("p", st.staff_id), "sink", places[st.staff_id], 0)
    supply["sink"] = -demand
    return net if net.solve(supply) else None


def relaxed_extra(p: SessionProblem, safe: bool):
    """:func:`extra_lp` over the whole year's relaxation inputs, solved once per problem
    (``SessionProblem.extra_lps``). ``safe`` only changes the LP for centers with kept
    sessions (a re-plan); without any, both variants are the same LP, solved once."""
    centers, n_left, ev_need, places = _relaxation_inputs(p)
    safe = safe and any(p.fixed_of(c) for c in centers)
    if safe not in p.extra_lps:
        p.extra_lps[safe] = extra_lp(p, centers, n_left, ev_need, places, safe=safe)
    return p.extra_lps[safe]


def _extra_lower_bound(p, centers, n_left, ev_need, places) -> int:
    """The medical and psychology part of the bound: the linear relaxation
    (:func:`extra_lp`) when it solves, else the transportation without load."""
    lp = relaxed_extra(p, safe=True)
    if lp is not None:
        return lp[0]
    net = _extra_flow(p, centers, n_left, ev_need, places)
    return 0 if net is None else int(net.f.optimal_cost())


def extra_lp(p, centers, n_left, ev_need, places, safe: bool = True):
    """The medical and psychology trips *and* load as a linear program (HiGHS): per center
    and person ``y`` sessions (at least ``min_extra`` per center and ``min_of`` per
    discipline, at most its sessions per discipline), the events' people, each person's
    year within their places, and per person the sessions above the fair share
    ``ceil(T/n) <= T/n + 1 - 1/n`` (``T`` the discipline's total, itself free: more
    sessions needing one may lower the load). Every plan's teams are a solution of it, so
    its optimum rounded up is a bound. Returns (bound, {(center, person): y}) or None
    when HiGHS gives no optimum."""
    from tuoyu.optimizer.sessions.bound import Lp, rounded_up

    lp = Lp()
    pools = {d: p.pools[d] for d in ("medical", "psychology") if p.pools[d]}
    load: dict[str, list[tuple[int, float]]] = defaultdict(list)
    ykey = _extra_centers(p, lp, pools, centers, n_left, load, safe)
    _extra_events(lp, pools, ev_need, load)
    for pool in pools.values():
        _extra_load(p, lp, pool, places, load)
    res = lp.solve()
    if res is None:
        return None
    value, x = res
    if not lp.cols:
        return 0, {}
    flows = {key: x[j] for j, key in ykey.items() if x[j] > 1e-6}
    return rounded_up(value), flows


def _extra_centers(p, lp, pools, centers, n_left, load, safe: bool) -> dict[int, tuple[str, str]]:
    """Per center and person the sessions ``y`` (the trip's cost each), within the
    center's least and most sessions needing each discipline and needing one."""
    ykey: dict[int, tuple[str, str]] = {}
    # people beyond the education member a session can need (one for a usual topic)
    per_session = max((len(set(t.disciplines) & set(pools)) for t in p.data.topics), default=0)
    for c in centers:
        n = n_left[c.center_id]
        need = min_extra(p, n, safe and bool(p.fixed_of(c)))
        if not n:
            continue
        every: list[tuple[int, float]] = []
        for d, pool in pools.items():
            mine = []
            for st in pool:
                j = lp.col(trip_cost(p, st.street_id, c.street_id), 0, n)
                ykey[j] = (c.center_id, st.staff_id)
                mine.append((j, 1.0))
                load[st.staff_id].append((j, 1.0))
            lp.row(mine, min_of(p, n, safe and bool(p.fixed_of(c)), d), n)
            every += mine
        if every:
            lp.row(every, need, n * per_session)
    return ykey


def _extra_events(lp, pools, ev_need, load) -> None:
    """The district events' doctors and psychologists (no trip cost; they take places)."""
    for d, pool in pools.items():
        for _, k, count in ev_need[d]:
            mine = []
            for st in pool:
                j = lp.col(0, 0, count)
                mine.append((j, 1.0))
                load[st.staff_id].append((j, 1.0))
            lp.row(mine, k * count, k * count)


def _extra_load(p, lp, pool, places, load) -> None:
    """Each person's year within their places; the sessions above ``T/n + 1 - 1/n``."""
    inf = math.inf
    n_d = len(pool)
    lv = {st.staff_id: lp.col(0, 0, places[st.staff_id]) for st in pool}
    for st in pool:
        lp.row([*load[st.staff_id], (lv[st.staff_id], -1.0)], 0, 0)
    total = lp.col(0, 0, inf)
    lp.row([*((j, 1.0) for j in lv.values()), (total, -1.0)], 0, 0)
    for st in pool:
        e = lp.col(p.rules.weights.load, 0, inf)
        # e >= l - T/n - (1 - 1/n)
        lp.row([(e, 1.0), (lv[st.staff_id], -1.0), (total, 1.0 / n_d)], -(1 - 1 / n_d), inf)


def _relaxation_inputs(p: SessionProblem):
    months = range(p.start.month, 13)
    places = {s.staff_id: sum(month_places(p, s, mo) for mo in months) for s in p.data.staff}
    centers = [c for c in p.data.centers if c.sessions_per_year]
    n_left = {c.center_id: sessions_needed(p, c, p.fixed_of(c)) for c in centers}
    ev_need: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for e in p.data.events:
        done = sum(1 for s in p.fixed if s.event_id == e.event_id)
        for d, k in p.event_team(e).items():
            ev_need[d].append((e.event_id, k, max(0, e.count - done)))
    return centers, n_left, ev_need, places


def choose_partners(p: SessionProblem) -> dict[str, tuple[tuple[str, int], ...]]:
    """Each center's medical and psychology partners: the people the linear relaxation
    (:func:`extra_lp`) sends its sessions needing one, with how many (rounded, at least
    one: rounding down lowers the discipline's total and with it the fair share), in
    staff order. The calendar aims at these numbers of sessions per
    discipline and prefers the partners' free days for them; the teams stay free to
    choose anyone."""
    lp = relaxed_extra(p, safe=False)
    if lp is None:
        return {}
    order = {s.staff_id: i for i, s in enumerate(p.data.staff)}
    out: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (cid, sid), x in sorted(lp[1].items(), key=lambda kv: (kv[0][0], order[kv[0][1]])):
        n = max(1, math.floor(x + 0.5))
        out[cid].append((sid, n))
    return {cid: tuple(v) for cid, v in out.items()}
