"""The pair relaxation of the rosters at the floor (``tuoyu.optimizer.roster.pairs``): on
tiny random months, every roster at the floor is found by brute force; the proven bound
never exceeds the least priority among them, and the reduced-cost fixing against any
priority ``U`` keeps every roster of priority at most ``U`` (so every optimum and every
tie). On one visit the bound is the cheapest valid pair, found by hand. End to end, the
roster found through the relaxation is the one the single solve at the floor finds."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from roster_instances import ALL, data, every_roster, insp, inst

from tuoyu.models.inspection import PastInspection, load_inspection_data
from tuoyu.optimizer.roster import build_problem, solve_roster
from tuoyu.optimizer.roster import pairs as pairs_module
from tuoyu.optimizer.roster.bound import soft_floor
from tuoyu.optimizer.roster.model import build_model, team_priority_terms
from tuoyu.optimizer.roster.pairs import SCALE, exact_bound, pair_bound, valid_pairs
from tuoyu.optimizer.roster.score import soft_values, weighted_cost
from tuoyu.optimizer.solve import SolveParams, Status
from tuoyu.planning.dataset import Dataset

SKILLS = ["safety", "hygiene", "safety;hygiene", "law"]
_person = st.tuples(st.sampled_from(["卫健", "市监", "消防"]), st.sampled_from(SKILLS),
                    st.integers(1, 2), st.integers(1, 3))


def _month(people, last_team=(), n_inst=3):
    inspectors = [insp(f"P{k}", dept, skills, per_month=pm, per_day=pd)
                  for k, (dept, skills, pd, pm) in enumerate(people)]
    history = [PastInspection(institution_id="A", date=dt.date(2026, 3, 2), outcome="pass",
                              inspector_ids=tuple(last_team))]
    places = [inst("A", "S1"), inst("B", "S2"), inst("C", "S9")][:n_inst]
    return build_problem(data(places, inspectors, history=history), 2026, 6, 7, ALL)


def _columns(teams) -> set[tuple]:
    """The relaxation's columns a roster sets: its pairs, the members of larger teams."""
    out: set[tuple] = set()
    for v, team in enumerate(teams):
        if len(team) == 2:
            out.add(("y", v, *sorted(team)))
        else:
            out |= {("a", v, p) for p in team}
    return out


def _at_the_floor(problem, days):
    day_of = dict(enumerate(days))
    var = build_model(problem, day_of=day_of).var
    cost = {k: c for k, (_a, c) in zip(var.a, team_priority_terms(problem, var), strict=True)}
    floor = soft_floor(problem, day_of, list(var.a))
    pools = {v: sorted(p for w, p in var.a if w == v) for v in range(len(problem.visits))}
    found = [] if floor is None else [
        (teams, sum(cost[v, p] for v, team in enumerate(teams) for p in team))
        for teams, rows in every_roster(problem, day_of, pools)
        if weighted_cost(problem, soft_values(problem, rows)) <= floor.total
    ]
    return day_of, var, cost, floor, found


def _check(problem, days) -> list:
    """The bound and the fixing against brute force; returns the rosters at the floor."""
    day_of, var, cost, floor, found = _at_the_floor(problem, days)
    if floor is None or not found:
        return []  # no roster at the floor: the relaxation may or may not see it
    pb = pair_bound(problem, var, day_of, floor, cost)
    assert pb is not None
    assert pb.bound <= min(priority for _t, priority in found)
    for limit in sorted({priority for _t, priority in found}):
        zero, one = pb.fixed(limit)
        for teams, priority in found:
            if priority <= limit:
                cols = _columns(teams)
                assert not cols & zero and one <= cols
    return found


@settings(max_examples=120, deadline=None)
@given(st.lists(_person, min_size=2, max_size=5),
       st.lists(st.integers(0, 1), min_size=3, max_size=3),
       st.sets(st.integers(0, 4), max_size=2))
def test_the_bound_is_below_every_roster_at_the_floor_and_fixing_keeps_every_good_one(
        people, days, last) -> None:
    _check(_month(people, [f"P{k}" for k in sorted(last)]), days)


def test_teams_of_three_are_relaxed_member_by_member_and_kept_by_the_fixing() -> None:
    # safety and hygiene only in 卫健: every team is those two and one of another department
    people = [("卫健", "safety", 2, 3), ("卫健", "hygiene", 2, 3), ("市监", "law", 2, 3),
              ("卫健", "safety", 2, 3), ("卫健", "hygiene", 2, 3), ("消防", "law", 2, 3)]
    found = _check(_month(people, n_inst=2), [0, 1])
    assert found and all(len(team) == 3 for teams, _p in found for team in teams)


def test_on_one_visit_the_bound_is_the_cheapest_valid_pair_and_fixing_keeps_only_it() -> None:
    people = [("卫健", "safety", 2, 3), ("市监", "hygiene", 2, 3), ("消防", "safety;hygiene", 2, 3),
              ("卫健", "safety;hygiene", 2, 3)]
    problem = _month(people, n_inst=1)
    day_of, var, cost, floor, found = _at_the_floor(problem, [0])
    pairs = valid_pairs(problem, [0, 1, 2, 3])
    # by hand: two departments, both skills; 0+3 is one department, 0+2 and 1+2 and 1+3
    # and 2+3 and 0+1 pass
    assert pairs == [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)]
    prices = sorted((cost[0, p] + cost[0, q], (p, q)) for p, q in pairs)
    pb = pair_bound(problem, var, day_of, floor, cost)
    assert pb is not None and pb.bound == prices[0][0]
    zero, one = pb.fixed(prices[0][0])
    kept = {k for k in pb.reduced if k[0] == "y"} - zero
    assert kept == {("y", 0, *pq) for price, pq in prices if price == prices[0][0]}
    assert floor is not None and found


def test_the_exact_bound_holds_for_any_multipliers_and_ignores_wrong_signs() -> None:
    # min x0 + 2 x1  s.t.  x0 + x1 >= 1 (x in [0, 1]): optimum 1
    lp = pairs_module._Lp()
    a, b = lp.col(("y", 0, 0, 1), 1), lp.col(("y", 0, 0, 2), 2)
    lp.row(1, float("inf"), [(a, 1), (b, 1)])
    assert exact_bound(lp, [1.0])[0] == SCALE  # the right multiplier: exact
    assert exact_bound(lp, [0.3])[0] <= SCALE  # any other: below
    assert exact_bound(lp, [-5.0])[0] == 0  # a wrong sign is dropped
    total, reduced = exact_bound(lp, [1.0])
    assert reduced == [0, SCALE]


@pytest.fixture(scope="module")
def november():
    d = load_inspection_data(Dataset.bundled().folder)
    return build_problem(d, 2027, 11, seed=20270301)


def test_the_relaxation_finds_the_roster_the_single_solve_finds(november, monkeypatch):
    solve_module = importlib.import_module("tuoyu.optimizer.roster.solve")
    bounds = []

    def counted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        bounds.append(pair_bound(*args, **kwargs))
        return bounds[-1]

    monkeypatch.setattr(solve_module, "pair_bound", counted)
    with_pairs = solve_roster(november, SolveParams(time_limit=60, workers=2))
    assert len(bounds) == 1 and bounds[0] is not None  # the relaxation was used
    monkeypatch.setattr(pairs_module, "MAX_POOL", 0)  # the relaxation off: one solve
    single = solve_roster(november, SolveParams(time_limit=60, workers=2))
    assert len(bounds) == 2 and bounds[1] is None
    for plan in (with_pairs, single):
        assert plan.status == Status.OPTIMAL and plan.unique is True
    assert with_pairs.rows == single.rows
