"""A generated district twice the bundled one: the roster is proven unique, identical with
one solver worker and with two, and keeps every hard rule (independent checker); the
exact days stage agrees with a CP-SAT model of the same lexicographic objective."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest
from ortools.sat.python import cp_model
from roster_check import check_roster

from tuoyu.models.inspection import load_inspection_data
from tuoyu.optimizer.roster import build_problem, solve_roster
from tuoyu.optimizer.roster.days import day_candidates, day_capacity, exact_days
from tuoyu.optimizer.solve import SolveParams, Status

ROOT = Path(__file__).resolve().parents[3]
SEED = 20270301


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    sys.path.insert(0, str(ROOT))
    from data.generate import generate

    folder = tmp_path_factory.mktemp("x2")
    generate(folder, scale=2)
    data = load_inspection_data(folder)
    return data, build_problem(data, 2027, 3, seed=SEED)


def test_same_proven_unique_roster_with_one_or_two_workers(district):
    data, problem = district
    plans = [solve_roster(problem, SolveParams(time_limit=120, workers=w)) for w in (1, 2)]
    for plan in plans:
        assert plan.status == Status.OPTIMAL and plan.unique is True
        assert plan.objective == plan.bound
        assert [s.status for s in plan.stages] == [
            Status.OPTIMAL,
            Status.OPTIMAL,
            Status.OPTIMAL,
            Status.INFEASIBLE,
        ]  # fmt: skip  (days, teams, random priority, no other roster ties)
        assert check_roster(plan.rows, data, 2027, 3, problem.rules) == []
    assert plans[0].rows == plans[1].rows
    assert len(plans[0].rows) == len(problem.visits) > 60


def _cp_sat_days(problem, cost):
    """The lexicographic objective (busiest day, then priorities) by CP-SAT, and whether
    another assignment ties (the old stage 1, kept here as an independent reference)."""
    cand, caps = day_candidates(problem), day_capacity(problem)
    m = cp_model.CpModel()
    x = {(v, k): m.new_bool_var("") for v, ks in cand.items() for k in ks}
    for v, ks in cand.items():
        m.add_exactly_one(x[v, k] for k in ks)
    busiest = m.new_int_var(0, len(cand), "")
    for k, cap in enumerate(caps):
        load = sum(x[v, kk] for (v, kk) in x if kk == k)
        m.add(load <= cap)
        m.add(busiest >= load)
    big = sum(cost.values()) + 1
    obj = big * busiest + sum(c * x[q] for q, c in cost.items())
    m.minimize(obj)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(m) == cp_model.OPTIMAL
    day_of = {v: k for (v, k), var in x.items() if solver.boolean_value(var)}
    best = round(solver.objective_value)
    m.clear_objective()
    m.add(obj <= best)
    m.add(sum(x[v, k] for v, k in day_of.items()) <= len(day_of) - 1)
    return day_of, solver.solve(m) == cp_model.INFEASIBLE


@pytest.mark.parametrize(("n", "spread"), [(20, 3), (20, 40), (30, 40), (30, 1000)])
def test_exact_days_match_cp_sat_and_its_uniqueness(district, n, spread):
    """Small priority ranges force ties: the flow's verdict on uniqueness must agree with
    CP-SAT's (both verdicts occur among these cases); the optimum's cost too."""
    problem = replace(district[1], visits=district[1].visits[:n])
    cand = day_candidates(problem)
    cost = {(v, k): 1 + (7919 * v + 104729 * k + v * k) % spread for v in cand for k in cand[v]}
    flow = exact_days(problem, cost)
    day_of, unique = _cp_sat_days(problem, cost)
    assert flow.unique is unique
    assert flow.cost == sum(cost[v, k] for v, k in day_of.items())
    if unique:
        assert flow.day_of == day_of
