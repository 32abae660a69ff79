"""One tiny instance per hard rule of the session calendar, where that rule binds.

Every check reads the output table (``sessions.csv`` rows), as a planner would.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from sessions_check import center_row, rows_of, violations, write_tables

from tuoyu.api.text import render
from tuoyu.models.sessions import load_session_data
from tuoyu.optimizer.sessions import SessionProblem, SessionRules, plan_sessions
from tuoyu.optimizer.solve import SolveParams, Status


class Clash(Exception):
    """The planner proved the rules clash; ``text`` holds its reasons in English."""

    def __init__(self, plan):
        self.plan = plan
        self.codes = [f.code for f in plan.findings]
        self.text = "\n".join(render(f, "en") for f in plan.findings)
        super().__init__(self.text)

ST = "310113003"
NEIGHBOUR = "310113007"
FAR = "310113106"
ALL_TOPICS = [
    dict(topic_id="A", name="安全", disciplines="education"),
    dict(topic_id="B", name="营养", disciplines="education;medical"),
    dict(topic_id="C", name="七会", disciplines="education;psychology"),
    dict(topic_id="D", name="阅读", disciplines="education"),
    dict(topic_id="E", name="接种", disciplines="education;medical"),
]


def center(
    cid: str = "C1", n: int = 6, days: str = "Mon;Tue;Wed;Thu;Fri;Sat", street: str = ST
) -> dict[str, object]:
    return center_row(cid, street, n, days)


def person(
    sid: str, disc: str = "education", cap: int = 4, days: str = "", street: str = ST
) -> dict[str, object]:
    return dict(
        staff_id=sid,
        name=f"人{sid}",
        discipline=disc,
        street_id=street,
        max_per_month=cap,
        days=days,
    )


def run(
    tmp: Path,
    centers,
    staff,
    topics=None,
    events=None,
    leave=None,
    closures=None,
    rules: SessionRules | None = None,
    time_limit: float = 10,
):
    tables = dict(centers=centers, guidance_staff=staff, topics=topics or ALL_TOPICS)
    if events:
        tables["events"] = events
    if leave:
        tables["staff_leave"] = leave
    if closures:
        tables["center_closures"] = closures
    folder = write_tables(tmp, tables)
    data = load_session_data(folder)
    p = SessionProblem(data=data, year=2027, rules=rules or SessionRules())
    plan = plan_sessions(p, SolveParams(time_limit=time_limit, workers=2))
    if plan.status == Status.INFEASIBLE:
        raise Clash(plan)
    assert plan.status in (Status.OPTIMAL, Status.FEASIBLE), plan.findings
    rows = rows_of(plan)
    assert violations(data, 2027, rows, rules) == []
    return data, rows


def dates(rows, cid="C1"):
    return sorted(dt.date.fromisoformat(r["date"]) for r in rows if r["center_id"] == cid)


def basic_staff():
    return [person("E1"), person("E2"), person("M1", "medical"), person("P1", "psychology")]


def test_each_center_gets_its_sessions(tmp_path):
    _, rows = run(tmp_path, [center(n=9), center("C2", n=6)], basic_staff())
    assert len(dates(rows)) == 9
    assert len(dates(rows, "C2")) == 6


def test_sessions_on_open_days_never_on_a_holiday(tmp_path):
    # open on Fridays only: 2027-10-01 (National Day) is a Friday and must be skipped
    _, rows = run(tmp_path, [center(n=12, days="Fri")], basic_staff())
    ds = dates(rows)
    assert len(ds) == 12
    assert all(d.weekday() == 4 for d in ds)
    assert dt.date(2027, 10, 1) not in ds and dt.date(2027, 1, 1) not in ds


def test_no_two_sessions_within_28_days_binds(tmp_path):
    # 12 sessions 28 days apart need 308 days of the year: the gap binds
    _, rows = run(
        tmp_path,
        [center(n=12)],
        [person("E1", cap=6), person("M1", "medical", 6), person("P1", "psychology", 6)],
    )
    ds = dates(rows)
    assert len(ds) == 12
    assert min((b - a).days for a, b in zip(ds, ds[1:], strict=False)) >= 28


def test_too_many_sessions_for_the_gap_is_explained_in_numbers(tmp_path):
    with pytest.raises(Clash) as exc:
        run(tmp_path, [center(n=14)], basic_staff())
    text = exc.value.text
    assert "needs 14 sessions 28 days apart" in text and "at most 13 fit" in text


def test_every_quarter_has_a_session(tmp_path):
    # closed until 25 March: the first quarter only has six days left, and needs one
    closures = [dict(center_id="C1", start="2027-01-01", end="2027-03-25", reason="维修")]
    _, rows = run(tmp_path, [center(n=4)], basic_staff(), closures=closures)
    ds = dates(rows)
    assert {(d.month - 1) // 3 for d in ds} == {0, 1, 2, 3}
    assert any(dt.date(2027, 3, 26) <= d <= dt.date(2027, 3, 31) for d in ds)


def test_no_quarter_left_is_explained(tmp_path):
    closures = [dict(center_id="C1", start="2027-04-01", end="2027-06-30", reason="维修")]
    with pytest.raises(Clash) as exc:
        run(tmp_path, [center(n=6)], basic_staff(), closures=closures)
    assert "no open day in quarter Q2" in exc.value.text


def test_team_fits_topic(tmp_path):
    topics = [
        dict(topic_id=t, name=t, disciplines=d)
        for t, d in (
            ("B", "medical"),
            ("C", "psychology"),
            ("E", "education;medical"),
            ("F", "education;psychology"),
        )
    ]
    data, rows = run(tmp_path, [center(n=6)], basic_staff(), topics=topics)
    disc = {s.staff_id: s.discipline for s in data.staff}
    for r in rows:
        team = {disc[x] for x in r["staff_ids"].split(";")}
        need = {"B": "medical", "C": "psychology", "E": "medical", "F": "psychology"}
        assert "education" in team and need[r["topic_id"]] in team


def test_staff_in_one_place_per_half_day(tmp_path):
    # two centers open only on Wednesdays, one lead: their sessions must not share a half-day
    _, rows = run(
        tmp_path,
        [center(n=12, days="Wed"), center("C2", n=12, days="Wed")],
        [person("E1", cap=8)],
        topics=[
            ALL_TOPICS[0],
            ALL_TOPICS[3],
            dict(topic_id="G", name="游戏", disciplines="education"),
            dict(topic_id="H", name="睡眠", disciplines="education"),
        ],
    )
    slots = Counter((r["date"], r["start"]) for r in rows)
    assert max(slots.values()) == 1
    assert len(rows) == 24


def test_staff_within_monthly_limit_binds(tmp_path):
    # one lead, one session a month allowed, two centers of 6: 12 sessions in 12 months
    topics = [
        ALL_TOPICS[0],
        ALL_TOPICS[3],
        dict(topic_id="G", name="游戏", disciplines="education"),
        dict(topic_id="H", name="睡眠", disciplines="education"),
    ]
    _, rows = run(tmp_path, [center(n=6), center("C2", n=6)], [person("E1", cap=1)], topics=topics)
    months = Counter(r["date"][:7] for r in rows)
    assert len(rows) == 12 and max(months.values()) == 1


def test_staff_days_and_leave(tmp_path):
    leave = [dict(staff_id="E1", start="2027-03-01", end="2027-08-31")]
    staff = [
        person("E1", days="Tue"),
        person("E2", days="Thu"),
        person("M1", "medical"),
        person("P1", "psychology"),
    ]
    _, rows = run(tmp_path, [center(n=6, days="Tue;Thu")], staff, leave=leave)
    for r in rows:
        d = dt.date.fromisoformat(r["date"])
        if "E1" in r["staff_ids"]:
            assert d.weekday() == 1 and not (dt.date(2027, 3, 1) <= d <= dt.date(2027, 8, 31))
        if "E2" in r["staff_ids"]:
            assert d.weekday() == 3


def test_each_event_happens_as_it_says(tmp_path):
    events = [
        dict(
            event_id="CAR",
            name="亲子嘉年华",
            kind="district_event",
            count=1,
            staff_needed=3,
            disciplines="education;medical;psychology",
            weekend="true",
            months="5",
        ),
        dict(
            event_id="LEC",
            name="妇联讲座",
            kind="lecture",
            count=8,
            staff_needed=2,
            disciplines="education;psychology",
            weekend="false",
            months="3;4;5;6",
        ),
    ]
    staff = basic_staff() + [person("P2", "psychology")]
    _, rows = run(tmp_path, [center(n=6)], staff, events=events)
    car = [r for r in rows if r["event_id"] == "CAR"]
    lec = [r for r in rows if r["event_id"] == "LEC"]
    assert len(car) == 1 and dt.date.fromisoformat(car[0]["date"]).weekday() >= 5
    assert car[0]["date"][5:7] == "05" and len(car[0]["staff_ids"].split(";")) == 3
    assert len(lec) == 8 and all(r["date"][5:7] in ("03", "04", "05", "06") for r in lec)
    assert len({r["date"] for r in lec}) == 8


def test_topics_vary(tmp_path):
    # four topics for six sessions: all four used, never one twice in a row
    topics = [ALL_TOPICS[0], ALL_TOPICS[1], ALL_TOPICS[3], ALL_TOPICS[4]]
    _, rows = run(tmp_path, [center(n=6)], basic_staff(), topics=topics)
    seq = [r["topic_id"] for r in sorted(rows, key=lambda r: r["date"]) if r["center_id"]]
    assert len(set(seq)) == 4
    assert all(a != b for a, b in zip(seq, seq[1:], strict=False))


def test_monthly_clash_is_explained_by_its_rules(tmp_path):
    # three lectures in March, one lead allowed two a month: the model finds the clash
    events = [
        dict(
            event_id="LEC",
            name="讲座",
            kind="lecture",
            count=3,
            staff_needed=1,
            disciplines="education",
            weekend="false",
            months="3",
        )
    ]
    with pytest.raises(Clash) as exc:
        run(
            tmp_path,
            [center(n=2)],
            [person("E1", cap=2)],
            events=events,
            topics=[ALL_TOPICS[0], ALL_TOPICS[3]],
        )
    text = exc.value.text
    assert "monthly limits" in text or "month 3" in text, text


def test_near_home_and_same_lead_preferred(tmp_path):
    staff = [person("E1", street=FAR), person("E2", street=ST)]
    topics = [
        ALL_TOPICS[0],
        ALL_TOPICS[3],
        dict(topic_id="G", name="游戏", disciplines="education"),
        dict(topic_id="H", name="睡眠", disciplines="education"),
    ]
    _, rows = run(tmp_path, [center(n=6), center("C2", n=6, street=FAR)], staff, topics=topics)
    assert {r["staff_ids"] for r in rows if r["center_id"] == "C1"} == {"E2"}
    assert {r["staff_ids"] for r in rows if r["center_id"] == "C2"} == {"E1"}
