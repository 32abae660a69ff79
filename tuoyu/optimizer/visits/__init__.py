"""Home guidance visits to newborn families, routed (PyVRP). See ``solve.py`` for how the
week is modelled and what status, objective and bound mean; ``docs/visits.md`` for the
rules."""

from tuoyu.optimizer.visits.goals import GOALS, VisitWeights
from tuoyu.optimizer.visits.problem import VisitProblem, VisitRules
from tuoyu.optimizer.visits.rules import RULES
from tuoyu.optimizer.visits.solve import (
    CLIENT_ITERATIONS_PER_SECOND,
    DayRoute,
    RoutingParams,
    Visit,
    VisitResult,
    solve,
)
from tuoyu.optimizer.visits.teams import Team, form_teams

__all__ = [
    "CLIENT_ITERATIONS_PER_SECOND",
    "GOALS",
    "RULES",
    "DayRoute",
    "RoutingParams",
    "Team",
    "Visit",
    "VisitProblem",
    "VisitResult",
    "VisitRules",
    "VisitWeights",
    "form_teams",
    "solve",
]
