"""A home lead's centers re-planned together on the lead's days: a move of the local
improvement (issue 18).

Why: on 东滩区 one educator is the home lead of four centers and on leave from July to
September. Each center alone can keep its lead for all six sessions only by bunching
them around the leave (spacing 4 each); with the lead's three sessions a month shared by
the four, no center can move alone (the lead's months are full), so the plan gave one
session of three centers to another educator (``extra_lead``, 8 each, and a trip). The
year's relaxation (``bound.leads_days``) pays the spacing instead (12 against 24 and
more). Moving the four centers' days together onto the lead's days, the months' bands
and the weekend share counted, is what reaches it; no move of one session or one
center does, and the days-and-topics MIP (``shift.py``) keeps each session within days
of its own and in its quarter.

The model (a MIP, HiGHS, per home lead ``h`` whose centers have a session led by
someone else): each session of ``h``'s centers (order, topics kept) takes one open day
of its center within ``WINDOW`` days of its own on which ``h`` works and has a half-day free of ``h``'s other sessions
(district events, other centers), or one on which another educator works, at what
that costs above ``h`` (``extra_lead`` and the cheapest such educator's trip less
``h``'s: ``_led_by_others``); 28 days apart in order; every quarter covered (the
quarter rule); ``h`` within the monthly limit (less the other sessions) and two places
a day; its cost: the gaps' shortfall of an even spread, the weekend share of the whole
plan, and each month's sessions beyond its band (all sessions and per discipline: the
topics are kept, so every band's ends are constants).

Why another educator in the model (issue 18, the generator's heavy-leave shape at
twice Baoshan): a lead away from mid-June to mid-September, home lead of three centers
whose months before and after are full (district events take some of them), cannot
lead every one of the centers' sessions; with every session held to the lead's days
the model costs more than the plan (287 against 279) or, for a lead whose days cannot
hold the sessions at all (five centers needing a second-quarter session in the
fortnight before the lead's leave), has no solution. Let one session go to another and
the rest move onto the lead's days: 279 -> 267. The teams are then named by the
exact flow (``flow.best_teams``; a calendar the people cannot staff is dropped) and the
move kept only when the plan's objective, counted on its rows, strictly falls.
Deterministic: centers, sessions and people in plan order; the MIP ends on its own or
at its node limit.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from tuoyu.models.sessions import Session
from tuoyu.optimizer.sessions import goals
from tuoyu.optimizer.sessions.bound import Lp
from tuoyu.optimizer.sessions.problem import DISCIPLINES, SessionProblem

#: days a session may move either way (None: the whole year): two months, so a session
#: may take the lead's days of the months beside its own (东滩区: the model half the
#: size, 11.6 s and 2.5 s against 28.6 s and 17.0 s at load 3.6, the same moves)
WINDOW: int | None = 61


def groups_paying_other_leads(
    p: SessionProblem, sessions: list[Session]
) -> list[tuple[str, list[str]]]:
    """The home leads whose centers have a session led by someone else, with their
    centers (in the table's order), those paying most for it first (ties in the lead's
    id order). What a group pays is the other leads' cost above the home lead's
    (``extra_lead`` and the trips); a group is left out when the least spacing its
    centers have on the lead's days alone (``bound.least_spacing``) already grows their
    spacing by at least that: the move cannot pay there."""
    from tuoyu.optimizer.sessions.bound import least_spacing, team_days
    from tuoyu.optimizer.sessions.flow import trip_cost
    from tuoyu.optimizer.sessions.polish import spacing_of

    staff = {st.staff_id: st for st in p.pools["education"]}
    centers = {c.center_id: c for c in p.data.centers}
    w = p.rules.weights
    paid: Counter = Counter()
    for s in sessions:
        home = p.home_lead.get(s.center_id) if s.center_id else None
        lead = next((sid for sid in s.staff_ids if sid in staff), None)
        if home is None or lead is None or lead == home:
            continue
        street = centers[s.center_id].street_id
        paid[home] += (w.extra_lead + trip_cost(p, staff[lead].street_id, street)
                       - trip_cost(p, staff[home].street_id, street))
    out = []
    for h in sorted(paid, key=lambda h: (-paid[h], h)):
        group = [c.center_id for c in p.data.centers
                 if c.sessions_per_year and p.home_lead.get(c.center_id) == h]
        grows = 0
        for cid in group:
            days = sorted(p.day(s.date) for s in sessions if s.center_id == cid)
            least = least_spacing(p, centers[cid], team_days(p, centers[cid], [staff[h]]))
            if least is None:
                break
            grows += least - spacing_of(p, days)
        else:
            if w.spacing * grows < paid[h]:
                out.append((h, group))
    return out


def on_the_leads_days(
    p: SessionProblem, sessions: list[Session], lead: str, centers: list[str],
    time_limit: float | None = None, stop=None, nodes: int | None = None,  # noqa: ANN001
) -> tuple[list[Session] | None, bool]:
    """The staffed ``sessions`` with ``centers``' sessions on days of their home lead
    ``lead`` (the module's model; teams of the moved sessions cleared, the others'
    kept), or None when the model has no solution; and whether the wall clock (its far
    safety net, ``time_limit``) or the ``stop`` token ended the MIP."""
    st = next(s for s in p.pools["education"] if s.staff_id == lead)
    group = set(centers)
    mine = [k for k, s in enumerate(sessions) if s.center_id in group]
    if not mine or p.fixed:  # a fresh plan only
        return None, False
    busy: dict[int, set[int]] = defaultdict(set)  # the lead's other half-days, per day
    other_month: Counter = Counter()
    for k, s in enumerate(sessions):
        if k not in set(mine) and lead in s.staff_ids:
            busy[p.day(s.date)].add(s.half)
            other_month[s.date.month] += 1
    free = p.available_days[lead]
    lp = Lp()
    led: dict[int, dict[int, int]] = {}  # per session: its day with the lead
    cols: dict[int, dict[int, int]] = {}  # per session: its day, whoever leads
    by_day: dict[int, list[int]] = defaultdict(list)
    by_month: dict[int, list[int]] = defaultdict(list)
    w = p.rules.weights
    centers_of = {c.center_id: c for c in p.data.centers}
    for cid in centers:
        ks = sorted((k for k in mine if sessions[k].center_id == cid),
                    key=lambda k: (sessions[k].date, sessions[k].half))
        if not ks:
            continue
        c = centers_of[cid]
        days = [d for d in p.open_days(c) if d in free and len(busy.get(d, ())) < 2]
        others = _led_by_others(p, st, c)
        for k in ks:
            own = p.day(sessions[k].date)
            led[k] = {d: lp.col(0, 0, 1, integer=True) for d in days if _near(d, own)}
            by_other = {d: lp.col(v, 0, 1, integer=True) for d, v in others.items()
                        if _near(d, own)}
            cols[k] = _either(lp, led[k], by_other)
            if not cols[k]:
                return None, False
            lp.row([(j, 1.0) for j in [*led[k].values(), *by_other.values()]], 1, 1)
            for d, j in led[k].items():
                by_day[d].append(j)
                by_month[p.month_of_day[d]].append(j)
        ideal = min((p.n_days - p.first_day) // len(ks), 120)
        by = {k: _by_day(lp, cols[k]) for k in ks}
        for a, b in zip(ks, ks[1:], strict=False):
            _apart(lp, by[a], by[b], p.rules.min_gap_days)
            gap = [*((j, float(d)) for d, j in cols[b].items()),
                   *((j, -float(d)) for d, j in cols[a].items())]
            short = lp.col(w.spacing, 0, math.inf)
            lp.row([(short, 1.0), *gap], ideal, math.inf)
        if p.rules.every_quarter and c.sessions_per_year >= 4:
            for q in sorted({(p.month_of_day[d] - 1) // 3 for d in p.open_days(c)}):
                lp.row([(j, 1.0) for k in ks for d, j in cols[k].items()
                        if (p.month_of_day[d] - 1) // 3 == q], 1, math.inf)
    for d, js in sorted(by_day.items()):
        if len(js) > 2 - len(busy.get(d, ())):
            lp.row([(j, 1.0) for j in js], -math.inf, 2 - len(busy.get(d, ())))
    for mo, js in sorted(by_month.items()):
        lp.row([(j, 1.0) for j in js], -math.inf, p.room(st, mo) - other_month[mo])
    _weekend_share(p, lp, sessions, cols)
    _months_near_their_share(p, lp, sessions, cols)
    res = lp.solve(time_limit=time_limit, stop=stop, nodes=nodes)
    if res is None or lp.stopped:
        return None, lp.stopped
    x = res[1]
    out = list(sessions)
    taken: dict[int, set[int]] = {d: set(h) for d, h in busy.items()}
    for k in sorted(cols, key=lambda k: (sessions[k].date, sessions[k].half)):
        d = max(cols[k], key=lambda d: x[cols[k][d]])
        if d in led[k] and x[led[k][d]] > 0.5:  # the lead's: a half-day free of the lead
            half = min({0, 1} - taken.setdefault(d, set()))
            taken[d].add(half)
        else:  # another educator's (the flow names who)
            half = 0
        out[k] = sessions[k].model_copy(
            update={"date": p.date(d), "half": half, "staff_ids": ()})
    return out, False


def _near(d: int, own: int) -> bool:
    return WINDOW is None or abs(d - own) <= WINDOW


def _led_by_others(p: SessionProblem, lead, c) -> dict[int, float]:  # noqa: ANN001
    """Per open day of center ``c`` on which an educator other than its home lead
    ``lead`` works: what that session costs above the lead's (``extra_lead``, the
    cheapest such educator's trip less the lead's); their monthly limits are left to the
    flow, which names the teams after the move."""
    from tuoyu.optimizer.sessions.flow import trip_cost

    w = p.rules.weights
    home = trip_cost(p, lead.street_id, c.street_id)
    trips = sorted((trip_cost(p, o.street_id, c.street_id), o.staff_id)
                   for o in p.pools["education"] if o.staff_id != lead.staff_id)
    out: dict[int, float] = {}
    for d in p.open_days(c):
        cheapest = next((t for t, sid in trips if d in p.available_days[sid]), None)
        if cheapest is not None:
            out[d] = float(w.extra_lead + cheapest - home)
    return out


def _either(lp: Lp, a: dict[int, int], b: dict[int, int]) -> dict[int, int]:
    """Per day a column that is 1 when the session falls on that day, with the lead
    (``a``) or another educator (``b``): one of them, or their sum."""
    out: dict[int, int] = {}
    for d in sorted(set(a) | set(b)):
        if d in a and d in b:
            z = lp.col(0, 0, 1)
            lp.row([(z, 1.0), (a[d], -1.0), (b[d], -1.0)], 0, 0)
            out[d] = z
        else:
            out[d] = a.get(d, b.get(d))  # type: ignore[assignment]
    return out


def _by_day(lp: Lp, cols: dict[int, int]) -> list[tuple[int, int]]:
    """Per candidate day ``d`` (in order) a column ``y = 1`` when the session falls on
    ``d`` or before: ``y_d = y_prev + x_d``."""
    out: list[tuple[int, int]] = []
    prev = None
    for d in sorted(cols):
        y = lp.col(0, 0, 1)
        lp.row([(y, 1.0), (cols[d], -1.0), *(((prev, -1.0),) if prev is not None else ())], 0, 0)
        out.append((d, y))
        prev = y
    return out


def _apart(lp: Lp, a: list[tuple[int, int]], b: list[tuple[int, int]], gap: int) -> None:
    """Session ``b`` at least ``gap`` days after ``a``: by each day ``t``, ``b`` has
    fallen only if ``a`` fell by ``t - gap`` (the time-indexed order: its linear
    relaxation is far tighter than one row on the days' sums)."""
    i = -1
    for t, yb in b:
        while i + 1 < len(a) and a[i + 1][0] <= t - gap:
            i += 1
        if i < 0:
            lp.row([(yb, 1.0)], 0, 0)
        else:
            lp.row([(yb, 1.0), (a[i][1], -1.0)], -math.inf, 0)


def _weekend_share(p: SessionProblem, lp: Lp, sessions: list[Session],
                   cols: dict[int, dict[int, int]]) -> None:
    """The plan's center sessions on weekends off ``round(weekend_share * total)``, at
    ``weekend`` each (``goals.calendar_values``), the moved ones by their days."""
    total = sum(1 for s in sessions if s.center_id)
    target = round(p.rules.weekend_share * total)
    fixed = sum(1 for k, s in enumerate(sessions)
                if s.center_id and k not in cols and s.date.weekday() >= 5)
    ends = [(j, 1.0) for k in cols for d, j in cols[k].items() if p.date(d).weekday() >= 5]
    over = lp.col(p.rules.weights.weekend, 0, math.inf)
    under = lp.col(p.rules.weights.weekend, 0, math.inf)
    lp.row([(over, 1.0), *((j, -1.0) for j, _ in ends)], fixed - target, math.inf)
    lp.row([(under, 1.0), *ends], target - fixed, math.inf)


def _months_near_their_share(p: SessionProblem, lp: Lp, sessions: list[Session],
                             cols: dict[int, dict[int, int]]) -> None:
    """Per discipline and month the sessions beyond the month's band
    (``goals.month_share_excess``), at ``month_share`` each: the topics are kept, so each
    discipline's total, and with it every band's ends, is a constant."""
    wts = goals.month_weights(p, p.data.centers)
    sw = sum(wts.values())
    if not sw:
        return
    for disc in DISCIPLINES:
        needs = [k for k, s in enumerate(sessions) if s.center_id and goals._needs(p, s, disc)]
        if disc != "education" and not needs:
            continue
        const = Counter(sessions[k].date.month for k in needs if k not in cols)
        total = len(needs)
        here: dict[int, list[tuple[int, float]]] = defaultdict(list)
        for k in needs:
            for d, j in cols.get(k, {}).items():
                here[p.month_of_day[d]].append((j, 1.0))
        for mo in range(p.start.month, 13):
            lo, hi = goals.month_band(p, total, wts[mo], sw)
            over = lp.col(p.rules.weights.month_share, 0, math.inf)
            under = lp.col(p.rules.weights.month_share, 0, math.inf)
            lp.row([(over, 1.0), *((j, -1.0) for j, _ in here[mo])], const[mo] - hi, math.inf)
            lp.row([(under, 1.0), *here[mo]], lo - const[mo], math.inf)
