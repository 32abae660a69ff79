"""The working-day calendar across 2026 (chinesecalendar knows it) and 2027 (only the
statutory holidays from the `holidays` package, plus the dataset's calendar table)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar
import holidays

from tuoyu.models.calendar import WorkCalendar, days_between, marked_days, month_bounds
from tuoyu.models.reader import read_tables

D = dt.date


def adjusted_workdays(year: int) -> list[dt.date]:
    """Saturdays/Sundays that chinesecalendar says are working days (调休)."""
    days = chinese_calendar.get_workdays(D(year, 1, 1), D(year, 12, 31), include_weekends=True)
    return [d for d in days if d.weekday() >= 5]


def spring_festival_2027() -> list[dt.date]:
    cn = holidays.China(years=2027, language="en_US")
    days = [d for d, name in cn.items() if "Spring Festival" in name or "New Year's Eve" in name]
    assert days, "the holidays package should know the 2027 Spring Festival"
    return sorted(days)


def test_2026_national_day_is_not_a_working_day() -> None:
    cal = WorkCalendar()
    assert D(2026, 10, 1).weekday() < 5  # a Thursday: a holiday, not a weekend
    assert not cal.is_workday(D(2026, 10, 1))
    assert cal.is_holiday(D(2026, 10, 1))
    assert cal.holiday_name(D(2026, 10, 1)) == "National Day"


def test_2026_adjusted_saturday_is_a_working_day() -> None:
    adjusted = adjusted_workdays(2026)
    assert D(2026, 10, 10) in adjusted and D(2026, 10, 10).weekday() == 5
    cal = WorkCalendar()
    for day in adjusted:
        assert cal.is_workday(day), day
        assert not cal.is_holiday(day), day
    assert not cal.is_workday(D(2026, 10, 11))  # an ordinary Sunday


def test_2027_spring_festival_is_not_working_days() -> None:
    cal = WorkCalendar()
    days = spring_festival_2027()
    assert any(d.weekday() < 5 for d in days)
    for day in days:
        assert not cal.is_workday(day), day
        assert cal.is_holiday(day), day
        assert cal.holiday_name(day)


def test_warning_for_2027_without_overrides() -> None:
    cal = WorkCalendar()
    assert cal.warnings([2026]) == []
    warns = cal.warnings([2027])
    assert len(warns) == 1
    assert "2027" in warns[0]
    assert "calendar.csv" in warns[0] and "workday" in warns[0]
    assert cal.warnings([2026, 2027, 2027]) == warns
    assert "holidays" in cal.source_of(2027) and "chinesecalendar" in cal.source_of(2026)


def test_override_workdays_from_a_calendar_table(tmp_path: Path) -> None:
    (tmp_path / "calendar.csv").write_text(
        "date,kind,name\n2027-02-13,workday,春节调休上班\n2027-02-11,holiday,春节\n",
        encoding="utf-8",
    )
    table = read_tables(tmp_path, ["calendar"])["calendar"]
    cal = WorkCalendar.from_rows(zip(table["date"], table["kind"], table["name"], strict=True))
    assert D(2027, 2, 13).weekday() == 5
    assert cal.is_workday(D(2027, 2, 13))
    assert not WorkCalendar().is_workday(D(2027, 2, 13))
    assert not cal.is_workday(D(2027, 2, 11)) and cal.holiday_name(D(2027, 2, 11)) == "春节"
    assert WorkCalendar().is_workday(D(2027, 2, 11))  # a Thursday the package does not know
    assert cal.warnings([2027]) == []
    assert cal.source_of(2027) == "dataset calendar table"
    for day in spring_festival_2027():  # the package's holidays still apply
        assert not cal.is_workday(day)


def test_override_holiday_on_an_ordinary_weekday() -> None:
    day = D(2027, 3, 17)  # a Wednesday
    assert day.weekday() == 2 and day not in holidays.China(years=2027)
    assert WorkCalendar().is_workday(day)
    cal = WorkCalendar.from_rows([(day, "holiday", "区级停工")])
    assert not cal.is_workday(day)
    assert cal.is_holiday(day)
    assert cal.holiday_name(day) == "区级停工"
    assert cal.is_workday(D(2027, 3, 18))
    # in a year chinesecalendar knows, the table overrides it too
    day26 = D(2026, 3, 18)
    assert chinese_calendar.is_workday(day26)
    assert not WorkCalendar.from_rows([(day26, "holiday", "")]).is_workday(day26)


def test_holiday_only_overrides_still_warn_about_unknown_workdays() -> None:
    cal = WorkCalendar.from_rows([(D(2027, 3, 17), "holiday", "区级停工")])
    assert cal.source_of(2027).startswith("holidays")  # adjusted workdays still unknown
    assert len(cal.warnings([2027])) == 1


def test_workdays_of_march_2027() -> None:
    start, end = month_bounds(2027, 3)
    assert (start, end) == (D(2027, 3, 1), D(2027, 3, 31))
    public = holidays.China(years=2027)
    expected = [
        start + dt.timedelta(days=i)
        for i in range(31)
        if (start + dt.timedelta(days=i)).weekday() < 5
        and start + dt.timedelta(days=i) not in public
    ]
    got = WorkCalendar().workdays(start, end)
    assert got == expected
    assert len(got) == 23
    assert len(days_between(start, end)) == 31


def test_workdays_across_the_year_boundary() -> None:
    cal = WorkCalendar()
    got = cal.workdays(D(2026, 12, 28), D(2027, 1, 5))
    public = holidays.China(years=2027)
    want = [
        d
        for d in days_between(D(2026, 12, 28), D(2027, 1, 5))
        if (
            chinese_calendar.is_workday(d)
            if d.year == 2026
            else d.weekday() < 5 and d not in public
        )
    ]
    assert got == want
    assert D(2027, 1, 1) not in got


def test_marked_days_name_holidays_and_adjusted_working_days_in_chinese():
    """2026 from chinesecalendar: 2026-01-04, a Sunday, is a working day (元旦调休)."""
    days = {m.date: m for m in marked_days(WorkCalendar(), 2026)}
    assert days[D(2026, 1, 4)].kind == "workday" and days[D(2026, 1, 4)].name == "元旦"
    assert days[D(2026, 1, 1)].kind == "holiday" and days[D(2026, 1, 1)].name == "元旦"
    assert set(adjusted_workdays(2026)) == {d for d, m in days.items() if m.kind == "workday"}
    # every public holiday of the package, and nothing on an ordinary weekday or weekend
    want = {d for d in days_between(D(2026, 1, 1), D(2026, 12, 31))
            if chinese_calendar.is_holiday(d) and chinese_calendar.get_holiday_detail(d)[1]}
    assert want == {d for d, m in days.items() if m.kind == "holiday"}
    assert all(m.name and not m.name.isascii() for m in days.values())


def test_marked_days_take_the_datasets_table_first():
    cal = WorkCalendar.from_rows([(D(2027, 3, 6), "workday", "测试调休上班"),
                                  (D(2027, 3, 5), "holiday", "测试节"),
                                  (D(2027, 10, 1), "workday", "")])
    days = {m.date: m for m in marked_days(cal, 2027)}
    assert days[D(2027, 3, 6)].kind == "workday" and days[D(2027, 3, 6)].name == "测试调休上班"
    assert days[D(2027, 3, 5)].kind == "holiday" and days[D(2027, 3, 5)].name == "测试节"
    # a working day on a weekday is no adjusted working day; the override beats the package
    assert D(2027, 10, 1) not in days
    assert days[D(2027, 1, 1)].kind == "holiday"  # the holidays package's New Year
    assert [m.date for m in marked_days(cal, 2027)] == sorted(days)
