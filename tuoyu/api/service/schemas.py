"""Request and response bodies of the API (with the examples shown on /docs)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tuoyu.planning.params import RosterParams, SessionParams, SitingParams


class ProblemOut(BaseModel):
    file: str
    row: int | None = None
    column: str | None = None
    message: str
    expected: str | None = None
    got: str | None = None


class ErrorOut(BaseModel):
    """Every error the service sends: what kind, a sentence, and (where they apply) the
    located problems of the input (at most 200, ``problem_count`` all of them) or the
    clashing rules."""

    error: str
    message: str
    problems: list[ProblemOut] | None = None
    problem_count: int | None = None
    clashes: list[dict[str, Any]] | None = None


class DatasetOut(BaseModel):
    id: str
    name: str
    tables: dict[str, int]
    created_at: str


class _Job(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dataset_id: str = Field(..., max_length=64)


class RosterJob(_Job):
    """A month's inspection roster (双随机)."""

    kind: Literal["roster"]
    params: RosterParams

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"kind": "roster", "dataset_id": "baoshan", "params": {"month": "2027-03", "seed": 42}}]})


class SessionsJob(_Job):
    """A year's guidance-session calendar (or its re-plan from ``from_date``)."""

    kind: Literal["sessions"]
    params: SessionParams

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"kind": "sessions", "dataset_id": "baoshan", "params": {"year": 2027}}]})


class SitingJob(_Job):
    """New public nursery classes over the years."""

    kind: Literal["siting"]
    params: SitingParams

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"kind": "siting", "dataset_id": "baoshan",
         "params": {"years": "2027-2029", "classes_per_year": "5-8"}}]})


JOB_EXAMPLES = {
    "roster": {"summary": "月度检查排班 / a month's roster",
               "value": {"kind": "roster", "dataset_id": "baoshan",
                         "params": {"month": "2027-03", "seed": 42}}},
    "sessions": {"summary": "年度指导活动日历 / the year's calendar",
                 "value": {"kind": "sessions", "dataset_id": "baoshan", "params": {"year": 2027}}},
    "siting": {"summary": "公办托班选址 / siting new classes",
               "value": {"kind": "siting", "dataset_id": "baoshan",
                         "params": {"years": "2027-2029", "classes_per_year": "5-8"}}},
}

#: a plan to make: its kind decides its parameters (unknown keys are refused)
JobRequest = Annotated[RosterJob | SessionsJob | SitingJob, Field(discriminator="kind")]


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
    value: float
    weight: float
    cost: float


class GoalFiguresOut(BaseModel):
    """A soft goal as people read it (``tuoyu.api.text.goal_figures``): rounded, the
    weight positive, the cost signed as it adds to the objective."""

    code: str
    label: str
    sense: Literal["more", "less"]
    value: str
    weight: str
    cost: str
    line: str


class FiguresOut(BaseModel):
    """A plan's figures as every face shows them (``tuoyu.api.text.plan_figures``)."""

    status: str
    objective: str
    bound: str
    bound_label: str
    gap: str
    line: str
    goals: list[GoalFiguresOut]


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
    district: str = ""
    figures: FiguresOut | None = None


class ReplanRequest(BaseModel):
    from_date: dt.date

    model_config = {"json_schema_extra": {"examples": [{"from_date": "2027-06-01"}]}}


class VerifyOut(BaseModel):
    matches: bool
    problems: list[str]  # the differences, rendered
    findings: list[dict[str, Any]] = []  # the same as codes with parameters


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


#: the error body every route may answer with, as the OpenAPI page shows it
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in (
        (400, "bad request"), (401, "no or unknown token"), (403, "role too low, or a "
        "change sent from another site"), (404, "not found"), (409, "conflict, or no plan "
        "meets the rules (the clashes)"), (413, "upload too large"),
        (415, "body neither JSON nor multipart"), (422, "invalid input (located problems)"),
    )
}
