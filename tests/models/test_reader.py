"""The reader: every class of bad input gets a message naming the file, the row, the column
and what was expected; and the forms a planner's own files come in (BOM, GB18030, Chinese
headers, .xlsx sheets, GeoJSON) load the same data as the plain CSVs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tuoyu.api.text import render_problem
from tuoyu.data import BUNDLED
from tuoyu.models.errors import DataError, Problem
from tuoyu.models.inspection import load_inspection_data
from tuoyu.models.reader import read_tables
from tuoyu.models.schema import ROSTER_TABLES

DATA = BUNDLED
ROSTER_FILES = [f"{name}.csv" for name in ROSTER_TABLES]
BASE = ("streets", "institutions", "inspectors")


def dataset(tmp: Path, files: list[str] = ROSTER_FILES) -> Path:
    """A copy of the named files of the bundled Baoshan dataset in ``tmp``."""
    folder = tmp / "data"
    folder.mkdir()
    for name in files:
        shutil.copy(DATA / name, folder / name)
    return folder


def frame(name: str) -> pd.DataFrame:
    """A bundled table as text, exactly as written."""
    return pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)


def write(folder: Path, name: str, df: pd.DataFrame, encoding: str = "utf-8") -> None:
    df.to_csv(folder / f"{name}.csv", index=False, encoding=encoding)


def problems_of(folder: Path, names: tuple[str, ...] = ROSTER_TABLES) -> list[Problem]:
    with pytest.raises(DataError) as err:
        read_tables(folder, names)
    assert err.value.problems, "a DataError must carry its problems"
    return err.value.problems


def only(problems: list[Problem], **match: object) -> Problem:
    """The one problem whose fields equal ``match``."""
    found = [p for p in problems if all(getattr(p, k) == v for k, v in match.items())]
    assert len(found) == 1, f"expected one problem with {match}, got: {[str(p) for p in problems]}"
    return found[0]


def assert_names(p: Problem, file: str, row: int | None, column: str | None, *expected: str):
    """The message names the file, the row, the column and what was expected."""
    text = str(p)
    assert p.file == file and text.startswith(file)
    assert p.row == row
    if row is not None:
        assert f"row {row}" in text
    assert p.column == column
    if column is not None:
        assert f"column '{column}'" in text
    assert p.expected is not None and "expected " + p.expected in text
    for word in expected:
        assert word in text, f"{word!r} not in {text!r}"


# --- bad input ---------------------------------------------------------------------------


def test_missing_required_file(tmp_path: Path) -> None:
    folder = dataset(tmp_path, [f for f in ROSTER_FILES if f != "institutions.csv"])
    p = only(problems_of(folder), file="institutions.csv")
    assert_names(p, "institutions.csv", None, None, "institutions.csv", ".xlsx")
    assert "required table 'institutions'" in p.message and "托育机构" in p.message


def test_missing_column(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    write(folder, "institutions", frame("institutions").drop(columns="kind"))
    p = only(problems_of(folder), column="kind")
    assert_names(p, "institutions.csv", None, "kind", "childcare_center", "community_point")
    assert "missing" in p.message and "类型" in p.message  # the alias a planner may use


def test_institution_with_unknown_street(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    df = frame("institutions")
    df.loc[4, "street_id"] = "310113999"
    write(folder, "institutions", df)
    p = only(problems_of(folder), got="310113999")
    assert_names(p, "institutions.csv", 6, "street_id", "street_id listed in streets.csv")
    assert "refers to nothing" in p.message


def test_inspection_with_unknown_inspector_in_list(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    df = frame("inspections")
    first = df.loc[2, "inspector_ids"].split(";")[0]
    df.loc[2, "inspector_ids"] = f"{first};JC999"
    write(folder, "inspections", df)
    p = only(problems_of(folder), got="JC999")
    assert_names(p, "inspections.csv", 4, "inspector_ids", "inspector_id listed in inspectors.csv")
    assert "JC999" in p.message


def test_neighbour_that_is_not_a_street(tmp_path: Path) -> None:
    """A typo in a street's neighbours (a street the table does not hold) is named, not
    silently a street nobody can reach."""
    folder = dataset(tmp_path)
    df = frame("streets")
    df.loc[1, "neighbours"] = df.loc[1, "neighbours"] + ";310113999"
    write(folder, "streets", df)
    p = only(problems_of(folder), got="310113999")
    assert_names(p, "streets.csv", 3, "neighbours", "street_id listed in streets.csv")


def test_row_with_more_cells_than_the_header(tmp_path: Path) -> None:
    """A row with a cell too many (a comma in an unquoted name) is named by its row, in
    the reader's words; when every row has them, the columns are not silently shifted
    (a first column taken as the row's label) into thousands of false problems."""
    folder = dataset(tmp_path)
    path = folder / "institutions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    one = lines[:4] + [lines[4] + ",多余"] + lines[5:]
    path.write_text("\n".join(one) + "\n", encoding="utf-8")
    p = only(problems_of(folder), file="institutions.csv")
    assert_names(p, "institutions.csv", 5, None, "10 cells, as many as the header")
    assert "11 cells" in p.message and p.code == "input.row_too_long"
    assert "多于表头的 10 列" in render_problem(p, "zh")
    every = lines[:1] + [line + ",x,y" for line in lines[1:]]
    path.write_text("\n".join(every) + "\n", encoding="utf-8")
    probs = [p for p in problems_of(folder) if p.file == "institutions.csv"]
    assert len(probs) == 1 and probs[0].row == 2 and "12 cells" in probs[0].message


def test_header_naming_a_column_twice(tmp_path: Path) -> None:
    """Two columns headed 'name': named, not the second silently ignored."""
    folder = dataset(tmp_path)
    df = frame("institutions")
    path = folder / "institutions.csv"
    text = df.to_csv(index=False)
    lines = text.splitlines()
    lines = [lines[0] + ",name"] + [line + ",另一个名称" for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = only(problems_of(folder), file="institutions.csv")
    assert p.code == "input.column_twice" and p.column == "name"
    assert "“name”列出现了两次" in render_problem(p, "zh")


def test_an_id_with_an_invisible_character(tmp_path: Path) -> None:
    """'JG0002' followed by a zero-width space (pasted from a web page) looks like
    'JG0002': refused by its row and column, the character named."""
    folder = dataset(tmp_path)
    df = frame("institutions")
    df.loc[2, "institution_id"] = df.loc[1, "institution_id"] + "\u200b"
    write(folder, "institutions", df)
    p = only(problems_of(folder), code="input.bad_character")
    assert p.file == "institutions.csv" and p.row == 4 and p.column == "institution_id"
    assert "U+200B" in render_problem(p, "zh") and "不可见" in render_problem(p, "zh")


def test_a_column_name_with_an_invisible_character(tmp_path: Path) -> None:
    """A header 'active' followed by a NUL matched no column: the column was silently
    unread (every institution open, whatever it said) and the NUL kept in the stored
    table. Refused by its row 1 and its column, the character named and shown."""
    folder = dataset(tmp_path)
    df = frame("institutions").rename(columns={"active": "active\x00"})
    write(folder, "institutions", df)
    p = only(problems_of(folder), code="input.bad_character")
    assert p.file == "institutions.csv" and p.row == 1 and p.column == "active\\u0000"
    assert "U+0000" in render_problem(p, "zh") and "\x00" not in render_problem(p, "zh")


def test_empty_file(tmp_path: Path) -> None:
    """A required table saved empty (0 bytes) is one problem, "the table is empty", not a
    missing-column problem per column; an optional one saved empty holds no rows."""
    folder = dataset(tmp_path)
    (folder / "institutions.csv").write_bytes(b"")
    (folder / "conflicts.csv").write_bytes(b"\r\n")
    probs = problems_of(folder)
    assert [p.file for p in probs] == ["institutions.csv"]
    assert_names(probs[0], "institutions.csv", None, None, "at least one row")
    (folder / "institutions.csv").write_bytes((DATA / "institutions.csv").read_bytes())
    assert read_tables(folder, ROSTER_TABLES)["conflicts"].empty


def test_bad_date(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    df = frame("institutions")
    df.loc[0, "opened_on"] = "2021-02-30"
    df.loc[1, "opened_on"] = "23/10/2015"
    write(folder, "institutions", df)
    probs = problems_of(folder)
    assert_names(
        only(probs, row=2), "institutions.csv", 2, "opened_on", "YYYY-MM-DD", "'2021-02-30'"
    )
    assert_names(
        only(probs, row=3), "institutions.csv", 3, "opened_on", "YYYY-MM-DD", "'23/10/2015'"
    )


def test_value_outside_its_list(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    df = frame("institutions")
    df.loc[1, "risk"] = "hgih"
    write(folder, "institutions", df)
    p = only(problems_of(folder), column="risk")
    assert str(p) == (
        "institutions.csv, row 3, column 'risk': a value is not valid; "
        "expected one of low, medium, high, got 'hgih'"
    )


def test_a_choice_written_as_a_planner_writes_it_in_chinese(tmp_path: Path) -> None:
    """A planner's Excel says 高 / 高风险 for a risk, 放假 / 调休上班 for a day: read as
    the codes (were refused as not one of low, medium, high); a word of no choice is
    still refused, and what is expected names the Chinese words."""
    folder = dataset(tmp_path)
    df = frame("institutions")
    df.loc[0, "risk"], df.loc[1, "risk"], df.loc[2, "risk"] = "高", "低风险", "中"
    write(folder, "institutions", df)
    (folder / "calendar.csv").write_text("date,kind,name\n2027-05-06,放假,加放一天\n"
                                         "2027-05-08,调休上班,\n", encoding="utf-8")
    tables = read_tables(folder, (*BASE, "calendar"))
    assert list(tables["institutions"]["risk"][:3]) == ["high", "low", "medium"]
    assert list(tables["calendar"]["kind"]) == ["holiday", "workday"]
    df.loc[0, "risk"] = "很高"
    write(folder, "institutions", df)
    p = only(problems_of(folder, BASE), column="risk")
    assert p.got == "很高" and p.params["choices"] == ["low（低）", "medium（中）", "high（高）"]


def test_duplicate_id(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    df = frame("inspectors")
    df.loc[7, "inspector_id"] = df.loc[3, "inspector_id"]
    write(folder, "inspectors", df)
    p = only(problems_of(folder), file="inspectors.csv")
    assert_names(p, "inspectors.csv", 9, "inspector_id", "each id once", "first on row 5")
    assert p.got == df.loc[3, "inspector_id"]


def test_empty_table_header_only(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    write(folder, "inspectors", frame("inspectors").iloc[0:0])
    probs = problems_of(folder)
    p = only(probs, file="inspectors.csv")
    assert_names(p, "inspectors.csv", None, None, "at least one row")
    assert "empty" in p.message


def test_bad_number(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    df = frame("inspectors")
    df.loc[0, "max_per_month"] = "four"
    df.loc[1, "max_per_month"] = "2.5"
    df.loc[2, "max_per_day"] = "9"  # a number, but out of range
    write(folder, "inspectors", df)
    probs = problems_of(folder)
    assert_names(
        only(probs, row=2), "inspectors.csv", 2, "max_per_month", "a whole number", "'four'"
    )
    assert_names(
        only(probs, row=3), "inspectors.csv", 3, "max_per_month", "a whole number", "'2.5'"
    )
    assert_names(only(probs, row=4), "inspectors.csv", 4, "max_per_day", "between 1 and 4", "'9'")


def test_leave_end_before_start(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    df = frame("inspector_leave")
    df.loc[1, ["start", "end"]] = ["2026-12-08", "2026-12-06"]
    write(folder, "inspector_leave", df)
    p = only(problems_of(folder), file="inspector_leave.csv")
    assert_names(p, "inspector_leave.csv", 3, "end", "on or after 2026-12-08", "'2026-12-06'")


def test_several_problems_reported_at_once(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    inst = frame("institutions")
    inst.loc[0, "risk"] = "hgih"
    inst.loc[9, "street_id"] = "nowhere"
    write(folder, "institutions", inst)
    insp = frame("inspectors")
    insp.loc[5, "max_per_month"] = "many"
    write(folder, "inspectors", insp)
    (folder / "inspector_leave.csv").write_text(
        "inspector_id,start,end\nJC001,2026-13-01,2026-12-31\n", encoding="utf-8"
    )
    with pytest.raises(DataError) as err:
        read_tables(folder, ROSTER_TABLES)
    got = {(p.file, p.row, p.column) for p in err.value.problems}
    assert got == {
        ("institutions.csv", 2, "risk"),
        ("institutions.csv", 11, "street_id"),
        ("inspectors.csv", 7, "max_per_month"),
        ("inspector_leave.csv", 2, "start"),
    }
    text = str(err.value)
    assert "4 problems" in text
    assert all(str(p) in text for p in err.value.problems)


# --- the forms a planner's files come in ----------------------------------------------------


def baseline() -> dict[str, pd.DataFrame]:
    return read_tables(DATA, BASE)


def assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    got = got[list(want.columns)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want.reset_index(drop=True))


def test_csv_with_utf8_bom(tmp_path: Path) -> None:
    folder = dataset(tmp_path, ["streets.csv", "inspectors.csv"])
    write(folder, "institutions", frame("institutions"), encoding="utf-8-sig")
    assert (folder / "institutions.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert_same(read_tables(folder, BASE)["institutions"], baseline()["institutions"])


def test_csv_saved_as_gb18030(tmp_path: Path) -> None:
    folder = dataset(tmp_path, ["streets.csv", "inspectors.csv"])
    write(folder, "institutions", frame("institutions"), encoding="gb18030")
    raw = (folder / "institutions.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    tables = read_tables(folder, BASE)
    assert_same(tables["institutions"], baseline()["institutions"])
    assert tables["institutions"]["name"].iloc[0] == "萌海豚托育绿康中心"


ZH_INSTITUTIONS = {
    "institution_id": "机构编号", "name": "机构名称", "street_id": "街镇编号", "lon": "经度",
    "lat": "纬度", "kind": "类型", "operator": "举办者", "risk": "风险等级",
    "opened_on": "开办日期", "active": "在营",
}  # fmt: skip
ZH_INSPECTORS = {
    "inspector_id": "人员编号", "name": "姓名", "department": "部门", "street_id": "街镇编号",
    "skills": "专长", "max_per_month": "每月上限", "max_per_day": "每日上限",
}  # fmt: skip


def test_chinese_header_aliases_load_the_same_data(tmp_path: Path) -> None:
    folder = dataset(tmp_path, ["streets.csv"])
    write(folder, "institutions", frame("institutions").rename(columns=ZH_INSTITUTIONS))
    write(
        folder,
        "inspectors",
        frame("inspectors").rename(columns=ZH_INSPECTORS),
        encoding="utf-8-sig",
    )
    tables = read_tables(folder, BASE)
    want = baseline()
    assert_same(tables["institutions"], want["institutions"])
    assert_same(tables["inspectors"], want["inspectors"])


def test_chinese_headers_bad_value_names_the_header_as_written(tmp_path: Path) -> None:
    folder = dataset(tmp_path, ["streets.csv", "inspectors.csv"])
    df = frame("institutions")
    df.loc[0, "risk"] = "很高"
    write(folder, "institutions", df.rename(columns=ZH_INSTITUTIONS))
    p = only(problems_of(folder, BASE), row=2)
    assert_names(p, "institutions.csv", 2, "风险等级", "one of low, medium, high", "'很高'")


def test_chinese_headers_dangling_reference_names_the_header_as_written(tmp_path: Path) -> None:
    folder = dataset(tmp_path, ["streets.csv", "inspectors.csv"])
    df = frame("institutions")
    df.loc[0, "street_id"] = "310113999"
    write(folder, "institutions", df.rename(columns=ZH_INSTITUTIONS))
    p = only(problems_of(folder, BASE), row=2)
    assert_names(p, "institutions.csv", 2, "街镇编号", "street_id listed in streets.csv")


def test_table_as_xlsx_sheet_loads_the_same_as_csv(tmp_path: Path) -> None:
    folder = dataset(tmp_path, ["streets.csv"])
    with pd.ExcelWriter(folder / "宝山检查.xlsx", engine="openpyxl") as book:
        frame("institutions").to_excel(book, sheet_name="institutions", index=False)
        # a planner's own sheet: typed cells, Chinese sheet name and headers
        insp = pd.read_csv(DATA / "inspectors.csv", dtype={"street_id": str})
        insp.rename(columns=ZH_INSPECTORS).to_excel(book, sheet_name="检查人员", index=False)
    tables = read_tables(folder, BASE)
    want = baseline()
    assert_same(tables["institutions"], want["institutions"])
    assert_same(tables["inspectors"], want["inspectors"])


def test_xlsx_sheet_problem_names_workbook_and_sheet(tmp_path: Path) -> None:
    folder = dataset(tmp_path, ["streets.csv", "inspectors.csv"])
    df = frame("institutions")
    df.loc[3, "kind"] = "nursery"
    df.to_excel(folder / "plan.xlsx", sheet_name="institutions", index=False)
    p = only(problems_of(folder, BASE), column="kind")
    assert_names(p, "plan.xlsx, sheet institutions", 5, "kind", "childcare_center", "'nursery'")


def test_xlsx_sheet_naming_a_column_twice(tmp_path: Path) -> None:
    """A sheet headed 'name' twice: one problem naming the sheet and the column (the
    second was read as 'name.1' and silently ignored), no echo of a missing table."""
    from openpyxl import Workbook

    folder = dataset(tmp_path, ["streets.csv", "inspectors.csv"])
    df = frame("institutions")
    wb = Workbook()
    ws = wb.active
    ws.title = "institutions"
    ws.append([*df.columns, "name"])
    for row in df.itertuples(index=False):
        ws.append([*row, "另一个名称"])
    wb.save(folder / "plan.xlsx")
    probs = problems_of(folder, BASE)
    assert len(probs) == 1, [str(p) for p in probs]
    assert probs[0].file == "plan.xlsx, sheet institutions"
    assert probs[0].code == "input.column_twice" and probs[0].column == "name"


def test_a_formula_without_its_value_is_said_not_missing(tmp_path: Path) -> None:
    """A workbook written by a program (openpyxl here) keeps a formula without its value:
    the cell is not empty, and the planner is told what it holds and how to mend it
    (Chinese first), by workbook, sheet, row and column; never "a value is missing". In a
    column that may be left blank too: the blank's default is not what the cell says."""
    from openpyxl import Workbook

    folder = dataset(tmp_path, ["streets.csv", "inspectors.csv"])
    df = frame("institutions")
    wb = Workbook()
    ws = wb.active
    ws.title = "institutions"
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append(list(row))
    lat, operator = list(df.columns).index("lat") + 1, list(df.columns).index("operator") + 1
    ws.cell(row=5, column=lat, value="=E4+0.01")  # a required number
    ws.cell(row=7, column=operator, value='=B7&"公司"')  # optional text
    wb.save(folder / "plan.xlsx")
    probs = problems_of(folder, BASE)
    assert sorted((p.row, p.column, p.code) for p in probs) == [
        (5, "lat", "input.formula_without_value"),
        (7, "operator", "input.formula_without_value")], [str(p) for p in probs]
    p = only(probs, column="lat")
    zh = render_problem(p, "zh")
    assert zh.startswith("plan.xlsx 工作表“institutions”，第 5 行，“lat”列：单元格中是公式"
                         "（=E4+0.01），但没有计算出的值"), zh
    assert "用 Excel 或 WPS 打开该工作簿并保存，或直接填入数值" in zh and "缺少数值" not in zh
    en = render_problem(p, "en")
    assert en.startswith("plan.xlsx, sheet institutions, row 5, column 'lat': the cell holds "
                         "a formula (=E4+0.01) without a computed value"), en
    assert "open and save the workbook in Excel or WPS, or enter the value" in en


def test_lists_separated_by_chinese_semicolon_or_comma(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    insp = frame("inspectors")
    insp.loc[0, "skills"] = "safety；hygiene"
    insp.loc[1, "skills"] = "fire, food"
    insp.loc[2, "skills"] = "safety;hygiene;fire"
    write(folder, "inspectors", insp)
    hist = frame("inspections")
    hist.loc[0, "inspector_ids"] = "JC003，JC007, JC021"
    hist.loc[1, "inspector_ids"] = "JC003；JC015"
    write(folder, "inspections", hist)
    tables = read_tables(folder, ROSTER_TABLES)
    skills = tables["inspectors"]["skills"]
    assert skills.iloc[0] == ("safety", "hygiene")
    assert skills.iloc[1] == ("fire", "food")
    assert skills.iloc[2] == ("safety", "hygiene", "fire")
    ids = tables["inspections"]["inspector_ids"]
    assert ids.iloc[0] == ("JC003", "JC007", "JC021")
    assert ids.iloc[1] == ("JC003", "JC015")


def test_booleans_shi_fou(tmp_path: Path) -> None:
    folder = dataset(tmp_path, ["streets.csv", "inspectors.csv"])
    df = frame("institutions")
    df.loc[0, "active"] = "是"
    df.loc[1, "active"] = "否"
    df.loc[2, "active"] = "FALSE"
    df.loc[3, "active"] = ""  # default: true
    write(folder, "institutions", df)
    active = read_tables(folder, BASE)["institutions"]["active"].tolist()
    assert active[:4] == [True, False, False, True]
    df.loc[4, "active"] = "也许"
    write(folder, "institutions", df)
    p = only(problems_of(folder, BASE), column="active")
    assert_names(p, "institutions.csv", 6, "active", "true or false (是/否)", "'也许'")


def test_optional_tables_missing_give_empty_frames(tmp_path: Path) -> None:
    folder = dataset(tmp_path, ["streets.csv", "institutions.csv", "inspectors.csv"])
    tables = read_tables(folder, ROSTER_TABLES)
    for name, cols in {
        "calendar": ["date", "kind", "name"],
        "inspector_leave": ["inspector_id", "start", "end"],
        "conflicts": ["inspector_id", "institution_id", "operator", "reason"],
        "inspections": ["institution_id", "date", "outcome", "inspector_ids"],
    }.items():
        assert tables[name].empty, name
        assert list(tables[name].columns) == cols
    data = load_inspection_data(folder)
    assert data.leave == () and data.conflicts == () and data.history == ()
    assert len(data.institutions) == 150


def geojson_institutions(df: pd.DataFrame, crs: str | None, scale: float = 1.0) -> dict:
    """The institutions as a GeoJSON FeatureCollection, optionally with a legacy crs member."""
    feats = []
    for rec in df.to_dict("records"):
        x, y = float(rec.pop("lon")) * scale, float(rec.pop("lat")) * scale
        feats.append(
            {
                "type": "Feature",
                "properties": rec,
                "geometry": {"type": "Point", "coordinates": [x, y]},
            }
        )
    doc: dict = {"type": "FeatureCollection", "features": feats}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return doc


def test_geojson_loads_the_same_as_csv(tmp_path: Path) -> None:
    folder = dataset(tmp_path, ["streets.csv", "inspectors.csv"])
    doc = geojson_institutions(frame("institutions"), None)
    (folder / "institutions.geojson").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    got = read_tables(folder, BASE)["institutions"]
    assert_same(got, baseline()["institutions"])
    assert got["geometry"].iloc[0].geom_type == "Point"


def test_geojson_with_wrong_crs_is_refused_naming_the_crs(tmp_path: Path) -> None:
    folder = dataset(tmp_path, ["streets.csv", "inspectors.csv"])
    doc = geojson_institutions(frame("institutions"), "urn:ogc:def:crs:EPSG::3857", 111_000.0)
    (folder / "institutions.geojson").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    p = only(problems_of(folder, BASE), file="institutions.geojson")
    assert_names(p, "institutions.geojson", None, None, "EPSG:4326", "EPSG:3857")
    assert "coordinate reference system" in p.message


def test_geojson_via_geopandas_in_utm_is_refused(tmp_path: Path) -> None:
    import geopandas as gpd

    folder = dataset(tmp_path, ["streets.csv", "inspectors.csv"])
    df = frame("institutions")
    gdf = gpd.GeoDataFrame(
        df.drop(columns=["lon", "lat"]),
        geometry=gpd.points_from_xy(df.lon.astype(float), df.lat.astype(float)),
        crs=4326,
    )
    gdf.to_crs(32651).to_file(folder / "institutions.geojson", driver="GeoJSON")
    p = only(problems_of(folder, BASE), file="institutions.geojson")
    assert_names(p, "institutions.geojson", None, None, "EPSG:4326", "EPSG:32651")


def test_geojson_in_metres_without_crs_member_is_refused(tmp_path: Path) -> None:
    folder = dataset(tmp_path, ["streets.csv", "inspectors.csv"])
    doc = geojson_institutions(frame("institutions"), None, 111_000.0)
    (folder / "institutions.geojson").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    p = only(problems_of(folder, BASE), file="institutions.geojson")
    assert_names(p, "institutions.geojson", None, "lon", "EPSG:4326", "degrees")
    assert "projected" in p.message


def test_csv_lon_lat_in_metres_is_refused(tmp_path: Path) -> None:
    folder = dataset(tmp_path, ["streets.csv", "inspectors.csv"])
    df = frame("institutions")
    df["lon"] = [f"{float(v) * 111_000:.1f}" for v in df["lon"]]
    df["lat"] = [f"{float(v) * 111_000:.1f}" for v in df["lat"]]
    write(folder, "institutions", df)
    probs = problems_of(folder, BASE)
    assert len(probs) == 1  # one clear message, not one per row
    p = probs[0]
    assert p.file == "institutions.csv" and p.column == "lon"
    assert "projected" in p.message and "EPSG:4326" in (p.expected or "")


def test_bundled_dataset_loads_with_a_stable_fingerprint(tmp_path: Path) -> None:
    first = load_inspection_data(DATA)
    assert len(first.institutions) == 150
    assert len(first.inspectors) == 30
    assert first.fingerprint.startswith("sha256:")
    assert load_inspection_data(DATA).fingerprint == first.fingerprint

    folder = dataset(tmp_path)
    assert load_inspection_data(folder).fingerprint == first.fingerprint  # not path-dependent
    df = frame("institutions")
    df.loc[42, "risk"] = "high" if df.loc[42, "risk"] != "high" else "low"
    write(folder, "institutions", df)
    changed = load_inspection_data(folder)
    assert changed.fingerprint != first.fingerprint
    assert len(changed.institutions) == 150


def test_a_damaged_workbook_is_named_not_a_crash(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    (folder / "plan.xlsx").write_bytes(b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(DataError) as err:
        read_tables(folder, ROSTER_TABLES)
    (p,) = [p for p in err.value.problems if p.file == "plan.xlsx"]
    assert "cannot be opened" in p.message and ".xlsx" in (p.expected or "")


def test_damaged_street_polygons_are_named_not_a_crash(tmp_path: Path) -> None:
    from tuoyu.models.reader import read_geojson_polygons

    bad = tmp_path / "streets.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [ {"type": ', encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_geojson_polygons(bad)
    assert err.value.problems[0].file == "streets.geojson"
    assert "not valid GeoJSON" in err.value.problems[0].message


def test_one_unknown_id_is_one_problem_however_many_rows_name_it(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    inst = pd.read_csv(folder / "institutions.csv", dtype=str, keep_default_na=False)
    inst.loc[[0, 3, 7], "street_id"] = "999999999"
    inst.to_csv(folder / "institutions.csv", index=False)
    with pytest.raises(DataError) as err:
        read_tables(folder, ROSTER_TABLES)
    refs = [p for p in err.value.problems if "refers to nothing" in p.message]
    assert len(refs) == 1 and refs[0].row == 2 and "2 more rows" in refs[0].message


def test_no_echoes_of_a_broken_table(tmp_path: Path) -> None:
    """A street table with a problem of its own: the institutions naming its streets are
    not reported as referring to nothing (that is an echo, not a cause)."""
    folder = dataset(tmp_path)
    streets = pd.read_csv(folder / "streets.csv", dtype=str, keep_default_na=False)
    streets.loc[1, "street_id"] = streets.loc[0, "street_id"]  # a duplicate id
    streets.to_csv(folder / "streets.csv", index=False)
    with pytest.raises(DataError) as err:
        read_tables(folder, ROSTER_TABLES)
    assert any("duplicate id" in p.message for p in err.value.problems)
    assert not any("refers to nothing" in p.message for p in err.value.problems)


def test_a_place_in_another_city_or_out_of_range_is_named_by_row(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    inst = pd.read_csv(folder / "institutions.csv", dtype=str, keep_default_na=False)
    inst.loc[4, ["lon", "lat"]] = ["116.40", "39.90"]  # Beijing
    inst.loc[9, "lat"] = "200"
    inst.to_csv(folder / "institutions.csv", index=False)
    with pytest.raises(DataError) as err:
        read_tables(folder, ROSTER_TABLES)
    by_row = {p.row: p for p in err.value.problems}
    assert 6 in by_row, [str(p) for p in err.value.problems]
    assert "km from the others" in by_row[6].message
    assert by_row[11].column == "lat" and by_row[11].got == "200"


def test_district_name_from_district_geojson(tmp_path):
    from tuoyu.data import BUNDLED
    from tuoyu.models.reader import district_name

    assert district_name(BUNDLED) == "宝山区"
    assert district_name(tmp_path) == ""  # no file: no name, not an error
    (tmp_path / "district.geojson").write_text("{not json", encoding="utf-8")
    assert district_name(tmp_path) == ""
    (tmp_path / "district.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"name": "崇明\\n区 <b>"}, "geometry": null}]}', encoding="utf-8")
    assert district_name(tmp_path) == "崇明 区 <b>"  # one line; escaping is the page's job


def test_a_problem_in_a_table_of_personal_data_never_quotes_the_family(tmp_path: Path) -> None:
    """A bad birth date and a bad longitude in families.csv (personal data, 个人信息): the
    problems name the file, row, column and what was expected, in both languages, but
    never the family's values; a bad cell of a table that is not personal (a center's
    capacity) still shows what was found."""

    from tuoyu.models.reader import read_tables
    from tuoyu.models.schema import VISIT_TABLES

    folder = tmp_path / "d"
    shutil.copytree(BUNDLED, folder)
    path = folder / "families.csv"
    rows = _read_rows(path)
    rows[1]["birth_date"] = "2026-13-77"
    rows[2]["lon"], rows[2]["lat"] = "abc121.4277", "31.4"
    _write_rows(path, rows)
    with pytest.raises(DataError) as err:
        read_tables(folder, VISIT_TABLES)
    found = {(p.file, p.row, p.column): p for p in err.value.problems}
    assert set(found) == {("families.csv", 3, "birth_date"), ("families.csv", 4, "lon")}
    for p in found.values():
        assert p.got is None and p.expected
        for lang in ("zh", "en"):
            text = render_problem(p, lang)
            assert "2026-13-77" not in text and "abc121" not in text, text
            assert "families.csv" in text
    # a table that is not personal (the committees) still says what it found
    shutil.copy(BUNDLED / "families.csv", folder / "families.csv")
    path = folder / "communities.csv"
    rows = _read_rows(path)
    rows[0]["lon"] = "abc"
    _write_rows(path, rows)
    with pytest.raises(DataError) as err:
        read_tables(folder, VISIT_TABLES)
    assert [(p.file, p.got) for p in err.value.problems] == [("communities.csv", "abc")]


@pytest.mark.parametrize("bad", ['=HYPERLINK("http://x.example","打开")', "+1+2", "-2+3",
                                 "@SUM(A1)", "＝1+1"])
def test_an_id_that_a_spreadsheet_would_run_as_a_formula_is_refused(tmp_path: Path,
                                                                     bad: str) -> None:
    """The contract's CSVs (roster.csv …) hold ids as they are, to be read back: an id
    starting like a formula would run in the inspectors' spreadsheet. It is refused where
    it is read (file, row, column, which character); a name may start so (the exports
    keep names as text)."""

    from tuoyu.models.reader import read_tables

    folder = tmp_path / "d"
    shutil.copytree(BUNDLED, folder)
    path = folder / "institutions.csv"
    rows = _read_rows(path)
    rows[0]["name"] = "=1+1 托育园"
    _write_rows(path, rows)
    read_tables(folder, ["streets", "institutions"])  # a name starting with '=' is read
    rows[1]["institution_id"] = bad
    _write_rows(path, rows)
    with pytest.raises(DataError) as err:
        read_tables(folder, ["streets", "institutions"])
    [p] = err.value.problems
    assert (p.file, p.row, p.column, p.code) == ("institutions.csv", 3, "institution_id",
                                                 "input.id_formula")
    assert render_problem(p, "zh").count(bad[0]) >= 1 and "公式" in render_problem(p, "zh")


def _read_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def _rewrite_families(path: Path, change: Any) -> None:
    _write_rows(path, change(_read_rows(path)))


@pytest.mark.parametrize("families", ["all", "two"])
def test_a_family_far_from_the_district_is_named_without_its_place(
        tmp_path: Path, families: str) -> None:
    """A family's own latitude 870 km north of Baoshan (a typo of 31 as 39) is refused
    like a far place of any other table, also in a table of two families (the committees
    are the district's other places); the problem names file, row and column and what
    was expected, in both languages, never the family's coordinates nor the distance."""
    from tuoyu.models.schema import VISIT_TABLES

    folder = tmp_path / "d"
    shutil.copytree(BUNDLED, folder)

    def far(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        rows = rows if families == "all" else rows[:2]
        rows[0]["lon"], rows[0]["lat"] = "121.427720", "39.2093"  # 31.3865 + 7.82°
        return rows

    _rewrite_families(folder / "families.csv", far)
    with pytest.raises(DataError) as err:
        read_tables(folder, VISIT_TABLES)
    [p] = err.value.problems
    assert (p.file, p.row, p.column, p.got) == ("families.csv", 2, "lon", None)
    assert p.expected and "150" in p.expected
    for lang in ("zh", "en"):
        text = render_problem(p, lang)
        assert "families.csv" in text and "150" in text
        assert not any(s in text for s in ("39.2", "121.4", "870", "869")), text


def test_families_near_each_other_and_blank_places_pass(tmp_path: Path) -> None:
    """Other shapes: families 60 km off the committees' middle and families without
    coordinates are not refused (the limit is 150 km)."""
    from tuoyu.models.schema import VISIT_TABLES

    folder = tmp_path / "d"
    shutil.copytree(BUNDLED, folder)

    def near(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        rows[0]["lon"], rows[0]["lat"] = "121.427720", "31.93"  # about 60 km north
        rows[1]["lon"], rows[1]["lat"] = "", ""
        return rows

    _rewrite_families(folder / "families.csv", near)
    assert len(read_tables(folder, VISIT_TABLES)["families"]) > 2


def test_a_lone_carriage_return_ends_a_line_and_a_huge_header_is_refused(
        tmp_path: Path) -> None:
    """Two hostile CSVs that reached the service as a 500 or minutes of checking: a lone
    carriage return (an old Mac line end, here before a row of a million commas) made the
    csv module raise "new-line character seen in unquoted field"; now it ends a line, as
    for pandas, and the long row is named. A header of a million columns took 79 s and
    2 GB before it was refused as too large to check; it is refused at once, row 1."""
    folder = dataset(tmp_path)
    path = folder / "institutions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(lines[0] + "\n" + lines[1] + "\r" + "," * 1_000_000 + "\n"
                    + "\n".join(lines[2:]) + "\n", encoding="utf-8")
    p = only(problems_of(folder), file="institutions.csv")
    assert p.code == "input.row_too_long" and p.row == 3, str(p)
    classic = "\r".join(lines) + "\r"  # every line ended by a lone carriage return
    path.write_text(classic, encoding="utf-8")
    assert len(read_tables(folder, ROSTER_TABLES)["institutions"]) == len(lines) - 1
    path.write_text(lines[0] + "".join(f",c{i}" for i in range(20_000)) + "\n"
                    + "\n".join(lines[1:]) + "\n", encoding="utf-8")
    p = only(problems_of(folder), file="institutions.csv")
    assert (p.code, p.row) == ("input.too_many_columns", 1)
    assert "表头有 20,010 列" in render_problem(p, "zh")


def test_a_file_in_no_known_encoding_is_named_by_row_and_bytes(tmp_path: Path) -> None:
    """GBK text with invalid bytes (a damaged copy): the problem said only "文件不是可读的文本"
    (which file, nothing else). It names the row where the bytes are, the bytes and how
    to save the file; a GBK file without them still loads."""
    folder = dataset(tmp_path)
    path = folder / "institutions.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("gbk"))
    assert len(read_tables(folder, ROSTER_TABLES)["institutions"]) == text.count("\n") - 1
    lines = text.encode("gbk").split(b"\n")
    lines[3] = lines[3][:5] + b"\xff\xfe" + lines[3][5:]
    path.write_bytes(b"\n".join(lines))
    p = only(problems_of(folder), file="institutions.csv")
    assert (p.code, p.row) == ("input.not_text_at", 4)
    said = render_problem(p, "zh")
    assert "第 4 行" in said and "ff fe" in said and "CSV UTF-8" in said, said


def test_a_quote_not_closed_is_named_by_its_row_in_chinese(tmp_path: Path) -> None:
    """A cell opening a double quote no quote closes was said in pandas' words inside the
    Chinese sentence (文件不是有效的 CSV（Error tokenizing data. C error: EOF inside string
    starting at row 5）) with pandas' row count; it is named by the row a planner sees."""
    folder = dataset(tmp_path)
    path = folder / "institutions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(",", ',"unclosed ', 1)  # row 6 as Excel shows it
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = only(problems_of(folder), file="institutions.csv")
    assert (p.code, p.row) == ("input.unclosed_quote", 6), str(p)
    said = render_problem(p, "zh")
    assert "第 6 行" in said and "引号没有闭合" in said and "EOF" not in said, said


def test_a_control_character_in_a_list_cell_is_named_as_such(tmp_path: Path) -> None:
    """A NUL byte after an inspector's id (a damaged file, sent to a running service) was
    said as "'JC002\\u0000' refers to nothing"; it is the character, located, as in any
    text cell."""
    folder = dataset(tmp_path)
    path = folder / "inspections.csv"
    lines = path.read_bytes().split(b"\n")
    head = lines[0].decode("utf-8-sig").split(",")
    col = head.index("inspector_ids")
    cells = lines[1].decode().split(",")
    cells[col] = cells[col] + "\x00"
    lines[1] = ",".join(cells).encode()
    path.write_bytes(b"\n".join(lines))
    p = only(problems_of(folder), file="inspections.csv")
    assert (p.row, p.column, p.code) == (2, "inspector_ids", "input.bad_character"), str(p)
    assert p.params["char"] == "U+0000"
