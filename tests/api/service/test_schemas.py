"""The API's bodies (``tuoyu.api.service.schemas``): a job's kind decides its parameters
(one member per registered planner, unknown keys refused, each planner's own bounds);
every example the API page shows is a valid body; a result's kind is a registered one;
times are written in UTC with a Z; every refusal the routes declare has the error body."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import TypeAdapter, ValidationError

from tuoyu.api.service.schemas import (
    ERROR_RESPONSES,
    CommitRequest,
    ErrorOut,
    OutcomeRows,
    iso,
    job_examples,
    job_request,
    result_out,
)
from tuoyu.planning import registry
from tuoyu.planning.params import RosterParams, SessionParams

JOB = TypeAdapter(job_request())


def test_the_kind_decides_the_parameters() -> None:
    roster = JOB.validate_python({"kind": "roster", "dataset_id": "baoshan",
                                  "params": {"month": "2027-03"}})
    assert isinstance(roster.params, RosterParams) and roster.params.month == "2027-03"
    sessions = JOB.validate_python({"kind": "sessions", "dataset_id": "d",
                                    "params": {"year": 2027}})
    assert isinstance(sessions.params, SessionParams)


@pytest.mark.parametrize(("body", "where"), [
    ({"kind": "roster", "dataset_id": "d", "params": {"year": 2027}}, "month"),  # sessions'
    ({"kind": "roster", "dataset_id": "d", "params": {"month": "2027-03", "bogus": 1}}, "bogus"),
    ({"kind": "roster", "dataset_id": "d", "params": {"month": "2027-03"}, "x": 1}, "x"),
    ({"kind": "nope", "dataset_id": "d", "params": {}}, ""),
    ({"kind": "sessions", "dataset_id": "d" * 65, "params": {"year": 2027}}, "dataset_id"),
    ({"kind": "sessions", "dataset_id": "d", "params": {"year": 1999}}, "year"),
])
def test_a_body_the_planner_would_refuse_is_refused(body: dict, where: str) -> None:
    with pytest.raises(ValidationError) as info:
        JOB.validate_python(body)
    assert any(where in ".".join(map(str, e["loc"])) for e in info.value.errors())


def test_every_example_of_the_api_page_is_a_valid_body() -> None:
    examples = job_examples()
    assert set(examples) == set(registry.kinds())
    for kind, example in examples.items():
        job = JOB.validate_python(example["value"])
        assert job.kind == kind and example["summary"]
    for model in (CommitRequest, OutcomeRows):
        for example in model.model_config["json_schema_extra"]["examples"]:
            model.model_validate(example)


def test_a_results_kind_is_a_registered_one() -> None:
    fields = result_out().model_fields
    assert set(fields["kind"].annotation.__args__) == set(registry.kinds())
    assert {"status", "objective", "bound", "gap", "findings", "rows"} <= set(fields)


def test_times_are_utc_with_a_z() -> None:
    assert iso(dt.datetime(2027, 3, 1, 8, 5, 9, 123456)) == "2027-03-01T08:05:09Z"
    assert iso(None) is None


def test_every_declared_refusal_has_the_error_body() -> None:
    assert {401, 403, 404, 409, 422} <= set(ERROR_RESPONSES)
    assert all(r["model"] is ErrorOut and r["description"] for r in ERROR_RESPONSES.values())
    assert {"error", "message"} <= set(ErrorOut.model_fields)


def test_a_commit_and_outcomes_bounded_before_they_queue() -> None:
    with pytest.raises(ValidationError):
        CommitRequest(source="dice")
    with pytest.raises(ValidationError):
        CommitRequest(reason="x" * 501)
    with pytest.raises(ValidationError):
        OutcomeRows.model_validate({"rows": [{"institution_id": "I", "date": "2027-03-01",
                                              "outcome": "excellent"}]})
