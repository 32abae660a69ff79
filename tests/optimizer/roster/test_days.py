"""The roster's days (``tuoyu.optimizer.roster.days``): the days a visit may fall on and
what each day can staff, by hand; and on tiny random months the exact days equal a
brute force over every placement of the visits: the busiest day as low as it can be,
then the least priority sum, unique exactly when no other placement ties."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from roster_instances import ALL, data, insp, inst

from tuoyu.models.inspection import Conflict, Leave
from tuoyu.optimizer.roster import build_problem
from tuoyu.optimizer.roster.days import day_candidates, day_capacity, exact_days

D = dt.date


def _june(people, leave=(), conflicts=(), institutions=None):
    institutions = institutions or [inst("A"), inst("B"), inst("C", "S2")]
    return build_problem(data(institutions, people, leave=leave, conflicts=conflicts),
                         2026, 6, 7, ALL)


def test_a_day_staffs_what_its_people_and_its_skilled_people_can() -> None:
    leave = [Leave(person_id="P3", start=D(2026, 6, 1), end=D(2026, 6, 29))]
    problem = _june([insp("P1", "卫健", per_day=2), insp("P2", "市监", skills="hygiene", per_day=2),
                     insp("P3", "消防", per_day=2)], leave=leave)
    caps = day_capacity(problem)
    # to the 29th: 4 person-visits a day make 2 teams, safety only from P1 (2)
    # the 30th: 6 make 3 teams, safety from P1 and P3 (4): 3
    assert caps[:-1] == [2] * (len(problem.days) - 1) and caps[-1] == 3


def test_a_visit_falls_only_on_days_with_a_team_free_of_its_conflicts() -> None:
    leave = [Leave(person_id="P3", start=D(2026, 6, 1), end=D(2026, 6, 12))]
    conflicts = [Conflict(inspector_id="P1", institution_id="B")]
    problem = _june([insp("P1", "卫健"), insp("P2", "市监"), insp("P3", "消防")], leave, conflicts)
    cand = day_candidates(problem)
    b = next(v for v, x in enumerate(problem.visits) if x.institution_id == "B")
    a = next(v for v, x in enumerate(problem.visits) if x.institution_id == "A")
    assert cand[a] == list(range(len(problem.days)))
    assert [problem.days[k] for k in cand[b]] == [d for d in problem.days if d > D(2026, 6, 12)]


def test_a_follow_up_falls_by_its_deadline() -> None:
    problem = _june([insp("P1", "卫健"), insp("P2", "市监")])
    visits = list(problem.visits)
    visits[0] = replace(visits[0], deadline=D(2026, 6, 3))
    cand = day_candidates(replace(problem, visits=tuple(visits)))
    assert [problem.days[k] for k in cand[0]] == [D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 3)]


def _brute(cand, caps, cost):
    best = None
    ties = 0
    for days in itertools.product(*(cand[v] for v in sorted(cand))):
        load = [days.count(k) for k in range(len(caps))]
        if any(n > c for n, c in zip(load, caps, strict=True)):
            continue
        key = (max(load), sum(cost[v, k] for v, k in enumerate(days)))
        if best is None or key < best:
            best, ties = key, 1
        elif key == best:
            ties += 1
    return best, ties


_window = st.tuples(st.integers(1, 30), st.integers(0, 29))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["卫健", "市监", "消防"]), st.integers(1, 2), _window),
                min_size=2, max_size=3), st.integers(0, 2**32 - 1))
def test_the_exact_days_are_the_best_placement_of_every_visit(people, seed) -> None:
    inspectors = [insp(f"P{k}", dept, per_day=pd) for k, (dept, pd, _) in enumerate(people)]
    leave = [Leave(person_id=f"P{k}", start=D(2026, 6, min(s, 30)),
                   end=D(2026, 6, min(30, s + n))) for k, (_, _, (s, n)) in enumerate(people)]
    problem = _june(inspectors, leave)
    # only a few days, so that days fill up and placements tie
    problem = replace(problem, days=problem.days[:3] if seed % 2 else problem.days[:4])
    problem = replace(problem, available={p: tuple(d for d in days if d in problem.days)
                                          for p, days in problem.available.items()})
    rnd = random.Random(seed)
    cost = {(v, k): rnd.randint(0, 2) for v in range(len(problem.visits))
            for k in range(len(problem.days))}
    flow = exact_days(problem, cost)
    best, ties = _brute(day_candidates(problem), day_capacity(problem), cost)
    if best is None:
        assert flow.day_of is None
        return
    assert (flow.busiest, flow.cost) == best
    assert flow.unique == (ties == 1)
    days = [flow.day_of[v] for v in range(len(problem.visits))]
    assert max(days.count(k) for k in set(days)) == flow.busiest
    assert sum(cost[v, k] for v, k in enumerate(days)) == flow.cost
    cand = day_candidates(problem)
    assert all(k in cand[v] for v, k in enumerate(days))
