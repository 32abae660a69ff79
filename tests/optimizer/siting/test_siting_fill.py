"""Classes that fill: no class opens that serves fewer children than the fill (a share of
a class's seats), the yearly minimum gives way when no more classes can fill, and each
year says why it opens the number it opens. Checked on the plan's output by the
independent checker (``siting_check``), on hand-made cases and on a generated district
unlike Baoshan (new-area sites far from any demand)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from siting_check import assert_rules_hold, violations
from siting_fixtures import community, config, data, kindergarten, problem, provider, site

from tuoyu.api.text import render
from tuoyu.optimizer.siting import solve_capacitated

ROOT = Path(__file__).resolve().parents[3]


def en(findings) -> str:
    return "\n".join(render(f, "en") for f in findings)


def solve(d, cfg):
    plan = solve_capacitated(problem(d, cfg))
    assert_rules_hold(d, cfg, plan)
    return plan


def per_year(plan) -> dict[int, int]:
    out: dict[int, int] = {}
    for o in plan.openings:
        out[o.year] = out.get(o.year, 0) + o.classes
    return out


def test_a_class_opens_only_where_it_fills_and_the_minimum_gives_way():
    # 45 children near one kindergarten with 8 rooms: 4 classes fill (45 >= 4 x 10), a
    # fifth would not (45 < 50), so the year opens 4 and says why
    d = data([community("a", 0, 0, 45)], [kindergarten("K", 0, 0, spare=8)])
    plan = solve(d, config(classes=(5, 8)))
    assert per_year(plan) == {2027: 4}
    text = en(plan.findings)
    assert "2027: only 4 new classes, below the action plan's minimum of 5" in text
    assert "fill of 10 children" in text


def test_the_fill_is_a_parameter():
    d = data([community("a", 0, 0, 45)], [kindergarten("K", 0, 0, spare=8)])
    # a quarter (5 children): the minimum of 5 classes fills; a whole class: 2 (3 x 20 > 45)
    assert per_year(solve(d, config(classes=(5, 8), class_fill=0.25)))[2027] >= 5
    assert per_year(solve(d, config(classes=(0, 8), class_fill=1.0))) == {2027: 2}


def test_a_place_with_seats_of_its_own_fills_them_first():
    # a kindergarten already running a class of 20 seats, 27 children near it: a new class
    # there would hold 7 (< 10), so none opens; with 35 children one does
    def plan_for(children: int):
        k = kindergarten("K", 0, 0, has_nursery=True, seats=20, spare=3)
        return solve(data([community("a", 0, 0, children)], [k]), config(classes=(1, 3)))

    assert per_year(plan_for(27)) == {}
    assert per_year(plan_for(35)) == {2027: 1}


def test_no_class_at_a_site_with_no_demand_nearby_and_each_year_says_why():
    comms = [community("a", 0, 0, 60), community("b", 400, 0, 25)]
    kgs = [kindergarten("K1", 0, 0, spare=4), kindergarten("K2", 400, 0, spare=2)]
    sites = [site("XZ02", 9000, 9000, 3, 2027), site("XZ06", 9500, 9000, 3, 2028)]
    cfg = config(years=(2027, 2028), classes=(5, 8))
    plan = solve(data(comms, kgs, sites=sites), cfg)
    assert not {o.place_id for o in plan.openings} & {"XZ02", "XZ06"}
    codes = [(f.code, f.params.get("year")) for f in plan.findings if f.code.startswith(
        "siting.year")]
    assert ("siting.year", 2027) in codes
    for y in (2027, 2028):
        assert any(c in {"siting.year_at_max", "siting.year_below_max",
                         "siting.year_below_minimum"} and yy == y for c, yy in codes)


def test_the_checker_flags_a_class_that_does_not_fill():
    d = data([community("a", 0, 0, 45)], [kindergarten("K", 0, 0, spare=8)])
    cfg = config(classes=(5, 8))
    plan = solve(d, cfg)
    strict = config(classes=(5, 8), class_fill=0.75)  # 4 classes x 15 > 45
    assert violations(d, strict, plan)["every_class_fills"]


def test_policy_only_class_is_said():
    # street S2 has a few children and no inclusive place: its first class must serve the
    # fill, and where it is there for the street more than for the children, the plan says so
    comms = [community("a", 0, 0, 200), community("b", 3000, 0, 12, street="S2")]
    kgs = [kindergarten("K1", 0, 0, spare=1), kindergarten("K2", 3000, 0, spare=1,
                                                              street="S2")]
    d = data(comms, kgs, providers=[provider("P", 0, 50, 10, inclusive=True)],
             streets=("S1", "S2"))
    plan = solve(d, config(classes=(1, 1)))
    assert {o.place_id for o in plan.openings} == {"K2"}
    text = en(plan.findings)
    assert "Policy target: the new class at K2 (K2) in 2027 is there for" in text


@pytest.mark.heavy
def test_generated_district_with_new_area_sites_far_from_demand(tmp_path):
    """A generated district reshaped unlike Baoshan: demand thinned to a third and
    new-area sites moved to the district's empty edge; every class still fills."""
    sys.path.insert(0, str(ROOT))
    from data.generate import generate
    from tuoyu.models.siting import load_siting_data
    from tuoyu.optimizer.siting import SitingConfig

    generate(tmp_path, scale=1)
    d = load_siting_data(tmp_path, use_network=False)  # the checker walks straight lines
    far = [s.model_copy(update={"lon": 121.30 + 0.002 * k, "lat": 31.49})
           for k, s in enumerate(d.sites)]
    thin = [c.model_copy(update={"pop_0_3": c.pop_0_3 / 3, "births": c.births / 3})
            for c in d.communities]
    d = d.model_copy(update={"sites": tuple(far), "communities": tuple(thin)})
    cfg = SitingConfig(use_network=False)
    plan = solve_capacitated(problem(d, cfg))
    assert_rules_hold(d, cfg, plan)
    assert all(o.children_served > 0 for o in plan.openings)
