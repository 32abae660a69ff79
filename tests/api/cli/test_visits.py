"""``tuoyu visits`` end to end on the bundled data: the files a planner and staff open,
checked from the files (every hard rule by the independent checker on visits.csv, the
workbook's sheets and cells, the calendars, the route lines), and privacy: no family
coordinates in any file, no family id in the printed text beyond the findings."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner
from visits_check import violations

from tuoyu.api.cli import BUNDLED_DATA, app

runner = CliRunner()
WEEK = dt.date(2027, 3, 1)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("visits") / "out"
    res = runner.invoke(app, ["visits", "--week", "2027-03-01", "--out", str(folder),
                              "--iterations", "300"])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("上门指导计划：2027-03-01 这一周")
    assert "下界" in res.output
    return folder


def _rows(out: Path) -> list[dict[str, str]]:
    with (out / "visits.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_visits_csv_meets_every_rule(out: Path) -> None:
    rows = _rows(out)
    assert rows and list(rows[0]) == ["date", "half", "start", "end", "staff_ids", "order",
                                      "family_id", "street_id", "community_id", "needs",
                                      "kept", "base_minutes", "far_reason"]
    assert violations(BUNDLED_DATA, rows, WEEK) == []


def test_workbook_has_a_day_sheet_per_person(out: Path) -> None:
    rows = _rows(out)
    wb = load_workbook(out / "visits.xlsx")
    people = {x for r in rows for x in r["staff_ids"].split(";")}
    assert {"按日期", "按人员", "远途上门", "覆盖情况", "说明"} <= set(wb.sheetnames)
    # each visit 30 minutes or more from its team's base on the sheet 远途上门, with its
    # minutes and why no nearer team makes it
    far = wb["远途上门"]
    head = [c.value for c in far[2]]
    lines = {(r[head.index("家庭编号")], r[head.index("日期")]): r
             for r in far.iter_rows(min_row=3, values_only=True)}
    assert lines and set(lines) == {(r["family_id"], r["date"]) for r in rows
                                    if int(r["base_minutes"]) >= 30}
    for r in rows:
        line = lines.get((r["family_id"], r["date"]))
        if line is not None:
            assert line[head.index("离驻点（分钟）")] == int(r["base_minutes"])
            assert f"离其驻点 {r['base_minutes']} 分钟" in line[head.index("为何不由更近的小组去")]
    # a sheet per person named by their name (日程-王芳), as a planner looks for it
    with (BUNDLED_DATA / "guidance_staff.csv").open(encoding="utf-8-sig") as f:
        names = {r["staff_id"]: r["name"] for r in csv.DictReader(f)}
    assert {f"日程-{names[p]}" for p in people} <= set(wb.sheetnames)
    sheet = wb[f"日程-{names[sorted(people)[0]]}"]
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert any("上门指导日程" in str(v) for v in values)
    assert any(str(v).endswith("居委") for v in values)  # committee-level address
    assert wb["按日期"].max_row == len(rows) + 2  # the title row, the header


def test_a_calendar_per_staff_member_and_route_lines(out: Path) -> None:
    rows = _rows(out)
    people = {x for r in rows for x in r["staff_ids"].split(";")}
    files = {p.name for p in (out / "visits_ics").iterdir()}
    assert len(files) == len(people) and all(f.startswith("人员-") for f in files)
    ics = (out / "visits_ics" / sorted(files)[0]).read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in ics and "Asia/Shanghai" in ics
    routes = json.loads((out / "visits_routes.geojson").read_text(encoding="utf-8"))
    lines = routes["features"]
    assert lines and all(f["geometry"]["type"] == "LineString" for f in lines)
    assert sum(f["properties"]["visits"] for f in lines) == len(rows)
    for f in lines:  # from the base and back
        assert f["geometry"]["coordinates"][0] == f["geometry"]["coordinates"][-1]


def test_no_family_coordinates_in_any_file(out: Path) -> None:
    with (BUNDLED_DATA / "families.csv").open(encoding="utf-8") as f:
        given = [(r["lon"], r["lat"]) for r in csv.DictReader(f) if r["lon"]]
    pairs = {(float(a), float(b)) for a, b in given}
    routes = json.loads((out / "visits_routes.geojson").read_text(encoding="utf-8"))
    drawn = {tuple(c) for f in routes["features"] for c in f["geometry"]["coordinates"]}
    assert not drawn & pairs  # lines go through committee centres and bases only
    text = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in out.rglob("*")
                   if p.is_file() and p.suffix not in (".xlsx", ".geojson"))
    assert not any(lon in text or lat in text for lon, lat in given)


def test_a_bad_week_is_refused_in_chinese() -> None:
    res = runner.invoke(app, ["visits", "--week", "2027-03-02", "--out", "/nonexistent/x"])
    assert res.exit_code == 2
    assert "周一" in res.output or "Monday" in res.output


def test_replan_from_a_date_keeps_the_earlier_visits(out: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "out"
    shutil.copytree(out, folder)
    before = _rows(folder)
    res = runner.invoke(app, ["visits", "--week", "2027-03-01", "--out", str(folder),
                              "--iterations", "200", "--from", "2027-03-03"])
    assert res.exit_code == 0, res.output
    after = _rows(folder)
    early = sorted((r["date"], r["family_id"], r["staff_ids"]) for r in before
                   if r["date"] < "2027-03-03")
    assert early and early == sorted((r["date"], r["family_id"], r["staff_ids"])
                                     for r in after if r["kept"] == "True")
    assert all(r["date"] >= "2027-03-03" for r in after if r["kept"] == "False")
    assert violations(BUNDLED_DATA, after, WEEK, from_date=dt.date(2027, 3, 3),
                      previous=before) == []


def test_the_soft_goals_are_reported_with_their_cost(out: Path) -> None:
    """Every soft goal, the same person again among them, is said with value × weight =
    cost in the summary and on the workbook's 说明 sheet; the count of second visits by
    someone else is the one on the written rows."""
    from visits_check import second_visits_by_others

    text = (out / "visits_summary.txt").read_text(encoding="utf-8")
    others = len(second_visits_by_others(BUNDLED_DATA, _rows(out)))
    assert f"再次上门未由上次的人员前往的家庭（越少越好）：{others} × 45 = {others * 45:,}" in text
    assert "超出各人合理份额的上门次数" in text
    wb = load_workbook(out / "visits.xlsx")
    goals = {r[0]: r[1:] for r in wb["说明"].iter_rows(values_only=True) if r and r[0]}
    assert goals["再次上门未由上次的人员前往的家庭（越少越好）"] == (str(others), "45",
                                                             f"{others * 45:,}")


def test_the_wall_limit_is_the_plans_ceiling_and_said(tmp_path: Path) -> None:
    """``--wall-limit`` (as the other planners have it) reaches the plan: a ceiling the
    search cannot keep within ends it, every rule still holds, and the plan says the
    clock ended it. ``--work-limit`` is the time limit's name, ``--time-limit`` its old."""
    folder = tmp_path / "out"
    res = runner.invoke(app, ["visits", "--week", "2027-03-01", "--out", str(folder),
                              "--work-limit", "60", "--wall-limit", "0.001"])
    assert res.exit_code == 0, res.output
    assert "墙钟" in res.output  # plan.wall_clock_stop, in Chinese
    assert violations(BUNDLED_DATA, _rows(folder), WEEK) == []
    summary = (folder / "visits_summary.txt").read_text(encoding="utf-8")
    assert "墙钟" in summary


def test_the_far_threshold_is_the_planners(tmp_path: Path) -> None:
    """--far-minutes: a visit that far or farther from its team's base says why; the same
    week with a threshold above its trip says nothing of it."""
    from visits_check import Rules, tiny_dataset, travel

    home, base = (121.48, 31.40), (121.57, 31.40)
    folder = tiny_dataset(tmp_path / "d", staff=[
        {"staff_id": "ED1", "discipline": "education", "base_lon": base[0],
         "base_lat": base[1]}], families=[
        {"family_id": "F1", "birth_date": "2027-01-20", "registered_on": "2027-02-05",
         "needs": "education", "half_days": "Mon AM", "lon": home[0], "lat": home[1]}])
    trip = travel(base, home, Rules())
    for far, said in ((trip, "nearest"), (trip + 1, "")):
        out = tmp_path / f"out{far}"
        res = runner.invoke(app, ["visits", "--week", "2027-03-01", "--data", str(folder),
                                  "--out", str(out), "--iterations", "50",
                                  "--far-minutes", str(far)])
        assert res.exit_code == 0, res.output
        (row,) = _rows(out)
        assert (int(row["base_minutes"]), row["far_reason"]) == (trip, said)
