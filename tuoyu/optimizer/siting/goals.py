"""The soft goals of the siting plan: what the objective maximises.

One frozen weights dataclass (:class:`SitingWeights`) and a registry (:data:`GOALS`) of
goals. Each goal gives the objective coefficient of every allocation column (children of
community ``i`` served at place ``j`` in year ``t``), and reads its value back from a plan's
flows, so the plan can say what each goal contributed (:class:`SoftGoal`, code
``siting.goal.<name>``; ``value × weight`` is the goal's share of the objective).

* ``served``: children served within the walking circle, earlier years counting more
  (year ``k`` of the horizon weighs ``year_discount ** k``).
* ``walk``: a little less for a longer walk: a child served at the circle's edge counts
  ``1 - walk_weight``, so serving always beats shortening walks.

The two district rules that are elastic (every street an inclusive place; 托幼一体) add
their slack's penalty to the objective too; they are reported as the soft goals
``siting.goal.street_missed`` and ``siting.goal.integrated_missed`` (see ``rules.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tuoyu.optimizer.solve import SoftGoal

if TYPE_CHECKING:
    from tuoyu.optimizer.siting.problem import SitingProblem


@dataclass(frozen=True)
class SitingWeights:
    """The weights of the soft goals."""

    year_discount: float = 0.8  # year k's served children weigh discount**k
    walk_weight: float = 0.01  # a child served at the circle's edge counts 1 - walk_weight
    last_year_only: bool = False  # the trade-off: only the horizon's last year counts

    def year_weights(self, n_years: int) -> np.ndarray:
        if self.last_year_only:
            return np.array([0.0] * (n_years - 1) + [1.0]) if n_years else np.zeros(0)
        return np.array([self.year_discount ** k for k in range(n_years)])


@dataclass(frozen=True)
class Goal:
    """A soft goal: its per-child value of every (pair, year) column and its weight."""

    code: str
    unit_value: Callable[[SitingProblem], np.ndarray]  # (pairs, years), per child
    weight: Callable[[SitingWeights], float]


def _served(problem: SitingProblem) -> np.ndarray:
    """Year weight of every column: a child served counts ``year_discount ** k``."""
    w = problem.config.weights.year_weights(len(problem.years))
    return np.broadcast_to(w, (len(problem.pairs), len(w))).copy()


def _walk(problem: SitingProblem) -> np.ndarray:
    """Share of the circle walked (0 at the door, 1 at the edge), times the year weight."""
    cfg = problem.config
    share = problem.pairs.dist / max(cfg.access.reach_m, 1.0)
    return share[:, None] * _served(problem)


GOALS: dict[str, Goal] = {
    "served": Goal("siting.goal.served", _served, lambda w: 1.0),
    "walk": Goal("siting.goal.walk", _walk, lambda w: -w.walk_weight),
}


def flow_costs(problem: SitingProblem) -> np.ndarray:
    """The objective coefficient of every allocation column: the sum over the goals of
    unit value × weight, i.e. ``w_t × (1 - walk_weight × dist / reach)``."""
    weights = problem.config.weights
    total = np.zeros((len(problem.pairs), len(problem.years)))
    for goal in GOALS.values():
        total += goal.unit_value(problem) * goal.weight(weights)
    return total


def soft_goals(problem: SitingProblem, flows: np.ndarray, slacks: dict[str, float],
               penalty: float) -> list[SoftGoal]:
    """Each goal's value on a plan's flows (pairs × years), and the elastic rules'
    misses (streets, kindergartens short) at their penalty."""
    out = []
    for goal in GOALS.values():
        value = float((goal.unit_value(problem) * flows).sum()) if flows.size else 0.0
        out.append(SoftGoal(goal.code, round(value, 6),
                            goal.weight(problem.config.weights)))  # type: ignore[arg-type]
    for code, missed in slacks.items():
        out.append(SoftGoal(code, round(missed), -penalty))  # type: ignore[arg-type]
    return out
