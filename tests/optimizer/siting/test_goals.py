"""The soft goals of the siting plan: each on a tiny instance where it decides, and the
plan's soft-goal report (value × weight) computed by hand."""

from __future__ import annotations

import pytest
from siting_fixtures import community, config, data, kindergarten, problem

from tuoyu.models.siting import ForecastRow
from tuoyu.optimizer.siting import GOALS, SitingWeights, solve_capacitated


def opened(plan) -> dict[tuple[str, int], int]:
    return {(o.place_id, o.year): o.classes for o in plan.openings}


def test_the_registry_names_the_goals():
    assert [g.code for g in GOALS.values()] == ["siting.goal.served", "siting.goal.walk"]


def test_earlier_years_count_more():
    # one class a year; A's demand exists only in 2027, B's only in 2028 (via forecast)
    comms = [community("a", 0, 0, 20), community("b", 5000, 0, 20)]
    d = data(comms, [kindergarten("KA", 0, 0, spare=1), kindergarten("KB", 5000, 0, spare=1)])
    d = d.model_copy(
        update={
            "forecast": (
                ForecastRow(community_id="a", year=2027, demand=20),
                ForecastRow(community_id="a", year=2028, demand=20),
                ForecastRow(community_id="b", year=2027, demand=0),
                ForecastRow(community_id="b", year=2028, demand=40),
            )
        }
    )
    # both orders serve 20 + 40 over the two years... KA first serves 20 in 2027
    plan = solve_capacitated(problem(d, config(years=(2027, 2028), classes=(1, 1))))
    assert opened(plan)[("KA", 2027)] == 1


def test_shorter_walks_break_ties():
    comms = [community("a", 0, 0, 20)]
    kgs = [kindergarten("far", 800, 0, spare=1), kindergarten("near", 100, 0, spare=1)]
    plan = solve_capacitated(problem(data(comms, kgs), config()))
    assert opened(plan) == {("near", 2027): 1}


def test_without_a_walk_weight_the_walk_decides_nothing():
    comms = [community("a", 0, 0, 20)]
    kgs = [kindergarten("far", 800, 0, spare=1), kindergarten("near", 100, 0, spare=1)]
    plan = solve_capacitated(
        problem(data(comms, kgs), config(weights=SitingWeights(walk_weight=0.0)))
    )
    walk = next(g for g in plan.soft_goals if g.code == "siting.goal.walk")
    assert walk.cost == 0 and plan.objective == pytest.approx(20.0)


def test_soft_goal_values_by_hand():
    # 20 children 100 m from the class: walk 130 m (× circuity 1.3) of a 1,125 m circle
    d = data([community("a", 100, 0, 20)], [kindergarten("K", 0, 0, spare=1)])
    plan = solve_capacitated(problem(d, config()))
    goals = {g.code: g for g in plan.soft_goals}
    assert goals["siting.goal.served"].value == pytest.approx(20.0)
    assert goals["siting.goal.walk"].value == pytest.approx(20 * 130 / 1125, rel=1e-3)
    assert goals["siting.goal.walk"].weight == -0.01
    assert goals["siting.goal.street_missed"].value == 0
    assert sum(g.cost for g in plan.soft_goals) == pytest.approx(plan.objective)


def test_a_missed_rule_costs_its_penalty():
    # a street 3 km away with no candidate in reach: the elastic street rule misses once
    comms = [community("a", 0, 0, 50, street="S1"), community("b", 3000, 0, 5, street="S2")]
    d = data(comms, [kindergarten("K1", 100, 0, spare=1)], streets=("S1", "S2"))
    plan = solve_capacitated(problem(d, config()))
    missed = next(g for g in plan.soft_goals if g.code == "siting.goal.street_missed")
    assert missed.value == 1 and missed.weight < -20
    assert sum(g.cost for g in plan.soft_goals) == pytest.approx(plan.objective)
