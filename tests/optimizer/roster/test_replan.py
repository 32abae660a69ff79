"""Re-planning a month from a date, on tiny hand-made instances: the visits before the
date stay as they were, the follow-up of an outcome recorded since is on site within 30
days, what moved is named, and a follow-up the pool cannot take is named with why."""

from __future__ import annotations

import datetime as dt

from roster_check import check_roster
from roster_instances import ALL, data, insp, inst

from tuoyu.models.inspection import Leave, PastInspection
from tuoyu.optimizer.solve import SolveParams
from tuoyu.planning.roster import rows_of, solve_month

INSTITUTIONS = [inst("I1"), inst("I2", "S2"), inst("I3"), inst("I4", "S2"), inst("I5")]
INSPECTORS = [insp("A", "d1"), insp("B", "d2"), insp("C", "d1"), insp("D", "d2")]
PARAMS = SolveParams(time_limit=20, workers=2)


def month(d, history=(), from_date=None, kept=()):
    return solve_month(d, history, 2026, 6, 7, ALL, PARAMS, from_date=from_date, kept=kept)


def rectify(row) -> PastInspection:
    return PastInspection(
        institution_id=row.institution_id,
        date=row.date,
        outcome="rectify",
        inspector_ids=row.inspector_ids,
    )


def independent(rows, d) -> list[str]:
    """The checker's verdict, but an institution visited twice (a kept visit and its new
    follow-up) is what a re-plan is for."""
    return [p for p in check_roster(rows, d, 2026, 6, ALL) if "more than once" not in p]


def test_earlier_visits_stay_and_the_follow_up_is_within_30_days():
    d = data(INSTITUTIONS, INSPECTORS)
    first, _ = month(d)
    rows = sorted(first.rows, key=lambda r: r.date)
    outcome = rectify(rows[0])
    start = rows[0].date + dt.timedelta(days=1)
    result, rp = month(d, [outcome], start, rows_of(first.rows))
    assert rp is not None and rp.from_date == start
    before = [r for r in first.rows if r.date < start]
    assert [r for r in result.rows if r.date < start] == sorted(
        before, key=lambda r: (r.date, r.street_id, r.institution_id)
    )
    follow = [
        r for r in result.rows if r.institution_id == outcome.institution_id and r.date >= start
    ]
    assert len(follow) == 1 and follow[0].reason == "follow_up"
    assert start <= follow[0].date <= outcome.date + dt.timedelta(days=30)
    later = {r.institution_id for r in first.rows if r.date >= start}
    assert later <= {r.institution_id for r in result.rows if r.date >= start}
    codes = [f.code for f in result.findings]
    assert "roster.replan.kept" in codes and "roster.replan.added" in codes
    assert independent(result.rows, d) == []


def test_a_follow_up_no_team_can_take_is_named_and_left_to_next_month():
    d = data(INSTITUTIONS, INSPECTORS)
    first, _ = month(d)
    rows = sorted(first.rows, key=lambda r: r.date)
    outcome = rectify(rows[0])
    start = rows[-1].date + dt.timedelta(days=1)  # nothing of the roster is after it
    away = [Leave(person_id=p, start=start, end=dt.date(2026, 6, 30)) for p in ("A", "C")]
    d2 = data(INSTITUTIONS, INSPECTORS, leave=away)
    result, _ = month(d2, [outcome], start, rows_of(first.rows))
    assert [r for r in result.rows] == sorted(
        first.rows, key=lambda r: (r.date, r.street_id, r.institution_id)
    )
    late = [f for f in result.findings if f.code == "roster.replan.follow_up_no_team"]
    assert [f.params["institution_id"] for f in late] == [outcome.institution_id]


def test_monthly_limits_count_the_kept_visits():
    tight = [
        insp("A", "d1", per_month=2),
        insp("B", "d2", per_month=2),
        insp("C", "d1", per_month=2),
        insp("D", "d2", per_month=2),
    ]
    d = data(INSTITUTIONS[:4], tight)
    first, _ = month(d)
    rows = sorted(first.rows, key=lambda r: r.date)
    start = rows[1].date + dt.timedelta(days=1)
    result, _ = month(d, [rectify(rows[0]), rectify(rows[1])], start, rows_of(first.rows))
    assert independent(result.rows, d) == []  # no inspector over 2 visits in the month
    added = {f.params["institution_id"] for f in result.findings if f.code == "roster.replan.added"}
    dropped = {
        f.params["institution_id"]
        for f in result.findings
        if f.code == "roster.replan.follow_up_no_capacity"
    }
    assert added | dropped == {rows[0].institution_id, rows[1].institution_id}
