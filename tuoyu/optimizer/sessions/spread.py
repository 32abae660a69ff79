"""The month's sessions spread over its days, at no cost to any goal (issue 18: an even
year, within the month too).

Why: the objective counts months, weekends, spacing, trips and loads, never the day
inside a month. Among the many calendars of equal cost, the solvers' own choice packs a
month into its first days: on the bundled year 41 of January's 44 sessions fell in its
first nine days (19 on 4 January, none from the 13th to the 31st) and 269 of 458 on a
Monday. A planner reads that as a plan nobody looked at: people worked off their feet
one week and idle the next three.

So, once the plan is final, each center session may move to another day **of the same
month**, at the same half-day, on the same side of the weekend, with the same topic and
the same team, when that day holds at least two sessions fewer than its own (district
events and center sessions counted alike). Such a move changes none of the objective's
goals except the center's spacing, and it is kept only when that does not grow; every
hard rule is kept (the center open that day, 28 days from its neighbours, order and
quarters unchanged, every member working that day, free that half-day, within the
month's limit). A center's whole year may also shift by a few days at once
(``_Spread.shift``): its gaps, so its spacing, unchanged, each session in its month and
on its side of the weekend; this is what moves a center whose sessions are just the
ideal gap apart, which no single move can. A district event's occurrence may move
within its month to a day the event may take, none of its others that day, with its
team (``_Spread.move_event``: no goal depends on an event's day within its month). Each
kept change lowers the sum of the squares of the days' counts, so the descent ends. Deterministic: sessions in plan order, a fixed order of days (the
least crowded first, then the nearest to where the session is, then the earlier), no
clock. A re-plan is left alone: there a move needs a cause (the moved goal counts it).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from tuoyu.models.sessions import Session
from tuoyu.optimizer.sessions.polish import PlanState, spacing_of
from tuoyu.optimizer.sessions.problem import SessionProblem

#: passes over the sessions at most (each stops when nothing moved)
PASSES = 8
#: the most days a center's whole year is shifted by (``_Spread.shift``)
SHIFT_DAYS = 21


def day_counts(p: SessionProblem, sessions: list[Session]) -> Counter:
    """Sessions (center sessions and event occurrences) per day of the year."""
    return Counter(p.day(s.date) for s in sessions)


def crowding(counts: Counter) -> int:
    """The sum of the squares of the days' counts: it falls when a session leaves a
    busier day for a day at least two sessions quieter."""
    return sum(n * n for n in counts.values())


class _Spread:
    def __init__(self, p: SessionProblem, sessions: list[Session], team: dict[int, list[str]]):
        self.p = p
        self.st = PlanState(p, list(sessions), {k: list(v) for k, v in team.items()})
        self.counts = day_counts(p, self.st.sessions)
        self.of_center: dict[str, list[int]] = defaultdict(list)
        for k, s in enumerate(self.st.sessions):
            if s.center_id:
                self.of_center[s.center_id].append(k)
        for ks in self.of_center.values():
            ks.sort(key=self.st.slot)
        centers = {c.center_id: c for c in p.data.centers}
        self.open = {cid: frozenset(p.open_days(centers[cid])) for cid in self.of_center}
        self.event_days = {e.event_id: p.event_days(e) for e in p.data.events}

    def event_candidates(self, k: int) -> list[int]:
        """The days an event's occurrence ``k`` may move to without changing any goal:
        its month, a day the event may take (``SessionProblem.event_days``), none of its
        other occurrences that day; quietest first."""
        p, st = self.p, self.st
        s = st.sessions[k]
        day0 = p.day(s.date)
        taken = {p.day(o.date) for o in st.sessions if o.event_id == s.event_id}
        out = [d for d in self.event_days[s.event_id]
               if p.month_of_day[d] == s.date.month and d not in taken
               and self.counts[d] <= self.counts[day0] - 2]
        out.sort(key=lambda d: (self.counts[d], abs(d - day0), d))
        return out

    def move_event(self, k: int) -> bool:
        """Move event occurrence ``k`` to the quietest day it may take with its team (the
        same people, each working and free that half-day); False if none."""
        return self._first_fit(k, self.event_candidates(k))

    def _first_fit(self, k: int, days: list[int], fits=None) -> bool:  # noqa: ANN001
        """Move session ``k`` to the first of ``days`` where ``fits`` (if given) and its
        team is free that half-day; False (it stays) if none."""
        p, st = self.p, self.st
        s = st.sessions[k]
        day0 = p.day(s.date)
        members = st.lift(k)
        for d in days:
            if (fits is None or fits(d)) and all(st.free(sid, 2 * d + s.half) for sid in members):
                st.place(k, s.model_copy(update={"date": p.date(d)}), members)
                self.counts[day0] -= 1
                self.counts[d] += 1
                return True
        st.place(k, s, members)
        return False

    def candidates(self, k: int) -> list[int]:
        """The days session ``k`` may move to without changing any goal but its center's
        spacing, quietest first."""
        p, st = self.p, self.st
        s = st.sessions[k]
        ks = self.of_center[s.center_id]
        i = ks.index(k)
        day0 = p.day(s.date)
        gap = p.rules.min_gap_days
        lo = p.day(st.sessions[ks[i - 1]].date) + gap if i else p.first_day
        hi = p.day(st.sessions[ks[i + 1]].date) - gap if i + 1 < len(ks) else p.n_days - 1
        days = p.month_days(s.date.month)
        weekend = s.date.weekday() >= 5
        out = [
            d for d in days
            if lo <= d <= hi and d != day0 and d in self.open[s.center_id]
            and (p.date(d).weekday() >= 5) == weekend
            and self.counts[d] <= self.counts[day0] - 2
        ]
        out.sort(key=lambda d: (self.counts[d], abs(d - day0), d))
        return out

    def spacing(self, cid: str, k: int, day: int) -> int:
        """The center's spacing goal with session ``k`` on ``day``."""
        p, st = self.p, self.st
        days = [day if j == k else p.day(st.sessions[j].date) for j in self.of_center[cid]]
        return spacing_of(p, days)

    def move(self, k: int) -> bool:
        """Move session ``k`` to the quietest day it may take at no cost; False if none."""
        s = self.st.sessions[k]
        cid = s.center_id
        spacing0 = self.spacing(cid, k, self.p.day(s.date))
        return self._first_fit(k, self.candidates(k),
                               lambda d: self.spacing(cid, k, d) <= spacing0)

    def shift(self, cid: str) -> bool:
        """Shift all of a center's sessions by the same number of days (at most
        ``SHIFT_DAYS``), each staying in its month, on its side of the weekend, on an
        open day its team works and is free: its gaps, so its spacing, stay as they are,
        which a single move cannot do when its sessions are just the ideal gap apart
        (the chain of a center's year, first session in the first days of January). Kept
        when the days it lands on hold fewer sessions in all than the days it leaves (the
        sum of squares then falls); the smallest shift first on ties, earlier before
        later. False if none."""
        p, st = self.p, self.st
        ks = self.of_center[cid]
        old = {k: (st.sessions[k], st.lift(k)) for k in ks}
        days = {k: p.day(st.sessions[k].date) for k in ks}
        for k in ks:
            self.counts[days[k]] -= 1
        best, best_load = 0, sum(self.counts[d] for d in days.values())
        for delta in sorted(range(-SHIFT_DAYS, SHIFT_DAYS + 1), key=lambda x: (abs(x), x)):
            if delta == 0:
                continue
            load = sum(self.counts[d + delta] for d in days.values())
            if load < best_load and self._may_shift(cid, old, days, delta):
                best, best_load = delta, load
        for k in ks:
            s, members = old[k]
            d = days[k] + best
            st.place(k, s.model_copy(update={"date": p.date(d)}) if best else s, members)
            self.counts[d] += 1
        return best != 0

    def _may_shift(self, cid: str, old: dict, days: dict, delta: int) -> bool:
        p, st = self.p, self.st
        for k, day in days.items():
            s, members = old[k]
            d = day + delta
            if not (p.first_day <= d < p.n_days) or d not in self.open[cid]:
                return False
            date = p.date(d)
            if date.month != s.date.month or (date.weekday() >= 5) != (s.date.weekday() >= 5):
                return False
            if not all(st.free(sid, 2 * d + s.half) for sid in members):
                return False
        return True

    def run(self) -> None:
        for _ in range(PASSES):
            moved = False
            for cid in self.of_center:
                if self.shift(cid):
                    moved = True
            for k, s in enumerate(self.st.sessions):
                if self.move(k) if s.center_id else self.move_event(k):
                    moved = True
            if not moved:
                return


def spread_days(
    p: SessionProblem, sessions: list[Session], team: dict[int, list[str]]
) -> tuple[list[Session], dict[int, list[str]]]:
    """The plan with its center sessions spread over their months' days (see the module's
    doc); the same sessions in the same order (only dates change), the same teams. A
    re-plan is returned as it is."""
    if p.previous:
        return sessions, team
    sp = _Spread(p, sessions, team)
    sp.run()
    return sp.st.sessions, sp.st.team
