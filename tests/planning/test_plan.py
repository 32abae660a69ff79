"""The one Plan shape: immutable, JSON round trip, the gap computed once."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tuoyu.models.findings import Finding, Severity, clash, warning
from tuoyu.optimizer.solve import SoftGoal, StageTime, Status, Target, gap
from tuoyu.planning.plan import Plan, failed_plan


def _plan() -> Plan:
    return Plan(
        kind="roster", status=Status.FEASIBLE, objective=110.0, bound=100.0,
        stages=[StageTime("days", Status.OPTIMAL, 10, 10, 0.1, 0.5)],
        soft_goals=[SoftGoal("roster.goal.small_teams", 3, 10)],
        # a share (its unit) and a band read back too: a stored plan said 0.97, not 97%
        targets=[Target("roster.target.year_coverage", 150, 150, True),
                 Target("visits.target.share_within_window", 1.0, 0.97, False, "share"),
                 Target("sessions.target.month_05", 33.1, 26, True, low=24, high=42)],
        findings=[warning("roster.follow_up_overdue", institution_id="JG0001", days=[3, 4])],
        rows=[{"date": "2027-03-01", "institution_id": "JG0001"}],
        fingerprint="abc", params={"month": "2027-03", "seed": 1},
    )


def test_gap_is_relative_to_the_objective_and_zero_when_proven() -> None:
    assert gap(110, 100) == pytest.approx(10 / 110)
    assert gap(5, 5) == 0.0
    assert gap(None, 3) is None and gap(3, None) is None
    assert _plan().gap == pytest.approx(10 / 110)


def test_a_plan_cannot_be_changed() -> None:
    plan = _plan()
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.status = Status.OPTIMAL  # type: ignore[misc]
    with pytest.raises(TypeError):
        plan.rows[0]["date"] = "2027-03-02"  # type: ignore[index]
    with pytest.raises(TypeError):
        plan.findings[0].params["institution_id"] = "X"  # type: ignore[index]


def test_json_round_trip_keeps_everything_but_the_detail() -> None:
    plan = _plan()
    text = json.dumps(plan.as_dict(), ensure_ascii=False)
    back = Plan.from_dict(json.loads(text))
    assert back == plan
    d = json.loads(text)
    assert d["status"] == "feasible" and d["gap"] == pytest.approx(10 / 110)
    assert d["soft_goals"][0]["cost"] == 30
    assert d["findings"][0] == {"code": "roster.follow_up_overdue", "severity": "warning",
                                "params": {"institution_id": "JG0001", "days": [3, 4]}}


def test_a_failed_plan_says_why_and_has_no_rows() -> None:
    p = failed_plan("sessions", Status.INFEASIBLE, [clash("sessions.x", month=3)])
    assert not p.ok and p.rows == () and p.findings[0].severity is Severity.ERROR
    assert Finding.from_dict(p.findings[0].as_dict()) == p.findings[0]


def test_unknown_kinds_and_statuses_are_refused() -> None:
    with pytest.raises(ValueError):
        Plan(kind="payroll", status=Status.OPTIMAL)
    with pytest.raises(ValueError):
        Plan(kind="roster", status="great")  # type: ignore[arg-type]
