"""Can a calendar's teams be named (``tuoyu.optimizer.sessions.cuts``)? On random
calendars of a tiny district, the answer is checked independently either way: teams
named are checked rule by rule (their disciplines, one place per person and half-day,
monthly limits, working days, leave); a refusal is checked to be a proof — for each cut,
the people its half-days need (counted here from the sessions) exceed what the staff can
give on them (each person: the monthly limit or the half-days of the set they work,
whichever is less)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sessions_check import center_row, write_tables

from tuoyu.models.sessions import Session, load_session_data
from tuoyu.optimizer.sessions import SessionProblem
from tuoyu.optimizer.sessions.cuts import check_staffing, cut_capacity

ST = "310113003"
STAFF = [dict(staff_id=s, name=s, discipline=d, street_id=ST, max_per_month=cap, days=days)
         for s, d, cap, days in (("E1", "education", 2, ""), ("E2", "education", 3, "Mon;Tue"),
                                 ("M1", "medical", 2, ""), ("P1", "psychology", 1, "Wed"))]
TOPICS = [dict(topic_id="A", name="安全", disciplines="education"),
          dict(topic_id="B", name="营养", disciplines="education;medical"),
          dict(topic_id="C", name="七会", disciplines="education;psychology")]
NEED = {"A": {"education"}, "B": {"education", "medical"}, "C": {"education", "psychology"}}
LEAVE = [dict(staff_id="E1", start="2027-03-08", end="2027-03-12")]
MARCH = [dt.date(2027, 3, d) for d in range(1, 32) if dt.date(2027, 3, d).weekday() < 6]


@pytest.fixture(scope="module")
def problem(tmp_path_factory: pytest.TempPathFactory) -> SessionProblem:
    folder = write_tables(tmp_path_factory.mktemp("cuts"), dict(
        centers=[center_row(f"C{k}", ST, 6) for k in range(4)], guidance_staff=STAFF,
        topics=TOPICS, staff_leave=LEAVE))
    return SessionProblem(data=load_session_data(folder), year=2027)


def _works(p: SessionProblem, sid: str, day: dt.date) -> bool:
    person = next(s for s in p.data.staff if s.staff_id == sid)
    on_leave = any(x.owner_id == sid and x.covers(day) for x in p.data.leave)
    return day.weekday() in person.days and not on_leave


_calendar = st.lists(st.tuples(st.sampled_from(range(len(MARCH))), st.integers(0, 1),
                               st.sampled_from(["A", "B", "C"])), min_size=1, max_size=7)


@settings(max_examples=60, deadline=None)
@given(_calendar)
def test_teams_are_named_or_the_refusal_is_a_proof(problem: SessionProblem, cal) -> None:
    sessions = [Session(date=MARCH[d], half=h, center_id=f"C{k % 4}", topic_id=t)
                for k, (d, h, t) in enumerate(cal)]
    teams, cuts = check_staffing(problem, sessions)
    staff = {s.staff_id: s for s in problem.data.staff}
    if not cuts:
        used = Counter()
        per_month = Counter()
        for k, s in enumerate(sessions):
            named = teams[k]
            assert set(named) == NEED[s.topic_id]
            for disc, people in named.items():
                assert len(people) == 1 and staff[people[0]].discipline == disc
                for sid in people:
                    assert _works(problem, sid, s.date), (sid, s.date)
                    used[sid, s.date, s.half] += 1
                    per_month[sid] += 1
        assert max(used.values()) == 1  # one place per person and half-day
        assert all(n <= staff[sid].max_per_month for sid, n in per_month.items())
        return
    for cut in cuts:
        slots = set(cut.slots)
        demand = sum(1 for s in sessions if cut.discipline in NEED[s.topic_id]
                     and 2 * problem.day(s.date) + s.half in slots)
        capacity = 0
        for person in problem.data.staff:
            if person.discipline == cut.discipline:
                works = sum(1 for slot in slots if _works(problem, person.staff_id,
                                                          problem.date(slot // 2)))
                capacity += min(person.max_per_month, works)
        assert (cut.demand, cut.capacity) == (demand, capacity)
        assert demand > capacity and cut.short == demand - capacity
        assert cut_capacity(problem, cut.discipline, 3, frozenset(slots)) == capacity


def test_one_psychologist_on_wednesdays_once_a_month(problem: SessionProblem) -> None:
    wednesdays = [d for d in MARCH if d.weekday() == 2]
    sessions = [Session(date=wednesdays[0], half=0, center_id="C0", topic_id="C"),
                Session(date=wednesdays[2], half=0, center_id="C1", topic_id="C")]  # not the 10th: E1 on leave
    teams, cuts = check_staffing(problem, sessions)
    assert teams == {} and [(c.discipline, c.month, c.demand, c.capacity) for c in cuts] == [
        ("psychology", 3, 2, 1)]
    teams, cuts = check_staffing(problem, sessions[:1])
    assert cuts == [] and teams[0]["psychology"] == ["P1"]
