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


def test_the_months_weights_are_the_days_the_centers_are_open(tmp_path):
    # counted here from the calendar: C1 open Mon-Wed, closed 8-19 March; C2 Mon-Wed;
    # a centre without sessions counts nothing; a re-plan from 15 March counts March
    # from its first day (the month's share), and a second call gives the same
    import calendar as cal

    from tuoyu.optimizer.sessions.goals import month_weights

    centers = [dict(center_id=cid, name=cid, street_id=ST, lon=121.4, lat=31.4,
                    kind="baby_center", sessions_per_year=n, open_days="Mon;Tue;Wed")
               for cid, n in (("C1", 2), ("C2", 2), ("C3", 0))]  # fmt: skip
    staff = [dict(staff_id="E1", name="E1", discipline="education", street_id=ST,
                  max_per_month=4, days="")]
    folder = write_tables(tmp_path, dict(
        centers=centers, guidance_staff=staff,
        topics=[dict(topic_id="A", name="A", disciplines="education")],
        center_closures=[dict(center_id="C1", start="2027-03-08", end="2027-03-19",
                              reason="维修")]))
    data = load_session_data(folder)
    holidays = {d for d in (dt.date(2027, 1, 1) + dt.timedelta(k) for k in range(365))
                if data.calendar.is_holiday(d)}

    def open_days(month: int, closed: range = range(0)) -> int:
        return sum(1 for day in range(1, cal.monthrange(2027, month)[1] + 1)
                   if dt.date(2027, month, day).weekday() < 3
                   and dt.date(2027, month, day) not in holidays
                   and not (month == 3 and day in closed))

    expected = {mo: 2 * open_days(mo) for mo in range(1, 13)}
    expected[3] = open_days(3) + open_days(3, range(8, 20))
    p = SessionProblem(data=data, year=2027)
    assert month_weights(p, data.centers) == expected
    assert month_weights(p, data.centers) == expected
    assert month_weights(p, data.centers[1:]) == {mo: open_days(mo) for mo in range(1, 13)}
    replan = SessionProblem(data=data, year=2027, from_date=dt.date(2027, 3, 15))
    assert month_weights(replan, data.centers) == {mo: expected[mo] for mo in range(3, 13)}
