"""Why no roster (``tuoyu.optimizer.roster.explain``): each clash the arithmetic sees,
on a tiny month where it is the only thing wrong, with its amounts counted by hand; and
a month the arithmetic passes but no roster can meet, explained from the solver's
infeasible core with codes the catalogue can say."""

from __future__ import annotations

import datetime as dt

import pytest
from roster_instances import ALL, data, insp, inst

from tuoyu.api.text import CATALOGUE, render
from tuoyu.models.findings import Severity
from tuoyu.models.inspection import Conflict, Leave, PastInspection
from tuoyu.optimizer.roster import RosterRules, build_problem
from tuoyu.optimizer.roster.explain import capacities, capacity_clashes, explain_infeasible
from tuoyu.optimizer.solve import SolveParams

D = dt.date
THREE = [inst("A"), inst("B"), inst("C", "S2")]


def _codes(findings) -> list[str]:
    return [f.code for f in findings]


def _problem(institutions, inspectors, rules: RosterRules = ALL, **kw):
    return build_problem(data(institutions, inspectors, **kw), 2026, 6, 7, rules)


def test_a_month_the_pool_can_staff_has_no_clash() -> None:
    problem = _problem(THREE, [insp("P1", "卫健"), insp("P2", "市监"), insp("P3", "消防")])
    assert capacity_clashes(problem) == []


def test_a_pool_short_of_inspector_visits_says_by_how_many() -> None:
    # 3 visits x 2 = 6 inspector-visits; 2 + 2 in the pool; safety only from P1 (2 < 3)
    problem = _problem(THREE, [insp("P1", "卫健", per_month=2),
                               insp("P2", "市监", skills="hygiene", per_month=2)])
    found = capacity_clashes(problem)
    assert _codes(found) == ["roster.pool_short", "roster.skill_short"]
    pool, skill = found
    assert (pool.params["need"], pool.params["have"], pool.params["short"]) == (6, 4, 2)
    assert pool.params["inspections"] == 3 and pool.params["month"] == "2026-06"
    assert dict(skill.params) == {"inspections": 3, "skill": "safety", "have": 2, "short": 1}
    assert all(f.severity is Severity.ERROR for f in found)


def test_a_visit_whose_free_inspectors_cannot_make_a_team_is_named() -> None:
    # for A only P2 is free of conflicts: one person, no safety, one department
    problem = _problem(
        [inst("A"), inst("B")],
        [insp("P1", "卫健"), insp("P2", "市监", skills="hygiene"), insp("P3", "消防")],
        conflicts=[Conflict(inspector_id="P1", institution_id="A"),
                   Conflict(inspector_id="P3", operator="op-A")])
    found = [f for f in capacity_clashes(problem) if f.params.get("institution_id") == "A"]
    assert _codes(found) == ["roster.too_few_free", "roster.no_free_skill",
                             "roster.too_few_departments"]
    assert (found[0].params["free"], found[0].params["need"]) == (1, 2)
    assert found[0].params["name"] == "机构A"
    assert found[1].params["skill"] == "safety"
    assert (found[2].params["departments"], found[2].params["need"]) == (1, 2)
    assert not [f for f in capacity_clashes(problem) if f.params.get("institution_id") == "B"]


def test_follow_ups_due_before_the_pool_is_back_from_leave() -> None:
    # a rectify outcome on May 6 is due within 30 days: by June 5, when both are on leave
    history = [PastInspection(institution_id="A", date=D(2026, 5, 6), outcome="rectify",
                              inspector_ids=("P9", "P8"))]
    leave = [Leave(person_id=p, start=D(2026, 6, 1), end=D(2026, 6, 5)) for p in ("P1", "P2")]
    problem = _problem([inst("A")], [insp("P1", "卫健"), insp("P2", "市监")],
                       RosterRules(draw_share=0.0), history=history, leave=leave)
    assert capacities(problem, D(2026, 6, 5)) == {"P1": 0, "P2": 0}
    found = capacity_clashes(problem)
    assert _codes(found) == ["roster.follow_ups_by_deadline"]
    assert dict(found[0].params) == {"count": 1, "until": "2026-06-05", "days": 30,
                                     "need": 2, "have": 0}


def test_capacity_is_the_monthly_limit_or_the_days_at_work() -> None:
    leave = [Leave(person_id="P2", start=D(2026, 6, 1), end=D(2026, 6, 26))]
    problem = _problem([inst("A")], [insp("P1", "卫健", per_month=5),
                                     insp("P2", "市监", per_month=10, per_day=2)], leave=leave)
    # June 2026 has 2 working days after the 26th (29, 30): 2 days x 2 a day
    assert capacities(problem) == {"P1": 5, "P2": 4}


def test_a_clash_only_the_solver_sees_is_explained_from_its_core() -> None:
    """Three visits each need both P1 and P2 (P3 is recused from all and alone in its
    department would not do), but each may do two a month: the arithmetic sees 14
    inspector-visits for 6, the solver proves there is no roster."""
    people = [insp("P1", "卫健", per_month=2), insp("P2", "市监", per_month=2),
              insp("P3", "卫健", per_month=10)]
    conflicts = [Conflict(inspector_id="P3", institution_id=i) for i in "ABC"]
    problem = _problem(THREE, people, conflicts=conflicts)
    assert capacity_clashes(problem) == []
    err = explain_infeasible(problem, SolveParams(time_limit=10, workers=1))
    codes = _codes(err.clashes)
    assert err.kind == "roster"
    assert codes[0] == "roster.rules_clash" and codes[-1] == "roster.relax"
    assert len(codes) > 2 and all(c.startswith("roster.rule.") for c in codes[1:-1])
    head = err.clashes[0].params
    assert (head["inspections"], head["have"]) == (3, 14)
    for finding in err.clashes:
        assert finding.code in CATALOGUE, finding.code
        assert "{" not in render(finding, "zh") and "{" not in render(finding, "en")


@pytest.mark.parametrize("draw_share", [0.0, 1.0])
def test_no_visit_no_clash(draw_share: float) -> None:
    problem = _problem([inst("A", active=False)], [insp("P1", "卫健")],
                       RosterRules(draw_share=draw_share))
    assert problem.visits == () and capacity_clashes(problem) == []
