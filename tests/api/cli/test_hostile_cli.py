"""What a careless file or option does to the command line (the cases of the hardening
issue): each ends with exit code 2 and a Chinese sentence naming what is wrong, never a
traceback, and nothing is written or stored."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from draw_support import tiny_dataset
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tuoyu.api import store
from tuoyu.api.cli import app
from tuoyu.data import BUNDLED

runner = CliRunner()


def _copy(tmp: Path) -> Path:
    folder = tmp / "district"
    shutil.copytree(BUNDLED, folder)
    return folder


def _edit_institutions(folder: Path, column: str, value: str) -> None:
    path = folder / "institutions.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0][column] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def _x_txt(tmp: Path) -> list[str]:
    (tmp / "x.txt").write_text("x", encoding="utf-8")
    return ["inspections", "record", str(tmp / "x.txt")]


def _bad_outcomes_xlsx(tmp: Path) -> list[str]:
    (tmp / "outcomes.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    return ["inspections", "record", str(tmp / "outcomes.xlsx")]


def _bad_xlsx_in_folder(tmp: Path) -> list[str]:
    folder = _copy(tmp)
    (folder / "extra.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    return ["roster", "--data", str(folder), "--month", "2027-03"]


def _bad_streets_geojson(tmp: Path) -> list[str]:
    folder = _copy(tmp)
    (folder / "streets.geojson").write_text('{"type": "FeatureCollection", "features": [',
                                            encoding="utf-8")
    return ["siting", "--data", str(folder), "--no-network"]


def _lat_200(tmp: Path) -> list[str]:
    folder = _copy(tmp)
    _edit_institutions(folder, "lat", "200")
    return ["roster", "--data", str(folder), "--month", "2027-03"]


def _beijing(tmp: Path) -> list[str]:
    folder = _copy(tmp)
    _edit_institutions(folder, "lon", "116.397")
    _edit_institutions(folder, "lat", "39.909")
    return ["roster", "--data", str(folder), "--month", "2027-03"]


def _bad_record(tmp: Path) -> list[str]:
    (tmp / "draw.json").write_text(json.dumps({"seed": "x", "month": 5}), encoding="utf-8")
    return ["roster", "verify", str(tmp / "draw.json")]


def _previous_not_sessions(tmp: Path) -> list[str]:
    (tmp / "x.txt").write_text("x", encoding="utf-8")
    return ["sessions", "--previous", str(tmp / "x.txt"), "--from", "2027-05-01"]


def _edit(folder: Path, table: str, column: str, value: str) -> None:
    path = folder / table
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0][column] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def _with_cell(command: str, table: str, column: str, value: str,
               *more: str) -> Callable[[Path], list[str]]:
    def make(tmp: Path) -> list[str]:
        folder = _copy(tmp)
        _edit(folder, table, column, value)
        return [command, "--data", str(folder), *more]

    return make


def _record(*rows: str) -> Callable[[Path], list[str]]:
    """``tuoyu inspections record`` of a table of these rows (dated in 2026: before
    the machine's today)."""
    def make(tmp: Path) -> list[str]:
        (tmp / "outcomes.csv").write_text(
            "institution_id,date,outcome,inspector_ids\n" + "\n".join(rows) + "\n",
            encoding="utf-8")
        return ["inspections", "record", str(tmp / "outcomes.csv")]

    return make


def _folder_as_file(tmp: Path) -> list[str]:
    (tmp / "outcomes.csv").mkdir()
    return ["inspections", "record", str(tmp / "outcomes.csv")]


def _options(*args: str) -> Callable[[Path], list[str]]:
    return lambda _tmp: list(args)


#: case id -> (how to make it, words the Chinese message must hold)
CASES: dict[str, tuple[Callable[[Path], list[str]], str]] = {
    "outcomes-txt": (_x_txt, "不是检查结果表"),
    "outcomes-corrupt-xlsx": (_bad_outcomes_xlsx, "工作簿无法打开"),
    "corrupt-xlsx-in-dataset": (_bad_xlsx_in_folder, "工作簿无法打开"),
    "corrupt-streets-geojson": (_bad_streets_geojson, "streets.geojson"),
    "lat-200": (_lat_200, "第 2 行"),
    "institution-in-beijing": (_beijing, "公里"),
    "verify-wrong-types": (_bad_record, "抽查记录的字段“seed”不正确"),
    "previous-not-sessions": (_previous_not_sessions, "不是活动安排表"),
    "previous-without-from": (_options("sessions", "--previous", "p.csv"), "--from"),
    "seed-2^64": (_options("roster", "--month", "2027-03", "--seed", str(2**64)), "随机种子"),
    "min-team-0": (_options("roster", "--month", "2027-03", "--min-team", "0"), "每组最少人数"),
    "draw-share-negative": (_options("roster", "--month", "2027-03", "--draw-share", "-0.1"),
                            "抽查比例"),
    "draw-share-over-1": (_options("roster", "--month", "2027-03", "--draw-share", "1.5"),
                          "抽查比例"),
    "month-13": (_options("roster", "--month", "2027-13"), "月份"),
    "sessions-year-0": (_options("sessions", "--year", "0"), "年份"),
    "sessions-year-99999": (_options("sessions", "--year", "99999"), "年份"),
    "siting-years-1-3": (_options("siting", "--years", "1-3"), "规划年份"),
    "siting-bad-pin": (_options("siting", "--pin", "K1@x"), "指定开设的地点"),
    # names hold no line breaks or other control characters (they broke every calendar)
    "newline-in-a-center-name": (_with_cell("sessions", "centers.csv", "name",
                                            "友谊路1号\n(二楼)", "--year", "2027"), "U+000A"),
    "tab-in-an-inspector-name": (_with_cell("roster", "inspectors.csv", "name", "张\t三",
                                            "--month", "2027-03"), "U+0009"),
    "leave-1900": (_with_cell("roster", "inspector_leave.csv", "start", "1900-01-01",
                              "--month", "2027-03"), "2000-01-01"),
    "leave-to-9999": (_with_cell("roster", "inspector_leave.csv", "end", "9999-12-31",
                                 "--month", "2027-03"), "2100-12-31"),
    "pop-1e300": (_with_cell("siting", "communities.csv", "pop_0_3", "1e300", "--no-network"),
                  "pop_0_3"),
    # outcomes that cannot be of a visit made
    "record-blank-team": (_record("JG0001,2026-03-02,pass,"), "没有写检查人员"),
    "record-team-of-one": (_record("JG0001,2026-03-02,pass,JC002"), "只有 1 名"),
    "record-same-inspector-twice": (_record("JG0001,2026-03-02,pass,JC002;JC002;JC003"),
                                    "出现了两次"),
    "record-conflict-of-interest": (_record("JG0014,2026-03-02,pass,JC001;JC002"), "回避"),
    "record-1900": (_record("JG0001,1900-03-02,pass,JC002;JC003"), "早于 2000"),
    "record-before-opening": (_record("JG0001,2015-03-02,pass,JC002;JC003"), "开办日期"),
    "record-sunday": (_record("JG0001,2026-03-01,pass,JC002;JC003"), "周末（周日）"),
    "record-holiday": (_record("JG0001,2026-10-02,pass,JC002;JC003"), "节假日"),
    "record-twice-one-visit": (_record("JG0001,2026-03-02,pass,JC002;JC003",
                                      "JG0001,2026-03-02,fail,JC002;JC003"), "第 2 行"),
    "record-folder-as-file": (_folder_as_file, "文件夹"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_careless_input_is_one_clear_message_and_writes_nothing(
        case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("TUOYU_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    make, words = CASES[case]
    out = tmp_path / "out"
    args = [*make(tmp_path)]
    if args[0] in ("roster", "sessions", "siting") and args[1] != "verify":
        args += ["--out", str(out), "--time-limit", "5"]
    result = runner.invoke(app, args)
    text = result.output
    assert result.exit_code == 2, text
    assert "Traceback" not in text, text
    assert result.exception is None or isinstance(result.exception, SystemExit), text
    assert words in text, text
    assert not out.exists()
    if (tmp_path / "store.sqlite").exists():
        with Session(store.make_engine(url)) as s:
            assert s.scalar(select(func.count()).select_from(store.Roster)) == 0
            assert s.scalar(select(func.count()).select_from(store.Outcome)) == 0


def test_an_outcome_dated_after_today_is_refused(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Without TUOYU_TODAY the office's today is the machine's date: the bundled 2027
    timeline is still ahead, so an outcome of a 2027 visit cannot have been recorded."""
    monkeypatch.delenv("TUOYU_TODAY", raising=False)
    monkeypatch.setenv("TUOYU_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    table = tmp_path / "outcomes.csv"
    table.write_text("institution_id,date,outcome,inspector_ids\n"
                     "JG0001,2099-03-02,pass,JC002;JC003\n", encoding="utf-8")
    result = runner.invoke(app, ["inspections", "record", str(table)])
    assert result.exit_code == 2 and "晚于今天" in result.output, result.output
    monkeypatch.setenv("TUOYU_TODAY", "2099-12-31")
    result = runner.invoke(app, ["inspections", "record", str(table)])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("TUOYU_TODAY", "yesterday")
    result = runner.invoke(app, ["inspections", "record", str(table)])
    assert result.exit_code == 2 and "TUOYU_TODAY" in result.output, result.output


def test_a_draw_verifies_from_another_folder(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """``roster verify`` works from wherever it is run, even when the plan was made with a
    relative ``--data``: the store knows the folder the record was drawn on. The record
    itself names no folder (it is public once sealed and revealed, and a folder's path may
    hold a person's name: it held ``inputs.data_dir`` until 2026-12-07)."""
    monkeypatch.setenv("TUOYU_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    work = tmp_path / "work"
    work.mkdir()
    tiny_dataset(work / "district")  # the rule needs no scale: a tiny district
    monkeypatch.chdir(work)
    made = runner.invoke(app, ["roster", "--data", "district", "--month", "2027-03",
                               "--out", "plan", "--time-limit", "30"])
    assert made.exit_code == 0, made.output
    record = json.loads((work / "plan" / "draw.json").read_text(encoding="utf-8"))
    assert "data_dir" not in record["inputs"] and str(work) not in json.dumps(record)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    checked = runner.invoke(app, ["roster", "verify", str(work / "plan" / "draw.json")])
    assert checked.exit_code == 0 and "抽取结果一致" in checked.output, checked.output


def test_staging_folders_of_killed_runs_are_cleaned_on_the_next_write(tmp_path: Path) -> None:
    """A run killed while it wrote left ``.out.new.*`` beside the out folder (23 of them
    were never cleaned): the next write to the same folder removes those of processes
    that no longer run, and keeps a running one's."""
    import os
    import subprocess
    import sys

    from tuoyu.api.exports.output import staged

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    dead = tmp_path / f".out.new.{gone}.abc"
    old_kind = tmp_path / ".out.new.k3j4h5"
    live = tmp_path / f".out.new.{os.getppid()}.xyz"
    for folder in (dead, old_kind, live):
        folder.mkdir()
        (folder / "roster.csv").write_text("half", encoding="utf-8")
    with staged(tmp_path / "out") as tmp:
        (tmp / "roster.csv").write_text("whole", encoding="utf-8")
    assert not dead.exists() and not old_kind.exists() and live.exists()
    assert (tmp_path / "out" / "roster.csv").read_text(encoding="utf-8") == "whole"
    assert {p.name for p in tmp_path.iterdir()} == {"out", live.name}


def _drand_not_json(tmp: Path) -> list[str]:
    (tmp / "round.json").write_text("{bad", encoding="utf-8")
    return ["roster", "seed", "--month", "2027-03", "--drand", str(tmp / "round.json")]


def _drand_gbk(tmp: Path) -> list[str]:
    (tmp / "round.json").write_bytes("{\"轮次\": 1}".encode("gbk"))
    return ["roster", "seed", "--month", "2027-03", "--drand", str(tmp / "round.json")]


#: a file or value named on the command line that cannot be used: said from the catalogue
#: (Python's English "Expecting property name…", "expected one draw.json among…" before)
NAMED = {
    "drand-not-json": (_drand_not_json, "--drand", "不是有效的 JSON（第 1 行第 2 列）"),
    "drand-gbk": (_drand_gbk, "--drand", "不是 UTF-8 编码的文本"),
    "verify-empty-folder": (lambda tmp: ["roster", "verify", str(tmp)], "无法核验",
                            "应恰好有一个抽查记录（.json 文件），找到 0 个"),
    "verify-no-such-file": (lambda tmp: ["roster", "verify", str(tmp / "nope")], "无法核验",
                            "没有这个文件或文件夹"),
    "visits-previous-missing": (lambda tmp: [
        "visits", "--week", "2027-03-01", "--from", "2027-03-03", "--previous",
        str(tmp / "nope.csv"), "--out", str(tmp / "out")], "--previous", "没有这个文件或文件夹"),
    "notice-kind": (lambda tmp: ["roster", "notice", "--month", "2027-03", "--out",
                                 str(tmp / "out"), "--kind", "bad"], "--kind bad",
                    "应为以下之一：announcement、results、revealed"),
}


@pytest.mark.parametrize("case", sorted(NAMED))
def test_a_named_file_or_value_that_cannot_be_used_is_said_in_chinese(
        case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUOYU_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    make, name, words = NAMED[case]
    result = runner.invoke(app, make(tmp_path))
    assert result.exit_code == 2, result.output
    first = result.output.splitlines()[0]
    assert first.startswith(name) and words in first, result.output
    assert not (tmp_path / "out").exists()
