"""Issue 11 (a calendar at city scale): the local improvement after the teams flow moves a
session, or changes its topic, where a nearer person can take it; every rule still holds
(the independent checker) and the plan never costs more."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from types import SimpleNamespace

from sessions_check import center_row, rows_of, violations, write_tables

from tuoyu.models.sessions import Session, load_session_data
from tuoyu.optimizer.sessions import SessionProblem, flow, goals, polish
from tuoyu.optimizer.solve import Stop

A, FAR = "310113003", "310113101"  # 友谊路; 罗店 is not its neighbour
TOPICS = [
    dict(topic_id="A", name="A", disciplines="education"),
    dict(topic_id="B", name="B", disciplines="education"),
    dict(topic_id="C", name="C", disciplines="education;medical"),
    dict(topic_id="D", name="D", disciplines="education;medical"),
]


def _problem(tmp_path) -> SessionProblem:
    # one center in 友谊路 with its educator; its doctor works on Mondays only, a doctor
    # from far away works every day
    center = center_row("C1", A)
    staff = [
        dict(staff_id="E1", name="E1", discipline="education", street_id=A, max_per_month=6,
             days=""),
        dict(staff_id="M1", name="M1", discipline="medical", street_id=A, max_per_month=6,
             days="Mon"),
        dict(staff_id="M2", name="M2", discipline="medical", street_id=FAR, max_per_month=6,
             days=""),
    ]  # fmt: skip
    folder = write_tables(tmp_path, dict(centers=[center], guidance_staff=staff, topics=TOPICS))
    return SessionProblem(data=load_session_data(folder), year=2027)


def _calendar() -> list[Session]:
    # every session on a Tuesday: the doctor's topics (C, D) fall when only M2 works
    days = ((1, 12, "A"), (3, 9, "C"), (5, 11, "B"), (7, 13, "D"), (9, 14, "A"), (11, 16, "B"))
    return [
        Session(date=dt.date(2027, m, d), half=0, center_id="C1", topic_id=t) for m, d, t in days
    ]


def _objective(p: SessionProblem, sessions: list[Session], team: dict[int, list[str]]) -> int:
    values = {**goals.team_goal_values(p, sessions, team)}
    values["spacing"] = polish.total_spacing(p, sessions)
    return goals.weighted(p, values, goals.PLAN_GOALS)


def _staffed(sessions: list[Session], team: dict[int, list[str]]) -> SimpleNamespace:
    return SimpleNamespace(
        sessions=[s.model_copy(update={"staff_ids": tuple(team[k])}) for k, s in enumerate(sessions)]
    )


def test_a_doctors_topic_moves_to_a_day_the_near_doctor_works(tmp_path):
    p = _problem(tmp_path)
    before = _calendar()
    team = flow.best_teams(p, before)
    assert team is not None
    assert goals.team_goal_values(p, before, team)["far"] == 2  # M2 twice
    after = polish.polish(p, before, team)
    again = flow.best_teams(p, after)
    assert again is not None
    # every rule holds, counted by the independent checker
    assert violations(p.data, 2027, rows_of(_staffed(after, again))) == []
    # one of the two moves to a Monday with M1; M1 taking both would put M1 above the
    # fair share (2 doctors' places, ceil(2/2) = 1: load 10 > one far trip 5)
    got = goals.team_goal_values(p, after, again)
    assert (got["far"], got["load"]) == (1, 0)
    assert _objective(p, after, again) < _objective(p, before, team)
    # the same calendar every time (no clock, no random state)
    assert polish.polish(p, before, team) == after


def test_a_plan_with_nothing_to_gain_is_left_as_it_is(tmp_path):
    p = _problem(tmp_path)
    first = polish.polish(p, _calendar(), flow.best_teams(p, _calendar()) or {})
    team = flow.best_teams(p, first)
    assert team is not None
    assert polish.polish(p, first, team) == first


def test_a_stop_leaves_the_calendar_as_it_is(tmp_path):
    """A cancelled plan is finished at once from the best so far: a stop set before the
    improvement makes no change (the same calendar would improve without it)."""
    p = _problem(tmp_path)
    cal = _calendar()
    team = flow.best_teams(p, cal)
    assert team is not None
    stop = Stop()
    stop.set()
    assert polish.polish(p, cal, team, stop) == sorted(
        cal, key=lambda s: (s.date, s.half, s.center_id, s.event_id)
    )
    assert polish.polish(p, cal, team) != polish.polish(p, cal, team, stop)


def test_a_replan_is_not_polished(tmp_path):
    p = _problem(tmp_path)
    cal = _calendar()
    team = flow.best_teams(p, cal)
    assert team is not None
    previous = tuple(_staffed(cal, team).sessions)
    q = SessionProblem(data=p.data, year=2027, previous=previous, from_date=dt.date(2027, 6, 1))
    assert polish.polish(q, cal, team) is cal


def test_the_topic_sequence_is_the_cheapest_that_keeps_the_topic_rules():
    # brute force over every sequence: never one topic twice in a row, at least `need`
    # different topics
    rng = random.Random(11)
    for _ in range(40):
        n, m = rng.randint(2, 5), rng.randint(2, 4)
        need = rng.randint(1, min(n, m))
        cost = [[rng.choice([0, 1, 5, 10**9]) for _ in range(m)] for _ in range(n)]
        best = None
        for seq in itertools.product(range(m), repeat=n):
            if any(a == b for a, b in itertools.pairwise(seq)) or len(set(seq)) < need:
                continue
            if any(cost[i][t] >= 10**9 for i, t in enumerate(seq)):
                continue
            v = sum(cost[i][t] for i, t in enumerate(seq))
            best = v if best is None else min(best, v)
        got = polish._best_sequence(cost, need)
        if best is None:
            assert got is None
        else:
            assert got is not None
            assert sum(cost[i][t] for i, t in enumerate(got)) == best
            assert all(a != b for a, b in itertools.pairwise(got)) and len(set(got)) >= need


def test_a_centers_days_are_chosen_again_at_once(tmp_path):
    """A center's six sessions bunched in the first half of the year, 28 days apart: no
    single move can spread them (each is held by its neighbours' gaps); the sequence
    chosen at once spreads them evenly, every rule held, the topics and weekdays kept;
    one doctor's topic on a Monday with the near doctor (both would put M1 above the
    fair share: load 10 against one far trip 5)."""
    p = _problem(tmp_path)
    days = ((1, 12, "A"), (2, 9, "C"), (3, 9, "B"), (4, 6, "D"), (5, 4, "A"), (6, 1, "B"))
    before = [Session(date=dt.date(2027, m, d), half=0, center_id="C1", topic_id=t)
              for m, d, t in days]
    team = flow.best_teams(p, before)
    assert team is not None
    assert polish.total_spacing(p, before) > 0
    run = polish._Polish(p, before, team)
    assert run.reschedule("C1")
    after = sorted(run.st.sessions, key=lambda s: (s.date, s.half))
    again = flow.best_teams(p, after)
    assert again is not None
    assert violations(p.data, 2027, rows_of(_staffed(after, again))) == []
    assert polish.total_spacing(p, after) == 0
    assert [s.topic_id for s in after] == [t for _, _, t in days]
    assert all(s.date.weekday() < 5 for s in after)
    got = goals.team_goal_values(p, after, again)
    assert (got["far"], got["load"]) == (1, 0)
    assert _objective(p, after, again) < _objective(p, before, team)
