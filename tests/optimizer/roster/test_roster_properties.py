"""Random small instances: the roster keeps every hard rule (checked independently by
``roster_check``), or the planner says why no roster can (clashes as catalogue codes)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from roster_check import check_roster

from tuoyu.api.text import CATALOGUE, render
from tuoyu.models.errors import InfeasibleError
from tuoyu.models.inspection import (
    Conflict,
    InspectionData,
    Inspector,
    Institution,
    Leave,
    PastInspection,
    Street,
)
from tuoyu.optimizer.roster import RosterRules, build_problem, solve_roster
from tuoyu.optimizer.solve import SolveParams

YEAR, MONTH = 2026, 6
STREETS = (
    Street(street_id="S1", name="一街", neighbours=("S2",)),
    Street(street_id="S2", name="二街", neighbours=("S1",)),
)
SKILLS = [("safety",), ("hygiene",), ("safety", "hygiene")]
OUTCOMES = ["pass", "pass", "rectify", "fail", "planned"]


@st.composite
def instances(draw) -> tuple[InspectionData, RosterRules, int]:
    n_inst = draw(st.integers(2, 10))
    n_insp = draw(st.integers(4, 10))
    operators = [f"OP{k}" for k in range(draw(st.integers(1, 4)))]
    institutions = tuple(
        Institution(
            institution_id=f"I{k:02d}",
            name=f"机构{k}",
            street_id=draw(st.sampled_from(["S1", "S2"])),
            lon=121.4,
            lat=31.3,
            kind="childcare_center",
            operator=draw(st.sampled_from(operators)),
            risk=draw(st.sampled_from(["low", "medium", "high"])),
            opened_on=draw(st.sampled_from([None, dt.date(2020, 1, 1), dt.date(2026, 6, 15)])),
            active=k == 0 or draw(st.integers(0, 9)) > 0,
        )
        for k in range(n_inst)
    )
    inspectors = tuple(
        Inspector(
            inspector_id=f"P{k:02d}",
            name=f"检查员{k}",
            department=draw(st.sampled_from(["A", "B", "C"])),
            skills=draw(st.sampled_from(SKILLS)),
            max_per_month=draw(st.integers(1, 8)),
            max_per_day=draw(st.integers(1, 2)),
        )
        for k in range(n_insp)
    )
    pids = [p.inspector_id for p in inspectors]
    iids = [i.institution_id for i in institutions]
    leave = []
    for pid in draw(st.lists(st.sampled_from(pids), max_size=4)):
        start = dt.date(2026, 6, 1) + dt.timedelta(days=draw(st.integers(0, 29)))
        end = start + dt.timedelta(days=draw(st.integers(0, 20)))
        leave.append(Leave(person_id=pid, start=start, end=end))
    conflicts = []
    for pid in draw(st.lists(st.sampled_from(pids), max_size=4)):
        if draw(st.booleans()):
            conflicts.append(Conflict(inspector_id=pid, institution_id=draw(st.sampled_from(iids))))
        else:
            conflicts.append(Conflict(inspector_id=pid, operator=draw(st.sampled_from(operators))))
    history = []
    for iid in draw(st.lists(st.sampled_from(iids), max_size=8)):
        date = dt.date(2026, 5, 31) - dt.timedelta(days=draw(st.integers(0, 300)))
        team = tuple(draw(st.lists(st.sampled_from(pids), min_size=2, max_size=3, unique=True)))
        history.append(
            PastInspection(
                institution_id=iid,
                date=date,
                outcome=draw(st.sampled_from(OUTCOMES)),
                inspector_ids=team,
            )
        )
    data = InspectionData(
        streets=STREETS,
        institutions=institutions,
        inspectors=inspectors,
        leave=tuple(leave),
        conflicts=tuple(conflicts),
        history=tuple(history),
    )
    rules = RosterRules(
        draw_share=draw(st.sampled_from([0.0, 0.2, 0.5])),
        min_team=2,
        max_team=draw(st.sampled_from([2, 3])),
    )
    return data, rules, draw(st.integers(0, 10_000))


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(instances())
def test_roster_keeps_every_rule_or_explains_why_not(instance):
    data, rules, seed = instance
    problem = build_problem(data, YEAR, MONTH, seed, rules)
    try:
        plan = solve_roster(problem, SolveParams(time_limit=10, workers=8))
    except InfeasibleError as err:
        event("infeasible")
        assert err.kind == "roster" and err.clashes
        for c in err.clashes:  # every clash a code of the catalogue, said in both languages
            assert c.code in CATALOGUE, c.code
            assert render(c, "zh").strip() and render(c, "en").strip()
            assert "{" not in render(c, "en"), render(c, "en")
        return
    assert len(plan.rows) == len(problem.visits)
    event("feasible")
    assert check_roster(plan.rows, data, YEAR, MONTH, rules) == []
    for f in plan.findings:
        assert f.code in CATALOGUE and "{" not in render(f, "en"), f
