"""The guidance-session calendar, before and after, side by side in one run: the bundled
Baoshan year, a mid-size and a city-size district.

    python benchmarks/bench_sessions.py [--before ROOT] [--sizes 1,3,6] [--limits 60,120,600]
        [--only before|after] [--fast] [--out docs/benchmarks/sessions.md]

Each run is its own process (``--child``) with ``ROOT`` first on ``sys.path``, so
``--before`` (a checkout of an earlier commit, e.g. ``git archive 4703cae tuoyu | tar -x
-C /tmp/main4703``) and this worktree import their own ``tuoyu``, and each run's peak
memory (ru_maxrss) is its own. Size 1 is the bundled data; size ``N > 1`` is
``data/gen_sessions.py --scale N`` over the bundled streets (scale 6: 469 centers, 270
staff); ``N:M`` scales the centers by N and the staff by M (``6:8``: 469 centers, 360
staff, the issue's city ratio); ``N@SHAPE`` a district shaped unlike Baoshan (few big
streets, many small ones, staff thin in some streets, heavy leave; ``6:8@city9``: the
issue's 9-street city, 497 centers and 360 staff). ``--limits`` gives each size its ``--time-limit`` (a work
budget: deterministic time, see docs/sessions.md). Prints one row per run: status, gap,
objective, bound, seconds of the calendar, of the teams, of the local improvement and of
the topics chosen at once, wall seconds, peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_one(root: Path, data_dir: Path, time_limit: float, fast: bool = False
            ) -> dict[str, object]:
    sys.path.insert(0, str(root))
    from tuoyu.models.sessions import load_session_data
    from tuoyu.optimizer.sessions import SessionProblem, plan_sessions
    from tuoyu.optimizer.solve import SolveParams, gap

    data = load_session_data(data_dir)
    t = time.perf_counter()
    # --fast: the CLI's parallel mode (8 threads within wall-clock seconds)
    plan = plan_sessions(
        SessionProblem(data=data, year=2027),
        SolveParams(time_limit=time_limit, workers=8 if fast else 2),
        **({"reproducible": False} if fast else {}),
    )
    wall = time.perf_counter() - t
    per: dict[str, float] = defaultdict(float)
    for st in plan.stages:
        per[st.stage.split()[0]] += st.build_seconds + st.solve_seconds
    return dict(
        centers=len(data.centers),
        staff=len(data.staff),
        status=str(plan.status),
        gap=gap(plan.objective, plan.bound),
        objective=plan.objective,
        bound=plan.bound,
        calendar_s=round(per.get("calendar", 0.0), 1),
        teams_s=round(per.get("teams", 0.0), 1),
        polish_s=round(per.get("polish", 0.0), 1),
        topics_s=round(per.get("topics", 0.0), 1),
        first_s=round(per.get("first", 0.0), 2),
        load=[round(x, 1) for x in __import__("os").getloadavg()],
        wall_s=round(wall, 1),
        peak_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        findings=sorted({f.code for f in plan.findings}),
        goals={g.code.rsplit(".", 1)[-1]: g.value for g in plan.soft_goals if g.value},
    )


def district(size: str) -> Path:
    """``N``: generator scale N; ``N:M``: centers at scale N, staff at scale M;
    ``...@SHAPE``: a district shape of ``data/gen_sessions.SHAPES`` (few_big, many_small,
    thin_staff, heavy_leave, city9: 9 streets, 497 centers and 360 staff at ``6:8``);
    ``dir:PATH``: a dataset folder as it is (e.g. a district of another generator);
    ``hSEED``: a small held-out district of ``data/gen_sessions.heldout`` (18 venues, 20
    staff, leave, closures, weekend-only staff)."""
    if size.startswith("dir:"):
        return Path(size[4:])
    if size.startswith("h"):
        sys.path.insert(0, str(ROOT))
        from data.gen_sessions import heldout

        folder = Path(tempfile.mkdtemp(prefix=f"tuoyu_sessions_{size}_"))
        return heldout(folder, int(size[1:]), year=2027, baby=16, other=2, staff_n=20,
                       leave_share=0.2, closure_share=0.1, weekend_only_share=0.1)
    size, _, shape = size.partition("@")
    scale, _, staff = size.partition(":")
    if size == "1" and not shape:
        return ROOT / "tuoyu" / "data" / "baoshan"
    sys.path.insert(0, str(ROOT))
    from data.gen_sessions import generate

    folder = Path(tempfile.mkdtemp(prefix=f"tuoyu_sessions_x{scale}_"))
    for name in ("streets.csv", "calendar.csv"):
        shutil.copy(ROOT / "tuoyu" / "data" / "baoshan" / name, folder / name)
    generate(folder, scale=int(scale), seed=20261129, staff_scale=int(staff) if staff else None,
             shape=shape or "baoshan")
    return folder


def _row(name: str, who: str, r: dict) -> str:
    gap = "n/a" if r.get("gap") is None else f"{r['gap']:.1%}"
    obj = "-" if r.get("objective") is None else f"{r['objective']:.0f}"
    bound = "-" if r.get("bound") is None else f"{r['bound']:.0f}"
    return (
        f"| {name} | {r['centers']} / {r['staff']} | {who} | {r['status']} | {gap} | {obj} |"
        f" {bound} | {r['calendar_s']} | {r['teams_s']} | {r.get('polish_s', 0.0)} |"
        f" {r.get('topics_s', 0.0)} |"
        f" {r['wall_s']} | {r['peak_mb']} |"
    )


HEADER = (
    "| instance | centers / staff | code | status | gap | objective | bound | calendar s"
    " | teams s | polish s | topics s | wall s | peak MB |"
    "\n|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--before", type=Path, help="root of the code to compare against")
    ap.add_argument("--sizes", default="1,3,6")
    ap.add_argument("--limits", default="60,120,600", help="time limit per size")
    ap.add_argument("--only", choices=("before", "after"))
    ap.add_argument("--out", type=Path, help="append the table to this markdown file")
    ap.add_argument("--fast", action="store_true",
                    help="the parallel mode (--fast of the CLI): wall-clock seconds, 8 threads")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        root, folder, limit, mode = a.child
        print(json.dumps(run_one(Path(root), Path(folder), float(limit), mode == "fast")))
        return
    codes = []
    if a.before and a.only != "after":
        codes.append(("before", a.before))
    if a.only != "before":
        codes.append(("after", ROOT))
    lines = [HEADER]
    print(HEADER, flush=True)
    limits = [float(x) for x in a.limits.split(",")]
    for size, limit in zip(a.sizes.split(","), limits, strict=True):
        folder = district(size)
        name = "bundled" if size == "1" else f"x{size.replace(':', ' staff x')}"
        name = Path(size[4:]).name if size.startswith("dir:") else name
        name += " fast" if a.fast else ""
        name = f"held-out seed {size[1:]}" if size.startswith("h") else name
        name = name.replace("@", " shape ")
        for who, root in codes:
            res = subprocess.run(
                [sys.executable, __file__, "--child", str(root), str(folder), str(limit),
                 "fast" if a.fast else "det"],
                capture_output=True,
                text=True,
            )
            if res.returncode:
                line = f"| {name} | | {who} | failed: {res.stderr.strip()[-300:]!r} |"
            else:
                r = json.loads(res.stdout.strip().splitlines()[-1])
                line = _row(f"{name} (limit {limit:.0f})", who, r)
                line += "  <!-- " + ", ".join(r["findings"])
                if "load" in r:
                    line += f"; first calendar {r['first_s']} s; load {r['load']}"
                goals = r.get("goals") or {}
                line += "; goals " + ", ".join(f"{k} {v:g}" for k, v in goals.items()) + " -->"
            lines.append(line)
            print(line, flush=True)
    if a.out:
        cmd = "python benchmarks/bench_sessions.py " + " ".join(sys.argv[1:])
        with a.out.open("a", encoding="utf-8") as f:
            f.write(f"\n`{cmd}` — {dt.datetime.now():%Y-%m-%d %H:%M}, 2 shared cores\n\n")
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
