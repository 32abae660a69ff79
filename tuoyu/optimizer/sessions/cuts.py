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


class _Flow:
    """A small max-flow (augmenting paths, breadth first): deterministic, exact."""

    def __init__(self) -> None:
        self.cap: dict[tuple[object, object], int] = defaultdict(int)
        self.adj: dict[object, list[object]] = defaultdict(list)

    def edge(self, a: object, b: object, c: int) -> None:
        if (a, b) not in self.cap and (b, a) not in self.cap:
            self.adj[a].append(b)
            self.adj[b].append(a)
        self.cap[a, b] += c

    def _path(self, s: object, t: object) -> dict[object, object] | None:
        parent: dict[object, object] = {s: s}
        queue = [s]
        for a in queue:
            for b in self.adj[a]:
                if b not in parent and self.cap[a, b] > 0:
                    parent[b] = a
                    if b == t:
                        return parent
                    queue.append(b)
        return None

    def run(self, s: object, t: object) -> int:
        total = 0
        while (parent := self._path(s, t)) is not None:
            b, push = t, None
            while b != s:
                a = parent[b]
                push = self.cap[a, b] if push is None else min(push, self.cap[a, b])
                b = a
            b = t
            while b != s:
                a = parent[b]
                self.cap[a, b] -= push  # type: ignore[operator]
                self.cap[b, a] += push  # type: ignore[operator]
                b = a
            total += push  # type: ignore[operator]
        return total

    def reachable(self, s: object) -> set[object]:
        seen = {s}
        queue = [s]
        for a in queue:
            for b in self.adj[a]:
                if b not in seen and self.cap[a, b] > 0:
                    seen.add(b)
                    queue.append(b)
        return seen


def staff_month(
    p: SessionProblem, disc: str, month: int, demand: dict[int, int]
) -> tuple[dict[int, list[str]], StaffingCut | None]:
    """Name people for the half-days of one discipline and month (``demand``: people per
    slot): a valid assignment slot -> people, or the violated cut when none exists."""
    f = _Flow()
    src, snk = ("src",), ("snk",)
    pool = p.pools[disc]
    for h in sorted(demand):
        f.edge(src, ("h", h), demand[h])
        for s in pool:
            if h // 2 in p.available_days[s.staff_id]:
                f.edge(("h", h), ("s", s.staff_id), 1)
    for s in pool:
        f.edge(("s", s.staff_id), snk, p.room(s, month))
    need = sum(demand.values())
    if f.run(src, snk) == need:
        out: dict[int, list[str]] = {}
        for h in sorted(demand):
            out[h] = [s.staff_id for s in pool if f.cap[("s", s.staff_id), ("h", h)] > 0]
        return out, None
    seen = f.reachable(src)
    slots = frozenset(h for h in demand if ("h", h) in seen)
    cut = StaffingCut(
        disc,
        month,
        tuple(sorted(slots)),
        sum(demand[h] for h in slots),
        cut_capacity(p, disc, month, slots),
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
