"""One month's roster at 1x, 10x and 12x the bundled district, two versions side by side.

    python benchmarks/bench_roster.py [--month 2027-03] [--workers 8] [--time-limit 60]
        [--scales 1,10,12] [--before /work/main] [--markdown docs/benchmarks/roster.md]
        [--cases few-large:10:2027-03,baoshan:12:2027-11]

Each (version, scale) runs in its own process, with that version's code first on
``sys.path`` (``--before``: a checkout of the version to compare with, e.g. main), so its
peak memory (max RSS) is its own. Prints, per case, the end-to-end seconds (load, draw,
solve), the status, the gap, whether the roster is proven the only optimum, a digest of
the rows (SHA-256 of the rows, first 12 digits: equal digests, equal rosters), peak memory,
and per stage its status, seconds and gap. The instance at scale N is
``data/generate.py --scale N`` (N x the institutions and inspectors; 10x: 1,500
institutions and 300 inspectors). ``--cases`` lists SHAPE:SCALE:MONTH cases instead, on
districts shaped unlike Baoshan (``data/generate.py --shape``: ``few-large``, 9 streets,
heavier leave and conflicts; ``many-small``, 26 streets); the data are generated once by
this version's generator and both versions solve the same folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one(data_dir: str, month: str, workers: int, time_limit: float) -> dict:
    """Run one case in this process (the code on ``sys.path`` decides the version)."""
    t0 = time.perf_counter()
    from tuoyu.models.errors import InfeasibleError, TimeLimitError
    from tuoyu.models.inspection import load_inspection_data
    from tuoyu.optimizer.roster import build_problem, solve_roster
    from tuoyu.optimizer.solve import SolveParams, gap

    year, mon = (int(x) for x in month.split("-"))
    data = load_inspection_data(data_dir)
    problem = build_problem(data, year, mon, seed=20270301)
    out = {
        "institutions": len(data.institutions),
        "inspectors": len(data.inspectors),
        "visits": len(problem.visits),
    }
    try:
        plan = solve_roster(problem, SolveParams(time_limit=time_limit, workers=workers))
    except (InfeasibleError, TimeLimitError) as err:
        out.update(status=type(err).__name__, unique=None, gap=None, stages=[])
    else:
        out.update(
            status=str(plan.status),
            objective=plan.objective,
            bound=plan.bound,
            unique=plan.unique,
            gap=gap(plan.objective, plan.bound),
            rows=hashlib.sha256(repr(plan.rows).encode()).hexdigest()[:12],
            stages=[
                (
                    s.stage,
                    str(s.status),
                    round(s.build_seconds + s.solve_seconds, 2),
                    gap(s.objective, s.bound),
                )
                for s in plan.stages
            ],  # fmt: skip
        )
    out["seconds"] = round(time.perf_counter() - t0, 1)
    out["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def _pct(g: float | None) -> str:
    return "n/a" if g is None else f"{100 * g:.2f}%"


def run_case(code: Path, folder: Path, args: argparse.Namespace) -> dict:
    env = dict(os.environ, PYTHONPATH=str(code))
    cmd = [sys.executable, __file__, "--one", str(folder), "--month", args.month,
           "--workers", str(args.workers), "--time-limit", str(args.time_limit)]  # fmt: skip
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=code, check=False)
    if res.returncode != 0:
        return {"status": "error: " + res.stderr.strip().splitlines()[-1], "stages": []}
    return json.loads(res.stdout.strip().splitlines()[-1])


def table(results: list[tuple[str, str, dict]]) -> list[str]:
    lines = [
        "| case | version | institutions / inspectors / visits | end to end s | status "
        "| objective / bound | gap | proven unique | rows | peak MB | stages (status, s, gap) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for scale, version, r in results:
        stages = "; ".join(f"{s} {st} {t} s {_pct(g)}" for s, st, t, g in r.get("stages", []))
        size = f"{r.get('institutions')} / {r.get('inspectors')} / {r.get('visits')}"
        lines.append(
            f"| {scale} | {version} | {size} | {r.get('seconds')} | {r['status']} "
            f"| {r.get('objective')} / {r.get('bound')} | {_pct(r.get('gap'))} | {r.get('unique')} | {r.get('rows', '')} | {r.get('peak_mb')} | {stages} |"
        )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--month", default="2027-03")
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--scales", default="1,10,12")
    ap.add_argument("--before", help="a checkout of the version to compare with")
    ap.add_argument("--markdown", help="also write the table to this file")
    ap.add_argument("--cases", help="SHAPE:SCALE:MONTH,... instead of --scales and --month")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.month, args.workers, args.time_limit)))
        return
    sys.path.insert(0, str(ROOT))
    from data.generate import generate

    versions = [("after", ROOT)] + ([("before", Path(args.before))] if args.before else [])
    results = []
    if args.cases:
        cases = [tuple(c.split(":")) for c in args.cases.split(",")]
    else:
        cases = [("baoshan", s, args.month) for s in args.scales.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        for shape, scale, month in cases:
            folder = Path(tmp) / f"{shape}-x{scale}"
            if not folder.exists():
                generate(folder, scale=int(scale), shape=shape)
            label = f"{scale}" if shape == "baoshan" else f"{shape} {scale}"
            label += f"x {month}" if args.cases else "x"
            for version, code in reversed(versions):
                r = run_case(code, folder, argparse.Namespace(**{**vars(args), "month": month}))
                results.append((label, version, r))
                print("\n".join(table([results[-1]])[2:]), flush=True)
    lines = table(results)
    print("\n".join(lines))
    if args.markdown:
        head = [
            "# Roster benchmark",
            "",
            f"Command: `python benchmarks/bench_roster.py --month {args.month} --workers "
            f"{args.workers} --time-limit {args.time_limit:g} "
            + (f"--cases {args.cases}" if args.cases else f"--scales {args.scales}")
            + (f" --before {args.before}`" if args.before else "`"),
            "",
            f"Machine: {os.cpu_count()} cores, {platform.platform()}; "
            f"{dt.datetime.now().isoformat(timespec='minutes')}.",
            "",
        ]
        Path(args.markdown).write_text("\n".join([*head, *lines, ""]), encoding="utf-8")


if __name__ == "__main__":
    main()
