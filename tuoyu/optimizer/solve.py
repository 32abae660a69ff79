"""What every formulation shares: solve parameters, status, progress, soft-goal costs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

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


STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "invalid",
    cp_model.UNKNOWN: "unknown",
}


@dataclass
class SoftCost:
    """One soft goal's outcome: how far from ideal, its weight, and what it cost."""

    name: str
    description: str
    value: int
    weight: int

    @property
    def cost(self) -> int:
        return self.value * self.weight


@dataclass
class SolveStats:
    status: str = "unknown"
    objective: float | None = None
    bound: float | None = None
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    stages: list[dict[str, object]] = field(default_factory=list)

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        if self.objective == self.bound:
            return 0.0
        return abs(self.objective - self.bound) / max(1.0, abs(self.objective))


ProgressFn = Callable[[float, float, float], None]  # (seconds, objective, bound)


class _Control:
    """Process-wide controls a host (the service's worker) may set: a progress hook that
    sees every improving solution of every solve, and a stop request that ends the
    running solve and makes later ones return at once with what they have."""

    def __init__(self) -> None:
        self.hook: ProgressFn | None = None
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.active: set[cp_model.CpSolver] = set()


CONTROL = _Control()


def set_progress_hook(fn: ProgressFn | None) -> None:
    CONTROL.hook = fn


def request_stop() -> None:
    """Stop the solve under way (its best solution so far is kept) and all later ones."""
    CONTROL.stop.set()
    with CONTROL.lock:
        for solver in CONTROL.active:
            solver.stop_search()


def stop_requested() -> bool:
    return CONTROL.stop.is_set()


class ProgressCallback(cp_model.CpSolverSolutionCallback):
    """Forwards each improving solution's objective and bound to the progress functions."""

    def __init__(self, fn: ProgressFn | None):
        super().__init__()
        self._fns = [f for f in (fn, CONTROL.hook) if f is not None]
        self._t0 = time.perf_counter()

    def on_solution_callback(self) -> None:
        seconds = time.perf_counter() - self._t0
        for fn in self._fns:
            fn(seconds, self.ObjectiveValue(), self.BestObjectiveBound())


def solve(
    model: cp_model.CpModel, params: SolveParams, progress: ProgressFn | None = None
) -> tuple[cp_model.CpSolver, int, float]:
    """Solve once; returns (solver, status, seconds). After :func:`request_stop`, a solve
    stops at its first solution (at most 10 s), so a stopped plan can still be finished."""
    solver = cp_model.CpSolver()
    params.apply(solver)
    if CONTROL.stop.is_set():  # finish fast: the first plan that meets the rules will do
        solver.parameters.stop_after_first_solution = True
        solver.parameters.max_time_in_seconds = min(params.time_limit, 10.0)
    callback = ProgressCallback(progress) if (progress or CONTROL.hook) else None
    with CONTROL.lock:
        CONTROL.active.add(solver)
    t0 = time.perf_counter()
    try:
        status = solver.solve(model, callback)
    finally:
        with CONTROL.lock:
            CONTROL.active.discard(solver)
    return solver, status, time.perf_counter() - t0
