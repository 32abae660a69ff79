"""The wall-clock ceiling holds under a CPU hog (issue 18, "a time limit is a time limit").

    python benchmarks/bench_wall_limit.py [--wall 30] [--hogs 2] [--kinds sessions,roster,siting,visits]
        [--sizes 1,6:8@city9] [--scales 12,8@city9] [--out docs/benchmarks/wall_limit.md]

Each plan runs through ``tuoyu.planning.<kind>.run`` with a work budget far above the
ceiling (``time_limit`` 3000: the sessions' deterministic work, the others' seconds) and
``wall_limit`` W, while ``--hogs`` busy processes compete for the cores. Prints per plan:
the wall seconds, their ratio to W (the goal: at most 1.05), the status and whether the
plan says the clock ended a stage (``plan.wall_clock_stop``). Run it under the shared
lock; the hogs are this script's own children and end with it.

``--sizes`` are the calendar's datasets (``bench_sessions.district``). ``--scales`` are
districts of ``data/generate.py --scale N [--shape S]`` (``N`` or ``N@S``), generated once,
on which every kind in ``--kinds`` runs; a shape other than Baoshan has only the inspection
tables, so only the roster runs on it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _hog(stop_at: float) -> None:
    x = 0
    while time.time() < stop_at:
        x = (x * 1103515245 + 12345) % 2**31


def _params(kind: str, wall: float):
    import datetime as dt

    from tuoyu.planning.params import RosterParams, SessionParams, SitingParams, VisitParams

    if kind == "visits":  # iterations, not seconds: the most the parameter allows
        return VisitParams(week=dt.date(2027, 3, 1), iterations=200_000, wall_limit=wall)
    if kind == "sessions":
        return SessionParams(year=2027, time_limit=3000, workers=2, wall_limit=wall)
    if kind == "roster":
        return RosterParams(month="2027-11", time_limit=3000, workers=2, wall_limit=wall)
    return SitingParams(time_limit=3000, workers=2, wall_limit=wall)


def _dataset(size: str):
    from tuoyu.planning.dataset import Dataset

    if size == "1":
        return Dataset.bundled()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_sessions import district

    return Dataset.at(district(size))


_GENERATED: dict[str, Path] = {}


def generated(scale: str) -> Path:
    """The folder of ``data/generate.py`` at ``N`` or ``N@SHAPE``, written once per run."""
    if scale not in _GENERATED:
        import importlib.util
        import tempfile

        n, _, shape = scale.partition("@")
        spec = importlib.util.spec_from_file_location("_gen", ROOT / "data" / "generate.py")
        assert spec and spec.loader
        mod = importlib.util.module_from_spec(spec)
        sys.modules["_gen"] = mod
        spec.loader.exec_module(mod)
        folder = Path(tempfile.mkdtemp(prefix=f"tuoyu_wall_x{n}_{shape or 'baoshan'}_"))
        mod.generate(folder, scale=int(n), shape=shape or "baoshan")
        _GENERATED[scale] = folder
    return _GENERATED[scale]


def run_one(kind: str, size: str, wall: float) -> dict[str, object]:
    import importlib

    from tuoyu.planning.dataset import Dataset

    mod = importlib.import_module(f"tuoyu.planning.{kind}")
    dataset = Dataset.at(generated(size[4:])) if size.startswith("gen:") else _dataset(size)
    t = time.perf_counter()
    plan = mod.run(dataset, _params(kind, wall))
    secs = time.perf_counter() - t
    codes = sorted({f.code for f in plan.findings})
    return dict(kind=kind, size=size, wall=wall, seconds=round(secs, 1),
                ratio=round(secs / wall, 3), status=str(plan.status),
                clock="plan.wall_clock_stop" in codes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--wall", type=float, default=30.0)
    ap.add_argument("--hogs", type=int, default=2)
    ap.add_argument("--kinds", default="sessions,roster,siting,visits")
    ap.add_argument("--sizes", default="1", help="sessions datasets (bench_sessions sizes)")
    ap.add_argument("--scales", default="",
                    help="data/generate.py districts every kind runs on: N or N@SHAPE")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    jobs = []
    for kind in a.kinds.split(","):
        for size in a.sizes.split(",") if kind == "sessions" else ["1"]:
            if size:
                jobs.append((kind, size))
        for scale in filter(None, a.scales.split(",")):
            if kind == "roster" or "@" not in scale or scale.endswith("@baoshan"):
                jobs.append((kind, "gen:" + scale))
    head = ("| plan | dataset | ceiling s | wall s | wall / ceiling | status | clock ended a "
            "stage |\n|---|---|---|---|---|---|---|")
    lines = [head]
    print(head, flush=True)
    for kind, size in jobs:
        stop_at = time.time() + 3 * a.wall + 60
        hogs = [mp.Process(target=_hog, args=(stop_at,), daemon=True) for _ in range(a.hogs)]
        if size.startswith("gen:"):
            generated(size[4:])  # written before the hogs and the clock start
        for h in hogs:
            h.start()
        try:
            r = run_one(kind, size, a.wall)
        finally:
            for h in hogs:
                h.terminate()
                h.join()
        name = {"1": "bundled"}.get(size, size.replace("gen:", "generate.py ×"))
        line = (f"| {kind} | {name} | {a.wall:.0f} | "
                f"{r['seconds']} | {r['ratio']} | {r['status']} | {r['clock']} |")
        lines.append(line)
        print(line, flush=True)
    if a.out:
        cmd = "python benchmarks/bench_wall_limit.py " + " ".join(sys.argv[1:])
        with a.out.open("a", encoding="utf-8") as f:
            f.write(f"\n`{cmd}` — {dt.datetime.now():%Y-%m-%d %H:%M}, 2 shared cores, "
                    f"{a.hogs} CPU hogs\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
