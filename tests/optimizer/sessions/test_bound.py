"""Issue 18: the year's relaxation by months (``bound.year_lower_bound``) is a lower bound
of every plan's objective, counts what the months force (an event kind that cannot
spread, a month whose only people are far), and proves plans optimal that the team
bound could not.

Expected values are counted by hand from the tables; the property test checks the bound
against the plans the solver makes (each a feasible plan, its objective counted on its
rows) over random small districts."""

from __future__ import annotations

import datetime as dt
import math
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sessions_check import (
    WEEK,
    center_row,
    lectures_and_one_working_saturday,
    lectures_calendar,
    rows_of,
    violations,
    write_tables,
)

from tuoyu.models.sessions import load_session_data
from tuoyu.optimizer.sessions import SessionProblem, flow, plan_sessions, polish
from tuoyu.optimizer.sessions.bound import (
    Lp,
    _YearLp,
    calendar_floor,
    common_periods,
    least_spacing,
    months_a_center_can_hold,
    parts_lower_bound,
    periods_a_center_can_hold,
    quarters_floor,
    spacing_floor,
    year_lower_bound,
)
from tuoyu.optimizer.sessions.goals import SessionWeights
from tuoyu.optimizer.sessions.problem import SessionRules
from tuoyu.optimizer.sessions.solve import calendar_groups, team_bound, whole_bound
from tuoyu.optimizer.solve import Clock, SolveParams, Status

A, FAR = "310113003", "310113101"  # 友谊路; 罗店 is not its neighbour
EDU = [dict(topic_id=t, name=t, disciplines="education") for t in ("A", "D", "G", "H")]


def _person(sid: str, street: str = A, cap: int = 4, disc: str = "education"):
    return dict(staff_id=sid, name=f"人{sid}", discipline=disc, street_id=street,
                max_per_month=cap, days="")


def _problem(tmp_path, rules: SessionRules | None = None, **tables) -> SessionProblem:
    """A small district of 2027 from its tables (the topics: ``EDU`` unless given)."""
    folder = write_tables(tmp_path, {"topics": EDU, **tables})
    return SessionProblem(data=load_session_data(folder), year=2027,
                          rules=rules or SessionRules())


def _proven_optimal(p: SessionProblem, cost: float) -> None:
    """The solver's plan keeps every rule (counted on its rows), costs ``cost`` (counted
    by hand in the test) and its bound proves it optimal."""
    plan = plan_sessions(p, SolveParams(time_limit=5, workers=2))
    assert violations(p.data, 2027, rows_of(plan)) == []
    assert plan.objective == plan.bound == cost
    assert plan.status == Status.OPTIMAL


def test_a_kind_of_event_that_cannot_spread_costs_its_bunching(tmp_path):
    # two lectures, months May or June, and the only person is on leave all June: both
    # fall in May, one beyond the kind's monthly share (ceil(2 / 2) = 1): 20. The team
    # bound cannot see it (0); the plan meets the year's bound, so it is proven optimal.
    lecture = dict(kind="lecture", count=1, staff_needed=1, disciplines="education",
                   weekend="false", months="5;6")
    p = _problem(
        tmp_path,
        centers=[center_row("C1", A, n=4)],
        guidance_staff=[_person("E1")],
        events=[dict(event_id="L1", name="讲座1", **lecture),
                dict(event_id="L2", name="讲座2", **lecture)],
        staff_leave=[dict(staff_id="E1", start="2027-06-01", end="2027-06-30")],
    )
    assert flow.team_lower_bound(p) == 0
    assert year_lower_bound(p) == p.rules.weights.event_spread
    _proven_optimal(p, p.rules.weights.event_spread)


def test_a_quarter_whose_only_person_is_far_costs_that_trip(tmp_path):
    # the home educator is on leave January to March; the quarter rule puts a session
    # in the first quarter, which only the far educator can lead: a far trip (5) and not
    # the home lead (8), whatever the calendar. The fair share is 2 of the 4 sessions:
    # over the year the team bound lets the home educator take all 4 (2 above the fair
    # share, 10 each: 20); by months at most 3 (10 above, and 13 for the first quarter).
    p = _problem(
        tmp_path,
        centers=[center_row("C1", A, n=4)],
        guidance_staff=[_person("E1", cap=4), _person("E2", street=FAR, cap=4)],
        staff_leave=[dict(staff_id="E1", start="2027-01-01", end="2027-03-31")],
    )
    assert p.home_lead["C1"] == "E1"
    w = p.rules.weights
    assert flow.team_lower_bound(p) == 2 * w.load
    assert year_lower_bound(p) == w.load + w.far + w.extra_lead
    assert whole_bound(p, None) == w.load + w.far + w.extra_lead


def test_a_month_holds_what_the_gap_between_sessions_lets_it():
    # a month's open days hold two sessions 28 days apart only when it spans 29 days
    class _P:
        month_of_day = tuple([1] * 31 + [2] * 28)

        class rules:
            min_gap_days = 28

    jan = list(range(0, 31))
    feb = list(range(31, 59))
    assert months_a_center_can_hold(_P, jan + feb) == {1: 2, 2: 1}
    assert months_a_center_can_hold(_P, jan[:28]) == {1: 1}


STREETS = ("310113003", "310113007", "310113101", "310113106")
#: staff working days: every day, weekdays, weekends, a mix (the periods' weekdays)
DAYS = ("", "Mon;Tue;Wed;Thu;Fri", "Sat;Sun", "Mon;Wed;Sat")


@st.composite
def districts(draw):
    centers = [
        center_row(f"C{i}", draw(st.sampled_from(STREETS)), n=draw(st.integers(2, 6)),
                   days=";".join(sorted(draw(st.sets(st.sampled_from(WEEK), min_size=3)),
                                        key=WEEK.index)))
        for i in range(draw(st.integers(1, 3)))
    ]
    discs = ["education"] * draw(st.integers(1, 3)) + ["medical"] * draw(st.integers(0, 2))
    staff = [{**_person(f"S{j}", draw(st.sampled_from(STREETS)), draw(st.integers(1, 4)), d),
              "days": draw(st.sampled_from(DAYS))}
             for j, d in enumerate(discs)]
    leave = []
    for s in staff:
        if draw(st.booleans()):
            start = dt.date(2027, draw(st.integers(1, 12)), 1)
            end = start + dt.timedelta(days=draw(st.integers(10, 100)))
            leave.append(dict(staff_id=s["staff_id"], start=start.isoformat(),
                              end=min(end, dt.date(2027, 12, 31)).isoformat()))
    topics = [*EDU[:2], dict(topic_id="M", name="M", disciplines="education;medical"),
              dict(topic_id="N", name="N", disciplines="education;medical")]
    events = []
    if draw(st.booleans()):
        events.append(dict(event_id="L1", name="讲座", kind="lecture",
                           count=draw(st.integers(1, 4)), staff_needed=1,
                           disciplines="education", weekend="false",
                           months=draw(st.sampled_from(["3;4", "5;6;7", ""]))))
    closures = []
    if draw(st.booleans()):  # the first center closed for a while (bunched sessions)
        start = dt.date(2027, draw(st.integers(2, 11)), 1)
        end = start + dt.timedelta(days=draw(st.integers(20, 150)))
        closures.append(dict(center_id="C0", start=start.isoformat(),
                             end=min(end, dt.date(2027, 12, 31)).isoformat(), reason="维修"))
    return dict(centers=centers, guidance_staff=staff, staff_leave=leave or None,
                topics=topics, events=events or None, center_closures=closures or None)


@pytest.mark.heavy
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(d=districts())
def test_the_year_bound_is_below_every_plan(tmp_path_factory, d):
    tables = {k: v for k, v in d.items() if v is not None}
    p = _problem(tmp_path_factory.mktemp("yb") / "d", **tables)
    plan = plan_sessions(p, SolveParams(time_limit=3, workers=2))
    if plan.objective is None:
        return  # no plan (the rules clash): nothing to bound
    assert violations(p.data, 2027, rows_of(plan)) == []
    year = year_lower_bound(p)
    assert year is None or year <= plan.objective + 1e-6
    assert plan.bound <= plan.objective + 1e-6


def test_a_team_works_on_one_day_so_on_one_weekday(tmp_path):
    # the educator works Monday to Friday only, the near doctor weekends only, a far
    # doctor on weekdays. Four different topics of which three need an educator only:
    # one session needs a doctor, and on the day its educator works only the far doctor
    # does: a far trip (5), whatever the calendar. By months the educator of a weekday
    # and the doctor of a weekend share a month (0); by weekdays they do not.
    topics = [*EDU[:3], dict(topic_id="M", name="M", disciplines="education;medical")]
    p = _problem(
        tmp_path, SessionRules(weekend_share=0.0),
        topics=topics,
        centers=[center_row("C1", A, n=4, days=";".join(WEEK))],
        guidance_staff=[{**_person("E1"), "days": "Mon;Tue;Wed;Thu;Fri"},
                        {**_person("M1", disc="medical"), "days": "Sat;Sun"},
                        {**_person("M2", street=FAR, disc="medical"),
                         "days": "Mon;Tue;Wed;Thu;Fri"}],
    )
    w = p.rules.weights
    assert flow.team_lower_bound(p) == 0
    assert year_lower_bound(p, by_weekday=False) == 0
    assert year_lower_bound(p) == w.far
    _proven_optimal(p, w.far)


def test_no_weekend_session_without_a_weekend_educator(tmp_path):
    # five sessions, a fifth of them on a weekend is one; the only educator works Monday
    # to Friday: no session can be on a weekend, one off the weekend target (10)
    p = _problem(
        tmp_path,
        centers=[center_row("C1", A, n=5, days=";".join(WEEK))],
        guidance_staff=[{**_person("E1", cap=2), "days": "Mon;Tue;Wed;Thu;Fri"}],
    )
    assert round(p.rules.weekend_share * 5) == 1
    w = p.rules.weights
    assert year_lower_bound(p, by_weekday=False) == 0
    assert year_lower_bound(p) == w.weekend
    _proven_optimal(p, w.weekend)


def test_the_periods_are_a_month_s_weekdays(tmp_path):
    # a center open on Sundays only, a person working Sundays and Mondays: August 2027
    # has five Sundays (1, 8, 15, 22, 29) and no holiday: two sessions 28 days apart (1
    # and 29), September's four Sundays one; the person's periods are the months'
    # Sundays and Mondays, those of the center the Sundays
    p = _problem(
        tmp_path,
        centers=[center_row("C1", A, n=4, days="Sun")],
        guidance_staff=[{**_person("E1", cap=20), "days": "Sun;Mon"}],
    )
    days = p.open_days(p.data.centers[0])
    held = periods_a_center_can_hold(p, days, by_weekday=True)
    assert held[8, 6] == 2 and held[9, 6] == 1 and {wd for _, wd in held} == {6}
    assert periods_a_center_can_hold(p, days, by_weekday=False)[8, 0] == 2
    assert common_periods(p, "E1", list(range(0, 59)), True) == {
        (1, 6), (1, 0), (2, 6), (2, 0)}
    y = _YearLp(p)
    y.centers()
    y.people()
    assert set(y.use_in) == {("E1", (mo, 6)) for mo in range(1, 13)}


def test_a_center_closed_most_of_the_year_pays_its_spacing(tmp_path):
    # three sessions, the center closed from April on: all fall between its first open
    # day, Monday 4 January (1-3 January are the New Year holiday), and Wednesday 31
    # March, 86 days apart. An even spread is min(365 // 3, 120) = 120 days a gap, so
    # the two gaps fall short by at least 240 - 86 = 154 days (spacing 1 a day); and the
    # sessions miss the third of the three quarters asked (20)
    p = _problem(
        tmp_path,
        centers=[center_row("C1", A, n=3)],
        guidance_staff=[_person("E1")],
        center_closures=[dict(center_id="C1", start="2027-04-01", end="2027-12-31",
                              reason="维修")],
    )
    c = p.data.centers[0]
    assert (p.open_days(c)[0], p.open_days(c)[-1]) == (3, 89)
    assert spacing_floor(p, c) == 240 - 86
    assert quarters_floor(p, c) == 2
    w = p.rules.weights
    assert calendar_floor(p) == 154 * w.spacing + 2 * w.quarters
    assert year_lower_bound(p) >= calendar_floor(p)
    # the plan pays exactly that: proven optimal (by the team bound alone, 0, it was not)
    _proven_optimal(p, calendar_floor(p))


def _knapsack() -> tuple[Lp, list[list[int]], list[int]]:
    """A 0-1 knapsack of 60 items and 10 weights (fixed numbers) whose branch and bound
    needs a few dozen nodes; returns it, its weights and capacities."""
    import random

    rnd = random.Random(1)
    lp = Lp()
    xs = [lp.col(-rnd.randint(10, 99), 0, 1, True) for _ in range(60)]
    weights, caps = [], []
    for _ in range(10):
        w = [rnd.randint(10, 99) for _ in xs]
        weights.append(w)
        caps.append(sum(w) // 2)
        lp.row(list(zip(xs, w, strict=True)), -math.inf, caps[-1])
    return lp, weights, caps


def test_a_mip_ended_by_its_node_limit_keeps_a_solution_and_is_not_stopped():
    """A MIP's work limit (``nodes``) ends it at the same point every run, with a
    solution that keeps every row; it is said as limited, not as stopped by the clock
    (which would drop the step's result). Without the limit it runs past those nodes."""
    whole, _, _ = _knapsack()
    assert whole.solve(time_limit=600) is not None
    assert whole.nodes_used > 5 and not whole.limited
    got = []
    for _ in range(2):
        lp, weights, caps = _knapsack()
        res = lp.solve(time_limit=600, nodes=5)
        assert res is not None
        assert lp.limited and not lp.stopped
        assert lp.nodes_used <= 6
        x = [round(v) for v in res[1]]
        for w, cap in zip(weights, caps, strict=True):
            assert sum(a * b for a, b in zip(w, x, strict=True)) <= cap
        got.append(x)
    assert got[0] == got[1]


def test_a_time_limit_already_past_ends_the_solve_at_once_and_is_said_as_stopped():
    """A step started just past the plan's ceiling gets a negative time limit. HiGHS
    refuses a negative limit and then ran without any (the quick topics' whole model took
    9 s of a 20 s ceiling, under load): it ends at once, said as stopped by the clock."""
    lp, _, _ = _knapsack()
    lp.solve(time_limit=-0.5)
    assert lp.stopped and lp.nodes_used == 0
    whole, _, _ = _knapsack()
    assert whole.solve(time_limit=600) is not None and not whole.stopped


def test_an_event_s_occurrences_fall_on_different_days(tmp_path):
    # (``lectures_and_one_working_saturday``) X gives one lecture on May's only working
    # Saturday, not both; the other goes to Y or Z, who lead the two centers' six
    # sessions: the fair share is ceil(8 / 3) = 3, so one of them works 4 (load 10),
    # whatever the calendar. A period (May's Saturdays) holds at most its days of the
    # event: one; before, the relaxation put both lectures on that Saturday with X (0).
    p = lectures_and_one_working_saturday(tmp_path)
    w = p.rules.weights
    assert year_lower_bound(p) == w.load
    # a plan of that cost, by hand (one lecture on the Saturday): the bound is the optimum
    cal = lectures_calendar(dt.date(2027, 5, 8))
    team = flow.best_teams(p, cal)
    assert team is not None and team[len(cal) - 2] == ["X"]
    assert polish.plan_objective(p, cal, team) == w.load
    staffed = [s.model_copy(update={"staff_ids": tuple(team[k])}) for k, s in enumerate(cal)]
    assert violations(p.data, 2027, rows_of(SimpleNamespace(sessions=staffed)), p.rules) == []
    # and the solver's plan meets it (the lecture moved to the Saturday, ``polish``)
    _proven_optimal(p, w.load)


def _lead_on_wednesdays(tmp_path, far: bool = True) -> SessionProblem:
    """C1 (友谊路) led at no cost only by E1, of its street, who works Wednesdays and is
    on leave until Saturday 20 February 2027; C2 (罗店, far) by E2, of its street, who
    works every day (``far=False``: C1 and E1 alone). Six sessions each, topics of
    education alone."""
    return _problem(
        tmp_path,
        centers=[center_row("C1", A), *([center_row("C2", FAR)] if far else [])],
        guidance_staff=[{**_person("E1"), "days": "Wed"},
                        *([_person("E2", street=FAR)] if far else [])],
        staff_leave=[dict(staff_id="E1", start="2027-01-01", end="2027-02-20")],
    )


def test_a_lead_s_days_force_the_spacing_the_bound_counts(tmp_path):
    # C1's six sessions with E1 fall on Wednesdays from 24 February to 29 December: 308
    # days, five gaps of whole weeks. An even spread is 365 // 6 = 60 days a gap; a gap
    # of whole weeks short of nothing is at least 63, five of them 315 > 308, so one gap
    # is 56 at most: spacing 4 at least (24 Feb, 28 Apr, 30 Jun, 1 Sep, 3 Nov, 29 Dec
    # has exactly that). Any other lead of C1 is E2: far (5) and not its home lead (8),
    # and one session above the fair share ceil(12 / 2) = 6 (10). C2's sessions cost
    # nothing (E2 works every day). So the optimum is 4; the relaxation counted spacing
    # 0 (every open day has someone: E2), its bound was 0.
    p = _lead_on_wednesdays(tmp_path)
    assert p.home_lead == {"C1": "E1", "C2": "E2"}
    c1 = p.data.centers[0]
    assert spacing_floor(p, c1) == 0
    wednesdays = [d for d in p.open_days(c1) if d in p.available_days["E1"]]
    assert p.date(wednesdays[0]) == dt.date(2027, 2, 24)
    assert least_spacing(p, c1, wednesdays) == 4
    w = p.rules.weights
    assert year_lower_bound(p) == 4 * w.spacing
    _proven_optimal(p, 4 * w.spacing)


def test_the_least_spacing_is_that_of_every_calendar_enumerated(tmp_path):
    # the dynamic program against every choice of three days of a few (fixed draws):
    # an even spread of three sessions is min(365 // 3, 120) = 120 days a gap
    import itertools
    import random

    p = _problem(tmp_path, centers=[center_row("C1", A, n=3)],
                 guidance_staff=[_person("E1")])
    c = p.data.centers[0]
    rnd = random.Random(18)
    for _ in range(60):
        days = sorted(rnd.sample(p.open_days(c), rnd.randint(2, 14)))
        calendars = [ds for ds in itertools.combinations(days, 3)
                     if all(b - a >= 28 for a, b in itertools.pairwise(ds))]
        best = min((sum(max(0, 120 - (b - a)) for a, b in itertools.pairwise(ds))
                    for ds in calendars), default=None)
        assert least_spacing(p, c, days) == best


def test_no_session_falls_on_a_day_no_educator_works(tmp_path):
    # C1 alone with E1 (Wednesdays, on leave until 20 February): its sessions fall on
    # E1's Wednesdays whoever else could come (nobody), so one gap is 56 days at most
    # (the test above): spacing 4; and none is on a weekend, one short of the target
    # round(0.2 * 6) = 1 (weekend). Counted on the open days alone the floor was 0.
    p = _lead_on_wednesdays(tmp_path, far=False)
    w = p.rules.weights
    assert spacing_floor(p, p.data.centers[0]) == 4
    _proven_optimal(p, 4 * w.spacing + w.weekend)


def _in_parts(p: SessionProblem) -> SessionProblem:
    """The same district planned one center a part (``solve.calendar_groups``)."""
    return SessionProblem(data=p.data, year=2027,
                          rules=SessionRules(decompose_above=1, part_size=1))


def test_a_district_planned_in_parts_has_the_year_s_bound_of_its_parts(tmp_path):
    # ``_lead_on_wednesdays`` (the optimum is 4, counted by hand in the test above: C1's
    # spacing on E1's Wednesdays) planned in two parts, C1's and C2's. Before, the bound
    # of a district planned in parts was the team bound alone (0): spacing counts 0 there.
    # Each part's relaxation alone, E2 pooled in C1's (far) and E1 in C2's, still sees C1's
    # spacing; the plan meets it, so it is proven optimal, and no plan is below it.
    p = _in_parts(_lead_on_wednesdays(tmp_path))
    groups = calendar_groups(p)
    assert [[c.center_id for c in g] for g in groups] == [["C1"], ["C2"]]
    w = p.rules.weights
    assert team_bound(p) == 0
    assert parts_lower_bound(p, groups) == 4 * w.spacing
    plan = plan_sessions(p, SolveParams(time_limit=5, workers=2))
    assert violations(p.data, 2027, rows_of(plan)) == []
    assert plan.bound == 4 * w.spacing <= plan.objective
    assert any(f.code == "sessions.decomposed" for f in plan.findings)


def test_the_bound_of_a_district_in_parts_waits_for_no_ceiling(tmp_path):
    # no seconds left (the plan's wall-clock ceiling reached): the parts' relaxation is
    # not solved, the bound is the team bound
    p = _in_parts(_lead_on_wednesdays(tmp_path))
    assert parts_lower_bound(p, calendar_groups(p), seconds=0.0) is None
    assert whole_bound(p, None, seconds=0.0) == team_bound(p) == 0
    assert whole_bound(p, None) == 4 * p.rules.weights.spacing


def test_the_relaxation_is_not_started_with_less_than_its_seconds_left(tmp_path):
    """Under a ceiling, the year's relaxation starts only with ``RELAXATION_MIN_SECONDS``
    of it left (its program's building is not bounded by HiGHS's limit: 1.7 s on the
    bundled year under load, started 0.2 s before the ceiling); the plan keeps the team
    bound. With the ceiling's seconds left it is solved (the test below)."""
    import importlib

    sessions_solve = importlib.import_module("tuoyu.optimizer.sessions.solve")

    class NearlyOver(Clock):  # the solves as with a far ceiling; 1.5 s left for the bound
        def ceiling_left(self) -> float:
            return 1.5

    assert sessions_solve.RELAXATION_MIN_SECONDS > 1.5
    p = _in_parts(_lead_on_wednesdays(tmp_path))
    plan = plan_sessions(p, SolveParams(time_limit=5, workers=2,
                                        clock=NearlyOver(60.0, reserve=1.0)))
    assert violations(p.data, 2027, rows_of(plan)) == []
    assert plan.bound == team_bound(p) == 0 < 4 * p.rules.weights.spacing <= plan.objective


@pytest.mark.heavy
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(d=districts())
def test_the_parts_bound_is_below_every_plan(tmp_path_factory, d):
    tables = {k: v for k, v in d.items() if v is not None}
    p = _in_parts(_problem(tmp_path_factory.mktemp("pb") / "d", **tables))
    plan = plan_sessions(p, SolveParams(time_limit=3, workers=2))
    if plan.objective is None:
        return  # no plan (the rules clash): nothing to bound
    assert violations(p.data, 2027, rows_of(plan)) == []
    parts = parts_lower_bound(p, calendar_groups(p))
    assert parts is None or parts <= plan.objective + 1e-6
    assert plan.bound <= plan.objective + 1e-6


def test_the_parts_pay_for_the_places_they_share(tmp_path):
    # C1 (友谊路) and C2 (a neighbouring street), four sessions each, education topics
    # only, each its own part; no cost for a lead other than the home one, a far trip
    # 20. E1 lives in 友谊路 and works every day; E2 and E3 live far from both. The fair
    # share is ceil(8 / 3) = 3, each place above it 10 (less than a far trip): E1 leads
    # all eight, 50 of load and C2's four neighbour trips, 54; each session given to a
    # far person saves at most 11 and costs 20. So every plan costs at least 54 (the
    # team bound sees it). Each part alone, every person's places whole, sees no load:
    # 0 and 4. Priced (E1's places at their load, 10), C1 pays 40 and C2 44, and the
    # load E1 then pays at least less that price is taken back (3 places free: -30): 54.
    p = _problem(
        tmp_path, SessionRules(decompose_above=1, part_size=1,
                               weights=SessionWeights(far=20, extra_lead=0)),
        centers=[center_row("C1", A, n=4), center_row("C2", "310113007", n=4)],
        guidance_staff=[_person("E1"), _person("E2", street=FAR), _person("E3", street=FAR)],
    )
    groups = calendar_groups(p)
    assert len(groups) == 2
    w = p.rules.weights
    best = 5 * w.load + 4 * w.neighbour
    assert parts_lower_bound(p, groups, priced=False) == 4 * w.neighbour
    assert parts_lower_bound(p, groups) == best == team_bound(p)
    plan = plan_sessions(p, SolveParams(time_limit=5, workers=2))
    assert violations(p.data, 2027, rows_of(plan), p.rules) == []
    assert best <= plan.objective


def test_the_bound_uses_the_seconds_kept_for_it_before_the_ceiling(tmp_path):
    # the solves end at once (the clock keeps all its 60 s for what follows them),
    # the plan is finished from its first calendar; the parts' relaxation still has the
    # ceiling's seconds left and is solved: the bound is above the team bound (0)
    p = _in_parts(_lead_on_wednesdays(tmp_path))
    plan = plan_sessions(p, SolveParams(time_limit=5, workers=2,
                                        clock=Clock(60.0, reserve=1.0)))
    assert violations(p.data, 2027, rows_of(plan)) == []
    assert plan.bound == 4 * p.rules.weights.spacing <= plan.objective


def test_a_sized_node_limit_gives_a_larger_model_fewer_nodes(monkeypatch):
    """Issue 18: the improvement's MIPs' work limit counts nodes of a model of
    ``NODE_NONZEROS`` nonzeros (a node of a larger model costs more): the knapsack's 600
    nonzeros against 60 get a tenth of the nodes, the same point every run; a model at
    most that size gets them all."""
    from tuoyu.optimizer.sessions import bound

    lp, _, _ = _knapsack()
    assert len(lp.ent) == 600
    assert lp.solve(time_limit=600, nodes=bound.SizedNodes(50)) is not None
    assert lp.nodes_used > 5 and not lp.limited  # 600 nonzeros: all 50 nodes, not needed
    monkeypatch.setattr(bound, "NODE_NONZEROS", 60)
    got = []
    for _ in range(2):
        lp, _, _ = _knapsack()
        res = lp.solve(time_limit=600, nodes=bound.SizedNodes(50))
        assert res is not None and lp.limited and lp.nodes_used <= 6
        got.append([round(v) for v in res[1]])
    assert got[0] == got[1]
    plain, _, _ = _knapsack()
    assert plain.solve(time_limit=600, nodes=50) is not None
    assert not plain.limited  # a plain limit is not scaled
    assert bound.nodes_by_size(50, 10**9) == 1  # the root at least
