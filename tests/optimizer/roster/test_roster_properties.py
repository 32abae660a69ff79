"""Random small instances: the roster keeps every hard rule (checked independently by
``roster_check``), or the planner says why no roster can (clashes as catalogue codes);
what the soft goals' floor is said to imply holds in every roster at the floor."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model
from roster_check import check_roster, score_roster

from tuoyu.api.text import CATALOGUE, render
from tuoyu.models.errors import InfeasibleError, TimeLimitError
from tuoyu.models.inspection import (
    Conflict,
    InspectionData,
    Inspector,
    Institution,
    Leave,
    PastInspection,
    Street,
)
from tuoyu.optimizer.roster import RosterRules, build_model, build_problem, solve_roster
from tuoyu.optimizer.roster.bound import far_apart, soft_floor
from tuoyu.optimizer.roster.goals import weighted
from tuoyu.optimizer.solve import SolveParams

YEAR, MONTH = 2026, 6
STREETS = (
    Street(street_id="S1", name="一街", neighbours=("S2",)),
    Street(street_id="S2", name="二街", neighbours=("S1",)),
    Street(street_id="S3", name="三街", neighbours=()),  # far from both
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
            street_id=draw(st.sampled_from(["S1", "S2", "S2", "S3"])),
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
    # the goals reported are those of the rows written, counted independently
    assert plan.soft == score_roster(plan.rows, data, YEAR, MONTH, rules)
    assert plan.objective == sum(g.cost for g in plan.soft_goals)
    for f in plan.findings:
        assert f.code in CATALOGUE and "{" not in render(f, "en"), f


@st.composite
def crowded_days(draw) -> tuple[InspectionData, RosterRules]:
    """Institutions in three streets (one far from the others), generalist inspectors of
    two departments who may do two visits a day: the visits, put on two days, make
    inspectors choose between near and far streets."""
    institutions = tuple(
        Institution(
            institution_id=f"I{k:02d}",
            name=f"机构{k}",
            street_id=draw(st.sampled_from(["S1", "S2", "S3"])),
            lon=121.4,
            lat=31.3,
            kind="childcare_center",
            operator="OP",
            risk="low",
        )
        for k in range(draw(st.integers(2, 7)))
    )
    inspectors = tuple(
        Inspector(
            inspector_id=f"P{k:02d}",
            name=f"检查员{k}",
            department="AB"[k % 2],
            skills=("safety", "hygiene"),
            max_per_month=draw(st.integers(1, 4)),
            max_per_day=2,
        )
        for k in range(draw(st.integers(4, 8)))
    )
    history = tuple(
        PastInspection(
            institution_id=i.institution_id,
            date=dt.date(2026, 3, 2),
            outcome="pass",
            inspector_ids=tuple(draw(st.permutations([p.inspector_id for p in inspectors])))[:2],
        )
        for i in institutions
        if draw(st.booleans())
    )
    data = InspectionData(
        streets=STREETS, institutions=institutions, inspectors=inspectors, history=history
    )
    return data, RosterRules(draw_share=1.0, max_team=draw(st.sampled_from([2, 3])))


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(crowded_days(), st.integers(0, 10_000))
def test_rosters_at_the_floor(instance, seed):
    """Among the rosters whose soft goals cost no more than the floor (the plain model),
    the most of what ``rosters_at_the_floor`` forbids is none: no member beyond a
    visit's least team, no day
    in far streets, no pair of far visits of one inspector a day, returns and load within
    the flow bound. So its constraints cut off no roster at the floor. The visits are put
    on two days (the claim holds for any days)."""
    data, rules = instance
    problem = build_problem(data, YEAR, MONTH, seed, rules)
    day_of = {v: v % 2 for v in range(len(problem.visits))}
    rm = build_model(problem, day_of=day_of)
    floor = soft_floor(problem, day_of, list(rm.var.a))
    if floor is None:
        return
    m, w, soft = rm.model, rules.weights, rm.soft
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    if solver.solve(m) == cp_model.INFEASIBLE:
        event("no roster on these days")
        return
    m.add(weighted(problem, soft) <= floor.total)
    both = []
    for (v1, p1), a1 in rm.var.a.items():
        for (v2, p2), a2 in rm.var.a.items():
            same_day = day_of[v1] == day_of[v2]
            if p1 == p2 and v1 < v2 and same_day and problem.inspectors[p1].max_per_day >= 2:
                streets = problem.visits[v1].street_id, problem.visits[v2].street_id
                if far_apart(problem, *streets):
                    y = m.new_bool_var("")
                    m.add_implication(y, a1)
                    m.add_implication(y, a2)
                    both.append(y)
    flow_part = (
        w.return_to_last_institution * soft["return_to_last_institution"]
        + w.load_above_fair_share * soft["load_above_fair_share"]
        - floor.flow
    )
    # members beyond each visit's least team (the floor counts those it needs)
    above_least = sum(
        rm.var.team(v, range(len(problem.inspectors))) - n for v, n in (floor.sizes or {}).items()
    )
    extra_part = soft["extra_team_member"] - floor.extra // w.extra_team_member
    m.maximize(extra_part + soft["team_day_in_far_streets"] + sum(both) + flow_part + above_least)
    status = solver.solve(m)
    if status == cp_model.INFEASIBLE:
        event("no roster at the floor")
        return
    assert status == cp_model.OPTIMAL
    event("rosters at the floor" + (" with far streets" if both else ""))
    assert solver.objective_value == 0


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(instances(), st.sampled_from([0.0, 0.001, 0.01]))
def test_a_roster_cut_short_reports_the_goals_of_its_rows(instance, work):
    """With a tiny budget of work the solves stop at their first rosters, whose goal
    variables may be loose: the plan still reports the goals of the rows it writes."""
    data, rules, seed = instance
    problem = build_problem(data, YEAR, MONTH, seed, rules)
    try:
        plan = solve_roster(problem, SolveParams(time_limit=30, workers=8), work=work)
    except (InfeasibleError, TimeLimitError):
        event("no roster")
        return
    event(str(plan.status))
    assert check_roster(plan.rows, data, YEAR, MONTH, rules) == []
    assert plan.soft == score_roster(plan.rows, data, YEAR, MONTH, rules)
    assert plan.objective == sum(g.cost for g in plan.soft_goals)
    assert plan.bound is None or plan.bound <= plan.objective


def test_least_team_needs_a_third_member_when_no_two_cover_skills_and_departments():
    from tuoyu.optimizer.roster.bound import least_team

    people = [
        Inspector(
            inspector_id="A1", name="甲", department="A", skills=("safety",), max_per_month=5
        ),
        Inspector(
            inspector_id="A2", name="乙", department="A", skills=("hygiene",), max_per_month=5
        ),
        Inspector(inspector_id="B1", name="丙", department="B", skills=("food",), max_per_month=5),
        Inspector(
            inspector_id="B2",
            name="丁",
            department="B",
            skills=("safety", "hygiene"),
            max_per_month=5,
        ),
    ]
    data = InspectionData(
        streets=STREETS, institutions=(Institution(
            institution_id="I1", name="机构", street_id="S1", lon=121.4, lat=31.3,
            kind="childcare_center", operator="OP", risk="low"),),
        inspectors=tuple(people),
    )  # fmt: skip
    problem = build_problem(data, YEAR, MONTH, 1, RosterRules(draw_share=1.0, max_team=3))
    assert least_team(problem, [0, 1, 2]) == 3  # safety + hygiene in A, a second department
    assert least_team(problem, [0, 3]) == 2 and least_team(problem, [1, 2, 3]) == 2
    assert least_team(problem, [0, 1]) is None  # one department only
    two = build_problem(data, YEAR, MONTH, 1, RosterRules(draw_share=1.0, max_team=2))
    assert least_team(two, [0, 1, 2]) is None
