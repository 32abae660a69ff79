"""The siting optimizer's one entry (``tuoyu.optimizer.siting.solve``, the package's
``__init__``): the contract every planner shares, never raising for "no plan": no room
for the yearly classes comes back infeasible with its clashes as findings; a plan that
can be made opens classes where it says (tiny hand-made instances)."""

from __future__ import annotations

import inspect

from siting_fixtures import community, config, data, kindergarten, problem

from tuoyu.optimizer import siting
from tuoyu.optimizer.solve import SolveParams, Status


def test_the_same_solve_as_every_planner() -> None:
    params = list(inspect.signature(siting.solve).parameters.values())
    assert [p.name for p in params[:4]] == ["problem", "params", "stop", "progress"]
    assert params[2].kind == params[3].kind == inspect.Parameter.KEYWORD_ONLY


def test_siting_with_no_room_for_the_yearly_classes_is_infeasible_not_an_exception() -> None:
    d = data([community("C1", 0, 0, 300)], [kindergarten("K1", 0.1, 0, spare=1)])
    p = problem(d, config(classes=(3, 3)))  # three classes a year, one room
    result = siting.solve(p, SolveParams(time_limit=10, workers=1))
    assert result.status == Status.INFEASIBLE and result.openings == []
    assert result.findings and all(f.severity == "error" for f in result.findings)


def test_one_room_near_the_children_opens_its_class() -> None:
    d = data([community("C1", 0, 0, 30)], [kindergarten("K1", 100, 0, spare=1)])
    result = siting.solve(problem(d, config(classes=(1, 1))),
                          SolveParams(time_limit=10, workers=1))
    assert result.status == Status.OPTIMAL
    assert [(o.place_id, o.year, o.classes) for o in result.openings] == [("K1", 2027, 1)]
