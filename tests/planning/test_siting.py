"""The siting planner end to end on the bundled data through ``planning.siting.run``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tuoyu.api.text import CATALOGUE
from tuoyu.models.errors import DataError
from tuoyu.optimizer.solve import Status
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import SitingParams
from tuoyu.planning.plan import Plan
from tuoyu.planning.siting import check_steering, run, tradeoff_rows

# `tuoyu siting --years 2027-2029` before the planner contract (network walk, HiGHS)
REFERENCE_OBJECTIVE = 12900.564085574695


@pytest.fixture(scope="module")
def plan() -> Plan:
    return run(Dataset.bundled(), SitingParams(years="2027-2029", workers=2))


def test_the_same_objective_as_before(plan: Plan):
    assert plan.status == Status.OPTIMAL and plan.gap == 0.0, [  # what ended it, if not
        (f.code, f.params) for f in plan.findings]
    assert plan.objective == pytest.approx(REFERENCE_OBJECTIVE, rel=1e-9)
    assert [s.stage for s in plan.stages] == ["plan", "baseline"]


def test_rows_are_the_coverage_rows(plan: Plan):
    assert len(plan.rows) == 500 * 3
    row = plan.rows[0]
    assert list(row)[:5] == ["community_id", "year", "demand", "served", "within_15_min"]
    assert all(r["served"] <= r["demand"] for r in plan.rows)


def test_targets_soft_goals_and_findings_are_codes(plan: Plan):
    codes = {t.code: t for t in plan.targets}
    assert codes["siting.target.classes_per_year"].met
    assert codes["siting.target.street_inclusive"].goal == 13
    assert codes["siting.target.street_inclusive"].achieved == 13
    assert codes["siting.target.integrated_share"].achieved >= 77
    assert sum(g.cost for g in plan.soft_goals) == pytest.approx(plan.objective, abs=1e-6)
    years = [f.params["year"] for f in plan.findings if f.code == "siting.year"]
    assert years == [2027, 2028, 2029]
    for code in [f.code for f in plan.findings] + list(codes) + [g.code for g in plan.soft_goals]:
        assert code in CATALOGUE, code


def test_the_plan_survives_json(plan: Plan):
    back = Plan.from_dict(json.loads(json.dumps(plan.as_dict())))
    # "seconds" is the sum of the stages' rounded seconds, re-rounded: it may differ in
    # the last digit after a round trip (tuoyu/planning/plan.py, the lead's)
    a, b = back.as_dict(), plan.as_dict()
    assert abs(a.pop("seconds") - b.pop("seconds")) <= 0.002
    assert a == b


def test_too_few_rooms_is_a_failed_plan_with_amounts():
    plan = run(
        Dataset.bundled(), SitingParams(classes_per_year="60-80", workers=2, use_network=False)
    )
    assert plan.status == Status.INFEASIBLE and not plan.rows and not plan.ok
    clash = plan.findings[0]
    assert clash.code == "siting.clash.classes_per_year" and clash.severity == "error"
    assert (
        clash.params["need"] % 60 == 0
        and clash.params["per_year"] == 60
        and clash.params["missing"] > 0
    )


def test_bad_input_raises(tmp_path: Path):
    with pytest.raises(DataError):
        run(Dataset.at(tmp_path), SitingParams(workers=2))


def test_forbid_removes_a_chosen_place_and_pin_adds_one(plan: Plan):
    chosen = {o.place_id for o in plan.detail.plan.openings}
    problem = plan.detail.problem
    gone = sorted(chosen)[0]
    extra = next(problem.places[j].place_id for j in problem.candidates
                 if problem.places[j].place_id not in chosen
                 and problem.available(j, 2028))
    steered = run(Dataset.bundled(), SitingParams(workers=2, forbidden=[gone],
                                                  pinned=[f"{extra}@2028"]))
    assert steered.status == Status.OPTIMAL
    opened = {(o.place_id, o.year) for o in steered.detail.plan.openings}
    assert gone not in {pid for pid, _y in opened} and (extra, 2028) in opened
    assert steered.objective <= plan.objective + 1e-6  # steering never serves more
    assert list(steered.params["pinned"]) == [f"{extra}@2028"]


def test_an_unknown_id_is_a_clash_naming_it():
    params = SitingParams(workers=2, pinned=["K9999@2028"], forbidden=["NOPE"])
    found = check_steering(Dataset.bundled(), params)
    assert [(f.code, f.params["place_id"]) for f in found] == [
        ("siting.clash.unknown_pinned", "K9999"), ("siting.clash.unknown_forbidden", "NOPE")]
    failed = run(Dataset.bundled(), params)
    assert failed.status == Status.INFEASIBLE and not failed.ok
    assert {f.params["place_id"] for f in failed.findings} == {"K9999", "NOPE"}
    assert check_steering(Dataset.bundled(), SitingParams()) == []


def test_the_tradeoff_never_falls_and_leaves_the_plan_as_it_was(plan: Plan, tmp_path: Path):
    traded = run(Dataset.bundled(), SitingParams(years="2027-2029", workers=2,
                                                 tradeoff="0-12"))
    assert traded.objective == pytest.approx(REFERENCE_OBJECTIVE, rel=1e-9)
    assert [(o.place_id, o.year) for o in traded.detail.plan.openings] == [
        (o.place_id, o.year) for o in plan.detail.plan.openings]
    rows = tradeoff_rows(traded)
    assert [r["classes_per_year"] for r in rows] == list(range(13))
    served = [r["children_served"] for r in rows]
    assert all(a <= b for a, b in zip(served, served[1:], strict=False))
    assert all(r["status"] == "optimal" for r in rows)
    # k = 0 serves what the existing seats do in the last year
    assert served[0] == plan.detail.plan.served_before[2029]
    assert "tradeoff" in [s.stage for s in traded.stages]
    codes = {f.code for f in traded.findings}
    assert {"siting.tradeoff.curve", "siting.tradeoff.close_circle"} <= codes
    for code in codes:
        assert code in CATALOGUE, code
    from tuoyu.api.exports.siting import write_plan

    write_plan(traded, tmp_path)
    lines = (tmp_path / "tradeoff.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ("classes_per_year,children_served,children_within_15_min,"
                        "communities_within_15_min,status")
    assert len(lines) == 14
    import openpyxl

    sheet = openpyxl.load_workbook(tmp_path / "siting.xlsx")["取舍曲线"]
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert len(values) == 15 and values[2][4] == "已证明最优"  # a title row, the header
    summary = json.loads((tmp_path / "siting_summary.json").read_text(encoding="utf-8"))
    assert summary["tradeoff"]["cover_classes"] >= 1 and summary["walk"]["kind"] == "mixed"


def test_without_tradeoff_no_tradeoff_csv(plan: Plan, tmp_path: Path):
    from tuoyu.api.exports.siting import write_plan

    write_plan(plan, tmp_path)
    assert not (tmp_path / "tradeoff.csv").exists()
    assert tradeoff_rows(plan) == []
