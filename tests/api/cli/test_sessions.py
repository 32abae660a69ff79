"""The command line end to end: the full year on the bundled data, a re-plan, bad input
with its messages (exit 2, nothing written), .ics files that parse back, Chinese and
English output."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
from sessions_check import read_plan, violations
from typer.testing import CliRunner

from tuoyu.api.cli import app
from tuoyu.data import BUNDLED
from tuoyu.models.sessions import load_session_data

runner = CliRunner()


@pytest.fixture(scope="module")
def year_plan(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("year") / "out"
    res = runner.invoke(
        app,
        [
            "sessions",
            "--data",
            str(BUNDLED),
            "--year",
            "2027",
            "--out",
            str(out),
            "--time-limit",
            "60",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "社区亲子宝宝苑达到年度场次（个）：目标 60，达成 60（达标）" in res.output, res.output
    return out


@pytest.mark.heavy  # solves the bundled year's calendar (minutes); .ci/run runs the heavy suite
def test_full_year_on_the_bundled_data(year_plan):
    data = load_session_data(BUNDLED)
    rows = read_plan(year_plan / "sessions.csv")
    assert violations(data, 2027, rows) == []
    baby = [c for c in data.centers if c.kind == "baby_center"]
    assert len(baby) >= 55
    per = {c.center_id: 0 for c in baby}
    for r in rows:
        if r["center_id"] in per:
            per[r["center_id"]] += 1
    assert min(per.values()) >= 6
    assert {r["event_id"] for r in rows if r["event_id"]} == {e.event_id for e in data.events}
    with (year_plan / "sessions.csv").open(encoding="utf-8-sig") as f:
        assert next(csv.reader(f)) == [
            "date",
            "start",
            "end",
            "center_id",
            "event_id",
            "topic_id",
            "staff_ids",
        ]


@pytest.mark.heavy  # solves the bundled year's calendar (minutes); .ci/run runs the heavy suite
def test_workbook_is_in_chinese(year_plan):
    from openpyxl import load_workbook

    wb = load_workbook(year_plan / "sessions.xlsx", read_only=True)
    assert {"按场所", "按人员", "按月份", "目标完成", "区级活动", "方案目标"} <= set(wb.sheetnames)
    months = [r[0] for r in wb["方案目标"].iter_rows(min_row=2, values_only=True)
              if r[0] and "月场所活动场次" in r[0]]
    assert len(months) == 12
    ws = wb["目标完成"]
    values = [r[8] for r in ws.iter_rows(min_row=3, values_only=True)]  # title, header
    assert values and set(values) == {"达标"}


@pytest.mark.heavy  # solves the bundled year's calendar (minutes); .ci/run runs the heavy suite
def test_ics_parses_back(year_plan):
    from icalendar import Calendar

    # named for the center a planner knows, not its id
    path = year_plan / "sessions_ics" / "场所-友谊路街道社区亲子宝宝苑1号.ics"
    cal = Calendar.from_ical(path.read_bytes())
    events = [c for c in cal.walk("VEVENT")]
    rows = [r for r in read_plan(year_plan / "sessions.csv") if r["center_id"] == "BC001"]
    assert len(events) == len(rows) >= 6
    starts = sorted(e.decoded("dtstart") for e in events)
    first = sorted(rows, key=lambda r: (r["date"], r["start"]))[0]
    assert starts[0].isoformat().startswith(f"{first['date']}T{first['start']}")
    assert starts[0].utcoffset() == dt.timedelta(hours=8)
    assert len({str(e["uid"]) for e in events}) == len(events)
    staff_files = list((year_plan / "sessions_ics").glob("人员-*.ics"))
    assert staff_files and Calendar.from_ical(staff_files[0].read_bytes()).walk("VEVENT")


@pytest.mark.heavy  # solves the bundled year's calendar (minutes); .ci/run runs the heavy suite
def test_replan_keeps_the_past_and_moves_little(year_plan, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(BUNDLED, data_dir)
    # a staff member leaves in June; a baby center closes for repairs in the autumn
    with (data_dir / "staff_leave.csv").open("a", encoding="utf-8") as f:
        f.write("ED001,2027-06-15,2027-12-31\n")
    (data_dir / "center_closures.csv").write_text(
        "center_id,start,end,reason\nBC002,2027-09-01,2027-10-31,维修\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    shutil.copytree(year_plan, out)
    res = runner.invoke(
        app,
        [
            "sessions",
            "--data",
            str(data_dir),
            "--out",
            str(out),
            "--from",
            "2027-06-01",
            "--time-limit",
            "60",
        ],
    )
    assert res.exit_code == 0, res.output
    before = read_plan(year_plan / "sessions.csv")
    after = read_plan(out / "sessions.csv")
    past = "2027-06-01"
    assert [r for r in before if r["date"] < past] == [r for r in after if r["date"] < past]
    assert violations(load_session_data(data_dir), 2027, after) == []
    key = lambda r: (r["center_id"], r["event_id"], r["date"], r["start"])  # noqa: E731
    old_future = {key(r) for r in before if r["date"] >= past}
    new_future = {key(r) for r in after if r["date"] >= past}
    moved = len(new_future - old_future)
    assert moved <= 10, f"{moved} sessions moved"
    assert "改到" in res.output or "人员" in res.output


def _bad(tmp_path: Path, edit, lang: str = "en") -> tuple[int, str, Path]:
    data_dir = tmp_path / "data"
    shutil.copytree(BUNDLED, data_dir)
    edit(data_dir)
    out = tmp_path / "out"
    res = runner.invoke(
        app, ["sessions", "--data", str(data_dir), "--out", str(out), "--time-limit", "5",
              "--lang", lang],
    )
    return res.exit_code, res.output, out


def _replace(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: _replace(d / "centers.csv", ",4,", ",four,"),
            "centers.csv, row 2, column 'sessions_per_year'",
        ),
        (
            lambda d: _replace(d / "guidance_staff.csv", "discipline,", "专科,"),
            "required column 'discipline'",
        ),
        (lambda d: _replace(d / "centers.csv", ",310113003,", ",999,"), "'999' refers to nothing"),
        (
            lambda d: _replace(d / "staff_leave.csv", "2027-06-15", "2027-13-45"),
            "staff_leave.csv, row 2, column 'start'",
        ),
        (
            lambda d: (d / "centers.csv").write_text(
                "center_id,name,street_id,lon,lat,kind\n", encoding="utf-8"
            ),
            "the table is empty",
        ),
        (
            lambda d: _replace(d / "events.csv", "true", "maybe"),
            "column 'weekend': a value is not valid",
        ),
    ],
)
def test_bad_input_is_refused_with_its_message(tmp_path, edit, message):
    code, output, out = _bad(tmp_path, edit)
    assert code == 2
    assert message in output
    assert not (out / "sessions.csv").exists()


def test_chinese_headers_are_accepted(tmp_path):
    def edit(d: Path) -> None:
        text = (d / "guidance_staff.csv").read_text(encoding="utf-8")
        head, rest = text.split("\n", 1)
        (d / "guidance_staff.csv").write_text(
            "人员编号,姓名,专业,所在街镇,每月上限,可排日\n" + rest, encoding="utf-8-sig"
        )

    data_dir = tmp_path / "data"
    shutil.copytree(BUNDLED, data_dir)
    edit(data_dir)
    assert len(load_session_data(data_dir).staff) == 45


def test_impossible_rules_write_nothing_and_say_why(tmp_path):
    code, output, out = _bad(
        tmp_path, lambda d: _replace(d / "centers.csv", ",4,", ",15,"), lang="zh"
    )
    assert code == 2
    assert "间隔 28 天" in output and "最多只能排 13 场" in output, output
    assert not (out / "sessions.csv").exists()


def test_impossible_rules_in_english(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(BUNDLED, data_dir)
    _replace(data_dir / "centers.csv", ",4,", ",15,")
    res = runner.invoke(app, ["sessions", "--data", str(data_dir), "--out",
                              str(tmp_path / "out"), "--lang", "en", "--time-limit", "5"])
    assert res.exit_code == 2
    assert "sessions 28 days apart" in res.output and "at most 13 fit" in res.output
    assert "Nothing was written." in res.output
