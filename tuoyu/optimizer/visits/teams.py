"""Who visits together: the week's teams, formed before routing.

A family whose needs span two disciplines is visited by two people, one of each
(``VisitRules.pairs``). A router moves vehicles, not people, so two people who travel
together are one vehicle: we pair them up for the week before routing ("pre-paired
teams as vehicles"). Everyone not in a pair visits alone. The pairing is a heuristic
choice, made greedily and deterministically:

* the families needing two disciplines are taken in order of their window's end (then id);
* a family that a pair already formed can reach (free on one of its half-days, with a
  visit to spare that day) takes one of that pair's visits;
* otherwise a new pair is formed on one of the family's half-days, of two free people
  (one of each discipline, among the five nearest to the family of each): the two who
  could make the most visits together this week (their common half-days, less what the
  second member's commute to the first's base takes), then the nearest (to the family,
  and to each other).

The pair's day starts and ends at its first member's base: the second member travels
there from their own base and back within their working hours, and that commute is
travel (``Team.commute``; the router's shift and a fixed cost per day out, ``solve.py``).

What this gives up: a person is in one team all week (a person in a pair cannot also go
alone on another day), and the pairs are not chosen by the router. The counting proofs
of ``explain.py`` never assume the pairing: they count people, so a shortage they prove
is one no pairing could avoid.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from tuoyu.models.visits import Family, VisitStaff
from tuoyu.optimizer.visits.problem import VisitProblem, travel_minutes


@dataclass(frozen=True)
class Team:
    """One vehicle of the week: one person, or two who visit together."""

    members: tuple[VisitStaff, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(m.staff_id for m in self.members)

    @property
    def name(self) -> str:
        return "+".join(self.ids)

    @property
    def disciplines(self) -> frozenset[str]:
        return frozenset(m.discipline for m in self.members)

    @property
    def base(self) -> tuple[float, float]:
        """Where the team's day starts and ends: the first member's base."""
        return self.members[0].base_lon, self.members[0].base_lat

    def commute(self, problem: VisitProblem) -> int:
        """Minutes the other members travel from their own bases to the team's (and back
        at the end of the day): within their working hours, and counted as travel."""
        lon, lat = self.base
        return max((travel_minutes(m.base_lon, m.base_lat, lon, lat, problem.rules)
                    for m in self.members[1:]), default=0)

    def free_halves(self, problem: VisitProblem, day: dt.date) -> tuple[int, ...]:
        sets = [set(problem.free_halves(m, day)) for m in self.members]
        return tuple(sorted(set.intersection(*sets)))

    def capacity(self, problem: VisitProblem, day: dt.date) -> int:
        if not self.free_halves(problem, day):
            return 0
        fit = sum(
            (problem.rules.half_hours[h][1] - problem.rules.half_hours[h][0])
            // problem.rules.visit_minutes
            for h in self.free_halves(problem, day)
        )
        return min(min(m.max_visits_per_day for m in self.members), fit)

    def serves(self, needed: tuple[str, ...]) -> bool:
        return set(needed) <= self.disciplines


#: candidates of each discipline considered for a new pair: the nearest to the family
NEAREST = 5


def pair_demand(problem: VisitProblem) -> Counter[tuple[str, str]]:
    """Families in the week needing each pair of disciplines."""
    out: Counter[tuple[str, str]] = Counter()
    for f in problem.families:
        need = problem.needed(f)
        if len(need) == 2 and problem.family_slots(f):
            a, b = sorted(need)
            out[(a, b)] += 1
    return out


_PairKey = tuple[int, int, dt.date, int, str, str]


@dataclass
class _Pairing:
    """The pairs formed so far, with the people still free and each pair's visits used."""

    problem: VisitProblem
    slots_of: dict[str, set[tuple[dt.date, int]]]
    free: dict[str, VisitStaff]
    pairs: list[Team] = field(default_factory=list)
    pair_slots: dict[str, set[tuple[dt.date, int]]] = field(default_factory=dict)
    used: Counter[tuple[str, dt.date]] = field(default_factory=Counter)
    cap: dict[tuple[str, dt.date], int] = field(default_factory=dict)

    def reserve_on_a_pair(self, need: list[str], slots: list[tuple[dt.date, int]]) -> bool:
        """A pair holding both disciplines, free on one of the family's half-days with a
        visit to spare that day, takes it: True when one does."""
        for t in self.pairs:
            if not set(need) <= t.disciplines:
                continue
            for d, h in slots:
                if (d, h) in self.pair_slots[t.name] and self.used[t.name, d] < self.cap[t.name, d]:
                    self.used[t.name, d] += 1
                    return True
        return False

    def nearest_free(self, disc: str, slot: tuple[dt.date, int], f: Family) -> list[VisitStaff]:
        """The NEAREST free people of a discipline free on that half-day, nearest first."""
        rules = self.problem.rules
        cands = [p for p in self.free.values()
                 if p.discipline == disc and slot in self.slots_of[p.staff_id]]
        cands.sort(key=lambda p: (
            travel_minutes(p.base_lon, p.base_lat, f.lon, f.lat, rules), p.staff_id))
        return cands[:NEAREST]

    def best_new_pair(self, f: Family, need: list[str], slots: list[tuple[dt.date, int]]
                      ) -> tuple[_PairKey, VisitStaff, VisitStaff] | None:
        """The two free people to pair for the family: the most visits they could make
        together this week (:meth:`week_visits`: their common half-days, less the second
        member's commute), then the least travel (to the family, and the commute each
        way), then the earliest half-day, then their ids."""
        rules = self.problem.rules
        best: tuple[_PairKey, VisitStaff, VisitStaff] | None = None
        for d, h in slots:
            near = [self.nearest_free(disc, (d, h), f) for disc in need]
            for p in near[0]:
                for q in near[1]:
                    commute = travel_minutes(p.base_lon, p.base_lat, q.base_lon, q.base_lat,
                                             rules)
                    key = (-self.week_visits(p, q, commute),
                           travel_minutes(p.base_lon, p.base_lat, f.lon, f.lat, rules)
                           + travel_minutes(q.base_lon, q.base_lat, f.lon, f.lat, rules)
                           + 2 * commute,
                           d, h, p.staff_id, q.staff_id)
                    if best is None or key < best[0]:
                        best = (key, p, q)
        return best

    def week_visits(self, p: VisitStaff, q: VisitStaff, commute: int) -> int:
        """About how many visits p and q could make together this week: per day, the
        visits their common half-days hold, less those the second member's commute to
        the first's base (each way) takes, within both daily limits. A ranking of
        candidate pairs, not a limit (the router's time windows are)."""
        rules = self.problem.rules
        common = self.slots_of[p.staff_id] & self.slots_of[q.staff_id]
        total = 0
        for d in sorted({d for d, _ in common}):
            fit = sum((rules.half_hours[h][1] - rules.half_hours[h][0]) // rules.visit_minutes
                      for dd, h in common if dd == d)
            fit -= -(-2 * commute // rules.visit_minutes)  # ceil
            total += max(0, min(fit, p.max_visits_per_day, q.max_visits_per_day))
        return total

    def add_pair(self, p: VisitStaff, q: VisitStaff, first_day: dt.date) -> None:
        """Pair p and q for the week, its first visit taken on ``first_day``."""
        problem = self.problem
        team = Team((p, q))
        self.pairs.append(team)
        self.pair_slots[team.name] = {(d, h) for d in problem.dates
                                      for h in team.free_halves(problem, d)}
        for d in problem.dates:
            self.cap[team.name, d] = team.capacity(problem, d)
        self.used[team.name, first_day] += 1
        del self.free[p.staff_id], self.free[q.staff_id]


def form_teams(problem: VisitProblem) -> tuple[Team, ...]:
    """The week's teams: pairs for the two-discipline families, everyone else alone.

    The families needing two disciplines are taken in order of their window's end; a
    family already reachable by a pair (free on one of its half-days, with a visit to
    spare that day) reserves that visit; otherwise a new pair is formed of the two free
    people, one of each discipline, free on one of its half-days and nearest to it."""
    people = [p for p in problem.staff if any(problem.free_halves(p, d) for d in problem.dates)]
    slots_of = {p.staff_id: {(d, h) for d in problem.dates for h in problem.free_halves(p, d)}
                for p in people}
    free: dict[str, VisitStaff] = {p.staff_id: p for p in people}
    if not problem.rules.pairs:
        return tuple(Team((p,)) for p in sorted(free.values(), key=lambda x: x.staff_id))
    pairing = _Pairing(problem, slots_of, free)
    fams = [f for f in problem.families if len(problem.needed(f)) == 2
            and problem.family_slots(f)]
    fams.sort(key=lambda f: (problem.window(f)[1], f.family_id))
    for f in fams:
        need = sorted(problem.needed(f))
        slots = [(s.date, s.half) for s in problem.family_slots(f)]
        if pairing.reserve_on_a_pair(need, slots):
            continue
        best = pairing.best_new_pair(f, need, slots)
        if best is not None:
            pairing.add_pair(best[1], best[2], best[0][2])
    singles = [Team((p,)) for p in sorted(free.values(), key=lambda x: x.staff_id)]
    return tuple(pairing.pairs) + tuple(singles)
