"""What every formulation shares (``tuoyu.optimizer.solve``): the gap, the statuses, the
stop token and one CP-SAT solve, on small hand-made models."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from tuoyu.optimizer.solve import (
    SoftGoal,
    SolveParams,
    Status,
    Stop,
    cp_status,
    gap,
    solve,
)


def test_gap_is_none_without_an_objective_or_a_finite_bound():
    assert gap(None, 1.0) is None
    assert gap(1.0, None) is None
    assert gap(1.0, float("inf")) is None


def test_gap_of_a_proven_plan_is_zero():
    assert gap(10.0, 10.0) == 0.0
    assert gap(10.0, 10.0 + 1e-12) == 0.0


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_gap_is_relative_to_the_objective_and_never_negative(objective, bound):
    g = gap(objective, bound)
    assert g is not None and g >= 0
    if abs(objective - bound) >= 1e-9:
        assert g == pytest.approx(abs(objective - bound) / max(1.0, abs(objective)))


def test_a_soft_goal_costs_its_value_times_its_weight():
    goal = SoftGoal("x.goal.y", 3, 2.5)
    assert goal.cost == 7.5
    assert goal.as_dict()["cost"] == 7.5


def test_cp_status_says_cancelled_only_for_a_stopped_search_without_a_solution():
    stop = Stop()
    assert cp_status(cp_model.UNKNOWN) == Status.TIME_LIMIT
    assert cp_status(cp_model.UNKNOWN, stop) == Status.TIME_LIMIT
    stop.set()
    assert cp_status(cp_model.UNKNOWN, stop) == Status.CANCELLED
    assert cp_status(cp_model.FEASIBLE, stop) == Status.FEASIBLE
    with pytest.raises(RuntimeError):
        cp_status(cp_model.MODEL_INVALID)


def test_a_stop_token_calls_the_cancels_registered_while_set_and_at_once_when_already_set():
    stop, called = Stop(), []
    with stop.watch(lambda: called.append("a")):
        threading.Thread(target=stop.set).start()
        for _ in range(100):
            if called:
                break
            threading.Event().wait(0.01)
    assert called == ["a"]
    with stop.watch(lambda: called.append("b")):
        pass
    assert called == ["a", "b"]  # set already: cancelled at once


def small_model() -> tuple[cp_model.CpModel, cp_model.IntVar]:
    """Pick 3 of 5 items with weights 5, 4, 3, 2, 1, as light as possible (optimum 6)."""
    model = cp_model.CpModel()
    xs = [model.new_bool_var(f"x{i}") for i in range(5)]
    model.add(sum(xs) == 3)
    cost = model.new_int_var(0, 100, "cost")
    model.add(cost == sum(w * x for w, x in zip((5, 4, 3, 2, 1), xs, strict=True)))
    model.minimize(cost)
    return model, cost


def test_solve_proves_a_small_model_and_reports_progress():
    model, cost = small_model()
    events = []
    solver, status, seconds = solve(model, SolveParams(time_limit=10, workers=1),
                                    events.append, stage="pick")
    assert cp_status(status) == Status.OPTIMAL
    assert solver.value(cost) == 6
    assert seconds >= 0
    assert events and events[-1].stage == "pick" and events[-1].objective == 6


def test_a_solve_started_after_the_stop_still_gives_a_plan():
    model, _cost = small_model()
    stop = Stop(grace=5)
    stop.set()
    _solver, status, _s = solve(model, SolveParams(time_limit=10, workers=1), stop=stop)
    assert cp_status(status, stop) in (Status.FEASIBLE, Status.OPTIMAL)


def test_an_infeasible_model_is_proven_so():
    model = cp_model.CpModel()
    x = model.new_int_var(0, 3, "x")
    model.add(x >= 5)
    _solver, status, _s = solve(model, SolveParams(time_limit=10, workers=1))
    assert cp_status(status) == Status.INFEASIBLE
