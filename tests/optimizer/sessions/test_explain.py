"""Why no calendar, said before any model is built (``tuoyu.optimizer.sessions.explain``):
the most sessions a gap lets fit (against every subset of the days), and each
arithmetic clash on a tiny year where it is the only thing wrong, with its numbers."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from sessions_check import center_row, write_tables

from tuoyu.models.sessions import load_session_data
from tuoyu.optimizer.sessions import SessionProblem
from tuoyu.optimizer.sessions.explain import max_sessions_fitting, precheck

ST = "310113003"
TOPICS = [dict(topic_id="A", name="安全", disciplines="education"),
          dict(topic_id="B", name="营养", disciplines="education;medical"),
          dict(topic_id="C", name="七会", disciplines="education;psychology"),
          dict(topic_id="D", name="阅读", disciplines="education"),
          dict(topic_id="E", name="接种", disciplines="education;medical")]


def person(sid: str, disc: str = "education", cap: int = 4) -> dict[str, object]:
    return dict(staff_id=sid, name=f"人{sid}", discipline=disc, street_id=ST, max_per_month=cap,
                days="")


STAFF = [person("E1"), person("E2"), person("M1", "medical"), person("P1", "psychology")]


def event(eid: str = "E01", count: int = 1, staff: int = 2, disciplines: str = "education",
          weekend: str = "false", months: str = "5;6") -> dict[str, object]:
    return dict(event_id=eid, name=f"活动{eid}", kind="lecture", count=count,
                staff_needed=staff, disciplines=disciplines, weekend=weekend, months=months)


def problem(tmp: Path, centers, staff=STAFF, topics=TOPICS, events=None,  # noqa: ANN001
            closures=None) -> SessionProblem:  # noqa: ANN001
    tables = dict(centers=centers, guidance_staff=staff, topics=topics)
    if events:
        tables["events"] = events
    if closures:
        tables["center_closures"] = closures
    data = load_session_data(write_tables(tmp, tables))
    return SessionProblem(data=data, year=2027)


@given(st.sets(st.integers(0, 40), max_size=9), st.integers(1, 12),
       st.none() | st.integers(-20, 30))
def test_the_most_sessions_that_fit_is_the_largest_spaced_subset(days, gap, after) -> None:
    days = sorted(days)
    last = after if after is not None else -(10**9)

    def spaced(subset: tuple[int, ...]) -> bool:
        points = [last, *subset]
        return all(b - a >= gap for a, b in zip(points, points[1:], strict=False))

    best = max(n for n in range(len(days) + 1)
               if any(spaced(s) for s in itertools.combinations(days, n)))
    assert max_sessions_fitting(days, gap, after) == best


def test_a_year_that_fits_has_no_clash(tmp_path: Path) -> None:
    assert precheck(problem(tmp_path, [center_row("C1", ST, 6)])) == []


def test_more_sessions_than_the_gap_lets_fit(tmp_path: Path) -> None:
    p = problem(tmp_path, [center_row("C1", ST, 14)])
    found = [f for f in precheck(p) if f.code == "sessions.clash.gap_too_short"]
    assert len(found) == 1
    f = found[0].params
    assert (f["center"], f["needed"], f["gap"]) == ("C1", 14, 28)
    assert f["fit"] == 13 == f["suggest"]  # 2027's days 28 apart from its first open day


def test_too_few_topics_the_staff_can_give(tmp_path: Path) -> None:
    # no medical person: of the five topics only A, C and D can be given; four are needed
    staff = [person("E1"), person("E2"), person("P1", "psychology")]
    found = precheck(problem(tmp_path, [center_row("C1", ST, 6)], staff=staff))
    assert [f.code for f in found] == ["sessions.clash.too_few_topics"]
    assert (found[0].params["need"], found[0].params["usable"]) == (4, 3)
    assert list(found[0].params["topics"]) == ["A", "C", "D"]


def test_a_center_closed_for_a_whole_quarter(tmp_path: Path) -> None:
    # four a year, one in every quarter: closed from January to March, none can be in Q1
    closures = [dict(center_id="C1", start="2027-01-01", end="2027-03-31", reason="装修")]
    found = precheck(problem(tmp_path, [center_row("C1", ST, 4)], closures=closures))
    assert [f.code for f in found] == ["sessions.clash.no_day_in_quarter"]
    assert (found[0].params["quarter"], found[0].params["year"]) == (1, 2027)


def test_an_event_with_more_times_than_days_a_small_team_or_a_short_pool(tmp_path: Path) -> None:
    events = [event("E01", count=40, months="5", weekend="true"),
              event("E02", staff=1, disciplines="education;medical"),
              event("E03", staff=3, disciplines="medical")]
    found = precheck(problem(tmp_path, [center_row("C1", ST, 6)], events=events))
    by = {(f.code, f.params["event"]) for f in found}
    assert ("sessions.clash.event_days", "E01") in by
    days = next(f for f in found if f.code == "sessions.clash.event_days").params
    # May 2027 has 10 weekend days, the 1st and 2nd in the Labour Day holiday
    assert (days["times"], days["days"]) == (40, 8)
    assert ("sessions.clash.event_team", "E02") in by
    pool = next(f for f in found if f.code == "sessions.clash.event_pool").params
    assert (pool["event"], pool["discipline"], pool["have"]) == ("E03", "medical", 1)


def test_the_years_education_work_above_what_its_people_can_give(tmp_path: Path) -> None:
    # 30 centers x 6 sessions = 180 education places; one person, 1 a month: 12
    centers = [center_row(f"C{k}", ST, 6) for k in range(30)]
    staff = [person("E1", cap=1), person("M1", "medical"), person("P1", "psychology")]
    found = [f for f in precheck(problem(tmp_path, centers, staff=staff))
             if f.code == "sessions.clash.education_year"]
    assert [dict(f.params) for f in found] == [{"demand": 180, "supply": 12, "short": 168}]


def test_an_event_whose_people_do_not_work_on_its_days(tmp_path: Path) -> None:
    # a weekend event needing a psychologist where the only psychologist works Mon-Fri
    # (held-out seed 17's clash, said in words); a weekday event of two educators, whom
    # both work every day, has none
    weekday = dict(person("P1", "psychology"), days="Mon;Tue;Wed;Thu;Fri")
    staff = [person("E1"), person("E2"), person("M1", "medical"), weekday]
    events = [event("E01", staff=2, disciplines="education;psychology", weekend="true"),
              event("E02", count=3, staff=2, months="5")]
    p = problem(tmp_path, [center_row("C1", ST, 6)], staff=staff, events=events)
    found = [f.params for f in precheck(p) if f.code == "sessions.clash.event_people"]
    assert [(f["event"], f["discipline"], f["days"], f["people"], f["pool"]) for f in found] \
        == [("E01", "psychology", 0, 0, 1)]
    # every day of the window checked by hand: no weekend day has a psychologist at work
    assert not any(p.available(s, t) for s in p.pools["psychology"]
                   for t in p.event_days(p.data.events[0]))


def test_an_event_with_enough_people_on_enough_days_has_no_such_clash(tmp_path: Path) -> None:
    events = [event("E01", count=2, staff=2, weekend="true")]
    p = problem(tmp_path, [center_row("C1", ST, 6)], events=events)
    assert [f for f in precheck(p) if f.code == "sessions.clash.event_people"] == []
