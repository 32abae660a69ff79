"""The soft goals counted on the rows a roster writes (not on the solver's variables).

The model's goal expressions use auxiliary variables that are only bounded from one side
(a day "in far streets" is at least 1 when it takes in two far streets, an inspector's
excess at least the load above the fair share, the busiest day at least every day's
count): at a proven optimum they are tight, in a roster that is only feasible they may
be higher than the roster itself. A plan reports the goals of the rows it writes, so
they are counted here, from the rows and the problem, one function per goal.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

from tuoyu.optimizer.roster.goals import SOFT_GOALS
from tuoyu.optimizer.roster.problem import RosterProblem, RosterRow


def returns_to_last_institution(problem: RosterProblem, rows: Sequence[RosterRow]) -> int:
    """Team members who were in the institution's last team (when that is avoided)."""
    if not problem.rules.avoid_last_team:
        return 0
    last = {v.institution_id: set(v.last_team) for v in problem.visits}
    return sum(1 for r in rows for p in r.inspector_ids if p in last.get(r.institution_id, set()))


def extra_team_members(problem: RosterProblem, rows: Sequence[RosterRow]) -> int:
    """Team members beyond the minimum team, summed over the visits."""
    return sum(len(r.inspector_ids) - problem.rules.min_team for r in rows)


def far_street_days(problem: RosterProblem, rows: Sequence[RosterRow]) -> int:
    """Inspector-days (of inspectors who may do two visits a day) that take in two
    streets which are neither the same nor neighbours."""
    if len({v.street_id for v in problem.visits}) < 2:
        return 0
    per_day = {i.inspector_id: i.max_per_day for i in problem.inspectors}
    streets: dict[tuple[str, object], set[str]] = defaultdict(set)
    for r in rows:
        for p in r.inspector_ids:
            if per_day.get(p, 1) >= 2:
                streets[p, r.date].add(r.street_id)
    none: frozenset[str] = frozenset()
    return sum(
        1
        for ss in streets.values()
        if any(t != s and t not in problem.neighbours.get(s, none) for s in ss for t in ss)
    )


def load_above_fair_share(problem: RosterProblem, rows: Sequence[RosterRow]) -> int:
    """Visits above each at-work inspector's fair share (the month's inspector-visits
    spread evenly over the inspectors at work), summed."""
    at_work = [i.inspector_id for i in problem.inspectors if problem.available[i.inspector_id]]
    if not at_work:
        return 0
    fair = math.ceil(problem.rules.min_team * len(problem.visits) / len(at_work))
    load = Counter(p for r in rows for p in r.inspector_ids)
    return sum(max(0, load[p] - fair) for p in at_work)


def busiest_day(problem: RosterProblem, rows: Sequence[RosterRow]) -> int:
    """Visits on the busiest day of the month."""
    return max(Counter(r.date for r in rows).values(), default=0)


COUNTERS = {
    "return_to_last_institution": returns_to_last_institution,
    "extra_team_member": extra_team_members,
    "team_day_in_far_streets": far_street_days,
    "load_above_fair_share": load_above_fair_share,
    "busiest_day": busiest_day,
}
assert list(COUNTERS) == list(SOFT_GOALS)


def soft_values(problem: RosterProblem, rows: Sequence[RosterRow]) -> dict[str, int]:
    """Every soft goal's value on the rows, by name."""
    return {name: count(problem, rows) for name, count in COUNTERS.items()}


def weighted_cost(problem: RosterProblem, values: dict[str, int]) -> int:
    """The soft objective of those values: every goal's value times its weight."""
    w = problem.rules.weights
    return sum(values[name] * getattr(w, name) for name in SOFT_GOALS)
