"""Home visits: a district week and a 12x week, routed by PyVRP (the planner's own path).

``flock /tmp/tuoyu-heavy.lock .venv/bin/python benchmarks/bench_visits.py [--scale 1 12]``

Prints, per instance: families in scope, clients and vehicles of the router, iterations,
seconds (wall, on this machine: inflated when others run), status, objective, lower
bound and gap, due families visited. Deterministic apart from the seconds.
NOT YET HERE (issue 21): OR-Tools routing on the same instances, and Solomon VRPTW
instances against their best known solutions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tuoyu.data import BUNDLED  # noqa: E402
from tuoyu.models.visits import load_visit_data  # noqa: E402
from tuoyu.optimizer.visits import RoutingParams, VisitProblem, form_teams, solve  # noqa: E402
from tuoyu.optimizer.visits.solve import build  # noqa: E402

WEEK = dt.date(2027, 3, 1)


def _generate(folder: Path, scale: int) -> None:
    spec = importlib.util.spec_from_file_location("_gen", ROOT / "data" / "generate.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["_gen"] = mod
    spec.loader.exec_module(mod)
    mod.generate(folder, scale=scale)


def run(folder: Path, label: str, iterations: int) -> None:
    data = load_visit_data(folder)
    problem = VisitProblem(data, WEEK)
    built = build(problem, form_teams(problem))
    n_clients = built.data.num_clients if built else 0
    n_vehicles = built.data.num_vehicles if built else 0
    t0 = time.perf_counter()
    r = solve(problem, RoutingParams(iterations=iterations))
    s = time.perf_counter() - t0
    gap = (r.objective - r.bound) / r.objective if r.objective else 0.0
    due = r.targets[0]
    print(f"| {label} | {len(problem.families)} | {n_clients} | {n_vehicles} | {r.iterations} "
          f"| {s:.1f} | {r.status} | {r.objective:,.0f} | {r.bound:,.0f} | {gap:.1%} "
          f"| {due.achieved:.0f}/{due.goal:.0f} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, nargs="*", default=[1, 12])
    ap.add_argument("--iterations", type=int, default=3000)
    args = ap.parse_args()
    print("| instance | families | clients | vehicles | iterations | seconds | status "
          "| objective | bound | gap | due visited |")
    print("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|")
    for scale in args.scale:
        if scale == 1:
            run(BUNDLED, "district week 2027-03-01", args.iterations)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            _generate(Path(tmp), scale)
            run(Path(tmp), f"{scale}x week 2027-03-01", args.iterations)


if __name__ == "__main__":
    main()
