"""Can the teams of a calendar be named? Exactly, by max-flow; and if not, the cut that
takes that calendar (and every calendar short in the same way) out of the calendar model.

The team rules (one place per half-day, monthly limits, available days and leave) split
by discipline (the disciplines partition the staff) and by month (the limits are
monthly). For one discipline and month, the teams of a calendar are a flow: half-day
``h`` needs ``d(h)`` people; person ``s`` can serve ``h`` once if available that day;
person ``s`` serves at most ``L(s)`` sessions (monthly limit less kept ones). By max-flow
min-cut (Gale, Hall) the teams exist iff for every set ``H`` of half-days of the month

    sum_{h in H} d(h)  <=  cap(H) = sum_s min(L(s), |{h in H : s available at h}|).

The right side does not depend on the calendar, the left is linear in it: a violated
set ``H`` (read off the min cut) is a cut valid for every calendar that has teams. The
calendar model with all such cuts holds exactly the calendars that have teams: a logic
based Benders decomposition, exact, so "no calendar" after the cuts is a proof.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow
from ortools.sat.python import cp_model

from tuoyu.models.sessions import Session
from tuoyu.optimizer.sessions.problem import SessionProblem
from tuoyu.optimizer.sessions.rules import CenterVars, EventVars


@dataclass(frozen=True)
class StaffingCut:
    """Half-days ``slots`` (of one discipline and month) need ``demand`` people where the
    staff can give at most ``capacity`` (each person: their monthly limit, or the
    half-days of the set they are available on, whichever is less)."""

    discipline: str
    month: int
    slots: tuple[int, ...]
    demand: int
    capacity: int

    @property
    def short(self) -> int:
        return self.demand - self.capacity


def cut_capacity(p: SessionProblem, disc: str, month: int, slots: frozenset[int]) -> int:
    """cap(H): what the staff of a discipline can give on a set of half-days of a month."""
    out = 0
    for s in p.pools[disc]:
        days = p.available_days[s.staff_id]
        n = sum(1 for h in slots if h // 2 in days)
        out += min(p.room(s, month), n)
    return out


def staff_month(
    p: SessionProblem, disc: str, month: int, demand: dict[int, int]
) -> tuple[dict[int, list[str]], StaffingCut | None]:
    """Name people for the half-days of one discipline and month (``demand``: people per
    slot): a valid assignment slot -> people, or the violated cut when none exists.

    The max-flow is OR-Tools' (``SimpleMaxFlow``, push-relabel in C++; a breadth-first
    augmenting path in Python took a minute on a 937-center district). The cut does not
    depend on which maximum flow the solver finds: the half-days reachable from the
    source in the residual graph of any maximum flow are the same set (the smallest
    minimum cut), so the cuts, and the calendars they shape, are the same as before."""
    pool = p.pools[disc]
    slots = sorted(demand)
    node = {h: 2 + k for k, h in enumerate(slots)}
    person = {s.staff_id: 2 + len(slots) + k for k, s in enumerate(pool)}
    arcs: list[tuple[int, int, int]] = [(0, 1, 0)]  # source 0, sink 1 (an empty arc: both exist)
    arcs += [(0, node[h], demand[h]) for h in slots]
    pairs = [(h, s.staff_id) for h in slots for s in pool if h // 2 in p.available_days[s.staff_id]]
    first_pair = len(arcs)
    arcs += [(node[h], person[sid], 1) for h, sid in pairs]
    arcs += [(person[s.staff_id], 1, max(0, p.room(s, month))) for s in pool]
    a = np.array(arcs, dtype=np.int64)
    f = max_flow.SimpleMaxFlow()
    f.add_arcs_with_capacity(a[:, 0], a[:, 1], a[:, 2])
    if f.solve(0, 1) != f.OPTIMAL:  # never: every capacity is a small non-negative integer
        raise RuntimeError(f"max-flow failed for {disc} in month {month}")
    if f.optimal_flow() == sum(demand.values()):
        out: dict[int, list[str]] = {h: [] for h in slots}
        flows = f.flows(np.arange(first_pair, first_pair + len(pairs), dtype=np.int64))
        for (h, sid), x in zip(pairs, flows, strict=True):
            if x > 0:
                out[h].append(sid)
        return out, None
    seen = set(f.get_source_side_min_cut())
    cut_slots = frozenset(h for h in slots if node[h] in seen)
    cut = StaffingCut(
        disc,
        month,
        tuple(sorted(cut_slots)),
        sum(demand[h] for h in cut_slots),
        cut_capacity(p, disc, month, cut_slots),
    )
    return {}, cut


def demands(p: SessionProblem, sessions: list[Session]) -> dict[tuple[str, int], dict[int, int]]:
    """People needed per (discipline, month) and half-day by a calendar."""
    out: dict[tuple[str, int], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for s in sessions:
        slot = 2 * p.day(s.date) + s.half
        for d, k in p.team_of(s).items():
            out[d, s.date.month][slot] += k
    return out


def check_staffing(
    p: SessionProblem, sessions: list[Session]
) -> tuple[dict[int, dict[str, list[str]]], list[StaffingCut]]:
    """Teams for a calendar by flow: per session index and discipline the people named,
    or, when the calendar cannot be staffed, the violated cuts (one per discipline and
    month that falls short)."""
    need = demands(p, sessions)
    slot_people: dict[tuple[str, int], list[str]] = {}
    cuts = []
    for disc, mo in sorted(need):
        assigned, cut = staff_month(p, disc, mo, need[disc, mo])
        if cut is not None:
            cuts.append(cut)
        for h, people in assigned.items():
            slot_people[disc, h] = list(people)
    if cuts:
        return {}, cuts
    teams: dict[int, dict[str, list[str]]] = {}
    order = sorted(range(len(sessions)), key=lambda k: (sessions[k].event_id != "", k))
    for k in order:
        s = sessions[k]
        slot = 2 * p.day(s.date) + s.half
        teams[k] = {}
        for d, n in p.team_of(s).items():
            people = slot_people[d, slot]
            teams[k][d], slot_people[d, slot] = people[:n], people[n:]
    return teams, []


class CutBuilder:
    """Adds staffing cuts to a calendar model: ``sum of demand in H <= cap(H)``, with one
    literal per session telling whether its slot lies in ``H``."""

    def __init__(self, m: cp_model.CpModel, cvs: list[CenterVars], evs: list[EventVars]):
        self.m, self.cvs, self.evs = m, cvs, evs
        self.count = 0

    def _in(self, var: cp_model.IntVar, domain: frozenset[int], slots: frozenset[int]):
        inside = sorted(domain & slots)
        if not inside:
            return 0
        if len(inside) == len(domain):
            return 1
        b = self.m.new_bool_var("in_h")
        self.m.add_linear_expression_in_domain(
            var, cp_model.Domain.from_values(inside)
        ).only_enforce_if(b)
        self.m.add_linear_expression_in_domain(
            var, cp_model.Domain.from_values(sorted(domain - slots))
        ).only_enforce_if(b.Not())
        return b

    def add(self, disc: str, slots: frozenset[int], cap: int, guard: list | None = None) -> None:
        m = self.m
        terms: list = []
        for cv in self.cvs:
            dom = cv.slots
            if not cv.n or not dom & slots:
                continue
            for i in range(cv.n):
                b = self._in(cv.slot[i], dom, slots)
                need = 1 if disc == "education" else cv.need.get((i, disc), 0)
                if isinstance(b, int) or isinstance(need, int):
                    terms.append(b * need if isinstance(b, int) else (b if need else 0))
                    continue
                y = m.new_bool_var("need_in_h")
                m.add_bool_or([b.Not(), need.Not(), y])
                terms.append(y)
        for ev in self.evs:
            k = ev.team.get(disc, 0)
            if not k or not ev.slots & slots:
                continue
            for s in ev.slot:
                b = self._in(s, ev.slots, slots)
                terms.append(k * b)
        m.add(sum(terms) <= cap).only_enforce_if(guard or [])
        self.count += 1
