"""A generated district twice the bundled one: the roster is proven unique, identical with
one solver worker and with two, and keeps every hard rule (independent checker); the
exact days stage agrees with a CP-SAT model of the same lexicographic objective; the
uniqueness proof agrees with enumeration on small models."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model
from roster_instances import same_unique_roster_with_one_or_two_workers

from tuoyu.models.inspection import load_inspection_data
from tuoyu.optimizer.roster import build_problem
from tuoyu.optimizer.roster.days import day_candidates, day_capacity, exact_days
from tuoyu.optimizer.roster.stages import Run, prove_unique
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


@pytest.mark.heavy  # two city-scale solves (the same rule on a small district: test_roster_determinism)
def test_same_proven_unique_roster_with_one_or_two_workers(district):
    data, problem = district
    rows = same_unique_roster_with_one_or_two_workers(data, problem)
    assert len(rows) == len(problem.visits) > 60


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


def _brute_force_optima(n: int, rows: list[list[int]], caps: list[int], cost: list[int]):
    """Every 0/1 vector meeting ``rows . x <= caps`` and ``sum x >= 1``, and the cheapest."""
    import itertools

    feasible = [
        bits
        for bits in itertools.product((0, 1), repeat=n)
        if sum(bits) >= 1
        and all(sum(r[j] * bits[j] for j in range(n)) <= c for r, c in zip(rows, caps, strict=True))
    ]
    if not feasible:
        return []
    best = min(sum(c * b for c, b in zip(cost, bits, strict=True)) for bits in feasible)
    return [b for b in feasible if sum(c * x for c, x in zip(cost, b, strict=True)) == best]


@given(
    n=st.integers(2, 7),
    data=st.data(),
)
@settings(max_examples=60, deadline=None)
def test_uniqueness_proof_agrees_with_enumeration(n, data):
    """The perturbed-objective proof says "unique" exactly when brute force finds one
    cheapest solution, "not unique" when it finds several (ties are common: small costs)."""
    cost = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    rows = data.draw(st.lists(st.lists(st.integers(0, 2), min_size=n, max_size=n), max_size=3))
    caps = data.draw(st.lists(st.integers(1, 3), min_size=len(rows), max_size=len(rows)))
    optima = _brute_force_optima(n, rows, caps, cost)
    assume(optima)

    def model() -> tuple[cp_model.CpModel, list]:
        m = cp_model.CpModel()
        xs = [m.new_bool_var(f"x{j}") for j in range(n)]
        m.add(sum(xs) >= 1)
        for r, c in zip(rows, caps, strict=True):
            m.add(sum(k * x for k, x in zip(r, xs, strict=True)) <= c)
        return m, xs

    m, xs = model()
    chosen = {x.index for x, b in zip(xs, optima[0], strict=True) if b}
    verdict, stage = prove_unique(
        m, list(zip(xs, cost, strict=True)), chosen, SolveParams(workers=1), Run(), "u"
    )
    assert stage.status == Status.OPTIMAL
    assert verdict is (len(optima) == 1)
