"""``tuoyu city`` end to end: three districts on the default local cluster (worker
processes, so every plan crosses a process boundary) — two small districts of different
shapes and a broken copy of one — then the two good districts on a cluster given by
``--scheduler``. Every output goes to tmp_path, every store is fresh. The command's rules
need no scale; the bundled data and a district generated from another seed are planned
as a city in tests/planning/test_city.py."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from city_support import broken
from draw_support import tiny_dataset
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tuoyu.api import store
from tuoyu.api.cli import app
from tuoyu.planning.roster import fields_differ

runner = CliRunner()
MONTH = "2027-03"
ROSTER_FILES = ("roster.csv", "roster.xlsx", "draw.json", "summary.txt")
ODD = "=1+2"  # a district (folder) name that a spreadsheet would take for a formula


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def db_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'tuoyu.sqlite'}"


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("districts")
    east = tiny_dataset(root / "east")
    north = tiny_dataset(root / "north", institutions=40, inspectors=10)
    return {"east": east, "north": north, ODD: broken(north, root / ODD)}


@pytest.fixture(scope="module")
def city_run(tmp_path_factory, folders):
    """The city of three districts, on the default local cluster (processes)."""
    root = tmp_path_factory.mktemp("city")
    args = ["city", "--month", MONTH, "--out", str(root / "out"), "--time-limit", "60"]
    for folder in folders.values():
        args += ["--data", str(folder)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUOYU_DATABASE_URL", db_url(root))
        result = runner.invoke(app, args)
    return root, result


def test_a_broken_district_fails_alone_with_its_located_error(city_run):
    root, result = city_run
    assert result.exit_code == 2, result.output
    out = result.output
    assert "institutions.csv，第 4 行，“risk”列" in out and "extreme" in out
    assert f"1 个区未全部完成：{ODD}" in out
    assert not (root / "out" / ODD).exists()  # nothing of the broken district is written
    for name in ("east", "north"):
        for file in ROSTER_FILES:
            assert (root / "out" / name / "roster" / file).is_file(), (name, file)


def test_each_roster_is_the_single_district_commands_roster(city_run, folders, tmp_path,
                                                           monkeypatch):
    root, _ = city_run
    monkeypatch.setenv("TUOYU_DATABASE_URL", db_url(tmp_path))  # a fresh store, as the city's
    for name in ("east", "north"):
        alone = tmp_path / name
        result = runner.invoke(app, ["roster", "--data", str(folders[name]), "--month", MONTH,
                                     "--out", str(alone)])
        assert result.exit_code == 0, result.output
        mine = root / "out" / name / "roster"
        assert (mine / "roster.csv").read_bytes() == (alone / "roster.csv").read_bytes()
        a, b = (json.loads((f / "draw.json").read_text(encoding="utf-8"))
                for f in (mine, alone))
        # the whole audit record (seed, inputs, draw, roster) but when it was made and
        # how long each stage took
        assert fields_differ(a, b, skip=("created_at", "solver.stages")) == []
    assert read_rows(root / "out" / "east" / "roster" / "roster.csv") != read_rows(
        root / "out" / "north" / "roster" / "roster.csv")


def test_the_summary_has_a_row_per_district_and_planner(city_run, folders):
    root, _ = city_run
    rows = read_rows(root / "out" / "city_summary.csv")
    # in the CSV a name a spreadsheet would take for a formula is kept as text ('=1+2)
    assert [(r["区"], r["规划"]) for r in rows] == [
        ("east", "月度检查排班"), ("north", "月度检查排班"), ("'" + ODD, "月度检查排班")]
    ok = {r["区"].removeprefix("'"): r for r in rows}
    for name in ("east", "north"):
        assert ok[name]["状态"] == "最优（已证明）" and ok[name]["错误信息"] == ""
        assert ok[name]["差距"] == "0.0" and ok[name]["关键目标达标"].endswith("项达标")
    assert ok[ODD]["状态"] == "未完成" and "institutions.csv，第 4 行" in ok[ODD]["错误信息"]
    ws = openpyxl.load_workbook(root / "out" / "city_summary.xlsx").active
    assert [c.value for c in ws[1]][:3] == ["区", "规划", "状态"]
    names = [ws.cell(row=i, column=1) for i in range(2, 5)]
    assert [c.value for c in names] == ["east", "north", ODD]
    assert all(c.data_type == "s" for c in names)  # a name stays text, never a formula


def test_each_roster_is_stored_as_its_districts_draft(city_run, folders):
    root, _ = city_run
    with Session(store.engine(db_url(root))) as session:
        stored = session.scalars(select(store.Roster)).all()
    keys = {r.dataset for r in stored}
    assert keys == {str(folders["east"].resolve()), str(folders["north"].resolve())}
    assert {r.status for r in stored} == {"draft"}


def test_all_districts_planned_exit_0_on_a_given_scheduler(folders, tmp_path, monkeypatch):
    from distributed import LocalCluster

    monkeypatch.setenv("TUOYU_DATABASE_URL", db_url(tmp_path))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=":0") as cluster:
        result = runner.invoke(app, [
            "city", "--data", str(folders["east"]), "--data", str(folders["north"]),
            "--month", MONTH, "--out", str(tmp_path / "out"), "--lang", "en",
            "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 0, result.output
    assert "All 2 districts planned." in result.output
    rows = read_rows(tmp_path / "out" / "city_summary.csv")
    assert [(r["district"], r["status"]) for r in rows] == [
        ("east", "optimal (proven)"), ("north", "optimal (proven)")]


def test_no_data_folder_is_refused_before_anything_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("TUOYU_DATABASE_URL", db_url(tmp_path))
    result = runner.invoke(app, ["city", "--month", MONTH, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "--data" in result.output and not (tmp_path / "o").exists()
