"""A small MIP builder (columns and sparse rows in numpy arrays) and its HiGHS solve, with
the stop token and the progress function passed explicitly.

Stop: HiGHS 1.16 polls its user interrupt (``Highs.cancelSolve``) only in some phases
(branch and bound, pure LP simplex); its feasibility-jump heuristic, the root LP of a MIP
and its sub-MIP heuristics run for many seconds on a city-sized instance without looking
(measured: 2–28 s after the stop). So a MIP solved with a stop token runs in a child
process (a plain ``python`` subprocess, so a daemonic job process may start it) that
streams every improving solution to this one; when the token is
set the child is ended and the last incumbent is the result (a plan kept, ``cancelled``),
within a poll interval (0.05 s). Without a token (the command line) HiGHS runs in
process, as before. A solve started after the token is set stops at its first improving
solution (at most ``stop.grace`` seconds). Progress: every improving MIP solution is
reported as a :class:`ProgressEvent` (seconds, objective, dual bound).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tuoyu.optimizer.highs_pool import highs_run, new_highs
from tuoyu.optimizer.solve import ProgressEvent, ProgressFn, SolveParams, Status, Stop, gap


@dataclass(frozen=True)
class MipResult:
    """How one HiGHS solve ended: status, objective, bound, the column values, seconds."""

    status: Status
    objective: float | None
    bound: float | None
    x: np.ndarray | None
    build_seconds: float
    solve_seconds: float
    cancelled: bool = False  # ended by the stop token
    error: str | None = None  # HiGHS's model status when it ended in an error, no plan

    @property
    def gap(self) -> float | None:
        return gap(self.objective, self.bound)


class Mip:
    """Columns and sparse rows collected in numpy-friendly lists, then handed to HiGHS."""

    def __init__(self) -> None:
        self.cost: list[np.ndarray] = []
        self.lb: list[np.ndarray] = []
        self.ub: list[np.ndarray] = []
        self.integer: list[np.ndarray] = []
        self.n_col = 0
        self.r_idx: list[np.ndarray] = []
        self.c_idx: list[np.ndarray] = []
        self.val: list[np.ndarray] = []
        self.r_lo: list[float] = []
        self.r_hi: list[float] = []
        # HiGHS options of this model (set after the common ones, in or out of process)
        self.options: dict[str, Any] = {}

    def add_cols(self, n: int, cost: object = 0.0, lb: object = 0.0, ub: object = np.inf,
                 integer: bool = False) -> np.ndarray:
        idx = np.arange(self.n_col, self.n_col + n, dtype=np.int64)
        self.cost.append(np.broadcast_to(np.asarray(cost, dtype=float), (n,)).copy())
        self.lb.append(np.broadcast_to(np.asarray(lb, dtype=float), (n,)).copy())
        self.ub.append(np.broadcast_to(np.asarray(ub, dtype=float), (n,)).copy())
        self.integer.append(np.full(n, integer))
        self.n_col += n
        return idx

    def add_rows(self, row_of_entry: np.ndarray, cols: np.ndarray, vals: np.ndarray,
                 lo: Sequence[float] | np.ndarray, hi: Sequence[float] | np.ndarray) -> None:
        """Rows numbered 0..len(lo)-1 locally; ``row_of_entry`` gives each entry's row."""
        base = len(self.r_lo)
        self.r_idx.append(np.asarray(row_of_entry, dtype=np.int64) + base)
        self.c_idx.append(np.asarray(cols, dtype=np.int64))
        self.val.append(np.asarray(vals, dtype=float))
        self.r_lo.extend(float(v) for v in lo)
        self.r_hi.extend(float(v) for v in hi)

    def add_row(self, cols: Sequence[int] | np.ndarray, vals: Sequence[float] | np.ndarray,
                lo: float, hi: float) -> None:
        cols = np.asarray(cols, dtype=np.int64)
        self.add_rows(np.zeros(len(cols), dtype=np.int64), cols,
                      np.asarray(vals, dtype=float), [lo], [hi])

    @property
    def is_mip(self) -> bool:
        return bool(self.integer) and bool(np.concatenate(self.integer).any())

    def to_lp(self, maximize: bool) -> Any:
        """The model as a ``highspy.HighsLp`` (column-wise matrix)."""
        import highspy

        def cat(parts: list[np.ndarray], dtype: Any = float) -> np.ndarray:
            return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

        lp = highspy.HighsLp()
        n, m = self.n_col, len(self.r_lo)
        lp.num_col_, lp.num_row_ = n, m
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = cat(self.cost), cat(self.lb), cat(self.ub)
        lp.row_lower_ = np.array(self.r_lo, dtype=float)
        lp.row_upper_ = np.array(self.r_hi, dtype=float)
        rows, cols = cat(self.r_idx, np.int64), cat(self.c_idx, np.int64)
        vals = cat(self.val)
        order = np.argsort(cols, kind="stable")
        start = np.zeros(n + 1, dtype=np.int64)
        np.add.at(start, cols + 1, 1)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
        lp.a_matrix_.start_ = np.cumsum(start).astype(np.int32)
        lp.a_matrix_.index_ = rows[order].astype(np.int32)
        lp.a_matrix_.value_ = vals[order]
        integer = cat(self.integer, bool)
        if integer.any():
            lp.integrality_ = [highspy.HighsVarType.kInteger if b else
                               highspy.HighsVarType.kContinuous for b in integer]
        lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
        return lp

    def solve(self, maximize: bool, params: SolveParams, *, stop: Stop | None = None,
              progress: ProgressFn | None = None, stage: str = "",
              start: np.ndarray | None = None, in_process: bool = False) -> MipResult:
        """Solve with HiGHS; ``stop`` cancels it (the incumbent is kept), ``progress``
        sees every improving MIP solution; ``start``: a feasible solution to begin from
        (column values). ``in_process``: no child process even with a stop token (for
        models small enough that HiGHS's own interrupt answers quickly). The plan's
        wall-clock ceiling (``params.clock``) limits it too, and is told when it ended it."""
        binds = params.clock_binds()
        res = self._solve(maximize, params, stop=stop, progress=progress, stage=stage,
                          start=start, in_process=in_process)
        if binds and params.clock is not None and params.clock.expired():
            params.clock.note(stage or "highs")
        return res

    def _solve(self, maximize: bool, params: SolveParams, *, stop: Stop | None,
               progress: ProgressFn | None, stage: str, start: np.ndarray | None,
               in_process: bool) -> MipResult:
        late = stop is not None and stop.is_set()
        if stop is not None and not late and self.is_mip and not in_process:
            return _solve_in_child(self, maximize, params, stop, progress, stage, 0.0, start)
        t0 = time.perf_counter()
        h = _new_highs()
        _configure(h, params, late, stop, self.options)
        h.passModel(self.to_lp(maximize))
        _warm_start(h, start)
        build = time.perf_counter() - t0
        t1 = time.perf_counter()
        if progress is not None and self.is_mip:
            _subscribe_progress(h, progress, stage, t1)
        if stop is not None and not late:
            h.HandleUserInterrupt = True
            with stop.watch(h.cancelSolve):
                highs_run(h, params.workers)
        else:
            highs_run(h, params.workers)
        seconds = time.perf_counter() - t1
        return _result(h, self.n_col, self.is_mip, params, stop, build, seconds)


def child_main() -> None:
    """The child process: read (model, sense, params) from stdin, solve, and write every
    improving solution, then the result, as pickled messages to stdout. HiGHS's own output
    goes to stderr, never into the messages."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    mip, maximize, params, start = pickle.load(sys.stdin.buffer)

    def send(message: tuple[Any, ...]) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    def improving(event: Any) -> None:
        data = event.data_out
        send(("solution", float(data.objective_function_value), float(data.mip_dual_bound),
              np.array(data.mip_solution, dtype=float)))

    h = _new_highs()
    _configure(h, params, False, None, mip.options)
    h.passModel(mip.to_lp(maximize))
    _warm_start(h, start)
    h.cbMipImprovingSolution.subscribe(improving)
    t0 = time.perf_counter()
    highs_run(h, params.workers)
    send(("done", _result(h, mip.n_col, True, params, None, 0.0, time.perf_counter() - t0)))
    out.close()


def _read_messages(stream: Any, inbox: queue.Queue[tuple[Any, ...]]) -> None:
    """Parent side: every message of the child into ``inbox``; ``("eof",)`` at the end."""
    try:
        while True:
            inbox.put(pickle.load(stream))
    except Exception:  # EOF, or a message cut short by the kill
        inbox.put(("eof",))


Incumbent = tuple[float, float, np.ndarray]  # objective, bound, column values


def _follow(inbox: queue.Queue[tuple[Any, ...]], stop: Stop, progress: ProgressFn | None,
            stage: str, t0: float) -> tuple[MipResult | None, Incumbent | None]:
    """Read the child's messages until its result, or until the stop is set."""
    best: Incumbent | None = None
    while not stop.is_set():
        try:
            kind, *payload = inbox.get(timeout=0.05)
        except queue.Empty:
            continue
        if kind == "eof":
            raise RuntimeError("internal error: the HiGHS child process ended early")
        if kind == "done":
            return payload[0], best
        best = (payload[0], payload[1], payload[2])
        if progress is not None:
            progress(ProgressEvent(stage, time.perf_counter() - t0, best[0], best[1]))
    return None, best


def _solve_in_child(mip: Mip, maximize: bool, params: SolveParams, stop: Stop,
                    progress: ProgressFn | None, stage: str, build: float,
                    start: np.ndarray | None = None) -> MipResult:
    """Solve in a child process (a plain ``python`` subprocess, so it works from the
    service's daemonic job processes too); on ``stop``, end it and keep the last
    incumbent."""
    code = ("import sys; sys.path[:0] = %r; "
            "from tuoyu.optimizer.siting.highs import child_main; child_main()"
            % [p for p in sys.path if p])
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    inbox: queue.Queue[tuple[Any, ...]] = queue.Queue()
    reader = threading.Thread(target=_read_messages, args=(proc.stdout, inbox), daemon=True)
    reader.start()
    try:
        assert proc.stdin is not None
        pickle.dump((mip, maximize, params, start), proc.stdin,
                    protocol=pickle.HIGHEST_PROTOCOL)
        proc.stdin.close()
        done, best = _follow(inbox, stop, progress, stage, t0)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(5)
        reader.join(5)
        if proc.stdout is not None:
            proc.stdout.close()
    seconds = time.perf_counter() - t0
    if done is not None:
        return dataclasses.replace(done, build_seconds=build, solve_seconds=seconds)
    if best is None:
        return MipResult(Status.CANCELLED, None, None, None, build, seconds, True)
    bound = best[1] if math.isfinite(best[1]) else None
    return MipResult(Status.FEASIBLE, best[0], bound, best[2], build, seconds, True)


def _warm_start(h: Any, start: np.ndarray | None) -> None:
    """Hand HiGHS a feasible solution to start from (a MIP start)."""
    if start is None:
        return
    import highspy

    sol = highspy.HighsSolution()
    sol.col_value = [float(v) for v in start]
    sol.value_valid = True
    h.setSolution(sol)


def _configure(h: Any, params: SolveParams, late: bool, stop: Stop | None,
               options: dict[str, Any] | None = None) -> None:
    limit = float(params.seconds())
    if late and stop is not None:  # started after the stop: the first solution will do
        limit = min(limit, stop.grace)
        h.setOptionValue("mip_max_improving_sols", 1)
    h.setOptionValue("output_flag", bool(params.log))
    h.setOptionValue("time_limit", limit)
    h.setOptionValue("mip_rel_gap", float(params.relative_gap))
    h.setOptionValue("mip_abs_gap", 1e-6)
    h.setOptionValue("random_seed", int(params.seed))
    for name, value in (options or {}).items():
        h.setOptionValue(name, value)


def _subscribe_progress(h: Any, progress: ProgressFn, stage: str, t0: float) -> None:
    def report(event: Any) -> None:
        out = event.data_out
        progress(ProgressEvent(stage, time.perf_counter() - t0,
                               float(out.objective_function_value), float(out.mip_dual_bound)))

    # an older highspy without callbacks: no progress, same plan
    with contextlib.suppress(AttributeError):
        h.cbMipImprovingSolution.subscribe(report)


def _result(h: Any, n: int, mip: bool, params: SolveParams, stop: Stop | None,
            build: float, seconds: float) -> MipResult:
    import highspy

    ms = h.getModelStatus()
    info = h.getInfo()
    if ms == highspy.HighsModelStatus.kModelEmpty or n == 0:
        return MipResult(Status.OPTIMAL, 0.0, 0.0, np.zeros(n), build, seconds)
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x = np.array(h.getSolution().col_value) if has_solution else None
    obj = float(info.objective_function_value) if has_solution else None
    if mip:
        bound: float | None = float(info.mip_dual_bound)
        bound = None if not math.isfinite(bound) else bound
    else:
        bound = obj if ms == highspy.HighsModelStatus.kOptimal else None
    cancelled = ms == highspy.HighsModelStatus.kInterrupt and stop is not None and stop.is_set()
    if ms == highspy.HighsModelStatus.kOptimal:
        g = gap(obj, bound)
        proven = g is None or g <= max(params.relative_gap, 1e-6)
        status = Status.OPTIMAL if proven else Status.FEASIBLE
    elif ms == highspy.HighsModelStatus.kInfeasible:
        status = Status.INFEASIBLE
    elif has_solution:
        status = Status.FEASIBLE
    else:
        status = Status.CANCELLED if cancelled else Status.TIME_LIMIT
    error = None if has_solution or cancelled or ms in _not_an_error() else ms.name
    return MipResult(status, obj, bound, x, build, seconds, cancelled, error)


@functools.cache
def _not_an_error() -> frozenset[Any]:
    """HiGHS's ends that are not errors: a proof, a limit reached, the planner's stop.
    Any other end without a solution (a solve, presolve or load error, the memory limit)
    is told as what it is, never as "no plan within the time limit"."""
    import highspy

    names = ("kOptimal", "kInfeasible", "kUnboundedOrInfeasible", "kUnbounded",
             "kModelEmpty", "kObjectiveBound", "kObjectiveTarget", "kTimeLimit",
             "kIterationLimit", "kSolutionLimit", "kInterrupt")
    return frozenset(getattr(highspy.HighsModelStatus, n) for n in names
                     if hasattr(highspy.HighsModelStatus, n))


#: a HiGHS instance with its banner kept off stdout (the calendar's bound imports it here)
_new_highs = new_highs
