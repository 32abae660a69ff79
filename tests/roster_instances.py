"""Tiny hand-made roster instances for the rule and goal tests: institutions, inspectors
and a month's data in two neighbouring streets, and ``plan()``, which solves one and
checks the roster with the independent checker (``roster_check``)."""

from __future__ import annotations

import datetime as dt
import itertools

from roster_check import check_roster

from tuoyu.models.inspection import InspectionData, Inspector, Institution, Street
from tuoyu.optimizer.roster import RosterRules, build_problem, solve_roster
from tuoyu.optimizer.roster.problem import RosterRow
from tuoyu.optimizer.solve import SolveParams

D = dt.date
ALL = RosterRules(draw_share=1.0)  # every active institution is drawn: visits are known
NONE = RosterRules(draw_share=0.0)
STREETS = (
    Street(street_id="S1", name="一街", neighbours=("S2",)),
    Street(street_id="S2", name="二街", neighbours=("S1",)),
)


def inst(
    iid: str,
    street: str = "S1",
    operator: str = "",
    risk: str = "medium",
    opened: dt.date | None = None,
    active: bool = True,
) -> Institution:
    return Institution(
        institution_id=iid,
        name=f"机构{iid}",
        street_id=street,
        lon=121.4,
        lat=31.3,
        kind="childcare_center",
        operator=operator or f"op-{iid}",
        risk=risk,
        opened_on=opened,
        active=active,
    )


def insp(
    pid: str, dept: str, skills: str = "safety;hygiene", per_month: int = 10, per_day: int = 2
) -> Inspector:
    return Inspector(
        inspector_id=pid,
        name=f"检查员{pid}",
        department=dept,
        skills=tuple(skills.split(";")),
        max_per_month=per_month,
        max_per_day=per_day,
    )


def data(
    institutions, inspectors, leave=(), conflicts=(), history=(), streets=None
) -> InspectionData:
    return InspectionData(
        streets=STREETS if streets is None else tuple(streets),
        institutions=tuple(institutions),
        inspectors=tuple(inspectors),
        leave=tuple(leave),
        conflicts=tuple(conflicts),
        history=tuple(history),
    )


def plan(
    d: InspectionData,
    rules: RosterRules = ALL,
    year: int = 2026,
    month: int = 6,
    seed: int = 7,
    workers: int = 8,
    time_limit: float = 30,
):
    problem = build_problem(d, year, month, seed, rules)
    result = solve_roster(problem, SolveParams(time_limit=time_limit, workers=workers))
    assert check_roster(result.rows, d, year, month, rules) == []
    return result


def teams(result) -> dict[str, set[str]]:
    return {r.institution_id: set(r.inspector_ids) for r in result.rows}


def same_unique_roster_with_one_or_two_workers(data, problem):  # type: ignore[no-untyped-def]
    """Solve with one and with two workers: each roster proven optimal and the only
    optimum (days, the priorities at the soft goals' floor, the uniqueness proof), every
    hard rule kept by the independent checker, and the same rows both times. Returns the
    rows."""
    from roster_check import check_roster

    from tuoyu.optimizer.solve import Status

    plans = [solve_roster(problem, SolveParams(time_limit=120, workers=w)) for w in (1, 2)]
    for plan in plans:
        assert plan.status == Status.OPTIMAL and plan.unique is True
        assert plan.objective == plan.bound
        assert [(s.stage, s.status) for s in plan.stages] == [
            ("days", Status.OPTIMAL),
            ("teams (shortlists of 12), at the floor", Status.OPTIMAL),
            ("uniqueness", Status.OPTIMAL),
        ]
        assert check_roster(plan.rows, data, 2027, 3, problem.rules) == []
    assert plans[0].rows == plans[1].rows
    return plans[0].rows


def fits_team(problem, team) -> bool:  # type: ignore[no-untyped-def]
    """A team keeps the rules: its size, the required skills, enough departments."""
    r, people = problem.rules, problem.inspectors
    skills = set().union(*(people[p].skills for p in team))
    return (r.min_team <= len(team) <= r.max_team and set(r.required_skills) <= skills
            and len({people[p].department for p in team}) >= r.min_departments)


def every_roster(problem, day_of, pools):  # type: ignore[no-untyped-def]
    """By brute force, every roster on the days ``day_of`` (visit -> day index) whose
    teams of two or three come from ``pools`` (visit -> inspectors), keep the team rules
    and each inspector's daily and monthly limits, as (teams, rows)."""
    people = problem.inspectors
    options = [[t for n in (2, 3) for t in itertools.combinations(pools[v], n)
                if fits_team(problem, t)] for v in range(len(problem.visits))]
    for teams in itertools.product(*options):
        month: dict[int, int] = {}
        day: dict[tuple[int, int], int] = {}
        for v, team in enumerate(teams):
            for p in team:
                month[p] = month.get(p, 0) + 1
                day[p, day_of[v]] = day.get((p, day_of[v]), 0) + 1
        if all(n <= people[p].max_per_month for p, n in month.items()) and all(
                n <= people[p].max_per_day for (p, _), n in day.items()):
            yield teams, [RosterRow(problem.days[day_of[v]], problem.visits[v].institution_id,
                                    problem.visits[v].street_id,
                                    tuple(people[p].inspector_id for p in team), "drawn")
                          for v, team in enumerate(teams)]
