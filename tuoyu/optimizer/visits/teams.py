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
  (one of each discipline, among the five nearest to the family of each): the two with
  the most half-days free in common this week, then the nearest.

What this gives up: a person is in one team all week (a person in a pair cannot also go
alone on another day), and the pairs are not chosen by the router. The counting proofs
of ``explain.py`` never assume the pairing: they count people, so a shortage they prove
is one no pairing could avoid.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from tuoyu.models.visits import VisitStaff
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


def form_teams(problem: VisitProblem) -> tuple[Team, ...]:
    """The week's teams: pairs for the two-discipline families, everyone else alone.

    The families needing two disciplines are taken in order of their window's end; a
    family already reachable by a pair (free on one of its half-days, with a visit to
    spare that day) reserves that visit; otherwise a new pair is formed of the two free
    people, one of each discipline, free on one of its half-days and nearest to it."""
    rules = problem.rules
    people = [p for p in problem.staff if any(problem.free_halves(p, d) for d in problem.dates)]
    slots_of = {p.staff_id: {(d, h) for d in problem.dates for h in problem.free_halves(p, d)}
                for p in people}
    free: dict[str, VisitStaff] = {p.staff_id: p for p in people}
    pairs: list[Team] = []
    pair_slots: dict[str, set[tuple[dt.date, int]]] = {}
    used: Counter[tuple[str, dt.date]] = Counter()
    cap: dict[tuple[str, dt.date], int] = {}
    if not rules.pairs:
        return tuple(Team((p,)) for p in sorted(free.values(), key=lambda x: x.staff_id))
    fams = [f for f in problem.families if len(problem.needed(f)) == 2
            and problem.family_slots(f)]
    fams.sort(key=lambda f: (problem.window(f)[1], f.family_id))
    for f in fams:
        need = sorted(problem.needed(f))
        slots = [(s.date, s.half) for s in problem.family_slots(f)]
        done = False
        for t in pairs:
            if not set(need) <= t.disciplines:
                continue
            for d, h in slots:
                if (d, h) in pair_slots[t.name] and used[t.name, d] < cap[t.name, d]:
                    used[t.name, d] += 1
                    done = True
                    break
            if done:
                break
        if done:
            continue
        best: tuple[tuple[int, int, dt.date, int, str, str], VisitStaff, VisitStaff] | None = None
        for d, h in slots:
            near = []
            for disc in need:
                cands = [p for p in free.values()
                         if p.discipline == disc and (d, h) in slots_of[p.staff_id]]
                cands.sort(key=lambda p: (
                    travel_minutes(p.base_lon, p.base_lat, f.lon, f.lat, rules), p.staff_id))
                near.append(cands[:NEAREST])
            for p in near[0]:
                for q in near[1]:
                    common = len(slots_of[p.staff_id] & slots_of[q.staff_id])
                    key = (-common,
                           travel_minutes(p.base_lon, p.base_lat, f.lon, f.lat, rules)
                           + travel_minutes(q.base_lon, q.base_lat, f.lon, f.lat, rules),
                           d, h, p.staff_id, q.staff_id)
                    if best is None or key < best[0]:
                        best = (key, p, q)
        if best is None:
            continue
        _, p, q = best
        team = Team((p, q))
        pairs.append(team)
        pair_slots[team.name] = {(d, h) for d in problem.dates
                                 for h in team.free_halves(problem, d)}
        for d in problem.dates:
            cap[team.name, d] = team.capacity(problem, d)
        used[team.name, best[0][2]] += 1
        del free[p.staff_id], free[q.staff_id]
    singles = [Team((p,)) for p in sorted(free.values(), key=lambda x: x.staff_id)]
    return tuple(pairs) + tuple(singles)
