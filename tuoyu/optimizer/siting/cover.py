"""The textbook covering models, uncapacitated, with a plain array API (the way spopt's
``from_cost_matrix`` works) for benchmarks and for users who bring their own distances:

* :func:`mclp`: ``p`` sites covering the most demand weight (spopt's MCLP);
* :func:`lscp`: the fewest sites so every coverable point is within reach (spopt's LSCP).

Both take demand points ``0..n_points-1``, sites ``0..n_sites-1`` and the (point, site)
pairs within reach (``pi``, ``pj``). Points that reach the same set of sites are merged
into one row first (:func:`merge_rows`), which keeps the optimum and shrinks the model.
:func:`solve_cover` runs either on a :class:`SitingProblem` and returns a one-year plan
for the exports.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from tuoyu.models.errors import InfeasibleError
from tuoyu.models.findings import Finding, clash, info, warning
from tuoyu.optimizer.siting.highs import Mip, MipResult
from tuoyu.optimizer.siting.lagrange import fixed_sites, lagrangian_bound, proven, swap_search
from tuoyu.optimizer.siting.problem import SitingProblem
from tuoyu.optimizer.siting.reduce import Reduction, greedy, reduce_mclp
from tuoyu.optimizer.siting.solve import SitingResult, allocate, report, targets
from tuoyu.optimizer.solve import SolveParams, StageTime, Status, Stop, gap

DEFAULT_PARAMS = SolveParams()


@dataclass
class CoverResult:
    """An uncapacitated covering solution (MCLP or LSCP)."""

    model: str
    status: Status
    objective: float | None
    bound: float | None
    chosen: list[int]
    covered_weight: float
    total_weight: float
    rows: int  # demand rows after merging points that reach the same sites
    points: int
    uncoverable: list[int]
    build_seconds: float
    solve_seconds: float
    cancelled: bool = field(default=False)

    @property
    def gap(self) -> float | None:
        return gap(self.objective, self.bound)


def merge_rows(n_points: int, pi: np.ndarray, pj: np.ndarray,
               weights: np.ndarray) -> tuple[list[tuple[int, ...]], np.ndarray, list[int]]:
    """Group demand points that reach the same set of sites; sum their weights.

    Returns (site sets, weight per set, points reaching no site).
    """
    order = np.lexsort((pj, pi))
    pi, pj = pi[order], pj[order]
    sets: dict[tuple[int, ...], float] = {}
    starts = np.searchsorted(pi, np.arange(n_points + 1))
    uncoverable = []
    for i in range(n_points):
        a, b = starts[i], starts[i + 1]
        if a == b:
            uncoverable.append(i)
            continue
        key = tuple(np.unique(pj[a:b]).tolist())
        sets[key] = sets.get(key, 0.0) + float(weights[i])
    keys = list(sets)
    return keys, np.array([sets[k] for k in keys]), uncoverable


def _cover_rows(mip: Mip, keys: list[tuple[int, ...]], x: np.ndarray,
                y: np.ndarray | None) -> None:
    r, c, val = [], [], []
    for k, key in enumerate(keys):
        r.extend([k] * len(key))
        c.extend(int(x[j]) for j in key)
        val.extend([1.0] * len(key))
        if y is not None:
            r.append(k)
            c.append(int(y[k]))
            val.append(-1.0)
    lo = np.zeros(len(keys)) if y is not None else np.ones(len(keys))
    mip.add_rows(np.array(r), np.array(c), np.array(val), lo, np.full(len(keys), np.inf))


def _chosen(res: MipResult, x: np.ndarray) -> list[int]:
    return [] if res.x is None else [int(j) for j in np.flatnonzero(res.x[x] > 0.5)]


def _pinned_lb(n_sites: int, pinned: Sequence[int]) -> np.ndarray:
    lb = np.zeros(n_sites)
    lb[list(pinned)] = 1.0
    return lb


def mclp(n_points: int, n_sites: int, pi: np.ndarray, pj: np.ndarray, weights: np.ndarray,
         p: int, params: SolveParams = DEFAULT_PARAMS, *, stop: Stop | None = None,
         pinned: Sequence[int] = ()) -> CoverResult:
    """Maximal covering: choose ``p`` sites covering the most weight (spopt's MCLP).

    As in spopt, exactly ``p`` sites are chosen (when there are at least ``p``);
    ``pinned`` sites are among them. Weights must be >= 0.

    The instance is first reduced exactly (``reduce.py``: zero-weight points out, points
    reaching the same sites merged, dominated sites dropped, single-site rows folded into
    their site), then a greedy choice is computed. When the greedy choice covers every
    coverable point it is optimal and no solver runs; otherwise HiGHS solves the reduced
    model starting from it. The chosen sites are padded back to ``p`` (``Reduction.pad``).
    """
    t0 = time.perf_counter()
    weights = np.asarray(weights, dtype=float)
    if len(set(pinned)) > min(p, n_sites):  # more pins than sites to choose
        return CoverResult("mclp", Status.INFEASIBLE, None, None, [], 0.0,
                           float(weights.sum()), 0, n_points, [], 0.0, 0.0)
    red = reduce_mclp(n_points, n_sites, np.asarray(pi), np.asarray(pj), weights, p, pinned)
    start = greedy(red)
    found = red.value(start)
    if found >= red.coverable - 1e-9 * max(1.0, red.coverable):
        build = time.perf_counter() - t0
        # nothing covers more than every coverable point: proven (bound = the value found,
        # equal to the coverable weight up to the float sums' rounding)
        return _mclp_result(red, weights, start, Status.OPTIMAL, found, found, build, 0.0,
                            False)
    lag = lagrangian_bound(red, start)
    best, lower = lag.chosen, lag.lower
    if not proven(lower, lag.upper, params.relative_gap):
        best = swap_search(red, best)
        lower = red.value(best)
    if proven(lower, lag.upper, params.relative_gap):  # the bound meets a choice: no MIP
        return _mclp_result(red, weights, best, Status.OPTIMAL, lower, max(lower, lag.upper),
                            time.perf_counter() - t0, 0.0, False)
    never, always = fixed_sites(red, lag.multipliers, lower)
    mip, x, y = _reduced_mip(red, never, always)
    xs = np.zeros(len(red.sites))
    xs[best] = 1.0
    xs[np.flatnonzero((xs == 0) & ~never)[: red.k - len(best)]] = 1.0  # exactly k sites
    ys = (red.rows @ xs > 0.5).astype(float)
    build = time.perf_counter() - t0
    res = mip.solve(True, params, stop=stop, stage="mclp", start=np.concatenate([xs, ys]))
    if res.x is None:  # stopped or out of time before HiGHS took the start: keep it
        return _mclp_result(red, weights, xs.nonzero()[0], Status.FEASIBLE, red.value(
            xs.nonzero()[0]), _least(res.bound, lag.upper), build + res.build_seconds,
            res.solve_seconds, res.cancelled)
    return _mclp_result(red, weights, np.array(_chosen(res, x), dtype=np.int64), res.status,
                        res.objective, _least(res.bound, lag.upper), build + res.build_seconds,
                        res.solve_seconds, res.cancelled)


def _least(bound: float | None, upper: float) -> float:
    """The better (lower) of HiGHS's bound and the Lagrangian one: both hold."""
    return upper if bound is None else min(bound, upper)


def _reduced_mip(red: Reduction, never: np.ndarray | None = None,
                 always: np.ndarray | None = None) -> tuple[Mip, np.ndarray, np.ndarray]:
    """max site_value·x + w·y  s.t.  y_r <= sum of x over row r's sites, sum x = k,
    pinned x = 1 (``y`` is integral at the optimum once ``x`` is); sites no optimum
    chooses (``never``) fixed at 0, those every optimum chooses (``always``) at 1
    (:func:`tuoyu.optimizer.siting.lagrange.fixed_sites`).

    Exactly ``k`` (not at most): the same optimum (more kept sites never cover less, and
    there are at least ``k``), and HiGHS solves it far faster (city instance, p = 500:
    proven in 27 s, while "at most" was not proven in 120 s).

    Its LPs are solved by HiGHS's interior point method (``mip_lp_solver = ipm``): on
    uniform demand the root LP is the whole solve (its solution is integral) and the dual
    simplex took 10 of 12 s on 3,000 x 2,500 points; with the interior point method the
    same proven optimum in 4.6 s (p = 24 on that instance: 36.6 -> 12.4 s; the clustered
    city, p = 24: 4.95 -> 2.75 s). Only the speed depends on it."""
    mip = Mip()
    mip.options["mip_lp_solver"] = "ipm"
    m = len(red.sites)
    lb = _pinned_lb(m, red.pinned.tolist())
    ub = np.ones(m)
    if never is not None:
        ub[never] = 0.0
    if always is not None:
        lb[always] = 1.0
    x = mip.add_cols(m, red.site_value, lb, ub, integer=True)
    y = mip.add_cols(len(red.weights), red.weights, 0.0, 1.0)
    coo = red.rows.tocoo()
    n_rows = len(red.weights)
    mip.add_rows(np.concatenate([coo.row, np.arange(n_rows)]),
                 np.concatenate([x[coo.col], y]),
                 np.concatenate([np.ones(len(coo.row)), -np.ones(n_rows)]),
                 np.zeros(n_rows), np.full(n_rows, np.inf))
    mip.add_row(x, np.ones(m), float(red.k), float(red.k))
    return mip, x, y


def _mclp_result(red: Reduction, weights: np.ndarray, chosen: np.ndarray, status: Status,
                 objective: float | None, bound: float | None, build: float, solve: float,
                 cancelled: bool) -> CoverResult:
    """The result in the caller's site numbering, padded to ``p`` sites (padding never
    lowers the weight covered, so the reduced choice's weight is the result's)."""
    sites = red.pad(chosen)
    covered = red.value(np.asarray(chosen, dtype=np.int64))
    return CoverResult("mclp", status, objective, bound, sites, covered, float(weights.sum()),
                       red.merged_rows, red.points, red.uncoverable, build, solve, cancelled)


def lscp(n_points: int, n_sites: int, pi: np.ndarray, pj: np.ndarray,
         params: SolveParams = DEFAULT_PARAMS, *, stop: Stop | None = None,
         pinned: Sequence[int] = ()) -> CoverResult:
    """Location set covering: fewest sites so every coverable point is within reach
    (``pinned`` sites chosen whatever).

    Points no site can reach are left out and listed in ``uncoverable`` (spopt would call
    the whole problem infeasible).
    """
    t0 = time.perf_counter()
    ones = np.ones(n_points)
    keys, _w, unc = merge_rows(n_points, np.asarray(pi), np.asarray(pj), ones)
    mip = Mip()
    x = mip.add_cols(n_sites, 1.0, _pinned_lb(n_sites, pinned), 1.0, integer=True)
    _cover_rows(mip, keys, x, None)
    build = time.perf_counter() - t0
    res = mip.solve(False, params, stop=stop, stage="lscp")
    return CoverResult("lscp", res.status, res.objective, res.bound, _chosen(res, x),
                       float(n_points - len(unc)), float(n_points), len(keys), n_points, unc,
                       build + res.build_seconds, res.solve_seconds, res.cancelled)


def cover_problem(problem: SitingProblem, year_index: int = 0,
                  count_existing: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                        list[int]]:
    """The textbook covering data of a siting problem: (pairs i, pairs j, weights, sites).

    Sites are the candidates (any year); weights the demand of ``year_index``. With
    ``count_existing``, communities already within reach of an existing place weigh 0 and
    need no new cover.
    """
    cand = [j for j in problem.open_candidates if problem.available(j, problem.years[-1])]
    local = {j: k for k, j in enumerate(cand)}
    weights = problem.demand[:, year_index].astype(float).copy()
    if count_existing:
        served = np.zeros(len(problem.community_ids), dtype=bool)
        seats = problem.existing_seats
        served[problem.pairs.i[seats[problem.pairs.j] > 0]] = True
        weights[served] = 0.0
    keep = np.array([j in local for j in problem.pairs.j.tolist()], dtype=bool)
    pi = problem.pairs.i[keep]
    pj = np.array([local[j] for j in problem.pairs.j[keep].tolist()], dtype=np.int64)
    need = weights > 0
    mask = need[pi]
    return pi[mask], pj[mask], weights, cand


def _run_cover(problem: SitingProblem, model: str, p: int | None, params: SolveParams,
               stop: Stop | None) -> tuple[CoverResult, np.ndarray, list[int]]:
    pi, pj, w, cand = cover_problem(problem)
    n = len(problem.community_ids)
    local = {j: k for k, j in enumerate(cand)}
    pinned = sorted({local[j] for j, _t in problem.pins if j in local})
    if model == "mclp":
        k = p if p is not None else problem.config.classes_per_year[1] * len(problem.years)
        if len(pinned) > k:
            raise InfeasibleError("siting", [clash("siting.clash.pins_over_p", pins=len(pinned),
                                                   p=k)])
        return mclp(n, len(cand), pi, pj, w, k, params, stop=stop, pinned=pinned), w, cand
    if model == "lscp":
        need = np.flatnonzero(w > 0)
        sub = {int(i): k for k, i in enumerate(need)}
        keep = np.isin(pi, need)
        res = lscp(len(need), len(cand), np.array([sub[int(i)] for i in pi[keep]], np.int64),
                   pj[keep], params, stop=stop, pinned=pinned)
        res.uncoverable = [int(need[i]) for i in res.uncoverable]
        return res, w, cand
    raise ValueError(f"unknown model {model!r}")


def _cover_findings(res: CoverResult, total: float) -> list[Finding]:
    out: list[Finding] = []
    if res.cancelled:
        out.append(warning("plan.cancelled"))
    if res.status == Status.OPTIMAL and res.gap == 0:
        out.append(info("siting.proven_optimal", solver="HiGHS"))
    else:
        out.append(warning("plan.not_proven_optimal", objective=res.objective, bound=res.bound,
                           gap="—" if res.gap is None else f"{res.gap:.2%}"))
    out.append(info("siting.cover.chosen", model=res.model.upper(), sites=len(res.chosen),
                    points=res.points, rows=res.rows))
    if res.uncoverable and res.model == "lscp":
        out.append(warning("siting.cover.uncoverable", communities=len(res.uncoverable)))
    if res.model == "mclp":
        out.append(info("siting.cover.covered", covered=res.covered_weight, total=total))
    return out


def solve_cover(problem: SitingProblem, model: str, p: int | None = None,
                params: SolveParams = DEFAULT_PARAMS, *,
                stop: Stop | None = None) -> tuple[CoverResult, SitingResult]:
    """MCLP or LSCP on the siting data; also returned as a plan for the exports (one class
    at each chosen site, in the first year it is available)."""
    if problem.steering_clashes:
        raise InfeasibleError("siting", list(problem.steering_clashes))
    res, w, cand = _run_cover(problem, model, p, params, stop)
    classes = {}
    for k in res.chosen:
        j = cand[k]
        t = next((t for t, y in enumerate(problem.years) if problem.available(j, y)), 0)
        classes[(j, t)] = 1
    fake = MipResult(res.status, res.objective, res.bound, None, res.build_seconds,
                     res.solve_seconds, res.cancelled)
    flows, res1 = allocate(problem, classes, params)
    before, res0 = allocate(problem, {}, params)
    stages = (StageTime(model, res.status, res.objective, res.bound,
                        res.build_seconds + problem.build_seconds, res.solve_seconds),
              StageTime("allocation", res1.status, res1.objective, res1.bound,
                        res1.build_seconds, res1.solve_seconds),
              StageTime("baseline", res0.status, res0.objective, res0.bound,
                        res0.build_seconds, res0.solve_seconds))
    plan = report(problem, model, fake, stages, classes, flows, before)
    plan.findings = _cover_findings(res, float(w.sum())) + [problem.walk_finding()]
    plan.targets = targets(problem, plan)
    return res, plan
