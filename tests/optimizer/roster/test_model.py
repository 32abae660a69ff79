"""The roster's CP-SAT model (``tuoyu.optimizer.roster.model``), solved on tiny months:
the roster read off its variables keeps every hard rule (the independent checker of the
tests), and its soft goals' expressions are the goals counted on that roster (the
independent scorer); with every rule behind an assumption there is one per rule and
per reason a visit is there; the tie-breaking priorities are SHA-256 of the seed and
what they are for, recomputed here."""

from __future__ import annotations

import datetime as dt
import hashlib

from ortools.sat.python import cp_model
from roster_check import check_roster, score_roster
from roster_instances import ALL, data, insp, inst

from tuoyu.models.inspection import PastInspection
from tuoyu.optimizer.roster import HARD_RULES, build_problem
from tuoyu.optimizer.roster.model import (
    as_sum,
    build_model,
    day_coefficients,
    team_priority_terms,
)
from tuoyu.optimizer.roster.problem import RosterRow

PEOPLE = [insp("P1", "卫健"), insp("P2", "市监"), insp("P3", "消防", skills="safety"),
          insp("P4", "卫健", per_day=1)]
HISTORY = [PastInspection(institution_id="A", date=dt.date(2026, 5, 20), outcome="rectify",
                          inspector_ids=("P1", "P2"))]
DATA = data([inst("A"), inst("B", "S2"), inst("C")], PEOPLE, history=HISTORY)
PROBLEM = build_problem(DATA, 2026, 6, 7, ALL)


def _solve(model: cp_model.CpModel) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    assert solver.solve(model) == cp_model.OPTIMAL
    return solver


def _rows(rm, solver) -> list[RosterRow]:  # noqa: ANN001
    out = []
    for v, visit in enumerate(PROBLEM.visits):
        (k,) = [k for (w, k), x in rm.var.x.items() if w == v and solver.value(x)]
        team = tuple(sorted(PROBLEM.inspectors[p].inspector_id for (w, p), a in rm.var.a.items()
                            if w == v and solver.value(a)))
        out.append(RosterRow(PROBLEM.days[k], visit.institution_id, visit.street_id, team,
                             visit.reason))
    return out


def test_the_roster_off_the_model_keeps_the_rules_and_its_goals_are_counted() -> None:
    rm = build_model(PROBLEM)
    w = PROBLEM.rules.weights
    rm.model.minimize(sum(getattr(w, k) * e for k, e in rm.soft.items()))
    solver = _solve(rm.model)
    rows = _rows(rm, solver)
    assert check_roster(rows, DATA, 2026, 6, ALL) == []
    counted = score_roster(rows, DATA, 2026, 6, ALL)
    assert {k: int(solver.value(e)) for k, e in rm.soft.items()} == counted  # at the optimum
    assert next(r for r in rows if r.institution_id == "A").date <= dt.date(2026, 6, 19)


def test_every_rule_and_reason_behind_an_assumption() -> None:
    rm = build_model(PROBLEM, explain=True)
    reasons = {f"visits:{v.reason}" for v in PROBLEM.visits}
    assert set(rm.lits) == set(HARD_RULES) | reasons
    _solve(rm.model)  # a month that can be made: every assumption holds together


def _priority(seed: int, *parts: object) -> int:
    text = "|".join([str(seed), *map(str, parts)])
    return 1 + int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") % (1 << 16)


def test_the_priorities_are_the_seeds_hashes() -> None:
    rm = build_model(PROBLEM)
    for var, coef in team_priority_terms(PROBLEM, rm.var):
        (v, p), = [key for key, a in rm.var.a.items() if a is var]
        assert coef == _priority(7, "team", PROBLEM.visits[v].institution_id,
                                 PROBLEM.inspectors[p].inspector_id)
    keys = [(0, 0), (1, 3)]
    assert day_coefficients(PROBLEM, keys) == [
        _priority(7, "day", PROBLEM.visits[v].institution_id, PROBLEM.days[k].isoformat())
        for v, k in keys]
    terms = team_priority_terms(PROBLEM, rm.var)[:3]
    m = rm.model
    m.minimize(as_sum(terms))
    solver = _solve(m)
    assert solver.objective_value == sum(c * solver.value(x) for x, c in terms)
