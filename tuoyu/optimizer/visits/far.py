"""Why a visit is far from its team's base, with the numbers a planner checks.

A line across the district on the map is the first thing a planner questions: why that
team, and not the one based near the family? For each visit at least ``far_minutes`` from
the visiting team's base, this module looks at every team holding the family's needs based
nearer to it, on every half-day the family gave within its window when that team is free,
and says what stops the move, computed from the plan's visits and the inputs alone (the
teams' bases, half-days, daily limits and commutes; the families' places and half-days),
not from the router's state:

* ``nearest``: no team holding its needs is based nearer to the family;
* ``nearer_busy``: the nearer ones are free on none of its half-days (visit days, leave,
  guidance sessions, or their people in other teams);
* ``nearer_full``: the nearer team-days free then are all at their daily limit;
* ``nearer_no_room``: some have a visit to spare, but not in that half-day (their visits
  and the travel fill it, or the trip back would end after the hours);
* ``costly``: a nearer team has room; the cheapest such move raises the plan's weighed
  objective (travel, days later, the same person again, a balanced load, people beyond
  the family's needs), each part given;
* ``improvable``: a move lowers the objective: the plan is not locally optimal (the
  post-pass relocates visits while the objective falls, so this is a defect, never a
  reason; the tests look for it).

The move is one visit taken off its route and put at the cheapest place of the other
team's route that day that keeps every hard rule (each visit in its half-day, the shift
after a pair's commute, the daily limit); the other visits keep their order.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tuoyu.models.findings import Finding, info
from tuoyu.models.visits import Family
from tuoyu.optimizer.visits import rules
from tuoyu.optimizer.visits.goals import WeekLoads, other_person, spare_people
from tuoyu.optimizer.visits.problem import VisitProblem, travel_minutes
from tuoyu.optimizer.visits.solve import Visit
from tuoyu.optimizer.visits.teams import Team

#: a visit this many minutes or more from its team's base is explained (``far_minutes``)
FAR_MINUTES = 30

REASONS = ("nearest", "nearer_busy", "nearer_full", "nearer_no_room", "costly", "improvable")

Point = tuple[float, float]
HALF_WORDS = ({"zh": "上午", "en": "morning"}, {"zh": "下午", "en": "afternoon"})


@dataclass(frozen=True)
class Move:
    """The cheapest move of a far visit to a nearer team, and what it changes in the
    weighed objective (minutes of travel a planner would trade; positive: worse)."""

    team: Team
    date: dt.date
    half: int
    minutes: int  # the nearer team's base to the family
    travel: int  # added travel minutes, both routes (negative: saved)
    late_days: int  # days later (negative: earlier)
    late: int
    same_person: int
    balance: int
    spare: int

    @property
    def delta(self) -> int:
        return self.travel + self.late + self.same_person + self.balance + self.spare


class _Week:
    """The plan's routes and loads, with the travel arithmetic of the inputs."""

    def __init__(self, problem: VisitProblem, teams: Sequence[Team],
                 visits: Sequence[Visit]) -> None:
        self.problem = problem
        self.teams = {t.ids: t for t in teams}
        self.family = {f.family_id: f for f in problem.families}
        self.routes: dict[tuple[tuple[str, ...], dt.date], list[Visit]] = {}
        for v in sorted(visits, key=lambda v: (v.date, v.staff_ids, v.start)):
            self.routes.setdefault((v.staff_ids, v.date), []).append(v)
        self._minutes: dict[tuple[Point, Point], int] = {}
        loads: Counter[str] = Counter(s for v in visits for s in v.staff_ids)
        active = sorted({s for t in teams for s in t.ids})
        by_id = {p.staff_id: p for p in problem.staff}
        capacity = {s: sum(problem.person_capacity(by_id[s], d) for d in problem.dates)
                    for s in active}
        mine = {s: loads.get(s, 0) for s in active}
        self.loads = WeekLoads(capacity, mine, sum(mine.values()))

    def minutes(self, a: Point, b: Point) -> int:
        key = (a, b)
        if key not in self._minutes:
            self._minutes[key] = travel_minutes(a[0], a[1], b[0], b[1], self.problem.rules)
        return self._minutes[key]

    def place(self, fid: str) -> Point:
        f = self.family[fid]
        return f.lon, f.lat

    def shift(self, team: Team, day: dt.date) -> tuple[int, int] | None:
        """The team's hours that day, after a pair's commute; None: it does not go out."""
        halves = rules.free_half_days(self.problem, team, day)
        if not halves or team.capacity(self.problem, day) <= 0:
            return None
        early, late = rules.within_working_hours(self.problem, halves, 0,
                                                 team.commute(self.problem))
        return (early, late) if late - early >= self.problem.rules.visit_minutes else None

    def travel(self, team: Team, day: dt.date, stops: Sequence[tuple[str, int]],
               check: bool = True) -> int | None:
        """Minutes of travel of the team's route through ``stops`` (family, half) in order,
        the commute included; with ``check``, None when a visit cannot start within its
        half-day or the team is back after its shift (each visit as early as it can be).
        The plan's own routes are measured unchecked: a minute's rounding must never
        stop the plan from being explained."""
        if not stops:
            return 0
        shift = self.shift(team, day)
        if shift is None:
            if check:
                return None
            shift = (0, 24 * 60)
        hours, length = self.problem.rules.half_hours, self.problem.rules.visit_minutes
        t, here, total = shift[0], team.base, 0
        for fid, half in stops:
            there = self.place(fid)
            leg = self.minutes(here, there)
            total += leg
            t = max(t + leg, hours[half][0])
            if check and t + length > hours[half][1]:
                return None
            t += length
            here = there
        total += self.minutes(here, team.base)
        if check and t + self.minutes(here, team.base) > shift[1]:
            return None
        return total + 2 * team.commute(self.problem)

    def late_days(self, f: Family, day: dt.date) -> int:
        first = max(self.problem.window(f)[0], self.problem.first_day)
        return max(0, (day - first).days)


def _stops(route: Sequence[Visit]) -> list[tuple[str, int]]:
    return [(v.family_id, v.half) for v in route]


def _move(week: _Week, v: Visit, f: Family, team: Team, day: dt.date, half: int,
          minutes: int) -> Move | str:
    """The cheapest place of visit ``v`` on ``team``'s route of ``day`` in ``half``, as a
    move; "full" or "no_room" when there is none."""
    problem, w = week.problem, week.problem.rules.weights
    route = week.routes.get((team.ids, day), [])
    if len(route) >= team.capacity(problem, day):
        return "full"
    stops = _stops(route)
    before = week.travel(team, day, stops, check=False)
    assert before is not None  # unchecked: always a number
    best: int | None = None
    for j in range(len(stops) + 1):
        after = week.travel(team, day, [*stops[:j], (f.family_id, half), *stops[j:]])
        if after is not None and (best is None or after - before < best):
            best = after - before
    if best is None:
        return "no_room"
    own = week.routes[(v.staff_ids, v.date)]
    mine = week.teams[v.staff_ids]
    kept = week.travel(mine, v.date, _stops([x for x in own if x.family_id != v.family_id]),
                       check=False)
    saved = week.travel(mine, v.date, _stops(own), check=False)
    assert kept is not None and saved is not None  # unchecked: always numbers
    days = week.late_days(f, day) - week.late_days(f, v.date)
    need = len(problem.needed(f))
    return Move(
        team, day, half, minutes, (best - (saved - kept)) * w.travel, days,
        days * w.per_day_later,
        w.same_person * (other_person(f.earlier_visitors, team.ids)
                         - other_person(f.earlier_visitors, v.staff_ids)),
        w.balance * week.loads.above_share_change(v.staff_ids, team.ids),
        w.spare_person * (spare_people(need, len(team.ids)) - spare_people(need, len(v.staff_ids))))


def _why(week: _Week, v: Visit, minutes: int) -> Finding:
    """The reason of one far visit (see the module docstring)."""
    problem = week.problem
    f = week.family[v.family_id]
    need = problem.needed(f)
    common = {"family_id": f.family_id, "needs": list(need), "date": v.date.isoformat(),
              "staff_ids": list(v.staff_ids), "minutes": minutes}
    nearer = sorted(((week.minutes(t.base, (f.lon, f.lat)), t.ids) for t in week.teams.values()
                     if t.ids != v.staff_ids and rules.team_holds_needed_disciplines(
                         problem, t, f)), key=lambda x: x)
    nearer = [x for x in nearer if x[0] < minutes]
    slots = rules.within_window_and_family_half_days(problem, f)
    moves: list[Move] = []
    full = no_room = 0
    for m, ids in nearer:
        team = week.teams[ids]
        for s in slots:
            if s.half not in rules.free_half_days(problem, team, s.date) \
                    or week.shift(team, s.date) is None:
                continue
            got = _move(week, v, f, team, s.date, s.half, m)
            if got == "full":
                full += 1
            elif got == "no_room":
                no_room += 1
            else:
                assert isinstance(got, Move)
                moves.append(got)
    nearest = nearer[0][0] if nearer else None
    if moves:
        best = min(moves, key=lambda x: (x.delta, x.minutes, x.date, x.half, x.team.ids))
        code = "improvable" if best.delta < 0 else "costly"
        return info(f"visits.far.{code}", **common, other=list(best.team.ids),
                    other_minutes=best.minutes, other_date=best.date.isoformat(),
                    other_half=HALF_WORDS[best.half], delta=best.delta, travel=best.travel,
                    late_days=best.late_days, late=best.late, same_person=best.same_person,
                    balance=best.balance, spare=best.spare, options=len(moves))
    if full or no_room:
        code = "nearer_full" if not no_room else "nearer_no_room"
        return info(f"visits.far.{code}", **common, team_days=full + no_room, full=full,
                    nearest=nearest)
    if not nearer:
        return info("visits.far.nearest", **common)
    return info("visits.far.nearer_busy", **common, nearer=len(nearer), halves=len(slots),
                nearest=nearest)


def far_visits(problem: VisitProblem, teams: Sequence[Team], visits: Sequence[Visit],
               far_minutes: int = FAR_MINUTES) -> list[Finding]:
    """A finding per visit at least ``far_minutes`` from its team's base (kept visits of an
    earlier plan aside: they are not this plan's choice), in date and team order, and one
    counting them by reason (``visits.far.summary``) when any visit is planned."""
    planned = [v for v in visits if not v.kept]
    week = _Week(problem, teams, planned)
    out: list[Finding] = []
    for v in sorted(planned, key=lambda v: (v.date, v.staff_ids, v.start)):
        team = week.teams.get(v.staff_ids)
        if team is None:
            continue
        minutes = week.minutes(team.base, week.place(v.family_id))
        if minutes >= far_minutes:
            out.append(_why(week, v, minutes))
    if planned:
        count = Counter(f.code.rsplit(".", 1)[1] for f in out)
        out.insert(0, info("visits.far.summary", far=len(out), visits=len(planned),
                           threshold=far_minutes, **{k: count.get(k, 0) for k in REASONS}))
    return out
