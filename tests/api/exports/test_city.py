"""The city's words and table (``tuoyu.api.exports.city``): a failure said in the
reader's language, a message of many lines as one cell, one summary row per district and
planner, and a district's line, on hand-made results (no solver)."""

from __future__ import annotations

from tuoyu.api.exports.city import district_line, error_text, failure_text, one_line, summary_rows
from tuoyu.models.errors import Problem
from tuoyu.models.findings import Finding
from tuoyu.planning import Status, Target
from tuoyu.planning.city import DistrictResult, Failure
from tuoyu.planning.plan import Plan


def test_one_line_joins_lines_with_a_semicolon_but_not_after_a_colon():
    assert one_line("无解：\n  - 人手不足\n  - 日期不够\n") == "无解：人手不足；日期不够"
    assert one_line("a\n\n b ") == "a；b"
    assert one_line("") == ""


def test_a_data_failure_names_file_row_and_column():
    problem = Problem("institutions.csv", "bad risk", row=4, column="risk", got="extreme",
                      code="input.value_invalid", params={"kind": "enum",
                                                          "choices": ["low", "high"]})
    text = failure_text(Failure("city.data_error", problems=(problem,)), "zh")
    assert "institutions.csv" in text and "4" in text and "risk" in text


def test_a_crash_is_said_without_its_trace():
    failure = Failure("city.crash", {"type": "KeyError", "reason": "x", "trace": "SECRET"})
    for lang in ("zh", "en"):
        text = failure_text(failure, lang)
        assert "KeyError" in text and "SECRET" not in text


def test_a_plan_is_an_error_only_when_it_has_none():
    ok = Plan(kind="roster", status=Status.OPTIMAL, rows=[{"a": 1}])
    clash = Plan(kind="roster", status=Status.INFEASIBLE,
                 findings=[Finding("roster.pool_too_small", {"short": 8}, "error")])
    assert error_text(DistrictResult("d", "roster", plan=ok)) == ""
    assert error_text(DistrictResult("d", "roster")) == "没有得到方案"
    assert "无解" in error_text(DistrictResult("d", "roster", plan=clash))


def test_one_summary_row_per_district_and_planner_in_the_readers_language():
    ok = Plan(kind="siting", status=Status.OPTIMAL, objective=12.5, bound=12.5,
              targets=[Target("siting.target.x", 1, 1, True), Target("siting.target.y", 2, 1,
                                                                     False)])
    results = [DistrictResult("north", "siting", plan=ok, seconds=3.21),
               DistrictResult("south", "roster", failure=Failure("city.cancelled"))]
    rows = summary_rows(results, {"north": "/data/north"}, {("north", "siting"): "写不了"})
    assert [(r["district"], r["planner"]) for r in rows] == [("north", "公办托班选址"),
                                                              ("south", "月度检查排班")]
    assert rows[0]["objective"] == 12.5 and rows[0]["gap"] == 0.0 and rows[0]["seconds"] == 3.2
    assert rows[0]["targets"] == "1/2 项达标" and rows[0]["error"] == "写不了"
    assert rows[1]["status"] == "未完成" and rows[1]["error"] == "已取消，未完成"
    assert rows[1]["folder"] == ""
    english = summary_rows(results[1:], {}, lang="en")
    assert english[0]["planner"] == "Monthly inspection roster"


def test_a_districts_line_says_its_planner_and_status():
    ok = Plan(kind="sessions", status=Status.FEASIBLE, rows=[{"a": 1}])
    line = district_line(DistrictResult("north", "sessions", plan=ok, seconds=1.0), "en")
    assert line.startswith("north") and "Guidance-session calendar" in line
