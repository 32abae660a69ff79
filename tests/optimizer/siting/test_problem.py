"""A siting instance (``tuoyu.optimizer.siting.problem``), from hand-made tables: which
places exist and which may open classes (providers never; a public kindergarten up to
its spare rooms; a private one never; a site up to its classes from its year), the seats
they hold today and which are inclusive; the 托幼一体 count (new kindergartens within the
horizon included); the demand by year; who walks to what; the instance immutable."""

from __future__ import annotations

import numpy as np
import pytest
from siting_fixtures import at, community, config, data, kindergarten, problem, provider, site

from tuoyu.optimizer.siting.problem import integrated_share_target, streets_with_demand

D = data(
    [community("C1", 0, 0, 90, "S1"), community("C2", 4000, 0, 0, "S2")],
    kindergartens=[kindergarten("K1", 100, 0, has_nursery=True),  # a class of 20 seats
                   kindergarten("K2", 200, 0, spare=2),
                   kindergarten("K3", 300, 0, public=False, spare=3, seats=15),
                   kindergarten("K4", 400, 0)],  # no seats, no rooms: not a place
    providers=[provider("P1", 50, 0, 30, inclusive=True), provider("P2", 60, 0, 10),
               provider("P0", 70, 0, 0)],
    sites=[site("S_A", 500, 0, 2, 2028, kind="new_kindergarten"),
           site("S_B", 600, 0, 1, None), site("S_C", 700, 0, 1, 2031, kind="new_kindergarten")],
    streets=("S1", "S2"))
P = problem(D, config(years=(2027, 2029), classes=(0, 2)))


def _place(pid: str):  # noqa: ANN202
    return next(p for p in P.places if p.place_id == pid)


def test_which_places_exist_and_which_may_open_classes() -> None:
    assert [p.place_id for p in P.places] == ["P1", "P2", "K1", "K2", "K3", "S_A", "S_B", "S_C"]
    assert {P.places[j].place_id: P.places[j].max_new for j in P.candidates} == {
        "K2": 2, "S_A": 2, "S_B": 1, "S_C": 1}
    assert (_place("K1").existing_seats, _place("K3").existing_seats) == (20, 15)
    inclusive = {p.place_id for p in P.places if p.inclusive_now}
    assert inclusive == {"P1", "K1"}  # a private kindergarten's class is not 普惠


def test_a_site_opens_from_its_year() -> None:
    j = P.places.index(_place("S_A"))
    assert [P.available(j, y) for y in P.years] == [False, True, True]
    assert P.available(P.places.index(_place("S_B")), 2027)


def test_the_integrated_count_and_target() -> None:
    # 4 kindergartens and one new within the horizon (S_C comes after it): 5; half: 3
    assert (P.kindergartens_total, P.kindergartens_with_nursery) == (5, 1)
    assert integrated_share_target(P) == 3


def test_the_demand_and_the_streets_with_any() -> None:
    assert P.years == (2027, 2028, 2029) and P.demand.shape == (2, 3)
    assert P.demand[0].tolist() == [90, 90, 90]  # births a third, no trend, take-up 1
    assert streets_with_demand(P) == ["S1"]


def test_who_walks_to_what() -> None:
    near = {P.places[j].place_id for i, j in zip(P.pairs.i, P.pairs.j, strict=True) if i == 0}
    assert near == {"P1", "P2", "K1", "K2", "K3", "S_A", "S_B", "S_C"}  # all within 700 m
    assert not any(i == 1 for i in P.pairs.i)  # C2 is 3.3 km from the nearest


def test_the_instance_cannot_be_changed() -> None:
    with pytest.raises(ValueError):
        P.demand[0, 0] = 1
    assert isinstance(P.px, np.ndarray) and not P.px.flags.writeable


def test_a_horizon_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        problem(D, config(years=(2029, 2027)))


def test_a_network_that_reaches_no_pair_is_said_so_not_absent() -> None:
    """东滩区's walk_network.graphml covers a corner of the district with no community
    and place within 250 m of it: every walk was the straight-line stand-in, and the plan
    said "没有路网" (no walking network) although one was given. It says that the network
    was given and reached no pair, and why (how far its snap reaches)."""
    import networkx as nx

    from tuoyu.api.text import render

    g = nx.DiGraph()
    far = [at(5000, 5000), at(5100, 5000)]  # 5 km from every community and place
    for k, (lon, lat) in enumerate(far):
        g.add_node(k, x=lon, y=lat)
    g.add_edge(0, 1, length=100.0)
    g.add_edge(1, 0, length=100.0)
    with_net = problem(D.model_copy(update={"network": g}), config(years=(2027, 2029), classes=(0, 2)))
    walk = with_net.walk()
    assert walk["pairs_on_network"] == 0 and walk["kind"] == "off_network"
    assert (walk["near_communities"], walk["near_places"]) == (0, 0)
    text = render(with_net.walk_finding(), "zh")
    assert "没有路网" not in text and "路网" in text and "250" in text
    # near both ends but a long way round on it (东滩区: 17 communities and 3 places near
    # its network, 1.4 km apart on it): measured, none within the walk, said with counts
    detour = nx.DiGraph()
    for k, (east, north) in enumerate([(0, 0), (100, 0)]):  # at C1 and at K1
        lon, lat = at(east, north)
        detour.add_node(k, x=lon, y=lat)
    detour.add_edge(0, 1, length=5000.0)
    detour.add_edge(1, 0, length=5000.0)
    round_about = problem(D.model_copy(update={"network": detour}),
                          config(years=(2027, 2029), classes=(0, 2)))
    walk = round_about.walk()
    assert walk["kind"] == "off_network" and walk["pairs_on_network"] == 0
    assert walk["near_communities"] == 1 and walk["near_places"] >= 1
    assert "1 个居委" in render(round_about.walk_finding(), "zh")
    assert P.walk()["kind"] == "straight_line"  # no network given: as before
    assert "没有路网" in render(P.walk_finding(), "zh")
