"""Errors as JSON a planner can read (``tuoyu.api.service.errors``), on a bare FastAPI
app with only the handlers: every refusal is ``{error, message, …}`` with its status;
input problems located and said in the asker's language (Chinese unless asked
otherwise), at most 200 listed with their count; a clash says its rules in Chinese."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI, UploadFile
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from tuoyu.api.service.errors import MAX_PROBLEMS, ApiError, install, not_found, too_large_message
from tuoyu.models.errors import DataError, InfeasibleError, Problem
from tuoyu.models.findings import clash

HAN = re.compile(r"[\u4e00-\u9fff]")


class Body(BaseModel):
    month: str = Field(..., max_length=7)
    workers: int = Field(2, ge=1, le=64)


def _problems(n: int) -> DataError:
    return DataError([Problem("staff.csv", "not a date", row=r + 2, column="start",
                              expected="YYYY-MM-DD", got="x", code="input.bad_date")
                      for r in range(n)])


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    install(app)

    @app.get("/busy")
    def busy() -> None:
        raise ApiError(429, "too busy", retry_after=3)

    @app.get("/gone")
    def gone() -> None:
        raise not_found("Dataset 'x'", "数据集“x”")

    @app.get("/data/{n}")
    def data(n: int) -> None:
        raise _problems(n)

    @app.get("/clash")
    def clash_() -> None:
        raise InfeasibleError("roster", [clash("roster.pool_short", month="2027-03",
                                               inspections=3, min_team=2, need=6, have=4,
                                               short=2, follow_up=0, high_risk=0, drawn=3,
                                               coverage=0)])

    @app.post("/body")
    def post(body: Body) -> dict:
        return body.model_dump()

    @app.post("/upload")
    def upload(file: UploadFile) -> dict:
        return {"name": file.filename}

    with TestClient(app) as c:
        yield c


def test_an_api_error_is_its_status_kind_message_and_extras(client: TestClient) -> None:
    r = client.get("/busy")
    assert r.status_code == 429 and r.json() == {"error": "busy", "message": "too busy",
                                                 "retry_after": 3}
    r = client.get("/gone")
    assert r.status_code == 404 and r.json() == {
        "error": "not_found", "message": "数据集“x”不存在。 / Dataset 'x' does not exist."}


def test_an_address_that_does_not_exist_and_a_wrong_method(client: TestClient) -> None:
    r = client.get("/nothing")
    assert r.status_code == 404 and r.json() == {
        "error": "not_found", "message": "此地址没有内容。 / There is nothing at this address."}
    r = client.get("/body")
    assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"
    assert r.json()["message"].startswith("此地址不接受这种请求方法")


@pytest.mark.parametrize(("path", "content", "kind"), [
    ("/body", b"[" * 100_000 + b"]" * 100_000, "application/json"),  # nested too deep
    ("/body", '{"month": "宝山"}'.encode("gbk"), "application/json; charset=gbk"),
    ("/upload", b"x", "multipart/form-data"),  # no boundary
    ("/upload", b"x", "multipart/form-data; boundary=abc"),  # not multipart data
])
def test_a_body_the_framework_cannot_read_is_said_in_chinese_first(
        client: TestClient, path: str, content: bytes, kind: str) -> None:
    """The framework's "There was an error parsing the body" and "Missing boundary in
    multipart." reached the planner as they were, in English only."""
    r = client.post(path, content=content, headers={"Content-Type": kind})
    assert r.status_code == 400 and r.json()["error"] == "bad_request"
    said = r.json()["message"]
    assert said.startswith("请求无法读取：正文不是有效的 JSON") and " / The request could not" \
        " be read" in said


def test_input_problems_are_located_and_said_in_chinese_by_default(client: TestClient) -> None:
    r = client.get("/data/1")
    assert r.status_code == 422
    j = r.json()
    assert j["error"] == "invalid_input" and j["problem_count"] == 1
    p = j["problems"][0]
    assert (p["file"], p["row"], p["column"], p["code"]) == ("staff.csv", 2, "start",
                                                             "input.bad_date")
    assert HAN.search(p["text"]) and HAN.search(j["message"])


@pytest.mark.parametrize(("query", "header", "lang"), [
    ("?lang=en", "", "en"), ("", "en-GB,en;q=0.9", "en"), ("", "fr, en;q=0.5", "en"),
    ("", "fr", "zh"), ("?lang=xx", "", "zh"), ("?lang=zh", "en", "zh")])
def test_the_language_is_the_asked_one_else_the_first_spoken_else_chinese(
        client: TestClient, query: str, header: str, lang: str) -> None:
    r = client.get(f"/data/1{query}", headers={"Accept-Language": header} if header else {})
    text = r.json()["problems"][0]["text"]
    assert bool(HAN.search(text)) == (lang == "zh"), text


def test_at_most_200_problems_are_listed_with_their_count(client: TestClient) -> None:
    j = client.get("/data/250").json()
    assert len(j["problems"]) == MAX_PROBLEMS == 200 and j["problem_count"] == 250


def test_a_clash_is_409_with_each_rule_said_in_chinese(client: TestClient) -> None:
    r = client.get("/clash")
    assert r.status_code == 409
    j = r.json()
    assert j["error"] == "infeasible" and j["clashes"][0]["code"] == "roster.pool_short"
    assert j["clashes"][0]["params"]["short"] == 2
    assert HAN.search(j["message"]) and j["message"] == j["clashes"][0]["message"]


def test_a_refused_body_names_each_field_and_what_was_sent(client: TestClient) -> None:
    r = client.post("/body", json={"month": "2027-03-01", "workers": 0})
    assert r.status_code == 422
    j = r.json()
    assert j["problem_count"] == 2
    cols = {p["column"]: p for p in j["problems"]}
    assert set(cols) == {"month", "workers"}
    assert cols["workers"]["got"] == "0" and "不小于 1" in cols["workers"]["message"]
    # what was expected, in words a planner reads; pydantic's type stays as the code
    assert cols["workers"]["expected"] == "应不小于 1"
    assert cols["workers"]["code"] == "greater_than_equal"
    assert j["message"].startswith("请求不正确：")
    en = client.post("/body?lang=en", json={}).json()
    assert en["message"].startswith("The request is not valid: ")


def test_the_upload_limit_is_said_in_both_languages_with_its_size() -> None:
    text = too_large_message(50 * 2**20)
    assert "50 MB" in text and "上限" in text and "larger than" in text
    assert "1.5 MB" in too_large_message(int(1.5 * 2**20))


def test_a_served_error_names_a_dataset_never_a_server_folder() -> None:
    """``served_data_error``: the folder of a dataset that is gone is said as that, naming
    the dataset; a file in a folder is said by its path inside it, the folder by its name;
    a job's folder under the data root is said as inside the root (longest first)."""
    from tuoyu.api.service.errors import places_of, served_data_error, without_paths

    places = places_of({"/srv/张三/东滩区": "东滩区（数据文件夹）", "/srv/home": "TUOYU_HOME"})
    exc = DataError([
        Problem("/srv/张三/东滩区", "the dataset folder does not exist", code="input.no_folder"),
        Problem("streets.csv", "missing", expected="a sheet in a workbook in /srv/张三/东滩区",
                code="input.missing_table", params={"where": "/srv/张三/东滩区/a.xlsx"})])
    gone, missing = served_data_error(exc, places).problems
    assert gone.code == "input.dataset_folder_gone"
    assert gone.params == {"dataset": "东滩区（数据文件夹）"}
    assert missing.expected == "a sheet in a workbook in 东滩区（数据文件夹）"
    assert missing.params == {"where": "a.xlsx"}
    assert without_paths("[Errno 2] '/srv/home/jobs/ab/x.csv'", places) == "[Errno 2] 'jobs/ab/x.csv'"
    assert "张三" not in str(served_data_error(exc, places).problems)


def test_an_unexpected_error_is_said_in_chinese_and_logged_without_its_words(
        tmp_path, caplog) -> None:  # noqa: ANN001
    """A request that fails where no handler expected it (a hostile CSV crashed the upload
    check this way) was answered "Internal Server Error" and its exception logged whole by
    uvicorn, words and all (they may quote a family or a server folder). Now: 500 with the
    error's kind in Chinese and English; the log names the kind and where, not the words."""
    import logging

    from api_support import client

    with client(tmp_path) as c:
        def boom() -> None:
            raise ValueError("family F000123 at /srv/张三/东滩区")

        c.app.add_api_route("/api/v1/boom", boom)  # type: ignore[attr-defined]
        with caplog.at_level(logging.ERROR):
            r = c.get("/api/v1/boom")
    assert r.status_code == 500 and r.json()["error"] == "internal", r.text
    assert r.json()["message"].startswith("服务内部出错（ValueError）")
    assert "F000123" not in r.text and "张三" not in r.text
    logged = "\n".join(rec.getMessage() for rec in caplog.records)
    assert "ValueError" in logged and "boom" in logged, logged
    assert "F000123" not in logged and "张三" not in logged and "/srv" not in logged


def test_a_query_parameter_is_named_in_chinese_and_a_long_id_is_not_echoed(tmp_path) -> None:  # noqa: ANN001
    """Found on a running service: ``?page=-1`` was said "query.page：应不小于 0" (the
    place in the request, no name), and a 5,000-character job id came back whole in the
    404."""
    from api_support import DATA, client

    with client(tmp_path, bundled_data=DATA, start_jobs=False) as c:
        r = c.get("/api/v1/datasets/baoshan/tables/streets?page=-1")
        assert r.status_code == 422 and r.json()["message"].startswith(
            "请求不正确：页码（page）：应不小于 0"), r.text
        r = c.get("/api/v1/jobs/" + "a" * 5000)
        assert r.status_code == 404 and len(r.text) < 1000, len(r.text)
        assert r.json()["message"].startswith("任务“aaa")
        r = c.get("/api/v1/jobs/x/files/..%2f..%2ftuoyu.sqlite")  # each 404 in Chinese too
        assert r.status_code == 404 and r.json()["message"].startswith("任务“x”"), r.text
