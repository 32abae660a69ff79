"""The seeded random choice among equally good rosters, as a sequence of small proven
steps (the teams on fixed days).

The roster chosen is defined day by day: with the soft goals held at their proven
optimum, the first day's teams minimise that day's seeded priorities over every roster
that keeps the optimum; they are fixed; then the second day's, and so on. Each step is a
small optimisation (one day's teams, the earlier days fixed, the later days free so the
month's limits still hold), proven optimal, and then proven the only optimum of its day
(its teams forbidden at no greater priority: infeasible). When every step is proven, the
roster is the only one so defined: the same on any machine and any thread count. A step
that is not proven within the time left leaves the roster as found and says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from tuoyu.optimizer.draw import priority
from tuoyu.optimizer.roster.model import RosterModel
from tuoyu.optimizer.roster.problem import RosterProblem
from tuoyu.optimizer.solve import SolveParams, StageTime, Status


@dataclass(frozen=True)
class DayByDay:
    """The teams chosen (``on_a``: (visit, inspector) pairs), whether every step was
    proven optimal, whether every step was proven the only optimum (None: not checked
    or not proven), and the two stages (the priorities, their uniqueness) summed."""

    on_a: list[tuple[int, int]]
    proven: bool
    unique: bool | None
    stages: tuple[StageTime, ...]


def _coef(problem: RosterProblem, v: int, p: int) -> int:
    return priority(
        problem.seed, "team", problem.visits[v].institution_id, problem.inspectors[p].inspector_id
    )


class _Sum:
    """Status, objective, bound and seconds of many solves, as one stage."""

    def __init__(self, label: str):
        self.label, self.status = label, Status.OPTIMAL
        self.objective, self.bound, self.secs = 0.0, 0.0, 0.0

    def add(self, status: Status, secs: float, objective: float = 0.0, bound: float = 0.0):
        self.secs += secs
        self.objective += objective
        self.bound += bound
        if self.status == Status.OPTIMAL or status != Status.OPTIMAL:
            self.status = status if status != Status.INFEASIBLE else self.status

    def stage(self, with_values: bool) -> StageTime:
        obj = self.objective if with_values else None
        bound = self.bound if with_values else None
        return StageTime(self.label, self.status, obj, bound, solve_seconds=self.secs)


Solve = Callable[[cp_model.CpModel, SolveParams, str], tuple[cp_model.CpSolver, int, float]]


def day_by_day(
    problem: RosterProblem,
    rm: RosterModel,
    day_of: dict[int, int],
    start: list[tuple[int, int]],
    solve: Solve,
    status_of: Callable[[int], Status],
    params: Callable[[], SolveParams],
    prove: bool = True,
) -> DayByDay:
    """Fix the teams day by day in the order of the month (see the module). ``rm`` holds
    every hard rule and the soft goals already capped at their optimum; ``start`` is a
    roster that keeps it (the hint of the first step)."""
    model, a = rm.model, rm.var.a
    by_day: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for v, p in a:
        by_day[day_of[v]].append((v, p))
    current = set(start)
    pri, uniq = _Sum("random priority"), _Sum("uniqueness")
    proven, unique = True, True
    for k in sorted(by_day):
        keys = by_day[k]
        tie = cp_model.LinearExpr.weighted_sum(
            [a[q] for q in keys], [_coef(problem, *q) for q in keys]
        )
        model.clear_hints()
        for q, var in a.items():
            model.add_hint(var, q in current)
        model.minimize(tie)
        solver, status, secs = solve(model, params(), "random priority")
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        pri.add(status_of(status), secs, solver.objective_value if found else 0.0,
                solver.best_objective_bound if found else 0.0)  # fmt: skip
        if not found:
            proven = unique = False
            break
        chosen = [q for q in keys if solver.boolean_value(a[q])]
        current = {q for q, var in a.items() if solver.boolean_value(var)}
        if status != cp_model.OPTIMAL:
            proven = False
            break
        best = round(solver.objective_value)
        if prove:
            unique = unique and _only_one(
                model, tie, best, [a[q] for q in chosen], solve, params, uniq, status_of
            )
        for q in keys:  # this day's teams are now fixed
            model.add(a[q] == (q in chosen))
    model.clear_objective()
    stages = [pri.stage(True)] + ([uniq.stage(False)] if prove and proven else [])
    return DayByDay(sorted(current), proven, unique if (prove and proven) else None, tuple(stages))


def _only_one(
    model: cp_model.CpModel,
    tie: cp_model.LinearExpr,
    best: int,
    chosen: list,
    solve: Solve,
    params: Callable[[], SolveParams],
    uniq: _Sum,
    status_of: Callable[[int], Status],
) -> bool:
    """Is the day's optimum the only one? Its teams forbidden at no greater priority, the
    rest of the month still feasible: infeasible means yes."""
    check = model.clone()
    check.clear_objective()
    check.clear_hints()
    check.add(tie <= best)
    check.add(cp_model.LinearExpr.sum(chosen) <= len(chosen) - 1)
    _s, status, secs = solve(check, params(), "uniqueness")
    uniq.add(status_of(status), secs)
    if status != cp_model.INFEASIBLE:
        uniq.status = Status.FEASIBLE if status != cp_model.UNKNOWN else status_of(status)
    return status == cp_model.INFEASIBLE
