"""Issue 18: a home lead's centers moved together onto the lead's days (``leads.py``), the
move of the local improvement for a lead whose months are full: no center can move
alone, both together can; every rule held (the independent checker)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from sessions_check import center_row, mips_wall_seconds_cut, rows_of, violations, write_tables

from tuoyu.models.sessions import Session, load_session_data
from tuoyu.optimizer.sessions import SessionProblem, flow, goals, leads, polish
from tuoyu.optimizer.sessions.goals import SessionWeights
from tuoyu.optimizer.sessions.problem import SessionRules

A, B = "310113003", "310113007"  # 友谊路 and its neighbour 吴淞
WEEKDAYS = "Mon;Tue;Wed;Thu;Fri"
TOPICS = [dict(topic_id=t, name=t, disciplines="education") for t in ("T1", "T2", "T3", "T4")]


#: E1's only working days: one a month, none in March, June, September and December
E1_DAYS = ("2027-01-04", "2027-02-01", "2027-04-06", "2027-05-06", "2027-07-06", "2027-08-05",
           "2027-10-08", "2027-11-04")


def _works_only_on(sid: str, days: tuple[str, ...]) -> list[dict[str, str]]:
    """Leave on every day of 2027 but ``days``."""
    out, start = [], dt.date(2027, 1, 1)
    for d in map(dt.date.fromisoformat, days):
        if d > start:
            out.append(dict(staff_id=sid, start=str(start), end=str(d - dt.timedelta(days=1))))
        start = d + dt.timedelta(days=1)
    return [*out, dict(staff_id=sid, start=str(start), end="2027-12-31")]


def _problem(tmp_path, away: bool = False) -> SessionProblem:
    # C1 and C2 in 友谊路, four sessions each (a quarter each); E1 lives there and works
    # on one day a month, none in March, June, September and December (``E1_DAYS``),
    # one session a month: its eight days hold the eight sessions, 91 days and more
    # apart for each center when one center takes January, April, July and October, the
    # other the other four. E2, the other educator, lives in the next street and works
    # January to April only.
    # ``away``: E1 does not work on 4 November (seven days, one in the fourth quarter:
    # the two centers' eight sessions cannot all be E1's), and E3, in the next street,
    # works from October on
    staff = [
        dict(staff_id=sid, name=sid, discipline="education", street_id=street,
             max_per_month=1, days="")
        for sid, street in (("E1", A), ("E2", B), ("E3", B))[: 3 if away else 2]
    ]
    days = tuple(d for d in E1_DAYS if not away or d != "2027-11-04")
    folder = write_tables(tmp_path, dict(
        centers=[center_row("C1", A, n=4, days=WEEKDAYS), center_row("C2", A, n=4, days=WEEKDAYS)],
        guidance_staff=staff,
        topics=TOPICS,
        staff_leave=[*_works_only_on("E1", days),
                     dict(staff_id="E2", start="2027-05-01", end="2027-12-31"),
                     *([dict(staff_id="E3", start="2027-01-01", end="2027-09-30")] if away
                       else [])],
    ))  # fmt: skip
    # no load (E1 gives all eight); the other lead costs 2 here (8 by default) and E2's
    # trip 1
    rules = SessionRules(weights=SessionWeights(month_share=0, weekend=0, load=0, extra_lead=2))
    return SessionProblem(data=load_session_data(folder), year=2027, rules=rules)


def _calendar() -> list[Session]:
    # C1 on E1's 4 January, 6 May, 5 August and 4 November (gaps 122, 91, 91: spacing
    # 0). C2's first session on 5 January with E2 (E1's January is C1's), then E1's 6
    # April, 6 July and 8 October (91, 91, 94: spacing 0): the plan pays 3 for E2 (the
    # other lead and a trip). C2 alone on E1's free days (1 February, 6 April, ...) has a
    # gap of 64 days (27 short of 91); C1 moving its January session to 1 February costs
    # nothing and gains nothing alone (E1 does not work on C2's 5 January). Together: one
    # center on E1's January, April, July, October, the other on the rest, all E1.
    d = dt.date
    return [
        Session(date=d(2027, 1, 4), half=0, center_id="C1", topic_id="T1"),
        Session(date=d(2027, 5, 6), half=0, center_id="C1", topic_id="T2"),
        Session(date=d(2027, 8, 5), half=0, center_id="C1", topic_id="T3"),
        Session(date=d(2027, 11, 4), half=0, center_id="C1", topic_id="T4"),
        Session(date=d(2027, 1, 5), half=0, center_id="C2", topic_id="T1"),
        Session(date=d(2027, 4, 6), half=0, center_id="C2", topic_id="T2"),
        Session(date=d(2027, 7, 6), half=0, center_id="C2", topic_id="T3"),
        Session(date=d(2027, 10, 8), half=0, center_id="C2", topic_id="T4"),
    ]


def _staffed(sessions: list[Session], team: dict[int, list[str]]) -> SimpleNamespace:
    return SimpleNamespace(
        sessions=[s.model_copy(update={"staff_ids": tuple(team[k])}) for k, s in enumerate(sessions)]
    )


def _led_by(sessions: list[Session], team: dict[int, list[str]]) -> set[str]:
    return {team[k][0] for k, s in enumerate(sessions) if s.center_id}


def test_a_leads_centers_move_together_where_none_can_alone(tmp_path):
    p = _problem(tmp_path)
    assert p.home_lead == {"C1": "E1", "C2": "E1"}
    cal = _calendar()
    team = flow.best_teams(p, cal)
    assert team is not None and _led_by(cal, team) == {"E1", "E2"}
    before = polish.plan_objective(p, cal, team)
    assert before == 3 and goals.team_goal_values(p, cal, team)["extra_lead"] == 1
    # stuck for the other moves: single moves, a center's days, swaps, the days and
    # topics near where they are
    stuck = polish.polish(p, cal, team)
    stuck_team = flow.best_teams(p, stuck)
    assert stuck_team is not None and polish.plan_objective(p, stuck, stuck_team) == before
    shifted, shifted_team = polish._shift_again(p, cal, team, 30.0, None)
    assert polish.plan_objective(p, shifted, shifted_team) == before
    # both centers at once on E1's days
    assert leads.groups_paying_other_leads(p, _staffed(cal, team).sessions) == [
        ("E1", ["C1", "C2"])]
    got, again = polish._leads_again(p, cal, team, 30.0, None)
    assert polish.plan_objective(p, got, again) == 0
    assert _led_by(got, again) == {"E1"}
    assert violations(p.data, 2027, rows_of(_staffed(got, again)), p.rules) == []
    months = {cid: sorted(s.date.month for s in got if s.center_id == cid) for cid in ("C1", "C2")}
    assert sorted(months.values()) == [[1, 4, 7, 10], [2, 5, 8, 11]]  # one each
    # the local improvement with the MIPs' seconds given takes the move itself
    full = polish.polish(p, cal, team, topics_seconds=30.0)
    full_team = flow.best_teams(p, full)
    assert full_team is not None and polish.plan_objective(p, full, full_team) == 0


def test_the_move_ends_by_its_work_not_the_clock(tmp_path, monkeypatch):
    """The move's MIP ends on its own or at its node limit: with every MIP's wall
    seconds cut (a loaded machine) it gives the same calendar, row for row, and says no
    wall-clock stop."""
    p = _problem(tmp_path)
    cal = _calendar()
    team = flow.best_teams(p, cal)
    assert team is not None
    plain, plain_team = polish._leads_again(p, cal, team, 30.0, None, nodes=100)
    mips_wall_seconds_cut(monkeypatch, 29.0)
    ended: list[str] = []
    late, late_team = polish._leads_again(p, cal, team, 30.0, None, ended, nodes=100)
    assert rows_of(_staffed(late, late_team)) == rows_of(_staffed(plain, plain_team))
    assert ended == [] and polish.plan_objective(p, late, late_team) == 0



def test_a_lead_away_leaves_one_session_to_another_and_the_rest_together(tmp_path):
    """Issue 18 (heavy leave at twice Baoshan: a lead away from mid-June to mid-September,
    home lead of three centers). E1's seven days cannot hold the two centers' eight
    sessions, so the move that put every session on the lead's days had no solution and
    the plan kept two sessions led by others (6). With a session allowed another
    educator at its price, one does (E3, the fourth quarter's) and the others are E1's
    again, every rule held: 3."""
    p = _problem(tmp_path, away=True)
    assert p.home_lead == {"C1": "E1", "C2": "E1"}
    cal = _calendar()  # C1's 4 November now E3's
    team = flow.best_teams(p, cal)
    assert team is not None
    assert polish.plan_objective(p, cal, team) == 6
    assert goals.team_goal_values(p, cal, team)["extra_lead"] == 2
    # the session moves alone reach nothing (E1's fourth-quarter day is C2's)
    stuck = polish.polish(p, cal, team)
    stuck_team = flow.best_teams(p, stuck)
    assert stuck_team is not None and polish.plan_objective(p, stuck, stuck_team) == 6
    assert leads.groups_paying_other_leads(p, _staffed(cal, team).sessions) == [
        ("E1", ["C1", "C2"])]
    got, again = polish._leads_again(p, cal, team, 30.0, None)
    assert polish.plan_objective(p, got, again) == 3
    assert goals.team_goal_values(p, got, again)["extra_lead"] == 1
    assert violations(p.data, 2027, rows_of(_staffed(got, again)), p.rules) == []
