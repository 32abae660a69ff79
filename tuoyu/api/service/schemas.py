"""Request and response bodies of the API (with the examples shown on /docs)."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from tuoyu.planning import registry
from tuoyu.planning.registry import Planner


class ProblemOut(BaseModel):
    file: str
    row: int | None = None
    column: str | None = None
    message: str
    expected: str | None = Field(None, description="应为什么，用文字说明。 What was expected, "
                                                   "in words.")
    got: str | None = None
    code: str | None = Field(None, description="请求参数错误时的校验类型（如 "
                                               "greater_than_equal）。 For a refused request: "
                                               "the check that refused it.")
    text: str | None = None


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
    district: str = Field("", description="the district the data is of (from its "
                          "district.geojson), or its name when the data does not say")
    tables: dict[str, int]
    labels: dict[str, str] = Field(default_factory=dict,
                                   description="each table's name in Chinese (托育机构, …)")
    created_at: str
    default: bool = Field(False, description="the dataset the pages open on: the folder "
                          "the service was started with (tuoyu serve --data), else the "
                          "bundled data")


class MarkedDayOut(BaseModel):
    """A public holiday or an adjusted working day (调休上班) of the working calendar."""

    date: str
    kind: Literal["holiday", "workday"]
    name: str


class _Job(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dataset_id: str = Field(..., max_length=64)


def _job_model(planner: Planner) -> type[_Job]:
    """The body of a job of one planner: its kind and its parameters."""
    example = {"kind": planner.kind, "dataset_id": "baoshan", "params": dict(planner.example)}
    namespace = {
        "__module__": __name__,
        "__doc__": planner.job_doc or None,
        "__annotations__": {"kind": Literal[planner.kind], "params": planner.params},
        "model_config": ConfigDict(extra="forbid", json_schema_extra={"examples": [example]}),
    }
    name = planner.kind[:1].upper() + planner.kind[1:] + "Job"
    return type(name, (_Job,), namespace)


@functools.cache
def _job_request(kinds: tuple[str, ...]) -> Any:
    models = tuple(_job_model(registry.planner(k)) for k in kinds)
    union = models[0] if len(models) == 1 else Union[models]  # noqa: UP007 (built from a tuple)
    return Annotated[union, Field(discriminator="kind")]


def job_request() -> Any:
    """A plan to make: its kind decides its parameters (unknown keys are refused); one
    member per registered planner."""
    return _job_request(registry.kinds())


def job_examples() -> dict[str, dict[str, Any]]:
    """The job examples of the API page, one per planner."""
    return {p.kind: {"summary": p.example_title,
                     "value": {"kind": p.kind, "dataset_id": "baoshan",
                               "params": dict(p.example)}}
            for p in registry.planners()}


class Progress(BaseModel):
    seconds: float | None = None
    stage: str | None = None  # the solver's code of the stage ("calendar 2")
    #: the stage as a planner reads it, in the reader's language ("排定活动日期（第 2 部分）"):
    #: the pages show this one, so the labels live in the catalogue alone
    stage_label: str | None = None
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


class TargetFiguresOut(BaseModel):
    """A target as people read it: its goal and what the plan achieves, written as numbers
    are everywhere (``tuoyu.api.text.number``)."""

    code: str
    label: str
    goal: str
    achieved: str
    met: bool
    band: str = Field("", description="达标范围（如某月场次 25–41），没有时为空。 The range "
                                      "within which the target counts as met (a month's "
                                      "sessions 25–41); empty when met at the goal.")
    line: str = Field("", description="一句话：目标 13，达成 37（达标）。 In one line: goal 13, "
                                      "achieved 37 (met).")


class FiguresOut(BaseModel):
    """A plan's figures as every face shows them (``tuoyu.api.text.plan_figures``)."""

    status: str
    objective: str
    bound: str
    bound_label: str
    gap: str
    line: str
    goals: list[GoalFiguresOut]
    targets: list[TargetFiguresOut] = []


class TargetOut(BaseModel):
    code: str
    label: str
    goal: float
    achieved: float
    met: bool
    unit: str = Field("", description="比例（share）：目标与达成为小数，0.97 即 97%。 "
                                      "share: goal and achieved are fractions (0.97 = 97%).")
    low: float | None = Field(None, description="达标范围的下限（没有范围时为空）。 The least "
                                                "that counts as met (none: met at the goal).")
    high: float | None = Field(None, description="达标范围的上限。 The most that counts as "
                                                 "met.")


class StageOut(BaseModel):
    stage: str
    status: str
    objective: float | None
    bound: float | None
    build_seconds: float
    solve_seconds: float


class _Result(BaseModel):
    """A plan (``tuoyu.planning.Plan``), with every code rendered in the asked language."""

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


@functools.cache
def _result_out(kinds: tuple[str, ...]) -> type[BaseModel]:
    fields: dict[str, Any] = {"kind": (Literal[kinds], ...)}
    fields.update({name: (f.annotation, f) for name, f in _Result.model_fields.items()})
    return create_model("ResultOut", __doc__=_Result.__doc__, __module__=__name__, **fields)


def result_out() -> type[BaseModel]:
    """The body of a plan's result: its ``kind`` one of the registered planners'."""
    return _result_out(registry.kinds())


class ReplanRequest(BaseModel):
    from_date: dt.date
    redraw_reason: str | None = Field(
        None, max_length=500, description="Why a published month is re-planned (needed when "
        "no outcome was recorded in the month before the date: then it is a redraw).")

    model_config = {"json_schema_extra": {"examples": [{"from_date": "2027-06-01"}]}}


class VerifyOut(BaseModel):
    matches: bool
    problems: list[str]  # the differences, rendered
    findings: list[dict[str, Any]] = []  # the same as codes with parameters
    checked: list[str] = []  # what was checked against the record (files, "store")
    unchecked: list[str] = []  # what could not be checked (a summary for people, …)


class CommitRequest(BaseModel):
    """The commitment of a month's official draw (双随机)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"source": "drand"},
        {"source": "lottery", "lottery_name": "中国福利彩票双色球", "lottery_date": "2027-02-25"},
    ]})
    source: Literal["drand", "lottery"] = Field(
        "drand", description="drand: the League of Entropy's round 10 minutes after the "
        "commitment; lottery: a named public lottery draw on a date after today.")
    lottery_name: str | None = Field(None, max_length=100, description="e.g. 中国福利彩票双色球")
    lottery_date: dt.date | None = Field(None, description="The lottery draw's date.")
    draw_share: float = Field(0.10, gt=0, le=1, description="Share of institutions drawn.")
    min_team: int = Field(2, ge=2, le=10, description="Inspectors per inspection, at least.")
    reason: str | None = Field(None, max_length=500,
                               description="Why the month is committed again (required then).")


class SeedRequest(BaseModel):
    """The seed source's value of a committed month: a drand round or lottery numbers."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"numbers": "03 07 12 19 25 31 + 09"},
    ]})
    drand: dict[str, Any] | None = Field(
        None, description="The round's JSON as any drand relay serves it: round, randomness, "
        "signature, previous_signature.")
    numbers: str | None = Field(None, max_length=200, description="The lottery's numbers.")


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
    #: no control or direction characters (``models.reader.BAD_TEXT``)
    name: str = Field(min_length=1, max_length=200)

    @field_validator("name")
    @classmethod
    def _one_line(cls, name: str) -> str:
        """A name is one line of visible text: it is said back in messages and listed."""
        from pydantic_core import PydanticCustomError

        from tuoyu.models.reader import BAD_TEXT

        bad = BAD_TEXT.search(name)
        if bad:
            raise PydanticCustomError("tuoyu_bad_text", "the text holds {char}",
                                      {"char": f"U+{ord(bad.group()):04X}"})
        return name

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
