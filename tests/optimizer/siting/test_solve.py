"""Properties over random small siting instances (hypothesis): every hard rule holds in the
output tables, served demand is a maximum flow given the classes opened, new classes never
serve fewer children, and a refusal names a real shortage of rooms."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from siting_check import assert_rules_hold
from siting_fixtures import community, config, data, kindergarten, problem, site

from tuoyu.models.errors import InfeasibleError
from tuoyu.optimizer.siting import solve_capacitated

YEARS = (2027, 2028)


@st.composite
def instances(draw):
    n_c = draw(st.integers(1, 6))
    coord = st.integers(0, 2500)
    comms = [
        community(
            f"C{k}",
            draw(coord),
            draw(coord),
            draw(st.integers(0, 60)),
            street=draw(st.sampled_from(["S1", "S2"])),
        )
        for k in range(n_c)
    ]
    kgs = [
        kindergarten(
            f"K{k}",
            draw(coord),
            draw(coord),
            public=draw(st.booleans()),
            has_nursery=draw(st.booleans()),
            spare=draw(st.integers(0, 2)),
            street=draw(st.sampled_from(["S1", "S2"])),
        )
        for k in range(draw(st.integers(1, 4)))
    ]
    sites = [
        site(
            f"N{k}",
            draw(coord),
            draw(coord),
            draw(st.integers(1, 2)),
            draw(st.sampled_from([None, 2027, 2028])),
            kind=draw(st.sampled_from(["new_kindergarten", "community_site"])),
        )
        for k in range(draw(st.integers(0, 2)))
    ]
    lo = draw(st.integers(0, 2))
    hi = draw(st.integers(lo, lo + 2))
    return data(comms, kgs, sites=sites, streets=("S1", "S2")), (lo, hi)


def max_flow(p, plan, t: int) -> int:
    seats = [pl.existing_seats for pl in p.places]
    index = {pl.place_id: j for j, pl in enumerate(p.places)}
    for o in plan.openings:
        if o.year <= p.years[t]:
            seats[index[o.place_id]] += o.seats
    g = nx.DiGraph()
    for i in range(len(p.community_ids)):
        g.add_edge("s", ("c", i), capacity=int(p.demand[i, t]))
    for i, j in zip(p.pairs.i.tolist(), p.pairs.j.tolist(), strict=True):
        g.add_edge(("c", i), ("p", j))
    for j, s in enumerate(seats):
        g.add_edge(("p", j), "t", capacity=int(s))
    g.add_node("t")
    return int(nx.maximum_flow_value(g, "s", "t"))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_hard_rules_hold_or_the_refusal_is_real(inst):
    d, classes = inst
    cfg = config(years=YEARS, classes=classes)
    p = problem(d, cfg)
    rooms = {y: sum(p.places[j].max_new for j in p.candidates if p.available(j, y)) for y in YEARS}
    try:
        plan = solve_capacitated(p)
    except InfeasibleError as err:
        assert any(rooms[y] < classes[0] * (k + 1) for k, y in enumerate(YEARS)), str(err)
        return
    assert plan.status == "optimal" and plan.gap == 0.0
    assert_rules_hold(d, cfg, plan)
    per_year = {y: 0 for y in YEARS}
    per_place: dict[str, int] = {}
    places = {pl.place_id: pl for pl in p.places}
    for o in plan.openings:
        per_year[o.year] += o.classes
        per_place[o.place_id] = per_place.get(o.place_id, 0) + o.classes
        pl = places[o.place_id]
        assert pl.available_from is None or pl.available_from <= o.year
        assert pl.source != "provider"
    # the yearly minimum gives way only where no more classes could fill, and says so
    short = {f.params["year"] for f in plan.findings if f.code == "siting.year_below_minimum"}
    assert all(n <= classes[1] and (n >= classes[0] or y in short) for y, n in per_year.items())
    assert all(n <= places[k].max_new for k, n in per_place.items())
    cov = plan.coverage
    assert (cov["served"] <= cov["demand"]).all()
    assert (cov.loc[cov["served"] > 0, "within_15_min"]).all()
    for t, y in enumerate(YEARS):
        total = int(cov.loc[cov["year"] == y, "served"].sum())
        assert total == max_flow(p, plan, t)
        assert total >= plan.served_before[y]
    # a rule reported as met is met in the output
    if plan.rules.met:
        assert plan.rules.integrated_kindergartens >= plan.rules.integrated_target
        assert plan.rules.streets_with_inclusive_place == plan.rules.streets_with_demand
    # the soft goals add up to the objective
    assert sum(g.cost for g in plan.soft_goals) == pytest.approx(plan.objective, abs=1e-6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.data())
def test_steering_holds_in_the_output_or_is_refused_with_the_id(inst, pick):
    """Pin and forbid random candidates: the plan opens every pin and no forbidden place
    (the independent checker), or the refusal is a clash (naming the id when it is about
    one place)."""
    d, classes = inst
    p0 = problem(d, config(years=YEARS, classes=classes))
    ids = [p0.places[j].place_id for j in p0.candidates]
    if not ids:
        return
    pinned = tuple((pid, pick.draw(st.sampled_from([None, 2027, 2028])))
                   for pid in pick.draw(st.lists(st.sampled_from(ids), max_size=2,
                                                 unique=True)))
    forbidden = tuple(pick.draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)))
    cfg = config(years=YEARS, classes=classes, pinned=pinned, forbidden=forbidden)
    try:
        plan = solve_capacitated(problem(d, cfg))
    except InfeasibleError as err:
        assert err.clashes and all(c.severity == "error" for c in err.clashes)
        for c in err.clashes:
            if "place_id" in c.params:
                assert c.params["place_id"] in {pid for pid, _y in pinned} | set(forbidden)
        return
    assert_rules_hold(d, cfg, plan)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_the_tradeoff_never_falls_and_k_at_the_plan_maximum_serves_at_least_the_plan(inst):
    from tuoyu.optimizer.siting import solve_tradeoff

    d, classes = inst
    p = problem(d, config(years=YEARS, classes=classes))
    curve = solve_tradeoff(p, [0, 1, 2, 3])
    served = [r.children_served for r in curve.rows]
    assert all(r.status == "optimal" for r in curve.rows)
    assert all(a <= b for a, b in zip(served, served[1:], strict=False))
    assert served[0] == max_flow(p, type("NoClasses", (), {"openings": []})(), 1)
    try:
        plan = solve_capacitated(p)
    except InfeasibleError:
        return
    # the plan's classes fit "at most hi a year": the curve at hi serves at least as many
    if classes[1] <= 3:
        last = int(plan.coverage.loc[plan.coverage["year"] == YEARS[-1], "served"].sum())
        assert served[classes[1]] >= last
