"""A good starting roster for the teams stage, day by day (a hint only).

The month's teams model is large; its solver proves an optimum at once when it starts
from a roster whose cost reaches the proven floor (:mod:`.bound`), but it can take long
to find one. This builds such a roster one day at a time, in the order of the month:
each day is a small CP-SAT model with every hard rule of that day (the full rule
registry, on a problem of that day's visits), the inspectors' monthly limits reduced by
what the earlier days used, and a cost of the day's soft goals plus visits above an
inspector's fair share of the month, then a preference for the least used inspectors.
It is solved on one worker with a fixed time limit: deterministic, and the roster only
ever serves as a hint; the answer never depends on it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from tuoyu.optimizer.roster.model import build_model
from tuoyu.optimizer.roster.problem import RosterProblem

LOCAL_GOALS = ("return_to_last_institution", "extra_team_member", "team_day_in_far_streets")


def day_by_day_roster(
    problem: RosterProblem,
    day_of: dict[int, int],
    allowed: dict[int, set[int]] | None,
    seconds_per_day: float = 2.0,
) -> set[tuple[int, int]] | None:
    """(visit, inspector) pairs of a roster that keeps every rule, or None when a day
    finds no teams with what the earlier days left."""
    r, w = problem.rules, problem.rules.weights
    people = problem.inspectors
    at_work = [p for p, i in enumerate(people) if problem.available[i.inspector_id]]
    fair = math.ceil(r.min_team * len(problem.visits) / max(1, len(at_work)))
    used: dict[int, int] = defaultdict(int)
    chosen: set[tuple[int, int]] = set()
    by_day: dict[int, list[int]] = defaultdict(list)
    for v, k in day_of.items():
        by_day[k].append(v)
    for k in sorted(by_day):
        vs = sorted(by_day[k])
        sub = replace(
            problem,
            visits=tuple(problem.visits[v] for v in vs),
            inspectors=tuple(
                i.model_copy(update={"max_per_month": max(0, i.max_per_month - used[p])})
                for p, i in enumerate(people)
            ),
        )
        sub_allowed = None if allowed is None else {j: allowed[v] for j, v in enumerate(vs)}
        rm = build_model(sub, day_of=dict.fromkeys(range(len(vs)), k), allowed=sub_allowed)
        m, a = rm.model, rm.var.a
        load: dict[int, list] = defaultdict(list)
        for (_j, p), var in a.items():
            load[p].append(var)
        above = []
        for p, vars_ in load.items():
            e = m.new_int_var(0, len(vars_), f"above_{p}")
            m.add(e >= cp_model.LinearExpr.sum(vars_) - max(0, fair - used[p]))
            above.append(e)
        local = cp_model.LinearExpr.weighted_sum(
            [rm.soft[g] for g in LOCAL_GOALS], [getattr(w, g) for g in LOCAL_GOALS]
        )
        spread = cp_model.LinearExpr.weighted_sum(list(a.values()), [used[p] for (_j, p) in a])
        big = 3 * len(vs) * (max(used.values(), default=0) + 1) + 1
        m.minimize(
            big * (local + w.load_above_fair_share * cp_model.LinearExpr.sum(above)) + spread
        )
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = seconds_per_day
        if solver.solve(m) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        for (j, p), var in a.items():
            if solver.boolean_value(var):
                chosen.add((vs[j], p))
                used[p] += 1
    return chosen
