"""Properties over random small weeks: every hard rule holds on the output rows, and a
due family left out is named with a reason; a "no slot" reason is true (recomputed here
from the tables: no half-day of the family within its window has free staff of each
needed discipline)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from visits_check import due_unvisited, second_visits_by_others, tiny_dataset, violations

from tuoyu.optimizer.solve import Status
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import VisitParams
from tuoyu.planning.visits import run

WEEK = dt.date(2027, 3, 1)
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
DISCIPLINES = ("education", "medical", "psychology")

person = st.fixed_dictionaries({
    "discipline": st.sampled_from(DISCIPLINES),
    "visit_days": st.lists(st.sampled_from(DAYS[:5]), min_size=1, max_size=3, unique=True),
    "max_visits_per_day": st.integers(1, 3),
    "base_lon": st.floats(121.40, 121.50), "base_lat": st.floats(31.35, 31.45),
})
family = st.fixed_dictionaries({
    "needs": st.lists(st.sampled_from(DISCIPLINES), min_size=1, max_size=2, unique=True),
    "halves": st.lists(st.tuples(st.sampled_from(DAYS), st.sampled_from(("AM", "PM"))),
                       min_size=1, max_size=4, unique=True),
    "registered": st.integers(0, 30),  # days before the week
    "lon": st.floats(121.40, 121.50), "lat": st.floats(31.35, 31.45),
    "earlier": st.sampled_from(("", "", "S0", "S1", "S2;S3")),  # a second visit: who before
})


def _free(staff: list[dict], day: dt.date) -> list[dict]:
    return [s for s in staff if DAYS[day.weekday()] in s["visit_days"]] \
        if day.weekday() < 6 else []


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(person, min_size=1, max_size=4), st.lists(family, min_size=1, max_size=6))
def test_rules_hold_and_every_left_out_due_family_is_explained(staff, families) -> None:
    staff_rows = [{"staff_id": f"S{i}", "discipline": s["discipline"],
                   "visit_days": ";".join(s["visit_days"]),
                   "max_visits_per_day": s["max_visits_per_day"],
                   "base_lon": f"{s['base_lon']:.4f}", "base_lat": f"{s['base_lat']:.4f}"}
                  for i, s in enumerate(staff)]
    fam_rows = []
    for i, f in enumerate(families):
        reg = WEEK - dt.timedelta(days=f["registered"])
        fam_rows.append({"family_id": f"F{i}", "birth_date": (reg - dt.timedelta(days=10))
                         .isoformat(), "registered_on": reg.isoformat(),
                         "needs": ";".join(f["needs"]),
                         "half_days": ";".join(f"{d} {h}" for d, h in f["halves"]),
                         "lon": f"{f['lon']:.4f}", "lat": f"{f['lat']:.4f}",
                         "earlier_visitors": f["earlier"]})
    with tempfile.TemporaryDirectory() as tmp:
        folder = tiny_dataset(Path(tmp), staff=staff_rows, families=fam_rows)
        p = run(Dataset.at(folder), VisitParams(week=WEEK, iterations=150))
        assert violations(folder, p.rows, WEEK) == []
        missing = due_unvisited(folder, p.rows, WEEK)
        others = second_visits_by_others(folder, p.rows)
    goal = {g.code: g.value for g in p.soft_goals}
    assert goal["visits.goal.other_person"] == len(others)  # counted on the written rows
    # a family not yet due is left out only for a reason other than the search's
    assert not [f for f in p.findings if f.code == "visits.later.not_fitted"]
    named = {f.params.get("family_id"): f.code for f in p.findings}
    short = any(f.code == "visits.discipline_short" for f in p.findings)
    if not missing:
        assert p.status in (Status.FEASIBLE, Status.OPTIMAL)
        return
    # a proof (infeasible), or the search's best plan with the families it left out named
    # and the target unmet (feasible), or no visit at all (time_limit)
    assert p.status in (Status.INFEASIBLE, Status.FEASIBLE, Status.TIME_LIMIT)
    assert p.status is not Status.TIME_LIMIT or not p.rows
    assert p.status is not Status.INFEASIBLE or not p.rows  # a week with visits is a plan
    assert not next(t for t in p.targets if t.code == "visits.target.due_visited").met
    for fid in missing:
        assert fid in named or short, fid
        if named.get(fid) == "visits.family_no_slot":  # the reason is true
            f = families[int(fid[1:])]
            reg = WEEK - dt.timedelta(days=f["registered"])
            first, last = reg + dt.timedelta(days=1), reg + dt.timedelta(days=28)
            for k in range(7):
                day = WEEK + dt.timedelta(days=k)
                if not first <= day <= last or (DAYS + ("Sun",))[k] not in \
                        {d for d, _ in f["halves"]}:
                    continue
                free = {s["discipline"] for s in _free(staff, day)}
                assert not set(f["needs"]) <= free, (fid, day)


def test_the_iterations_are_the_planner_s_at_most_what_the_work_pays_for() -> None:
    """``iterations_within``: work / clients iterations (counted, never timed), never more
    than the planner asked, never none; without a work budget, the planner's."""
    from tuoyu.optimizer.visits.solve import RoutingParams, iterations_within

    assert iterations_within(RoutingParams(iterations=3000), 10**6) == 3000
    asked = RoutingParams(iterations=3000, work=1_200_000.0)
    assert iterations_within(asked, 400) == 3000  # pays for 3,000 exactly
    assert iterations_within(asked, 401) == 2992
    assert iterations_within(asked, 6000) == 200
    assert iterations_within(RoutingParams(iterations=3000, work=10.0), 6000) == 1
