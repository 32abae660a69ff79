"""The trade-off: given a tiny instance, each classes-a-year value serves the most it can,
the curve never falls, and the set covering names the fewest classes or what stops it."""

from __future__ import annotations

import dataclasses

from siting_fixtures import community, config, data, kindergarten, problem, site

from tuoyu.optimizer.siting import solve_tradeoff
from tuoyu.optimizer.siting import tradeoff as tradeoff_module
from tuoyu.optimizer.siting.tradeoff import HEADER


def _instance():
    """Three communities of 30, each next to its own kindergarten (one room each); a
    fourth community no place reaches."""
    return data(
        [community("A", 0, 300, 30), community("B", 3000, 300, 30),
         community("C", 6000, 300, 30), community("LONE", 20000, 0, 7)],
        [kindergarten("K1", 0, 0, spare=1), kindergarten("K2", 3000, 0, spare=1)],
        sites=[site("S", 6000, 0, 1, None)],
    )


def test_each_k_serves_the_most_it_can_and_never_falls():
    p = problem(_instance(), config(years=(2027, 2028), classes=(1, 1)))
    curve = solve_tradeoff(p, [0, 1, 2, 3])
    served = [r.children_served for r in curve.rows]
    # at most k a year over two years: 0, 2, 3, 3 classes of 20 in the last year
    assert served == [0, 40, 60, 60]
    assert [r.communities_within_15_min for r in curve.rows] == [0, 2, 3, 3]
    assert [r.children_within_15_min for r in curve.rows] == [0, 60, 90, 90]
    assert all(r.status == "optimal" for r in curve.rows)
    assert list(HEADER) == ["classes_per_year", "children_served", "children_within_15_min",
                            "communities_within_15_min", "status"]


def test_the_set_covering_names_the_fewest_classes_and_what_stops_it():
    p = problem(_instance(), config(years=(2027, 2028), classes=(1, 1)))
    curve = solve_tradeoff(p, [1])
    assert curve.cover_classes == 3 and curve.unreachable == ["LONE"]
    codes = {f.code: f for f in curve.findings}
    assert codes["siting.tradeoff.close_circle"].params["classes"] == 3
    stop = codes["siting.tradeoff.unreachable"]
    assert stop.params["ids"] == "LONE" and stop.params["children"] == 7


def test_pins_beyond_k_make_that_point_infeasible():
    cfg = config(years=(2027, 2027), classes=(2, 2), pinned=(("K1", 2027), ("K2", 2027)))
    curve = solve_tradeoff(problem(_instance(), cfg), [0, 1, 2])
    assert [r.status for r in curve.rows] == ["infeasible", "infeasible", "optimal"]
    assert curve.rows[2].children_served == 40


def test_forbidden_places_stay_out_of_the_curve():
    cfg = config(years=(2027, 2027), classes=(1, 1), forbidden=("S",))
    curve = solve_tradeoff(problem(_instance(), cfg), [3])
    assert curve.rows[0].children_served == 40 and curve.rows[0].communities_within_15_min == 2
    assert sorted(curve.unreachable) == ["C", "LONE"]


def test_a_point_cut_short_below_the_one_before_keeps_it(monkeypatch):
    """Monotone by construction: a point that (time limit) finds fewer children than k-1
    keeps the k-1 plan, and says so."""
    real = tradeoff_module._solve_point

    def worse(problem, k, params, stop, progress, start):
        row, x = real(problem, k, params, stop, progress, start)
        if k == 2:
            return dataclasses.replace(row, children_served=0, status="feasible"), x
        return row, x

    monkeypatch.setattr(tradeoff_module, "_solve_point", worse)
    p = problem(_instance(), config(years=(2027, 2028), classes=(1, 1)))
    curve = solve_tradeoff(p, [1, 2, 3])
    assert [r.children_served for r in curve.rows] == [40, 40, 60]
    assert [r.status for r in curve.rows] == ["optimal", "kept_previous", "optimal"]
    assert any(f.code == "siting.tradeoff.not_proven" for f in curve.findings)


def test_a_stop_carries_the_last_plan_forward_and_says_so():
    from tuoyu.optimizer.solve import Stop

    stop = Stop()
    stop.set()
    p = problem(_instance(), config(years=(2027, 2028), classes=(1, 1)))
    curve = solve_tradeoff(p, [1, 2, 3], stop=stop)
    first = curve.rows[0]
    assert first.children_served is not None
    assert [r.status for r in curve.rows[1:]] == ["cancelled", "cancelled"]
    assert all(r.children_served == first.children_served for r in curve.rows)
    assert any(f.code == "siting.tradeoff.not_proven" for f in curve.findings)
