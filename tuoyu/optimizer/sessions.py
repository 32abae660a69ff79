"""The yearly guidance-session calendar as CP-SAT models, in two exact-enough stages.

Stage A, *the calendar*: for each center, its sessions of the year as an ordered list
``i = 0..n-1``; each has a half-day slot ``S = 2*day + half`` (day counted from 1 January)
and a topic. Ordering the sessions removes symmetry and makes the 28-day spacing a
difference constraint. District events get slots the same way. Staff are counted, not
named: a cumulative constraint per discipline keeps the sessions of every half-day within
the staff of that discipline available that day, and another per discipline keeps every
month within the staff's monthly limits.

Stage B, *the teams*: with the slots fixed, name the staff of every session and event
occurrence: one person in one place per half-day, monthly limits, available days and
leave; near home, balanced load and the same lead at a center as soft goals.

Each rule family is one function named as a planner would name it; each returns the
penalty terms of its soft part. When the hard rules cannot all hold, arithmetic prechecks
and, failing those, assumption literals per rule group
(``sufficient_assumptions_for_infeasibility``) say which rules clash, in plain words.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from ortools.sat.python import cp_model

from tuoyu.models.errors import InfeasibleError, TimeLimitError
from tuoyu.models.sessions import (
    DISCIPLINE_ZH,
    Center,
    DistrictEvent,
    GuidanceStaff,
    Session,
    SessionData,
)
from tuoyu.optimizer.solve import STATUS, ProgressFn, SoftCost, SolveParams, solve

DISCIPLINES = ("education", "medical", "psychology")


@dataclass(frozen=True)
class SessionRules:
    """The hard rules' numbers and the soft goals' weights; change them where a district differs."""

    min_gap_days: int = 28
    every_quarter: bool = True  # applies to centers with at least 4 sessions a year
    min_topics: int = 4  # capped at the center's number of sessions
    weekend_share: float = 0.2  # target share of center sessions on Sat/Sun
    #: weights of the soft goals (one place, reported back one by one)
    w_moved: int = 1000  # re-plan: a future session moved to another half-day
    w_topic_changed: int = 50  # re-plan: a kept session got another topic
    w_staff_changed: int = 20  # re-plan: a kept session got another person
    w_spacing: int = 1  # per day a gap falls short of an even spread
    w_weekend: int = 10  # per session off the weekend target
    w_far: int = 5  # per staff trip outside home and neighbouring streets
    w_neighbour: int = 1  # per staff trip to a neighbouring street
    w_load: int = 10  # per session above a staff member's fair share
    w_extra_lead: int = 8  # per extra lead at a center beyond the first
    #: candidate staff per discipline and session in stage B on big instances
    max_candidates: int = 30
    #: above this many centers the calendar is planned street by street
    decompose_above: int = 150
    part_size: int = 70  # centers per part of a decomposed calendar
    #: above this many team places the teams are named month by month
    teams_by_month_above: int = 4000


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

    def date(self, day: int) -> dt.date:
        return self.jan1 + dt.timedelta(days=day)

    def day(self, date: dt.date) -> int:
        return (date - self.jan1).days

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
    def topic_index(self) -> dict[str, int]:
        return {t.topic_id: i for i, t in enumerate(self.data.topics)}

    @cached_property
    def home_lead(self) -> dict[str, str]:
        return choose_home_leads(self)

    def event_team(self, e: DistrictEvent) -> dict[str, int]:
        """How many of each discipline an event occurrence takes: one of each listed, the
        rest spread over the listed disciplines by the size of their staff pools."""
        listed = [d for d in DISCIPLINES if d in e.disciplines] or list(DISCIPLINES)
        team = {d: (1 if e.disciplines else 0) for d in listed}
        pool = {d: sum(1 for s in self.data.staff if s.discipline == d) for d in listed}
        while sum(team.values()) < e.staff_needed:
            d = max(listed, key=lambda x: (pool[x] - team[x], -listed.index(x)))
            team[d] += 1
        return {d: n for d, n in team.items() if n}


def choose_home_leads(p: SessionProblem) -> dict[str, str]:
    """The same lead at a center where possible: each center gets a home lead, an education
    staff member from its own street first, then a neighbouring one, keeping every lead's
    year within about 80% of their monthly limits. A re-plan keeps the previous lead.
    Greedy and seeded, so the same inputs give the same leads."""
    rng = random.Random(p.seed)
    leads = [s for s in p.data.staff if s.discipline == "education"]
    if not leads:
        return {}
    prio = {s.staff_id: rng.random() for s in leads}
    demand = sum(c.sessions_per_year for c in p.data.centers)
    demand += sum(p.event_team(e).get("education", 0) * e.count for e in p.data.events)
    fair = math.ceil(demand / len(leads))
    room = {}
    for s in leads:
        months = range(p.start.month, 13)
        room[s.staff_id] = min(
            fair,
            0.8
            * sum(
                min(
                    s.max_per_month,
                    2
                    * sum(
                        1
                        for d in range(p.first_day, p.n_days)
                        if p.date(d).month == mo and p.available(s, d)
                    ),
                )
                for mo in months
            ),
        )
    before: dict[str, Counter] = defaultdict(Counter)
    for sess in p.previous:
        if sess.center_id and sess.staff_ids:
            before[sess.center_id][sess.staff_ids[0]] += 1
    by_id = {s.staff_id: s for s in leads}
    out: dict[str, str] = {}
    centers = [c for c in p.data.centers if c.sessions_per_year > 0]
    near_count = {
        c.center_id: sum(1 for s in leads if _near(p, s.street_id, c.street_id) < 2)
        for c in centers
    }
    centers.sort(key=lambda c: (near_count[c.center_id], rng.random()))
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
                _near(p, s.street_id, c.street_id),
                -room[s.staff_id] // max(1, n),
                prio[s.staff_id],
            ),
        )
        out[c.center_id] = best.staff_id
        room[best.staff_id] -= n
    return out


@dataclass
class SessionPlan:
    """The calendar with its solver status, objective, bound, gap, times and findings."""

    sessions: list[Session]
    status: str
    objective: float | None = None
    bound: float | None = None
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    soft_costs: list[SoftCost] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    stages: list[dict[str, object]] = field(default_factory=list)

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        if abs(self.objective - self.bound) < 1e-9:
            return 0.0
        return abs(self.objective - self.bound) / max(1.0, abs(self.objective))


# --------------------------------------------------------------------------------------
# Stage A: the calendar


class Guards:
    """An assumption literal per rule group when explaining infeasibility, else nothing."""

    def __init__(self, model: cp_model.CpModel, on: bool):
        self.model = model
        self.on = on
        self.text: dict[int, str] = {}
        self.lits: list[cp_model.IntVar] = []

    def __call__(self, text: str) -> list[cp_model.IntVar]:
        if not self.on:
            return []
        lit = self.model.new_bool_var(text[:40])
        self.text[lit.index] = text
        self.lits.append(lit)
        return [lit]


@dataclass
class CenterVars:
    center: Center
    days: list[int]
    fixed: list[Session]
    slot: list[cp_model.IntVar] = field(default_factory=list)
    day: list[cp_model.IntVar] = field(default_factory=list)
    month: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    month_no: list[cp_model.IntVar] = field(default_factory=list)
    topic: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    weekend: list[cp_model.IntVar | int] = field(default_factory=list)
    need: dict[tuple[int, str], cp_model.IntVar | int] = field(default_factory=dict)
    wday: list[cp_model.IntVar] = field(default_factory=list)
    led: list[cp_model.IntVar | int] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.slot)


@dataclass
class EventVars:
    event: DistrictEvent
    team: dict[str, int]
    slot: list[cp_model.IntVar] = field(default_factory=list)
    month_no: list[cp_model.IntVar] = field(default_factory=list)


def sessions_needed(p: SessionProblem, c: Center, fixed: list[Session]) -> int:
    """How many sessions are still to plan at a center from the re-plan date on."""
    left = max(0, c.sessions_per_year - len(fixed))
    if p.rules.every_quarter and c.sessions_per_year >= 4:
        covered = {(s.date.month - 1) // 3 for s in fixed}
        first_q = (p.start.month - 1) // 3
        open_q = [q for q in range(first_q, 4) if q not in covered]
        left = max(left, len(open_q))
    return left


def _month_of_day(p: SessionProblem) -> list[int]:
    return [p.date(d).month for d in range(p.n_days)]


def sessions_on_open_days(m: cp_model.CpModel, p: SessionProblem, cv: CenterVars, n: int) -> None:
    """Each session falls on a day the center is open, not a public holiday, not closed."""
    slots = [2 * d + h for d in cv.days for h in (0, 1)]
    dom = cp_model.Domain.from_values(slots)
    for i in range(n):
        cid = cv.center.center_id
        s = m.new_int_var_from_domain(dom, f"slot_{cid}_{i}")
        d = m.new_int_var_from_domain(cp_model.Domain.from_values(cv.days), f"day_{cid}_{i}")
        h = m.new_bool_var(f"pm_{cid}_{i}")
        m.add(s == 2 * d + h)
        # day = 7*week + weekday - weekday(1 January): the weekday without encoding the day
        wd0 = p.jan1.weekday()
        week = m.new_int_var(0, 54, f"week_{cid}_{i}")
        wday = m.new_int_var_from_domain(
            cp_model.Domain.from_values(sorted({p.date(x).weekday() for x in cv.days})), "wd"
        )
        m.add(d == 7 * week + wday - wd0)
        cv.slot.append(s)
        cv.day.append(d)
        cv.wday.append(wday)


def no_two_sessions_within_28_days(
    m: cp_model.CpModel, p: SessionProblem, cv: CenterVars, guard: list
) -> list[cp_model.LinearExprT]:
    """Sessions in order, at least ``min_gap_days`` apart (also after the last kept one).

    Soft part: gaps shorter than an even spread of the remaining days cost per day short.
    """
    gap = p.rules.min_gap_days
    penalties: list[cp_model.LinearExprT] = []
    last_fixed = max((p.day(s.date) for s in cv.fixed), default=None)
    if last_fixed is not None and cv.n:
        m.add(cv.day[0] >= last_fixed + gap).only_enforce_if(guard)
    for i in range(cv.n - 1):
        m.add(cv.day[i + 1] >= cv.day[i] + gap).only_enforce_if(guard)
    # even spacing: ideal gap over the horizon
    total = cv.n + (1 if last_fixed is not None else 0)
    if total >= 2:
        span = (p.n_days - p.first_day) + (p.first_day - last_fixed if last_fixed else 0)
        ideal = min(span // total, 120)
        days = ([last_fixed] if last_fixed is not None else []) + list(cv.day)
        for a, b in zip(days, days[1:], strict=False):
            short = m.new_int_var(0, ideal, "short")
            m.add(short >= ideal - (b - a))
            penalties.append(short)
    return penalties


def each_center_gets_its_sessions(
    m: cp_model.CpModel, p: SessionProblem, cv: CenterVars, month_of: list[int]
) -> None:
    """Month of every session (used by the quarter rule and the monthly limits)."""
    months = sorted({month_of[d] for d in cv.days})
    for i in range(cv.n):
        lits = []
        for mo in months:
            b = m.new_bool_var(f"m_{cv.center.center_id}_{i}_{mo}")
            lo = p.day(dt.date(p.year, mo, 1))
            hi = p.day(dt.date(p.year + (mo == 12), mo % 12 + 1, 1)) - 1
            m.add_linear_constraint(cv.day[i], lo, hi).only_enforce_if(b)
            cv.month[i, mo] = b
            lits.append(b)
        m.add_exactly_one(lits)
        mn = m.new_int_var(1, 12, f"mon_{cv.center.center_id}_{i}")
        m.add(mn == sum(mo * cv.month[i, mo] for mo in months))
        cv.month_no.append(mn)


def every_quarter_has_a_session(
    m: cp_model.CpModel, p: SessionProblem, cv: CenterVars, guard: list
) -> None:
    """No quarter (from the re-plan date on) without a session at a center of >= 4 a year."""
    if not p.rules.every_quarter or cv.center.sessions_per_year < 4:
        return
    covered = {(s.date.month - 1) // 3 for s in cv.fixed}
    for q in range((p.start.month - 1) // 3, 4):
        if q in covered:
            continue
        lits = [b for (i, mo), b in cv.month.items() if (mo - 1) // 3 == q]
        if not lits:
            m.add_bool_or([]).only_enforce_if(guard) if guard else m.add_bool_or([])
            continue
        m.add_bool_or(lits).only_enforce_if(guard)


def topics_vary(m: cp_model.CpModel, p: SessionProblem, cv: CenterVars, guard: list) -> None:
    """At least ``min_topics`` different topics a year, never the same topic twice in a row."""
    topics = p.data.topics
    for i in range(cv.n):
        for k in range(len(topics)):
            cv.topic[i, k] = m.new_bool_var(f"t_{cv.center.center_id}_{i}_{k}")
        m.add_exactly_one(cv.topic[i, k] for k in range(len(topics)))
    fixed_topics = [p.topic_index[s.topic_id] for s in cv.fixed if s.topic_id in p.topic_index]
    if fixed_topics and cv.n:
        m.add(cv.topic[0, fixed_topics[-1]] == 0).only_enforce_if(guard)
    for i in range(cv.n - 1):
        for k in range(len(topics)):
            m.add_bool_or([cv.topic[i, k].Not(), cv.topic[i + 1, k].Not()]).only_enforce_if(guard)
    need = min(p.rules.min_topics, cv.center.sessions_per_year, len(topics))
    have = set(fixed_topics)
    if need > len(have) and cv.n:
        used = []
        for k in range(len(topics)):
            if k in have:
                continue
            u = m.new_bool_var("used")
            m.add_bool_or([cv.topic[i, k] for i in range(cv.n)]).only_enforce_if(u)
            used.append(u)
        m.add(sum(used) >= need - len(have)).only_enforce_if(guard)


def weekend_share(
    m: cp_model.CpModel, p: SessionProblem, cvs: list[CenterVars]
) -> list[cp_model.LinearExprT]:
    """Soft: a configurable share of the center sessions on Saturdays and Sundays."""
    total = 0
    lits: list[cp_model.LinearExprT] = []
    for cv in cvs:
        we_days = [d for d in cv.days if p.date(d).weekday() >= 5]
        wk_days = [d for d in cv.days if p.date(d).weekday() < 5]
        for i in range(cv.n):
            total += 1
            if not we_days:
                cv.weekend.append(0)
                continue
            if not wk_days:
                cv.weekend.append(1)
                lits.append(1)
                continue
            b = m.new_bool_var("we")
            m.add(cv.wday[i] >= 5).only_enforce_if(b)
            m.add(cv.wday[i] <= 4).only_enforce_if(b.Not())
            cv.weekend.append(b)
            lits.append(b)
    if not total:
        return []
    target = round(p.rules.weekend_share * total)
    dev = m.new_int_var(0, total, "weekend_dev")
    m.add(dev >= target - sum(lits))
    m.add(dev >= sum(lits) - target)
    return [dev]


def each_event_happens(
    m: cp_model.CpModel, p: SessionProblem, ev: EventVars, n: int, guard: list
) -> None:
    """Each district event its number of times, in its months, on a weekend if it says so,
    on different days."""
    days = p.event_days(ev.event)
    month_of = _month_of_day(p)
    if not days:
        if n:
            m.add_bool_or([]).only_enforce_if(guard) if guard else m.add_bool_or([])
        return
    dom = cp_model.Domain.from_values([2 * d + h for d in days for h in (0, 1)])
    months = sorted({month_of[d] for d in days})
    for j in range(n):
        s = m.new_int_var_from_domain(dom, f"ev_{ev.event.event_id}_{j}")
        if j:
            m.add(s >= ev.slot[-1] + 2).only_enforce_if(guard)
        ev.slot.append(s)
        lits = []
        mn = m.new_int_var(1, 12, "evmon")
        for mo in months:
            b = m.new_bool_var("evm")
            lo = 2 * p.day(dt.date(p.year, mo, 1))
            hi = 2 * p.day(dt.date(p.year + (mo == 12), mo % 12 + 1, 1)) - 1
            m.add_linear_constraint(s, lo, hi).only_enforce_if(b)
            lits.append((mo, b))
        m.add_exactly_one(b for _, b in lits)
        m.add(mn == sum(mo * b for mo, b in lits))
        ev.month_no.append(mn)


def team_fits_topic(p: SessionProblem, cv: CenterVars, i: int, discipline: str):
    """教养医结合: a session needs its topic's disciplines (education always)."""
    ks = [k for k, t in enumerate(p.data.topics) if discipline in t.disciplines]
    return [cv.topic[i, k] for k in ks]


@dataclass
class Used:
    """What earlier parts of a decomposed calendar already take from the staff."""

    slot: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    month: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    lead_slots: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    lead_month: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))

    def add(self, p: SessionProblem, sessions: list[Session], led: set) -> None:
        events = {e.event_id: e for e in p.data.events}
        topics = {t.topic_id: t for t in p.data.topics}
        for s in sessions:
            slot = 2 * p.day(s.date) + s.half
            team = (
                p.event_team(events[s.event_id])
                if s.event_id
                else {d: 1 for d in topics[s.topic_id].disciplines}
            )
            for d, k in team.items():
                self.slot[d, slot] += k
                self.month[d, s.date.month] += k
            if (s.date, s.half, s.center_id) in led:
                lead = p.home_lead[s.center_id]
                self.lead_slots[lead].add(slot)
                self.lead_month[lead, s.date.month] += 1


def staff_suffice_per_half_day_and_month(
    m: cp_model.CpModel,
    p: SessionProblem,
    cvs: list[CenterVars],
    evs: list[EventVars],
    guards: Guards,
    used: Used | None = None,
) -> None:
    """Counted staff: per discipline, the sessions and events of a half-day never need more
    people than are available that day, and a month never more than the monthly limits
    allow (after leave, available days and what is already kept)."""
    fixed_load: dict[tuple[str, int], int] = defaultdict(int)
    for s in p.fixed:
        for sid in s.staff_ids:
            fixed_load[sid, s.date.month] += 1
    for disc in DISCIPLINES:
        pool = [s for s in p.data.staff if s.discipline == disc]
        slot_iv, slot_dem, mon_iv, mon_dem = [], [], [], []
        for cv in cvs:
            for i in range(cv.n):
                if disc == "education":
                    pres: cp_model.IntVar | int = 1
                else:
                    lits = team_fits_topic(p, cv, i, disc)
                    if not lits:
                        continue
                    pres = m.new_bool_var("need")
                    m.add(pres == sum(lits))
                if isinstance(pres, int):
                    slot_iv.append(m.new_fixed_size_interval_var(cv.slot[i], 1, "iv"))
                    mon_iv.append(m.new_fixed_size_interval_var(cv.month_no[i], 1, "iv"))
                else:
                    slot_iv.append(
                        m.new_optional_fixed_size_interval_var(cv.slot[i], 1, pres, "iv")
                    )
                    mon_iv.append(
                        m.new_optional_fixed_size_interval_var(cv.month_no[i], 1, pres, "iv")
                    )
                slot_dem.append(1)
                mon_dem.append(1)
        for ev in evs:
            k = ev.team.get(disc, 0)
            if not k:
                continue
            for j in range(len(ev.slot)):
                slot_iv.append(m.new_fixed_size_interval_var(ev.slot[j], 1, "ev"))
                mon_iv.append(m.new_fixed_size_interval_var(ev.month_no[j], 1, "ev"))
                slot_dem.append(k)
                mon_dem.append(k)
        if not slot_iv:
            continue
        cap = len(pool)
        big = sum(slot_dem)
        # half-days: block the staff who are not available that day (or already taken)
        day_avail = [sum(1 for s in pool if p.available(s, d)) for d in range(p.n_days)]
        prev, run_start = None, 0
        for t in range(2 * p.first_day, 2 * p.n_days + 1):
            avail = (
                max(0, day_avail[t // 2] - (used.slot.get((disc, t), 0) if used else 0))
                if t < 2 * p.n_days
                else None
            )
            if avail != prev:
                if prev is not None and cap - prev > 0:
                    slot_iv.append(m.new_fixed_size_interval_var(run_start, t - run_start, "block"))
                    slot_dem.append(cap - prev)
                prev, run_start = avail, t
        g = guards(f"half-day:{disc}")
        m.add_cumulative(slot_iv, slot_dem, cap + (big * (1 - g[0]) if g else 0))
        # months: the monthly limits of the people available that month
        mcap = {}
        for mo in range(p.start.month, 13):
            tot = 0
            for s in pool:
                days = [
                    d
                    for d in range(p.n_days)
                    if p.date(d).month == mo and d >= p.first_day and p.available(s, d)
                ]
                tot += max(0, min(s.max_per_month - fixed_load[s.staff_id, mo], 2 * len(days)))
            mcap[mo] = max(0, tot - (used.month.get((disc, mo), 0) if used else 0))
        top = max(list(mcap.values()) + [0])
        for mo, c in mcap.items():
            if top - c > 0:
                mon_iv.append(m.new_fixed_size_interval_var(mo, 1, "mblock"))
                mon_dem.append(top - c)
        if p.start.month > 1:
            mon_iv.append(m.new_fixed_size_interval_var(1, p.start.month - 1, "past"))
            mon_dem.append(top)
        g = guards(f"month:{disc}")
        m.add_cumulative(mon_iv, mon_dem, top + (big * (1 - g[0]) if g else 0))


@dataclass
class Capacity:
    """Counted staff per discipline: people available per day, session-places per month."""

    day: dict[str, list[int]]
    month: dict[str, dict[int, int]]


def staff_capacity(p: SessionProblem) -> Capacity:
    fixed_load: dict[tuple[str, int], int] = defaultdict(int)
    for s in p.fixed:
        for sid in s.staff_ids:
            fixed_load[sid, s.date.month] += 1
    day: dict[str, list[int]] = {}
    month: dict[str, dict[int, int]] = {}
    for disc in DISCIPLINES:
        pool = [s for s in p.data.staff if s.discipline == disc]
        day[disc] = [sum(1 for s in pool if p.available(s, d)) for d in range(p.n_days)]
        mcap: dict[int, int] = {}
        for mo in range(p.start.month, 13):
            tot = 0
            for s in pool:
                n = sum(
                    1
                    for d in range(p.first_day, p.n_days)
                    if p.date(d).month == mo and p.available(s, d)
                )
                tot += max(0, min(s.max_per_month - fixed_load[s.staff_id, mo], 2 * n))
            mcap[mo] = tot
        month[disc] = mcap
    return Capacity(day=day, month=month)


def need_literals(m: cp_model.CpModel, p: SessionProblem, cv: CenterVars) -> None:
    """教养医结合: per session, whether its topic needs a medical / psychology member."""
    for i in range(cv.n):
        for disc in DISCIPLINES[1:]:
            lits = team_fits_topic(p, cv, i, disc)
            if not lits:
                cv.need[i, disc] = 0
                continue
            z = m.new_bool_var(f"need_{disc}")
            m.add(z == sum(lits))
            cv.need[i, disc] = z


def capacity_violations(
    p: SessionProblem, cap: Capacity, sessions: list[tuple[int, str, str]]
) -> list[tuple[str, str, int, int, int]]:
    """(kind, discipline, slot or month, demand, capacity) where the counted staff fall
    short; ``sessions`` are (slot, discipline, count) of a candidate calendar."""
    per_slot: dict[tuple[str, int], int] = defaultdict(int)
    per_month: dict[tuple[str, int], int] = defaultdict(int)
    for slot, disc, k in sessions:
        per_slot[disc, slot] += k
        per_month[disc, p.date(slot // 2).month] += k
    out = []
    for (disc, slot), n in sorted(per_slot.items()):
        if n > cap.day[disc][slot // 2]:
            out.append(("slot", disc, slot, n, cap.day[disc][slot // 2]))
    for (disc, mo), n in sorted(per_month.items()):
        if n > cap.month[disc].get(mo, 0):
            out.append(("month", disc, mo, n, cap.month[disc].get(mo, 0)))
    return out


def same_lead_at_a_center(
    m: cp_model.CpModel, p: SessionProblem, cvs: list[CenterVars], used: Used | None = None
) -> list[cp_model.LinearExprT]:
    """Soft: the center's home lead leads its sessions. A session led by its home lead falls
    on a day the lead works, not on leave, never two of the lead's sessions in one half-day,
    and within the lead's monthly limit; the others get another lead (cost per session)."""
    staff = {s.staff_id: s for s in p.data.staff}
    fixed_load: dict[tuple[str, int], int] = defaultdict(int)
    for s in p.fixed:
        for sid in s.staff_ids:
            fixed_load[sid, s.date.month] += 1
    slots_of: dict[str, list] = defaultdict(list)
    months_of: dict[str, list] = defaultdict(list)
    penalties: list[cp_model.LinearExprT] = []
    for cv in cvs:
        sid = p.home_lead.get(cv.center.center_id)
        lead = staff.get(sid) if sid else None
        for i in range(cv.n):
            if lead is None:
                cv.led.append(0)
                penalties.append(1)
                continue
            h = m.new_bool_var(f"lead_{cv.center.center_id}_{i}")
            m.add_linear_expression_in_domain(
                cv.wday[i], cp_model.Domain.from_values(lead.days)
            ).only_enforce_if(h)
            for a, b in p.leave.get(lead.staff_id, ()):
                da, db = p.day(a), p.day(b)
                if db < p.first_day or da >= p.n_days:
                    continue
                before = m.new_bool_var("before_leave")
                m.add(cv.day[i] <= da - 1).only_enforce_if([h, before])
                m.add(cv.day[i] >= db + 1).only_enforce_if([h, before.Not()])
            slots_of[lead.staff_id].append(
                m.new_optional_fixed_size_interval_var(cv.slot[i], 1, h, "lead_slot")
            )
            months_of[lead.staff_id].append(
                m.new_optional_fixed_size_interval_var(cv.month_no[i], 1, h, "lead_month")
            )
            cv.led.append(h)
            penalties.append(1 - h)
    for sid, ivs in slots_of.items():
        busy = sorted(used.lead_slots.get(sid, ())) if used else []
        m.add_no_overlap(ivs + [m.new_fixed_size_interval_var(t, 1, "busy") for t in busy])
        cap = staff[sid].max_per_month
        ivm = list(months_of[sid])
        dem = [1] * len(ivm)
        for mo in range(1, 13):
            taken = used.lead_month.get((sid, mo), 0) if used else 0
            used_n = fixed_load[sid, mo] + taken if mo >= p.start.month else cap
            if used_n:
                ivm.append(m.new_fixed_size_interval_var(mo, 1, "used"))
                dem.append(min(cap, used_n))
        m.add_cumulative(ivm, dem, cap)
    return penalties


def keep_what_was_planned(
    m: cp_model.CpModel, p: SessionProblem, cv: CenterVars
) -> tuple[list[cp_model.LinearExprT], list[cp_model.LinearExprT]]:
    """Re-plan: the i-th future session stays on its old half-day and topic if it can."""
    old = sorted(
        (s for s in p.was_planned if s.center_id == cv.center.center_id),
        key=lambda s: (s.date, s.half),
    )
    moved, topic_changed = [], []
    for i, s in enumerate(old[: cv.n]):
        same = m.new_bool_var("same")
        m.add(cv.slot[i] == 2 * p.day(s.date) + s.half).only_enforce_if(same)
        moved.append(1 - same)
        k = p.topic_index.get(s.topic_id)
        if k is not None:
            topic_changed.append(1 - cv.topic[i, k])
    return moved, topic_changed


@dataclass
class StageA:
    model: cp_model.CpModel
    centers: list[CenterVars]
    events: list[EventVars]
    terms: dict[str, list[cp_model.LinearExprT]]
    guards: Guards


def build_calendar(
    p: SessionProblem,
    explain: bool = False,
    centers: list[Center] | None = None,
    with_events: bool = True,
    used: Used | None = None,
) -> StageA:
    """The calendar model of all centers (or a part of them, given what other parts use)."""
    m = cp_model.CpModel()
    guards = Guards(m, explain)
    month_of = _month_of_day(p)
    cvs: list[CenterVars] = []
    terms: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
    for c in p.data.centers if centers is None else centers:
        fixed = sorted(
            (s for s in p.fixed if s.center_id == c.center_id), key=lambda s: (s.date, s.half)
        )
        cv = CenterVars(center=c, days=p.open_days(c), fixed=fixed)
        n = sessions_needed(p, c, fixed)
        name = f"{c.name}({c.center_id})"
        if n and not cv.days:
            g = guards(f"open:{c.center_id}")
            m.add_bool_or([]).only_enforce_if(g) if g else m.add_bool_or([])
            cvs.append(cv)
            continue
        sessions_on_open_days(m, p, cv, n)
        terms["spacing"] += no_two_sessions_within_28_days(
            m, p, cv, guards(f"gap:{c.center_id}:{name}")
        )
        each_center_gets_its_sessions(m, p, cv, month_of)
        every_quarter_has_a_session(m, p, cv, guards(f"quarter:{c.center_id}:{name}"))
        topics_vary(m, p, cv, guards(f"topics:{c.center_id}:{name}"))
        need_literals(m, p, cv)
        moved, tchg = keep_what_was_planned(m, p, cv)
        terms["moved"] += moved
        terms["topic_changed"] += tchg
        cvs.append(cv)
    terms["weekend"] += weekend_share(m, p, cvs)
    if not explain:
        terms["other_lead"] += same_lead_at_a_center(m, p, cvs, used)
    evs = []
    for e in p.data.events if with_events else ():
        ev = EventVars(event=e, team=p.event_team(e))
        done = sum(1 for s in p.fixed if s.event_id == e.event_id)
        each_event_happens(m, p, ev, max(0, e.count - done), guards(f"event:{e.event_id}"))
        evs.append(ev)
    staff_suffice_per_half_day_and_month(m, p, cvs, evs, guards, used)
    r = p.rules
    weights = {
        "moved": r.w_moved,
        "topic_changed": r.w_topic_changed,
        "spacing": r.w_spacing,
        "weekend": r.w_weekend,
        "other_lead": r.w_extra_lead,
    }
    m.minimize(sum(weights[k] * cp_model.LinearExpr.sum(v) for k, v in terms.items() if v))
    a = StageA(m, cvs, evs, terms, guards)
    if not explain:
        hint_calendar(m, p, a)
    return a


def hint_calendar(m: cp_model.CpModel, p: SessionProblem, a: StageA) -> None:
    """A greedy first guess: sessions spread evenly, every fifth near a weekend, halves and
    topics rotating. Kept plans hint their old slots. Helps CP-SAT start near the optimum."""
    k_topics = len(p.data.topics)
    counter = 0
    for ci, cv in enumerate(a.centers):
        if not cv.n or not cv.days:
            continue
        old = sorted(
            (s for s in p.was_planned if s.center_id == cv.center.center_id),
            key=lambda s: (s.date, s.half),
        )
        last = max((p.day(s.date) for s in cv.fixed), default=None)
        start = p.first_day if last is None else last
        span = p.n_days - start
        prev = None if last is None else last
        prev_topic = p.topic_index.get(cv.fixed[-1].topic_id) if cv.fixed else None
        for i in range(cv.n):
            counter += 1
            if i < len(old):
                day, half = p.day(old[i].date), old[i].half
            else:
                target = start + int((i + 0.5) * span / cv.n)
                lo = -1 if prev is None else prev + p.rules.min_gap_days
                want_we = counter % 5 == 0
                cands = [d for d in cv.days if d >= lo] or cv.days
                day = min(
                    cands,
                    key=lambda d: (
                        abs(d - target) + (0 if (p.date(d).weekday() >= 5) == want_we else 3),
                        d,
                    ),
                )
                half = (ci + i) % 2
            m.add_hint(cv.slot[i], 2 * day + half)
            m.add_hint(cv.day[i], day)
            prev = day
            k = (ci + i) % k_topics
            if i < len(old) and old[i].topic_id in p.topic_index:
                k = p.topic_index[old[i].topic_id]
            if k == prev_topic:
                k = (k + 1) % k_topics
            for kk in range(k_topics):
                m.add_hint(cv.topic[i, kk], kk == k)
            prev_topic = k


# --------------------------------------------------------------------------------------
# Stage B: the teams


@dataclass
class Role:
    """One place in a team: a discipline, how many, at a session or an event occurrence."""

    key: int  # index of the session in the plan
    discipline: str
    count: int
    lead: bool


def _near(p: SessionProblem, home: str, street: str) -> int:
    """0 same street, 1 neighbouring street, 2 farther (or unknown)."""
    if not street:
        return 0
    if home == street:
        return 0
    if home in p.streets.get(street, ()):
        return 1
    return 2


def staff_in_one_place_per_half_day(
    m: cp_model.CpModel, by_staff_slot: dict[tuple[str, int], list[cp_model.IntVar]]
) -> None:
    """Nobody is in two places in the same half-day."""
    for lits in by_staff_slot.values():
        if len(lits) > 1:
            m.add_at_most_one(lits)


def staff_within_monthly_limit(
    m: cp_model.CpModel,
    p: SessionProblem,
    by_staff_month: dict[tuple[str, int], list],
) -> None:
    """Nobody works more sessions in a month than their limit (kept sessions count too)."""
    limit = {s.staff_id: s.max_per_month for s in p.data.staff}
    fixed: dict[tuple[str, int], int] = defaultdict(int)
    for s in p.fixed:
        for sid in s.staff_ids:
            fixed[sid, s.date.month] += 1
    for (sid, mo), lits in by_staff_month.items():
        m.add(sum(lits) <= max(0, limit[sid] - fixed[sid, mo]))


def _greedy_team_hint(
    m: cp_model.CpModel,
    p: SessionProblem,
    plan: list[Session],
    roles: list[Role],
    x: dict[tuple[int, int], dict[str, cp_model.IntVar]],
    hint_lead: dict[int, tuple[str, ...]],
) -> dict[tuple[int, int], list[str]] | None:
    """A first guess for the teams: half-day by half-day, the nearest free person with
    room left in the month, the home lead first. Returned when it fills every place (a
    valid assignment to fall back on); CP-SAT starts from it and repairs the rest."""
    staff = {s.staff_id: s for s in p.data.staff}
    centers = {c.center_id: c for c in p.data.centers}
    left: dict[tuple[str, int], int] = {}
    busy: set[tuple[str, int]] = set()
    fixed: dict[tuple[str, int], int] = defaultdict(int)
    for s in p.fixed:
        for sid in s.staff_ids:
            fixed[sid, s.date.month] += 1
    result: dict[tuple[int, int], list[str]] = {}
    complete = True
    order = sorted(
        range(len(roles)),
        key=lambda r: (2 * p.day(plan[roles[r].key].date) + plan[roles[r].key].half, r),
    )
    for r_i in order:
        role = roles[r_i]
        s = plan[role.key]
        slot = 2 * p.day(s.date) + s.half
        street = centers[s.center_id].street_id if s.center_id else ""
        home = p.home_lead.get(s.center_id, "") if role.lead else ""
        xs = x[r_i, role.key]

        def rank(sid: str, street: str = street, home: str = home) -> tuple[int, int]:
            return (sid != home, _near(p, staff[sid].street_id, street))

        chosen = 0
        picked = result.setdefault((r_i, role.key), [])
        for sid in sorted(xs, key=rank):
            mo = s.date.month
            room = left.setdefault((sid, mo), staff[sid].max_per_month - fixed[sid, mo])
            if chosen < role.count and room > 0 and (sid, slot) not in busy:
                left[sid, mo] = room - 1
                busy.add((sid, slot))
                m.add_hint(xs[sid], 1)
                chosen += 1
                picked.append(sid)
            else:
                m.add_hint(xs[sid], 0)
        complete = complete and chosen == role.count
    return result if complete else None


def build_teams(
    p: SessionProblem,
    plan: list[Session],
    restrict: bool,
    hint_lead: dict[int, tuple[str, ...]] | None = None,
    prior_load: dict[str, int] | None = None,
    yearly: bool = True,
) -> tuple[
    cp_model.CpModel,
    dict[tuple[int, int], dict[str, cp_model.IntVar]],
    list[Role],
    dict[str, list[cp_model.LinearExprT]],
    dict[tuple[int, int], list[str]] | None,
]:
    """The team model; ``prior_load`` is what earlier months gave each person when the
    teams are named month by month (balance then counts the year so far)."""
    prior_load = prior_load or {}
    m = cp_model.CpModel()
    hint_lead = hint_lead or {}
    centers = {c.center_id: c for c in p.data.centers}
    topics = {t.topic_id: t for t in p.data.topics}
    events = {e.event_id: e for e in p.data.events}
    roles: list[Role] = []
    for k, s in enumerate(plan):
        if s.center_id:
            t = topics[s.topic_id]
            for d in DISCIPLINES:
                if d in t.disciplines:
                    roles.append(Role(k, d, 1, d == "education"))
        else:
            for d, n in p.event_team(events[s.event_id]).items():
                roles.append(Role(k, d, n, False))
    pools = {d: [s for s in p.data.staff if s.discipline == d] for d in DISCIPLINES}
    x: dict[tuple[int, int], dict[str, cp_model.IntVar]] = {}
    by_slot: dict[tuple[str, int], list] = defaultdict(list)
    by_month: dict[tuple[str, int], list] = defaultdict(list)
    terms: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
    old = {(s.date, s.half, s.center_id, s.event_id): s for s in p.was_planned}
    for r_i, role in enumerate(roles):
        s = plan[role.key]
        day = p.day(s.date)
        street = centers[s.center_id].street_id if s.center_id else ""
        cands = [st for st in pools[role.discipline] if p.available(st, day)]
        if restrict and len(cands) > p.rules.max_candidates:
            # the home lead, everyone of the own and neighbouring streets, and a seeded
            # sample of the others (so that busy half-days still find people)
            home = p.home_lead.get(s.center_id) if role.lead else None
            near_c = [
                st for st in cands if st.staff_id == home or _near(p, st.street_id, street) < 2
            ]
            taken = {st.staff_id for st in near_c}
            rest = [st for st in cands if st.staff_id not in taken]
            pick = random.Random(f"{p.seed}|{role.key}|{role.discipline}")
            cands = near_c + pick.sample(rest, min(len(rest), p.rules.max_candidates))
        xs = {}
        for st in cands:
            v = m.new_bool_var(f"x_{r_i}_{st.staff_id}")
            xs[st.staff_id] = v
            by_slot[st.staff_id, 2 * day + s.half].append(v)
            by_month[st.staff_id, s.date.month].append(v)
            near = _near(p, st.street_id, street)
            if near == 2:
                terms["far"].append(v)
            elif near == 1:
                terms["neighbour"].append(v)
        m.add(sum(xs.values()) == role.count)
        if role.lead:
            home = p.home_lead.get(s.center_id)
            terms["extra_lead"].append(1 - xs[home] if home in xs else 1)
        x[r_i, role.key] = xs
        prev = old.get((s.date, s.half, s.center_id, s.event_id))
        if prev is not None:
            kept = [xs[sid] for sid in prev.staff_ids if sid in xs]
            if kept:
                terms["staff_changed"].append(min(role.count, len(kept)) - sum(kept))
    staff_in_one_place_per_half_day(m, by_slot)
    staff_within_monthly_limit(m, p, by_month)
    greedy = _greedy_team_hint(m, p, plan, roles, x, hint_lead)
    # balanced load: per discipline, sessions above a fair share of the year (so far)
    per_staff: dict[str, list] = defaultdict(list)
    for (sid, _), vs in by_month.items():
        per_staff[sid] += vs
    for d, pool in pools.items():
        demand = sum(r.count for r in roles if r.discipline == d)
        demand += sum(prior_load.get(s.staff_id, 0) for s in pool)
        if not pool or not demand:
            continue
        fair = math.ceil(demand / len(pool))
        for st in pool:
            lits = per_staff.get(st.staff_id, [])
            before = prior_load.get(st.staff_id, 0)
            if before + len(lits) > fair:
                over = m.new_int_var(0, before + len(lits), "over")
                m.add(over >= before + sum(lits) - fair)
                terms["load"].append(over)
    r = p.rules
    weights = {
        "far": r.w_far,
        "neighbour": r.w_neighbour,
        "load": r.w_load,
        "extra_lead": r.w_extra_lead,
        "staff_changed": r.w_staff_changed,
    }
    m.minimize(sum(weights[k] * cp_model.LinearExpr.sum(v) for k, v in terms.items() if v))
    return m, x, roles, terms, greedy


# --------------------------------------------------------------------------------------
# Prechecks and explanations, in a planner's words


def max_sessions_fitting(days: list[int], gap: int, after: int | None = None) -> int:
    """Most sessions ``gap`` days apart on these days (earliest first is optimal)."""
    n, last = 0, (after if after is not None else -(10**9))
    for d in days:
        if d >= last + gap:
            n, last = n + 1, d
    return n


def precheck(p: SessionProblem) -> list[str]:
    """Arithmetic clashes found before any model is built."""
    out: list[str] = []
    gap = p.rules.min_gap_days
    year = p.year
    have = {d: sum(1 for s in p.data.staff if s.discipline == d) for d in DISCIPLINES}
    usable = [t for t in p.data.topics if all(have[d] for d in t.disciplines)]
    for c in p.data.centers:
        fixed = sorted((s for s in p.fixed if s.center_id == c.center_id), key=lambda s: s.date)
        n = sessions_needed(p, c, fixed)
        if not n:
            continue
        days = p.open_days(c)
        name = f"{c.name}({c.center_id})"
        after = p.day(fixed[-1].date) if fixed else None
        fit = max_sessions_fitting(days, gap, after)
        when = f"from {p.start}" if p.start != p.jan1 else f"in {year}"
        if fit < n:
            out.append(
                f"{name} is open on {len(days)} days {when} but needs {n} sessions {gap} days "
                f"apart; at most {fit} fit. Open it on more days, lower its sessions_per_year "
                f"to {fit + len(fixed)}, or shorten the {gap}-day gap."
            )
        if p.rules.every_quarter and c.sessions_per_year >= 4:
            covered = {(s.date.month - 1) // 3 for s in fixed}
            for q in range((p.start.month - 1) // 3, 4):
                if q not in covered and not any((p.date(d).month - 1) // 3 == q for d in days):
                    out.append(
                        f"{name} has no open day in quarter Q{q + 1} of {year} "
                        f"(closures, holidays or its open days), but every quarter "
                        f"needs a session."
                    )
        need_t = min(p.rules.min_topics, c.sessions_per_year, len(p.data.topics))
        if len(usable) < need_t:
            out.append(
                f"{name} needs {need_t} different topics but only {len(usable)} topics "
                f"can be staffed ({', '.join(t.topic_id for t in usable) or 'none'})."
            )
    for e in p.data.events:
        days = p.event_days(e)
        done = sum(1 for s in p.fixed if s.event_id == e.event_id)
        n = max(0, e.count - done)
        where = "weekend days" if e.weekend else "working days"
        if n > len(days):
            out.append(
                f"Event {e.name}({e.event_id}) must happen {n} more times on "
                f"different {where} in months {','.join(map(str, e.months))}, "
                f"but there are only {len(days)} such days."
            )
        if e.disciplines and e.staff_needed < len(e.disciplines):
            out.append(
                f"Event {e.name}({e.event_id}) needs one person of each of "
                f"{len(e.disciplines)} disciplines but only {e.staff_needed} staff."
            )
        for d, k in p.event_team(e).items():
            if k > have[d]:
                out.append(
                    f"Event {e.name}({e.event_id}) needs {k} {d} staff "
                    f"({DISCIPLINE_ZH[d]}) at once; the district has {have[d]}."
                )
    # the year's education capacity against the education a year needs
    demand = sum(
        sessions_needed(p, c, [s for s in p.fixed if s.center_id == c.center_id])
        for c in p.data.centers
    )
    demand += sum(p.event_team(e).get("education", 0) * max(0, e.count) for e in p.data.events)
    supply = 0
    for s in p.data.staff:
        if s.discipline != "education":
            continue
        for mo in range(p.start.month, 13):
            days = [
                d
                for d in range(p.first_day, p.n_days)
                if p.date(d).month == mo and p.available(s, d)
            ]
            supply += min(s.max_per_month, 2 * len(days))
    if demand > supply:
        out.append(
            f"The sessions and events need {demand} education-lead half-days but the "
            f"education staff give at most {supply} within their monthly limits, "
            f"available days and leave; {demand - supply} short."
        )
    return out


def explain(p: SessionProblem, params: SolveParams) -> list[str]:
    """Which rule groups clash, from assumption literals, in a planner's words."""
    a = build_calendar(p, explain=True)
    m = a.model
    m.clear_objective()
    m.add_assumptions(a.guards.lits)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = min(30.0, params.time_limit)
    solver.parameters.num_workers = 1
    status = solver.solve(m)
    if status != cp_model.INFEASIBLE:
        return ["The rules could not be met within the time limit; try a longer --time-limit."]
    core = [a.guards.text[i] for i in solver.sufficient_assumptions_for_infeasibility()]
    return [_words(p, t) for t in core]


def _words(p: SessionProblem, tag: str) -> str:
    parts = tag.split(":", 2)
    kind = parts[0]
    gap = p.rules.min_gap_days
    if kind == "gap":
        return f"{parts[2]}: its sessions {gap} days apart"
    if kind == "quarter":
        return f"{parts[2]}: a session in every quarter"
    if kind == "topics":
        return f"{parts[2]}: at least {p.rules.min_topics} topics, never the same twice in a row"
    if kind == "event":
        e = next(e for e in p.data.events if e.event_id == parts[1])
        return f"event {e.name}({e.event_id}): {e.count} times with {e.staff_needed} staff"
    if kind == "half-day":
        disc = parts[1]
        pool = [s for s in p.data.staff if s.discipline == disc]
        return (
            f"{DISCIPLINE_ZH[disc]} ({disc}) staff available per half-day: {len(pool)} "
            f"people, who can be in only one place each half-day, on their available "
            f"days, outside leave"
        )
    if kind == "month":
        disc = parts[1]
        cap = staff_capacity(p).month[disc]
        details = []
        for mo, c in sorted(cap.items()):
            evs = [
                e
                for e in p.data.events
                if set(e.months) & set(cap) == {mo} and p.event_team(e).get(disc)
            ]
            need = sum(e.count * p.event_team(e)[disc] for e in evs)
            if need > c:
                details.append(
                    f"month {mo} gives {c} places within their limits but "
                    f"{', '.join(e.name for e in evs)} alone need {need}, "
                    f"{need - c} short"
                )
        if not details:
            low = sorted(cap.items(), key=lambda kv: kv[1])[:3]
            details.append(
                "the tightest months give "
                + ", ".join(f"{c} places in month {mo}" for mo, c in low)
            )
        return f"{DISCIPLINE_ZH[disc]} ({disc}) staff monthly limits: " + "; ".join(details)
    if kind == "open":
        return f"center {parts[1]} has no open day left in {p.year}"
    return tag


# --------------------------------------------------------------------------------------
# The whole plan


def _soft(name: str, desc: str, solver: cp_model.CpSolver, terms, weight: int) -> SoftCost:
    value = int(sum(solver.value(t) if not isinstance(t, int) else t for t in terms))
    return SoftCost(name, desc, value, weight)


def solve_calendar(
    model: cp_model.CpModel, params: SolveParams, progress: ProgressFn | None = None
) -> tuple[cp_model.CpSolver, int, float]:
    """Like :func:`solve`, with presolve probing kept light: probing this model costs far
    more than it saves."""
    from dataclasses import replace as _replace

    from tuoyu.optimizer.solve import solve as _solve

    light = _replace(
        params, extra=(*params.extra, ("cp_model_probing_level", 0), ("symmetry_level", 0))
    )
    return _solve(model, light, progress)


def _demands(p: SessionProblem, a: StageA, solver: cp_model.CpSolver) -> list[tuple[int, str, int]]:
    out = []
    for cv in a.centers:
        for i in range(cv.n):
            slot = solver.value(cv.slot[i])
            out.append((slot, "education", 1))
            for disc in DISCIPLINES[1:]:
                z = cv.need[i, disc]
                if solver.value(z) if not isinstance(z, int) else z:
                    out.append((slot, disc, 1))
    for ev in a.events:
        for s in ev.slot:
            for disc, k in ev.team.items():
                out.append((solver.value(s), disc, k))
    return out


def _calendar_groups(p: SessionProblem) -> list[list[Center]]:
    """The whole district in one model, or for a big instance one part per street (the
    street's centers share its staff and neighbours; parts are solved one after another,
    each given what the earlier ones take)."""
    active = [c for c in p.data.centers]
    if sum(1 for c in active if c.sessions_per_year) <= p.rules.decompose_above:
        return [active]
    by_street: dict[str, list[Center]] = defaultdict(list)
    for c in active:
        by_street[c.street_id].append(c)
    groups: list[list[Center]] = []
    size = p.rules.part_size
    for sid in sorted(by_street):
        cs = by_street[sid]
        k = math.ceil(len(cs) / size)
        groups += [cs[j::k] for j in range(k)]
    # the biggest parts first, while the staff are all free
    groups.sort(key=lambda g: (-sum(c.sessions_per_year for c in g), g[0].center_id))
    return groups


def _extract(
    p: SessionProblem,
    a: StageA,
    solver: cp_model.CpSolver,
    led_by_home: set[tuple[dt.date, int, str]],
) -> list[Session]:
    out: list[Session] = []
    for cv in a.centers:
        for i in range(cv.n):
            slot = solver.value(cv.slot[i])
            k = next(k for k in range(len(p.data.topics)) if solver.value(cv.topic[i, k]))
            out.append(
                Session(
                    date=p.date(slot // 2),
                    half=slot % 2,
                    center_id=cv.center.center_id,
                    topic_id=p.data.topics[k].topic_id,
                )
            )
            led = cv.led[i] if i < len(cv.led) else 0
            if not isinstance(led, int) and solver.value(led):
                led_by_home.add((out[-1].date, out[-1].half, cv.center.center_id))
    for ev in a.events:
        for s in ev.slot:
            slot = solver.value(s)
            out.append(Session(date=p.date(slot // 2), half=slot % 2, event_id=ev.event.event_id))
    return out


CALENDAR_TERMS = ("moved", "topic_changed", "spacing", "weekend", "other_lead")
TEAM_TERMS = ("far", "neighbour", "load", "extra_lead", "staff_changed")


def team_costs(
    p: SessionProblem, new: list[Session], staff_of: dict[int, list[str]]
) -> dict[str, int]:
    """The teams' soft goals counted on the plan itself (as a planner would count them)."""
    staff = {s.staff_id: s for s in p.data.staff}
    centers = {c.center_id: c for c in p.data.centers}
    out = dict.fromkeys(TEAM_TERMS, 0)
    load: Counter = Counter()
    old = {(s.date, s.half, s.center_id, s.event_id): s for s in p.was_planned}
    for k, s in enumerate(new):
        team = staff_of[k]
        load.update(team)
        if s.center_id:
            street = centers[s.center_id].street_id
            for sid in team:
                near = _near(p, staff[sid].street_id, street)
                out["far"] += near == 2
                out["neighbour"] += near == 1
            if p.home_lead.get(s.center_id) not in team:
                out["extra_lead"] += 1
        prev = old.get((s.date, s.half, s.center_id, s.event_id))
        if prev is not None:
            out["staff_changed"] += len(set(prev.staff_ids) - set(team))
    for d in DISCIPLINES:
        pool = [s for s in p.data.staff if s.discipline == d]
        total = sum(load[s.staff_id] for s in pool)
        if pool and total:
            fair = math.ceil(total / len(pool))
            out["load"] += sum(max(0, load[s.staff_id] - fair) for s in pool)
    return out


def _greedy_cost(
    p: SessionProblem, sub: list[Session], greedy: dict[tuple[int, int], list[str]], x, terms
) -> int:
    staff_of: dict[int, list[str]] = defaultdict(list)
    for (_r, j), sids in greedy.items():
        staff_of[j] += sids
    r = p.rules
    c = team_costs(p, sub, staff_of)
    return (
        c["far"] * r.w_far
        + c["neighbour"] * r.w_neighbour
        + c["load"] * r.w_load
        + c["extra_lead"] * r.w_extra_lead
        + c["staff_changed"] * r.w_staff_changed
    )


def plan_sessions(
    p: SessionProblem, params: SolveParams | None = None, progress: ProgressFn | None = None
) -> SessionPlan:
    """Plan the year (or the rest of it from ``p.from_date``); raises InfeasibleError."""
    params = params or SolveParams()
    clashes = precheck(p)
    if clashes:
        raise InfeasibleError("The rules cannot all hold for the guidance sessions:", clashes)
    r = p.rules
    t_start = time.perf_counter()
    groups = _calendar_groups(p)
    used = Used() if len(groups) > 1 else None
    new: list[Session] = []
    led_by_home: set[tuple[dt.date, int, str]] = set()
    values: dict[str, int] = defaultdict(int)
    stages: list[dict[str, object]] = []
    budget_a = params.time_limit * 0.6
    for gi, group in enumerate(groups):
        t0 = time.perf_counter()
        a = build_calendar(p, centers=group, with_events=(gi == 0), used=used)
        build = time.perf_counter() - t0
        left = budget_a - (time.perf_counter() - t_start)
        limit = max(2.0, left / (len(groups) - gi))
        solver, status, secs = solve_calendar(a.model, _with_time(params, limit), progress)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if status == cp_model.INFEASIBLE and len(groups) == 1:
                raise InfeasibleError(
                    "The rules cannot all hold for the guidance sessions; "
                    "these clash (relax one of them):",
                    explain(p, params),
                )
            what = (
                f"street {group[0].street_id}, {len(group)} centers"
                if len(groups) > 1
                else "the district"
            )
            raise TimeLimitError(
                "No calendar was found within the time limit.",
                [
                    f"The calendar (days and topics) of {what} was not found in {secs:.0f} s "
                    f"({STATUS[status]}); give more --time-limit or more --workers"
                    + (
                        "."
                        if len(groups) == 1
                        else ", or the staff of this street are "
                        "taken by the streets planned before it."
                    )
                ],
            )
        part = _extract(p, a, solver, led_by_home)
        new += part
        if used is not None:
            used.add(p, part, led_by_home)
        for name in CALENDAR_TERMS:
            values[name] += _soft(name, "", solver, a.terms[name], 0).value
        stages.append(
            dict(
                stage="calendar" if len(groups) == 1 else f"calendar {gi + 1}",
                status=STATUS[status],
                objective=solver.objective_value,
                bound=solver.best_objective_bound,
                build_seconds=build,
                solve_seconds=secs,
            )
        )
    new.sort(key=lambda s: (s.date, s.half, s.center_id, s.event_id))
    # stage B: the teams, in one model or month by month for a big instance
    hint_lead = {
        k: (p.home_lead.get(s.center_id, ""),)
        for k, s in enumerate(new)
        if (s.date, s.half, s.center_id) in led_by_home
    }
    topic_of = {t.topic_id: t for t in p.data.topics}
    event_of = {e.event_id: e for e in p.data.events}
    n_roles = sum(
        len(topic_of[s.topic_id].disciplines) if s.center_id else event_of[s.event_id].staff_needed
        for s in new
    )
    parts = (
        [list(range(len(new)))]
        if n_roles <= r.teams_by_month_above
        else [[k for k, s in enumerate(new) if s.date.month == mo] for mo in range(1, 13)]
    )
    parts = [q for q in parts if q]
    staff_of: dict[int, list[str]] = defaultdict(list)
    prior_load: dict[str, int] = defaultdict(int)
    for pi, part in enumerate(parts):
        sub = [new[k] for k in part]
        sub_hint = {j: hint_lead[k] for j, k in enumerate(part) if k in hint_lead}
        left = params.time_limit - (time.perf_counter() - t_start)
        limit = max(2.0, left / (len(parts) - pi))
        result = None
        for restrict in (True, False):
            t1 = time.perf_counter()
            mb, x, roles, terms, greedy = build_teams(
                p, sub, restrict, sub_hint, prior_load, yearly=len(parts) == 1
            )
            build = time.perf_counter() - t1
            sb, st_b, secs = solve(mb, _with_time(params, limit))
            stages.append(
                dict(
                    stage="teams" if len(parts) == 1 else f"teams {pi + 1}",
                    status=STATUS[st_b],
                    objective=None,
                    bound=None,
                    build_seconds=build,
                    solve_seconds=secs,
                )
            )
            if st_b in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                stages[-1].update(objective=sb.objective_value, bound=sb.best_objective_bound)
                result = {k: [sid for sid, v in xs.items() if sb.value(v)] for k, xs in x.items()}
                break
            if st_b == cp_model.UNKNOWN and greedy is not None:
                # out of time: the greedy teams are valid; their cost has bound 0
                stages[-1].update(
                    status="feasible (greedy)",
                    bound=0.0,
                    objective=float(_greedy_cost(p, sub, greedy, x, terms)),
                )
                result = greedy
                break
            if st_b == cp_model.INFEASIBLE and not restrict:
                break
        if result is None:
            last = stages[-1]
            where = "" if len(parts) == 1 else f" in month {sub[0].date.month}"
            if last["status"] == "infeasible":
                raise InfeasibleError(
                    "The calendar fits the staff counts, but no team assignment"
                    + where
                    + " meets every person's monthly limit, available days and leave at once:",
                    [
                        "Raise some staff's monthly limits (max_per_month), widen their "
                        "available days (weekends especially), or lower sessions_per_year."
                    ],
                )
            raise TimeLimitError(
                "No team assignment was found within the time limit" + where + ".",
                [
                    f"Naming the teams stopped after {last['solve_seconds']:.0f} s "
                    f"({last['status']}); give more --time-limit or more --workers."
                ],
            )
        for (_r, j), sids in result.items():
            for sid in sids:
                staff_of[part[j]].append(sid)
                prior_load[sid] += 1
    order = {st.staff_id: i for i, st in enumerate(p.data.staff)}
    new = [
        s.model_copy(update={"staff_ids": tuple(sorted(staff_of[k], key=order.__getitem__))})
        for k, s in enumerate(new)
    ]
    values.update(team_costs(p, new, staff_of))
    described = {
        "moved": ("future sessions moved to another half-day (re-plan)", r.w_moved),
        "topic_changed": ("kept sessions with another topic (re-plan)", r.w_topic_changed),
        "spacing": ("days by which gaps fall short of an even spread", r.w_spacing),
        "weekend": (f"sessions off the {r.weekend_share:.0%} weekend target", r.w_weekend),
        "other_lead": ("sessions planned without their home lead free (calendar)", r.w_extra_lead),
        "far": ("staff trips beyond home and neighbouring streets", r.w_far),
        "neighbour": ("staff trips to a neighbouring street", r.w_neighbour),
        "load": ("sessions above staff's fair share (balance)", r.w_load),
        "extra_lead": ("sessions not led by the center's home lead", r.w_extra_lead),
        "staff_changed": ("kept sessions with another person (re-plan)", r.w_staff_changed),
    }
    soft = [SoftCost(k, d, values[k], w) for k, (d, w) in described.items()]
    planned = sorted(list(p.fixed) + new, key=lambda s: (s.date, s.half, s.center_id, s.event_id))
    solved = [st for st in stages if st["objective"] is not None]
    objective = sum(float(st["objective"]) for st in solved)  # type: ignore[arg-type]
    bound = sum(float(st["bound"]) for st in solved)  # type: ignore[arg-type]
    finals: dict[str, str] = {}
    for st in stages:  # the last attempt of each stage counts
        finals[str(st["stage"])] = str(st["status"])
    status_text = "optimal" if set(finals.values()) == {"optimal"} else "feasible"
    findings = []
    if len(groups) > 1 or len(parts) > 1:
        findings.append(
            f"Big instance: the calendar was planned street by street "
            f"({len(groups)} parts) and the teams month by month ({len(parts)} "
            f"parts); objective and bound are sums over the parts, each optimal "
            f"or not for its part, not for the whole year at once."
        )
    if status_text != "optimal":
        findings.append(
            "Not proven optimal within the time limit: another run may give a "
            "different (equally valid) calendar."
        )
    findings += p.data.calendar.warnings([p.year])
    build_s = sum(float(st["build_seconds"]) for st in stages)  # type: ignore[arg-type]
    solve_s = sum(float(st["solve_seconds"]) for st in stages)  # type: ignore[arg-type]
    plan = SessionPlan(
        sessions=planned,
        status=status_text,
        objective=objective,
        bound=bound,
        build_seconds=build_s,
        solve_seconds=solve_s,
        soft_costs=soft,
        findings=findings,
        stages=stages,
    )
    plan.changes = describe_changes(p, new)
    return plan


def _with_time(params: SolveParams, t: float) -> SolveParams:
    return SolveParams(
        time_limit=t,
        workers=params.workers,
        seed=params.seed,
        relative_gap=params.relative_gap,
        log=params.log,
    )


def describe_changes(p: SessionProblem, new: Iterable[Session]) -> list[str]:
    """What moved against the previous plan, from the re-plan date on."""
    if not p.previous:
        return []
    out = []

    def key(s: Session) -> str:
        return s.center_id or s.event_id

    old_by: dict[str, list[Session]] = defaultdict(list)
    new_by: dict[str, list[Session]] = defaultdict(list)
    for s in p.was_planned:
        old_by[key(s)].append(s)
    for s in new:
        new_by[key(s)].append(s)
    for k in sorted(set(old_by) | set(new_by)):
        a = sorted(old_by[k], key=lambda s: (s.date, s.half))
        b = sorted(new_by[k], key=lambda s: (s.date, s.half))
        for i in range(max(len(a), len(b))):
            o = a[i] if i < len(a) else None
            n = b[i] if i < len(b) else None
            if o and n and (o.date, o.half) != (n.date, n.half):
                out.append(
                    f"{k}: {o.date} {'AM' if o.half == 0 else 'PM'} -> {n.date} "
                    f"{'AM' if n.half == 0 else 'PM'} ({n.topic_id or n.event_id})"
                )
            elif o and n and o.staff_ids != n.staff_ids:
                out.append(
                    f"{k}: {n.date} staff {';'.join(o.staff_ids)} -> {';'.join(n.staff_ids)}"
                )
            elif o and n and o.topic_id != n.topic_id:
                out.append(f"{k}: {n.date} topic {o.topic_id} -> {n.topic_id}")
            elif o and not n:
                out.append(f"{k}: {o.date} dropped")
            elif n and not o:
                out.append(f"{k}: {n.date} added")
    return out
