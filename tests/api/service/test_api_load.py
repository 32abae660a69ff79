"""What keeps reads fast while heavy requests come in (the hardening issue's storm: a
calendar solved, a 300,000-row outcomes upload, eight viewers verifying): an outcomes
upload is received as bytes and taken apart, checked and stored in the process apart
(the service answers meanwhile); a caller over its share is refused before anything is
read; a token checked a moment ago is known without the database, and one deleted is
refused at once. The speed itself is measured by ``benchmarks/bench_api_load.py``."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_support import DATA, client
from starlette.formparsers import MultiPartParser

from tuoyu.api.service import apart, auth, heavy, routes_jobs
from tuoyu.models.errors import DataError

GOOD = b"institution_id,date,outcome,inspector_ids\nJG0001,2027-03-02,pass,JC002;JC003\n"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def multipart(tmp: Path, **files: tuple[str, bytes]) -> tuple[Path, str]:
    """A multipart body as a client sends it: (the body in a file, its content type)."""
    req = httpx.Request("POST", "http://localhost/", files=[  # file_: a second "file"
        (k.rstrip("_"), (name, data, "text/csv")) for k, (name, data) in files.items()])
    body = tmp / "body"
    body.write_bytes(req.read())
    return body, req.headers["content-type"]


def test_an_outcomes_upload_is_taken_apart_while_the_service_answers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The multipart body is not parsed in the service (it was, on the event loop): it
    reaches the process apart as received; while that works, health and reads answer."""
    entered, release = threading.Event(), threading.Event()
    calls: list[tuple[Any, ...]] = []
    parsed: list[int] = []
    real_run, real_parse = apart.run_apart, MultiPartParser.parse

    def held(fn: Any, *args: Any, **kw: Any) -> Any:
        calls.append((fn, *args))
        entered.set()
        release.wait(30)
        return real_run(fn, *args, **kw)

    async def counted(self: MultiPartParser) -> Any:
        parsed.append(1)
        return await real_parse(self)

    monkeypatch.setattr(apart, "run_apart", held)
    monkeypatch.setattr(MultiPartParser, "parse", counted)
    monkeypatch.setenv("TUOYU_TODAY", "2027-12-31")
    with client(tmp_path, bundled_data=DATA, start_jobs=False) as c:
        replies: list[Any] = []
        sender = threading.Thread(target=lambda: replies.append(c.post(
            "/api/v1/datasets/baoshan/outcomes",
            files={"file": ("outcomes.csv", GOOD, "text/csv")})))
        sender.start()
        try:
            assert entered.wait(30), "the outcomes were not recorded apart"
            health = c.get("/api/v1/health")
            jobs = c.get("/api/v1/jobs")
        finally:
            release.set()
            sender.join(120)
    fn, body, ctype, *_rest = calls[0]
    assert fn is heavy.record_outcomes and ctype.startswith("multipart/form-data")
    assert Path(body).name == "body" and not Path(body).exists()  # staging removed
    assert parsed == [], "the upload was parsed in the service process"
    assert health.status_code == 200 and jobs.status_code == 200
    assert replies[0].status_code == 200 and replies[0].json() == {"recorded": 1}


def test_the_upload_apart_refuses_what_the_service_refused(tmp_path: Path) -> None:
    body, ctype = multipart(tmp_path, file=("out.csv", GOOD))
    table = heavy.upload_of(body, ctype)
    assert table.name == "out.csv" and table.read_bytes() == GOOD
    body, ctype = multipart(tmp_path, file=("../../etc/o.csv", GOOD))
    assert heavy.upload_of(body, ctype).parent == tmp_path  # a name, never a path
    body, ctype = multipart(tmp_path, file=("a.csv", GOOD), file_=("b.csv", GOOD))
    with pytest.raises(heavy.Refused) as no:
        heavy.upload_of(body, ctype)
    assert no.value.args[0] == 400
    body, ctype = multipart(tmp_path, other=("a.csv", GOOD))
    with pytest.raises(heavy.Refused) as no:
        heavy.upload_of(body, ctype)
    assert no.value.args[0] == 422 and "'file'" in no.value.args[1]
    body, ctype = multipart(tmp_path, file=("o.txt", b"x"))
    with pytest.raises(DataError) as err:
        heavy.upload_of(body, ctype)
    assert err.value.problems[0].file == "o.txt"


def test_the_service_answers_a_refused_upload_located(tmp_path: Path) -> None:
    """The upload's refusals, found apart, reach the caller as before."""
    with client(tmp_path, bundled_data=DATA, start_jobs=False) as c:
        url = "/api/v1/datasets/baoshan/outcomes"
        two = c.post(url, files=[("file", ("a.csv", GOOD, "text/csv")),
                                 ("file", ("b.csv", GOOD, "text/csv"))])
        none = c.post(url, files={"table": ("a.csv", GOOD, "text/csv")})
        txt = c.post(url, files={"file": ("o.txt", b"x", "text/plain")})
    assert two.status_code == 400
    assert none.status_code == 422 and "'file'" in none.json()["message"]
    assert txt.status_code == 422 and txt.json()["problems"][0]["file"] == "o.txt"


def test_a_caller_over_its_share_is_refused_before_anything_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A viewer whose verify is under way is answered 429 at once: the job, its draw
    and the dataset are not read for it (eight viewers in loops cost reads nothing)."""
    loaded: list[str] = []
    real_load = routes_jobs._load
    monkeypatch.setattr(routes_jobs, "_load", lambda st, job_id: (
        loaded.append(job_id), real_load(st, job_id))[1])
    with client(tmp_path, bundled_data=DATA, start_jobs=False) as c:
        admin = c.post("/api/v1/tokens", json={"role": "admin", "name": "a"}).json()["token"]
        viewer = c.post("/api/v1/tokens", json={"role": "viewer", "name": "v"},
                        headers=bearer(admin)).json()
        st = c.app.state.tuoyu  # type: ignore[attr-defined]
        with st.slots.take(viewer["id"], "viewer"):  # its first verify, under way
            busy = c.post("/api/v1/jobs/some-job/verify", headers=bearer(viewer["token"]))
            upload = c.post("/api/v1/datasets/baoshan/outcomes", json={"rows": []},
                            headers=bearer(admin))  # another caller: not refused
        free = c.post("/api/v1/jobs/some-job/verify", headers=bearer(viewer["token"]))
    assert busy.status_code == 429 and "稍后再试" in busy.json()["message"]
    assert loaded == ["some-job"]  # the free call only
    assert free.status_code == 404
    assert upload.status_code != 429


def test_a_token_checked_a_moment_ago_is_not_looked_up_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    looked: list[str] = []
    real_check = auth.check_token

    def counted(engine: Any, token: str) -> Any:
        looked.append(token)
        return real_check(engine, token)

    monkeypatch.setattr(auth, "check_token", counted)
    with client(tmp_path, start_jobs=False) as c:
        admin = c.post("/api/v1/tokens", json={"role": "admin", "name": "a"}).json()
        viewer = c.post("/api/v1/tokens", json={"role": "viewer", "name": "v"},
                        headers=bearer(admin["token"])).json()
        st = c.app.state.tuoyu  # type: ignore[attr-defined]
        st.tokens = auth.TokenCache(seconds=3600)  # a moment that lasts for the test
        for _ in range(3):
            assert c.get("/api/v1/jobs", headers=bearer(viewer["token"])).status_code == 200
        assert looked.count(viewer["token"]) == 1
        # a viewer's role is still its own; an unknown token is looked up each time
        assert c.post("/api/v1/tokens", json={"role": "viewer", "name": "x"},
                      headers=bearer(viewer["token"])).status_code == 403
        for _ in range(2):
            assert c.get("/api/v1/jobs", headers=bearer("tuoyu_nope_x")).status_code == 401
        assert looked.count("tuoyu_nope_x") == 2
        # deleted over the API: refused at once, however long the moment
        assert c.delete(f"/api/v1/tokens/{viewer['id']}",
                        headers=bearer(admin["token"])).status_code == 204
        assert c.get("/api/v1/jobs", headers=bearer(viewer["token"])).status_code == 401
        # a moment of nothing: every request looked up
        st.tokens = auth.TokenCache(seconds=0)
        before = looked.count(admin["token"])
        for _ in range(2):
            assert c.get("/api/v1/jobs", headers=bearer(admin["token"])).status_code == 200
        assert looked.count(admin["token"]) == before + 2


def test_the_token_cache_is_bounded() -> None:
    cache = auth.TokenCache(seconds=60, size=2)
    who = auth.Caller("t", "n", "viewer")
    now = auth.deletions()
    cache.put("a", who, now)
    cache.put("b", who, now)
    cache.put("c", who, now)  # full: the others forgotten
    assert cache.get("c") == who and cache.get("a") is None
    assert len(cache._seen) <= 2
    cache.put("d", who, now - 1)  # found valid by a look-up begun before a deletion
    assert cache.get("d") is None


def test_the_service_lets_threads_take_turns_sooner_while_it_runs(tmp_path: Path) -> None:
    """Python's interpreter lock changes hands every ``switch_interval`` (1 ms, not
    Python's 5 ms) while the service runs, and is as it was once it stops."""
    import sys

    before = sys.getswitchinterval()
    with client(tmp_path, start_jobs=False, switch_interval=0.002) as c:
        assert c.get("/api/v1/health").status_code == 200
        during = sys.getswitchinterval()
    assert during == pytest.approx(0.002)
    assert sys.getswitchinterval() == before


def test_the_upload_is_taken_apart_also_from_inside_a_running_event_loop(tmp_path: Path) -> None:
    """A caller whose thread runs an event loop (a test process driving a browser did)
    gets the table too: ``asyncio.run`` alone refused there."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    body, ctype = multipart(tmp_path, file=("out.csv", GOOD))

    async def inside() -> Path:
        return heavy.upload_of(body, ctype)

    # a thread of its own: this test process may itself run a loop (the browser tests')
    with ThreadPoolExecutor(1) as pool:
        table = pool.submit(lambda: asyncio.run(inside())).result()
    assert table.name == "out.csv" and table.read_bytes() == GOOD
