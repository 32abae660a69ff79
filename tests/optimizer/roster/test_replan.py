"""Re-planning a month from a date, on tiny hand-made instances: the visits before the
date stay as they were, the follow-up of an outcome recorded since is on site within 30
days, what moved is named, and a follow-up the pool cannot take is named with why."""

from __future__ import annotations

import datetime as dt

from roster_check import check_roster
from roster_instances import ALL, data, insp, inst

from tuoyu.models.inspection import Conflict, Leave, PastInspection
from tuoyu.optimizer.roster import build_problem
from tuoyu.optimizer.roster.replan import most_kept, replan_problem
from tuoyu.optimizer.solve import SolveParams, Status
from tuoyu.planning.roster import rows_of, solve_month, stored_rows

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


# ------------------------------------------------- a re-plan moves only what it must

MORE = [inst(f"J{n}", "S1" if n % 2 else "S2") for n in range(1, 9)]
TEAM = [insp("A", "d1"), insp("B", "d2"), insp("C", "d1"), insp("D", "d2"), insp("E", "d1"),
        insp("F", "d2")]  # fmt: skip


def csv_rows(rows, since):
    """The rows as roster.csv writes them, from ``since`` on."""
    return sorted((r.date.isoformat(), r.institution_id, r.street_id, ";".join(r.inspector_ids),
                   r.reason) for r in rows if r.date >= since)  # fmt: skip


def middle(rows):
    """A re-plan date with stored visits before and after it."""
    days = sorted({r.date for r in rows})
    return days[len(days) // 2]


def test_a_replan_with_nothing_changed_keeps_every_later_row_with_1_and_8_workers():
    d = data(MORE, TEAM)
    first, _ = month(d)
    start = middle(first.rows)
    assert csv_rows(first.rows, start)
    for workers in (1, 8):
        params = SolveParams(time_limit=20, workers=workers)
        result, _ = solve_month(d, [], 2026, 6, 7, ALL, params, from_date=start,
                                kept=rows_of(first.rows))  # fmt: skip
        assert csv_rows(result.rows, dt.date.min) == csv_rows(first.rows, dt.date.min)
        codes = [f.code for f in result.findings]
        assert "roster.replan.moved" not in codes and "roster.replan.added" not in codes
        unchanged = [f for f in result.findings if f.code == "roster.replan.unchanged"]
        assert [f.params["count"] for f in unchanged] == [len(csv_rows(first.rows, start))]


def test_leave_after_the_date_moves_only_that_inspectors_later_visits_each_with_why():
    d = data(MORE, TEAM)
    first, _ = month(d)
    start = middle(first.rows)
    later = [r for r in first.rows if r.date >= start]
    away = max("ABCDEF", key=lambda p: sum(p in r.inspector_ids for r in later))
    hit = {r.institution_id for r in later if away in r.inspector_ids}
    assert hit
    d2 = data(MORE, TEAM, leave=[Leave(person_id=away, start=start, end=dt.date(2026, 6, 30))])
    result, _ = month(d2, (), start, rows_of(first.rows))
    assert independent(result.rows, d2) == []
    before = {r.institution_id: r for r in later}
    after = {r.institution_id: r for r in result.rows if r.date >= start}
    assert set(after) == set(before)  # every later visit is still on the roster
    changed = {i for i in before
               if (before[i].date, before[i].inspector_ids) != (after[i].date, after[i].inspector_ids)}  # fmt: skip
    assert changed == hit  # exactly the visits of the inspector now on leave
    assert all(away not in after[i].inspector_ids for i in hit)
    moved_ = [f for f in result.findings if f.code == "roster.replan.moved"]
    assert {f.params["institution_id"] for f in moved_} == hit
    assert {f.params["cause"] for f in moved_} == {"roster.replan.why.leave"}
    why = [f for f in result.findings if f.code == "roster.replan.why.leave"]
    assert {(f.params["institution_id"], f.params["inspector_id"]) for f in why} == {
        (i, away) for i in hit
    }


def test_a_new_follow_up_is_added_without_moving_the_stored_rows_when_capacity_allows():
    d = data(MORE, TEAM)
    first, _ = month(d)
    start = middle(first.rows)
    early = min(first.rows, key=lambda r: (r.date, r.institution_id))
    result, rp = month(d, [rectify(early)], start, rows_of(first.rows))
    assert rp is not None and rp.added == (early.institution_id,)
    new = csv_rows(result.rows, start)
    old = csv_rows(first.rows, start)
    assert set(old) < set(new)  # every stored later row exactly as it was, plus one
    [extra] = set(new) - set(old)
    assert extra[1] == early.institution_id and extra[4] == "follow_up"
    assert dt.date.fromisoformat(extra[0]) <= early.date + dt.timedelta(days=30)
    assert independent(result.rows, d) == []
    assert "roster.replan.moved" not in [f.code for f in result.findings]
    # the follow-up was solved around rows held fixed: no optimum, no bound, no uniqueness
    # is claimed for the roster written (the solve's own proof was of its part only)
    assert result.status is Status.FEASIBLE and result.bound is None and not result.unique
    [scope] = [f for f in result.findings if f.code == "roster.replan.not_whole_optimum"]
    assert scope.params == {"kept": len(old), "part_proven": True} and result.part_proven


def test_a_closed_institution_is_dropped_and_said_and_the_rest_stays():
    d = data(MORE, TEAM)
    first, _ = month(d)
    start = middle(first.rows)
    gone = max((r.date, r.institution_id) for r in first.rows if r.date >= start)[1]
    closed = [i.model_copy(update={"active": False}) if i.institution_id == gone else i
              for i in MORE]  # fmt: skip
    result, _ = month(data(closed, TEAM), (), start, rows_of(first.rows))
    want = [r for r in csv_rows(first.rows, start) if r[1] != gone]
    assert csv_rows(result.rows, start) == want
    said = [f for f in result.findings if f.code == "roster.replan.why.closed"]
    assert [f.params["institution_id"] for f in said] == [gone]


def test_a_stored_row_over_a_lowered_daily_limit_moves_with_why_and_the_others_stay():
    """The stored roster had A and B on two visits on 2026-06-15; the inspectors' daily
    limit is now 1: the first of the two stays, the second moves (daily limit)."""
    one_a_day = [insp(p, dept, per_day=1) for p, dept in
                 (("A", "d1"), ("B", "d2"), ("C", "d1"), ("D", "d2"))]  # fmt: skip
    d = data(INSTITUTIONS[:4], one_a_day)
    stored = [
        {"date": "2026-06-15", "institution_id": "I1", "street_id": "S1",
         "inspector_ids": "A;B", "reason": "drawn"},
        {"date": "2026-06-15", "institution_id": "I3", "street_id": "S1",
         "inspector_ids": "A;B", "reason": "drawn"},
        {"date": "2026-06-16", "institution_id": "I2", "street_id": "S2",
         "inspector_ids": "C;D", "reason": "drawn"},
        {"date": "2026-06-17", "institution_id": "I4", "street_id": "S2",
         "inspector_ids": "A;D", "reason": "drawn"},
    ]  # fmt: skip
    result, _ = month(d, (), dt.date(2026, 6, 15), stored)
    assert independent(result.rows, d) == []
    got = {r.institution_id: (r.date.isoformat(), ";".join(r.inspector_ids)) for r in result.rows}
    for s in stored:
        if s["institution_id"] != "I3":
            assert got[s["institution_id"]] == (s["date"], s["inspector_ids"])
    assert got["I3"] != ("2026-06-15", "A;B")
    [why] = [f for f in result.findings if f.code.startswith("roster.replan.why.")]
    assert (why.code, why.params["institution_id"]) == ("roster.replan.why.daily", "I3")


def test_when_a_follow_up_cannot_fit_around_the_stored_rows_they_are_released_and_said():
    """The last two days of June; only A and B may inspect I5 (C and D recused), and the
    stored rows take A and B both days (one visit a day each): the follow-up fits only
    when a stored row moves, and each move says so (released)."""
    one_a_day = [insp(p, dept, per_day=1) for p, dept in
                 (("A", "d1"), ("B", "d2"), ("C", "d1"), ("D", "d2"))]  # fmt: skip
    recused = [Conflict(inspector_id=p, institution_id="I5") for p in ("C", "D")]
    d = data(INSTITUTIONS, one_a_day, conflicts=recused)
    stored = [
        {"date": "2026-06-02", "institution_id": "I5", "street_id": "S1",
         "inspector_ids": "A;B", "reason": "drawn"},
        {"date": "2026-06-29", "institution_id": "I1", "street_id": "S1",
         "inspector_ids": "A;B", "reason": "drawn"},
        {"date": "2026-06-30", "institution_id": "I3", "street_id": "S1",
         "inspector_ids": "A;B", "reason": "drawn"},
    ]  # fmt: skip
    outcome = PastInspection(institution_id="I5", date=dt.date(2026, 6, 2), outcome="rectify",
                             inspector_ids=("A", "B"))  # fmt: skip
    result, rp = month(d, [outcome], dt.date(2026, 6, 29), stored)
    assert rp is not None and rp.added == ("I5",)
    assert independent(result.rows, d) == []
    follow = [r for r in result.rows if r.institution_id == "I5" and r.reason == "follow_up"]
    assert len(follow) == 1 and set(follow[0].inspector_ids) == {"A", "B"}
    moved_ = [f for f in result.findings if f.code == "roster.replan.moved"]
    assert len(moved_) == 1  # one of I1, I3 gives its day's A and B to the follow-up
    assert moved_[0].params["cause"] == "roster.replan.why.released"
    [said] = [f for f in result.findings if f.code == "roster.replan.released"]
    assert said.params == {"count": 1, "kept": 1}


def test_most_kept_keeps_every_stored_row_when_nothing_forces_a_move():
    d = data(MORE, TEAM)
    first, _ = month(d)
    start = middle(first.rows)
    problem = build_problem(d, 2026, 6, 7, ALL)
    rp = replan_problem(problem, stored_rows(rows_of(first.rows)), (), start,
                        {i.institution_id: i for i in MORE})  # fmt: skip
    best = most_kept(rp.problem, rp.later, work=5)
    assert best is not None
    kept, proven = best
    assert proven and csv_rows(kept, start) == csv_rows(first.rows, start)
