"""Issue 18: the wall-clock ceiling of a plan (``wall_limit``): checked as a parameter,
passed to every solve, and said in the plan's findings when the clock ended a stage."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sessions_check import violations

from tuoyu.api.text import CATALOGUE, render
from tuoyu.models.sessions import load_session_data
from tuoyu.optimizer.solve import Status
from tuoyu.planning import sessions
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import RosterParams, SessionParams, SitingParams
from tuoyu.planning.plan import solve_params_of


@pytest.mark.parametrize("bad", [0, -1, 10**6])
def test_a_wall_limit_out_of_range_is_refused(bad):
    for cls, extra in ((SessionParams, dict(year=2027)), (RosterParams, dict(month="2027-03")),
                       (SitingParams, {})):
        with pytest.raises(ValidationError):
            cls(wall_limit=bad, **extra)


def test_every_planner_carries_its_ceiling_to_the_solves():
    for params in (SessionParams(year=2027, wall_limit=30), RosterParams(month="2027-03",
                   wall_limit=30), SitingParams(wall_limit=30)):
        sp = solve_params_of(params)
        assert sp.clock is not None and sp.clock.seconds == 30
        assert sp.seconds() <= 30
    assert solve_params_of(SessionParams(year=2027)).clock.seconds is None


def test_a_calendar_stopped_by_the_clock_says_so():
    # the bundled year's calendar needs far more than two seconds of work (its budget
    # here: 600); the clock, not the budget, ends it, and the plan says so
    plan = sessions.run(Dataset.bundled(), SessionParams(year=2027, time_limit=600,
                                                         wall_limit=2))
    codes = [f.code for f in plan.findings]
    assert "plan.wall_clock_stop" in codes
    f = next(f for f in plan.findings if f.code == "plan.wall_clock_stop")
    assert f.params["seconds"] == 2 and f.params["stages"]
    assert f.code in CATALOGUE and render(f, "zh") and render(f, "en")
    assert plan.status in (Status.TIME_LIMIT, Status.FEASIBLE)
    if plan.rows:
        data = load_session_data(Dataset.bundled().folder)
        rows = [{k: str(v) for k, v in r.items()} for r in plan.rows]
        assert violations(data, 2027, rows) == []


def test_a_routing_stopped_by_the_clock_says_so():
    import datetime as dt

    from tuoyu.planning import visits
    from tuoyu.planning.params import VisitParams

    # 200,000 routing iterations take minutes; a one-second ceiling ends them
    plan = visits.run(Dataset.bundled(), VisitParams(week=dt.date(2027, 3, 1),
                                                     iterations=200_000, wall_limit=1))
    f = next(f for f in plan.findings if f.code == "plan.wall_clock_stop")
    assert f.params["seconds"] == 1 and list(f.params["stages"])
    assert plan.rows  # the best routes so far, kept
