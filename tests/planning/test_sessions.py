"""The sessions planner through ``tuoyu.planning.sessions.run`` on the bundled data: the
plan's contract (rows, status, bound, targets, soft goals, findings in the catalogue),
a re-plan's changes as findings, clashes returned (not raised), a stop honoured."""

from __future__ import annotations

import datetime as dt

import pytest
from sessions_check import violations

from tuoyu.api.text import CATALOGUE, render
from tuoyu.models.errors import DataError
from tuoyu.models.findings import Severity
from tuoyu.models.sessions import Session, load_session_data
from tuoyu.optimizer.solve import Status, Stop
from tuoyu.planning import sessions
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import SessionParams
from tuoyu.planning.plan import Plan


@pytest.fixture(scope="module")
def year() -> Plan:
    return sessions.run(Dataset.bundled(), SessionParams(year=2027, time_limit=60, workers=2))


def _rows(plan: Plan) -> list[dict[str, str]]:
    return [{k: str(v) for k, v in r.items()} for r in plan.rows]


@pytest.mark.heavy  # solves the bundled year's calendar (minutes); .ci/run runs the heavy suite
def test_the_year_meets_every_rule_and_its_targets(year):
    assert year.status in (Status.OPTIMAL, Status.FEASIBLE)
    data = load_session_data(Dataset.bundled().folder)
    assert violations(data, 2027, _rows(year)) == []
    # the action plan's targets are met; the month histogram (sessions.target.month_*,
    # months_even) is reported against the even-year band, a soft goal
    hard = [t for t in year.targets if "month" not in t.code]
    assert hard and all(t.met for t in hard)
    assert {t.code for t in year.targets} >= {"sessions.target.sessions_per_center"}


@pytest.mark.heavy  # solves the bundled year's calendar (minutes); .ci/run runs the heavy suite
def test_the_year_is_even_and_near_its_bound(year):
    """Issue 18's regression: with the even-year goals the bundled year went from 383 to
    978 against a bound of 380 (spacing and trips bought for even months), then 438 (the
    doctors' trips the even months forced, 13.2%). Every month in its band and the events
    spread, counted on the rows; the gap within the issue's 2% (measured: 384 against
    380, 1.0%, the topics chosen for the whole district at once)."""
    from collections import Counter

    rows = _rows(year)
    months = [t for t in year.targets if t.code.startswith("sessions.target.month_")]
    hist = Counter(int(r["date"][5:7]) for r in rows if r["center_id"])
    assert len(months) == 12 and all(t.met for t in months), months
    assert [t.achieved for t in months] == [hist[mo] for mo in range(1, 13)]
    data = load_session_data(Dataset.bundled().folder)
    for kind in {e.kind for e in data.events}:  # a kind's events over the months they may take
        evs = [e for e in data.events if e.kind == kind]
        months = set().union(*(e.months for e in evs))
        per = Counter(int(r["date"][5:7]) for r in rows if r["event_id"] in
                      {e.event_id for e in evs})
        n = sum(per.values())
        assert max(per.values()) <= -(-n // len(months)), (kind, per)
    assert year.gap is not None and year.gap <= 0.02, (year.objective, year.bound)


@pytest.mark.heavy  # solves the bundled year's calendar (minutes); .ci/run runs the heavy suite
def test_no_day_holds_a_quarter_of_its_months_sessions(year):
    """Issue 18, within the month: the solvers packed a month into its first days (24 of
    January's sessions on 4 January, 77% of February's on one day, 269 of 458 on a
    Monday, five empty weeks) at no gain to any goal. Counted on the rows: no day holds
    more than a quarter of its month's sessions, and every week of the year holds one."""
    from collections import Counter

    rows = _rows(year)
    days = Counter(r["date"] for r in rows)
    months = Counter(r["date"][:7] for r in rows)
    busiest = max(days.items(), key=lambda kv: kv[1] / months[kv[0][:7]])
    assert busiest[1] <= months[busiest[0][:7]] / 4, busiest
    weeks = Counter(dt.date.fromisoformat(r["date"]).isocalendar()[:2] for r in rows)
    assert len(weeks) >= 52, sorted(weeks.items())
    assert any(f.code == "sessions.days_spread" for f in year.findings)


@pytest.mark.heavy  # solves the bundled year's calendar (minutes); .ci/run runs the heavy suite
def test_status_objective_and_bound_are_honest(year):
    assert year.objective is not None and year.bound is not None
    assert year.bound <= year.objective + 1e-6
    assert (year.status == Status.OPTIMAL) == (year.gap == 0.0)
    # the goals listed are the goals the objective counts: their costs add up to it (the
    # calendar's own estimate other_lead steers the calendar and is no cost of the plan)
    assert sum(g.cost for g in year.soft_goals) == year.objective
    assert "sessions.goal.other_lead" not in {g.code for g in year.soft_goals}


@pytest.mark.heavy  # solves the bundled year's calendar (minutes); .ci/run runs the heavy suite
def test_every_code_is_in_the_catalogue_in_both_languages(year):
    codes = [g.code for g in year.soft_goals] + [t.code for t in year.targets]
    codes += [f.code for f in year.findings]
    for code in codes:
        assert code in CATALOGUE, code
        zh, en = CATALOGUE[code]
        assert zh and en


@pytest.mark.heavy  # solves the bundled year's calendar (minutes); .ci/run runs the heavy suite
def test_the_plan_round_trips_as_json(year):
    back = Plan.from_dict(year.as_dict())
    assert back.rows == year.rows and back.status == year.status
    assert back.objective == year.objective


@pytest.mark.heavy  # solves the bundled year's calendar (minutes); .ci/run runs the heavy suite
def test_a_replan_keeps_the_past_and_reports_changes_as_findings(year):
    previous = [
        Session(
            date=dt.date.fromisoformat(r["date"]),
            half=0 if r["start"] == "09:00" else 1,
            center_id=r["center_id"],
            event_id=r["event_id"],
            topic_id=r["topic_id"],
            staff_ids=tuple(x for x in r["staff_ids"].split(";") if x),
        )
        for r in _rows(year)
    ]
    params = SessionParams(year=2027, from_date=dt.date(2027, 9, 1), time_limit=30, workers=2)
    plan = sessions.run(Dataset.bundled(), params, previous=previous)
    assert plan.status in (Status.OPTIMAL, Status.FEASIBLE)
    past = [r for r in _rows(year) if r["date"] < "2027-09-01"]
    assert [r for r in _rows(plan) if r["date"] < "2027-09-01"] == past
    for f in plan.findings:
        if f.code.startswith("sessions.change."):
            assert render(f, "zh") and render(f, "en")


def test_a_replan_without_the_previous_plan_is_bad_input():
    params = SessionParams(year=2027, from_date=dt.date(2027, 9, 1), time_limit=5)
    with pytest.raises(DataError):
        sessions.run(Dataset.bundled(), params)


def test_a_stop_before_the_start_gives_a_plan_that_says_so():
    stop = Stop(grace=2.0)
    stop.set()
    plan = sessions.run(Dataset.bundled(), SessionParams(year=2027, time_limit=10), stop=stop)
    assert plan.status in (Status.CANCELLED, Status.TIME_LIMIT)
    if plan.rows:
        data = load_session_data(Dataset.bundled().folder)
        assert violations(data, 2027, _rows(plan)) == []
    else:
        assert all(f.severity != Severity.ERROR for f in plan.findings)
