"""The constructed first calendar (``tuoyu.optimizer.sessions.first``): every hard rule
checked on its rows by the independent checker of ``sessions_check`` (teams named by the
exact flow of ``check_staffing``), on a hand-made district, on random small ones
(hypothesis), and on a generated district shaped unlike Baoshan (staff in three streets,
half of them on long leave) where the planner now finds a calendar within a small
budget."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sessions_check import center_row, gen_sessions, rows_of, violations, write_tables

from tuoyu.data import BUNDLED
from tuoyu.models.sessions import Session, load_session_data
from tuoyu.optimizer.sessions import SessionProblem, SessionRules, check_staffing, plan_sessions
from tuoyu.optimizer.sessions.first import first_calendar
from tuoyu.optimizer.solve import SolveParams, Status

ST = "310113003"
TOPICS = [dict(topic_id="A", name="安全", disciplines="education"),
          dict(topic_id="B", name="营养", disciplines="education;medical"),
          dict(topic_id="C", name="七会", disciplines="education;psychology"),
          dict(topic_id="D", name="阅读", disciplines="education"),
          dict(topic_id="E", name="接种", disciplines="education;medical")]
EVENTS = [dict(event_id="E1", name="嘉年华", kind="district_event", count=1, staff_needed=3,
               disciplines="education;medical", weekend="true", months="5;6"),
          dict(event_id="E2", name="讲座", kind="lecture", count=3, staff_needed=2,
               disciplines="education;psychology", weekend="false", months="3;4;9;10")]


def _person(sid: str, disc: str, cap: int, days: str = "") -> dict[str, object]:
    return dict(staff_id=sid, name=f"人{sid}", discipline=disc, street_id=ST,
                max_per_month=cap, days=days)


def _rows(p: SessionProblem, sessions: list[Session]) -> list[dict[str, str]]:
    """The calendar with the teams the exact flow names, as sessions.csv rows."""
    teams, short = check_staffing(p, sessions)
    assert short == []
    staffed = [s.model_copy(update={"staff_ids": tuple(x for d in sorted(teams[k])
                                                        for x in teams[k][d])})
               for k, s in enumerate(sessions)]
    return rows_of(SimpleNamespace(sessions=staffed))


def test_a_hand_made_district_gets_a_calendar_keeping_every_rule(tmp_path):
    """Few people, each on some weekdays, one doctor on leave for two months, centers
    open on few days (one on weekends only), events on weekends and in given months."""
    folder = write_tables(tmp_path, dict(
        centers=[center_row("C1", ST, 6), center_row("C2", ST, 6, days="Sat;Sun"),
                 center_row("C3", ST, 4, days="Tue;Thu"), center_row("C4", ST, 6)],
        guidance_staff=[_person("E1", "education", 3), _person("E2", "education", 2, "Sat;Sun"),
                        _person("E3", "education", 2, "Mon;Tue;Wed;Thu;Fri"),
                        _person("M1", "medical", 2), _person("M2", "medical", 1, "Sat"),
                        _person("P1", "psychology", 2, "Tue;Wed;Sat")],
        staff_leave=[dict(staff_id="M1", start="2027-06-01", end="2027-07-31"),
                     dict(staff_id="E1", start="2027-02-01", end="2027-02-28")],
        topics=TOPICS, events=EVENTS))
    data = load_session_data(folder)
    p = SessionProblem(data=data, year=2027)
    cal = first_calendar(p)
    assert cal is not None
    assert violations(data, 2027, _rows(p, cal)) == []
    # deterministic: the same inputs give the same calendar
    assert first_calendar(SessionProblem(data=data, year=2027)) == cal


def test_nothing_is_claimed_when_the_staff_cannot_suffice(tmp_path):
    """One educator with one session a month cannot give four centers six sessions: no
    calendar (the construction proves nothing; the model decides)."""
    folder = write_tables(tmp_path, dict(
        centers=[center_row(f"C{k}", ST, 6) for k in range(4)],
        guidance_staff=[_person("E1", "education", 1)], topics=TOPICS[:1] + TOPICS[3:4]))
    p = SessionProblem(data=load_session_data(folder), year=2027,
                       rules=SessionRules(min_topics=2))
    assert first_calendar(p) is None


def test_a_budget_ended_before_a_staffable_calendar_keeps_the_constructed_one(tmp_path):
    """Every topic needs a doctor; M1 is on leave from the 10th of every month, M2 has one
    session a month: the model's first calendar (no steering, no weekday cuts) cannot be
    staffed, and the smallest budget ends with the cut. The constructed calendar is the
    plan: every rule held, the same rows with one thread and eight."""
    leave = [dict(staff_id="M1", start=f"2027-{m:02d}-10", end=f"2027-{m:02d}-{last}")
             for m, last in zip(range(1, 13), (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31),
                                strict=True)]
    folder = write_tables(tmp_path, dict(
        centers=[center_row(f"C{i}", ST, 6) for i in range(3)],
        guidance_staff=[_person("E1", "education", 10), _person("M1", "medical", 8),
                        _person("M2", "medical", 1)],
        staff_leave=leave,
        topics=[dict(topic_id=t, name=t, disciplines="education;medical")
                for t in ("B", "E", "F", "G")]))
    data = load_session_data(folder)
    rules = SessionRules(partners=False, at_the_bound=False, weekday_cuts=False)
    rows = []
    for workers in (1, 8):
        plan = plan_sessions(SessionProblem(data=data, year=2027, rules=rules),
                             SolveParams(time_limit=2.5, workers=workers))
        assert plan.status in (Status.OPTIMAL, Status.FEASIBLE)
        assert "sessions.first_calendar_kept" in [f.code for f in plan.findings]
        rows.append(rows_of(plan))
        assert violations(data, 2027, rows[-1]) == []
    assert rows[0] == rows[1]


WEEK = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_days = st.lists(st.sampled_from(WEEK), min_size=1, max_size=7, unique=True).map(
    lambda ds: ";".join(d for d in WEEK if d in ds))
_person_s = st.tuples(st.sampled_from(["education", "education", "medical", "psychology"]),
                      st.integers(1, 6), _days, st.none() | st.integers(0, 300),
                      st.integers(5, 90))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(centers=st.lists(st.tuples(_days, st.sampled_from([2, 4, 6])), min_size=1, max_size=5),
       people=st.lists(_person_s, min_size=1, max_size=6), events=st.booleans())
def test_a_calendar_built_on_a_random_district_keeps_every_rule(tmp_path_factory, centers,
                                                                people, events):
    folder = tmp_path_factory.mktemp("first")
    # a few people working every day (so that calendars often exist), then the drawn ones
    staff = [_person("B1", "education", 6), _person("B2", "medical", 3),
             _person("B3", "psychology", 3)]
    staff += [_person(f"S{k}", d, cap, days) for k, (d, cap, days, _, _) in enumerate(people)]
    leave = [dict(staff_id=f"S{k}", start=str(_date(start)), end=str(_date(start + n)))
             for k, (_, _, _, start, n) in enumerate(people) if start is not None]
    write_tables(folder, dict(
        centers=[center_row(f"C{k}", ST, n, days=days) for k, (days, n) in enumerate(centers)],
        guidance_staff=staff, staff_leave=leave or [dict(staff_id="S0", start="2027-01-01",
                                                         end="2027-01-01")],
        topics=TOPICS, events=EVENTS if events else [dict(EVENTS[1], count=1)]))
    data = load_session_data(folder)
    p = SessionProblem(data=data, year=2027)
    cal = first_calendar(p)
    event("a calendar" if cal is not None else "none")
    if cal is not None:
        assert violations(data, 2027, _rows(p, cal)) == []


def _date(day: int):
    import datetime as dt

    return dt.date(2027, 1, 1) + dt.timedelta(days=min(day, 364))


@pytest.fixture(scope="module")
def thin3(tmp_path_factory) -> Path:
    """The thin3 shape at scale 1: 79 centers, 45 staff living in three streets, half of
    them on leave for 20-90 days."""
    import shutil

    folder = tmp_path_factory.mktemp("thin3")
    for name in ("streets.csv", "calendar.csv"):
        shutil.copy(BUNDLED / name, folder / name)
    gen_sessions().generate(folder, scale=1, seed=7, shape="thin3")
    return folder


def test_a_district_with_staff_in_three_streets_gets_a_calendar(thin3):
    data = load_session_data(thin3)
    p = SessionProblem(data=data, year=2027)
    cal = first_calendar(p)
    assert cal is not None
    assert violations(data, 2027, _rows(p, cal)) == []


@pytest.mark.heavy  # a plan of 79 centers: teams, topics and the local improvement
def test_the_planner_finds_a_calendar_there_within_a_small_budget(thin3):
    """Before the first calendar, a budget of 5 gave no calendar on this district (measured once:
    ``sessions.calendar_not_found``)."""
    data = load_session_data(thin3)
    plan = plan_sessions(SessionProblem(data=data, year=2027), SolveParams(time_limit=5))
    assert plan.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert violations(data, 2027, rows_of(plan)) == []
