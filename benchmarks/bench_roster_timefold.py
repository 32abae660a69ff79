"""The month's roster by tuoyu (CP-SAT, proven) and by Timefold (local search), side by side.

    python benchmarks/bench_roster_timefold.py [--month 2027-03] [--cases bundled:60,10x:120]
        [--time-limit 60] [--workers 2] [--timefold-python /tmp/tfvenv/bin/python]

The same month of the same district (the bundled data, and the generator's 10x instance)
is rostered twice by each solver with the same seed and the same time limit (per case:
60 s on the bundled data, 120 s on the 10x instance by default):

- tuoyu: ``build_problem`` (the 双随机 draw, seed 20270301) then ``solve_roster``
  (the days by exact network flows, then the teams by CP-SAT: the seeded priorities
  among the rosters at the soft goals' floor; proven optimal and unique when it says
  so), in this process (the project's venv).
- Timefold: an employee-scheduling model of the SAME visits (the draw is tuoyu's: the
  comparison is about dating and staffing them): a visit is a planning entity with a day
  variable, its team three slots (two required, one optional) with an inspector variable;
  the hard rules and the five soft goals with tuoyu's weights as constraint streams
  (HardSoftScore). Run in a separate venv (Timefold needs a JDK and its own packages),
  as a child process of this one, so both run in one command.

Both rosters are judged the same way, by code of neither solver: the independent checker
``tests/roster_check.py`` (every hard rule, from the rows and the tables) and the soft
objective recomputed from the rows (:func:`objective`, tuoyu's weights). Printed: seconds,
hard violations, the objective, its distance to tuoyu's proven bound, and whether the
second run with the same seed gave the same roster.

Timefold's venv (not the project's), with Java 17 (Debian's openjdk-17-jre-headless)::

    python3.11 -m venv /tmp/tfvenv
    /tmp/tfvenv/bin/pip install timefold==1.24.0b0      # pulls JPype1
    java -version                                        # 17 or newer

Timefold runs with its defaults (construction heuristic, then late acceptance) and
``spent_limit`` = the time limit, ``random_seed`` = 0, environment mode NO_ASSERT (its
reproducible mode without the score asserts; 1.24 has no mode named REPRODUCIBLE).
The script never imports timefold in the project's venv, nor tuoyu in Timefold's.
"""

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = 20270301
WEIGHTS = {  # tuoyu's RosterWeights, in its order; checked against it at run time
    "return_to_last_institution": 1000,
    "extra_team_member": 50,
    "team_day_in_far_streets": 20,
    "load_above_fair_share": 10,
    "busiest_day": 5,
}


# ------------------------------------------------------------------ tuoyu's side (project venv)


def instance(problem: Any) -> dict[str, Any]:
    """The month's problem as plain JSON for the Timefold child: days as indices, each
    visit's day window, each inspector's days off and recusals."""
    from tuoyu.optimizer.roster.variables import deadline_index, earliest_index

    days = [d.isoformat() for d in problem.days]
    recused: dict[str, list[str]] = defaultdict(list)
    for inst, pid in problem.recused:
        recused[pid].append(inst)
    visits = []
    for v, visit in enumerate(problem.visits):
        last = deadline_index(problem, visit)
        visits.append({"id": v, "institution": visit.institution_id, "street": visit.street_id,
                       "reason": visit.reason,
                       "earliest": earliest_index(problem, visit),
                       "latest": len(days) - 1 if last is None else last,
                       "last_team": list(visit.last_team)})  # fmt: skip
    inspectors = []
    for p in problem.inspectors:
        avail = set(problem.available[p.inspector_id])
        inspectors.append({
            "id": p.inspector_id, "department": p.department, "skills": list(p.skills),
            "max_day": p.max_per_day, "max_month": p.max_per_month,
            "off": [k for k, d in enumerate(problem.days) if d not in avail],
            "recused": sorted(recused[p.inspector_id]),
        })
    r = problem.rules
    at_work = [p for p in problem.inspectors if problem.available[p.inspector_id]]
    return {
        "days": days, "visits": visits, "inspectors": inspectors,
        "neighbours": {s: sorted(n) for s, n in problem.neighbours.items()},
        "skills": list(r.required_skills), "min_departments": r.min_departments,
        "min_team": r.min_team, "max_team": r.max_team, "weights": WEIGHTS,
        "fair": math.ceil(r.min_team * len(problem.visits) / max(1, len(at_work))),
    }


def objective(rows: list[dict[str, Any]], problem: Any) -> tuple[int, dict[str, int]]:
    """tuoyu's soft objective recomputed from a roster's rows and the problem's facts
    (never from a solver's variables): each goal's value, and the weighted sum."""
    last = {v.institution_id: set(v.last_team) for v in problem.visits}
    insp = {p.inspector_id: p for p in problem.inspectors}
    teams = [(r["date"], r["institution_id"], r["street_id"],
              [p for p in r["inspector_ids"].split(";") if p]) for r in rows]  # fmt: skip
    streets: dict[tuple[str, str], set[str]] = defaultdict(set)
    load: Counter[str] = Counter()
    for date, _inst, street, team in teams:
        for p in team:
            streets[p, date].add(street)
            load[p] += 1

    def far(pid: str, used: set[str]) -> bool:
        return insp[pid].max_per_day >= 2 and any(
            t != s and t not in problem.neighbours.get(s, ()) for s in used for t in used)

    at_work = [p.inspector_id for p in problem.inspectors if problem.available[p.inspector_id]]
    fair = math.ceil(problem.rules.min_team * len(rows) / max(1, len(at_work)))
    values = {
        "return_to_last_institution": sum(len(set(t) & last.get(i, set()))
                                          for _d, i, _s, t in teams),
        "extra_team_member": sum(len(t) for *_x, t in teams) - problem.rules.min_team * len(rows),
        "team_day_in_far_streets": sum(1 for (p, _d), used in streets.items() if far(p, used)),
        "load_above_fair_share": sum(max(0, load[p] - fair) for p in at_work),
        "busiest_day": max(Counter(d for d, *_x in teams).values(), default=0),
    }
    return sum(WEIGHTS[k] * v for k, v in values.items()), values


def judge(rows: list[dict[str, Any]], problem: Any, data: Any) -> dict[str, Any]:
    """Hard violations by the independent checker, and the recomputed objective."""
    sys.path.insert(0, str(ROOT / "tests"))
    from roster_check import check_roster

    if not rows:
        return {"violations": None, "first": "", "objective": None, "values": {}}
    violations = check_roster(rows, data, problem.year, problem.month, problem.rules)
    missing = {v.institution_id for v in problem.visits} - {r["institution_id"] for r in rows}
    total, values = objective(rows, problem)
    return {"violations": len(violations) + len(missing), "first": (violations or [""])[0],
            "objective": total, "values": values}  # fmt: skip


def run_tuoyu(problem: Any, time_limit: float, workers: int) -> dict[str, Any]:
    from tuoyu.models.errors import TimeLimitError
    from tuoyu.optimizer.roster import solve_roster
    from tuoyu.optimizer.solve import SolveParams

    t0 = time.perf_counter()
    try:
        plan = solve_roster(problem, SolveParams(time_limit=time_limit, workers=workers))
    except TimeLimitError:
        return {"rows": [], "seconds": time.perf_counter() - t0, "status": "no roster in time",
                "unique": None, "objective": None, "bound": None}
    seconds = time.perf_counter() - t0
    rows = [{"date": r.date.isoformat(), "institution_id": r.institution_id,
             "street_id": r.street_id, "inspector_ids": ";".join(r.inspector_ids),
             "reason": r.reason} for r in plan.rows]  # fmt: skip
    return {"rows": rows, "seconds": seconds, "status": str(plan.status), "unique": plan.unique,
            "objective": plan.objective, "bound": plan.bound}


def run_timefold(python: str, inst: dict[str, Any], time_limit: float,
                 tmp: Path) -> dict[str, Any]:
    """Timefold in its own venv, as a child process: the instance in, the roster out."""
    src, dst = tmp / "instance.json", tmp / "timefold.json"
    src.write_text(json.dumps(inst), encoding="utf-8")
    t0 = time.perf_counter()
    done = subprocess.run([python, __file__, "--timefold", str(src), str(dst),
                           "--time-limit", str(time_limit)], capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"Timefold failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    out = json.loads(dst.read_text(encoding="utf-8"))
    out["seconds"] = seconds
    return out


def case(label: str, folder: Path, args: argparse.Namespace, tmp: Path) -> list[dict[str, Any]]:
    from tuoyu.models.inspection import load_inspection_data
    from tuoyu.optimizer.roster import RosterWeights, build_problem

    assert dict(RosterWeights().__dict__) == WEIGHTS, "tuoyu's weights changed"
    year, mon = (int(x) for x in args.month.split("-"))
    data = load_inspection_data(folder)
    problem = build_problem(data, year, mon, seed=SEED)
    size = (f"{len(data.institutions)} institutions, {len(data.inspectors)} inspectors, "
            f"{len(problem.visits)} visits, {len(problem.days)} days")
    print(f"{label}: {size}", flush=True)
    inst = instance(problem)
    lines: list[dict[str, Any]] = []
    first: dict[str, list] = {}
    ours = None
    for solver in ("tuoyu", "timefold"):
        for n in (1, 2):
            if solver == "tuoyu":
                r = run_tuoyu(problem, args.time_limit, args.workers)
                status = r["status"] + (", unique" if r["unique"] else "") + (
                    "" if r["bound"] is None else
                    f", objective {r['objective']:,.0f}, bound {r['bound']:,.0f}")
                solve = r["seconds"]
            else:
                r = run_timefold(args.timefold_python, inst, args.time_limit, tmp)
                status = f"score {r['score']}"
                solve = r["solve_seconds"]
            j = judge(r["rows"], problem, data)
            if solver == "tuoyu" and ours is None and j["violations"] == 0:
                ours = j["objective"]  # the first roster tuoyu found
            key = sorted((x["date"], x["institution_id"], x["inspector_ids"]) for x in r["rows"])
            same = "—" if n == 1 else ("yes" if key == first[solver] else "NO")
            first.setdefault(solver, key)
            lines.append({"case": label, "solver": solver, "run": n, "seconds": r["seconds"],
                          "solve": solve, "status": status, **j, "ours": ours, "same": same})
            print(_line(lines[-1]), flush=True)
    return lines


def _line(x: dict[str, Any]) -> str:
    diff, v = "—", x["values"]
    if x["ours"] is not None and x["violations"] == 0:
        diff = f"{x['objective'] - x['ours']:+,}"
    goals = "/".join(str(v[k]) for k in WEIGHTS) if v else "—"
    objective = "—" if x["objective"] is None else f"{x['objective']:,}"
    violations = "—" if x["violations"] is None else x["violations"]
    return (f"| {x['case']} | {x['solver']} | {x['run']} | {x['seconds']:.1f} "
            f"| {x['solve']:.1f} | {x['status']} | {violations} | {objective} "
            f"| {goals} | {diff} | {x['same']} |")


HEADER = ("| case | solver | run | wall s | solve s | solver says "
          "| hard violations (our checker) | objective (ours) "
          "| return/extra/far/load/busiest | vs tuoyu | same roster as run 1 |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--month", default="2027-03")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2, help="CP-SAT threads (2 cores here)")
    ap.add_argument("--timefold-python", default="/tmp/tfvenv/bin/python")
    ap.add_argument("--cases", default="bundled:60,10x:120",
                    help="CASE[:SECONDS],…: bundled or Nx (the generator at scale N), each "
                    "with its time limit (default: --time-limit)")
    ap.add_argument("--timefold", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.timefold:
        timefold_main(Path(args.timefold[0]), Path(args.timefold[1]), args.time_limit)
        return
    sys.path.insert(0, str(ROOT))
    from data.generate import generate

    lines, default_limit = [], args.time_limit
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for item in args.cases.split(","):
            label, _, limit = item.partition(":")
            args.time_limit = float(limit or default_limit)
            folder = ROOT / "tuoyu" / "data" / "baoshan"
            if label != "bundled":
                folder = tmp / label
                generate(folder, scale=int(label.rstrip("x")))
            lines += case(label, folder, args, tmp)
    print()
    print(HEADER)
    for x in lines:
        print(_line(x))


# ------------------------------------------------------------------ Timefold's side (its venv)


def timefold_main(src: Path, dst: Path, time_limit: float) -> None:
    """Solve the instance with Timefold and write the roster's rows and its score."""
    inst = json.loads(src.read_text(encoding="utf-8"))
    model = timefold_model(inst)
    t0 = time.perf_counter()
    solution = model["solve"](time_limit)
    seconds = time.perf_counter() - t0
    days = inst["days"]
    team: dict[int, list[str]] = defaultdict(list)
    for s in solution.slots:
        if s.inspector is not None:
            team[s.visit_id].append(s.inspector.id)
    rows = [{"date": days[v.day] if v.day is not None else days[0],
             "institution_id": v.institution, "street_id": v.street,
             "inspector_ids": ";".join(sorted(team[v.id])), "reason": v.reason}
            for v in solution.visits]  # fmt: skip
    dst.write_text(json.dumps({"rows": rows, "score": str(solution.score),
                               "solve_seconds": seconds}), encoding="utf-8")


def timefold_model(inst: dict[str, Any]) -> dict[str, Any]:  # noqa: C901 (one model)
    """The employee-scheduling model (classes made here: this module is imported by the
    project's venv too, where timefold is not installed)."""
    from dataclasses import dataclass, field
    from typing import Annotated

    from timefold.solver import SolverFactory
    from timefold.solver.config import (
        Duration,
        EnvironmentMode,
        ScoreDirectorFactoryConfig,
        SolverConfig,
        TerminationConfig,
    )
    from timefold.solver.domain import (
        PlanningEntityCollectionProperty,
        PlanningId,
        PlanningScore,
        PlanningVariable,
        ProblemFactCollectionProperty,
        ValueRangeProvider,
        planning_entity,
        planning_solution,
    )
    from timefold.solver.score import (
        ConstraintCollectors,
        ConstraintFactory,
        HardSoftScore,
        Joiners,
        constraint_provider,
    )

    far_pairs = {f"{a}|{b}" for a in inst["neighbours"] for b in inst["neighbours"]
                 if a != b and b not in inst["neighbours"][a]}  # fmt: skip
    skills, w, fair = inst["skills"], inst["weights"], inst["fair"]
    min_dep = inst["min_departments"]

    @dataclass
    class Inspector:
        id: Annotated[str, PlanningId]
        department: str
        skills: list[str]
        max_day: int
        max_month: int
        off: list[int]
        recused: list[str]

    @planning_entity
    @dataclass
    class Visit:
        id: Annotated[int, PlanningId]
        institution: str
        street: str
        earliest: int
        latest: int
        reason: str
        day: Annotated[int | None, PlanningVariable(value_range_provider_refs=["days"])] = (
            field(default=None))

    @planning_entity
    @dataclass
    class Slot:
        id: Annotated[str, PlanningId]
        visit_id: int
        index: int
        institution: str
        last_team: list[str]
        inspector: Annotated[Inspector | None, PlanningVariable(
            value_range_provider_refs=["inspectors"], allows_unassigned=True)] = field(
            default=None)

    @planning_solution
    @dataclass
    class Roster:
        days: Annotated[list[int], ValueRangeProvider(id="days")]
        inspectors: Annotated[list[Inspector], ProblemFactCollectionProperty,
                              ValueRangeProvider(id="inspectors")]
        visits: Annotated[list[Visit], PlanningEntityCollectionProperty]
        slots: Annotated[list[Slot], PlanningEntityCollectionProperty]
        score: Annotated[HardSoftScore | None, PlanningScore] = field(default=None)

    def staffed(f: ConstraintFactory):  # slots with an inspector, with their visit
        return (f.for_each(Slot).filter(lambda s: s.inspector is not None)
                .join(Visit, Joiners.equal(lambda s: s.visit_id, lambda v: v.id)))

    def skill_rule(f: ConstraintFactory, skill: str):
        return (f.for_each(Visit)
                .if_not_exists(Slot, Joiners.equal(lambda v: v.id, lambda s: s.visit_id),
                               Joiners.filtering(lambda v, s: s.inspector is not None
                                                 and skill in s.inspector.skills))
                .penalize(HardSoftScore.ONE_HARD).as_constraint(f"skill {skill}"))

    @constraint_provider
    def constraints(f: ConstraintFactory):
        hard, soft = HardSoftScore.ONE_HARD, HardSoftScore.ONE_SOFT
        return [
            f.for_each_including_unassigned(Slot)
            .filter(lambda s: s.index < 2 and s.inspector is None)
            .penalize(hard).as_constraint("team of at least two"),
            f.for_each_unique_pair(Slot, Joiners.equal(lambda s: s.visit_id),
                                   Joiners.equal(lambda s: s.inspector))
            .filter(lambda a, b: a.inspector is not None)
            .penalize(hard).as_constraint("an inspector once a team"),
            *[skill_rule(f, s) for s in skills],
            f.for_each(Slot).filter(lambda s: s.inspector is not None)
            .group_by(lambda s: s.visit_id,
                      ConstraintCollectors.count_distinct(lambda s: s.inspector.department))
            .filter(lambda v, n: n < min_dep)
            .penalize(hard, lambda v, n: min_dep - n).as_constraint("two departments"),
            staffed(f).filter(lambda s, v: v.day is not None)
            .group_by(lambda s, v: s.inspector, lambda s, v: v.day, ConstraintCollectors.count_bi())
            .filter(lambda p, d, n: n > p.max_day)
            .penalize(hard, lambda p, d, n: n - p.max_day).as_constraint("daily limit"),
            f.for_each(Slot).filter(lambda s: s.inspector is not None)
            .group_by(lambda s: s.inspector, ConstraintCollectors.count())
            .filter(lambda p, n: n > p.max_month)
            .penalize(hard, lambda p, n: n - p.max_month).as_constraint("monthly limit"),
            staffed(f).filter(lambda s, v: v.day in s.inspector.off)
            .penalize(hard).as_constraint("on leave"),
            f.for_each(Slot).filter(lambda s: s.inspector is not None
                                    and s.institution in s.inspector.recused)
            .penalize(hard).as_constraint("recusal"),
            f.for_each(Visit).filter(lambda v: v.day < v.earliest or v.day > v.latest)
            .penalize(hard).as_constraint("deadline and opening"),
            # tuoyu's soft goals, with its weights
            f.for_each(Slot).filter(lambda s: s.inspector is not None
                                    and s.inspector.id in s.last_team)
            .penalize(soft, lambda s: w["return_to_last_institution"])
            .as_constraint("return to last institution"),
            f.for_each(Slot).filter(lambda s: s.index >= 2 and s.inspector is not None)
            .penalize(soft, lambda s: w["extra_team_member"]).as_constraint("extra member"),
            staffed(f).filter(lambda s, v: v.day is not None and s.inspector.max_day >= 2)
            .group_by(lambda s, v: s.inspector, lambda s, v: v.day,
                      ConstraintCollectors.to_set(lambda s, v: v.street))
            .filter(lambda p, d, streets: any(f"{a}|{b}" in far_pairs
                                              for a in streets for b in streets))
            .penalize(soft, lambda p, d, streets: w["team_day_in_far_streets"])
            .as_constraint("far streets in a day"),
            f.for_each(Slot).filter(lambda s: s.inspector is not None)
            .group_by(lambda s: s.inspector, ConstraintCollectors.count())
            .filter(lambda p, n: n > fair)
            .penalize(soft, lambda p, n: w["load_above_fair_share"] * (n - fair))
            .as_constraint("load above fair share"),
            f.for_each(Visit).group_by(lambda v: v.day, ConstraintCollectors.count())
            .group_by(ConstraintCollectors.max(lambda d, n: n))
            .penalize(soft, lambda top: w["busiest_day"] * top).as_constraint("busiest day"),
        ]

    inspectors = [Inspector(p["id"], p["department"], p["skills"], p["max_day"],
                            p["max_month"], p["off"], p["recused"])
                  for p in inst["inspectors"]]  # fmt: skip
    visits = [Visit(v["id"], v["institution"], v["street"], v["earliest"], v["latest"],
                    v.get("reason", "")) for v in inst["visits"]]  # fmt: skip
    slots = [Slot(f"{v['id']}-{j}", v["id"], j, v["institution"], v["last_team"])
             for v in inst["visits"] for j in range(inst["max_team"])]  # fmt: skip

    def solve(seconds: float) -> Any:
        config = SolverConfig(
            solution_class=Roster, entity_class_list=[Visit, Slot],
            environment_mode=EnvironmentMode.NO_ASSERT, random_seed=0,
            score_director_factory_config=ScoreDirectorFactoryConfig(
                constraint_provider_function=constraints),
            termination_config=TerminationConfig(spent_limit=Duration(seconds=int(seconds))))
        problem = Roster(list(range(len(inst["days"]))), inspectors, visits, slots)
        return SolverFactory.create(config).build_solver().solve(problem)

    return {"solve": solve}


if __name__ == "__main__":
    main()
