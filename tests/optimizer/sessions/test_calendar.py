"""Stage A, the calendar (``tuoyu.optimizer.sessions.calendar``), on a tiny district:
solved and read back, each center has its sessions on its open days, 28 days apart, one
in every quarter, topics enough and each a topic its staff can give; each event its
occurrences in its months; the people counted (not yet named) suffice per half-day;
the goals' values are what the solution holds; the model with every rule behind an
assumption is the same model when all hold."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from ortools.sat.python import cp_model
from sessions_check import center_row, write_tables

from tuoyu.models.sessions import load_session_data
from tuoyu.optimizer.sessions import SessionProblem
from tuoyu.optimizer.sessions.calendar import build_calendar, extract, goal_values
from tuoyu.optimizer.sessions.cuts import check_staffing

ST = "310113003"
STAFF = [dict(staff_id=s, name=s, discipline=d, street_id=ST, max_per_month=4, days="")
         for s, d in (("E1", "education"), ("E2", "education"), ("M1", "medical"),
                      ("P1", "psychology"))]
TOPICS = [dict(topic_id=t, name=t, disciplines=d) for t, d in (
    ("A", "education"), ("B", "education;medical"), ("C", "education;psychology"),
    ("D", "education"), ("E", "education;medical"))]
EVENTS = [dict(event_id="L", name="讲座", kind="lecture", count=3, staff_needed=2,
               disciplines="education;psychology", weekend="false", months="3;4;5")]


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    folder = write_tables(tmp_path_factory.mktemp("cal"), dict(
        centers=[center_row("C1", ST, 6, days="Tue;Thu"), center_row("C2", ST, 4)],
        guidance_staff=STAFF, topics=TOPICS, events=EVENTS))
    p = SessionProblem(data=load_session_data(folder), year=2027)
    a = build_calendar(p)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    status = solver.solve(a.model)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return p, a, solver, extract(p, a, solver)


def test_each_center_has_its_sessions_as_the_rules_say(solved) -> None:  # noqa: ANN001
    p, _a, _s, sessions = solved
    for c in p.data.centers:
        mine = sorted((s for s in sessions if s.center_id == c.center_id),
                      key=lambda s: (s.date, s.half))
        assert len(mine) == c.sessions_per_year
        assert all(s.date.weekday() in c.open_days for s in mine)
        assert all(not p.data.calendar.is_holiday(s.date) for s in mine)
        gaps = [(b.date - a.date).days for a, b in zip(mine, mine[1:], strict=False)]
        assert min(gaps) >= 28
        assert {(s.date.month - 1) // 3 for s in mine} == {0, 1, 2, 3}
        assert len({s.topic_id for s in mine}) >= min(4, c.sessions_per_year)


def test_each_event_in_its_months(solved) -> None:  # noqa: ANN001
    p, _a, _s, sessions = solved
    lectures = [s for s in sessions if s.event_id == "L"]
    assert len(lectures) == 3 and all(s.date.month in (3, 4, 5) for s in lectures)
    assert all(p.data.calendar.is_workday(s.date) for s in lectures)  # not a weekend event


def test_the_people_counted_can_be_named(solved) -> None:  # noqa: ANN001
    p, _a, _s, sessions = solved
    _teams, cuts = check_staffing(p, sessions)
    assert cuts == []
    per_slot = Counter((s.date, s.half) for s in sessions)
    assert max(per_slot.values()) <= 2  # two educators: at most two sessions a half-day


def test_the_goals_are_the_solutions(solved) -> None:  # noqa: ANN001
    p, a, solver, _sessions = solved
    values = goal_values(a, solver)
    assert set(values) == set(a.terms) and all(v >= 0 for v in values.values())
    w = p.rules.weights
    total = sum(getattr(w, k, 1) * v for k, v in values.items())
    assert total == round(solver.objective_value)


def test_with_every_rule_behind_an_assumption_the_calendar_still_exists(solved) -> None:  # noqa: ANN001
    p = solved[0]
    a = build_calendar(p, explain=True)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(a.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _cost_of_calendar(p: SessionProblem, sessions) -> int:
    """The plan's calendar goals counted on the sessions, as a planner would: days each
    gap falls short of an even spread (``min(365 // n, 120)``), sessions off the weekend
    share (20%, rounded), quarters short of three, sessions beyond each month's band of
    +-20% of its share of the open days (shares from the open days, holidays out)."""
    w = p.rules.weights
    dates: dict[str, list] = {}
    for s in sessions:
        if s.center_id:
            dates.setdefault(s.center_id, []).append(s.date)
    spacing = quarters = 0
    for ds in dates.values():
        ds.sort()
        ideal = min(365 // len(ds), 120)
        spacing += sum(max(0, ideal - (b - a).days) for a, b in zip(ds, ds[1:], strict=False))
        quarters += max(0, min(3, len(ds)) - len({(d.month - 1) // 3 for d in ds}))
    centers = [s for s in sessions if s.center_id]
    weekend = abs(sum(s.date.weekday() >= 5 for s in centers) - round(0.2 * len(centers)))
    open_per_month = Counter(
        d.month for c in p.data.centers for d in map(p.date, p.open_days(c)))
    total_open = sum(open_per_month.values())
    hist = Counter(s.date.month for s in centers)
    beyond = 0
    for mo in range(1, 13):
        share = len(centers) * open_per_month[mo] / total_open
        lo, hi = math.floor(0.8 * share + 1e-9), math.ceil(1.2 * share - 1e-9)
        beyond += max(0, hist[mo] - hi) + max(0, lo - hist[mo])
    return (w.spacing * spacing + w.quarters * quarters + w.weekend * weekend
            + w.month_share * beyond)


def _solve(a) -> tuple[int, cp_model.CpSolver]:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    return solver.solve(a.model), solver


def test_calendar_goals_held_at_zero_give_a_calendar_that_pays_none(solved) -> None:  # noqa: ANN001
    # the tiny district can have every calendar goal for free: the model held at 0 has a
    # calendar, and counted on its sessions it pays nothing
    p = solved[0]
    a = build_calendar(p, goals_at_most=0)
    status, solver = _solve(a)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    sessions = extract(p, a, solver)
    assert _cost_of_calendar(p, sessions) == 0
    assert check_staffing(p, sessions)[1] == []


def test_calendar_goals_at_most_cuts_exactly_the_calendars_that_pay_more(tmp_path) -> None:
    # three sessions, the center closed from April on: all fall between Monday 4 January
    # and Wednesday 31 March, 86 days apart, against an even spread of 120 days a gap:
    # 240 - 86 = 154 days short (1 each), and in one quarter of the three asked (2 x 20).
    # A Saturday session keeps the weekend share (round(0.2 x 3) = 1), and a session a
    # month keeps the months in their bands: every calendar pays at least 194, some pay
    # exactly that
    folder = write_tables(tmp_path, dict(
        centers=[center_row("C1", ST, 3)], guidance_staff=STAFF[:1], topics=TOPICS[:1]
        + [dict(topic_id=t, name=t, disciplines="education") for t in "FGH"],
        center_closures=[dict(center_id="C1", start="2027-04-01", end="2027-12-31",
                              reason="维修")]))
    p = SessionProblem(data=load_session_data(folder), year=2027)
    status, _ = _solve(build_calendar(p, with_events=False, goals_at_most=193))
    assert status == cp_model.INFEASIBLE
    a = build_calendar(p, with_events=False, goals_at_most=194)
    status, solver = _solve(a)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert _cost_of_calendar(p, extract(p, a, solver)) == 194
