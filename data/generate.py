"""Deterministic generator of the bundled, SYNTHETIC Baoshan dataset.

Usage::

    python data/generate.py [--out tuoyu/data/baoshan] [--scale 1] [--seed 20261129]

or, from Python::

    from data.generate import generate
    generate(Path("tuoyu/data/baoshan"), scale=1)

The tables follow the data contract (`/work/shared/contract.md`). Everything is
drawn from `numpy.random.default_rng`, seeded from `seed` and the name of the table
family, so one family can change without shifting the others; every table is
sorted and floats are written with a fixed number of decimals, so the same call
writes byte-identical files.

`scale` multiplies the size of the instance (institutions, inspectors, leave,
conflicts, history); the 13 streets stay the same.

Optional modules: after the shared and inspection tables are written, each module
named in `OPTIONAL_MODULES` that exists as a file next to this one is loaded from
its path and its `generate(out_dir, scale, seed)` is called. Such a module may read
`streets.csv`, `streets.geojson` and `district.geojson` from `out_dir` (they are
written first), or import the public helpers of this file (`STREETS`, `rng_for`,
`allocate`, `write_csv`, `write_geojson`, `sample_points`, ...) with
`from data.generate import ...` (the repository root is put on `sys.path` when this
file runs as a script).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import heapq
import importlib.util
import json
import math
import sys
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chinese_calendar
import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

DEFAULT_SEED = 20261129
OPTIONAL_MODULES: tuple[str, ...] = ("gen_sessions", "gen_siting", "gen_visits")

#: The history of inspections covers one year before the month to be planned.
HISTORY_START = dt.date(2025, 12, 1)
HISTORY_END = dt.date(2026, 11, 30)
#: The first day of the month the bundled data is meant to be planned for.
REFERENCE_DATE = dt.date(2026, 12, 1)
#: Leave is given up to the end of this day.
PLAN_END = dt.date(2027, 12, 31)

COORD_DECIMALS = 6
#: Grid the street polygons are snapped to (degrees), matching `COORD_DECIMALS`.
GRID = 1e-6
PROVISIONAL = "（预计，以国务院公告为准）"


# --------------------------------------------------------------------------- streets


@dataclass(frozen=True)
class Street:
    """A sub-district (街道) or town (镇) of Baoshan, with an approximate centre."""

    street_id: str
    name: str
    short: str
    lon: float
    lat: float
    share: float


#: Codes, names, approximate centres and rough population shares (baoshan.md).
STREETS: tuple[Street, ...] = (
    Street("310113003", "友谊路街道", "友谊", 121.487, 31.405, 0.06),
    Street("310113007", "吴淞街道", "吴淞", 121.497, 31.383, 0.04),
    Street("310113008", "张庙街道", "张庙", 121.445, 31.336, 0.06),
    Street("310113101", "罗店镇", "罗店", 121.335, 31.412, 0.10),
    Street("310113102", "大场镇", "大场", 121.405, 31.305, 0.16),
    Street("310113103", "杨行镇", "杨行", 121.430, 31.385, 0.11),
    Street("310113104", "月浦镇", "月浦", 121.420, 31.425, 0.07),
    Street("310113106", "罗泾镇", "罗泾", 121.370, 31.480, 0.04),
    Street("310113109", "顾村镇", "顾村", 121.375, 31.350, 0.16),
    Street("310113111", "高境镇", "高境", 121.480, 31.318, 0.07),
    Street("310113112", "庙行镇", "庙行", 121.440, 31.352, 0.05),
    Street("310113113", "淞南镇", "淞南", 121.480, 31.343, 0.06),
    Street("310113501", "宝山工业园区", "园区", 121.345, 31.450, 0.02),
)
STREET_BY_ID: dict[str, Street] = {s.street_id: s for s in STREETS}

#: A hand-drawn outline of the district (lon, lat), counter-clockwise from the
#: south-west: the southern border with Putuo/Jing'an/Hongkou/Yangpu, the Huangpu
#: on the east, the Yangtze bank from Wusong to the north-west, Jiading on the west.
DISTRICT_OUTLINE: tuple[tuple[float, float], ...] = (
    (121.300, 31.290),
    (121.360, 31.282),
    (121.420, 31.280),
    (121.465, 31.290),
    (121.500, 31.300),
    (121.515, 31.335),
    (121.520, 31.380),
    (121.500, 31.410),
    (121.460, 31.445),
    (121.420, 31.475),
    (121.390, 31.505),
    (121.345, 31.510),
    (121.310, 31.490),
    (121.285, 31.455),
    (121.272, 31.410),
    (121.280, 31.360),
    (121.290, 31.320),
)


# --------------------------------------------------------------------------- helpers


def rng_for(seed: int, family: str) -> np.random.Generator:
    """Return the random generator of one table family (stable across families)."""
    return np.random.default_rng([seed, zlib.crc32(family.encode("utf-8"))])


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` into integers proportional to `weights` (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    raw = total * w / w.sum()
    counts = np.floor(raw).astype(int)
    order = sorted(range(len(w)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: total - int(counts.sum())]:
        counts[i] += 1
    return [int(c) for c in counts]


def shuffled_labels(rng: np.random.Generator, n: int, shares: dict[str, float]) -> list[str]:
    """Return `n` labels in the given shares (exact up to rounding), shuffled."""
    counts = allocate(n, list(shares.values()))
    labels = [label for label, c in zip(shares, counts, strict=True) for _ in range(c)]
    return [labels[i] for i in rng.permutation(n)]


def pick(rng: np.random.Generator, items: Sequence[Any]) -> Any:
    """Return one item drawn uniformly."""
    return items[int(rng.integers(len(items)))]


def fmt_bool(value: bool) -> str:
    """Write a boolean as the contract does."""
    return "true" if value else "false"


def fmt_coord(value: float) -> str:
    """Write a longitude or latitude with a fixed number of decimals."""
    return f"{value:.{COORD_DECIMALS}f}"


def daterange(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every day from `start` to `end`, inclusive."""
    return [start + dt.timedelta(days=k) for k in range((end - start).days + 1)]


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a UTF-8 CSV (no BOM, `\\n` line ends); return the number of data rows."""
    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            n += 1
    return n


def _ring(coords: Iterable[tuple[float, ...]]) -> list[list[float]]:
    return [[round(x, COORD_DECIMALS), round(y, COORD_DECIMALS)] for x, y, *_ in coords]


def geometry_json(geom: BaseGeometry) -> dict[str, Any]:
    """GeoJSON dict of a point or (multi)polygon, coordinates rounded."""
    if isinstance(geom, Point):
        return {
            "type": "Point",
            "coordinates": [round(geom.x, COORD_DECIMALS), round(geom.y, COORD_DECIMALS)],
        }
    if isinstance(geom, Polygon):
        geom = orient(geom, 1.0)
        rings = [_ring(geom.exterior.coords)] + [_ring(r.coords) for r in geom.interiors]
        return {"type": "Polygon", "coordinates": rings}
    if isinstance(geom, MultiPolygon):
        parts = [geometry_json(p)["coordinates"] for p in geom.geoms]
        return {"type": "MultiPolygon", "coordinates": parts}
    raise TypeError(f"unsupported geometry {geom.geom_type}")


def write_geojson(path: Path, features: Iterable[tuple[dict[str, Any], BaseGeometry]]) -> int:
    """Write a GeoJSON FeatureCollection (EPSG:4326), one feature a line."""
    lines = []
    for props, geom in features:
        feature = {"type": "Feature", "properties": props, "geometry": geometry_json(geom)}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")
    return len(lines)


def sample_points(
    rng: np.random.Generator,
    area: BaseGeometry,
    n: int,
    centre: tuple[float, float] | None = None,
    spread: float = 0.012,
    clustered: float = 0.65,
    margin: float = 0.0015,
) -> list[tuple[float, float]]:
    """Draw `n` points (lon, lat rounded) inside `area`, at least `margin` degrees in.

    A share `clustered` of the points is drawn around `centre` (normal, `spread`
    degrees of latitude), the rest uniformly over the area.
    """
    inner = area.buffer(-margin)
    if inner.is_empty:
        inner = area
    shapely.prepare(inner)
    minx, miny, maxx, maxy = inner.bounds
    kx = math.cos(math.radians((miny + maxy) / 2))
    points: list[tuple[float, float]] = []
    while len(points) < n:
        if centre is not None and rng.random() < clustered:
            x = centre[0] + rng.normal(0.0, spread / kx)
            y = centre[1] + rng.normal(0.0, spread)
        else:
            x = rng.uniform(minx, maxx)
            y = rng.uniform(miny, maxy)
        x, y = round(float(x), COORD_DECIMALS), round(float(y), COORD_DECIMALS)
        if shapely.contains_xy(inner, x, y):
            points.append((x, y))
    return points


def workdays(start: dt.date, end: dt.date) -> list[dt.date]:
    """Chinese working days (adjusted for public holidays) from `start` to `end`."""
    return [d for d in daterange(start, end) if chinese_calendar.is_workday(d)]


class NameBook:
    """Draws plausible place-like names, and keeps generated names unique."""

    FIRST = "宝泰通美乾共泗长永丰新华康锦和瑞祁菊聚淞盛金绿馨银海云翔富春"
    SECOND = "林河和兰溪康塘江清安苑城湾景秀庭泉华悦居"

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def estate(self) -> str:
        """A two-character estate-like name, e.g. 泰和, 通河."""
        while True:
            a, b = pick(self.rng, self.FIRST), pick(self.rng, self.SECOND)
            if a != b:
                return a + b

    def unique(self, make: Callable[[], str]) -> str:
        """Call `make` until it returns an unused name (numbering as a last resort)."""
        for _ in range(60):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        base, k = make(), 2
        while f"{base}（{k}）" in self.used:
            k += 1
        self.used.add(f"{base}（{k}）")
        return f"{base}（{k}）"


# --------------------------------------------------------------------------- streets


def district_outline() -> Polygon:
    """The hand-drawn outline of Baoshan district (counter-clockwise)."""
    outline = orient(Polygon(DISTRICT_OUTLINE), 1.0)
    assert outline.is_valid
    return outline


def _snap_vertex(x: float, y: float, outline: Polygon) -> tuple[float, float]:
    """Round a cell vertex to the grid; a vertex on the outline stays exactly on it.

    A vertex on an outline edge goes to the nearest grid point lying exactly on
    that edge (the outline's vertices are on the grid, so such points exist), so
    the cells tile the outline without slivers.
    """
    unit = round(1 / GRID)
    ring = list(outline.exterior.coords)
    for ax, ay in ring:
        if abs(x - ax) < 1e-7 and abs(y - ay) < 1e-7:
            return ax, ay
    for (ax, ay), (bx, by) in zip(ring, ring[1:], strict=False):
        seg = shapely.LineString([(ax, ay), (bx, by)])
        if seg.distance(Point(x, y)) > 1e-7:
            continue
        a = (round(ax * unit), round(ay * unit))
        dx, dy = round(bx * unit) - a[0], round(by * unit) - a[1]
        g = math.gcd(abs(dx), abs(dy))
        sx, sy = dx // g, dy // g
        k = round(((x * unit - a[0]) * sx + (y * unit - a[1]) * sy) / (sx * sx + sy * sy))
        k = min(max(k, 0), g)
        return (a[0] + k * sx) / unit, (a[1] + k * sy) / unit
    return round(x, COORD_DECIMALS), round(y, COORD_DECIMALS)


def _snap_cell(cell: BaseGeometry, outline: Polygon) -> BaseGeometry:
    """Snap every vertex of a clipped cell with `_snap_vertex` (dropping repeats)."""

    def ring(coords: Iterable[tuple[float, ...]]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for x, y, *_ in coords:
            v = _snap_vertex(x, y, outline)
            if not out or out[-1] != v:
                out.append(v)
        return out

    parts = [
        orient(Polygon(ring(p.exterior.coords), [ring(r.coords) for r in p.interiors]), 1.0)
        for p in getattr(cell, "geoms", [cell])
    ]
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def street_polygons(outline: Polygon | None = None) -> dict[str, BaseGeometry]:
    """Voronoi cells of the street centres clipped to the outline, snapped to `GRID`.

    The cells tile the outline exactly: no overlaps, no gaps, valid polygons.

    The cells are computed in a locally isotropic plane (longitude times the
    cosine of the latitude) so that the borders are true perpendicular bisectors.
    """
    outline = outline or district_outline()
    kx = math.cos(math.radians(sum(s.lat for s in STREETS) / len(STREETS)))
    plane_outline = affinity.scale(outline, xfact=kx, yfact=1.0, origin=(0.0, 0.0))
    seeds = MultiPoint([(s.lon * kx, s.lat) for s in STREETS])
    cells = shapely.voronoi_polygons(seeds, extend_to=plane_outline.buffer(0.1), ordered=True)
    polygons: dict[str, BaseGeometry] = {}
    for street, cell in zip(STREETS, cells.geoms, strict=True):
        clipped = cell.intersection(plane_outline)
        back = affinity.scale(clipped, xfact=1.0 / kx, yfact=1.0, origin=(0.0, 0.0))
        snapped = _snap_cell(back, outline)
        assert snapped.is_valid and not snapped.is_empty, street.street_id
        assert snapped.contains(Point(street.lon, street.lat)), street.street_id
        polygons[street.street_id] = snapped
    tiles = list(polygons.values())
    assert shapely.coverage_is_valid(tiles)
    assert shapely.union_all(tiles).symmetric_difference(outline).area < 1e-14
    return polygons


def street_neighbours(polygons: dict[str, BaseGeometry]) -> dict[str, list[str]]:
    """Street ids whose polygons share a border (not just a corner)."""
    ids = sorted(polygons)
    out: dict[str, list[str]] = {i: [] for i in ids}
    for a_i, a in enumerate(ids):
        for b in ids[a_i + 1 :]:
            shared = polygons[a].boundary.intersection(polygons[b].boundary)
            if shared.length > 0:
                out[a].append(b)
                out[b].append(a)
    return {k: sorted(v) for k, v in out.items()}


def streets(out_dir: Path) -> dict[str, BaseGeometry]:
    """Write `streets.csv`, `streets.geojson` and `district.geojson`; return the polygons."""
    outline = district_outline()
    polygons = street_polygons(outline)
    neighbours = street_neighbours(polygons)
    ordered = sorted(STREETS, key=lambda s: s.street_id)
    write_csv(
        out_dir / "streets.csv",
        ["street_id", "name", "neighbours"],
        ([s.street_id, s.name, ";".join(neighbours[s.street_id])] for s in ordered),
    )
    write_geojson(
        out_dir / "streets.geojson",
        [({"street_id": s.street_id, "name": s.name}, polygons[s.street_id]) for s in ordered],
    )
    write_geojson(
        out_dir / "district.geojson",
        [({"name": "宝山区", "code": "310113"}, outline)],
    )
    return polygons


# --------------------------------------------------------------------------- institutions


@dataclass(frozen=True)
class Institution:
    """One childcare institution of the directory."""

    institution_id: str
    name: str
    street_id: str
    lon: float
    lat: float
    kind: str
    operator: str
    risk: str
    opened_on: dt.date
    active: bool


KIND_SHARES = {"childcare_center": 0.45, "kindergarten_class": 0.35, "community_point": 0.20}
RISK_SHARES = {"low": 0.35, "medium": 0.50, "high": 0.15}
CHAIN_FIRST = "小乐爱星童贝暖禾启悦萌亲欣优睿"
CHAIN_SECOND = ("橡树", "蜗牛", "海豚", "苗苗", "成长", "童年", "家园", "宝贝", "摇篮", "小屋")
CENTER_WORDS = ("", "", "", "宝贝", "贝贝", "童趣", "七彩", "小太阳", "爱心", "阳光", "小树苗")
CENTER_SUFFIX = ("托育园", "托育园", "托育中心")
COMPANY_SUFFIX = (
    "托育服务有限公司",
    "教育科技有限公司",
    "儿童发展有限公司",
    "婴幼儿照护服务有限公司",
)
SOCIAL_ORG_SUFFIX = ("社会工作服务社", "家庭发展服务中心", "社区服务社")


def _random_date(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers((end - start).days + 1)))


def _opening_dates(rng: np.random.Generator, kinds: list[str]) -> list[dt.date]:
    """About 10% opened in the 12 months before the reference date, none after 2026-10."""
    n = len(kinds)
    recent = shuffled_labels(rng, n, {"recent": 0.10, "older": 0.90})
    recent_start, last = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - 1), dt.date(2026, 10, 31)
    older_end = recent_start - dt.timedelta(days=1)
    dates = []
    for kind, when in zip(kinds, recent, strict=True):
        if kind == "kindergarten_class":
            # nursery classes of kindergartens start with the school year
            year = 2026 if when == "recent" else int(rng.integers(2016, 2026))
            dates.append(dt.date(year, 9, 1))
        elif when == "recent":
            dates.append(_random_date(rng, recent_start, last))
        else:
            start = dt.date(2015, 1, 1) if kind == "childcare_center" else dt.date(2019, 1, 1)
            dates.append(_random_date(rng, start, older_end))
    return dates


def _group_sizes(
    rng: np.random.Generator, n_groups: int, low: int, high: int, cap: int
) -> list[int]:
    sizes = [int(x) for x in rng.integers(low, high + 1, n_groups)]
    while sum(sizes) > cap and sizes:
        sizes.pop()
    return sizes


def institutions(
    out_dir: Path, scale: int, seed: int, polygons: dict[str, BaseGeometry]
) -> list[Institution]:
    """Write `institutions.csv`: ~150 x scale institutions spread by population share."""
    rng = rng_for(seed, "institutions")
    names = NameBook(rng)
    n = 150 * scale
    per_street = allocate(n, [s.share for s in STREETS])
    places: list[tuple[Street, float, float]] = []
    for street, k in zip(STREETS, per_street, strict=True):
        pts = sample_points(rng, polygons[street.street_id], k, centre=(street.lon, street.lat))
        places.extend((street, x, y) for x, y in pts)
    kinds = shuffled_labels(rng, n, KIND_SHARES)
    risks = shuffled_labels(rng, n, RISK_SHARES)
    opened = _opening_dates(rng, kinds)
    rec_names: list[str] = [""] * n
    operators: list[str] = [""] * n

    # childcare centres: a few chains, otherwise companies running one or two
    centres = [i for i in range(n) if kinds[i] == "childcare_center"]
    chain_sizes = _group_sizes(rng, 6 * scale, 3, 8, int(0.55 * len(centres)))
    pos = 0
    chain_names: set[str] = set()
    for size in chain_sizes:
        while True:
            brand = pick(rng, CHAIN_FIRST) + pick(rng, CHAIN_SECOND)
            if brand not in chain_names:
                chain_names.add(brand)
                break
        company = names.unique(lambda b=brand: f"上海{b}{pick(rng, COMPANY_SUFFIX)}")
        for i in centres[pos : pos + size]:
            street = places[i][0]
            rec_names[i] = names.unique(
                lambda b=brand, s=street: f"{b}托育{pick(rng, (s.short, names.estate()))}中心"
            )
            operators[i] = company
        pos += size
    rest = centres[pos:]
    k = 0
    while k < len(rest):
        owned = 2 if rng.random() < 0.15 and k + 1 < len(rest) else 1
        company = names.unique(lambda: f"上海{names.estate()}{pick(rng, COMPANY_SUFFIX)}")
        for i in rest[k : k + owned]:
            rec_names[i] = names.unique(
                lambda: f"宝山区{names.estate()}{pick(rng, CENTER_WORDS)}{pick(rng, CENTER_SUFFIX)}"
            )
            operators[i] = company
        k += owned

    # kindergarten nursery classes: run by the kindergarten, or by an education group
    classes = [i for i in range(n) if kinds[i] == "kindergarten_class"]
    group_sizes = _group_sizes(rng, 4 * scale, 3, 6, int(0.4 * len(classes)))
    pos = 0
    for size in group_sizes:
        head = names.estate()
        group = names.unique(lambda h=head: f"宝山区{h}幼儿园教育集团")
        for i in classes[pos : pos + size]:
            rec_names[i] = names.unique(lambda h=head: f"宝山区{h}幼儿园{names.estate()}分园托班")
            operators[i] = group
        pos += size
    for i in classes[pos:]:
        kindergarten = names.unique(
            lambda: f"{pick(rng, ('宝山区', '上海市宝山区'))}{names.estate()}幼儿园"
        )
        rec_names[i] = f"{kindergarten}托班"
        names.used.add(rec_names[i])
        operators[i] = kindergarten

    # community points: the street's service centre, a social organisation, or blank
    points = [i for i in range(n) if kinds[i] == "community_point"]
    who = shuffled_labels(rng, len(points), {"street": 0.55, "social": 0.32, "blank": 0.13})
    for i, w in zip(points, who, strict=True):
        street = places[i][0]
        rec_names[i] = names.unique(lambda s=street: f"{s.short}{names.estate()}社区托育点")
        if w == "street":
            operators[i] = f"{street.name}社区生活服务中心"
        elif w == "social":
            operators[i] = names.unique(
                lambda: f"宝山区{names.estate()}{pick(rng, SOCIAL_ORG_SUFFIX)}"
            )

    # a few closed recently (opened before 2025)
    old = [i for i in range(n) if opened[i] < dt.date(2025, 1, 1)]
    inactive = {old[int(j)] for j in rng.choice(len(old), size=4 * scale, replace=False)}

    order = sorted(range(n), key=lambda i: (opened[i], places[i][0].street_id, places[i][1], i))
    width = max(4, len(str(n)))
    records = [
        Institution(
            institution_id=f"JG{rank + 1:0{width}d}",
            name=rec_names[i],
            street_id=places[i][0].street_id,
            lon=places[i][1],
            lat=places[i][2],
            kind=kinds[i],
            operator=operators[i],
            risk=risks[i],
            opened_on=opened[i],
            active=i not in inactive,
        )
        for rank, i in enumerate(order)
    ]
    write_csv(
        out_dir / "institutions.csv",
        [
            "institution_id",
            "name",
            "street_id",
            "lon",
            "lat",
            "kind",
            "operator",
            "risk",
            "opened_on",
            "active",
        ],
        (
            [
                r.institution_id,
                r.name,
                r.street_id,
                fmt_coord(r.lon),
                fmt_coord(r.lat),
                r.kind,
                r.operator,
                r.risk,
                r.opened_on.isoformat(),
                fmt_bool(r.active),
            ]
            for r in records
        ),
    )
    return records


# --------------------------------------------------------------------------- inspectors


@dataclass(frozen=True)
class Inspector:
    """One member of the pool of inspectors."""

    inspector_id: str
    name: str
    department: str
    street_id: str
    skills: tuple[str, ...]
    max_per_month: int
    max_per_day: int


SKILLS = ("safety", "hygiene", "fire", "food")
STREET_DEPARTMENT = "街镇"
#: department, head count at scale 1, share of members with each skill (first: primary).
DEPARTMENTS: tuple[tuple[str, int, dict[str, float]], ...] = (
    ("区托育服务指导中心", 6, {"safety": 0.8, "hygiene": 0.7, "food": 0.15}),
    ("区教育局", 5, {"safety": 0.8, "hygiene": 0.4, "food": 0.1}),
    ("区卫生健康委员会", 5, {"hygiene": 1.0, "food": 0.6, "safety": 0.2}),
    ("区市场监督管理局", 5, {"food": 1.0, "safety": 0.3, "hygiene": 0.2}),
    ("区消防救援支队", 3, {"fire": 1.0, "safety": 0.7}),
    (STREET_DEPARTMENT, 6, {"safety": 0.8, "hygiene": 0.3, "fire": 0.3, "food": 0.1}),
)
SURNAMES = "张王李陈徐沈陆顾朱周吴黄杨钱施胡孙马金蔡许姚曹潘范唐蒋邵倪俞"
GIVEN = "伟芳敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉萍红燕文辉建国晓峰海佳怡俊雯婷琳欣宇浩晨颖蕾"


def person_name(rng: np.random.Generator) -> str:
    """A plausible Chinese personal name."""
    given = pick(rng, GIVEN) + (pick(rng, GIVEN) if rng.random() < 0.7 else "")
    return pick(rng, SURNAMES) + given


def inspectors(out_dir: Path, scale: int, seed: int) -> list[Inspector]:
    """Write `inspectors.csv`: ~30 x scale inspectors from six kinds of department."""
    rng = rng_for(seed, "inspectors")
    used: set[str] = set()
    by_share = sorted(STREETS, key=lambda s: (-s.share, s.street_id))
    by_share = by_share[: max(1, round(len(by_share) * _SHAPE.staffed_streets))]
    rows: list[Inspector] = []
    total = sum(count for _, count, _ in DEPARTMENTS) * scale
    width = max(3, len(str(total)))
    street_k = 0
    for department, count, shares in DEPARTMENTS:
        n = count * scale
        skills: list[set[str]] = [set() for _ in range(n)]
        for skill, share in shares.items():
            for j in rng.permutation(n)[: round(share * n)]:
                skills[int(j)].add(skill)
        primary = next(iter(shares))
        for j in range(n):
            if not skills[j]:
                skills[j].add(primary)
            while True:
                name = person_name(rng)
                if name not in used:
                    used.add(name)
                    break
            street_id = ""
            if department == STREET_DEPARTMENT:
                street_id = by_share[street_k % len(by_share)].street_id
                street_k += 1
            rows.append(
                Inspector(
                    inspector_id=f"JC{len(rows) + 1:0{width}d}",
                    name=name,
                    department=department,
                    street_id=street_id,
                    skills=tuple(s for s in SKILLS if s in skills[j]),
                    max_per_month=int(rng.integers(4, 11)),
                    max_per_day=int(rng.integers(1, 3)),
                )
            )
    write_csv(
        out_dir / "inspectors.csv",
        [
            "inspector_id",
            "name",
            "department",
            "street_id",
            "skills",
            "max_per_month",
            "max_per_day",
        ],
        (
            [
                r.inspector_id,
                r.name,
                r.department,
                r.street_id,
                ";".join(r.skills),
                r.max_per_month,
                r.max_per_day,
            ]
            for r in rows
        ),
    )
    return rows


def inspector_leave(out_dir: Path, scale: int, seed: int, pool: list[Inspector]) -> int:
    """Write `inspector_leave.csv`: ~25 x scale spells from 2026-12 to 2027-12."""
    rng = rng_for(seed, "inspector_leave")
    spells: dict[str, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    n_long, n_december = 2 * scale, 3 * scale
    wanted = round(25 * scale * _SHAPE.leave)
    made = 0
    while made < wanted:
        days = int(rng.integers(21, 29)) if made < n_long else int(rng.integers(1, 11))
        if n_long <= made < n_long + n_december:
            start = _random_date(rng, REFERENCE_DATE, dt.date(2026, 12, 20))
        else:
            start = _random_date(rng, REFERENCE_DATE, PLAN_END - dt.timedelta(days=days - 1))
        end = start + dt.timedelta(days=days - 1)
        who = pick(rng, pool).inspector_id
        gap = dt.timedelta(days=1)
        if any(start <= e + gap and s <= end + gap for s, e in spells[who]):
            continue
        spells[who].append((start, end))
        made += 1
    rows = sorted((who, s, e) for who, lst in spells.items() for s, e in lst)
    return write_csv(
        out_dir / "inspector_leave.csv",
        ["inspector_id", "start", "end"],
        ([who, s.isoformat(), e.isoformat()] for who, s, e in rows),
    )


# --------------------------------------------------------------------------- conflicts


@dataclass(frozen=True)
class Conflict:
    """A recusal: the inspector must not check an institution, or an operator's."""

    inspector_id: str
    institution_id: str
    operator: str
    reason: str


INSTITUTION_REASONS = (
    "亲属在该机构任职",
    "本人曾在该机构任职",
    "与该机构负责人有亲属关系",
    "近三年曾为该机构提供有偿咨询服务",
)
OPERATOR_REASONS = (
    "曾在该举办者任职",
    "亲属在该举办者任职",
    "本人或亲属持有该举办者股份",
    "与该举办者存在经济往来",
)


def conflicts(
    out_dir: Path,
    scale: int,
    seed: int,
    pool: list[Inspector],
    directory: list[Institution],
) -> list[Conflict]:
    """Write `conflicts.csv`: ~15 x scale recusals, by institution or by operator."""
    rng = rng_for(seed, "conflicts")
    owned: dict[str, int] = defaultdict(int)
    for inst in directory:
        if inst.operator:
            owned[inst.operator] += 1
    operators = sorted(owned)
    weights = np.array([owned[o] for o in operators], dtype=float)
    operator_of = {inst.institution_id: inst.operator for inst in directory}
    rows: dict[tuple[str, str, str], Conflict] = {}
    by_operator: set[tuple[str, str]] = set()
    kinds = shuffled_labels(
        rng, round(15 * scale * _SHAPE.conflicts), {"institution": 0.6, "operator": 0.4}
    )
    # operators first, so that an institution row is never implied by an operator row
    for kind in sorted(kinds, reverse=True):
        while True:
            who = pick(rng, pool).inspector_id
            if kind == "operator":
                op = operators[int(rng.choice(len(operators), p=weights / weights.sum()))]
                key = (who, "", op)
                reason = pick(rng, OPERATOR_REASONS)
            else:
                inst = pick(rng, directory)
                key = (who, inst.institution_id, "")
                reason = pick(rng, INSTITUTION_REASONS)
                if (who, operator_of[inst.institution_id]) in by_operator:
                    continue
            if key not in rows:
                rows[key] = Conflict(*key, reason)
                if kind == "operator":
                    by_operator.add((who, op))
                break
    result = [rows[k] for k in sorted(rows)]
    write_csv(
        out_dir / "conflicts.csv",
        ["inspector_id", "institution_id", "operator", "reason"],
        ([c.inspector_id, c.institution_id, c.operator, c.reason] for c in result),
    )
    return result


# --------------------------------------------------------------------------- inspections

OUTCOMES = ("pass", "rectify", "fail")
OUTCOME_P: dict[str, tuple[float, float, float]] = {
    "low": (0.85, 0.12, 0.03),
    "medium": (0.76, 0.18, 0.06),
    "high": (0.62, 0.27, 0.11),
    "follow_up": (0.85, 0.12, 0.03),
}
DRAW_WEIGHT = {"low": 1.0, "medium": 1.5, "high": 3.0}
UNCOVERED_SHARE = 0.12
#: Institutions opened in 2026 up to this day get their first visit in the history.
NEW_VISITED_UNTIL = dt.date(2026, 8, 31)


@dataclass(frozen=True)
class Visit:
    """One inspection of the history."""

    institution_id: str
    date: dt.date
    outcome: str
    inspector_ids: tuple[str, ...]


class _Team:
    """Chooses inspection teams within the inspectors' daily and monthly limits."""

    def __init__(
        self, rng: np.random.Generator, pool: list[Inspector], recusals: dict[str, set[int]]
    ) -> None:
        self.rng = rng
        self.pool = pool
        self.recusals = recusals
        self.day: dict[tuple[int, dt.date], int] = defaultdict(int)
        self.month: dict[tuple[int, int, int], int] = defaultdict(int)

    def _left(self, k: int, d: dt.date) -> int:
        insp = self.pool[k]
        if self.day[k, d] >= insp.max_per_day:
            return 0
        return insp.max_per_month - self.month[k, d.year, d.month]

    def _draw(self, ks: list[int], d: dt.date) -> int:
        w = np.array([self._left(k, d) for k in ks], dtype=float)
        return ks[int(self.rng.choice(len(ks), p=w / w.sum()))]

    def choose(self, inst: Institution, d: dt.date) -> tuple[str, ...] | None:
        """Return 2-3 inspector ids from at least two departments, or None."""
        blocked = self.recusals.get(inst.institution_id, set())
        free = [
            k
            for k, insp in enumerate(self.pool)
            if k not in blocked and insp.street_id in ("", inst.street_id) and self._left(k, d) > 0
        ]
        size = 3 if self.rng.random() < 0.3 else 2
        lead_pool = [k for k in free if "safety" in self.pool[k].skills] or free
        if not lead_pool:
            return None
        team = [self._draw(lead_pool, d)]
        other = [k for k in free if self.pool[k].department != self.pool[team[0]].department]
        if not other:
            return None
        team.append(self._draw(other, d))
        if size == 3:
            rest = [k for k in free if k not in team]
            if rest:
                team.append(self._draw(rest, d))
        for k in team:
            self.day[k, d] += 1
            self.month[k, d.year, d.month] += 1
        return tuple(sorted(self.pool[k].inspector_id for k in team))


def _recusals(
    pool: list[Inspector], directory: list[Institution], rules: list[Conflict]
) -> dict[str, set[int]]:
    index = {insp.inspector_id: k for k, insp in enumerate(pool)}
    out: dict[str, set[int]] = defaultdict(set)
    for rule in rules:
        for inst in directory:
            if inst.institution_id == rule.institution_id or (
                rule.operator and inst.operator == rule.operator
            ):
                out[inst.institution_id].add(index[rule.inspector_id])
    return out


def inspections(
    out_dir: Path,
    scale: int,
    seed: int,
    directory: list[Institution],
    pool: list[Inspector],
    rules: list[Conflict],
) -> list[Visit]:
    """Write `inspections.csv`: the year of history before the month to be planned.

    Every active institution opened before 2026 is visited at least once in 2026,
    except about `UNCOVERED_SHARE` of the active ones (institutions opened late in
    2026 count among them), so that the next roster has coverage work to do. Drawn
    visits (~15 x scale a month, weighted by risk) come on top, and a rectify or fail
    is followed by a re-inspection within 30 days while still inside the history.
    """
    rng = rng_for(seed, "inspections")
    days = workdays(HISTORY_START, HISTORY_END)
    year_start = dt.date(2026, 1, 1)
    active = [i for i, inst in enumerate(directory) if inst.active]
    late_new = [i for i in active if directory[i].opened_on > NEW_VISITED_UNTIL]
    old = [i for i in active if directory[i].opened_on < year_start]
    n_old_uncovered = max(
        round(UNCOVERED_SHARE * len(active)) - len(late_new), round(0.08 * len(active))
    )
    chosen = rng.choice(len(old), size=n_old_uncovered, replace=False)
    uncovered = set(late_new) | {old[int(j)] for j in chosen}

    def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
        return days[bisect.bisect_left(days, first) : bisect.bisect_right(days, last)]

    queue: list[tuple[dt.date, int, int, str]] = []
    seq = 0

    def push(d: dt.date, i: int, why: str) -> None:
        nonlocal seq
        heapq.heappush(queue, (d, seq, i, why))
        seq += 1

    # coverage: one visit in 2026 for each covered active institution
    days_2026 = days_between(year_start, HISTORY_END)
    for i in active:
        if i in uncovered:
            continue
        opened = directory[i].opened_on
        if opened < year_start:
            push(pick(rng, days_2026), i, "coverage")
        else:
            window = days_between(opened + dt.timedelta(days=14), opened + dt.timedelta(days=75))
            push(pick(rng, window), i, "coverage")

    # drawn visits, about 15 x scale a month, weighted by risk
    month_starts = [dt.date(2025, 12, 1)] + [dt.date(2026, m, 1) for m in range(1, 12)]
    for first in month_starts:
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        month_days = days_between(first, last)
        for _ in range(int(rng.poisson(15 * scale))):
            d = pick(rng, month_days)
            eligible = [
                i
                for i in active
                if directory[i].opened_on <= d and not (i in uncovered and d >= year_start)
            ]
            w = np.array([DRAW_WEIGHT[directory[i].risk] for i in eligible])
            push(d, eligible[int(rng.choice(len(eligible), p=w / w.sum()))], "drawn")

    team = _Team(rng, pool, _recusals(pool, directory, rules))
    seen: set[tuple[int, dt.date]] = set()
    visits: list[Visit] = []
    while queue:
        d, _, i, why = heapq.heappop(queue)
        inst = directory[i]
        ids = None if (i, d) in seen else team.choose(inst, d)
        if ids is None:
            later = days_between(d + dt.timedelta(days=1), HISTORY_END)
            if later and not (i in uncovered and later[0] >= year_start):
                push(later[0], i, why)
            continue
        seen.add((i, d))
        if i in uncovered:
            outcome = "pass"  # nothing may pull it into 2026
        else:
            p = OUTCOME_P["follow_up" if why == "follow_up" else inst.risk]
            outcome = OUTCOMES[int(rng.choice(3, p=p))]
        visits.append(Visit(inst.institution_id, d, outcome, ids))
        if outcome != "pass":
            # a re-inspection 7-30 days later; those due after the history stay pending
            target = d + dt.timedelta(days=int(rng.integers(7, 31)))
            window = days_between(d + dt.timedelta(days=7), d + dt.timedelta(days=30))
            if target <= HISTORY_END and window:
                later = [x for x in window if x >= target]
                push(later[0] if later else window[-1], i, "follow_up")

    visits.sort(key=lambda v: (v.date, v.institution_id))
    write_csv(
        out_dir / "inspections.csv",
        ["institution_id", "date", "outcome", "inspector_ids"],
        (
            [v.institution_id, v.date.isoformat(), v.outcome, ";".join(v.inspector_ids)]
            for v in visits
        ),
    )
    return visits


# --------------------------------------------------------------------------- calendar


def _holiday(first: dt.date, last: dt.date, name: str) -> list[tuple[dt.date, str, str]]:
    return [(d, "holiday", name + PROVISIONAL) for d in daterange(first, last)]


def _workday(d: dt.date, name: str, weekday: int) -> list[tuple[dt.date, str, str]]:
    assert d.weekday() == weekday, d  # adjusted workdays fall on a weekend day
    return [(d, "workday", f"{name}调休上班{PROVISIONAL}")]


def calendar(out_dir: Path) -> int:
    """Write `calendar.csv`: provisional 2027 holidays and adjusted workdays."""
    sat, sun = 5, 6
    d = dt.date
    rows = [
        *_holiday(d(2027, 1, 1), d(2027, 1, 3), "元旦"),
        *_workday(d(2027, 1, 31), "春节", sun),
        *_holiday(d(2027, 2, 5), d(2027, 2, 11), "春节"),
        *_workday(d(2027, 2, 13), "春节", sat),
        *_holiday(d(2027, 4, 3), d(2027, 4, 5), "清明节"),
        *_holiday(d(2027, 5, 1), d(2027, 5, 5), "劳动节"),
        *_workday(d(2027, 5, 8), "劳动节", sat),
        *_holiday(d(2027, 6, 9), d(2027, 6, 9), "端午节"),
        *_holiday(d(2027, 9, 15), d(2027, 9, 15), "中秋节"),
        *_workday(d(2027, 9, 26), "国庆节", sun),
        *_holiday(d(2027, 10, 1), d(2027, 10, 7), "国庆节"),
        *_workday(d(2027, 10, 9), "国庆节", sat),
    ]
    rows.sort()
    return write_csv(
        out_dir / "calendar.csv",
        ["date", "kind", "name"],
        ([day.isoformat(), kind, name] for day, kind, name in rows),
    )


# --------------------------------------------------------------------------- driver


# --------------------------------------------------------------------------- shapes


@dataclass(frozen=True)
class Shape:
    """A district shaped unlike Baoshan, for held-out tests and benchmarks: how many
    streets (fewer: the largest of Baoshan's, their shares skewed toward a few huge ones;
    more: Baoshan's and small new-area streets between them), how much heavier leave and
    conflicts of interest are, and the share of streets with street inspectors of their own
    (staff thin in the others)."""

    streets: int = len(STREETS)
    leave: float = 1.0
    conflicts: float = 1.0
    staffed_streets: float = 1.0


#: The shapes ``--shape`` knows: Baoshan's own, few large streets, many small ones.
SHAPES: dict[str, Shape] = {
    "baoshan": Shape(),
    "few-large": Shape(streets=9, leave=2.0, conflicts=3.0),
    "many-small": Shape(streets=26, leave=1.5, conflicts=2.0, staffed_streets=0.5),
}
_SHAPE = SHAPES["baoshan"]


def shaped_streets(shape: Shape, seed: int) -> tuple[Street, ...]:
    """The streets of a shape: Baoshan's largest (shares squared and renormalised: a few
    huge) or Baoshan's with small new-area streets at random points of the outline."""
    if shape.streets == len(STREETS):
        return STREETS
    if shape.streets < len(STREETS):
        kept = sorted(STREETS, key=lambda s: (-s.share, s.street_id))[: shape.streets]
        total = sum(s.share**2 for s in kept)
        return tuple(
            Street(s.street_id, s.name, s.short, s.lon, s.lat, round(s.share**2 / total, 4))
            for s in sorted(kept, key=lambda s: s.street_id)
        )
    rng = rng_for(seed, "shaped_streets")
    extra = shape.streets - len(STREETS)
    outline = district_outline()
    out = list(STREETS)
    while len(out) < shape.streets:
        ((x, y),) = sample_points(rng, outline, 1, margin=0.004)
        if all(math.hypot(x - s.lon, y - s.lat) > 0.012 for s in out):
            k = len(out) - len(STREETS) + 1
            out.append(Street(f"3101139{k:02d}", f"新区{k}街道", f"新{k}", x, y, 0.3 / extra))
    total = sum(s.share for s in out)
    return tuple(
        Street(s.street_id, s.name, s.short, s.lon, s.lat, round(s.share / total, 4)) for s in out
    )


def _set_shape(shape: Shape, seed: int) -> None:
    """Point the table writers at a shape's streets and factors (module state, restored
    by :func:`generate` when it is done)."""
    global STREETS, STREET_BY_ID, _SHAPE
    STREETS = shaped_streets(shape, seed) if shape != SHAPES["baoshan"] else _BAOSHAN_STREETS
    STREET_BY_ID = {s.street_id: s for s in STREETS}
    _SHAPE = shape


_BAOSHAN_STREETS = STREETS


def _run_optional_modules(out_dir: Path, scale: int, seed: int) -> list[str]:
    """Load each optional module found next to this file and call its `generate`."""
    here = Path(__file__).resolve().parent
    ran = []
    for name in OPTIONAL_MODULES:
        path = here / f"{name}.py"
        if not path.is_file():
            continue
        module_name = f"_baoshan_data_{name}"
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        module.generate(out_dir, scale, seed)
        ran.append(name)
    return ran


def generate(
    out_dir: Path, scale: int = 1, seed: int = DEFAULT_SEED, shape: str = "baoshan"
) -> None:
    """Write every table of the synthetic Baoshan dataset into `out_dir`. A `shape` other
    than ``baoshan`` (see :data:`SHAPES`) writes the shared and inspection tables of a
    district shaped otherwise (the optional modules, which know Baoshan's streets, are
    not run)."""
    if scale < 1:
        raise ValueError("scale must be a positive integer")
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _set_shape(SHAPES[shape], seed)
    try:
        polygons = streets(out_dir)
        calendar(out_dir)
        directory = institutions(out_dir, scale, seed, polygons)
        pool = inspectors(out_dir, scale, seed)
        inspector_leave(out_dir, scale, seed, pool)
        rules = conflicts(out_dir, scale, seed, pool, directory)
        inspections(out_dir, scale, seed, directory, pool, rules)
    finally:
        _set_shape(SHAPES["baoshan"], seed)
    if shape == "baoshan":
        _run_optional_modules(out_dir, scale, seed)


def row_counts(out_dir: Path) -> dict[str, int]:
    """Rows of each CSV and features of each GeoJSON file in `out_dir`."""
    counts: dict[str, int] = {}
    for path in sorted(Path(out_dir).iterdir()):
        if path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as f:
                counts[path.name] = sum(1 for _ in csv.reader(f)) - 1
        elif path.suffix == ".geojson":
            counts[path.name] = len(json.loads(path.read_text(encoding="utf-8"))["features"])
    return counts


def main(argv: Sequence[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "tuoyu" / "data" / "baoshan")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="baoshan",
                        help="a district shaped unlike Baoshan (inspection tables only)")
    args = parser.parse_args(argv)
    generate(args.out, scale=args.scale, seed=args.seed, shape=args.shape)
    print(f"wrote {args.out} (scale {args.scale}, seed {args.seed}, shape {args.shape})")
    for name, count in row_counts(args.out).items():
        print(f"  {name:<24} {count:>7}")


if __name__ == "__main__":
    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    main()
