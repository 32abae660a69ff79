"""A visit's day window and who may staff it (``tuoyu.optimizer.roster.variables``):
a follow-up's last day, an overdue one within the month's first working days, an
institution opening this month not visited before it opens; the pool free on a day;
and the model's variables only where an inspector may be (at work, not recused, on the
shortlist), a team only on the day its visit takes place."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ortools.sat.python import cp_model
from roster_instances import ALL, data, insp, inst

from tuoyu.models.inspection import Conflict, Leave
from tuoyu.optimizer.roster import RosterRules, build_problem
from tuoyu.optimizer.roster.variables import (
    deadline_index,
    earliest_index,
    free_pool,
    make_variables,
    pool_can_staff,
)

D = dt.date
PEOPLE = [insp("P1", "卫健"), insp("P2", "市监", skills="hygiene"), insp("P3", "消防")]
LEAVE = [Leave(person_id="P3", start=D(2026, 6, 1), end=D(2026, 6, 12))]
CONFLICTS = [Conflict(inspector_id="P1", institution_id="B")]
PROBLEM = build_problem(data([inst("A"), inst("B")], PEOPLE, leave=LEAVE, conflicts=CONFLICTS),
                        2026, 6, 7, ALL)


def _visit(iid: str):
    return next(v for v in PROBLEM.visits if v.institution_id == iid)


def test_june_2026_has_its_working_days() -> None:
    # 22 weekdays less the Dragon Boat Festival (Friday 19 June)
    assert len(PROBLEM.days) == 21 and D(2026, 6, 19) not in PROBLEM.days


def test_a_follow_ups_last_day_is_the_last_working_day_by_its_deadline() -> None:
    v = replace(_visit("A"), deadline=D(2026, 6, 7))  # a Sunday: Friday the 5th
    assert PROBLEM.days[deadline_index(PROBLEM, v)] == D(2026, 6, 5)
    v = replace(_visit("A"), deadline=D(2026, 6, 30))
    assert deadline_index(PROBLEM, v) == len(PROBLEM.days) - 1
    assert deadline_index(PROBLEM, _visit("A")) is None  # no deadline


def test_an_overdue_follow_up_goes_within_the_first_working_days() -> None:
    v = replace(_visit("A"), deadline=D(2026, 5, 20))
    assert deadline_index(PROBLEM, v) == PROBLEM.rules.overdue_within - 1
    few = replace(PROBLEM, rules=RosterRules(overdue_within=50))
    assert deadline_index(few, v) == len(PROBLEM.days) - 1


def test_a_visit_waits_for_the_institution_to_open() -> None:
    assert earliest_index(PROBLEM, _visit("A")) == 0
    v = replace(_visit("A"), earliest=D(2026, 6, 20))  # a Saturday: Monday the 22nd
    assert PROBLEM.days[earliest_index(PROBLEM, v)] == D(2026, 6, 22)
    v = replace(_visit("A"), earliest=D(2026, 7, 1))  # after the month: no day
    assert earliest_index(PROBLEM, v) == len(PROBLEM.days)


def test_the_free_pool_is_at_work_and_not_recused() -> None:
    ids = lambda pool: [i.inspector_id for i in pool]  # noqa: E731
    assert ids(free_pool(PROBLEM, _visit("A"), D(2026, 6, 1))) == ["P1", "P2"]
    assert ids(free_pool(PROBLEM, _visit("A"), D(2026, 6, 15))) == ["P1", "P2", "P3"]
    assert ids(free_pool(PROBLEM, _visit("B"), D(2026, 6, 15))) == ["P2", "P3"]
    assert ids(free_pool(PROBLEM, _visit("B"), D(2026, 6, 1))) == ["P2"]


def test_a_pool_can_staff_with_enough_people_skills_and_departments() -> None:
    p1, p2, p3 = PROBLEM.inspectors
    assert pool_can_staff(PROBLEM, [p1, p2])
    assert pool_can_staff(PROBLEM, [p2, p3])
    assert not pool_can_staff(PROBLEM, [p2])  # one person
    assert not pool_can_staff(PROBLEM, [p2, p3.model_copy(update={"skills": ("hygiene",)})])  # no safety
    assert not pool_can_staff(PROBLEM, [p1, p3.model_copy(update={"department": "卫健"})])  # one department


def test_fixed_days_have_variables_only_where_an_inspector_may_be() -> None:
    model = cp_model.CpModel()
    a, b = (PROBLEM.visits.index(_visit(i)) for i in "AB")
    var = make_variables(model, PROBLEM, {a: 0, b: 10}, allowed={a: {0, 1, 2}, b: {0, 2}})
    people = {p for v, p in var.a if v == a}
    assert people == {0, 1}  # P3 on leave on day 0
    assert {p for v, p in var.a if v == b} == {2}  # P1 recused, P2 not on the shortlist
    assert set(var.x) == {(a, 0), (b, 10)}


def test_with_free_days_a_team_is_at_work_on_its_visits_day() -> None:
    """In the full model an inspector is in a visit's team only on a day the visit
    takes place and the inspector works: P3 in A's team forces a day after the 12th."""
    model = cp_model.CpModel()
    var = make_variables(model, PROBLEM)
    a = PROBLEM.visits.index(_visit("A"))
    model.add(var.a[a, 2] == 1)
    model.add(var.happens[a] == 1)
    day = model.new_int_var(0, len(PROBLEM.days) - 1, "day")
    model.add(day == sum(k * var.x[a, k] for k in range(len(PROBLEM.days))))
    model.minimize(day)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    assert PROBLEM.days[int(solver.value(day))] == D(2026, 6, 15)
    again = cp_model.CpModel()
    var = make_variables(again, PROBLEM)
    again.add(var.happens[a] == 2)  # a visit happens at most once
    assert cp_model.CpSolver().solve(again) == cp_model.INFEASIBLE
