"""The siting instance: the planner's knobs (:class:`SitingConfig`) and the immutable
problem built from the tables (:class:`SitingProblem`): communities and their demand per
year, the places with seats or rooms, and the walking pairs between them."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from tuoyu.models.findings import Finding, clash, info
from tuoyu.models.siting import SitingData
from tuoyu.optimizer.catchment import AccessParams, Pairs, WalkNetwork, project, walking_pairs
from tuoyu.optimizer.demand import DemandParams, forecast_demand
from tuoyu.optimizer.siting.goals import SitingWeights


@dataclass(frozen=True)
class SitingConfig:
    """The planner's knobs; every rule's parameter lives here (the soft goals' weights in
    ``weights``)."""

    years: tuple[int, int] = (2027, 2029)
    classes_per_year: tuple[int, int] = (5, 8)
    seats_per_class: int = 20
    #: a new class opens only where it serves at least this share of its seats: the
    #: children a place serves beyond its own seats, shared over its new classes, reach
    #: ``class_fill × seats_per_class`` per class in every year from its opening (0.5:
    #: 10 of 20 seats; never 0, so no class serves no one)
    class_fill: float = 0.5
    access: AccessParams = AccessParams()
    demand: DemandParams = DemandParams()
    weights: SitingWeights = SitingWeights()
    every_street_inclusive: bool = True
    integrated_share: float = 0.5  # 托幼一体 share of kindergartens by the horizon's end
    strict: bool = False  # a missed district rule raises InfeasibleError
    use_network: bool = True
    pinned: tuple[tuple[str, int | None], ...] = ()  # (place id, year or None: some year)
    forbidden: tuple[str, ...] = ()  # place ids that open no class

    @property
    def fill_children(self) -> int:
        """Children a new class must serve (at least 1: never a class for no one)."""
        return max(1, math.ceil(self.class_fill * self.seats_per_class - 1e-9))

    @property
    def year_list(self) -> list[int]:
        return list(range(self.years[0], self.years[1] + 1))


@dataclass(frozen=True)
class Place:
    """A place with nursery seats now, or a candidate for new classes, or both."""

    place_id: str
    source: str  # provider | kindergarten | site
    name: str
    street_id: str
    lon: float
    lat: float
    existing_seats: int
    inclusive_now: bool  # an inclusive (普惠) place today
    max_new: int  # new classes it can still open (0: not a candidate)
    available_from: int | None
    kindergarten: bool  # counts among the kindergartens of the 托幼一体 rule
    has_nursery: bool


def _places(data: SitingData, config: SitingConfig) -> tuple[list[Place], int]:
    """Providers with seats, kindergartens with seats or rooms (only public ones open
    classes), and sites; and how many sites are new kindergartens within the horizon."""
    places: list[Place] = []
    for p in data.providers:
        if p.seats > 0:
            places.append(Place(p.provider_id, "provider", p.name, p.street_id, p.lon, p.lat,
                                p.seats, p.inclusive or p.public, 0, None, False, False))
    seats = config.seats_per_class
    for k in data.kindergartens:
        existing = (k.nursery_seats if k.nursery_seats is not None else seats) \
            if k.has_nursery else (k.nursery_seats or 0)
        max_new = k.spare_rooms if k.public else 0
        if existing > 0 or max_new > 0:
            places.append(Place(k.kindergarten_id, "kindergarten", k.name, k.street_id, k.lon,
                                k.lat, int(existing), k.public and existing > 0, max_new, None,
                                True, k.has_nursery))
    horizon_end = config.years[1]
    new_kgs = 0
    for s in data.sites:
        is_kg = s.kind == "new_kindergarten" and (
            s.available_from is None or s.available_from <= horizon_end)
        new_kgs += int(is_kg)
        if s.max_classes > 0:
            places.append(Place(s.site_id, "site", s.name, s.street_id, s.lon, s.lat, 0, False,
                                s.max_classes, s.available_from, is_kg, False))
    return places, new_kgs


@dataclass(frozen=True)
class SitingProblem:
    """An immutable siting instance: communities, demand, places and walking pairs."""

    config: SitingConfig
    years: tuple[int, ...]
    streets: tuple[tuple[str, str], ...]  # (street_id, name)
    community_ids: tuple[str, ...]
    community_names: tuple[str, ...]
    community_streets: tuple[str, ...]
    community_lon: np.ndarray
    community_lat: np.ndarray
    cx: np.ndarray
    cy: np.ndarray
    demand: np.ndarray  # (communities, years) children needing a place
    places: tuple[Place, ...]
    px: np.ndarray
    py: np.ndarray
    pairs: Pairs
    kindergartens_total: int  # denominator of the 托幼一体 share (incl. new kindergartens)
    kindergartens_with_nursery: int
    build_seconds: float = 0.0
    fingerprint: str = ""
    pins: tuple[tuple[int, int | None], ...] = ()  # (place, year index or None)
    forbidden: frozenset[int] = frozenset()  # places that open no class
    steering_clashes: tuple[Finding, ...] = ()  # pins and forbids that cannot be
    network_nodes: int = 0  # nodes of the walking network given (0: none given or used)
    #: communities and places within the snap distance of the network (its reach)
    network_near: tuple[int, int] = (0, 0)

    def __post_init__(self) -> None:
        # frozen all the way down: the arrays are read-only too
        for arr in (self.community_lon, self.community_lat, self.cx, self.cy, self.demand,
                    self.px, self.py, self.pairs.i, self.pairs.j, self.pairs.dist,
                    self.pairs.on_network):
            arr.flags.writeable = False

    @property
    def candidates(self) -> list[int]:
        """Places with rooms for new classes (forbidden ones included: the rule
        ``forbidden_places_stay_closed`` keeps them shut)."""
        return [j for j, p in enumerate(self.places) if p.max_new > 0]

    @property
    def open_candidates(self) -> list[int]:
        """Candidates a plan may use: not forbidden."""
        return [j for j in self.candidates if j not in self.forbidden]

    def walk(self) -> dict[str, object]:
        """How the walk was measured: ``network`` (every pair on the walking network),
        ``mixed`` (some on the network, the others, far from it, straight line × circuity),
        ``off_network`` (a network given, but no pair within the walk on it: the
        communities and places near it, counted, are farther apart on it, and every other
        pair is the stand-in) or ``straight_line`` (no network: straight line ×
        circuity, the stand-in), with the counts."""
        on, n = int(self.pairs.on_network.sum()), len(self.pairs)
        if on == 0:
            kind = "off_network" if self.network_nodes else "straight_line"
        else:
            kind = "network" if on == n else "mixed"
        out: dict[str, object] = {
            "kind": kind, "walk_m": float(round(self.config.access.reach_m)),
            "circuity": self.config.access.circuity, "pairs_on_network": on,
            "pairs": len(self.pairs)}
        if kind == "off_network":
            out |= {"nodes": self.network_nodes,
                    "snap_m": float(round(self.config.access.snap_max_m)),
                    "near_communities": self.network_near[0],
                    "near_places": self.network_near[1]}
        return out

    def walk_finding(self) -> Finding:
        """The walk as a finding (``siting.walk.network`` / ``.mixed`` / ``.off_network``
        / ``.straight_line``)."""
        w = self.walk()
        return info(f"siting.walk.{w.pop('kind')}", **w)

    def available(self, j: int, year: int) -> bool:
        a = self.places[j].available_from
        return a is None or a <= year

    @property
    def existing_seats(self) -> np.ndarray:
        return np.array([p.existing_seats for p in self.places], dtype=float)

    @classmethod
    def from_data(cls, data: SitingData, config: SitingConfig | None = None) -> SitingProblem:
        t0 = time.perf_counter()
        config = config if config is not None else SitingConfig()
        if config.years[1] < config.years[0]:
            raise ValueError(f"the horizon ends before it starts: {config.years}")
        years = tuple(config.year_list)
        comms = data.communities
        demand = forecast_demand(comms, years, config.demand, data.forecast)
        places, new_kgs = _places(data, config)
        network = None
        if config.use_network and data.network is not None:
            network = WalkNetwork.from_graph(data.network)
        cx, cy = project([c.lon for c in comms], [c.lat for c in comms])
        px, py = project([p.lon for p in places], [p.lat for p in places])
        pairs = walking_pairs(cx, cy, px, py, config.access, network)
        pins, forbidden, steer = resolve_steering(data, config, places, years)
        return cls(
            config=config,
            years=years,
            streets=tuple((s.street_id, s.name) for s in data.streets),
            community_ids=tuple(c.community_id for c in comms),
            community_names=tuple(c.name for c in comms),
            community_streets=tuple(c.street_id for c in comms),
            community_lon=np.array([c.lon for c in comms]),
            community_lat=np.array([c.lat for c in comms]),
            cx=cx,
            cy=cy,
            demand=demand,
            places=tuple(places),
            px=px,
            py=py,
            pairs=pairs,
            kindergartens_total=len(data.kindergartens) + new_kgs,
            kindergartens_with_nursery=sum(k.has_nursery for k in data.kindergartens),
            build_seconds=time.perf_counter() - t0,
            fingerprint=data.fingerprint,
            pins=pins,
            forbidden=forbidden,
            steering_clashes=tuple(steer),
            network_nodes=network.n if network is not None else 0,
            network_near=_near(network, cx, cy, px, py, config.access.snap_max_m),
        )


def _near(network: WalkNetwork | None, cx: np.ndarray, cy: np.ndarray, px: np.ndarray,
          py: np.ndarray, snap_m: float) -> tuple[int, int]:
    """How many communities and places are within ``snap_m`` of the network's nodes."""
    if network is None or network.n == 0:
        return (0, 0)
    out = []
    for x, y in ((cx, cy), (px, py)):
        if len(x) == 0:
            out.append(0)
            continue
        _, d = network.snap(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        out.append(int((d <= snap_m).sum()))
    return (out[0], out[1])


def _known_ids(data: SitingData) -> dict[str, tuple[str, str]]:
    """Every place id of the tables: what it is (provider, kindergarten, private, site)
    and its name."""
    out: dict[str, tuple[str, str]] = {}
    for p in data.providers:
        out.setdefault(p.provider_id, ("provider", p.name))
    for k in data.kindergartens:
        out.setdefault(k.kindergarten_id, ("kindergarten" if k.public else "private", k.name))
    for s in data.sites:
        out.setdefault(s.site_id, ("site", s.name))
    return out


def _pin_clash(pid: str, year: int | None, place: Place | None, known: tuple[str, str],
               years: tuple[int, ...]) -> Finding | None:
    """Why a pin cannot hold on its own (no rooms, outside the horizon, not available)."""
    if place is None or place.max_new <= 0:
        kind, name = known
        code = {"provider": "siting.clash.pin_provider",
                "private": "siting.clash.pin_private"}.get(kind, "siting.clash.pin_no_rooms")
        return clash(code, place_id=pid, name=name)
    if year is not None and not years[0] <= year <= years[-1]:
        return clash("siting.clash.pin_year", place_id=pid, name=place.name, year=year,
                     first=years[0], last=years[-1])
    last = year if year is not None else years[-1]
    if place.available_from is not None and place.available_from > last:
        return clash("siting.clash.pin_not_available", place_id=pid, name=place.name,
                     year=last, available_from=place.available_from)
    return None


def resolve_steering(data: SitingData, config: SitingConfig, places: list[Place],
                     years: tuple[int, ...]
                     ) -> tuple[tuple[tuple[int, int | None], ...], frozenset[int], list[Finding]]:
    """The pins and forbids as place indices; and every one that cannot be, as a clash
    naming the id: unknown, pinned and forbidden at once, a pin of a place without rooms
    (a provider, a private kindergarten), outside the horizon, before the place is
    available, or more pins in a year than its maximum of classes."""
    known = _known_ids(data)
    index = {p.place_id: j for j, p in reversed(list(enumerate(places)))}
    cand = {p.place_id: j for j, p in enumerate(places) if p.max_new > 0}
    out: list[Finding] = []
    for role, ids in (("pinned", [pid for pid, _y in config.pinned]),
                      ("forbidden", list(config.forbidden))):
        out += [clash(f"siting.clash.unknown_{role}", place_id=pid)
                for pid in dict.fromkeys(ids) if pid not in known]
    both = sorted({pid for pid, _y in config.pinned} & set(config.forbidden) & set(known))
    out += [clash("siting.clash.pinned_and_forbidden", place_id=pid) for pid in both]
    pins: list[tuple[int, int | None]] = []
    for pid, year in config.pinned:
        if pid not in known:
            continue
        j = cand.get(pid, index.get(pid))
        place = places[j] if j is not None else None
        why = _pin_clash(pid, year, place, known[pid], years)
        if why is not None:
            out.append(why)
        elif j is not None:
            pins.append((j, None if year is None else years.index(year)))
    hi = config.classes_per_year[1]
    for t, y in enumerate(years):
        at = sorted({places[j].place_id for j, tt in pins if tt == t})
        if len(at) > hi:
            out.append(clash("siting.clash.pins_per_year", year=y, pins=len(at), most=hi,
                             ids=", ".join(at)))
    forbidden = frozenset(cand[pid] for pid in config.forbidden if pid in cand)
    return tuple(dict.fromkeys(pins)), forbidden, out


def steering_clashes(data: SitingData, config: SitingConfig) -> list[Finding]:
    """The pins and forbids that cannot be (see :func:`resolve_steering`), without
    building the problem (no walking pairs): what a service checks before it queues a
    job."""
    places, _ = _places(data, config)
    return resolve_steering(data, config, places, tuple(config.year_list))[2]


def street_reach(problem: SitingProblem) -> tuple[dict[str, set[int]], set[str]]:
    """Per street, the places in reach of its families; and streets already covered by an
    inclusive place today."""
    reach: dict[str, set[int]] = {}
    pairs = problem.pairs
    has_demand = problem.demand.max(axis=1) > 0 if problem.demand.size else np.zeros(0, bool)
    for i, j in zip(pairs.i.tolist(), pairs.j.tolist(), strict=True):
        if has_demand[i]:
            reach.setdefault(problem.community_streets[i], set()).add(j)
    covered = {s for s, js in reach.items() if any(problem.places[j].inclusive_now for j in js)}
    return reach, covered


def streets_with_demand(problem: SitingProblem) -> list[str]:
    has = problem.demand.max(axis=1) > 0 if problem.demand.size else np.zeros(0, bool)
    seen = {problem.community_streets[i] for i in np.flatnonzero(has)}
    return [s for s, _n in problem.streets if s in seen]


def integrated_share_target(problem: SitingProblem) -> int:
    """Kindergartens that must run nursery classes by the end (ceil of share × all)."""
    need = math.ceil(problem.config.integrated_share * problem.kindergartens_total - 1e-9)
    return max(0, need)


def rule_penalty(problem: SitingProblem) -> float:
    """An elastic rule's slack costs more than all new seats could ever gain."""
    cfg = problem.config
    w = cfg.weights.year_weights(len(problem.years))
    return float(cfg.seats_per_class * cfg.classes_per_year[1] * len(w) * w.sum() + 1.0)
