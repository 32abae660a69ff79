"""The soft goals of the guidance calendar: one weights dataclass and a registry of
goals, each returning its penalty terms (summed, times its weight, into the objective).

Calendar goals (stage A): even spacing, the weekend share, the home lead free for the
session, a re-plan's sessions kept where they were. Team goals (stage B): staff near
home, balanced load, the home lead leading, a re-plan's teams kept.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from tuoyu.models.sessions import Session
    from tuoyu.optimizer.sessions.problem import SessionProblem
    from tuoyu.optimizer.sessions.rules import CenterVars, EventVars

Terms = list[cp_model.LinearExprT]


@dataclass(frozen=True)
class SessionWeights:
    """Weights of the soft goals (per unit of each goal's value)."""

    moved: int = 1000  # re-plan: a future session moved to another half-day
    topic_changed: int = 50  # re-plan: a kept session got another topic
    spacing: int = 1  # per day a gap falls short of an even spread
    weekend: int = 10  # per session off the weekend target
    other_lead: int = 8  # calendar: a session on a half-day its home lead cannot lead
    far: int = 5  # per staff trip outside home and neighbouring streets
    neighbour: int = 1  # per staff trip to a neighbouring street
    load: int = 10  # per session above a staff member's fair share
    extra_lead: int = 8  # per session not led by the center's home lead
    staff_changed: int = 20  # re-plan: a kept session got another person
    #: an even year: per center session (per discipline) a month holds beyond the band
    #: around its share of the year (``SessionRules.month_band``)
    month_share: int = 30
    #: per district-event occurrence beyond its kind's monthly share (events spread)
    event_spread: int = 20
    #: per quarter a center's sessions miss of ``SessionRules.min_quarters``
    quarters: int = 20


#: the calendar's goals (stage A) and the teams' goals (stage B), in report order.
#: ``other_lead`` is the calendar's own estimate of ``extra_lead``: it steers the
#: calendar and gives its bound, but the plan's objective counts ``extra_lead`` only.
#: The even-year goals (month share, events spread, quarters) are counted on the plan
#: (``even_year_values``), the model's terms are the same counts.
EVEN_GOALS = ("month_share", "event_spread", "quarters")
CALENDAR_GOALS = ("moved", "topic_changed", "spacing", "weekend", *EVEN_GOALS, "other_lead")
TEAM_GOALS = ("far", "neighbour", "load", "extra_lead", "staff_changed")
PLAN_GOALS = ("moved", "topic_changed", "spacing", "weekend", *EVEN_GOALS, *TEAM_GOALS)


def even_spacing(m: cp_model.CpModel, p: SessionProblem, cv: CenterVars) -> Terms:
    """Gaps shorter than an even spread of the remaining days cost per day short."""
    last_fixed = max((p.day(s.date) for s in cv.fixed), default=None)
    total = cv.n + (1 if last_fixed is not None else 0)
    if total < 2:
        return []
    span = (p.n_days - p.first_day) + (p.first_day - last_fixed if last_fixed else 0)
    ideal = min(span // total, 120)
    days = ([last_fixed] if last_fixed is not None else []) + list(cv.day)
    out: Terms = []
    for a, b in zip(days, days[1:], strict=False):
        short = m.new_int_var(0, ideal, "short")
        m.add(short >= ideal - (b - a))
        out.append(short)
    return out


def weekend_share(m: cp_model.CpModel, p: SessionProblem, cvs: list[CenterVars]) -> Terms:
    """A configurable share of the center sessions on Saturdays and Sundays."""
    total = 0
    lits: Terms = []
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


def same_lead_at_a_center(
    m: cp_model.CpModel,
    p: SessionProblem,
    cvs: list[CenterVars],
    used: dict | None = None,
    steer: bool = True,
) -> tuple[Terms, Terms]:
    """The center's home lead can lead its sessions: a session counted as led by its home
    lead falls on a day the lead works, not on leave, never two of the lead's sessions in
    one half-day, within the lead's monthly limit; the others cost one each (``other_lead``).

    The same for the center's medical and psychology *partners*
    (``SessionProblem.partner``: people and how many sessions, from the linear
    relaxation of the trips and load): a session needing one is counted as partnered on
    a partner's free days (at most the partner's number), a need not partnered costs the
    nearest such trip (at least ``weights.neighbour``), and the center's sessions
    needing each discipline aim at the partners' numbers (``weights.neighbour`` per
    session off). ``used``: (person, slot) and (person, month) taken by earlier parts of
    a decomposed calendar. Returns (other_lead terms, trips terms, weighted): steering
    only, the plan's objective counts the teams' goals."""
    staff = {s.staff_id: s for s in p.data.staff}
    people = _People(m, p, used or {})
    lead_terms: Terms = []
    trip_terms: Terms = []
    for cv in cvs:
        sid = p.home_lead.get(cv.center.center_id)
        lead = staff.get(sid) if sid else None
        for i in range(cv.n):
            if lead is None:
                cv.led.append(0)
                lead_terms.append(1)
            else:
                h = m.new_bool_var(f"lead_{cv.center.center_id}_{i}")
                people.free_for(cv, i, lead, h)
                cv.led.append(h)
                lead_terms.append(1 - h)
        partners = p.partner.get(cv.center.center_id, ()) if steer else ()
        trip_terms += _partners(m, p, cv, [(staff[s], n) for s, n in partners], people)
    people.limits(staff)
    return lead_terms, trip_terms


def _partners(m: cp_model.CpModel, p: SessionProblem, cv: CenterVars, partners, people) -> Terms:
    """A center's sessions needing a doctor or psychologist: partnered on a partner's free
    days, the rest at the nearest trip, their number per discipline near the partners'."""

    street = cv.center.street_id
    target: Counter = Counter()
    for st, n in partners:
        target[st.discipline] += n
    of: dict[int, list] = defaultdict(list)
    count: dict[str, list] = defaultdict(list)
    cost = {
        d: max(p.rules.weights.neighbour, _nearest_cost(p, d, street))
        for d in ("medical", "psychology")
    }
    out: Terms = []
    for i in range(cv.n):
        cv.partnered.append([])
        for d in ("medical", "psychology"):
            need = cv.need.get((i, d), 0)
            if isinstance(need, int) and not need:
                continue
            count[d].append(need)
            out.append(cost[d] * need)
            out += _partner_choice(m, p, cv, i, d, need, partners, people, cost[d], of)
    for j, (_, n) in enumerate(partners):
        if len(of[j]) > n:
            m.add(sum(of[j]) <= n)
    for d in ("medical", "psychology"):
        if not count[d] and not target[d]:
            continue
        dev = m.new_int_var(0, max(cv.n, target[d]), "partner_dev")
        m.add(dev >= sum(count[d]) - target[d])
        m.add(dev >= target[d] - sum(count[d]))
        out.append(p.rules.weights.neighbour * dev)
    return out


def _partner_choice(m: cp_model.CpModel, p: SessionProblem, cv: CenterVars, i: int, d: str,
                    need, partners, people, nearest: int, of: dict[int, list]) -> Terms:
    """Session ``i``'s place of discipline ``d``: at most one partner of ``d`` takes it,
    on a day they work (their trip instead of the ``nearest`` cost); each literal also
    listed under its partner in ``of``."""
    from tuoyu.optimizer.sessions.flow import trip_cost

    out: Terms = []
    lits = []
    for j, (st, _) in enumerate(partners):
        if st.discipline != d:
            continue
        g = m.new_bool_var(f"partner_{cv.center.center_id}_{i}_{j}")
        if not isinstance(need, int):
            m.add_implication(g, need)
        people.free_for(cv, i, st, g)
        out.append((trip_cost(p, st.street_id, cv.center.street_id) - nearest) * g)
        of[j].append(g)
        lits.append(g)
        cv.partnered[i].append((st.staff_id, g))
    if len(lits) > 1:
        m.add_at_most_one(lits)
    return out


class _People:
    """The named people of the calendar's steering (home leads, partners): their working
    days and leave, one place per half-day, their monthly limits."""

    def __init__(self, m: cp_model.CpModel, p: SessionProblem, used: dict):
        self.m, self.p, self.used = m, p, used
        self.slots_of: dict[str, list] = {}
        self.months_of: dict[str, list] = {}

    def free_for(self, cv: CenterVars, i: int, person, h) -> None:
        """``h`` => session ``i`` falls when ``person`` works and is not on leave."""
        m, p = self.m, self.p
        m.add_linear_expression_in_domain(
            cv.wday[i], cp_model.Domain.from_values(person.days)
        ).only_enforce_if(h)
        for a, b in p.leave.get(person.staff_id, ()):
            da, db = p.day(a), p.day(b)
            if db < p.first_day or da >= p.n_days:
                continue
            before = m.new_bool_var("before_leave")
            m.add(cv.day[i] <= da - 1).only_enforce_if([h, before])
            m.add(cv.day[i] >= db + 1).only_enforce_if([h, before.Not()])
        self.slots_of.setdefault(person.staff_id, []).append(
            m.new_optional_fixed_size_interval_var(cv.slot[i], 1, h, "lead_slot")
        )
        self.months_of.setdefault(person.staff_id, []).append(
            m.new_optional_fixed_size_interval_var(cv.month_no[i], 1, h, "lead_month")
        )

    def limits(self, staff: dict) -> None:
        m, p, used = self.m, self.p, self.used
        for sid, ivs in self.slots_of.items():
            busy = sorted(used.get(("slots", sid), ()))
            m.add_no_overlap(ivs + [m.new_fixed_size_interval_var(t, 1, "busy") for t in busy])
            cap = staff[sid].max_per_month
            ivm = list(self.months_of[sid])
            dem = [1] * len(ivm)
            for mo in range(1, 13):
                taken = p.fixed_load[sid, mo] + used.get(("month", sid, mo), 0)
                n = taken if mo >= p.start.month else cap
                if n:
                    ivm.append(m.new_fixed_size_interval_var(mo, 1, "used"))
                    dem.append(min(cap, n))
            m.add_cumulative(ivm, dem, cap)


def _nearest_cost(p: SessionProblem, d: str, street: str) -> int:
    from tuoyu.optimizer.sessions.flow import trip_cost

    return min((trip_cost(p, s.street_id, street) for s in p.pools[d]), default=0)


def keep_what_was_planned(
    m: cp_model.CpModel, p: SessionProblem, cv: CenterVars
) -> tuple[Terms, Terms]:
    """Re-plan: the i-th future session stays on its old half-day and topic if it can."""
    old = sorted(
        (s for s in p.was_planned if s.center_id == cv.center.center_id),
        key=lambda s: (s.date, s.half),
    )
    moved: Terms = []
    topic_changed: Terms = []
    for i, s in enumerate(old[: cv.n]):
        same = m.new_bool_var("same")
        m.add(cv.slot[i] == 2 * p.day(s.date) + s.half).only_enforce_if(same)
        moved.append(1 - same)
        k = p.topic_index.get(s.topic_id)
        if k is not None:
            topic_changed.append(1 - cv.topic[i, k])
    return moved, topic_changed


def keep_events_where_they_were(m: cp_model.CpModel, p: SessionProblem, ev: EventVars) -> Terms:
    """Re-plan: the j-th future occurrence of a district event stays on its old half-day."""
    old = sorted(
        (s for s in p.was_planned if s.event_id == ev.event.event_id),
        key=lambda s: (s.date, s.half),
    )
    moved: Terms = []
    for j, s in enumerate(old[: len(ev.slot)]):
        same = m.new_bool_var("same_ev")
        m.add(ev.slot[j] == 2 * p.day(s.date) + s.half).only_enforce_if(same)
        moved.append(1 - same)
    return moved


# -- an even year (issue 18) ----------------------------------------------------------
# A month's share of the year's center sessions is proportional to the days the centers
# are open in it (holidays and closures out), from the re-plan month on; a month within
# ``SessionRules.month_band`` of its share costs nothing, each session beyond the band
# costs ``month_share``; the same per discipline (the sessions needing a doctor, a
# psychologist), whose monthly limits make their months matter as much. The district
# events of a kind spread over their months: at most ``ceil(n / months)`` in one month.
# A center's sessions fall in at least ``min_quarters`` quarters (the hard quarter rule
# covers the centers of four sessions or more). The plan's values are counted on its
# sessions by ``even_year_values``; the model's terms are the same counts.


def month_weights(p: SessionProblem, centers) -> dict[int, int]:
    """Per month from the re-plan month on: the days the centers (with sessions) are
    open, holidays and closures out. A month's share of the year is proportional to it."""
    out = dict.fromkeys(range(p.start.month, 13), 0)
    for c in centers:
        if c.sessions_per_year:
            for mo, n in p.open_days_by_month(c).items():
                out[mo] += n
    return out


def month_band(p: SessionProblem, total: int, w: int, sw: int) -> tuple[int, int]:
    """The sessions a month of weight ``w`` (of ``sw``) may hold at no cost when the year
    has ``total``: ``floor((1-b) share)`` to ``ceil((1+b) share)``, share ``total*w/sw``."""
    bn = round(100 * p.rules.month_band)
    if not sw:
        return 0, 0
    return ((100 - bn) * w * total) // (100 * sw), -(-((100 + bn) * w * total) // (100 * sw))


def _needs(p: SessionProblem, s: Session, disc: str) -> bool:
    return disc == "education" or p.team_of(s).get(disc, 0) > 0


def month_histogram(
    p: SessionProblem, planned: list[Session], disc: str = "education"
) -> dict[int, int]:
    """Center sessions per month (from the re-plan month on) needing ``disc``
    (``education``: all of them)."""
    out = dict.fromkeys(range(p.start.month, 13), 0)
    for s in planned:
        if s.center_id and s.date.year == p.year and s.date.month in out and _needs(p, s, disc):
            out[s.date.month] += 1
    return out


def month_share_excess(p: SessionProblem, planned: list[Session]) -> int:
    """Sessions beyond each month's band, summed over months and disciplines."""
    from tuoyu.optimizer.sessions.problem import DISCIPLINES

    w = month_weights(p, p.data.centers)
    sw = sum(w.values())
    out = 0
    for disc in DISCIPLINES:
        hist = month_histogram(p, planned, disc)
        total = sum(hist.values())
        for mo, n in hist.items():
            lo, hi = month_band(p, total, w[mo], sw)
            out += max(0, n - hi) + max(0, lo - n)
    return out


def event_kinds(p: SessionProblem) -> dict[str, tuple[list, set[int]]]:
    """Per kind of district event: its events and the months they may fall in (from the
    re-plan date on)."""
    out: dict[str, tuple[list, set[int]]] = {}
    for e in p.data.events:
        evs, months = out.setdefault(e.kind, ([], set()))
        evs.append(e)
        months.update(p.month_of_day[d] for d in p.event_days(e))
    return out


def event_spread_excess(p: SessionProblem, planned: list[Session]) -> int:
    """Occurrences beyond ``ceil(n / months)`` of a kind of district event in one month."""
    out = 0
    for evs, months in event_kinds(p).values():
        ids = {e.event_id for e in evs}
        per = Counter(
            s.date.month
            for s in planned
            if s.event_id in ids and s.date.year == p.year and s.date.month >= p.start.month
        )
        n = sum(per.values())
        if not months or not n:
            continue
        cap = -(-n // len(months))
        out += sum(max(0, k - cap) for k in per.values())
    return out


def quarters_missing(p: SessionProblem, planned: list[Session]) -> int:
    """Per center, the quarters its sessions miss of ``min(min_quarters, sessions)``."""
    quarters: dict[str, set[int]] = defaultdict(set)
    for s in planned:
        if s.center_id and s.date.year == p.year:
            quarters[s.center_id].add((s.date.month - 1) // 3)
    out = 0
    for c in p.data.centers:
        need = min(p.rules.min_quarters, c.sessions_per_year, 4)
        out += max(0, need - len(quarters[c.center_id]))
    return out


def calendar_values(p: SessionProblem, new: list[Session]) -> dict[str, int]:
    """The calendar goals counted on a plan's new sessions (the rows it writes), as the
    calendar model defines them: spacing (kept sessions included), the weekend share, and
    for a re-plan the sessions moved and topics changed (the i-th future session of a
    center, the j-th future occurrence of an event, against the previous plan's)."""
    days: dict[str, list[int]] = defaultdict(list)
    weekend = total = 0
    for s in new:
        if s.center_id:
            days[s.center_id].append(p.day(s.date))
            total += 1
            weekend += s.date.weekday() >= 5
    spacing = 0
    for cid, ds in days.items():
        last_fixed = max((p.day(s.date) for s in p.fixed if s.center_id == cid), default=None)
        n = len(ds) + (1 if last_fixed is not None else 0)
        if n < 2:
            continue
        span = (p.n_days - p.first_day) + (p.first_day - last_fixed if last_fixed else 0)
        ideal = min(span // n, 120)
        seq = ([last_fixed] if last_fixed is not None else []) + sorted(ds)
        spacing += sum(max(0, ideal - (b - a)) for a, b in zip(seq, seq[1:], strict=False))
    target = round(p.rules.weekend_share * total)
    moved = topic_changed = 0
    if p.was_planned:
        key = lambda s: (s.date, s.half)  # noqa: E731
        mine: dict[tuple[str, str], list[Session]] = defaultdict(list)
        before: dict[tuple[str, str], list[Session]] = defaultdict(list)
        for s in new:
            mine[s.center_id, s.event_id].append(s)
        for s in p.was_planned:
            before[s.center_id, s.event_id].append(s)
        for k, old in before.items():
            now = sorted(mine.get(k, ()), key=key)
            for a, b in zip(sorted(old, key=key), now, strict=False):
                moved += (a.date, a.half) != (b.date, b.half)
                topic_changed += bool(a.center_id) and a.topic_id in p.topic_index and (
                    a.topic_id != b.topic_id)
    return {"moved": moved, "topic_changed": topic_changed, "spacing": spacing,
            "weekend": abs(weekend - target) if total else 0}


def even_year_values(p: SessionProblem, planned: list[Session]) -> dict[str, int]:
    """The even-year goals counted on a plan (kept and new sessions)."""
    return {
        "month_share": month_share_excess(p, planned),
        "event_spread": event_spread_excess(p, planned),
        "quarters": quarters_missing(p, planned),
    }


def months_near_their_share(
    m: cp_model.CpModel, p: SessionProblem, cvs: list[CenterVars]
) -> Terms:
    """Each month (from the re-plan month on) within the band around its share of the
    center sessions, per discipline: the sessions beyond it. All sessions: the year's
    total is known, the band's ends are constants. A discipline's total is a variable
    (the topics choose it): its band's ends come from the total the calendar aims at
    (``SessionRules.month_model_estimate``) or are integer variables held to
    ``floor``/``ceil`` of the share by scaled linear constraints."""
    from tuoyu.optimizer.sessions.problem import DISCIPLINES

    w = month_weights(p, [cv.center for cv in cvs])
    sw = sum(w.values())
    if not sw:
        return []
    bn = round(100 * p.rules.month_band)
    staff_disc = {st.staff_id: st.discipline for st in p.data.staff}
    out: Terms = []
    # all sessions (education) here; the doctors' and psychologists' months are counted on
    # the plan and evened by the local improvement: their totals are variables, and the
    # scaled band constraints they need made the calendar model several times slower
    for disc in DISCIPLINES[: 1 if p.rules.month_model_all_sessions_only else None]:
        const, lits, n_new = _month_counts(m, p, cvs, disc, w)
        top = sum(const.values()) + sum(1 for cv in cvs for i in range(cv.n))
        # the year's sessions, not the month literals (a session has one per month it
        # may fall in: counting those made every band about twelve times too wide)
        total = sum(const.values()) + n_new
        fixed_total = disc == "education" or all(not v for v in lits.values())
        estimate = None
        aimed = [n for cv in cvs for sid, n in p.partner.get(cv.center.center_id, ())
                 if staff_disc[sid] == disc]
        if not fixed_total and p.rules.month_model_estimate and aimed:
            # the discipline's total as the calendar aims at it (the partners' numbers,
            # ``_partners``): constant band ends, as cheap as the all-sessions term
            estimate = sum(const.values()) + sum(aimed)
        t_expr = sum(const.values()) + sum(sum(v) for v in lits.values())
        for mo, wm in w.items():
            count = const[mo] + sum(lits[mo])
            if fixed_total or estimate is not None:
                lo, hi = month_band(p, total if estimate is None else estimate, wm, sw)
            else:
                hi = m.new_int_var(0, top, f"mhi_{disc}_{mo}")
                m.add(100 * sw * hi <= (100 + bn) * wm * t_expr + 100 * sw - 1)
                lo = m.new_int_var(0, top, f"mlo_{disc}_{mo}")
                m.add(100 * sw * lo >= (100 - bn) * wm * t_expr - 100 * sw + 1)
            out += _outside_band(m, count, lo, hi, top, f"{disc}_{mo}")
    return out


def _month_counts(m: cp_model.CpModel, p: SessionProblem, cvs: list[CenterVars], disc: str,
                  w: dict) -> tuple[Counter, dict[int, list], int]:
    """The sessions needing ``disc`` per month from the re-plan month on: the kept ones
    (constants), a literal per new session and month it may fall in (for a topic-chosen
    need, one that holds when both do), and the number of new sessions that may need
    ``disc``."""
    const: Counter = Counter()
    lits: dict[int, list] = defaultdict(list)
    n_new = 0  # new sessions that may need ``disc`` (one month literal each counts)
    for cv in cvs:
        for s in cv.fixed:
            if s.date.month >= p.start.month and _needs(p, s, disc):
                const[s.date.month] += 1
        for i in range(cv.n):
            need = 1 if disc == "education" else cv.need.get((i, disc), 0)
            if isinstance(need, int) and not need:
                continue
            n_new += 1
            for mo in w:
                b = cv.month.get((i, mo))
                if b is None:
                    continue
                if isinstance(need, int):
                    lits[mo].append(b)
                    continue
                z = m.new_bool_var(f"mneed_{disc}_{mo}")
                m.add_implication(z, b)
                m.add_implication(z, need)
                m.add_bool_or([b.Not(), need.Not(), z])
                lits[mo].append(z)
    return const, lits, n_new


def _outside_band(m: cp_model.CpModel, count, lo, hi, top: int, name: str) -> Terms:
    """The sessions of a month above ``hi`` and below ``lo``: a constant when all three
    are, else two bounded variables."""
    if isinstance(count, int) and isinstance(lo, int) and isinstance(hi, int):
        return [max(0, count - hi) + max(0, lo - count)]
    over = m.new_int_var(0, top, f"mover_{name}")
    under = m.new_int_var(0, top, f"munder_{name}")
    m.add(over >= count - hi)
    m.add(under >= lo - count)
    return [over, under]


def events_spread_through_the_year(
    m: cp_model.CpModel, p: SessionProblem, evs: list[EventVars]
) -> Terms:
    """At most ``ceil(n / months)`` occurrences of a kind of district event in one month
    (``n`` its occurrences from the re-plan month on, over the months its events may
    take): the occurrences beyond it."""
    out: Terms = []
    by_id = {ev.event.event_id: ev for ev in evs}
    for evs_k, months in event_kinds(p).values():
        ids = {e.event_id for e in evs_k}
        const = Counter(
            s.date.month for s in p.fixed if s.event_id in ids and s.date.month >= p.start.month
        )
        lits: dict[int, list] = defaultdict(list)
        for e in evs_k:
            ev = by_id.get(e.event_id)
            if ev is None:
                continue
            for (_, mo), b in ev.month.items():
                lits[mo].append(b)
        n = sum(const.values()) + sum(len(ev.slot) for e in evs_k if (ev := by_id.get(e.event_id)))
        if not months or not n:
            continue
        cap = -(-n // len(months))
        for mo in sorted(set(const) | set(lits)):
            if not lits[mo]:
                out.append(max(0, const[mo] - cap))
                continue
            over = m.new_int_var(0, n, f"evover_{mo}")
            m.add(over >= const[mo] + sum(lits[mo]) - cap)
            out.append(over)
    return out


def sessions_in_three_quarters(m: cp_model.CpModel, p: SessionProblem, cv: CenterVars) -> Terms:
    """A center's sessions fall in at least ``min_quarters`` quarters (at most its number
    of sessions): the quarters short. Centers under the hard quarter rule need none."""
    spy = cv.center.sessions_per_year
    need = min(p.rules.min_quarters, spy, 4)
    if need <= 0 or (p.rules.every_quarter and spy >= 4):
        return []
    covered = {(s.date.month - 1) // 3 for s in cv.fixed}
    have: list = []
    for q in range(4):
        if q in covered:
            have.append(1)
            continue
        lits = [b for (_, mo), b in cv.month.items() if (mo - 1) // 3 == q]
        if not lits:
            continue
        qb = m.new_bool_var(f"q_{cv.center.center_id}_{q}")
        m.add_bool_or(lits).only_enforce_if(qb)
        have.append(qb)
    short = m.new_int_var(0, need, f"qshort_{cv.center.center_id}")
    m.add(short >= need - sum(have))
    return [short]


# -- the teams' goals, counted on a plan (the team model builds the same terms) -------


def team_goal_values(
    p: SessionProblem, sessions: list[Session], staff_of: dict[int, list[str]]
) -> dict[str, int]:
    """The teams' goals counted on the plan itself, as a planner would count them."""
    from tuoyu.optimizer.sessions.problem import DISCIPLINES, near

    staff = {s.staff_id: s for s in p.data.staff}
    centers = {c.center_id: c for c in p.data.centers}
    out = dict.fromkeys(TEAM_GOALS, 0)
    load: Counter = Counter()
    old = {(s.date, s.half, s.center_id, s.event_id): s for s in p.was_planned}
    for k, s in enumerate(sessions):
        team = staff_of.get(k, [])
        load.update(team)
        if s.center_id:
            street = centers[s.center_id].street_id
            for sid in team:
                d = near(p, staff[sid].street_id, street)
                out["far"] += d == 2
                out["neighbour"] += d == 1
            if p.home_lead.get(s.center_id) not in team:
                out["extra_lead"] += 1
        prev = old.get((s.date, s.half, s.center_id, s.event_id))
        if prev is not None:
            out["staff_changed"] += len(set(prev.staff_ids) - set(team))
    for d in DISCIPLINES:
        pool = p.pools[d]
        total = sum(load[s.staff_id] for s in pool)
        if pool and total:
            fair = math.ceil(total / len(pool))
            out["load"] += sum(max(0, load[s.staff_id] - fair) for s in pool)
    return out


def team_lower_bound(p: SessionProblem, n_sessions: dict[str, int]) -> dict[str, int]:
    """A lower bound of the teams' goals that holds for EVERY calendar: each center
    session needs an education member, who comes at best from the nearest street that has
    education staff (``n_sessions``: sessions still to plan per center). Other goals: 0."""
    from tuoyu.optimizer.sessions.problem import near

    out = dict.fromkeys(TEAM_GOALS, 0)
    leads = p.pools["education"]
    if not leads:
        return out
    for c in p.data.centers:
        best = min(near(p, s.street_id, c.street_id) for s in leads)
        if best == 2:
            out["far"] += n_sessions.get(c.center_id, 0)
        elif best == 1:
            out["neighbour"] += n_sessions.get(c.center_id, 0)
    return out


def weighted(p: SessionProblem, values: dict[str, int], goals: tuple[str, ...]) -> int:
    w = p.rules.weights
    return sum(values.get(g, 0) * getattr(w, g) for g in goals)


#: every soft goal by name: the function building its terms (calendar goals) or ``None``
#: for the teams' goals, built with the team model (tuoyu.optimizer.sessions.teams)
GOALS: dict[str, Callable[..., object] | None] = {
    "moved": keep_what_was_planned,
    "topic_changed": keep_what_was_planned,
    "spacing": even_spacing,
    "weekend": weekend_share,
    "other_lead": same_lead_at_a_center,
    "far": None,
    "neighbour": None,
    "load": None,
    "extra_lead": None,
    "staff_changed": None,
    "month_share": months_near_their_share,
    "event_spread": events_spread_through_the_year,
    "quarters": sessions_in_three_quarters,
}
