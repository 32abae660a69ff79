"""Why there is no calendar, with amounts: arithmetic prechecks before any model, and
after a proof of infeasibility the rule groups and staffing cuts that clash (from
assumption literals, ``sufficient_assumptions_for_infeasibility``). Also what a re-plan
changed. Everything as findings: codes with ids and amounts, never sentences."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ortools.sat.python import cp_model

from tuoyu.models.findings import Finding, clash, info, warning
from tuoyu.models.sessions import Center, Session
from tuoyu.optimizer.sessions.problem import (
    SessionProblem,
    month_places,
    sessions_needed,
)
from tuoyu.optimizer.solve import SolveParams


def max_sessions_fitting(days: list[int], gap: int, after: int | None = None) -> int:
    """Most sessions ``gap`` days apart on these days (earliest first is optimal)."""
    n, last = 0, (after if after is not None else -(10**9))
    for d in days:
        if d >= last + gap:
            n, last = n + 1, d
    return n


def _center_checks(p: SessionProblem, c: Center, usable: list[str]) -> list[Finding]:
    fixed = p.fixed_of(c)
    n = sessions_needed(p, c, fixed)
    if not n:
        return []
    out = []
    days = p.open_days(c)
    gap = p.rules.min_gap_days
    fit = max_sessions_fitting(days, gap, p.day(fixed[-1].date) if fixed else None)
    ids = dict(center=c.center_id, name=c.name)
    if fit < n:
        out.append(
            clash(
                "sessions.clash.gap_too_short",
                **ids,
                open_days=len(days),
                start=p.start.isoformat(),
                needed=n,
                gap=gap,
                fit=fit,
                suggest=fit + len(fixed),
            )
        )
    if p.rules.every_quarter and c.sessions_per_year >= 4:
        covered = {(s.date.month - 1) // 3 for s in fixed}
        for q in range((p.start.month - 1) // 3, 4):
            if q not in covered and not any((p.date(d).month - 1) // 3 == q for d in days):
                out.append(clash("sessions.clash.no_day_in_quarter", **ids, quarter=q + 1,
                                 year=p.year))
    need_t = min(p.rules.min_topics, c.sessions_per_year, len(p.data.topics))
    if len(usable) < need_t:
        out.append(
            clash("sessions.clash.too_few_topics", **ids, need=need_t, usable=len(usable),
                  topics=list(usable))
        )
    return out


def _event_checks(p: SessionProblem) -> list[Finding]:
    out = []
    for e in p.data.events:
        days = p.event_days(e)
        done = sum(1 for s in p.fixed if s.event_id == e.event_id)
        n = max(0, e.count - done)
        ids = dict(event=e.event_id, name=e.name)
        if n > len(days):
            out.append(
                clash("sessions.clash.event_days", **ids, times=n, weekend=e.weekend,
                      months=list(e.months), days=len(days))
            )
        if e.disciplines and e.staff_needed < len(e.disciplines):
            out.append(
                clash("sessions.clash.event_team", **ids, disciplines=len(e.disciplines),
                      staff=e.staff_needed)
            )
        short_pool = False
        for d, k in p.event_team(e).items():
            if k > len(p.pools[d]):
                short_pool = True
                out.append(
                    clash("sessions.clash.event_pool", **ids, discipline=d, need=k,
                          have=len(p.pools[d]))
                )
        if not short_pool and n <= len(days):
            out += _event_people_days(p, e, days, n, ids)
    return out


def _event_people_days(p: SessionProblem, e, days: list[int], n: int, ids: dict) -> list:
    """An event needs ``k`` people of a discipline at once on each of ``n`` different
    days: the days of its window on which that many of them work (their weekdays, no
    leave) must be at least ``n``, per discipline (e.g. a weekend event needing a
    psychologist where every psychologist works Monday to Friday)."""
    out = []
    for d, k in p.event_team(e).items():
        ok = [t for t in days if sum(p.available(s, t) for s in p.pools[d]) >= k]
        if len(ok) < n:
            free = sorted({s.staff_id for s in p.pools[d] for t in days if p.available(s, t)})
            out.append(
                clash("sessions.clash.event_people", **ids, discipline=d, need=k, times=n,
                      weekend=e.weekend, months=list(e.months), days=len(ok),
                      people=len(free), pool=len(p.pools[d]))
            )
    return out


def precheck(p: SessionProblem) -> list[Finding]:
    """Arithmetic clashes found before any model is built."""
    usable = [
        t.topic_id for t in p.data.topics if all(p.pools[d] for d in t.disciplines)
    ]
    out: list[Finding] = []
    for c in p.data.centers:
        out += _center_checks(p, c, usable)
    out += _event_checks(p)
    demand = sum(sessions_needed(p, c, p.fixed_of(c)) for c in p.data.centers)
    demand += sum(p.event_team(e).get("education", 0) * max(0, e.count) for e in p.data.events)
    supply = sum(
        month_places(p, s, mo) for s in p.pools["education"] for mo in range(p.start.month, 13)
    )
    if demand > supply:
        out.append(
            clash("sessions.clash.education_year", demand=demand, supply=supply,
                  short=demand - supply)
        )
    return out


def why_no_calendar(
    p: SessionProblem, params: SolveParams, staffing: Iterable[tuple]
) -> list[Finding]:
    """Which rule groups and staffing limits clash: a core of assumption literals of the
    calendar model with its staffing cuts (``staffing``: (discipline, month, slots, cap))."""
    from tuoyu.optimizer.sessions.calendar import build_calendar

    a = build_calendar(p, explain=True)
    m = a.model
    cut_of: dict[int, tuple] = {}
    for cut in staffing:
        g = a.guards(f"staffing:{cut[0]}:{cut[1]}")
        a.cuts.add(cut[0], cut[2], cut[3], guard=g)
        cut_of[g[0].index] = cut
    m.add_assumptions(a.guards.lits)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = min(30.0, params.time_limit)
    solver.parameters.num_workers = 1
    status = solver.solve(m)
    if status != cp_model.INFEASIBLE:
        return [clash("sessions.clash.unexplained", seconds=min(30.0, params.time_limit))]
    out = []
    for i in solver.sufficient_assumptions_for_infeasibility():
        if i in cut_of:
            out.append(_staffing_clash(p, *cut_of[i]))
        else:
            out.append(_rule_clash(p, a.guards.tags[i]))
    return out or [clash("sessions.clash.unexplained", seconds=0)]


def _staffing_clash(p: SessionProblem, disc: str, month: int, slots, cap: int) -> Finding:
    days = sorted({h // 2 for h in slots})
    return clash(
        "sessions.clash.staffing",
        discipline=disc,
        month=month,
        days=[p.date(d).isoformat() for d in days][:31],
        half_days=len(slots),
        capacity=cap,
        people=len(p.pools[disc]),
    )


def _rule_clash(p: SessionProblem, tag: str) -> Finding:
    parts = tag.split(":", 2)
    kind = parts[0]
    if kind in ("gap", "quarter", "topics"):
        c = next(c for c in p.data.centers if c.center_id == parts[1])
        return clash(
            f"sessions.clash.rule_{kind}",
            center=c.center_id,
            name=c.name,
            gap=p.rules.min_gap_days,
            topics=p.rules.min_topics,
        )
    if kind == "event":
        e = next(e for e in p.data.events if e.event_id == parts[1])
        return clash("sessions.clash.rule_event", event=e.event_id, name=e.name, times=e.count,
                     staff=e.staff_needed)
    if kind == "half-day":
        return clash("sessions.clash.rule_half_day", discipline=parts[1],
                     people=len(p.pools[parts[1]]))
    if kind == "weekday":
        return clash("sessions.clash.rule_weekday", discipline=parts[1],
                     people=len(p.pools[parts[1]]))
    if kind == "month":
        disc = parts[1]
        cap = {mo: sum(month_places(p, s, mo) for s in p.pools[disc])
               for mo in range(p.start.month, 13)}
        low = sorted(cap.items(), key=lambda kv: (kv[1], kv[0]))[:3]
        return clash("sessions.clash.rule_month", discipline=disc,
                     months=[mo for mo, _ in low], places=[c for _, c in low])
    if kind == "open":
        return clash("sessions.clash.rule_open", center=parts[1], year=p.year)
    return clash("sessions.clash.unexplained", seconds=0)


def holiday_months(p: SessionProblem) -> list[Finding]:
    """Months whose share of the year is smaller for their public holidays (three or more
    days, under 90% of an average month): the even-year goal and the month targets give
    them fewer sessions, on purpose."""
    from tuoyu.optimizer.sessions.goals import month_weights

    w = month_weights(p, p.data.centers)
    sw = sum(w.values())
    if not sw:
        return []
    out = []
    for mo, wm in w.items():
        days = sum(1 for d in p.holidays if p.month_of_day[d] == mo)
        share = round(100 * wm * len(w) / sw)
        if days >= 3 and share < 90:
            out.append(info("sessions.holiday_month", month=mo, holidays=days, share=share))
    return out


def calendar_warnings(p: SessionProblem) -> list[Finding]:
    return [
        warning("calendar.unknown_year", year=y)
        for y in [p.year]
        if p.data.calendar.warnings([y])
    ]


def describe_changes(p: SessionProblem, new: Iterable[Session]) -> list[Finding]:
    """What moved against the previous plan, from the re-plan date on; places, people and
    topics named (a planner reads 宝苑名（BB008）：人员 张三（ZY011） 改为 李四（ZY026））."""
    if not p.previous:
        return []
    out = []
    names = _names(p)

    def key(s: Session) -> str:
        return s.center_id or s.event_id

    old_by: dict[str, list[Session]] = defaultdict(list)
    new_by: dict[str, list[Session]] = defaultdict(list)
    for s in p.was_planned:
        old_by[key(s)].append(s)
    for s in new:
        new_by[key(s)].append(s)
    centers = {c.center_id: c for c in p.data.centers}
    open_days: dict[str, frozenset[int]] = {}
    for k in sorted(set(old_by) | set(new_by)):
        out += _changes_of(p, k, old_by[k], new_by[k], names, centers, open_days)
    return out


def _changes_of(p: SessionProblem, k: str, old: list[Session], new: list[Session],
                names: dict[str, str], centers: dict, open_days: dict) -> list[Finding]:
    """The changes of one center's or event's sessions, paired in date order; a center's
    session moved off a day now closed is listed as forced (``open_days`` caches each
    center's open days)."""
    out = []
    a = sorted(old, key=lambda s: (s.date, s.half))
    b = sorted(new, key=lambda s: (s.date, s.half))
    for i in range(max(len(a), len(b))):
        f = _change(k, a[i] if i < len(a) else None, b[i] if i < len(b) else None, names)
        if f is not None and f.code == "sessions.change.moved" and k in centers:
            if k not in open_days:
                open_days[k] = frozenset(p.open_days(centers[k]))
            if p.day(a[i].date) not in open_days[k]:  # its day is closed now: forced
                f = info("sessions.change.forced.closed", **f.params)
        if f is not None:
            out.append(f)
    return out


def _names(p: SessionProblem) -> dict[str, str]:
    """Id -> "name（id）" of the centers, events, staff and topics (ids are unique per table;
    a clash between tables only changes a label)."""
    d = p.data
    out: dict[str, str] = {}
    for rows, attr in ((d.topics, "topic_id"), (d.staff, "staff_id"), (d.events, "event_id"),
                       (d.centers, "center_id")):
        for r in rows:
            i = getattr(r, attr)
            out[i] = f"{r.name}（{i}）" if r.name and r.name != i else i
    return out


def _change(k: str, o: Session | None, n: Session | None,
            names: dict[str, str] | None = None) -> Finding | None:
    def said(i: str | None) -> str:
        return "" if i is None else (names or {}).get(i, i)

    who = said(k)
    if o and n and (o.date, o.half) != (n.date, n.half):
        return info("sessions.change.moved", key=who, old_date=o.date.isoformat(),
                    old_half=o.half, new_date=n.date.isoformat(), new_half=n.half,
                    what=said(n.topic_id or n.event_id))
    if o and n and o.staff_ids != n.staff_ids:
        return info("sessions.change.staff", key=who, date=n.date.isoformat(),
                    old=[said(x) for x in o.staff_ids], new=[said(x) for x in n.staff_ids])
    if o and n and o.topic_id != n.topic_id:
        return info("sessions.change.topic", key=who, date=n.date.isoformat(),
                    old=said(o.topic_id), new=said(n.topic_id))
    if o and not n:
        return info("sessions.change.dropped", key=who, date=o.date.isoformat())
    if n and not o:
        return info("sessions.change.added", key=who, date=n.date.isoformat())
    return None
