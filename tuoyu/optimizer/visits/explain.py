"""Why a family cannot be visited this week, as findings with amounts.

Two proofs, both made by counting people (never by the pre-paired teams, so a shortage
proven here is one no other pairing or routing could avoid):

* ``family_no_slot``: no half-day the family gave, within its window, has a free person
  of each discipline it needs;
* ``discipline_short``: for a discipline and a date, more families due by that date need
  it than its people can visit by then (their daily limits over their free days).

And, for a family not yet due that the week leaves out, why and by when it must be
visited (``left_for_later``), from the week's teams and routes as planned: no half-day
of its within the week, no team-day free with its disciplines on its half-days (or its
people free, but not paired), every such team-day full or without room in the half-day,
or a place that costs more than leaving it to a later week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from tuoyu.models.findings import Finding, clash, info
from tuoyu.models.visits import Family
from tuoyu.optimizer.visits.problem import DISCIPLINES, VisitProblem


def family_has_a_slot(problem: VisitProblem, f: Family) -> bool:
    """Some half-day of the family has a free person of every needed discipline."""
    for s in problem.family_slots(f):
        ok = True
        for d in problem.needed(f):
            if not any(
                p.discipline == d and s.half in problem.free_halves(p, s.date)
                and problem.person_capacity(p, s.date) > 0
                for p in problem.staff
            ):
                ok = False
                break
        if ok:
            return True
    return False


def no_slot_findings(problem: VisitProblem, families: Iterable[Family]) -> list[Finding]:
    out = []
    for f in families:
        if not family_has_a_slot(problem, f):
            out.append(clash("visits.family_no_slot", family_id=f.family_id,
                             needs=list(problem.needed(f)),
                             first=problem.window(f)[0].isoformat(),
                             last=problem.window(f)[1].isoformat()))
    return out


def discipline_shortages(problem: VisitProblem,
                         due: Iterable[Family]) -> list[Finding]:
    """Per discipline, the worst date: families due by then needing it, against the visits
    its people can make from the first day of the horizon to then."""
    due = list(due)
    ends = sorted({problem.window(f)[1] for f in due})
    out = []
    for d in DISCIPLINES:
        people = [p for p in problem.staff if p.discipline == d]
        worst: tuple[int, dt.date, int, int] | None = None
        for t in ends:
            demand = sum(1 for f in due if d in problem.needed(f) and problem.window(f)[1] <= t)
            if demand == 0:
                continue
            days = [x for x in problem.dates if x <= t]
            capacity = sum(problem.person_capacity(p, x) for p in people for x in days)
            short = demand - capacity
            if short > 0 and (worst is None or short > worst[0]):
                worst = (short, t, demand, capacity)
        if worst is not None:
            short, t, demand, capacity = worst
            out.append(clash("visits.discipline_short", discipline=d,
                             week=problem.week_start.isoformat(), by=t.isoformat(),
                             demand=demand, capacity=capacity, short=short))
    return out


def due_week(problem: VisitProblem, f: Family) -> dt.date:
    """The Monday of the week the family's window ends in: the week whose plan must
    visit it."""
    last = problem.window(f)[1]
    return last - dt.timedelta(days=last.weekday())


def left_for_later(problem: VisitProblem, f: Family, *, team_days: int, full: int,
                   cheapest: int | None, prize: int) -> Finding:
    """Why a family not yet due is not in this week's plan, and when it must be visited.

    ``team_days``: the team-days holding its disciplines free on one of its half-days;
    ``full``: how many of them are at their daily limit; ``cheapest``: the least added
    cost (travel, lateness, people beyond its needs, in minutes) of a place in the week's
    routes that keeps every hard rule, None when there is none; ``prize``: what visiting
    it this week is worth (the cost of leaving it, ``VisitWeights.early_prize``)."""
    first, last = problem.window(f)
    common = {"family_id": f.family_id, "needs": list(problem.needed(f)),
              "last": last.isoformat(), "due_week": due_week(problem, f).isoformat()}
    halves = len(problem.family_slots(f))
    if halves == 0:
        return info("visits.later.no_half_day", first=first.isoformat(), **common)
    if team_days == 0:
        if len(problem.needed(f)) > 1 and family_has_a_slot(problem, f):
            # its people are free together, but not in one of the week's pairs
            return info("visits.later.no_pair", halves=halves, **common)
        return info("visits.later.no_team", halves=halves, **common)
    if cheapest is None:
        if full == team_days:
            return info("visits.later.full", team_days=team_days, **common)
        return info("visits.later.no_room", team_days=team_days, full=full, **common)
    if cheapest >= prize:
        return info("visits.later.costly", team_days=team_days, minutes=cheapest,
                    prize=prize, **common)
    return info("visits.later.not_fitted", minutes=cheapest, prize=prize, **common)
