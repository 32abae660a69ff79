"""Time nursery-class siting against pysal/spopt's MCLP, side by side, in one run.

Instances:

* ``bundled``: the Baoshan data (500 communities, the candidate kindergartens and sites):
  our capacitated three-year plan, and MCLP by us (HiGHS, merged rows) and by spopt
  (``MCLP.from_cost_matrix`` + CBC) on the same coverage.
* ``city uniform`` (``--uniform``): the same counts, every point uniform over 15.52 km ×
  15.52 km, about 281k pairs within the circle (the held-out shape of issue 18).
* ``city``: 6,000 communities and 5,000 candidate sites over a 30 km × 30 km city, walking
  circle 1,125 m = straight line 865 m × circuity 1.3 (the issue's "865 m" is this circle's
  straight-line radius), p = 24 (the issue's case) and p = 500 (``--city-p``); MCLP by us
  and by spopt on the same pairs.

spopt runs ``MCLP.from_cost_matrix`` (a dense matrix, ``inf`` outside the circle) and
solves with HiGHS through PuLP (``pulp.HiGHS``, the same solver as ours; ``--spopt-solver
cbc`` for CBC), with the same proof standard as ours (relative gap 0, absolute 1e-6) and
``results=True`` (its default). "End to end" is from the pairs (ours) or the cost matrix
(spopt, including building it) to the chosen sites.

Each solver runs in its own freshly started process (``spawn``), so peak memory (max RSS of
that process and any child it starts) is that tool's alone. Prints, per instance and tool:
status, objective, build and solve seconds, peak memory, and per instance the time and
memory ratios spopt / ours and whether the optimum is the same.

Usage: ``python benchmarks/bench_siting.py [--only bundled|city] [--city-p 24,500]
[--spopt-timeout 900] [--cpsat 20] [--capacitated-city]`` (``--cpsat`` adds CP-SAT on the
same merged MCLP, for the solver choice).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024.0


# --------------------------------------------------------------------------- instances


def bundled_cover() -> dict[str, Any]:
    from tuoyu.api.cli import BUNDLED_DATA
    from tuoyu.models.siting import load_siting_data
    from tuoyu.optimizer.siting import SitingProblem, cover_problem

    t0 = time.perf_counter()
    prob = SitingProblem.from_data(load_siting_data(BUNDLED_DATA))
    pi, pj, w, cand = cover_problem(prob, count_existing=False)
    keep = np.isin(pj, np.arange(len(cand)))
    mask = w[pi] > 0
    return {"n": len(prob.community_ids), "m": len(cand), "pi": pi[keep & mask],
            "pj": pj[keep & mask],
            "dist": _pair_dist(prob, pi[keep & mask], pj[keep & mask], cand),
            "w": w, "p": 24, "radius": prob.config.access.reach_m,
            "prep_seconds": time.perf_counter() - t0}


def _pair_dist(prob: Any, pi: np.ndarray, pj: np.ndarray, cand: list[int]) -> np.ndarray:
    lookup = {(int(i), int(j)): float(d) for i, j, d in zip(prob.pairs.i, prob.pairs.j,
                                                            prob.pairs.dist, strict=True)}
    return np.array([lookup[(int(i), cand[int(j)])] for i, j in zip(pi, pj, strict=True)])


def city_cover(n: int = 6000, m: int = 5000, side: float = 30_000.0, seed: int = 7,
               p: int = 24, uniform: bool = False) -> dict[str, Any]:
    """The city instance: clustered (half the points around 12 centres, over 30 km x
    30 km: ~92k pairs) or ``uniform`` (every point uniform over 15.52 km x 15.52 km, so
    that about 281k demand-site pairs are within the 865 m circle, the issue's shape)."""
    from tuoyu.optimizer.catchment import AccessParams, straight_pairs

    rng = np.random.default_rng(seed)
    if uniform:
        side = 15_520.0
    # clustered like a city: half the points around 12 centres, half uniform
    centres = rng.uniform(0.15 * side, 0.85 * side, size=(12, 2))

    def points(k: int) -> np.ndarray:
        if uniform:
            return rng.uniform(0, side, size=(k, 2))
        a = rng.uniform(0, side, size=(k // 2, 2))
        c = centres[rng.integers(0, 12, size=k - k // 2)] + rng.normal(0, 2500, (k - k // 2, 2))
        return np.clip(np.vstack([a, c]), 0, side)

    d, s = points(n), points(m)
    access = AccessParams()
    t0 = time.perf_counter()
    pairs = straight_pairs(d[:, 0], d[:, 1], s[:, 0], s[:, 1], access)
    w = rng.integers(5, 120, size=n).astype(float)
    return {"n": n, "m": m, "pi": pairs.i, "pj": pairs.j, "dist": pairs.dist, "w": w,
            "p": p, "radius": access.reach_m, "prep_seconds": time.perf_counter() - t0}


# --------------------------------------------------------------------------- runners


def run_ours(inst: dict[str, Any], workers: int, time_limit: float) -> dict[str, Any]:
    from tuoyu.optimizer.siting import mclp
    from tuoyu.optimizer.solve import SolveParams

    t0 = time.perf_counter()
    res = mclp(inst["n"], inst["m"], inst["pi"], inst["pj"], inst["w"], inst["p"],
               SolveParams(time_limit=time_limit, workers=workers))
    return {"status": res.status, "objective": res.objective, "bound": res.bound,
            "gap": res.gap, "build": res.build_seconds, "solve": res.solve_seconds,
            "total": time.perf_counter() - t0,
            "rows": f"{res.points}->{res.rows} rows, {len(res.chosen)} sites"}


def run_cpsat(inst: dict[str, Any], workers: int, time_limit: float,
              linearization: int | None = None) -> dict[str, Any]:
    """The same merged-row MCLP on CP-SAT, for the solver choice (not used by the planner)."""
    from ortools.sat.python import cp_model

    from tuoyu.optimizer.siting import merge_rows

    t0 = time.perf_counter()
    keys, w, _unc = merge_rows(inst["n"], inst["pi"], inst["pj"], inst["w"])
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{j}") for j in range(inst["m"])]
    y = [m.new_bool_var(f"y{k}") for k in range(len(keys))]
    for k, key in enumerate(keys):
        m.add(sum(x[j] for j in key) >= y[k])
    m.add(sum(x) == min(inst["p"], inst["m"]))
    m.maximize(cp_model.LinearExpr.weighted_sum(y, [int(round(v)) for v in w]))
    build = time.perf_counter() - t0
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    if linearization is not None:
        solver.parameters.linearization_level = linearization
    t1 = time.perf_counter()
    st = solver.solve(m)
    solve = time.perf_counter() - t1
    obj = solver.objective_value if st in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    bound = solver.best_objective_bound
    gap = None if obj is None else abs(bound - obj) / max(1.0, abs(obj))
    return {"status": solver.status_name(st).lower(), "objective": obj, "bound": bound,
            "gap": gap, "build": build, "solve": solve, "total": time.perf_counter() - t0,
            "rows": f"{inst['n']}->{len(keys)}"}


def run_spopt(inst: dict[str, Any], workers: int, time_limit: float,
              solver: str = "highs") -> dict[str, Any]:
    import warnings

    import pulp
    from spopt.locate import MCLP

    warnings.filterwarnings("ignore")
    t0 = time.perf_counter()
    cost = np.full((inst["n"], inst["m"]), np.inf)
    cost[inst["pi"], inst["pj"]] = inst["dist"]
    model = MCLP.from_cost_matrix(cost, inst["w"], inst["radius"], p_facilities=inst["p"])
    build = time.perf_counter() - t0
    t1 = time.perf_counter()
    if solver == "highs":
        engine = pulp.HiGHS(msg=False, timeLimit=time_limit, threads=workers, gapRel=0.0,
                            gapAbs=1e-6)
    else:
        engine = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, threads=workers)
    model.solve(engine)
    solve = time.perf_counter() - t1
    return {"status": pulp.LpStatus[model.problem.status].lower(),
            "objective": pulp.value(model.problem.objective), "bound": None, "gap": None,
            "build": build, "solve": solve, "total": time.perf_counter() - t0,
            "rows": f"{inst['n']} rows, "
                    f"{sum(1 for v in model.fac_vars if (v.varValue or 0) > 0.5)} sites"}


def run_capacitated(workers: int, time_limit: float, scale: int = 1) -> dict[str, Any]:
    """The three-year plan: bundled data, or the generator at ``scale`` (12: 6,000
    communities, 1,800 kindergartens, 1,080 providers, 72 sites) in a temporary folder."""
    import tempfile

    from tuoyu.api.cli import BUNDLED_DATA
    from tuoyu.models.siting import load_siting_data
    from tuoyu.optimizer.siting import SitingProblem, solve_capacitated
    from tuoyu.optimizer.solve import SolveParams

    folder = BUNDLED_DATA
    if scale > 1:
        from data import gen_siting, generate

        folder = Path(tempfile.mkdtemp(prefix="siting-bench-"))
        generate.streets(folder)
        gen_siting.generate(folder, scale, generate.DEFAULT_SEED)
    t0 = time.perf_counter()
    prob = SitingProblem.from_data(load_siting_data(folder))
    plan = solve_capacitated(prob, SolveParams(time_limit=time_limit, workers=workers))
    return {"status": plan.status, "objective": plan.objective, "bound": plan.bound,
            "gap": plan.gap, "build": plan.build_seconds, "solve": plan.solve_seconds,
            "total": time.perf_counter() - t0, "rows": f"{len(prob.pairs)} pairs"}


def _child(fn: Any, args: tuple, queue: Any) -> None:
    try:
        out = fn(*args)
        out["peak_mb"] = _peak_mb()
        queue.put(out)
    except Exception as exc:  # report, don't hang the parent
        queue.put({"status": f"error: {exc!r}"[:120]})


def isolated(fn: Any, args: tuple, timeout: float) -> dict[str, Any]:
    """Run ``fn(*args)`` in a freshly started process (its peak memory is its own)."""
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, args, q))
    t0 = time.perf_counter()
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return {"status": f"timeout > {timeout:.0f} s", "total": time.perf_counter() - t0}
    return q.get() if not q.empty() else {"status": "died"}


def fmt(v: Any, spec: str = ".2f") -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return format(v, spec)
    return str(v)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=["bundled", "city"], default=None)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument("--spopt-timeout", type=float, default=900.0)
    ap.add_argument("--spopt-solver", choices=["highs", "cbc"], default="highs")
    ap.add_argument("--city-p", default="24,500",
                    help="comma-separated p of the city MCLP rows (24: the issue's case)")
    ap.add_argument("--cpsat", type=float, default=0.0, metavar="SECONDS",
                    help="also run the MCLP on CP-SAT with this time limit (solver choice)")
    ap.add_argument("--skip-spopt", action="store_true", help="city: skip spopt (slow)")
    ap.add_argument("--uniform", action="store_true",
                    help="city: also the uniform-demand instance (~281k pairs)")
    ap.add_argument("--capacitated-city", action="store_true",
                    help="also time the 3-year capacitated plan on the generator at scale 12")
    args = ap.parse_args()
    peer = f"spopt MCLP ({'HiGHS' if args.spopt_solver == 'highs' else 'CBC'})"
    limit, wk = args.time_limit, args.workers
    rows = []
    if args.only in (None, "bundled"):
        rows.append(("bundled", "tuoyu capacitated 3-year", isolated(
            run_capacitated, (wk, limit), limit + 60)))
        inst = bundled_cover()
        rows.append(("bundled", "tuoyu MCLP", isolated(run_ours, (inst, wk, limit), limit + 60)))
        rows.append(("bundled", peer, isolated(
            run_spopt, (inst, wk, limit, args.spopt_solver), args.spopt_timeout)))
        if args.cpsat:
            rows.append(("bundled", "CP-SAT MCLP (default)", isolated(
                run_cpsat, (inst, wk, args.cpsat), args.cpsat + 60)))
    if args.capacitated_city:
        rows.append(("city", "tuoyu capacitated x12", isolated(
            run_capacitated, (wk, limit, 12), limit + 120)))
    if args.only in (None, "city"):
        shapes = [(p, uniform) for uniform in (False, True)[: 2 if args.uniform else 1]
                  for p in [int(v) for v in args.city_p.split(",") if v]]
        for p, uniform in shapes:
            inst = city_cover(p=p, uniform=uniform)
            name = f"city{' uniform' if uniform else ''} p={p}"
            print(f"{name}: {inst['n']} communities x {inst['m']} sites, {len(inst['pi']):,} "
                  f"pairs in reach (spatial index {inst['prep_seconds']:.2f} s)", flush=True)
            rows.append((name, "tuoyu MCLP", isolated(run_ours, (inst, wk, limit), limit + 60)))
            if args.cpsat:
                rows.append((name, "CP-SAT MCLP (default)", isolated(
                    run_cpsat, (inst, wk, args.cpsat), args.cpsat + 60)))
            if not args.skip_spopt:
                rows.append((name, peer, isolated(
                    run_spopt, (inst, wk, limit, args.spopt_solver), args.spopt_timeout)))
    report(rows)


def report(rows: list[tuple[str, str, dict[str, Any]]]) -> None:
    head = (f"{'instance':10} {'tool':26} {'status':18} {'objective':>12} {'gap':>8} "
            f"{'build s':>8} {'solve s':>8} {'total s':>8} {'peak MB':>8} rows")
    print(head)
    print("-" * len(head))
    for name, tool, r in rows:
        print(f"{name:10} {tool:26} {fmt(r.get('status')):18} {fmt(r.get('objective')):>12} "
              f"{fmt(r.get('gap'), '.4f'):>8} {fmt(r.get('build')):>8} {fmt(r.get('solve')):>8} "
              f"{fmt(r.get('total')):>8} {fmt(r.get('peak_mb'), '.0f'):>8} {r.get('rows', '')}")
    for name in dict.fromkeys(n for n, _t, _r in rows):
        ours = next((r for n, t, r in rows if n == name and t == "tuoyu MCLP"), None)
        ref = next((r for n, t, r in rows if n == name and t.startswith("spopt")), None)
        if not (ours and ref and ours.get("total") and ref.get("total")):
            continue
        same = (ours.get("objective") is not None and ref.get("objective") is not None
                and abs(ours["objective"] - ref["objective"]) < 1e-6)
        mem = (f"; memory spopt / tuoyu {ref['peak_mb'] / ours['peak_mb']:.1f}x"
               if ours.get("peak_mb") and ref.get("peak_mb") else "")
        print(f"{name}: time spopt / tuoyu {ref['total'] / ours['total']:.1f}x{mem}"
              f"{'' if ref.get('objective') is not None else ' (spopt did not finish)'}; "
              f"same objective: {same}")


if __name__ == "__main__":
    main()
