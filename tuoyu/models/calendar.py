"""The working-day calendar: Chinese public holidays and adjusted working days (调休).

Sources, in order of precedence:

1. the dataset's ``calendar`` table (``holiday`` / ``workday`` per date), which a planner
   uses for years no package knows yet;
2. ``chinesecalendar`` (holidays *and* adjusted working days; knows years up to 2026);
3. ``holidays`` (the statutory holidays of later years, but not the adjusted working days).

A year that only ``holidays`` knows, with no ``workday`` override in the dataset, gets a
warning: its adjusted working days (Saturdays or Sundays that are working days) are
unknown and weekends are treated as days off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import chinese_calendar
import holidays as holidays_pkg


@lru_cache(maxsize=1)
def _chinesecalendar_years() -> frozenset[int]:
    return frozenset(d.year for d in chinese_calendar.holidays)


@lru_cache(maxsize=64)
def _statutory_holidays(year: int) -> dict[dt.date, str]:
    """Public holidays of a year from the ``holidays`` package, in Chinese."""
    return dict(holidays_pkg.China(years=year, language="zh_CN"))


@dataclass(frozen=True)
class WorkCalendar:
    """Answers "is this a working day?" for the years a plan touches."""

    overrides: Mapping[dt.date, str] = field(default_factory=dict)  # date -> holiday|workday
    names: Mapping[dt.date, str] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[dt.date, str, str]]) -> WorkCalendar:
        overrides: dict[dt.date, str] = {}
        names: dict[dt.date, str] = {}
        for date, kind, name in rows:
            overrides[date] = kind
            if name:
                names[date] = name
        return cls(overrides, names)

    @cached_property
    def _package_years(self) -> frozenset[int]:
        return _chinesecalendar_years()

    def source_of(self, year: int) -> str:
        """Where the adjusted working days of ``year`` come from."""
        if any(d.year == year and k == "workday" for d, k in self.overrides.items()):
            return "dataset calendar table"
        if year in self._package_years:
            return f"chinesecalendar {chinese_calendar.__version__}"
        return f"holidays {holidays_pkg.__version__} (public holidays only)"

    def warnings(self, years: Iterable[int]) -> list[str]:
        """One warning per year whose adjusted working days (调休) no source knows."""
        out = []
        for year in sorted(set(years)):
            if year in self._package_years:
                continue
            if any(d.year == year and k == "workday" for d, k in self.overrides.items()):
                continue
            out.append(
                f"The adjusted working days (调休) of {year} are not known to the built-in "
                f"calendar (chinesecalendar knows up to {max(self._package_years)}); public "
                f"holidays come from the 'holidays' package and every weekend is taken as a "
                f"day off. Once the State Council publishes the {year} schedule, add its "
                f"dates to the dataset's calendar table (calendar.csv: date, kind=holiday|"
                f"workday, name)."
            )
        return out

    def _package_holiday(self, day: dt.date) -> str | None:
        if day.year in self._package_years:
            on, name = chinese_calendar.get_holiday_detail(day)
            if on and name is not None:
                return str(name)
            return None
        return _statutory_holidays(day.year).get(day)

    def is_holiday(self, day: dt.date) -> bool:
        """A public holiday (not merely a weekend)."""
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == "holiday"
        return self._package_holiday(day) is not None

    def is_workday(self, day: dt.date) -> bool:
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == "workday"
        if day.year in self._package_years:
            return bool(chinese_calendar.is_workday(day))
        if self._package_holiday(day) is not None:
            return False
        return day.weekday() < 5

    def holiday_name(self, day: dt.date) -> str | None:
        if day in self.names:
            return self.names[day]
        if self.overrides.get(day) == "holiday":
            return "holiday"
        return self._package_holiday(day)

    def workdays(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Working days from ``start`` to ``end`` inclusive."""
        return [d for d in days_between(start, end) if self.is_workday(d)]


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every date from ``start`` to ``end`` inclusive."""
    n = (end - start).days
    return [start + dt.timedelta(days=i) for i in range(n + 1)]


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def parse_month(text: str) -> tuple[int, int]:
    """``2027-03`` -> (2027, 3); raises ValueError with a plain message otherwise."""
    try:
        y, m = text.strip().split("-")
        year, month = int(y), int(m)
        if not (1 <= month <= 12 and 2000 <= year <= 2100):
            raise ValueError
    except ValueError:
        raise ValueError(f"month '{text}' is not valid; expected YYYY-MM like 2027-03") from None
    return year, month


@lru_cache(maxsize=1)
def _chinese_names() -> dict[str, str]:
    """chinesecalendar's holiday names (English) in Chinese: "New Year's Day" -> 元旦."""
    return {str(h.value): str(h.chinese) for h in chinese_calendar.Holiday}


@dataclass(frozen=True)
class MarkedDay:
    """A day a calendar marks: a public holiday, or a weekend day that is a working day
    (调休上班), with its name in Chinese where one is known."""

    date: dt.date
    kind: str  # "holiday" | "workday"
    name: str


def marked_days(calendar: WorkCalendar, year: int) -> list[MarkedDay]:
    """The public holidays and adjusted working days (调休) of ``year`` as ``calendar``
    sees them (the dataset's table first, then the packages), in date order."""
    names = _chinese_names()
    out = []
    for day in days_between(dt.date(year, 1, 1), dt.date(year, 12, 31)):
        if calendar.is_holiday(day):
            kind = "holiday"
        elif day.weekday() >= 5 and calendar.is_workday(day):
            kind = "workday"
        else:
            continue
        name = calendar.names.get(day)
        if name is None and kind == "holiday":
            raw = calendar.holiday_name(day) or ""
            name = names.get(raw, raw if raw != "holiday" else "")
        if name is None and day.year in calendar._package_years:
            on, raw = chinese_calendar.get_holiday_detail(day)
            name = names.get(str(raw), "") if raw else ""
        out.append(MarkedDay(day, kind, name or ""))
    return out
