"""Issue 18: the days and topics of every center session chosen again at once near where
they are (``shift.py``), the move of the local improvement that changes several centers'
days and topics together; every rule held (the independent checker)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from sessions_check import (
    center_row,
    rows_of,
    same_plan_with_mips_wall_seconds_cut,
    violations,
    write_tables,
)

from tuoyu.models.sessions import Session, load_session_data
from tuoyu.optimizer.sessions import SessionProblem, flow, goals, polish, shift
from tuoyu.optimizer.sessions.goals import SessionWeights
from tuoyu.optimizer.sessions.problem import SessionRules

A, FAR = "310113003", "310113101"  # 友谊路; 罗店 is not its neighbour
TOPICS = [
    dict(topic_id="A", name="A", disciplines="education"),
    dict(topic_id="C", name="C", disciplines="education;medical"),
    dict(topic_id="D", name="D", disciplines="education;medical"),
]
WEEKDAYS = "Mon;Tue;Wed;Thu;Fri"


def _only_on(sid: str, day: str) -> list[dict[str, str]]:
    """Leave all of 2027 but ``day``: the person works that one day."""
    d = dt.date.fromisoformat(day)
    return [dict(staff_id=sid, start="2027-01-01", end=str(d - dt.timedelta(days=1))),
            dict(staff_id=sid, start=str(d + dt.timedelta(days=1)), end="2027-12-31")]


def _person(sid: str, discipline: str, street: str = A, cap: int = 1) -> dict[str, object]:
    """A row of guidance_staff.csv: every day of the week (leave in the tests' tables)."""
    return dict(staff_id=sid, name=sid, discipline=discipline, street_id=street,
                max_per_month=cap, days="")


def _problem(tmp_path) -> SessionProblem:
    # two centers in 友谊路 with one educator E1; two near doctors who each work one day
    # of the year (M1 Monday 1 March, M3 Wednesday 3 March, once a month), a far doctor
    # M2 every day. C2 is closed on Wednesdays, so M3 is C1's only.
    staff = [_person("E1", "education", cap=6), _person("M1", "medical"),
             _person("M2", "medical", FAR, cap=6), _person("M3", "medical")]
    return _march_problem(tmp_path, dict(
        centers=[center_row("C1", A, n=2, days=WEEKDAYS),
                 center_row("C2", A, n=2, days="Mon;Tue;Thu;Fri")],
        guidance_staff=staff,
        topics=TOPICS,
        staff_leave=[*_only_on("M1", "2027-03-01"), *_only_on("M3", "2027-03-03")],
    ))  # fmt: skip


def _march_problem(tmp_path, tables: dict) -> SessionProblem:
    """A hand-made district's problem with the months' shares off: its doctors' topics
    are in March by construction."""
    folder = write_tables(tmp_path, tables)
    rules = SessionRules(weights=SessionWeights(month_share=0))
    return SessionProblem(data=load_session_data(folder), year=2027, rules=rules)


def _calendar() -> list[Session]:
    # C1's doctor's topic on M1's Monday; C2's on the Tuesday, with the far M2 (far 5):
    # C2 cannot reach M3 (closed Wednesdays) nor M1 (taken for March). C1 moving to M3's
    # Wednesday costs nothing and gains nothing alone, so no single move, no center's
    # days or topics and no topics for the district (half-days kept) lower the plan;
    # both at once do: C1 to Wednesday with M3, C2 to Monday with M1.
    return [
        Session(date=dt.date(2027, 3, 1), half=0, center_id="C1", topic_id="C"),
        Session(date=dt.date(2027, 3, 2), half=0, center_id="C2", topic_id="C"),
        Session(date=dt.date(2027, 9, 6), half=0, center_id="C1", topic_id="A"),
        Session(date=dt.date(2027, 9, 7), half=0, center_id="C2", topic_id="A"),
    ]


def _staffed(sessions: list[Session], team: dict[int, list[str]]) -> SimpleNamespace:
    return SimpleNamespace(
        sessions=[s.model_copy(update={"staff_ids": tuple(team[k])}) for k, s in enumerate(sessions)]
    )


def _stuck_but_for_the_move(p: SessionProblem, cal: list[Session]
                            ) -> tuple[dict[int, list[str]], int]:
    """The calendar's teams and objective (one far trip), checking that the old moves are
    stuck: the local improvement (single moves, each center's days and topics, swaps,
    fair-share raises, the events' moves) and the topics for the district."""
    team = flow.best_teams(p, cal)
    assert team is not None
    before = polish.plan_objective(p, cal, team)
    assert goals.team_goal_values(p, cal, team)["far"] == 1
    stuck = polish.polish(p, cal, team)
    stuck_team = flow.best_teams(p, stuck)
    assert stuck_team is not None
    assert polish.plan_objective(p, stuck, stuck_team) == before
    assert polish._topics_again(p, cal, team, 30.0, None)[0] is cal
    return team, before


def test_two_centers_move_together_where_no_single_move_pays(tmp_path):
    p = _problem(tmp_path)
    cal = _calendar()
    team, before = _stuck_but_for_the_move(p, cal)
    # the days and topics of both centers at once
    got, again = polish._shift_again(p, cal, team, 30.0, None)
    assert polish.plan_objective(p, got, again) == before - p.rules.weights.far
    assert goals.team_goal_values(p, got, again)["far"] == 0
    assert violations(p.data, 2027, rows_of(_staffed(got, again)), p.rules) == []
    march = {s.center_id: (s.date, s.topic_id) for s in got if s.date.month == 3}
    assert march["C1"][0] == dt.date(2027, 3, 3) and march["C2"][0] == dt.date(2027, 3, 1)
    # the local improvement with the topics' seconds given takes the move itself
    full = polish.polish(p, cal, team, topics_seconds=30.0)
    full_team = flow.best_teams(p, full)
    assert full_team is not None
    assert polish.plan_objective(p, full, full_team) == before - p.rules.weights.far
    # nothing left to gain: the plan as it was
    assert polish._shift_again(p, got, again, 30.0, None)[0] is got


def test_the_move_keeps_order_and_quarters(tmp_path):
    """Each session within ``WINDOW`` days of its own, in its quarter (the model's
    window), its teams left to the flow."""
    p = _problem(tmp_path)
    cal = _calendar()
    team = flow.best_teams(p, cal)
    assert team is not None
    staffed = _staffed(cal, team).sessions
    moved, stopped = shift.shift_days_and_topics(p, staffed, 30.0)
    assert moved is not None and not stopped
    for a, b in zip(staffed, moved, strict=True):
        assert (a.center_id, a.event_id) == (b.center_id, b.event_id)
        assert abs((b.date - a.date).days) <= shift.WINDOW
        assert (a.date.month - 1) // 3 == (b.date.month - 1) // 3
        assert b.staff_ids == ()  # the teams are the flow's


def test_a_district_too_large_for_the_mips_is_left_alone_one_in_parts_is_not(tmp_path):
    """Above ``mips_up_to`` centers the move is left out; a district planned in parts
    below it is moved as one planned in one part (issue 18: until then every district
    in parts was left to the session moves)."""
    p = _problem(tmp_path)
    q = SessionProblem(data=p.data, year=2027, rules=SessionRules(mips_up_to=1,
                                                                  weights=p.rules.weights))
    cal = _calendar()
    team = flow.best_teams(q, cal)
    assert team is not None
    assert polish._shift_again(q, cal, team, 30.0, None)[0] is cal
    r = SessionProblem(data=p.data, year=2027, rules=SessionRules(decompose_above=1,
                                                                  weights=p.rules.weights))
    assert polish.in_parts(r) and not polish.mips_too_large(r)
    whole = polish._shift_again(p, cal, team, 30.0, None)
    parts = polish._shift_again(r, cal, team, 30.0, None)
    assert parts[0] == whole[0]
    assert polish.plan_objective(r, *parts) < polish.plan_objective(r, cal, team)


def test_the_plan_with_the_move_is_the_same_with_1_and_8_workers(tmp_path):
    """The whole plan of the hand-made district (its local improvement, the move
    included, runs: the calendar model's plan is not at the team bound): the same rows
    with 1 and 8 workers, every rule held."""
    from tuoyu.optimizer.sessions import plan_sessions
    from tuoyu.optimizer.solve import SolveParams

    p = _problem(tmp_path)
    one = plan_sessions(p, SolveParams(time_limit=3, workers=1))
    eight = plan_sessions(p, SolveParams(time_limit=3, workers=8))
    assert one.sessions == eight.sessions
    assert one.objective == eight.objective
    assert "polish" in [st.stage for st in one.stages]
    assert violations(p.data, 2027, rows_of(one), p.rules) == []


def test_the_columns_are_counted_before_a_model_is_built(tmp_path, monkeypatch):
    """``ShiftMip.columns`` is the size of the model ``build`` makes (every window, with
    and without the months' totals, the whole district or a part); the window shrinks
    (4, 2, 1, 0 days) until the model has at most ``MAX_COLUMNS`` columns, and only the
    models solved are built: two (the relaxation, the restriction). At no window: no
    move, no model built."""
    p = _problem(tmp_path)
    cal = _calendar()
    team = flow.best_teams(p, cal)
    assert team is not None
    staffed = _staffed(cal, team).sessions
    for part in (None, frozenset({"C1"})):
        for w in (4, 2, 1, 0):
            for totals in (False, True, {"medical": 2}):
                built = shift.ShiftMip(p, staffed, w, part).build(totals=totals)
                assert shift.ShiftMip(p, staffed, w, part).columns(totals) == len(built.lp.cols)
    sizes = {w: shift.ShiftMip(p, staffed, w).columns(False) for w in (4, 2, 1, 0)}
    assert sizes[4] > sizes[2] > sizes[1] > sizes[0]
    builds = []
    build = shift.ShiftMip.build

    def counted(self, totals=True):  # noqa: ANN001, ANN202
        builds.append(self.window)
        return build(self, totals)

    monkeypatch.setattr(shift.ShiftMip, "build", counted)
    monkeypatch.setattr(shift, "MAX_COLUMNS", sizes[2])
    moved, stopped = shift.shift_days_and_topics(p, staffed, 30.0)
    assert moved is not None and not stopped
    assert builds == [2, 2]
    builds.clear()
    monkeypatch.setattr(shift, "MAX_COLUMNS", sizes[0] - 1)
    assert shift.shift_days_and_topics(p, staffed, 30.0) == (None, False)
    assert builds == []


def test_a_district_too_large_for_one_model_moves_part_by_part(tmp_path, monkeypatch):
    """Where the whole district's model is too large, the move runs over parts of its
    centers that fit (``shift.parts``), each part's model counting the other centers'
    sessions as they are: those keep their half-days, topics and people; as many parts
    as the work budget's share of columns holds (at least one), the part that pays most
    above its cheapest people first (not the first streets). Two centers
    that gain only by moving together gain when one part holds both, not when each is
    a part of its own (no move alone pays: the plan is then as it was)."""
    p = _problem(tmp_path)
    cal = _calendar()
    team = flow.best_teams(p, cal)
    assert team is not None
    staffed = _staffed(cal, team).sessions
    whole = shift.ShiftMip(p, staffed).columns(False)
    assert shift.parts(p, staffed) == [None]
    monkeypatch.setattr(shift, "MAX_COLUMNS", whole - 1)
    parts = shift.parts(p, staffed)
    # C2 pays a far doctor where a near one could go (5), C1 its cheapest: C2 first,
    # though its street order is second
    assert shift.above_cheapest(p, staffed, frozenset({"C1"})) == 0
    assert shift.above_cheapest(p, staffed, frozenset({"C2"})) == p.rules.weights.far
    assert parts == [frozenset({"C2"}), frozenset({"C1"})]
    # the work budget's share of columns: the first parts within it, at least one
    assert shift.parts(p, staffed, most=1) == [frozenset({"C2"})]
    assert shift.parts(p, staffed, most=2 * shift.MAX_COLUMNS) == parts
    for part in parts:
        assert shift.ShiftMip(p, staffed, part=part).columns(False) <= shift.MAX_COLUMNS
        moved, stopped = shift.shift_days_and_topics(p, staffed, 30.0, part=part)
        assert moved is not None and not stopped
        for a, b in zip(staffed, moved, strict=True):
            if a.center_id and a.center_id not in part:
                assert (a.date, a.half, a.topic_id) == (b.date, b.half, b.topic_id)
    got, again = polish._shift_again(p, cal, team, 30.0, None)
    assert goals.team_goal_values(p, got, again)["far"] == 1  # C2's far doctor, as it was
    assert got is cal
    monkeypatch.setattr(shift, "MAX_COLUMNS", whole)
    got, again = polish._shift_again(p, cal, team, 30.0, None)
    assert goals.team_goal_values(p, got, again)["far"] == 0


def test_the_plan_is_the_same_when_the_mips_wall_seconds_look_used_up(tmp_path, monkeypatch):
    """The improvement's MIPs end at their work limit (nodes from the work budget), not
    by the wall clock: with every MIP's wall seconds cut by the whole work budget (a
    machine loaded so that the budget's seconds have gone before the MIP starts), the
    plan is row for row the one made without, and says no wall-clock stop. (The MIPs'
    wall seconds were the budget's own: they ended at once and the move was dropped.)"""
    same_plan_with_mips_wall_seconds_cut(_problem(tmp_path), monkeypatch, 3.0)


def _event_problem(tmp_path) -> SessionProblem:
    # one center in 友谊路 (educator E1); a near doctor M1 who works one day of the year
    # (Monday 1 March, once a month) and a far doctor M2 on leave that one day; a district
    # outreach needing a doctor once in March (working days).
    staff = [_person("E1", "education", cap=6), _person("M1", "medical"),
             _person("M2", "medical", FAR, cap=6)]
    return _march_problem(tmp_path, dict(
        centers=[center_row("C1", A, n=2, days=WEEKDAYS)],
        guidance_staff=staff,
        topics=TOPICS,
        staff_leave=[*_only_on("M1", "2027-03-01"),
                     dict(staff_id="M2", start="2027-03-01", end="2027-03-01")],
        events=[dict(event_id="EV", name="送教", kind="outreach", count=1, staff_needed=1,
                     disciplines="medical", weekend="false", months="3")],
    ))  # fmt: skip


def _event_calendar() -> list[Session]:
    # The outreach on M1's Monday takes M1 (M2 is on leave that day), so C1's doctor's
    # topic is in September with the far M2 (far 5). The outreach moving alone gains
    # nothing (nobody else wants M1), C1's topics alone cannot have M1 (taken for March),
    # its days alone cannot reach a near doctor; all at once they can: the outreach on
    # another March day with M2 (an event's trip costs nothing), C1's March topic a
    # doctor's with M1, September's education alone.
    return [
        Session(date=dt.date(2027, 3, 1), half=0, center_id="C1", topic_id="A"),
        Session(date=dt.date(2027, 3, 1), half=1, event_id="EV"),
        Session(date=dt.date(2027, 9, 6), half=0, center_id="C1", topic_id="C"),
    ]


def test_an_event_moves_with_the_topics_where_nothing_else_pays(tmp_path):
    """The district events' occurrences move too (within their months), in the same model
    as the centers' days and topics: what frees a near doctor for a center."""
    p = _event_problem(tmp_path)
    cal = _event_calendar()
    team, before = _stuck_but_for_the_move(p, cal)
    got, again = polish._shift_again(p, cal, team, 30.0, None)
    assert polish.plan_objective(p, got, again) == before - p.rules.weights.far
    values = goals.team_goal_values(p, got, again)
    assert values["far"] == values["neighbour"] == 0
    assert violations(p.data, 2027, rows_of(_staffed(got, again)), p.rules) == []
    event = next(s for s in got if s.event_id)
    assert event.date.month == 3 and event.date != dt.date(2027, 3, 1)
    on_first = next(k for k, s in enumerate(got) if s.date == dt.date(2027, 3, 1))
    assert got[on_first].center_id == "C1" and "M1" in again[on_first]
    # nothing left to gain: the plan as it was
    assert polish._shift_again(p, got, again, 30.0, None)[0] is got


def test_an_event_keeps_its_month_and_its_days(tmp_path):
    """Every occurrence moved stays in its month, on one of its event's days (a working
    day here), and an event's occurrences on different days."""
    p = _event_problem(tmp_path)
    cal = _event_calendar()
    team = flow.best_teams(p, cal)
    assert team is not None
    staffed = _staffed(cal, team).sessions
    mip = shift.ShiftMip(p, staffed)
    k = next(k for k, s in enumerate(staffed) if s.event_id)
    slots = mip.event_slots(k)
    assert {p.date(h // 2).month for h in slots} == {3}
    assert all(h // 2 in p.workdays and h // 2 not in p.holidays for h in slots)
    assert shift.ShiftMip(p, staffed, events=False).event_slots(k) == [2 * p.day(cal[1].date) + 1]
    # in a part's model the events stay where they are
    assert shift.ShiftMip(p, staffed, part=frozenset({"C1"})).event_slots(k) == [
        2 * p.day(cal[1].date) + 1]


def test_the_plan_with_events_moving_is_the_same_with_1_and_8_workers(tmp_path):
    from tuoyu.optimizer.sessions import plan_sessions
    from tuoyu.optimizer.solve import SolveParams

    p = _event_problem(tmp_path)
    one = plan_sessions(p, SolveParams(time_limit=3, workers=1))
    eight = plan_sessions(p, SolveParams(time_limit=3, workers=8))
    assert one.sessions == eight.sessions
    assert one.objective == eight.objective
    assert violations(p.data, 2027, rows_of(one), p.rules) == []


def test_the_move_with_the_events_runs_after_the_move_without(tmp_path, monkeypatch):
    """In a district of one part with events the move runs first with the events' days
    kept (as before), then with them moving, from the plan the first reached."""
    p = _event_problem(tmp_path)
    cal = _event_calendar()
    team = flow.best_teams(p, cal)
    assert team is not None
    calls = []
    move = shift.shift_days_and_topics

    def counted(p, sessions, *a, **kw):  # noqa: ANN001, ANN202
        calls.append(a[4] if len(a) > 4 else kw.get("events", False))
        return move(p, sessions, *a, **kw)

    monkeypatch.setattr(shift, "shift_days_and_topics", counted)
    polish._shift_again(p, cal, team, 30.0, None)
    assert calls == [False, True]
    calls.clear()  # no events: the move once
    q = _problem(tmp_path / "no_events")
    q_team = flow.best_teams(q, _calendar())
    assert q_team is not None
    polish._shift_again(q, _calendar(), q_team, 30.0, None)
    assert calls == [False]
