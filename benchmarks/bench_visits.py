"""Home visits: PyVRP (the planner's router) and OR-Tools routing side by side on the same
instances (a district week, a 12x week), and Solomon VRPTW instances against their best
known solutions.

``flock /tmp/tuoyu-heavy.lock .venv/bin/python benchmarks/bench_visits.py``
(``--scale 1`` for the district week alone, ``--solomon-only``).

Both solvers get the very same instance: OR-Tools is built from the PyVRP ``ProblemData``
the planner builds (same clients, half-day time windows, mutually exclusive groups as
disjunctions, team-day vehicles with their depots, shifts and capacities, the discipline
load dimensions). PyVRP runs its iteration limit with the planner's parameters
(``solve_params``: the raised penalty ceiling); OR-Tools (guided local search, from
the cheapest-arc start) gets the same wall time PyVRP took. The objective compared is the
planner's: travel minutes + per family its prize when skipped, its lateness when visited.
Seconds are wall time on a shared 2-core machine (inflated when others run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ortools.constraint_solver import pywrapcp, routing_enums_pb2  # noqa: E402
from pyvrp import (  # noqa: E402
    Client,
    Depot,
    Location,
    ProblemData,
    SolveParams,
    VehicleType,
)
from pyvrp import solve as pyvrp_solve  # noqa: E402
from pyvrp.stop import MaxIterations, MaxRuntime  # noqa: E402

from tuoyu.data import BUNDLED  # noqa: E402
from tuoyu.models.visits import load_visit_data  # noqa: E402
from tuoyu.optimizer.visits import RoutingParams, VisitProblem, form_teams  # noqa: E402
from tuoyu.optimizer.visits.solve import build, solve_params  # noqa: E402

WEEK = dt.date(2027, 3, 1)
SOLOMON = ROOT / "benchmarks" / "data" / "solomon"
BKS = {"C101": 828.94, "R101": 1637.7, "RC101": 1619.8}
SCALE = 1000  # Solomon distances and times in thousandths


def _generate(folder: Path, scale: int) -> None:
    spec = importlib.util.spec_from_file_location("_gen", ROOT / "data" / "generate.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["_gen"] = mod
    spec.loader.exec_module(mod)
    mod.generate(folder, scale=scale)


def _groups(data: ProblemData) -> list[list[int]]:
    return [list(g.clients) for g in data.groups()] if data.num_groups else [
        [i] for i in range(data.num_clients)]


def planner_objective(data: ProblemData, routes: list[list[int]], travel: int) -> int:
    """The routes' cost (``travel``: their distances in their vehicles' profiles, i.e.
    travel and a pair's people beyond a family's needs) + per group: its largest prize
    when skipped, else that less the visited client's prize (the planner's objective up to
    a constant, without the post-pass's goals)."""
    clients = data.clients()
    visited = {c for r in routes for c in r}
    total = travel
    for g in _groups(data):
        top = max(clients[c].prize for c in g)
        hit = [c for c in g if c in visited]
        total += top - clients[hit[0]].prize if hit else top
    return total


def solve_pyvrp(data: ProblemData, stop: object, seed: int = 1,
                params: SolveParams | None = None,
                ) -> tuple[int, list[list[int]], bool, float, list[int]]:
    """PyVRP's best: its routes' cost (distances in their profiles, and the fixed costs of
    the vehicles used: a pair's commute), routes, feasible, seconds, each route's
    depot."""
    t0 = time.perf_counter()
    res = pyvrp_solve(data, stop=stop, seed=seed, collect_stats=False, display=False,
                      params=params or SolveParams())
    s = time.perf_counter() - t0
    best = res.best
    routes = [[a.idx for a in r.schedule() if a.is_client()] for r in best.routes()]
    starts = [int(r.start_depot()) for r in best.routes()]
    cost = int(best.distance_cost()) + int(best.fixed_vehicle_cost())
    return cost, routes, bool(best.is_feasible()), s, starts


def travel_of(data: ProblemData, routes: list[list[int]], starts: list[int]) -> int:
    """Minutes of travel of routes (the durations, the same in every profile), each from
    and back to its depot in ``starts``."""
    matrix = np.asarray(data.duration_matrix(0))
    clients, depots = data.clients(), data.depots()
    total = 0
    for seq, d in zip(routes, starts, strict=True):
        home = depots[d].location
        locs = [home, *(clients[c].location for c in seq), home]
        total += int(sum(matrix[a, b] for a, b in zip(locs, locs[1:], strict=False)))
    return total


def solve_ortools(data: ProblemData, matrix: np.ndarray, seconds: float,
                  optional: bool) -> tuple[int, list[list[int]], bool, list[int]]:
    """The same instance in OR-Tools routing: nodes are the depots then the clients;
    ``matrix``: the travel times. Returns the routes' cost (distances in each vehicle's
    profile, and the fixed cost of each vehicle used: a pair's commute), the routes,
    whether a solution was found, each route's depot."""
    depots, clients, vts = data.depots(), data.clients(), data.vehicle_types()
    nd = len(depots)
    loc = [d.location for d in depots] + [c.location for c in clients]
    vehicles = [vt for vt in vts for _ in range(vt.num_available)]
    starts = [vt.start_depot for vt in vehicles]
    ends = [vt.end_depot for vt in vehicles]
    manager = pywrapcp.RoutingIndexManager(len(loc), len(vehicles), starts, ends)
    routing = pywrapcp.RoutingModel(manager)
    top = {}
    for g in _groups(data):
        m = max(clients[c].prize for c in g)
        for c in g:
            top[c] = m

    distances = [np.asarray(data.distance_matrix(p)) for p in range(data.num_profiles)]

    def cost_in(dist: np.ndarray):  # noqa: ANN202 - a transit callback
        def cost(i: int, j: int) -> int:
            a, b = manager.IndexToNode(i), manager.IndexToNode(j)
            extra = top[b - nd] - clients[b - nd].prize if b >= nd and optional else 0
            return int(dist[loc[a], loc[b]]) + extra
        return cost

    def transit(i: int, j: int) -> int:
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        service = clients[a - nd].service_duration if a >= nd else 0
        return int(matrix[loc[a], loc[b]]) + service

    # a vehicle's arcs cost its profile's distances (a pair's carry the people beyond a
    # family's needs), as in PyVRP
    costs = [routing.RegisterTransitCallback(cost_in(d)) for d in distances]
    for v, vt in enumerate(vehicles):
        routing.SetArcCostEvaluatorOfVehicle(costs[vt.profile], v)
        routing.SetFixedCostOfVehicle(int(vt.fixed_cost), v)  # a pair's commute
    horizon = max(int(vt.tw_late) for vt in vehicles if vt.tw_late < 2**62) + 1
    t_idx = routing.RegisterTransitCallback(transit)
    routing.AddDimension(t_idx, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    for k, c in enumerate(clients):
        time_dim.CumulVar(manager.NodeToIndex(nd + k)).SetRange(int(c.tw_early),
                                                                 int(min(c.tw_late, horizon)))
    for v, vt in enumerate(vehicles):
        lo, hi = int(vt.tw_early), int(min(vt.tw_late, horizon))
        time_dim.CumulVar(routing.Start(v)).SetRange(lo, hi)
        time_dim.CumulVar(routing.End(v)).SetRange(lo, hi)
    for dim in range(data.num_load_dimensions):
        def demand(i: int, dim: int = dim) -> int:
            a = manager.IndexToNode(i)
            return int(clients[a - nd].delivery[dim]) if a >= nd else 0

        d_idx = routing.RegisterUnaryTransitCallback(demand)
        routing.AddDimensionWithVehicleCapacity(
            d_idx, 0, [int(vt.capacity[dim]) for vt in vehicles], True, f"load{dim}")
    if optional:
        for g in _groups(data):
            routing.AddDisjunction([manager.NodeToIndex(nd + c) for c in g], int(top[g[0]]), 1)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
    params.time_limit.FromMilliseconds(max(1000, int(seconds * 1000)))
    sol = routing.SolveWithParameters(params)
    if sol is None:
        return 0, [], False, []
    routes, travel, starts = [], 0, []
    for v in range(len(vehicles)):
        i = routing.Start(v)
        route = []
        dist = distances[vehicles[v].profile]
        while not routing.IsEnd(i):
            j = sol.Value(routing.NextVar(i))
            travel += int(dist[loc[manager.IndexToNode(i)], loc[manager.IndexToNode(j)]])
            if manager.IndexToNode(j) >= nd and not routing.IsEnd(j):
                route.append(manager.IndexToNode(j) - nd)
            i = j
        if route:
            routes.append(route)
            starts.append(vehicles[v].start_depot)
            travel += int(vehicles[v].fixed_cost)
    return travel, routes, True, starts


def _load() -> str:
    """The machine's 1-minute load average when a row is printed (2 cores: above 2, the
    seconds are inflated by other work)."""
    return f"{os.getloadavg()[0]:.1f}"


def visits_row(folder: Path, label: str, iterations: int) -> None:
    problem = VisitProblem(load_visit_data(folder), WEEK)
    built = build(problem, form_teams(problem))
    assert built is not None
    data = built.data
    matrix = np.asarray(data.duration_matrix(0))  # travel times; costs by profile
    cost, routes, feas, s, starts = solve_pyvrp(data, MaxIterations(iterations),
                                                RoutingParams().seed, solve_params(problem))
    obj = planner_objective(data, routes, cost)
    travel = travel_of(data, routes, starts)
    due = {f.family_id for f in problem.families if problem.is_due(f)}

    def due_hit(rs: list[list[int]]) -> int:
        return len({built.clients[c][0].family_id for r in rs for c in r} & due)

    print(f"| {label} | PyVRP 0.14.1, {iterations} iterations | {data.num_clients} | "
          f"{data.num_vehicles} | {s:.1f} | {feas} | {obj:,} | {travel:,} | "
          f"{due_hit(routes)}/{len(due)} | {_load()} |", flush=True)
    t0 = time.perf_counter()
    o_cost, o_routes, o_ok, o_starts = solve_ortools(data, matrix, s, optional=True)
    o_s = time.perf_counter() - t0
    o_obj = planner_objective(data, o_routes, o_cost) if o_ok else None
    o_travel = travel_of(data, o_routes, o_starts)
    print(f"| {label} | OR-Tools 9.15 GLS, same wall time | {data.num_clients} | "
          f"{data.num_vehicles} | {o_s:.1f} | {o_ok} | "
          f"{'—' if o_obj is None else f'{o_obj:,}'} | {o_travel:,} | "
          f"{due_hit(o_routes)}/{len(due)} | {_load()} |", flush=True)


VARIANTS = ("thin-staff", "clustered")


def variant(src: Path, name: str, out: Path) -> Path:
    """A week shaped otherwise than the generator's, from a generated folder: ``thin-staff``
    keeps every other visit staff member (half the team-days for the same families);
    ``clustered`` puts every family at its committee's centre (lon/lat blank: hundreds of
    families on few points, the cut's ties)."""
    import csv
    import shutil

    shutil.copytree(src, out, dirs_exist_ok=True)
    table = "visit_staff.csv" if name == "thin-staff" else "families.csv"
    with (src / table).open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    if name == "thin-staff":
        rows = rows[::2]
    else:
        for r in rows:
            r["lon"] = r["lat"] = ""
    with (out / table).open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    return out


_CHILD = """
import datetime as dt, json, os, sys, time
sys.path.insert(0, sys.argv[1])
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import VisitParams
from tuoyu.planning.visits import run
t0 = time.perf_counter()
p = run(Dataset.at(sys.argv[2]), VisitParams(week=dt.date(2027, 3, 1),
        time_limit=float(sys.argv[3]), workers=int(sys.argv[5])))
s = time.perf_counter() - t0
d = p.detail
import hashlib
rows = hashlib.sha256(json.dumps([dict(r) for r in p.rows], sort_keys=True).encode())
due = [f for f in d.problem.families if d.problem.is_due(f)]
hit = {r["family_id"] for r in p.rows}
codes = [f.code for f in p.findings]
spare = sum(max(0, len(str(r["staff_ids"]).split(";")) - min(2, len(str(r["needs"]).split(";"))))
            for r in p.rows)
weighed = any(g.code == "visits.goal.spare_people" for g in p.soft_goals)
# a pair's second member's trip to the first's base and back, each day out (counted as
# travel since 2026-12-07): added to an objective made without it
base = {s.staff_id: (s.base_lon, s.base_lat) for s in d.data.staff}
from tuoyu.optimizer.visits.problem import travel_minutes
pair_days = {(r["staff_ids"], r["date"]) for r in p.rows if ";" in str(r["staff_ids"])}
commute = sum(2 * max(travel_minutes(*base[m], *base[ids.split(";")[0]], d.problem.rules)
                      for m in ids.split(";")[1:]) for ids, _ in pair_days)
from tuoyu.optimizer.visits import teams as _teams
counted = hasattr(_teams.Team, "commute")
sys.path.insert(0, sys.argv[4])  # the checker of now's tests, for both codes
from visits_check import violations
from pathlib import Path
broken = len(violations(Path(sys.argv[2]), p.rows, dt.date(2027, 3, 1)))
# the visits 30 minutes or more from their team's base, by why (now's far.py, on either
# code's plan: it reads the plan's visits and the inputs only)
import importlib.util
spec = importlib.util.spec_from_file_location(
    "_far_now", Path(sys.argv[4]).parent / "tuoyu" / "optimizer" / "visits" / "far.py")
far_now = importlib.util.module_from_spec(spec)
sys.modules["_far_now"] = far_now  # its dataclasses look their module up
spec.loader.exec_module(far_now)
from collections import Counter
why = Counter(f.code.rsplit(".", 1)[1] for f in far_now.far_visits(
    d.problem, d.result.teams, d.result.visits) if "family_id" in f.params)
print(json.dumps({"s": s, "spare": spare, "broken": broken, "commute": commute,
  "now_objective": p.objective + (0 if weighed else 60 * spare)
                   + (0 if counted else commute), "due": sum(f.family_id in hit for f in due), "of": len(due),
  "proven": codes.count("visits.family_no_slot"),
  "travel": sum(r.travel_minutes for r in d.result.routes), "objective": p.objective,
  "bound": p.bound, "visited": len(hit), "families": len(d.problem.families),
  "stopped": bool({"visits.time_limit_stop", "plan.wall_clock_stop"} & set(codes)),
  "iterations": d.result.iterations, "far": sum(why.values()), "why": dict(why),
  "load": os.getloadavg()[0], "rows": rows.hexdigest()[:10]}))
"""


def _hogs(n: int) -> list:
    """``n`` processes that keep a core busy each (a loaded machine), to stop later."""
    import subprocess

    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def before_after(before: Path, label: str, folder: Path, time_limit: float,
                 hogs: tuple[int, ...] = (0,), workers: tuple[int, ...] = (8,)) -> None:
    """The whole planner (``run``, the service's defaults) on one week, the code before
    (a checkout at ``before``) and now, one after the other, each in its own process;
    with each number of CPU hogs in ``hogs`` running beside it (0: none). ``rows``: a
    hash of the plan's rows (the same routes, the same hash). ``people beyond needs``:
    counted on the rows (a pair at a family needing one discipline); ``pairs' commute``:
    a pair's second member to the first's base and back, each day out; the objective with
    now's goals adds both (60 a person beyond the needs, a minute a commute minute) to a
    plan made by code that did not count them. ``rule breaks``: what now's independent
    checker (``tests/visits_check.py``, each member from their own base) finds on the
    rows. ``far``: visits 30 minutes or more from their team's base, and of them the
    ones a nearer team could take for less (``far.py``'s "improvable"), for both codes;
    each plan with each number of solver ``workers`` (the rows must not change)."""
    import json
    import subprocess

    codes = (("before", before), ("now", ROOT))
    for hog, n, (name, root) in ((h, n, c) for h in hogs for n in workers for c in codes):
        running = _hogs(hog)
        try:
            out = subprocess.run([sys.executable, "-c", _CHILD, str(root), str(folder),
                                  str(time_limit), str(ROOT / "tests"), str(n)],
                                 capture_output=True, text=True, check=True)
        finally:
            for p in running:
                p.kill()
                p.wait()
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| {label} | {name} | {n} | {hog} | {r['s']:.1f} | "
              f"{r['iterations']:,}{' (clock)' if r['stopped'] else ''} | "
              f"{r['due']}/{r['of']} ({r['proven']} proven unreachable) | "
              f"{r['visited']}/{r['families']} | {r['travel']:,} | {r['commute']:,} | "
              f"{r['spare']} | {r['broken']} | {r['objective']:,.0f} | "
              f"{r['now_objective']:,.0f} | {r['bound']:,.0f} | "
              f"{r['far']} ({r['why'].get('improvable', 0)}) | "
              f"{r['rows']} | {r['load']:.1f} |", flush=True)


def solomon_data(name: str) -> ProblemData:
    lines = [ln.split() for ln in (SOLOMON / f"{name}.txt").read_text().splitlines()
             if ln.strip()]
    capacity = int(lines[0][0])
    rows = [[float(x) for x in ln] for ln in lines[1:]]
    xy = [(r[1], r[2]) for r in rows]
    n = len(xy)
    m = np.zeros((n, n), dtype=np.int64)
    for i in range(n):
        for j in range(n):
            m[i, j] = round(math.dist(xy[i], xy[j]) * SCALE)
    depot = rows[0]
    clients = [Client(i, delivery=[int(r[3])], tw_early=int(r[4] * SCALE),
                      tw_late=int(r[5] * SCALE), service_duration=int(r[6] * SCALE))
               for i, r in enumerate(rows[1:], start=1)]
    return ProblemData([Location(x, y) for x, y in xy], clients,
                       [Depot(0, tw_early=0, tw_late=int(depot[5] * SCALE))],
                       [VehicleType(25, capacity=[capacity], tw_early=0,
                                    tw_late=int(depot[5] * SCALE))], [m], [m])


def solomon_rows(seconds: float) -> None:
    print("\n| Solomon | BKS (distance) | solver | seconds | distance | vehicles | gap "
          "| load avg |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for name, bks in BKS.items():
        data = solomon_data(name)
        matrix = np.asarray(data.distance_matrix(0))
        travel, routes, feas, s, _ = solve_pyvrp(data, MaxRuntime(seconds))
        dist = travel / SCALE
        print(f"| {name} | {bks} | PyVRP 0.14.1 ({seconds:.0f} s) | {s:.1f} | "
              f"{dist:.2f}{'' if feas else ' (infeasible)'} | {len(routes)} | "
              f"{(dist - bks) / bks:+.2%} | {_load()} |", flush=True)
        t0 = time.perf_counter()
        o_travel, o_routes, ok, _ = solve_ortools(data, matrix, seconds, optional=False)
        o_s = time.perf_counter() - t0
        o_dist = o_travel / SCALE
        shown = f"{o_dist:.2f}" if ok else "no solution"
        gap = f"{(o_dist - bks) / bks:+.2%}" if ok else "—"
        print(f"| {name} | {bks} | OR-Tools 9.15 GLS ({seconds:.0f} s) | {o_s:.1f} | "
              f"{shown} | {len(o_routes)} | {gap} | {_load()} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, nargs="*", default=[1, 12])
    ap.add_argument("--iterations", type=int, default=3000)
    ap.add_argument("--solomon-seconds", type=float, default=10.0)
    ap.add_argument("--solomon-only", action="store_true")
    ap.add_argument("--no-solomon", action="store_true")
    ap.add_argument("--generated", type=Path, default=None,
                    help="a folder data/generate.py wrote at the (one) --scale above 1, "
                         "instead of generating it here")
    ap.add_argument("--before", type=Path, default=None,
                    help="a checkout of the code before (its folder holds tuoyu/): the whole "
                         "planner before and now on each week, side by side, instead of "
                         "PyVRP against OR-Tools")
    ap.add_argument("--variants", nargs="*", choices=VARIANTS, default=[],
                    help="with --before: also these reshapings of the generated week")
    ap.add_argument("--time-limit", type=float, nargs="*", default=[60.0],
                    help="with --before: the planner's time limits (the service's 60 s)")
    ap.add_argument("--hog", type=int, nargs="*", default=[0],
                    help="with --before: run each plan beside this many CPU hogs (0: none; "
                         "e.g. 0 3: calm, then loaded)")
    ap.add_argument("--workers", type=int, nargs="*", default=[8],
                    help="with --before: the solver workers of each plan (e.g. 1 8: the "
                         "rows must be the same)")
    ap.add_argument("--week", nargs="*", default=[], metavar="LABEL=FOLDER",
                    help="also these dataset folders' week 2027-03-01 (e.g. "
                         "东滩区=/tmp/东滩区 from benchmarks/make_dongtan.py)")
    args = ap.parse_args()
    if args.before is not None:
        print("| week | code | workers | hogs | seconds | iterations | due visited "
              "| families visited | travel min | pairs' commute min | people beyond needs "
              "| rule breaks | objective | objective, now's goals | bound "
              "| far (a nearer team cheaper) | rows | load avg |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:"
              "|---|---:|")
        hogs = tuple(args.hog)
        workers = tuple(args.workers)
        for label, _, where in (w.partition("=") for w in args.week):
            for limit in args.time_limit:
                before_after(args.before, label, Path(where), limit, hogs,
                                 workers)
        for scale in args.scale:
            if scale == 1:
                for limit in args.time_limit:
                    before_after(args.before, "district 2027-03-01", BUNDLED, limit, hogs, workers)
                continue
            with tempfile.TemporaryDirectory() as tmp:
                folder = args.generated
                if folder is None:
                    folder = Path(tmp) / "gen"
                    _generate(folder, scale)
                for limit in args.time_limit:
                    before_after(args.before, f"{scale}x 2027-03-01", folder, limit, hogs, workers)
                    for name in args.variants:
                        before_after(args.before, f"{scale}x {name}",
                                     variant(folder, name, Path(tmp) / name), limit, hogs,
                                     workers)
        return
    if not args.solomon_only:
        print("| instance | solver | clients | vehicles | seconds | feasible | objective "
              "| travel min | due visited | load avg |")
        print("|---|---|---:|---:|---:|---|---:|---:|---:|---:|")
        for label, _, where in (w.partition("=") for w in args.week):
            visits_row(Path(where), label, args.iterations)
        for scale in args.scale:
            if scale == 1:
                visits_row(BUNDLED, "district week 2027-03-01", args.iterations)
                continue
            if args.generated is not None:
                visits_row(args.generated, f"{scale}x week 2027-03-01", args.iterations)
                continue
            with tempfile.TemporaryDirectory() as tmp:
                _generate(Path(tmp), scale)
                visits_row(Path(tmp), f"{scale}x week 2027-03-01", args.iterations)
    if not args.no_solomon:
        solomon_rows(args.solomon_seconds)


if __name__ == "__main__":
    main()
