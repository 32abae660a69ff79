"""The hard rules of a week of visits, one function per rule family, each turning the
rule into what the router sees (which half-days a family's visit may take, which teams
may go out when, how many visits a team-day holds, which team may visit which family).

The router (PyVRP) holds them as: a client per (family, half-day it may take), the
family's clients one mutually exclusive group (one visit at most); a vehicle per (team,
day) with a shift of the team's free half-days, a start and end at the team's base and a
capacity of the day's visits; time windows per half-day; and a load dimension per
discipline (a team without the discipline has capacity 0 in it, so a family needing it
cannot ride on that team's route).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from tuoyu.models.visits import Family
from tuoyu.optimizer.visits.problem import DISCIPLINES, Slot, VisitProblem
from tuoyu.optimizer.visits.teams import Team


def within_window_and_family_half_days(problem: VisitProblem, f: Family) -> tuple[Slot, ...]:
    """A visit falls on a half-day the family gave, within its window (after
    registration and the child's first days, at most ``window_days`` after registration);
    a family past its window: on any half-day it gave, as soon as possible."""
    return problem.family_slots(f)


def team_holds_needed_disciplines(problem: VisitProblem, team: Team, f: Family) -> bool:
    """The team holds every discipline the family needs (two at most: a pair)."""
    return team.serves(problem.needed(f))


def discipline_load(problem: VisitProblem, f: Family) -> list[int]:
    """The family's load: one visit, and one unit in each needed discipline's dimension."""
    need = problem.needed(f)
    return [1] + [1 if d in need else 0 for d in DISCIPLINES]


def daily_visit_limit(problem: VisitProblem, team: Team, day: dt.date) -> list[int]:
    """A team-day's capacity: the smallest daily limit of its members (and what fits into
    its free half-days); 0 in the dimensions of the disciplines it does not hold."""
    cap = team.capacity(problem, day)
    return [cap] + [cap if d in team.disciplines else 0 for d in DISCIPLINES]


def free_half_days(problem: VisitProblem, team: Team, day: dt.date) -> tuple[int, ...]:
    """Visit days, working days, leave, guidance sessions and kept visits: the half-days
    every member of the team is free to visit."""
    return team.free_halves(problem, day)


def within_working_hours(problem: VisitProblem, halves: tuple[int, ...],
                         k: int, commute: int = 0) -> tuple[int, int]:
    """A team-day's shift, minutes on the week's line: from the start of its first free
    half-day to the end of its last, less the ``commute`` of a pair's second member to
    the team's base at each end (every member leaves and is back at their own base
    within the hours)."""
    hours = problem.rules.half_hours
    return (k * 1440 + hours[halves[0]][0] + commute,
            k * 1440 + hours[halves[-1]][1] - commute)


def visit_in_the_half_day(problem: VisitProblem, slot: Slot) -> tuple[int, int]:
    """A visit starts and ends within its half-day: its start between the half-day's
    start and its end less the visit's length."""
    return slot.start(problem.rules), slot.end(problem.rules) - problem.rules.visit_minutes


def not_in_two_places(teams: tuple[Team, ...]) -> None:
    """Each person is in one team of the week and a team has one route a day: nobody is
    in two places. Checked here (the teams are formed before), as an invariant."""
    seen: set[str] = set()
    for t in teams:
        for sid in t.ids:
            if sid in seen:
                raise AssertionError(f"person {sid} in two teams")
            seen.add(sid)


RULES: dict[str, Callable[..., object]] = {
    "within_window_and_family_half_days": within_window_and_family_half_days,
    "team_holds_needed_disciplines": team_holds_needed_disciplines,
    "daily_visit_limit": daily_visit_limit,
    "free_half_days": free_half_days,
    "within_working_hours": within_working_hours,
    "visit_in_the_half_day": visit_in_the_half_day,
    "not_in_two_places": not_in_two_places,
}
