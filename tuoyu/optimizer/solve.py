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
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ortools.sat.python import cp_model

from tuoyu.models.findings import Finding, warning


class Clock:
    """A wall-clock ceiling of a whole plan (``--wall-limit``), started with the plan.

    Every solve of the plan (``solve`` below, through ``SolveParams.clock``) ends by it,
    whatever its own limit counts (the sessions' work budget is deterministic time, so a
    loaded machine would otherwise run long). The solves end ``reserve`` of the ceiling
    early, so that what follows them (the teams flow, the bound, the files) ends within
    it. ``stopped`` lists the stages the clock, not their own limit, ended: the planner
    says so in a finding (``plan.wall_clock_stop``)."""

    def __init__(self, seconds: float | None = None, reserve: float = 0.04) -> None:
        self.seconds = seconds
        self.t0 = time.perf_counter()
        self.end = None if seconds is None else self.t0 + seconds * (1.0 - reserve)
        self.stopped: list[str] = []

    def keep(self, seconds: float) -> None:
        """Keep the ceiling's last ``seconds`` (at least ``reserve``) for what follows
        the solves, when a planner knows it takes longer: the solves end earlier."""
        if self.end is not None and self.seconds is not None:
            self.end = min(self.end, self.t0 + self.seconds - seconds)

    def left(self) -> float:
        """Seconds left for the solves (infinite without a ceiling)."""
        return math.inf if self.end is None else self.end - time.perf_counter()

    def expired(self) -> bool:
        return self.left() <= 0.0

    def ceiling_left(self) -> float:
        """Seconds left to the ceiling itself (infinite without one): for what follows
        the solves (a plan's bound)."""
        if self.seconds is None:
            return math.inf
        return max(0.0, self.t0 + self.seconds - time.perf_counter())

    def note(self, stage: str) -> None:
        if stage not in self.stopped:
            self.stopped.append(stage)


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
    #: the plan's wall-clock ceiling (shared by all its solves; None: no ceiling)
    clock: Clock | None = field(default=None, compare=False, repr=False)

    LP_FIRST = (
        "max_lp",
        "default_lp",
        "core",
        "no_lp",
        "quick_restart",
        "reduced_costs",
        "pseudo_costs",
    )

    def seconds(self) -> float:
        """The time limit of a solve starting now: its own, or less when the plan's
        wall-clock ceiling comes first (HiGHS and CP-SAT alike)."""
        if self.clock is None:
            return self.time_limit
        return max(0.01, min(self.time_limit, self.clock.left()))

    def clock_binds(self) -> bool:
        return self.clock is not None and self.clock.left() < self.time_limit

    def apply(self, solver: cp_model.CpSolver) -> None:
        p = solver.parameters
        p.max_time_in_seconds = self.seconds()
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
    #: "share": goal and achieved are fractions (0.97), shown to people as percentages
    unit: str = ""
    #: a target met within a band around its goal (a month's share of the year's
    #: sessions): the least and the most that count as met; None: met at the goal
    low: float | None = None
    high: float | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"code": self.code, "goal": self.goal,
                                  "achieved": self.achieved, "met": self.met}
        if self.unit:
            out["unit"] = self.unit
        if self.low is not None and self.high is not None:
            out["low"], out["high"] = self.low, self.high
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Target:
        """Read back what :meth:`as_dict` wrote."""
        return cls(d["code"], d["goal"], d["achieved"], d["met"], d.get("unit", ""),
                   d.get("low"), d.get("high"))


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
    binds = params.clock_binds()
    limit = params.seconds()
    t0 = time.perf_counter()
    if stop is not None and not stop.is_set():
        with stop.watch(solver.stop_search):
            status = solver.solve(model, callback)
    else:
        status = solver.solve(model, callback)
    seconds = time.perf_counter() - t0
    clock = params.clock
    if binds and clock is not None and seconds >= 0.95 * limit and status in (
        cp_model.FEASIBLE, cp_model.UNKNOWN
    ):
        clock.note(stage)
    return solver, status, seconds


#: a ceiling is held when the plan ends within this multiple of it (issue 18: ±5%)
CEILING_SLACK = 1.05


def clock_findings(params: SolveParams) -> list[Finding]:
    """``plan.wall_clock_stop`` when the wall-clock ceiling, not a solve's own limit,
    ended one or more stages of the plan; and ``plan.wall_ceiling_passed`` when the plan
    still ran past it (what had to follow the searches, e.g. the constructed calendars
    of a large district's parts, took longer than the ceiling left), with its seconds."""
    clock = params.clock
    if clock is None or not clock.stopped:
        return []
    out = [warning("plan.wall_clock_stop", seconds=clock.seconds, stages=list(clock.stopped))]
    elapsed = time.perf_counter() - clock.t0
    if clock.seconds is not None and elapsed > CEILING_SLACK * clock.seconds:
        out.append(warning("plan.wall_ceiling_passed", seconds=clock.seconds,
                           elapsed=math.ceil(elapsed)))
    return out
