"""Time the guidance-session calendar: the bundled Baoshan year and a whole-city instance.

    python benchmarks/bench_sessions.py [--only bundled|city] [--time-limit 60] [--workers 2]
                                         [--city-scale 11]

Each instance runs in its own process so its peak memory (ru_maxrss) is its own. Prints
one line per instance: centers, staff, sessions, status, gap, build and solve seconds,
peak memory. The city instance is the bundled generator at ``--city-scale`` (11: about
870 centers and 500 staff) over the same 13 streets.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def run_one(
    data_dir: Path, time_limit: float, workers: int, save: Path | None = None
) -> dict[str, object]:
    from tuoyu.models.sessions import load_session_data
    from tuoyu.optimizer.sessions import SessionProblem, plan_sessions
    from tuoyu.optimizer.solve import SolveParams, gap

    t0 = time.perf_counter()
    data = load_session_data(data_dir)
    load = time.perf_counter() - t0
    t1 = time.perf_counter()
    plan = plan_sessions(
        SessionProblem(data=data, year=2027), SolveParams(time_limit=time_limit, workers=workers)
    )
    wall = time.perf_counter() - t1
    if save is not None:
        from tuoyu.api.exports.sessions import write_sessions_csv

        write_sessions_csv(save, plan.sessions)
    return dict(
        centers=len(data.centers),
        staff=len(data.staff),
        sessions=sum(1 for s in plan.sessions if s.center_id),
        events=sum(1 for s in plan.sessions if s.event_id),
        status=str(plan.status),
        gap=gap(plan.objective, plan.bound),
        objective=plan.objective,
        bound=plan.bound,
        load_s=round(load, 2),
        build_s=round(sum(st.build_seconds for st in plan.stages), 2),
        solve_s=round(wall, 2),
        stages=[st.as_dict() for st in plan.stages],
        peak_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    )


def city_data(scale: int) -> Path:
    from data.gen_sessions import generate

    folder = Path(tempfile.mkdtemp(prefix="tuoyu_city_"))
    for name in ("streets.csv", "calendar.csv"):
        shutil.copy(ROOT / "tuoyu" / "data" / "baoshan" / name, folder / name)
    generate(folder, scale=scale, seed=20261129)
    return folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--only", choices=("bundled", "city"))
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--city-time-limit", type=float, default=300.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--city-scale", type=int, default=11)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--save", type=Path, help="Write each plan to SAVE/<instance>.csv.")
    a = ap.parse_args()
    if a.save and not a.child:
        a.save.mkdir(parents=True, exist_ok=True)
    if a.child:
        print(json.dumps(run_one(Path(a.child), a.time_limit, a.workers, a.save)))
        return
    todo = []
    if a.only in (None, "bundled"):
        todo.append(("bundled", ROOT / "tuoyu" / "data" / "baoshan", a.time_limit))
    if a.only in (None, "city"):
        todo.append((f"city x{a.city_scale}", city_data(a.city_scale), a.city_time_limit))
    for name, folder, limit in todo:
        res = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(folder),
                "--time-limit",
                str(limit),
                "--workers",
                str(a.workers),
            ]
            + (["--save", str(a.save / f"{name.split()[0]}.csv")] if a.save else []),
            capture_output=True,
            text=True,
        )
        if res.returncode:
            print(f"{name}: failed\n{res.stderr[-2000:]}")
            continue
        r = json.loads(res.stdout.strip().splitlines()[-1])
        gap = "n/a" if r["gap"] is None else f"{r['gap']:.2%}"
        print(
            f"{name:10s} centers {r['centers']:4d} staff {r['staff']:4d} sessions "
            f"{r['sessions']:5d} events {r['events']:3d} | status {r['status']:8s} gap {gap:>7s}"
            f" | load {r['load_s']:5.1f}s build {r['build_s']:5.1f}s solve {r['solve_s']:6.1f}s"
            f" | peak {r['peak_mb']:7.1f} MB"
        )
        for st in r["stages"]:
            print(f"    {st}")


if __name__ == "__main__":
    main()
