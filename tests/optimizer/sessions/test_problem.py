"""A year of guidance sessions as data (``tuoyu.optimizer.sessions.problem``), counted
by hand on 2027's calendar: the days a center is open (its weekdays, no public holiday,
no closure), the days a district event may fall on (its months; weekends or working
days), who works when (weekdays, leave), what a re-plan keeps and what a person still
has room for; an event's team spread over its disciplines."""

from __future__ import annotations

import datetime as dt

import pytest
from sessions_check import center_row, write_tables

from tuoyu.models.sessions import Session, load_session_data
from tuoyu.optimizer.sessions import SessionProblem

ST = "310113003"
STAFF = [dict(staff_id=s, name=s, discipline=d, street_id=ST, max_per_month=3, days=days)
         for s, d, days in (("E1", "education", ""), ("E2", "education", "Sat"),
                            ("M1", "medical", ""), ("P1", "psychology", ""),
                            ("P2", "psychology", ""))]
EVENTS = [dict(event_id="W", name="周末活动", kind="district_event", count=1, staff_needed=5,
               disciplines="education;psychology", weekend="true", months="5"),
          dict(event_id="K", name="讲座", kind="lecture", count=1, staff_needed=2,
               disciplines="", weekend="false", months="10")]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    folder = write_tables(tmp_path_factory.mktemp("sp"), dict(
        centers=[center_row("C1", ST, 6, days="Fri")], guidance_staff=STAFF,
        topics=[dict(topic_id="A", name="安全", disciplines="education")], events=EVENTS,
        staff_leave=[dict(staff_id="E1", start="2027-06-01", end="2027-06-30")],
        center_closures=[dict(center_id="C1", start="2027-07-01", end="2027-08-31",
                              reason="暑期")]))
    return load_session_data(folder)


def _dates(p: SessionProblem, days) -> list[dt.date]:  # noqa: ANN001
    return [p.date(d) for d in days]


def test_a_center_is_open_on_its_weekdays_but_not_on_holidays_or_closures(data) -> None:  # noqa: ANN001
    p = SessionProblem(data=data, year=2027)
    fridays = _dates(p, p.open_days(data.centers[0]))
    assert all(d.weekday() == 4 for d in fridays)
    assert dt.date(2027, 1, 1) not in fridays and dt.date(2027, 10, 1) not in fridays
    assert not [d for d in fridays if d.month in (7, 8)]
    all_fridays = [dt.date(2027, 1, 1) + dt.timedelta(days=k) for k in range(365)]
    all_fridays = [d for d in all_fridays if d.weekday() == 4]
    assert len(all_fridays) == 53 and len(fridays) < 53 - 9  # 9 summer Fridays closed


def test_an_events_days(data) -> None:  # noqa: ANN001
    p = SessionProblem(data=data, year=2027)
    weekend, lecture = (p.event_days(e) for e in data.events)
    assert {d.month for d in _dates(p, weekend)} == {5}
    assert all(d.weekday() >= 5 for d in _dates(p, weekend))
    assert dt.date(2027, 5, 1) not in _dates(p, weekend)  # Labour Day
    # a working day: a weekday, or a Saturday worked for a holiday (调休, calendar.csv)
    assert all(d.month == 10 and data.calendar.is_workday(d) for d in _dates(p, lecture))
    assert dt.date(2027, 10, 1) not in _dates(p, lecture)


def test_an_events_team_one_of_each_listed_then_by_pool_size(data) -> None:  # noqa: ANN001
    p = SessionProblem(data=data, year=2027)
    weekend, lecture = data.events
    # five people over education (2 in the pool) and psychology (2): 1 + 1, then the
    # larger remaining pool first, education before psychology on a tie
    assert p.event_team(weekend) == {"education": 3, "psychology": 2}
    assert sum(p.event_team(lecture).values()) == 2


def test_who_works_when(data) -> None:  # noqa: ANN001
    p = SessionProblem(data=data, year=2027)
    e1, e2 = data.staff[0], data.staff[1]
    assert not p.available(e1, p.day(dt.date(2027, 6, 15)))  # on leave
    assert p.available(e1, p.day(dt.date(2027, 7, 1)))
    assert {p.date(d).weekday() for d in p.available_days["E2"]} == {5}
    assert p.available(e2, p.day(dt.date(2027, 3, 6))) and not p.available(
        e2, p.day(dt.date(2027, 3, 5)))


def test_a_replan_keeps_the_sessions_before_its_date(data) -> None:  # noqa: ANN001
    before = Session(date=dt.date(2027, 3, 5), half=0, center_id="C1", topic_id="A",
                     staff_ids=("E1",))
    after = Session(date=dt.date(2027, 9, 3), half=0, center_id="C1", topic_id="A",
                    staff_ids=("E1",))
    p = SessionProblem(data=data, year=2027, previous=(before, after),
                       from_date=dt.date(2027, 6, 1))
    assert p.fixed == (before,) and p.was_planned == (after,)
    assert p.room(data.staff[0], 3) == 2 and p.room(data.staff[0], 9) == 3
    assert p.date(p.first_day) == dt.date(2027, 6, 1)
    assert list(p.month_days(6))[0] == p.first_day and not list(p.month_days(5))
    assert p.open_days(data.centers[0])[0] >= p.first_day


@pytest.mark.parametrize("year", [2027, 2028])
def test_a_day_of_the_year_and_its_date(data, year: int) -> None:  # noqa: ANN001
    """Day 0 is 1 January; a leap year has 366 days; days outside the year still count
    from 1 January (the lookup of the year's days changes nothing)."""
    p = SessionProblem(data=data, year=year)
    jan1 = dt.date(year, 1, 1)
    assert p.n_days == (366 if year == 2028 else 365)
    for d in (-3, 0, 58, 59, p.n_days - 1, p.n_days, p.n_days + 40):
        assert p.date(d) == jan1 + dt.timedelta(days=d)
        assert p.day(p.date(d)) == d
    assert p.date(p.n_days - 1) == dt.date(year, 12, 31)
