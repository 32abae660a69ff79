"""End to end on the bundled data through the command line; outputs checked from the files.

The served-demand figure is recomputed from the output files and the input tables alone:
a max flow (networkx) from communities to the seats in reach, with the classes of
``siting.geojson``, must equal what ``coverage.csv`` and the summary say.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer
from typer.testing import CliRunner

from tuoyu.api.cli import BUNDLED_DATA, app
from tuoyu.models.reader import read_tables
from tuoyu.models.schema import SITING_TABLES

runner = CliRunner()


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("siting") / "out"
    res = runner.invoke(
        app,
        [
            "siting",
            "--data",
            str(BUNDLED_DATA),
            "--out",
            str(folder),
            "--no-network",
            "--time-limit",
            "60",
            "--lang",
            "en",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "optimal" in res.output and "gap 0%" in res.output
    # each target as every face says it (it said "8 (goal 5, met: True)")
    targets = [ln for ln in res.output.splitlines() if ln.startswith("Target · ")]
    assert targets and all(
        re.fullmatch(r"Target · .+: goal [\d,.]+%?, achieved [\d,.]+%? \((met|NOT met)\)", t)
        for t in targets), targets
    return folder


def _served_by_max_flow(
    out: Path, year: int, reach_m: float = 1125.0, circuity: float = 1.3
) -> int:
    t = read_tables(BUNDLED_DATA, SITING_TABLES)
    cov = pd.read_csv(out / "coverage.csv", dtype={"community_id": str})
    demand = cov[cov["year"] == year].set_index("community_id")["demand"]
    seats: dict[str, float] = {}
    where: dict[str, tuple[float, float]] = {}
    for r in t["providers"].itertuples():
        if r.seats > 0:
            seats[r.provider_id] = seats.get(r.provider_id, 0) + r.seats
            where[r.provider_id] = (float(r.lon), float(r.lat))
    for r in t["kindergartens"].itertuples():
        s = (
            (
                r.nursery_seats
                if r.nursery_seats is not None and r.nursery_seats == r.nursery_seats
                else 20
            )
            if r.has_nursery
            else 0
        )
        where[r.kindergarten_id] = (float(r.lon), float(r.lat))
        if s:
            seats[r.kindergarten_id] = seats.get(r.kindergarten_id, 0) + s
    for r in t["sites"].itertuples():
        where[r.site_id] = (float(r.lon), float(r.lat))
    gj = json.loads((out / "siting.geojson").read_text(encoding="utf-8"))
    for f in gj["features"]:
        p = f["properties"]
        pid = p.get("site_id") or p.get("kindergarten_id")
        if p["year"] <= year:
            seats[pid] = seats.get(pid, 0) + p["seats"]
    tr = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)
    ids = list(seats)
    px, py = tr.transform([where[i][0] for i in ids], [where[i][1] for i in ids])
    comms = t["communities"]
    cx, cy = tr.transform(
        comms["lon"].astype(float).to_numpy(), comms["lat"].astype(float).to_numpy()
    )
    g = nx.DiGraph()
    for k, cid in enumerate(comms["community_id"]):
        g.add_edge("src", ("c", cid), capacity=int(demand[cid]))
        d = np.hypot(np.asarray(px) - cx[k], np.asarray(py) - cy[k]) * circuity
        for j in np.flatnonzero(d <= reach_m):
            g.add_edge(("c", cid), ("p", ids[j]))
    for pid, s in seats.items():
        g.add_edge(("p", pid), "sink", capacity=int(s))
    return int(nx.maximum_flow_value(g, "src", "sink"))


def test_served_demand_recomputed_from_the_output_files(out: Path):
    cov = pd.read_csv(out / "coverage.csv", dtype={"community_id": str})
    summary = json.loads((out / "siting_summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal" and summary["gap"] == 0.0
    for year in (2027, 2028, 2029):
        rows = cov[cov["year"] == year]
        assert (rows["served"] <= rows["demand"]).all()
        assert (rows.loc[rows["served"] > 0, "within_15_min"]).all()
        total = int(rows["served"].sum())
        assert total == pytest.approx(summary["served"][str(year)])
        assert total == _served_by_max_flow(out, year)


def test_siting_geojson_follows_the_contract_and_the_rules(out: Path):
    gj = json.loads((out / "siting.geojson").read_text(encoding="utf-8"))
    t = read_tables(BUNDLED_DATA, SITING_TABLES)
    spare = dict(
        zip(t["kindergartens"]["kindergarten_id"], t["kindergartens"]["spare_rooms"], strict=True)
    )
    public = dict(
        zip(t["kindergartens"]["kindergarten_id"], t["kindergartens"]["public"], strict=True)
    )
    site_max = dict(zip(t["sites"]["site_id"], t["sites"]["max_classes"], strict=True))
    site_from = dict(zip(t["sites"]["site_id"], t["sites"]["available_from"], strict=True))
    per_year: dict[int, int] = {}
    per_place: dict[str, int] = {}
    for f in gj["features"]:
        p = f["properties"]
        assert {"year", "classes", "seats"} <= set(p) and f["geometry"]["type"] == "Point"
        assert p["seats"] == 20 * p["classes"]
        per_year[p["year"]] = per_year.get(p["year"], 0) + p["classes"]
        pid = p.get("site_id") or p["kindergarten_id"]
        per_place[pid] = per_place.get(pid, 0) + p["classes"]
        if "site_id" in p:
            assert site_from[pid] is None or site_from[pid] <= p["year"]
        else:
            assert public[pid]
    assert all(5 <= per_year.get(y, 0) <= 8 for y in (2027, 2028, 2029))
    for pid, n in per_place.items():
        assert n <= (spare[pid] if pid in spare else site_max[pid])
    # 托幼一体: kindergartens with classes reach half of all (incl. new kindergartens)
    kg = t["kindergartens"]
    with_class = set(kg.loc[kg["has_nursery"], "kindergarten_id"]) | {
        pid for pid in per_place if pid in spare
    }
    new_kg = t["sites"][
        (t["sites"]["kind"] == "new_kindergarten") & (t["sites"]["available_from"] <= 2029)
    ]["site_id"]
    with_class |= {s for s in new_kg if s in per_place}
    assert len(with_class) >= 0.5 * (len(kg) + len(new_kg))


def test_workbook_is_in_chinese(out: Path):
    from openpyxl import load_workbook

    wb = load_workbook(out / "siting.xlsx", read_only=True)
    assert {"新增托班", "街镇覆盖", "未满足需求", "求解信息"} <= set(wb.sheetnames)
    head = next(wb["街镇覆盖"].iter_rows(min_row=2, max_row=2, values_only=True))  # 1: title
    assert "规划前服务人数" in head and "规划后服务人数" in head


def test_map_page_works_offline(out: Path):
    html = (out / "siting_map.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=[\"']?https?:", html, re.I)
    assert not re.search(r"<link[^>]+href=[\"']?https?:", html, re.I)
    assert not re.search(r"@import|unpkg|jsdelivr|cdnjs", html, re.I)
    assert "L.map(" in html and "leaflet" in html.lower()
    m = re.search(r'<script id="siting-data" type="application/json">(.*?)</script>', html, re.S)
    assert m
    doc = json.loads(m.group(1))
    assert len(doc["communities"]) == 500 and doc["openings"] and doc["streets"]["features"]
    assert "街镇边界" in html
    # no basemap unless one is configured: opening the page contacts no host
    assert "tile.openstreetmap.org" not in html
    # titled by the dataset's district (its district.geojson), zoom buttons in Chinese
    assert "<title>宝山区公办托班选址方案</title>" in html and doc["district"] == "宝山区"
    assert "zoomInTitle: '放大'" in html


def test_network_run_and_its_summary(tmp_path: Path):
    res = runner.invoke(app, ["siting", "--data", str(BUNDLED_DATA), "--out",
                              str(tmp_path / "o"), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "optimal" in res.output and "network" in res.output
    assert "only 46 of 873 community–place pairs" in res.output  # honest: mostly straight
    assert (tmp_path / "o" / "coverage.csv").exists()


def test_an_out_path_that_is_a_file_is_a_clear_error(tmp_path: Path):
    f = tmp_path / "plan"
    f.write_text("x")
    res = runner.invoke(app, ["siting", "--out", str(f), "--years", "2027-2027"])
    assert res.exit_code == 2 and res.exception is None or isinstance(res.exception, SystemExit)
    assert "无法写出方案" in res.output and f.read_text() == "x"


@pytest.mark.parametrize("model", ["mclp", "lscp"])
def test_textbook_models_from_the_command_line(tmp_path: Path, model: str):
    res = runner.invoke(
        app,
        [
            "siting",
            "--out",
            str(tmp_path / model),
            "--model",
            model,
            "--no-network",
            "--lang",
            "en",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "optimal" in res.output
    assert (tmp_path / model / "siting.geojson").exists()


def test_infeasible_yearly_minimum_exits_2_and_writes_nothing(tmp_path: Path):
    res = runner.invoke(
        app,
        [
            "siting",
            "--out",
            str(tmp_path / "x"),
            "--classes-per-year",
            "60-80",
            "--no-network",
            "--lang",
            "en",
        ],
    )
    assert res.exit_code == 2
    assert "new classes are required" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "x").exists()
    assert not list(tmp_path.glob(".siting-*"))


def test_progress_reports_objective_and_bound():
    from tuoyu.models.siting import load_siting_data
    from tuoyu.optimizer.siting import SitingProblem, solve_capacitated

    seen = []
    prob = SitingProblem.from_data(load_siting_data(BUNDLED_DATA, use_network=False))
    plan = solve_capacitated(prob, progress=seen.append)
    assert plan.proven_optimal
    assert seen and seen[-1].objective == pytest.approx(plan.objective, rel=1e-6)
    assert all(e.objective <= e.bound + 1e-6 and e.stage == "plan" for e in seen)


def test_chinese_by_default_and_bad_parameters_exit_2(tmp_path: Path):
    res = runner.invoke(app, ["siting", "--out", str(tmp_path / "x"), "--years", "2029-2027"])
    assert res.exit_code == 2 and "参数不正确：规划年份（years）" in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "x").exists()
    res = runner.invoke(app, ["siting", "--out", str(tmp_path / "x"), "--take-up", "2"])
    assert res.exit_code == 2 and "take_up" in res.output


def test_an_out_path_that_is_a_file_exits_2_without_a_traceback(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    res = runner.invoke(app, ["siting", "--out", str(blocker / "sub"), "--no-network"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert blocker.read_text(encoding="utf-8") == "x"


def test_map_inserts_names_as_text_never_as_html(tmp_path: Path):
    """A street, community and site named like HTML: the page carries them only as
    escaped JSON, and the page's script escapes every name before Leaflet sees it (run
    with node when there is one)."""
    import shutil
    import subprocess

    evil = "<img src=x onerror=alert(1)>"
    folder = tmp_path / "data"
    shutil.copytree(BUNDLED_DATA, folder)
    for name in ("streets.csv", "communities.csv", "sites.csv"):
        path = folder / name
        if not path.exists():
            continue
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        df.loc[df.index[:3], "name"] = evil
        df.to_csv(path, index=False)
    res = runner.invoke(
        app, ["siting", "--data", str(folder), "--out", str(tmp_path / "o"), "--no-network"]
    )
    assert res.exit_code == 0, res.output
    html = (tmp_path / "o" / "siting_map.html").read_text(encoding="utf-8")
    assert evil not in html and "onerror=alert" in html  # present, but only as \u003c…
    m = re.search(r'<script id="siting-data" type="application/json">(.*?)</script>', html, re.S)
    doc = json.loads(m.group(1))
    assert any(c[1] == evil for c in doc["communities"])
    # every name reaches Leaflet through esc(): no raw name concatenation into HTML
    script = html.split('id="siting-data"')[1]
    for raw in (
        "+ c[1]",
        "+ c[2]",
        "+ p[1]",
        "+ p[2]",
        "+ o[1]",
        "+ o[2]",
        "bindTooltip(f.properties.name",
    ):
        assert raw not in script
    node = shutil.which("node")
    if node is None:
        return
    page_script = script.split("<script>", 1)[1].split("</script>", 1)[0]
    harness = tmp_path / "run.js"
    harness.write_text(
        _NODE_HARNESS.replace("__DATA__", json.dumps(m.group(1))).replace(
            "__SCRIPT__", json.dumps(page_script)
        ),
        encoding="utf-8",
    )
    out = subprocess.run([node, str(harness)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout)
    assert shown and any("&lt;img src=x onerror=alert(1)&gt;" in h for h in shown)
    assert not any("<img" in h for h in shown)
    assert any("选址理由" in h for h in shown)
    # the allocation lines: one per community a new class serves, each with its tooltip
    lines = [h for h in shown if h.startswith("LINE ")]
    served = sum(len(o[11]) for o in doc["openings"])
    assert served > 0 and len(lines) == served
    assert any("未选中的最佳备选点" in h for h in shown)


# A fake Leaflet: records every string that would become HTML (popups, tooltips, legend).
_NODE_HARNESS = r"""
const shown = [];
function layer() {
  const o = {
    addTo() { if (o.onAdd) { o.onAdd(); } return o; },
    bindPopup(h) { shown.push(String(h)); return o; },
    bindTooltip(h) { shown.push(String(h)); return o; },
    getBounds() { return {isValid: () => false}; },
    bringToBack() { return o; }, addBaseLayer() { return o; },
    getContainer() { return {querySelector: () => ({})}; },
  };
  return o;
}
const control = () => layer();
control.layers = () => layer();
control.zoom = () => layer();
global.L = {
  map: () => ({fitBounds() {}, setView() {}, attributionControl: {setPrefix() {}}}),
  geoJSON: (d, opts) => { (d.features || []).forEach((f) => opts.onEachFeature(f, layer()));
                          return layer(); },
  layerGroup: layer, circleMarker: layer, circle: layer, tileLayer: layer, control: control,
  polyline: (pts) => { shown.push('LINE ' + JSON.stringify(pts)); return layer(); },
  DomUtil: {create: () => { const d = {};
    Object.defineProperty(d, 'innerHTML', {set: (v) => shown.push(String(v))}); return d; }},
};
global.Image = function () {};
global.document = {getElementById: () => ({textContent: __DATA__})};
eval(__SCRIPT__);
process.stdout.write(JSON.stringify(shown));
"""


def test_every_opening_says_whom_it_serves(out: Path):
    gj = json.loads((out / "siting.geojson").read_text(encoding="utf-8"))
    cov = pd.read_csv(out / "coverage.csv", dtype={"community_id": str})
    assert gj["features"]
    for f in gj["features"]:
        p = f["properties"]
        assert p["children_served"] == sum(c["children"] for c in p["communities"]) > 0
        year = cov[cov["year"] == p["year"]].set_index("community_id")
        for c in p["communities"]:
            assert c["children"] <= year.loc[c["community_id"], "served"]
            assert {"name", "lon", "lat"} <= set(c)  # for the allocation lines
        assert p["new_children"] <= p["seats"] and p["gain"] is not None
        assert p["best_alternative"]["place_id"]
    summary = json.loads((out / "siting_summary.json").read_text(encoding="utf-8"))
    assert summary["walk"]["kind"] == "straight_line"  # --no-network
    assert any(f["code"] == "siting.walk.straight_line" for f in summary["findings"])


def test_an_unknown_pin_exits_2_naming_the_id(tmp_path: Path):
    res = runner.invoke(app, ["siting", "--out", str(tmp_path / "x"), "--no-network",
                              "--pin", "K9999@2028", "--forbid", "K0001", "--lang", "en"])
    assert res.exit_code == 2 and "K9999" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "x").exists()
    res = runner.invoke(app, ["siting", "--out", str(tmp_path / "x"), "--no-network",
                              "--pin", "K0001@2035"])
    assert res.exit_code == 2 and "K0001" in res.output and "2035" in res.output
    res = runner.invoke(app, ["siting", "--out", str(tmp_path / "x"), "--pin", "bad@20"])
    assert res.exit_code == 2 and "pinned" in res.output


def test_pin_forbid_and_tradeoff_from_the_command_line(out: Path, tmp_path: Path):
    before = json.loads((out / "siting.geojson").read_text(encoding="utf-8"))
    ids = {f["properties"].get("kindergarten_id") or f["properties"].get("site_id")
           for f in before["features"]}
    gone = sorted(ids)[0]
    folder = tmp_path / "steered"
    res = runner.invoke(app, ["siting", "--out", str(folder), "--no-network", "--forbid", gone,
                              "--pin", "K0028@2027", "--tradeoff", "3-5", "--lang", "en"])
    assert res.exit_code == 0, res.output
    after = json.loads((folder / "siting.geojson").read_text(encoding="utf-8"))
    opened = {(f["properties"].get("kindergarten_id") or f["properties"].get("site_id"),
               f["properties"]["year"]) for f in after["features"]}
    assert gone not in {pid for pid, _y in opened} and ("K0028", 2027) in opened
    curve = pd.read_csv(folder / "tradeoff.csv")
    assert list(curve.columns) == ["classes_per_year", "children_served",
                                   "children_within_15_min", "communities_within_15_min",
                                   "status"]
    assert curve["classes_per_year"].tolist() == [3, 4, 5]
    assert curve["children_served"].is_monotonic_increasing
    assert "tradeoff.csv" in res.output and "Set covering" in res.output


def test_the_map_draws_the_tradeoff_chart(tmp_path: Path):
    import shutil
    import subprocess

    folder = tmp_path / "o"
    res = runner.invoke(app, ["siting", "--out", str(folder), "--no-network", "--tradeoff",
                              "0-3"])
    assert res.exit_code == 0, res.output
    html = (folder / "siting_map.html").read_text(encoding="utf-8")
    m = re.search(r'<script id="siting-data" type="application/json">(.*?)</script>', html, re.S)
    doc = json.loads(m.group(1))
    assert [r[0] for r in doc["tradeoff"]["rows"]] == [0, 1, 2, 3]
    node = shutil.which("node")
    if node is None:
        return
    script = html.split('id="siting-data"')[1]
    page_script = script.split("<script>", 1)[1].split("</script>", 1)[0]
    harness = tmp_path / "run.js"
    harness.write_text(
        _NODE_HARNESS.replace("__DATA__", json.dumps(m.group(1))).replace(
            "__SCRIPT__", json.dumps(page_script)), encoding="utf-8")
    out = subprocess.run([node, str(harness)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    chart = [h for h in json.loads(out.stdout) if "取舍" in h]
    assert chart and "<polyline" in chart[0] and chart[0].count("<circle") == 4

