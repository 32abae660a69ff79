"""Siting new public nursery classes (公办托班) over a multi-year horizon.

Three models on the same data:

* **capacitated** (the plan): how many classes each public kindergarten or new site opens
  in which year. Seats are shared among the communities within the walking circle
  (a transport-style allocation), children served in earlier years count more, then shorter
  walks. District rules: 5–8 new classes a year; classes once opened stay; within spare rooms
  / ``max_classes``; not before ``available_from``; every street has an inclusive (普惠)
  place within reach of its families by the end of the first year; kindergartens with
  nursery classes (托幼一体) are at least 50% of all kindergartens by the horizon's end.
* **MCLP**: ``p`` classes covering the most demand, uncapacitated (as pysal/spopt).
* **LSCP**: the fewest classes so every community is within reach (as pysal/spopt).

Solver: HiGHS (``highspy``), a MIP solver with an LP core. The capacitated model is a
mixed-integer program whose allocation part is continuous; on this structure HiGHS proves
optimality in well under a second on the bundled data, while CP-SAT needs integral flows
(see ``docs/siting.md`` and ``benchmarks/bench_siting.py`` for the measurements). The proven
gap is always reported; a plan is called optimal only when HiGHS proves it (gap 0).

The two district rules are elastic: a slack with a penalty larger than anything the
objective can gain, so the plan still comes back when a rule cannot hold, and the findings
say by how much it misses and what would close it. ``strict=True`` turns a miss into
:class:`InfeasibleError`. The yearly class counts are hard: when the rooms available cannot
take the minimum, :class:`InfeasibleError` says which year and by how many.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tuoyu.models.errors import InfeasibleError
from tuoyu.models.siting import SitingData
from tuoyu.optimizer.catchment import AccessParams, Pairs, WalkNetwork, project, walking_pairs
from tuoyu.optimizer.demand import DemandParams, forecast_demand
from tuoyu.optimizer.solve import ProgressFn, SolveParams

DEFAULT_PARAMS = SolveParams()

# --------------------------------------------------------------------------- instance


@dataclass(frozen=True)
class SitingConfig:
    """The planner's knobs; every rule's parameter lives here."""

    years: tuple[int, int] = (2027, 2029)
    classes_per_year: tuple[int, int] = (5, 8)
    seats_per_class: int = 20
    access: AccessParams = AccessParams()
    demand: DemandParams = DemandParams()
    year_discount: float = 0.8  # year k's served children weigh discount**k
    walk_weight: float = 0.01  # a child served at the circle's edge counts 1 - walk_weight
    every_street_inclusive: bool = True
    integrated_share: float = 0.5  # 托幼一体 share of kindergartens by the horizon's end
    strict: bool = False  # a missed district rule raises InfeasibleError
    use_network: bool = True

    @property
    def year_list(self) -> list[int]:
        return list(range(self.years[0], self.years[1] + 1))


@dataclass(frozen=True)
class Place:
    """A place with nursery seats now, or a candidate for new classes, or both."""

    place_id: str
    source: str  # provider | kindergarten | site
    name: str
    street_id: str
    lon: float
    lat: float
    existing_seats: int
    inclusive_now: bool  # an inclusive (普惠) place today
    max_new: int  # new classes it can still open (0: not a candidate)
    available_from: int | None
    kindergarten: bool  # counts among the kindergartens of the 托幼一体 rule
    has_nursery: bool


@dataclass(frozen=True)
class SitingProblem:
    """An immutable siting instance: communities, demand, places and walking pairs."""

    config: SitingConfig
    years: tuple[int, ...]
    streets: tuple[tuple[str, str], ...]  # (street_id, name)
    community_ids: tuple[str, ...]
    community_names: tuple[str, ...]
    community_streets: tuple[str, ...]
    community_lon: np.ndarray
    community_lat: np.ndarray
    cx: np.ndarray
    cy: np.ndarray
    demand: np.ndarray  # (communities, years) children needing a place
    places: tuple[Place, ...]
    px: np.ndarray
    py: np.ndarray
    pairs: Pairs
    kindergartens_total: int  # denominator of the 托幼一体 share (incl. new kindergartens)
    kindergartens_with_nursery: int
    build_seconds: float = 0.0
    fingerprint: str = ""

    def __post_init__(self) -> None:
        # frozen all the way down: the arrays are read-only too
        for arr in (self.community_lon, self.community_lat, self.cx, self.cy, self.demand,
                    self.px, self.py, self.pairs.i, self.pairs.j, self.pairs.dist,
                    self.pairs.on_network):
            arr.flags.writeable = False

    @property
    def candidates(self) -> list[int]:
        return [j for j, p in enumerate(self.places) if p.max_new > 0]

    def available(self, j: int, year: int) -> bool:
        a = self.places[j].available_from
        return a is None or a <= year

    @classmethod
    def from_data(cls, data: SitingData, config: SitingConfig | None = None) -> SitingProblem:
        t0 = time.perf_counter()
        config = config if config is not None else SitingConfig()
        if config.years[1] < config.years[0]:
            raise ValueError(f"the horizon ends before it starts: {config.years}")
        years = tuple(config.year_list)
        comms = data.communities
        demand = forecast_demand(comms, years, config.demand, data.forecast)
        places: list[Place] = []
        for p in data.providers:
            if p.seats > 0:
                places.append(Place(p.provider_id, "provider", p.name, p.street_id, p.lon, p.lat,
                                    p.seats, p.inclusive or p.public, 0, None, False, False))
        seats = config.seats_per_class
        for k in data.kindergartens:
            existing = (k.nursery_seats if k.nursery_seats is not None else seats) \
                if k.has_nursery else (k.nursery_seats or 0)
            max_new = k.spare_rooms if k.public else 0
            if existing > 0 or max_new > 0:
                places.append(Place(k.kindergarten_id, "kindergarten", k.name, k.street_id, k.lon,
                                    k.lat, int(existing), k.public and existing > 0, max_new, None,
                                    True, k.has_nursery))
        horizon_end = years[-1]
        new_kgs = 0
        for s in data.sites:
            is_kg = s.kind == "new_kindergarten" and (
                s.available_from is None or s.available_from <= horizon_end)
            new_kgs += int(is_kg)
            if s.max_classes > 0:
                places.append(Place(s.site_id, "site", s.name, s.street_id, s.lon, s.lat, 0, False,
                                    s.max_classes, s.available_from, is_kg, False))
        network = None
        if config.use_network and data.network is not None:
            network = WalkNetwork.from_graph(data.network)
        cx, cy = project([c.lon for c in comms], [c.lat for c in comms])
        px, py = project([p.lon for p in places], [p.lat for p in places])
        pairs = walking_pairs(cx, cy, px, py, config.access, network)
        return cls(
            config=config,
            years=years,
            streets=tuple((s.street_id, s.name) for s in data.streets),
            community_ids=tuple(c.community_id for c in comms),
            community_names=tuple(c.name for c in comms),
            community_streets=tuple(c.street_id for c in comms),
            community_lon=np.array([c.lon for c in comms]),
            community_lat=np.array([c.lat for c in comms]),
            cx=cx,
            cy=cy,
            demand=demand,
            places=tuple(places),
            px=px,
            py=py,
            pairs=pairs,
            kindergartens_total=len(data.kindergartens) + new_kgs,
            kindergartens_with_nursery=sum(k.has_nursery for k in data.kindergartens),
            build_seconds=time.perf_counter() - t0,
            fingerprint=data.fingerprint,
        )


# --------------------------------------------------------------------------- MIP builder


class _Mip:
    """Columns and sparse rows collected in numpy-friendly lists, then handed to HiGHS."""

    def __init__(self) -> None:
        self.cost: list[np.ndarray] = []
        self.lb: list[np.ndarray] = []
        self.ub: list[np.ndarray] = []
        self.integer: list[np.ndarray] = []
        self.n_col = 0
        self.r_idx: list[np.ndarray] = []
        self.c_idx: list[np.ndarray] = []
        self.val: list[np.ndarray] = []
        self.r_lo: list[float] = []
        self.r_hi: list[float] = []

    def add_cols(self, n: int, cost: object = 0.0, lb: object = 0.0, ub: object = np.inf,
                 integer: bool = False) -> np.ndarray:
        idx = np.arange(self.n_col, self.n_col + n, dtype=np.int64)
        self.cost.append(np.broadcast_to(np.asarray(cost, dtype=float), (n,)).copy())
        self.lb.append(np.broadcast_to(np.asarray(lb, dtype=float), (n,)).copy())
        self.ub.append(np.broadcast_to(np.asarray(ub, dtype=float), (n,)).copy())
        self.integer.append(np.full(n, integer))
        self.n_col += n
        return idx

    def add_rows(self, row_of_entry: np.ndarray, cols: np.ndarray, vals: np.ndarray,
                 lo: Sequence[float] | np.ndarray, hi: Sequence[float] | np.ndarray) -> None:
        """Rows numbered 0..len(lo)-1 locally; ``row_of_entry`` gives each entry's row."""
        base = len(self.r_lo)
        self.r_idx.append(np.asarray(row_of_entry, dtype=np.int64) + base)
        self.c_idx.append(np.asarray(cols, dtype=np.int64))
        self.val.append(np.asarray(vals, dtype=float))
        self.r_lo.extend(float(v) for v in lo)
        self.r_hi.extend(float(v) for v in hi)

    def add_row(self, cols: Sequence[int] | np.ndarray, vals: Sequence[float] | np.ndarray,
                lo: float, hi: float) -> None:
        cols = np.asarray(cols, dtype=np.int64)
        self.add_rows(np.zeros(len(cols), dtype=np.int64), cols,
                      np.asarray(vals, dtype=float), [lo], [hi])

    def solve(self, maximize: bool, params: SolveParams,
              progress: ProgressFn | None = None) -> _Result:
        import highspy

        t0 = time.perf_counter()
        h = _new_highs()
        h.setOptionValue("output_flag", bool(params.log))
        h.setOptionValue("time_limit", float(params.time_limit))
        h.setOptionValue("threads", _threads(params.workers))
        h.setOptionValue("mip_rel_gap", float(params.relative_gap))
        h.setOptionValue("mip_abs_gap", 1e-6)
        h.setOptionValue("random_seed", int(params.seed))
        lp = highspy.HighsLp()
        n, m = self.n_col, len(self.r_lo)
        lp.num_col_, lp.num_row_ = n, m
        lp.col_cost_ = np.concatenate(self.cost) if self.cost else np.zeros(0)
        lp.col_lower_ = np.concatenate(self.lb) if self.lb else np.zeros(0)
        lp.col_upper_ = np.concatenate(self.ub) if self.ub else np.zeros(0)
        lp.row_lower_ = np.array(self.r_lo, dtype=float)
        lp.row_upper_ = np.array(self.r_hi, dtype=float)
        rows = np.concatenate(self.r_idx) if self.r_idx else np.zeros(0, dtype=np.int64)
        cols = np.concatenate(self.c_idx) if self.c_idx else np.zeros(0, dtype=np.int64)
        vals = np.concatenate(self.val) if self.val else np.zeros(0)
        order = np.argsort(cols, kind="stable")
        start = np.zeros(n + 1, dtype=np.int64)
        np.add.at(start, cols + 1, 1)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
        lp.a_matrix_.start_ = np.cumsum(start).astype(np.int32)
        lp.a_matrix_.index_ = rows[order].astype(np.int32)
        lp.a_matrix_.value_ = vals[order]
        integer = np.concatenate(self.integer) if self.integer else np.zeros(0, dtype=bool)
        if integer.any():
            lp.integrality_ = [highspy.HighsVarType.kInteger if b else
                               highspy.HighsVarType.kContinuous for b in integer]
        lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
        h.passModel(lp)
        build = time.perf_counter() - t0
        t1 = time.perf_counter()
        if progress is not None and integer.any():
            def report(event: object) -> None:
                out = event.data_out  # type: ignore[attr-defined]
                progress(time.perf_counter() - t1, float(out.objective_function_value),
                         float(out.mip_dual_bound))

            # an older highspy without callbacks: no progress, same plan
            with contextlib.suppress(AttributeError):
                h.cbMipImprovingSolution.subscribe(report)
        h.run()
        seconds = time.perf_counter() - t1
        ms = h.getModelStatus()
        info = h.getInfo()
        if ms == highspy.HighsModelStatus.kModelEmpty or n == 0:
            return _Result("optimal", 0.0, 0.0, np.zeros(n), build, seconds)
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        x = np.array(h.getSolution().col_value) if has_solution else None
        obj = float(info.objective_function_value) if has_solution else None
        mip = bool(integer.any())
        if mip:
            bound = float(info.mip_dual_bound)
            bound = None if not math.isfinite(bound) else bound
        else:
            bound = obj if ms == highspy.HighsModelStatus.kOptimal else None
        if ms == highspy.HighsModelStatus.kOptimal:
            status = "optimal"
            if obj is not None and bound is not None and _gap(obj, bound) > max(
                    params.relative_gap, 1e-6):
                status = "feasible"
        elif ms in (highspy.HighsModelStatus.kInfeasible,):
            status = "infeasible"
        elif has_solution:
            status = "feasible"
        else:
            status = "unknown"
        return _Result(status, obj, bound, x, build, seconds)


_BANNER_SHOWN = False
_THREADS: int | None = None


def _threads(workers: int) -> int:
    """HiGHS threads: at most the cores there are (CP-SAT's 8-worker portfolio does not
    apply to HiGHS). HiGHS keeps one thread pool per process and refuses a different count
    later, so the pool is reset when the count changes."""
    import os

    import highspy

    global _THREADS
    n = max(1, min(int(workers), os.cpu_count() or 1))
    if _THREADS is not None and n != _THREADS:
        highspy.Highs.resetGlobalScheduler(True)
    _THREADS = n
    return n


def _new_highs() -> object:
    """A HiGHS instance; its one-off copyright banner is kept off stdout (CLI output)."""
    global _BANNER_SHOWN
    import highspy

    if _BANNER_SHOWN:
        return highspy.Highs()
    import os
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _BANNER_SHOWN = True
    return h


def _gap(obj: float, bound: float) -> float:
    if obj == bound:
        return 0.0
    return abs(obj - bound) / max(1.0, abs(obj))


@dataclass
class _Result:
    status: str
    objective: float | None
    bound: float | None
    x: np.ndarray | None
    build_seconds: float
    solve_seconds: float

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        g = _gap(self.objective, self.bound)
        return 0.0 if g < 1e-9 else g


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Opening:
    """``classes`` new classes at a place in ``year`` (``cumulative``: its total by then)."""

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


@dataclass
class SitingPlan:
    """The result: openings, coverage before/after, status, objective, bound and gap."""

    model: str
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    build_seconds: float
    solve_seconds: float
    openings: list[Opening] = field(default_factory=list)
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame)  # community × year
    streets: pd.DataFrame = field(default_factory=pd.DataFrame)  # street × year before/after
    findings: list[str] = field(default_factory=list)
    rules: dict[str, object] = field(default_factory=dict)
    served: dict[int, float] = field(default_factory=dict)
    served_before: dict[int, float] = field(default_factory=dict)
    demand: dict[int, float] = field(default_factory=dict)
    solver: str = "HiGHS"

    @property
    def proven_optimal(self) -> bool:
        return self.status == "optimal" and self.gap == 0.0


# --- variables ---------------------------------------------------------------------


@dataclass
class _Vars:
    open_: dict[tuple[int, int], int]  # (place, year index) -> column of new classes
    flow: np.ndarray  # (pairs, years) columns
    street_slack: dict[str, int]
    integrated: dict[int, int]  # place -> binary column "has a nursery class by the end"
    integrated_slack: int | None


def _weights(config: SitingConfig, n_years: int) -> np.ndarray:
    return np.array([config.year_discount ** k for k in range(n_years)])


def _penalty(problem: SitingProblem) -> float:
    """A rule's slack costs more than all new seats could ever gain in the objective."""
    cfg = problem.config
    w = _weights(cfg, len(problem.years))
    return float(cfg.seats_per_class * cfg.classes_per_year[1] * len(w) * w.sum() + 1.0)


def new_classes_variables(mip: _Mip, problem: SitingProblem,
                          fixed: dict[tuple[int, int], int] | None = None
                          ) -> dict[tuple[int, int], int]:
    """Classes opened at each candidate in each year: only from ``available_from`` on."""
    cols: dict[tuple[int, int], int] = {}
    for j in problem.candidates:
        for t, year in enumerate(problem.years):
            if not problem.available(j, year):
                continue
            if fixed is not None:
                v = fixed.get((j, t), 0)
                (c,) = mip.add_cols(1, 0.0, v, v, integer=False)
            else:
                (c,) = mip.add_cols(1, 0.0, 0.0, problem.places[j].max_new, integer=True)
            cols[(j, t)] = int(c)
    return cols


def children_served_within_walk(mip: _Mip, problem: SitingProblem) -> np.ndarray:
    """Flow of children from a community to a place in reach, per year: the objective.

    Earlier years weigh more (``year_discount``); a longer walk costs a little
    (``walk_weight`` at the circle's edge), so serving always beats shortening walks.
    """
    cfg = problem.config
    w = _weights(cfg, len(problem.years))
    pairs = problem.pairs
    walk = 1.0 - cfg.walk_weight * pairs.dist / max(cfg.access.reach_m, 1.0)
    flow = np.zeros((len(pairs), len(problem.years)), dtype=np.int64)
    for t in range(len(problem.years)):
        ub = problem.demand[pairs.i, t].astype(float)
        flow[:, t] = mip.add_cols(len(pairs), w[t] * walk, 0.0, ub)
    return flow


def seats_shared_among_communities(mip: _Mip, problem: SitingProblem, v: _Vars) -> None:
    """A community is served at most its demand; a place serves at most its seats.

    A place's seats in year t: its existing seats plus ``seats_per_class`` for every class
    opened up to t (classes once opened stay).
    """
    pairs = problem.pairs
    seats = problem.config.seats_per_class
    n_c, n_p = len(problem.community_ids), len(problem.places)
    for t in range(len(problem.years)):
        # demand rows: one per community
        mip.add_rows(pairs.i, v.flow[:, t], np.ones(len(pairs)), np.full(n_c, -np.inf),
                     problem.demand[:, t].astype(float))
        # capacity rows: one per place
        rows = [pairs.j]
        cols = [v.flow[:, t]]
        vals = [np.ones(len(pairs))]
        extra_r, extra_c = [], []
        for (j, tau), c in v.open_.items():
            if tau <= t:
                extra_r.append(j)
                extra_c.append(c)
        rows.append(np.array(extra_r, dtype=np.int64))
        cols.append(np.array(extra_c, dtype=np.int64))
        vals.append(np.full(len(extra_r), -float(seats)))
        mip.add_rows(np.concatenate(rows), np.concatenate(cols), np.concatenate(vals),
                     np.full(n_p, -np.inf),
                     np.array([float(p.existing_seats) for p in problem.places]))


def within_spare_rooms(mip: _Mip, problem: SitingProblem, v: _Vars) -> None:
    """All classes a place opens over the horizon fit its spare rooms / ``max_classes``."""
    by_place: dict[int, list[int]] = {}
    for (j, _t), c in v.open_.items():
        by_place.setdefault(j, []).append(c)
    for j, cols in by_place.items():
        mip.add_row(cols, np.ones(len(cols)), 0.0, float(problem.places[j].max_new))


def classes_per_year(mip: _Mip, problem: SitingProblem, v: _Vars) -> None:
    """Between the minimum and maximum of new classes each year (5–8 by default)."""
    lo, hi = problem.config.classes_per_year
    for t in range(len(problem.years)):
        cols = [c for (_j, tau), c in v.open_.items() if tau == t]
        mip.add_row(cols, np.ones(len(cols)), float(lo), float(hi))


def check_classes_per_year(problem: SitingProblem) -> None:
    """Raise when the rooms available by each year cannot take the yearly minimum.

    Rooms stay available once they are, so the minimum is reachable exactly when, for every
    year, the rooms available by then hold the minimum times the years so far.
    """
    lo, _hi = problem.config.classes_per_year
    clashes = []
    for t, year in enumerate(problem.years):
        rooms = sum(problem.places[j].max_new for j in problem.candidates
                    if problem.available(j, year))
        need = lo * (t + 1)
        if rooms < need:
            clashes.append(
                f"by {year} at least {need} new classes are required ({lo} a year) but the "
                f"public kindergartens' spare rooms and the sites available by then hold "
                f"only {rooms}: add {need - rooms} rooms or sites, or lower the yearly "
                f"minimum to {rooms // (t + 1)}")
    if clashes:
        raise InfeasibleError("The yearly number of new classes cannot be met.", clashes)


def _street_reach(problem: SitingProblem) -> tuple[dict[str, set[int]], set[str]]:
    """Per street, the places in reach of its families; and streets already covered."""
    reach: dict[str, set[int]] = {}
    pairs = problem.pairs
    has_demand = problem.demand.max(axis=1) > 0 if problem.demand.size else np.zeros(0, bool)
    for i, j in zip(pairs.i.tolist(), pairs.j.tolist(), strict=True):
        if has_demand[i]:
            reach.setdefault(problem.community_streets[i], set()).add(j)
    covered = {s for s, js in reach.items() if any(problem.places[j].inclusive_now for j in js)}
    return reach, covered


def streets_with_demand(problem: SitingProblem) -> list[str]:
    has = problem.demand.max(axis=1) > 0 if problem.demand.size else np.zeros(0, bool)
    seen = {problem.community_streets[i] for i in np.flatnonzero(has)}
    return [s for s, _n in problem.streets if s in seen]


def every_street_has_inclusive_place(mip: _Mip, problem: SitingProblem, v: _Vars) -> None:
    """By the end of the first year, every street's families reach an inclusive place.

    New public classes are inclusive; existing inclusive providers and public kindergartens
    with nursery classes count already. Elastic: a street that cannot be covered takes a
    slack of 1 at a cost above anything else (reported as a finding).
    """
    if not problem.config.every_street_inclusive:
        return
    reach, covered = _street_reach(problem)
    penalty = _penalty(problem)
    for s in streets_with_demand(problem):
        if s in covered:
            continue
        cols = [v.open_[(j, 0)] for j in sorted(reach.get(s, ())) if (j, 0) in v.open_]
        (slack,) = mip.add_cols(1, -penalty, 0.0, 1.0)
        v.street_slack[s] = int(slack)
        mip.add_row(cols + [int(slack)], np.ones(len(cols) + 1), 1.0, np.inf)


def integrated_share_target(problem: SitingProblem) -> int:
    """Kindergartens that must run nursery classes by the end (ceil of share × all)."""
    need = math.ceil(problem.config.integrated_share * problem.kindergartens_total - 1e-9)
    return max(0, need)


def half_of_kindergartens_integrated(mip: _Mip, problem: SitingProblem, v: _Vars) -> None:
    """托幼一体: kindergartens with nursery classes reach the share by the horizon's end.

    A kindergarten (or new-kindergarten site) without a class counts once it opens one.
    Elastic with a per-kindergarten slack costing more than anything else.
    """
    missing = integrated_share_target(problem) - problem.kindergartens_with_nursery
    if missing <= 0:
        return
    penalty = _penalty(problem)
    cols = []
    for j in problem.candidates:
        p = problem.places[j]
        if not p.kindergarten or p.has_nursery:
            continue
        opens = [c for (jj, _t), c in v.open_.items() if jj == j]
        if not opens:
            continue
        (z,) = mip.add_cols(1, 0.0, 0.0, 1.0, integer=True)
        v.integrated[j] = int(z)
        mip.add_row([int(z)] + opens, [1.0] + [-1.0] * len(opens), -np.inf, 0.0)
        cols.append(int(z))
    (slack,) = mip.add_cols(1, -penalty, 0.0, float(missing))
    v.integrated_slack = int(slack)
    mip.add_row(cols + [int(slack)], np.ones(len(cols) + 1), float(missing), np.inf)


# --- solving ------------------------------------------------------------------------


def _allocate(problem: SitingProblem, classes: dict[tuple[int, int], int],
              params: SolveParams) -> tuple[np.ndarray, _Result]:
    """The best allocation of children to seats for fixed classes (an LP).

    Pairs to places without seats are left out (a big saving for the baseline).
    """
    import dataclasses

    seats = np.array([p.existing_seats for p in problem.places], dtype=float)
    for (j, _t), n in classes.items():
        seats[j] += n * problem.config.seats_per_class
    keep = seats[problem.pairs.j] > 0
    full = problem.pairs
    pairs = Pairs(full.i[keep], full.j[keep], full.dist[keep], full.on_network[keep])
    problem = dataclasses.replace(problem, pairs=pairs)
    mip = _Mip()
    v = _Vars(new_classes_variables(mip, problem, fixed=classes), np.zeros((0, 0), np.int64),
              {}, {}, None)
    v.flow = children_served_within_walk(mip, problem)
    seats_shared_among_communities(mip, problem, v)
    res = mip.solve(True, params)
    out = np.zeros((len(full), len(problem.years)))
    if res.x is not None:
        out[keep] = res.x[v.flow]
    return out, res


def solve_capacitated(problem: SitingProblem, params: SolveParams = DEFAULT_PARAMS,
                      progress: ProgressFn | None = None) -> SitingPlan:
    """The multi-year capacitated plan (see the module docstring).

    ``progress(seconds, objective, bound)`` is called at each improving solution.
    """
    check_classes_per_year(problem)
    t0 = time.perf_counter()
    mip = _Mip()
    v = _Vars(new_classes_variables(mip, problem), np.zeros((0, 0), np.int64), {}, {}, None)
    v.flow = children_served_within_walk(mip, problem)
    seats_shared_among_communities(mip, problem, v)
    within_spare_rooms(mip, problem, v)
    classes_per_year(mip, problem, v)
    every_street_has_inclusive_place(mip, problem, v)
    half_of_kindergartens_integrated(mip, problem, v)
    build = time.perf_counter() - t0
    res = mip.solve(True, params, progress)
    if res.x is None:
        raise InfeasibleError(
            f"No plan found ({res.status}) within {params.time_limit:g} s.",
            ["raise --time-limit, or relax the yearly class range"] if res.status != "infeasible"
            else ["the hard rules clash; check the yearly class range against the rooms"])
    classes = {k: round(float(res.x[c])) for k, c in v.open_.items()}
    flows = res.x[v.flow]
    before, _ = _allocate(problem, {}, params)
    plan = _report(problem, "capacitated", res, build + problem.build_seconds, classes, flows,
                   before)
    plan.findings = _findings(problem, plan, classes, res, v)
    if problem.config.strict and plan.rules.get("missed"):
        raise InfeasibleError("A district rule cannot be met.", list(plan.rules["missed"]))
    return plan


def _openings(problem: SitingProblem, classes: dict[tuple[int, int], int]) -> list[Opening]:
    seats = problem.config.seats_per_class
    out: list[Opening] = []
    cumulative: dict[int, int] = {}
    for (j, t), n in sorted(classes.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if n <= 0:
            continue
        cumulative[j] = cumulative.get(j, 0) + n
        p = problem.places[j]
        out.append(Opening(p.place_id, p.source, p.name, p.street_id, p.lon, p.lat,
                           problem.years[t], n, n * seats, cumulative[j]))
    return out


def _reach_flags(problem: SitingProblem, classes: dict[tuple[int, int], int]) -> np.ndarray:
    """(communities, years): within the walk of a place with seats in that year."""
    seats = np.array([p.existing_seats for p in problem.places], dtype=float)
    out = np.zeros((len(problem.community_ids), len(problem.years)), dtype=bool)
    for t in range(len(problem.years)):
        s = seats.copy()
        for (j, tau), n in classes.items():
            if tau <= t:
                s[j] += n * problem.config.seats_per_class
        ok = s[problem.pairs.j] > 0
        out[problem.pairs.i[ok], t] = True
    return out


def _report(problem: SitingProblem, model: str, res: _Result, build: float,
            classes: dict[tuple[int, int], int], flows: np.ndarray,
            before: np.ndarray) -> SitingPlan:
    pairs = problem.pairs
    n_c, years = len(problem.community_ids), problem.years
    served = np.zeros((n_c, len(years)))
    served0 = np.zeros((n_c, len(years)))
    for t in range(len(years)):
        np.add.at(served[:, t], pairs.i, flows[:, t])
        np.add.at(served0[:, t], pairs.i, before[:, t])
    served = np.minimum(np.rint(served), problem.demand)
    served0 = np.minimum(np.rint(served0), problem.demand)
    reach = _reach_flags(problem, classes)
    reach0 = _reach_flags(problem, {})
    rows = []
    for t, y in enumerate(years):
        for i in range(n_c):
            rows.append((problem.community_ids[i], problem.community_names[i],
                         problem.community_streets[i], y, int(problem.demand[i, t]),
                         int(served[i, t]), bool(reach[i, t]), int(served0[i, t]),
                         bool(reach0[i, t])))
    cov = pd.DataFrame(rows, columns=["community_id", "name", "street_id", "year", "demand",
                                      "served", "within_15_min", "served_before",
                                      "within_15_min_before"])
    cov["unmet"] = cov["demand"] - cov["served"]
    names = dict(problem.streets)
    agg = cov.assign(
        reach_demand=cov["demand"] * cov["within_15_min"],
        reach_demand_before=cov["demand"] * cov["within_15_min_before"],
    ).groupby(["street_id", "year"], as_index=False)[
        ["demand", "served_before", "served", "reach_demand_before", "reach_demand", "unmet"]
    ].sum()
    agg.insert(1, "name", agg["street_id"].map(names).fillna(""))
    new_by_street_year: dict[tuple[str, int], int] = {}
    for o in _openings(problem, classes):
        key = (o.street_id, o.year)
        new_by_street_year[key] = new_by_street_year.get(key, 0) + o.classes
    agg["new_classes"] = [new_by_street_year.get((s, y), 0)
                          for s, y in zip(agg["street_id"], agg["year"], strict=True)]
    return SitingPlan(
        model=model,
        status=res.status,
        objective=res.objective,
        bound=res.bound,
        gap=res.gap,
        build_seconds=build + res.build_seconds,
        solve_seconds=res.solve_seconds,
        openings=_openings(problem, classes),
        coverage=cov,
        streets=agg,
        served={y: float(served[:, t].sum()) for t, y in enumerate(years)},
        served_before={y: float(served0[:, t].sum()) for t, y in enumerate(years)},
        demand={y: float(problem.demand[:, t].sum()) for t, y in enumerate(years)},
    )


def _findings(problem: SitingProblem, plan: SitingPlan, classes: dict[tuple[int, int], int],
              res: _Result, v: _Vars) -> list[str]:
    cfg = problem.config
    names = dict(problem.streets)
    out: list[str] = []
    missed: list[str] = []
    x = res.x
    assert x is not None
    # every street has an inclusive place
    reach, covered = _street_reach(problem)
    first = problem.years[0]
    opened_first = {j for (j, t), n in classes.items() if t == 0 and n > 0}
    street_ok = []
    for s in streets_with_demand(problem):
        if s in covered or reach.get(s, set()) & opened_first:
            street_ok.append(s)
            continue
        if not cfg.every_street_inclusive:
            continue
        cands = [problem.places[j] for j in problem.candidates
                 if problem.available(j, first)]
        hint = _closest_hint(problem, s, cands)
        missed.append(f"街镇 {names.get(s, s)} ({s}): no inclusive place within "
                      f"{cfg.access.reach_m:,.0f} m of its families by the end of {first}; "
                      f"{hint}")
    # 托幼一体
    target = integrated_share_target(problem)
    newly = {j for (j, _t), n in classes.items() if n > 0 and problem.places[j].kindergarten
             and not problem.places[j].has_nursery}
    have = problem.kindergartens_with_nursery + len(newly)
    share = have / problem.kindergartens_total if problem.kindergartens_total else 1.0
    if have < target:
        open_kgs = sum(1 for j in problem.candidates if problem.places[j].kindergarten
                       and not problem.places[j].has_nursery)
        short = target - have
        needed = target - problem.kindergartens_with_nursery  # new kindergartens with a class
        fixes = []
        if open_kgs < needed:
            fixes.append(f"only {open_kgs} kindergartens without a nursery class have a spare "
                         f"room or are new sites: give {needed - open_kgs} more of them a room")
        total_max = cfg.classes_per_year[1] * len(problem.years)
        if total_max < needed:
            fixes.append(f"the yearly maximum allows {total_max} new classes in all: raise it "
                         f"to {math.ceil(needed / len(problem.years))} a year")
        if not fixes:
            fixes.append("the rooms that could close it are not reachable in time (available "
                         "years or the yearly range): open them earlier or widen the range")
        missed.append(
            f"托幼一体: {have} of {problem.kindergartens_total} kindergartens "
            f"({share:.0%}) run nursery classes by {problem.years[-1]}, {short} short of "
            f"{cfg.integrated_share:.0%} ({target}); " + "; ".join(fixes))
    plan.rules = {
        "streets_with_inclusive_place": len(street_ok),
        "streets_with_demand": len(streets_with_demand(problem)),
        "integrated_kindergartens": have,
        "integrated_target": target,
        "kindergartens_total": problem.kindergartens_total,
        "integrated_share": share,
        "missed": missed,
    }
    if plan.proven_optimal:
        out.append(f"Proven optimal by {plan.solver} (gap 0).")
    else:
        gap = "unknown" if plan.gap is None else f"{plan.gap:.2%}"
        out.append(f"Not proven optimal: status {plan.status}, gap {gap}.")
    out.extend("NOT MET: " + m for m in missed)
    for y in problem.years:
        before, after, dem = plan.served_before[y], plan.served[y], plan.demand[y]
        out.append(f"{y}: {after:,.0f} of {dem:,.0f} children served within the walk "
                   f"({before:,.0f} without new classes).")
    return out


def _closest_hint(problem: SitingProblem, street: str, cands: list[Place]) -> str:
    """What would close a street's gap: the nearest candidate and the radius it needs."""
    idx = [i for i, s in enumerate(problem.community_streets) if s == street]
    if not cands or not idx:
        return "no candidate site is available: add a site or a public kindergarten room there"
    import shapely

    px, py = project([c.lon for c in cands], [c.lat for c in cands])
    tree = shapely.STRtree(shapely.points(np.column_stack([px, py])))
    pts = shapely.points(np.column_stack([problem.cx[idx], problem.cy[idx]]))
    (_src, dst), dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
    best = int(np.argmin(dist))
    k = int(dst[best])
    need = float(dist[best]) * problem.config.access.circuity
    return (f"the nearest candidate, {cands[k].name} ({cands[k].place_id}), is about "
            f"{need:,.0f} m away (a walking radius of {need:,.0f} m would reach it): add a site or a public kindergarten room within reach in that "
            f"street, or an inclusive provider")


# --------------------------------------------------------------------------- MCLP / LSCP


@dataclass
class CoverResult:
    """An uncapacitated covering solution (MCLP or LSCP)."""

    model: str
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    chosen: list[int]
    covered_weight: float
    total_weight: float
    rows: int  # demand rows after merging points that reach the same sites
    points: int
    uncoverable: list[int]
    build_seconds: float
    solve_seconds: float


def merge_rows(n_points: int, pi: np.ndarray, pj: np.ndarray,
               weights: np.ndarray) -> tuple[list[tuple[int, ...]], np.ndarray, list[int]]:
    """Group demand points that reach the same set of sites; sum their weights.

    Returns (site sets, weight per set, points reaching no site).
    """
    order = np.lexsort((pj, pi))
    pi, pj = pi[order], pj[order]
    sets: dict[tuple[int, ...], float] = {}
    starts = np.searchsorted(pi, np.arange(n_points + 1))
    uncoverable = []
    for i in range(n_points):
        a, b = starts[i], starts[i + 1]
        if a == b:
            uncoverable.append(i)
            continue
        key = tuple(np.unique(pj[a:b]).tolist())
        sets[key] = sets.get(key, 0.0) + float(weights[i])
    keys = list(sets)
    return keys, np.array([sets[k] for k in keys]), uncoverable


def _cover_rows(mip: _Mip, keys: list[tuple[int, ...]], x: np.ndarray,
                y: np.ndarray | None) -> None:
    r, c, val = [], [], []
    for k, key in enumerate(keys):
        r.extend([k] * len(key))
        c.extend(int(x[j]) for j in key)
        val.extend([1.0] * len(key))
        if y is not None:
            r.append(k)
            c.append(int(y[k]))
            val.append(-1.0)
    lo = np.zeros(len(keys)) if y is not None else np.ones(len(keys))
    mip.add_rows(np.array(r), np.array(c), np.array(val), lo, np.full(len(keys), np.inf))


def mclp(n_points: int, n_sites: int, pi: np.ndarray, pj: np.ndarray, weights: np.ndarray,
         p: int, params: SolveParams = DEFAULT_PARAMS) -> CoverResult:
    """Maximal covering: choose ``p`` sites covering the most weight (spopt's MCLP).

    As in spopt, exactly ``p`` sites are chosen (when there are at least ``p``).
    """
    t0 = time.perf_counter()
    weights = np.asarray(weights, dtype=float)
    keys, w, unc = merge_rows(n_points, np.asarray(pi), np.asarray(pj), weights)
    mip = _Mip()
    x = mip.add_cols(n_sites, 0.0, 0.0, 1.0, integer=True)
    y = mip.add_cols(len(keys), w, 0.0, 1.0)  # integral at the optimum once x is
    _cover_rows(mip, keys, x, y)
    k = min(p, n_sites)
    mip.add_row(x, np.ones(n_sites), float(k), float(k))
    build = time.perf_counter() - t0
    res = mip.solve(True, params)
    chosen = [] if res.x is None else [int(j) for j in np.flatnonzero(res.x[x] > 0.5)]
    cov = set(chosen)
    covered = float(sum(wk for key, wk in zip(keys, w, strict=True) if cov & set(key)))
    return CoverResult("mclp", res.status, res.objective, res.bound, res.gap, chosen, covered,
                       float(weights.sum()), len(keys), n_points, unc,
                       build + res.build_seconds, res.solve_seconds)


def lscp(n_points: int, n_sites: int, pi: np.ndarray, pj: np.ndarray,
         params: SolveParams = DEFAULT_PARAMS) -> CoverResult:
    """Location set covering: fewest sites so every coverable point is within reach.

    Points no site can reach are left out and listed in ``uncoverable`` (spopt would call
    the whole problem infeasible).
    """
    t0 = time.perf_counter()
    ones = np.ones(n_points)
    keys, _w, unc = merge_rows(n_points, np.asarray(pi), np.asarray(pj), ones)
    mip = _Mip()
    x = mip.add_cols(n_sites, 1.0, 0.0, 1.0, integer=True)
    _cover_rows(mip, keys, x, None)
    build = time.perf_counter() - t0
    res = mip.solve(False, params)
    chosen = [] if res.x is None else [int(j) for j in np.flatnonzero(res.x[x] > 0.5)]
    return CoverResult("lscp", res.status, res.objective, res.bound, res.gap, chosen,
                       float(n_points - len(unc)), float(n_points), len(keys), n_points, unc,
                       build + res.build_seconds, res.solve_seconds)


def cover_problem(problem: SitingProblem, year_index: int = 0,
                  count_existing: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                        list[int]]:
    """The textbook covering data of a siting problem: (pairs i, pairs j, weights, sites).

    Sites are the candidates (any year); weights the demand of ``year_index``. With
    ``count_existing``, communities already within reach of an existing place weigh 0 and
    need no new cover.
    """
    cand = [j for j in problem.candidates if problem.available(j, problem.years[-1])]
    local = {j: k for k, j in enumerate(cand)}
    weights = problem.demand[:, year_index].astype(float).copy()
    if count_existing:
        served = np.zeros(len(problem.community_ids), dtype=bool)
        seats = np.array([p.existing_seats for p in problem.places])
        served[problem.pairs.i[seats[problem.pairs.j] > 0]] = True
        weights[served] = 0.0
    keep = np.array([j in local for j in problem.pairs.j.tolist()], dtype=bool)
    pi = problem.pairs.i[keep]
    pj = np.array([local[j] for j in problem.pairs.j[keep].tolist()], dtype=np.int64)
    need = weights > 0
    mask = need[pi]
    return pi[mask], pj[mask], weights, cand


def solve_cover(problem: SitingProblem, model: str, p: int | None = None,
                params: SolveParams = DEFAULT_PARAMS) -> tuple[CoverResult, SitingPlan]:
    """MCLP or LSCP on the siting data; also returned as a one-year plan for the exports."""
    pi, pj, w, cand = cover_problem(problem)
    n = len(problem.community_ids)
    if model == "mclp":
        k = p if p is not None else problem.config.classes_per_year[1] * len(problem.years)
        res = mclp(n, len(cand), pi, pj, w, k, params)
    elif model == "lscp":
        need = np.flatnonzero(w > 0)
        sub = {int(i): k for k, i in enumerate(need)}
        keep = np.isin(pi, need)
        res = lscp(len(need), len(cand), np.array([sub[int(i)] for i in pi[keep]], np.int64),
                   pj[keep], params)
        res.uncoverable = [int(need[i]) for i in res.uncoverable]
    else:
        raise ValueError(f"unknown model {model!r}")
    classes = {}
    for k in res.chosen:  # one class each, in the first year the site is available
        j = cand[k]
        t = next((t for t, y in enumerate(problem.years) if problem.available(j, y)), 0)
        classes[(j, t)] = 1
    fake = _Result(res.status, res.objective, res.bound, None, res.build_seconds,
                   res.solve_seconds)
    flows, _ = _allocate(problem, classes, params)
    before, _ = _allocate(problem, {}, params)
    plan = _report(problem, model, fake, problem.build_seconds, classes, flows, before)
    plan.gap = res.gap
    plan.findings = [
        ("Proven optimal by HiGHS (gap 0)." if res.status == "optimal" and res.gap == 0
         else f"Not proven optimal: status {res.status}, gap {res.gap}."),
        f"{model.upper()}: {len(res.chosen)} sites chosen, one class each; demand rows "
        f"merged {res.points} -> {res.rows}.",
    ]
    if res.uncoverable and model == "lscp":
        plan.findings.append(f"{len(res.uncoverable)} communities reach no candidate site "
                             "within the walk and cannot be covered.")
    if model == "mclp":
        plan.findings.append(f"Covered demand (not yet served by existing places): "
                             f"{res.covered_weight:,.0f} of {float(w.sum()):,.0f}.")
    return res, plan
