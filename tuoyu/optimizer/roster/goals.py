"""The soft goals of the roster: one weights dataclass and a registry
(:data:`SOFT_GOALS`, name -> function returning the goal's penalty expression). A goal's
weight is the field of :class:`RosterWeights` of the same name; its code for people is
``roster.goal.<name>``."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from tuoyu.optimizer.roster.variables import Vars

if TYPE_CHECKING:
    from tuoyu.optimizer.roster.problem import RosterProblem

Goal = Callable[[cp_model.CpModel, "RosterProblem", Vars], cp_model.LinearExprT]


@dataclass(frozen=True)
class RosterWeights:
    """Weights of the soft goals, in one place. Each is reported back with its cost."""

    return_to_last_institution: int = 1000
    extra_team_member: int = 50
    team_day_in_far_streets: int = 20
    load_above_fair_share: int = 10
    busiest_day: int = 5


def no_return_to_last_institution(
    model: cp_model.CpModel, problem: RosterProblem, var: Vars
) -> cp_model.LinearExprT:
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


def small_teams(model: cp_model.CpModel, problem: RosterProblem, var: Vars) -> cp_model.LinearExprT:
    """Team members beyond the minimum (kept for when skills or departments need them)."""
    total = cp_model.LinearExpr.sum(list(var.a.values()))
    need = problem.rules.min_team * cp_model.LinearExpr.sum(list(var.happens.values()))
    return total - need


def balanced_workload(
    model: cp_model.CpModel, problem: RosterProblem, var: Vars
) -> cp_model.LinearExprT:
    """Visits above each inspector's fair share (the month's inspector-visits spread evenly
    over the inspectors at work), summed: linear, so the solver proves it fast."""
    at_work = [p for p, i in enumerate(problem.inspectors) if problem.available[i.inspector_id]]
    if not at_work:
        return cp_model.LinearExpr.constant(0)
    n = len(problem.visits)
    fair = math.ceil(problem.rules.min_team * n / len(at_work))
    excess = []
    for p in at_work:
        e = model.new_int_var(0, n, f"excess_{p}")
        model.add(e >= var.load(p, n) - fair)
        excess.append(e)
    return cp_model.LinearExpr.sum(excess)


def spread_over_working_days(
    model: cp_model.CpModel, problem: RosterProblem, var: Vars
) -> cp_model.LinearExprT:
    """The number of visits on the busiest day of the month."""
    n = len(problem.visits)
    top = model.new_int_var(0, n, "max_day")
    for k in range(len(problem.days)):
        model.add(top >= var.on_day(k, n))
    return top


def _far_day(
    model: cp_model.CpModel, problem: RosterProblem, p: int, k: int, street_zs: dict[str, list]
) -> cp_model.IntVar | None:
    """A literal that is true when inspector ``p`` works on day ``k`` in two streets that
    are neither the same nor neighbours (None when that cannot happen)."""
    s_var = {}
    for s, zs in street_zs.items():
        sv = model.new_bool_var(f"s_{p}_{k}_{s}")
        for z in zs:
            model.add_implication(z, sv)
        s_var[s] = sv
    if len(s_var) < 2:
        return None
    far = model.new_bool_var(f"far_{p}_{k}")
    for s, sv in s_var.items():
        near = problem.neighbours.get(s, frozenset())
        others = [s_var[t] for t in s_var if t != s and t not in near]
        if others:
            n = len(others)
            model.add(n * far >= n * sv + cp_model.LinearExpr.sum(others) - n)
    return far


def team_day_in_neighbouring_streets(
    model: cp_model.CpModel, problem: RosterProblem, var: Vars
) -> cp_model.LinearExprT:
    """Inspector-days that take in streets which are neither the same nor neighbours."""
    if len({v.street_id for v in problem.visits}) < 2:
        return cp_model.LinearExpr.constant(0)
    by_pk: dict[tuple[int, int], dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for (v, p, k), z in var.z.items():
        by_pk[p, k][problem.visits[v].street_id].append(z)
    far_days = []
    for (p, k), street_zs in sorted(by_pk.items()):
        if problem.inspectors[p].max_per_day < 2:
            continue
        far = _far_day(model, problem, p, k, street_zs)
        if far is not None:
            far_days.append(far)
    return cp_model.LinearExpr.sum(far_days)


SOFT_GOALS: dict[str, Goal] = {
    "return_to_last_institution": no_return_to_last_institution,
    "extra_team_member": small_teams,
    "team_day_in_far_streets": team_day_in_neighbouring_streets,
    "load_above_fair_share": balanced_workload,
    "busiest_day": spread_over_working_days,
}
"""Each soft goal by name (= its weight's field in :class:`RosterWeights`)."""

assert [f.name for f in fields(RosterWeights)] == list(SOFT_GOALS)


def weighted(problem: RosterProblem, terms: dict[str, cp_model.LinearExprT]) -> cp_model.LinearExpr:
    """The soft objective: every goal's penalty times its weight."""
    w = problem.rules.weights
    return cp_model.LinearExpr.weighted_sum(
        [terms[name] for name in SOFT_GOALS], [getattr(w, name) for name in SOFT_GOALS]
    )
