"""What every formulation shares: solve parameters, the status, the gap, stop and progress,
soft goals, targets and stage times.

Stop and progress are passed explicitly (as PyVRP passes ``stop``), never process-wide:
a :class:`Stop` token reaches every solver a plan runs (CP-SAT through
``stop_search``, HiGHS through ``cancelSolve``), and a progress function sees every
improving solution of every stage as a :class:`ProgressEvent`.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

from ortools.sat.python import cp_model


@dataclass(frozen=True)
class SolveParams:
    """How hard to try. Defaults suit a district plan on a two-core machine."""

    time_limit: float = 60.0
    workers: int = (
        8  # CP-SAT portfolio size; 8 proves our models far faster than 2, even on 2 cores
    )
    seed: int = 0  # the solver's own seed; randomness of a draw never comes from here
    relative_gap: float = 0.0
    log: bool = False
    # "lp": with fewer than 8 workers, make sure the LP-heavy workers run. Assignment-like
    # models (the roster) are proven in a fraction of a second by CP-SAT's max_lp worker,
    # which the default portfolio only starts from 8 workers on.
    portfolio: str = "default"
    # further CP-SAT parameters a formulation needs, as (name, value) pairs
    extra: tuple[tuple[str, object], ...] = ()

    LP_FIRST = (
        "max_lp",
        "default_lp",
        "core",
        "no_lp",
        "quick_restart",
        "reduced_costs",
        "pseudo_costs",
    )

    def apply(self, solver: cp_model.CpSolver) -> None:
        p = solver.parameters
        p.max_time_in_seconds = self.time_limit
        p.num_workers = self.workers
        p.random_seed = self.seed
        p.relative_gap_limit = self.relative_gap
        p.log_search_progress = self.log
        if self.portfolio == "lp" and self.workers < 8:
            if self.workers <= 1:
                p.linearization_level = 2
            else:
                p.subsolvers.extend(self.LP_FIRST[: self.workers])
        for name, value in self.extra:
            setattr(p, name, value)


class Status(StrEnum):
    """How a plan (or a stage of it) ended. ``optimal`` only when proven for the whole
    problem; ``feasible``: a plan meeting every hard rule, not proven best; ``infeasible``:
    proven that no plan meets the rules; ``time_limit``: no plan within the time limit
    (not a proof of anything); ``cancelled``: stopped by the planner."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    TIME_LIMIT = "time_limit"
    CANCELLED = "cancelled"


CP_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.TIME_LIMIT,
}


def cp_status(status: int, stop: Stop | None = None) -> Status:
    """A CP-SAT status as ours; a search ended by the stop token is ``cancelled`` when it
    has no solution (with one it stays ``feasible``: a plan that meets the rules)."""
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError("internal error: CP-SAT reports the model invalid")
    if status == cp_model.UNKNOWN and stop is not None and stop.is_set():
        return Status.CANCELLED
    return CP_STATUS[status]


def gap(objective: float | None, bound: float | None) -> float | None:
    """The relative gap between a plan's objective and a proven bound (0 = optimal).
    The one place it is computed; None when either is unknown."""
    if objective is None or bound is None or not math.isfinite(bound):
        return None
    if abs(objective - bound) < 1e-9:
        return 0.0
    return abs(objective - bound) / max(1.0, abs(objective))


@dataclass(frozen=True)
class SoftGoal:
    """One soft goal's outcome: ``value`` how far from ideal (in the goal's unit),
    ``weight`` from the planner's weights, ``cost`` what it added to the objective."""

    code: str
    value: float  # whole numbers for the CP-SAT planners; siting's weights are fractional
    weight: float

    @property
    def cost(self) -> float:
        return self.value * self.weight

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "value": self.value, "weight": self.weight, "cost": self.cost}


@dataclass(frozen=True)
class Target:
    """A target of the action plan and how far a plan reaches it (e.g. every active
    institution on site this year: goal 150, achieved 150, met)."""

    code: str
    goal: float
    achieved: float
    met: bool

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "goal": self.goal, "achieved": self.achieved, "met": self.met}


@dataclass(frozen=True)
class StageTime:
    """One solve of a plan: its name, how it ended, objective, bound and seconds."""

    stage: str
    status: Status
    objective: float | None = None
    bound: float | None = None
    build_seconds: float = 0.0
    solve_seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "stage": self.stage,
            "status": str(self.status),
            "objective": self.objective,
            "bound": self.bound,
            "build_seconds": self.build_seconds,
            "solve_seconds": self.solve_seconds,
        }


@dataclass(frozen=True)
class ProgressEvent:
    """An improving solution: which stage, seconds since the stage began, objective and
    the best bound so far. ``whole``: the objective and bound are the plan's own (then
    ``gap`` is the plan's gap, computed as the finished plan's is); a stage of a planner
    whose objective is not yet the plan's (the calendar before its teams) reports
    ``whole=False`` and has no gap, so a live line never shows a gap the plan lacks."""

    stage: str
    seconds: float
    objective: float
    bound: float
    whole: bool = True

    @property
    def gap(self) -> float | None:
        return gap(self.objective, self.bound) if self.whole else None


ProgressFn = Callable[[ProgressEvent], None]


class Stop:
    """A stop token, passed explicitly down to every solver of a plan.

    ``set()`` (from any thread) stops the solver under way at once (CP-SAT keeps its best
    solution; HiGHS returns its incumbent); solves started after it stop at their first
    solution (at most ``grace`` seconds), so a cancelled plan can still be finished.
    Solvers register a cancel function with :meth:`watch` while they run.
    """

    def __init__(self, grace: float = 10.0) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._cancels: list[Callable[[], object]] = []
        self.grace = grace

    def set(self) -> None:
        self._event.set()
        with self._lock:
            cancels = list(self._cancels)
        for cancel in cancels:
            cancel()

    def is_set(self) -> bool:
        return self._event.is_set()

    @contextmanager
    def watch(self, cancel: Callable[[], object]) -> Iterator[None]:
        """Call ``cancel`` when the token is set while the block runs (at once if it is
        set already)."""
        with self._lock:
            self._cancels.append(cancel)
        try:
            if self._event.is_set():
                cancel()
            yield
        finally:
            with self._lock:
                self._cancels.remove(cancel)


class ProgressCallback(cp_model.CpSolverSolutionCallback):
    """Forwards each improving solution's objective and bound to a progress function."""

    def __init__(self, fn: ProgressFn, stage: str):
        super().__init__()
        self._fn = fn
        self._stage = stage
        self._t0 = time.perf_counter()

    def on_solution_callback(self) -> None:
        seconds = time.perf_counter() - self._t0
        self._fn(ProgressEvent(self._stage, seconds, self.objective_value, self.best_objective_bound))


def solve(
    model: cp_model.CpModel,
    params: SolveParams,
    progress: ProgressFn | None = None,
    *,
    stop: Stop | None = None,
    stage: str = "",
) -> tuple[cp_model.CpSolver, int, float]:
    """Solve once; returns (solver, CP-SAT status, seconds). Once ``stop`` is set, the
    solve ends (with its best solution); a solve started after it stops at its first
    solution (within ``stop.grace`` seconds)."""
    solver = cp_model.CpSolver()
    params.apply(solver)
    if stop is not None and stop.is_set():
        solver.parameters.stop_after_first_solution = True
        solver.parameters.max_time_in_seconds = min(params.time_limit, stop.grace)
    callback = ProgressCallback(progress, stage) if progress is not None else None
    t0 = time.perf_counter()
    if stop is not None and not stop.is_set():
        with stop.watch(solver.stop_search):
            status = solver.solve(model, callback)
    else:
        status = solver.solve(model, callback)
    return solver, status, time.perf_counter() - t0
