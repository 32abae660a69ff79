"""The monthly inspection roster (双随机): which institutions, which day, which team.

Two steps, both reproducible from the seed:

1. **The draw** (:func:`build_problem`, pure Python, no solver): mandatory visits
   (follow-ups of a ``rectify``/``fail`` outcome within 30 days, high-risk institutions
   not seen for half a year), a random weighted draw from the directory of institutions
   (high-risk and newly opened weigh more), and the share of not-yet-inspected
   institutions this month must take so that the rest of the year stays feasible with the
   capacity left (the months ahead planned coarsely: their inspector capacity after leave).
2. **The roster** (:func:`solve_roster`, CP-SAT): the day and the team of every visit.
   Hard rules are constraints; soft goals are weighted terms, minimised first; then a
   seeded random priority over (visit, inspector) and (visit, day) pairs picks one roster
   among the equally good ones. With distinct priorities and a proven optimum the roster is
   unique, so it does not depend on the solver's threads; a third solve proves uniqueness.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from tuoyu.models.calendar import month_bounds
from tuoyu.models.errors import InfeasibleError, TimeLimitError
from tuoyu.models.inspection import InspectionData, Inspector, Institution, PastInspection
from tuoyu.optimizer.draw import draw_key, hashed_int
from tuoyu.optimizer.solve import STATUS, ProgressFn, SoftCost, SolveParams, SolveStats, solve

REASONS_ZH = {
    "follow_up": "整改复查",
    "high_risk": "高风险",
    "drawn": "随机抽取",
    "coverage": "年度全覆盖",
}
MONTH_EN = ["", "January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December"]  # fmt: skip


@dataclass(frozen=True)
class RosterWeights:
    """Weights of the soft goals, in one place. Each is reported back with its cost."""

    return_to_last_institution: int = 1000
    extra_team_member: int = 50
    team_day_in_far_streets: int = 20
    load_above_fair_share: int = 10
    busiest_day: int = 5


@dataclass(frozen=True)
class RosterRules:
    """The rules of the roster; each is configurable where a district would differ."""

    min_team: int = 2  # Administrative Penalty Law art. 42: at least two officers
    max_team: int = 3
    required_skills: tuple[str, ...] = ("safety", "hygiene")
    min_departments: int = 2  # joint inspection
    follow_up_outcomes: tuple[str, ...] = ("rectify", "fail")
    follow_up_days: int = 30
    overdue_within: int = 5  # working days in which an overdue follow-up is put
    draw_share: float = 0.10  # share of active institutions drawn at random each month
    high_risk_weight: int = 3
    new_weight: int = 2
    new_within_days: int = 365
    high_risk_interval_days: int | None = 182  # high-risk: on site at least twice a year
    avoid_last_team: bool = True
    # 双随机: each inspection's team is chosen among this many inspectors drawn at random
    # from those allowed (widened when the shortlists leave no roster); None: all of them
    shortlist: int | None = 12
    weights: RosterWeights = field(default_factory=RosterWeights)

    def as_dict(self) -> dict[str, object]:
        from dataclasses import asdict

        return asdict(self)


@dataclass(frozen=True)
class Visit:
    """One inspection to staff this month, and why it is there."""

    institution_id: str
    street_id: str
    reason: str  # follow_up | high_risk | drawn | coverage
    deadline: dt.date | None = None
    last_team: tuple[str, ...] = ()
    note: str = ""
    earliest: dt.date | None = None  # opening day, when the institution opens this month


@dataclass(frozen=True)
class DrawEntry:
    institution_id: str
    weight: int
    key: int
    drawn: bool


@dataclass(frozen=True)
class RosterProblem:
    """An immutable instance: the month, its visits, the pool and the rules."""

    year: int
    month: int
    seed: int
    days: tuple[dt.date, ...]
    visits: tuple[Visit, ...]
    inspectors: tuple[Inspector, ...]
    available: dict[str, tuple[dt.date, ...]]  # inspector -> working days not on leave
    recused: frozenset[tuple[str, str]]  # (institution_id, inspector_id)
    neighbours: dict[str, frozenset[str]]
    rules: RosterRules
    draw: tuple[DrawEntry, ...] = ()
    coverage: dict[str, object] = field(default_factory=dict)
    findings: tuple[str, ...] = ()
    institutions: dict[str, Institution] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{MONTH_EN[self.month]} {self.year}"


@dataclass(frozen=True)
class RosterRow:
    date: dt.date
    institution_id: str
    street_id: str
    inspector_ids: tuple[str, ...]
    reason: str
    note: str = ""


@dataclass
class RosterPlan:
    problem: RosterProblem
    rows: list[RosterRow]
    stats: SolveStats
    soft: list[SoftCost]
    findings: list[str]
    unique: bool | None = None  # proven unique optimum (None: not checked)

    @property
    def deterministic(self) -> bool:
        """The roster does not depend on solver threads or timing."""
        return self.stats.status == "optimal" and self.unique is not False


# --------------------------------------------------------------------------- the draw


def inspector_capacity(insp: Inspector, days: list[dt.date] | tuple[dt.date, ...]) -> int:
    """Inspector-visits one inspector can give over ``days`` (already without leave)."""
    return min(insp.max_per_month, len(days) * insp.max_per_day)


def available_days(
    data: InspectionData, start: dt.date, end: dt.date
) -> tuple[tuple[dt.date, ...], dict[str, tuple[dt.date, ...]]]:
    """Working days of the period, and each inspector's working days not on leave."""
    days = tuple(data.calendar.workdays(start, end))
    leave = defaultdict(list)
    for lv in data.leave:
        leave[lv.person_id].append(lv)
    avail = {
        p.inspector_id: tuple(
            d for d in days if not any(lv.covers(d) for lv in leave[p.inspector_id])
        )
        for p in data.inspectors
    }
    return days, avail


def month_visit_capacity(data: InspectionData, year: int, month: int, rules: RosterRules) -> int:
    """Coarse capacity of a month in visits: the pool's inspector-visits after leave and
    limits, divided by the team size, and no more than the skilled inspectors can cover."""
    start, end = month_bounds(year, month)
    _, avail = available_days(data, start, end)
    caps = {p.inspector_id: inspector_capacity(p, avail[p.inspector_id]) for p in data.inspectors}
    total = sum(caps.values()) // rules.min_team
    per_skill = [
        sum(c for p in data.inspectors if s in p.skills for c in [caps[p.inspector_id]])
        for s in rules.required_skills
    ]
    return min([total, *per_skill])


def build_problem(
    data: InspectionData,
    year: int,
    month: int,
    seed: int,
    rules: RosterRules | None = None,
) -> RosterProblem:
    """The month's visits (the draw) and the pool that can staff them.

    ``data.history`` holds past inspections and rosters already made (outcome
    ``planned``); they count for the year's coverage, the last team and follow-ups.
    """
    rules = rules or RosterRules()
    start, end = month_bounds(year, month)
    year_start = dt.date(year, 1, 1)
    days, avail = available_days(data, start, end)
    findings: list[str] = list(data.calendar.warnings([year]))

    active = [
        i for i in data.institutions
        if i.active and (i.opened_on is None or i.opened_on <= end)
    ]  # fmt: skip
    past = sorted(
        (h for h in data.history if h.date < start), key=lambda h: (h.date, h.institution_id)
    )
    last: dict[str, PastInspection] = {}
    for h in past:
        last[h.institution_id] = h
    covered = {h.institution_id for h in past if h.date >= year_start}

    visits: dict[str, Visit] = {}
    # follow-ups: a rectify/fail outcome is checked again within 30 days
    for inst in active:
        h = last.get(inst.institution_id)
        if h is None or h.outcome not in rules.follow_up_outcomes:
            continue
        due = h.date + dt.timedelta(days=rules.follow_up_days)
        if due > end:
            continue
        note = f"{h.outcome} on {h.date.isoformat()}, re-inspect by {due.isoformat()}"
        if due < start:
            findings.append(
                f"Follow-up of {inst.institution_id} {inst.name} was due on {due.isoformat()} "
                f"and is overdue; it is put on the first working days of the month."
            )
        visits[inst.institution_id] = Visit(
            inst.institution_id, inst.street_id, "follow_up", due, h.inspector_ids, note
        )
    # high-risk institutions not seen on site for half a year
    if rules.high_risk_interval_days is not None:
        for inst in active:
            if inst.risk != "high" or inst.institution_id in visits:
                continue
            h = last.get(inst.institution_id)
            if h is None or (end - h.date).days >= rules.high_risk_interval_days:
                seen = "never inspected" if h is None else f"last on site {h.date.isoformat()}"
                visits[inst.institution_id] = Visit(
                    inst.institution_id, inst.street_id, "high_risk", None,
                    h.inspector_ids if h else (), f"high risk, {seen}",
                )  # fmt: skip

    # the random draw from the directory (双随机), beyond the mandatory visits
    def weight(inst: Institution) -> int:
        w = 1
        if inst.risk == "high":
            w *= rules.high_risk_weight
        if inst.opened_on is not None and (end - inst.opened_on).days <= rules.new_within_days:
            w *= rules.new_weight
        return w

    pool = [i for i in active if i.institution_id not in visits]
    n_draw = min(len(pool), round(rules.draw_share * len(active)))
    keys = {
        i.institution_id: draw_key(seed, f"draw:{year}-{month:02d}", i.institution_id, weight(i))
        for i in pool
    }
    order = sorted(pool, key=lambda i: (-keys[i.institution_id], i.institution_id))
    drawn_ids = {i.institution_id for i in order[:n_draw]}
    draw_record = tuple(
        DrawEntry(
            i.institution_id, weight(i), keys[i.institution_id], i.institution_id in drawn_ids
        )
        for i in order
    )
    for inst in order[:n_draw]:
        h = last.get(inst.institution_id)
        visits[inst.institution_id] = Visit(
            inst.institution_id, inst.street_id, "drawn", None,
            h.inspector_ids if h else (), f"drawn at random (weight {weight(inst)})",
        )  # fmt: skip

    # coverage: every active institution on site at least once in the calendar year
    uncovered = [i for i in active if i.institution_id not in covered]
    left = [i for i in uncovered if i.institution_id not in visits]
    months_left = 12 - month + 1
    future_cap = 0
    future_openings = sum(
        1 for i in data.institutions
        if i.active and i.opened_on is not None and end < i.opened_on <= dt.date(year, 12, 31)
    )  # fmt: skip
    future_detail = []
    for m in range(month + 1, 13):
        cap = month_visit_capacity(data, year, m, rules)
        expected_draw = round(rules.draw_share * len(active))
        usable = max(0, cap - expected_draw)
        future_detail.append(
            {"month": m, "capacity": cap, "drawn": expected_draw, "for_coverage": usable}
        )
        future_cap += usable
    must_now = max(0, len(left) + future_openings - future_cap)
    pace = math.ceil(len(left) / months_left) if left else 0
    now_cap = month_visit_capacity(data, year, month, rules) - len(visits)
    quota = min(len(left), max(must_now, min(pace, max(0, now_cap))))
    if month == 12:
        quota = len(left)
    ckeys = {
        i.institution_id: draw_key(
            seed, f"coverage:{year}-{month:02d}", i.institution_id, weight(i)
        )
        for i in left
    }
    left_order = sorted(left, key=lambda i: (-ckeys[i.institution_id], i.institution_id))
    for inst in left_order[:quota]:
        h = last.get(inst.institution_id)
        visits[inst.institution_id] = Visit(
            inst.institution_id, inst.street_id, "coverage", None,
            h.inspector_ids if h else (), f"not yet inspected in {year}",
        )  # fmt: skip
    coverage = {
        "active": len(active),
        "covered_before_month": len(covered & {i.institution_id for i in active}),
        "uncovered_before_month": len(uncovered),
        "uncovered_after_draw": len(left),
        "coverage_quota": quota,
        "must_now": must_now,
        "pace": pace,
        "months_left": months_left,
        "future_capacity_for_coverage": future_cap,
        "future_openings": future_openings,
        "future_months": future_detail,
        "left_after_month": len(left) - quota,
    }
    if left:
        findings.append(
            f"{len(uncovered)} active institutions had no on-site inspection in {year} before "
            f"{MONTH_EN[month]}; this roster covers "
            f"{len(uncovered) - len(left) + quota} of them ({quota} for coverage, "
            f"{len(uncovered) - len(left)} through the draw or mandatory visits)"
            + (
                f"; {len(left) - quota} remain for the {months_left - 1} months ahead, which "
                f"can take about {future_cap}."
                if month < 12
                else f": every active institution is on site in {year}."
            )
        )

    recused: set[tuple[str, str]] = set()
    inst_by_id = {i.institution_id: i for i in data.institutions}
    by_operator = defaultdict(list)
    for i in data.institutions:
        if i.operator:
            by_operator[i.operator].append(i.institution_id)
    for c in data.conflicts:
        if c.institution_id:
            recused.add((c.institution_id, c.inspector_id))
        if c.operator:
            for iid in by_operator.get(c.operator, []):
                recused.add((iid, c.inspector_id))

    for iid, visit in list(visits.items()):
        opened = inst_by_id[iid].opened_on
        if opened is not None and opened > start:
            visits[iid] = replace(visit, earliest=opened)
    ordered = sorted(visits.values(), key=lambda v: v.institution_id)
    return RosterProblem(
        year=year,
        month=month,
        seed=seed,
        days=days,
        visits=tuple(ordered),
        inspectors=tuple(sorted(data.inspectors, key=lambda p: p.inspector_id)),
        available=avail,
        recused=frozenset(recused),
        neighbours={s.street_id: frozenset(s.neighbours) for s in data.streets},
        rules=rules,
        draw=draw_record,
        coverage=coverage,
        findings=tuple(findings),
        institutions={v.institution_id: inst_by_id[v.institution_id] for v in ordered},
    )


# ------------------------------------------------------------------------ the model


@dataclass
class _Vars:
    x: dict[tuple[int, int], cp_model.IntVar]  # (visit, day) -> on that day
    a: dict[tuple[int, int], cp_model.IntVar]  # (visit, inspector) -> in the team
    z: dict[tuple[int, int, int], cp_model.IntVar]  # (visit, inspector, day)
    happens: dict[int, cp_model.LinearExpr]


def _deadline_index(problem: RosterProblem, visit: Visit) -> int | None:
    """Index of the last day a follow-up may take place; an overdue one goes within the
    month's first ``overdue_within`` working days."""
    if visit.deadline is None:
        return None
    if not problem.days:
        return None
    if visit.deadline < dt.date(problem.year, problem.month, 1):  # overdue already
        return min(len(problem.days), problem.rules.overdue_within) - 1
    ok = [k for k, d in enumerate(problem.days) if d <= visit.deadline]
    return ok[-1] if ok else 0


def _earliest_index(problem: RosterProblem, visit: Visit) -> int:
    """Index of the first day a visit may take place (an institution opening this month
    is not inspected before it opens)."""
    if visit.earliest is None:
        return 0
    ok = [k for k, d in enumerate(problem.days) if d >= visit.earliest]
    return ok[0] if ok else len(problem.days)


def make_variables(
    model: cp_model.CpModel,
    problem: RosterProblem,
    day_of: dict[int, int] | None = None,
    allowed: dict[int, set[int]] | None = None,
) -> _Vars:
    """Variables of the full model; with ``day_of`` (visit -> day index) only those of the
    fixed days, and only inspectors at work then, free of conflicts and (with ``allowed``)
    on the visit's shortlist: a small model."""
    day_index = {d: k for k, d in enumerate(problem.days)}
    x, a, z = {}, {}, {}
    for v, visit in enumerate(problem.visits):
        ks = range(len(problem.days)) if day_of is None else [day_of[v]]
        for k in ks:
            x[v, k] = model.new_bool_var(f"x_{v}_{k}")
        for p, insp in enumerate(problem.inspectors):
            if allowed is not None and p not in allowed[v]:
                continue
            days = [day_index[d] for d in problem.available[insp.inspector_id]]
            if day_of is not None:
                if day_of[v] not in days or (visit.institution_id, insp.inspector_id) in (
                    problem.recused
                ):
                    continue
                a[v, p] = z[v, p, day_of[v]] = model.new_bool_var(f"a_{v}_{p}")
                continue
            a[v, p] = model.new_bool_var(f"a_{v}_{p}")
            for k in days:
                z[v, p, k] = model.new_bool_var(f"z_{v}_{p}_{k}")
    happens = {
        v: cp_model.LinearExpr.sum([x[v, k] for k in range(len(problem.days)) if (v, k) in x])
        for v in range(len(problem.visits))
    }
    if day_of is None:  # linking: in a team iff working the visit's day on it
        by_vp: dict[tuple[int, int], list] = defaultdict(list)
        for (v, p, k), var in z.items():
            by_vp[v, p].append(var)
            model.add_implication(var, x[v, k])
        for (v, p), var in a.items():
            model.add(var == cp_model.LinearExpr.sum(by_vp.get((v, p), [])))
    for v in range(len(problem.visits)):
        model.add(happens[v] <= 1)
    return _Vars(x, a, z, happens)


def shortlists(
    problem: RosterProblem, day_of: dict[int, int], size: int | None
) -> dict[int, set[int]] | None:
    """双随机 for inspectors: per inspection, ``size`` inspectors drawn at random (seeded)
    from those at work that day and free of conflicts, the last team drawn last; widened
    until the shortlist holds every required skill and enough departments."""
    if size is None:
        return None
    r = problem.rules
    out: dict[int, set[int]] = {}
    for v, visit in enumerate(problem.visits):
        day = problem.days[day_of[v]]
        pool = [
            p for p, i in enumerate(problem.inspectors)
            if day in problem.available[i.inspector_id]
            and (visit.institution_id, i.inspector_id) not in problem.recused
        ]  # fmt: skip
        last = set(visit.last_team)
        pool.sort(key=lambda p: (
            problem.inspectors[p].inspector_id in last,
            -hashed_int(problem.seed, "shortlist", visit.institution_id,
                        problem.inspectors[p].inspector_id),
        ))  # fmt: skip
        chosen = pool[:size]
        for skill in r.required_skills:
            if not any(skill in problem.inspectors[p].skills for p in chosen):
                chosen += [p for p in pool if skill in problem.inspectors[p].skills][:1]
        for p in pool:
            if len({problem.inspectors[q].department for q in chosen}) >= r.min_departments:
                break
            if problem.inspectors[p].department not in {
                problem.inspectors[q].department for q in chosen
            }:
                chosen.append(p)
        out[v] = set(chosen)
    return out


Lit = cp_model.IntVar | None


def _enforce(ct: cp_model.Constraint, lit: Lit) -> None:
    if lit is not None:
        ct.only_enforce_if(lit)


def every_visit_happens_on_a_working_day(
    model: cp_model.CpModel, problem: RosterProblem, var: _Vars, lits: dict[str, Lit]
) -> None:
    """Each drawn, follow-up, high-risk and coverage visit takes place once this month."""
    for v, visit in enumerate(problem.visits):
        _enforce(model.add(var.happens[v] == 1), lits.get(f"visits:{visit.reason}"))


def team_of_at_least_two(
    model: cp_model.CpModel, problem: RosterProblem, var: _Vars, lit: Lit
) -> None:
    """At least ``min_team`` inspectors a visit (Administrative Penalty Law art. 42)."""
    r = problem.rules
    for v in range(len(problem.visits)):
        team = cp_model.LinearExpr.sum(
            [var.a[v, p] for p in range(len(problem.inspectors)) if (v, p) in var.a]
        )
        _enforce(model.add(team >= r.min_team * var.happens[v]), lit)
        _enforce(model.add(team <= r.max_team * var.happens[v]), lit)


def team_covers_safety_and_hygiene(
    model: cp_model.CpModel, problem: RosterProblem, var: _Vars, lit: Lit
) -> None:
    """Every team has someone for each required skill (safety, hygiene)."""
    for skill in problem.rules.required_skills:
        skilled = [p for p, i in enumerate(problem.inspectors) if skill in i.skills]
        for v in range(len(problem.visits)):
            expr = cp_model.LinearExpr.sum([var.a[v, p] for p in skilled if (v, p) in var.a])
            _enforce(model.add(expr >= var.happens[v]), lit)


def team_draws_on_two_departments(
    model: cp_model.CpModel, problem: RosterProblem, var: _Vars, lit: Lit
) -> None:
    """Joint inspection: a team draws on at least ``min_departments`` departments."""
    depts: dict[str, list[int]] = defaultdict(list)
    for p, insp in enumerate(problem.inspectors):
        depts[insp.department].append(p)
    for v in range(len(problem.visits)):
        used = []
        for dept, members in sorted(depts.items()):
            u = model.new_bool_var(f"dept_{v}_{dept}")
            model.add(
                u <= cp_model.LinearExpr.sum([var.a[v, p] for p in members if (v, p) in var.a])
            )
            used.append(u)
        need = problem.rules.min_departments * var.happens[v]
        _enforce(model.add(cp_model.LinearExpr.sum(used) >= need), lit)


def within_daily_limit(
    model: cp_model.CpModel, problem: RosterProblem, var: _Vars, lit: Lit
) -> None:
    """No inspector does more visits in a day than their daily limit."""
    per_day: dict[tuple[int, int], list] = defaultdict(list)
    for (_v, p, k), z in var.z.items():
        per_day[p, k].append(z)
    for (p, _k), zs in per_day.items():
        limit = problem.inspectors[p].max_per_day
        if len(zs) > limit:
            _enforce(model.add(cp_model.LinearExpr.sum(zs) <= limit), lit)


def within_monthly_limit(
    model: cp_model.CpModel, problem: RosterProblem, var: _Vars, lit: Lit
) -> None:
    """No inspector does more visits in the month than their monthly limit."""
    for p, insp in enumerate(problem.inspectors):
        load = cp_model.LinearExpr.sum(
            [var.a[v, p] for v in range(len(problem.visits)) if (v, p) in var.a]
        )
        _enforce(model.add(load <= insp.max_per_month), lit)


def no_conflict_of_interest(
    model: cp_model.CpModel, problem: RosterProblem, var: _Vars, lit: Lit
) -> None:
    """Recusal (回避, art. 43): never inspect an institution, or an operator's institutions,
    where one has a conflict of interest."""
    for v, visit in enumerate(problem.visits):
        for p, insp in enumerate(problem.inspectors):
            if (visit.institution_id, insp.inspector_id) in problem.recused and (v, p) in var.a:
                _enforce(model.add(var.a[v, p] == 0), lit)


def follow_up_within_deadline(
    model: cp_model.CpModel, problem: RosterProblem, var: _Vars, lit: Lit
) -> None:
    """A rectify/fail outcome is inspected again within ``follow_up_days`` days."""
    for v, visit in enumerate(problem.visits):
        last = _deadline_index(problem, visit)
        if last is None:
            continue
        for k in range(last + 1, len(problem.days)):
            if (v, k) in var.x:
                _enforce(model.add(var.x[v, k] == 0), lit)


def not_before_opening(
    model: cp_model.CpModel, problem: RosterProblem, var: _Vars, lit: Lit
) -> None:
    """An institution that opens during the month is inspected on or after its opening."""
    for v, visit in enumerate(problem.visits):
        first = _earliest_index(problem, visit)
        for k in range(first):
            if (v, k) in var.x:
                _enforce(model.add(var.x[v, k] == 0), lit)


# soft goals: each returns its penalty expression


def no_return_to_last_institution(
    model: cp_model.CpModel, problem: RosterProblem, var: _Vars
) -> cp_model.LinearExpr:
    """Inspectors of the last visit do not return, where the pool allows it."""
    if not problem.rules.avoid_last_team:
        return cp_model.LinearExpr.constant(0)
    index = {p.inspector_id: k for k, p in enumerate(problem.inspectors)}
    terms = [
        var.a[v, index[pid]]
        for v, visit in enumerate(problem.visits)
        for pid in visit.last_team
        if pid in index and (v, index[pid]) in var.a
    ]
    return cp_model.LinearExpr.sum(terms)


def small_teams(model: cp_model.CpModel, problem: RosterProblem, var: _Vars) -> cp_model.LinearExpr:
    """Team members beyond the minimum (kept for when skills or departments need them)."""
    total = cp_model.LinearExpr.sum(list(var.a.values()))
    need = problem.rules.min_team * cp_model.LinearExpr.sum(list(var.happens.values()))
    return total - need


def balanced_workload(
    model: cp_model.CpModel, problem: RosterProblem, var: _Vars
) -> cp_model.LinearExpr:
    """Visits above each inspector's fair share (the month's inspector-visits spread evenly
    over the inspectors at work), summed: linear, so the solver proves it fast."""
    at_work = [p for p, i in enumerate(problem.inspectors) if problem.available[i.inspector_id]]
    if not at_work:
        return cp_model.LinearExpr.constant(0)
    fair = math.ceil(problem.rules.min_team * len(problem.visits) / len(at_work))
    excess = []
    for p in at_work:
        load = cp_model.LinearExpr.sum(
            [var.a[v, p] for v in range(len(problem.visits)) if (v, p) in var.a]
        )
        e = model.new_int_var(0, len(problem.visits), f"excess_{p}")
        model.add(e >= load - fair)
        excess.append(e)
    return cp_model.LinearExpr.sum(excess)


def spread_over_working_days(
    model: cp_model.CpModel, problem: RosterProblem, var: _Vars
) -> cp_model.LinearExpr:
    """The number of visits on the busiest day of the month."""
    top = model.new_int_var(0, len(problem.visits), "max_day")
    for k in range(len(problem.days)):
        model.add(
            top
            >= cp_model.LinearExpr.sum(
                [var.x[v, k] for v in range(len(problem.visits)) if (v, k) in var.x]
            )
        )
    return top


def team_day_in_neighbouring_streets(
    model: cp_model.CpModel, problem: RosterProblem, var: _Vars
) -> cp_model.LinearExpr:
    """Inspector-days that take in streets which are neither the same nor neighbours."""
    streets = sorted({v.street_id for v in problem.visits})
    if len(streets) < 2:
        return cp_model.LinearExpr.constant(0)
    visits_in = {
        s: [v for v, vis in enumerate(problem.visits) if vis.street_id == s] for s in streets
    }
    by_pk: dict[tuple[int, int], dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for (v, p, k), z in var.z.items():
        by_pk[p, k][problem.visits[v].street_id].append(z)
    far_days = []
    for (p, k), street_zs in sorted(by_pk.items()):
        if problem.inspectors[p].max_per_day < 2:
            continue
        s_var = {}
        for s, zs in street_zs.items():
            sv = model.new_bool_var(f"s_{p}_{k}_{s}")
            for z in zs:
                model.add_implication(z, sv)
            s_var[s] = sv
        if len(s_var) < 2:
            continue
        far = model.new_bool_var(f"far_{p}_{k}")
        for s, sv in s_var.items():
            others = [
                s_var[t] for t in s_var
                if t != s and t not in problem.neighbours.get(s, frozenset())
            ]  # fmt: skip
            if others:
                n = len(others)
                model.add(n * far >= n * sv + cp_model.LinearExpr.sum(others) - n)
        far_days.append(far)
    del visits_in
    return cp_model.LinearExpr.sum(far_days)


HARD_RULES = {
    "team": ("team of at least two", team_of_at_least_two),
    "skills": ("team covers safety and hygiene", team_covers_safety_and_hygiene),
    "departments": ("team draws on two departments", team_draws_on_two_departments),
    "daily": ("within daily limits", within_daily_limit),
    "monthly": ("within monthly limits", within_monthly_limit),
    "recusal": ("no conflict of interest", no_conflict_of_interest),
    "deadline": ("follow-up within 30 days", follow_up_within_deadline),
    "opening": ("not before the institution opens", not_before_opening),
}

SOFT_GOALS = {
    "return_to_last_institution": (
        "an inspector returns to the institution they inspected last time",
        no_return_to_last_institution,
    ),
    "extra_team_member": ("team members beyond the minimum of two", small_teams),
    "team_day_in_far_streets": (
        "inspector-days spent in streets that are not neighbours",
        team_day_in_neighbouring_streets,
    ),
    "load_above_fair_share": (
        "visits above an inspector's fair share (balance)",
        balanced_workload,
    ),
    "busiest_day": ("visits on the busiest day (spread over the month)", spread_over_working_days),
}


def build_model(
    problem: RosterProblem,
    explain: bool = False,
    day_of: dict[int, int] | None = None,
    allowed: dict[int, set[int]] | None = None,
) -> tuple[cp_model.CpModel, _Vars, dict[str, cp_model.LinearExpr], dict[str, cp_model.IntVar]]:
    """The CP-SAT model. With ``explain``, every rule group sits behind an assumption."""
    model = cp_model.CpModel()
    var = make_variables(model, problem, day_of, allowed)
    lits: dict[str, cp_model.IntVar] = {}
    if explain:
        for reason in sorted({v.reason for v in problem.visits}):
            lits[f"visits:{reason}"] = model.new_bool_var(f"visits:{reason}")
        for key in HARD_RULES:
            lits[key] = model.new_bool_var(key)
    every_visit_happens_on_a_working_day(model, problem, var, lits)  # type: ignore[arg-type]
    for key, (_label, rule) in HARD_RULES.items():
        rule(model, problem, var, lits.get(key))
    soft = {name: fn(model, problem, var) for name, (_d, fn) in SOFT_GOALS.items()}
    if explain:
        model.add_assumptions(list(lits.values()))
    return model, var, soft, lits


def _soft_objective(problem: RosterProblem, soft: dict[str, cp_model.LinearExpr]):
    w = problem.rules.weights
    return cp_model.LinearExpr.weighted_sum(
        [soft[name] for name in SOFT_GOALS], [getattr(w, name) for name in SOFT_GOALS]
    )


def _tiebreak(problem: RosterProblem, var: _Vars):
    """Seeded random priorities: the second objective that makes the optimum unique."""
    spread = 1 << 16
    keys, coefs = [], []
    for (v, p), a in var.a.items():
        visit, insp = problem.visits[v], problem.inspectors[p]
        keys.append(a)
        coefs.append(
            1 + hashed_int(problem.seed, "team", visit.institution_id, insp.inspector_id) % spread
        )
    for (v, k), x in var.x.items():
        visit = problem.visits[v]
        keys.append(x)
        coefs.append(
            1
            + hashed_int(problem.seed, "day", visit.institution_id, problem.days[k].isoformat())
            % spread
        )
    return cp_model.LinearExpr.weighted_sum(keys, coefs)


def _assignment(solver: cp_model.CpSolver, var: _Vars) -> tuple[list, list]:
    on_x = sorted(k for k, x in var.x.items() if solver.boolean_value(x))
    on_a = sorted(k for k, a in var.a.items() if solver.boolean_value(a))
    return on_x, on_a


def _free_pool(problem: RosterProblem, visit: Visit, day: dt.date) -> list[Inspector]:
    return [
        i for i in problem.inspectors
        if (visit.institution_id, i.inspector_id) not in problem.recused
        and day in problem.available[i.inspector_id]
    ]  # fmt: skip


def _pool_can_staff(problem: RosterProblem, pool: list[Inspector]) -> bool:
    r = problem.rules
    return (
        len(pool) >= r.min_team
        and all(any(s in i.skills for i in pool) for s in r.required_skills)
        and len({i.department for i in pool}) >= r.min_departments
    )


def _unique(model: cp_model.CpModel, chosen: list, params: SolveParams) -> tuple[bool | None, dict]:
    """Is the solution just found the only optimum? Forbid it and look for another."""
    model.clear_objective()
    model.clear_hints()
    model.add(cp_model.LinearExpr.sum(chosen) <= len(chosen) - 1)
    _s, status, secs = solve(model, params)
    verdict = {cp_model.INFEASIBLE: True, cp_model.OPTIMAL: False, cp_model.FEASIBLE: False}
    return verdict.get(status), {"stage": "uniqueness", "status": STATUS[status], "seconds": secs}


def plan_days(
    problem: RosterProblem, params: SolveParams, prove_unique: bool = True
) -> tuple[dict[int, int] | None, list[dict], bool | None, int]:
    """Stage 1: the day of every visit, spread over the month, then by seeded priority.

    A visit may only fall on a day when enough inspectors free of conflicts, with the
    skills and departments, are at work; no day takes more visits than its inspectors can
    staff. Returns (visit -> day index, stage records, unique, busiest day).
    """
    r = problem.rules
    model = cp_model.CpModel()
    nv, nd = len(problem.visits), len(problem.days)
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for v, visit in enumerate(problem.visits):
        last = _deadline_index(problem, visit)
        first = _earliest_index(problem, visit)
        for k, day in enumerate(problem.days):
            if (last is not None and k > last) or k < first:
                continue
            if _pool_can_staff(problem, _free_pool(problem, visit, day)):
                x[v, k] = model.new_bool_var(f"x_{v}_{k}")
    for v in range(nv):
        model.add_exactly_one([x[v, k] for k in range(nd) if (v, k) in x])
    for k, day in enumerate(problem.days):
        on_day = [x[v, k] for v in range(nv) if (v, k) in x]
        at_work = [i for i in problem.inspectors if day in problem.available[i.inspector_id]]
        slots = sum(i.max_per_day for i in at_work)
        model.add(r.min_team * cp_model.LinearExpr.sum(on_day) <= slots)
        for skill in r.required_skills:
            model.add(
                cp_model.LinearExpr.sum(on_day)
                <= sum(i.max_per_day for i in at_work if skill in i.skills)
            )
    busiest = model.new_int_var(0, nv, "busiest_day")
    for k in range(nd):
        model.add(busiest >= cp_model.LinearExpr.sum([x[v, k] for v in range(nv) if (v, k) in x]))
    spread = 1 << 16
    coefs = [
        1
        + hashed_int(
            problem.seed, "day", problem.visits[v].institution_id, problem.days[k].isoformat()
        )
        % spread
        for (v, k) in x
    ]
    tie = cp_model.LinearExpr.weighted_sum(list(x.values()), coefs)
    big = sum(sorted(coefs, reverse=True)[:nv]) + 1
    model.minimize(big * busiest + tie)
    solver, status, secs = solve(model, params)
    stages = [{"stage": "days", "status": STATUS[status], "seconds": secs}]
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, stages, None, 0
    day_of = {v: k for (v, k), var in x.items() if solver.boolean_value(var)}
    top = solver.value(busiest)
    unique = None
    if prove_unique and status == cp_model.OPTIMAL:
        model.add(big * busiest + tie <= round(solver.objective_value))
        unique, rec = _unique(model, [x[v, k] for v, k in day_of.items()], params)
        stages.append(rec | {"stage": "days uniqueness"})
    optimal = status == cp_model.OPTIMAL
    stages[0]["optimal"] = optimal
    return day_of, stages, unique, top


def greedy_teams(
    problem: RosterProblem, day_of: dict[int, int], allowed: dict[int, set[int]] | None
) -> set[tuple[int, int]]:
    """A quick balanced roster (least-loaded first) used as the solver's starting hint;
    visits it cannot staff are left out. The solver's answer never depends on it."""
    r = problem.rules
    load: dict[int, int] = defaultdict(int)
    per_day: dict[tuple[int, int], int] = defaultdict(int)
    chosen: set[tuple[int, int]] = set()
    for v in sorted(day_of, key=lambda v: (day_of[v], v)):
        visit, k = problem.visits[v], day_of[v]
        day = problem.days[k]
        cands = [
            p for p in (allowed[v] if allowed is not None else range(len(problem.inspectors)))
            if day in problem.available[problem.inspectors[p].inspector_id]
            and (visit.institution_id, problem.inspectors[p].inspector_id) not in problem.recused
            and load[p] < problem.inspectors[p].max_per_month
            and per_day[p, k] < problem.inspectors[p].max_per_day
            and problem.inspectors[p].inspector_id not in visit.last_team
        ]  # fmt: skip
        cands.sort(key=lambda p: (load[p], p))
        team: list[int] = []
        for skill in r.required_skills:
            if not any(skill in problem.inspectors[p].skills for p in team):
                team += [p for p in cands if skill in problem.inspectors[p].skills
                         and p not in team][:1]
        for p in cands:
            depts = {problem.inspectors[q].department for q in team}
            if len(team) >= r.min_team and len(depts) >= r.min_departments:
                break
            if p not in team and (
                len(depts) >= r.min_departments
                or problem.inspectors[p].department not in depts
                or len(team) + 1 < r.min_team
            ):
                team.append(p)
        ok = (
            r.min_team <= len(team) <= r.max_team
            and all(any(s in problem.inspectors[p].skills for p in team)
                    for s in r.required_skills)
            and len({problem.inspectors[p].department for p in team}) >= r.min_departments
        )
        if ok:
            for p in team:
                chosen.add((v, p))
                load[p] += 1
                per_day[p, k] += 1
    return chosen


def _team_tiebreak(problem: RosterProblem, var: _Vars):
    """Seeded random priorities over (visit, inspector): picks one among equal rosters."""
    spread = 1 << 16
    keys = list(var.a.values())
    coefs = [
        1
        + hashed_int(
            problem.seed,
            "team",
            problem.visits[v].institution_id,
            problem.inspectors[p].inspector_id,
        )
        % spread
        for (v, p) in var.a
    ]
    return cp_model.LinearExpr.weighted_sum(keys, coefs)


def solve_roster(
    problem: RosterProblem,
    params: SolveParams | None = None,
    progress: ProgressFn | None = None,
    prove_unique: bool = True,
) -> RosterPlan:
    """Date and staff every visit; raise :class:`InfeasibleError` naming the clash.

    Stage 1 fixes the days (:func:`plan_days`); stage 2 picks the teams on those days
    with every hard rule of the month (the full model with the days fixed, which presolve
    shrinks to a small assignment), soft goals first, then the seeded priority. Each
    stage is solved to a proven optimum; if the teams cannot be found on those days, the
    full model chooses days and teams together.
    """
    params = replace(params or SolveParams(), portfolio="lp")
    clashes = capacity_clashes(problem)
    if clashes:
        raise InfeasibleError(f"No roster for {problem.label} can meet the rules:", clashes)
    stats = SolveStats()
    t_start = time.perf_counter()
    deadline = t_start + params.time_limit

    def left() -> SolveParams:
        return replace(params, time_limit=max(1.0, deadline - time.perf_counter()))

    day_of, stages, unique_days, _top = plan_days(problem, params, prove_unique)
    stats.stages.extend(stages)
    fixed = day_of is not None
    stats.build_seconds = 0.0
    status = cp_model.INFEASIBLE
    sizes: list[int | None] = [None]
    if problem.rules.shortlist is not None:
        sizes = [problem.rules.shortlist, 2 * problem.rules.shortlist, None]
    size: int | None = None
    for size in sizes if fixed else []:
        tb = time.perf_counter()
        allowed = shortlists(problem, day_of, size)  # type: ignore[arg-type]
        greedy = greedy_teams(problem, day_of, allowed)  # type: ignore[arg-type]
        model, var, soft, _ = build_model(problem, day_of=day_of, allowed=allowed)
        soft_obj = _soft_objective(problem, soft)
        model.minimize(soft_obj)
        for (v, p), a in var.a.items():  # a balanced greedy roster to start from
            model.add_hint(a, (v, p) in greedy)
        stats.build_seconds += time.perf_counter() - tb
        solver, status, secs = solve(model, left(), progress)
        label = "teams" + (f" (shortlists of {size})" if size else " (all allowed)")
        stats.stages.append({"stage": label, "status": STATUS[status], "seconds": secs})
        if status != cp_model.INFEASIBLE:
            break
    if status == cp_model.INFEASIBLE:
        # the days chosen leave no staffing: let the full model choose days and teams
        tb = time.perf_counter()
        model, var, soft, _ = build_model(problem)
        stats.build_seconds += time.perf_counter() - tb
        soft_obj = _soft_objective(problem, soft)
        model.minimize(soft_obj)
        fixed, unique_days, size = False, None, None
        solver, status, secs = solve(model, left(), progress)
        stats.stages.append({"stage": "days and teams", "status": STATUS[status], "seconds": secs})
    if status == cp_model.INFEASIBLE:
        raise explain_infeasible(problem, params)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise TimeLimitError(
            f"No roster for {problem.label} was found within {params.time_limit:.0f} s.",
            ["The solver ran out of time before finding any roster; raise --time-limit."],
        )
    best_soft = round(solver.objective_value)
    soft_proven = status == cp_model.OPTIMAL
    stats.objective = float(best_soft)
    stats.bound = float(solver.best_objective_bound)

    # among rosters as good on every soft goal, the seeded random priority picks one
    on_x, on_a = _assignment(solver, var)
    model.add(soft_obj <= best_soft)
    tie = _team_tiebreak(problem, var) if fixed else _tiebreak(problem, var)
    model.minimize(tie)
    model.clear_hints()
    sx, sa = set(on_x), set(on_a)
    for key, x in var.x.items():
        model.add_hint(x, key in sx)
    for key, a in var.a.items():
        model.add_hint(a, key in sa)
    solver2, status2, secs2 = solve(model, left(), progress)
    stats.stages.append({"stage": "random priority", "status": STATUS[status2], "seconds": secs2})
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        solver = solver2
        on_x, on_a = _assignment(solver, var)
    soft_values = {name: round(solver.value(expr)) for name, expr in soft.items()}
    days_proven = all(s.get("optimal", True) for s in stages)
    proven = soft_proven and status2 == cp_model.OPTIMAL and days_proven
    stats.status = "optimal" if proven else "feasible"
    stats.solve_seconds = sum(float(s["seconds"]) for s in stats.stages)  # type: ignore[arg-type]

    unique: bool | None = None
    if prove_unique and proven:
        model.add(tie <= round(solver.objective_value))
        chosen = [var.a[k] for k in on_a] + ([] if fixed else [var.x[k] for k in on_x])
        unique_teams, rec = _unique(model, chosen, left())
        stats.stages.append(rec)
        unique = (unique_teams and unique_days) if fixed else unique_teams

    rows = []
    day_of_v = {v: problem.days[k] for v, k in on_x}
    team_of: dict[int, list[str]] = defaultdict(list)
    for v, p in on_a:
        team_of[v].append(problem.inspectors[p].inspector_id)
    for v, visit in enumerate(problem.visits):
        rows.append(
            RosterRow(
                day_of_v[v],
                visit.institution_id,
                visit.street_id,
                tuple(sorted(team_of[v])),
                visit.reason,
                visit.note,
            )
        )
    rows.sort(key=lambda r: (r.date, r.street_id, r.institution_id))
    w = problem.rules.weights
    soft_costs = [
        SoftCost(name, desc, soft_values[name], getattr(w, name))
        for name, (desc, _fn) in SOFT_GOALS.items()
    ]
    findings = list(problem.findings)
    if size is not None:
        findings.append(
            f"Each team was chosen among {size} inspectors drawn at random (seed "
            f"{problem.seed}) from those at work that day and free of conflicts (双随机)."
        )
    if soft_values["return_to_last_institution"]:
        findings.append(
            f"{soft_values['return_to_last_institution']} inspector(s) return to an institution "
            "they inspected last time: the pool left no other choice."
        )
    if not proven:
        findings.append(
            f"The roster was not proven optimal within {params.time_limit:.0f} s; the draw is "
            "then not guaranteed to repeat on another machine. Raise --time-limit."
        )
    return RosterPlan(problem, rows, stats, soft_costs, findings, unique)


# -------------------------------------------------------------- explaining a clash


def _caps(problem: RosterProblem, until: dt.date | None = None) -> dict[str, int]:
    out = {}
    for insp in problem.inspectors:
        days = [d for d in problem.available[insp.inspector_id] if until is None or d <= until]
        out[insp.inspector_id] = inspector_capacity(insp, days)
    return out


def _visit_mix(problem: RosterProblem) -> str:
    counts: dict[str, int] = defaultdict(int)
    for v in problem.visits:
        counts[v.reason] += 1
    names = {
        "follow_up": "follow-ups",
        "high_risk": "high-risk",
        "drawn": "drawn at random",
        "coverage": "for the year's coverage",
    }
    return ", ".join(f"{n} {names.get(r, r)}" for r, n in sorted(counts.items()))


def capacity_clashes(problem: RosterProblem) -> list[str]:
    """Plain arithmetic that shows a clash before any solving, in a planner's words."""
    r = problem.rules
    out: list[str] = []
    n = len(problem.visits)
    if n and not problem.days:
        return [f"{problem.label} has no working day, but {n} inspections are due."]
    caps = _caps(problem)
    need = n * r.min_team
    have = sum(caps.values())
    if need > have:
        out.append(
            f"{problem.label} needs {n} inspections × {r.min_team} inspectors = {need} "
            f"inspector-visits ({_visit_mix(problem)}); the pool gives {have} after leave and "
            f"monthly limits: short by {need - have}. Add inspectors, raise their monthly "
            f"limits, or lower the draw share."
        )
    for skill in r.required_skills:
        have_s = sum(caps[i.inspector_id] for i in problem.inspectors if skill in i.skills)
        if n > have_s:
            out.append(
                f"Each of the {n} inspections needs a '{skill}' inspector; inspectors with that "
                f"skill give {have_s} visits after leave and limits: short by {n - have_s}."
            )
    for visit in problem.visits:
        free = [
            i for i in problem.inspectors
            if (visit.institution_id, i.inspector_id) not in problem.recused
            and problem.available[i.inspector_id]
        ]  # fmt: skip
        name = problem.institutions[visit.institution_id].name
        if len(free) < r.min_team:
            out.append(
                f"{visit.institution_id} {name}: only {len(free)} inspector(s) are free of a "
                f"conflict of interest and available this month; {r.min_team} are needed."
            )
        for skill in r.required_skills:
            if not any(skill in i.skills for i in free):
                out.append(
                    f"{visit.institution_id} {name}: no available '{skill}' inspector is free of "
                    f"a conflict of interest."
                )
        if len({i.department for i in free}) < r.min_departments:
            out.append(
                f"{visit.institution_id} {name}: the inspectors free to go come from "
                f"{len({i.department for i in free})} department(s); a joint inspection needs "
                f"{r.min_departments}."
            )
    last_day = {
        v.institution_id: problem.days[k]
        for v in problem.visits
        if (k := _deadline_index(problem, v)) is not None
    }
    for until in sorted(set(last_day.values())):
        due = [
            v
            for v in problem.visits
            if last_day.get(v.institution_id, until) <= until and v.institution_id in last_day
        ]
        have_d = sum(_caps(problem, until).values())
        if len(due) * r.min_team > have_d:
            out.append(
                f"{len(due)} follow-up inspection(s) must be done by {until.isoformat()} "
                f"(30 days after a rectify/fail outcome): they need {len(due) * r.min_team} "
                f"inspector-visits, the pool gives {have_d} on the working days up to then."
            )
    return out


def explain_infeasible(problem: RosterProblem, params: SolveParams) -> InfeasibleError:
    """Solve again with every rule group behind an assumption and name the clashing ones."""
    model, _var, _soft, lits = build_model(problem, explain=True)
    solver, status, _ = solve(model, replace(params, workers=1))
    names = {lit.index: key for key, lit in lits.items()}
    if status == cp_model.INFEASIBLE:
        core = [names[i] for i in solver.sufficient_assumptions_for_infeasibility()]
    else:  # pragma: no cover - should not happen: the plain model was infeasible
        core = list(lits)
    labels = []
    for key in core:
        if key.startswith("visits:"):
            reason = key.split(":", 1)[1]
            n = sum(1 for v in problem.visits if v.reason == reason)
            labels.append(f"the {n} {REASONS_ZH.get(reason, reason)} ({reason}) inspections")
        else:
            labels.append(HARD_RULES[key][0])
    caps = _caps(problem)
    detail = (
        f"{problem.label}: {len(problem.visits)} inspections ({_visit_mix(problem)}) over "
        f"{len(problem.days)} working days; the pool gives {sum(caps.values())} "
        f"inspector-visits after leave and monthly limits."
    )
    return InfeasibleError(
        f"No roster for {problem.label} can meet the rules. These rules clash: "
        + "; ".join(labels)
        + ".",
        [
            detail,
            "Relax one of them (more inspectors or higher limits, a lower draw share, "
            "fewer required skills or departments) and plan again.",
        ],
    )
