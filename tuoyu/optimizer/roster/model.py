"""The CP-SAT model of a roster: the variables, every hard rule of :data:`HARD_RULES`,
every soft goal of :data:`SOFT_GOALS`, and the seeded random priorities that pick one
roster among equally good ones."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from tuoyu.optimizer.draw import priority
from tuoyu.optimizer.roster.goals import SOFT_GOALS
from tuoyu.optimizer.roster.problem import RosterProblem
from tuoyu.optimizer.roster.rules import HARD_RULES, every_visit_happens
from tuoyu.optimizer.roster.variables import Vars, make_variables


@dataclass
class RosterModel:
    model: cp_model.CpModel
    var: Vars
    soft: dict[str, cp_model.LinearExprT]  # goal name -> penalty expression
    lits: dict[str, cp_model.IntVar]  # rule key -> assumption literal (when explaining)


def build_model(
    problem: RosterProblem,
    explain: bool = False,
    day_of: dict[int, int] | None = None,
    allowed: dict[int, set[int]] | None = None,
) -> RosterModel:
    """The CP-SAT model (days fixed with ``day_of``, teams from the shortlists
    ``allowed``). With ``explain``, every rule group sits behind an assumption."""
    model = cp_model.CpModel()
    var = make_variables(model, problem, day_of, allowed)
    lits: dict[str, cp_model.IntVar] = {}
    if explain:
        for reason in sorted({v.reason for v in problem.visits}):
            lits[f"visits:{reason}"] = model.new_bool_var(f"visits:{reason}")
        for key in HARD_RULES:
            lits[key] = model.new_bool_var(key)
    every_visit_happens(model, problem, var, dict(lits))
    for key, rule in HARD_RULES.items():
        rule(model, problem, var, lits.get(key))
    soft = {name: goal(model, problem, var) for name, goal in SOFT_GOALS.items()}
    if explain:
        model.add_assumptions(list(lits.values()))
    return RosterModel(model, var, soft, lits)


def team_priority_terms(problem: RosterProblem, var: Vars) -> list[tuple[cp_model.IntVar, int]]:
    """Seeded random priorities over (visit, inspector): picks one among equal rosters."""
    return [
        (
            a,
            priority(
                problem.seed,
                "team",
                problem.visits[v].institution_id,
                problem.inspectors[p].inspector_id,
            ),
        )
        for (v, p), a in var.a.items()
    ]


def day_coefficients(problem: RosterProblem, keys: list[tuple[int, int]]) -> list[int]:
    """Seeded random priorities of (visit, day index) pairs."""
    return [
        priority(problem.seed, "day", problem.visits[v].institution_id, problem.days[k].isoformat())
        for (v, k) in keys
    ]


def full_priority_terms(problem: RosterProblem, var: Vars) -> list[tuple[cp_model.IntVar, int]]:
    """Seeded random priorities over teams and days: the second objective that makes the
    optimum of the full model (days and teams together) unique."""
    days = list(zip(var.x.values(), day_coefficients(problem, list(var.x)), strict=True))
    return team_priority_terms(problem, var) + days


def as_sum(terms: list[tuple[cp_model.IntVar, int]]) -> cp_model.LinearExpr:
    """The priority terms as one linear expression."""
    return cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [c for _, c in terms])
