"""Why no roster can meet the rules: clashes as findings (codes with the amounts).

First plain arithmetic before any solving (:func:`capacity_clashes`); when the solver
finds a clash the arithmetic does not see, the model is solved again with every rule
group behind an assumption and the rules of the infeasible core are named
(:func:`explain_infeasible`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ortools.sat.python import cp_model

from tuoyu.models.errors import InfeasibleError
from tuoyu.models.findings import Finding, clash
from tuoyu.optimizer.roster.model import build_model
from tuoyu.optimizer.roster.problem import RosterProblem, Visit, inspector_capacity
from tuoyu.optimizer.roster.variables import deadline_index
from tuoyu.optimizer.solve import ProgressFn, SolveParams, Stop, solve


def capacities(problem: RosterProblem, until: dt.date | None = None) -> dict[str, int]:
    """Inspector-visits each inspector can give this month (up to ``until``)."""
    out = {}
    for insp in problem.inspectors:
        days = [d for d in problem.available[insp.inspector_id] if until is None or d <= until]
        out[insp.inspector_id] = inspector_capacity(insp, days)
    return out


def pool_clashes(problem: RosterProblem) -> list[Finding]:
    """The pool as a whole: inspector-visits, and those of each required skill."""
    r, n = problem.rules, len(problem.visits)
    caps = capacities(problem)
    out = []
    need, have = n * r.min_team, sum(caps.values())
    if need > have:
        out.append(
            clash(
                "roster.pool_short",
                month=problem.month_label,
                inspections=n,
                min_team=r.min_team,
                need=need,
                have=have,
                short=need - have,
                **problem.reason_counts(),
            )
        )
    for skill in r.required_skills:
        have_s = sum(caps[i.inspector_id] for i in problem.inspectors if skill in i.skills)
        if n > have_s:
            out.append(
                clash(
                    "roster.skill_short", inspections=n, skill=skill, have=have_s, short=n - have_s
                )
            )
    return out


def visit_clashes(problem: RosterProblem, visit: Visit) -> list[Finding]:
    """One visit: enough inspectors free of conflicts, with each skill, from enough
    departments, at work at some time this month."""
    r = problem.rules
    free = [
        i
        for i in problem.inspectors
        if (visit.institution_id, i.inspector_id) not in problem.recused
        and problem.available[i.inspector_id]
    ]
    at = {
        "institution_id": visit.institution_id,
        "name": problem.institutions[visit.institution_id].name,
    }
    out = []
    if len(free) < r.min_team:
        out.append(clash("roster.too_few_free", **at, free=len(free), need=r.min_team))
    for skill in r.required_skills:
        if not any(skill in i.skills for i in free):
            out.append(clash("roster.no_free_skill", **at, skill=skill))
    departments = len({i.department for i in free})
    if departments < r.min_departments:
        out.append(
            clash(
                "roster.too_few_departments", **at, departments=departments, need=r.min_departments
            )
        )
    return out


def deadline_clashes(problem: RosterProblem) -> list[Finding]:
    """Follow-ups due by a day need more inspector-visits than the days up to it give."""
    r = problem.rules
    last_day = {
        v.institution_id: problem.days[k]
        for v in problem.visits
        if (k := deadline_index(problem, v)) is not None
    }
    out = []
    for until in sorted(set(last_day.values())):
        due = sum(1 for d in last_day.values() if d <= until)
        have = sum(capacities(problem, until).values())
        if due * r.min_team > have:
            out.append(
                clash(
                    "roster.follow_ups_by_deadline",
                    count=due,
                    until=until.isoformat(),
                    days=r.follow_up_days,
                    need=due * r.min_team,
                    have=have,
                )
            )
    return out


def capacity_clashes(problem: RosterProblem) -> list[Finding]:
    """Plain arithmetic that shows a clash before any solving."""
    n = len(problem.visits)
    if n and not problem.days:
        return [clash("roster.no_working_day", month=problem.month_label, inspections=n)]
    out = pool_clashes(problem)
    for visit in problem.visits:
        out += visit_clashes(problem, visit)
    return out + deadline_clashes(problem)


def explain_infeasible(
    problem: RosterProblem,
    params: SolveParams,
    stop: Stop | None = None,
    progress: ProgressFn | None = None,
) -> InfeasibleError:
    """Solve again with every rule group behind an assumption and name the clashing ones:
    a summary (``roster.rules_clash``), one finding per rule of the core
    (``roster.rule.<key>``, ``roster.rule.visits.<reason>``) and what to relax."""
    rm = build_model(problem, explain=True)
    solver, status, _ = solve(
        rm.model, replace(params, workers=1), progress, stop=stop, stage="explain"
    )
    names = {lit.index: key for key, lit in rm.lits.items()}
    if status == cp_model.INFEASIBLE:
        core = [names[i] for i in solver.sufficient_assumptions_for_infeasibility()]
    else:  # pragma: no cover - should not happen: the plain model was infeasible
        core = list(rm.lits)
    counts = problem.reason_counts()
    out = [
        clash(
            "roster.rules_clash",
            month=problem.month_label,
            inspections=len(problem.visits),
            days=len(problem.days),
            have=sum(capacities(problem).values()),
            **counts,
        )
    ]
    for key in core:
        if key.startswith("visits:"):
            reason = key.split(":", 1)[1]
            out.append(clash(f"roster.rule.visits.{reason}", count=counts.get(reason, 0)))
        else:
            out.append(clash(f"roster.rule.{key}"))
    out.append(clash("roster.relax"))
    return InfeasibleError("roster", out)
