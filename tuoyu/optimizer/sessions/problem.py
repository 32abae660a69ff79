"""The guidance-session calendar as an immutable problem: data, year, rules, the previous
plan of a re-plan, and what follows from them (open days, availability, capacities)."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property

from tuoyu.models.sessions import Center, DistrictEvent, GuidanceStaff, Session, SessionData
from tuoyu.optimizer.draw import hashed_int
from tuoyu.optimizer.sessions.goals import SessionWeights

DISCIPLINES = ("education", "medical", "psychology")


@dataclass(frozen=True)
class SessionRules:
    """The hard rules' numbers (and the soft goals' weights); change them where a district
    differs."""

    min_gap_days: int = 28
    every_quarter: bool = True  # applies to centers with at least 4 sessions a year
    min_topics: int = 4  # capped at the center's number of sessions
    weekend_share: float = 0.2  # target share of center sessions on Sat/Sun
    #: an even year: a month within this share of its part of the year costs nothing
    month_band: float = 0.2
    #: a center's sessions in at least this many quarters (soft; the hard quarter rule
    #: covers centers of 4 sessions or more)
    min_quarters: int = 3
    #: the calendar model's month-share terms for all sessions only (the disciplines'
    #: months are counted on the plan and evened by the local improvement)
    month_model_all_sessions_only: bool = True
    #: month-share terms in the calendar model at all (else counted on the plan and evened
    #: by the local improvement only)
    month_model: bool = True
    #: with ``month_model_all_sessions_only=False``: the disciplines' bands from the
    #: totals the calendar aims at (its partners' numbers), constant; else exact
    #: (variable band ends, far slower)
    month_model_estimate: bool = True
    #: the local improvement re-chooses each center's whole sequence of days
    #: (``polish._Polish.reschedule``)
    reschedule: bool = True
    weights: SessionWeights = SessionWeights()
    #: staffing cuts for every weekday of every month in the first calendar model (one
    #: cumulative per discipline; fewer cut rounds on sparse staff, slower first calendar
    #: on a big district)
    weekday_cuts: bool = True
    #: candidate staff per discipline and session in the first try of the team model
    max_candidates: int = 30
    #: above this many centers the calendar is planned street by street
    decompose_above: int = 150
    part_size: int = 70  # centers per part of a decomposed calendar
    #: up to this many centers the local improvement's MIP steps run (the topics again,
    #: the days and topics near where they are, a home lead's centers together:
    #: ``polish.mips_too_large``), planned in parts or not. Measured on the generator's
    #: heavy-leave shape at twice Baoshan (157 centers, 90 staff, in parts): the exact
    #: teams 0.4 s a flow, the topics' MIP 19 s, the days-and-topics MIP 38 s, the plan
    #: 344 -> 310 (issue 18); a district of 497 centers (city9) is left to the moves, not
    #: measured
    mips_up_to: int = 300
    #: steer the calendar by each center's medical / psychology partners (``flow.py``)
    partners: bool = True
    #: first try a calendar whose goals leave room for nothing above the team bound (the
    #: first such calendar of the model, then the teams and the topics): when its plan
    #: meets the bound it is proven optimal at once; otherwise the plan is made as
    #: without it (``solve._plan_at_the_bound``)
    at_the_bound: bool = True
    #: build a first calendar by hand (``first.py``: every rule, staffable by
    #: construction), kept when the search finds no staffable calendar in its budget
    #: (then no late staffing-cut rounds: the budget is the budget)
    first_calendar: bool = True


@dataclass(frozen=True)
class SessionProblem:
    """An immutable instance: data, year, rules, and for a re-plan the previous plan."""

    data: SessionData
    year: int
    rules: SessionRules = SessionRules()
    previous: tuple[Session, ...] = ()
    from_date: dt.date | None = None
    seed: int = 0

    @cached_property
    def jan1(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @cached_property
    def start(self) -> dt.date:
        """First day that may change."""
        if self.from_date is None or self.from_date.year < self.year:
            return self.jan1
        return self.from_date

    @cached_property
    def n_days(self) -> int:
        return (dt.date(self.year, 12, 31) - self.jan1).days + 1

    @cached_property
    def first_day(self) -> int:
        return (self.start - self.jan1).days

    @cached_property
    def _dates(self) -> tuple[dt.date, ...]:
        return tuple(self.jan1 + dt.timedelta(days=d) for d in range(self.n_days))

    def date(self, day: int) -> dt.date:
        """The date of a day of the year (0: 1 January); looked up for the year's days
        (called hundreds of thousands of times when a plan is built and counted)."""
        if 0 <= day < self.n_days:
            return self._dates[day]
        return self.jan1 + dt.timedelta(days=day)

    def day(self, date: dt.date) -> int:
        return (date - self.jan1).days

    @cached_property
    def month_of_day(self) -> tuple[int, ...]:
        return tuple(self.date(d).month for d in range(self.n_days))

    def month_days(self, month: int) -> range:
        """The days of a month (from the re-plan date on)."""
        lo = self.day(dt.date(self.year, month, 1))
        hi = self.day(dt.date(self.year + (month == 12), month % 12 + 1, 1))
        return range(max(lo, self.first_day), hi)

    @cached_property
    def holidays(self) -> frozenset[int]:
        cal = self.data.calendar
        return frozenset(d for d in range(self.n_days) if cal.is_holiday(self.date(d)))

    @cached_property
    def workdays(self) -> frozenset[int]:
        cal = self.data.calendar
        return frozenset(d for d in range(self.n_days) if cal.is_workday(self.date(d)))

    @cached_property
    def fixed(self) -> tuple[Session, ...]:
        """Sessions of the previous plan before the re-plan date: kept as they are."""
        return tuple(s for s in self.previous if s.date < self.start and s.date.year == self.year)

    @cached_property
    def was_planned(self) -> tuple[Session, ...]:
        return tuple(s for s in self.previous if s.date >= self.start and s.date.year == self.year)

    @cached_property
    def fixed_load(self) -> Counter:
        """Sessions each person already works per month in the kept part of the plan."""
        out: Counter = Counter()
        for s in self.fixed:
            for sid in s.staff_ids:
                out[sid, s.date.month] += 1
        return out

    def fixed_of(self, c: Center) -> list[Session]:
        return sorted(
            (s for s in self.fixed if s.center_id == c.center_id), key=lambda s: (s.date, s.half)
        )

    @cached_property
    def streets(self) -> dict[str, tuple[str, ...]]:
        return {s.street_id: s.neighbours for s in self.data.streets}

    def open_days(self, c: Center) -> list[int]:
        """Days in the horizon the center is open: its weekdays, no holiday, no closure."""
        closed = [p for p in self.data.closures if p.owner_id == c.center_id]
        out = []
        for d in range(self.first_day, self.n_days):
            date = self.date(d)
            if date.weekday() not in c.open_days or d in self.holidays:
                continue
            if any(p.covers(date) for p in closed):
                continue
            out.append(d)
        return out

    @cached_property
    def _closures_of(self) -> dict[str, list]:
        out: dict[str, list] = defaultdict(list)
        for x in self.data.closures:
            out[x.owner_id].append(x)
        return out

    @cached_property
    def _month_days(self) -> dict[str, Counter]:
        return {}

    def open_days_by_month(self, c: Center) -> Counter:
        """Days the center is open in each month from the re-plan month's first day on
        (holidays and closures out): the months' weights (``goals.month_weights``),
        counted once per center (26 calls of 0.5 s on a 937-center district before)."""
        if c.center_id not in self._month_days:
            start = self.day(dt.date(self.year, self.start.month, 1))
            closed = self._closures_of.get(c.center_id, [])
            n: Counter = Counter()
            for d in range(start, self.n_days):
                date = self.date(d)
                if date.weekday() not in c.open_days or d in self.holidays:
                    continue
                if any(x.covers(date) for x in closed):
                    continue
                n[date.month] += 1
            self._month_days[c.center_id] = n
        return self._month_days[c.center_id]

    def event_days(self, e: DistrictEvent) -> list[int]:
        out = []
        for d in range(self.first_day, self.n_days):
            date = self.date(d)
            if date.month not in e.months or d in self.holidays:
                continue
            if e.weekend and date.weekday() < 5:
                continue
            if not e.weekend and d not in self.workdays:
                continue
            out.append(d)
        return out

    @cached_property
    def leave(self) -> dict[str, list[tuple[dt.date, dt.date]]]:
        out: dict[str, list[tuple[dt.date, dt.date]]] = defaultdict(list)
        for p in self.data.leave:
            out[p.owner_id].append((p.start, p.end))
        return out

    def available(self, s: GuidanceStaff, day: int) -> bool:
        date = self.date(day)
        if date.weekday() not in s.days:
            return False
        return not any(a <= date <= b for a, b in self.leave.get(s.staff_id, ()))

    @cached_property
    def available_days(self) -> dict[str, frozenset[int]]:
        """Per person, the days of the horizon they can work (their weekdays, no leave)."""
        return {
            s.staff_id: frozenset(
                d for d in range(self.first_day, self.n_days) if self.available(s, d)
            )
            for s in self.data.staff
        }

    def room(self, s: GuidanceStaff, month: int) -> int:
        """Sessions a person can still take in a month: the monthly limit less kept ones."""
        return max(0, s.max_per_month - self.fixed_load[s.staff_id, month])

    @cached_property
    def pools(self) -> dict[str, tuple[GuidanceStaff, ...]]:
        return {d: tuple(s for s in self.data.staff if s.discipline == d) for d in DISCIPLINES}

    @cached_property
    def topic_index(self) -> dict[str, int]:
        return {t.topic_id: i for i, t in enumerate(self.data.topics)}

    @cached_property
    def home_lead(self) -> dict[str, str]:
        return choose_home_leads(self)

    @cached_property
    def partner(self) -> dict[str, tuple[tuple[str, int], ...]]:
        """Each center's medical and psychology partners and their numbers of sessions
        (``flow.choose_partners``)."""
        from tuoyu.optimizer.sessions.flow import choose_partners

        return choose_partners(self) if self.rules.partners else {}

    @cached_property
    def extra_lps(self) -> dict[bool, object]:
        """The medical and psychology relaxation (``flow.relaxed_extra``) by variant,
        solved once per problem: the partners and the team bound ask for the same LP
        on a fresh plan (10 s of HiGHS each on a 937-center district)."""
        return {}

    def event_team(self, e: DistrictEvent) -> dict[str, int]:
        """How many of each discipline an event occurrence takes: one of each listed, the
        rest spread over the listed disciplines by the size of their staff pools."""
        listed = [d for d in DISCIPLINES if d in e.disciplines] or list(DISCIPLINES)
        team = {d: (1 if e.disciplines else 0) for d in listed}
        pool = {d: len(self.pools[d]) for d in listed}
        while sum(team.values()) < e.staff_needed:
            d = max(listed, key=lambda x: (pool[x] - team[x], -listed.index(x)))
            team[d] += 1
        return {d: n for d, n in team.items() if n}

    def team_of(self, s: Session) -> dict[str, int]:
        """People of each discipline a planned session or event occurrence needs."""
        if s.event_id:
            e = next(e for e in self.data.events if e.event_id == s.event_id)
            return self.event_team(e)
        t = next(t for t in self.data.topics if t.topic_id == s.topic_id)
        return {d: 1 for d in DISCIPLINES if d == "education" or d in t.disciplines}

    def priority(self, purpose: str, *key: object) -> int:
        """A seeded tie-break priority (SHA-256 of the seed: the same on any machine)."""
        return hashed_int(self.seed, "sessions", purpose, *key)


def near(p: SessionProblem, home: str, street: str) -> int:
    """0 same street, 1 neighbouring street, 2 farther (or unknown)."""
    if not street or home == street:
        return 0
    if home in p.streets.get(street, ()):
        return 1
    return 2


def sessions_needed(p: SessionProblem, c: Center, fixed: list[Session]) -> int:
    """How many sessions are still to plan at a center from the re-plan date on."""
    left = max(0, c.sessions_per_year - len(fixed))
    if p.rules.every_quarter and c.sessions_per_year >= 4:
        covered = {(s.date.month - 1) // 3 for s in fixed}
        first_q = (p.start.month - 1) // 3
        open_q = [q for q in range(first_q, 4) if q not in covered]
        left = max(left, len(open_q))
    return left


def month_places(p: SessionProblem, s: GuidanceStaff, month: int) -> int:
    """Sessions a person can work in a month: the limit (less kept ones), at most two a
    day they are available."""
    days = sum(1 for d in p.month_days(month) if d in p.available_days[s.staff_id])
    return min(p.room(s, month), 2 * days)


def choose_home_leads(p: SessionProblem) -> dict[str, str]:
    """The same lead at a center where possible: each center gets a home lead, an education
    staff member from its own street first, then a neighbouring one, keeping every lead's
    year within about 80% of their monthly limits. A re-plan keeps the previous lead.
    Greedy, ties broken by seeded hashes, so the same inputs give the same leads."""
    leads = p.pools["education"]
    if not leads:
        return {}
    demand = sum(c.sessions_per_year for c in p.data.centers)
    demand += sum(p.event_team(e).get("education", 0) * e.count for e in p.data.events)
    fair = math.ceil(demand / len(leads))
    months = range(p.start.month, 13)
    room = {
        s.staff_id: min(fair, 0.8 * sum(month_places(p, s, mo) for mo in months)) for s in leads
    }
    before: dict[str, Counter] = defaultdict(Counter)
    for sess in p.previous:
        if sess.center_id and sess.staff_ids:
            before[sess.center_id][sess.staff_ids[0]] += 1
    by_id = {s.staff_id: s for s in leads}
    out: dict[str, str] = {}
    centers = [c for c in p.data.centers if c.sessions_per_year > 0]
    near_count = {
        c.center_id: sum(1 for s in leads if near(p, s.street_id, c.street_id) < 2)
        for c in centers
    }
    centers.sort(key=lambda c: (near_count[c.center_id], p.priority("lead-order", c.center_id)))
    for c in centers:
        n = c.sessions_per_year
        prev = [sid for sid, _ in before[c.center_id].most_common() if sid in by_id]
        if prev:
            out[c.center_id] = prev[0]
            room[prev[0]] -= n
            continue
        best = min(
            leads,
            key=lambda s: (
                room[s.staff_id] < n,
                near(p, s.street_id, c.street_id),
                -room[s.staff_id] // max(1, n),
                p.priority("lead", s.staff_id),
            ),
        )
        out[c.center_id] = best.staff_id
        room[best.staff_id] -= n
    return out
