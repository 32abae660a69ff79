"""Issue 18: an even year. Each month near its share of the year's sessions (per
discipline too), the district events of a kind spread over their months, a center's
sessions in three quarters; the month histogram reported as targets. Counted here on the
plan's rows, independently of the model."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

import pytest
from sessions_check import center_row, gen_sessions, rows_of, violations, write_tables

from tuoyu.api.text import CATALOGUE
from tuoyu.models.sessions import Session, load_session_data
from tuoyu.optimizer.sessions import SessionProblem, goals, plan_sessions
from tuoyu.optimizer.solve import SolveParams, Status

YEAR = 2027


def _person(sid: str, disc: str, street: str = "310113003") -> dict[str, object]:
    return dict(staff_id=sid, name=f"人{sid}", discipline=disc, street_id=street,
                max_per_month=8, days="")


def _event(eid: str, kind: str, count: int, months: str, weekend: bool = False):
    return dict(event_id=eid, name=eid, kind=kind, count=count, staff_needed=2,
                disciplines="education;medical", weekend="true" if weekend else "false",
                months=months)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    staff = [_person(f"E{i}", "education") for i in range(1, 5)]
    staff += [_person(f"M{i}", "medical") for i in range(1, 4)]
    staff += [_person("P1", "psychology")]
    centers = [center_row(f"C{i}") for i in range(1, 7)]
    centers.append(center_row("C7", n=3))  # three sessions: the soft quarter goal
    events = [_event("L1", "lecture", 4, "3;4;5;6;9;10"), _event("A1", "public_activity",
                                                                    6, "", weekend=True)]
    folder = write_tables(tmp_path_factory.mktemp("even") / "d", dict(
        centers=centers, guidance_staff=staff, events=events,
        staff_leave=[dict(staff_id="E1", start="2027-03-01", end="2027-03-20")]))
    data = load_session_data(folder)
    p = SessionProblem(data=data, year=YEAR)
    return data, plan_sessions(p, SolveParams(time_limit=5, workers=2))


def _shares(data, year: int) -> dict[int, float]:
    """Each month's share of the year by the days the centers are open (holidays and
    closures out), computed here from the tables."""
    w: Counter = Counter()
    d = dt.date(year, 1, 1)
    while d.year == year:
        for c in data.centers:
            if (c.sessions_per_year and d.weekday() in c.open_days
                    and not data.calendar.is_holiday(d)
                    and not any(x.owner_id == c.center_id and x.covers(d)
                                for x in data.closures)):
                w[d.month] += 1
        d += dt.timedelta(days=1)
    total = sum(w.values())
    return {mo: w[mo] / total for mo in range(1, 13)}


def test_the_month_histogram_is_reported_as_targets(small):
    data, plan = small
    assert plan.status in (Status.OPTIMAL, Status.FEASIBLE), plan.findings
    rows = rows_of(plan)
    assert violations(data, YEAR, rows) == []
    hist = Counter(int(r["date"][5:7]) for r in rows if r["center_id"])
    total = sum(hist.values())
    share = _shares(data, YEAR)
    months = {t.code: t for t in plan.targets if t.code.startswith("sessions.target.month_")}
    assert len(months) == 12
    for mo in range(1, 13):
        t = months[f"sessions.target.month_{mo:02d}"]
        assert t.achieved == hist[mo]
        assert t.goal == pytest.approx(total * share[mo], abs=0.06)
        assert t.met == (math.floor(0.8 * total * share[mo] + 1e-9) <= hist[mo]
                         <= math.ceil(1.2 * total * share[mo] - 1e-9))
        assert t.code in CATALOGUE
    even = next(t for t in plan.targets if t.code == "sessions.target.months_even")
    assert even.achieved == sum(1 for t in months.values() if t.met)


def test_the_year_is_even_and_the_events_spread(small):
    data, plan = small
    rows = rows_of(plan)
    hist = Counter(int(r["date"][5:7]) for r in rows if r["center_id"])
    total = sum(hist.values())
    for mo, s in _shares(data, YEAR).items():  # whole sessions: the band's ends rounded out
        assert math.floor(0.5 * total * s) <= hist[mo] <= math.ceil(1.5 * total * s), (mo, hist)
    for kind, months in (("L1", 6), ("A1", 12)):
        per = Counter(int(r["date"][5:7]) for r in rows if r["event_id"] == kind)
        n = sum(per.values())
        assert max(per.values()) <= math.ceil(n / months), (kind, per)


def test_a_center_of_three_sessions_gets_three_quarters(tmp_path):
    folder = write_tables(tmp_path / "q", dict(
        centers=[center_row("C1", n=3), center_row("C2", n=2)],
        guidance_staff=[_person("E1", "education"), _person("M1", "medical"),
                        _person("P1", "psychology")],
        staff_leave=[dict(staff_id="E1", start="2027-01-01", end="2027-01-01")]))
    data = load_session_data(folder)
    plan = plan_sessions(SessionProblem(data=data, year=YEAR), SolveParams(time_limit=5))
    rows = rows_of(plan)
    assert violations(data, YEAR, rows) == []
    for cid, need in (("C1", 3), ("C2", 2)):
        quarters = {(int(r["date"][5:7]) - 1) // 3 for r in rows if r["center_id"] == cid}
        assert len(quarters) == need, (cid, quarters)


def test_the_goals_costs_add_up_to_the_objective(small):
    _, plan = small
    counted = sum(g.cost for g in plan.soft_goals if g.code != "sessions.goal.other_lead")
    assert counted == plan.objective
    codes = {g.code for g in plan.soft_goals}
    assert {"sessions.goal.month_share", "sessions.goal.event_spread",
            "sessions.goal.quarters"} <= codes
    assert all(c in CATALOGUE for c in codes)


# -- the counts, on hand-made plans -------------------------------------------------------


def _s(day: str, cid: str = "", eid: str = "", topic: str = "safety") -> Session:
    return Session(date=dt.date.fromisoformat(day), half=0, center_id=cid, event_id=eid,
                   topic_id=topic if cid else "")


def test_the_counts_of_the_even_year_goals(small):
    data, _ = small
    p = SessionProblem(data=data, year=YEAR)
    # all of C1's six sessions in January and one quarter: far above January's band
    plan = [_s(f"2027-01-{d:02d}", "C1") for d in (4, 5, 6, 7, 8, 11)]
    share = _shares(data, YEAR)
    lo_hi = {mo: (math.floor(0.8 * 6 * s + 1e-9), math.ceil(1.2 * 6 * s - 1e-9))
             for mo, s in share.items()}
    expect = sum(max(0, (6 if mo == 1 else 0) - hi) + max(0, lo - (6 if mo == 1 else 0))
                 for mo, (lo, hi) in lo_hi.items())
    assert goals.month_share_excess(p, plan) == expect  # safety needs education only
    # three lectures in March (months 3-6, 9, 10: at most one a month for 4)
    ev = [_s("2027-03-02", eid="L1"), _s("2027-03-09", eid="L1"), _s("2027-03-16", eid="L1"),
          _s("2027-04-06", eid="L1")]
    assert goals.event_spread_excess(p, ev) == 2
    # C7 (three a year) in one quarter: two short; the others (six) none at all
    c7 = [_s("2027-01-04", "C7"), _s("2027-02-08", "C7"), _s("2027-03-08", "C7")]
    missing = goals.quarters_missing(p, c7)
    assert missing == 2 + 3 * 6  # C1..C6 have no session at all here: three each


@pytest.mark.heavy
def test_a_held_out_district_has_an_even_year(tmp_path):
    """The issue's held-out shape: 40 baby centers and 5 other venues, 30 staff, heavy
    leave, closures, weekend-only staff, another generator seed."""
    folder = gen_sessions().heldout(tmp_path / "d", 5, year=2026)
    data = load_session_data(folder)
    plan = plan_sessions(SessionProblem(data=data, year=2026),
                         SolveParams(time_limit=60, workers=2))
    assert plan.status in (Status.OPTIMAL, Status.FEASIBLE), plan.findings
    rows = rows_of(plan)
    assert violations(data, 2026, rows) == []
    hist = Counter(int(r["date"][5:7]) for r in rows if r["center_id"])
    share = sum(hist.values()) / 12
    holiday = {f.params["month"] for f in plan.findings if f.code == "sessions.holiday_month"}
    for mo in range(1, 13):
        if mo not in holiday:
            assert 0.5 * share <= hist[mo] <= 1.5 * share, (mo, hist)
    for e in data.events:
        per = Counter(int(r["date"][5:7]) for r in rows if r["event_id"] == e.event_id)
        assert max(per.values()) <= math.ceil(e.count / len(e.months or range(12))), (e, per)


def test_the_workbook_shows_the_month_histogram(small, tmp_path):
    from openpyxl import load_workbook

    from tuoyu.api.exports.sessions import write_workbook
    from tuoyu.api.text import label

    data, plan = small
    targets = [(label(t.code, "zh"), t.goal, t.achieved, t.met, t.low, t.high)
               for t in plan.targets]
    write_workbook(tmp_path / "s.xlsx", data, list(plan.sessions), YEAR, targets=targets)
    rows = list(load_workbook(tmp_path / "s.xlsx", read_only=True)["方案目标"].iter_rows(
        min_row=2, values_only=True))
    hist = Counter(s.date.month for s in plan.sessions if s.center_id)
    for mo in range(1, 13):
        row = next(r for r in rows if r[0] == label(f"sessions.target.month_{mo:02d}", "zh"))
        assert row[3] == hist[mo] and isinstance(row[3], int)  # a number, not text
        low, high = (float(x) for x in row[2].split("–"))  # the band that counts as met
        assert (row[4] == "达标") == (low <= hist[mo] <= high)
