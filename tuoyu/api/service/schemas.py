"""Request and response bodies of the API (with the examples shown on /docs)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    error: str
    message: str


class DatasetOut(BaseModel):
    id: str
    name: str
    tables: dict[str, int]
    created_at: str


class JobRequest(BaseModel):
    """A plan to make. ``params`` by kind: roster ``month`` (YYYY-MM), ``seed``, optional
    ``draw_share``, ``min_team``, ``time_limit``; sessions ``year``, ``from_date``, ``seed``,
    ``time_limit``; siting ``years`` (2027-2029), ``classes_per_year`` (5-8), ``model``
    (capacitated | mclp | lscp), ``time_limit``."""

    kind: Literal["roster", "sessions", "siting"]
    dataset_id: str
    params: dict[str, Any] = Field(default_factory=dict)

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"kind": "roster", "dataset_id": "baoshan",
                 "params": {"month": "2027-03", "seed": 42}},
                {"kind": "sessions", "dataset_id": "baoshan",
                 "params": {"year": 2027, "from_date": None}},
                {"kind": "siting", "dataset_id": "baoshan",
                 "params": {"years": "2027-2029", "classes_per_year": "5-8"}},
            ]
        }
    }


class Progress(BaseModel):
    seconds: float | None = None
    stage: str | None = None
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None


class JobOut(BaseModel):
    id: str
    kind: str
    dataset_id: str
    params: dict[str, Any]
    status: str
    progress: Progress | None
    message: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    files: list[str]
    parent_id: str | None = None


class FindingOut(BaseModel):
    code: str
    severity: Literal["info", "warning", "error"]
    params: dict[str, Any]
    message: str


class SoftGoalOut(BaseModel):
    code: str
    label: str
    value: int
    weight: int
    cost: int


class TargetOut(BaseModel):
    code: str
    label: str
    goal: float
    achieved: float
    met: bool


class StageOut(BaseModel):
    stage: str
    status: str
    objective: float | None
    bound: float | None
    build_seconds: float
    solve_seconds: float


class ResultOut(BaseModel):
    """A plan (``tuoyu.planning.Plan``), with every code rendered in the asked language."""

    kind: Literal["roster", "sessions", "siting"]
    status: Literal["optimal", "feasible", "infeasible", "time_limit", "cancelled"]
    status_label: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    stages: list[StageOut]
    soft_goals: list[SoftGoalOut]
    targets: list[TargetOut]
    findings: list[FindingOut]
    rows: list[dict[str, Any]]
    fingerprint: str
    params: dict[str, Any]


class ReplanRequest(BaseModel):
    from_date: dt.date

    model_config = {"json_schema_extra": {"examples": [{"from_date": "2027-06-01"}]}}


class VerifyOut(BaseModel):
    matches: bool
    problems: list[str]


class StreetCoverage(BaseModel):
    street_id: str
    name: str
    year: int
    communities: int
    demand: float
    before: float
    after: float
    within_15_min_before: int
    within_15_min_after: int


class OutcomeRow(BaseModel):
    institution_id: str
    date: dt.date
    outcome: Literal["pass", "rectify", "fail"]
    inspector_ids: list[str] | str = Field(default_factory=list)


class OutcomeRows(BaseModel):
    rows: list[OutcomeRow]

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"rows": [{"institution_id": "JG0001", "date": "2027-03-04",
                           "outcome": "rectify", "inspector_ids": ["JC001", "JC002"]}]}
            ]
        }
    }


class RecordedOut(BaseModel):
    recorded: int


class TokenRequest(BaseModel):
    role: Literal["viewer", "planner", "admin"]
    name: str = Field(min_length=1, max_length=200)

    model_config = {
        "json_schema_extra": {"examples": [{"role": "planner", "name": "张老师 (roster)"}]}
    }


class TokenOut(BaseModel):
    id: str
    name: str
    role: str
    created_at: str
    last_used_at: str | None = None
    token: str | None = None  # only when made


def iso(t: dt.datetime | None) -> str | None:
    return None if t is None else t.isoformat(timespec="seconds") + "Z"
