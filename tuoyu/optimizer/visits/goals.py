"""The visit planner's soft goals: one weights dataclass, one function per goal measuring
it on a finished plan, and the registry the plan reports from.

What the routing objective holds (all in minutes of travel, PyVRP's integer costs):
travel time of every route; for every family in the plan a prize for its visit, high for
a family whose window ends this week (the hard rule; a missed one costs ``due_prize``),
lower for a family that could wait (``early_prize``); and, inside a family's prize, a
deduction per day after its earliest possible date (``per_day_later``), so the earliest
half-day is preferred when the detour is small.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tuoyu.optimizer.solve import SoftGoal


@dataclass(frozen=True)
class VisitWeights:
    """The weights, in minutes of travel a planner would trade for them."""

    due_prize: int = 100_000  # a family whose window ends this week: never traded for travel
    overdue_prize: int = 120_000  # a family already past its window: first of all
    early_prize: int = 600  # a family whose window ends later: worth a detour of 10 hours
    per_day_later: int = 15  # minutes of travel worth one day earlier for a family
    travel: int = 1  # per minute of travel


@dataclass(frozen=True)
class VisitOutcome:
    """What the goals measure, from the plan's visits (computed by the solver module)."""

    travel_minutes: int
    days_after_earliest: int  # summed over visited families
    early_missed: int  # families that could wait, not visited this week
    loads: Sequence[int]  # visits per staff member who could visit this week


def travel_time(o: VisitOutcome, w: VisitWeights) -> SoftGoal:
    return SoftGoal("visits.goal.travel_minutes", o.travel_minutes, w.travel)


def earliest_possible_date(o: VisitOutcome, w: VisitWeights) -> SoftGoal:
    return SoftGoal("visits.goal.days_after_earliest", o.days_after_earliest, w.per_day_later)


def families_that_could_wait(o: VisitOutcome, w: VisitWeights) -> SoftGoal:
    return SoftGoal("visits.goal.early_missed", o.early_missed, w.early_prize)


def balanced_load(o: VisitOutcome, w: VisitWeights) -> SoftGoal:
    """Reported, not optimised (weight 0): the spread of visits between the busiest and
    the least busy staff member who could visit. Daily limits bound it."""
    spread = (max(o.loads) - min(o.loads)) if o.loads else 0
    return SoftGoal("visits.goal.load_spread", spread, 0)


GOALS: dict[str, Callable[[VisitOutcome, VisitWeights], SoftGoal]] = {
    "travel_time": travel_time,
    "earliest_possible_date": earliest_possible_date,
    "families_that_could_wait": families_that_could_wait,
    "balanced_load": balanced_load,
}


def loads_by_staff(assignments: Sequence[tuple[str, ...]], staff: Sequence[str]) -> list[int]:
    count: dict[str, int] = defaultdict(int)
    for ids in assignments:
        for s in ids:
            count[s] += 1
    return [count[s] for s in staff]
