"""Stage A, the calendar: for each center its ordered sessions (half-day slot and topic),
for each district event its occurrences; staff counted, not named (the staffing cuts of
``cuts.py`` make it staffable by name)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from tuoyu.models.sessions import Center, Session
from tuoyu.optimizer.sessions import goals, rules
from tuoyu.optimizer.sessions.cuts import CutBuilder
from tuoyu.optimizer.sessions.problem import SessionProblem, sessions_needed
from tuoyu.optimizer.sessions.rules import CenterVars, EventVars, Guards


@dataclass
class CalendarModel:
    model: cp_model.CpModel
    centers: list[CenterVars]
    events: list[EventVars]
    terms: dict[str, list[cp_model.LinearExprT]]
    guards: Guards
    cuts: CutBuilder = field(init=False)

    def __post_init__(self) -> None:
        self.cuts = CutBuilder(self.model, self.centers, self.events)


def _center_rules(
    m: cp_model.CpModel, p: SessionProblem, cv: CenterVars, n: int, guards: Guards
) -> dict[str, list]:
    c = cv.center
    name = f"{c.name}({c.center_id})"
    rules.sessions_on_open_days(m, p, cv, n)
    rules.no_two_sessions_within_28_days(m, p, cv, guards(f"gap:{c.center_id}:{name}"))
    rules.each_session_in_one_month(m, p, cv)
    rules.every_quarter_has_a_session(m, p, cv, guards(f"quarter:{c.center_id}:{name}"))
    rules.topics_vary(m, p, cv, guards(f"topics:{c.center_id}:{name}"))
    moved, topic_changed = goals.keep_what_was_planned(m, p, cv)
    return {
        "spacing": goals.even_spacing(m, p, cv),
        "moved": moved,
        "topic_changed": topic_changed,
        "quarters": goals.sessions_in_three_quarters(m, p, cv),
    }


def build_calendar(
    p: SessionProblem,
    explain: bool = False,
    centers: list[Center] | None = None,
    with_events: bool = True,
    used: dict | None = None,
    steer: bool = True,
    goals_at_most: int | None = None,
) -> CalendarModel:
    """The calendar model of all centers (or a part of them, given what other parts use).
    With ``explain``, every rule group is guarded by an assumption literal and the
    objective is left out; ``steer=False`` leaves out the partners' steering;
    ``goals_at_most``: the calendar goals the plan counts (``calendar_goals_at_most``)
    cost at most that."""
    m = cp_model.CpModel()
    guards = Guards(m, explain)
    cvs: list[CenterVars] = []
    terms: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
    for c in p.data.centers if centers is None else centers:
        cv = CenterVars(center=c, days=p.open_days(c), fixed=p.fixed_of(c))
        n = sessions_needed(p, c, cv.fixed)
        cvs.append(cv)
        if n and not cv.days:
            rules._never(m, guards(f"open:{c.center_id}"))
            continue
        for k, v in _center_rules(m, p, cv, n, guards).items():
            terms[k] += v
    evs = []
    for e in p.data.events if with_events else ():
        ev = EventVars(event=e, team=p.event_team(e))
        done = sum(1 for s in p.fixed if s.event_id == e.event_id)
        rules.each_event_happens(m, p, ev, max(0, e.count - done), guards(f"event:{e.event_id}"))
        terms["moved"] += goals.keep_events_where_they_were(m, p, ev)
        evs.append(ev)
    rules.staff_suffice_per_half_day_and_month(m, p, cvs, evs, guards, used)
    a = CalendarModel(m, cvs, evs, terms, guards)
    if explain:
        return a
    terms["weekend"] += goals.weekend_share(m, p, cvs)
    if p.rules.month_model:
        terms["month_share"] += goals.months_near_their_share(m, p, cvs)
    terms["event_spread"] += goals.events_spread_through_the_year(m, p, evs)
    lead_terms, trip_terms = goals.same_lead_at_a_center(m, p, cvs, used, steer)
    terms["other_lead"] += lead_terms
    terms["trips"] += trip_terms  # weighted already (weight 1)
    w = p.rules.weights
    m.minimize(
        sum(getattr(w, k, 1) * cp_model.LinearExpr.sum(v) for k, v in sorted(terms.items()) if v)
    )
    if goals_at_most is not None:
        calendar_goals_at_most(a, p, goals_at_most)
    return a


def calendar_goals_at_most(a: CalendarModel, p: SessionProblem, most: int) -> None:
    """The plan's goals the calendar decides (moved, topic changed, spacing, weekend,
    month share, events spread, quarters; not the steering estimates ``other_lead`` and
    ``trips``), weighted, at most ``most``. Each model term is at least what the plan
    counts for its calendar (the plan's month share counts the disciplines' months too),
    so every calendar whose plan pays at most ``most`` for them is still a solution:
    with ``most`` the whole bound less the team goals' bound, no plan at the bound is
    lost."""
    w = p.rules.weights
    plan_goals = [k for k in goals.PLAN_GOALS if k not in goals.TEAM_GOALS and a.terms.get(k)]
    a.model.add(
        sum(getattr(w, k) * cp_model.LinearExpr.sum(a.terms[k]) for k in plan_goals) <= most
    )


def extract(p: SessionProblem, a: CalendarModel, solver: cp_model.CpSolver) -> list[Session]:
    """The calendar's sessions and event occurrences (no staff yet), in model order."""
    out: list[Session] = []
    for cv in a.centers:
        for i in range(cv.n):
            slot = solver.value(cv.slot[i])
            k = next(k for k in range(len(p.data.topics)) if solver.value(cv.topic[i, k]))
            out.append(
                Session(
                    date=p.date(slot // 2),
                    half=slot % 2,
                    center_id=cv.center.center_id,
                    topic_id=p.data.topics[k].topic_id,
                )
            )
    for ev in a.events:
        for s in ev.slot:
            slot = solver.value(s)
            out.append(Session(date=p.date(slot // 2), half=slot % 2, event_id=ev.event.event_id))
    return out


def goal_values(a: CalendarModel, solver: cp_model.CpSolver) -> dict[str, int]:
    """The calendar goals' values in a solution."""
    return {
        name: int(sum(t if isinstance(t, int) else solver.value(t) for t in terms))
        for name, terms in a.terms.items()
    }


def used_by(p: SessionProblem, sessions: list[Session], led: dict) -> dict:
    """What a part of a decomposed calendar takes from the staff (counted), for the next
    parts: people per (discipline, slot) and (discipline, month); home leads' slots."""
    out: dict = defaultdict(int)
    for s in sessions:
        slot = 2 * p.day(s.date) + s.half
        for d, k in p.team_of(s).items():
            out["slot", d, slot] += k
            out["month", d, s.date.month] += k
        for sid in led.get((s.date, s.half, s.center_id), ()):
            out.setdefault(("slots", sid), set()).add(slot)
            out["month", sid, s.date.month] += 1
    return out


def led_sessions(a: CalendarModel, solver: cp_model.CpSolver, p: SessionProblem) -> dict:
    """(date, half, center) -> the named people (home lead, partner) the calendar counted
    free for that session."""
    out: dict[tuple, list[str]] = defaultdict(list)
    for cv in a.centers:
        cid = cv.center.center_id
        for i in range(cv.n):
            slot = solver.value(cv.slot[i])
            key = (p.date(slot // 2), slot % 2, cid)
            named = [(p.home_lead.get(cid), cv.led[i]), *cv.partnered[i]]
            for sid, lit in named:
                if not isinstance(lit, int) and solver.value(lit) and sid:
                    out[key].append(sid)
    return out

