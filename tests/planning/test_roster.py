"""``tuoyu.planning.roster``: ``run`` end to end on the bundled data (the Plan's rows,
targets, goals and findings; history passed in as plain data; clashes returned, not
raised; stop and progress) and ``verify`` of an audit record."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from roster_check import check_roster

from tuoyu.api.exports.audit import draw_record_of
from tuoyu.api.text import CATALOGUE, label, render
from tuoyu.models.errors import DataError
from tuoyu.models.inspection import PastInspection, load_inspection_data
from tuoyu.optimizer.solve import ProgressEvent, Status, Stop
from tuoyu.planning import roster
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import RosterParams
from tuoyu.planning.plan import Plan

DATASET = Dataset.bundled()
MARCH = RosterParams(month="2027-03", time_limit=60)
ROW_KEYS = ["date", "institution_id", "street_id", "inspector_ids", "reason"]


@pytest.fixture(scope="module")
def march() -> Plan:
    return roster.run(DATASET, MARCH)


def said(plan: Plan) -> list[str]:
    return [render(f, "en") for f in plan.findings]


def test_march_is_a_proven_unique_roster_that_keeps_every_rule(march):
    data = load_inspection_data(DATASET.folder)
    assert march.kind == "roster" and march.status == Status.OPTIMAL and march.ok
    assert march.gap == 0.0 and march.fingerprint == data.fingerprint
    assert march.detail.result.unique is True
    assert [list(r) for r in march.rows] == [ROW_KEYS] * len(march.rows)
    rows = [dict(r) for r in march.rows]
    assert check_roster(rows, data, 2027, 3, roster.rules_of(MARCH)) == []
    assert [s.stage for s in march.stages] == [
        "days", "teams (shortlists of 12), at the floor", "uniqueness",
    ]  # fmt: skip


def test_march_reports_targets_goals_and_findings_as_codes(march):
    targets = {t.code: t for t in march.targets}
    year = targets["roster.target.year_coverage"]
    # 146 active: by March's end at an even pace 3/12 of them (37), and 41 are on site;
    # a March plan is not "not met" for not covering the whole year
    assert (year.goal, year.achieved, year.met) == (37, 41, True)
    share = targets["roster.target.month_share"]
    assert share.goal == share.achieved == 12 and share.met
    assert targets["roster.target.draw"].achieved == 15
    goals = {g.code: g for g in march.soft_goals}
    assert set(goals) == {f"roster.goal.{n}" for n in march.detail.result.soft}
    assert goals["roster.goal.busiest_day"].cost == 10
    assert march.objective == sum(g.cost for g in march.soft_goals)
    codes = [f.code for f in march.findings]
    assert codes.count("roster.follow_up_overdue") == 5
    assert "roster.coverage_pace" in codes and "roster.shortlist" in codes
    for code in [*codes, *targets, *goals]:
        assert code in CATALOGUE, code
        assert "{" not in label(code, "en") or code in {f.code for f in march.findings}
    for text in said(march):
        assert "{" not in text, text


def test_the_plan_survives_json(march):
    again = Plan.from_dict(march.as_dict())
    assert again.rows == march.rows and again.targets == march.targets
    assert again.findings == march.findings and again.status == march.status


def test_history_given_as_plain_data_is_taken_into_account(march):
    iid = next(r["institution_id"] for r in march.rows if r["reason"] == "drawn")
    failed = PastInspection(
        institution_id=iid, date=dt.date(2027, 2, 20), outcome="fail", inspector_ids=()
    )
    plan = roster.run(DATASET, MARCH, history=[failed])
    row = next(r for r in plan.rows if r["institution_id"] == iid)
    assert row["reason"] == "follow_up" and row["date"] <= "2027-03-22"


def test_a_clash_is_returned_as_a_plan_without_rows():
    plan = roster.run(DATASET, RosterParams(month="2027-01", min_team=9))
    assert plan.status == Status.INFEASIBLE and not plan.rows and not plan.ok
    short = next(f for f in plan.findings if f.code == "roster.pool_short")
    assert short.severity == "error" and short.params["min_team"] == 9
    assert "short by" in render(short, "en") and "缺" in render(short, "zh")
    assert plan.params["month"] == "2027-01"


def test_december_without_history_names_the_shortfall():
    plan = roster.run(DATASET, RosterParams(month="2027-12"))
    assert plan.status == Status.INFEASIBLE
    codes = [f.code for f in plan.findings]
    assert codes == ["roster.pool_short", "roster.skill_short", "roster.skill_short"]
    assert plan.findings[0].params["short"] == 102


def test_bad_data_raises_data_error(tmp_path):
    with pytest.raises(DataError):
        roster.run(Dataset.at(tmp_path / "nothing"), MARCH)


def test_progress_sees_every_stage_and_stop_keeps_the_best_roster_so_far():
    events: list[ProgressEvent] = []
    stop = Stop(grace=10)

    def progress(e: ProgressEvent) -> None:
        events.append(e)
        if e.stage.startswith("teams"):
            stop.set()

    plan = roster.run(DATASET, MARCH, stop=stop, progress=progress)
    assert {e.stage for e in events} >= {"days", "teams (shortlists of 12), at the floor"}
    assert plan.status == Status.CANCELLED and plan.rows and plan.ok
    assert "plan.cancelled" in [f.code for f in plan.findings]
    data = load_inspection_data(DATASET.folder)
    rows = [dict(r) for r in plan.rows]
    assert check_roster(rows, data, 2027, 3, roster.rules_of(MARCH)) == []
    # a roster stopped early still reports its own cost and a true bound under it
    assert plan.objective == sum(g.cost for g in plan.soft_goals)
    assert plan.bound is not None and 0 <= plan.bound <= plan.objective


def test_a_stop_set_from_another_thread_ends_the_run_early():
    stop = Stop(grace=5)
    timer = threading.Timer(0.05, stop.set)
    timer.start()
    try:
        plan = roster.run(DATASET, MARCH, stop=stop)
    finally:
        timer.cancel()
    assert plan.status == Status.CANCELLED
    assert plan.rows or plan.findings[0].code == "roster.cancelled_no_plan"


def test_verify_recomputes_the_record_and_names_what_differs(march):
    record = draw_record_of(march)
    ok, problems = roster.verify(record, DATASET, time_limit=60)
    assert ok and problems == []
    record["seed"] += 1
    record["result"][0]["inspector_ids"] = ["JC999", "JC998"]
    ok, problems = roster.verify(record, DATASET, time_limit=60)
    codes = [f.code for f in problems]
    assert not ok
    assert "roster.verify.result_changed" in codes and "roster.verify.drawn_differ" in codes
    for f in problems:
        assert f.code in CATALOGUE and "{" not in render(f, "zh")


def test_verify_refuses_another_dataset(march, tmp_path):
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(DATASET.folder, copy)
    lines = (copy / "institutions.csv").read_text(encoding="utf-8").splitlines()
    (copy / "institutions.csv").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    ok, problems = roster.verify(draw_record_of(march), Dataset.at(copy))
    assert not ok and [f.code for f in problems] == ["roster.verify.dataset_changed"]


def test_a_replan_of_the_bundled_month_with_nothing_changed_writes_the_same_rows(
    march, tmp_path
):
    """Re-planning from mid-month with no outcome recorded and the same data: roster.csv's
    rows for the later dates are byte for byte those stored (no re-draw of inspectors)."""
    from tuoyu.api.exports.roster import write_roster_csv

    start = dt.date(2027, 3, 15)
    params = MARCH.model_copy(update={"from_date": start})
    again = roster.run(DATASET, params, kept=march.rows)
    assert again.status is Status.OPTIMAL
    write_roster_csv(march, tmp_path / "first.csv")
    write_roster_csv(again, tmp_path / "again.csv")
    first = (tmp_path / "first.csv").read_bytes().splitlines()
    second = (tmp_path / "again.csv").read_bytes().splitlines()
    later = [line for line in first[1:] if line[:10].decode() >= start.isoformat()]
    assert later and first == second
    codes = [f.code for f in again.findings]
    assert "roster.replan.moved" not in codes
    [unchanged] = [f for f in again.findings if f.code == "roster.replan.unchanged"]
    assert unchanged.params == {"count": len(later), "planned": 0}
