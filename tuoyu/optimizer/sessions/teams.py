"""Stage B, the teams: with the calendar fixed, name the people of every session and event
occurrence. Hard: each place gets people of its discipline available that day, nobody in
two places per half-day, monthly limits. Soft: near home, balanced load, the home lead
leading, a re-plan's teams kept.

The calendar comes out of the staffing cuts, so the teams exist (``cuts.check_staffing``
names one valid set by max-flow): it is the fallback when the solver runs out of time.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from tuoyu.models.sessions import Session
from tuoyu.optimizer.sessions import rules
from tuoyu.optimizer.sessions.problem import DISCIPLINES, SessionProblem, near


@dataclass(frozen=True)
class Role:
    """One place in a team: a discipline, how many, at a session or an event occurrence."""

    key: int  # index of the session in the plan
    discipline: str
    count: int
    lead: bool


@dataclass
class TeamModel:
    model: cp_model.CpModel
    roles: list[Role]
    x: dict[int, dict[str, cp_model.IntVar]]
    terms: dict[str, list[cp_model.LinearExprT]]


def roles_of(p: SessionProblem, plan: list[Session]) -> list[Role]:
    out = []
    for k, s in enumerate(plan):
        for d, n in p.team_of(s).items():
            out.append(Role(k, d, n, bool(s.center_id) and d == "education"))
    return out


def candidates(p: SessionProblem, s: Session, role: Role, restrict: bool) -> list:
    """People who can fill a place; with ``restrict`` on a big pool: the home lead, the own
    and neighbouring streets' people and a seeded (hashed) sample of the others."""
    day = p.day(s.date)
    cands = [st for st in p.pools[role.discipline] if day in p.available_days[st.staff_id]]
    if not restrict or len(cands) <= p.rules.max_candidates:
        return cands
    street = _street(p, s)
    home = p.home_lead.get(s.center_id) if role.lead else None
    near_c = [st for st in cands if st.staff_id == home or near(p, st.street_id, street) < 2]
    taken = {st.staff_id for st in near_c}
    rest = sorted(
        (st for st in cands if st.staff_id not in taken),
        key=lambda st: p.priority("candidate", role.key, role.discipline, st.staff_id),
    )
    return near_c + rest[: p.rules.max_candidates]


def _street(p: SessionProblem, s: Session) -> str:
    if not s.center_id:
        return ""
    return next(c.street_id for c in p.data.centers if c.center_id == s.center_id)


def build_teams(
    p: SessionProblem,
    plan: list[Session],
    restrict: bool,
    prior_load: dict[str, int] | None = None,
    hint: dict[int, list[str]] | None = None,
) -> TeamModel:
    """The team model; ``prior_load`` is what earlier months gave each person when the
    teams are named month by month (balance then counts the year so far); ``hint`` a
    valid assignment (people per role) to start from."""
    m = cp_model.CpModel()
    roles = roles_of(p, plan)
    x: dict[int, dict[str, cp_model.IntVar]] = {}
    by_slot: dict[tuple[str, int], list] = defaultdict(list)
    by_month: dict[tuple[str, int], list] = defaultdict(list)
    terms: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
    old = {(s.date, s.half, s.center_id, s.event_id): s for s in p.was_planned}
    for r_i, role in enumerate(roles):
        s = plan[role.key]
        slot, street = 2 * p.day(s.date) + s.half, _street(p, s)
        xs = {}
        for st in candidates(p, s, role, restrict):
            v = m.new_bool_var(f"x_{r_i}_{st.staff_id}")
            xs[st.staff_id] = v
            by_slot[st.staff_id, slot].append(v)
            by_month[st.staff_id, s.date.month].append(v)
            d = near(p, st.street_id, street)
            if d:
                terms["far" if d == 2 else "neighbour"].append(v)
        x[r_i] = xs
        if role.lead:
            home = p.home_lead.get(s.center_id)
            terms["extra_lead"].append(1 - xs[home] if home in xs else 1)
        prev = old.get((s.date, s.half, s.center_id, s.event_id))
        kept = [xs[sid] for sid in (prev.staff_ids if prev else ()) if sid in xs]
        if kept:
            terms["staff_changed"].append(min(role.count, len(kept)) - sum(kept))
    rules.each_place_filled_by_available_staff(m, roles, x)
    rules.staff_in_one_place_per_half_day(m, by_slot)
    rules.staff_within_monthly_limit(m, p, by_month)
    terms["load"] += balanced_load(m, p, roles, by_month, prior_load or {})
    w = p.rules.weights
    m.minimize(
        sum(getattr(w, k) * cp_model.LinearExpr.sum(v) for k, v in sorted(terms.items()) if v)
    )
    for r_i, xs in x.items():
        chosen = set((hint or {}).get(r_i, ()))
        for sid, v in xs.items():
            m.add_hint(v, sid in chosen)
    return TeamModel(m, roles, x, terms)


def balanced_load(
    m: cp_model.CpModel,
    p: SessionProblem,
    roles: list[Role],
    by_month: dict[tuple[str, int], list],
    prior_load: dict[str, int],
) -> list[cp_model.LinearExprT]:
    """Soft: per discipline, sessions above a fair share of the year (so far)."""
    per_staff: dict[str, list] = defaultdict(list)
    for (sid, _), vs in sorted(by_month.items()):
        per_staff[sid] += vs
    out: list[cp_model.LinearExprT] = []
    for d in DISCIPLINES:
        pool = p.pools[d]
        demand = sum(r.count for r in roles if r.discipline == d)
        demand += sum(prior_load.get(s.staff_id, 0) for s in pool)
        if not pool or not demand:
            continue
        fair = math.ceil(demand / len(pool))
        for st in pool:
            lits = per_staff.get(st.staff_id, [])
            before = prior_load.get(st.staff_id, 0)
            if before + len(lits) > fair:
                over = m.new_int_var(0, before + len(lits), "over")
                m.add(over >= before + sum(lits) - fair)
                out.append(over)
    return out


def flow_hint(
    p: SessionProblem, plan: list[Session], roles: list[Role], teams: dict[int, dict]
) -> dict[int, list[str]]:
    """The max-flow teams (session -> discipline -> people) as people per role."""
    return {r_i: list(teams[role.key][role.discipline]) for r_i, role in enumerate(roles)}


def greedy_hint(p: SessionProblem, plan: list[Session], roles: list[Role]) -> dict | None:
    """A cheap first guess: half-day by half-day, the home lead or the nearest free person
    with room left in the month. Returned when it fills every place, else None."""
    staff = {s.staff_id: s for s in p.data.staff}
    left: dict[tuple[str, int], int] = {}
    busy: set[tuple[str, int]] = set()
    out: dict[int, list[str]] = {}
    order = sorted(
        range(len(roles)), key=lambda r: (plan[roles[r].key].date, plan[roles[r].key].half, r)
    )
    for r_i in order:
        role = roles[r_i]
        s = plan[role.key]
        slot, street = 2 * p.day(s.date) + s.half, _street(p, s)
        home = p.home_lead.get(s.center_id, "") if role.lead else ""
        cands = sorted(
            candidates(p, s, role, False),
            key=lambda st: (st.staff_id != home, near(p, st.street_id, street), st.staff_id),
        )
        picked = out.setdefault(r_i, [])
        for st in cands:
            key = (st.staff_id, s.date.month)
            room = left.setdefault(key, p.room(staff[st.staff_id], s.date.month))
            if len(picked) < role.count and room > 0 and (st.staff_id, slot) not in busy:
                left[key] = room - 1
                busy.add((st.staff_id, slot))
                picked.append(st.staff_id)
        if len(picked) < role.count:
            return None
    return out


def assignment(t: TeamModel, solver: cp_model.CpSolver) -> dict[int, list[str]]:
    return {r_i: [sid for sid, v in xs.items() if solver.value(v)] for r_i, xs in t.x.items()}


def staff_of_sessions(roles: list[Role], result: dict[int, list[str]]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for r_i, people in sorted(result.items()):
        out[roles[r_i].key] += people
    return out
