"""Build and solve the multi-year capacitated plan on HiGHS, and read the plan back.

:func:`solve_capacitated` builds the columns and the rules of ``rules.py`` (objective from
``goals.py``), solves with the stop token and progress function passed down, allocates
the children to the existing seats alone (the baseline, an LP), and returns a
:class:`SitingResult`: openings, coverage before/after, status, objective, bound, stages,
soft goals, targets and findings (codes with amounts). It raises
:class:`InfeasibleError` (clashes with amounts) when the yearly minimum cannot be met, or
``--strict`` and a district rule misses; :class:`TimeLimitError` when HiGHS has no plan
(time limit, or stopped before its first one).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tuoyu.models.errors import InfeasibleError, TimeLimitError
from tuoyu.models.findings import Finding, clash, info, warning
from tuoyu.optimizer.catchment import Pairs
from tuoyu.optimizer.siting.explain import RuleReport, classes_per_year_clashes, rule_report
from tuoyu.optimizer.siting.goals import soft_goals
from tuoyu.optimizer.siting.highs import Mip, MipResult
from tuoyu.optimizer.siting.problem import SitingProblem, rule_penalty
from tuoyu.optimizer.siting.rules import RULES, Columns, build_columns
from tuoyu.optimizer.siting.why import why_each_site, why_findings, year_findings
from tuoyu.optimizer.solve import (
    ProgressFn,
    SoftGoal,
    SolveParams,
    StageTime,
    Status,
    Stop,
    Target,
    gap,
)

DEFAULT_PARAMS = SolveParams()
Classes = dict[tuple[int, int], int]  # (place, year index) -> new classes


@dataclass(frozen=True)
class Opening:
    """``classes`` new classes at a place in ``year`` (``cumulative``: its total by then);
    ``newly_within``: children (that year) of the communities its circle brings within
    reach of a seat for the first time."""

    place_id: str
    source: str
    name: str
    street_id: str
    lon: float
    lat: float
    year: int
    classes: int
    seats: int
    cumulative: int
    newly_within: int = 0
    # why this site (``why.py``): children served at the place that year, from which
    # communities (id, children), how many in this opening's classes, the best place not
    # chosen, what it could serve instead, and the gain over it
    children_served: int = 0
    communities: tuple[tuple[str, int], ...] = ()
    new_children: int = 0
    alternative_id: str = ""
    alternative_name: str = ""
    alternative_children: int = 0
    alternative_waiting: int = 0
    gain: int | None = None
    walk_m: float | None = None  # mean walk of the children served there that year
    alternative_walk_m: float | None = None
    integrated: bool = False  # a kindergarten's first nursery class (托幼一体)
    streets_covered: tuple[str, ...] = ()  # streets it brings an inclusive place (1st year)


@dataclass
class SitingResult:
    """The result: openings, coverage before/after, status, objective, bound and gap;
    the soft goals, targets and findings of the plan."""

    model: str
    status: Status
    objective: float | None
    bound: float | None
    stages: tuple[StageTime, ...] = ()
    openings: list[Opening] = field(default_factory=list)
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame)  # community × year
    streets: pd.DataFrame = field(default_factory=pd.DataFrame)  # street × year before/after
    findings: list[Finding] = field(default_factory=list)
    soft_goals: list[SoftGoal] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    rules: RuleReport | None = None
    served: dict[int, float] = field(default_factory=dict)
    served_before: dict[int, float] = field(default_factory=dict)
    demand: dict[int, float] = field(default_factory=dict)
    within: dict[int, float] = field(default_factory=dict)  # demand within the circle
    within_before: dict[int, float] = field(default_factory=dict)
    solver: str = "HiGHS"
    cancelled: bool = False

    @property
    def gap(self) -> float | None:
        return gap(self.objective, self.bound)

    @property
    def proven_optimal(self) -> bool:
        return self.status == Status.OPTIMAL and self.gap == 0.0

    @property
    def build_seconds(self) -> float:
        return self.stages[0].build_seconds if self.stages else 0.0

    @property
    def solve_seconds(self) -> float:
        return self.stages[0].solve_seconds if self.stages else 0.0

    def classes_by_year(self, years: tuple[int, ...]) -> dict[int, int]:
        out = dict.fromkeys(years, 0)
        for o in self.openings:
            out[o.year] = out.get(o.year, 0) + o.classes
        return out


# --------------------------------------------------------------------------- solving


def allocate(problem: SitingProblem, classes: Classes, params: SolveParams,
             stop: Stop | None = None) -> tuple[np.ndarray, MipResult]:
    """The best allocation of children to seats for fixed classes (an LP). Pairs to
    places without seats are left out (a big saving for the baseline)."""
    seats = problem.existing_seats
    for (j, _t), n in classes.items():
        seats[j] += n * problem.config.seats_per_class
    keep = seats[problem.pairs.j] > 0
    full = problem.pairs
    pairs = Pairs(full.i[keep], full.j[keep], full.dist[keep], full.on_network[keep])
    sub = dataclasses.replace(problem, pairs=pairs)
    mip = Mip()
    v = build_columns(mip, sub, fixed=classes)
    RULES["seats_shared_among_communities"](mip, sub, v)
    res = mip.solve(True, params, stop=stop, stage="allocation")
    out = np.zeros((len(full), len(problem.years)))
    if res.x is not None:
        out[keep] = res.x[v.flow]
    return out, res


def build_model(problem: SitingProblem) -> tuple[Mip, Columns]:
    """The capacitated model: columns, every hard rule of the registry, the objective.

    Two of HiGHS's heuristics are off for it. Feasibility jump: on this model (a
    transportation LP with few integer columns) it found only poor plans and cost a third
    of the time to the root on the generator at scale 12 (measured: 24 s of 114 s under
    load, the first plan at -8,869 against an optimum of 20,982). The root reduced-cost
    heuristic: it solves a sub-MIP that keeps the whole ~385,000-column flow model, so it
    cost as much as the root LP again (15–25 s of a 29–55 s solve at scale 12); without it
    the root's LP-based heuristics find the same plan right after the cuts and the solve
    ends at the root, proven, in 18 s under the same load. Both only change how a plan is
    searched for, never the model or its proof.
    """
    mip = Mip()
    mip.options["mip_heuristic_run_feasibility_jump"] = False
    mip.options["mip_heuristic_run_root_reduced_cost"] = False
    v = build_columns(mip, problem)
    for rule in RULES.values():
        rule(mip, problem, v)
    return mip, v


def _no_plan(problem: SitingProblem, res: MipResult, params: SolveParams) -> InfeasibleError:
    if res.status == Status.INFEASIBLE:
        if problem.pins or problem.forbidden:
            ids = [problem.places[j].place_id for j, _t in problem.pins]
            return InfeasibleError("siting", [clash(
                "siting.clash.steering", pinned=", ".join(dict.fromkeys(ids)) or "—",
                forbidden=", ".join(sorted(problem.places[j].place_id
                                           for j in problem.forbidden)) or "—")])
        return InfeasibleError("siting", [clash("siting.clash.rules")])
    if res.cancelled:
        return TimeLimitError("siting", [warning("siting.cancelled_without_plan")])
    if res.error is not None:
        return TimeLimitError("siting", [warning("plan.solver_error", status=res.error)])
    return TimeLimitError("siting", [warning("plan.time_limit", seconds=params.time_limit)])


def solve_capacitated(problem: SitingProblem, params: SolveParams = DEFAULT_PARAMS, *,
                      stop: Stop | None = None,
                      progress: ProgressFn | None = None) -> SitingResult:
    """The multi-year capacitated plan (see the package docstring)."""
    clashes = list(problem.steering_clashes) or classes_per_year_clashes(problem)
    if clashes:
        raise InfeasibleError("siting", clashes)
    t0 = time.perf_counter()
    mip, v = build_model(problem)
    build = time.perf_counter() - t0 + problem.build_seconds
    res = mip.solve(True, params, stop=stop, progress=progress, stage="plan")
    if res.x is None:
        raise _no_plan(problem, res, params)
    classes = {k: round(float(res.x[c])) for k, c in v.open_.items()}
    before, res0 = allocate(problem, {}, params, stop)
    stages = (StageTime("plan", res.status, res.objective, res.bound, build, res.solve_seconds),
              StageTime("baseline", res0.status, res0.objective, res0.bound,
                        res0.build_seconds, res0.solve_seconds))
    plan = report(problem, "capacitated", res, stages, classes, res.x[v.flow], before)
    slacks = {"siting.goal.classes_short": sum(res.x[c] for c in v.year_short.values()),
              "siting.goal.street_missed": sum(res.x[c] for c in v.street_slack.values()),
              "siting.goal.integrated_missed": (0.0 if v.integrated_slack is None
                                                else res.x[v.integrated_slack])}
    plan.soft_goals = soft_goals(problem, res.x[v.flow], slacks, rule_penalty(problem))
    plan.rules = rule_report(problem, classes)
    plan.targets = targets(problem, plan)
    plan.findings = findings(problem, plan)
    plan.findings += year_findings(problem, classes, _served(problem, res.x[v.flow]))
    if problem.config.strict and not plan.rules.met:
        raise InfeasibleError("siting", [
            dataclasses.replace(f, severity="error") if f.severity == "warning" else f
            for f in plan.rules.missed])
    return plan


# --------------------------------------------------------------------------- the plan


def openings(problem: SitingProblem, classes: Classes,
             reach: np.ndarray | None = None, reach0: np.ndarray | None = None) -> list[Opening]:
    """The classes as openings, by year then place; with reach flags (after / before the
    plan), each opening says how many children its circle brings within reach."""
    seats = problem.config.seats_per_class
    out: list[Opening] = []
    cumulative: dict[int, int] = {}
    pairs = problem.pairs
    for (j, t), n in sorted(classes.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if n <= 0:
            continue
        cumulative[j] = cumulative.get(j, 0) + n
        p = problem.places[j]
        newly = 0
        if reach is not None and reach0 is not None:
            prev = reach0[:, t] if t == 0 else reach[:, t - 1]
            comms = np.unique(pairs.i[pairs.j == j])
            comms = comms[~prev[comms]]
            newly = int(problem.demand[comms, t].sum())
        out.append(Opening(p.place_id, p.source, p.name, p.street_id, p.lon, p.lat,
                           problem.years[t], n, n * seats, cumulative[j], newly))
    return out


def reach_flags(problem: SitingProblem, classes: Classes) -> np.ndarray:
    """(communities, years): within the walk of a place with seats in that year."""
    seats = problem.existing_seats
    out = np.zeros((len(problem.community_ids), len(problem.years)), dtype=bool)
    for t in range(len(problem.years)):
        s = seats.copy()
        for (j, tau), n in classes.items():
            if tau <= t:
                s[j] += n * problem.config.seats_per_class
        ok = s[problem.pairs.j] > 0
        out[problem.pairs.i[ok], t] = True
    return out


def _served(problem: SitingProblem, flows: np.ndarray) -> np.ndarray:
    served = np.zeros((len(problem.community_ids), len(problem.years)))
    for t in range(len(problem.years)):
        np.add.at(served[:, t], problem.pairs.i, flows[:, t])
    return np.minimum(np.rint(served), problem.demand)


def coverage_table(problem: SitingProblem, served: np.ndarray, served0: np.ndarray,
                   reach: np.ndarray, reach0: np.ndarray) -> pd.DataFrame:
    """Community × year: demand, served, within the circle, after and before."""
    n_c = len(problem.community_ids)
    rows = []
    for t, y in enumerate(problem.years):
        for i in range(n_c):
            rows.append((problem.community_ids[i], problem.community_names[i],
                         problem.community_streets[i], y, int(problem.demand[i, t]),
                         int(served[i, t]), bool(reach[i, t]), int(served0[i, t]),
                         bool(reach0[i, t])))
    cov = pd.DataFrame(rows, columns=["community_id", "name", "street_id", "year", "demand",
                                      "served", "within_15_min", "served_before",
                                      "within_15_min_before"])
    cov["unmet"] = cov["demand"] - cov["served"]
    return cov


def street_table(problem: SitingProblem, cov: pd.DataFrame,
                 opened: list[Opening]) -> pd.DataFrame:
    """Street × year before/after, with the new classes."""
    agg = cov.assign(
        reach_demand=cov["demand"] * cov["within_15_min"],
        reach_demand_before=cov["demand"] * cov["within_15_min_before"],
    ).groupby(["street_id", "year"], as_index=False)[
        ["demand", "served_before", "served", "reach_demand_before", "reach_demand", "unmet"]
    ].sum()
    agg.insert(1, "name", agg["street_id"].map(dict(problem.streets)).fillna(""))
    new: dict[tuple[str, int], int] = {}
    for o in opened:
        new[(o.street_id, o.year)] = new.get((o.street_id, o.year), 0) + o.classes
    agg["new_classes"] = [new.get((s, y), 0)
                          for s, y in zip(agg["street_id"], agg["year"], strict=True)]
    return agg


def report(problem: SitingProblem, model: str, res: MipResult, stages: tuple[StageTime, ...],
           classes: Classes, flows: np.ndarray, before: np.ndarray) -> SitingResult:
    """The plan's tables and yearly figures from the classes and the two allocations."""
    years = problem.years
    served, served0 = _served(problem, flows), _served(problem, before)
    reach, reach0 = reach_flags(problem, classes), reach_flags(problem, {})
    opened = why_each_site(problem, openings(problem, classes, reach, reach0), flows, served,
                           classes)
    cov = coverage_table(problem, served, served0, reach, reach0)
    dem = problem.demand
    return SitingResult(
        model=model,
        status=res.status,
        objective=res.objective,
        bound=res.bound,
        stages=stages,
        openings=opened,
        coverage=cov,
        streets=street_table(problem, cov, opened),
        served={y: float(served[:, t].sum()) for t, y in enumerate(years)},
        served_before={y: float(served0[:, t].sum()) for t, y in enumerate(years)},
        demand={y: float(dem[:, t].sum()) for t, y in enumerate(years)},
        within={y: float(dem[reach[:, t], t].sum()) for t, y in enumerate(years)},
        within_before={y: float(dem[reach0[:, t], t].sum()) for t, y in enumerate(years)},
        cancelled=res.cancelled,
    )


def targets(problem: SitingProblem, plan: SitingResult) -> list[Target]:
    """The action plan's targets: classes a year (the fewest in any year against the
    minimum, met when every year is within the range), every street an inclusive place,
    托幼一体 share, children within the circle (the last year)."""
    lo, hi = problem.config.classes_per_year
    per_year = plan.classes_by_year(problem.years)
    out = [Target("siting.target.classes_per_year", lo, min(per_year.values(), default=0),
                  all(lo <= n <= hi for n in per_year.values()))]
    r = plan.rules
    if r is not None:
        out.append(Target("siting.target.street_inclusive", r.streets_with_demand,
                          r.streets_with_inclusive_place,
                          r.streets_with_inclusive_place >= r.streets_with_demand
                          or not problem.config.every_street_inclusive))
        out.append(Target("siting.target.integrated_share", r.integrated_target,
                          r.integrated_kindergartens,
                          r.integrated_kindergartens >= r.integrated_target))
    last = problem.years[-1]
    out.append(Target("siting.target.within_circle", plan.demand[last], plan.within[last],
                      plan.within[last] >= plan.demand[last]))
    return out


def findings(problem: SitingProblem, plan: SitingResult) -> list[Finding]:
    """Proven or not (cancelled), the rules missed, and each year's figures."""
    out: list[Finding] = []
    if plan.cancelled:
        out.append(warning("plan.cancelled"))
    if plan.proven_optimal:
        out.append(info("siting.proven_optimal", solver=plan.solver))
    else:
        out.append(warning("plan.not_proven_optimal", objective=plan.objective,
                           bound=plan.bound,
                           gap="—" if plan.gap is None else f"{plan.gap:.2%}"))
    out.append(problem.walk_finding())
    if plan.rules is not None:
        out.extend(plan.rules.missed)
    out.extend(why_findings(plan.openings, dict(problem.streets)))
    per_year = plan.classes_by_year(problem.years)
    for y in problem.years:
        out.append(info("siting.year", year=y, classes=per_year[y], served=plan.served[y],
                        demand=plan.demand[y], served_before=plan.served_before[y],
                        within=plan.within[y], within_before=plan.within_before[y]))
    return out
