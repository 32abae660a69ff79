"""Time one month's roster on the bundled data and on an instance ten times its size.

    python benchmarks/bench_roster.py [--month 2027-03] [--workers 8] [--time-limit 120]

Each case runs in its own process so that its peak memory (max RSS) is its own. Prints the
status, the gap, build and solve seconds (per stage) and peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one(data_dir: str, month: str, workers: int, time_limit: float) -> dict:
    from tuoyu.models.inspection import load_inspection_data
    from tuoyu.optimizer.roster import build_problem, solve_roster
    from tuoyu.optimizer.solve import SolveParams, gap

    year, mon = (int(x) for x in month.split("-"))
    t0 = time.perf_counter()
    data = load_inspection_data(data_dir)
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    problem = build_problem(data, year, mon, seed=20270301)
    t_draw = time.perf_counter() - t0
    plan = solve_roster(problem, SolveParams(time_limit=time_limit, workers=workers))
    return {
        "institutions": len(data.institutions),
        "inspectors": len(data.inspectors),
        "visits": len(problem.visits),
        "status": str(plan.status),
        "unique": plan.unique,
        "gap": gap(plan.objective, plan.bound),
        "load_s": round(t_load, 2),
        "draw_s": round(t_draw, 2),
        "build_s": round(sum(s.build_seconds for s in plan.stages), 2),
        "solve_s": round(sum(s.solve_seconds for s in plan.stages), 2),
        "stages": [(s.stage, str(s.status), round(s.build_seconds + s.solve_seconds, 2))
                   for s in plan.stages],
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--month", default="2027-03")
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.month, args.workers, args.time_limit)))
        return
    sys.path.insert(0, str(ROOT))
    from data.generate import generate

    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "baoshan_x10"
        t0 = time.perf_counter()
        generate(big, scale=10)
        print(f"generated the 10x instance in {time.perf_counter() - t0:.1f} s")
        for label, folder in (("bundled", ROOT / "tuoyu" / "data" / "baoshan"), ("10x", big)):
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(folder), "--month", args.month,
                 "--workers", str(args.workers), "--time-limit", str(args.time_limit)],
                capture_output=True, text=True, check=True,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            gap = "n/a" if r["gap"] is None else f"{100 * r['gap']:.2f}%"
            print(
                f"{label:8s} {r['institutions']} institutions, {r['inspectors']} inspectors, "
                f"{r['visits']} visits | status {r['status']} (unique {r['unique']}), gap {gap} "
                f"| load {r['load_s']} s, draw {r['draw_s']} s, build {r['build_s']} s, "
                f"solve {r['solve_s']} s | peak {r['peak_mb']} MB"
            )
            for stage in r["stages"]:
                print(f"           stage {stage[0]}: {stage[1]} in {stage[2]} s")


if __name__ == "__main__":
    main()
