"""The one shape of every plan: :class:`Plan`, immutable, the same for all planners.

The planning layer returns it; the command line and the service's worker store, export
and render it; nothing parses printed text. Everything a person reads is rendered from
it (through ``tuoyu.api.text``), in Chinese or English, in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tuoyu.models.findings import Finding, _freeze, _thaw
from tuoyu.optimizer.solve import (
    Clock,
    SoftGoal,
    SolveParams,
    StageTime,
    Status,
    Target,
    clock_findings,
    gap,
)
from tuoyu.planning.registry import kinds, maximises


@dataclass(frozen=True)
class Plan:
    """A finished plan of one planner, or a finished attempt (status infeasible, time
    limit or cancelled with no rows) that says why there is none.

    ``rows`` are the contract's output rows (``roster.csv``, ``sessions.csv``,
    ``coverage.csv``) as plain dicts of strings and numbers. ``detail`` is the planner's
    own result (the problem, the data the exports need): it never leaves the process and
    is not part of the JSON.
    """

    kind: str
    status: Status
    objective: float | None = None
    bound: float | None = None
    stages: tuple[StageTime, ...] = ()
    soft_goals: tuple[SoftGoal, ...] = ()
    targets: tuple[Target, ...] = ()
    findings: tuple[Finding, ...] = ()
    rows: tuple[Mapping[str, Any], ...] = ()
    fingerprint: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    #: the district planned, as a planner names it (宝山区); "" when not known
    district: str = ""
    detail: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in kinds():
            raise ValueError(f"unknown plan kind {self.kind!r}")
        object.__setattr__(self, "status", Status(self.status))
        for name in ("stages", "soft_goals", "targets", "findings"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "rows", tuple(_freeze(dict(r)) for r in self.rows))
        object.__setattr__(self, "params", _freeze(dict(self.params)))

    @property
    def gap(self) -> float | None:
        return gap(self.objective, self.bound)

    @property
    def maximise(self) -> bool:
        """Is the objective maximised (then the bound is an upper bound)?"""
        return maximises(self.kind)

    @property
    def ok(self) -> bool:
        """A plan that meets every hard rule (optimal or not, cancelled with a plan kept)."""
        return bool(self.rows) or self.status in (Status.OPTIMAL, Status.FEASIBLE)

    @property
    def seconds(self) -> float:
        return sum(s.build_seconds + s.solve_seconds for s in self.stages)

    def as_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready data (what the service stores and serves)."""
        return {
            "kind": self.kind,
            "status": str(self.status),
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "seconds": self.seconds,
            "stages": [s.as_dict() for s in self.stages],
            "soft_goals": [g.as_dict() for g in self.soft_goals],
            "targets": [t.as_dict() for t in self.targets],
            "findings": [f.as_dict() for f in self.findings],
            "rows": [_thaw(r) for r in self.rows],
            "fingerprint": self.fingerprint,
            "params": _thaw(self.params),
            "district": self.district,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Plan:
        """Read back what :meth:`as_dict` wrote (without ``detail``)."""
        return cls(
            kind=d["kind"],
            status=Status(d["status"]),
            objective=d.get("objective"),
            bound=d.get("bound"),
            stages=tuple(
                StageTime(
                    s["stage"], Status(s["status"]), s.get("objective"), s.get("bound"),
                    s.get("build_seconds", 0.0), s.get("solve_seconds", 0.0),
                )
                for s in d.get("stages", ())
            ),
            soft_goals=tuple(
                SoftGoal(g["code"], g["value"], g["weight"]) for g in d.get("soft_goals", ())
            ),
            targets=tuple(
                Target.from_dict(t) for t in d.get("targets", ())
            ),
            findings=tuple(Finding.from_dict(f) for f in d.get("findings", ())),
            rows=tuple(d.get("rows", ())),
            fingerprint=d.get("fingerprint", ""),
            params=d.get("params", {}),
            district=d.get("district", ""),
        )


def failed_plan(kind: str, status: Status, findings: Sequence[Finding],
                params: Mapping[str, Any] | None = None,
                stages: Sequence[StageTime] = ()) -> Plan:
    """The plan of an attempt that found none: why (clashes with amounts, or the time
    limit), as findings."""
    return Plan(kind=kind, status=status, findings=tuple(findings), params=params or {},
                stages=tuple(stages))


def solve_params_of(params: Any) -> SolveParams:
    """A planner's solver settings from its parameters: the time limit, the workers, and
    the plan's wall-clock ceiling (``wall_limit``), whose clock starts now."""
    return SolveParams(
        time_limit=params.time_limit,
        workers=params.workers,
        clock=Clock(getattr(params, "wall_limit", None)),
    )


def clocked(plan: Plan, solve: SolveParams) -> Plan:
    """The plan, with ``plan.wall_clock_stop`` when the wall-clock ceiling ended a solve."""
    extra = clock_findings(solve)
    return replace(plan, findings=(*plan.findings, *extra)) if extra else plan
