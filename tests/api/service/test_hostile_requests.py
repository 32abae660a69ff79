"""What hostile or careless requests do to the service (the cases of the hardening
issue), as one table: each is refused with a 4xx and a body ``{error, message, …}``
whose message a Chinese planner can read, never a 5xx or a traceback, and nothing is
queued or stored."""

from __future__ import annotations

import io
import re
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


def _many_members(n: int = 3000) -> bytes:
    """A zip of thousands of empty members (the name check was quadratic)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(n):
            zf.writestr(f"d/x{i}.csv", b"")
    return buf.getvalue()


def _xlsx_bomb() -> bytes:
    """A small workbook whose sheet unpacks to 48 MB of one repeated cell."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            for _ in range(48):
                f.write(b"<c><v>1</v></c>" * 70_000)
    return buf.getvalue()


def _forged_size() -> bytes:
    """A dataset zip whose members state a size other than what they unpack to."""
    raw = bytearray(zip_bytes(names=ROSTER_FILES))
    # the central directory's uncompressed size of every member: 46-byte headers
    # from the signature PK\x01\x02; the size sits at offset 24
    at = raw.find(b"PK\x01\x02")
    while at != -1:
        raw[at + 24:at + 28] = (7).to_bytes(4, "little")
        at = raw.find(b"PK\x01\x02", at + 4)
    return bytes(raw)


def _with_cell(name: str, column: str, value: str, row: int = 0) -> bytes:
    """The bundled dataset zipped with one cell of one table changed."""
    import csv

    with (DATA / name).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[row][column] = value
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return zip_bytes(names=tuple(n for n in ROSTER_FILES if n != name),
                     extra={f"baoshan/{name}": out.getvalue().encode()})


def _outcome(**row: Any) -> dict[str, Any]:
    base = {"institution_id": "JG0001", "date": "2027-03-02", "outcome": "pass",
            "inspector_ids": ["JC002", "JC003"]}
    return {**base, **row}


def _outcomes_json(*rows: dict[str, Any]) -> Callable[[TestClient], Any]:
    return lambda c: c.post(OUTCOMES, json={"rows": list(rows)})


def _other_origin(origin: str, **headers: str) -> Callable[[TestClient], Any]:
    return lambda c: c.post(OUTCOMES, json={"rows": []},
                            headers={"Origin": origin, **headers})

#: case -> (request, status, words the (Chinese) message holds)
CASES: dict[str, tuple[Callable[[TestClient], Any], int, str]] = {
    "seed-abc": (_job("roster", month="2027-03", seed="abc"), 422, "随机种子"),
    "seed-2^64": (_job("roster", month="2027-03", seed=2**64), 422, "随机种子"),
    "seed-1e308": (_job("roster", month="2027-03", seed=1e308), 422, "应为整数，且不能这么大"),
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
    "upload-without-a-file": (lambda c: c.post(
        "/api/v1/datasets", files={"other": ("d.zip", b"x")}), 422, "上传的文件（file）：缺少此项"),
    "upload-corrupt-xlsx": (_upload(BAD_XLSX, "d.xlsx"), 422, "工作簿无法打开"),
    "upload-zip-with-corrupt-xlsx": (_upload(_zip_with_bad_workbook()), 422, "工作簿无法打开"),
    "upload-name-with-a-line-break": (lambda c: c.post(
        "/api/v1/datasets", files={"file": ("d.zip", zip_bytes(names=ROSTER_FILES))},
        data={"name": "东滩\n区"}), 422, "U+000A"),
    "upload-name-with-a-direction-mark": (lambda c: c.post(
        "/api/v1/datasets", files={"file": ("d.zip", zip_bytes(names=ROSTER_FILES))},
        data={"name": "东滩区\u202e"}), 422, "U+202E"),
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
    # 3: another port or scheme of the same machine is another site
    "origin-other-port": (_other_origin("http://localhost:9999"), 403, "another site"),
    "origin-port-3000": (_other_origin("http://localhost:3000"), 403, "another site"),
    "origin-https-8443": (_other_origin("https://localhost:8443"), 403, "another site"),
    "origin-null": (_other_origin("null"), 403, "another site"),
    "sec-fetch-same-site": (lambda c: c.post(OUTCOMES, json={"rows": []}, headers={
        "Sec-Fetch-Site": "same-site"}), 403, "another site"),
    "upload-from-other-port": (lambda c: c.post(
        "/api/v1/datasets", files={"file": ("d.zip", zip_bytes(names=ROSTER_FILES),
                                            "application/zip")},
        headers={"Origin": "http://127.0.0.1:9999"}), 403, "another site"),
    "cancel-from-other-port": (lambda c: c.post(
        "/api/v1/jobs/x/cancel", headers={"Origin": "http://localhost:9999"}), 403,
                               "another site"),
    "duplicate-host": (lambda c: c.get("/api/v1/datasets", headers=[
        ("Host", "evil.example"), ("Host", "localhost")]), 400, "Host"),
    # 4: a newline in a name is refused where it is, in the upload
    "upload-newline-in-a-name": (_upload(_with_cell("institutions.csv", "name",
                                                    "萌海豚托育1号\n(二楼)")), 422, "U+000A"),
    "upload-direction-mark-in-a-name": (_upload(_with_cell(
        "inspectors.csv", "name", "张\u202e三")), 422, "U+202E"),
    "upload-leave-1900-9999": (_upload(_with_cell(
        "inspector_leave.csv", "start", "1900-01-01")), 422, "2000-01-01"),
    # 7: hostile archives cost little and say what is wrong
    "upload-30000-members": (_upload(_many_members()), 422, "个文件"),
    "upload-xlsx-bomb": (_upload(_xlsx_bomb(), "d.xlsx"), 422, "工作簿解开后超过上限"),
    "upload-forged-size": (_upload(_forged_size()), 422, ""),
    # 9: bounded lists, each place once
    "pins-twice": (_job("siting", pinned=["K1", "K1"]), 422, "两次"),
    "forbids-twice": (_job("siting", forbidden=["K1", "K1"]), 422, "两次"),
    "pins-60000": (_job("siting", pinned=[f"NOPE{i}" for i in range(60_000)]), 422,
                   "最多 500"),
    # a body over a megabyte that is no upload: refused before it is read
    "pins-200000": (_job("siting", pinned=[f"NOPE{i}" for i in range(200_000)]), 413,
                    "1 MB"),
    # 10: outcomes that cannot be of a visit made
    "outcome-blank-team": (_outcomes_json(_outcome(inspector_ids=[])), 422, "没有写检查人员"),
    "outcome-team-of-one": (_outcomes_json(_outcome(inspector_ids=["JC002"])), 422,
                            "只有 1 名"),
    "outcome-same-inspector-twice": (_outcomes_json(_outcome(
        inspector_ids=["JC002", "JC002", "JC003"])), 422, "出现了两次"),
    "outcome-conflict-of-interest": (_outcomes_json(_outcome(
        institution_id="JG0014", inspector_ids=["JC001", "JC002"])), 422, "回避"),
    "outcome-1900": (_outcomes_json(_outcome(date="1900-03-02")), 422, "早于 2000"),
    "outcome-before-opening": (_outcomes_json(_outcome(date="2015-03-02")), 422, "开办日期"),
    "outcome-on-a-sunday": (_outcomes_json(_outcome(date="2027-03-07")), 422, "周末（周日）"),
    "outcome-on-a-holiday": (_outcomes_json(_outcome(date="2027-05-04")), 422, "节假日"),
    "outcome-twice-for-one-visit": (_outcomes_json(_outcome(), _outcome(outcome="fail")),
                                    422, "出现了两次"),
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
    assert re.match(r"[\u4e00-\u9fff“]", body["message"].lstrip()), body  # Chinese first
    assert words in body["message"] + " ".join(
        str(p.get("text") or p.get("message")) for p in body.get("problems") or []), body
    assert "Traceback" not in r.text
    home = str(service.app.state.tuoyu.settings.home)  # type: ignore[attr-defined]
    assert home not in r.text and home.replace("/", "\\/") not in r.text  # no server path
    assert _counts(service) == before


def test_a_long_list_of_unknown_places_gets_a_short_answer(service: TestClient) -> None:
    """60,000 unknown pins (200,000 are more than a job's body may hold, 1 MB): refused at
    once with a reply of a few kB (it was 86 MB for 200,000)."""
    r = service.post(JOBS, json={"kind": "siting", "dataset_id": "baoshan", "params": {
        "pinned": [f"NOPE{i}" for i in range(60_000)]}})
    assert r.status_code == 422 and len(r.content) < 20_000, (r.status_code, len(r.content))
    r = service.post(JOBS, json={"kind": "siting", "dataset_id": "baoshan", "params": {
        "pinned": [f"NOPE{i}" for i in range(400)]}})
    assert r.status_code == 422 and len(r.content) < 50_000, (r.status_code, len(r.content))
    assert r.json()["clash_count"] == 400 and len(r.json()["clashes"]) <= 50


def test_a_month_with_spaces_is_the_month(service: TestClient) -> None:
    """" 2027-03 " passes as the month 2027-03 everywhere, so its notice answers as the
    month's does (it passed the check, then the notice said 404 for a month with spaces)."""
    plain = service.get("/api/v1/datasets/baoshan/rosters/2027-03/notice")
    spaced = service.get("/api/v1/datasets/baoshan/rosters/%202027-03%20/notice")
    assert (spaced.status_code, spaced.text) == (plain.status_code, plain.text)
    state = service.get("/api/v1/datasets/baoshan/rosters/%202027-03%20")
    assert state.status_code == 200 and state.json() == service.get(
        "/api/v1/datasets/baoshan/rosters/2027-03").json()


def test_a_large_table_is_read_in_pages(service: TestClient,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A table is answered a page (1000 rows; 120 here) at a time, with the count and
    the next page's address; every row once across the pages."""
    from tuoyu.api.service import heavy

    monkeypatch.setattr(heavy, "PAGE_ROWS", 120)
    r = service.get("/api/v1/datasets/baoshan/tables/communities")
    assert r.status_code == 200
    total = int(r.headers["x-total-count"])
    rows = r.json()
    page = 0
    while "link" in r.headers:
        page += 1
        assert f"page={page}" in r.headers["link"]
        r = service.get(f"/api/v1/datasets/baoshan/tables/communities?page={page}")
        rows += r.json()
    assert len(rows) == total and len({x["community_id"] for x in rows}) == total
    assert page >= 4 and all(
        len(service.get(f"/api/v1/datasets/baoshan/tables/communities?page={p}").json()) <= 120
        for p in range(page + 1))
    assert service.get("/api/v1/datasets/baoshan/tables/communities?page=99999").status_code \
        == 404


def test_a_page_reading_several_tables_at_once_is_never_busy(tmp_path) -> None:  # noqa: ANN001
    """The map asks for several tables at once; each first read runs apart, and none is
    refused as busy (the caller's one heavy slot is not theirs to take)."""
    import threading

    names = ("communities", "streets", "kindergartens", "providers", "sites")
    replies: dict[str, int] = {}
    with client(tmp_path, bundled_data=DATA, start_jobs=False) as c:
        def read(name: str) -> None:
            replies[name] = c.get(f"/api/v1/datasets/baoshan/tables/{name}").status_code

        readers = [threading.Thread(target=read, args=(n,)) for n in names]
        for t in readers:
            t.start()
        for t in readers:
            t.join(120)
    assert replies == dict.fromkeys(names, 200), replies


def test_a_large_body_is_refused_before_it_is_read_unless_an_upload(tmp_path) -> None:  # noqa: ANN001
    """A caller without a token sends 2 MB of JSON as a job (by Content-Length, and again
    chunked without one): 413 at the first megabyte, before the service has read it and
    before the token is checked (it answered 401 after holding the whole body, up to the
    upload limit of 50 MB). An upload of outcomes may still be larger than a megabyte."""
    from tuoyu.api.service import auth

    body = b'{"kind": "roster", "dataset_id": "' + b"a" * (2 << 20) + b'"}'
    with client(tmp_path, bundled_data=DATA, start_jobs=False) as c:
        _row, token = auth.create_token(c.app.state.tuoyu.engine, "planner", "p")
        for content in (body, iter([body[i:i + 65536] for i in range(0, len(body), 65536)])):
            r = c.post(JOBS, content=content, headers={"content-type": "application/json"})
            assert r.status_code == 413 and r.json()["error"] == "too_large"
            assert "1 MB" in r.json()["message"] and "请求内容超过" in r.json()["message"]
        padded = b'{"rows": [], "pad": "' + b" " * (3 << 19) + b'"}'
        r = c.post(OUTCOMES, content=padded, headers={
            "content-type": "application/json", "authorization": f"Bearer {token}"})
        assert r.status_code != 413 and r.status_code < 500, r.text
        with Session(c.app.state.tuoyu.engine) as s:
            assert s.scalar(select(func.count()).select_from(Job)) == 0


async def _chunked_post(app, path: str, ctype: bytes, receive) -> list[dict[str, Any]]:  # noqa: ANN001
    """A chunked POST to ``path`` straight through the ASGI app, its body parts from
    ``receive``: the messages the app sent back."""
    import asyncio

    sent: list[dict[str, Any]] = []

    async def send(msg: dict[str, Any]) -> None:
        sent.append(msg)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "",
             "headers": [(b"host", b"localhost"), (b"content-type", ctype),
                         (b"transfer-encoding", b"chunked")],
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000)}
    await asyncio.wait_for(app(scope, receive, send), timeout=60)  # a guard, not a check
    return sent


def test_a_body_that_stops_arriving_is_dropped_with_408(tmp_path) -> None:  # noqa: ANN001
    """A caller sends the first bytes of a job's body, or of an upload, and then nothing
    (a slow-body attack, or a connection that died): the service answers 408 once the
    body has stopped for ``body_idle_seconds`` (0.2 s here) instead of waiting for it for
    ever; nothing is queued. Deterministic: the rest of the body never comes."""
    import asyncio

    from api_support import settings

    from tuoyu.api.service.app import create_app

    app = create_app(settings(tmp_path, bundled_data=DATA, start_jobs=False,
                              body_idle_seconds=0.2))

    async def send_part(path: str, ctype: bytes, part: bytes) -> list[dict[str, Any]]:
        first = True

        async def receive() -> dict[str, Any]:
            nonlocal first
            if first:
                first = False
                return {"type": "http.request", "body": part, "more_body": True}
            await asyncio.Event().wait()  # the rest never arrives
            raise AssertionError("unreachable")

        return await _chunked_post(app, path, ctype, receive)

    multipart = (b'--x\r\nContent-Disposition: form-data; name="file"; filename="d.zip"\r\n'
                 b"Content-Type: application/zip\r\n\r\nPK")
    for path, ctype, part in ((JOBS, b"application/json", b'{"kind": "ro'),
                              (OUTCOMES, b"application/json", b'{"rows": ['),
                              ("/api/v1/datasets", b"multipart/form-data; boundary=x",
                               multipart)):
        sent = asyncio.run(send_part(path, ctype, part))
        start = next(m for m in sent if m["type"] == "http.response.start")
        assert start["status"] == 408, (path, sent)
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        assert b"body_timeout" in body and "秒内没有新的数据".encode() in body
    with Session(app.state.tuoyu.engine) as s:
        assert s.scalar(select(func.count()).select_from(Job)) == 0


def test_a_body_that_keeps_trickling_is_dropped_with_408(tmp_path) -> None:  # noqa: ANN001
    """A caller sends a job's body, or an upload, a few bytes at a time, never stopping
    for ``body_idle_seconds`` (a byte every 29 s never stops for 30): after those first
    seconds, a body arriving under ``body_min_kb_per_second`` on average is answered 408
    (``body_too_slow``, in Chinese and English) and nothing is queued. Deterministic: the
    trickle (500 bytes a second at most here) never reaches the rate (10 KB a second),
    and never stops for the idle bound (2 s; a part every 0.01 s), so the average ends
    it, after about 2.1 s. A job's body and an upload (their limits differ)."""
    import asyncio

    from api_support import settings

    from tuoyu.api.service.app import create_app

    app = create_app(settings(tmp_path, bundled_data=DATA, start_jobs=False,
                              body_idle_seconds=2.0, body_min_kb_per_second=10))

    async def trickle(path: str, ctype: bytes, head: bytes) -> list[dict[str, Any]]:
        parts = 0

        async def receive() -> dict[str, Any]:
            nonlocal parts
            parts += 1
            if parts == 1:
                return {"type": "http.request", "body": head, "more_body": True}
            await asyncio.sleep(0.01)  # far under the idle bound: the body never stops
            return {"type": "http.request", "body": b" " * 5, "more_body": True}

        return await _chunked_post(app, path, ctype, receive)

    multipart = (b'--x\r\nContent-Disposition: form-data; name="file"; filename="d.zip"\r\n'
                 b"Content-Type: application/zip\r\n\r\nPK")
    for path, ctype, head in ((JOBS, b"application/json", b'{"kind": "roster", '),
                              ("/api/v1/datasets", b"multipart/form-data; boundary=x",
                               multipart)):
        sent = asyncio.run(trickle(path, ctype, head))
        start = next(m for m in sent if m["type"] == "http.response.start")
        assert start["status"] == 408, (path, sent)
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        assert b"body_too_slow" in body and "请求内容到达过慢".encode() in body
        assert b"10 KB" in body
    with Session(app.state.tuoyu.engine) as s:
        assert s.scalar(select(func.count()).select_from(Job)) == 0


def test_a_flood_of_job_requests_is_bounded_and_refused_in_chinese(tmp_path) -> None:  # noqa: ANN001
    """Sixty siting jobs posted at once were all queued (hours of solving ahead of the
    next planner's plan, and no end to it). The plans waiting are bounded
    (``TUOYU_MAX_QUEUED``): beyond, 429 ``queue_full`` said in Chinese, nothing queued;
    requests at once take the last places one by one (never more than the bound); a
    cancel frees a place."""
    from concurrent.futures import ThreadPoolExecutor

    body = {"kind": "siting", "dataset_id": "baoshan", "params": {"years": "2027-2029"}}
    with client(tmp_path, bundled_data=DATA, start_jobs=False, max_queued=5) as c:
        with ThreadPoolExecutor(12) as pool:
            replies = list(pool.map(lambda _: c.post(JOBS, json=body), range(24)))
        codes = sorted(r.status_code for r in replies)
        assert codes == [202] * 5 + [429] * 19, codes
        refused = next(r for r in replies if r.status_code == 429).json()
        assert refused["error"] == "queue_full" and "排队等待的方案已达上限" in refused["message"]
        with Session(c.app.state.tuoyu.engine) as s:  # type: ignore[attr-defined]
            assert s.scalar(select(func.count()).select_from(Job)) == 5
        first = next(r for r in replies if r.status_code == 202).json()
        assert c.post(f"{JOBS}/{first['id']}/cancel").status_code == 200
        assert c.post(JOBS, json=body).status_code == 202
        assert c.post(JOBS, json=body).status_code == 429


def test_one_datasets_flood_leaves_places_for_the_others_plans(tmp_path) -> None:  # noqa: ANN001
    """One district's planner could take every place of the queue: the next district's
    plan was refused. A dataset holds at most ``TUOYU_MAX_QUEUED_PER_DATASET`` of them:
    beyond, 429 ``queue_full`` naming the dataset, in Chinese first; another dataset's
    plan is still queued."""
    import shutil

    other = tmp_path / "other"
    other.mkdir()
    for name in ROSTER_FILES:
        shutil.copy(DATA / name, other / name)
    body = {"kind": "roster", "dataset_id": "baoshan", "params": {"month": "2027-03"}}
    with client(tmp_path / "home", bundled_data=DATA, data=other, start_jobs=False,
                max_queued=5, max_queued_per_dataset=2) as c:
        codes = [c.post(JOBS, json=body).status_code for _ in range(3)]
        assert codes == [202, 202, 429]
        refused = c.post(JOBS, json=body).json()
        assert refused["error"] == "queue_full" and refused["message"].startswith(
            "数据集“宝山区（内置数据）”排队等待的方案已达上限（2 个")
        mine = next(d["id"] for d in c.get("/api/v1/datasets").json() if d["id"] != "baoshan")
        assert c.post(JOBS, json={**body, "dataset_id": mine}).status_code == 202


def test_a_workbook_bomb_is_said_in_chinese_with_its_figures(service: TestClient) -> None:
    """A workbook that unpacks beyond its bound was refused as "工作簿解开后超过上限（2048 MB
    unpacked (at most 1024 MB)）": English inside the Chinese sentence. Its figures are
    said in the reader's language."""
    r = _upload(_xlsx_bomb(), "d.xlsx")(service)
    assert r.status_code == 422, r.text
    said = r.json()["message"]
    assert "工作簿解开后超过上限（" in said and "MB" in said, said
    assert not re.search(r"unpacked|at most|packed into|members", said), said
