"""Local improvement of a staffed calendar: move one center session to another half-day
or give it another topic when that lets a nearer person (or one under the fair share)
take it, keeping every hard rule.

Why: stage A counts staff and only steers toward the cheap trips (home leads, the
relaxation's partners); the teams flow then has to take the calendar as it is. What is
left is mostly a doctor's or psychologist's trip to a far street on a half-day the near
one is busy, or a psychology topic where no psychologist lives near. One session at a
time, this pass tries every half-day of the session's window (between its neighbours'
28-day gaps, on the center's open days, every quarter still covered; a weekend or a
working day, the weekend goal counted) and every topic that keeps the topic rules
(no topic twice in a row, enough different topics), with the cheapest free person of
each discipline the new topic needs (available that day, not in another place that
half-day, within the monthly limit). A change is kept when the plan's objective (trips,
extra lead, load above the fair share, spacing) strictly falls, counted exactly on the
whole plan, the weekend goal included: a session may go from a working day to a
weekend (or back) when its home lead works weekends only and that pays for the weekend
share it moves off (issue 18, held-out districts).

District events move within their months to the half-day whose exact teams cost least
(``events_where_people_are_free``, before and after the session moves): an occurrence
on a Sunday, when few work, takes a home lead the center then misses.

The even year (issue 18) is counted exactly too: the doctors' and psychologists' months
are evened by topics first (``retopic`` with the months in its costs: no session moves),
and a center's whole sequence of days can be chosen again at once (``reschedule``: a
dynamic program over its sessions and the year's days), which shifts a sequence by weeks
without the spacing a single move would break. Between two rounds of the whole
improvement, the days and topics of every center session are chosen again at once near
where they are (``shift.py``, a MIP; ``_shift_again``): several centers' days and topics
together, which none of the moves here does.

Deterministic: sessions in plan order, candidates in slot, topic and staff order, ties
kept by the first; a fixed number of passes; no clock. The teams are named again by the
exact flow afterwards (``flow.best_teams``), which can only lower their cost. A re-plan
(a previous plan given) is left as stage A made it: its moved / changed goals count
against the previous plan, which this pass does not track.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from tuoyu.models.sessions import Session
from tuoyu.optimizer.sessions import goals
from tuoyu.optimizer.sessions.bound import SizedNodes
from tuoyu.optimizer.sessions.flow import best_teams, trip_cost
from tuoyu.optimizer.sessions.goals import (
    event_kinds,
    event_spread_excess,
    month_band,
    month_weights,
)
from tuoyu.optimizer.sessions.problem import DISCIPLINES, SessionProblem
from tuoyu.optimizer.solve import Clock, Stop

#: passes over the sessions (each pass stops the search when nothing improved)
PASSES = 4
#: attempts at raising a discipline's fair share (each undone unless it pays)
RAISES = 6
#: partners a session's move to the other weekend status tries (``pair_flips``)
PAIR_TRIES = 3
#: the improvement again from its own result, its teams named by the exact flow
AGAIN = 3
#: rounds of the whole sequences, the single moves and the raises (while the plan falls)
ROUNDS = 3


def spacing_of(p: SessionProblem, days: list[int]) -> int:
    """The even-spacing goal of one center's new sessions (days in order), counted as
    ``goals.even_spacing`` defines it (no kept sessions: a fresh plan)."""
    total = len(days)
    if total < 2:
        return 0
    ideal = min((p.n_days - p.first_day) // total, 120)
    return sum(max(0, ideal - (b - a)) for a, b in zip(days, days[1:], strict=False))


def total_spacing(p: SessionProblem, sessions: list[Session]) -> int:
    """The even-spacing goal of a fresh plan, counted on its sessions."""
    days: dict[str, list[int]] = defaultdict(list)
    for s in sessions:
        if s.center_id:
            days[s.center_id].append(p.day(s.date))
    return sum(spacing_of(p, sorted(d)) for d in days.values())


@dataclass
class PlanState:
    """The plan being improved: calendar, teams, and who is busy when."""

    p: SessionProblem
    sessions: list[Session]
    team: dict[int, list[str]]
    busy: dict[tuple[str, int], int] = field(default_factory=dict)
    month_used: Counter = field(default_factory=Counter)
    load: Counter = field(default_factory=Counter)
    total: Counter = field(default_factory=Counter)
    #: center sessions per (discipline, month): the even-year goal's counts
    months: Counter = field(default_factory=Counter)
    #: center sessions on a Saturday or Sunday (the weekend goal's count)
    weekend: int = 0

    def __post_init__(self) -> None:
        self.disc = {s.staff_id: s.discipline for s in self.p.data.staff}
        self.staff = {s.staff_id: s for s in self.p.data.staff}
        self.avail = self.p.available_days
        #: a person's room in a month (``SessionProblem.room``: the plan's kept sessions only)
        self.room: dict[tuple[str, int], int] = {}
        self.topic_needs = {
            t.topic_id: tuple(d for d in DISCIPLINES if d == "education" or d in t.disciplines)
            for t in self.p.data.topics
        }
        for k, members in self.team.items():
            for sid in members:
                self._take(k, sid)
        for s in self.sessions:
            self._count(s, 1)

    def _count(self, s: Session, sign: int) -> None:
        if s.center_id:
            for d in self.topic_needs[s.topic_id]:
                self.months[d, s.date.month] += sign
            self.weekend += sign * (s.date.weekday() >= 5)

    def slot(self, k: int) -> int:
        s = self.sessions[k]
        return 2 * self.p.day(s.date) + s.half

    def _take(self, k: int, sid: str) -> None:
        slot = self.slot(k)
        self.busy[sid, slot] = k
        self.month_used[sid, self.sessions[k].date.month] += 1
        self.load[sid] += 1
        self.total[self.disc[sid]] += 1

    def _drop(self, k: int, sid: str) -> None:
        slot = self.slot(k)
        del self.busy[sid, slot]
        self.month_used[sid, self.sessions[k].date.month] -= 1
        self.load[sid] -= 1
        self.total[self.disc[sid]] -= 1

    def lift(self, k: int) -> list[str]:
        members = self.team.pop(k)
        for sid in members:
            self._drop(k, sid)
        self._count(self.sessions[k], -1)
        return members

    def place(self, k: int, session: Session, members: list[str]) -> None:
        self._count(session, 1)
        self.sessions[k] = session
        self.team[k] = list(members)
        for sid in members:
            self._take(k, sid)

    def restore(self, ks: list[int], old: dict) -> None:
        """Put the sessions ``ks`` back as ``old`` holds them (a move that did not pay):
        every one lifted first, so no member's half-day is taken twice meanwhile."""
        for k in ks:
            if k in self.team:
                self.lift(k)
        for k in ks:
            self.place(k, *old[k])

    def free(self, sid: str, slot: int) -> bool:
        day = slot >> 1
        if day not in self.avail[sid] or (sid, slot) in self.busy:
            return False
        mo = self.p.month_of_day[day]
        key = (sid, mo)
        room = self.room.get(key)
        if room is None:
            room = self.room[key] = self.p.room(self.staff[sid], mo)
        return self.month_used[key] < room


class _Polish:
    def __init__(
        self,
        p: SessionProblem,
        sessions: list[Session],
        team: dict[int, list[str]],
        stop: Stop | None = None,
        clock: Clock | None = None,
    ):
        self.p = p
        self.stop = stop
        self.clock = clock
        self.st = PlanState(p, list(sessions), {k: list(v) for k, v in team.items()})
        self.centers = {c.center_id: c for c in p.data.centers}
        self.topics = p.data.topics
        self.needs = [
            tuple(d for d in DISCIPLINES if d == "education" or d in t.disciplines)
            for t in self.topics
        ]
        self.of_center: dict[str, list[int]] = defaultdict(list)
        for k, s in enumerate(self.st.sessions):
            if s.center_id:
                self.of_center[s.center_id].append(k)
        self.open = {cid: frozenset(p.open_days(self.centers[cid])) for cid in self.of_center}
        self.pools = {d: p.pools[d] for d in DISCIPLINES}
        self._ranked: dict[tuple[str, str], list[tuple[int, str]]] = {}
        disc = {st.staff_id: st.discipline for st in p.data.staff}
        #: per center, the sessions per discipline the relaxation gives it (its partners)
        self.target: dict[str, Counter] = defaultdict(Counter)
        for cid, partners in p.partner.items():
            for sid, n in partners:
                self.target[cid][disc[sid]] += n
        self.mw = month_weights(p, p.data.centers)
        self.msw = sum(self.mw.values())
        self._excess: dict[tuple[int, int, int], int] = {}
        self._seqs: dict[tuple, list[int] | None] = {}
        #: per center, its objective terms and the sessions and teams they were counted on
        self._parts: dict[str, tuple[list[Session], list[list[str]], int]] = {}
        #: the weekend goal's target (``goals.calendar_values``: a share of the sessions)
        n = sum(len(ks) for ks in self.of_center.values())
        self.weekend_target = round(p.rules.weekend_share * n)

    def weekend_term(self, weekend: int) -> int:
        """The weekend goal's cost with ``weekend`` center sessions on a weekend."""
        return self.p.rules.weights.weekend * abs(weekend - self.weekend_target)

    # -- the even year ---------------------------------------------------------------------
    def month_excess(self, d: str, mo: int, n: int, total: int) -> int:
        key = (mo, n, total)  # the same for every discipline
        out = self._excess.get(key)
        if out is None:
            lo, hi = month_band(self.p, total, self.mw.get(mo, 0), self.msw)
            out = self._excess[key] = max(0, n - hi) + max(0, lo - n)
        return out

    def month_term(self, d: str, total: int) -> int:
        """The month-share goal of discipline ``d`` with ``total`` sessions needing it, the
        current counts unchanged."""
        return sum(self.month_excess(d, mo, self.st.months[d, mo], total) for mo in self.mw)

    def months_value(self) -> int:
        """The month-share goal of the plan (all disciplines), counted exactly."""
        st = self.st
        return sum(
            self.month_term(d, sum(st.months[d, mo] for mo in self.mw)) for d in DISCIPLINES
        )

    # -- costs ---------------------------------------------------------------------------
    def member_cost(self, cid: str, sid: str) -> int:
        p, w = self.p, self.p.rules.weights
        st = self.st.staff[sid]
        cost = trip_cost(p, st.street_id, self.centers[cid].street_id)
        if st.discipline == "education" and p.home_lead.get(cid) != sid:
            cost += w.extra_lead
        return cost

    def ranked(self, cid: str, d: str) -> list[tuple[int, str]]:
        """The discipline's people for a center, cheapest first (staff order on ties)."""
        key = (cid, d)
        if key not in self._ranked:
            self._ranked[key] = sorted(
                (self.member_cost(cid, s.staff_id), i, s.staff_id)
                for i, s in enumerate(self.pools[d])
            )
            self._ranked[key] = [(c, sid) for c, _, sid in self._ranked[key]]  # type: ignore[misc]
        return self._ranked[key]

    def fair(self, d: str, total: int) -> int:
        n = len(self.pools[d])
        return math.ceil(total / n) if n else 0

    def load_term(self, d: str, total: int) -> int:
        """Sessions above the fair share in discipline ``d`` with ``total`` places, the
        current loads (one session lifted) unchanged."""
        f = self.fair(d, total)
        return sum(max(0, self.st.load[s.staff_id] - f) for s in self.pools[d])

    def best_person(
        self, cid: str, d: str, slot: int, fair: int, avoid: frozenset[str] = frozenset()
    ) -> tuple[int, str] | None:
        """The cheapest free person of ``d`` at ``slot``: trip, lead, and the load weight
        when the person is at or above the fair share (``avoid``: people left out)."""
        w = self.p.rules.weights.load
        st = self.st
        free, load = st.free, st.load
        best: tuple[int, str] | None = None
        for c, sid in self.ranked(cid, d):
            if best is not None and c >= best[0]:
                break
            if (avoid and sid in avoid) or not free(sid, slot):
                continue
            cost = c + w if load[sid] >= fair else c
            if best is None or cost < best[0]:
                best = (cost, sid)
        return best

    # -- the rules of one center -----------------------------------------------------------
    def window(self, cid: str, i: int, ks: list[int]) -> list[int]:
        """The half-days session ``i`` of a center may move to (order and gaps kept, open
        days, every quarter still covered); a weekend or a working day: the weekend goal
        is counted in the move's value."""
        p = self.p
        gap = p.rules.min_gap_days
        days = [p.day(self.st.sessions[k].date) for k in ks]
        lo = days[i - 1] + gap if i else p.first_day
        hi = days[i + 1] - gap if i + 1 < len(days) else p.n_days - 1
        c = self.centers[cid]
        quarters = None
        others = {(p.month_of_day[x] - 1) // 3 for j, x in enumerate(days) if j != i}
        if p.rules.every_quarter and c.sessions_per_year >= 4:
            need = set(range((p.start.month - 1) // 3, 4))
            quarters = need - others
        # the soft quarter goal: never fewer quarters than now, up to min_quarters
        keep_q = min(p.rules.min_quarters, len({(p.month_of_day[x] - 1) // 3 for x in days}))
        out = []
        for d in range(lo, hi + 1):
            if d not in self.open[cid]:
                continue
            q = (p.month_of_day[d] - 1) // 3
            if quarters and {q} != quarters:
                continue
            if len(others | {q}) < keep_q:
                continue
            out += [2 * d, 2 * d + 1]
        return out

    def topic_choices(self, cid: str, i: int, ks: list[int]) -> list[int]:
        """Topics session ``i`` may take: not its neighbours', enough different topics."""
        p = self.p
        tix = [p.topic_index[self.st.sessions[k].topic_id] for k in ks]
        c = self.centers[cid]
        need = min(p.rules.min_topics, c.sessions_per_year, len(self.topics))
        out = []
        for t in range(len(self.topics)):
            if (i and tix[i - 1] == t) or (i + 1 < len(tix) and tix[i + 1] == t):
                continue
            if len({*tix[:i], t, *tix[i + 1 :]}) < need:
                continue
            out.append(t)
        return out

    # -- one session -----------------------------------------------------------------------
    def improve(self, k: int, flip: bool = False) -> bool:
        """Move session ``k`` (half-day, topic, team) where the plan costs strictly less;
        at equal cost, where the center's sessions per discipline come nearer to its
        partners' numbers (the relaxation's, ``SessionProblem.partner``): a lexicographic
        descent, so it cannot cycle. With ``flip``: to its best half-day of the other
        weekend status whatever it costs (``pair_flips`` judges the pair); False when
        there is none (it stays)."""
        p, st = self.p, self.st
        s = st.sessions[k]
        cid = s.center_id
        ks = self.of_center[cid]
        i = ks.index(k)
        days = [p.day(st.sessions[j].date) for j in ks]
        t0, slot0 = p.topic_index[s.topic_id], st.slot(k)
        old = st.lift(k)
        w = p.rules.weights.load
        # load terms and fair shares with and without this session's place per discipline
        base = {(d, x): self.load_term(d, st.total[d] + x) for d in DISCIPLINES for x in (0, 1)}
        fair = {d: self.fair(d, st.total[d] + 1) for d in DISCIPLINES}

        others = Counter(
            d for j in ks if j != k for d in self.needs[p.topic_index[st.sessions[j].topic_id]]
        )
        target = self.target.get(cid, Counter())
        wm = p.rules.weights.month_share
        mtot = {d: sum(st.months[d, mo] for mo in self.mw) for d in DISCIPLINES}
        mbase = {(d, x): self.month_term(d, mtot[d] + x) for d in DISCIPLINES for x in (0, 1)}

        memo: dict[tuple, int] = {}  # the parts of a value that depend on the month or day

        def month_v(d: str, mo: int) -> int:
            if (d, mo) not in memo:
                n, t1 = st.months[d, mo], mtot[d] + 1
                memo[d, mo] = (mbase[d, 1] - self.month_excess(d, mo, n, t1)
                               + self.month_excess(d, mo, n + 1, t1))
            return memo[d, mo]

        # the spacing of the center's days with session i on another day: only its two
        # gaps change (``spacing_of``); the quarters missed depend on its quarter only
        n_days = len(days)
        ideal = min((p.n_days - p.first_day) // n_days, 120)
        gaps = [max(0, ideal - (b - a)) for a, b in zip(days, days[1:], strict=False)]
        gaps_kept = sum(g for j, g in enumerate(gaps) if j not in (i - 1, i))
        quarter_v: dict[int, int] = {}

        def day_v(day: int) -> int:
            v = memo.get(day)
            if v is None:
                spacing = 0
                if n_days > 1:
                    spacing = gaps_kept
                    if i:
                        spacing += max(0, ideal - (day - days[i - 1]))
                    if i + 1 < n_days:
                        spacing += max(0, ideal - (days[i + 1] - day))
                q = (p.month_of_day[day] - 1) // 3
                if q not in quarter_v:
                    moved = [*days[:i], day, *days[i + 1 :]]
                    quarter_v[q] = p.rules.weights.quarters * self.quarters_short(cid, moved)
                v = memo[day] = (
                    p.rules.weights.spacing * spacing
                    + quarter_v[q]
                    + self.weekend_term(st.weekend + (p.date(day).weekday() >= 5))
                )
            return v

        # per set of disciplines a topic needs: the terms of the disciplines it does not
        # need, and how far the center's sessions per discipline are from its partners'
        fixed: dict[tuple[str, ...], tuple[int, int]] = {}
        for need in self.needs:
            if need not in fixed:
                fixed[need] = (
                    sum(w * base[d, 0] + wm * mbase[d, 0] for d in DISCIPLINES if d not in need),
                    sum(abs(others[d] + (d in need) - target[d]) for d in DISCIPLINES[1:]),
                )
        month_of_day = p.month_of_day

        per_month: dict[tuple[int, tuple[str, ...]], int] = {}

        def value(slot: int, t: int, members: dict[str, tuple[int, str]]) -> tuple[int, int]:
            need = self.needs[t]
            day = slot >> 1
            rest, off = fixed[need]
            key = (month_of_day[day], need)
            if key not in per_month:
                per_month[key] = sum(w * base[d, 1] + wm * month_v(d, key[0]) for d in need)
            v = rest + per_month[key] + day_v(day)
            for d in need:
                v += members[d][0]
            return v, off

        value.by_needs = True  # type: ignore[attr-defined]  # see ``_best_move``
        current = {
            st.disc[sid]: (
                self.member_cost(cid, sid) + (w if st.load[sid] >= fair[st.disc[sid]] else 0),
                sid,
            )
            for sid in old
        }
        best = (value(slot0, t0, current), slot0, t0, current)
        v0 = best[0]
        weekend = p.date(slot0 // 2).weekday() >= 5
        if flip:
            v0 = (INF, INF)
            best = (v0, slot0, t0, current)
        found = self._best_move(cid, i, ks, fair, value, best, weekend if flip else None)
        _, slot, t, people = found
        moved = s.model_copy(update={"date": p.date(slot // 2), "half": slot % 2,
                                     "topic_id": self.topics[t].topic_id})
        st.place(k, moved, [people[d][1] for d in self.needs[t]])
        return found[0] < v0

    def _best_move(self, cid: str, i: int, ks: list[int], fair: dict, value, best: tuple,
                   not_weekend: bool | None = None) -> tuple:
        """The least ``value`` over the half-days of the session's window and its topic
        choices, each with the cheapest free people (``best``: the session where it is,
        kept at equal value; ``not_weekend``: only half-days of the other status).

        A ``value`` marked ``by_needs`` (``improve``'s) depends on a topic only through the
        disciplines it needs and on a half-day only through its day, and its first part
        does not fall when a member costs more (its second part does not depend on the
        members): per half-day only the first topic (in topic order) of each set of
        disciplines is valued, since a later one of the same set cannot be strictly
        better; and a topic whose value with the discipline's cheapest people, whoever is
        free (once per day), cannot beat ``best`` is passed over before anyone free is
        looked for. Neither changes the move found."""
        p = self.p
        needs = self.needs
        topics = self.topic_choices(cid, i, ks)
        by_needs = getattr(value, "by_needs", False)
        if by_needs:
            firsts: list[int] = []
            seen: set[tuple[str, ...]] = set()
            for t in topics:
                if needs[t] not in seen:
                    seen.add(needs[t])
                    firsts.append(t)
            topics = firsts
            cheapest = {d: r[0] for d in DISCIPLINES if (r := self.ranked(cid, d))}
            topics = [t for t in topics if all(d in cheapest for d in needs[t])]
        if not topics:
            return best
        best_person = self.best_person
        bound: dict[tuple[int, int], tuple] = {}  # per day and topic (both half-days)
        for slot in self.window(cid, i, ks):
            if not_weekend is not None and (p.date(slot // 2).weekday() >= 5) == not_weekend:
                continue
            people: dict[str, tuple[int, str]] = {}
            missing: set[str] = set()
            for t in topics:
                if by_needs:
                    key = (slot >> 1, t)
                    if key not in bound:
                        bound[key] = value(slot, t, cheapest)
                    if not bound[key] < best[0]:
                        continue
                ok = True
                for d in needs[t]:
                    if d in people:
                        continue
                    if d in missing:
                        ok = False
                        break
                    b = best_person(cid, d, slot, fair[d])
                    if b is None:
                        missing.add(d)
                        ok = False
                        break
                    people[d] = b
                if not ok:
                    continue
                v = value(slot, t, people)
                if v < best[0]:
                    best = (v, slot, t, people)
        return best

    def flip_gain(self, k: int) -> int | None:
        """What moving session ``k`` to its best half-day of the other weekend status
        changes in the plan's objective apart from the weekend goal (None: no such
        half-day); the plan is left as it was."""
        st = self.st
        v0 = self.objective() - self.weekend_term(st.weekend)
        old = {k: (st.sessions[k], list(st.team[k]))}  # the move changes session k only
        out = None
        if self.improve(k, flip=True):
            out = self.objective() - self.weekend_term(st.weekend) - v0
        st.restore([k], old)
        return out

    def pair_flips(self) -> bool:
        """Two sessions swap their weekend status: one whose move to the other status pays
        apart from the weekend goal, with one of the cheapest going the other way, so the
        weekend count stays. A single move cannot: the first alone costs the weekend
        share (a center whose home lead works weekends only takes a weekend the plan gave
        a center that has people on working days too). Kept when the plan's objective
        strictly falls. Each session's flip is priced once (``flip_gain``), then each
        paying one tries the ``PAIR_TRIES`` cheapest of the other status."""
        st = self.st
        order = [k for cid in sorted(self.of_center) for k in self.of_center[cid]]
        gain = {}
        for k in order:
            if self.stopped:
                return False
            g = self.flip_gain(k)
            if g is not None:
                gain[k] = g
        changed = False
        for k in [k for k in order if gain.get(k, 0) < 0]:
            if self.stopped:
                return changed
            if k not in gain:  # moved already, as another's partner
                continue
            to_weekend = st.sessions[k].date.weekday() < 5
            partners = sorted(
                (g, j) for j, g in gain.items()
                if j != k and (st.sessions[j].date.weekday() >= 5) == to_weekend
            )[:PAIR_TRIES]
            if not partners:
                continue
            v0, snap = self.objective(), self.snapshot()
            if not self.improve(k, flip=True):
                self.restore(snap)
                continue
            half = self.snapshot()
            for _, j in partners:
                if self.improve(j, flip=True) and self.objective() < v0:
                    changed = True
                    gain.pop(j, None)
                    gain.pop(k, None)
                    break
                self.restore(half)
            else:
                self.restore(snap)
        return changed

    # -- the topics of one center at once ---------------------------------------------------
    def team_value(self, cid: str) -> int:
        """The center's member costs plus the load goal of the whole plan (exact)."""
        st, w = self.st, self.p.rules.weights.load
        v = sum(self.member_cost(cid, sid) for k in self.of_center[cid] for sid in st.team[k])
        v += self.p.rules.weights.month_share * self.months_value()
        return v + w * sum(self.load_term(d, st.total[d]) for d in DISCIPLINES)

    def retopic(self, cid: str) -> bool:
        """Choose the topics of all the center's sessions at once (half-days kept): the
        sequence with the cheapest doctors and psychologists free on its half-days (a
        small dynamic program over position, last topic and topics used), kept when the
        plan's objective strictly falls."""
        p, st = self.p, self.st
        ks = self.of_center[cid]
        v0 = self.team_value(cid)
        old = {k: (st.sessions[k], st.lift(k)) for k in ks}
        fair = {
            d: self.fair(d, st.total[d] + sum(1 for k in ks if d in self.need_of(k, old)))
            for d in DISCIPLINES
        }
        inf = 10**9
        cost = []
        # the even year: what a session needing a doctor or a psychologist adds to its
        # month's excess over the band (the discipline's total as it was: an estimate,
        # the exact objective decides below)
        wm = p.rules.weights.month_share
        mtot = {
            d: sum(st.months[d, mo] for mo in self.mw)
            + sum(1 for k in ks if d in self.need_of(k, old))
            for d in DISCIPLINES
        }
        for k in ks:
            slot = 2 * p.day(old[k][0].date) + old[k][0].half
            mo = old[k][0].date.month
            per = {
                d: (b[0] if (b := self.best_person(cid, d, slot, fair[d])) else inf)
                + wm * (self.month_excess(d, mo, st.months[d, mo] + 1, mtot[d])
                        - self.month_excess(d, mo, st.months[d, mo], mtot[d]))
                for d in DISCIPLINES
            }
            cost.append([sum(per[d] for d in need) for need in self.needs])
        need_n = min(p.rules.min_topics, self.centers[cid].sessions_per_year, len(self.topics))
        key = (tuple(map(tuple, cost)), need_n)  # the same costs again: the same answer
        if key not in self._seqs:
            if len(self._seqs) > 4096:
                self._seqs.clear()
            self._seqs[key] = _best_sequence(cost, need_n)
        seq = self._seqs[key]
        placed = seq is not None and self._place_topics(cid, ks, old, seq)
        if placed and self.team_value(cid) < v0:
            return True
        st.restore(ks, old)
        return False

    def need_of(self, k: int, old: dict) -> tuple[str, ...]:
        return self.needs[self.p.topic_index[old[k][0].topic_id]]

    def _place_topics(self, cid: str, ks: list[int], old: dict, seq: list[int]) -> bool:
        st = self.st
        totals = Counter(d for t in seq for d in self.needs[t])
        fair = {d: self.fair(d, st.total[d] + totals[d]) for d in DISCIPLINES}
        for k, t in zip(ks, seq, strict=True):
            s = old[k][0].model_copy(update={"topic_id": self.topics[t].topic_id})
            slot = 2 * self.p.day(s.date) + s.half
            people = [self.best_person(cid, d, slot, fair[d]) for d in self.needs[t]]
            if any(b is None for b in people):
                return False
            st.place(k, s, [b[1] for b in people if b])
        return True

    def costly(self, cid: str) -> bool:
        """Whether a doctor's or psychologist's place at the center costs anything."""
        st = self.st
        return any(
            st.disc[sid] != "education" and self.member_cost(cid, sid) > 0
            for k in self.of_center[cid]
            for sid in st.team[k]
        )

    def worth_trying(self, k: int) -> bool:
        """Whether session ``k`` pays more than its cheapest possible team (a nearer
        person, a topic needing fewer people), has someone above the fair share, or its
        center's spacing falls short; the others cannot gain from a move alone."""
        st = self.st
        cid = st.sessions[k].center_id
        paid = sum(self.member_cost(cid, sid) for sid in st.team[k])
        least = min(
            sum(self.ranked(cid, d)[0][0] if self.ranked(cid, d) else 0 for d in need)
            for need in self.needs
        )
        if paid > least or self.center_spacing(cid) or self.month_off(k) or self.weekend_off(k):
            return True
        days = [self.p.day(st.sessions[j].date) for j in self.of_center[cid]]
        if self.quarters_short(cid, days):
            return True
        return any(
            st.load[sid] > self.fair(st.disc[sid], st.total[st.disc[sid]]) for sid in st.team[k]
        )

    def quarters_short(self, cid: str, days: list[int]) -> int:
        """The quarters a center's sessions on ``days`` miss (``min_quarters``)."""
        p = self.p
        need = min(p.rules.min_quarters, self.centers[cid].sessions_per_year, 4)
        return max(0, need - len({(p.month_of_day[d] - 1) // 3 for d in days}))

    def weekend_off(self, k: int) -> bool:
        """Whether moving session ``k`` between a weekend and a working day brings the
        weekend count nearer to its target (the weekend goal)."""
        weekend = self.st.sessions[k].date.weekday() >= 5
        n, target = self.st.weekend, self.weekend_target
        return (weekend and n > target) or (not weekend and n < target)

    def month_off(self, k: int) -> bool:
        """Whether session ``k``'s month is outside its band for one of its disciplines
        (the even-year goal): a move to another month may pay."""
        st = self.st
        s = st.sessions[k]
        for d in st.topic_needs[s.topic_id]:
            total = sum(st.months[d, mo] for mo in self.mw)
            _, hi = month_band(self.p, total, self.mw.get(s.date.month, 0), self.msw)
            if st.months[d, s.date.month] > hi:  # a crowded month: moving out may pay
                return True
        return False

    def disciplines_uneven(self) -> bool:
        """Whether a month is outside its band for the sessions needing a doctor or a
        psychologist: other topics on the same half-days may even them."""
        return self.others_months() > 0

    def others_months(self) -> int:
        """The doctors' and psychologists' months outside their bands (the month-share
        goal's part that other topics on the same half-days can mend)."""
        st = self.st
        return sum(
            self.month_term(d, sum(st.months[d, mo] for mo in self.mw)) for d in DISCIPLINES[1:]
        )

    def center_spacing(self, cid: str) -> int:
        return spacing_of(
            self.p, [self.p.day(self.st.sessions[k].date) for k in self.of_center[cid]]
        )

    def objective(self) -> int:
        """The part of the plan's objective this pass can change, counted exactly (each
        center's own terms, ``center_part``, counted again only where they changed)."""
        st, w = self.st, self.p.rules.weights
        v = sum(self.center_part(cid, ks) for cid, ks in self.of_center.items())
        v += w.load * sum(self.load_term(d, st.total[d]) for d in DISCIPLINES)
        v += w.month_share * self.months_value()
        return v + self.weekend_term(st.weekend)

    def center_part(self, cid: str, ks: list[int]) -> int:
        """A center's terms of the objective: its members' trips and extra leads, the
        quarters it misses, its spacing. Kept with the sessions and teams they were
        counted on, and used again while those are the same (a session is a new object
        whenever it changes; a team is compared by its members)."""
        st = self.st
        sessions, team = st.sessions, st.team
        hit = self._parts.get(cid)
        if hit is not None and all(
            sessions[k] is s and team[k] == t for k, s, t in zip(ks, hit[0], hit[1], strict=True)
        ):
            return hit[2]
        w = self.p.rules.weights
        v = sum(self.member_cost(cid, sid) for k in ks for sid in team[k])
        days = [self.p.day(sessions[k].date) for k in ks]
        v += w.quarters * self.quarters_short(cid, days) + w.spacing * spacing_of(self.p, days)
        self._parts[cid] = ([sessions[k] for k in ks], [list(team[k]) for k in ks], v)
        return v

    def snapshot(self) -> tuple:
        st = self.st
        return (
            list(st.sessions),
            {k: list(v) for k, v in st.team.items()},
            dict(st.busy),
            Counter(st.month_used),
            Counter(st.load),
            Counter(st.total),
            Counter(st.months),
            st.weekend,
        )

    def restore(self, snap: tuple) -> None:
        st = self.st
        st.sessions, st.team, st.busy, st.month_used, st.load, st.total, st.months = (
            list(snap[0]),
            {k: list(v) for k, v in snap[1].items()},
            dict(snap[2]),
            Counter(snap[3]),
            Counter(snap[4]),
            Counter(snap[5]),
            Counter(snap[6]),
        )
        st.weekend = snap[7]

    def raise_fair(self, d: str, levels: int = 1, strict: bool = True) -> bool:
        """Raise the fair share of discipline ``d`` by one: give just enough sessions a
        topic that also needs ``d`` (cheapest people first) that ``ceil(T/n)`` grows, so
        the people at their share can take one more each; then the single moves again.
        Kept only when the plan's objective strictly falls (else undone). One move
        cannot find this: each added session alone costs a trip or a load."""
        st = self.st
        n = len(self.pools[d])
        if not n:
            return False
        fair = self.fair(d, st.total[d])
        fair += levels - 1
        short = n * fair + 1 - st.total[d]
        if short > n * levels:
            return False
        before, snap = self.objective(), self.snapshot()
        avoid = self.wanted(d)
        cands = self._raise_candidates(d, fair, avoid)
        done = self._add_discipline(d, fair, avoid, cands, short, strict)
        if done == short:
            self.passes(1)
            if self.objective() < before:
                return True
        self.restore(snap)
        return False

    def _raise_candidates(self, d: str, fair: int, avoid: frozenset[str]) -> list[tuple]:
        """(cost, wanted, session, topic): each session without ``d`` whose topic may
        become one also needing ``d``, with its cheapest person of ``d`` under ``fair + 1``
        outside ``avoid`` (wanted 0), or inside it (wanted 1)."""
        st, p = self.st, self.p
        cands = []
        for cid in sorted(self.of_center):
            ks = self.of_center[cid]
            for i, k in enumerate(ks):
                t = p.topic_index[st.sessions[k].topic_id]
                if d in self.needs[t]:
                    continue
                for t2 in self.topic_choices(cid, i, ks):
                    if set(self.needs[t2]) != {*self.needs[t], d}:
                        continue
                    b = self.best_person(cid, d, st.slot(k), fair + 1, avoid)
                    if b is not None:
                        cands.append((b[0], 0, k, t2))
                    b = self.best_person(cid, d, st.slot(k), fair + 1)
                    if b is not None and b[1] in avoid:
                        cands.append((b[0], 1, k, t2))
        return cands

    def _add_discipline(self, d: str, fair: int, avoid: frozenset[str], cands: list[tuple],
                        short: int, strict: bool) -> int:
        """Give up to ``short`` of the candidates (cheapest first) their topic needing
        ``d`` and a person of ``d``; a candidate whose topic or person an earlier one took
        is passed over. Returns how many were given."""
        st, p = self.st, self.p
        done = 0
        for cost, wanted, k, t2 in sorted(cands):
            if done == short:
                break
            cid = st.sessions[k].center_id
            ks = self.of_center[cid]
            t = p.topic_index[st.sessions[k].topic_id]
            if d in self.needs[t] or t2 not in self.topic_choices(cid, ks.index(k), ks):
                continue
            b = self.best_person(cid, d, st.slot(k), fair + 1, frozenset() if wanted else avoid)
            if b is None or (strict and b[0] > cost):  # its person taken by an earlier one
                continue
            members = st.lift(k)
            s = st.sessions[k].model_copy(update={"topic_id": self.topics[t2].topic_id})
            st.place(k, s, [*members, b[1]])
            done += 1
        return done

    def wanted(self, d: str) -> frozenset[str]:
        """People of ``d`` nearer to a session than the person it has: the ones a raised
        fair share is for, so the added sessions go to others."""
        st = self.st
        out: set[str] = set()
        for cid, ks in self.of_center.items():
            for k in ks:
                for sid in st.team[k]:
                    if st.disc[sid] != d:
                        continue
                    paid = self.member_cost(cid, sid)
                    out.update(x for c, x in self.ranked(cid, d) if c < paid)
        return frozenset(out)

    def passes(self, n: int) -> None:
        order = [k for cid in sorted(self.of_center) for k in self.of_center[cid]]
        for _ in range(n):
            changed = False
            for k in order:
                if self.stopped:
                    return
                if self.worth_trying(k):
                    changed |= self.improve(k)
            uneven = self.disciplines_uneven()
            for cid in sorted(self.of_center):
                if self.stopped:
                    return
                if uneven or self.costly(cid):
                    changed |= self.retopic(cid)
            if not changed:
                break

    @property
    def stopped(self) -> bool:
        """Stopped by the planner or the wall-clock ceiling: every change made so far is
        whole, the rest is left."""
        return _stopped(self.stop, self.clock)

    def spread_events(self) -> None:
        """Move district-event occurrences out of months where their kind is bunched
        (the even-year goal ``event_spread``) to a free day of a month with room, with the
        cheapest free people; kept when the plan's objective strictly falls."""
        p, st = self.p, self.st
        events = {e.event_id: e for e in p.data.events}
        for evs, months in event_kinds(p).values():
            ids = {e.event_id for e in evs}
            for k in [k for k, s in enumerate(st.sessions) if s.event_id in ids]:
                if self.stopped:
                    return
                per = Counter(x.date.month for x in st.sessions if x.event_id in ids)
                cap = -(-sum(per.values()) // max(1, len(months)))
                s = st.sessions[k]
                if per[s.date.month] <= cap:
                    continue
                self._move_occurrence(k, events[s.event_id], per, cap)

    def _move_occurrence(self, k: int, e, per: Counter, cap: int) -> None:
        """Move event occurrence ``k`` to the first free half-day of its event's days in a
        month under ``cap`` (not a day the event already has) where the events' value
        strictly falls; else leave it where it was."""
        p, st = self.p, self.st
        s = st.sessions[k]
        taken = {x.date for x in st.sessions if x.event_id == e.event_id}
        before = self.event_value()
        snap = self.snapshot()
        st.lift(k)
        for d in p.event_days(e):
            date = p.date(d)
            if per[date.month] >= cap or date in taken:
                continue
            for half in (0, 1):
                team = self._event_team(e, 2 * d + half)
                if team is None:
                    continue
                st.place(k, s.model_copy(update={"date": date, "half": half}), team)
                if self.event_value() < before:
                    return
                st.lift(k)
        self.restore(snap)

    def event_value(self) -> int:
        """What moving an event occurrence changes in the objective: the events' spread
        and the load above the fair share (events have no trips, lead or month share)."""
        w, st = self.p.rules.weights, self.st
        v = w.event_spread * event_spread_excess(self.p, st.sessions)
        return v + w.load * sum(self.load_term(d, st.total[d]) for d in DISCIPLINES)

    def _event_team(self, e, slot: int) -> list[str] | None:
        """Free people for an event occurrence at ``slot`` (its team's disciplines and
        numbers), those under the fair share first, in staff order."""
        st = self.st
        out = []
        for d, n in self.p.event_team(e).items():
            fair = self.fair(d, st.total[d] + n)
            free = [x.staff_id for x in self.pools[d] if st.free(x.staff_id, slot)]
            free.sort(key=lambda sid: st.load[sid] >= fair)
            if len(free) < n:
                return None
            out += free[:n]
        return out

    # -- a center's whole sequence of days at once --------------------------------------
    def reschedule(self, cid: str, loose: bool = False) -> bool:
        """Choose all the center's days at once (topics and each session's weekend status
        kept): a dynamic program over its sessions in order and the days of the year, each
        day costing its cheapest free team and what it adds to the months' excess over
        their bands, each gap its shortfall of an even spread (at least ``min_gap_days``).
        It can shift a whole sequence by weeks, which a single move cannot do without
        breaking the spacing. Kept when the plan's objective strictly falls.

        ``loose`` (``_even_again``): the doctors' and psychologists' months' bands not
        counted (the topics' MIP chooses who needs them afterwards), kept when the
        center's spacing strictly falls, those bands rise and the plan's objective,
        those bands left out, strictly falls: the bands alone held the center off its
        evenest days, what the topics' MIP can mend (a move that breaks no band is the
        plain reschedule's, kept there when it pays; issue 18: the step's MIP ran for
        minutes on a district of 45 venues)."""
        p, st = self.p, self.st
        ks = self.of_center[cid]
        n = len(ks)
        if n < 2:
            return False
        wm = p.rules.weights.month_share
        v0 = self.objective()
        m0 = self.others_months()
        old = {k: (st.sessions[k], st.lift(k)) for k in ks}
        needs = [self.need_of(k, old) for k in ks]
        fair = {
            d: self.fair(d, st.total[d] + sum(1 for nd in needs if d in nd))
            for d in DISCIPLINES
        }
        mtot = {
            d: sum(st.months[d, mo] for mo in self.mw) + sum(1 for nd in needs if d in nd)
            for d in DISCIPLINES
        }
        c = self.centers[cid]
        unary, half = self._day_costs(cid, ks, old, needs, fair, mtot, wm, loose)
        spacing0 = self.center_spacing(cid)
        seq = _best_days(p, unary)
        placed = seq is not None
        if seq is not None:
            quarters = {(p.month_of_day[d] - 1) // 3 for d in seq}
            if p.rules.every_quarter and c.sessions_per_year >= 4:
                placed = quarters >= set(range((p.start.month - 1) // 3, 4))
        if placed:
            for i, (k, d) in enumerate(zip(ks, seq, strict=True)):
                s = old[k][0].model_copy(update={"date": p.date(d), "half": int(half[i, d])})
                people = [self.best_person(cid, x, 2 * d + s.half, fair[x]) for x in needs[i]]
                if any(b is None for b in people):
                    placed = False
                    break
                st.place(k, s, [b[1] for b in people if b])
        if placed and not loose and self.objective() < v0:
            return True
        if placed and loose and self.center_spacing(cid) < spacing0 and (
                self.others_months() > m0
                and self.objective() - wm * self.others_months() < v0 - wm * m0):
            return True
        st.restore(ks, old)
        return False

    def _day_costs(self, cid: str, ks: list[int], old: dict, needs: list, fair: dict,
                   mtot: dict, wm: int, loose: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Per session (in order) and day of the year: the cost of its cheapest free team
        on the better half-day of an open day of the same weekend status, plus what it
        adds to the months' excess (``INF`` where none; with ``loose`` the education
        months' only); and that half-day."""
        p, st = self.p, self.st
        unary = np.full((len(ks), p.n_days), INF, dtype=np.int64)
        half = np.zeros((len(ks), p.n_days), dtype=np.int64)
        days = sorted(self.open[cid])
        weekday = {d: p.date(d).weekday() >= 5 for d in days}
        # nothing changes meanwhile: sessions with the same disciplines and weekend status
        # have the same row, and a discipline's cheapest person at a half-day is one
        rows: dict[tuple, int] = {}
        people: dict[tuple[str, int], tuple[int, str] | None] = {}
        for i, k in enumerate(ks):
            weekend = old[k][0].date.weekday() >= 5
            key = (needs[i], weekend)
            if key in rows:
                unary[i], half[i] = unary[rows[key]], half[rows[key]]
                continue
            rows[key] = i
            for d in days:
                if weekday[d] != weekend:
                    continue
                mo = p.month_of_day[d]
                mcost = wm * sum(
                    self.month_excess(x, mo, st.months[x, mo] + 1, mtot[x])
                    - self.month_excess(x, mo, st.months[x, mo], mtot[x])
                    for x in needs[i]
                    if not loose or x == "education"
                )
                for h in (0, 1):
                    cost = mcost
                    slot = 2 * d + h
                    for x in needs[i]:
                        if (x, slot) not in people:
                            people[x, slot] = self.best_person(cid, x, slot, fair[x])
                        b = people[x, slot]
                        if b is None:
                            cost = INF
                            break
                        cost += b[0]
                    if cost < unary[i, d]:
                        unary[i, d], half[i, d] = cost, h
        return unary, half

    def reschedule_all(self) -> bool:
        changed = False
        for cid in sorted(self.of_center):
            if self.stopped:
                return changed
            changed |= self.reschedule(cid)
        return changed

    def run(self) -> None:
        self.spread_events()
        # the doctors' and psychologists' months first by topics (no session moves, so no
        # spacing paid), then by days
        for cid in sorted(self.of_center):
            if self.stopped:
                return
            if self.disciplines_uneven():
                self.retopic(cid)
        for _ in range(ROUNDS):
            before = self.objective()
            if self.p.rules.reschedule:
                for _ in range(PASSES):
                    if self.stopped or not self.reschedule_all():
                        break
            self.passes(PASSES)
            if self.pair_flips():
                self.passes(PASSES)
            for _ in range(RAISES):
                if self.stopped:
                    return
                tries = [
                    (d, lv, x) for d in DISCIPLINES[1:] for lv in (1, 2) for x in (True, False)
                ]
                if not any(self.raise_fair(*t) for t in tries):
                    break
                self.passes(PASSES)
            # a single move (a session to a weekend, say) can open room for a center's
            # whole sequence again: another round while the plan falls
            if self.stopped or self.objective() >= before:
                return


#: a day a session cannot take (reschedule's dynamic program)
INF = 10**9


def _best_days(p: SessionProblem, unary: np.ndarray) -> list[int] | None:
    """The days of a center's sessions in order minimising their ``unary`` costs plus each
    gap's shortfall of an even spread (gaps of at least ``min_gap_days``): a dynamic
    program over the sessions and the days; None when no sequence fits."""
    n, n_days = unary.shape
    ideal = min((n_days - p.first_day) // n, 120)
    diff = np.arange(n_days)[None, :] - np.arange(n_days)[:, None]  # day - previous
    pair = np.where(diff >= p.rules.min_gap_days,
                    np.maximum(0, ideal - diff) * p.rules.weights.spacing, INF)
    f = unary[0].copy()
    back = []
    for i in range(1, n):
        tot = f[:, None] + pair
        arg = tot.argmin(axis=0)
        f = np.minimum(tot[arg, np.arange(n_days)] + unary[i], INF)
        back.append(arg)
    last = int(f.argmin())
    if not f[last] < INF:
        return None
    seq = [last]
    for arg in reversed(back):
        seq.append(int(arg[seq[-1]]))
    seq.reverse()
    return seq


def _best_sequence(cost: list[list[int]], need: int) -> list[int] | None:
    """Topics for sessions in order minimising ``sum cost[i][t]``: never one topic twice
    in a row, at least ``need`` different topics (dynamic program; None if none fits).

    States are (position, last topic, topics used); once ``need`` topics are used the
    rest is a plain sequence without repeats (``after``: per position and last topic),
    and a state that can no longer reach ``need`` is dropped. Ties go to the lowest
    topic at each position, from the first session on."""
    n, m = len(cost), len(cost[0]) if cost else 0
    inf = 10**9
    allowed = [[t for t in range(m) if cost[i][t] < inf] for i in range(n)]
    # after[i][last + 1]: (least cost of positions i.., its topic at i) when ``need`` is met
    after: list[list[tuple[int, int]]] = [[(0, -1)] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        nxt, row = after[i + 1], after[i]
        for last in range(-1, m):
            best = (inf, -1)
            for t in allowed[i]:
                if t != last and (v := cost[i][t] + nxt[t + 1][0]) < best[0]:
                    best = (v, t)
            row[last + 1] = best
    if need <= 0:
        if after[0][0][0] >= inf:
            return None
        out, last = [], -1
        for i in range(n):
            last = after[i][last + 1][1]
            out.append(last)
        return out
    # the states before ``need`` is met, reachable from the start, level by level
    # (last topic, topics used, how many)
    levels: list[set[tuple[int, int, int]]] = [{(-1, 0, 0)}]
    for i in range(n):
        nxt_level: set[tuple[int, int, int]] = set()
        left = n - i - 1
        for last, mask, c in levels[i]:
            for t in allowed[i]:
                if t == last:
                    continue
                if mask >> t & 1:
                    if c + left >= need:
                        nxt_level.add((t, mask, c))
                elif c + 1 < need and c + 1 + left >= need:
                    nxt_level.add((t, mask | 1 << t, c + 1))
        levels.append(nxt_level)
    val: list[dict[tuple[int, int], tuple[int, int]]] = [{} for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        nxt_val, nxt_after, ci = val[i + 1], after[i + 1], cost[i]
        for last, mask, c in levels[i]:
            best = (inf, -1)
            for t in allowed[i]:
                if t == last:
                    continue
                if not mask >> t & 1 and c + 1 >= need:
                    fut = nxt_after[t + 1][0]
                else:
                    got = nxt_val.get((t, mask | 1 << t))
                    fut = inf if got is None else got[0]
                if (v := ci[t] + fut) < best[0]:
                    best = (v, t)
            val[i][last, mask] = best
    if val[0].get((-1, 0), (inf, -1))[0] >= inf:
        return None
    out, last, mask, met = [], -1, 0, False
    for i in range(n):
        t = after[i][last + 1][1] if met else val[i][last, mask][1]
        out.append(t)
        last, mask = t, mask | 1 << t
        met = met or mask.bit_count() >= need
    return out


def polish(
    p: SessionProblem,
    sessions: list[Session],
    team: dict[int, list[str]],
    stop: Stop | None = None,
    clock: Clock | None = None,
    topics_seconds: float | None = None,
    ended: list[str] | None = None,
    topics_nodes: int | None = None,
) -> list[Session]:
    """The calendar after the local improvement (sessions in plan order); the caller names
    the teams again with the exact flow. A re-plan's calendar is returned as it is; a
    stop or the wall-clock ceiling ends the improvement between two changes (a cancelled
    plan is finished at once).

    The improvement starts again from its own result, with the teams named by the exact
    flow (and, given ``topics_seconds``, the topics chosen again for the whole district,
    ``topics.choose_topics``, and the days and topics at once, ``shift.py``: MIPs whose
    wall-clock safety net that is, ended at ``topics_nodes`` nodes, their work limit, the
    same point every run), while the plan's
    objective strictly falls, at most ``AGAIN`` times: the flow's teams differ from the
    pass's greedy ones, so moves that did not pay may pay now. A MIP its wall-clock
    safety net ends is dropped (the plan may then differ from another run): its step's
    name is added to ``ended``, for the plan to say so."""
    if p.previous or not team:
        return sessions
    best = plan_objective(p, sessions, team)
    tried = False  # the home leads' centers moved together (once: a MIP per group)
    idle = _Idle()
    nodes = None if topics_nodes is None else SizedNodes(topics_nodes)
    for _ in range(AGAIN):
        out = _improve_once(p, sessions, team, stop, clock)
        again = best_teams(p, out)
        if again is None:
            break
        if topics_seconds is not None and not _stopped(stop, clock):
            out, again = idle.run("topics", out, again, lambda s, t: _topics_again(
                p, s, t, topics_seconds, stop, ended, nodes))
        if topics_seconds is not None and not _stopped(stop, clock):
            out, again = idle.run("shift", out, again, lambda s, t: _shift_again(
                p, s, t, topics_seconds, stop, ended, nodes))
        if topics_seconds is not None and not tried and not _stopped(stop, clock):
            out, again = _leads_again(p, out, again, topics_seconds, stop, ended, nodes)
            tried = True
        if topics_seconds is not None and not _stopped(stop, clock):
            out, again = idle.run("even", out, again, lambda s, t: _even_again(
                p, s, t, topics_seconds, stop, ended, nodes, idle))
        value = plan_objective(p, out, again)
        if value >= best:
            break
        sessions, team, best = out, again, value
        if _stopped(stop, clock):
            break
    return sorted(sessions, key=lambda s: (s.date, s.half, s.center_id, s.event_id))


class _Idle:
    """The calendars on which each MIP step of the improvement gained nothing: a step is
    not run again on the same calendar (its MIP is deterministic: it would give the same
    moves, and the plan has not become dearer since)."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple] = {}

    def run(self, step: str, sessions: list[Session], team: dict[int, list[str]],
            move) -> tuple[list[Session], dict]:  # noqa: ANN001
        """``move(sessions, team)``, unless it gained nothing on this calendar before."""
        key = worked_on(sessions, team)
        if self.seen.get(step) == key:
            return sessions, team
        out = move(sessions, team)
        if out[0] is sessions:
            self.seen[step] = key
        return out


def worked_on(sessions: list[Session], team: dict[int, list[str]]) -> tuple:
    """What a MIP step of the improvement works on: every session's half-day, topic and
    people."""
    return tuple((s.center_id, s.event_id, s.date, s.half, s.topic_id, tuple(team[k]))
                 for k, s in enumerate(sessions))


def _improve_once(p: SessionProblem, sessions: list[Session], team: dict[int, list[str]],
                  stop: Stop | None, clock: Clock | None) -> list[Session]:
    # the events first where the exact teams cost least, the sessions moved around them,
    # then the events again around the moved sessions
    moved = events_where_people_are_free(p, sessions, stop=stop, clock=clock)
    if moved is not sessions:
        sessions, team = moved, best_teams(p, moved) or team
    run = _Polish(p, sessions, team, stop, clock)
    run.run()
    out = sorted(run.st.sessions, key=lambda s: (s.date, s.half, s.center_id, s.event_id))
    return out if run.stopped else events_where_people_are_free(p, out, stop=stop, clock=clock)


def _by_the_clock(stopped: bool, stop: Stop | None, ended: list[str] | None,
                  step: str) -> None:
    """A MIP ended by its wall-clock safety net, not by the stop token: noted in ``ended``."""
    by_clock = stopped and not (stop is not None and stop.is_set())
    if by_clock and ended is not None and step not in ended:
        ended.append(step)


def _topics_again(p: SessionProblem, sessions: list[Session], team: dict[int, list[str]],
                  seconds: float, stop: Stop | None,
                  ended: list[str] | None = None, nodes: int | None = None
                  ) -> tuple[list[Session], dict]:
    """The topics chosen again for the whole district on the improved half-days (a
    district planned in one part), kept when the plan's objective strictly falls."""
    from tuoyu.optimizer.sessions import topics

    return _mip_again(p, sessions, team, stop, ended, "polish topics",
                      lambda staffed: topics.choose_topics(p, staffed, seconds, stop, nodes))


def _shift_again(p: SessionProblem, sessions: list[Session], team: dict[int, list[str]],
                 seconds: float, stop: Stop | None,
                 ended: list[str] | None = None, nodes: int | None = None
                 ) -> tuple[list[Session], dict]:
    """The days and topics of every center session chosen again at once near where they
    are (``shift.py``: several centers' topics and days together, the doctors' and
    psychologists' year totals with them), the teams named by the exact flow; kept when
    the plan's objective strictly falls (a district planned in one part). A district
    whose model is too large is moved part by part (``shift.parts``: its streets'
    centers, the others kept), each part's move kept when the plan's objective falls.
    A district of one part with events is then moved again with the events' days too
    (their occurrences within their months), from the plan the move without them
    reached (the larger model alone, ended at its work limit, left held-out seed 27 at
    123 where the move without the events reaches 116)."""
    from tuoyu.optimizer.sessions import shift

    if mips_too_large(p) or not team:
        return sessions, team
    staffed = [s.model_copy(update={"staff_ids": tuple(team[k])}) for k, s in enumerate(sessions)]
    end = time.monotonic() + seconds
    most = None if nodes is None else nodes * shift.PART_COLUMNS_PER_NODE
    runs = [(part, False) for part in shift.parts(p, staffed, most)]
    if runs == [(None, False)] and p.data.events:  # then with the events' days too
        runs.append((None, True))
    for part, events in runs:  # a district too large for one model: in parts
        sessions, team = _mip_again(
            p, sessions, team, stop, ended, "polish shift",
            lambda staffed, part=part, events=events: shift.shift_days_and_topics(
                p, staffed, max(0.0, end - time.monotonic()), stop, nodes, part, events))
        if stop is not None and stop.is_set():
            break
    return sessions, team


def _leads_again(p: SessionProblem, sessions: list[Session], team: dict[int, list[str]],
                 seconds: float, stop: Stop | None,
                 ended: list[str] | None = None, nodes: int | None = None
                 ) -> tuple[list[Session], dict]:
    """The centers of a home lead who pays for others leading some of their sessions,
    moved together onto the lead's days (``leads.py``: none of them can move alone when
    the lead's months are full), one lead after another (those paying most first), the
    teams named by the exact flow; each kept when the plan's objective strictly falls
    (a fresh plan of one part)."""
    from tuoyu.optimizer.sessions import leads

    if mips_too_large(p) or not team:
        return sessions, team
    staffed = [s.model_copy(update={"staff_ids": tuple(team[k])}) for k, s in enumerate(sessions)]
    end = time.monotonic() + seconds
    for lead, centers in leads.groups_paying_other_leads(p, staffed):
        sessions, team = _mip_again(
            p, sessions, team, stop, ended, "polish",  # a stage the planner's page names
            lambda staffed, lead=lead, centers=centers: leads.on_the_leads_days(
                p, staffed, lead, centers, max(0.0, end - time.monotonic()), stop, nodes),
            others=False)
        if stop is not None and stop.is_set():
            break
    return sessions, team


def _even_again(p: SessionProblem, sessions: list[Session], team: dict[int, list[str]],
                seconds: float, stop: Stop | None,
                ended: list[str] | None = None, nodes: int | None = None,
                idle: _Idle | None = None) -> tuple[list[Session], dict]:
    """Every center paying spacing moved onto its evenest days (``_Polish.reschedule``
    with ``loose``: the doctors' and psychologists' months' bands not counted), then the
    topics chosen again for the whole district on those half-days (the topics' MIP puts
    the doctors' and psychologists' sessions back within their months' bands), the teams
    named by the exact flow; kept when the plan's objective strictly falls.

    Why: a center whose months are the wrong ones for an even spread (4 January, March,
    30 April: 4 days short whatever the days) gets even only by moving sessions into the
    next month; when one of them is a psychologist's and that month's psychology
    sessions are at their band's floor, the move costs a band (30) unless another
    center's session there takes a psychology topic. No single step does both: the
    reschedule keeps the topics, the topics' MIP the half-days, ``shift.py`` moves a
    session a few days within its quarter (issue 18, many small streets: 232 -> 224).

    With ``idle`` (the improvement's rounds), the same moves (the same centers onto the
    same half-days) that gained nothing in an earlier round are not tried again: the
    MIP mends the bands those centers break, and between two rounds little else changes
    (thin staff: 13 and 4 of 912 sessions' half-days)."""
    from tuoyu.optimizer.sessions import topics

    if mips_too_large(p) or not team or not any(p.pools[d] for d in topics.OTHERS):
        return sessions, team
    run = _Polish(p, sessions, team, stop)
    moved = [cid for cid in sorted(run.of_center)
             if run.center_spacing(cid) > 0 and not _stopped(stop, None)
             and run.reschedule(cid, loose=True)]
    if not moved:
        return sessions, team
    moves = tuple((cid, tuple((run.st.sessions[k].date, run.st.sessions[k].half)
                              for k in run.of_center[cid])) for cid in moved)
    if idle is not None and idle.seen.get("even moves") == moves:
        return sessions, team
    even = [s.model_copy(update={"staff_ids": ()}) for s in run.st.sessions]
    even_team = best_teams(p, even)
    if even_team is None:
        return sessions, team
    staffed = [s.model_copy(update={"staff_ids": tuple(even_team[k])})
               for k, s in enumerate(even)]
    # the MIP runs on the even calendar; the result is compared with the plan before it
    out = _mip_again(p, sessions, team, stop, ended, "polish topics",
                     lambda _: topics.choose_topics(p, staffed, seconds, stop, nodes))
    if idle is not None and out[0] is sessions:
        idle.seen["even moves"] = moves
    return out


def _mip_again(p: SessionProblem, sessions: list[Session], team: dict[int, list[str]],
               stop: Stop | None, ended: list[str] | None, step: str,
               solve, others: bool = True) -> tuple[list[Session], dict]:  # noqa: ANN001
    """One of the improvement's MIP steps (``solve``: the staffed calendar -> (moved
    sessions or None, whether its clock or the stop ended it)) on a district planned in
    one part (with ``others``, only with doctors or psychologists: the topics' and the
    days-and-topics MIPs change what they give); the moved sessions' teams named by the
    exact flow, kept when the plan's objective strictly falls."""
    from tuoyu.optimizer.sessions import topics

    if mips_too_large(p) or (others and not any(p.pools[d] for d in topics.OTHERS)):
        return sessions, team
    staffed = [s.model_copy(update={"staff_ids": tuple(team[k])}) for k, s in enumerate(sessions)]
    moved, stopped = solve(staffed)
    _by_the_clock(stopped, stop, ended, step)
    if moved is None or stopped:
        return sessions, team
    moved = [s.model_copy(update={"staff_ids": ()}) for s in moved]
    again = best_teams(p, moved)
    if again is None or plan_objective(p, moved, again) >= plan_objective(p, sessions, team):
        return sessions, team
    return moved, again


def plan_objective(p: SessionProblem, sessions: list[Session], team: dict[int, list[str]]) -> int:
    """The plan's objective (``solve.plan_values``) of a fresh plan's sessions and teams."""
    values = {
        **goals.calendar_values(p, sessions),
        **goals.team_goal_values(p, sessions, team),
        **goals.even_year_values(p, [*p.fixed, *sessions]),
    }
    return goals.weighted(p, values, goals.PLAN_GOALS)


def events_value(p: SessionProblem, sessions: list[Session], team: dict[int, list[str]]) -> int:
    """What moving an event occurrence can change in the plan's objective: the teams'
    goals and the events' spread (the center sessions, so the calendar goals and the
    months' shares, stay as they are)."""
    values = {
        **goals.team_goal_values(p, sessions, team),
        "event_spread": goals.event_spread_excess(p, [*p.fixed, *sessions]),
    }
    return goals.weighted(p, values, goals.PLAN_GOALS)


def event_slots(p: SessionProblem, sessions: list[Session], team: dict[int, list[str]], k: int
                ) -> list[int]:
    """The half-days event occurrence ``k`` may move to within its month: per weekday and
    half-day, the first day of the month (not its own, not one its event already has) on
    which people enough of each discipline are free (available, in no other place that
    half-day, under their monthly limit)."""
    s = sessions[k]
    e = next(e for e in p.data.events if e.event_id == s.event_id)
    need = p.event_team(e)
    taken = {x.date for x in sessions if x.event_id == e.event_id}
    busy: set[tuple[str, int]] = set()
    used: Counter = Counter()
    for j, x in enumerate(sessions):
        if j != k:
            for sid in team.get(j, ()):
                busy.add((sid, 2 * p.day(x.date) + x.half))
                used[sid, x.date.month] += 1
    out: dict[tuple[int, int], int] = {}
    for d in p.event_days(e):
        date = p.date(d)
        if date.month != s.date.month or date in taken:
            continue
        for h in (0, 1):
            key = (date.weekday(), h)
            if key in out:
                continue
            if all(
                sum(
                    1
                    for st in p.pools[x]
                    if d in p.available_days[st.staff_id]
                    and (st.staff_id, 2 * d + h) not in busy
                    and used[st.staff_id, date.month] < p.room(st, date.month)
                ) >= n
                for x, n in need.items()
            ):
                out[key] = 2 * d + h
    return [out[key] for key in sorted(out)]


def events_where_people_are_free(
    p: SessionProblem, sessions: list[Session], stop: Stop | None = None,
    clock: Clock | None = None,
) -> list[Session]:
    """Move district-event occurrences within their months to the half-day where the
    plan, its teams named by the exact flow, costs least, when it strictly falls.

    Why: an event's day decides who it takes. An occurrence on a Sunday, when only two
    educators work, takes a center's home lead who is then at the fair share and leaves
    the center's sessions to another lead; on the Saturday before, someone under the
    share would go. The session moves above keep the events where they are (they count
    greedy teams); this step weighs every occurrence's other weekdays and half-days of
    its month (``event_slots``) with the exact teams, for the occurrences that take
    someone a center session would rather have (``people_wanted_elsewhere``) or someone
    above the fair share (``people_above_fair_share``: on another day a person under it
    may be free, a weekend-only one on a working Saturday); not in a
    district planned in parts (``in_parts``). Deterministic: occurrences in plan order,
    candidates in slot order, the first best kept; at most two passes."""
    if not p.data.events or p.previous or in_parts(p):
        return sessions
    team = best_teams(p, sessions)
    if team is None:
        return sessions
    best = events_value(p, sessions, team)
    given = sessions
    for _ in range(2):
        changed = False
        wanted = people_wanted_elsewhere(p, sessions, team)
        wanted |= people_above_fair_share(p, sessions, team)
        for k in [k for k, s in enumerate(sessions) if s.event_id]:
            if _stopped(stop, clock):
                return sessions
            if not wanted & set(team.get(k, ())):
                continue
            choice = None
            mine = tuple(d for d in DISCIPLINES if p.team_of(sessions[k]).get(d))
            for slot in event_slots(p, sessions, team, k):
                moved = list(sessions)
                moved[k] = sessions[k].model_copy(
                    update={"date": p.date(slot // 2), "half": slot % 2}
                )
                t2 = _teams_again(p, moved, team, mine)
                if t2 is None:
                    continue
                v = events_value(p, moved, t2)
                if v < best:
                    best, choice = v, (moved, t2)
            if choice is not None:
                sessions, team = choice
                changed = True
        if not changed:
            break
    if sessions is given:
        return given
    return sorted(sessions, key=lambda s: (s.date, s.half, s.center_id, s.event_id))


def in_parts(p: SessionProblem) -> bool:
    """A district planned street by street (``solve.calendar_groups``): its exact teams
    take seconds per flow, too many for the events' moves (left to the session moves)."""
    return sum(1 for c in p.data.centers if c.sessions_per_year) > p.rules.decompose_above


def mips_too_large(p: SessionProblem) -> bool:
    """A district of more than ``SessionRules.mips_up_to`` centers: the improvement's MIP
    steps (the topics again, the days and topics, a lead's centers together) are left
    out, the session moves alone improve it. Until issue 18's heavy-leave shape every
    district planned in parts was (``in_parts``): there the topics' MIP alone took the
    plan from 342 to 324, and with its doctors' topics moved the reschedule could even a
    center's spacing the months' bands had held (30 -> 0)."""
    return sum(1 for c in p.data.centers if c.sessions_per_year) > p.rules.mips_up_to


def people_wanted_elsewhere(
    p: SessionProblem, sessions: list[Session], team: dict[int, list[str]]
) -> set[str]:
    """The people who would cost a center session less than a member of its discipline it
    has (a nearer trip, its home lead): an event occurrence that takes one of them may
    be worth moving to a half-day they are not needed at (``event_slots``)."""
    w = p.rules.weights
    staff = {st.staff_id: st for st in p.data.staff}
    street = {c.center_id: c.street_id for c in p.data.centers}

    def cost(cid: str, sid: str) -> int:
        st = staff[sid]
        lead = st.discipline == "education" and p.home_lead.get(cid) != sid
        return trip_cost(p, st.street_id, street[cid]) + (w.extra_lead if lead else 0)

    out: set[str] = set()
    for k, s in enumerate(sessions):
        if not s.center_id:
            continue
        for sid in team.get(k, ()):
            paid = cost(s.center_id, sid)
            if paid:
                out.update(x.staff_id for x in p.pools[staff[sid].discipline]
                           if cost(s.center_id, x.staff_id) < paid)
    return out


def people_above_fair_share(
    p: SessionProblem, sessions: list[Session], team: dict[int, list[str]]
) -> set[str]:
    """The people who work more than their discipline's fair share ``ceil(T / n)`` (the
    load goal, ``goals.team_goal_values``): each place of theirs costs ``load``."""
    work = Counter(sid for k in range(len(sessions)) for sid in team.get(k, ()))
    out: set[str] = set()
    for d in DISCIPLINES:
        pool = p.pools[d]
        total = sum(work[st.staff_id] for st in pool)
        if pool and total:
            fair = math.ceil(total / len(pool))
            out.update(st.staff_id for st in pool if work[st.staff_id] > fair)
    return out


def _teams_again(p: SessionProblem, sessions: list[Session], team: dict[int, list[str]],
                 disciplines: tuple[str, ...]) -> dict[int, list[str]] | None:
    """``best_teams`` of ``sessions`` when only places of ``disciplines`` changed: their
    flows solved again, the other disciplines' people kept from ``team`` (each
    discipline's flow is its own, so this is the whole call's answer)."""
    fresh = best_teams(p, sessions, disciplines)
    if fresh is None:
        return None
    disc = {st.staff_id: st.discipline for st in p.data.staff}
    out: dict[int, list[str]] = {}
    for k in sorted(set(team) | set(fresh)):
        kept = [sid for sid in team.get(k, ()) if disc[sid] not in disciplines]
        new = fresh.get(k, [])
        members = [*kept, *new]
        members.sort(key=lambda sid: DISCIPLINES.index(disc[sid]))  # as best_teams orders
        out[k] = members
    return out


def _stopped(stop: Stop | None, clock: Clock | None) -> bool:
    if clock is not None and clock.expired():
        clock.note("polish")
        return True
    return stop is not None and stop.is_set()
