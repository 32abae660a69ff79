"""Issue 18: the topics chosen again for the whole district at once (``topics.py``), the
half-days kept. Small hand-made districts whose best topics are counted by hand; the
topic rules and the plan's goals are checked on the sessions returned, independently of
the model."""

from __future__ import annotations

import datetime as dt

from sessions_check import center_row, write_tables

from tuoyu.models.sessions import Session, load_session_data
from tuoyu.optimizer.sessions import SessionProblem, flow, goals, topics
from tuoyu.optimizer.sessions.solve import plan_values

A, FAR = "310113003", "310113101"  # 友谊路; 罗店 is not its neighbour
TOPICS = [
    dict(topic_id="A", name="安全", disciplines="education"),
    dict(topic_id="D", name="阅读", disciplines="education"),
    dict(topic_id="C", name="七会", disciplines="education;psychology"),
    dict(topic_id="B", name="营养", disciplines="education;medical"),
    dict(topic_id="E", name="接种", disciplines="education;medical"),
]
DAYS = ["2027-01-11", "2027-03-08", "2027-05-10", "2027-07-12", "2027-09-13", "2027-11-08"]


def _person(sid: str, disc: str, street: str = A):
    return dict(staff_id=sid, name=f"人{sid}", discipline=disc, street_id=street,
                max_per_month=4, days="")


def _problem(tmp_path) -> SessionProblem:
    # one center, its educator and psychologist in its street, the only doctor far away
    folder = write_tables(tmp_path, dict(
        centers=[center_row("C1", A, n=6)],
        guidance_staff=[_person("E1", "education"), _person("P1", "psychology"),
                        _person("M1", "medical", FAR)],
        topics=TOPICS,
    ))  # fmt: skip
    return SessionProblem(data=load_session_data(folder), year=2027)


def _cost(p: SessionProblem, sessions: list[Session]) -> int:
    teams = flow.best_teams(p, sessions)
    assert teams is not None
    return goals.weighted(p, plan_values(p, sessions, teams), goals.PLAN_GOALS)


def test_the_far_doctor_comes_once_and_the_topics_still_vary(tmp_path):
    # every session on a doctor's topic: six far trips (30). Four different topics, the
    # psychology topic never twice in a row: at best one doctor's topic (two
    # education-only, the psychology one, one of the doctor's), the doctor's trip 5.
    p = _problem(tmp_path)
    plan = [
        Session(date=dt.date.fromisoformat(d), half=0, center_id="C1",
                topic_id="BE"[i % 2], staff_ids=("E1", "M1"))
        for i, d in enumerate(DAYS)
    ]
    before = _cost(p, plan)
    assert before >= 6 * p.rules.weights.far
    new, stopped = topics.choose_topics(p, plan, time_limit=30)
    assert new is not None and not stopped
    assert [(s.date, s.half) for s in new] == [(s.date, s.half) for s in plan]
    seq = [s.topic_id for s in new]
    assert all(a != b for a, b in zip(seq, seq[1:], strict=False)), seq
    assert len(set(seq)) >= p.rules.min_topics, seq
    assert sum(t in "BE" for t in seq) == 1, seq
    teams = flow.best_teams(p, new)
    values = plan_values(p, new, teams)
    assert values["far"] == 1 and values["load"] == 0
    assert _cost(p, new) < before


def test_the_kinds_of_topic_group_the_topics_by_the_disciplines_they_need(tmp_path):
    p = _problem(tmp_path)
    kinds = topics.kinds_of_topic(p)
    assert kinds == {
        frozenset(): [0, 1],
        frozenset({"psychology"}): [2],
        frozenset({"medical"}): [3, 4],
    }


def test_no_topic_needs_a_discipline_nobody_has(tmp_path):
    # no psychologist: the psychology topic is never chosen (it could not be staffed)
    folder = write_tables(tmp_path, dict(
        centers=[center_row("C1", A, n=6)],
        guidance_staff=[_person("E1", "education"), _person("M1", "medical", FAR)],
        topics=TOPICS,
    ))  # fmt: skip
    p = SessionProblem(data=load_session_data(folder), year=2027)
    plan = [
        Session(date=dt.date.fromisoformat(d), half=0, center_id="C1",
                topic_id="ADBE"[i % 4], staff_ids=("E1", "M1") if i % 4 > 1 else ("E1",))
        for i, d in enumerate(DAYS)
    ]
    new, _ = topics.choose_topics(p, plan, time_limit=30)
    assert new is not None
    seq = [s.topic_id for s in new]
    assert "C" not in seq and len(set(seq)) >= p.rules.min_topics, seq
    assert flow.best_teams(p, new) is not None
