"""Why each site: given a tiny instance, the opening says whom it serves and its gain over
the best place not chosen (docs: tuoyu/optimizer/siting/why.py)."""

from __future__ import annotations

from siting_fixtures import community, config, data, kindergarten, problem, provider

from tuoyu.api.text import render
from tuoyu.optimizer.siting import solve_capacitated


def test_an_opening_names_its_communities_and_its_gain():
    # A (100 children) and B (10) next to K1; C (5) next to K2, far away
    d = data([community("A", 300, 0, 100), community("B", -300, 0, 10),
              community("C", 5000, 0, 5)],
             [kindergarten("K1", 0, 0, spare=1), kindergarten("K2", 5000, 100, spare=1)])
    plan = solve_capacitated(problem(d, config(classes=(1, 1))))
    (o,) = plan.openings
    assert o.place_id == "K1" and o.children_served == 20 and o.new_children == 20
    assert sum(n for _c, n in o.communities) == 20
    assert {c for c, _n in o.communities} <= {"A", "B"}
    # K2 could take only C's 5 children instead: K1 serves 15 more
    assert (o.alternative_id, o.alternative_children, o.gain) == ("K2", 5, 15)
    why = [f for f in plan.findings if f.code == "siting.why"]
    assert why and why[0].params["gain"] == 15 and why[0].params["place_id"] == "K1"
    assert "K2" in render(why[0], "zh") and "15" in render(why[0], "en")


def test_the_alternative_counts_the_children_this_opening_would_leave():
    # A (25) is within reach of both K1 and K2 (K2 a little farther): either serves 20
    d = data([community("A", 300, 0, 25)],
             [kindergarten("K1", 0, 0, spare=1), kindergarten("K2", 900, 0, spare=1)])
    plan = solve_capacitated(problem(d, config(classes=(1, 1))))
    (o,) = plan.openings
    assert o.place_id == "K1"  # the shorter walk
    assert o.alternative_id == "K2" and o.alternative_children == 20 and o.gain == 0
    assert any(f.code == "siting.why_ties" for f in plan.findings)


def test_existing_seats_fill_first_and_no_alternative_is_said():
    d = data([community("A", 300, 0, 100)], [kindergarten("K1", 0, 0, spare=2)],
             [provider("P", 0, 10, 0)])
    d = d.model_copy(update={"kindergartens": (
        kindergarten("K1", 0, 0, has_nursery=True, seats=30, spare=2),)})
    plan = solve_capacitated(problem(d, config(years=(2027, 2028), classes=(1, 1))))
    first, second = plan.openings
    assert first.children_served == 50 and first.new_children == 20
    assert second.children_served == 70 and second.new_children == 20
    assert first.gain is None
    assert any(f.code == "siting.why_no_alternative" for f in plan.findings)


def test_the_walks_and_the_district_rules_an_opening_serves():
    # one community between two kindergartens, K1 at 200 m, K2 at 700 m; K2 in street S2
    # whose families have no inclusive place; K1 already runs a nursery class
    d = data([community("A", 0, 0, 100), community("B", 1200, 0, 30, street="S2")],
             [kindergarten("K1", 200, 0, has_nursery=True, seats=20, spare=1),
              kindergarten("K2", 700, 0, spare=1, street="S2")],
             streets=("S1", "S2"))
    cfg = config(classes=(2, 2))
    plan = solve_capacitated(problem(d, cfg))
    by_id = {o.place_id: o for o in plan.openings}
    assert by_id["K1"].walk_m == 260.0  # 200 m × 1.3 circuity, rounded to 10 m
    assert not by_id["K1"].integrated and by_id["K2"].integrated
    assert by_id["K2"].streets_covered == ("S2",) and by_id["K1"].streets_covered == ()
    codes = [(f.code, f.params.get("place_id")) for f in plan.findings]
    assert ("siting.why_integrated", "K2") in codes and ("siting.why_street", "K2") in codes
    street = next(f for f in plan.findings if f.code == "siting.why_street")
    assert street.params["street"] == "街镇S2"
