"""The calendar optimizer's one entry (``tuoyu.optimizer.sessions.solve``, the package's
``__init__``): the contract every planner shares, never raising for "no plan": a year
whose sessions cannot fit comes back infeasible with the clash as a finding."""

from __future__ import annotations

import inspect
from pathlib import Path

from sessions_check import center_row, write_tables

from tuoyu.models.sessions import load_session_data
from tuoyu.optimizer import sessions
from tuoyu.optimizer.solve import SolveParams, Status

ST = "310113003"


def test_the_same_solve_as_every_planner() -> None:
    params = list(inspect.signature(sessions.solve).parameters.values())
    assert [p.name for p in params[:4]] == ["problem", "params", "stop", "progress"]
    assert params[2].kind == params[3].kind == inspect.Parameter.KEYWORD_ONLY


def test_sessions_that_cannot_fit_are_infeasible_not_an_exception(tmp_path: Path) -> None:
    staff = [dict(staff_id=s, name=s, discipline=d, street_id=ST, max_per_month=4, days="")
             for s, d in (("E1", "education"), ("M1", "medical"), ("P1", "psychology"))]
    topics = [dict(topic_id="A", name="安全", disciplines="education")]
    folder = write_tables(tmp_path, dict(centers=[center_row("C1", ST, 14)],
                                         guidance_staff=staff, topics=topics))
    problem = sessions.SessionProblem(data=load_session_data(folder), year=2027)
    result = sessions.solve(problem, SolveParams(time_limit=10, workers=1))
    assert result.status == Status.INFEASIBLE
    codes = [f.code for f in result.findings]
    assert "sessions.clash.gap_too_short" in codes
    assert all(f.severity == "error" for f in result.findings if f.code.startswith(
        "sessions.clash"))
