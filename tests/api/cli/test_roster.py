"""``tuoyu roster`` end to end on the bundled Baoshan data (read-only; every output goes
to tmp_path): the CLI's files and their audit, a year of monthly rosters with recorded
outcomes, and bad input, bad options or a failed write that write and store nothing."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from draw_support import tiny_dataset
from roster_check import check_roster
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tuoyu.api import runner as api_runner
from tuoyu.api import store
from tuoyu.api.cli import app
from tuoyu.data import BUNDLED
from tuoyu.models.calendar import month_bounds
from tuoyu.models.inspection import load_inspection_data
from tuoyu.optimizer.roster import RosterRules
from tuoyu.planning.dataset import Dataset

DATA = BUNDLED
CONTRACT = ["date", "institution_id", "street_id", "inspector_ids", "reason"]
SHEETS = ["按日期", "检查组每日单", "按检查人员", "抽取记录", "年度覆盖", "说明"]
runner = CliRunner()
DATASET = Dataset.at(DATA)


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def db_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'tuoyu.sqlite'}"


def stored_rosters(url: str) -> int:
    with Session(store.engine(url)) as session:
        return len(session.scalars(select(store.Roster)).all())


# --- (a) the CLI's files, and their audit ---------------------------------------------


@pytest.fixture(scope="module")
def december(tmp_path_factory) -> Path:
    """The CLI's roster of December 2026 on the bundled data, into a fresh store."""
    root = tmp_path_factory.mktemp("cli")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUOYU_DATABASE_URL", db_url(root))
        result = runner.invoke(
            app, ["roster", "--data", str(DATA), "--month", "2026-12", "--out", str(root / "o")]
        )
    assert result.exit_code == 0, result.output
    return root / "o"


def test_cli_writes_the_contract_files(december):
    for name in ("roster.csv", "roster.xlsx", "draw.json", "summary.txt"):
        assert (december / name).is_file(), name
    with open(december / "roster.csv", encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    assert header[: len(CONTRACT)] == CONTRACT
    rows = read_rows(december / "roster.csv")
    assert rows
    assert openpyxl.load_workbook(december / "roster.xlsx", read_only=True).sheetnames == SHEETS
    record = json.loads((december / "draw.json").read_text(encoding="utf-8"))
    assert record["month"] == "2026-12" and record["seed"] == 20270301
    assert len(record["result"]) == len(rows)
    # the roster keeps every rule, checked independently (fresh store: bundled history)
    data = load_inspection_data(DATA)
    assert check_roster(rows, data, 2026, 12, RosterRules()) == []
    # December covers every active institution not yet inspected in 2026
    seen = {h.institution_id for h in data.history if h.date.year == 2026}
    seen |= {r["institution_id"] for r in rows}
    active = {
        i.institution_id
        for i in data.institutions
        if i.active and (i.opened_on is None or i.opened_on <= dt.date(2026, 12, 31))
    }
    assert active <= seen


def test_verify_says_the_draw_matches(december, monkeypatch):
    """The bundled month's record recomputes to the same draw (a record changed after
    the draw, or verified against a store without it, is refused: test_roster_verify_cli,
    on a tiny district; verify in Chinese: test_hostile_cli)."""
    monkeypatch.setenv("TUOYU_DATABASE_URL", db_url(december.parent))  # the store it is in
    result = runner.invoke(app, ["roster", "verify", str(december), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "matches" in result.output
    assert ".tuoyu-plan" not in result.output  # the folder's mark is no file of the draw


# --- (b) a year of monthly rosters ----------------------------------------------------


def twelve_months(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A roster a month through the command line, each month's outcomes recorded before
    the next is drawn: every month keeps every rule (checked on the output against the
    stored history) and the year visits every active institution."""
    url = db_url(tmp_path)
    monkeypatch.setenv("TUOYU_DATABASE_URL", url)
    inspection = load_inspection_data(data)
    dataset = Dataset.at(data)
    visited: set[str] = set()
    for month in range(1, 13):
        out = tmp_path / f"2027-{month:02d}"
        result = runner.invoke(
            app, ["roster", "--data", str(data), "--month", f"2027-{month:02d}", "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        rows = read_rows(out / "roster.csv")
        start, _ = month_bounds(2027, month)
        with Session(store.engine(url)) as session:
            history = store.stored_history(session, dataset.key, start)
        problems = check_roster(rows, inspection.with_history(history), 2027, month,
                                RosterRules())
        assert problems == [], f"2027-{month:02d}: {problems[:5]}"
        visited |= {r["institution_id"] for r in rows}
        outcomes = tmp_path / f"outcomes-{month:02d}.csv"
        with open(outcomes, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["institution_id", "date", "outcome", "inspector_ids"])
            for r in rows:
                w.writerow([r["institution_id"], r["date"], "pass", r["inspector_ids"]])
        assert api_runner.record_outcomes(outcomes, dataset, store.engine(url)) == len(rows)
    active = {
        i.institution_id
        for i in inspection.institutions
        if i.active and (i.opened_on is None or i.opened_on <= dt.date(2027, 12, 31))
    }
    assert sorted(active - visited) == []
    assert stored_rosters(url) == 12


def test_twelve_months_keep_the_rules_and_cover_the_year(tmp_path, monkeypatch):
    """On a small district (90 institutions in two streets, 8 inspectors): the year's
    coverage has to be spread over the months."""
    twelve_months(tiny_dataset(tmp_path / "data", institutions=90), tmp_path, monkeypatch)


@pytest.mark.heavy  # twelve solves of the bundled district (the same rules: above)
def test_twelve_bundled_months_keep_the_rules_and_cover_the_year(tmp_path, monkeypatch):
    twelve_months(DATA, tmp_path, monkeypatch)


# --- (c) bad input writes nothing -----------------------------------------------------


def test_broken_date_exits_2_naming_file_row_and_column(tmp_path, monkeypatch):
    monkeypatch.setenv("TUOYU_DATABASE_URL", db_url(tmp_path))
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    leave = copy / "inspector_leave.csv"
    lines = leave.read_text(encoding="utf-8").splitlines()
    fields = lines[1].split(",")
    fields[1] = "2027-02-30"
    lines[1] = ",".join(fields)
    leave.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["roster", "--data", str(copy), "--month", "2027-01", "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "inspector_leave.csv" in result.output
    assert "第 2 行" in result.output and "“start”列" in result.output  # Chinese first
    assert "2027-02-30" in result.output
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_infeasible_setting_exits_2_with_the_clash_and_writes_nothing(tmp_path, monkeypatch):
    url = db_url(tmp_path)
    monkeypatch.setenv("TUOYU_DATABASE_URL", url)
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["roster", "--data", str(DATA), "--month", "2027-01", "--out", str(out),
         "--min-team", "9", "--lang", "en"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "short by" in result.output and "× 9 inspectors" in result.output
    assert "Nothing was written" in result.output
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
    assert stored_rosters(url) == 0


def test_inspections_record_cli(tmp_path, monkeypatch):
    url = db_url(tmp_path)
    monkeypatch.setenv("TUOYU_DATABASE_URL", url)
    data = load_inspection_data(DATA)
    iid, pids = data.institutions[0].institution_id, [p.inspector_id for p in data.inspectors]
    good = tmp_path / "good.csv"
    good.write_text(
        "institution_id,date,outcome,inspector_ids\n"
        f"{iid},2027-01-05,rectify,{pids[0]};{pids[1]}\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["inspections", "record", str(good), "--data", str(DATA), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "Recorded 1" in result.output
    with Session(store.engine(url)) as session:
        history = store.stored_history(session, DATASET.key, dt.date(2027, 2, 1))
    assert [(h.institution_id, h.outcome) for h in history] == [(iid, "rectify")]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"institution_id,date,outcome,inspector_ids\nNOPE,2027-01-05,pass,{pids[0]};{pids[1]}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["inspections", "record", str(bad), "--data", str(DATA)])
    assert result.exit_code == 2, result.output
    assert "bad.csv" in result.output and "第 2 行" in result.output and "NOPE" in result.output


def test_bad_option_exits_2_naming_it_without_a_traceback(tmp_path, monkeypatch):
    url = db_url(tmp_path)
    monkeypatch.setenv("TUOYU_DATABASE_URL", url)
    out = tmp_path / "out"
    for option, value in (("--draw-share", "2"), ("--month", "2027-13"), ("--min-team", "1")):
        result = runner.invoke(
            app, ["roster", "--month", "2027-03", "--out", str(out), option, value, "--lang", "en"]
        )
        assert result.exit_code == 2, result.output
        assert option.removeprefix("--").replace("-", "_") in result.output, result.output
        assert "Traceback" not in result.output
        assert isinstance(result.exception, SystemExit), result.exception
        assert "Nothing was written" in result.output
    assert not out.exists()
    assert stored_rosters(url) == 0


def test_out_pointing_at_a_file_exits_2_and_stores_nothing(tmp_path, monkeypatch):
    url = db_url(tmp_path)
    monkeypatch.setenv("TUOYU_DATABASE_URL", url)
    out = tmp_path / "taken"
    out.write_text("not a folder", encoding="utf-8")
    data = tiny_dataset(tmp_path / "data")  # the rule needs no scale
    result = runner.invoke(
        app, ["roster", "--data", str(data), "--month", "2027-03", "--out", str(out),
              "--time-limit", "30"]
    )
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert str(out) in result.output and "什么也没有写入" in result.output
    assert out.read_text(encoding="utf-8") == "not a folder"
    assert stored_rosters(url) == 0


def test_summary_txt_is_chinese_by_default(december):
    text = (december / "summary.txt").read_text(encoding="utf-8")
    assert text.startswith("2026-12 检查排班（种子 20270301）")
    assert "唯一最优" in text and "本年度已实地检查的在营机构" in text


def test_the_command_line_prints_its_own_words_only(tmp_path: Path) -> None:
    """A fresh ``tuoyu roster`` (its own process: HiGHS prints its English copyright
    banner once per process, from C++, on the terminal itself) prints the plan in
    Chinese and no solver banner ("Running HiGHS 1.16.0 … Copyright …" came first on
    东滩区's roster, from the pair relaxation's HiGHS)."""
    import os
    import subprocess
    import sys

    data = tiny_dataset(tmp_path / "d")
    res = subprocess.run(
        [sys.executable, "-c", "from tuoyu.api.cli import main; main()", "roster",
         "--month", "2027-03", "--data", str(data), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
        env={**os.environ, "TUOYU_HOME": str(tmp_path / "home")})
    assert res.returncode == 0, res.stderr[-2000:]
    assert "HiGHS" not in res.stdout and "Copyright" not in res.stdout
    assert res.stdout.startswith("2027-03 检查排班"), res.stdout[:200]


def test_the_work_limit_is_the_time_limits_name_and_the_same_roster(tmp_path, monkeypatch):
    """``--work-limit`` names what the roster's limit is (a budget of counted work, the
    same roster under any load); ``--time-limit`` is its old name: the same budget, the
    same rows and the same result in the draw record."""
    monkeypatch.setenv("TUOYU_DATABASE_URL", db_url(tmp_path))
    data = tiny_dataset(tmp_path / "data")
    rows = {}
    for flag in ("--work-limit", "--time-limit"):
        out = tmp_path / flag.strip("-")
        result = runner.invoke(app, ["roster", "--data", str(data), "--month", "2027-03",
                                     "--out", str(out), flag, "30"])
        assert result.exit_code == 0, result.output
        record = json.loads((out / "draw.json").read_text(encoding="utf-8"))
        rows[flag] = ((out / "roster.csv").read_text(encoding="utf-8"), record["result"])
    assert rows["--work-limit"] == rows["--time-limit"]
    help_text = runner.invoke(app, ["roster", "--help"]).output
    assert "工作量预算" in help_text and "--work-limit" in help_text
