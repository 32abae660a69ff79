"""The job routes (``tuoyu.api.service.routes_jobs``) with the queue held (no worker
starts), on a tiny district of the roster's tables only: a job queued with its checked
parameters, listed newest first; a plan the dataset has no tables for refused naming
them; each route of a finished plan says why a queued one has nothing yet; a queued
job cancelled at once; a job that is not there named."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_support import client
from draw_support import tiny_dataset
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def c(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("routes_jobs")
    with client(tmp, bundled_data=tiny_dataset(tmp / "district"), start_jobs=False) as app:
        yield app


def _roster(c: TestClient, month: str = "2027-03", **params: object) -> dict:
    r = c.post("/api/v1/jobs", json={"kind": "roster", "dataset_id": "baoshan",
                                     "params": {"month": month, **params}})
    assert r.status_code == 202, r.text
    return r.json()


def test_a_job_is_queued_with_its_parameters_and_listed_newest_first(c: TestClient) -> None:
    first = _roster(c, "2027-03", seed=11)
    second = _roster(c, "2027-04")
    assert first["status"] == "queued" and first["kind"] == "roster"
    assert first["params"] == {"month": "2027-03", "seed": 11}  # what was sent, no defaults
    assert first["created_at"].endswith("Z") and first["files"] == []
    ids = [j["id"] for j in c.get("/api/v1/jobs").json()]
    assert ids.index(second["id"]) < ids.index(first["id"])
    assert c.get(f"/api/v1/jobs/{first['id']}").json()["params"]["seed"] == 11


def test_a_plan_without_its_tables_is_refused_naming_them(c: TestClient) -> None:
    before = len(c.get("/api/v1/jobs").json())
    r = c.post("/api/v1/jobs", json={"kind": "sessions", "dataset_id": "baoshan",
                                     "params": {"year": 2027}})
    assert r.status_code == 422
    said = " ".join(p["text"] for p in r.json()["problems"])
    assert "centers" in said and "guidance_staff" in said
    assert len(c.get("/api/v1/jobs").json()) == before  # nothing queued


def test_a_queued_job_has_nothing_finished_yet(c: TestClient) -> None:
    job = _roster(c, "2027-05")["id"]
    result = c.get(f"/api/v1/jobs/{job}/result")
    assert result.status_code == 404 and result.json()["status"] == "queued"
    assert c.get(f"/api/v1/jobs/{job}/files/roster.csv").status_code == 404
    assert c.post(f"/api/v1/jobs/{job}/verify").status_code == 404
    assert c.post(f"/api/v1/jobs/{job}/publish").status_code == 404
    replan = c.post(f"/api/v1/jobs/{job}/replan", json={"from_date": "2027-05-10"})
    assert replan.status_code == 409 and "queued" in replan.json()["message"]
    coverage = c.get(f"/api/v1/jobs/{job}/coverage")  # no result yet, whatever its kind
    assert coverage.status_code == 404 and coverage.json()["status"] == "queued"


def test_a_queued_job_is_cancelled_at_once(c: TestClient) -> None:
    job = _roster(c, "2027-06")["id"]
    r = c.post(f"/api/v1/jobs/{job}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert c.get(f"/api/v1/jobs/{job}").json()["status"] == "cancelled"
    again = c.post(f"/api/v1/jobs/{job}/cancel")  # finished: returned as it is
    assert again.status_code == 200 and again.json()["status"] == "cancelled"


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/jobs/nope"), ("post", "/api/v1/jobs/nope/cancel"),
    ("get", "/api/v1/jobs/nope/result"), ("get", "/api/v1/jobs/nope/files/roster.csv")])
def test_a_job_that_is_not_there_is_named(c: TestClient, method: str, path: str) -> None:
    r = getattr(c, method)(path)
    assert r.status_code == 404 and "nope" in r.json()["message"]
