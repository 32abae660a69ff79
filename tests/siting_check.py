"""An independent checker of a siting plan's output (no tests here).

It reads only the input (``SitingData``, the configuration) and the plan's output tables
(openings, coverage, findings), never the model's columns, and says which hard rule a plan
breaks. Walks are straight line × circuity (the checker knows no network), computed here
with pyproj, not with the optimizer's catchment code.
"""

from __future__ import annotations

import math

import networkx as nx
from pyproj import Transformer

from tuoyu.models.siting import SitingData

_TR = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)


def _xy(lon: float, lat: float) -> tuple[float, float]:
    x, y = _TR.transform(lon, lat)
    return float(x), float(y)


def _places(d: SitingData, seats_per_class: int) -> dict[str, dict]:
    """Every place: where, seats today, inclusive today, rooms for new classes, from when,
    a kindergarten of the 托幼一体 rule, running nursery classes today."""
    out: dict[str, dict] = {}
    for p in d.providers:
        out[p.provider_id] = {
            "xy": _xy(p.lon, p.lat),
            "seats": p.seats,
            "rooms": 0,
            "inclusive": p.inclusive or p.public,
            "from": None,
            "kg": False,
            "nursery": False,
        }
    for k in d.kindergartens:
        seats = (
            (k.nursery_seats if k.nursery_seats is not None else seats_per_class)
            if k.has_nursery
            else (k.nursery_seats or 0)
        )
        out[k.kindergarten_id] = {
            "xy": _xy(k.lon, k.lat),
            "seats": seats,
            "rooms": k.spare_rooms if k.public else 0,
            "inclusive": k.public and seats > 0,
            "from": None,
            "kg": True,
            "nursery": k.has_nursery,
        }
    for s in d.sites:
        out[s.site_id] = {
            "xy": _xy(s.lon, s.lat),
            "seats": 0,
            "rooms": s.max_classes,
            "inclusive": False,
            "from": s.available_from,
            "kg": s.kind == "new_kindergarten",
            "nursery": False,
        }
    return out


def _reach(
    d: SitingData, places: dict[str, dict], walk_m: float, circuity: float
) -> dict[str, set[str]]:
    """Community id -> the places within the walk."""
    out: dict[str, set[str]] = {}
    for c in d.communities:
        cx, cy = _xy(c.lon, c.lat)
        out[c.community_id] = {
            pid
            for pid, p in places.items()
            if math.hypot(p["xy"][0] - cx, p["xy"][1] - cy) * circuity <= walk_m + 1e-6
        }
    return out


def violations(d: SitingData, cfg, plan) -> dict[str, list[str]]:  # noqa: ANN001
    """Rule name -> what breaks it in the output (empty lists: every rule holds)."""
    seats_per_class = cfg.seats_per_class
    places = _places(d, seats_per_class)
    years = list(range(cfg.years[0], cfg.years[1] + 1))
    lo, hi = cfg.classes_per_year
    out: dict[str, list[str]] = {
        k: []
        for k in (
            "only_public_kindergartens_and_sites",
            "not_before_available_from",
            "within_spare_rooms",
            "classes_per_year",
            "every_class_fills",
            "classes_once_opened_stay",
            "seats_shared_among_communities",
            "every_street_has_inclusive_place",
            "half_of_kindergartens_integrated",
            "pinned_places_open",
            "forbidden_places_stay_closed",
        )
    }
    per_year = dict.fromkeys(years, 0)
    per_place: dict[str, int] = {}
    for o in plan.openings:
        p = places[o.place_id]
        if p["rooms"] <= 0:
            out["only_public_kindergartens_and_sites"].append(o.place_id)
        if p["from"] is not None and o.year < p["from"]:
            out["not_before_available_from"].append(f"{o.place_id} {o.year}")
        per_year[o.year] += o.classes
        per_place[o.place_id] = per_place.get(o.place_id, 0) + o.classes
        if o.cumulative != per_place[o.place_id] or o.seats != o.classes * seats_per_class:
            out["classes_once_opened_stay"].append(o.place_id)
    out["within_spare_rooms"] = [k for k, n in per_place.items() if n > places[k]["rooms"]]
    opened_in = {(o.place_id, o.year) for o in plan.openings}
    for pid, year in getattr(cfg, "pinned", ()):
        if pid not in per_place or (year is not None and (pid, year) not in opened_in):
            out["pinned_places_open"].append(f"{pid}@{year}")
    out["forbidden_places_stay_closed"] = [
        pid for pid in getattr(cfg, "forbidden", ()) if pid in per_place]
    # fewer than the minimum only when the plan says that no more classes could fill
    short = {f.params.get("year") for f in plan.findings if f.code == "siting.year_below_minimum"}
    out["classes_per_year"] = [f"{y}: {n}" for y, n in per_year.items()
                               if n > hi or (n < lo and y not in short)]
    # every class fills: the children a place serves beyond its own seats reach the fill
    # (a share of a class's seats, at least one child) for each of its new classes
    fill = max(1, math.ceil(getattr(cfg, "class_fill", 0.5) * seats_per_class - 1e-9))
    out["every_class_fills"] = [
        f"{o.place_id} {o.year}: {o.children_served} served, {places[o.place_id]['seats']} "
        f"seats before, {o.cumulative} new classes"
        for o in plan.openings
        if o.children_served - places[o.place_id]["seats"] < fill * o.cumulative
        and o.place_id not in {pid for pid, _y in getattr(cfg, "pinned", ())}  # planner's call
    ]
    reach = _reach(d, places, cfg.access.reach_m, cfg.access.circuity)
    cov = plan.coverage
    for y in years:
        rows = cov[cov["year"] == y]
        seats = {pid: p["seats"] for pid, p in places.items()}
        for o in plan.openings:
            if o.year <= y:
                seats[o.place_id] += o.seats
        flow = _max_flow(rows, reach, seats)
        if (rows["served"] > rows["demand"]).any() or int(rows["served"].sum()) != flow:
            out["seats_shared_among_communities"].append(
                f"{y}: served {int(rows['served'].sum())}, max flow {flow}"
            )
    codes = {(f.code, f.params.get("street_id")) for f in plan.findings}
    missed_streets = {s for code, s in codes if code.startswith("siting.street_missed")}
    if cfg.every_street_inclusive:
        first = {o.place_id for o in plan.openings if o.year == years[0]}
        demand = cov[cov["year"].isin(years)].groupby("community_id")["demand"].max()
        for s in {c.street_id for c in d.communities if demand.get(c.community_id, 0) > 0}:
            ok = any(
                places[pid]["inclusive"] or pid in first
                for c in d.communities
                if c.street_id == s and demand[c.community_id] > 0
                for pid in reach[c.community_id]
            )
            if not ok and s not in missed_streets:
                out["every_street_has_inclusive_place"].append(s)
    total = sum(
        1 for p in places.values() if p["kg"] and (p["from"] is None or p["from"] <= years[-1])
    )
    have = sum(1 for pid, p in places.items() if p["kg"] and (p["nursery"] or pid in per_place))
    need = max(0, math.ceil(cfg.integrated_share * total - 1e-9))
    reported = any(f.code == "siting.integrated_missed" for f in plan.findings)
    if have < need and not reported:
        out["half_of_kindergartens_integrated"].append(f"{have} < {need}")
    return out


def _max_flow(rows, reach: dict[str, set[str]], seats: dict[str, int]) -> int:  # noqa: ANN001
    g = nx.DiGraph()
    g.add_node("t")
    for r in rows.itertuples(index=False):
        g.add_edge("s", ("c", r.community_id), capacity=int(r.demand))
        for pid in reach.get(r.community_id, ()):
            if seats[pid] > 0:
                g.add_edge(("c", r.community_id), ("p", pid))
    for pid, s in seats.items():
        if s > 0:
            g.add_edge(("p", pid), "t", capacity=int(s))
    return int(nx.maximum_flow_value(g, "s", "t")) if "s" in g else 0


def assert_rules_hold(d: SitingData, cfg, plan) -> None:  # noqa: ANN001
    broken = {k: v for k, v in violations(d, cfg, plan).items() if v}
    assert not broken, broken
