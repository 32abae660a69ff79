"""The roster's files (``tuoyu.api.exports.roster``) as a planner opens them, from a
month planned on the tests' tiny district: roster.csv (with the BOM Excel expects) holds
the plan's visits, each with its note; roster.xlsx's by-day sheet the same visits with
Chinese labels, its printed title naming district, month and state, re-stamped when the
store says published; draw.json the audit record; summary.txt the month's counts."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from draw_support import tiny_dataset

from tuoyu.api.exports.roster import codes, stamp_state, write_plan
from tuoyu.api.text import label
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import RosterParams
from tuoyu.planning.roster import run


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    tmp = tmp_path_factory.mktemp("roster_files")
    plan = run(Dataset.at(tiny_dataset(tmp / "d")),
               RosterParams(month="2027-03", seed=11, workers=1, time_limit=30))
    out = tmp / "out"
    out.mkdir()
    write_plan(plan, out)
    return plan, out


def test_the_csv_holds_the_plans_visits(written) -> None:  # noqa: ANN001
    plan, out = written
    raw = (out / "roster.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel expects
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["date"], r["institution_id"], r["inspector_ids"], r["reason"]) for r in rows] == [
        (str(r["date"]), r["institution_id"], r["inspector_ids"] if isinstance(
            r["inspector_ids"], str) else ";".join(r["inspector_ids"]), r["reason"])
        for r in plan.rows]
    assert rows and all(r["note"] for r in rows)  # why each is on the roster, in Chinese


def test_the_workbook_by_day_and_its_title(written) -> None:  # noqa: ANN001
    plan, out = written
    wb = openpyxl.load_workbook(out / "roster.xlsx", read_only=True)
    assert wb.sheetnames[:3] == ["按日期", "检查组每日单", "按检查人员"]
    cells = [[str(c) for c in row if c is not None]
             for row in wb["按日期"].iter_rows(values_only=True)]
    wb.close()
    text = "\n".join(" ".join(r) for r in cells)
    for r in plan.rows:
        assert r["institution_id"] in text
    published = stamp_state((out / "roster.xlsx").read_bytes(), "published")
    wb = openpyxl.load_workbook(io.BytesIO(published), read_only=True)
    notes = " ".join(str(c) for row in wb["说明"].iter_rows(values_only=True) for c in row if c)
    wb.close()
    assert "已发布" in notes and "草稿" not in notes


def test_the_record_and_the_summary(written) -> None:  # noqa: ANN001
    plan, out = written
    record = json.loads((out / "draw.json").read_text(encoding="utf-8"))
    assert record["seed"] == 11 and record["month"] == "2027-03"
    assert len(record["result"]) == len(plan.rows)
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    assert "2027-03" in summary and str(len(plan.rows)) in summary


def test_codes_as_a_planner_reads_them() -> None:
    assert codes("skill", "safety;hygiene") == "安全防控、卫生保健"
    assert codes("skill", ["safety", "hygiene"], "en") == "safety, hygiene"
    assert codes("risk", "high") == "高"
    assert codes("skill", "unknown_code") == "unknown_code"


def test_the_notes_say_each_target_as_the_command_line_does(written) -> None:  # noqa: ANN001
    """说明 names the goal first and what the roster achieves second, as the command line
    and the pages do (it wrote "37 / 13", which reads as 37 out of 13)."""
    plan, out = written
    wb = openpyxl.load_workbook(out / "roster.xlsx", read_only=True)
    rows = {r[0]: r[1] for r in wb["说明"].iter_rows(values_only=True) if r and r[0]}
    wb.close()
    assert plan.targets
    for t in plan.targets:
        text = rows[f"目标：{label(t.code)}"]
        assert text.startswith(f"目标 {t.goal:,.0f}，达成 {t.achieved:,.0f}（")
        assert text.endswith("（达标）" if t.met else "（未达标）")
