"""The roster never depends on threads or load: with a budget of work too small for the
proof of uniqueness, the roster is the same with one solver worker and with eight, and
says that it is not proven; its reported goals are those of its rows (independent
scorer). Every solve is a deterministic search within a budget of work."""

from __future__ import annotations

import pytest
from draw_support import tiny_dataset
from roster_check import check_roster, score_roster
from roster_instances import same_unique_roster_with_one_or_two_workers

from tuoyu.api.text import render
from tuoyu.models.errors import TimeLimitError
from tuoyu.models.inspection import load_inspection_data
from tuoyu.optimizer.roster import build_problem, pairs, solve_roster
from tuoyu.optimizer.solve import SolveParams, Status
from tuoyu.planning.dataset import Dataset


@pytest.fixture(scope="module")
def november():
    data = load_inspection_data(Dataset.bundled().folder)
    return data, build_problem(data, 2027, 11, seed=20270301)


def test_same_roster_with_one_or_eight_workers_when_uniqueness_is_not_proven(november,
                                                                            monkeypatch):
    # the single solve at the floor (the pair relaxation off): with it, this month's
    # uniqueness is proven within even this little work
    monkeypatch.setattr(pairs, "MAX_POOL", 0)
    data, problem = november
    plans = [solve_roster(problem, SolveParams(time_limit=60, workers=w), work=0.3) for w in (1, 8)]
    for plan in plans:
        # optimal on the soft goals, but the proof that no other roster ties was cut short
        assert plan.status == Status.OPTIMAL and plan.unique is None
        assert plan.stages[-1].stage == "uniqueness"
        assert plan.stages[-1].status == Status.TIME_LIMIT
        said = "\n".join(render(f, "en") for f in plan.findings)
        assert "not proven the only optimum" in said and "deterministic search" in said
        assert check_roster(plan.rows, data, 2027, 11, problem.rules) == []
        assert plan.soft == score_roster(plan.rows, data, 2027, 11, problem.rules)
    assert plans[0].rows == plans[1].rows
    assert len(plans[0].rows) == len(problem.visits) > 40


def test_no_work_at_all_gives_the_same_answer_with_any_workers(november):
    """No work for any solve: the greedy completion (a fixed order) or no roster, the same
    either way."""
    _data, problem = november

    def outcome(workers: int) -> object:
        try:
            plan = solve_roster(problem, SolveParams(time_limit=60, workers=workers), work=0.0)
        except TimeLimitError as err:
            return [f.code for f in err.clashes]
        assert plan.status == Status.FEASIBLE
        return plan.rows

    assert outcome(1) == outcome(8)


def test_a_proven_unique_roster_is_the_same_with_one_or_two_workers(tmp_path):
    """With the budget for the proof: proven the only optimum, identical rows with one
    worker and with two, every hard rule kept (a small district; the same at twice the
    bundled scale: test_roster_city, heavy)."""
    data = load_inspection_data(tiny_dataset(tmp_path / "data", institutions=90))
    problem = build_problem(data, 2027, 3, seed=20270301)
    rows = same_unique_roster_with_one_or_two_workers(data, problem)
    assert len(rows) == len(problem.visits) > 20
