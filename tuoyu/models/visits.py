"""Domain of home guidance visits to newborn families (新生儿家庭上门指导; 二.(二).4, 三.(一).4).

A family who asks for guidance is registered with a pseudonymous id (never a name or a
phone number), its residents' committee, a location (or the committee's centre), the
child's birth date, the date the need was registered, the needs (education, medical,
psychology) and the half-days it can receive a visit. The guidance staff of the session
calendar visit them from a base, up to a daily limit, on their visit days, outside their
leave and outside the half-days their guidance sessions take.

Family data is personal information: nothing here puts it into an error message. A
problem with a family row names the file, row and column (and the expected form), never
the family's values.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ConfigDict

from tuoyu.models.calendar import WorkCalendar
from tuoyu.models.common import Frozen, Street
from tuoyu.models.common import records as _records
from tuoyu.models.errors import DataError, Problem
from tuoyu.models.reader import WEEKDAYS, canonical_json, read_tables
from tuoyu.models.schema import VISIT_TABLES
from tuoyu.models.sessions import GuidanceStaff, Period

AM, PM = 0, 1
HALF_ZH = ("上午", "下午")
HALF_EN = ("AM", "PM")
_HALF_WORDS = {
    "am": (AM,), "morning": (AM,), "上午": (AM,), "上": (AM,),
    "pm": (PM,), "afternoon": (PM,), "下午": (PM,), "下": (PM,),
    "": (AM, PM), "全天": (AM, PM), "all": (AM, PM), "day": (AM, PM),
}  # fmt: skip
_TOKEN = re.compile(
    r"^\s*(?P<day>[A-Za-z]+|周[一二三四五六日天]|星期[一二三四五六日天])"
    r"\s*[-_ ]?\s*(?P<half>[A-Za-z]*|上午|下午|全天)\s*$"
)


def parse_half_days(text: str) -> tuple[tuple[int, int], ...]:
    """Half-day tokens (``Mon AM``, ``Wed-PM``, ``周三下午``, ``Sat`` for both halves) as
    sorted (weekday, half) pairs; raises ValueError on a token it does not understand."""
    out: set[tuple[int, int]] = set()
    for token in re.split(r"[;；,，、]", text):
        if not token.strip():
            continue
        m = _TOKEN.match(token)
        if not m:
            raise ValueError(token)
        day = WEEKDAYS.get(m.group("day").lower())
        halves = _HALF_WORDS.get(m.group("half").lower())
        if day is None or halves is None:
            raise ValueError(token)
        out.update((day, h) for h in halves)
    if not out:
        raise ValueError(text)
    return tuple(sorted(out))


def format_half_days(half_days: tuple[tuple[int, int], ...]) -> str:
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    return ";".join(f"{names[d]} {HALF_EN[h]}" for d, h in half_days)


class Community(Frozen):
    community_id: str
    name: str
    street_id: str
    lon: float
    lat: float


class Family(Frozen):
    """One family that asked for a home visit. ``lon``/``lat`` are the committee's centre
    when the family gave no address (``at_committee``)."""

    family_id: str
    street_id: str
    community_id: str
    lon: float
    lat: float
    at_committee: bool = False
    birth_date: dt.date
    registered_on: dt.date
    needs: tuple[str, ...]
    half_days: tuple[tuple[int, int], ...]  # (weekday 0=Mon, half 0=AM 1=PM)
    visited_on: dt.date | None = None
    #: staff who made an earlier visit to the family: a second visit by one of them again
    #: is preferred (a soft goal)
    earlier_visitors: tuple[str, ...] = ()


class VisitStaff(Frozen):
    """A guidance staff member who makes home visits: the calendar's row plus a base,
    a daily visit limit and the weekdays of home visits."""

    staff_id: str
    name: str
    discipline: str
    street_id: str = ""
    base_lon: float
    base_lat: float
    max_visits_per_day: int = 4
    days: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)


class BookedSession(Frozen):
    """A guidance session (from the session calendar) that takes its staff's half-day."""

    date: dt.date
    half: int
    staff_ids: tuple[str, ...]


class VisitData(Frozen):
    """Everything the visit planner reads, validated, plus a fingerprint of it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    streets: tuple[Street, ...]
    communities: tuple[Community, ...]
    staff: tuple[VisitStaff, ...]
    leave: tuple[Period, ...] = ()
    families: tuple[Family, ...] = ()
    sessions: tuple[BookedSession, ...] = ()
    calendar: WorkCalendar = WorkCalendar()
    fingerprint: str = ""


def _half_of(start: str) -> int:
    """A session starting before noon takes the morning, otherwise the afternoon."""
    m = re.match(r"^\s*(\d{1,2})", str(start))
    return AM if m is None or int(m.group(1)) < 12 else PM


def _blank(v: object) -> bool:
    """A blank cell: None or NaN, depending on what else its column holds."""
    return v is None or bool(pd.isna(v))  # type: ignore[call-overload]


def _family_problem(r: dict[str, Any], com: Community | None, label: str, row: int,
                    headers: dict[str, str]) -> Problem | None:
    """The first rule a family's row breaks (needs given, registered on or after the
    birth, its committee in its street, both coordinates or neither), or None. An unknown
    committee is the reference check's to report: its street is not checked here."""
    def col(name: str) -> str:
        return headers.get(name, name)

    birth, registered = r["birth_date"], r["registered_on"]
    if not r["needs"]:
        return Problem(label, "a value is missing", row=row, column=col("needs"),
                       expected="one or more of education, medical, psychology",
                       code="input.value_missing", params={"kind": "list"})
    if birth is not None and registered is not None and registered < birth:
        return Problem(label, "the need is registered before the birth", row=row,
                       column=col("registered_on"),
                       expected="a date on or after the birth date",
                       code="visits.input.registered_before_birth")
    if com is None:
        return None
    if com.street_id != r["street_id"]:
        return Problem(label, "the residents' committee is in another street", row=row,
                       column=col("community_id"),
                       expected="a committee of the family's street (communities.csv)",
                       code="visits.input.committee_street")
    if _blank(r["lon"]) != _blank(r["lat"]):
        return Problem(label, "only one coordinate is given", row=row, column="lon",
                       expected="both lon and lat, or neither (the committee's centre is used)",
                       code="visits.input.one_coordinate")
    return None


def _families(df: pd.DataFrame, communities: dict[str, Community], label: str,
              problems: list[Problem]) -> tuple[Family, ...]:
    headers = df.attrs.get("headers", {})
    out = []
    cols = ["family_id", "street_id", "community_id", "lon", "lat", "birth_date",
            "registered_on", "needs", "half_days", "visited_on", "earlier_visitors"]
    for i, r in enumerate(_records(df, cols)):
        row = i + 2
        try:
            halves = parse_half_days(" ;".join(r["half_days"] or ()))  # type: ignore[arg-type]
        except ValueError:
            problems.append(Problem(
                label, "a value is not valid", row=row,
                column=headers.get("half_days", "half_days"),
                expected="half-days like Mon AM;Wed PM;Sat (or 周一上午;周三下午)",
                code="input.value_invalid", params={"kind": "half_days"}))
            continue
        com = communities.get(str(r["community_id"]))
        problem = _family_problem(r, com, label, row, headers)
        if problem is not None:
            problems.append(problem)
            continue
        if com is None:
            continue  # reported by the reference check
        lon, lat = r["lon"], r["lat"]
        given = not _blank(lon)
        out.append(Family(
            family_id=str(r["family_id"]), street_id=str(r["street_id"]),
            community_id=com.community_id,
            lon=float(lon) if given else com.lon,  # type: ignore[arg-type]
            lat=float(lat) if given else com.lat,  # type: ignore[arg-type]
            at_committee=not given, birth_date=r["birth_date"],  # type: ignore[arg-type]
            registered_on=r["registered_on"],  # type: ignore[arg-type]
            needs=tuple(dict.fromkeys(r["needs"])),  # type: ignore[arg-type]
            half_days=halves, visited_on=r["visited_on"],  # type: ignore[arg-type]
            earlier_visitors=tuple(dict.fromkeys(r["earlier_visitors"] or ())),  # type: ignore[arg-type]
        ))
    return tuple(out)


def visit_data_from_tables(tables: dict[str, pd.DataFrame],
                           labels: dict[str, str] | None = None) -> VisitData:
    """The typed tables as :class:`VisitData`; raises :class:`DataError` (located) for what
    the column types alone cannot catch."""
    labels = labels or {}
    problems: list[Problem] = []
    streets = tuple(
        Street(street_id=r["street_id"], name=r["name"], neighbours=tuple(r["neighbours"] or ()))  # type: ignore[arg-type]
        for r in _records(tables["streets"], ["street_id", "name", "neighbours"])
    )
    communities = {
        str(r["community_id"]): Community(**r)  # type: ignore[arg-type]
        for r in _records(tables["communities"],
                          ["community_id", "name", "street_id", "lon", "lat"])
    }
    calendar_staff = {
        str(r["staff_id"]): GuidanceStaff(**r)  # type: ignore[arg-type]
        for r in _records(tables["guidance_staff"],
                          ["staff_id", "name", "discipline", "street_id", "max_per_month", "days"])
    }
    staff = []
    for r in _records(tables["visit_staff"],
                      ["staff_id", "base_lon", "base_lat", "max_visits_per_day", "days"]):
        g = calendar_staff[str(r["staff_id"])]
        days = r["days"] if r["days"] is not None else g.days
        staff.append(VisitStaff(
            staff_id=g.staff_id, name=g.name, discipline=g.discipline, street_id=g.street_id,
            base_lon=float(r["base_lon"]), base_lat=float(r["base_lat"]),  # type: ignore[arg-type]
            max_visits_per_day=int(r["max_visits_per_day"]),  # type: ignore[call-overload]
            days=tuple(d for d in days if d in g.days),  # type: ignore[union-attr]
        ))
    leave = tuple(
        Period(owner_id=r["staff_id"], start=r["start"], end=r["end"])  # type: ignore[arg-type]
        for r in _records(tables["staff_leave"], ["staff_id", "start", "end"])
    )
    sessions = tuple(
        BookedSession(date=r["date"], half=_half_of(str(r["start"])),  # type: ignore[arg-type]
                      staff_ids=tuple(r["staff_ids"] or ()))  # type: ignore[arg-type]
        for r in _records(tables["sessions"], ["date", "start", "staff_ids"])
        if r["staff_ids"]
    )
    families = _families(tables["families"], communities,
                         labels.get("families", "families.csv"), problems)
    if problems:
        raise DataError(problems)
    calendar = WorkCalendar.from_rows(
        (r["date"], r["kind"], r["name"])  # type: ignore[misc]
        for r in _records(tables["calendar"], ["date", "kind", "name"])
    )
    return VisitData(
        streets=streets, communities=tuple(communities.values()), staff=tuple(staff),
        leave=leave, families=families, sessions=sessions, calendar=calendar,
        fingerprint="sha256:" + hashlib.sha256(canonical_json(tables)).hexdigest(),
    )


def load_visit_data(folder: str | Path) -> VisitData:
    """Read and validate the visit tables from a dataset folder."""
    return visit_data_from_tables(read_tables(Path(folder), VISIT_TABLES))
