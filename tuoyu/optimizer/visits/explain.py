"""Why a family cannot be visited this week, as findings with amounts.

Two proofs, both made by counting people (never by the pre-paired teams, so a shortage
proven here is one no other pairing or routing could avoid):

* ``family_no_slot``: no half-day the family gave, within its window, has a free person
  of each discipline it needs;
* ``discipline_short``: for a discipline and a date, more families due by that date need
  it than its people can visit by then (their daily limits over their free days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from tuoyu.models.findings import Finding, clash
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
