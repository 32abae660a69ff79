"""The soft goals: every goal named in the catalogue, counted on a hand-made plan as a
planner would count it, and the calendar-independent lower bound never above it."""

from __future__ import annotations

import datetime as dt

from sessions_check import write_tables

from tuoyu.api.text import CATALOGUE
from tuoyu.models.sessions import Session, load_session_data
from tuoyu.optimizer.sessions import GOALS, SessionProblem, SessionWeights
from tuoyu.optimizer.sessions.goals import PLAN_GOALS, team_goal_values, team_lower_bound

ST, NEIGHBOUR, FAR = "310113003", "310113007", "310113106"


def _problem(tmp_path) -> SessionProblem:
    centers = [dict(center_id=cid, name=cid, street_id=street, lon=121.4, lat=31.4,
                    kind="baby_center", sessions_per_year=2, open_days="Mon;Tue;Wed")
               for cid, street in (("C1", ST), ("C2", FAR))]  # fmt: skip
    staff = [dict(staff_id=sid, name=sid, discipline="education", street_id=street,
                  max_per_month=4, days="") for sid, street in (("E1", ST), ("E2", NEIGHBOUR))]
    topics = [dict(topic_id="A", name="A", disciplines="education")]
    folder = write_tables(tmp_path, dict(centers=centers, guidance_staff=staff, topics=topics))
    return SessionProblem(data=load_session_data(folder), year=2027)


def test_every_goal_has_a_weight_and_words_in_both_languages():
    w = SessionWeights()
    for name in GOALS:
        assert isinstance(getattr(w, name), int)
        zh, en = CATALOGUE[f"sessions.goal.{name}"]
        assert zh and en
    assert "other_lead" not in PLAN_GOALS  # the calendar's estimate never counts twice


def test_team_goals_are_counted_on_the_plan(tmp_path):
    p = _problem(tmp_path)
    day = dt.date(2027, 3, 1)
    plan = [
        Session(date=day, half=0, center_id="C1", topic_id="A", staff_ids=("E2",)),
        Session(date=day, half=1, center_id="C2", topic_id="A", staff_ids=("E1",)),
    ]
    values = team_goal_values(p, plan, {0: ["E2"], 1: ["E1"]})
    assert values["neighbour"] == 1  # E2 lives next door to C1
    assert values["far"] == 1  # C2 is far from E1's street
    assert values["extra_lead"] == 2 - sum(
        p.home_lead.get(s.center_id) in s.staff_ids for s in plan
    )


def test_the_lower_bound_holds_for_any_plan(tmp_path):
    p = _problem(tmp_path)
    bound = team_lower_bound(p, {"C1": 2, "C2": 2})
    # C2's street has no education staff and no neighbour that has: every session far
    assert bound["far"] == 2 and bound["neighbour"] == 0
    day = dt.date(2027, 3, 1)
    plan = [Session(date=day + dt.timedelta(days=7 * k), half=0, center_id=c, topic_id="A",
                    staff_ids=(sid,)) for k, (c, sid) in enumerate(
                        [("C1", "E1"), ("C1", "E1"), ("C2", "E1"), ("C2", "E2")])]  # fmt: skip
    values = team_goal_values(p, plan, {k: list(s.staff_ids) for k, s in enumerate(plan)})
    assert all(values[g] >= bound[g] for g in bound)
