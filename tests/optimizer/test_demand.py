"""The demand forecast (``tuoyu.optimizer.demand``), counted by hand: three one-year
cohorts, a third ages out each year, a birth cohort comes in, the take-up rate turns
children into places; a planner's own forecast wins where given."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuoyu.models.siting import Community, ForecastRow
from tuoyu.optimizer.demand import DemandParams, forecast_demand


def _community(cid: str, pop: float, births: float | None = None) -> Community:
    return Community(community_id=cid, name=cid, street_id="S1", lon=121.4, lat=31.4,
                     pop_0_3=pop, births=births)


def test_two_years_of_falling_births_by_hand() -> None:
    # pop 90, births 30, trend -10 %: 2027: 60 + 27 = 87; 2028: 58 + 24.3 = 82.3
    c = _community("C1", 90, 30)
    out = forecast_demand([c], [2027, 2028], DemandParams(take_up=1.0, trend=-0.1))
    assert out.tolist() == [[87, 82]]
    half = forecast_demand([c], [2027, 2028], DemandParams(take_up=0.5, trend=-0.1))
    assert half.tolist() == [[44, 41]]  # 43.5 rounds to even, 41.15 down


def test_births_missing_are_a_third_of_the_children() -> None:
    with_births = forecast_demand([_community("C1", 120, 40)], [2027], DemandParams(trend=0.2))
    without = forecast_demand([_community("C1", 120)], [2027], DemandParams(trend=0.2))
    assert with_births.tolist() == without.tolist()


def test_the_base_year_sets_how_many_years_are_aged() -> None:
    # base 2025, trend 0, births 0: 2027 is two agings of 81 -> 54 -> 36
    c = _community("C1", 81, 0)
    out = forecast_demand([c], [2027], DemandParams(take_up=1.0, trend=0.0, base_year=2025))
    assert out.tolist() == [[36]]


def test_a_planners_own_forecast_replaces_the_computed_one_where_given() -> None:
    cs = [_community("C1", 90, 30), _community("C2", 60, 20)]
    supplied = [
        ForecastRow(community_id="C1", year=2028, demand=7),
        ForecastRow(community_id="C2", year=2027, pop_0_3=200),
        ForecastRow(community_id="C9", year=2027, demand=99),  # not a community: ignored
        ForecastRow(community_id="C1", year=2031, demand=99),  # not a year planned: ignored
    ]
    params = DemandParams(take_up=0.5, trend=0.0)
    out = forecast_demand(cs, [2027, 2028], params, supplied)
    assert out.tolist() == [[45, 7], [100, 30]]


@pytest.mark.parametrize("params", [DemandParams(take_up=1.2), DemandParams(take_up=-0.1),
                                    DemandParams(trend=-1.0)])
def test_impossible_assumptions_are_refused(params: DemandParams) -> None:
    with pytest.raises(ValueError):
        forecast_demand([_community("C1", 90)], [2027], params)


@given(st.integers(0, 5000), st.floats(0, 1), st.integers(1, 5))
def test_a_steady_population_needs_the_same_places_every_year(
        pop: int, take_up: float, years: int) -> None:
    """Births of a third of the children and no trend: each cohort replaces the one
    ageing out, so every year needs round(take-up × children)."""
    c = _community("C1", pop)
    out = forecast_demand([c], range(2027, 2027 + years), DemandParams(take_up=take_up, trend=0))
    assert out.shape == (1, years)
    assert all(abs(v - take_up * pop) <= 0.5 + 1e-6 for v in out[0])


@given(st.lists(st.integers(0, 3000), min_size=1, max_size=6), st.floats(-0.5, 0.5))
def test_places_are_whole_children_never_negative(pops: list[int], trend: float) -> None:
    cs = [_community(f"C{i}", p) for i, p in enumerate(pops)]
    out = forecast_demand(cs, [2027, 2029], DemandParams(trend=trend))
    assert out.dtype.kind == "i" and (out >= 0).all()
