"""A lower bound of the whole plan's objective that counts the months: the year as a
linear program over (center, period) and (person, period), HiGHS.

The team goals' transportation bound (``flow.team_lower_bound``) lets every session take
any month, so it never pays for what an even year costs: a month's share of the year
follows its open days while a person's monthly limit does not, so in a long month the
local staff run out and the sessions go to neighbours. This relaxation keeps the months,
and for a district of at most ``WEEKDAYS_UP_TO`` centers times staff each month's
weekdays (a *period* is a month's Mondays, its Tuesdays, ...): a session's whole team
works on its day, so on its weekday, and a doctor who works weekends only never joins an
educator who works Monday to Friday (by months only, they shared every month):

- ``x[c, per]``: sessions of center ``c`` in period ``per`` (at most what the gap between
  two sessions lets the period's open days hold, and the month's), ``n_c`` in all, one in
  every open quarter of a center under the quarter rule;
- ``z[c, d, per]``: of them, sessions needing a doctor or a psychologist (at most one
  each per session; at least ``flow.min_of`` / ``flow.min_extra`` per center);
- ``v[e, per]``: occurrences of a district event per period, within its months, at most
  the event's days in the period (its occurrences fall on different days);
- people per (center or event, person, period): every place filled by a person of its
  discipline available in that period, each within their places of the month
  (``problem.month_places``) and two a day they work in the period (one per half-day),
  costing the trip (and, for a center's educator who is not its home lead,
  ``extra_lead``);
- the goals that depend on the months and weekdays, each relaxed to a linear lower
  estimate: the sessions beyond each month's band, all sessions and per discipline (the
  band ends ``floor``/``ceil`` of the share, replaced by the share less/plus one); the
  event occurrences beyond their kind's monthly share; the load above the fair share;
  the center sessions on weekends off the weekend target (by weekdays only).

Every plan gives a solution of it of at most the plan's objective (its calendar gives
``x``, ``z``, ``v``: a session on day ``t`` counts in the period of ``t``, and its team
works on ``t``; its teams the people; the goals not modelled here, spacing, quarters, a
re-plan's moves, count 0), so its optimum rounded up is a lower bound of every plan's
objective. To it are added the spacing and quarters costs every calendar of a center has
whatever its staff (``calendar_floor``: a center closed for months must bunch its
sessions), which the program counts 0. (Like the rest of the bound, it takes each center's number of sessions as
the plans do: exactly ``sessions_needed``.)
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict

from tuoyu.optimizer.sessions import goals
from tuoyu.optimizer.sessions.problem import (
    DISCIPLINES,
    SessionProblem,
    month_places,
    sessions_needed,
)

#: nonzeros of a MIP whose branch-and-bound node costs about what the work budget counts
#: a node (``solve.MIP_NODES_PER_SECOND``: 1/50 s); a node of a larger model costs in
#: proportion to its nonzeros (thin staff's topics' MIP in the improvement, 122k
#: nonzeros: 0.22 s a node, 482 nodes in 140 s, issue 18)
NODE_NONZEROS = 10_000


class SizedNodes(int):
    """A MIP's work limit counted in nodes of a model of ``NODE_NONZEROS`` nonzeros: the
    MIP gets ``nodes_by_size`` nodes (the improvement's MIP steps: the same work, not the
    same nodes, whatever the district's size; deterministic, the model's size alone)."""


def nodes_by_size(nodes: int, nonzeros: int) -> int:
    """``nodes`` of a model of ``NODE_NONZEROS`` nonzeros as nodes of one of ``nonzeros``:
    fewer for a larger model (never more), at least one (the root)."""
    return max(1, min(int(nodes), int(nodes) * NODE_NONZEROS // max(1, nonzeros)))


class Lp:
    """Columns and rows of a linear program (or a MIP, with integer columns), solved by
    HiGHS: a linear program by the serial dual simplex, a MIP by branch and bound; the
    same solution every run when the solve ends on its own (not by ``time_limit``)."""

    def __init__(self) -> None:
        self.cols: list[tuple[float, float, float]] = []  # (cost, lower, upper)
        self.rows: list[tuple[float, float]] = []
        self.ent: list[tuple[int, int, float]] = []  # (row, col, value)
        self.integer: list[int] = []
        #: ended by its time limit or the stop token (a MIP: with or without a solution;
        #: a linear program: without its optimum)
        self.stopped = False
        #: a MIP ended by its node limit (``nodes``): deterministic, its best solution kept
        self.limited = False
        self.nodes_used = 0  # branch-and-bound nodes of the last MIP solved
        #: a linear program's row duals at its optimum (HiGHS: reduced cost c - A'y)
        self.row_duals: list[float] = []

    def col(self, cost: float, lo: float, hi: float, integer: bool = False) -> int:
        self.cols.append((cost, lo, hi))
        if integer:
            self.integer.append(len(self.cols) - 1)
        return len(self.cols) - 1

    def row(self, terms: list[tuple[int, float]], lo: float, hi: float) -> None:
        r = len(self.rows)
        self.rows.append((lo, hi))
        self.ent.extend((r, c, v) for c, v in terms)

    def _model(self):
        import highspy
        import numpy as np
        from scipy import sparse

        # one pass in C over the entries (``zip(*ent)`` took seconds on a city's parts)
        e = np.fromiter(itertools.chain.from_iterable(self.ent), dtype=float,
                        count=3 * len(self.ent)).reshape(-1, 3)
        a = sparse.csc_matrix((e[:, 2], (e[:, 0].astype(np.int64), e[:, 1].astype(np.int64))),
                              shape=(len(self.rows), len(self.cols)))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(self.cols), len(self.rows)
        cost, lo, hi = (np.array(x, dtype=float) for x in zip(*self.cols, strict=True))
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lo, hi
        lp.row_lower_ = np.array([r[0] for r in self.rows], dtype=float)
        lp.row_upper_ = np.array([r[1] for r in self.rows], dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = len(self.cols), len(self.rows)
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data.astype(float)
        if self.integer:
            kinds = [highspy.HighsVarType.kContinuous] * len(self.cols)
            for j in self.integer:
                kinds[j] = highspy.HighsVarType.kInteger
            lp.integrality_ = kinds
        return lp

    def solve(self, time_limit: float | None = None, stop=None,
              start: dict[int, float] | None = None, nodes: int | None = None):
        """(optimum, column values), or None when HiGHS finds no optimum. A MIP stopped by
        ``time_limit`` (wall-clock seconds) or the ``stop`` token returns its best
        solution, if any, and sets ``stopped``. ``nodes``: a MIP's work limit, its
        branch-and-bound nodes (``mip_max_nodes``): a MIP ending there returns its best
        solution and sets ``limited``, not ``stopped`` (the same point every run, whatever
        the load: HiGHS's search is deterministic); a ``SizedNodes`` limit is scaled by the
        model's nonzeros (``nodes_by_size``). ``start``: some columns' values of a
        known solution of a MIP (HiGHS completes it and starts from it; the optimum is
        the same, found sooner)."""
        import contextlib

        import highspy

        from tuoyu.optimizer.highs_pool import highs_run
        from tuoyu.optimizer.siting.highs import _new_highs  # its banner kept off stdout

        if not self.cols:
            return 0.0, []
        h = _new_highs()
        h.setOptionValue("output_flag", False)
        if not self.integer:
            h.setOptionValue("solver", "simplex")
            # serial dual simplex. Never set "threads" here: HiGHS starts one scheduler
            # per process, and a later instance (the siting plan in `tuoyu all`) asking
            # for another thread count then fails.
            h.setOptionValue("simplex_strategy", 1)
        if time_limit is not None:
            # HiGHS refuses a negative limit and then runs without one: a step started
            # just past the plan's ceiling (``--wall-limit``) ran 9 s under load
            h.setOptionValue("time_limit", max(0.0, float(time_limit)))
        if nodes is not None and self.integer:
            if isinstance(nodes, SizedNodes):
                nodes = nodes_by_size(nodes, len(self.ent))
            h.setOptionValue("mip_max_nodes", max(1, int(nodes)))
        h.passModel(self._model())
        if start and self.integer:
            import numpy as np

            idx = sorted(start)
            h.setSolution(len(idx), np.array(idx, dtype=np.int32),
                          np.array([start[j] for j in idx], dtype=float))
        watch = stop.watch(h.cancelSolve) if stop is not None else contextlib.nullcontext()
        if stop is not None:
            h.HandleUserInterrupt = True
        with watch:
            highs_run(h)
        status = h.getModelStatus()
        if self.integer:
            self.nodes_used = int(h.getInfo().mip_node_count)
        if status == highspy.HighsModelStatus.kOptimal:
            if not self.integer:
                self.row_duals = list(h.getSolution().row_dual)
            return h.getInfo().objective_function_value, list(h.getSolution().col_value)
        if self.integer and h.getInfo().primal_solution_status == 2:  # feasible, ended early
            by_work = status in (highspy.HighsModelStatus.kSolutionLimit,
                                 highspy.HighsModelStatus.kIterationLimit)
            self.limited = self.limited or by_work
            self.stopped = self.stopped or not by_work
            return h.getInfo().objective_function_value, list(h.getSolution().col_value)
        if status in (highspy.HighsModelStatus.kTimeLimit,
                      highspy.HighsModelStatus.kInterrupt):
            self.stopped = True  # ended by the clock or the stop before any solution
        return None


def rounded_up(value: float) -> int:
    """An LP optimum as an integer bound (the objective's values are integers)."""
    return math.ceil(value - 1e-6 * max(1.0, abs(value)))


def months_a_center_can_hold(p: SessionProblem, days: list[int]) -> dict[int, int]:
    """Per month, the most sessions its open ``days`` can hold ``min_gap_days`` apart
    (the earliest day first, then the earliest day far enough: no choice holds more)."""
    out: Counter = Counter()
    last: dict[int, int] = {}
    for d in days:
        mo = p.month_of_day[d]
        if mo not in last or d - last[mo] >= p.rules.min_gap_days:
            out[mo] += 1
            last[mo] = d
    return dict(out)


def common_months(p: SessionProblem, person: str, days: list[int]) -> set[int]:
    """The months in which ``person`` can work on one of ``days``."""
    free = p.available_days[person]
    return {p.month_of_day[d] for d in days if d in free}


def period_of(p: SessionProblem, day: int, by_weekday: bool) -> tuple[int, int]:
    """A day's period of the relaxation: (month, weekday), or (month, 0) by months only."""
    return p.month_of_day[day], (p.date(day).weekday() if by_weekday else 0)


def periods_a_center_can_hold(
    p: SessionProblem, days: list[int], by_weekday: bool
) -> dict[tuple[int, int], int]:
    """Per period, the most sessions its open ``days`` can hold ``min_gap_days`` apart."""
    groups: dict[int, list[int]] = defaultdict(list)
    for d in days:
        groups[period_of(p, d, by_weekday)[1]].append(d)
    return {
        (mo, wd): k
        for wd, ds in sorted(groups.items())
        for mo, k in sorted(months_a_center_can_hold(p, ds).items())
    }


def common_periods(
    p: SessionProblem, person: str, days: list[int], by_weekday: bool
) -> set[tuple[int, int]]:
    """The periods in which ``person`` can work on one of ``days``."""
    free = p.available_days[person]
    if not by_weekday:  # the months of the days in common (a set's intersection: fast)
        mo = p.month_of_day
        return {(mo[d], 0) for d in free.intersection(days)}
    return {period_of(p, d, by_weekday) for d in days if d in free}


class _YearLp:
    """The relaxation's columns and rows, built one rule family at a time."""

    def __init__(self, p: SessionProblem, by_weekday: bool = True,
                 part: set[str] | None = None, with_events: bool = True) -> None:
        self.p = p
        self.by_weekday = by_weekday
        #: the centers modelled (None: all) and whether the district events are: a part's
        #: relaxation (``parts_lower_bound``) leaves out the district-wide rows
        self.part = part
        self.with_events = with_events
        #: a part's program: the people far from a center pooled (``_people``)
        self.pooled = part is not None
        #: per person a price of each place (``parts_lower_bound``), added to its costs
        self.prices: dict[str, float] = {}
        self._far_cache: dict[tuple, set[int]] = {}
        #: the people's working days as a 0/1 matrix (``_common``), its rows by person
        self._free = None
        self._row_of: dict[str, int] = {}
        self.lp = Lp()
        self.w = p.rules.weights
        self.months = range(p.start.month, 13)
        #: people's columns per (person, month): their places of the month
        self.use: dict[tuple[str, int], list[int]] = defaultdict(list)
        #: people's columns per (person, period): at most two places a day they work
        self.use_in: dict[tuple[str, tuple[int, int]], list[int]] = defaultdict(list)
        #: sessions per month needing each discipline: (columns, constant)
        self.month_cols: dict[str, dict[int, list[int]]] = {
            d: defaultdict(list) for d in DISCIPLINES
        }
        #: the new places of a discipline when every plan has the same number (education:
        #: one per session, the events' people); the new center sessions
        self.known: dict[str, int] = {"education": 0}
        self.sessions = 0
        #: the new center sessions' columns on a Saturday or Sunday (by weekday only)
        self.weekend: list[int] = []
        #: per center its educators' columns (person, column)
        self.led: dict[str, list[tuple[str, int]]] = {}
        #: per center its ``spacing_floor`` (counted once: ``calendar_floor`` takes them)
        self.floors: dict[str, int] = {}

    # -- the calendar: sessions per center and month ------------------------------------
    def centers(self) -> None:
        p = self.p
        for c in p.data.centers:
            if not c.sessions_per_year or (self.part is not None
                                           and c.center_id not in self.part):
                continue
            n = sessions_needed(p, c, p.fixed_of(c))
            if not n:
                continue
            days = p.open_days(c)
            cap = months_a_center_can_hold(p, days)
            x = {
                per: self.lp.col(0, 0, min(n, k, cap[per[0]]))
                for per, k in periods_a_center_can_hold(p, days, self.by_weekday).items()
            }
            self.lp.row([(j, 1.0) for j in x.values()], n, n)
            if self.by_weekday:  # a month holds what the gap lets it, whatever the weekdays
                for mo, k in sorted(cap.items()):
                    if k < n:
                        self.lp.row([(j, 1.0) for per, j in x.items() if per[0] == mo], 0, k)
            self.known["education"] += n
            self.sessions += n
            self._quarters(c, x)
            for per, j in x.items():
                self.month_cols["education"][per[0]].append(j)
                if self.by_weekday and per[1] >= 5:
                    self.weekend.append(j)
            self._educators(c, days, x)
            self._doctors_and_psychologists(c, n, days, x)

    def _quarters(self, c, x: dict[tuple[int, int], int]) -> None:
        p = self.p
        if not p.rules.every_quarter or c.sessions_per_year < 4:
            return
        covered = {(s.date.month - 1) // 3 for s in p.fixed_of(c)}
        for q in range((p.start.month - 1) // 3, 4):
            if q not in covered:
                self.lp.row([(j, 1.0) for per, j in x.items() if (per[0] - 1) // 3 == q], 1,
                            math.inf)

    def _people(
        self, pool, days: list[int], x: dict[tuple[int, int], int], cost_of, need: int = 1,
        tie: bool = False, street: str | None = None, keep: str | None = None,
    ) -> list[tuple[str, int]]:
        """Per period: the sessions ``x[per]`` (times ``need``) filled by people of ``pool``
        who can work on one of ``days`` in that period (a month, or its Mondays, its
        Tuesdays, ...: the whole team works on the session's day, so on its weekday),
        each at most once per session: at most as often as the period can hold sessions
        (the bound of ``x[per]``), and with ``tie`` at most ``x[per]`` (a row per person
        and period: the events, whose occurrences a period may hold are many; for the
        centers these rows made the program twice as slow). Returns each column with its
        person.

        A part's program (``pooled``) with the center's ``street``: the people living far
        from it (``flow.near`` 2; but ``keep``, the home lead) share one column per
        period, available when one of them works there, bounded by nothing else (their
        places not counted), costing what each would (the same far trip, and for an
        educator ``extra_lead``), named by the first of them: fewer rules, never a
        higher optimum, and a part's program the size of its streets' staff."""
        by_period: dict[tuple[int, int], list[tuple[int, float]]] = defaultdict(list)
        out: list[tuple[str, int]] = []
        far: list = []
        mine = []
        for st in pool:
            if self.pooled and street is not None and st.staff_id != keep and self._far(
                    st.street_id, street):
                far.append(st)
            else:
                mine.append(st)
        price = self.prices
        for st, common in zip(mine, self._common(mine, days), strict=True):
            cost = cost_of(st) + price.get(st.staff_id, 0.0)
            for per in sorted(common & set(x)):
                j = self.lp.col(cost, 0, self.lp.cols[x[per]][2])
                if tie:
                    self.lp.row([(j, 1.0), (x[per], -1.0)], -math.inf, 0)
                self.use[st.staff_id, per[0]].append(j)
                self.use_in[st.staff_id, per].append(j)
                by_period[per].append((j, 1.0))
                out.append((st.staff_id, j))
        if far:  # the cheapest of them (``parts_lower_bound``' prices)
            cost = cost_of(far[0]) + min(price.get(st.staff_id, 0.0) for st in far)
            free = self._far_days(far, street)
            common = {period_of(self.p, d, self.by_weekday) for d in days if d in free}
            for per in sorted(common & set(x)):
                j = self.lp.col(cost, 0, need * self.lp.cols[x[per]][2])
                by_period[per].append((j, 1.0))
                out.append((far[0].staff_id, j))
        for per, xj in x.items():
            self.lp.row([*by_period[per], (xj, -float(need))], 0, 0)
        return out

    def _common(self, pool, days: list[int]) -> list[set[tuple[int, int]]]:
        """``common_periods`` of each of ``pool`` (by months: one product of two 0/1
        matrices, the people's days by the days' months)."""
        if self.by_weekday or not pool or not days:
            return [common_periods(self.p, st.staff_id, days, self.by_weekday) for st in pool]
        import numpy as np

        p = self.p
        if self._free is None:
            self._free = np.zeros((len(p.data.staff), len(p.month_of_day)), dtype=np.int32)
            for i, st in enumerate(p.data.staff):
                self._row_of[st.staff_id] = i
                self._free[i, sorted(p.available_days[st.staff_id])] = 1
        idx = np.array(days)
        months = np.array(p.month_of_day)[idx]
        one = np.zeros((len(idx), int(months.max()) + 1), dtype=np.int32)
        one[np.arange(len(idx)), months] = 1
        hit = self._free[[self._row_of[st.staff_id] for st in pool]][:, idx] @ one
        return [{(int(m), 0) for m in np.flatnonzero(row)} for row in hit]

    def _far(self, staff_street: str, street: str) -> bool:
        from tuoyu.optimizer.sessions.flow import near

        return near(self.p, staff_street, street) == 2

    def _far_days(self, far: list, street: str | None) -> set[int]:
        """The days one of ``far`` works (cached per street and people)."""
        key = (street, tuple(st.staff_id for st in far))
        if key not in self._far_cache:
            free = self.p.available_days
            self._far_cache[key] = set().union(*(free[st.staff_id] for st in far))
        return self._far_cache[key]

    def _educators(self, c, days: list[int], x: dict[tuple[int, int], int]) -> None:
        from tuoyu.optimizer.sessions.flow import trip_cost

        p, w = self.p, self.w
        home = p.home_lead.get(c.center_id)

        def cost(st) -> float:
            lead = 0 if st.staff_id == home else w.extra_lead
            return trip_cost(p, st.street_id, c.street_id) + lead

        self.led[c.center_id] = self._people(p.pools["education"], days, x, cost,
                                             street=c.street_id, keep=home)

    def _doctors_and_psychologists(
        self, c, n: int, days: list[int], x: dict[tuple[int, int], int]
    ) -> None:
        from tuoyu.optimizer.sessions.flow import min_extra, min_of, trip_cost

        p = self.p
        has_fixed = bool(p.fixed_of(c))
        every: list[tuple[int, float]] = []
        per_period: dict[tuple[int, int], list[tuple[int, float]]] = defaultdict(list)
        for d in ("medical", "psychology"):
            pool = p.pools[d]
            if not pool:
                continue
            z = {per: self.lp.col(0, 0, self.lp.cols[j][2]) for per, j in x.items()}
            for per, j in z.items():
                self.lp.row([(j, 1.0), (x[per], -1.0)], -math.inf, 0)
                self.month_cols[d][per[0]].append(j)
                per_period[per].append((j, 1.0))
            terms = [(j, 1.0) for j in z.values()]
            self.lp.row(terms, min_of(p, n, has_fixed, d), n)
            every += terms
            self._people(pool, days, z, lambda st: trip_cost(p, st.street_id, c.street_id),
                         street=c.street_id)
        if every:
            self.lp.row(every, min_extra(p, n, has_fixed), math.inf)
        # people beyond the educator one session can need (one for a usual topic)
        pools = {d for d in ("medical", "psychology") if p.pools[d]}
        most = max((len(set(t.disciplines) & pools) for t in p.data.topics), default=0)
        for per, terms in per_period.items():
            self.lp.row([*terms, (x[per], -float(most))], -math.inf, 0)

    # -- the spacing on the leads' days ----------------------------------------------------
    def spacing(self) -> None:
        """Per center its spacing beyond ``spacing_floor`` (which ``year_lower_bound``
        adds), at ``spacing`` a day: at least what its leads' days force
        (``leads_days``, proven in its docstring)."""
        p, lp = self.p, self.lp
        for c in p.data.centers:
            if c.center_id not in self.led:
                continue
            e = lp.col(self.w.spacing, 0, math.inf)
            floor = self.floors[c.center_id] = spacing_floor(p, c)
            for terms, lo in leads_days(p, c, e, self.led[c.center_id], floor):
                lp.row(terms, lo, math.inf)

    # -- district events ------------------------------------------------------------------
    def events(self) -> None:
        p = self.p
        if not self.with_events:
            return
        occ: dict[str, dict[int, list[tuple[int, float]]]] = defaultdict(lambda: defaultdict(list))
        for e in p.data.events:
            done = sum(1 for s in p.fixed if s.event_id == e.event_id)
            count = max(0, e.count - done)
            days = p.event_days(e)
            if not count:
                continue
            # an event's occurrences fall on different days: a period holds at most its days
            held = Counter(period_of(p, d, self.by_weekday) for d in days)
            v = {per: self.lp.col(0, 0, min(count, k)) for per, k in sorted(held.items())}
            self.lp.row([(j, 1.0) for j in v.values()], count, count)
            for per, j in v.items():
                occ[e.kind][per[0]].append((j, 1.0))
            for d, k in p.event_team(e).items():
                if d == "education":
                    self.known[d] += k * count
                self._people(p.pools[d], days, v, lambda st: 0.0, need=k, tie=True)
        self._events_spread(occ)

    def _events_spread(self, occ) -> None:
        p = self.p
        for kind, (evs, months) in goals.event_kinds(p).items():
            ids = {e.event_id for e in evs}
            const = Counter(
                s.date.month
                for s in p.fixed
                if s.event_id in ids and s.date.year == p.year and s.date.month >= p.start.month
            )
            n = sum(const.values()) + sum(
                max(0, e.count - sum(1 for s in p.fixed if s.event_id == e.event_id))
                for e in evs
            )
            if not months or not n:
                continue
            cap = -(-n // len(months))
            for mo in sorted(set(const) | set(occ[kind])):
                over = self.lp.col(self.w.event_spread, 0, math.inf)
                self.lp.row([*occ[kind][mo], (over, -1.0)], -math.inf, cap - const[mo])

    # -- people: monthly places, the load -------------------------------------------------
    def people(self) -> None:
        p = self.p
        for st in p.data.staff:
            for mo in self.months:
                cols = self.use.get((st.staff_id, mo))
                if cols:
                    cap = month_places(p, st, mo)
                    self.lp.row([(j, 1.0) for j in cols], -math.inf, cap)
        if self.by_weekday:  # two places a day (one per half-day) on the days they work
            free = {st.staff_id: Counter(period_of(p, d, True) for d in p.available_days[
                st.staff_id]) for st in p.data.staff}
            for (sid, per), cols in sorted(self.use_in.items()):
                cap = 2 * free[sid][per]
                if len(cols) > 1 or self.lp.cols[cols[0]][2] > cap:
                    self.lp.row([(j, 1.0) for j in cols], -math.inf, cap)
        if self.part is None:  # the load above the fair share: district-wide
            for d in DISCIPLINES:
                self._load(p.pools[d], self.known.get(d))

    def _load(self, pool, places: int | None) -> None:
        """Per person, the sessions above the fair share: ``ceil(T/n)`` when the
        discipline's new places ``T`` are known (``places``), else ``T/n + 1 - 1/n`` (at
        least ``ceil(T/n)``, ``T`` a variable)."""
        if not pool:
            return
        n_d = len(pool)
        if places is not None:
            fair = -(-places // n_d)
            for st in pool:
                cols = [j for mo in self.months for j in self.use.get((st.staff_id, mo), ())]
                e = self.lp.col(self.w.load, 0, math.inf)
                self.lp.row([(e, 1.0), *((j, -1.0) for j in cols)], -fair, math.inf)
            return
        lv = {}
        for st in pool:
            cols = [j for mo in self.months for j in self.use.get((st.staff_id, mo), ())]
            lv[st.staff_id] = self.lp.col(0, 0, math.inf)
            self.lp.row([*((j, 1.0) for j in cols), (lv[st.staff_id], -1.0)], 0, 0)
        total = self.lp.col(0, 0, math.inf)
        self.lp.row([*((j, 1.0) for j in lv.values()), (total, -1.0)], 0, 0)
        for st in pool:
            e = self.lp.col(self.w.load, 0, math.inf)
            self.lp.row(
                [(e, 1.0), (lv[st.staff_id], -1.0), (total, 1.0 / n_d)], -(1 - 1 / n_d), math.inf
            )

    # -- the weekend share ----------------------------------------------------------------
    def weekend_share(self) -> None:
        """The new center sessions on a weekend, off ``round(weekend_share * total)``
        (``goals.calendar_values``: every plan has the same total), at ``weekend`` each."""
        if not self.by_weekday or not self.sessions or self.part is not None:
            return
        target = round(self.p.rules.weekend_share * self.sessions)
        over = self.lp.col(self.w.weekend, 0, math.inf)
        under = self.lp.col(self.w.weekend, 0, math.inf)
        ends = [(j, 1.0) for j in self.weekend]
        self.lp.row([(over, 1.0), *((j, -1.0) for j, _ in ends)], -target, math.inf)
        self.lp.row([(under, 1.0), *ends], target, math.inf)

    # -- the months' bands ---------------------------------------------------------------
    def months_near_their_share(self) -> None:
        """Per discipline and month, the sessions beyond the band around the month's share
        (``goals.month_band``), its ends relaxed to linear ones: ``floor(a) >= a - 1 +
        1/N`` and ``ceil(a) <= a + 1 - 1/N`` for ``a = k/N``."""
        p = self.p
        wts = goals.month_weights(p, p.data.centers)
        sw = sum(wts.values())
        if not sw or self.part is not None:
            return
        bn = round(100 * p.rules.month_band)
        big = 100 * sw
        for d in DISCIPLINES:
            const = Counter(
                s.date.month
                for s in p.fixed
                if s.center_id and s.date.month >= p.start.month and goals._needs(p, s, d)
            )
            cols = self.month_cols[d]
            every = [(j, 1.0) for mo in self.months for j in cols[mo]]
            t0 = sum(const.values())
            for mo in self.months:
                here = [(j, 1.0) for j in cols[mo]]
                if d == "education":  # every plan has the same number: exact band ends
                    lo, hi = goals.month_band(p, t0 + self.sessions, wts[mo], sw)
                    over = self.lp.col(self.w.month_share, 0, math.inf)
                    under = self.lp.col(self.w.month_share, 0, math.inf)
                    self.lp.row([(over, 1.0), *((j, -1.0) for j, _ in here)],
                                const[mo] - hi, math.inf)
                    self.lp.row([(under, 1.0), *here], lo - const[mo], math.inf)
                    continue
                over = self.lp.col(self.w.month_share, 0, math.inf)
                under = self.lp.col(self.w.month_share, 0, math.inf)
                # over >= count - ((100+bn) w T + N - 1) / N
                a_hi = (100 + bn) * wts[mo] / big
                self.lp.row(
                    [(over, 1.0), *((j, -1.0) for j, _ in here), *((j, a_hi) for j, _ in every)],
                    const[mo] - a_hi * t0 - (big - 1) / big,
                    math.inf,
                )
                # under >= ((100-bn) w T - N + 1) / N - count
                a_lo = (100 - bn) * wts[mo] / big
                self.lp.row(
                    [(under, 1.0), *((j, 1.0) for j, _ in here), *((j, -a_lo) for j, _ in every)],
                    a_lo * t0 - (big - 1) / big - const[mo],
                    math.inf,
                )


def least_spacing(p: SessionProblem, c, days: list[int]) -> int | None:
    """The least spacing cost (``goals.calendar_values``: per gap between two sessions in
    a row, the days it falls short of an even spread) of center ``c``'s new sessions on
    ``days`` (sorted) ``min_gap_days`` apart, the last kept session's gap counted; None
    when ``days`` cannot hold them. A dynamic program over the days: the best cost of the
    ``i``-th session on each day is the best of the earlier days at least ``ideal``
    before (no shortfall: a prefix minimum) and of those nearer but ``min_gap_days``
    before (``f + day`` less the day: a sliding minimum), so linear in the days per
    session. (The quarter rule is left out: fewer rules, never a higher floor.)"""
    from collections import deque

    fixed = p.fixed_of(c)
    m = sessions_needed(p, c, fixed)
    last = max((p.day(s.date) for s in fixed), default=None)
    n = m + (1 if last is not None else 0)
    if not m:
        return 0
    if len(days) < m:
        return None
    if n < 2:
        return 0
    span = (p.n_days - p.first_day) + (p.first_day - last if last else 0)
    ideal = min(span // n, 120)
    gap = p.rules.min_gap_days
    inf = math.inf
    f = [max(0, ideal - (d - last)) if last is not None else 0 for d in days]
    for _ in range(m - 1):
        g = [inf] * len(days)
        best_far = inf  # least f over the days at least ``max(ideal, gap)`` before
        k_far = 0
        near: deque[int] = deque()  # days' indices nearer, by increasing f + day
        k_near = 0
        for j, d in enumerate(days):
            while k_far < len(days) and days[k_far] <= d - max(ideal, gap):
                best_far = min(best_far, f[k_far])
                k_far += 1
            while k_near < len(days) and days[k_near] <= d - gap:
                v = f[k_near] + days[k_near]
                while near and f[near[-1]] + days[near[-1]] >= v:
                    near.pop()
                near.append(k_near)
                k_near += 1
            while near and near[0] < k_far:  # at least ``ideal`` before: no shortfall
                near.popleft()
            best = best_far
            if near:
                k = near[0]
                best = min(best, f[k] + ideal - (d - days[k]))
            g[j] = best
        f = g
    out = min(f)
    return None if out == inf else int(out)


def team_days(p: SessionProblem, c, people) -> list[int]:
    """The open days of center ``c`` on which one of ``people`` works (their weekdays, no
    leave): the days a session led by one of them can fall on."""
    free = p.available_days
    return [d for d in p.open_days(c) if any(d in free[st.staff_id] for st in people)]


Row = tuple[list[tuple[int, float]], float]  # terms, lower side (the upper: none)


def leads_days(
    p: SessionProblem, c, e: int, led: list[tuple[str, int]], floor: int | None = None
) -> list[Row]:
    """Rows ``e + (S_k - F) * y_k >= S_k - F``, one per cost level ``u_k`` of center
    ``c``'s educators (trip, and ``extra_lead`` but for its home lead) below the dearest:
    ``E_k`` the educators costing at most ``u_k``, ``S_k`` the least spacing of the
    center's sessions on the open days on which one of ``E_k`` works (``least_spacing``),
    ``F`` its ``spacing_floor`` (every educator's days), ``e`` its spacing beyond ``F``
    (a column), ``y_k`` its sessions led by someone outside ``E_k`` (``led``: the
    relaxation's educators' columns of the center, with their people). Valid for every
    plan: when ``y_k = 0`` every session has its lead from ``E_k`` on its day, so falls
    on those days, and the spacing is at least ``S_k``; when ``y_k >= 1`` the row asks
    at most ``F``, which every plan has. When those days cannot hold the sessions at
    all, ``y_k >= 1``. A center whose home lead works Saturdays only and is on leave in
    January (held-out seed 21) gaps 56 days once (4 short of 60) or is led by another
    once (``extra_lead``, 8): the relaxation counted it 0."""
    from tuoyu.optimizer.sessions.flow import trip_cost

    pool = {st.staff_id: st for st in p.pools["education"]}
    home = p.home_lead.get(c.center_id)
    w = p.rules.weights
    cost = {sid: trip_cost(p, st.street_id, c.street_id) + (0 if sid == home else w.extra_lead)
            for sid, st in pool.items()}
    floor = spacing_floor(p, c) if floor is None else floor
    out: list[Row] = []
    seen: set[tuple[int, ...]] = set()
    for u in sorted(set(cost.values()))[:-1]:
        days = team_days(p, c, [pool[sid] for sid in sorted(cost) if cost[sid] <= u])
        if tuple(days) in seen:
            continue
        seen.add(tuple(days))
        least = least_spacing(p, c, days)
        others = [j for sid, j in led if cost[sid] > u]
        if least is None:
            out.append(([(j, 1.0) for j in others], 1.0))
        elif least > floor:
            out.append(([(e, 1.0), *((j, float(least - floor)) for j in others)],
                        float(least - floor)))
    return out


def spacing_floor(p: SessionProblem, c) -> int:
    """The least spacing cost any calendar of center ``c`` has (``least_spacing``): its
    new sessions on the open days on which some educator works (every session has an
    education lead, so no session falls on another day)."""
    out = least_spacing(p, c, team_days(p, c, p.pools["education"]))
    return out or 0


def quarters_floor(p: SessionProblem, c) -> int:
    """The quarters of ``min(min_quarters, sessions)`` center ``c`` misses in every
    calendar (``goals.quarters_missing``): those neither a kept session nor an open day
    of the horizon is in."""
    if not c.sessions_per_year:
        return 0
    need = min(p.rules.min_quarters, c.sessions_per_year, 4)
    can = {(s.date.month - 1) // 3 for s in p.fixed_of(c)}
    if sessions_needed(p, c, p.fixed_of(c)):
        can |= {(p.month_of_day[d] - 1) // 3 for d in p.open_days(c)}
    return max(0, need - len(can))


def calendar_floor(p: SessionProblem, floors: dict[str, int] | None = None) -> int:
    """The spacing and quarters costs every calendar has, center by center (they depend
    on no one's staff: added to the relaxation, which counts them 0). ``floors``: the
    centers' ``spacing_floor`` already counted (the relaxation's ``_YearLp.floors``)."""
    w = p.rules.weights
    floors = floors or {}
    return sum(
        w.spacing * (floors[c.center_id] if c.center_id in floors else spacing_floor(p, c))
        + w.quarters * quarters_floor(p, c)
        for c in p.data.centers
        if c.sessions_per_year
    )


#: the periods are a month's weekdays up to this many centers times staff (the program
#: has about seven times the columns of months only: on 45 centers and 30 staff 7 s
#: against 1 s, on the bundled 79 and 45 about 28 s against 2 s), months above
WEEKDAYS_UP_TO = 2000


def year_lower_bound(
    p: SessionProblem, by_weekday: bool | None = None, seconds: float | None = None,
    stop=None,
) -> int | None:
    """The relaxation's optimum rounded up: a lower bound of every plan's objective (see
    the module docstring); None when HiGHS gives no optimum (no bound from it then;
    ``seconds``: its wall-clock limit, ``stop`` the stop token).
    ``by_weekday``: periods of (month, weekday) instead of months (tighter: a team
    works on one day, so on one weekday, together); by default for a district of at
    most ``WEEKDAYS_UP_TO`` centers times staff."""
    y, res = solved_year_lp(p, by_weekday, seconds, stop)
    return None if res is None else rounded_up(res[0]) + calendar_floor(p, y.floors)


def education_prices(p: SessionProblem, seconds: float | None = None, stop=None
                     ) -> tuple[dict[str, float], float] | None:
    """Per educator a price of each place of the year: minus the dual of its places in
    the team bound's education transportation as a linear program (every center session
    and event place filled by an educator within their places of the year, ``flow``'s
    trip, lead and load costs); and the sum over the educators of ``load_floor``. None
    when HiGHS gives no optimum (``seconds``, ``stop``: as ``parts_lower_bound``)."""
    from tuoyu.optimizer.sessions.flow import _relaxation_inputs, trip_cost

    centers, n_left, ev_need, places = _relaxation_inputs(p)
    leads = p.pools["education"]
    w = p.rules.weights
    lp = Lp()
    use: dict[str, list[int]] = defaultdict(list)
    demand = 0
    for c in centers:
        n = n_left[c.center_id]
        if not n:
            continue
        demand += n
        home = p.home_lead.get(c.center_id)
        cols = []
        for st in leads:
            cost = trip_cost(p, st.street_id, c.street_id) + (
                0 if st.staff_id == home else w.extra_lead)
            j = lp.col(cost, 0, n)
            use[st.staff_id].append(j)
            cols.append((j, 1.0))
        lp.row(cols, n, n)
    for _eid, k, count in ev_need["education"]:
        demand += k * count
        cols = []
        for st in leads:
            j = lp.col(0, 0, count)
            use[st.staff_id].append(j)
            cols.append((j, 1.0))
        lp.row(cols, k * count, k * count)
    if not demand or not leads:  # no place to price
        return {}, 0.0
    fair = math.ceil(demand / len(leads))
    rows = []
    for st in leads:
        cap = places[st.staff_id]
        free = lp.col(0, 0, min(fair, cap))
        over = lp.col(w.load, 0, max(0, cap - fair))
        rows.append((st.staff_id, cap, len(lp.rows)))
        lp.row([*((j, 1.0) for j in use[st.staff_id]), (free, -1.0), (over, -1.0)], 0, 0)
    res = lp.solve(time_limit=seconds, stop=stop)
    if res is None:
        return None
    prices = {sid: -lp.row_duals[r] for sid, _, r in rows}
    floor = sum(load_floor(prices[sid], cap, fair, w.load) for sid, cap, _ in rows)
    return prices, floor


def load_floor(price: float, cap: int, fair: int, load: int) -> float:
    """The least of ``load * max(0, u - fair) - price * u`` over a person's places ``u``
    from 0 to ``cap`` (piecewise linear: at 0, ``min(fair, cap)`` or ``cap``)."""
    return min(load * max(0, u - fair) - price * u for u in {0, min(fair, cap), cap})


def parts_lower_bound(
    p: SessionProblem, parts: list[list], seconds: float | None = None, stop=None,
    priced: bool = True,
) -> int | None:
    """A lower bound of every plan's objective for a district planned in ``parts``
    (``solve.calendar_groups``: each center in exactly one), in time linear in the
    parts: the year's relaxation by months of each part alone, its places priced, summed,
    plus the least load less price of each educator, rounded up, plus ``calendar_floor``;
    None when a program ends without an optimum (``seconds``, wall-clock seconds for
    all, or the ``stop`` token: then no bound from it).

    Part ``k``'s program (``_YearLp`` with ``part``) has the rows of its centers only
    (sessions per month, quarters, teams' people, the spacing its leads' days force),
    the district events in the first part only, and every person's places of the month
    whole, as if no other part took any; the people far from a center pooled
    (``_people``); the district-wide rows left out (the load above the fair share, the
    months' bands, the weekend share; the events' spread is the events' own, kept with
    them). With ``priced``, each place of educator ``q`` costs ``λ_q`` more
    (``education_prices``: minus the dual of ``q``'s places in the team bound's education
    transportation; a pooled column the least ``λ`` of its people); without, ``λ = 0``.

    *Why it is a bound.* Take any plan, objective ``Z``, and ``u_q`` the places of
    educator ``q`` in it (at most ``cap_q``, the places of its year). Every goal is at
    least 0, so ``Z`` is at least the sum over the centers of what each center's
    sessions cost (their people's trips, ``extra_lead``, the center's spacing beyond its
    floor), plus the events' spread, plus the educators' load ``L_q(u_q) = load *
    max(0, u_q - fair)`` (``fair`` the education places over the educators, rounded up:
    every plan has the same), plus the calendar's floors. Add and take away ``λ_q u_q``:
    ``Z - floors >= sum_k C_k + sum_q (L_q(u_q) - λ_q u_q)``, with ``C_k`` what part
    ``k``'s centers (and, for the first, the events) cost in the plan with each educator's
    place at ``λ_q`` more. The plan's sessions of part ``k``'s centers (and events) are a
    solution of part ``k``'s program of cost at most ``C_k``: each center's and event's
    rows are its own and hold as in the whole relaxation (module docstring,
    ``leads_days``); a person's places of a month used by one part are at most those
    the whole plan uses, at most the month's; a pooled column has no row but the
    period's, and costs no more than any of its people. So ``C_k`` is at least the
    program's optimum; and ``L_q(u_q) - λ_q u_q`` is at least its least value over ``0 <=
    u <= cap_q`` (``load_floor``). The centers' parts are disjoint, every center is in
    one and the events in one: the sum is at most ``Z`` less the floors, for any prices
    (with none, each ``C_k`` is an integer: each part's optimum is rounded up alone).
    Prices from the transportation's duals make the sum at least the transportation's
    education part (its own Lagrangian at those prices is its optimum, and the parts'
    programs hold its rows and more), less what pooling the far people at their least
    price loses: it comes near the team bound or passes it where the coupling between
    the parts (people short across the district) is what costs.

    Measured (docs/benchmarks/sessions.md, issue 18, bound34): on the generator's
    shapes at twice Baoshan (157 centers, 90 staff, 13 and 9 parts) within 2 of the
    whole relaxation by months at a fifth of its seconds (by weekdays the same, at four
    times the seconds: months only); on the 9-street city 3,069 against the team bound's
    3,067 (2,054 without prices) in 14 s."""
    import time

    t0 = time.perf_counter()
    total = 0.0
    prices: dict[str, float] = {}
    if priced:
        got = education_prices(p, seconds, stop)
        if got is None:
            return None
        prices, total = got
    floors: dict[str, int] = {}
    for k, part in enumerate(parts):
        y = _YearLp(p, by_weekday=False, part={c.center_id for c in part},
                    with_events=k == 0)
        y.prices = prices
        y.centers()
        y.events()
        y.people()
        y.spacing()
        floors.update(y.floors)
        left = None if seconds is None else seconds - (time.perf_counter() - t0)
        if left is not None and left <= 0:
            return None
        res = y.lp.solve(time_limit=left, stop=stop)
        if res is None:
            return None
        # a part's cost is an integer when no place has a price: rounded up part by part
        total += res[0] if any(prices.values()) else rounded_up(res[0])
    return rounded_up(total) + calendar_floor(p, floors)


def solved_year_lp(  # noqa: ANN201
    p: SessionProblem, by_weekday: bool | None = None, seconds: float | None = None,
    stop=None,
):
    """The year's relaxation built with every rule family and solved: the program and
    HiGHS's (optimum, column values), or None as the result when it gives no optimum."""
    if by_weekday is None:
        by_weekday = len(p.data.centers) * len(p.data.staff) <= WEEKDAYS_UP_TO
    y = _YearLp(p, by_weekday)
    y.centers()
    y.events()
    y.people()
    y.weekend_share()
    y.months_near_their_share()
    y.spacing()
    return y, y.lp.solve(time_limit=seconds, stop=stop)
