"""The roster optimizer's one entry (``tuoyu.optimizer.roster.solve``, the package's
``__init__``): the contract every planner shares, ``solve(problem, params, *, stop,
progress) -> Result``, never raising for "no plan": a pool too small comes back
infeasible with its clashes as findings; a roster that can be made is the one
``solve_roster`` makes (tiny hand-made instances)."""

from __future__ import annotations

import inspect

from roster_instances import data, insp, inst
from roster_instances import plan as roster_plan

from tuoyu.optimizer import roster
from tuoyu.optimizer.solve import SolveParams, Status


def test_the_same_solve_as_every_planner() -> None:
    params = list(inspect.signature(roster.solve).parameters.values())
    assert [p.name for p in params[:4]] == ["problem", "params", "stop", "progress"]
    assert params[2].kind == params[3].kind == inspect.Parameter.KEYWORD_ONLY


def test_a_roster_whose_pool_is_too_small_is_infeasible_not_an_exception() -> None:
    d = data([inst(f"I{k}") for k in range(1, 7)],
             [insp("A1", "A", per_month=2), insp("B1", "B", per_month=2)])
    problem = roster.build_problem(d, 2026, 6, 7, roster.RosterRules(draw_share=1.0))
    result = roster.solve(problem, SolveParams(time_limit=10, workers=1))
    assert result.status == Status.INFEASIBLE and result.rows == ()
    assert result.findings and all(f.severity == "error" for f in result.findings)


def test_a_roster_that_can_be_made_is_the_same_as_solve_roster_makes() -> None:
    d = data([inst("I1"), inst("I2", "S2")], [insp("A1", "A"), insp("B1", "B")])
    problem = roster.build_problem(d, 2026, 6, 7, roster.RosterRules(draw_share=1.0))
    result = roster.solve(problem, SolveParams(time_limit=10, workers=1))
    assert result.status == Status.OPTIMAL
    assert result.rows == roster_plan(d, workers=1, time_limit=10).rows
