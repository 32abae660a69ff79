"""The visit planner's soft goals: one weights dataclass, one function per goal measuring
it on a finished plan, and the registry the plan reports from.

What the routing objective holds (all in minutes of travel, PyVRP's integer costs):
travel time of every route; for every family in the plan a prize for its visit, high for
a family whose window ends this week (the hard rule; a missed one costs ``due_prize``),
lower for a family that could wait (``early_prize``); and, inside a family's prize, a
deduction per day after its earliest possible date (``per_day_later``), so the earliest
half-day is preferred when the detour is small.

Two goals depend on who visits, which a router's costs cannot say (its clients do not know
the vehicle, its vehicles do not know the week): a second visit to a family by someone
other than its earlier visitor (``same_person``), and visits above a person's fair share
of the week (``balance``). They are weighed by the post-pass of ``improve.py``, which
moves visits between the router's routes while the weighed total falls.

One depends on which kind of team visits, which the router does say: a person at a visit
whose discipline the family does not need (``spare_person``: a pair visiting a family that
needs one discipline). The router holds it as a second routing profile for the pairs'
vehicles, whose arcs into such a family cost ``spare_person`` more (``solve.build``); the
repair and the post-pass count it too.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from tuoyu.optimizer.solve import SoftGoal


@dataclass(frozen=True)
class VisitWeights:
    """The weights, in minutes of travel a planner would trade for them."""

    due_prize: int = 100_000  # a family whose window ends this week: never traded for travel
    overdue_prize: int = 120_000  # a family already past its window: first of all
    early_prize: int = 600  # a family whose window ends later: worth a detour of 10 hours
    per_day_later: int = 15  # minutes of travel worth one day earlier for a family
    travel: int = 1  # per minute of travel
    #: a second visit made by none of the family's earlier visitors
    same_person: int = 45
    #: a visit above a person's fair share of the week (their share of the week's visits
    #: in proportion to the visits they could make, rounded up)
    balance: int = 20
    #: a person at a visit whose discipline the family does not need (a two-person team
    #: visiting a family that needs one discipline): that person's hour of the visit,
    #: and the pair's visit not left for a family that needs both
    spare_person: int = 60


@dataclass(frozen=True)
class VisitOutcome:
    """What the goals measure, from the plan's visits (computed by the solver module)."""

    travel_minutes: int
    days_after_earliest: int  # summed over visited families
    early_missed: int  # families that could wait, not visited this week
    loads: Sequence[int]  # visits per staff member who could visit this week
    other_person: int = 0  # second visits made by none of the family's earlier visitors
    above_share: int = 0  # visits above the staff members' fair shares, summed
    spare_people: int = 0  # people at visits beyond the disciplines the family needs


def travel_time(o: VisitOutcome, w: VisitWeights) -> SoftGoal:
    return SoftGoal("visits.goal.travel_minutes", o.travel_minutes, w.travel)


def earliest_possible_date(o: VisitOutcome, w: VisitWeights) -> SoftGoal:
    return SoftGoal("visits.goal.days_after_earliest", o.days_after_earliest, w.per_day_later)


def families_that_could_wait(o: VisitOutcome, w: VisitWeights) -> SoftGoal:
    return SoftGoal("visits.goal.early_missed", o.early_missed, w.early_prize)


def same_person_again(o: VisitOutcome, w: VisitWeights) -> SoftGoal:
    """A family visited before prefers the same person: second visits by none of its
    earlier visitors."""
    return SoftGoal("visits.goal.other_person", o.other_person, w.same_person)


def balanced_load(o: VisitOutcome, w: VisitWeights) -> SoftGoal:
    """Visits above each person's fair share of the week, summed (weighed)."""
    return SoftGoal("visits.goal.above_fair_share", o.above_share, w.balance)


def no_spare_person(o: VisitOutcome, w: VisitWeights) -> SoftGoal:
    """People sent beyond a family's needs: a two-person team visiting a family that
    needs one discipline. The second person's hour is spent where it is not needed, and
    the pair's visit (scarce: pairs are few) is not left for a family needing both."""
    return SoftGoal("visits.goal.spare_people", o.spare_people, w.spare_person)


def load_spread(o: VisitOutcome, w: VisitWeights) -> SoftGoal:
    """Reported only (weight 0): the spread of visits between the busiest and the least
    busy staff member who could visit."""
    spread = (max(o.loads) - min(o.loads)) if o.loads else 0
    return SoftGoal("visits.goal.load_spread", spread, 0)


GOALS: dict[str, Callable[[VisitOutcome, VisitWeights], SoftGoal]] = {
    "travel_time": travel_time,
    "earliest_possible_date": earliest_possible_date,
    "families_that_could_wait": families_that_could_wait,
    "same_person_again": same_person_again,
    "balanced_load": balanced_load,
    "no_spare_person": no_spare_person,
    "load_spread": load_spread,
}


def other_person(earlier: Sequence[str], visitors: Sequence[str]) -> int:
    """1 when a family visited before (``earlier``) is visited by none of them, else 0."""
    return int(bool(earlier) and not set(earlier) & set(visitors))


def spare_people(needed: int, visitors: int) -> int:
    """People at a visit beyond the ``needed`` disciplines (one person each)."""
    return max(0, visitors - needed)


def fair_shares(capacity: Mapping[str, int], total: int) -> dict[str, int]:
    """Each person's fair share of ``total`` visits: in proportion to the visits they could
    make this week, rounded up (someone free one day a week is not asked for the mean)."""
    room = sum(capacity.values())
    if room <= 0:
        return {s: 0 for s in capacity}
    return {s: math.ceil(total * c / room - 1e-9) for s, c in capacity.items()}


def above_fair_share(loads: Mapping[str, int], shares: Mapping[str, int]) -> int:
    """Visits above the fair shares, summed over the people."""
    return sum(max(0, loads.get(s, 0) - shares[s]) for s in shares)


@dataclass
class WeekLoads:
    """Each person's visits of a week (a pair's visit counts for both), for the change a
    moved visit makes to the visits above fair share (``balanced_load``). The post-pass
    (``improve.py``) weighs its moves with it and the far visits' explanations
    (``far.py``) the moves they try, so both count the goal as the plan reports it."""

    capacity: Mapping[str, int]  # the visits each person could make this week
    loads: dict[str, int] = field(default_factory=dict)
    total: int = 0  # person-visits of the week: the fair shares follow it
    _shares: dict[int, dict[str, int]] = field(default_factory=dict, repr=False)
    _above: dict[int, int] = field(default_factory=dict, repr=False)

    def add(self, staff: Sequence[str], k: int = 1) -> None:
        """Count ``k`` visits (negative: taken away) of the team ``staff``."""
        for s in staff:
            self.loads[s] = self.loads.get(s, 0) + k
            self.total += k
        self._above.clear()

    def shares(self, total: int) -> dict[str, int]:
        if total not in self._shares:
            self._shares[total] = fair_shares(self.capacity, total)
        return self._shares[total]

    def above(self, total: int | None = None) -> int:
        """The visits above fair share of the current loads, were the week's total
        ``total`` (default: the current one). Cached until the loads change: a move
        changes the total by the difference of the teams' sizes, so few totals are asked."""
        t = self.total if total is None else total
        if t not in self._above:
            self._above[t] = above_fair_share(self.loads, self.shares(t))
        return self._above[t]

    def above_share_change(self, out: Sequence[str], into: Sequence[str]) -> int:
        """The change of the visits above fair share when one visit moves from the team
        ``out`` to the team ``into``. Every share follows the week's total, which changes
        when the teams' sizes differ; the loads change only for the people in one team and
        not the other (someone in both keeps their load)."""
        change: dict[str, int] = {}
        for s in out:
            change[s] = change.get(s, 0) - 1
        for s in into:
            change[s] = change.get(s, 0) + 1
        new_total = self.total + len(into) - len(out)
        shares = self.shares(new_total)
        after = self.above(new_total)
        for s, k in change.items():
            if k and s in shares:
                load = self.loads.get(s, 0)
                after += max(0, load + k - shares[s]) - max(0, load - shares[s])
        return after - self.above()


def loads_by_staff(assignments: Sequence[tuple[str, ...]], staff: Sequence[str]) -> list[int]:
    count: dict[str, int] = defaultdict(int)
    for ids in assignments:
        for s in ids:
            count[s] += 1
    return [count[s] for s in staff]
