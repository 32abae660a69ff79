"""The days, topics and places of every center session chosen again at once, near where
they are: a MIP (HiGHS), a step of the local improvement (issue 18).

Why: on the held-out districts what the plan pays above the bound is the doctors' and
psychologists' trips; the relaxation with every column integer sends more sessions to
a near doctor on other days (held-out seed 11: 32 doctors' and 7 psychologists' sessions
against the plan's 28 and 10). Reaching it changes several centers' topics and days
together — a session gets a doctor's topic on a day its near doctor is free, another
center's session leaves that half-day or month, an educator follows, the doctors' year
total and its months' bands move with them — which no move of the local improvement
does (one session, one center's topics, one center's days), nor the topics' MIP
(``topics.py``: half-days kept).

The model (``polish._shift_again``):

- each center session keeps its order and quarter; it takes one half-day of its
  *window*: the open days within ``WINDOW`` days of its own, in its quarter;
- one *kind* of topic per session as in ``topics.TopicMip`` (``topics_vary``: a kind of
  one topic never twice in a row, at least ``min_topics`` different topics);
- per session an educator, and a doctor (a psychologist) when its kind needs one, on the
  chosen half-day: available that day (the people not far from the center, its own and
  its home lead; every one for a district event, whose half-day is kept), one place per
  half-day, the monthly limits;
- its cost is every part of the plan's objective the move changes: the trips, the
  other lead (``extra_lead``), the load above ``ceil(T / n)`` per discipline, the
  months' bands of all three disciplines (``T`` of the doctors and psychologists a
  variable, taken in two steps: ``shift_days_and_topics``), the 28-day gaps' shortfall
  of an even spread, and the weekend share. The quarters and the events' days do not
  change.

The sessions are then staffed by the exact flow (``flow.best_teams``) and the move is
kept only when the plan's objective, counted on its rows, strictly falls; every hard
rule holds by construction and the flow's teams exist (else the move is dropped). The
MIPs end on their own or at their work limit, nodes of the branch and bound derived from
the plan's work budget (``solve.mip_nodes``, scaled by the model's size in the
improvement: ``bound.SizedNodes``; deterministic: HiGHS's branch and bound, fixed
orders); the wall clock is only their far safety net (``solve._Run.wall_left``), as
for the topics' MIP. A fresh plan of one part only (as ``topics.py``).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict

from tuoyu.models.sessions import Session
from tuoyu.optimizer.sessions import goals
from tuoyu.optimizer.sessions.bound import Lp
from tuoyu.optimizer.sessions.flow import trip_cost
from tuoyu.optimizer.sessions.problem import SessionProblem
from tuoyu.optimizer.sessions.topics import OTHERS, kinds_of_topic, load_above_fair_share

#: days a session may move either way (within its quarter)
WINDOW = 4
#: the MIPs started from the plan (the first) and the first's solution (the second)
START = True
#: the smaller windows tried, in turn, when a part's model is larger than ``MAX_COLUMNS``
SMALLER = (2, 1, 0)
#: columns of the largest model solved (held-out districts of 18 centers: about 10k); a
#: district whose model is larger is moved in parts (``parts``)
MAX_COLUMNS = 20_000
#: the parts' columns in all per node of the MIPs' work limit (``solve.mip_nodes``: 50
#: nodes per second of the budget): 120k at ``--time-limit 60`` (东滩区: 6 of its 8
#: parts), 20k at 10 (one part)
PART_COLUMNS_PER_NODE = 40


class ShiftMip:
    """The model over a staffed calendar (``sessions``, people as in ``staff_ids``)."""

    def __init__(self, p: SessionProblem, sessions: list[Session], window: int | None = None,
                 part: frozenset[str] | None = None, events: bool = True) -> None:
        self.p, self.sessions = p, sessions
        self.window = WINDOW if window is None else window
        #: the district events' occurrences move too, each within its month
        #: (``event_slots``); a model of a part keeps them where they are
        self.events_move = events and part is None
        #: the centers whose sessions move (None: all); the others' sessions are kept
        #: with their half-day, topic and people (``kept``), counted as they are
        self.part = part
        self.lp = Lp()
        self.kinds = kinds_of_topic(p)
        self.disc = {st.staff_id: st.discipline for st in p.data.staff}
        self.staff = {st.staff_id: st for st in p.data.staff}
        self.centers = {c.center_id: c for c in p.data.centers}
        self.event_of = {e.event_id: e for e in p.data.events}
        self.by_center: dict[str, list[int]] = defaultdict(list)
        for k, s in enumerate(sessions):
            if s.center_id:
                self.by_center[s.center_id].append(k)
        for ks in self.by_center.values():
            ks.sort(key=lambda k: (sessions[k].date, sessions[k].half))
        #: center session -> half-day -> column
        self.at: dict[int, dict[int, int]] = {}
        #: center session -> kind -> column
        self.kind: dict[int, dict[frozenset[str], int]] = {}
        #: (session, half-day, person of a doctor's or psychologist's place) -> column
        self.place: dict[tuple[int, int, str], int] = {}
        self.mw = goals.month_weights(p, p.data.centers)

    def kept(self, k: int) -> bool:
        """A center session outside the part, or a district event's occurrence when the
        model is of a part: its half-day, kind and people fixed."""
        cid = self.sessions[k].center_id
        return self.part is not None and cid not in self.part

    def event_kept(self, k: int) -> bool:
        """A district event's occurrence whose half-day stays (its people may change)."""
        return not self.events_move or self.kept(k)

    def moving(self) -> dict[str, list[int]]:
        """The part's centers and their sessions (in order)."""
        return {c: ks for c, ks in self.by_center.items()
                if self.part is None or c in self.part}

    # -- the half-days ------------------------------------------------------------------
    def slots_of(self, k: int) -> list[int]:
        """Session ``k``'s window (its own half-day first among equals: slot order); a
        kept session's own half-day."""
        p, s = self.p, self.sessions[k]
        d0 = p.day(s.date)
        if self.kept(k):
            return [2 * d0 + s.half]
        q0 = (s.date.month - 1) // 3
        open_days = self.open_days(s.center_id)
        out = []
        for d in range(max(p.first_day, d0 - self.window), min(p.n_days, d0 + self.window + 1)):
            if d not in open_days or (p.month_of_day[d] - 1) // 3 != q0:
                continue
            out += [2 * d, 2 * d + 1]
        slot0 = 2 * d0 + s.half
        if slot0 not in out:  # the plan's own half-day is always a choice
            out = sorted([*out, slot0])
        return out

    def open_days(self, cid: str) -> frozenset[int]:
        if not hasattr(self, "_open"):
            self._open: dict[str, frozenset[int]] = {}
        if cid not in self._open:
            self._open[cid] = frozenset(self.p.open_days(self.centers[cid]))
        return self._open[cid]

    def event_slots(self, k: int) -> list[int]:
        """Event occurrence ``k``'s half-days: its own, or when the events move every
        half-day of its event's days (its months, weekend or working day, no holiday) in
        its own month: the events' spread over the months stays as it is."""
        p, s = self.p, self.sessions[k]
        own = 2 * p.day(s.date) + s.half
        if self.event_kept(k):
            return [own]
        e = self.event_of[s.event_id]
        out = [2 * d + h for d in p.event_days(e) if p.month_of_day[d] == s.date.month
               for h in (0, 1)]
        return out if own in out else sorted([*out, own])

    def occurrences(self) -> list[int]:
        """The district events' occurrences (indices of ``sessions``)."""
        return [k for k, s in enumerate(self.sessions) if not s.center_id]

    def one_half_day_per_session(self) -> None:
        for ks in self.by_center.values():
            for k in ks:
                self.at[k] = {h: self.lp.col(0, 0, 1, True) for h in self.slots_of(k)}
                self.lp.row([(j, 1.0) for j in self.at[k].values()], 1, 1)
        on_day: dict[tuple[str, int], list[tuple[int, float]]] = defaultdict(list)
        for k in self.occurrences():
            self.at[k] = {h: self.lp.col(0, 0, 1, True) for h in self.event_slots(k)}
            self.lp.row([(j, 1.0) for j in self.at[k].values()], 1, 1)
            for h, j in self.at[k].items():
                on_day[self.sessions[k].event_id, h // 2].append((j, 1.0))
        for terms in on_day.values():  # an event's occurrences on different days
            if len(terms) > 1:
                self.lp.row(terms, -math.inf, 1)

    def day_of(self, k: int) -> list[tuple[int, float]]:
        return [(j, float(h // 2)) for h, j in self.at[k].items()]

    def gaps_kept_and_even(self) -> None:
        """Sessions in order at least ``min_gap_days`` apart; each gap's shortfall of an
        even spread (``goals.calendar_values``: a fresh plan) at ``spacing`` a day."""
        p, lp = self.p, self.lp
        w = p.rules.weights.spacing
        for ks in self.moving().values():  # a kept center's gaps are as they are
            if len(ks) < 2:
                continue
            ideal = min((p.n_days - p.first_day) // len(ks), 120)
            for a, b in zip(ks, ks[1:], strict=False):
                diff = [*self.day_of(b), *((j, -v) for j, v in self.day_of(a))]
                lp.row(diff, p.rules.min_gap_days, math.inf)
                short = lp.col(w, 0, math.inf)
                lp.row([(short, 1.0), *diff], ideal, math.inf)

    def weekend_share(self) -> None:
        """``weekend`` per center session off the weekend target (as the plan counts it)."""
        p, lp = self.p, self.lp
        n = sum(len(ks) for ks in self.by_center.values())
        target = round(p.rules.weekend_share * n)
        on = [(j, 1.0) for ks in self.by_center.values() for k in ks
              for h, j in self.at[k].items() if p.date(h // 2).weekday() >= 5]
        dev = lp.col(p.rules.weights.weekend, 0, math.inf)
        lp.row([(dev, 1.0), *((j, -v) for j, v in on)], -target, math.inf)
        lp.row([(dev, 1.0), *on], target, math.inf)

    # -- the topics ---------------------------------------------------------------------
    def kinds_of(self, k: int) -> list[frozenset[str]]:
        """The kinds session ``k`` may take: all; a kept session its own."""
        if self.kept(k):
            return [frozenset(self.p.team_of(self.sessions[k])) - {"education"}]
        return list(self.kinds)

    def one_kind_per_session(self) -> None:
        for ks in self.by_center.values():
            for k in ks:
                self.kind[k] = {c: self.lp.col(0, 0, 1, True) for c in self.kinds_of(k)}
                self.lp.row([(j, 1.0) for j in self.kind[k].values()], 1, 1)

    def topics_vary(self) -> None:
        """A kind of one topic never twice in a row; ``min_topics`` different topics (the
        sessions keep their order)."""
        p, lp = self.p, self.lp
        for cid, ks in self.moving().items():  # a kept center's topics are as they are
            for c, js in self.kinds.items():
                if len(js) == 1:
                    for a, b in zip(ks, ks[1:], strict=False):
                        lp.row([(self.kind[a][c], 1.0), (self.kind[b][c], 1.0)], -math.inf, 1)
            need = min(p.rules.min_topics, self.centers[cid].sessions_per_year,
                       len(p.data.topics), len(ks))
            distinct = []
            for c, js in self.kinds.items():
                v = lp.col(0, 0, len(js), True)
                lp.row([(v, 1.0), *((self.kind[k][c], -1.0) for k in ks)], -math.inf, 0)
                distinct.append((v, 1.0))
            lp.row(distinct, need, math.inf)

    # -- the doctors' and psychologists' places -------------------------------------------
    def candidates(self, k: int, d: str, day: int) -> list[str]:
        """People of ``d`` who may fill session ``k``'s place on ``day``: available; for a
        center session the ones not far from it and its own; for a kept session (or
        event occurrence, ``kept``) its own."""
        p, s = self.p, self.sessions[k]
        if self.kept(k):
            return [sid for sid in s.staff_ids if self.disc[sid] == d]
        out = []
        for st in p.pools[d]:
            if day not in p.available_days[st.staff_id]:
                continue
            far = s.center_id and trip_cost(
                p, st.street_id, self.centers[s.center_id].street_id) >= p.rules.weights.far
            if far and st.staff_id not in s.staff_ids and (
                    st.staff_id != p.home_lead.get(s.center_id)):
                continue
            out.append(st.staff_id)
        return out

    def places_filled(self, d: str) -> tuple[dict[str, list[int]], dict[int, list[tuple[int, float]]]]:
        """Each place of ``d`` filled on its session's half-day by someone free; one place
        per half-day, the monthly limits. Returns each person's columns and, per month,
        the center sessions' places of ``d`` (their count)."""
        p, lp = self.p, self.lp
        per_slot: dict[tuple[str, int], list[int]] = defaultdict(list)
        per_month: dict[tuple[str, int], list[int]] = defaultdict(list)
        mine: dict[str, list[int]] = defaultdict(list)
        count: dict[int, list[tuple[int, float]]] = defaultdict(list)
        street = {c.center_id: c.street_id for c in p.data.centers}
        for k, s in enumerate(self.sessions):
            slots = self.at[k]
            if s.center_id:
                need = [(j, -1.0) for c, j in self.kind[k].items() if d in c]
                n = 0
                if d == "education":
                    need, n = [], 1
            else:
                n = p.team_of(s).get(d, 0)
                if not n:
                    continue
                need = []
            cols = []
            for h, y in slots.items():
                mo = p.month_of_day[h // 2]
                here = []
                for sid in self.candidates(k, d, h // 2):
                    st = self.staff[sid]
                    cost = trip_cost(p, st.street_id, street[s.center_id]) if s.center_id else 0
                    if s.center_id and d == "education" and sid != p.home_lead.get(s.center_id):
                        cost += p.rules.weights.extra_lead
                    j = lp.col(cost, 0, 1, True)
                    self.place[k, h, sid] = j
                    here.append((j, 1.0))
                    per_slot[sid, h].append(j)
                    per_month[sid, mo].append(j)
                    mine[sid].append(j)
                    if s.center_id and d != "education":
                        count[mo].append((j, 1.0))
                if here:  # places only on the half-day taken (an event's: its team)
                    lp.row([*here, (y, -float(1 if s.center_id else n))], -math.inf, 0)
                cols += here
            lp.row([*cols, *need], n, n)
        for js in per_slot.values():
            if len(js) > 1:
                lp.row([(j, 1.0) for j in js], -math.inf, 1)
        for (sid, mo), js in per_month.items():
            room = p.room(self.staff[sid], mo)
            if len(js) > room:
                lp.row([(j, 1.0) for j in js], -math.inf, room)
        return mine, count

    def load_above_fair_share(self, d: str, mine: dict[str, list[int]]) -> None:
        load_above_fair_share(self.lp, self.p, d, mine)

    # -- the months' bands ----------------------------------------------------------------
    def months_of_a_variable_total(self, count: dict[int, list[tuple[int, float]]]) -> None:
        """Per month the sessions of ``count`` beyond ``[floor(a (1-b) T), ceil(a (1+b) T)]``
        with ``T`` their total, a variable (as ``topics.TopicMip.months_near_their_share``)."""
        p, lp = self.p, self.lp
        sw = sum(self.mw.values())
        if not sw:
            return
        bn = round(100 * p.rules.month_band)
        big = 100 * sw
        top = sum(len(v) for v in count.values())
        total = lp.col(0, 0, top, True)
        lp.row([(total, 1.0), *((j, -1.0) for v in count.values() for j, _ in v)], 0, 0)
        w = p.rules.weights.month_share
        for mo, wm in self.mw.items():
            a_hi, a_lo = (100 + bn) * wm / big, (100 - bn) * wm / big
            hi, lo = lp.col(0, 0, top, True), lp.col(0, 0, top, True)
            lp.row([(hi, 1.0), (total, -a_hi)], 0, 1 - 1 / big)
            lp.row([(lo, 1.0), (total, -a_lo)], -1 + 1 / big, 0)
            over, under = lp.col(w, 0, math.inf), lp.col(w, 0, math.inf)
            lp.row([(over, 1.0), (hi, 1.0), *((j, -1.0) for j, _ in count[mo])], 0, math.inf)
            lp.row([(under, 1.0), (lo, -1.0), *count[mo]], 0, math.inf)

    def months_of_all_sessions(self) -> None:
        """Per month the center sessions (education: all of them, their total fixed)
        beyond ``goals.month_band``."""
        p = self.p
        sw = sum(self.mw.values())
        if not sw:
            return
        count: dict[int, list[tuple[int, float]]] = defaultdict(list)
        centers = [k for ks in self.by_center.values() for k in ks]
        for k in centers:
            for h, j in self.at[k].items():
                count[p.month_of_day[h // 2]].append((j, 1.0))
        total = len(centers)
        w = p.rules.weights.month_share
        for mo, wm in self.mw.items():
            self._outside_band(count[mo], *goals.month_band(p, total, wm, sw), w)

    def _outside_band(self, cols: list[tuple[int, float]], lo: int, hi: int,
                      w: float) -> None:
        """A month's sessions (``cols``) beyond ``[lo, hi]``, each one at weight ``w``."""
        lp = self.lp
        over, under = lp.col(w, 0, math.inf), lp.col(w, 0, math.inf)
        lp.row([(over, 1.0), *((j, -1.0) for j, _ in cols)], -hi, math.inf)
        lp.row([(under, 1.0), *cols], lo, math.inf)

    def months_at_total(self, count: dict[int, list[tuple[int, float]]], total: int) -> None:
        """The months' bands of ``count`` with its total fixed at ``total`` (a row): the
        bands are then numbers, ``goals.month_band`` as the plan counts them."""
        p, lp = self.p, self.lp
        sw = sum(self.mw.values())
        if not sw:
            return
        lp.row([(j, 1.0) for v in count.values() for j, _ in v], total, total)
        w = p.rules.weights.month_share
        for mo, wm in self.mw.items():
            self._outside_band(count[mo], *goals.month_band(p, total, wm, sw), w)

    def columns(self, totals: dict[str, int] | None | bool = True) -> int:
        """The columns ``build(totals)`` makes, counted from the same half-days, kinds
        and people without building the model (a model too large is never built)."""
        p = self.p
        centers = {k for ks in self.by_center.values() for k in ks}
        slots = {k: self.slots_of(k) for k in centers}
        months = len(self.mw) if sum(self.mw.values()) else 0
        slots.update({k: self.event_slots(k) for k in self.occurrences()})
        n = sum(len(h) for h in slots.values()) + 1  # the half-days, the weekend share
        n += sum(len(ks) - 1 for ks in self.moving().values() if len(ks) > 1)  # the gaps
        n += sum(len(self.kinds_of(k)) for k in centers)
        n += len(self.moving()) * len(self.kinds) + 2 * months  # distinct topics, months
        for d in ("education", *OTHERS):
            people: set[str] = set()
            for k, s in enumerate(self.sessions):
                if s.center_id or p.team_of(s).get(d, 0):
                    days = [h // 2 for h in slots[k]]
                else:
                    continue
                for day in days:
                    here = self.candidates(k, d, day)
                    n += len(here)
                    people.update(here)
            if p.pools[d] and people:
                n += 1 + len(people)  # the fair share, each one's load above it
            if p.pools[d] and d != "education" and months:
                n += 1 + 4 * months if totals is True else 2 * months if totals else 0
        return n

    def build(self, totals: dict[str, int] | None | bool = True) -> ShiftMip:
        """The model. ``totals``: True, the doctors' and psychologists' months' bands of
        a variable total; False, without them (a relaxation); a dict, at those totals (a
        restriction)."""
        self.one_half_day_per_session()
        self.gaps_kept_and_even()
        self.weekend_share()
        self.one_kind_per_session()
        self.topics_vary()
        self.months_of_all_sessions()
        self.count: dict[str, dict[int, list[tuple[int, float]]]] = {}
        for d in ("education", *OTHERS):  # nobody of a discipline: no topic needing it
            mine, count = self.places_filled(d)
            self.count[d] = count
            if self.p.pools[d]:
                self.load_above_fair_share(d, mine)
                if d == "education":
                    continue
                if totals is True:
                    self.months_of_a_variable_total(count)
                elif isinstance(totals, dict):
                    self.months_at_total(count, totals[d])
        return self

    def start(self, sessions: list[Session]) -> dict[int, float]:
        """The half-day, kind and doctors' and psychologists' columns of a staffed
        calendar of the same sessions (a MIP start: the rest follows from them)."""
        p, out = self.p, {}
        for k, s in enumerate(sessions):
            h = 2 * p.day(s.date) + s.half
            for h2, j in self.at[k].items():
                out[j] = float(h2 == h)
            if k in self.kind:
                need = frozenset(p.team_of(s)) - {"education"}
                for c, j in self.kind[k].items():
                    out[j] = float(c == need)
            for sid in s.staff_ids:
                if (k, h, sid) in self.place:
                    out[self.place[k, h, sid]] = 1.0
        return out

    def chosen(self, x: list[float]) -> list[Session]:
        """The solution's half-days, kinds and places as a staffed calendar (for
        ``start``)."""
        out = self.calendar(x)
        people: dict[int, list[str]] = defaultdict(list)
        for (k, _, sid), j in self.place.items():
            if x[j] > 0.5:
                people[k].append(sid)
        return [s.model_copy(update={"staff_ids": tuple(people[k])}) for k, s in enumerate(out)]

    def total_needing(self, x: list[float], d: str) -> int:
        return round(sum(x[j] for v in self.count[d].values() for j, _ in v))

    def calendar(self, x: list[float]) -> list[Session]:
        """The sessions on the solution's half-days with its kinds (each center's topics of
        a kind taken in turn, as ``topics.TopicMip.topics``), teams left to the flow."""
        p = self.p
        out = [s.model_copy(update={"staff_ids": ()}) for s in self.sessions]
        topics = p.data.topics
        for ks in self.moving().values():  # a kept center's sessions as they are
            turn: dict[frozenset[str], int] = defaultdict(int)
            for k in ks:
                h = max(self.at[k], key=lambda h: x[self.at[k][h]])
                c = max(self.kinds, key=lambda c: x[self.kind[k][c]])
                js = self.kinds[c]
                j = js[turn[c] % len(js)]
                turn[c] += 1
                out[k] = out[k].model_copy(update={
                    "date": p.date(h // 2), "half": h % 2, "topic_id": topics[j].topic_id})
        for k in self.occurrences():
            h = max(self.at[k], key=lambda h: x[self.at[k][h]])
            out[k] = out[k].model_copy(update={"date": p.date(h // 2), "half": h % 2})
        return out


def parts(p: SessionProblem, sessions: list[Session], most: int | None = None
          ) -> list[frozenset[str] | None]:
    """The parts the move runs over, in turn: ``[None]`` (the whole district) when its
    model at ``WINDOW`` days has at most ``MAX_COLUMNS`` columns; else the centers street
    by street (a street's centers share the people near them), packed in order into
    parts whose models fit: each center's columns counted from the whole model's
    half-days, kinds and people, the kept sessions' own counted once (a center larger
    than a part alone is a part of its own: its window then shrinks,
    ``shift_days_and_topics``). The parts run where the plan pays most above what its
    places could cost first (``above_cheapest``; ties in street order), so a budget
    that holds only some does not leave the last streets out for their order. ``most``:
    the parts' columns in all (the work budget's share, ``PART_COLUMNS_PER_NODE``): the
    first parts within it, at least one."""
    whole = ShiftMip(p, sessions, events=False)  # the smallest model of the whole
    if whole.columns(False) <= MAX_COLUMNS:
        return [None]
    base = ShiftMip(p, sessions, part=frozenset()).columns(False)
    street = {c.center_id: c.street_id for c in p.data.centers}
    size: dict[str, int] = {}
    for cid, ks in whole.by_center.items():
        n = 0
        for k in ks:
            slots = whole.slots_of(k)
            n += len(slots) + len(whole.kinds) + 1
            n += sum(len(whole.candidates(k, d, h // 2)) for d in ("education", *OTHERS)
                     for h in slots)
        size[cid] = n
    out: list[frozenset[str] | None] = []
    now: list[str] = []
    for cid in sorted(size, key=lambda c: (street[c], c)):
        if now and base + sum(size[c] for c in now) + size[cid] > MAX_COLUMNS:
            out.append(frozenset(now))
            now = []
        now.append(cid)
    if now:
        out.append(frozenset(now))
    above = {part: above_cheapest(p, sessions, part) for part in out}
    out = sorted(out, key=lambda part: -above[part])  # stable: ties in street order
    if most is None:
        return out
    kept: list[frozenset[str] | None] = []
    used = 0
    for part in out:
        used += base + sum(size[c] for c in part or ())
        if kept and used > most:
            break
        kept.append(part)
    return kept


def above_cheapest(p: SessionProblem, sessions: list[Session], centers: frozenset[str]
                   ) -> int:
    """What the staffed ``sessions`` of ``centers`` pay for their people above the
    cheapest person of each place's discipline for that center, whatever the day (the
    trip; for an educator other than the home lead, ``extra_lead``): the room a move of
    those centers has to gain on the teams."""
    w = p.rules.weights
    staff = {st.staff_id: st for st in p.data.staff}
    street = {c.center_id: c.street_id for c in p.data.centers}

    def cost(cid: str, st) -> int:  # noqa: ANN001
        lead = st.discipline == "education" and st.staff_id != p.home_lead.get(cid)
        return trip_cost(p, st.street_id, street[cid]) + (w.extra_lead if lead else 0)

    out = 0
    cheapest: dict[tuple[str, str], int] = {}
    for s in sessions:
        if s.center_id not in centers:
            continue
        for sid in s.staff_ids:
            st = staff[sid]
            key = (s.center_id, st.discipline)
            if key not in cheapest:
                cheapest[key] = min(cost(s.center_id, x) for x in p.pools[st.discipline])
            out += cost(s.center_id, st) - cheapest[key]
    return out


def shift_days_and_topics(
    p: SessionProblem, sessions: list[Session], time_limit: float, stop=None,
    nodes: int | None = None, part: frozenset[str] | None = None, events: bool = False,
) -> tuple[list[Session] | None, bool]:
    """The staffed calendar's center sessions on the model's half-days with its topics
    (teams cleared: the caller names them with the exact flow), or None when the MIP gives
    no solution; and whether the wall clock or the stop token ended a MIP. ``part``: the
    centers whose sessions move (``parts``), the others kept as they are (None: all).

    In two steps, as ``topics.topics_in_steps`` (the months' bands of a variable total
    make the one model 3-8 times slower on the held-out districts, for the same optimum
    there): the model without the doctors' and psychologists' months' bands (a
    relaxation), then with their totals fixed at its solution's (a restriction, so a
    solution of the whole model). The window is ``WINDOW`` days, or the first of
    ``SMALLER`` whose model has at most ``MAX_COLUMNS`` columns, counted before any model
    is built (``ShiftMip.columns``); none: no move (None). ``events``: the district
    events' occurrences move too (``ShiftMip.event_slots``), at ``WINDOW`` days only
    (a model too large then makes no move: the caller has run the move without them)."""
    end = time.monotonic() + time_limit
    tries = [(WINDOW, True)] if events else [
        (w, False) for w in sorted({WINDOW, *SMALLER}, reverse=True)]
    for window, events in tries:
        if ShiftMip(p, sessions, window, part, events).columns(totals=False) <= MAX_COLUMNS:
            break
    else:
        return None, False
    relaxed = ShiftMip(p, sessions, window, part, events).build(totals=False)
    first = relaxed.lp.solve(time_limit=time_limit, stop=stop, nodes=nodes,
                             start=relaxed.start(sessions) if START else None)
    if first is None or relaxed.lp.stopped:
        return None, relaxed.lp.stopped
    totals = {d: relaxed.total_needing(first[1], d) for d in OTHERS if p.pools[d]}
    fixed = ShiftMip(p, sessions, window, part, events).build(totals=totals)
    # the first step's solution is one of the second (its totals are the fixed ones)
    second = fixed.lp.solve(time_limit=max(0.0, end - time.monotonic()), stop=stop,
                            nodes=nodes, start=fixed.start(relaxed.chosen(first[1]))
                            if START else None)
    if second is None:
        return None, fixed.lp.stopped
    return fixed.calendar(second[1]), fixed.lp.stopped
