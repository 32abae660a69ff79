"""The roster's lower bound on fixed days (``tuoyu.optimizer.roster.bound``): the least
team of a pool equals the smallest team found by trying every subset; and on tiny
random months the floor never exceeds the cost of any roster that keeps the rules on
those days, every roster tried here by brute force (no roster: the floor may say so,
never the other way round)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from roster_instances import ALL, data, every_roster, fits_team, insp, inst

from tuoyu.models.inspection import PastInspection
from tuoyu.optimizer.roster import build_problem
from tuoyu.optimizer.roster.bound import far_apart, least_team, soft_floor
from tuoyu.optimizer.roster.score import soft_values, weighted_cost

SKILLS = ["safety", "hygiene", "safety;hygiene"]
_person = st.tuples(st.sampled_from(["卫健", "市监", "消防"]), st.sampled_from(SKILLS),
                    st.integers(1, 2), st.integers(1, 3))


def _pools(pairs, visits: int) -> dict[int, list[int]]:
    return {v: sorted(p for w, p in pairs if w == v) for v in range(visits)}


def _month(people, last_team=()):
    inspectors = [insp(f"P{k}", dept, skills, per_month=pm, per_day=pd)
                  for k, (dept, skills, pd, pm) in enumerate(people)]
    history = [PastInspection(institution_id="A", date=__import__("datetime").date(2026, 3, 2),
                              outcome="pass", inspector_ids=tuple(last_team))]
    d = data([inst("A", "S1"), inst("B", "S2"), inst("C", "S1")], inspectors, history=history)
    return build_problem(d, 2026, 6, 7, ALL)


@settings(max_examples=40, deadline=None)
@given(st.lists(_person, min_size=1, max_size=6), st.data())
def test_the_least_team_is_the_smallest_subset_that_covers_skills_and_departments(
        people, draw) -> None:
    problem = _month(people)
    pool = sorted(draw.draw(st.sets(st.integers(0, len(people) - 1))))
    r = problem.rules
    smallest = next((n for n in range(r.min_team, r.max_team + 1)
                     if any(fits_team(problem, t) for t in itertools.combinations(pool, n))), None)
    assert least_team(problem, pool) == smallest


def test_a_pool_without_a_second_department_has_no_team() -> None:
    problem = _month([("卫健", "safety;hygiene", 2, 3)] * 3)
    assert least_team(problem, [0, 1, 2]) is None


def test_three_are_needed_when_no_two_cover_the_skills_and_departments() -> None:
    # the two skills only in two people of 卫健: the second department is a third person
    problem = _month([("卫健", "safety", 2, 3), ("卫健", "hygiene", 2, 3), ("市监", "law", 2, 3)])
    assert least_team(problem, [0, 1, 2]) == 3
    assert least_team(problem, [0, 2]) is None



@settings(max_examples=30, deadline=None)
@given(st.lists(_person, min_size=2, max_size=5), st.lists(st.integers(0, 1), min_size=3,
       max_size=3), st.sets(st.integers(0, 4), max_size=2))
def test_the_floor_is_below_every_roster_on_those_days(people, days, last) -> None:
    problem = _month(people, [f"P{k}" for k in sorted(last)])
    assert len(problem.visits) == 3
    day_of = dict(enumerate(days))
    pairs = [(v, p) for v in range(3) for p in range(len(people))]
    costs = [weighted_cost(problem, soft_values(problem, rows))
             for _, rows in every_roster(problem, day_of, _pools(pairs, 3))]
    floor = soft_floor(problem, day_of, pairs)
    if floor is None:
        assert costs == []
    else:
        assert all(floor.total <= c for c in costs)
        if costs:  # the busiest day is fixed with the days: its part is exact
            busiest = max(days.count(0), days.count(1))
            assert floor.busiest == problem.rules.weights.busiest_day * busiest


def test_far_apart_is_neither_the_same_street_nor_a_neighbour() -> None:
    problem = _month([("卫健", "safety;hygiene", 2, 3)])
    assert not far_apart(problem, "S1", "S1")
    assert not far_apart(problem, "S1", "S2")
    assert far_apart(problem, "S1", "S9")
