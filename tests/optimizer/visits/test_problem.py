"""A week of home visits as data (``tuoyu.optimizer.visits.problem``): travel time from
the distance (computed here with pyproj's geodesic, not the package's haversine); the
week's half-days without public holidays; a family's window (not before it registered,
nor before the child is a week old; within 28 days), which families the week sees, which
are due, which overdue; the half-days a family can be visited on."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyproj import Geod
from visits_check import tiny_dataset

from tuoyu.optimizer.visits.problem import VisitProblem, VisitRules, travel_minutes
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.visits import load

WGS84 = Geod(ellps="WGS84")


@given(st.floats(121.2, 121.6), st.floats(31.2, 31.5), st.floats(121.2, 121.6),
       st.floats(31.2, 31.5), st.floats(5, 40), st.floats(1.0, 1.6))
def test_travel_time_is_the_road_distance_at_the_speed(lon1, lat1, lon2, lat2, speed,
                                                        circuity) -> None:
    rules = VisitRules(speed_kmh=speed, circuity=circuity)
    km = WGS84.inv(lon1, lat1, lon2, lat2)[2] / 1000 * circuity
    minutes = travel_minutes(lon1, lat1, lon2, lat2, rules)
    exact = km / speed * 60
    assert minutes >= exact - 0.02 * exact - 1e-6  # a sphere is within 0.5 % of WGS84
    assert minutes <= math.ceil(exact * 1.01) + 1
    assert travel_minutes(lon1, lat1, lon1, lat1, rules) == 0


def test_ten_km_by_e_bike_at_20_km_h() -> None:
    # 0.1 degree of longitude at 31.4°N is 9.5 km; × 1.3 on the roads = 12.4 km: 38 minutes
    assert travel_minutes(121.40, 31.40, 121.50, 31.40, VisitRules()) == 38


WEEK = dt.date(2027, 9, 27)  # Monday; 1-7 October: National Day


def fam(fid: str, registered: str, born: str = "2027-08-01", half_days: str = "Mon AM;Fri PM"
        ) -> dict[str, object]:
    return {"family_id": fid, "birth_date": born, "registered_on": registered,
            "needs": "education;psychology", "half_days": half_days}


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> VisitProblem:
    families = [fam("DUE", "2027-09-01"),  # window ends 09-29: due this week
                fam("LATER", "2027-09-20"),  # ends 10-18
                fam("OVERDUE", "2027-08-20"),  # ended 09-17
                fam("YOUNG", "2027-09-22", born="2027-09-21"),  # opens 09-28 (a week old)
                fam("NEW", "2027-09-28"),  # registered during the week: next week's
                {**fam("DONE", "2027-09-01"), "visited_on": "2027-09-10"}]
    folder = tiny_dataset(tmp_path_factory.mktemp("vp") / "d",
                          staff=[{"staff_id": "ED1", "discipline": "education"}],
                          families=families)
    return VisitProblem(data=load(Dataset.at(folder)), week_start=WEEK)


def _f(p: VisitProblem, fid: str):  # noqa: ANN202
    return next(f for f in p.data.families if f.family_id == fid)


def test_the_weeks_half_days_leave_out_the_holidays(week: VisitProblem) -> None:
    assert [s.date.isoformat() for s in week.slots[::2]] == [
        "2027-09-27", "2027-09-28", "2027-09-29", "2027-09-30"]  # 10-01..03: National Day
    assert [s.half for s in week.slots[:2]] == [0, 1]
    rules = week.rules
    assert week.slots[1].start(rules) == 13 * 60 + 30 and week.slots[0].end(rules) == 11 * 60 + 30


def test_a_familys_window(week: VisitProblem) -> None:
    assert week.window(_f(week, "DUE")) == (dt.date(2027, 9, 2), dt.date(2027, 9, 29))
    assert week.window(_f(week, "YOUNG"))[0] == dt.date(2027, 9, 28)


def test_which_families_the_week_sees_and_which_are_due(week: VisitProblem) -> None:
    seen = [f.family_id for f in week.families]
    assert seen == ["DUE", "LATER", "OVERDUE", "YOUNG"]
    assert [f.family_id for f in week.families if week.is_due(f)] == ["DUE"]
    assert [f.family_id for f in week.families if week.is_overdue(f)] == ["OVERDUE"]
    assert week.needed(_f(week, "DUE")) == ("education", "psychology")


def test_a_familys_half_days_within_its_window(week: VisitProblem) -> None:
    due = [(s.date.isoformat(), s.half) for s in week.family_slots(_f(week, "DUE"))]
    assert due == [("2027-09-27", 0)]  # Friday 10-01 is a holiday and after 09-29
    overdue = week.family_slots(_f(week, "OVERDUE"))  # any of its half-days, at once
    assert [(s.date.isoformat(), s.half) for s in overdue] == [("2027-09-27", 0)]
    young = week.family_slots(_f(week, "YOUNG"))  # Monday is before it opens
    assert young == ()


def test_from_a_date_the_week_starts_then(week: VisitProblem) -> None:
    from dataclasses import replace

    later = replace(week, from_date=dt.date(2027, 9, 29))
    assert later.slots[0].date == dt.date(2027, 9, 29)
    assert "DUE" in [f.family_id for f in later.families if later.is_due(f)]
    assert VisitProblem(data=week.data, week_start=WEEK, rules=VisitRules(pairs=False)).needed(
        _f(week, "DUE")) == ("education",)
