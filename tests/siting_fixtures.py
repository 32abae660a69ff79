"""Tiny hand-made siting instances shared by the siting tests (no tests here).

Points are placed by metres east/north of a Baoshan origin, so a test can say "300 m away".
"""

from __future__ import annotations

import math

from tuoyu.models.siting import (
    Community,
    Kindergarten,
    Provider,
    Site,
    SitingData,
    SitingStreet,
)
from tuoyu.optimizer.catchment import AccessParams
from tuoyu.optimizer.demand import DemandParams
from tuoyu.optimizer.siting import SitingConfig, SitingProblem

LON0, LAT0 = 121.45, 31.38
M_LAT = 111_320.0
M_LON = M_LAT * math.cos(math.radians(LAT0))


def at(east: float, north: float) -> tuple[float, float]:
    """(lon, lat) of a point ``east`` and ``north`` metres from the origin."""
    return LON0 + east / M_LON, LAT0 + north / M_LAT


def community(
    cid: str, east: float, north: float, pop: float, street: str = "S1", births: float | None = None
) -> Community:
    lon, lat = at(east, north)
    return Community(
        community_id=cid,
        name=cid,
        street_id=street,
        lon=lon,
        lat=lat,
        pop_0_3=pop,
        births=births if births is not None else pop / 3,
    )


def kindergarten(
    kid: str,
    east: float,
    north: float,
    *,
    public: bool = True,
    has_nursery: bool = False,
    seats: int | None = None,
    spare: int = 0,
    street: str = "S1",
) -> Kindergarten:
    lon, lat = at(east, north)
    return Kindergarten(
        kindergarten_id=kid,
        name=kid,
        street_id=street,
        lon=lon,
        lat=lat,
        public=public,
        has_nursery=has_nursery,
        nursery_seats=seats,
        spare_rooms=spare,
    )


def provider(
    pid: str, east: float, north: float, seats: int, *, inclusive: bool = False, street: str = "S1"
) -> Provider:
    lon, lat = at(east, north)
    return Provider(
        provider_id=pid,
        name=pid,
        street_id=street,
        lon=lon,
        lat=lat,
        seats=seats,
        inclusive=inclusive,
        public=False,
        kind="childcare_center",
    )


def site(
    sid: str,
    east: float,
    north: float,
    max_classes: int,
    available_from: int | None,
    *,
    kind: str = "community_site",
    street: str = "S1",
) -> Site:
    lon, lat = at(east, north)
    return Site(
        site_id=sid,
        name=sid,
        street_id=street,
        lon=lon,
        lat=lat,
        kind=kind,
        max_classes=max_classes,
        available_from=available_from,
    )


def data(
    communities: list[Community],
    kindergartens: list[Kindergarten] = (),  # type: ignore[assignment]
    providers: list[Provider] = (),
    sites: list[Site] = (),  # type: ignore[assignment]
    streets: tuple[str, ...] = ("S1",),
) -> SitingData:
    return SitingData(
        streets=tuple(SitingStreet(street_id=s, name=f"街镇{s}") for s in streets),
        communities=tuple(communities),
        kindergartens=tuple(kindergartens),
        providers=tuple(providers),
        sites=tuple(sites),
    )


def config(
    years: tuple[int, int] = (2027, 2027),
    classes: tuple[int, int] = (1, 1),
    take_up: float = 1.0,
    trend: float = 0.0,
    **kw: object,
) -> SitingConfig:
    """Take-up 1 and a flat trend with births = pop/3: demand equals the 0–3 population."""
    return SitingConfig(
        years=years,
        classes_per_year=classes,
        access=kw.pop("access", AccessParams()),  # type: ignore[arg-type]
        demand=DemandParams(take_up=take_up, trend=trend),
        **kw,
    )  # type: ignore[arg-type]


def problem(d: SitingData, cfg: SitingConfig) -> SitingProblem:
    return SitingProblem.from_data(d, cfg)
