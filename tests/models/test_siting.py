"""Bad input for siting: bad geometry, wrong CRS, empty layers, missing columns, bad network
and forecast files; each with its message, and nothing written by the command."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from tuoyu.api.cli import app
from tuoyu.models.errors import DataError
from tuoyu.models.siting import load_siting_data

STREETS = "street_id,name\nS1,街镇一\n"
COMMUNITIES = "community_id,name,street_id,lon,lat,pop_0_3,births\nC1,甲,S1,121.45,31.38,90,30\n"
KINDERGARTENS = (
    "kindergarten_id,name,street_id,lon,lat,public,has_nursery,nursery_seats,"
    "spare_rooms\nK1,乙,S1,121.451,31.381,true,false,,2\n"
)


def folder(tmp: Path, **files: str) -> Path:
    base = {
        "streets.csv": STREETS,
        "communities.csv": COMMUNITIES,
        "kindergartens.csv": KINDERGARTENS,
    }
    for name, text in files.items():
        name = name.replace("__", ".")
        if text is None:
            base.pop(name, None)
        else:
            base[name] = text
    for name, text in base.items():
        (tmp / name).write_text(text, encoding="utf-8")
    return tmp


def problems(tmp: Path) -> str:
    with pytest.raises(DataError) as err:
        load_siting_data(tmp)
    return str(err.value)


def test_a_minimal_folder_loads(tmp_path: Path):
    d = load_siting_data(folder(tmp_path))
    assert len(d.communities) == 1 and d.kindergartens[0].spare_rooms == 2
    assert d.providers == () and d.sites == () and d.network is None


def test_missing_column_is_named(tmp_path: Path):
    text = COMMUNITIES.replace(",pop_0_3", "").replace(",90,", ",")
    msg = problems(folder(tmp_path, communities__csv=text))
    assert "communities.csv" in msg and "required column 'pop_0_3'" in msg


def test_missing_coordinates_are_named(tmp_path: Path):
    text = "community_id,name,street_id,pop_0_3\nC1,甲,S1,90\n"
    msg = problems(folder(tmp_path, communities__csv=text))
    assert "communities.csv" in msg and "required column 'lon'" in msg


def test_projected_coordinates_in_a_csv_are_refused(tmp_path: Path):
    text = COMMUNITIES.replace("121.45,31.38", "346000.0,3473000.0")
    msg = problems(folder(tmp_path, communities__csv=text))
    assert "communities.csv" in msg and "projected" in msg


def test_empty_layer_is_refused(tmp_path: Path):
    msg = problems(folder(tmp_path, kindergartens__csv=KINDERGARTENS.splitlines()[0] + "\n"))
    assert "kindergartens.csv" in msg and "the table is empty" in msg


def test_missing_required_layer(tmp_path: Path):
    msg = problems(folder(tmp_path, kindergartens__csv=None))
    assert "required table 'kindergartens'" in msg


def _geojson(features: list[dict], crs: str | None = None) -> str:
    doc: dict = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc, ensure_ascii=False)


def _feature(geometry: dict | None) -> dict:
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"community_id": "C1", "name": "甲", "street_id": "S1", "pop_0_3": 90},
    }


def test_wrong_crs_is_refused(tmp_path: Path):
    gj = _geojson(
        [_feature({"type": "Point", "coordinates": [346000.0, 3473000.0]})],
        "urn:ogc:def:crs:EPSG::32651",
    )
    msg = problems(folder(tmp_path, communities__csv=None, communities__geojson=gj))
    assert "communities.geojson" in msg and "wrong coordinate reference system" in msg
    assert "EPSG:4326" in msg


def test_bad_geometry_is_refused(tmp_path: Path):
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[121.45, 31.38], [121.46, 31.39], [121.46, 31.38], [121.45, 31.39], [121.45, 31.38]]
        ],
    }
    gj = _geojson([_feature(bowtie)])
    msg = problems(folder(tmp_path, communities__csv=None, communities__geojson=gj))
    assert "communities.geojson, row 2" in msg and "invalid geometry" in msg


def test_missing_geometry_is_refused(tmp_path: Path):
    gj = _geojson([_feature(None)])
    msg = problems(folder(tmp_path, communities__csv=None, communities__geojson=gj))
    assert "no geometry" in msg


def test_polygons_communities_load_as_points_inside(tmp_path: Path):
    square = {
        "type": "Polygon",
        "coordinates": [
            [[121.45, 31.38], [121.46, 31.38], [121.46, 31.39], [121.45, 31.39], [121.45, 31.38]]
        ],
    }
    gj = _geojson([_feature(square)])
    d = load_siting_data(folder(tmp_path, communities__csv=None, communities__geojson=gj))
    c = d.communities[0]
    assert 121.45 < c.lon < 121.46 and 31.38 < c.lat < 31.39


def test_network_in_metres_is_refused(tmp_path: Path):
    g = nx.MultiDiGraph(crs="epsg:32651")
    g.add_node(0, x=346000.0, y=3473000.0)
    g.add_node(1, x=346100.0, y=3473000.0)
    g.add_edge(0, 1, length=100.0)
    folder(tmp_path)
    nx.write_graphml(g, tmp_path / "walk_network.graphml")
    msg = problems(tmp_path)
    assert "walk_network.graphml" in msg and "wrong coordinate reference system" in msg


def test_network_without_lengths_is_refused(tmp_path: Path):
    g = nx.MultiDiGraph(crs="epsg:4326")
    g.add_node(0, x=121.45, y=31.38)
    g.add_node(1, x=121.451, y=31.38)
    g.add_edge(0, 1)
    folder(tmp_path)
    nx.write_graphml(g, tmp_path / "walk_network.graphml")
    msg = problems(tmp_path)
    assert "has no numeric length" in msg


def test_forecast_with_unknown_community_and_bad_year(tmp_path: Path):
    text = "community_id,year,demand\nC9,2027,5\nC1,20x7,5\n"
    msg = problems(folder(tmp_path, forecast__csv=text))
    assert "forecast.csv, row 2" in msg and "'C9' refers to nothing" in msg
    assert "forecast.csv, row 3, column 'year'" in msg


def test_command_exits_2_with_the_message_and_writes_nothing(tmp_path: Path):
    data = folder(
        tmp_path / "d" if (tmp_path / "d").mkdir() is None else tmp_path,
        communities__csv=COMMUNITIES.replace(",90,", ",many,"),
    )
    res = CliRunner().invoke(
        app,
        [
            "siting",
            "--data",
            str(data),
            "--out",
            str(tmp_path / "out"),
            "--classes-per-year",
            "0-2",
        ],
    )
    assert res.exit_code == 2
    assert "communities.csv，第 2 行，“pop_0_3”列" in res.output
    assert not (tmp_path / "out").exists()


def test_chinese_headers_load(tmp_path: Path):
    text = "编号,名称,街镇编号,经度,纬度,0-3岁人口,上年出生数\nC1,甲,S1,121.45,31.38,90,30\n"
    d = load_siting_data(folder(tmp_path, communities__csv=text))
    c = d.communities[0]
    assert c.community_id == "C1" and c.lon == pytest.approx(121.45) and c.births == 30
