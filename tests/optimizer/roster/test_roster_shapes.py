"""Districts shaped unlike Baoshan (``data/generate.py --shape``): the generator writes
valid inspection tables for few large streets and for many small ones, and the roster of
such a district keeps every rule (independent checker) and reports the goals of its rows
(independent scorer); at the issue's scale (heavy) the roster is the same with any
number of workers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from roster_check import check_roster, score_roster

from tuoyu.models.inspection import load_inspection_data
from tuoyu.optimizer.roster import build_problem, solve_roster
from tuoyu.optimizer.solve import SolveParams, Status

ROOT = Path(__file__).resolve().parents[3]


def _generate(folder: Path, scale: int, shape: str) -> None:
    sys.path.insert(0, str(ROOT))
    from data.generate import generate

    generate(folder, scale=scale, shape=shape)


@pytest.mark.parametrize(("shape", "streets"), [("few-large", 9), ("many-small", 26)])
def test_shaped_district_tables_and_roster(tmp_path, shape, streets):
    _generate(tmp_path, 1, shape)
    data = load_inspection_data(tmp_path)
    assert len(data.streets) == streets
    ids = {s.street_id for s in data.streets}
    assert {i.street_id for i in data.institutions} <= ids
    for s in data.streets:  # neighbours are streets of the district, both ways round
        assert set(s.neighbours) <= ids
        assert all(s.street_id in next(t for t in data.streets if t.street_id == n).neighbours
                   for n in s.neighbours)  # fmt: skip
    problem = build_problem(data, 2027, 3, seed=20270301)
    plan = solve_roster(problem, SolveParams(time_limit=60, workers=2))
    assert plan.status == Status.OPTIMAL and plan.unique is True
    assert check_roster(plan.rows, data, 2027, 3, problem.rules) == []
    assert plan.soft == score_roster(plan.rows, data, 2027, 3, problem.rules)


def test_few_large_streets_are_few_and_large(tmp_path):
    _generate(tmp_path, 2, "few-large")
    data = load_inspection_data(tmp_path)
    per_street = sorted(
        (sum(i.street_id == s.street_id for i in data.institutions) for s in data.streets),
        reverse=True,
    )
    assert per_street[0] >= 3 * per_street[-1]  # a few huge streets, some small
    assert sum(per_street[:3]) > sum(per_street) / 2


@pytest.mark.heavy
@pytest.mark.parametrize(("shape", "scale", "month"), [("few-large", 10, 3), ("baoshan", 12, 11)])
def test_held_out_shapes_same_roster_with_any_workers(tmp_path, shape, scale, month):
    """The issue's held-out shapes: 9 large streets at 10x with heavier leave and
    conflicts (March), and November (coverage-heavy) at 12x. Proven unique or not, the
    roster is the same with one worker and with eight, keeps every rule and reports the
    goals of its rows; what is not proven is said (the goal, proven unique within the
    budget, is measured in ``benchmarks/bench_roster.py``)."""
    _generate(tmp_path, scale, shape)
    data = load_inspection_data(tmp_path)
    problem = build_problem(data, 2027, month, seed=20270301)
    plans = [solve_roster(problem, SolveParams(time_limit=60, workers=w)) for w in (1, 8)]
    assert plans[0].rows == plans[1].rows
    plan = plans[0]
    assert check_roster(plan.rows, data, 2027, month, problem.rules) == []
    assert plan.soft == score_roster(plan.rows, data, 2027, month, problem.rules)
    codes = {f.code for f in plan.findings}
    if plan.status != Status.OPTIMAL:
        assert "roster.not_proven_optimal" in codes
    elif plan.unique is not True:
        assert "roster.not_proven_unique" in codes
