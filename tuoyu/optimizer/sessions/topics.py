"""The topics of a staffed calendar chosen again for the whole district at once, with the
doctors' and psychologists' places, the half-days kept: a MIP (HiGHS).

Why: a session's topic decides whether it needs a doctor or a psychologist (教养医结合),
and with it where their trips, their load and their months fall. The calendar stage
chooses topics from estimates (each center's partners), the local improvement one center
at a time; on the bundled year what was left above the bound was almost all doctors'
trips to neighbouring streets, forced by the months' bands per discipline and the fair
share together, which no single center's change could undo.

The model counts what the plan's objective counts:

- per center session one *kind* of topic: the topics grouped by the disciplines beyond
  education they need (education only, a doctor, a psychologist, ...);
  ``topics_vary``: a kind with one topic never twice in a row, and at least
  ``min_topics`` different topics (a kind of ``K`` topics used ``n`` times gives
  ``min(n, K)`` of them: its topics are taken in turn, which also keeps two sessions in a
  row of that kind on different topics);
- per session needing a doctor (a psychologist) one of them, per event occurrence the
  number its team takes: a person available that day, in one place per half-day, within
  the monthly limit (the people near the center, the ones the plan has there, and a
  seeded sample of the far ones);
- their trips (``far``, ``neighbour``), their load above the fair share ``ceil(T / n)``
  and the sessions beyond their months' bands (``month_share``: ``floor``/``ceil`` of the
  share of the discipline's total ``T``, all variables here).

The educators' places do not depend on the topics (one per session) nor do the other
goals, so the plan's objective falls by what this model's falls; the teams are named
again by the exact flow and the change is kept only when the plan's objective, counted on
its rows, falls. A re-plan is left alone (its moved / changed goals count against the
previous plan, which this model does not track).

The try at the team bound (``solve._plan_at_the_bound``) first takes the model in two
quick steps (``topics_in_steps``; 2-3 times faster on the bundled year). The months'
bands depend on ``T``, a variable (through ``floor``/``ceil`` of fractions of it), which is
what makes the model slow; with ``T`` known they are numbers:

1. the model without the months' bands (``build(months=False)``), a relaxation;
2. the model with each discipline's ``T`` fixed at step 1's solution, the bands then
   constants (``goals.month_band``, the plan's own count): a restriction, so its
   solution is one of the whole model (on the bundled year and every call of the
   held-out districts 1-10 also its optimum: step 2's value equals step 1's).

The plan at the bound is optimal whatever topics bring it there, so the try keeps these
topics only when its plan meets the bound; otherwise it takes the whole model as before
(``choose_topics``), as do the full solve and the local improvement, whose plans
depend on which optimum the model gives.
"""

from __future__ import annotations

import copy
import math
import time
from collections import defaultdict
from functools import cached_property

from tuoyu.models.sessions import Session
from tuoyu.optimizer.sessions import goals
from tuoyu.optimizer.sessions.bound import Lp
from tuoyu.optimizer.sessions.flow import trip_cost
from tuoyu.optimizer.sessions.problem import SessionProblem

OTHERS = ("medical", "psychology")
#: far people (of 16) kept as candidates of a place besides the near ones and the plan's
FAR_SAMPLE = 2


def kinds_of_topic(p: SessionProblem) -> dict[frozenset[str], list[int]]:
    """The topics grouped by the disciplines beyond education they need, in topic order."""
    out: dict[frozenset[str], list[int]] = defaultdict(list)
    for j, t in enumerate(p.data.topics):
        out[frozenset(d for d in t.disciplines if d != "education")].append(j)
    return dict(sorted(out.items(), key=lambda kv: kv[1][0]))


def load_above_fair_share(lp: Lp, p: SessionProblem, d: str,
                          mine: dict[str, list[int]]) -> None:
    """Per person of discipline ``d`` (``mine``: their columns) the places above
    ``f = ceil(T / n)``, at the load weight: ``n f - n + 1 <= T <= n f``. Shared by the
    topics' MIP and the days-and-topics MIP (``shift.py``)."""
    n = len(p.pools[d])
    every = [(j, -1.0) for js in mine.values() for j in js]
    if not n or not every:
        return
    f = lp.col(0, 0, len(every), True)
    lp.row([(f, float(n)), *every], 0, n - 1)
    for js in mine.values():
        over = lp.col(p.rules.weights.load, 0, math.inf)
        lp.row([(over, 1.0), (f, 1.0), *((j, -1.0) for j in js)], 0, math.inf)


class TopicMip:
    """The model over a staffed calendar (``sessions``, people as in ``staff_ids``)."""

    def __init__(self, p: SessionProblem, sessions: list[Session]) -> None:
        self.p, self.sessions = p, sessions
        self.lp = Lp()
        self.kinds = kinds_of_topic(p)
        #: center session index -> kind -> column
        self.kind: dict[int, dict[frozenset[str], int]] = {}
        self.by_center: dict[str, list[int]] = defaultdict(list)
        self.street = {c.center_id: c.street_id for c in p.data.centers}

    def one_kind_per_session(self) -> None:
        for k, s in enumerate(self.sessions):
            if s.center_id:
                self.by_center[s.center_id].append(k)
                self.kind[k] = {c: self.lp.col(0, 0, 1, True) for c in self.kinds}
                self.lp.row([(j, 1.0) for j in self.kind[k].values()], 1, 1)
        for ks in self.by_center.values():
            ks.sort(key=lambda k: (self.sessions[k].date, self.sessions[k].half))

    def topics_vary(self) -> None:
        """A kind of one topic never twice in a row; ``min_topics`` different topics."""
        p, lp = self.p, self.lp
        spy = {c.center_id: c.sessions_per_year for c in p.data.centers}
        for cid, ks in self.by_center.items():
            for c, js in self.kinds.items():
                if len(js) == 1:
                    for a, b in zip(ks, ks[1:], strict=False):
                        lp.row([(self.kind[a][c], 1.0), (self.kind[b][c], 1.0)], -math.inf, 1)
            need = min(p.rules.min_topics, spy[cid], len(p.data.topics), len(ks))
            distinct = []
            for c, js in self.kinds.items():
                v = lp.col(0, 0, len(js), True)
                lp.row([(v, 1.0), *((self.kind[k][c], -1.0) for k in ks)], -math.inf, 0)
                distinct.append((v, 1.0))
            lp.row(distinct, need, math.inf)

    def need(self, k: int, d: str) -> tuple[list[tuple[int, float]], int]:
        """The people of ``d`` session ``k`` needs: (columns, constant)."""
        s = self.sessions[k]
        if not s.center_id:
            return [], self.p.team_of(s).get(d, 0)
        return [(j, 1.0) for c, j in self.kind[k].items() if d in c], 0

    def candidates(self, k: int, d: str) -> list:
        """People of ``d`` available on session ``k``'s day: all for an event; for a
        center the near ones, the plan's own and a seeded sample of the far ones."""
        p, s = self.p, self.sessions[k]
        day = p.day(s.date)
        out = []
        for st in p.pools[d]:
            if day not in p.available_days[st.staff_id]:
                continue
            far = s.center_id and trip_cost(p, st.street_id, self.street[s.center_id]) >= (
                p.rules.weights.far)
            if far and st.staff_id not in s.staff_ids and (
                    p.priority("topics-candidate", k, st.staff_id) % 16 >= FAR_SAMPLE):
                continue
            out.append(st)
        return out

    def places_filled_by_available_people(self, d: str) -> dict[str, list[int]]:
        """Each place of ``d`` filled (a session of a kind needing ``d`` and nobody for it
        cannot be of that kind); one place per half-day; the monthly limits. Returns each
        person's columns."""
        p, lp = self.p, self.lp
        per_slot: dict[tuple[str, int], list[int]] = defaultdict(list)
        per_month: dict[tuple[str, int], list[int]] = defaultdict(list)
        mine: dict[str, list[int]] = defaultdict(list)
        for k, s in enumerate(self.sessions):
            terms, n = self.need(k, d)
            if not terms and not n:
                continue
            slot = 2 * p.day(s.date) + s.half
            cols = []
            for st in self.candidates(k, d):
                cost = trip_cost(p, st.street_id, self.street[s.center_id]) if s.center_id else 0
                j = lp.col(cost, 0, 1, True)
                cols.append((j, 1.0))
                per_slot[st.staff_id, slot].append(j)
                per_month[st.staff_id, s.date.month].append(j)
                mine[st.staff_id].append(j)
            lp.row([*cols, *((j, -v) for j, v in terms)], n, n)
        for js in per_slot.values():
            if len(js) > 1:
                lp.row([(j, 1.0) for j in js], -math.inf, 1)
        staff = {st.staff_id: st for st in p.pools[d]}
        for (sid, mo), js in per_month.items():
            room = p.room(staff[sid], mo)
            if len(js) > room:
                lp.row([(j, 1.0) for j in js], -math.inf, room)
        return mine

    def load_above_fair_share(self, d: str, mine: dict[str, list[int]]) -> None:
        load_above_fair_share(self.lp, self.p, d, mine)

    @cached_property
    def month_weights(self) -> dict[int, int]:
        return goals.month_weights(self.p, self.p.data.centers)

    def month_count(self, d: str) -> dict[int, list[tuple[int, float]]]:
        """Per month (of ``month_weights``) the columns of the center sessions' kinds
        needing ``d``: their sum is the month's sessions needing ``d``."""
        wts = self.month_weights
        count: dict[int, list[tuple[int, float]]] = defaultdict(list)
        for k, s in enumerate(self.sessions):
            if s.center_id and s.date.month in wts:
                count[s.date.month] += self.need(k, d)[0]
        return count

    def months_near_their_share(self, d: str) -> None:
        """Per month the sessions needing ``d`` beyond ``[floor(a (1-b) T), ceil(a (1+b)
        T)]`` (``a`` the month's share of the open days, ``T`` their total)."""
        p, lp = self.p, self.lp
        wts = self.month_weights
        sw = sum(wts.values())
        if not sw:
            return
        bn = round(100 * p.rules.month_band)
        big = 100 * sw
        count = self.month_count(d)
        top = sum(len(v) for v in count.values())
        total = lp.col(0, 0, top, True)
        lp.row([(total, 1.0), *((j, -1.0) for v in count.values() for j, _ in v)], 0, 0)
        w = p.rules.weights.month_share
        for mo, wm in wts.items():
            a_hi, a_lo = (100 + bn) * wm / big, (100 - bn) * wm / big
            hi, lo = lp.col(0, 0, top, True), lp.col(0, 0, top, True)
            lp.row([(hi, 1.0), (total, -a_hi)], 0, 1 - 1 / big)  # hi = ceil(a_hi T)
            lp.row([(lo, 1.0), (total, -a_lo)], -1 + 1 / big, 0)  # lo = floor(a_lo T)
            over, under = lp.col(w, 0, math.inf), lp.col(w, 0, math.inf)
            lp.row([(over, 1.0), (hi, 1.0), *((j, -1.0) for j, _ in count[mo])], 0, math.inf)
            lp.row([(under, 1.0), (lo, -1.0), *count[mo]], 0, math.inf)

    def months_at_total(self, d: str, total: int) -> None:
        """The months' bands of ``d`` with its total ``T`` fixed at ``total`` (a row): the
        bands are then numbers, ``goals.month_band`` as the plan counts them; per month
        the sessions needing ``d`` beyond them."""
        p, lp = self.p, self.lp
        wts = self.month_weights
        sw = sum(wts.values())
        if not sw:
            return
        count = self.month_count(d)
        lp.row([(j, 1.0) for v in count.values() for j, _ in v], total, total)
        w = p.rules.weights.month_share
        for mo, wm in wts.items():
            lo, hi = goals.month_band(p, total, wm, sw)
            over, under = lp.col(w, 0, math.inf), lp.col(w, 0, math.inf)
            lp.row([(over, 1.0), *((j, -1.0) for j, _ in count[mo])], -hi, math.inf)
            lp.row([(under, 1.0), *count[mo]], lo, math.inf)

    def has_months(self) -> bool:
        """Whether the model has months' bands at all (a discipline with people and a
        year with open days)."""
        return any(self.p.pools[d] for d in OTHERS) and sum(self.month_weights.values()) > 0

    def total_needing(self, x: list[float], d: str) -> int:
        """``T`` of ``d`` in a solution: the center sessions (in ``month_weights``'s
        months) whose kind needs ``d``."""
        return round(sum(x[j] for v in self.month_count(d).values() for j, _ in v))

    def build(self, months: bool = True) -> TopicMip:
        """The model; ``months=False``: without the months' bands (the relaxation of
        ``topics_in_steps``'s first step)."""
        self.one_kind_per_session()
        self.topics_vary()
        for d in OTHERS:  # nobody of a discipline: no topic needing it (a row each)
            mine = self.places_filled_by_available_people(d)
            if self.p.pools[d]:
                self.load_above_fair_share(d, mine)
                if months:
                    self.months_near_their_share(d)
        return self

    def at_totals(self, totals: dict[str, int]) -> TopicMip:
        """A copy of this model (built with ``months=False``) with the months' bands at
        the given totals (``months_at_total``): a restriction of the whole model."""
        out = copy.copy(self)
        out.lp = copy.copy(self.lp)
        out.lp.cols, out.lp.rows = list(self.lp.cols), list(self.lp.rows)
        out.lp.ent, out.lp.integer = list(self.lp.ent), list(self.lp.integer)
        for d, total in totals.items():
            out.months_at_total(d, total)
        return out

    def topics(self, x: list[float]) -> list[Session]:
        """The sessions with the solution's kinds, each center's topics of a kind taken in
        turn (the first ones first)."""
        out = list(self.sessions)
        topics = self.p.data.topics
        for ks in self.by_center.values():
            turn: dict[frozenset[str], int] = defaultdict(int)
            for k in ks:
                c = max(self.kinds, key=lambda c: x[self.kind[k][c]])
                js = self.kinds[c]
                j = js[turn[c] % len(js)]
                turn[c] += 1
                out[k] = out[k].model_copy(update={"topic_id": topics[j].topic_id})
        return out


def choose_topics(
    p: SessionProblem, sessions: list[Session], time_limit: float, stop=None,
    nodes: int | None = None,
) -> tuple[list[Session] | None, bool]:
    """The staffed calendar's sessions with topics chosen again (None when the MIP gives
    no solution), and whether the wall clock or the stop token ended the MIP.
    ``nodes``: the MIP's work limit (``bound.Lp.solve``), which ends it at the same
    point every run; ``time_limit``: its wall-clock safety net."""
    mip = TopicMip(p, sessions).build()
    res = mip.lp.solve(time_limit=time_limit, stop=stop, nodes=nodes)
    if res is None:
        return None, mip.lp.stopped
    return mip.topics(res[1]), mip.lp.stopped


def topics_in_steps(
    p: SessionProblem, sessions: list[Session], time_limit: float, stop=None,
    nodes: int | None = None,
) -> tuple[list[Session] | None, bool]:
    """Topics for the staffed calendar from the model in two quick steps (the module's
    docstring): the relaxation without the months' bands, then the months' bands at
    its totals ``T``. Its solution is one of the whole model, not always its optimum
    (on the bundled year and the held-out districts it is; on small hand-made ones
    often not), and another optimum than ``choose_topics``'s where both are: the try at
    the team bound keeps it only when the plan meets the bound, then optimal whatever
    the model's optimum (``solve._choose_topics``). Returns as ``choose_topics``."""
    end = time.monotonic() + time_limit
    relaxed = TopicMip(p, sessions).build(months=False)
    first = relaxed.lp.solve(time_limit=time_limit, stop=stop, nodes=nodes)
    if first is None or relaxed.lp.stopped or not relaxed.has_months():
        # no solution (none of the whole model either, or none in time); no months'
        # bands: the relaxation is the whole model
        return (None if first is None else relaxed.topics(first[1])), relaxed.lp.stopped
    fixed = relaxed.at_totals(
        {d: relaxed.total_needing(first[1], d) for d in OTHERS if p.pools[d]})
    second = fixed.lp.solve(time_limit=max(0.0, end - time.monotonic()), stop=stop,
                            nodes=nodes)
    if second is None:
        return None, fixed.lp.stopped
    return fixed.topics(second[1]), fixed.lp.stopped
