"""The roster's soft goals counted on its rows (``tuoyu.optimizer.roster.score``): each
goal on hand-made rows whose value is counted here by hand, and on random rows equal to
the independent scorer of the tests (``roster_check.score_roster``)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from roster_check import score_roster
from roster_instances import ALL, data, insp, inst

from tuoyu.models.inspection import PastInspection, Street
from tuoyu.optimizer.roster import RosterRules, build_problem
from tuoyu.optimizer.roster.goals import RosterWeights
from tuoyu.optimizer.roster.problem import RosterRow
from tuoyu.optimizer.roster.score import (
    busiest_day,
    extra_team_members,
    far_street_days,
    load_above_fair_share,
    returns_to_last_institution,
    soft_values,
    weighted_cost,
)

D = dt.date
THREE_STREETS = (  # S1 - S2 - S3 in a row: S1 and S3 are far apart
    Street(street_id="S1", name="一街", neighbours=("S2",)),
    Street(street_id="S2", name="二街", neighbours=("S1", "S3")),
    Street(street_id="S3", name="三街", neighbours=("S2",)),
)
PEOPLE = [insp("P1", "卫健"), insp("P2", "市监"), insp("P3", "消防"),
          insp("P4", "教育", per_day=1)]
HISTORY = [PastInspection(institution_id="A", date=D(2026, 3, 2), outcome="pass",
                          inspector_ids=("P1", "P2"))]
DATA = data([inst("A", "S1"), inst("B", "S3"), inst("C", "S2")], PEOPLE, history=HISTORY,
            streets=THREE_STREETS)


def _problem(rules: RosterRules = ALL):
    return build_problem(DATA, 2026, 6, 7, rules)


def _row(day: int, iid: str, street: str, *team: str) -> RosterRow:
    return RosterRow(D(2026, 6, day), iid, street, tuple(team), "drawn")


def test_a_member_of_the_last_team_returning_counts_once_each() -> None:
    rows = [_row(1, "A", "S1", "P1", "P3"), _row(2, "B", "S3", "P1", "P2")]
    assert returns_to_last_institution(_problem(), rows) == 1
    both = [_row(1, "A", "S1", "P2", "P1", "P3")]
    assert returns_to_last_institution(_problem(), both) == 2
    rules = RosterRules(draw_share=1.0, avoid_last_team=False)
    assert returns_to_last_institution(_problem(rules), both) == 0


def test_members_beyond_the_least_team_are_counted() -> None:
    rows = [_row(1, "A", "S1", "P1", "P3", "P4"), _row(2, "B", "S3", "P1", "P2")]
    assert extra_team_members(_problem(), rows) == 1


def test_a_day_in_two_far_streets_counts_per_inspector_who_may_do_two() -> None:
    rows = [_row(1, "A", "S1", "P1", "P4"), _row(1, "B", "S3", "P1", "P4"),  # P4: one a day
            _row(2, "A", "S1", "P2", "P3"), _row(2, "C", "S2", "P2", "P3")]  # neighbours
    assert far_street_days(_problem(), rows) == 1  # P1 on June 1


def test_visits_above_the_fair_share_are_counted() -> None:
    # 3 visits x 2 = 6 inspector-visits over 4 at work: a fair share of 2 each
    rows = [_row(1, "A", "S1", "P1", "P3"), _row(2, "B", "S3", "P1", "P2"),
            _row(3, "C", "S2", "P1", "P2")]
    assert load_above_fair_share(_problem(), rows) == 1


def test_the_busiest_day_is_the_most_visits_on_one_day() -> None:
    rows = [_row(1, "A", "S1", "P1", "P3"), _row(3, "B", "S3", "P1", "P2"),
            _row(3, "C", "S2", "P3", "P4")]
    assert busiest_day(_problem(), rows) == 2
    assert busiest_day(_problem(), []) == 0


def test_the_cost_is_each_value_times_its_weight() -> None:
    w = RosterWeights(return_to_last_institution=7, extra_team_member=5,
                      team_day_in_far_streets=3, load_above_fair_share=2, busiest_day=1)
    problem = _problem(RosterRules(draw_share=1.0, weights=w))
    values = {"return_to_last_institution": 1, "extra_team_member": 2,
              "team_day_in_far_streets": 3, "load_above_fair_share": 4, "busiest_day": 5}
    assert weighted_cost(problem, values) == 7 + 10 + 9 + 8 + 5


PROBLEM = _problem()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 21), st.sets(st.sampled_from(["P1", "P2", "P3", "P4"]),
                                                      min_size=2, max_size=3)),
                min_size=3, max_size=3))
def test_the_goals_of_any_roster_are_the_independent_scorers(visits) -> None:
    """One row per visit of the month, on any day with any team of two or three."""
    days = PROBLEM.days
    rows = [RosterRow(days[d % len(days)], v.institution_id, v.street_id, tuple(sorted(t)),
                      v.reason) for v, (d, t) in zip(PROBLEM.visits, visits, strict=True)]
    assert soft_values(PROBLEM, rows) == score_roster(rows, DATA, 2026, 6, ALL)
