"""Domain of nursery-class siting (托班选址): communities, places, candidate sites, network.

``load_siting_data(folder)`` reads the contract's siting tables (communities, providers,
kindergartens, sites), the optional ``streets.geojson`` polygons, the optional
``walk_network.graphml`` and an optional planner-supplied ``forecast.csv``, and returns one
immutable :class:`SitingData`. Every problem is reported at once as :class:`DataError`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ConfigDict

from tuoyu.models.common import Frozen
from tuoyu.models.errors import DataError, Problem
from tuoyu.models.reader import canonical_json, read_geojson_polygons, read_tables
from tuoyu.models.schema import SITING_TABLES


class SitingStreet(Frozen):
    street_id: str
    name: str


class Community(Frozen):
    community_id: str
    name: str
    street_id: str
    lon: float
    lat: float
    pop_0_3: float
    births: float | None = None


class Provider(Frozen):
    """An existing childcare place (托育点) outside the kindergartens."""

    provider_id: str
    name: str
    street_id: str = ""
    lon: float
    lat: float
    kind: str = ""
    seats: int
    public: bool = False
    inclusive: bool = False


class Kindergarten(Frozen):
    kindergarten_id: str
    name: str
    street_id: str
    lon: float
    lat: float
    public: bool
    has_nursery: bool
    nursery_seats: int | None = None
    spare_rooms: int = 0


class Site(Frozen):
    """A candidate new site (new residential area kindergarten, community site)."""

    site_id: str
    name: str
    street_id: str
    lon: float
    lat: float
    kind: str = "community_site"
    max_classes: int
    available_from: int | None = None


class ForecastRow(Frozen):
    """A planner's own forecast: children 0–3 (``pop_0_3``) or places needed (``demand``)."""

    community_id: str
    year: int
    pop_0_3: float | None = None
    demand: float | None = None


class SitingData(Frozen):
    """Everything the siting planner reads, validated, plus a fingerprint of it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    streets: tuple[SitingStreet, ...]
    communities: tuple[Community, ...]
    providers: tuple[Provider, ...] = ()
    kindergartens: tuple[Kindergarten, ...] = ()
    sites: tuple[Site, ...] = ()
    forecast: tuple[ForecastRow, ...] = ()
    street_polygons: Any = None  # GeoDataFrame (EPSG:4326) of streets.geojson, or None
    network: Any = None  # networkx graph of walk_network.graphml, or None
    fingerprint: str = ""


def _records(df: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if df.empty:
        return out
    for row in df[columns].itertuples(index=False):
        rec = {}
        for k, v in zip(columns, row, strict=True):
            if isinstance(v, float) and v != v:  # NaN from an empty optional column
                v = None
            rec[k] = v
        out.append(rec)
    return out


def _fill_streets(providers: pd.DataFrame, polygons: Any) -> pd.DataFrame:
    """Providers with a blank street_id get the street whose polygon contains them."""
    if polygons is None or providers.empty or "street_id" not in polygons.columns:
        return providers
    blank = providers["street_id"].fillna("") == ""
    if not blank.any():
        return providers
    import shapely

    providers = providers.copy()
    geoms = list(polygons.geometry)
    ids = [str(s) for s in polygons["street_id"]]
    for idx in providers.index[blank]:
        pt = shapely.Point(float(providers.at[idx, "lon"]), float(providers.at[idx, "lat"]))
        for sid, g in zip(ids, geoms, strict=True):
            if g is not None and g.covers(pt):
                providers.at[idx, "street_id"] = sid
                break
    return providers


def _network_header_problems(path: Path, g: Any) -> list[Problem]:
    problems: list[Problem] = []
    crs = str(g.graph.get("crs", "epsg:4326")).lower()
    if crs not in ("epsg:4326", "wgs84", "+init=epsg:4326", "epsg: 4326") and "4326" not in crs:
        problems.append(Problem(path.name, "wrong coordinate reference system",
                                expected="node x/y as longitude/latitude (EPSG:4326)", got=crs,
                                code="input.wrong_crs", params={"crs": crs}))
    if g.number_of_nodes() == 0:
        problems.append(Problem(path.name, "the network has no nodes",
                                expected="at least one node with x and y",
                                code="input.network_no_nodes"))
    return problems


def _node_problem(path: Path, g: Any) -> Problem | None:
    """The first node without numeric degrees (one is enough to say what is wrong)."""
    for n, d in g.nodes(data=True):
        try:
            x, y = float(d["x"]), float(d["y"])
        except (KeyError, TypeError, ValueError):
            return Problem(path.name, f"node '{n}' has no numeric x/y", column="x",
                           expected="longitude and latitude in degrees",
                           code="input.node_no_xy", params={"node": str(n)})
        if abs(x) > 180 or abs(y) > 90:
            return Problem(path.name, "node coordinates look projected (metres)", column="x",
                           expected="EPSG:4326 longitude/latitude", got=f"{x}, {y}",
                           code="input.projected")
    return None


def _edge_problem(path: Path, g: Any) -> Problem | None:
    """The first edge without a length in metres >= 0."""
    for a, b, d in g.edges(data=True):
        try:
            length = float(d["length"])
        except (KeyError, TypeError, ValueError):
            return Problem(path.name, f"edge {a}-{b} has no numeric length", column="length",
                           expected="edge length in metres",
                           code="input.edge_no_length", params={"a": str(a), "b": str(b)})
        if length < 0:
            return Problem(path.name, f"edge {a}-{b} has a negative length", column="length",
                           expected="a length >= 0 in metres", got=str(length),
                           code="input.edge_negative_length",
                           params={"a": str(a), "b": str(b)})
    return None


def read_network(path: Path) -> Any:
    """Read an OSMnx-style walking graph (node ``x``/``y`` in degrees, edge ``length`` m)."""
    import networkx as nx

    try:
        g = nx.read_graphml(path)
    except Exception as exc:  # lxml / ElementTree raise many kinds
        raise DataError(
            [
                Problem(
                    path.name,
                    f"the file is not valid GraphML ({exc})",
                    expected="a walking network saved by networkx/OSMnx",
                    code="input.not_graphml",
                    params={"detail": str(exc)[:200]},
                )
            ]
        ) from exc
    problems = _network_header_problems(path, g)
    problems += [p for p in (_node_problem(path, g), _edge_problem(path, g)) if p is not None]
    if problems:
        raise DataError(problems)
    return g


FORECAST_ALIASES = {
    "编号": "community_id",
    "居委编号": "community_id",
    "年份": "year",
    "0-3岁人口": "pop_0_3",
    "0–3岁人口": "pop_0_3",
    "需求": "demand",
    "需求托位": "demand",
}


def _forecast_frame(path: Path) -> pd.DataFrame:
    """``forecast.csv`` with its headers in English; raises on a missing column."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except Exception as exc:
        raise DataError([Problem(path.name, f"the file is not valid CSV ({exc})",
                                 code="input.not_csv",
                                 params={"detail": str(exc)[:200]})]) from exc
    df = df.rename(columns=lambda c: FORECAST_ALIASES.get(str(c).strip(), str(c).strip()))
    problems = [
        Problem(path.name, f"required column '{col}' is missing", column=col,
                expected=f"a column '{col}'", code="input.missing_column",
                params={"name": col})
        for col in ("community_id", "year") if col not in df.columns
    ]
    if "pop_0_3" not in df.columns and "demand" not in df.columns:
        problems.append(Problem(path.name, "neither 'pop_0_3' nor 'demand' is given",
                                column="pop_0_3", expected="a column pop_0_3 or demand",
                                code="input.forecast_no_measure"))
    if problems:
        raise DataError(problems)
    return df


def _forecast_values(path: Path, df: pd.DataFrame, r: Any, line: int,
                     problems: list[Problem]) -> dict[str, Any]:
    """A row's year, pop_0_3 and demand (numbers >= 0; the year a whole number)."""
    vals: dict[str, Any] = {}
    for col in ("year", "pop_0_3", "demand"):
        if col not in df.columns or str(r[col]).strip() == "":
            continue
        try:
            v = float(r[col])
            if v < 0 or (col == "year" and not v.is_integer()):
                raise ValueError
            vals[col] = int(v) if col == "year" else v
        except ValueError:
            problems.append(Problem(path.name, "a value is not valid", row=line, column=col,
                                    expected="a number >= 0", got=str(r[col]),
                                    code="input.value_invalid",
                                    params={"kind": "int" if col == "year" else "float",
                                            "min": 0}))
    if "year" not in vals and not any(p.row == line and p.column == "year" for p in problems):
        problems.append(Problem(path.name, "a value is missing", row=line, column="year",
                                expected="a year like 2027", code="input.value_missing",
                                params={"kind": "year"}))
    return vals


def read_forecast(path: Path, community_ids: set[str]) -> tuple[ForecastRow, ...]:
    """Read ``forecast.csv``: community_id (编号), year (年份), pop_0_3 and/or demand (需求)."""
    df = _forecast_frame(path)
    problems: list[Problem] = []
    rows: list[ForecastRow] = []
    for i, r in df.iterrows():
        line = int(str(i)) + 2
        cid = r["community_id"].strip()
        if cid not in community_ids:
            problems.append(
                Problem(
                    path.name,
                    f"'{cid}' refers to nothing: no community_id '{cid}' in communities",
                    row=line,
                    column="community_id",
                    expected="a community_id listed in communities",
                    got=cid,
                    code="input.refers_to_nothing",
                    params={"id": cid, "target_column": "community_id",
                            "target": "communities", "more": 0},
                )
            )
            continue
        vals = _forecast_values(path, df, r, line, problems)
        if "year" in vals:
            rows.append(ForecastRow(community_id=cid, **vals))
    if problems:
        raise DataError(problems)
    return tuple(rows)


SPATIAL = ("communities", "providers", "kindergartens", "sites")


def _label(folder: Path, name: str) -> str:
    for ext in ("csv", "geojson"):
        if (folder / f"{name}.{ext}").exists():
            return f"{name}.{ext}"
    return f"{name} (xlsx sheet)"


def _csv_has_coordinates(folder: Path) -> None:
    """A spatial CSV without lon/lat columns, caught before the shared reader reads it."""
    import csv

    problems: list[Problem] = []
    for name in SPATIAL:
        path = folder / f"{name}.csv"
        if not path.exists():
            continue
        try:
            with path.open(encoding="utf-8-sig") as f:
                header = next(csv.reader(f), [])
        except (UnicodeDecodeError, OSError):
            continue  # the reader reports unreadable files
        if not header:
            continue
        cols = {h.strip().lower() for h in header}
        for col, alias in (("lon", "经度"), ("lat", "纬度")):
            if col not in cols and alias not in cols:
                problems.append(
                    Problem(
                        path.name,
                        f"required column '{col}' (or {alias}) is missing",
                        column=col,
                        expected=f"a column '{col}' in degrees (EPSG:4326), "
                        "or a GeoJSON file with point geometry",
                        code="input.missing_column",
                        params={"name": col, "aliases": [alias], "kind": col},
                    )
                )
    if problems:
        raise DataError(problems)


def check_coordinates(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Every spatial row has numeric lon/lat in degrees (EPSG:4326).

    The shared reader keeps ``lon``/``lat`` of these tables as extra text columns, so the
    siting loader checks them itself, with the same kind of located message.
    """
    problems: list[Problem] = []
    for name in SPATIAL:
        df = tables.get(name)
        if df is not None and not df.empty:
            problems += _table_coordinates(_label(folder, name), df)
    if problems:
        raise DataError(problems)


def _table_coordinates(label: str, df: pd.DataFrame) -> list[Problem]:
    """One table's lon/lat (or 经度/纬度) made numeric in place; the problems, located."""
    for col, alias in (("lon", "经度"), ("lat", "纬度")):
        if col not in df.columns and alias in df.columns:
            df[col] = df[alias]
    missing = [c for c in ("lon", "lat") if c not in df.columns]
    if missing:
        return [Problem(label, f"required column '{c}' is missing", column=c,
                        expected=f"a column '{c}' (or a GeoJSON point geometry)",
                        code="input.missing_column", params={"name": c, "kind": c})
                for c in missing]
    problems: list[Problem] = []
    for c, lim in (("lon", 180.0), ("lat", 90.0)):
        vals = pd.to_numeric(df[c], errors="coerce")
        for i in range(len(df)):
            v = vals.iloc[i]
            if v != v or abs(v) > lim:
                problems.append(_coordinate_problem(label, i + 2, c, str(df[c].iloc[i]), v))
        df[c] = vals
    return problems


def _coordinate_problem(label: str, row: int, column: str, got: str, value: float) -> Problem:
    """A lon/lat cell that is no degree: out of range (projected metres), empty or text."""
    if value == value:
        text, code = "coordinates look projected (metres), not longitude/latitude", (
            "input.projected")
    elif got.strip() in ("", "nan"):
        text, code = "a value is missing", "input.value_missing"
    else:
        text, code = "a value is not valid", "input.value_invalid"
    return Problem(label, text, row=row, column=column,
                   expected=f"{'longitude' if column == 'lon' else 'latitude'} in degrees "
                   "(EPSG:4326)", got=got, code=code, params={"kind": column})


_COMMUNITY_COLUMNS = ["community_id", "name", "street_id", "lon", "lat", "pop_0_3", "births"]
_PROVIDER_COLUMNS = ["provider_id", "name", "street_id", "lon", "lat", "kind", "seats", "public",
                     "inclusive"]
_KINDERGARTEN_COLUMNS = ["kindergarten_id", "name", "street_id", "lon", "lat", "public",
                         "has_nursery", "nursery_seats", "spare_rooms"]
_SITE_COLUMNS = ["site_id", "name", "street_id", "lon", "lat", "kind", "max_classes",
                 "available_from"]


def siting_data_from_tables(
    tables: dict[str, pd.DataFrame],
    street_polygons: Any = None,
    network: Any = None,
    forecast: tuple[ForecastRow, ...] = (),
) -> SitingData:
    """The siting input from validated tables; a provider's blank street or kind is ""."""
    providers = _fill_streets(tables["providers"], street_polygons)
    provs = tuple(
        Provider(**{k: ("" if v is None and k in ("street_id", "kind") else v)
                    for k, v in r.items()})
        for r in _records(providers, _PROVIDER_COLUMNS)
    )
    digest = hashlib.sha256(canonical_json(tables))
    for row in forecast:
        digest.update(row.model_dump_json().encode())
    return SitingData(
        streets=tuple(SitingStreet(**r)
                      for r in _records(tables["streets"], ["street_id", "name"])),
        communities=tuple(Community(**r)
                          for r in _records(tables["communities"], _COMMUNITY_COLUMNS)),
        providers=provs,
        kindergartens=tuple(Kindergarten(**r) for r in _records(tables["kindergartens"],
                                                                 _KINDERGARTEN_COLUMNS)),
        sites=tuple(Site(**r) for r in _records(tables["sites"], _SITE_COLUMNS)),
        forecast=forecast,
        street_polygons=street_polygons,
        network=network,
        fingerprint="sha256:" + digest.hexdigest(),
    )


def load_siting_data(folder: str | Path, use_network: bool = True) -> SitingData:
    """Read and validate the siting tables (and the optional extras) from a dataset folder."""
    folder = Path(folder)
    if folder.is_dir():
        _csv_has_coordinates(folder)
    tables = read_tables(folder, SITING_TABLES)
    check_coordinates(folder, tables)
    polygons = read_geojson_polygons(folder / "streets.geojson")
    graph_path = folder / "walk_network.graphml"
    network = read_network(graph_path) if use_network and graph_path.exists() else None
    forecast_path = folder / "forecast.csv"
    forecast: tuple[ForecastRow, ...] = ()
    if forecast_path.exists():
        forecast = read_forecast(forecast_path, set(tables["communities"]["community_id"]))
    return siting_data_from_tables(tables, polygons, network, forecast)
