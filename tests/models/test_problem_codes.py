"""Every located input problem can be said in Chinese: each ``Problem(...)`` built in
the package carries a message code, every code it names is in the catalogue, and the
new ones read as plain Chinese."""

from __future__ import annotations

import ast
import json
import re
import stat
import zipfile
from pathlib import Path

import pytest

from tuoyu.api.text import CATALOGUE, render_problem
from tuoyu.models.errors import DataError, Problem

PACKAGE = Path(__file__).resolve().parents[2] / "tuoyu"

#: files whose problems are not coded yet (none)
SKIP: set[str] = set()


def _problem_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in SKIP:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "Problem":
                calls.append((f"tuoyu/{rel}:{node.lineno}", node))
    return calls


def test_every_problem_has_a_code() -> None:
    calls = _problem_calls()
    assert len(calls) > 30  # the scan finds them
    uncoded = [where for where, call in calls
               if not any(k.arg in ("code", None) for k in call.keywords)]  # None: **kwargs
    assert not uncoded, "Problem(...) without code=: " + ", ".join(uncoded)


def test_every_code_named_is_in_the_catalogue() -> None:
    named: dict[str, str] = {}
    for where, call in _problem_calls():
        for k in call.keywords:
            if k.arg == "code" and isinstance(k.value, ast.Constant):
                named[k.value.value] = where
    assert named
    unknown = {code: where for code, where in named.items() if code not in CATALOGUE}
    assert not unknown, unknown


def test_codes_chosen_in_code_are_in_the_catalogue_too() -> None:
    """Codes picked by a branch (``code=bad[1]``, ``code=code``) are string constants
    elsewhere in the module: every whole ``input.*`` constant is in the catalogue."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("api/text/") or rel in SKIP:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and re.fullmatch(r"input\.[a-z_]+", node.value)):
                found[node.value] = f"tuoyu/{rel}:{node.lineno}"
    unknown = {code: where for code, where in found.items()
               if code not in CATALOGUE and code + "_more" not in CATALOGUE}
    assert not unknown, unknown


def _english(text: str, *allowed: str) -> list[str]:
    """Latin words left in a Chinese sentence once the names it must keep (file and
    column names, CRS codes) are taken out."""
    for name in allowed:
        text = text.replace(name, "")
    text = re.sub(r"EPSG:\d+|WGS ?84", "", text)
    return re.findall(r"[A-Za-z]{2,}", text)


def _one(err: pytest.ExceptionInfo[DataError]) -> Problem:
    assert len(err.value.problems) == 1, err.value.problems
    return err.value.problems[0]


def test_a_geojson_in_the_wrong_crs_is_said_in_chinese(tmp_path: Path) -> None:
    from tuoyu.models.reader import read_geojson_polygons

    doc = {"type": "FeatureCollection",
           "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
           "features": [{"type": "Feature", "properties": {"street_id": "S1"},
                         "geometry": {"type": "Point", "coordinates": [13500000.0, 3640000.0]}}]}
    (tmp_path / "streets.geojson").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_geojson_polygons(tmp_path / "streets.geojson")
    p = _one(err)
    assert p.code == "input.wrong_crs" and p.message == "wrong coordinate reference system"
    zh = render_problem(p, "zh")
    assert zh == "streets.geojson：坐标参考系是 EPSG:3857，应为 WGS84 经纬度（EPSG:4326）", zh
    assert not _english(zh, "streets.geojson")
    assert render_problem(p, "en") == str(p)  # English stays the English words


def test_a_zip_holding_a_link_is_said_in_chinese(tmp_path: Path) -> None:
    from tuoyu.api.service.datasets import unpack_zip

    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("shortcut.csv")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
        zf.writestr("../up.csv", "a,b\n")
    with pytest.raises(DataError) as err:
        unpack_zip(archive, tmp_path / "out", 10**6)
    by_code = {p.code: p for p in err.value.problems}
    assert set(by_code) == {"input.zip_link", "input.zip_parent_path"}
    link = render_problem(by_code["input.zip_link"], "zh")
    assert link == "shortcut.csv：压缩包里有链接，未解压任何文件；压缩包内只能放普通文件", link
    up = render_problem(by_code["input.zip_parent_path"], "zh")
    assert up.startswith("../up.csv：压缩包里有带“..”的路径，未解压任何文件"), up
    assert not _english(link, "shortcut.csv") and not _english(up, "up.csv")
    assert not (tmp_path / "out").exists()


def test_a_sessions_table_missing_a_column_is_said_in_chinese(tmp_path: Path) -> None:
    from tuoyu.models.reader import read_tables

    (tmp_path / "center_closures.csv").write_text("场所编号,开始,原因\nC1,2027-03-01,装修\n",
                                                  encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_tables(tmp_path, ("center_closures",))
    p = _one(err)
    assert p.code == "input.missing_column" and p.params["name"] == "end"
    zh = render_problem(p, "zh")
    assert zh == "center_closures.csv，“end”列：缺少必需的列“end”；应为：日期，格式 YYYY-MM-DD", zh
    assert not _english(zh, "center_closures.csv", "end", "YYYY-MM-DD")


def test_a_closure_ending_before_it_starts_is_said_in_chinese(tmp_path: Path) -> None:
    from tuoyu.models.reader import read_tables

    (tmp_path / "center_closures.csv").write_text(
        "center_id,start,end\nC1,2027-03-10,2027-03-01\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_tables(tmp_path, ("center_closures",))
    zh = render_problem(_one(err), "zh")
    assert zh == ("center_closures.csv，第 2 行，“end”列：结束日期早于开始日期，"
                  "应为 2027-03-10 当天或之后，实际为“2027-03-01”"), zh


def test_a_forecast_without_population_or_demand_is_said_in_chinese(tmp_path: Path) -> None:
    from tuoyu.models.siting import read_forecast

    (tmp_path / "forecast.csv").write_text("编号,年份\nC1,2027\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_forecast(tmp_path / "forecast.csv", {"C1"})
    p = _one(err)
    assert p.code == "input.forecast_no_measure"
    zh = render_problem(p, "zh")
    assert "既没有“pop_0_3”（0-3岁人口）列，也没有“demand”（需求托位）列" in zh, zh
    assert not _english(zh, "forecast.csv", "pop_0_3", "demand")


def test_a_bad_forecast_number_says_its_lower_bound(tmp_path: Path) -> None:
    from tuoyu.models.siting import read_forecast

    (tmp_path / "forecast.csv").write_text("community_id,year,demand\nC1,2027,-5\n",
                                           encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_forecast(tmp_path / "forecast.csv", {"C1"})
    zh = render_problem(_one(err), "zh")
    assert zh == ("forecast.csv，第 2 行，“demand”列：数值不正确；应为：数字，不小于 0，"
                  "实际为“-5”"), zh


def test_what_the_sentence_already_names_is_not_said_twice() -> None:
    p = Problem("institutions.csv", "duplicate id 'I7' (first on row 2)", row=5,
                column="institution_id", expected="each id once", got="I7",
                code="input.duplicate_id", params={"id": "I7", "first_row": 2})
    zh = render_problem(p, "zh")
    assert zh.endswith("编号“I7”重复（首次出现在第 2 行）") and "实际为" not in zh, zh


def test_a_value_worded_in_each_language_is_said_in_the_readers() -> None:
    p = Problem("draw.json", "field 'seed': Input should be a valid integer", got="x",
                code="input.record_field",
                params={"field": "seed", "reason": {"zh": "应为整数", "en": "not an integer"}})
    assert render_problem(p, "zh") == "draw.json：抽查记录的字段“seed”不正确：应为整数，实际为“x”"


def test_the_upload_itself_is_named_in_chinese(tmp_path: Path) -> None:
    from tuoyu.api.service.datasets import unpack_zip

    (tmp_path / "x.zip").write_bytes(b"not a zip at all")
    with pytest.raises(DataError) as err:
        unpack_zip(tmp_path / "x.zip", tmp_path / "out", 10**6)
    p = _one(err)
    assert p.file == "upload" and str(p).startswith("upload: the file is not a zip archive")
    zh = render_problem(p, "zh")
    assert zh == "上传的文件：文件不是 zip 压缩包（应为 .zip 或 .xlsx 文件）", zh
