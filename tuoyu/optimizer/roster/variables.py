"""The roster's decision variables and the day windows of a visit, shared by the hard
rules (:mod:`.rules`) and the soft goals (:mod:`.goals`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from tuoyu.models.inspection import Inspector
    from tuoyu.optimizer.roster.problem import RosterProblem, Visit


@dataclass
class Vars:
    x: dict[tuple[int, int], cp_model.IntVar]  # (visit, day) -> on that day
    a: dict[tuple[int, int], cp_model.IntVar]  # (visit, inspector) -> in the team
    z: dict[tuple[int, int, int], cp_model.IntVar]  # (visit, inspector, day)
    happens: dict[int, cp_model.LinearExpr]

    def team(self, v: int, members: range | list[int]) -> cp_model.LinearExpr:
        """How many of ``members`` are in the team of visit ``v``."""
        return cp_model.LinearExpr.sum([self.a[v, p] for p in members if (v, p) in self.a])

    def load(self, p: int, n_visits: int) -> cp_model.LinearExpr:
        """Visits of inspector ``p`` this month."""
        return cp_model.LinearExpr.sum([self.a[v, p] for v in range(n_visits) if (v, p) in self.a])

    def on_day(self, k: int, n_visits: int) -> cp_model.LinearExpr:
        """Visits on day ``k``."""
        return cp_model.LinearExpr.sum([self.x[v, k] for v in range(n_visits) if (v, k) in self.x])


def deadline_index(problem: RosterProblem, visit: Visit) -> int | None:
    """Index of the last day a follow-up may take place; an overdue one goes within the
    month's first ``overdue_within`` working days."""
    if visit.deadline is None or not problem.days:
        return None
    if visit.deadline < dt.date(problem.year, problem.month, 1):  # overdue already
        return min(len(problem.days), problem.rules.overdue_within) - 1
    ok = [k for k, d in enumerate(problem.days) if d <= visit.deadline]
    return ok[-1] if ok else 0


def earliest_index(problem: RosterProblem, visit: Visit) -> int:
    """Index of the first day a visit may take place (an institution opening this month
    is not inspected before it opens)."""
    if visit.earliest is None:
        return 0
    ok = [k for k, d in enumerate(problem.days) if d >= visit.earliest]
    return ok[0] if ok else len(problem.days)


def free_pool(problem: RosterProblem, visit: Visit, day: dt.date) -> list[Inspector]:
    """Inspectors at work on ``day`` and free of a conflict with the visit."""
    return [
        i
        for i in problem.inspectors
        if (visit.institution_id, i.inspector_id) not in problem.recused
        and day in problem.available[i.inspector_id]
    ]


def pool_can_staff(problem: RosterProblem, pool: list[Inspector]) -> bool:
    r = problem.rules
    return (
        len(pool) >= r.min_team
        and all(any(s in i.skills for i in pool) for s in r.required_skills)
        and len({i.department for i in pool}) >= r.min_departments
    )


def _fixed_day_vars(
    model: cp_model.CpModel,
    problem: RosterProblem,
    day_of: dict[int, int],
    allowed: dict[int, set[int]] | None,
) -> Vars:
    """Days fixed: only inspectors at work that day, free of conflicts and on the
    shortlist; a (visit, inspector) variable is its own (visit, inspector, day)."""
    x, a, z = {}, {}, {}
    for v, visit in enumerate(problem.visits):
        k = day_of[v]
        x[v, k] = model.new_bool_var(f"x_{v}_{k}")
        for p, insp in enumerate(problem.inspectors):
            if allowed is not None and p not in allowed[v]:
                continue
            if problem.days[k] not in problem.available[insp.inspector_id]:
                continue
            if (visit.institution_id, insp.inspector_id) in problem.recused:
                continue
            a[v, p] = z[v, p, k] = model.new_bool_var(f"a_{v}_{p}")
    return Vars(x, a, z, {})


def _free_day_vars(model: cp_model.CpModel, problem: RosterProblem) -> Vars:
    """Days free: every (visit, day), every (visit, inspector) and (visit, inspector, day)
    of the inspector's working days, linked: in a team iff working the visit's day on it."""
    day_index = {d: k for k, d in enumerate(problem.days)}
    x, a, z = {}, {}, {}
    for v in range(len(problem.visits)):
        for k in range(len(problem.days)):
            x[v, k] = model.new_bool_var(f"x_{v}_{k}")
        for p, insp in enumerate(problem.inspectors):
            a[v, p] = model.new_bool_var(f"a_{v}_{p}")
            for d in problem.available[insp.inspector_id]:
                z[v, p, day_index[d]] = model.new_bool_var(f"z_{v}_{p}_{day_index[d]}")
    by_vp: dict[tuple[int, int], list] = defaultdict(list)
    for (v, p, k), var in z.items():
        by_vp[v, p].append(var)
        model.add_implication(var, x[v, k])
    for (v, p), var in a.items():
        model.add(var == cp_model.LinearExpr.sum(by_vp.get((v, p), [])))
    return Vars(x, a, z, {})


def make_variables(
    model: cp_model.CpModel,
    problem: RosterProblem,
    day_of: dict[int, int] | None = None,
    allowed: dict[int, set[int]] | None = None,
) -> Vars:
    """Variables of the full model; with ``day_of`` (visit -> day index) only those of the
    fixed days, and only inspectors at work then, free of conflicts and (with ``allowed``)
    on the visit's shortlist: a small model. A visit happens at most once."""
    if day_of is None:
        var = _free_day_vars(model, problem)
    else:
        var = _fixed_day_vars(model, problem, day_of, allowed)
    for v in range(len(problem.visits)):
        var.happens[v] = cp_model.LinearExpr.sum(
            [var.x[v, k] for k in range(len(problem.days)) if (v, k) in var.x]
        )
        model.add(var.happens[v] <= 1)
    return var
