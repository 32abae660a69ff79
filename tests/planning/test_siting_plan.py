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
from tuoyu.planning.siting import run

# `tuoyu siting --years 2027-2029` before the planner contract (network walk, HiGHS)
REFERENCE_OBJECTIVE = 12900.564085574695


@pytest.fixture(scope="module")
def plan() -> Plan:
    return run(Dataset.bundled(), SitingParams(years="2027-2029", workers=2))


def test_the_same_objective_as_before(plan: Plan):
    assert plan.status == Status.OPTIMAL and plan.gap == 0.0
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
