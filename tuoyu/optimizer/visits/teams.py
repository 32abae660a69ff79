"""Who visits together: the week's teams, formed before routing.

A family whose needs span two disciplines is visited by two people, one of each
(``VisitRules.pairs``). A router moves vehicles, not people, so two people who travel
together are one vehicle: we pair them up for the week before routing ("pre-paired
teams as vehicles"). Everyone not in a pair visits alone. The pairing is a heuristic
choice, made greedily and deterministically:

* for each pair of disciplines, in order of how many families need it, pairs are formed
  until every such family has a pair free on one of its half-days (where any can be),
  and their visit capacity over the week covers those families with a quarter to spare
  (or the people run out);
* the next pair is the one free on the half-days of the most families not yet reached,
  then with the most half-days free in common, then the nearest bases, the smallest ids.

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


def _week_capacity(team: Team, problem: VisitProblem) -> int:
    return sum(team.capacity(problem, d) for d in problem.dates)


def pair_demand(problem: VisitProblem) -> Counter[tuple[str, str]]:
    """Families in the week needing each pair of disciplines."""
    out: Counter[tuple[str, str]] = Counter()
    for f in problem.families:
        need = problem.needed(f)
        if len(need) == 2 and problem.family_slots(f):
            a, b = sorted(need)
            out[(a, b)] += 1
    return out


def form_teams(problem: VisitProblem, spare: float = 1.25) -> tuple[Team, ...]:
    """The week's teams: pairs for the two-discipline families, everyone else alone."""
    people = [p for p in problem.staff if any(problem.free_halves(p, d) for d in problem.dates)]
    free: dict[str, VisitStaff] = {p.staff_id: p for p in people}
    pairs: list[Team] = []
    demand = pair_demand(problem) if problem.rules.pairs else Counter()
    for (a, b), n in sorted(demand.items(), key=lambda kv: (-kv[1], kv[0])):
        fams = [f for f in problem.families
                if tuple(sorted(problem.needed(f))) == (a, b) and problem.family_slots(f)]
        uncovered = {f.family_id: {(s.date, s.half) for s in problem.family_slots(f)}
                     for f in fams}
        covered = 0
        while True:
            best: tuple[tuple[int, int, int, str, str], Team, set[str]] | None = None
            for p in (x for x in free.values() if x.discipline == a):
                for q in (x for x in free.values() if x.discipline == b):
                    team = Team((p, q))
                    halves = {(d, h) for d in problem.dates
                              for h in team.free_halves(problem, d)}
                    if not halves:
                        continue
                    reach = {fid for fid, slots in uncovered.items() if slots & halves}
                    key = (-len(reach), -len(halves),
                           travel_minutes(p.base_lon, p.base_lat, q.base_lon, q.base_lat,
                                          problem.rules), p.staff_id, q.staff_id)
                    if best is None or key < best[0]:
                        best = (key, team, reach)
            if best is None or (covered >= spare * n and not best[2]):
                break
            team = best[1]
            pairs.append(team)
            covered += _week_capacity(team, problem)
            for fid in best[2]:
                del uncovered[fid]
            for m in team.members:
                del free[m.staff_id]
    singles = [Team((p,)) for p in sorted(free.values(), key=lambda x: x.staff_id)]
    return tuple(pairs) + tuple(singles)
