"""Why a siting plan cannot be, or misses a district rule
(``tuoyu.optimizer.siting.explain``), on tiny hand-made districts: rooms short of the
yearly minimum, year by year; a street without an inclusive place in reach after the
first year, with the nearest candidate and its walk; 托幼一体 short of its share, with
what would close it. Amounts counted here by hand."""

from __future__ import annotations

import pytest
from siting_fixtures import community, config, data, kindergarten, problem, provider, site

from tuoyu.optimizer.siting.explain import (
    classes_per_year_clashes,
    integrated_misses,
    rule_report,
    street_misses,
)


def _j(p, place_id: str) -> int:  # noqa: ANN001
    return next(j for j, x in enumerate(p.places) if x.place_id == place_id)


def test_rooms_short_of_the_yearly_minimum_year_by_year() -> None:
    # one room from 2027, one more from 2029; at least one class a year over three years
    d = data([community("C1", 0, 0, 60)],
             sites=[site("A", 100, 0, 1, 2027), site("B", 200, 0, 1, 2029)])
    found = classes_per_year_clashes(problem(d, config(years=(2027, 2029), classes=(1, 1))))
    assert [dict(f.params) for f in found] == [
        {"year": 2028, "need": 2, "per_year": 1, "rooms": 1, "missing": 1, "max_minimum": 0},
        {"year": 2029, "need": 3, "per_year": 1, "rooms": 2, "missing": 1, "max_minimum": 0},
    ]
    assert all(f.code == "siting.clash.classes_per_year" for f in found)
    assert classes_per_year_clashes(problem(d, config(years=(2027, 2029), classes=(0, 1)))) == []


def _two_streets(extra_sites=(), providers=()):  # noqa: ANN001, ANN202
    d = data([community("C1", 0, 0, 30, "S1"), community("C2", 5000, 0, 30, "S2")],
             providers=list(providers),
             sites=[site("A", 100, 0, 1, 2027, street="S1"),
                    site("B", 5600, 0, 1, 2027, street="S2"),
                    site("Z", 9000, 0, 1, 2027, street="S2"), *extra_sites],
             streets=("S1", "S2"))
    return d


def test_a_street_without_an_inclusive_place_names_the_nearest_candidate() -> None:
    p = problem(_two_streets(), config(classes=(0, 3)))
    ok, missed = street_misses(p, {(_j(p, "A"), 0): 1})
    assert ok == ["S1"]
    assert [f.code for f in missed] == ["siting.street_missed"]
    w = missed[0].params
    assert (w["street_id"], w["place_id"], w["year"], w["walk_m"]) == ("S2", "B", 2027, 1125.0)
    assert w["distance_m"] == pytest.approx(600 * 1.3, abs=10)  # 600 m × circuity 1.3


def test_a_street_is_kept_by_an_inclusive_place_in_reach_today_or_opened_in_year_one() -> None:
    covered = _two_streets(providers=[provider("P2", 5200, 0, 10, inclusive=True, street="S2")])
    p = problem(covered, config(classes=(0, 3)))
    assert street_misses(p, {(_j(p, "A"), 0): 1}) == (["S1", "S2"], [])
    p = problem(_two_streets(), config(years=(2027, 2028), classes=(0, 3)))
    ok, _ = street_misses(p, {(_j(p, "B"), 1): 1})  # B opens in the second year: too late
    assert ok == []


def test_the_rule_can_be_off_and_a_street_may_have_no_candidate() -> None:
    p = problem(_two_streets(), config(classes=(0, 3), every_street_inclusive=False))
    assert street_misses(p, {}) == ([], [])
    d = data([community("C1", 0, 0, 30)], sites=[site("A", 100, 0, 1, 2030)])
    p = problem(d, config(classes=(0, 1)))  # its only room comes after the first year
    _, missed = street_misses(p, {})
    assert [f.code for f in missed] == ["siting.street_missed_no_candidate"]


def _kindergartens(spare: int = 1):  # noqa: ANN202
    return data([community("C1", 0, 0, 60)],
                kindergartens=[kindergarten("K1", 100, 0, has_nursery=True, seats=20),
                               kindergarten("K2", 200, 0, spare=spare),
                               kindergarten("K3", 300, 0, seats=0, spare=0),
                               kindergarten("K4", 400, 0, public=False, spare=2)])


def test_integrated_short_of_its_share_and_the_fixes() -> None:
    # 4 kindergartens, half of them by the end: 2; K1 runs classes, only K2 can open one
    p = problem(_kindergartens(), config(classes=(0, 1)))
    found = integrated_misses(p, have=1)
    assert [f.code for f in found] == ["siting.integrated_missed", "siting.fix.integrated_timing"]
    assert {k: found[0].params[k] for k in ("have", "total", "share_pct", "short", "target")} == {
        "have": 1, "total": 4, "share_pct": 25, "short": 1, "target": 2}
    assert integrated_misses(p, have=2) == []
    report = rule_report(p, {(_j(p, "K2"), 0): 1})
    assert (report.integrated_kindergartens, report.integrated_target) == (2, 2)
    assert report.integrated_share == 0.5


def test_integrated_fixes_name_rooms_or_the_yearly_maximum() -> None:
    p = problem(_kindergartens(spare=0), config(classes=(0, 1)))
    codes = [f.code for f in integrated_misses(p, have=1)]
    assert codes == ["siting.integrated_missed", "siting.fix.integrated_rooms"]
    p = problem(_kindergartens(), config(classes=(0, 0)))
    found = integrated_misses(p, have=1)
    assert [f.code for f in found][1:] == ["siting.fix.integrated_yearly_max"]
    assert dict(found[1].params) == {"total_max": 0, "per_year": 1}
