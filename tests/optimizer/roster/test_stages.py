"""The steps of a roster solve (``tuoyu.optimizer.roster.stages``): the proof that an
optimum is the only one, on models small enough to list every solution; the days as the
exact flow gives them; the inspectors' shortlists drawn by the seed (recomputed here
with SHA-256), widened to every skill and department; and the greedy roster, every team
of which keeps the hard rules (and, as a hint, the soft ones) on random small months."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model
from roster_instances import ALL, data, insp, inst

from tuoyu.models.inspection import Conflict, PastInspection
from tuoyu.optimizer.roster import build_problem
from tuoyu.optimizer.roster.bound import far_apart
from tuoyu.optimizer.roster.stages import Run, greedy_teams, plan_days, prove_unique, shortlists
from tuoyu.optimizer.solve import SolveParams, Status

PARAMS = SolveParams(time_limit=10, workers=1)


def _prove(priorities: list[int], chosen: list[int]) -> bool | None:
    """One of the literals is set (exactly one), the priorities summed are minimised."""
    m = cp_model.CpModel()
    xs = [m.new_bool_var(f"x{k}") for k in range(len(priorities))]
    m.add_exactly_one(xs)
    tie = list(zip(xs, priorities, strict=True))
    verdict, stage = prove_unique(m, tie, {xs[k].index for k in chosen}, PARAMS, Run(), "proof")
    assert stage.stage == "proof"
    return verdict


def test_the_only_optimum_is_proven_and_a_tie_is_found() -> None:
    assert _prove([3, 1, 2], [1]) is True
    assert _prove([3, 1, 1], [1]) is False  # x2 has the same priority
    assert _prove([2, 5], [0]) is True


def test_the_days_are_the_exact_flows() -> None:
    d = data([inst("A"), inst("B"), inst("C", "S2")], [insp("P1", "卫健"), insp("P2", "市监")])
    problem = build_problem(d, 2026, 6, 7, ALL)
    seen = []
    days = plan_days(problem, PARAMS, Run(progress=seen.append))
    assert days.optimal and days.day_of is not None and len(days.day_of) == 3
    assert days.stages[0].status == Status.OPTIMAL and seen and seen[0].stage == "days"
    per_day = Counter(days.day_of.values())
    assert max(per_day.values()) == 1  # two inspectors, one a day each: one visit a day


def _hash_rank(seed: int, iid: str, pid: str) -> int:
    digest = hashlib.sha256(f"{seed}|shortlist|{iid}|{pid}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def test_a_shortlist_is_drawn_by_the_seed_and_widened_to_every_skill() -> None:
    people = [insp(f"P{k}", ["卫健", "市监", "消防"][k % 3],
                   skills="safety" if k < 7 else "hygiene") for k in range(9)]
    history = [PastInspection(institution_id="A", date=dt.date(2026, 3, 1),
                              outcome="pass", inspector_ids=("P0", "P1"))]
    d = data([inst("A")], people, conflicts=[Conflict(inspector_id="P2", institution_id="A")],
             history=history)
    problem = build_problem(d, 2026, 6, 99, ALL)
    (short,) = shortlists(problem, {0: 0}, size=3).values()
    ids = {problem.inspectors[p].inspector_id for p in short}
    pool = [f"P{k}" for k in range(9) if k != 2]  # P2 recused
    ranked = sorted(pool, key=lambda pid: (pid in ("P0", "P1"), -_hash_rank(99, "A", pid)))
    expected = set(ranked[:3])
    if not expected & {"P7", "P8"}:  # no hygiene: the first of it in draw order joins
        expected.add(next(p for p in ranked if p in ("P7", "P8")))
    assert ids >= expected and "P2" not in ids
    assert len({problem.inspectors[p].department for p in short}) >= 2
    assert shortlists(problem, {0: 0}, size=None) is None


_person = st.tuples(st.sampled_from(["卫健", "市监", "消防"]),
                    st.sampled_from(["safety", "hygiene", "safety;hygiene"]),
                    st.integers(1, 2), st.integers(1, 6))


@settings(max_examples=30, deadline=None)
@given(st.lists(_person, min_size=2, max_size=6), st.integers(2, 6), st.integers(0, 99),
       st.booleans())
def test_every_greedy_team_keeps_the_rules(people, n, seed, soft) -> None:  # noqa: ANN001
    inspectors = [insp(f"P{k}", dept, skills, per_day=pd, per_month=pm)
                  for k, (dept, skills, pd, pm) in enumerate(people)]
    d = data([inst(f"I{k}", "S1" if k % 2 else "S2") for k in range(n)], inspectors)
    problem = build_problem(d, 2026, 6, seed, ALL)
    days = plan_days(problem, PARAMS)
    if days.day_of is None:
        return
    chosen = greedy_teams(problem, days.day_of, None, soft=soft)
    teams: dict[int, list[int]] = defaultdict(list)
    for v, p in chosen:
        teams[v].append(p)
    r, insps = problem.rules, problem.inspectors
    per_day, per_month = Counter(), Counter()
    streets: dict[tuple[int, int], set[str]] = defaultdict(set)
    for v, team in teams.items():
        k = days.day_of[v]
        visit = problem.visits[v]
        assert r.min_team <= len(team) <= r.max_team
        assert all(any(s in insps[p].skills for p in team) for s in r.required_skills)
        assert len({insps[p].department for p in team}) >= r.min_departments
        for p in team:
            assert problem.days[k] in problem.available[insps[p].inspector_id]
            per_day[p, k] += 1
            per_month[p] += 1
            streets[p, k].add(visit.street_id)
            if soft:
                assert insps[p].inspector_id not in visit.last_team
    assert all(n <= insps[p].max_per_day for (p, _k), n in per_day.items())
    assert all(n <= insps[p].max_per_month for p, n in per_month.items())
    if soft:
        assert not any(far_apart(problem, a, b) for ss in streets.values() for a in ss
                       for b in ss)
