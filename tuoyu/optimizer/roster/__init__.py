"""The monthly inspection roster (双随机): which institutions, which day, which team.

Two steps, both reproducible from the seed:

1. **The draw** (:func:`build_problem`, :mod:`.problem`, pure Python): mandatory visits,
   a random weighted draw from the directory, and the year's coverage.
2. **The roster** (:func:`solve_roster`, :mod:`.solve`, CP-SAT): the day and the team of
   every visit, under the hard rules of :mod:`.rules` (:data:`HARD_RULES`), the soft goals
   of :mod:`.goals` (:data:`SOFT_GOALS`, :class:`RosterWeights`), then a seeded random
   priority; :mod:`.explain` says why no roster can meet the rules.
"""

from tuoyu.models.errors import InfeasibleError, TimeLimitError
from tuoyu.optimizer.roster.explain import capacity_clashes, explain_infeasible
from tuoyu.optimizer.roster.goals import SOFT_GOALS, RosterWeights
from tuoyu.optimizer.roster.model import RosterModel, build_model
from tuoyu.optimizer.roster.problem import (
    REASONS,
    DrawEntry,
    RosterProblem,
    RosterRow,
    RosterRules,
    Visit,
    available_days,
    build_problem,
    inspector_capacity,
    month_visit_capacity,
)
from tuoyu.optimizer.roster.rules import HARD_RULES
from tuoyu.optimizer.roster.solve import RosterResult, solve_roster
from tuoyu.optimizer.roster.stages import greedy_teams, plan_days, shortlists
from tuoyu.optimizer.solve import ProgressFn, SolveParams, Status, Stop


def solve(
    problem: RosterProblem,
    params: SolveParams | None = None,
    *,
    stop: Stop | None = None,
    progress: ProgressFn | None = None,
) -> RosterResult:
    """The optimizer's one entry, the same in every planner: the month's roster, or a
    result without rows whose status says why there is none (infeasible: the clashes as
    findings; time limit; cancelled). Never raises for "no plan"."""
    try:
        return solve_roster(problem, params, progress, stop=stop)
    except TimeLimitError as err:
        cancelled = any(c.code == "roster.cancelled_no_plan" for c in err.clashes)
        status = Status.CANCELLED if cancelled else Status.TIME_LIMIT
        return RosterResult(problem, (), status, None, None, (), (), err.clashes)
    except InfeasibleError as err:
        return RosterResult(problem, (), Status.INFEASIBLE, None, None, (), (), err.clashes)


__all__ = [
    "HARD_RULES",
    "REASONS",
    "SOFT_GOALS",
    "DrawEntry",
    "RosterModel",
    "RosterResult",
    "RosterProblem",
    "RosterRow",
    "RosterRules",
    "RosterWeights",
    "Visit",
    "available_days",
    "build_model",
    "build_problem",
    "capacity_clashes",
    "explain_infeasible",
    "greedy_teams",
    "inspector_capacity",
    "month_visit_capacity",
    "plan_days",
    "shortlists",
    "solve",
    "solve_roster",
]
