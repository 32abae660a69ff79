"""Siting outputs: siting.geojson, coverage.csv, a Chinese workbook and an offline map page.

``write_siting_outputs(plan, folder)`` writes everything of a siting :class:`Plan` (its
``detail``: the optimizer's plan, the problem, the data) into ``folder`` (the caller stages
it: ``tuoyu.api.exports.output.staged``). Every word a planner reads is rendered through
``tuoyu.api.text``. The map page inlines Leaflet (vendored under ``static/vendor/leaflet``)
and its data, so it opens from a USB stick on an intranet; it contacts no other host (a
basemap only when the planner configures a tile server: ``TUOYU_MAP_TILES``). Names from the data (streets, communities, places) are inserted into
the page as text, never as HTML.
"""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from tuoyu.api.exports.tiles import tile_url
from tuoyu.api.exports.workbook import Book, Title, yes_no
from tuoyu.api.text import Lang, label, number, percent, render
from tuoyu.planning.plan import Plan
from tuoyu.planning.siting import TRADEOFF_HEADER as HEADER
from tuoyu.planning.siting import SitingDetail, SitingProblem, SitingResult, Tradeoff

VENDOR = Path(__file__).resolve().parents[1] / "web" / "static" / "vendor" / "leaflet"
SOURCE_ZH = {"provider": "现有托育点", "kindergarten": "幼儿园", "site": "候选新址"}


def _bool(v: bool) -> str:
    return "true" if v else "false"


def siting_geojson(plan: SitingResult, problem: SitingProblem | None = None) -> dict[str, Any]:
    """One feature per place and year where classes open (the contract's siting.geojson),
    with why: the children served and the communities they come from (with the
    community's name and lon/lat when ``problem`` is given, for the allocation lines)."""
    where: dict[str, dict[str, Any]] = {}
    if problem is not None:
        where = {cid: {"name": problem.community_names[i],
                       "lon": round(float(problem.community_lon[i]), 6),
                       "lat": round(float(problem.community_lat[i]), 6)}
                 for i, cid in enumerate(problem.community_ids)}
    features = []
    for o in plan.openings:
        key = {"site": "site_id", "kindergarten": "kindergarten_id"}.get(o.source, "place_id")
        props: dict[str, Any] = {
            "year": o.year,
            key: o.place_id,
            "classes": o.classes,
            "seats": o.seats,
            "name": o.name,
            "street_id": o.street_id,
            "source": o.source,
            "cumulative_classes": o.cumulative,
            "newly_within": o.newly_within,
            "children_served": o.children_served,
            "new_children": o.new_children,
            "communities": [{"community_id": c, "children": n, **where.get(c, {})}
                            for c, n in o.communities],
            "walk_m": o.walk_m,
            "best_alternative": ({"place_id": o.alternative_id, "name": o.alternative_name,
                                  "children": o.alternative_children,
                                  "waiting": o.alternative_waiting,
                                  "walk_m": o.alternative_walk_m}
                                 if o.alternative_id else None),
            "gain": o.gain,
            "integrated": o.integrated,
            "streets_covered": list(o.streets_covered),
        }
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": "Point", "coordinates": [o.lon, o.lat]}})
    return {"type": "FeatureCollection", "features": features}


def coverage_frame(plan: SitingResult) -> pd.DataFrame:
    """The contract's coverage.csv columns first, then street, unmet and the baseline."""
    cov = plan.coverage
    cols = ["community_id", "year", "demand", "served", "within_15_min", "street_id", "unmet",
            "served_before", "within_15_min_before"]
    out = cov[cols].copy()
    for c in ("within_15_min", "within_15_min_before"):
        out[c] = out[c].map(_bool)
    return out


def summary_dict(plan: Plan) -> dict[str, Any]:
    """``siting_summary.json``: status, objective, the yearly figures, targets, soft goals,
    findings (codes with their parameters, and the Chinese sentence) and the settings."""
    detail: SitingDetail = plan.detail
    sp, problem = detail.plan, detail.problem
    cfg = problem.config
    return {
        "model": sp.model,
        "solver": sp.solver,
        "status": str(plan.status),
        "proven_optimal": sp.proven_optimal,
        "objective": plan.objective,
        "bound": plan.bound,
        "gap": plan.gap,
        "build_seconds": round(sp.build_seconds, 3),
        "solve_seconds": round(sp.solve_seconds, 3),
        "years": list(problem.years),
        "served": {str(k): v for k, v in sp.served.items()},
        "served_before": {str(k): v for k, v in sp.served_before.items()},
        "demand": {str(k): v for k, v in sp.demand.items()},
        "within": {str(k): v for k, v in sp.within.items()},
        "within_before": {str(k): v for k, v in sp.within_before.items()},
        "new_classes": sum(o.classes for o in sp.openings),
        "tradeoff": detail.tradeoff.as_dict() if detail.tradeoff is not None else None,
        "walk": problem.walk(),
        "rules": sp.rules.as_dict() if sp.rules is not None else {},
        "targets": [t.as_dict() for t in plan.targets],
        "soft_goals": [g.as_dict() for g in plan.soft_goals],
        "stages": [st.as_dict() for st in plan.stages],
        "findings": [dict(f.as_dict(), text=render(f, "zh")) for f in plan.findings],
        "config": {
            "classes_per_year": list(cfg.classes_per_year),
            "seats_per_class": cfg.seats_per_class,
            "walk_m": cfg.access.reach_m,
            "speed_kmh": cfg.access.speed_kmh,
            "radius_m": cfg.access.radius_m,
            "circuity": cfg.access.circuity,
            "take_up": cfg.demand.take_up,
            "trend": cfg.demand.trend,
            "year_discount": cfg.weights.year_discount,
            "walk_weight": cfg.weights.walk_weight,
            "integrated_share": cfg.integrated_share,
        },
        "fingerprint": problem.fingerprint,
    }


def _info_rows(plan: Plan, lang: Lang = "zh") -> list[list[Any]]:
    """The 求解信息 sheet: model, status, objective, settings, targets, findings (the
    plan's figures said as on every face: ``figure_notes``)."""
    from tuoyu.api.exports.roster import figure_notes

    detail: SitingDetail = plan.detail
    sp, cfg = detail.plan, detail.problem.config
    rows: list[list[Any]] = [
        ["区", plan.district or "—"],
        ["模型", label(f"siting.model.{sp.model}", lang)],
        ["求解器", sp.solver],
        *[list(r) for r in figure_notes(plan, lang)],
        ["建模秒数", number(sp.build_seconds, 1)],
        ["求解秒数", number(sp.solve_seconds, 1)],
        ["步行范围（米）", number(cfg.access.reach_m)],
        ["每班托位", cfg.seats_per_class],
        ["每年新增班数", "{}–{}".format(*cfg.classes_per_year)],
        ["入托意愿率", percent(cfg.demand.take_up)],
        ["出生趋势（每年）", percent(cfg.demand.trend)],
    ]
    rows += [["说明", render(f, lang)] for f in plan.findings]
    return rows


def write_xlsx(plan: Plan, path: Path, lang: Lang = "zh") -> None:
    """The planner's workbook, in Chinese, every sheet printable: openings by year,
    streets before/after, unmet demand, the trade-off curve, the plan's figures."""

    detail: SitingDetail = plan.detail
    sp, problem = detail.plan, detail.problem
    years = sorted(problem.years)
    period = f"{years[0]}–{years[-1]}年" if len(years) > 1 else f"{years[0]}年"
    book = Book(path, Title(district=plan.district, plan=label("siting.name", lang),
                            period=period))
    pct = book.format(num_format="0.0%")

    names = dict(problem.streets)
    book.table("新增托班", ["年份", "编号", "名称", "类型", "街镇", "新增班数", "新增托位",
                        "累计班数", "新纳入15分钟圈的儿童", "当年服务儿童", "其中新班",
                        "服务的居委（编号:人数）", "未选中的最佳备选点", "备选点可服务",
                        "多服务"],
               [[o.year, o.place_id, o.name, SOURCE_ZH.get(o.source, o.source),
                 names.get(o.street_id, o.street_id), o.classes, o.seats, o.cumulative,
                 o.newly_within, o.children_served, o.new_children,
                 "、".join(f"{c}:{n}" for c, n in o.communities),
                 f"{o.alternative_name}（{o.alternative_id}）" if o.alternative_id else "",
                 o.alternative_children if o.alternative_id else "",
                 o.gain if o.gain is not None else ""]
                for o in sp.openings], cap=30)
    st = sp.streets
    rows = []
    for r in st.itertuples(index=False):
        dem = float(r.demand) or 1.0
        rows.append([r.year, r.street_id, r.name, int(r.demand), int(r.served_before),
                     int(r.served), int(r.served) - int(r.served_before),
                     float(r.reach_demand_before) / dem, float(r.reach_demand) / dem,
                     int(r.new_classes), int(r.unmet)])
    book.table("街镇覆盖", ["年份", "街镇编号", "街镇", "需求托位", "规划前服务人数",
                        "规划后服务人数", "新增服务人数", "规划前15分钟覆盖率",
                        "规划后15分钟覆盖率", "新增班数", "未满足需求"], rows,
               formats={7: pct, 8: pct})
    cov = sp.coverage
    last = cov[cov["year"] == max(problem.years)]
    unmet = last[last["unmet"] > 0].sort_values("unmet", ascending=False)
    book.table("未满足需求", ["居委编号", "名称", "街镇", "年份", "需求托位", "已服务", "未满足",
                         "15分钟内有托位"],
               [[r.community_id, r.name, names.get(r.street_id, r.street_id), r.year,
                 int(r.demand), int(r.served), int(r.unmet), yes_no(r.within_15_min)]
                for r in unmet.itertuples(index=False)])
    curve = detail.tradeoff
    if curve is not None:
        book.table("取舍曲线", ["每年新增班数", f"{curve.year}年服务儿童", "15分钟圈内儿童",
                            "15分钟圈内居委", "求解状态"],
                   [["" if v is None else v for v in r.values()[:4]]
                    + [label(f"siting.tradeoff.status.{r.status}", lang)] for r in curve.rows],
                   filter=False)
    book.table("求解信息", ["项目", "内容"], _info_rows(plan, lang), cap=90, filter=False)
    book.close()


def _leaflet_css() -> str:
    css = (VENDOR / "leaflet.css").read_text(encoding="utf-8")

    def inline(m: re.Match[str]) -> str:
        name = m.group(1)
        f = VENDOR / "images" / name
        if not f.exists():
            return m.group(0)
        return f"url(data:image/png;base64,{base64.b64encode(f.read_bytes()).decode()})"

    return re.sub(r"url\(images/([\w.-]+)\)", inline, css)


def _tradeoff_data(curve: Tradeoff | None) -> dict[str, Any] | None:
    """The trade-off for the map's chart (numbers only)."""
    if curve is None:
        return None
    return {"year": curve.year, "demand": curve.demand, "cover_classes": curve.cover_classes,
            "unreachable": len(curve.unreachable),
            "rows": [[r.classes_per_year, r.children_served, r.children_within_15_min,
                      r.communities_within_15_min, r.status] for r in curve.rows]}


def map_data(plan: Plan) -> dict[str, Any]:
    """What the map page shows, as one JSON document embedded in the page."""
    detail: SitingDetail = plan.detail
    sp, problem, data = detail.plan, detail.problem, detail.data
    streets: dict[str, Any] = {"type": "FeatureCollection", "features": []}
    names = dict(problem.streets)
    if data.street_polygons is not None:
        for _, r in data.street_polygons.iterrows():
            sid = str(r.get("street_id", ""))
            streets["features"].append({
                "type": "Feature",
                "properties": {"street_id": sid, "name": names.get(sid, str(r.get("name", "")))},
                "geometry": json.loads(json.dumps(r.geometry.__geo_interface__)),
            })
    last = max(problem.years)
    cov = sp.coverage[sp.coverage["year"] == last]
    comms = [[r.community_id, r.name, names.get(r.street_id, r.street_id),
              round(float(problem.community_lon[i]), 6), round(float(problem.community_lat[i]), 6),
              int(r.demand), int(r.served), int(r.unmet)]
             for i, r in enumerate(cov.itertuples(index=False))]
    existing = [[p.place_id, p.name, SOURCE_ZH.get(p.source, p.source), round(p.lon, 6),
                 round(p.lat, 6), p.existing_seats, p.inclusive_now]
                for p in problem.places if p.existing_seats > 0]
    openings = [[o.place_id, o.name, names.get(o.street_id, o.street_id), o.year, o.classes,
                 o.seats, round(o.lon, 6), round(o.lat, 6), o.newly_within, o.cumulative,
                 o.children_served, [[c, n] for c, n in o.communities],
                 [o.alternative_id, o.alternative_name, o.alternative_children,
                  o.alternative_walk_m] if o.alternative_id else None, o.gain, o.new_children,
                 o.walk_m, o.integrated, [names.get(s, s) for s in o.streets_covered]]
                for o in sp.openings]
    where = {problem.community_ids[i]: [round(float(problem.community_lat[i]), 6),
                                        round(float(problem.community_lon[i]), 6),
                                        problem.community_names[i]]
             for i in range(len(problem.community_ids))}
    return {
        "years": list(problem.years),
        "last_year": last,
        "catchment_m": problem.config.access.crow_m,
        "walk_m": problem.config.access.reach_m,
        "streets": streets,
        "communities": comms,
        "existing": existing,
        "openings": openings,
        "community_at": where,
        "tradeoff": _tradeoff_data(detail.tradeoff),
        "walk": problem.walk(),
        "status": label(f"status.{plan.status}", "zh"),
        "gap": plan.gap,
        "served": {str(k): v for k, v in sp.served.items()},
        "demand": {str(k): v for k, v in sp.demand.items()},
        "district": detail.district,
        "title": f"{detail.district}公办托班选址方案",
    }


PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>__LEAFLET_CSS__</style>
<style>
html, body { height: 100%; margin: 0; font-family: "Microsoft YaHei", "PingFang SC", sans-serif; }
#map { position: absolute; top: 0; bottom: 0; left: 0; right: 0; background: #f4f4f0; }
.panel { background: #fff; padding: 8px 10px; border-radius: 4px; box-shadow: 0 1px 4px #0004;
         font-size: 13px; line-height: 1.5; max-width: 280px; }
.sw { display: inline-block; width: 12px; height: 12px; border-radius: 6px; margin-right: 4px;
      vertical-align: middle; }
</style>
</head>
<body>
<div id="map"></div>
<script>__LEAFLET_JS__</script>
<script id="siting-data" type="application/json">__DATA__</script>
<script>
(function () {
  var D = JSON.parse(document.getElementById('siting-data').textContent);
  // Names come from the data: always inserted as text, never as HTML.
  function esc(v) {
    return String(v === null || v === undefined ? '' : v).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }
  var map = L.map('map', {preferCanvas: true, zoomControl: false});
  L.control.zoom({zoomInTitle: '放大', zoomOutTitle: '缩小'}).addTo(map);
  map.attributionControl.setPrefix(false);
  var overlays = {};
  var streets = L.geoJSON(D.streets, {
    style: {color: '#555', weight: 1.5, fill: true, fillOpacity: 0.03},
    onEachFeature: function (f, l) { l.bindTooltip(esc(f.properties.name), {sticky: true}); }
  }).addTo(map);
  overlays['街镇边界'] = streets;
  function colour(unmet) {
    return unmet <= 0 ? '#1a9850' : unmet < 10 ? '#fee08b' : unmet < 30 ? '#fc8d59' : '#d73027';
  }
  var comms = L.layerGroup();
  D.communities.forEach(function (c) {
    L.circleMarker([c[4], c[3]], {radius: 3 + Math.min(8, Math.sqrt(c[5])), weight: 0.5,
      color: '#333', fillColor: colour(c[7]), fillOpacity: 0.85})
      .bindPopup('<b>' + esc(c[1]) + '</b>（' + esc(c[2]) + '）<br>' + esc(D.last_year) +
                 '年需求托位：' + esc(c[5]) + '<br>已服务：' + esc(c[6]) + '<br>未满足：' +
                 esc(c[7])).addTo(comms);
  });
  comms.addTo(map);
  overlays['居委（按未满足需求着色）'] = comms;
  var existing = L.layerGroup();
  D.existing.forEach(function (p) {
    L.circleMarker([p[4], p[3]], {radius: 4, weight: 1, color: p[6] ? '#2166ac' : '#777',
      fillColor: p[6] ? '#67a9cf' : '#bbb', fillOpacity: 0.9})
      .bindPopup('<b>' + esc(p[1]) + '</b><br>' + esc(p[2]) + '，现有托位 ' + esc(p[5]) +
                 (p[6] ? '（普惠）' : '')).addTo(existing);
  });
  existing.addTo(map);
  overlays['现有托位'] = existing;
  function why(o, y) {
    var served = o[11].slice(0, 8).map(function (c) {
      var at = D.community_at[c[0]];
      return esc(at ? at[2] : c[0]) + '（' + esc(c[0]) + '）' + esc(c[1]) + ' 名';
    });
    var more = o[11].length > 8 ? '等 ' + esc(o[11].length) + ' 个居委' : '';
    var alt = o[12] ? '未选中的最佳备选点 ' + esc(o[12][1]) + '（' + esc(o[12][0]) +
      '）以同样班数最多可服务 ' + esc(o[12][2]) + ' 名' + (o[12][3] !== null ? '（平均步行 ' +
      esc(o[12][3]) + ' 米）' : '') + (o[13] >= 0 ? '，本点多 ' + esc(o[13]) + ' 名。' :
      '；单看这一点备选多 ' + esc(-o[13]) + ' 名，但本方案整体服务更多。')
      : '当年已没有未选中的可用候选点。';
    var rules = (o[16] ? '<br>首个托班，计入托幼一体。' : '') + (o[17].length ?
      '<br>使街镇 ' + o[17].map(esc).join('、') + ' 首次有普惠托位在步行范围内。' : '');
    return '<b>' + esc(o[1]) + '</b>（' + esc(o[2]) + '）<br>' + esc(y) + '年新增 ' +
      esc(o[4]) + ' 个班，' + esc(o[5]) + ' 个托位（累计 ' + esc(o[9]) + ' 个班）<br>' +
      '选址理由：' + (o[8] > 0 ? '使 ' + esc(o[8]) + ' 名儿童首次进入15分钟步行服务圈；'
                                : '为步行圈内尚未满足的需求增加托位；') +
      '当年服务 ' + esc(o[10]) + ' 名儿童（新班 ' + esc(o[14]) + ' 名' +
      (o[15] !== null ? (o[15] < 50 ? '，平均步行不到 50 米' : '，平均步行 ' + esc(o[15]) +
        ' 米') : '') + '）：' +
      served.join('、') + more + '<br>' + alt + rules;
  }
  function lines(o, col, g) {
    o[11].forEach(function (c) {
      var at = D.community_at[c[0]];
      if (!at) { return; }
      L.polyline([[o[7], o[6]], [at[0], at[1]]], {color: col, weight: 1 + Math.min(5,
        Math.sqrt(c[1])), opacity: 0.7}).bindTooltip(esc(at[2]) + '：' + esc(c[1]) + ' 名',
        {sticky: true}).addTo(g);
    });
  }
  var yearColours = ['#7b3294', '#e66101', '#008837', '#0571b0', '#ca0020'];
  D.years.forEach(function (y, k) {
    var g = L.layerGroup();
    D.openings.filter(function (o) { return o[3] === y; }).forEach(function (o) {
      var col = yearColours[k % yearColours.length];
      L.circle([o[7], o[6]], {radius: D.catchment_m, color: col, weight: 1, fillOpacity: 0.06,
        dashArray: '4 4'}).addTo(g);
      lines(o, col, g);
      L.circleMarker([o[7], o[6]], {radius: 7, color: '#000', weight: 1, fillColor: col,
        fillOpacity: 1}).bindPopup(why(o, y)).addTo(g);
    });
    g.addTo(map);
    overlays[esc(y) + '年新增托班、服务圈及服务的居委（连线）'] = g;
  });
  var control = L.control.layers({}, overlays, {collapsed: false}).addTo(map);
  control.getContainer().querySelector('.leaflet-control-layers-toggle').title = '图层';
  var b = streets.getBounds();
  if (b.isValid()) { map.fitBounds(b); } else if (D.communities.length) {
    map.fitBounds(D.communities.map(function (c) { return [c[4], c[3]]; }));
  } else { map.setView([31.40, 121.43], 12); }
  var legend = L.control({position: 'bottomleft'});
  legend.onAdd = function () {
    var d = L.DomUtil.create('div', 'panel');
    var lines = ['<b>' + esc(D.title) + '</b>',
      '求解状态：' + esc(D.status),
      '服务圈：步行 ' + Math.round(D.walk_m) + ' 米，' + (D.walk.kind === 'network'
        ? '按路网步行距离计算（虚线圆仅为直线 ' + Math.round(D.catchment_m) + ' 米示意）'
        : D.walk.kind === 'mixed'
        ? esc(D.walk.pairs) + ' 对居委—托位中 ' + esc(D.walk.pairs_on_network) +
          ' 对按路网计算，其余以直线 × ' + esc(D.walk.circuity) + ' 近似（虚线圆为直线 ' +
          Math.round(D.catchment_m) + ' 米）'
        : (D.walk.kind === 'off_network' ? '路网未覆盖任何居委—托位，'
                                          : '无路网，') +
          '以直线距离 × ' + esc(D.walk.circuity) + ' 近似（虚线圆为直线 ' +
          Math.round(D.catchment_m) + ' 米）')];
    D.years.forEach(function (y) {
      lines.push(esc(y) + '年：服务 ' + Math.round(D.served[y]) + ' / 需求 ' +
        Math.round(D.demand[y]));
    });
    lines.push('<span class="sw" style="background:#1a9850"></span>需求已满足 ' +
      '<span class="sw" style="background:#fee08b"></span>&lt;10 ' +
      '<span class="sw" style="background:#fc8d59"></span>&lt;30 ' +
      '<span class="sw" style="background:#d73027"></span>≥30 未满足');
    d.innerHTML = lines.join('<br>');
    return d;
  };
  legend.addTo(map);
  if (D.tradeoff) {
    var chart = L.control({position: 'bottomright'});
    chart.onAdd = function () {
      var d = L.DomUtil.create('div', 'panel');
      d.innerHTML = tradeoffChart(D.tradeoff);
      return d;
    };
    chart.addTo(map);
  }
  function tradeoffChart(T) {
    // numbers only (and our own status words, escaped): no name reaches this panel
    var rows = T.rows.filter(function (r) { return r[1] !== null; });
    var w = 260, h = 120, pad = 28;
    var ks = rows.map(function (r) { return r[0]; });
    var lo = Math.min.apply(null, rows.map(function (r) { return r[1]; }));
    var hi = Math.max.apply(null, rows.map(function (r) { return r[1]; }));
    var kmin = Math.min.apply(null, ks), kmax = Math.max.apply(null, ks);
    function x(k) { return pad + (w - 2 * pad) * (kmax > kmin ? (k - kmin) / (kmax - kmin) : 0); }
    function y(v) { return h - pad + (pad - h + 8) * (hi > lo ? (v - lo) / (hi - lo) : 0); }
    var pts = rows.map(function (r) { return x(r[0]).toFixed(1) + ',' + y(r[1]).toFixed(1); });
    var dots = rows.map(function (r) {
      return '<circle cx="' + x(r[0]).toFixed(1) + '" cy="' + y(r[1]).toFixed(1) +
        '" r="2.5" fill="' + (r[4] === 'optimal' ? '#2166ac' : '#d73027') + '"><title>' +
        esc(r[0]) + ' 个班/年：服务 ' + esc(r[1]) + ' 名，圈内 ' + esc(r[2]) + ' 名（' +
        esc(r[4]) + '）</title></circle>';
    });
    return '<b>取舍：每年新增班数与' + esc(T.year) + '年服务儿童</b><br>' +
      '<svg width="' + w + '" height="' + h + '"><polyline fill="none" stroke="#2166ac" ' +
      'points="' + pts.join(' ') + '"/>' + dots.join('') +
      '<text x="' + pad + '" y="' + (h - 8) + '" font-size="10">' + esc(kmin) + '</text>' +
      '<text x="' + (w - 2) + '" y="' + (h - 8) + '" font-size="10" text-anchor="end">' +
      esc(kmax) +
      ' 班/年</text><text x="2" y="12" font-size="10">' + esc(hi) + '</text>' +
      '<text x="2" y="' + (h - pad) + '" font-size="10">' + esc(lo) + '</text></svg><br>' +
      (T.cover_classes !== null ? '集合覆盖：至少 ' + esc(T.cover_classes) +
        ' 个新班可让候选点能覆盖的居委全部进入15分钟服务圈' : '') +
      (T.unreachable ? '；' + esc(T.unreachable) + ' 个居委附近没有候选点' : '');
  }
  // A basemap only when the planner configured one (TUOYU_MAP_TILES, e.g. the
  // intranet's tile server): opening the page contacts no other host.
  var TILE = __TILE__;
  if (TILE) {
    var base = L.tileLayer(TILE, {maxZoom: 19});
    base.addTo(map);
    base.bringToBack();
    control.addBaseLayer(base, '底图');
  }
})();
</script>
</body>
</html>
"""


def _json_for_script(doc: Any) -> str:
    """JSON safe inside a <script> element: no raw ``<``, ``>`` or ``&`` at all."""
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def map_html(plan: Plan) -> str:
    """The self-contained map page: Leaflet, styles and data all inline; a remote
    basemap only when one is configured (:func:`tile_url`)."""
    js = (VENDOR / "leaflet.js").read_text(encoding="utf-8")
    js = js.replace("</script", "<\\/script")
    data = map_data(plan)
    return (PAGE.replace("__TITLE__", html.escape(data["title"]))
            .replace("__LEAFLET_CSS__", _leaflet_css())
            .replace("__TILE__", _json_for_script(tile_url()))
            .replace("__LEAFLET_JS__", js).replace("__DATA__", _json_for_script(data)))


FILES = ("siting.geojson", "coverage.csv", "siting.xlsx", "siting_map.html",
         "siting_summary.json")
TRADEOFF_FILE = "tradeoff.csv"


def files_of(plan: Plan) -> tuple[str, ...]:
    """The files :func:`write_siting_outputs` writes for this plan."""
    detail = plan.detail
    extra = (TRADEOFF_FILE,) if getattr(detail, "tradeoff", None) is not None else ()
    return FILES + extra


def write_tradeoff_csv(curve: Tradeoff, path: Path) -> None:
    """``tradeoff.csv``: one row per classes-a-year value (header :data:`HEADER`)."""
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(r.as_csv() for r in curve.rows)


def write_siting_outputs(plan: Plan, folder: Path) -> list[Path]:
    """Write every output of a siting plan (one with ``detail``) into ``folder``; returns
    the paths written."""
    detail: SitingDetail = plan.detail
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    p = folder / "siting.geojson"
    p.write_text(json.dumps(siting_geojson(detail.plan, detail.problem), ensure_ascii=False, indent=1),
                 encoding="utf-8")
    out.append(p)
    p = folder / "coverage.csv"
    coverage_frame(detail.plan).to_csv(p, index=False, encoding="utf-8")
    out.append(p)
    p = folder / "siting_summary.json"
    p.write_text(json.dumps(summary_dict(plan), ensure_ascii=False, indent=1, default=str),
                 encoding="utf-8")
    out.append(p)
    p = folder / "siting.xlsx"
    write_xlsx(plan, p)
    out.append(p)
    p = folder / "siting_map.html"
    p.write_text(map_html(plan), encoding="utf-8")
    out.append(p)
    if detail.tradeoff is not None:
        p = folder / TRADEOFF_FILE
        write_tradeoff_csv(detail.tradeoff, p)
        out.append(p)
    return out


def write_plan(plan: Plan, folder: Path, lang: Lang = "zh") -> None:
    """Every file of a siting plan into ``folder`` (the runner publishes it whole)."""
    write_siting_outputs(plan, folder)
