"""The yearly guidance-session calendar (CP-SAT): the calendar (stage A) with exact
staffing cuts, then the teams (stage B). See ``solve.py`` for how the two fit together
and what status, objective and bound mean; ``docs/sessions.md`` for the rules."""

from tuoyu.optimizer.sessions.cuts import StaffingCut, check_staffing
from tuoyu.optimizer.sessions.goals import GOALS, SessionWeights
from tuoyu.optimizer.sessions.problem import DISCIPLINES, SessionProblem, SessionRules
from tuoyu.optimizer.sessions.rules import RULES
from tuoyu.optimizer.sessions.solve import SessionResult, plan_sessions

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
]
