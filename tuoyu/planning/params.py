"""Each planner's parameters, typed and checked before anything runs: the command line
builds them from its options, the service from a request body (unknown keys refused),
and both hand them to the planning layer as they are."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

MAX_SEED = 2**63 - 1
#: the seed of a draft roster when neither a seed nor a seeded commitment is given
DRAFT_SEED = 20270301
#: places one siting may pin, and may forbid (a district has a few hundred candidates)
MAX_STEERING = 500


class PlannerParams(BaseModel):
    """What every planner's parameters share: the solver's time limit and threads. A
    planner's own class adds ``kind: Literal["<kind>"]`` first, then its parameters."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    time_limit: float = Field(
        60.0, gt=0, le=3600, description="The solve's budget, seconds. For the roster, the "
        "calendar and the home visits a budget of counted work, in seconds of an idle machine "
        "(the same plan under any load); for siting, HiGHS's time limit (its solve usually "
        "ends well before). For a wall-clock ceiling: wall_limit.")
    workers: int = Field(8, ge=1, le=64, description="Solver workers (threads).")
    wall_limit: float | None = Field(
        None, gt=0, le=36000, description="Wall-clock ceiling of the whole plan, seconds "
        "(honoured within 5% on a loaded machine; the plan says when it ended a solve). "
        "Default: none (the sessions' work budget alone, reproducible).")


class RosterParams(PlannerParams):
    kind: Literal["roster"] = "roster"
    month: str = Field(..., description="Month to plan, YYYY-MM.", examples=["2027-03"])
    seed: int | None = Field(
        None, ge=0, le=MAX_SEED, description="Seed of a draft or test draw. Leave it out for "
        "the official draw: its seed then comes from the month's seeded commitment (a public "
        "source after the inputs were committed); a draw made with a seed given here is "
        "never official. Without either, the draft seed 20270301.")
    draw_share: float = Field(0.10, gt=0, le=1, description="Share of institutions drawn.")
    min_team: int = Field(2, ge=2, le=10, description="Inspectors per inspection, at least.")
    redraw_reason: str | None = Field(
        None, max_length=500, description="Why the month is drawn again once its roster is "
        "published (required then; recorded in draw.json).")
    from_date: dt.date | None = Field(
        None, description="Re-plan the month from this date (YYYY-MM-DD): the visits of "
        "the stored roster before it are kept; later ones that still meet every rule stay "
        "exactly as they were (same day, same team); the follow-ups of outcomes recorded "
        "since and the visits that cannot stay are planned around them, each move with why.")

    @model_validator(mode="after")
    def _from_in_month(self) -> RosterParams:
        if self.from_date is not None and (
            self.from_date.year, self.from_date.month) != (self.year, self.mon):
            raise PydanticCustomError(
                "tuoyu_date_in_month", "from_date {date} is not in the month {month}",
                {"date": str(self.from_date), "month": self.month})
        return self

    @field_validator("month")
    @classmethod
    def _month(cls, v: str) -> str:
        m = re.fullmatch(r"(\d{4})-(\d{2})", v.strip())
        if not m or not (1 <= int(m.group(2)) <= 12) or not (2000 <= int(m.group(1)) <= 2100):
            raise PydanticCustomError(
                "tuoyu_month", "expected a month YYYY-MM between 2000-01 and 2100-12, e.g. 2027-03")
        return v.strip()

    @property
    def year(self) -> int:
        return int(self.month[:4])

    @property
    def mon(self) -> int:
        return int(self.month[5:])


class SessionParams(PlannerParams):
    kind: Literal["sessions"] = "sessions"
    year: int = Field(..., ge=2000, le=2100, description="Year to plan.")
    from_date: dt.date | None = Field(None, description="Re-plan from this date (YYYY-MM-DD).")
    seed: int = Field(0, ge=0, le=MAX_SEED, description="Seed of the calendar's tie-breaks.")
    reproducible: bool = Field(
        True,
        description="The same calendar for the same inputs and seed with any workers on any "
        "machine (deterministic search; slower on a loaded machine). False: the parallel "
        "portfolio within the time limit in seconds (faster; runs may differ).",
    )

    @model_validator(mode="after")
    def _from_in_year(self) -> SessionParams:
        if self.from_date is not None and self.from_date.year != self.year:
            raise PydanticCustomError(
                "tuoyu_date_in_year", "from_date {date} is not in the year {year}",
                {"date": str(self.from_date), "year": self.year})
        return self


class SitingParams(PlannerParams):
    kind: Literal["siting"] = "siting"
    years: tuple[int, int] = Field((2027, 2029), description="First and last year, e.g. 2027-2029.")
    classes_per_year: tuple[int, int] = Field((5, 8), description="New classes a year, min-max.")
    model: Literal["capacitated", "mclp", "lscp"] = "capacitated"
    seats_per_class: int = Field(20, ge=1, le=200, description="Seats of a new class.")
    class_fill: float = Field(
        0.5, gt=0.0, le=1.0, description="A new class opens only where it serves at least "
        "this share of its seats (0.5: 10 of 20), every year from its opening.")
    speed_kmh: float = Field(4.5, ge=0.5, le=20, description="Walking speed, km/h.")
    radius_m: float | None = Field(
        None, ge=50, le=20000, description="Fixed walking radius in metres instead of "
        "15 minutes at speed_kmh.")
    circuity: float = Field(1.3, ge=1.0, le=5.0, description="Walk / straight line off the "
                            "network.")
    take_up: float = Field(0.35, ge=0.0, le=1.0, description="Share of children 0-3 needing "
                           "a place.")
    trend: float = Field(-0.05, ge=-0.9, le=1.0, description="Yearly change of births.")
    p: int | None = Field(None, ge=1, le=10000, description="MCLP: classes to site "
                          "(default: max a year x years).")
    strict: bool = Field(False, description="No plan when a district rule cannot be met.")
    use_network: bool = Field(True, description="Use walk_network.graphml when there is one.")
    pinned: tuple[str, ...] = Field(
        (), max_length=MAX_STEERING,
        description="Places that must open a class: ID (some year of the horizon) or "
        f"ID@YEAR, e.g. K012@2028; each place once, at most {MAX_STEERING}.",
        examples=[["K012@2028", "S003"]])
    forbidden: tuple[str, ...] = Field(
        (), max_length=MAX_STEERING,
        description=f"Places that must not open a class (IDs; each once, at most "
        f"{MAX_STEERING}).", examples=[["K045"]])
    tradeoff: tuple[int, int] | None = Field(
        None, description="Also trace the trade-off for these classes a year, e.g. 0-12 "
        "(writes tradeoff.csv).")

    @field_validator("pinned", "forbidden", mode="before")
    @classmethod
    def _ids(cls, v: object) -> object:
        if isinstance(v, str):  # "K012@2028, S003" as one string
            if len(v) > MAX_STEERING * 80:
                raise PydanticCustomError("too_long", "at most {max_length}",
                                          {"max_length": MAX_STEERING})
            v = [x for x in re.split(r"[,\s]+", v) if x]
        return v

    @field_validator("pinned", "forbidden")
    @classmethod
    def _each_once(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        seen: set[str] = set()
        for item in v:
            item = item.strip()
            if item in seen:
                raise PydanticCustomError("tuoyu_place_twice",
                                          "{item}: each place once", {"item": item[:50]})
            seen.add(item)
        return v

    @field_validator("pinned")
    @classmethod
    def _pins(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for item in v:
            item = item.strip()
            if len(item) > 70 or not re.fullmatch(r"[^@\s]+(@\d{4})?", item):
                raise PydanticCustomError(
                    "tuoyu_pin", "{item}: expected a place id or ID@YEAR, e.g. K012@2028",
                    {"item": item[:50]})
            out.append(item)
        return tuple(out)

    @field_validator("forbidden")
    @classmethod
    def _forbid(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for item in v:
            item = item.strip()
            if len(item) > 64 or not re.fullmatch(r"[^@\s]+", item):
                raise PydanticCustomError(
                    "tuoyu_place", "{item}: expected a place id, e.g. K045", {"item": item[:50]})
            out.append(item)
        return tuple(out)

    @field_validator("years", "classes_per_year", "tradeoff", mode="before")
    @classmethod
    def _range(cls, v: object) -> object:
        if isinstance(v, str):
            m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+))?\s*", v)
            if not m:
                raise PydanticCustomError("tuoyu_range", "expected a range like 2027-2029 or 5-8")
            return (int(m.group(1)), int(m.group(2) or m.group(1)))
        return v

    @model_validator(mode="after")
    def _ordered(self) -> SitingParams:
        a, b = self.years
        if not (2000 <= a <= b <= 2100 and b - a < 10):
            raise PydanticCustomError(
                "tuoyu_years", "years: expected first <= last, within 2000-2100, at most 10 years")
        lo, hi = self.classes_per_year
        if not (0 <= lo <= hi <= 200):
            raise PydanticCustomError(
                "tuoyu_classes", "classes_per_year: expected 0 <= min <= max <= 200")
        if self.tradeoff is not None:
            lo, hi = self.tradeoff
            if not (0 <= lo <= hi <= 200 and hi - lo <= 50):
                raise PydanticCustomError(
                    "tuoyu_tradeoff",
                    "tradeoff: expected 0 <= first <= last <= 200, at most 51 values, e.g. 0-12")
        return self

    @property
    def pins(self) -> tuple[tuple[str, int | None], ...]:
        """The pins as (place id, year or None)."""
        out = []
        for item in self.pinned:
            pid, _, year = item.partition("@")
            out.append((pid, int(year) if year else None))
        return tuple(out)


class VisitParams(PlannerParams):
    kind: Literal["visits"] = "visits"
    week: dt.date = Field(..., description="Monday of the week to plan (YYYY-MM-DD).",
                          examples=["2027-03-01"])
    from_date: dt.date | None = Field(
        None, description="Re-plan the week from this date: the earlier plan's visits "
        "before it are kept.")
    seed: int = Field(1, ge=0, le=2**31 - 1, description="Seed of the routing search.")
    iterations: int = Field(3000, ge=1, le=200_000, description="Iterations of the routing "
                            "search (not seconds: the plan does not depend on load).")
    window_days: int = Field(28, ge=1, le=365, description="A visit falls within this many "
                             "days after the need is registered.")
    min_age_days: int = Field(7, ge=0, le=365, description="... and not before the child is "
                              "this many days old.")
    visit_minutes: int = Field(60, ge=10, le=240, description="Length of a visit.")
    pairs: bool = Field(True, description="Two-person teams where a family's needs span two "
                        "disciplines (False: one person of the first need).")
    speed_kmh: float = Field(20.0, ge=2, le=80, description="Travel speed door to door.")
    circuity: float = Field(1.3, ge=1.0, le=5.0, description="Road / straight-line distance.")
    far_minutes: int = Field(30, ge=1, le=600, description="A visit this many minutes or "
                             "more from its team's base is explained: why that team, not "
                             "a nearer one.")

    @field_validator("week")
    @classmethod
    def _monday(cls, v: dt.date) -> dt.date:
        if v.weekday() != 0:
            raise PydanticCustomError(
                "tuoyu_monday", "week: expected a Monday, e.g. 2027-03-01")
        return v

    @model_validator(mode="after")
    def _from_in_week(self) -> VisitParams:
        if self.from_date is not None and not (
                self.week <= self.from_date <= self.week + dt.timedelta(days=6)):
            raise PydanticCustomError(
                "tuoyu_date_in_week", "from_date {date} is not in the week of {week}",
                {"date": str(self.from_date), "week": str(self.week)})
        return self


#: the parameters of any planner (the registry knows which class a kind has)
AnyParams = PlannerParams
