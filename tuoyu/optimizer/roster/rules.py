"""The hard rules of the roster, one function per rule family, named as a planner names
the rule, collected in :data:`HARD_RULES` (key -> function). Each function adds its
constraints to the model; with ``lit`` (when explaining a clash) they hold only when the
literal is true, so the solver can name the rules that clash (``roster.rule.<key>``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from tuoyu.optimizer.roster.variables import Vars, deadline_index, earliest_index

if TYPE_CHECKING:
    from tuoyu.optimizer.roster.problem import RosterProblem

Lit = cp_model.IntVar | None
Rule = Callable[[cp_model.CpModel, "RosterProblem", Vars, Lit], None]


def _enforce(ct: cp_model.Constraint, lit: Lit) -> None:
    if lit is not None:
        ct.only_enforce_if(lit)


def every_visit_happens(
    model: cp_model.CpModel, problem: RosterProblem, var: Vars, lits: dict[str, Lit]
) -> None:
    """Each drawn, follow-up, high-risk and coverage visit takes place once this month
    (behind one literal per reason, ``visits:<reason>``, when explaining)."""
    for v, visit in enumerate(problem.visits):
        _enforce(model.add(var.happens[v] == 1), lits.get(f"visits:{visit.reason}"))


def team_of_at_least_two(
    model: cp_model.CpModel, problem: RosterProblem, var: Vars, lit: Lit
) -> None:
    """At least ``min_team`` inspectors a visit (Administrative Penalty Law art. 42), at
    most ``max_team``."""
    r = problem.rules
    everyone = range(len(problem.inspectors))
    for v in range(len(problem.visits)):
        team = var.team(v, everyone)
        _enforce(model.add(team >= r.min_team * var.happens[v]), lit)
        _enforce(model.add(team <= r.max_team * var.happens[v]), lit)


def team_covers_safety_and_hygiene(
    model: cp_model.CpModel, problem: RosterProblem, var: Vars, lit: Lit
) -> None:
    """Every team has someone for each required skill (safety, hygiene)."""
    for skill in problem.rules.required_skills:
        skilled = [p for p, i in enumerate(problem.inspectors) if skill in i.skills]
        for v in range(len(problem.visits)):
            _enforce(model.add(var.team(v, skilled) >= var.happens[v]), lit)


def team_draws_on_two_departments(
    model: cp_model.CpModel, problem: RosterProblem, var: Vars, lit: Lit
) -> None:
    """Joint inspection: a team draws on at least ``min_departments`` departments."""
    depts: dict[str, list[int]] = defaultdict(list)
    for p, insp in enumerate(problem.inspectors):
        depts[insp.department].append(p)
    for v in range(len(problem.visits)):
        used = []
        for dept, members in sorted(depts.items()):
            u = model.new_bool_var(f"dept_{v}_{dept}")
            model.add(u <= var.team(v, members))
            used.append(u)
        need = problem.rules.min_departments * var.happens[v]
        _enforce(model.add(cp_model.LinearExpr.sum(used) >= need), lit)


def within_daily_limit(
    model: cp_model.CpModel, problem: RosterProblem, var: Vars, lit: Lit
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
    model: cp_model.CpModel, problem: RosterProblem, var: Vars, lit: Lit
) -> None:
    """No inspector does more visits in the month than their monthly limit."""
    for p, insp in enumerate(problem.inspectors):
        _enforce(model.add(var.load(p, len(problem.visits)) <= insp.max_per_month), lit)


def no_conflict_of_interest(
    model: cp_model.CpModel, problem: RosterProblem, var: Vars, lit: Lit
) -> None:
    """Recusal (回避, art. 43): never inspect an institution, or an operator's institutions,
    where one has a conflict of interest."""
    for v, visit in enumerate(problem.visits):
        for p, insp in enumerate(problem.inspectors):
            if (visit.institution_id, insp.inspector_id) in problem.recused and (v, p) in var.a:
                _enforce(model.add(var.a[v, p] == 0), lit)


def follow_up_within_deadline(
    model: cp_model.CpModel, problem: RosterProblem, var: Vars, lit: Lit
) -> None:
    """A rectify/fail outcome is inspected again within ``follow_up_days`` days (an
    overdue one within the month's first ``overdue_within`` working days)."""
    for v, visit in enumerate(problem.visits):
        last = deadline_index(problem, visit)
        if last is None:
            continue
        for k in range(last + 1, len(problem.days)):
            if (v, k) in var.x:
                _enforce(model.add(var.x[v, k] == 0), lit)


def not_before_opening(
    model: cp_model.CpModel, problem: RosterProblem, var: Vars, lit: Lit
) -> None:
    """An institution that opens during the month is inspected on or after its opening."""
    for v, visit in enumerate(problem.visits):
        for k in range(earliest_index(problem, visit)):
            if (v, k) in var.x:
                _enforce(model.add(var.x[v, k] == 0), lit)


HARD_RULES: dict[str, Rule] = {
    "team": team_of_at_least_two,
    "skills": team_covers_safety_and_hygiene,
    "departments": team_draws_on_two_departments,
    "daily": within_daily_limit,
    "monthly": within_monthly_limit,
    "recusal": no_conflict_of_interest,
    "deadline": follow_up_within_deadline,
    "opening": not_before_opening,
}
"""Each hard rule by key; its name for people is the message ``roster.rule.<key>``."""
