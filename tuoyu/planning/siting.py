"""The siting planner's entry point: ``run(dataset, params, *, stop, progress) -> Plan``.

Loads the siting tables, builds the problem, solves (the capacitated plan, or MCLP /
LSCP; with ``params.tradeoff`` also the trade-off curve and the set covering answer, in
``detail.tradeoff`` and the findings), and returns one :class:`Plan`: rows are the ``coverage.csv`` rows; ``detail`` a
:class:`SitingDetail` (the optimizer's plan, the problem and the data) for the exports.
When no plan can be (clashes, time limit, cancelled before a plan) it returns
``failed_plan(...)`` with the reasons as findings; bad input raises :class:`DataError`.
Reads the dataset folder and nothing else: no files written, no database, no web.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tuoyu.models.errors import InfeasibleError, TimeLimitError
from tuoyu.models.findings import Finding
from tuoyu.models.reader import district_name
from tuoyu.models.siting import SitingData, load_siting_data
from tuoyu.optimizer.catchment import AccessParams
from tuoyu.optimizer.demand import DemandParams
from tuoyu.optimizer.siting import (
    SitingConfig,
    SitingProblem,
    SitingResult,
    solve_cover,
)
from tuoyu.optimizer.siting import solve as solve_plan
from tuoyu.optimizer.siting.problem import steering_clashes
from tuoyu.optimizer.siting.tradeoff import HEADER as TRADEOFF_HEADER  # noqa: F401 (exports)
from tuoyu.optimizer.siting.tradeoff import Tradeoff, solve_tradeoff
from tuoyu.optimizer.solve import ProgressFn, Status, Stop
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import SitingParams
from tuoyu.planning.plan import Plan, clocked, failed_plan, solve_params_of

KIND = "siting"
ROW_COLUMNS = ("community_id", "year", "demand", "served", "within_15_min", "street_id",
               "unmet", "served_before", "within_15_min_before")


@dataclass(frozen=True)
class SitingDetail:
    """What the exports need: the optimizer's plan, the problem and the data."""

    plan: SitingResult
    problem: SitingProblem
    data: SitingData
    tradeoff: Tradeoff | None = None  # when ``params.tradeoff`` is given
    district: str = ""  # the dataset's district (its district.geojson), for titles

    @property
    def walk(self) -> dict[str, object]:
        """How the walk was measured (``kind``: network, mixed, off_network or
        straight_line)."""
        return self.problem.walk()


def config_of(params: SitingParams) -> SitingConfig:
    """The optimizer's configuration from the planner's parameters."""
    return SitingConfig(
        years=params.years,
        classes_per_year=params.classes_per_year,
        seats_per_class=params.seats_per_class,
        class_fill=params.class_fill,
        access=AccessParams(speed_kmh=params.speed_kmh, radius_m=params.radius_m,
                            circuity=params.circuity),
        demand=DemandParams(take_up=params.take_up, trend=params.trend),
        strict=params.strict,
        use_network=params.use_network,
        pinned=params.pins,
        forbidden=params.forbidden,
    )


def check_steering(dataset: Dataset, params: SitingParams) -> list[Finding]:
    """The pinned and forbidden places that cannot be (unknown id, no rooms, outside the
    horizon, ...), as clashes naming the id; empty when all can. Reads the tables only
    (no walking network), so a service can refuse a job (422) before queueing it."""
    if not params.pinned and not params.forbidden:
        return []
    data = load_siting_data(dataset.folder, use_network=False)
    return steering_clashes(data, config_of(params))


def tradeoff_rows(plan: Plan) -> list[dict[str, Any]]:
    """The ``tradeoff.csv`` rows of a plan made with ``params.tradeoff`` (else empty)."""
    detail = plan.detail
    if not isinstance(detail, SitingDetail) or detail.tradeoff is None:
        return []
    return list(detail.tradeoff.as_dict()["rows"])  # type: ignore[arg-type]


def coverage_rows(plan: SitingResult) -> list[dict[str, Any]]:
    """The ``coverage.csv`` rows as plain dicts (the contract's columns first)."""
    cov = plan.coverage
    if cov.empty:
        return []
    out = []
    for r in cov[list(ROW_COLUMNS)].itertuples(index=False):
        out.append({"community_id": str(r.community_id), "year": int(r.year),
                    "demand": int(r.demand), "served": int(r.served),
                    "within_15_min": bool(r.within_15_min), "street_id": str(r.street_id),
                    "unmet": int(r.unmet), "served_before": int(r.served_before),
                    "within_15_min_before": bool(r.within_15_min_before)})
    return out


def _status(plan: SitingResult) -> Status:
    """A plan kept after a stop stays ``feasible`` (it meets every hard rule)."""
    if plan.status in (Status.OPTIMAL, Status.FEASIBLE):
        return plan.status
    return Status.FEASIBLE


def run(dataset: Dataset, params: SitingParams, *, stop: Stop | None = None,
        progress: ProgressFn | None = None) -> Plan:
    """Plan the siting of new nursery classes on ``dataset``; see the module docstring."""
    data = load_siting_data(dataset.folder, use_network=params.use_network)
    problem = SitingProblem.from_data(data, config_of(params))
    solve = solve_params_of(params)
    shown = params.model_dump(mode="json")
    if params.model == "capacitated":
        plan = solve_plan(problem, solve, stop=stop, progress=progress)
    else:
        try:
            _res, plan = solve_cover(problem, params.model, params.p, solve, stop=stop)
        except TimeLimitError as err:
            status = Status.CANCELLED if stop is not None and stop.is_set() else Status.TIME_LIMIT
            return clocked(failed_plan(KIND, status, err.clashes, shown), solve)
        except InfeasibleError as err:
            return failed_plan(KIND, Status.INFEASIBLE, err.clashes, shown)
    if plan.status in (Status.INFEASIBLE, Status.TIME_LIMIT, Status.CANCELLED) \
            and not plan.openings and plan.objective is None:
        return clocked(failed_plan(KIND, plan.status, plan.findings, shown, plan.stages), solve)
    curve = None
    findings, stages = list(plan.findings), tuple(plan.stages)
    if params.tradeoff is not None:
        lo, hi = params.tradeoff
        curve = solve_tradeoff(problem, list(range(lo, hi + 1)), solve, stop=stop,
                               progress=progress)
        findings += curve.findings
        stages += (curve.stage,) if curve.stage is not None else ()
    return clocked(Plan(
        kind=KIND,
        status=_status(plan),
        objective=plan.objective,
        bound=plan.bound,
        stages=stages,
        soft_goals=tuple(plan.soft_goals),
        targets=tuple(plan.targets),
        findings=tuple(findings),
        rows=tuple(coverage_rows(plan)),
        fingerprint=data.fingerprint,
        params=shown,
        detail=SitingDetail(plan, problem, data, curve, district_name(dataset.folder)),
    ), solve)
