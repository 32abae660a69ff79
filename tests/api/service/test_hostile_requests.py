"""What hostile or careless requests do to the service (the cases of the hardening
issue), as one table: each is refused with a 4xx and a body ``{error, message, …}``
whose message a Chinese planner can read, never a 5xx or a traceback, and nothing is
queued or stored."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from api_support import DATA, ROSTER_FILES, client, zip_bytes
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tuoyu.api.store import DatasetRow, Job, Outcome

JOBS = "/api/v1/jobs"
OUTCOMES = "/api/v1/datasets/baoshan/outcomes"


def _job(kind: str, **params: Any) -> Callable[[TestClient], Any]:
    return lambda c: c.post(JOBS, json={"kind": kind, "dataset_id": "baoshan",
                                        "params": params})


def _upload(data: bytes, filename: str = "d.zip") -> Callable[[TestClient], Any]:
    return lambda c: c.post("/api/v1/datasets",
                            files={"file": (filename, data, "application/zip")})


def _outcomes_file(data: bytes, filename: str) -> Callable[[TestClient], Any]:
    return lambda c: c.post(OUTCOMES, files={"file": (filename, data, "application/octet-stream")})


def _zip_with_bad_workbook() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("d/tables.xlsx", b"PK\x03\x04 not a workbook")
    return buf.getvalue()


BAD_XLSX = b"PK\x03\x04 not a workbook"

#: case -> (request, status, words the (Chinese) message holds)
CASES: dict[str, tuple[Callable[[TestClient], Any], int, str]] = {
    "seed-abc": (_job("roster", month="2027-03", seed="abc"), 422, "随机种子"),
    "seed-2^64": (_job("roster", month="2027-03", seed=2**64), 422, "随机种子"),
    "min-team-0": (_job("roster", month="2027-03", min_team=0), 422, "每组最少人数"),
    "draw-share-negative": (_job("roster", month="2027-03", draw_share=-0.1), 422, "抽查比例"),
    "month-13": (_job("roster", month="2027-13"), 422, "月份"),
    "roster-from-outside-month": (_job("roster", month="2027-03", from_date="2027-05-01"),
                                  422, "不在所规划的月份"),
    "unknown-key": (_job("roster", month="2027-03", bogus=1), 422, "没有这个参数"),
    "siting-key-on-roster": (_job("roster", month="2027-03", forbidden=["K1"]), 422,
                             "没有这个参数"),
    "year-abc": (_job("sessions", year="abc"), 422, "年份"),
    "year-0": (_job("sessions", year=0), 422, "年份"),
    "sessions-from-outside-year": (_job("sessions", year=2027, from_date="2026-05-01"), 422,
                                   "不在所规划的年份"),
    "model-x": (_job("siting", model="x"), 422, "模型"),
    "years-1-3": (_job("siting", years="1-3"), 422, "规划年份"),
    "unknown-pin": (_job("siting", pinned=["NOPE"]), 422, "NOPE"),
    "kind-x": (lambda c: c.post(JOBS, json={"kind": "x", "dataset_id": "baoshan"}), 422,
               "任务类型"),
    "not-json": (lambda c: c.post(JOBS, content=b"{not json",
                                  headers={"content-type": "application/json"}), 422,
                 "请求不正确"),
    "upload-not-zip": (_upload(b"hello", "d.zip"), 422, "压缩包"),
    "upload-corrupt-xlsx": (_upload(BAD_XLSX, "d.xlsx"), 422, "工作簿无法打开"),
    "upload-zip-with-corrupt-xlsx": (_upload(_zip_with_bad_workbook()), 422, "工作簿无法打开"),
    "upload-name-1mb": (lambda c: c.post(
        "/api/v1/datasets", files={"file": ("d.zip", zip_bytes(names=ROSTER_FILES),
                                            "application/zip")},
        data={"name": "x" * 1_000_000}), 422, "数据集名称"),
    "outcomes-corrupt-xlsx": (_outcomes_file(BAD_XLSX, "o.xlsx"), 422, "工作簿无法打开"),
    "outcomes-txt": (_outcomes_file(b"x", "o.txt"), 422, "o.txt"),
    "outcomes-in-the-future": (lambda c: c.post(OUTCOMES, json={"rows": [{
        "institution_id": "JG0001", "date": "2099-01-04", "outcome": "pass",
        "inspector_ids": []}]}), 422, "晚于今天"),
    "outcomes-text-plain-other-origin": (lambda c: c.post(
        OUTCOMES, content=b'{"rows": []}',
        headers={"Origin": "http://evil.example", "Content-Type": "text/plain"}), 403, ""),
    "rebound-host": (lambda c: c.get("/api/v1/datasets", headers={"Host": "evil.example"}),
                     421, ""),
}


def _counts(c: TestClient) -> tuple[int, int, int]:
    eng = c.app.state.tuoyu.engine  # type: ignore[attr-defined]
    with Session(eng) as s:
        return (s.scalar(select(func.count()).select_from(Job)) or 0,
                s.scalar(select(func.count()).select_from(Outcome)) or 0,
                s.scalar(select(func.count()).select_from(DatasetRow)) or 0)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    with client(tmp_path_factory.mktemp("hostile"), bundled_data=DATA, start_jobs=False) as c:
        yield c


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_request_is_refused_clearly_and_changes_nothing(
        case: str, service: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TUOYU_TODAY", raising=False)  # the machine's date: 2099 is ahead
    send, status, words = CASES[case]
    before = _counts(service)
    r = send(service)
    assert r.status_code == status, (r.status_code, r.text[:500])
    body = r.json()
    assert set(body) >= {"error", "message"}, body
    assert words in body["message"] + " ".join(
        str(p.get("text") or p.get("message")) for p in body.get("problems") or []), body
    assert "Traceback" not in r.text
    assert _counts(service) == before
