"""Stage B, the teams (``tuoyu.optimizer.sessions.teams``): on a hand-made calendar of
a tiny district, the team model's optimum, the greedy first guess and the max-flow hint
each name people who keep the team rules, checked here on the named teams — each place
its discipline, people at work that day, nobody in two places a half-day, monthly
limits — and a center's home lead leads its sessions where free."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from ortools.sat.python import cp_model
from sessions_check import center_row, write_tables

from tuoyu.models.sessions import Session, load_session_data
from tuoyu.optimizer.sessions import SessionProblem
from tuoyu.optimizer.sessions.cuts import check_staffing
from tuoyu.optimizer.sessions.teams import (
    assignment,
    build_teams,
    flow_hint,
    greedy_hint,
    roles_of,
    staff_of_sessions,
)

ST = "310113003"
STAFF = [dict(staff_id=s, name=s, discipline=d, street_id=ST, max_per_month=cap, days=days)
         for s, d, cap, days in (("E1", "education", 3, ""), ("E2", "education", 3, ""),
                                 ("E3", "education", 1, "Mon"), ("M1", "medical", 3, ""),
                                 ("P1", "psychology", 2, ""))]
TOPICS = [dict(topic_id=t, name=t, disciplines=d) for t, d in (
    ("A", "education"), ("B", "education;medical"), ("C", "education;psychology"))]
EVENTS = [dict(event_id="L", name="讲座", kind="lecture", count=1, staff_needed=3,
               disciplines="education;psychology", weekend="false", months="3")]
D = dt.date


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    folder = write_tables(tmp_path_factory.mktemp("teams"), dict(
        centers=[center_row("C1", ST, 6), center_row("C2", ST, 6)], guidance_staff=STAFF,
        topics=TOPICS, events=EVENTS,
        staff_leave=[dict(staff_id="E1", start="2027-03-10", end="2027-03-12")]))
    p = SessionProblem(data=load_session_data(folder), year=2027)
    plan = [Session(date=D(2027, 3, 1), half=0, center_id="C1", topic_id="B"),
            Session(date=D(2027, 3, 1), half=0, center_id="C2", topic_id="C"),
            Session(date=D(2027, 3, 11), half=1, center_id="C1", topic_id="A"),
            Session(date=D(2027, 3, 16), half=0, event_id="L"),
            Session(date=D(2027, 4, 6), half=1, center_id="C2", topic_id="B")]
    return p, plan


def _check(p: SessionProblem, plan: list[Session], teams: dict[int, list[str]]) -> None:
    staff = {s.staff_id: s for s in p.data.staff}
    used, month = Counter(), Counter()
    for k, s in enumerate(plan):
        people = teams[k]
        assert Counter(staff[x].discipline for x in people) == Counter(p.team_of(s)), (k, people)
        for x in people:
            assert s.date.weekday() in staff[x].days
            assert not any(lv.owner_id == x and lv.covers(s.date) for lv in p.data.leave)
            used[x, s.date, s.half] += 1
            month[x, s.date.month] += 1
    assert max(used.values()) == 1
    assert all(n <= staff[x].max_per_month for (x, _m), n in month.items())


def test_the_team_models_optimum_keeps_the_team_rules(case) -> None:  # noqa: ANN001
    p, plan = case
    t = build_teams(p, plan, restrict=False)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(t.model) == cp_model.OPTIMAL
    teams = staff_of_sessions(t.roles, assignment(t, solver))
    _check(p, plan, teams)
    assert "E1" not in teams[2]  # on leave on the 11th


def test_the_greedy_guess_and_the_flows_teams_keep_them_too(case) -> None:  # noqa: ANN001
    p, plan = case
    roles = roles_of(p, plan)
    guess = greedy_hint(p, plan, roles)
    assert guess is not None
    _check(p, plan, staff_of_sessions(roles, guess))
    flow, cuts = check_staffing(p, plan)
    assert cuts == []
    _check(p, plan, staff_of_sessions(roles, flow_hint(p, plan, roles, flow)))


def test_a_center_session_is_led_by_education(case) -> None:  # noqa: ANN001
    p, plan = case
    roles = roles_of(p, plan)
    leads = [(r.key, r.discipline) for r in roles if r.lead]
    assert leads == [(0, "education"), (1, "education"), (2, "education"), (4, "education")]
    assert [(r.discipline, r.count) for r in roles if r.key == 3] == [
        ("education", 2), ("psychology", 1)]  # the lecture: 3 people, by the pools' sizes


def test_more_places_than_people_leave_the_guess_empty_handed(case) -> None:  # noqa: ANN001
    p, _plan = case
    crowded = [Session(date=D(2027, 3, 2), half=0, center_id=f"C{k % 2 + 1}", topic_id="C")
               for k in range(2)]  # two psychology places the same half-day, one psychologist
    assert greedy_hint(p, crowded, roles_of(p, crowded)) is None
    t = build_teams(p, crowded, restrict=False)
    assert cp_model.CpSolver().solve(t.model) == cp_model.INFEASIBLE
