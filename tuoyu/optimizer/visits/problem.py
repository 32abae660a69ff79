"""A week of home visits as an immutable problem: the families in scope, the days and
half-days, who can visit when, and the travel times.

Time is one line of minutes from the Monday 00:00 of the week (Asia/Shanghai): day ``k``
half ``h`` runs from ``k * 1440 + rules.half_hours[h][0]`` to ``... [1]``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cached_property

from tuoyu.models.visits import AM, PM, BookedSession, Family, VisitData, VisitStaff
from tuoyu.optimizer.visits.goals import VisitWeights

DISCIPLINES = ("education", "medical", "psychology")
DAY = 1440


@dataclass(frozen=True)
class VisitRules:
    """The hard rules' numbers; change them where a district differs."""

    window_days: int = 28  # a visit falls within this many days after registration
    min_age_days: int = 7  # ... and not before the child is this many days old
    visit_minutes: int = 60
    #: working hours of a half-day, minutes after midnight (08:30-11:30, 13:30-17:00)
    half_hours: tuple[tuple[int, int], tuple[int, int]] = ((510, 690), (810, 1020))
    #: two-person teams where a family's needs span two disciplines; False: one person of
    #: the first listed discipline visits
    pairs: bool = True
    speed_kmh: float = 20.0  # door to door by car or e-bike in town (mode: ``travel_mode``)
    circuity: float = 1.3  # road distance / straight line
    weights: VisitWeights = field(default_factory=VisitWeights)


def travel_minutes(lon1: float, lat1: float, lon2: float, lat2: float,
                   rules: VisitRules) -> int:
    """Travel time in whole minutes (rounded up): straight line x circuity at the speed."""
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    km = 2 * r * math.asin(min(1.0, math.sqrt(a))) * rules.circuity
    return math.ceil(km / rules.speed_kmh * 60 - 1e-9)


@dataclass(frozen=True)
class Slot:
    """A half-day of the horizon: day index (0 = Monday of the week), date, half."""

    day: int
    date: dt.date
    half: int

    def start(self, rules: VisitRules) -> int:
        return self.day * DAY + rules.half_hours[self.half][0]

    def end(self, rules: VisitRules) -> int:
        return self.day * DAY + rules.half_hours[self.half][1]


@dataclass(frozen=True)
class VisitProblem:
    """One week (or a part of it, from ``from_date``) of visits."""

    data: VisitData
    week_start: dt.date  # a Monday
    rules: VisitRules = field(default_factory=VisitRules)
    from_date: dt.date | None = None
    #: families already visited in the kept part of an earlier plan of this week
    kept_families: frozenset[str] = frozenset()
    #: (staff_id, date) taken by kept visits of an earlier plan
    kept_days: frozenset[tuple[str, dt.date]] = frozenset()
    days: int = 7

    @cached_property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=self.days - 1)

    @cached_property
    def first_day(self) -> dt.date:
        if self.from_date is None or self.from_date < self.week_start:
            return self.week_start
        return self.from_date

    @cached_property
    def slots(self) -> tuple[Slot, ...]:
        """Half-days of the horizon on days that are not public holidays."""
        out = []
        for k in range(self.days):
            d = self.week_start + dt.timedelta(days=k)
            if d < self.first_day or self.data.calendar.is_holiday(d):
                continue
            out.extend(Slot(k, d, h) for h in (AM, PM))
        return tuple(out)

    def window(self, f: Family) -> tuple[dt.date, dt.date]:
        """The first and last day a visit to the family may fall on."""
        first = max(f.registered_on + dt.timedelta(days=1),
                    f.birth_date + dt.timedelta(days=self.rules.min_age_days))
        return first, f.registered_on + dt.timedelta(days=self.rules.window_days)

    @cached_property
    def families(self) -> tuple[Family, ...]:
        """Families known by the week's start (registered before the horizon), not yet
        visited, whose window has opened by the end of the week."""
        out = []
        for f in self.data.families:
            if f.visited_on is not None or f.family_id in self.kept_families:
                continue
            if f.registered_on >= self.first_day:
                continue
            first, _ = self.window(f)
            if first <= self.week_end:
                out.append(f)
        return tuple(out)

    def is_due(self, f: Family) -> bool:
        """The family's window ends within the horizon: the visit is a hard rule."""
        _, last = self.window(f)
        return self.first_day <= last <= self.week_end

    def is_overdue(self, f: Family) -> bool:
        _, last = self.window(f)
        return last < self.first_day

    def needed(self, f: Family) -> tuple[str, ...]:
        """The disciplines the visiting team must hold."""
        return f.needs[:2] if self.rules.pairs else f.needs[:1]

    def family_slots(self, f: Family) -> tuple[Slot, ...]:
        """The half-days of the horizon the family gave, within its window (an overdue
        family: any of its half-days, as soon as possible)."""
        first, last = self.window(f)
        overdue = self.is_overdue(f)
        return tuple(
            s for s in self.slots
            if (s.date.weekday(), s.half) in f.half_days
            and (overdue or first <= s.date <= last)
        )

    @cached_property
    def staff(self) -> tuple[VisitStaff, ...]:
        return tuple(sorted(self.data.staff, key=lambda s: s.staff_id))

    @cached_property
    def _leave(self) -> dict[str, list[tuple[dt.date, dt.date]]]:
        out: dict[str, list[tuple[dt.date, dt.date]]] = {}
        for p in self.data.leave:
            out.setdefault(p.owner_id, []).append((p.start, p.end))
        return out

    @cached_property
    def _sessions(self) -> dict[tuple[str, dt.date], set[int]]:
        out: dict[tuple[str, dt.date], set[int]] = {}
        s: BookedSession
        for s in self.data.sessions:
            for sid in s.staff_ids:
                out.setdefault((sid, s.date), set()).add(s.half)
        return out

    def free_halves(self, person: VisitStaff, day: dt.date) -> tuple[int, ...]:
        """The half-days of a day the person can visit: a visit day of theirs, a working
        day, not on leave, not taken by a kept visit, and not in a guidance session."""
        if day.weekday() not in person.days or day < self.first_day:
            return ()
        if self.data.calendar.is_holiday(day):
            return ()
        if any(a <= day <= b for a, b in self._leave.get(person.staff_id, ())):
            return ()
        if (person.staff_id, day) in self.kept_days:
            return ()
        busy = self._sessions.get((person.staff_id, day), set())
        return tuple(h for h in (AM, PM) if h not in busy)

    def person_capacity(self, person: VisitStaff, day: dt.date) -> int:
        """Visits the person can make that day at most: the daily limit, and the visits
        that fit into their free half-days with no travel at all."""
        fit = sum(
            (self.rules.half_hours[h][1] - self.rules.half_hours[h][0])
            // self.rules.visit_minutes
            for h in self.free_halves(person, day)
        )
        return min(person.max_visits_per_day, fit)

    @cached_property
    def dates(self) -> tuple[dt.date, ...]:
        return tuple(sorted({s.date for s in self.slots}))
