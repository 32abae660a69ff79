"""The trade-off: how many children each number of classes a year would serve, and the
fewest classes that would put every community with demand inside the 15-minute circle.

For each ``k`` of the range, the capacitated model (the same seats, rooms, availability,
pins and forbids) with **at most** ``k`` new classes a year maximises the children served
within the walk in the horizon's **last year** (the classes' timing only matters through
availability and pins; the district rules and the walk's tie-break are left out: the curve
measures seats and reach alone; among the plans serving the most, the one with the most
children within the circle is taken, :func:`within_tiebreak`). The feasible sets grow with ``k``, so the optimum never
falls; each ``k`` starts from the plan of ``k − 1`` (a MIP start, feasible by
construction), so even a solve cut short by its time limit never reports fewer children
than ``k − 1``; if it did, the ``k − 1`` plan is kept. The row's ``status`` says which:
``optimal`` (proven), ``feasible`` (time limit, not proven), ``kept_previous`` (the
``k − 1`` plan), ``infeasible`` (pins need more than ``k`` classes in a year), ``cancelled``
(stopped: the last plan found carried forward).

The circle: set covering (:func:`cover.lscp`) over the candidates (not forbidden, available
by the last year) for every community with demand in the last year that no existing place
reaches yet; communities no candidate reaches are named (what stops it).
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field

import numpy as np

from tuoyu.models.findings import Finding, info, warning
from tuoyu.optimizer.siting.cover import cover_problem, lscp
from tuoyu.optimizer.siting.goals import SitingWeights
from tuoyu.optimizer.siting.highs import Mip
from tuoyu.optimizer.siting.problem import SitingProblem
from tuoyu.optimizer.siting.solve import build_model, reach_flags
from tuoyu.optimizer.solve import ProgressFn, SolveParams, StageTime, Status, Stop

DEFAULT_PARAMS = SolveParams()
# a point this small is solved in process even with a stop token: HiGHS answers its
# interrupt within a fraction of a second here, and a child process costs about 1 s a point
IN_PROCESS_COLUMNS = 20_000
HEADER = ("classes_per_year", "children_served", "children_within_15_min",
          "communities_within_15_min", "status")


@dataclass(frozen=True)
class TradeoffRow:
    """One point of the curve (the horizon's last year)."""

    classes_per_year: int
    children_served: int | None
    children_within_15_min: int | None
    communities_within_15_min: int | None
    status: str
    seconds: float = 0.0

    def values(self) -> list[object]:
        return [self.classes_per_year, self.children_served, self.children_within_15_min,
                self.communities_within_15_min, self.status]

    def as_csv(self) -> list[object]:
        return ["" if v is None else v for v in self.values()]


@dataclass
class Tradeoff:
    """The curve, the covering answer and their findings."""

    year: int
    demand: int  # children needing a place in that year
    communities_with_demand: int
    rows: list[TradeoffRow] = field(default_factory=list)
    cover_classes: int | None = None  # fewest classes closing the circle (coverable part)
    cover_status: str = ""
    unreachable: list[str] = field(default_factory=list)  # community ids no candidate reaches
    findings: list[Finding] = field(default_factory=list)
    stage: StageTime | None = None

    def as_dict(self) -> dict[str, object]:
        return {"year": self.year, "demand": self.demand,
                "communities_with_demand": self.communities_with_demand,
                "rows": [dict(zip(HEADER, r.values(), strict=True)) for r in self.rows],
                "cover_classes": self.cover_classes, "cover_status": self.cover_status,
                "unreachable": self.unreachable}


def curve_problem(problem: SitingProblem, k: int) -> SitingProblem:
    """The problem of one point: at most ``k`` classes a year, the last year's children
    served as the only goal, no elastic district rule."""
    cfg = dataclasses.replace(
        problem.config, classes_per_year=(0, k), every_street_inclusive=False,
        integrated_share=0.0, strict=False,
        weights=SitingWeights(walk_weight=0.0, last_year_only=True))
    return dataclasses.replace(problem, config=cfg)


def within_tiebreak(mip: Mip, problem: SitingProblem,
                    open_: dict[tuple[int, int], int]) -> None:
    """Among the plans serving the most children, the one with the most children within
    the circle of a place with seats (the last year): a community not reached by an
    existing place counts once a class opens in its reach, at a weight so small (one over
    all the children needing a place, plus one) that it never trades a child served."""
    t = len(problem.years) - 1
    demand = problem.demand[:, t].astype(float)
    seats = problem.existing_seats
    pairs = problem.pairs
    reached = np.zeros(len(demand), dtype=bool)
    reached[pairs.i[seats[pairs.j] > 0]] = True
    by_place: dict[int, list[int]] = {}
    for (j, _tau), c in open_.items():
        by_place.setdefault(j, []).append(c)
    eps = 1.0 / (float(demand.sum()) + 1.0)
    cols: dict[int, list[int]] = {}
    for i, j in zip(pairs.i.tolist(), pairs.j.tolist(), strict=True):
        if demand[i] > 0 and not reached[i] and j in by_place:
            cols.setdefault(i, []).extend(by_place[j])
    for i, opens in cols.items():
        (z,) = mip.add_cols(1, eps * demand[i], 0.0, 1.0)
        mip.add_row([int(z)] + opens, [1.0] + [-1.0] * len(opens), -np.inf, 0.0)


def _point(problem: SitingProblem, k: int, x: np.ndarray | None, status: str,
           seconds: float, cols: tuple[dict[tuple[int, int], int], np.ndarray]) -> TradeoffRow:
    """The row of a solution ``x`` (None: no plan)."""
    if x is None:
        return TradeoffRow(k, None, None, None, status, seconds)
    open_, flow = cols
    classes = {key: round(float(x[c])) for key, c in open_.items()}
    t = len(problem.years) - 1
    pairs_flow = x[flow[:, t]]
    served = np.zeros(len(problem.community_ids))
    np.add.at(served, problem.pairs.i, pairs_flow)
    reach = reach_flags(problem, classes)[:, t]
    demand = problem.demand[:, t]
    return TradeoffRow(k, int(round(float(np.minimum(np.rint(served), demand).sum()))),
                       int(demand[reach].sum()), int(((demand > 0) & reach).sum()), status,
                       round(seconds, 3))


def _solve_point(problem: SitingProblem, k: int, params: SolveParams, stop: Stop | None,
                 progress: ProgressFn | None, start: np.ndarray | None
                 ) -> tuple[TradeoffRow, np.ndarray | None]:
    sub = curve_problem(problem, k)
    mip, v = build_model(sub)
    within_tiebreak(mip, sub, v.open_)
    small = mip.n_col <= IN_PROCESS_COLUMNS
    res = mip.solve(True, params, stop=stop, progress=progress, stage=f"tradeoff k={k}",
                    start=start, in_process=small)
    seconds = res.build_seconds + res.solve_seconds
    if res.x is None:
        status = "infeasible" if res.status == Status.INFEASIBLE else str(res.status)
        return _point(problem, k, None, status, seconds, (v.open_, v.flow)), None
    status = "cancelled" if res.cancelled else (
        "optimal" if res.status == Status.OPTIMAL and res.gap == 0.0 else "feasible")
    return _point(problem, k, res.x, status, seconds, (v.open_, v.flow)), res.x


def _short_of(row: TradeoffRow, x: np.ndarray | None, prev: TradeoffRow) -> bool:
    """A point that found no plan (time limit, stop: not a proof of infeasibility) or fewer
    children than the point before."""
    if x is None:
        return row.status != "infeasible"
    return (row.children_served or 0) < (prev.children_served or 0)


def _curve(problem: SitingProblem, ks: list[int], params: SolveParams, stop: Stop | None,
           progress: ProgressFn | None) -> list[TradeoffRow]:
    """Every point, each starting from the one before; never falling."""
    rows: list[TradeoffRow] = []
    prev: tuple[TradeoffRow, np.ndarray] | None = None
    t0 = time.perf_counter()
    for n, k in enumerate(ks):
        left = max(params.time_limit - (time.perf_counter() - t0), 0.1)
        each = dataclasses.replace(params, time_limit=left / (len(ks) - n))
        if stop is not None and stop.is_set() and prev is not None:
            rows.append(dataclasses.replace(prev[0], classes_per_year=k, status="cancelled",
                                            seconds=0.0))
            continue
        start = prev[1] if prev is not None else None
        row, x = _solve_point(problem, k, each, stop, progress, start)
        if prev is not None and _short_of(row, x, prev[0]):
            stopped = stop is not None and stop.is_set()
            row, x = dataclasses.replace(prev[0], classes_per_year=k, seconds=row.seconds,
                                         status="cancelled" if stopped else "kept_previous"
                                         ), prev[1]
        rows.append(row)
        if x is not None:
            prev = (row, x)
    return rows


def _cover(problem: SitingProblem, params: SolveParams, stop: Stop | None,
           out: Tradeoff) -> None:
    """Set covering of the communities with demand the existing places do not reach."""
    t = len(problem.years) - 1
    pi, pj, w, cand = cover_problem(problem, t)
    need = np.flatnonzero(w > 0)
    sub = {int(i): n for n, i in enumerate(need)}
    keep = np.isin(pi, need)
    local = {j: n for n, j in enumerate(cand)}
    pinned = sorted({local[j] for j, _t in problem.pins if j in local})
    res = lscp(len(need), len(cand), np.array([sub[int(i)] for i in pi[keep]], np.int64),
               pj[keep], params, stop=stop, pinned=pinned)
    out.unreachable = [problem.community_ids[int(need[i])] for i in res.uncoverable]
    out.cover_status = str(res.status)
    year = problem.years[-1]
    if res.objective is None:
        out.findings.append(warning("siting.tradeoff.cover_unsolved", year=year,
                                    status=str(res.status)))
        return
    out.cover_classes = int(round(res.objective))
    years = len(problem.years)
    out.findings.append(info(
        "siting.tradeoff.close_circle", year=year, classes=out.cover_classes,
        communities=len(need) - len(out.unreachable), already=out.communities_with_demand
        - len(need), per_year=math.ceil(out.cover_classes / years), years=years,
        proven=res.status == Status.OPTIMAL and res.gap == 0.0))
    if out.unreachable:
        shown = out.unreachable[:12]
        out.findings.append(warning(
            "siting.tradeoff.unreachable", year=year, communities=len(out.unreachable),
            children=int(problem.demand[[problem.community_ids.index(c)
                                         for c in out.unreachable], t].sum()),
            ids=", ".join(shown) + (" …" if len(out.unreachable) > len(shown) else "")))


def solve_tradeoff(problem: SitingProblem, ks: list[int], params: SolveParams = DEFAULT_PARAMS,
                   *, stop: Stop | None = None, progress: ProgressFn | None = None) -> Tradeoff:
    """The curve for every ``k`` in ``ks`` and the covering answer (module docstring)."""
    t0 = time.perf_counter()
    t = len(problem.years) - 1
    demand = problem.demand[:, t]
    out = Tradeoff(problem.years[-1], int(demand.sum()), int((demand > 0).sum()))
    out.rows = _curve(problem, sorted(set(ks)), params, stop, progress)
    _cover(problem, params, stop, out)
    statuses = {r.status for r in out.rows}
    proven = statuses <= {"optimal", "infeasible"}
    if not proven:
        out.findings.append(warning("siting.tradeoff.not_proven",
                                    ks=", ".join(str(r.classes_per_year) for r in out.rows
                                                 if r.status not in ("optimal", "infeasible"))))
    out.findings.insert(0, info("siting.tradeoff.curve", year=out.year, first=min(ks),
                                last=max(ks), demand=out.demand,
                                served=out.rows[-1].children_served if out.rows else None))
    out.stage = StageTime("tradeoff", Status.OPTIMAL if proven else Status.FEASIBLE, None, None,
                          0.0, time.perf_counter() - t0)
    return out
