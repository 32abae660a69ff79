"""Parameters are checked before anything runs: what a planner would refuse never queues."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from tuoyu.planning.params import RosterParams, SessionParams, SitingParams


@pytest.mark.parametrize("month", ["2027-13", "27-03", "abc", "2027-3", "1999-12"])
def test_a_month_must_be_a_real_month(month: str) -> None:
    with pytest.raises(ValidationError):
        RosterParams(month=month)


@pytest.mark.parametrize("bad", [{"seed": 2**63}, {"seed": -1}, {"min_team": 0},
                                 {"min_team": 1}, {"draw_share": 0}, {"workers": 0},
                                 {"time_limit": 0}, {"bogus": 1}])
def test_roster_params_out_of_range_or_unknown_are_refused(bad: dict) -> None:
    with pytest.raises(ValidationError):
        RosterParams(month="2027-03", **bad)


def test_sessions_year_and_replan_date() -> None:
    for year in (0, 99999):
        with pytest.raises(ValidationError):
            SessionParams(year=year)
    with pytest.raises(ValidationError):
        SessionParams(year=2027, from_date=dt.date(2026, 6, 1))
    assert SessionParams(year=2027, from_date="2027-06-01").from_date == dt.date(2027, 6, 1)


def test_siting_ranges_read_like_a_planner_writes_them() -> None:
    p = SitingParams(years="2027-2029", classes_per_year="5-8")
    assert p.years == (2027, 2029) and p.classes_per_year == (5, 8)
    assert SitingParams(years="2028").years == (2028, 2028)
    for bad in ({"years": "2029-2027"}, {"classes_per_year": "8-5"}, {"model": "x"},
                {"forbid": ["K1"]}, {"years": "soon"}):
        with pytest.raises(ValidationError):
            SitingParams(**bad)
