"""A first calendar built by hand, without a solver: every hard rule kept, teams that
exist by construction, in a second or two on any shape of district.

Why: the calendar model (``calendar.py``) counts staff and learns where they fall short
from the staffing cuts (``cuts.py``), one round at a time. On a district whose staff
live in a few streets and are often on leave, its first calendars overload the few
people there are, round after round, and a short budget ends with no calendar at all,
although one exists. This module places the sessions where the people of each
discipline are actually free, so the search starts from a calendar that can be staffed
(``solve.py`` gives it to the model as a hint and keeps it when the search finds none).

How: the district events first (they take several people at once, on weekends or in
given months), then each center's sessions, hardest centers first (fewest open days,
most sessions). A center's sessions aim at days spread evenly over the rest of the year
(a seeded phase per center, so the district's months stay even) and are placed in
order by a small depth-first search: at least ``min_gap_days`` apart (after the last
kept one too), every required quarter covered, topics never twice in a row and at least
``min_topics`` of them (topics needing education only are tried first: they take
nobody scarce; the topics MIP chooses them again for the whole district later).

Staffing is exact and incremental: per discipline and month, the people already
counted for the placed sessions form a b-matching (a person once per half-day, on days
they work, within their monthly room); a session is placed on a half-day only when an
augmenting path adds its people (Hall's condition, the same as ``cuts.check_staffing``),
so every calendar this returns has teams. Deterministic: fixed orders, seeded hashes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from tuoyu.models.sessions import Center, DistrictEvent, Session
from tuoyu.optimizer.sessions.problem import SessionProblem, sessions_needed

#: depth-first search nodes allowed per center before the construction gives up on it
NODES_PER_CENTER = 4000
#: restarts with the centers that could not be placed moved to the front
RESTARTS = 3


class _Month:
    """The people of one discipline counted for one month's half-days: a b-matching
    grown one place at a time by augmenting paths (exact: a place is added whenever any
    assignment of the month's places exists)."""

    def __init__(self, p: SessionProblem, disc: str, month: int) -> None:
        self.p = p
        pool = p.pools[disc]
        self.room = {s.staff_id: p.room(s, month) for s in pool}
        self.order = [s.staff_id for s in pool if self.room[s.staff_id] > 0]
        self.load: dict[str, int] = defaultdict(int)
        self.at: dict[int, set[str]] = defaultdict(set)  # slot -> people counted there
        self.of: dict[str, set[int]] = defaultdict(set)  # person -> slots
        self._cands: dict[int, list[str]] = {}

    def _candidates(self, slot: int) -> list[str]:
        out = self._cands.get(slot)
        if out is None:
            day = slot // 2
            out = [s for s in self.order if day in self.p.available_days[s]]
            self._cands[slot] = out
        return out

    def add(self, slot: int, log: list) -> bool:
        """One more person at ``slot``; the changes go to ``log`` (for ``undo``)."""
        parent_p: dict[str, int] = {}
        parent_s: dict[int, str] = {}
        seen_slots = {slot}
        queue = [slot]
        for x in queue:
            for sid in self._candidates(x):
                if sid in parent_p or sid in self.at[x]:
                    continue
                parent_p[sid] = x
                if self.load[sid] < self.room[sid]:
                    self._augment(sid, slot, parent_p, parent_s, log)
                    return True
                for y in sorted(self.of[sid]):
                    if y not in seen_slots:
                        seen_slots.add(y)
                        parent_s[y] = sid
                        queue.append(y)
        return False

    def _augment(self, sid: str, root: int, parent_p, parent_s, log: list) -> None:
        self.load[sid] += 1
        log.append((self, "load", sid, 0))
        q = sid
        while True:
            x = parent_p[q]
            self._put(q, x, log)
            if x == root:
                return
            r = parent_s[x]
            self._drop(r, x, log)
            q = r

    def _put(self, sid: str, slot: int, log: list) -> None:
        self.at[slot].add(sid)
        self.of[sid].add(slot)
        log.append((self, "put", sid, slot))

    def _drop(self, sid: str, slot: int, log: list) -> None:
        self.at[slot].discard(sid)
        self.of[sid].discard(slot)
        log.append((self, "drop", sid, slot))


def _undo(log: list, mark: int = 0) -> None:
    while len(log) > mark:
        month, op, sid, slot = log.pop()
        if op == "count":
            month.count[sid] -= 1
        elif op == "load":
            month.load[sid] -= 1
        elif op == "put":
            month.at[slot].discard(sid)
            month.of[sid].discard(slot)
        else:
            month.at[slot].add(sid)
            month.of[sid].add(slot)


class _Staff:
    """Every (discipline, month) b-matching of the district."""

    def __init__(self, p: SessionProblem) -> None:
        self.p = p
        self.months: dict[tuple[str, int], _Month] = {}

    def take(self, slot: int, team: dict[str, int], log: list) -> bool:
        """Count ``team`` (people per discipline) at ``slot``, or change nothing."""
        mark = len(log)
        mo = self.p.month_of_day[slot // 2]
        for disc, k in sorted(team.items()):
            key = (disc, mo)
            if key not in self.months:
                self.months[key] = _Month(self.p, disc, mo)
            for _ in range(k):
                if not self.months[key].add(slot, log):
                    _undo(log, mark)
                    return False
        return True


class _Even:
    """The district's center sessions placed so far per (discipline or "all", month) and
    on weekends, to steer each choice towards the plan's goals: months near their share
    of the year (``goals.month_weights``), the weekend share, the home lead's days."""

    def __init__(self, p: SessionProblem, group: list[Center]) -> None:
        from tuoyu.optimizer.sessions.goals import month_weights

        w = month_weights(p, p.data.centers)
        sw = sum(w.values()) or 1
        self.share = {mo: w.get(mo, 0) / sw for mo in range(1, 13)}
        self.count: dict[object, int] = defaultdict(int)
        self.weekend_share = p.rules.weekend_share

    def fill(self, key: str, mo: int) -> float:
        """One more session of ``key`` in month ``mo``: its month's count against the
        month's share of all placed so far (1: on share; above: too many)."""
        share = self.share.get(mo, 0.0)
        if share <= 0:
            return 10.0
        return (self.count[key, mo] + 1) / ((self.count[key] + 1) * share)

    def weekend_off(self, weekend: bool) -> bool:
        """Whether one more session on a weekend (or not) takes the share further off."""
        below = self.count["weekend"] < self.weekend_share * (self.count["all"] + 1)
        return weekend != below

    def add(self, keys: list[str], mo: int, weekend: bool, log: list) -> None:
        for k in [*keys, *((k, mo) for k in keys), *(["weekend"] if weekend else [])]:
            self.count[k] += 1
            log.append((self, "count", k, 0))


def _spread(items: list[int], count: int, phase: float = 0.5) -> list[int]:
    """``count`` positions spread evenly over ``items`` (sorted), at ``phase`` of each
    share."""
    n = len(items)
    return [items[min(n - 1, int((j + phase) * n / count))] for j in range(count)]


def _place_events(p: SessionProblem, staff: _Staff, events: Iterable[DistrictEvent],
                  log: list) -> list[Session] | None:
    """Each event its number of times on its days, different days (the model's order:
    each occurrence at least two half-days after the one before), spread over its
    days, with its team counted."""
    out: list[Session] = []
    todo = []
    for e in events:
        done = sum(1 for s in p.fixed if s.event_id == e.event_id)
        n = max(0, e.count - done)
        if n:
            todo.append((e, n, p.event_days(e)))
    todo.sort(key=lambda x: (len(x[2]) / x[1], x[0].event_id))
    for e, n, days in todo:
        if not days:
            return None
        team = p.event_team(e)
        slots: list[int] = []
        for target in _spread(days, n):
            months = {p.month_of_day[s // 2] for s in slots}
            cands = sorted(
                (2 * d + h for d in days for h in (0, 1)),
                key=lambda s: (p.month_of_day[s // 2] in months, abs(s // 2 - target), s),
            )
            for s in cands:
                if any(abs(s - t) < 2 or s // 2 == t // 2 for t in slots):
                    continue
                if staff.take(s, team, log):
                    slots.append(s)
                    break
            else:
                return None
        slots.sort()
        if any(b - a < 2 for a, b in zip(slots, slots[1:], strict=False)):
            return None
        out += [Session(date=p.date(s // 2), half=s % 2, event_id=e.event_id) for s in slots]
    return out


class _Center:
    """The search for one center's sessions."""

    def __init__(self, p: SessionProblem, staff: _Staff, even: _Even, c: Center,
                 log: list) -> None:
        self.p, self.staff, self.even, self.c, self.log = p, staff, even, c, log
        lead = p.home_lead.get(c.center_id)
        self.lead_days = p.available_days.get(lead, frozenset()) if lead else frozenset()
        fixed = p.fixed_of(c)
        self.n = sessions_needed(p, c, fixed)
        self.days = p.open_days(c)
        gap = p.rules.min_gap_days
        self.gap = gap
        last = max((p.day(s.date) for s in fixed), default=None)
        self.after = -10**6 if last is None else last + gap
        self.quarters: set[int] = set()
        if p.rules.every_quarter and c.sessions_per_year >= 4:
            covered = {(s.date.month - 1) // 3 for s in fixed}
            self.quarters = {q for q in range((p.start.month - 1) // 3, 4) if q not in covered}
        topics = p.data.topics
        self.prev_topic = next(
            (p.topic_index[s.topic_id] for s in reversed(fixed) if s.topic_id in p.topic_index),
            None,
        )
        self.have = {p.topic_index[s.topic_id] for s in fixed if s.topic_id in p.topic_index}
        self.need_topics = min(p.rules.min_topics, c.sessions_per_year, len(topics))
        rot = p.priority("first-topics", c.center_id) % max(1, len(topics))
        # topics taking nobody scarce first, then rotated (the district's topics vary)
        self.topic_order = sorted(
            range(len(topics)),
            key=lambda k: (len(set(topics[k].disciplines) - {"education"}),
                           (k - rot) % len(topics)),
        )
        self.teams = [p.team_of(Session(date=p.jan1, half=0, center_id=c.center_id,
                                        topic_id=t.topic_id)) for t in topics]
        self.extra = [sorted(set(t) - {"education"}) for t in self.teams]
        self.nodes = 0

    def _targets(self) -> list[int]:
        usable = [d for d in self.days if d >= self.after]
        if not usable:
            return []
        phase = (self.p.priority("first-phase", self.c.center_id) % 1000) / 1000
        lo, hi = usable[0], usable[-1]
        span = hi - lo + 1
        return [lo + int((i + phase) * span / self.n) for i in range(self.n)]

    def place(self) -> list[Session] | None:
        if not self.n:
            return []
        usable = [d for d in self.days if d >= self.after]
        if not usable:
            return None
        # latest[i]: the latest day session i may take so that the rest still fit
        latest = [0] * self.n
        bound = usable[-1]
        for i in range(self.n - 1, -1, -1):
            fit = [d for d in usable if d <= bound]
            if not fit:
                return None
            latest[i] = fit[-1]
            bound = fit[-1] - self.gap
        self.latest, self.usable, self.target = latest, usable, self._targets()
        chosen: list[tuple[int, int]] = []
        if self._search(0, self.after, set(), chosen):
            return [Session(date=self.p.date(s // 2), half=s % 2, center_id=self.c.center_id,
                            topic_id=self.p.data.topics[k].topic_id) for s, k in chosen]
        return None

    def _search(self, i: int, earliest: int, quarters: set[int], chosen: list) -> bool:
        if i == self.n:
            return self.quarters <= quarters and len(self.have | {k for _, k in chosen}) >= \
                self.need_topics
        t = self.target[i]
        days = [d for d in self.usable if earliest <= d <= self.latest[i]]
        days.sort(key=lambda d: (self._day_cost(d, t), d))
        left = self.n - i  # this one included
        for d in days:
            q = (self.p.month_of_day[d] - 1) // 3
            # quarters before this one that are still open are lost for good
            if any(x < q for x in self.quarters - quarters):
                continue
            later = {x for x in self.quarters - quarters if x > q}
            if len(later) > left - 1:
                continue
            mo = self.p.month_of_day[d]
            for slot in (2 * d, 2 * d + 1):
                for k in self._topics(i, chosen, left, mo):
                    self.nodes += 1
                    if self.nodes > NODES_PER_CENTER:
                        return False
                    mark = len(self.log)
                    if not self.staff.take(slot, self.teams[k], self.log):
                        continue
                    chosen.append((slot, k))
                    self.even.add(["all", *self.extra[k]], mo, self.p.date(d).weekday() >= 5,
                                  self.log)
                    if self._search(i + 1, d + self.gap, quarters | {q}, chosen):
                        return True
                    chosen.pop()
                    _undo(self.log, mark)
            if self.nodes > NODES_PER_CENTER:
                return False
        return False

    def _day_cost(self, d: int, target: int) -> float:
        """How far a day takes the center and the district from the goals: weeks from the
        center's even spread, its month's fill, the weekend share, the home lead off."""
        ev = self.even
        return (abs(d - target) / 7 + 3 * ev.fill("all", self.p.month_of_day[d])
                + 2 * ev.weekend_off(self.p.date(d).weekday() >= 5)
                + 2 * (bool(self.lead_days) and d not in self.lead_days))

    def _topics(self, i: int, chosen: list, left: int, mo: int) -> list[int]:
        prev = chosen[-1][1] if chosen else self.prev_topic
        used = self.have | {k for _, k in chosen}
        must_new = self.need_topics - len(used) >= left
        out = [k for k in self.topic_order if k != prev and (k not in used or not must_new)]
        rank = {k: j for j, k in enumerate(self.topic_order)}

        def cost(k: int) -> tuple:
            # a doctor's or psychologist's topic where their month is short of its share,
            # else education alone; new topics first while some are still needed
            if not self.extra[k]:
                kind = 1
            else:
                kind = 0 if max(self.even.fill(x, mo) for x in self.extra[k]) < 1.0 else 2
            return (kind, (k in used) if len(used) < self.need_topics else 0, rank[k])

        return sorted(out, key=cost)


def first_calendar(
    p: SessionProblem,
    centers: list[Center] | None = None,
    with_events: bool = True,
    before: Iterable[Session] = (),
) -> list[Session] | None:
    """A calendar of ``centers`` (all by default) and the events that keeps every hard
    rule and can be staffed together with ``before`` (sessions of earlier parts), or
    None when the construction finds none (which proves nothing: the model decides)."""
    group = list(p.data.centers if centers is None else centers)
    group.sort(key=lambda c: (len(p.open_days(c)), -c.sessions_per_year,
                              p.priority("first-order", c.center_id)))
    for _ in range(RESTARTS + 1):
        out, failed = _attempt(p, group, with_events, list(before))
        if out is not None:
            return out
        if not failed:
            return None
        group = [c for c in group if c.center_id in failed] + [
            c for c in group if c.center_id not in failed]
    return None


def _attempt(p: SessionProblem, group: list[Center], with_events: bool,
             before: list[Session]) -> tuple[list[Session] | None, list[str]]:
    """One construction, centers in ``group``'s order: the calendar, or the centers it
    could not place."""
    staff = _Staff(p)
    even = _Even(p, group)
    log: list = []
    for s in before:
        if not staff.take(2 * p.day(s.date) + s.half, p.team_of(s), log):
            return None, []
    events = _place_events(p, staff, p.data.events if with_events else (), log)
    if events is None:
        return None, []
    out = list(events)
    failed = []
    for c in group:
        placed = _Center(p, staff, even, c, log).place()
        if placed is None:
            failed.append(c.center_id)
            continue
        out += placed
    return (None, failed) if failed else (out, [])
