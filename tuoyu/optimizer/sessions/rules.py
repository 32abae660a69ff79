"""The hard rules of the guidance calendar, one function per rule family, named as a
planner names the rule, collected in :data:`RULES`.

Calendar rules (stage A) work on a center's ordered sessions ``i = 0..n-1``: each has a
half-day slot ``S = 2*day + half`` (day counted from 1 January) and a topic. Team rules
(stage B) work on the places of the teams, with the slots fixed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from tuoyu.models.sessions import Center, DistrictEvent, Session
from tuoyu.optimizer.sessions.problem import DISCIPLINES, SessionProblem, month_places

if TYPE_CHECKING:
    from tuoyu.optimizer.sessions.teams import Role


class Guards:
    """An assumption literal per rule group when explaining infeasibility, else nothing."""

    def __init__(self, model: cp_model.CpModel, on: bool):
        self.model = model
        self.on = on
        self.tags: dict[int, str] = {}
        self.lits: list[cp_model.IntVar] = []

    def __call__(self, tag: str) -> list[cp_model.IntVar]:
        if not self.on:
            return []
        lit = self.model.new_bool_var(tag[:40])
        self.tags[lit.index] = tag
        self.lits.append(lit)
        return [lit]


def _never(m: cp_model.CpModel, guard: list) -> None:
    """A rule that cannot hold (e.g. a center with no open day left)."""
    if guard:
        m.add_bool_or([]).only_enforce_if(guard)
    else:
        m.add_bool_or([])


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
    #: per session, (partner, literal "counted as partnered")
    partnered: list[list[tuple[str, cp_model.IntVar]]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.slot)

    @property
    def slots(self) -> frozenset[int]:
        return frozenset(2 * d + h for d in self.days for h in (0, 1))


@dataclass
class EventVars:
    event: DistrictEvent
    team: dict[str, int]
    days: list[int] = field(default_factory=list)
    slot: list[cp_model.IntVar] = field(default_factory=list)
    month_no: list[cp_model.IntVar] = field(default_factory=list)
    wday: list[cp_model.IntVar] = field(default_factory=list)
    #: (occurrence, month) -> "the occurrence falls in that month"
    month: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)

    @property
    def slots(self) -> frozenset[int]:
        return frozenset(2 * d + h for d in self.days for h in (0, 1))


def _weekday_of(m: cp_model.CpModel, p: SessionProblem, day: cp_model.IntVar, days: list[int]):
    """The weekday of a day variable: day = 7*week + weekday - weekday(1 January)."""
    week = m.new_int_var(0, 54, "week")
    wdays = cp_model.Domain.from_values(sorted({p.date(x).weekday() for x in days}))
    wday = m.new_int_var_from_domain(wdays, "wd")
    m.add(day == 7 * week + wday - p.jan1.weekday())
    return wday


# -- the calendar ------------------------------------------------------------------------


def sessions_on_open_days(m: cp_model.CpModel, p: SessionProblem, cv: CenterVars, n: int) -> None:
    """Each session falls on a day the center is open, not a public holiday, not closed."""
    dom = cp_model.Domain.from_values(sorted(cv.slots))
    cid = cv.center.center_id
    for i in range(n):
        s = m.new_int_var_from_domain(dom, f"slot_{cid}_{i}")
        d = m.new_int_var_from_domain(cp_model.Domain.from_values(cv.days), f"day_{cid}_{i}")
        h = m.new_bool_var(f"pm_{cid}_{i}")
        m.add(s == 2 * d + h)
        cv.slot.append(s)
        cv.day.append(d)
        cv.wday.append(_weekday_of(m, p, d, cv.days))


def no_two_sessions_within_28_days(
    m: cp_model.CpModel, p: SessionProblem, cv: CenterVars, guard: list
) -> None:
    """Sessions in order, at least ``min_gap_days`` apart (also after the last kept one)."""
    gap = p.rules.min_gap_days
    last_fixed = max((p.day(s.date) for s in cv.fixed), default=None)
    if last_fixed is not None and cv.n:
        m.add(cv.day[0] >= last_fixed + gap).only_enforce_if(guard)
    for i in range(cv.n - 1):
        m.add(cv.day[i + 1] >= cv.day[i] + gap).only_enforce_if(guard)


def each_session_in_one_month(m: cp_model.CpModel, p: SessionProblem, cv: CenterVars) -> None:
    """The month of every session (used by the quarter rule and the monthly limits)."""
    months = sorted({p.month_of_day[d] for d in cv.days})
    for i in range(cv.n):
        lits = []
        for mo in months:
            b = m.new_bool_var(f"m_{cv.center.center_id}_{i}_{mo}")
            days = p.month_days(mo)
            m.add_linear_constraint(cv.day[i], days.start, days.stop - 1).only_enforce_if(b)
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
            _never(m, guard)
            continue
        m.add_bool_or(lits).only_enforce_if(guard)


def topics_vary(m: cp_model.CpModel, p: SessionProblem, cv: CenterVars, guard: list) -> None:
    """At least ``min_topics`` different topics a year, never the same topic twice in a row;
    a topic needing medicine or psychology takes one of them (教养医结合)."""
    topics = p.data.topics
    for i in range(cv.n):
        for k in range(len(topics)):
            cv.topic[i, k] = m.new_bool_var(f"t_{cv.center.center_id}_{i}_{k}")
        m.add_exactly_one(cv.topic[i, k] for k in range(len(topics)))
        _team_fits_topic(m, p, cv, i)
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


def _team_fits_topic(m: cp_model.CpModel, p: SessionProblem, cv: CenterVars, i: int) -> None:
    """教养医结合: whether session ``i`` needs a medical / psychology member (its topic)."""
    for disc in DISCIPLINES[1:]:
        lits = [cv.topic[i, k] for k, t in enumerate(p.data.topics) if disc in t.disciplines]
        if not lits:
            cv.need[i, disc] = 0
            continue
        z = m.new_bool_var(f"need_{disc}")
        m.add(z == sum(lits))
        cv.need[i, disc] = z


def each_event_happens(
    m: cp_model.CpModel, p: SessionProblem, ev: EventVars, n: int, guard: list
) -> None:
    """Each district event its number of times, in its months, on a weekend if it says so,
    on different days."""
    ev.days = p.event_days(ev.event)
    if not ev.days:
        if n:
            _never(m, guard)
        return
    dom = cp_model.Domain.from_values(sorted(ev.slots))
    months = sorted({p.month_of_day[d] for d in ev.days})
    for j in range(n):
        s = m.new_int_var_from_domain(dom, f"ev_{ev.event.event_id}_{j}")
        if j:
            m.add(s >= ev.slot[-1] + 2).only_enforce_if(guard)
        ev.slot.append(s)
        d = m.new_int_var_from_domain(cp_model.Domain.from_values(ev.days), "evday")
        m.add(s == 2 * d + m.new_bool_var("evpm"))
        ev.wday.append(_weekday_of(m, p, d, ev.days))
        lits = []
        mn = m.new_int_var(1, 12, "evmon")
        for mo in months:
            b = m.new_bool_var("evm")
            days = p.month_days(mo)
            m.add_linear_constraint(s, 2 * days.start, 2 * days.stop - 1).only_enforce_if(b)
            lits.append((mo, b))
            ev.month[j, mo] = b
        m.add_exactly_one(b for _, b in lits)
        m.add(mn == sum(mo * b for mo, b in lits))
        ev.month_no.append(mn)


def staff_suffice_per_half_day_and_month(
    m: cp_model.CpModel,
    p: SessionProblem,
    cvs: list[CenterVars],
    evs: list[EventVars],
    guards: Guards,
    used: dict | None = None,
) -> None:
    """Counted staff: per discipline, the sessions and events of a half-day never need more
    people than are available that day, and a month never more than the monthly limits
    allow (after leave, available days and what is already kept). Necessary, not
    sufficient: the staffing cuts (``cuts.py``) make the calendar staffable by name.
    ``used``: (discipline, slot) and (discipline, month) taken by earlier parts."""
    used = used or {}
    for disc in DISCIPLINES:
        slot_iv, mon_iv, dem = _demand_intervals(m, cvs, evs, disc)
        if not slot_iv:
            continue
        pool = p.pools[disc]
        cap, big = len(pool), sum(dem)
        slot_dem = list(dem)
        # half-days: block the staff who are not available that day (or already taken)
        day_avail = [
            sum(1 for s in pool if d in p.available_days[s.staff_id]) for d in range(p.n_days)
        ]
        prev, run_start = None, 0
        for t in range(2 * p.first_day, 2 * p.n_days + 1):
            avail = (
                max(0, day_avail[t // 2] - used.get(("slot", disc, t), 0))
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
        mcap = {
            mo: max(
                0,
                sum(month_places(p, s, mo) for s in pool) - used.get(("month", disc, mo), 0),
            )
            for mo in range(p.start.month, 13)
        }
        top = max([*mcap.values(), 0])
        mon_dem = list(dem)
        for mo, c in mcap.items():
            if top - c > 0:
                mon_iv.append(m.new_fixed_size_interval_var(mo, 1, "mblock"))
                mon_dem.append(top - c)
        if p.start.month > 1:
            mon_iv.append(m.new_fixed_size_interval_var(1, p.start.month - 1, "past"))
            mon_dem.append(top)
        g = guards(f"month:{disc}")
        m.add_cumulative(mon_iv, mon_dem, top + (big * (1 - g[0]) if g else 0))
        if p.rules.weekday_cuts:
            staff_suffice_per_weekday_of_a_month(m, p, cvs, evs, disc, guards(f"weekday:{disc}"))


def staff_suffice_per_weekday_of_a_month(
    m: cp_model.CpModel,
    p: SessionProblem,
    cvs: list[CenterVars],
    evs: list[EventVars],
    disc: str,
    guard: list,
) -> None:
    """Counted staff by weekday: all the Mondays (Tuesdays, ...) of a month together never
    need more people than the staff can give on them (each person: the monthly limit, or
    the half-days of those days they are available, whichever is less). A staffing cut
    (``cuts.py``) for every month and weekday, as one cumulative constraint over the
    position ``7 * (month - 1) + weekday``. Necessary, like the two above."""
    from tuoyu.optimizer.sessions.cuts import cut_capacity

    ivs, dem = [], []
    for wd, mo_no, need in _weekday_demands(cvs, evs, disc):
        pos = m.new_int_var(0, 83, "wdpos")
        m.add(pos == 7 * (mo_no - 1) + wd)
        if isinstance(need, int):
            ivs.append(m.new_fixed_size_interval_var(pos, 1, "wdiv"))
        else:
            ivs.append(m.new_optional_fixed_size_interval_var(pos, 1, need, "wdiv"))
        dem.append(need if isinstance(need, int) else 1)
    if not ivs:
        return
    caps = {}
    for mo in range(1, 13):
        days = list(p.month_days(mo)) if mo >= p.start.month else []
        for wd in range(7):
            slots = frozenset(2 * d + h for d in days if p.date(d).weekday() == wd for h in (0, 1))
            caps[7 * (mo - 1) + wd] = cut_capacity(p, disc, mo, slots)
    top = max(caps.values())
    for pos, c in caps.items():
        if top - c > 0:
            ivs.append(m.new_fixed_size_interval_var(pos, 1, "wdblock"))
            dem.append(top - c)
    big = sum(dem)
    m.add_cumulative(ivs, dem, top + (big * (1 - guard[0]) if guard else 0))


def _weekday_demands(cvs: list[CenterVars], evs: list[EventVars], disc: str):
    """(weekday, month, need) of every session and event occurrence needing ``disc``:
    need a literal, or a fixed number of people."""
    for cv in cvs:
        for i in range(cv.n):
            need = 1 if disc == "education" else cv.need.get((i, disc), 0)
            if not isinstance(need, int) or need:
                yield cv.wday[i], cv.month_no[i], need
    for ev in evs:
        k = ev.team.get(disc, 0)
        for j in range(len(ev.slot) if k else 0):
            yield ev.wday[j], ev.month_no[j], k


def _demand_intervals(
    m: cp_model.CpModel, cvs: list[CenterVars], evs: list[EventVars], disc: str
) -> tuple[list, list, list[int]]:
    """Per session needing ``disc``: an interval on its slot and one on its month."""
    slot_iv, mon_iv, dem = [], [], []
    for cv in cvs:
        for i in range(cv.n):
            pres = 1 if disc == "education" else cv.need.get((i, disc), 0)
            if isinstance(pres, int):
                if not pres:
                    continue
                slot_iv.append(m.new_fixed_size_interval_var(cv.slot[i], 1, "iv"))
                mon_iv.append(m.new_fixed_size_interval_var(cv.month_no[i], 1, "iv"))
            else:
                slot_iv.append(m.new_optional_fixed_size_interval_var(cv.slot[i], 1, pres, "iv"))
                mon_iv.append(
                    m.new_optional_fixed_size_interval_var(cv.month_no[i], 1, pres, "iv")
                )
            dem.append(1)
    for ev in evs:
        k = ev.team.get(disc, 0)
        for j in range(len(ev.slot) if k else 0):
            slot_iv.append(m.new_fixed_size_interval_var(ev.slot[j], 1, "ev"))
            mon_iv.append(m.new_fixed_size_interval_var(ev.month_no[j], 1, "ev"))
            dem.append(k)
    return slot_iv, mon_iv, dem


# -- the teams ---------------------------------------------------------------------------


def each_place_filled_by_available_staff(
    m: cp_model.CpModel, roles: list[Role], x: dict[int, dict[str, cp_model.IntVar]]
) -> None:
    """Every place of a team gets its number of people of its discipline, each available
    that day (their weekdays, not on leave): the candidates are those people only."""
    for r_i, role in enumerate(roles):
        m.add(sum(x[r_i].values()) == role.count)


def staff_in_one_place_per_half_day(
    m: cp_model.CpModel, by_staff_slot: dict[tuple[str, int], list[cp_model.IntVar]]
) -> None:
    """Nobody is in two places in the same half-day."""
    for lits in by_staff_slot.values():
        if len(lits) > 1:
            m.add_at_most_one(lits)


def staff_within_monthly_limit(
    m: cp_model.CpModel, p: SessionProblem, by_staff_month: dict[tuple[str, int], list]
) -> None:
    """Nobody works more sessions in a month than their limit (kept sessions count too)."""
    staff = {s.staff_id: s for s in p.data.staff}
    for (sid, mo), lits in by_staff_month.items():
        m.add(sum(lits) <= p.room(staff[sid], mo))


def month_bounds(p: SessionProblem, mo: int) -> tuple[dt.date, dt.date]:
    days = p.month_days(mo)
    return p.date(days.start), p.date(days.stop - 1)


#: every hard rule by the name a planner uses for it
RULES: dict[str, Callable[..., object]] = {
    "sessions_on_open_days": sessions_on_open_days,
    "no_two_sessions_within_28_days": no_two_sessions_within_28_days,
    "each_session_in_one_month": each_session_in_one_month,
    "every_quarter_has_a_session": every_quarter_has_a_session,
    "topics_vary": topics_vary,
    "each_event_happens": each_event_happens,
    "staff_suffice_per_half_day_and_month": staff_suffice_per_half_day_and_month,
    "each_place_filled_by_available_staff": each_place_filled_by_available_staff,
    "staff_in_one_place_per_half_day": staff_in_one_place_per_half_day,
    "staff_within_monthly_limit": staff_within_monthly_limit,
}
