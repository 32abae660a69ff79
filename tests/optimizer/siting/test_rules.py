"""Each siting rule on a tiny hand-made instance where it binds, checked from the plan's
output tables (openings and coverage), not from the model's variables."""

from __future__ import annotations

import re

import networkx as nx
import numpy as np
import pytest
from siting_check import assert_rules_hold
from siting_fixtures import (
    at,
    community,
    config,
    data,
    kindergarten,
    problem,
    provider,
    site,
)

from tuoyu.api.text import render
from tuoyu.models.errors import InfeasibleError
from tuoyu.models.siting import ForecastRow
from tuoyu.optimizer.catchment import AccessParams, WalkNetwork, project, walking_pairs
from tuoyu.optimizer.demand import DemandParams, forecast_demand
from tuoyu.optimizer.siting import RULES, solve_capacitated, solve_cover


def en(findings) -> str:
    """The findings as the English sentences a planner reads."""
    return "\n".join(render(f, "en") for f in findings)


def solve(d, cfg):
    """Solve, then check every hard rule on the output with the independent checker."""
    plan = solve_capacitated(problem(d, cfg))
    assert_rules_hold(d, cfg, plan)
    return plan


def opened(plan) -> dict[tuple[str, int], int]:
    return {(o.place_id, o.year): o.classes for o in plan.openings}


def served(plan, year: int) -> int:
    cov = plan.coverage
    return int(cov.loc[cov["year"] == year, "served"].sum())


# --- walking access ---------------------------------------------------------------


def test_fifteen_minutes_at_walking_speed_is_1125_m_and_radius_overrides():
    assert AccessParams().reach_m == pytest.approx(1125.0)
    assert AccessParams(speed_kmh=4.0).reach_m == pytest.approx(1000.0)
    assert AccessParams(radius_m=500).reach_m == 500.0


def test_straight_line_times_circuity_decides_reach():
    comms = [community("near", 800, 0, 30), community("far", -900, 0, 30)]
    d = data(comms, [kindergarten("K", 0, 0, spare=1)])
    plan = solve_capacitated(problem(d, config()))
    cov = plan.coverage.set_index("community_id")
    # 800 m × 1.3 = 1,040 m is within 1,125 m; 900 m × 1.3 = 1,170 m is not
    assert cov.loc["near", "within_15_min"] and cov.loc["near", "served"] == 20
    assert not cov.loc["far", "within_15_min"] and cov.loc["far", "served"] == 0


def test_fixed_radius_shrinks_the_circle():
    d = data([community("c", 450, 0, 30)], [kindergarten("K", 0, 0, spare=1)])
    plan = solve_capacitated(problem(d, config(access=AccessParams(radius_m=500))))
    assert served(plan, 2027) == 0  # 450 × 1.3 = 585 m > 500 m


def _network_with_detour() -> nx.MultiDiGraph:
    """A canal between two points 300 m apart: the only bridge is 1 km to the north."""
    g = nx.MultiDiGraph(crs="epsg:4326")
    pts = {0: (0, 0), 1: (0, 1000), 2: (300, 1000), 3: (300, 0)}
    for n, (e, no) in pts.items():
        lon, lat = at(e, no)
        g.add_node(n, x=lon, y=lat)
    for a, b, length in ((0, 1, 1000.0), (1, 2, 300.0), (2, 3, 1000.0)):
        g.add_edge(a, b, length=length)
        g.add_edge(b, a, length=length)
    return g


def test_network_shortest_path_replaces_the_straight_line():
    g = _network_with_detour()
    net = WalkNetwork.from_graph(g)
    cx, cy = project(*at(0, 0))
    sx, sy = project(*at(300, 0))
    access = AccessParams()
    straight = walking_pairs(
        np.atleast_1d(cx), np.atleast_1d(cy), np.atleast_1d(sx), np.atleast_1d(sy), access
    )
    assert len(straight) == 1  # 390 m by the straight-line rule
    on_net = walking_pairs(
        np.atleast_1d(cx), np.atleast_1d(cy), np.atleast_1d(sx), np.atleast_1d(sy), access, net
    )
    assert len(on_net) == 0  # 2,300 m around the canal
    d = data([community("c", 0, 0, 30)], [kindergarten("K", 300, 0, spare=1)])
    d = d.model_copy(update={"network": g})
    assert served(solve_capacitated(problem(d, config())), 2027) == 0
    long = AccessParams(radius_m=2400)
    on_net = walking_pairs(
        np.atleast_1d(cx), np.atleast_1d(cy), np.atleast_1d(sx), np.atleast_1d(sy), long, net
    )
    assert len(on_net) == 1 and on_net.on_network[0]
    assert on_net.dist[0] == pytest.approx(2300, abs=1)


def test_points_far_from_the_network_fall_back_to_circuity():
    net = WalkNetwork.from_graph(_network_with_detour())
    cx, cy = project(*at(5000, 5000))
    sx, sy = project(*at(5300, 5000))
    pairs = walking_pairs(
        np.atleast_1d(cx),
        np.atleast_1d(cy),
        np.atleast_1d(sx),
        np.atleast_1d(sy),
        AccessParams(),
        net,
    )
    assert len(pairs) == 1 and not pairs.on_network[0]
    assert pairs.dist[0] == pytest.approx(390, abs=2)


# --- demand ------------------------------------------------------------------------


def test_forecast_follows_the_birth_trend_and_take_up():
    c = [community("c", 0, 0, 90, births=30)]
    flat = forecast_demand(c, [2027, 2028], DemandParams(take_up=1.0, trend=0.0))
    assert flat.tolist() == [[90, 90]]
    falling = forecast_demand(c, [2027, 2028], DemandParams(take_up=0.5, trend=-0.1))
    # 2027: 90·2/3 + 30·0.9 = 87 → 43.5; 2028: 87·2/3 + 30·0.81 = 82.3 → 41.15
    assert falling.tolist() == [[44, 41]]


def test_planner_forecast_replaces_the_computed_one():
    c = [community("c", 0, 0, 90)]
    rows = [
        ForecastRow(community_id="c", year=2028, demand=7),
        ForecastRow(community_id="c", year=2027, pop_0_3=200),
    ]
    out = forecast_demand(c, [2027, 2028], DemandParams(take_up=0.5, trend=0.0), rows)
    assert out.tolist() == [[100, 7]]


# --- the capacitated model -----------------------------------------------------------


def test_rule_seats_shared_among_communities():
    comms = [community("a", 300, 0, 100), community("b", -300, 0, 100)]
    plan = solve(data(comms, [kindergarten("K", 0, 0, spare=1)]), config())
    assert served(plan, 2027) == 20  # one class, 20 seats, two communities of 100


def test_existing_seats_count_and_new_ones_add():
    comms = [community("a", 300, 0, 100)]
    plan = solve_capacitated(
        problem(
            data(comms, [kindergarten("K", 0, 0, spare=1)], [provider("P", 100, 0, 30)]), config()
        )
    )
    assert plan.served_before[2027] == 30 and served(plan, 2027) == 50


def test_rule_classes_once_opened_stay():
    comms = [community("a", 300, 0, 100)]
    plan = solve(data(comms, [kindergarten("K", 0, 0, spare=3)]), config(years=(2027, 2029)))
    assert [served(plan, y) for y in (2027, 2028, 2029)] == [20, 40, 60]
    assert [o.cumulative for o in plan.openings] == [1, 2, 3]


def test_rule_within_spare_rooms():
    comms = [community("a", 300, 0, 500)]
    d = data(comms, [kindergarten("K", 0, 0, spare=1)], sites=[site("S", 100, 0, 2, None)])
    plan = solve(d, config(years=(2027, 2027), classes=(0, 8)))
    o = opened(plan)
    assert o == {("K", 2027): 1, ("S", 2027): 2}


def test_rule_only_public_kindergartens_and_sites():
    d = data(
        [community("a", 300, 0, 500)],
        [kindergarten("K", 0, 0, public=False, spare=3)],
        sites=[site("S", 100, 0, 3, None)],
    )
    plan = solve(d, config(classes=(1, 8)))
    assert all(o.place_id != "K" for o in plan.openings)


def test_rule_not_before_available_from():
    comms = [community("big", 5000, 0, 500), community("small", 0, 0, 10)]
    d = data(comms, [kindergarten("K", 0, 0, spare=1)], sites=[site("S", 5000, 100, 1, 2028)])
    plan = solve(d, config(years=(2027, 2028), classes=(1, 1)))
    assert opened(plan) == {("K", 2027): 1, ("S", 2028): 1}


def test_rule_classes_per_year():
    comms = [community("a", 0, 0, 1000)]
    kgs = [kindergarten(f"K{k}", 10 * k, 0, spare=3) for k in range(5)]
    plan = solve(data(comms, kgs), config(years=(2027, 2028), classes=(2, 4)))
    per_year = {y: sum(o.classes for o in plan.openings if o.year == y) for y in (2027, 2028)}
    assert per_year == {2027: 4, 2028: 4}
    # no demand at all: no class opens (none would serve anyone), and each year says so
    empty = solve(data([community("z", 0, 0, 0)], kgs), config(years=(2027, 2028), classes=(2, 4)))
    assert empty.openings == []
    below = [f for f in empty.findings if f.code == "siting.year_below_minimum"]
    assert [f.params["year"] for f in below] == [2027, 2028]
    assert "only 0 new classes, below the action plan's minimum of 2" in en(below)
    assert {g.code: g.value for g in empty.soft_goals}["siting.goal.classes_short"] == 4


def test_rule_every_class_fills():
    # 45 children: four classes fill (4 x 10 <= 45), a fifth would not; with a street's
    # first inclusive place at stake and 5 children there, no class opens for them either
    comms = [community("a", 0, 0, 45), community("b", 5000, 0, 5, street="S2")]
    kgs = [kindergarten("K", 0, 0, spare=8), kindergarten("K2", 5000, 0, spare=1, street="S2")]
    plan = solve(data(comms, kgs, streets=("S1", "S2")), config(classes=(5, 8)))
    assert opened(plan) == {("K", 2027): 4}
    assert "S2" in en(plan.rules.missed)


def test_too_few_rooms_for_the_yearly_minimum_says_by_how_much():
    d = data([community("a", 0, 0, 100)], [kindergarten("K", 0, 0, spare=3)])
    with pytest.raises(InfeasibleError) as err:
        solve_capacitated(problem(d, config(years=(2027, 2028), classes=(2, 4))))
    text = en(err.value.clashes)
    assert "By 2028 at least 4 new classes" in text and "only 3" in text
    assert "add 1 rooms or sites" in text


# --- district rules ---------------------------------------------------------------


def test_rule_every_street_has_inclusive_place():
    # the street's few children still fill a class (12 >= 10 of 20 seats)
    comms = [community("big", 0, 0, 200, street="S1"), community("small", 5000, 0, 12, street="S2")]
    kgs = [kindergarten("K1", 100, 0, spare=1), kindergarten("K2", 5000, 100, spare=1, street="S2")]
    covered_s1 = [provider("P0", -100, 0, 5, inclusive=True)]
    d = data(comms, kgs, covered_s1, streets=("S1", "S2"))
    off = solve(d, config(every_street_inclusive=False))
    assert opened(off) == {("K1", 2027): 1}
    on = solve(d, config())
    assert opened(on) == {("K2", 2027): 1}
    assert on.rules.streets_with_inclusive_place == 2 and not on.rules.missed


def test_a_street_already_covered_by_an_inclusive_provider_needs_nothing():
    comms = [community("big", 0, 0, 200, street="S1"), community("small", 5000, 0, 5, street="S2")]
    kgs = [kindergarten("K1", 100, 0, spare=1), kindergarten("K2", 5000, 100, spare=1, street="S2")]
    provs = [provider("P", 5000, -100, 10, inclusive=True, street="S2")]
    plan = solve_capacitated(problem(data(comms, kgs, provs, streets=("S1", "S2")), config()))
    assert opened(plan) == {("K1", 2027): 1}


def test_a_street_out_of_reach_is_reported_with_what_would_close_it():
    comms = [community("a", 0, 0, 50, street="S1"), community("b", 3000, 0, 5, street="S2")]
    kgs = [kindergarten("K1", 100, 0, spare=1), kindergarten("K9", 2000, 0, spare=1)]
    d = data(comms, kgs, streets=("S1", "S2"))
    plan = solve_capacitated(problem(d, config()))
    assert plan.status == "optimal"
    (miss,) = [en(plan.rules.missed)]
    assert "S2" in miss and "K9" in miss
    assert re.search(r"about 1,30\d m away", miss) and "radius of 1,30" in miss
    assert any(render(f, "en").startswith("NOT MET") for f in plan.findings)
    with pytest.raises(InfeasibleError) as err:
        solve_capacitated(problem(d, config(strict=True)))
    assert "S2" in en(err.value.clashes)


def test_rule_half_of_kindergartens_integrated():
    comms = [community("a", 0, 0, 200), community("b", 4000, 0, 12)]
    kgs = [
        kindergarten("K1", 100, 0, has_nursery=True, spare=2),
        kindergarten("K2", 4000, 100, spare=1),
        kindergarten("K3", 9000, 0, public=False),
        kindergarten("K4", 9100, 0, public=False),
    ]
    d = data(comms, kgs)
    off = solve(d, config(integrated_share=0.0))
    assert opened(off) == {("K1", 2027): 1}
    on = solve(d, config())
    assert opened(on) == {("K2", 2027): 1}
    assert on.rules.integrated_kindergartens == 2 and on.rules.integrated_target == 2


def test_integrated_share_shortfall_says_how_many():
    kgs = [kindergarten("K1", 0, 0, spare=1)] + [
        kindergarten(f"P{k}", 100 * k, 3000, public=False) for k in range(5)
    ]
    plan = solve_capacitated(problem(data([community("a", 0, 0, 50)], kgs), config()))
    miss = en(plan.rules.missed)
    assert "1 of 6 kindergartens" in miss and "2 short of 50% (3)" in miss
    assert "give 2 more of them a room" in miss and "raise it to 3 a year" in miss
    with pytest.raises(InfeasibleError) as err:
        solve_capacitated(problem(data([community("a", 0, 0, 50)], kgs), config(strict=True)))
    assert "托幼一体" in en(err.value.clashes)


def test_new_kindergarten_sites_count_in_the_share():
    kgs = [kindergarten("K1", 0, 0, has_nursery=True), kindergarten("K2", 50, 0, public=False)]
    sites = [site("NK", 5000, 0, 1, 2027, kind="new_kindergarten"), site("CS", 100, 0, 1, 2027)]
    d = data([community("a", 0, 0, 100), community("b", 5000, 0, 12)], kgs, sites=sites)
    plan = solve_capacitated(problem(d, config()))
    # 3 kindergartens (incl. the new one) need 2 with classes: the new one must open
    assert opened(plan) == {("NK", 2027): 1}


def test_mclp_and_lscp_on_the_plan_data():
    comms = [community("a", 0, 0, 30), community("b", 3000, 0, 20), community("c", 6000, 0, 10)]
    kgs = [kindergarten(f"K{k}", 3000 * k, 100, spare=1) for k in range(3)]
    p = problem(data(comms, kgs), config(classes=(0, 3)))
    res, plan = solve_cover(p, "mclp", 2)
    assert res.status == "optimal" and res.objective == 50
    res, plan = solve_cover(p, "lscp")
    assert res.status == "optimal" and res.objective == 3 and len(plan.openings) == 3


def test_rule_within_spare_rooms_given_one_room_expect_one_class():
    comms = [community("a", 0, 0, 500)]
    d = data(comms, [kindergarten("K", 0, 0, spare=1), kindergarten("L", 50, 0, spare=1)])
    plan = solve(d, config(years=(2027, 2028), classes=(1, 1)))
    assert opened(plan) in ({("K", 2027): 1, ("L", 2028): 1}, {("L", 2027): 1, ("K", 2028): 1})


def test_every_rule_of_the_registry_has_its_own_test():
    from pathlib import Path

    here = "".join(f.read_text(encoding="utf-8") for f in Path(__file__).parent.glob("test_*.py"))
    missing = [name for name in RULES if f"def test_rule_{name}" not in here]
    assert not missing, missing


def test_the_checker_catches_a_broken_plan():
    """The independent checker is not a rubber stamp: a plan edited to break a rule fails."""
    import dataclasses

    from siting_check import violations

    d = data([community("a", 300, 0, 100)], [kindergarten("K", 0, 0, spare=3)])
    cfg = config(years=(2027, 2029))
    plan = solve(d, cfg)
    plan.openings = [dataclasses.replace(o, classes=o.classes + 2) for o in plan.openings]
    broken = {k for k, v in violations(d, cfg, plan).items() if v}
    assert {"within_spare_rooms", "classes_per_year", "classes_once_opened_stay"} <= broken
