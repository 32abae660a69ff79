"""Synthetic nursery-class siting tables for the bundled Baoshan dataset.

Writes ``communities.csv``, ``providers.csv``, ``kindergartens.csv``, ``sites.csv`` and a
small ``walk_network.graphml`` (a street grid over the district centre around 友谊路/吴淞)
into ``out_dir``. Everything is drawn from ``seed``; the places, names and counts are
generated, not real. ``scale`` multiplies the counts (communities, kindergartens,
providers, sites) for bigger test instances.

Called by ``data/generate.py`` (``generate(out_dir, scale, seed)``), or on its own:
``python data/gen_siting.py [--out tuoyu/data/baoshan] [--scale 1] [--seed N]``.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data.generate import (  # noqa: E402
    DEFAULT_SEED,
    STREETS,
    allocate,
    fmt_bool,
    fmt_coord,
    rng_for,
    sample_points,
    street_polygons,
    write_csv,
)

N_COMMUNITIES = 500
N_KINDERGARTENS = 150
N_PROVIDERS = 90
N_SITES = 6
#: 0–3 population of the district (about 1.4% of 2.3 million residents).
POP_0_3 = 33_000
#: Births last year relative to a third of the 0–3 population (births are falling).
BIRTH_RATIO = 0.88
#: Streets with no inclusive place at all, so the "every street" rule binds.
NO_INCLUSIVE = ("310113501",)
#: Growing towns where the new residential-area sites are.
SITE_STREETS = ("310113101", "310113109", "310113102", "310113103", "310113101", "310113109")
#: The walking network's extent (lon/lat box) and grid spacing in metres.
NETWORK_BOX = (121.470, 31.372, 121.505, 31.415)
NETWORK_STEP_M = 160.0


def _communities(rng: np.random.Generator, polys: dict, n: int) -> list[list[object]]:
    counts = allocate(n, [s.share for s in STREETS])
    rows: list[list[object]] = []
    k = 0
    for street, count in zip(STREETS, counts, strict=True):
        pts = sample_points(rng, polys[street.street_id], count, (street.lon, street.lat),
                            spread=0.014, clustered=0.7)
        # population: lognormal around the street's share
        raw = rng.lognormal(0.0, 0.55, size=count)
        pop = raw / raw.sum() * POP_0_3 * street.share * n / N_COMMUNITIES
        for (lon, lat), p in zip(pts, pop, strict=True):
            k += 1
            p_int = max(3, round(float(p)))
            births = max(1, round(p_int / 3 * BIRTH_RATIO * float(rng.uniform(0.85, 1.1))))
            rows.append([f"C{k:05d}", f"{street.short}第{k:03d}居委", street.street_id,
                         fmt_coord(lon), fmt_coord(lat), p_int, births])
    return rows


def _kindergartens(rng: np.random.Generator, polys: dict, n: int) -> list[list[object]]:
    counts = allocate(n, [s.share for s in STREETS])
    rows: list[list[object]] = []
    k = 0
    for street, count in zip(STREETS, counts, strict=True):
        pts = sample_points(rng, polys[street.street_id], count, (street.lon, street.lat),
                            spread=0.014, clustered=0.6)
        for j, (lon, lat) in enumerate(pts):
            k += 1
            public = bool(rng.random() < 0.62)
            has_nursery = bool(rng.random() < 0.40)
            if street.street_id in NO_INCLUSIVE:
                public = j == 0  # one public kindergarten, without a nursery class yet
                has_nursery = False
            seats = int(rng.choice([20, 20, 40])) if has_nursery else ""
            spare = int(rng.choice([0, 0, 1, 1, 2, 3])) if public else int(rng.choice([0, 1]))
            if street.street_id in NO_INCLUSIVE and j == 0:
                spare = 2
                lon, lat = round(street.lon + 0.002, 6), round(street.lat - 0.001, 6)
            kind = "公办" if public else "民办"
            rows.append([f"K{k:04d}", f"{street.short}{kind}第{k:03d}幼儿园", street.street_id,
                         fmt_coord(lon), fmt_coord(lat), fmt_bool(public), fmt_bool(has_nursery),
                         seats, spare])
    return rows


def _providers(rng: np.random.Generator, polys: dict, n: int) -> list[list[object]]:
    counts = allocate(n, [s.share for s in STREETS])
    kinds = ("childcare_center", "community_point")
    rows: list[list[object]] = []
    k = 0
    for street, count in zip(STREETS, counts, strict=True):
        pts = sample_points(rng, polys[street.street_id], count, (street.lon, street.lat),
                            spread=0.012, clustered=0.7)
        for lon, lat in pts:
            k += 1
            kind = kinds[int(rng.random() < 0.35)]
            seats = int(rng.integers(15, 40)) if kind == "community_point" else int(
                rng.integers(40, 110))
            public = kind == "community_point" and bool(rng.random() < 0.5)
            inclusive = public or bool(rng.random() < 0.35)
            if street.street_id in NO_INCLUSIVE:
                public = inclusive = False
            label = "社区托育点" if kind == "community_point" else "托育中心"
            rows.append([f"P{k:04d}", f"{street.short}{label}{k:03d}", street.street_id,
                         fmt_coord(lon), fmt_coord(lat), kind, seats, fmt_bool(public),
                         fmt_bool(inclusive)])
    return rows


def _sites(rng: np.random.Generator, polys: dict, n: int) -> list[list[object]]:
    by_id = {s.street_id: s for s in STREETS}
    rows: list[list[object]] = []
    for k in range(n):
        sid = SITE_STREETS[k % len(SITE_STREETS)]
        street = by_id[sid]
        ((lon, lat),) = sample_points(rng, polys[sid], 1, (street.lon, street.lat), spread=0.01)
        kind = "new_kindergarten" if k % 3 != 2 else "community_site"
        label = "新建配套幼儿园" if kind == "new_kindergarten" else "社区嵌入式托育点"
        year = 2027 + (k % 3)
        rows.append([f"S{k + 1:03d}", f"{street.short}{label}{k + 1}", sid, fmt_coord(lon),
                     fmt_coord(lat), kind, int(rng.choice([2, 3, 4])), year])
    return rows


def _network(rng: np.random.Generator, path: Path) -> int:
    """A jittered street grid (OSMnx style: node x/y in degrees, edge length in metres)."""
    import networkx as nx

    lon0, lat0, lon1, lat1 = NETWORK_BOX
    m_lat = 111_320.0
    m_lon = m_lat * math.cos(math.radians((lat0 + lat1) / 2))
    nx_, ny_ = int((lon1 - lon0) * m_lon / NETWORK_STEP_M), int((lat1 - lat0) * m_lat /
                                                               NETWORK_STEP_M)
    g = nx.MultiDiGraph(crs="epsg:4326", name="baoshan_walk_sample")
    pos: dict[int, tuple[float, float]] = {}
    for i in range(nx_ + 1):
        for j in range(ny_ + 1):
            node = i * (ny_ + 1) + j
            x = lon0 + (i * NETWORK_STEP_M + float(rng.normal(0, 15))) / m_lon
            y = lat0 + (j * NETWORK_STEP_M + float(rng.normal(0, 15))) / m_lat
            pos[node] = (round(x, 6), round(y, 6))
            g.add_node(node, x=pos[node][0], y=pos[node][1])

    def add(a: int, b: int) -> None:
        (xa, ya), (xb, yb) = pos[a], pos[b]
        length = math.hypot((xa - xb) * m_lon, (ya - yb) * m_lat) * float(rng.uniform(1.0, 1.15))
        g.add_edge(a, b, length=round(length, 1), highway="footway")
        g.add_edge(b, a, length=round(length, 1), highway="footway")

    for i in range(nx_ + 1):
        for j in range(ny_ + 1):
            node = i * (ny_ + 1) + j
            # drop some links so walks are not straight lines (blocks, canals)
            if i < nx_ and rng.random() > 0.18:
                add(node, node + ny_ + 1)
            if j < ny_ and rng.random() > 0.18:
                add(node, node + 1)
    nx.write_graphml(g, path)
    return g.number_of_nodes()


def generate(out_dir: Path, scale: int = 1, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write the siting tables into ``out_dir``; returns the row count of each."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    polys = street_polygons()
    counts: dict[str, int] = {}
    counts["communities"] = write_csv(
        out_dir / "communities.csv",
        ["community_id", "name", "street_id", "lon", "lat", "pop_0_3", "births"],
        _communities(rng_for(seed, "siting.communities"), polys, N_COMMUNITIES * scale),
    )
    counts["kindergartens"] = write_csv(
        out_dir / "kindergartens.csv",
        ["kindergarten_id", "name", "street_id", "lon", "lat", "public", "has_nursery",
         "nursery_seats", "spare_rooms"],
        _kindergartens(rng_for(seed, "siting.kindergartens"), polys, N_KINDERGARTENS * scale),
    )
    counts["providers"] = write_csv(
        out_dir / "providers.csv",
        ["provider_id", "name", "street_id", "lon", "lat", "kind", "seats", "public",
         "inclusive"],
        _providers(rng_for(seed, "siting.providers"), polys, N_PROVIDERS * scale),
    )
    counts["sites"] = write_csv(
        out_dir / "sites.csv",
        ["site_id", "name", "street_id", "lon", "lat", "kind", "max_classes", "available_from"],
        _sites(rng_for(seed, "siting.sites"), polys, N_SITES * scale),
    )
    counts["walk_network_nodes"] = _network(rng_for(seed, "siting.network"),
                                            out_dir / "walk_network.graphml")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "tuoyu" / "data" / "baoshan")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    print(generate(args.out, args.scale, args.seed))


if __name__ == "__main__":
    main()
