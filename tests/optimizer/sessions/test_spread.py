"""Issue 18 (an even year, within the month too): a month's sessions packed into one day
are spread over the days they may take at no cost. Checked on the rows: every hard rule
by the independent checker, the objective not higher, each session in its month, at its
half-day, with its topic and team, and the busiest day as a planner counts it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sessions_check import center_row, rows_of, violations, write_tables

from tuoyu.models.sessions import Session, load_session_data
from tuoyu.optimizer.sessions import SessionProblem, goals, spread
from tuoyu.optimizer.sessions.solve import plan_values

YEAR = 2027
TOPICS = [dict(topic_id=t, name=t, disciplines="education") for t in "ABCD"]


def _problem(tmp_path, n: int, days: str = "", closed: tuple[tuple[str, str], ...] = (),
             event: bool = False) -> SessionProblem:
    """Six centers of ``n`` sessions a year, each with its own educator (``closed``: the
    centers closed from, to; ``event``: a lecture in March by a doctor who works every
    day)."""
    centers = [center_row(f"C{i}", n=n) for i in range(1, 7)]
    staff = [dict(staff_id=f"E{i}", name=f"人{i}", discipline="education",
                  street_id="310113003", max_per_month=4, days=days) for i in range(1, 7)]
    tables = dict(centers=centers, guidance_staff=staff, topics=TOPICS)
    if event:
        staff.append(dict(staff_id="M1", name="医1", discipline="medical",
                          street_id="310113003", max_per_month=4, days=""))
        tables["events"] = [dict(event_id="L1", name="讲座", kind="lecture", count=1,
                                 staff_needed=1, disciplines="medical", weekend="false",
                                 months="3")]
    if closed:
        tables["center_closures"] = [dict(center_id=c["center_id"], start=a, end=b,
                                          reason="装修") for c in centers for a, b in closed]
    folder = write_tables(tmp_path / "d", tables)
    return SessionProblem(data=load_session_data(folder), year=YEAR)


def _packed(dates: list[dt.date]) -> tuple[list[Session], dict[int, list[str]]]:
    """Every center's sessions on the same days: the month's first Monday for all six."""
    sessions, team = [], {}
    for i in range(1, 7):
        for j, d in enumerate(dates):
            team[len(sessions)] = [f"E{i}"]
            sessions.append(Session(date=d, half=0, center_id=f"C{i}", topic_id="ABCD"[j % 4]))
    return sessions, team


def _rows(sessions, team) -> list[dict[str, str]]:
    return rows_of(SimpleNamespace(sessions=[
        s.model_copy(update={"staff_ids": tuple(team[k])}) for k, s in enumerate(sessions)]))


def _objective(p, sessions, team) -> int:
    return goals.weighted(p, plan_values(p, sessions, team), goals.PLAN_GOALS)


def _unchanged_but_the_day(before, after, team_before, team_after) -> None:
    for k, (a, b) in enumerate(zip(before, after, strict=True)):
        assert (a.center_id, a.topic_id, a.half) == (b.center_id, b.topic_id, b.half)
        assert a.date.month == b.date.month
        assert (a.date.weekday() >= 5) == (b.date.weekday() >= 5)
        assert team_before[k] == team_after[k]


def _spacing(sessions, cid: str) -> int:
    """A center's days short of the ideal gap (the year's days over its sessions, at most
    120), summed over its gaps."""
    days = sorted(s.date for s in sessions if s.center_id == cid)
    ideal = min(365 // len(days), 120)
    return sum(max(0, ideal - (b - a).days) for a, b in zip(days, days[1:], strict=False))


# 63 days apart: each session may move a few days without the spacing goal growing
SPACED = [dt.date(YEAR, m, d) for m, d in ((1, 4), (3, 8), (5, 10), (7, 12), (9, 13), (11, 15))]


def test_a_month_packed_into_one_day_is_spread_over_its_days(tmp_path):
    p = _problem(tmp_path, 6)
    before, team = _packed(SPACED)
    assert violations(p.data, YEAR, _rows(before, team)) == []
    assert max(Counter(s.date for s in before).values()) == 6
    after, team_after = spread.spread_days(p, before, team)
    assert violations(p.data, YEAR, _rows(after, team_after)) == []
    _unchanged_but_the_day(before, after, team, team_after)
    assert _objective(p, after, team_after) <= _objective(p, before, team)
    # each month's six sessions may take its first Monday to Thursday at least (63 days
    # apart, the ideal is 60), and a center's whole year may shift by days: one a day
    per_day = Counter(s.date for s in after)
    assert max(per_day.values()) == 1, per_day
    for c in p.data.centers:  # the spacing goal as the plan's text defines it, per center
        assert _spacing(after, c.center_id) <= _spacing(before, c.center_id) == 0


def test_the_same_plan_twice(tmp_path):
    p = _problem(tmp_path, 6)
    before, team = _packed(SPACED)
    assert spread.spread_days(p, before, team) == spread.spread_days(p, before, team)


def test_no_move_costs_spacing(tmp_path):
    """Two sessions a year, 1 September and 30 December, 120 days apart (the ideal gap),
    the centers closed on the 31st: the first cannot move later without the spacing goal
    growing, nor earlier (August is another month); the second cannot move earlier, nor
    later. Six sessions a day stay six."""
    p = _problem(tmp_path, 2, closed=(("2027-12-31", "2027-12-31"),))
    before, team = _packed([dt.date(YEAR, 9, 1), dt.date(YEAR, 12, 30)])
    assert violations(p.data, YEAR, _rows(before, team)) == []
    assert spread.spread_days(p, before, team) == (before, team)


def test_no_move_to_a_day_the_team_does_not_work(tmp_path):
    """The educators work on Mondays only: no other day of the window is theirs."""
    p = _problem(tmp_path, 6, days="Mon")
    before, team = _packed(SPACED)
    after, team_after = spread.spread_days(p, before, team)
    assert violations(p.data, YEAR, _rows(after, team_after)) == []
    assert all(s.date.weekday() == 0 for s in after)


def test_a_district_event_leaves_a_packed_day(tmp_path):
    """The educators work on Mondays only, so the centers' sessions stay on 8 March; the
    lecture that day (its doctor works every day) moves to a quieter day of March that
    lectures may take (a working day)."""
    p = _problem(tmp_path, 6, days="Mon", event=True)
    before, team = _packed(SPACED)
    team[len(before)] = ["M1"]
    before.append(Session(date=dt.date(YEAR, 3, 8), half=1, event_id="L1"))
    assert violations(p.data, YEAR, _rows(before, team)) == []
    after, team_after = spread.spread_days(p, before, team)
    assert violations(p.data, YEAR, _rows(after, team_after)) == []
    _unchanged_but_the_day(before, after, team, team_after)
    lecture = after[-1].date
    assert lecture.month == 3 and lecture != dt.date(YEAR, 3, 8)
    assert p.data.calendar.is_workday(lecture)
    assert _objective(p, after, team_after) <= _objective(p, before, team)


def test_the_plan_says_what_the_spread_did(tmp_path):
    """The finding names the moves and the busiest day; when that day could not be made
    quieter (its sessions cannot move at no cost) it says so, not "降为" the same number
    (a held-out district's page read "由 4 场降为 4 场")."""
    import importlib

    from tuoyu.api.text import render

    solve = importlib.import_module("tuoyu.optimizer.sessions.solve")

    def spread_said(march: tuple[dt.date, dt.date]) -> list:
        """C1–C2 on March's first date, the others on its second; the centers open on
        their sessions' days only, so only the lecture (8 March) may move."""
        sessions, team = _packed(SPACED)
        for k, s in enumerate(sessions):
            if s.date.month == 3:
                sessions[k] = s.model_copy(update={"date": march[s.center_id > "C2"]})
        days = sorted({s.date for s in sessions})
        gaps = [(dt.date(YEAR, 1, 1), days[0] - dt.timedelta(days=1))]
        gaps += [(a + dt.timedelta(days=1), b - dt.timedelta(days=1))
                 for a, b in zip(days, days[1:], strict=False) if (b - a).days > 1]
        gaps.append((days[-1] + dt.timedelta(days=1), dt.date(YEAR, 12, 31)))
        p = _problem(tmp_path / str(march[1]), 6, event=True,
                     closed=tuple((a.isoformat(), b.isoformat()) for a, b in gaps))
        team[len(sessions)] = ["M1"]
        sessions.append(Session(date=dt.date(YEAR, 3, 8), half=1, event_id="L1"))
        assert violations(p.data, YEAR, _rows(sessions, team)) == []
        run = SimpleNamespace(p=p, stages=[], findings=[])
        solve._spread(run, sessions, team)
        return [f for f in run.findings if f.code.startswith("sessions.days_spread")]

    # 4 January's six stay (the centers closed on other days); the lecture leaves 8 March
    [kept] = spread_said((dt.date(YEAR, 3, 8), dt.date(YEAR, 3, 15)))
    assert kept.code == "sessions.days_spread_busiest_kept"
    assert (kept.params["before"], kept.params["after"]) == (6, 6)
    assert "仍为 6 场" in render(kept, "zh") and "降为" not in render(kept, "zh")
    # all six on 8 March with the lecture: seven that day, six once it leaves
    [fell] = spread_said((dt.date(YEAR, 3, 8), dt.date(YEAR, 3, 8)))
    assert fell.code == "sessions.days_spread"
    assert "由 7 场降为 6 场" in render(fell, "zh")


def test_a_replan_is_left_as_it_is(tmp_path):
    p = _problem(tmp_path, 6)
    before, team = _packed(SPACED)
    replan = SessionProblem(data=p.data, year=YEAR, previous=tuple(before),
                            from_date=dt.date(YEAR, 2, 1))
    assert spread.spread_days(replan, before, team) == (before, team)


def test_crowding_counts_the_squares_of_the_days():
    counts = Counter({3: 4, 5: 1})
    assert spread.crowding(counts) == 17
    counts[3] -= 1
    counts[9] += 1
    assert spread.crowding(counts) == 11  # a session off a day of 4 onto an empty one


def _nth_weekday(month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(YEAR, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(weekdays=st.lists(st.integers(0, 4), min_size=6, max_size=6),
       weeks=st.lists(st.lists(st.integers(2, 3), min_size=6, max_size=6), min_size=6,
                      max_size=6))
def test_spreading_keeps_every_rule_and_goal(tmp_path_factory, weekdays, weeks):
    """Any packed year (six centers, each on one weekday, in the second or third week of
    January, March, May, July, October and December; few distinct days): every rule holds, the objective
    does not rise, each session keeps its month, half-day, topic, team and side of the
    weekend, no center's spacing grows, and no day is busier than before's busiest."""
    p = _problem(tmp_path_factory.mktemp("spread"), 6)
    sessions, team = [], {}
    for i, (wd, ns) in enumerate(zip(weekdays, weeks, strict=True), 1):
        for j, (month, n) in enumerate(zip((1, 3, 5, 7, 10, 12), ns, strict=True)):
            team[len(sessions)] = [f"E{i}"]
            sessions.append(Session(date=_nth_weekday(month, wd, n), half=0,
                                    center_id=f"C{i}", topic_id="ABCD"[j % 4]))
    assert violations(p.data, YEAR, _rows(sessions, team)) == []
    after, team_after = spread.spread_days(p, sessions, team)
    assert violations(p.data, YEAR, _rows(after, team_after)) == []
    _unchanged_but_the_day(sessions, after, team, team_after)
    assert _objective(p, after, team_after) <= _objective(p, sessions, team)
    for c in p.data.centers:
        assert _spacing(after, c.center_id) <= _spacing(sessions, c.center_id)
    before_days, after_days = Counter(s.date for s in sessions), Counter(s.date for s in after)
    assert max(after_days.values()) <= max(before_days.values())
    assert sum(n * n for n in after_days.values()) <= sum(n * n for n in before_days.values())
