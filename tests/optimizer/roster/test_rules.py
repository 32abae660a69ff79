"""Each roster rule on a tiny hand-made instance where it binds, checked from the roster's
rows (and with the independent checker in ``roster_check``), never from model variables."""

from __future__ import annotations

import dataclasses
import re

import pytest
from roster_check import check_roster
from roster_instances import ALL, NONE, D, data, insp, inst, plan, teams

from tuoyu.api.text import render
from tuoyu.models.errors import InfeasibleError
from tuoyu.models.inspection import Conflict, InspectionData, Leave, PastInspection
from tuoyu.optimizer.roster import HARD_RULES, RosterRules, build_problem, solve_roster
from tuoyu.optimizer.solve import SolveParams, Status


def said(exc: pytest.ExceptionInfo[InfeasibleError]) -> str:
    """The clashes of an InfeasibleError as a planner reads them (in English)."""
    return "\n".join(render(c, "en") for c in exc.value.clashes)


def test_every_hard_rule_has_its_own_test():
    for rule in HARD_RULES.values():
        assert callable(globals().get(f"test_{rule.__name__}")), rule.__name__


# --- the checker itself is not vacuous ------------------------------------------------


def test_checker_flags_every_kind_of_violation():
    d = data(
        [inst("I1", operator="OpA"), inst("I2")],
        [insp("A1", "A", "safety"), insp("B1", "B", "hygiene", per_day=1)],
        leave=[Leave(person_id="A1", start=D(2026, 6, 3), end=D(2026, 6, 3))],
        conflicts=[Conflict(inspector_id="B1", operator="OpA")],
        history=[PastInspection(institution_id="I2", date=D(2026, 5, 10), outcome="fail")],
    )
    rows = [
        {
            "date": "2026-06-03",
            "institution_id": "I1",
            "street_id": "S1",
            "inspector_ids": "A1;B1",
            "reason": "drawn",
        },
        {
            "date": "2026-06-06",
            "institution_id": "I1",
            "street_id": "S2",
            "inspector_ids": ["A1"],
            "reason": "drawn",
        },
    ]
    text = "\n".join(check_roster(rows, d, 2026, 6, ALL))
    for needle in (
        "on leave",
        "conflict of interest",
        "not a working day",
        "more than once",
        "team of 1",
        "no 'hygiene'",
        "department",
        "street",
        "follow-up of I2",
    ):
        assert needle in text, needle


def test_checker_flags_daily_and_monthly_limits():
    d = data([inst("I1"), inst("I2")], [insp("A1", "A", per_day=1, per_month=1), insp("B1", "B")])
    rows = [
        {
            "date": "2026-06-03",
            "institution_id": i,
            "street_id": "S1",
            "inspector_ids": "A1;B1",
            "reason": "drawn",
        }
        for i in ("I1", "I2")
    ]
    text = "\n".join(check_roster(rows, d, 2026, 6, ALL))
    assert "daily limit" in text and "limit 1" in text


# --- team rules ---------------------------------------------------------------------


def test_team_covers_safety_and_hygiene():
    """Given one hygiene inspector in a pool of four, expect them in every team."""
    d = data(
        [inst(f"I{k}") for k in range(1, 5)],
        [
            insp("S1", "A", "safety"),
            insp("S2", "A", "safety"),
            insp("S3", "B", "safety"),
            insp("H1", "B", "hygiene"),
        ],
    )
    result = plan(d)
    assert len(result.rows) == 4
    assert all("H1" in team for team in teams(result).values())


def test_team_draws_on_two_departments():
    """Given one inspector of department B, expect them in every team."""
    d = data(
        [inst(f"I{k}") for k in range(1, 5)],
        [insp("A1", "A"), insp("A2", "A"), insp("A3", "A"), insp("B1", "B", "safety")],
    )
    result = plan(d)
    assert all("B1" in team for team in teams(result).values())


def test_max_team_two_gives_teams_of_exactly_two():
    d = data(
        [inst(f"I{k}") for k in range(1, 4)],
        [insp("A1", "A"), insp("A2", "A"), insp("B1", "B"), insp("B2", "B")],
    )
    rules = dataclasses.replace(ALL, max_team=2)
    result = plan(d, rules)
    assert all(len(r.inspector_ids) == 2 for r in result.rows)


def test_team_of_at_least_two():
    """Given teams of exactly three, expect every team to have three members."""
    d = data(
        [inst(f"I{k}") for k in range(1, 4)],
        [insp("A1", "A"), insp("A2", "A"), insp("B1", "B"), insp("B2", "B")],
    )
    rules = dataclasses.replace(ALL, min_team=3, max_team=3)
    result = plan(d, rules)
    assert all(len(r.inspector_ids) == 3 for r in result.rows)


# --- availability -------------------------------------------------------------------


def test_leave_on_all_days_but_one_puts_every_visit_on_that_day():
    d = data(
        [inst("I1"), inst("I2", "S2")],
        [insp("S1", "A", "safety"), insp("S2", "B", "safety"), insp("H1", "B", "hygiene")],
        leave=[
            Leave(person_id="H1", start=D(2026, 6, 1), end=D(2026, 6, 9)),
            Leave(person_id="H1", start=D(2026, 6, 11), end=D(2026, 6, 30)),
        ],
    )
    result = plan(d)
    assert {r.date for r in result.rows} == {D(2026, 6, 10)}
    assert all("H1" in r.inspector_ids for r in result.rows)


def test_inspector_on_leave_works_only_on_the_free_day():
    d = data(
        [inst(f"I{k}") for k in range(1, 7)],
        [
            insp("A1", "A", per_day=1),
            insp("A2", "A", per_day=1),
            insp("B1", "B"),
            insp("B2", "B", per_day=2, per_month=10),
        ],
        leave=[
            Leave(person_id="B2", start=D(2026, 6, 1), end=D(2026, 6, 16)),
            Leave(person_id="B2", start=D(2026, 6, 18), end=D(2026, 6, 30)),
        ],
    )
    result = plan(d)
    for r in result.rows:
        if "B2" in r.inspector_ids:
            assert r.date == D(2026, 6, 17)


def test_visits_fall_on_working_days_only():
    d = data(
        [inst(f"I{k}") for k in range(1, 7)],
        [insp("A1", "A", per_day=1), insp("B1", "B", per_day=1)],
    )
    result = plan(d)
    for r in result.rows:
        assert d.calendar.is_workday(r.date) and r.date != D(2026, 6, 19)  # 端午节


def test_within_daily_limit():
    """Given the only two inspectors with a daily limit of one, expect no two visits on a
    day."""
    d = data(
        [inst(f"I{k}") for k in range(1, 5)],
        [insp("S1", "A", "safety", per_day=1), insp("H1", "B", "hygiene", per_day=1)],
    )
    result = plan(d)
    dates = [r.date for r in result.rows]
    assert len(dates) == 4 and len(set(dates)) == 4
    assert all(set(r.inspector_ids) == {"S1", "H1"} for r in result.rows)


def test_within_monthly_limit():
    """Given four visits and four inspectors of two a month, expect two visits each."""
    d = data(
        [inst(f"I{k}") for k in range(1, 5)],
        [
            insp("A1", "A", per_month=2),
            insp("A2", "A", per_month=2),
            insp("B1", "B", per_month=2),
            insp("B2", "B", per_month=2),
        ],
    )
    result = plan(d)
    load: dict[str, int] = {}
    for r in result.rows:
        for p in r.inspector_ids:
            load[p] = load.get(p, 0) + 1
    assert load == {"A1": 2, "A2": 2, "B1": 2, "B2": 2}


# --- conflicts of interest ----------------------------------------------------------


def test_conflict_by_operator_keeps_inspector_off_all_its_institutions():
    d = data(
        [inst("I1", operator="OpA"), inst("I2", operator="OpA"), inst("I3"), inst("I4", "S2")],
        [insp("S1", "A", "safety"), insp("S2", "A", "safety"), insp("H1", "B", "hygiene")],
        conflicts=[Conflict(inspector_id="S1", operator="OpA", reason="经济往来")],
    )
    result = plan(d)
    t = teams(result)
    assert "S1" not in t["I1"] and "S1" not in t["I2"]
    assert t["I1"] == t["I2"] == {"S2", "H1"}


def test_no_conflict_of_interest():
    """Given two of four inspectors in conflict with I1, expect the other two there."""
    d = data(
        [inst("I1"), inst("I2")],
        [
            insp("S1", "A", "safety"),
            insp("S2", "A", "safety"),
            insp("H1", "B", "hygiene"),
            insp("H2", "B", "hygiene"),
        ],
        conflicts=[
            Conflict(inspector_id="H1", institution_id="I1"),
            Conflict(inspector_id="S2", institution_id="I1"),
        ],
    )
    result = plan(d)
    assert teams(result)["I1"] == {"S1", "H2"}


# --- follow-ups and high risk -------------------------------------------------------


def test_rectify_outcome_is_followed_up_within_30_days():
    d = data(
        [inst("I1"), inst("I2")],
        [insp("A1", "A"), insp("B1", "B"), insp("A2", "A"), insp("B2", "B")],
        history=[
            PastInspection(
                institution_id="I1",
                date=D(2026, 5, 20),
                outcome="rectify",
                inspector_ids=("A1", "B1"),
            )
        ],
    )
    result = plan(d, NONE)
    row = next(r for r in result.rows if r.institution_id == "I1")
    assert row.reason == "follow_up"
    assert row.date <= D(2026, 6, 19)
    assert row.note.params["due"] == "2026-06-19"


def test_follow_up_within_deadline():
    """Given a follow-up due on the 12th and the only hygiene inspector free before it on
    leave after it, expect the follow-up by the 12th with that inspector."""
    # the hygiene inspector is free only from the 15th: the follow-up due on the 12th
    # must wait for nobody else, so another hygiene inspector (on leave after the 12th)
    # takes it before the deadline
    d = data(
        [inst("I1"), inst("I2")],
        [insp("S1", "A", "safety"), insp("H1", "B", "hygiene"), insp("H2", "B", "hygiene")],
        leave=[
            Leave(person_id="H1", start=D(2026, 6, 1), end=D(2026, 6, 14)),
            Leave(person_id="H2", start=D(2026, 6, 13), end=D(2026, 6, 30)),
        ],
        history=[
            PastInspection(
                institution_id="I1", date=D(2026, 5, 13), outcome="fail", inspector_ids=("S1", "H2")
            )
        ],
    )
    result = plan(d, NONE)
    row = next(r for r in result.rows if r.institution_id == "I1")
    assert row.date <= D(2026, 6, 12)
    assert "H2" in row.inspector_ids


def test_overdue_follow_up_goes_in_the_first_working_days():
    d = data(
        [inst("I1"), inst("I2")],
        [insp("A1", "A"), insp("B1", "B"), insp("A2", "A"), insp("B2", "B")],
        history=[PastInspection(institution_id="I1", date=D(2026, 4, 20), outcome="fail")],
    )
    result = plan(d, NONE)
    row = next(r for r in result.rows if r.institution_id == "I1")
    assert row.date <= D(2026, 6, 5)  # first five working days: June 1-5
    overdue = [f for f in result.findings if f.code == "roster.follow_up_overdue"]
    assert [f.params["institution_id"] for f in overdue] == ["I1"]


def test_pass_outcome_is_not_followed_up():
    d = data(
        [inst("I1"), inst("I2")],
        [insp("A1", "A"), insp("B1", "B")],
        history=[
            PastInspection(institution_id="I1", date=D(2026, 5, 20), outcome="pass"),
            PastInspection(institution_id="I2", date=D(2026, 5, 10), outcome="pass"),
        ],
    )
    problem = build_problem(d, 2026, 6, 7, NONE)
    assert problem.visits == ()


def test_high_risk_not_seen_for_half_a_year_is_inspected():
    d = data(
        [inst("I1", risk="high"), inst("I2", risk="high"), inst("I3")],
        [insp("A1", "A"), insp("B1", "B"), insp("A2", "A"), insp("B2", "B")],
        history=[
            PastInspection(institution_id="I1", date=D(2025, 11, 2), outcome="pass"),
            PastInspection(institution_id="I2", date=D(2026, 3, 1), outcome="pass"),
            PastInspection(institution_id="I3", date=D(2026, 3, 1), outcome="pass"),
        ],
    )
    result = plan(d, NONE)
    reasons = {r.institution_id: r.reason for r in result.rows}
    assert reasons == {"I1": "high_risk"}


# --- infeasible settings ------------------------------------------------------------


def test_pool_too_small_names_the_shortfall():
    d = data(
        [inst(f"I{k}") for k in range(1, 7)],
        [insp("A1", "A", per_month=2), insp("B1", "B", per_month=2)],
    )
    with pytest.raises(InfeasibleError) as exc:
        plan(d)
    text = said(exc)
    assert "short by 8" in text and "6 inspections" in text and "12" in text
    assert exc.value.clashes


def test_missing_skill_capacity_names_the_shortfall():
    d = data(
        [inst(f"I{k}") for k in range(1, 5)],
        [
            insp("S1", "A", "safety"),
            insp("S2", "A", "safety"),
            insp("H1", "B", "hygiene", per_month=3),
        ],
    )
    with pytest.raises(InfeasibleError) as exc:
        plan(d)
    assert "'hygiene'" in said(exc) and "short by 1" in said(exc)


def test_only_one_inspector_free_of_conflicts():
    d = data(
        [inst("I1"), inst("I2")],
        [insp("A1", "A"), insp("B1", "B"), insp("B2", "B")],
        conflicts=[
            Conflict(inspector_id="B1", institution_id="I1"),
            Conflict(inspector_id="B2", institution_id="I1"),
        ],
    )
    with pytest.raises(InfeasibleError) as exc:
        plan(d)
    text = said(exc)
    assert "I1" in text and "only 1 inspector(s)" in text and "2 are needed" in text


def test_clash_found_by_the_solver_is_explained():
    # department B has one inspector, free on one day with a daily limit of 2, but three
    # joint inspections need department B: no arithmetic pre-check sees it, the solver does
    d = data(
        [inst("I1"), inst("I2"), inst("I3")],
        [insp("A1", "A"), insp("A2", "A"), insp("B1", "B", "safety")],
        leave=[
            Leave(person_id="B1", start=D(2026, 6, 1), end=D(2026, 6, 9)),
            Leave(person_id="B1", start=D(2026, 6, 11), end=D(2026, 6, 30)),
        ],
    )
    with pytest.raises(InfeasibleError) as exc:
        plan(d)
    text = said(exc)
    assert "clash" in text
    assert re.search(r"\d+ inspections", text)
    assert any(w in text for w in ("department", "daily"))


def test_follow_ups_beyond_capacity_before_deadline():
    d = data(
        [inst("I1"), inst("I2")],
        [insp("A1", "A"), insp("B1", "B", per_month=3)],
        leave=[Leave(person_id="A1", start=D(2026, 6, 1), end=D(2026, 6, 14))],
        history=[
            PastInspection(institution_id=i, date=D(2026, 5, 11), outcome="rectify")
            for i in ("I1", "I2")
        ],
    )
    with pytest.raises(InfeasibleError) as exc:
        plan(d, NONE)
    text = said(exc)
    assert "2026-06-10" in text and "follow-up" in text and "gives 3" in text


# --- December covers the year -------------------------------------------------------


def test_december_covers_every_uncovered_institution():
    institutions = [inst(f"I{k}", "S1" if k % 2 else "S2") for k in range(1, 7)]
    institutions += [
        inst("I7", opened=D(2026, 12, 15)),
        inst("I8", active=False),
        inst("I9", opened=D(2027, 1, 4)),
    ]
    history = [
        PastInspection(institution_id=i, date=D(2026, m, 10), outcome="pass")
        for i, m in (("I1", 3), ("I2", 7))
    ]
    history.append(PastInspection(institution_id="I3", date=D(2025, 12, 10), outcome="pass"))
    d = data(
        institutions,
        [insp("A1", "A"), insp("A2", "A"), insp("B1", "B"), insp("B2", "B")],
        history=history,
    )
    result = plan(d, NONE, year=2026, month=12)
    got = {r.institution_id for r in result.rows}
    assert got == {"I3", "I4", "I5", "I6", "I7"}
    assert all(r.reason == "coverage" for r in result.rows)


# --- reproducibility ----------------------------------------------------------------


def _medium() -> InspectionData:
    institutions = [
        inst(f"I{k:02d}", "S1" if k % 3 else "S2", risk="high" if k % 5 == 0 else "medium")
        for k in range(1, 9)
    ]
    inspectors = [
        insp("A1", "A"),
        insp("A2", "A", "safety"),
        insp("B1", "B", "hygiene"),
        insp("B2", "B"),
        insp("C1", "C"),
        insp("C2", "C", "safety"),
    ]
    return data(
        institutions,
        inspectors,
        history=[
            PastInspection(
                institution_id="I01",
                date=D(2026, 5, 20),
                outcome="rectify",
                inspector_ids=("A1", "B1"),
            )
        ],
    )


def test_same_seed_same_rows_whatever_the_workers():
    d = _medium()
    rules = RosterRules(draw_share=0.5)
    eight = plan(d, rules, seed=42, workers=8, time_limit=60)
    two = plan(d, rules, seed=42, workers=2, time_limit=60)
    assert eight.status == two.status == Status.OPTIMAL
    assert eight.rows == two.rows
    assert eight.unique is not False


def test_different_seed_gives_a_different_draw():
    institutions = [inst(f"I{k:02d}", "S1" if k % 2 else "S2") for k in range(1, 41)]
    d = data(
        institutions,
        [insp(f"A{k}", "A") for k in range(5)] + [insp(f"B{k}", "B") for k in range(5)],
    )
    rules = RosterRules(draw_share=0.1)
    drawn = [
        [e.institution_id for e in build_problem(d, 2026, 6, seed, rules).draw if e.drawn]
        for seed in (1, 2)
    ]
    assert len(drawn[0]) == len(drawn[1]) == 4
    assert drawn[0] != drawn[1]
    again = [e.institution_id for e in build_problem(d, 2026, 6, 1, rules).draw if e.drawn]
    assert again == drawn[0]


# --- defects found (the code under test is not changed here) ------------------------


def test_follow_up_due_on_the_second_day_of_the_month_keeps_its_deadline():
    d = data(
        [inst("I1"), inst("I2")],
        [insp("S1", "A", "safety"), insp("H1", "B", "hygiene"), insp("S2", "B", "safety")],
        leave=[Leave(person_id="H1", start=D(2026, 6, 1), end=D(2026, 6, 2))],
        history=[
            PastInspection(institution_id="I1", date=D(2026, 5, 3), outcome="rectify"),
            PastInspection(institution_id="I2", date=D(2026, 5, 3), outcome="pass"),
        ],
    )
    problem = build_problem(d, 2026, 6, 7, NONE)
    try:
        result = solve_roster(problem, SolveParams(time_limit=30, workers=8))
    except InfeasibleError:
        return  # naming the clash would be right too
    row = next(r for r in result.rows if r.institution_id == "I1")
    assert row.date <= D(2026, 6, 2), f"follow-up on {row.date}, due 2026-06-02"


def test_not_before_opening():
    """Given a high-risk institution opening on the 22nd, expect its visit on or after."""
    d = data(
        [inst("I1", risk="high", opened=D(2026, 6, 22)), inst("I2")],
        [insp("A1", "A"), insp("B1", "B")],
    )
    result = plan(d, ALL, seed=1)
    row = next(r for r in result.rows if r.institution_id == "I1")
    assert row.date >= D(2026, 6, 22), f"inspected on {row.date}, opens 2026-06-22"


def test_two_overdue_follow_ups_fit_in_the_first_working_days():
    d = data(
        [inst("I1"), inst("I2")],
        [insp("A1", "A", per_day=1), insp("B1", "B", per_day=1)],
        history=[
            PastInspection(institution_id=i, date=D(2026, 4, 20), outcome="fail")
            for i in ("I1", "I2")
        ],
    )
    result = plan(d, NONE)
    assert all(r.date <= D(2026, 6, 5) for r in result.rows)
