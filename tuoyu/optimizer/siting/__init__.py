"""Siting new public nursery classes (公办托班) over a multi-year horizon.

Three models on the same data:

* **capacitated** (the plan, ``solve.py``): how many classes each public kindergarten or
  new site opens in which year. Seats are shared among the communities within the walking
  circle (a transport-style allocation); children served in earlier years count more, then
  shorter walks (``goals.py``). District rules (``rules.py``): 5–8 new classes a year;
  classes once opened stay; within spare rooms / ``max_classes``; not before
  ``available_from``; every street has an inclusive (普惠) place within reach of its
  families by the end of the first year; kindergartens with nursery classes (托幼一体) are
  at least 50% of all kindergartens by the horizon's end.
* **MCLP** / **LSCP** (``cover.py``): the textbook covering models, uncapacitated, with a
  plain array API (as pysal/spopt's ``from_cost_matrix``).

Solver: HiGHS (``highspy``, ``highs.py``), a MIP solver with an LP core; the stop token
cancels it (``Highs.cancelSolve``) and every improving solution reaches the progress
function. The proven gap is always reported; a plan is called optimal only when HiGHS
proves it (gap 0).

The two district rules are elastic: a slack with a penalty larger than anything the
objective can gain, so the plan still comes back when a rule cannot hold, and the findings
say by how much it misses and what would close it (``explain.py``). ``strict=True`` turns a
miss into :class:`InfeasibleError`. The yearly class counts are hard: when the rooms
available cannot take the minimum, :class:`InfeasibleError` says which year and by how many.
"""

from tuoyu.models.errors import InfeasibleError, TimeLimitError
from tuoyu.optimizer.siting.cover import (
    CoverResult,
    cover_problem,
    lscp,
    mclp,
    merge_rows,
    solve_cover,
)
from tuoyu.optimizer.siting.explain import RuleReport, classes_per_year_clashes
from tuoyu.optimizer.siting.goals import GOALS, SitingWeights
from tuoyu.optimizer.siting.highs import Mip, MipResult
from tuoyu.optimizer.siting.problem import (
    Place,
    SitingConfig,
    SitingProblem,
    integrated_share_target,
    streets_with_demand,
)
from tuoyu.optimizer.siting.rules import RULES
from tuoyu.optimizer.siting.solve import (
    DEFAULT_PARAMS,
    Opening,
    SitingResult,
    allocate,
    solve_capacitated,
)
from tuoyu.optimizer.siting.tradeoff import Tradeoff, TradeoffRow, solve_tradeoff
from tuoyu.optimizer.solve import ProgressFn, SolveParams, Status, Stop


def solve(problem: SitingProblem, params: SolveParams = DEFAULT_PARAMS, *,
          stop: Stop | None = None, progress: ProgressFn | None = None) -> SitingResult:
    """The optimizer's one entry, the same in every planner: the capacitated plan, or a
    result without openings whose status says why there is none (infeasible: the
    clashes as findings; time limit; cancelled). Never raises for "no plan"."""
    try:
        return solve_capacitated(problem, params, stop=stop, progress=progress)
    except TimeLimitError as err:
        status = Status.CANCELLED if stop is not None and stop.is_set() else Status.TIME_LIMIT
        return SitingResult("capacitated", status, None, None, findings=list(err.clashes))
    except InfeasibleError as err:
        return SitingResult("capacitated", Status.INFEASIBLE, None, None,
                            findings=list(err.clashes))


__all__ = [
    "DEFAULT_PARAMS",
    "GOALS",
    "RULES",
    "CoverResult",
    "Mip",
    "MipResult",
    "Opening",
    "Place",
    "RuleReport",
    "SitingConfig",
    "SitingResult",
    "SitingProblem",
    "SitingWeights",
    "allocate",
    "classes_per_year_clashes",
    "cover_problem",
    "integrated_share_target",
    "lscp",
    "mclp",
    "merge_rows",
    "solve",
    "solve_capacitated",
    "solve_cover",
    "streets_with_demand",
    "solve_tradeoff",
    "Tradeoff",
    "TradeoffRow",
]
