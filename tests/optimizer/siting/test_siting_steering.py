"""Places a planner steers: a pinned place opens, a forbidden place never does, and a pin
or forbid that cannot be is a clash naming the id. Given a tiny instance, expect the
output (openings) to show it; checked by the independent checker too."""

from __future__ import annotations

import pytest
from siting_check import assert_rules_hold
from siting_fixtures import community, config, data, kindergarten, problem, provider, site

from tuoyu.models.errors import InfeasibleError
from tuoyu.optimizer.siting import RULES, solve_capacitated, solve_cover


def _instance():
    """A big community next to K1; K2 and the site S far away, nobody near them."""
    return data(
        [community("near", 300, 0, 100), community("far", 9000, 0, 5)],
        [kindergarten("K1", 0, 0, spare=2), kindergarten("K2", 5000, 0, spare=2),
         kindergarten("PRIV", 200, 0, public=False, spare=2),
         kindergarten("FULL", 100, 0, has_nursery=True, spare=0)],
        [provider("P", 50, 0, 10)],
        [site("S", 9000, 100, 1, 2028)],
    )


def _solve(cfg):
    d = _instance()
    plan = solve_capacitated(problem(d, cfg))
    assert_rules_hold(d, cfg, plan)
    return plan


def _opened(plan) -> set[tuple[str, int]]:
    return {(o.place_id, o.year) for o in plan.openings}


def test_the_rules_are_named_in_the_registry():
    assert RULES["pinned_places_open"].__name__ == "pinned_places_open"
    assert RULES["forbidden_places_stay_closed"].__name__ == "forbidden_places_stay_closed"


def test_without_steering_the_class_goes_next_to_the_children():
    plan = _solve(config(years=(2027, 2028), classes=(1, 1)))
    assert _opened(plan) == {("K1", 2027), ("K1", 2028)}


def test_rule_pinned_places_open_in_the_pinned_year():
    plan = _solve(config(years=(2027, 2028), classes=(1, 1), pinned=(("K2", 2028),)))
    assert _opened(plan) == {("K1", 2027), ("K2", 2028)}


def test_rule_a_pin_without_year_opens_in_some_year():
    plan = _solve(config(years=(2027, 2028), classes=(1, 1), pinned=(("S", None),)))
    assert ("S", 2028) in _opened(plan)  # available from 2028 only


def test_rule_forbidden_places_stay_closed():
    plan = _solve(config(years=(2027, 2028), classes=(1, 1), forbidden=("K1",)))
    assert not any(pid == "K1" for pid, _y in _opened(plan))
    # nobody else near a place with rooms: no class fills, and each year says so
    assert plan.openings == []
    assert {f.params["year"] for f in plan.findings
            if f.code == "siting.year_below_minimum"} == {2027, 2028}


def test_forbidding_the_rooms_away_is_the_yearly_minimum_clash():
    cfg = config(years=(2027, 2027), classes=(1, 1), forbidden=("K1", "K2"))
    with pytest.raises(InfeasibleError) as exc:
        solve_capacitated(problem(_instance(), cfg))
    assert exc.value.clashes[0].code == "siting.clash.classes_per_year"


@pytest.mark.parametrize(("pinned", "forbidden", "code", "pid"), [
    ((("NOPE", None),), (), "siting.clash.unknown_pinned", "NOPE"),
    ((), ("GONE",), "siting.clash.unknown_forbidden", "GONE"),
    ((("P", None),), (), "siting.clash.pin_provider", "P"),
    ((("PRIV", None),), (), "siting.clash.pin_private", "PRIV"),
    ((("FULL", None),), (), "siting.clash.pin_no_rooms", "FULL"),
    ((("K2", 2031),), (), "siting.clash.pin_year", "K2"),
    ((("S", 2027),), (), "siting.clash.pin_not_available", "S"),
    ((("K2", None),), ("K2",), "siting.clash.pinned_and_forbidden", "K2"),
])
def test_a_pin_or_forbid_that_cannot_be_is_a_clash_naming_the_id(pinned, forbidden, code,
                                                                 pid):
    cfg = config(years=(2027, 2028), classes=(1, 1), pinned=pinned, forbidden=forbidden)
    with pytest.raises(InfeasibleError) as exc:
        solve_capacitated(problem(_instance(), cfg))
    found = exc.value.clashes[0]
    assert found.code == code and found.severity == "error"
    assert found.params["place_id"] == pid


def test_more_pins_in_a_year_than_its_maximum_is_a_clash():
    cfg = config(years=(2027, 2027), classes=(1, 1), pinned=(("K1", 2027), ("K2", 2027)))
    with pytest.raises(InfeasibleError) as exc:
        solve_capacitated(problem(_instance(), cfg))
    c = exc.value.clashes[0]
    assert c.code == "siting.clash.pins_per_year" and c.params["pins"] == 2
    assert c.params["ids"] == "K1, K2"


def test_pins_that_clash_with_the_rooms_say_so():
    # two places pinned in a one-year horizon with one class a year cannot both open
    cfg = config(years=(2027, 2027), classes=(1, 1), pinned=(("K1", None), ("K2", None)))
    with pytest.raises(InfeasibleError) as exc:
        solve_capacitated(problem(_instance(), cfg))
    c = exc.value.clashes[0]
    assert c.code == "siting.clash.steering" and c.params["pinned"] == "K1, K2"


def test_covering_models_keep_pins_and_forbids():
    d = _instance()
    res, plan = solve_cover(problem(d, config(years=(2027, 2028), pinned=(("K2", None),),
                                              forbidden=("K1",))), "mclp", p=1)
    ids = {o.place_id for o in plan.openings}
    assert ids == {"K2"}
    res, plan = solve_cover(problem(d, config(years=(2027, 2028), forbidden=("K1",))), "lscp")
    assert "K1" not in {o.place_id for o in plan.openings}
