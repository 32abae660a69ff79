"""The one optimizer contract of every planner: ``solve(problem, params, *, stop,
progress) -> Result``, the same name in each optimizer package, never raising for "no
plan": a problem whose rules clash comes back with status infeasible and the clashes as
findings (tiny hand-made instances)."""

from __future__ import annotations

import inspect

import pytest
from roster_instances import data, insp, inst
from roster_instances import plan as roster_plan
from siting_fixtures import community, config, kindergarten
from siting_fixtures import data as siting_data
from siting_fixtures import problem as siting_problem

from tuoyu.optimizer import roster, sessions, siting
from tuoyu.optimizer.solve import SolveParams, Status


@pytest.mark.parametrize("package", [roster, sessions, siting])
def test_every_planner_has_the_same_solve(package):
    params = list(inspect.signature(package.solve).parameters.values())
    assert [p.name for p in params[:4]] == ["problem", "params", "stop", "progress"]
    assert params[2].kind == params[3].kind == inspect.Parameter.KEYWORD_ONLY


def test_a_roster_whose_pool_is_too_small_is_infeasible_not_an_exception():
    d = data([inst(f"I{k}") for k in range(1, 7)],
             [insp("A1", "A", per_month=2), insp("B1", "B", per_month=2)])
    problem = roster.build_problem(d, 2026, 6, 7, roster.RosterRules(draw_share=1.0))
    result = roster.solve(problem, SolveParams(time_limit=10, workers=1))
    assert result.status == Status.INFEASIBLE and result.rows == ()
    assert result.findings and all(f.severity == "error" for f in result.findings)


def test_a_roster_that_can_be_made_is_the_same_as_solve_roster_makes():
    d = data([inst("I1"), inst("I2", "S2")], [insp("A1", "A"), insp("B1", "B")])
    problem = roster.build_problem(d, 2026, 6, 7, roster.RosterRules(draw_share=1.0))
    result = roster.solve(problem, SolveParams(time_limit=10, workers=1))
    assert result.status == Status.OPTIMAL
    assert result.rows == roster_plan(d, workers=1, time_limit=10).rows


def test_siting_with_no_room_for_the_yearly_classes_is_infeasible_not_an_exception():
    d = siting_data([community("C1", 0, 0, 300)],
                    [kindergarten("K1", 0.1, 0, spare=1)])
    p = siting_problem(d, config(classes=(3, 3)))  # three classes a year, one room
    result = siting.solve(p, SolveParams(time_limit=10, workers=1))
    assert result.status == Status.INFEASIBLE and result.openings == []
    assert result.findings
