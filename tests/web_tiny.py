"""A tiny district for the browser tests ("测试区"): two streets, a handful of institutions,
inspectors, centers, staff, communities and kindergartens, so that every planner answers
in a second or two. Shapes unlike the bundled data's (other ids, names, coordinates)."""

from __future__ import annotations

import io
import json
import zipfile

DISTRICT = "测试区"

STREETS = [("A01", "东湖街道", "A02"), ("A02", "西山镇", "A01")]
# street -> (lon, lat) of its middle; the two streets side by side
MID = {"A01": (120.10, 30.30), "A02": (120.13, 30.30)}


def _csv(header: list[str], rows: list[list[object]]) -> str:
    out = [",".join(header)]
    out += [",".join("" if v is None else str(v) for v in r) for r in rows]
    return "\n".join(out) + "\n"


def _square(lon: float, lat: float, d: float = 0.015) -> list[list[list[float]]]:
    return [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d],
             [lon - d, lat - d]]]


def tables() -> dict[str, str]:
    """The dataset's files by name."""
    files: dict[str, str] = {}
    # the district's own working calendar: a holiday and an adjusted working day (调休上班,
    # a Saturday) of 2027, a year the built-in calendar knows no adjusted days of
    files["calendar.csv"] = _csv(["date", "kind", "name"],
                                 [["2027-03-05", "holiday", "测试节"],
                                  ["2027-03-06", "workday", "测试节调休上班"]])
    files["streets.csv"] = _csv(["street_id", "name", "neighbours"],
                                [list(s) for s in STREETS])
    files["streets.geojson"] = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"street_id": sid, "name": name},
         "geometry": {"type": "Polygon", "coordinates": _square(*MID[sid])}}
        for sid, name, _n in STREETS]}, ensure_ascii=False)
    lo = min(x for x, _ in MID.values()) - 0.02
    hi = max(x for x, _ in MID.values()) + 0.02
    files["district.geojson"] = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": DISTRICT},
         "geometry": {"type": "Polygon", "coordinates": [[[lo, 30.28], [hi, 30.28],
                                                          [hi, 30.32], [lo, 30.32],
                                                          [lo, 30.28]]]}}]},
        ensure_ascii=False)
    inst = []
    for i in range(6):
        sid = "A01" if i % 2 else "A02"
        lon, lat = MID[sid]
        inst.append([f"T{i:03d}", f"测试托育园{i}", sid, lon + 0.002 * i, lat + 0.001 * i,
                     "childcare_center", f"测试举办者{i}", "medium", "2020-01-01", "true"])
    files["institutions.csv"] = _csv(
        ["institution_id", "name", "street_id", "lon", "lat", "kind", "operator", "risk",
         "opened_on", "active"], inst)
    files["inspectors.csv"] = _csv(
        ["inspector_id", "name", "department", "street_id", "skills", "max_per_month",
         "max_per_day"],
        [["R1", "甲检查", "区托育指导中心", "", "safety;hygiene", 20, 2],
         ["R2", "乙检查", "区卫健委", "", "safety;hygiene", 20, 2],
         ["R3", "丙检查", "区市场监管局", "", "safety;hygiene;fire", 20, 2],
         ["R4", "丁检查", "东湖街道办", "A01", "safety;hygiene", 20, 2]])
    files["centers.csv"] = _csv(
        ["center_id", "name", "street_id", "lon", "lat", "kind", "sessions_per_year",
         "open_days", "capacity"],
        [["BC1", "东湖宝宝苑", "A01", 120.101, 30.301, "baby_center", 2, "Mon;Tue;Wed;Thu;Fri;Sat", 30],
         ["BC2", "西山宝宝苑", "A02", 120.131, 30.299, "baby_center", 2, "Mon;Tue;Wed;Thu;Fri;Sat", 30]])
    files["guidance_staff.csv"] = _csv(
        ["staff_id", "name", "discipline", "street_id", "max_per_month", "days"],
        [["S1", "赵老师", "education", "A01", 4, ""], ["S2", "钱医生", "medical", "A01", 4, ""],
         ["S3", "孙老师", "psychology", "A02", 4, ""], ["S4", "李老师", "education", "A02", 4, ""]])
    files["topics.csv"] = _csv(["topic_id", "name", "disciplines"],
                               [["P1", "科学喂养", "education;medical"],
                                ["P2", "亲子沟通", "education;psychology"]])
    comms = []
    for i in range(6):
        sid = "A01" if i % 2 else "A02"
        lon, lat = MID[sid]
        comms.append([f"Q{i:02d}", f"测试居委{i}", sid, lon + 0.003 * (i - 3), lat + 0.002 * i,
                      30 + 5 * i, 8])
    files["communities.csv"] = _csv(
        ["community_id", "name", "street_id", "lon", "lat", "pop_0_3", "births"], comms)
    files["kindergartens.csv"] = _csv(
        ["kindergarten_id", "name", "street_id", "lon", "lat", "public", "has_nursery",
         "nursery_seats", "spare_rooms"],
        [["KA", "东湖幼儿园", "A01", 120.100, 30.300, "true", "false", "", 2],
         ["KB", "西山幼儿园", "A02", 120.130, 30.300, "true", "false", "", 2],
         ["KC", "湖畔幼儿园", "A01", 120.095, 30.305, "true", "false", "", 1]])
    return files


def zipped(files: dict[str, str] | None = None) -> bytes:
    """The dataset (``files``, else :func:`tables`) as an upload's zip."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in sorted((files or tables()).items()):
            zf.writestr("tiny/" + name, text.encode("utf-8"))
    return buf.getvalue()
