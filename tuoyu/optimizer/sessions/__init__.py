"""The yearly guidance-session calendar (CP-SAT): the calendar (stage A) with exact
staffing cuts, then the teams (stage B). See ``solve.py`` for how the two fit together
and what status, objective and bound mean; ``docs/sessions.md`` for the rules."""

from tuoyu.optimizer.sessions.cuts import StaffingCut, check_staffing
from tuoyu.optimizer.sessions.goals import GOALS, SessionWeights
from tuoyu.optimizer.sessions.problem import DISCIPLINES, SessionProblem, SessionRules
from tuoyu.optimizer.sessions.rules import RULES
from tuoyu.optimizer.sessions.solve import SessionResult, plan_sessions
from tuoyu.optimizer.solve import ProgressFn, SolveParams, Stop


def solve(problem: SessionProblem, params: SolveParams | None = None, *,
          stop: Stop | None = None, progress: ProgressFn | None = None,
          reproducible: bool = True) -> SessionResult:
    """The optimizer's one entry, the same in every planner: the year's calendar, or a
    result without sessions whose status says why there is none. Never raises for "no
    plan" (:func:`plan_sessions`)."""
    return plan_sessions(problem, params, progress, stop=stop, reproducible=reproducible)


__all__ = [
    "DISCIPLINES",
    "GOALS",
    "RULES",
    "SessionProblem",
    "SessionResult",
    "SessionRules",
    "SessionWeights",
    "StaffingCut",
    "check_staffing",
    "plan_sessions",
    "solve",
]
