"""The siting plan's files (``tuoyu.api.exports.siting``) from a tiny hand-made district
solved by the optimizer: siting.geojson has one feature per place and year where classes
open, at the place, with the seats (classes × seats a class) and the communities served
(named, for the lines on the map); coverage.csv the contract's columns first, booleans
as true/false, one row per community and year; JSON put into the map page can never
close its script element."""

from __future__ import annotations

import json

import pytest
from siting_fixtures import community, config, data, kindergarten, problem, site

from tuoyu.api.exports.siting import _json_for_script, coverage_frame, siting_geojson
from tuoyu.optimizer import siting
from tuoyu.optimizer.solve import SolveParams, Status


@pytest.fixture(scope="module")
def solved():  # noqa: ANN201
    d = data([community("C1", 0, 0, 30), community("C2", 300, 0, 12),
              community("C3", 6000, 0, 25)],
             kindergartens=[kindergarten("K1", 100, 0, spare=1)],
             sites=[site("S1", 6100, 0, 2, 2027)])
    p = problem(d, config(years=(2027, 2028), classes=(1, 1)))
    result = siting.solve(p, SolveParams(time_limit=10, workers=1))
    assert result.status == Status.OPTIMAL
    return p, result


def test_one_feature_per_place_and_year_classes_open(solved) -> None:  # noqa: ANN001
    p, result = solved
    doc = siting_geojson(result, p)
    assert doc["type"] == "FeatureCollection"
    got = sorted((f["properties"].get("kindergarten_id") or f["properties"].get("site_id"),
                  f["properties"]["year"], f["properties"]["classes"])
                 for f in doc["features"])
    assert got == sorted((o.place_id, o.year, o.classes) for o in result.openings)
    assert sum(c for _p, _y, c in got) == 2  # one class a year over two years
    for f in doc["features"]:
        props = f["properties"]
        assert props["seats"] == props["classes"] * p.config.seats_per_class
        place = next(x for x in p.places if x.place_id in (props.get("kindergarten_id"),
                                                           props.get("site_id")))
        assert f["geometry"]["coordinates"] == [pytest.approx(place.lon), pytest.approx(
            place.lat)]
        for c in props["communities"]:
            assert c["name"] in ("C1", "C2", "C3") and c["children"] > 0
    json.dumps(doc)  # plain JSON


def test_coverage_per_community_and_year(solved) -> None:  # noqa: ANN001
    p, result = solved
    cov = coverage_frame(result)
    assert list(cov.columns[:5]) == ["community_id", "year", "demand", "served", "within_15_min"]
    assert len(cov) == len(p.community_ids) * len(p.years)
    assert set(cov["within_15_min"]) <= {"true", "false"}
    assert (cov["served"] <= cov["demand"]).all()
    c3 = cov[(cov["community_id"] == "C3")]
    assert (c3["served_before"] == 0).all()  # nothing within reach of C3 before the plan


def test_json_in_the_map_page_cannot_close_its_script() -> None:
    text = _json_for_script({"name": "</script><script>alert(1)</script>", "a": "x & y"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script>", "a": "x & y"}
