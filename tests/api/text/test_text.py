"""Every message exists in Chinese and English, with the same parameters in both."""

from __future__ import annotations

import re
import string

import pytest

from tuoyu.api.text import CATALOGUE, describe, label, message, render
from tuoyu.models.findings import clash
from tuoyu.optimizer.solve import SoftGoal, Status, Target
from tuoyu.planning.plan import Plan


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_every_code_has_both_languages_with_the_same_parameters() -> None:
    for code, (zh, en) in CATALOGUE.items():
        assert zh.strip() and en.strip(), code
        assert _fields(zh) == _fields(en), code


#: codes of two catalogues worded alike by chance, each read in its own place: the notice's
#: matter "safety" among matters worded for the public (消防安全, not 消防), "none" of a
#: notice's follow-up and of a scorecard figure
ALIKE_BY_CHANCE = {frozenset({"code.skill.safety", "roster.matter.safety"}),
                   frozenset({"roster.notice.follow_none", "scorecard.none"})}


def test_a_word_of_two_catalogues_is_one_entry() -> None:
    """An outcome, an institution's kind, a discipline, a target met: the same words under
    two codes of two catalogues (roster.outcome.pass and outcome.pass) were two entries to
    keep alike. Within one catalogue, codes a lookup needs by name may say the same
    (pydantic's error types, a scorecard figure's own goal)."""
    from tuoyu.api import text

    modules = {code: name for name in ("city", "cli", "common", "input", "roster",
                                       "scorecard", "sessions", "siting", "visits")
               for code in getattr(text, name).MESSAGES}  # fmt: skip
    text.load_planners()
    by_words: dict[tuple[str, str], list[str]] = {}
    for code, pair in CATALOGUE.items():
        by_words.setdefault(pair, []).append(code)
    twice = sorted(codes for codes in by_words.values()
                   if len({modules.get(c) for c in codes}) > 1
                   and frozenset(codes) not in ALIKE_BY_CHANCE)  # fmt: skip
    assert twice == [], twice


def test_every_status_has_a_label() -> None:
    for s in Status:
        assert f"status.{s}" in CATALOGUE


def test_lists_and_numbers_are_written_the_way_each_language_writes_them() -> None:
    f = clash("input.table_twice", table="streets", sources=["a.csv", "b.xlsx"])
    assert render(f, "zh").endswith("（a.csv、b.xlsx）") and render(f, "en").endswith(
        "(a.csv, b.xlsx)")
    assert "60" in message("plan.time_limit", {"seconds": 60}, "zh")


def test_an_unknown_code_still_shows_its_parameters() -> None:
    assert message("nowhere.code", {"n": 3}) == "nowhere.code (n=3)"
    assert label("nowhere.code") == "nowhere.code"


def test_a_plan_is_described_in_chinese_first() -> None:
    plan = Plan(kind="siting", status=Status.FEASIBLE, objective=12.0, bound=10.0,
                soft_goals=[SoftGoal("siting.goal.x", 2, 3)],
                targets=[Target("siting.target.y", 5, 4, False)],
                findings=[clash("plan.time_limit", seconds=9)])
    zh, en = describe(plan, "zh"), describe(plan, "en")
    assert zh.startswith("公办托班选址：可行") and "未达标" in zh and "2 × 3 = 6" in zh
    assert en.startswith("Nursery-class siting: feasible") and "NOT met" in en


def test_an_input_problem_is_said_in_chinese_with_its_place(tmp_path) -> None:
    import shutil

    import pytest

    from tuoyu.api.text import render_data_error
    from tuoyu.data import BUNDLED
    from tuoyu.models.errors import DataError
    from tuoyu.models.reader import read_tables

    for name in ("streets.csv", "institutions.csv", "inspectors.csv"):
        shutil.copy(BUNDLED / name, tmp_path / name)
    lines = (tmp_path / "institutions.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace(",high,", ",extreme,").replace(",medium,", ",extreme,").replace(
        ",low,", ",extreme,")
    (tmp_path / "institutions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_tables(tmp_path, ["streets", "institutions", "inspectors"])
    zh = render_data_error(err.value, "zh")
    assert zh.startswith("输入数据有 1 处问题") and "第 2 行" in zh and "“risk”列" in zh
    assert "数值不正确" in zh and "以下之一：low（低）、medium（中）、high（高）" in zh and "extreme" in zh
    assert render_data_error(err.value, "en").startswith("The input has a problem")


def test_an_outcome_is_said_by_its_name_not_its_code() -> None:
    params = {"date": "2027-05-06", "outcome": "rectify", "due": "2027-06-05"}
    assert message("roster.note.follow_up", params) == \
        "2027-05-06 检查结果为“责令整改”，须于 2027-06-05 前复查"
    assert message("roster.note.follow_up", params, "en").startswith("rectify on 2027-05-06")


def test_numbers_are_written_one_way_for_people() -> None:
    from tuoyu.api.text import number, percent

    assert number(1172.2000000000003) == "1,172" and number(-14.79488515) == "−14.8"
    assert number(0.0149) == "0.01" and number(-0.0001) == "0" and number(None) == "—"
    assert number(2.5) == "2.5" and number(12900.56) == "12,901" and number(7) == "7"
    assert percent(0.237) == "23.7%" and percent(0.0) == "0%" and percent(0.0004) == "<0.1%"
    assert percent(None) == "—"


def test_a_maximised_plan_s_goals_read_with_their_signs_and_sum_to_the_objective() -> None:
    from tuoyu.api.text import plan_figures

    plan = Plan(kind="siting", status=Status.OPTIMAL, objective=1464.69, bound=1464.69,
                soft_goals=[SoftGoal("siting.goal.served", 1479.49, 1.0),
                            SoftGoal("siting.goal.walk", 1479.488515, -0.01),
                            SoftGoal("siting.goal.street_missed", 0, -1172.2000000000003)])
    fig = plan_figures(plan.as_dict(), "zh")
    assert fig["bound_label"] == "上界" and fig["gap"] == "0%"
    served, walk, street = fig["goals"]
    assert walk["line"] == "−（1,479 × 0.01）= −14.8" and "越短越好" in walk["label"]
    assert served["sense"] == "more" and "越多越好" in served["label"]
    assert street["weight"] == "1,172" and street["cost"] == "0"
    assert sum(g.cost for g in plan.soft_goals) == pytest.approx(plan.objective, abs=0.01)
    text = describe(plan, "zh")
    assert "-0.01" not in text and "0000000003" not in text and "× -" not in text


def test_a_minimised_plan_s_goals_are_costs() -> None:
    from tuoyu.api.text import plan_figures

    plan = Plan(kind="sessions", status=Status.FEASIBLE, objective=996, bound=760,
                soft_goals=[SoftGoal("sessions.goal.far", 100, 5),
                            SoftGoal("sessions.goal.load", 49.6, 10)])
    fig = plan_figures(plan.as_dict(), "zh")
    assert fig["line"] == "目标值 996，下界 760，差距 23.7%"
    assert [g["line"] for g in fig["goals"]] == ["100 × 5 = 500", "49.6 × 10 = 496"]
    assert all(g["sense"] == "less" for g in fig["goals"])


def test_the_live_line_shows_the_plan_s_gap_and_never_a_stage_s() -> None:
    from tuoyu.api.cli.common import progress_line
    from tuoyu.optimizer.solve import ProgressEvent

    stage = ProgressEvent("calendar 2", 3.0, 996.0, 996.0, whole=False)
    assert stage.gap is None
    line = progress_line(stage, "zh")
    assert "排定活动日期（第 2 部分）" in line and "差距" not in line and "本阶段下界 996" in line
    plan = ProgressEvent("whole", 9.0, 996.0, 760.0)
    finished = Plan(kind="sessions", status=Status.FEASIBLE, objective=996.0, bound=760.0)
    assert plan.gap == finished.gap
    assert "差距 23.7%" in progress_line(plan, "zh") and "差距 23.7%" in describe(finished)


def test_a_stage_is_said_by_its_name_not_its_code() -> None:
    said = message("sessions.wall_clock_stop", {"stage": "calendar", "seconds": 3.5})
    assert "排定活动日期" in said and "calendar" not in said
    assert "dates" in message("sessions.wall_clock_stop", {"stage": "calendar"}, "en")


def test_a_walk_of_a_few_meters_is_said_as_under_50() -> None:
    params = {"place_id": "K1", "name": "甲园", "year": 2027, "classes": 1, "served": 12,
              "new_children": 12, "communities": 1, "walk_m": 0}
    said = message("siting.why_no_alternative", params)
    assert "平均步行 不到 50 米" in said and "步行 0 米" not in said
    assert "under 50 m" in message("siting.why_no_alternative", params, "en")
    assert "平均步行 690 米" in message("siting.why_no_alternative", {**params, "walk_m": 690})


def test_an_alternative_serving_more_alone_is_said_without_a_negative_gain() -> None:
    from tuoyu.optimizer.siting.why import why_findings

    class _O:  # the fields why_findings reads of an opening
        place_id, name, year, classes, children_served, new_children = "K1", "甲园", 2027, 1, 9, 9
        communities, walk_m, alternative_id, alternative_name = [("C1", 9)], 300, "K2", "乙园"
        alternative_children, gain, alternative_walk_m, integrated = 22, -13, 200, False
        streets_covered: list[str] = []

    (f,) = [f for f in why_findings([_O()]) if f.code.startswith("siting.why")][:1]
    said = message(f.code, f.params)
    assert "-13" not in said and "多服务 13 名" in said


def test_times_are_said_in_beijing_time_never_utc() -> None:
    """The store keeps UTC; people read Asia/Shanghai (UTC+8, no summer time), said so."""
    import datetime as dt

    from tuoyu.api.text import local_time

    assert local_time("2027-03-01T01:30:00+00:00") == "2027-03-01 09:30:00（北京时间）"
    assert local_time("2027-03-01T20:00:05Z") == "2027-03-02 04:00:05（北京时间）"
    assert local_time("2027-03-01T20:00:05") == "2027-03-02 04:00:05（北京时间）"  # naive: UTC
    assert local_time(dt.datetime(2026, 12, 31, 16, 0)) == "2027-01-01 00:00:00（北京时间）"
    assert local_time("2027-07-01T00:00:00+08:00", "en") == "2027-07-01 00:00:00 (Beijing time)"
    assert local_time(None) == "—" and local_time("") == "—"
    assert local_time("不是时间") == "不是时间"
    assert not [v for k, v in CATALOGUE.items() for v in v if "UTC" in v], "a label says UTC"


def test_disciplines_in_a_sentence_are_said_by_their_names() -> None:
    """A planner reads 医学, not the code 'medical', in every planner's findings (a
    single discipline or a list of them)."""
    from tuoyu.api.text import message

    short = message("visits.discipline_short", {"week": "2027-03-01", "discipline": "medical",
                                                 "by": "2027-03-05", "demand": 3,
                                                 "capacity": 1, "short": 2})
    assert "医学" in short and "medical" not in short
    team = message("visits.needs_beyond_team", {"family_id": "F1",
                                                "needs": ["education", "psychology"],
                                                "covered": ["education"]})
    assert team == "家庭 F1 需要 教育、心理，上门小组只覆盖 教育。"
    pool = message("sessions.clash.event_pool", {"event": "E1", "name": "讲座",
                                                  "discipline": "psychology", "need": 2,
                                                  "have": 1})
    assert "心理" in pool and "psychology" not in pool
    assert "medicine" in message("visits.discipline_short", {"discipline": "medical"}, "en")


def test_plan_figures_write_targets_as_every_face_does():
    """A share of 0.97 is 0.97 on the pages too, not "1" rounded away (the page said
    "目标 1，达成 1（未达标）"); a count keeps its thousands separator."""
    from tuoyu.api.text import plan_figures

    result = {"kind": "visits", "status": "feasible", "soft_goals": [], "targets": [
        {"code": "visits.target.due_visited", "goal": 1.0, "achieved": 0.9697, "met": False},
        {"code": "visits.target.due_count", "goal": 1172, "achieved": 1172, "met": True},
        {"code": "visits.target.share_within_window", "goal": 1.0, "achieved": 0.9688,
         "met": False, "unit": "share"}]}
    (plain, count, share) = plan_figures(result, "zh")["targets"]
    assert (plain["goal"], plain["achieved"], plain["met"]) == ("1", "0.97", False)
    assert plain["label"] and count["goal"] == count["achieved"] == "1,172"
    # a share is a percentage for people: 100% → 96.9%, not 1 → 0.97
    assert (share["goal"], share["achieved"]) == ("100%", "96.9%")


def test_a_target_met_within_a_band_says_the_band():
    """May's share of the year is 33.1 sessions; the plan holds 26, within the band
    24–42 that counts as met. "目标 33.1，达成 26（达标）" read as a contradiction; the line
    names the band."""
    from tuoyu.api.text import plan_figures

    result = {"kind": "sessions", "status": "optimal", "soft_goals": [], "targets": [
        {"code": "sessions.target.month_05", "goal": 33.1, "achieved": 26, "met": True,
         "low": 24, "high": 42},
        {"code": "sessions.target.events_held", "goal": 5, "achieved": 5, "met": True}]}
    may, events = plan_figures(result, "zh")["targets"]
    assert may["band"] == "24–42"
    assert may["line"] == "目标 33.1（24–42 即达标），达成 26（达标）"
    assert events["band"] == "" and events["line"] == "目标 5，达成 5（达标）"
    en = plan_figures(result, "en")["targets"][0]["line"]
    assert en == "goal 33.1 (met within 24–42), achieved 26 (met)"


def test_a_home_visit_plans_words_are_chinese() -> None:
    """What the home-visit plan says in Chinese (the page's 方案依据, the summary) names no
    library and no parameter's code: "路线由 PyVRP 启发式求解", "可加大时限（time_limit）"
    were read on 东滩区's visits page, where a planner sets neither."""
    import re

    for code, (zh, _en) in CATALOGUE.items():
        if not code.startswith("visits."):
            continue
        text = re.sub(r"\{[^}]*\}", "", zh)
        words = re.findall(r"(?<![A-Za-z0-9_])[A-Za-z_]{2,}(?![A-Za-z0-9_])", text)
        assert not words, (code, words)


@pytest.mark.parametrize("code", [
    "calendar 2", "polish", "polish topics", "polish shift", "topics", "teams",
    "teams (shortlists of 12), at the floor", "days and teams", "random priority",
    "uniqueness", "routing", "highs", "mclp", "lscp", "allocation", "plan", "explain"])
def test_every_stage_a_solver_ends_by_the_clock_is_said_in_chinese(code: str) -> None:
    """The wall-clock findings name the stages the clock ended: the solvers' own names of
    their stages (parts, steps of the improvement, the roster's shortlists) were printed
    as they are ("polish topics" 阶段被时钟截停)."""
    for said in (message("plan.wall_clock_stop", {"seconds": 60, "stages": [code, "calendar"]}),
                 message("sessions.wall_clock_stop", {"stage": code, "seconds": 6.0}),
                 message("roster.wall_clock_stop", {"stage": code, "seconds": 60})):
        assert not re.search(r"[A-Za-z]{2,}", said.replace("--wall-limit", "")), said
    part = message("sessions.wall_clock_stop", {"stage": "calendar 12", "seconds": 6.0})
    assert "排定活动日期（第 12 部分）" in part
    # a name no label begins with shows itself: a finding never hides what it is about
    assert "rounding" in message("sessions.wall_clock_stop", {"stage": "rounding"})


def test_a_workbooks_sheet_is_named_in_chinese():
    """"plan.xlsx, sheet institutions" (the reader's label) reads 工作表 in Chinese,
    in the location and in the list of a table given twice; English keeps it."""
    from tuoyu.api.text import render_problem
    from tuoyu.models.errors import Problem

    p = Problem("计划.XLSX, sheet 机构", "a value is missing", row=5, column="lat",
                code="input.value_missing")
    assert render_problem(p, "zh").startswith("计划.XLSX 工作表“机构”，第 5 行")
    assert render_problem(p, "en").startswith("计划.XLSX, sheet 机构, row 5")
    twice = Problem("institutions.csv", "given twice", code="input.table_twice",
                    params={"table": "institutions",
                            "sources": ["institutions.csv", "plan.xlsx, sheet institutions"]})
    zh = render_problem(twice, "zh")
    assert "plan.xlsx 工作表“institutions”" in zh and "sheet" not in zh, zh
