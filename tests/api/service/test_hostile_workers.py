"""What a dying worker, a killed server and heavy requests do to the service (the
hardening issue, second pass): a job whose worker dies ends ``failed`` with a Chinese
message; no process of a killed server lives on and the next start cleans its staging
folders; heavy work (outcomes, verify, table reads, upload checks) runs apart, bounded
per caller, while reads are answered."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_support import DATA, ROSTER_FILES, client, serve_cli, zip_bytes
from sqlalchemy.orm import Session

from tuoyu.api.service import apart, heavy
from tuoyu.api.service.jobs import said
from tuoyu.api.store import Job, make_engine


def test_a_message_may_have_a_parameter_named_code() -> None:
    """``said("job.worker_died", code=…)`` raised TypeError for every reaped worker."""
    text = said("job.worker_died", code=-9)
    assert "-9" in text["message"] and "求解进程" in text["message"]
    assert "-9" in text["message_en"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _job_row(url: str, job_id: str) -> Job | None:
    eng = make_engine(url)
    with Session(eng, expire_on_commit=False) as s:
        job = s.get(Job, job_id)
    eng.dispose()
    return job


def test_a_job_whose_worker_is_killed_fails_with_a_message(tmp_path: Path) -> None:
    """kill -9 of a job's worker: the job reads ``failed`` with a Chinese message within
    seconds (it read "running" 16 minutes later)."""
    with client(tmp_path, bundled_data=DATA) as c:
        job = c.post("/api/v1/jobs", json={"kind": "sessions", "dataset_id": "baoshan",
                                           "params": {"year": 2027, "time_limit": 300}}).json()
        url = c.app.state.tuoyu.settings.url  # type: ignore[attr-defined]
        pid = None
        for _ in range(300):
            row = _job_row(url, job["id"])
            if row is not None and row.status == "running" and row.pid:
                pid = row.pid
                break
            time.sleep(0.1)
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        state: dict[str, Any] = {}
        for _ in range(200):  # 20 s at most; the dispatcher looks every 0.25 s
            state = c.get(f"/api/v1/jobs/{job['id']}").json()
            if state["status"] != "running":
                break
            time.sleep(0.1)
        assert state["status"] == "failed", state
        assert "求解进程意外停止" in state["message"] and "-9" in state["message"], state
        assert "请重新提交" in state["message"], state  # what to do, as an interrupted job


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _session_members(sid: int) -> set[int]:
    """Every live process of a session (the server was started as its leader)."""
    out = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[-1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:  # state, ppid, pgrp, session
            out.add(int(entry))
    return out


def _big_dataset() -> bytes:
    """The roster's tables with a long institutions table: its check takes a while."""
    head, *rows = (DATA / "institutions.csv").read_text(encoding="utf-8").splitlines()
    many = [head] + [r.replace("JG", f"X{i}JG", 1) for i in range(300) for r in rows]
    return zip_bytes(names=tuple(n for n in ROSTER_FILES if n != "institutions.csv"),
                     extra={"baoshan/institutions.csv": ("\n".join(many) + "\n").encode()})


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_nothing_of_a_killed_server_lives_on_and_its_staging_is_cleaned(
        tmp_path: Path) -> None:
    """kill -9 of the server while a job solves and an upload is checked: within 10 s
    no process of it is left (the upload checker and the resource tracker lived for
    15 minutes); the next start removes the staging folders it left."""
    port = _free_port()
    home = tmp_path / "home"
    env = {**os.environ, "TUOYU_HOME": str(home), "TUOYU_DATABASE_URL": "",
           "TUOYU_WORKERS": "1"}
    server, base = serve_cli(env, port)
    try:
        httpx.post(base + "/api/v1/jobs", json={
            "kind": "sessions", "dataset_id": "baoshan",
            "params": {"year": 2027, "time_limit": 300}}, timeout=10)
        data = _big_dataset()
        sender = threading.Thread(target=lambda: _quietly(lambda: httpx.post(
            base + "/api/v1/datasets", files={"file": ("big.zip", data, "application/zip")},
            timeout=120)), daemon=True)
        sender.start()
        members: set[int] = set()
        for _ in range(300):  # the server, the job's worker, the checker, the tracker
            members = _session_members(server.pid)
            staging = list((home / "datasets").glob(".upload-*"))
            if len(members) >= 4 and staging:
                break
            time.sleep(0.1)
        assert len(members) >= 4 and staging, (members, staging)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _session_members(server.pid):
            time.sleep(0.2)
        assert not _session_members(server.pid), "processes outlived their server"
    finally:
        for pid in _session_members(server.pid) | {server.pid}:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    left = list((home / "datasets").glob(".upload-*")) + list(
        (home / "datasets").glob(".in-*"))
    assert left, "the killed server left no staging folder to clean"
    (home / "jobs" / ".abc.new.999999999.xyz").mkdir(parents=True)
    with client(tmp_path, start_jobs=False):  # the same home: tmp_path / 'home'
        pass
    assert not list((home / "datasets").glob(".upload-*"))
    assert not list((home / "datasets").glob(".in-*"))
    assert not (home / "jobs" / ".abc.new.999999999.xyz").exists()


def _quietly(call: Any) -> None:
    with contextlib.suppress(httpx.HTTPError):
        call()


def test_work_apart_ends_with_its_parent(tmp_path: Path) -> None:
    """A process apart (an upload checker, a verify) started by a process that is then
    killed -9 ends within seconds."""
    script = (
        "import sys, time\n"
        "from tuoyu.api.service.apart import run_apart\n"
        "print('go', flush=True)\n"
        "run_apart(time.sleep, 600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                              start_new_session=True, text=True)
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "go"
        for _ in range(300):
            if len(_session_members(parent.pid)) >= 2:
                break
            time.sleep(0.1)
        children = _session_members(parent.pid) - {parent.pid}
        assert children
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in children):
            time.sleep(0.2)
        assert not any(_alive(p) for p in children)
    finally:
        for pid in _session_members(parent.pid):
            os.kill(pid, signal.SIGKILL)


def test_work_apart_is_bounded_in_time_and_raises_what_it_raised() -> None:
    with pytest.raises(apart.TooHeavy) as err:
        apart.run_apart(time.sleep, 60, seconds=1.0)
    assert err.value.kind == "time"
    with pytest.raises(ValueError):
        apart.run_apart(int, "not a number")
    assert apart.run_apart(int, "42") == 42


def test_heavy_requests_run_apart_bounded_per_caller_while_reads_answer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outcomes are recorded apart (not on the event loop): while one is recorded, the
    service answers reads, and the same caller's second heavy request is refused at
    once with 429 instead of queueing."""
    entered, release = threading.Event(), threading.Event()
    calls: list[Any] = []
    real = apart.run_apart

    def held(fn: Any, *args: Any, **kw: Any) -> Any:
        calls.append(fn)
        entered.set()
        release.wait(30)
        return real(fn, *args, **kw)

    monkeypatch.setattr(apart, "run_apart", held)
    monkeypatch.setenv("TUOYU_TODAY", "2027-12-31")
    body = {"rows": [{"institution_id": "JG0001", "date": "2027-03-02", "outcome": "pass",
                      "inspector_ids": ["JC002", "JC003"]}]}
    with client(tmp_path, bundled_data=DATA, start_jobs=False) as c:
        replies: list[Any] = []
        sender = threading.Thread(target=lambda: replies.append(
            c.post("/api/v1/datasets/baoshan/outcomes", json=body)))
        sender.start()
        try:
            assert entered.wait(30), "the outcomes were not recorded apart"
            health = c.get("/api/v1/health")
            jobs = c.get("/api/v1/jobs")
            second = c.post("/api/v1/datasets/baoshan/outcomes", json=body)
        finally:
            release.set()
            sender.join(120)
    assert calls[0] is heavy.record_outcomes
    assert health.status_code == 200 and jobs.status_code == 200
    assert second.status_code == 429 and "稍后再试" in second.json()["message"]
    assert replies[0].status_code == 200 and replies[0].json() == {"recorded": 1}


def test_slots_bound_each_holder_and_all() -> None:
    slots = apart.Slots(total=2, per_holder=1)
    with slots.take("a"):
        with pytest.raises(apart.Busy), slots.take("a"):
            pass
        with slots.take("b"), pytest.raises(apart.Busy), slots.take("c"):
            pass
    with slots.take("a"), slots.take("c"):
        pass
    # viewers together leave a slot for planners
    with slots.take("v1", "viewer"):
        with pytest.raises(apart.Busy), slots.take("v2", "viewer"):
            pass
        with slots.take("p1", "planner"):
            pass


@pytest.mark.heavy
def test_verify_runs_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A roster's verify recomputes the draw in a process apart (it solved inside the
    service: eight viewers verifying took reads to 833 ms p95); what it checks is
    unchanged: the draw matches."""
    calls: list[Any] = []
    real = apart.run_apart

    def spy(fn: Any, *args: Any, **kw: Any) -> Any:
        calls.append(fn)
        return real(fn, *args, **kw)

    monkeypatch.setattr(apart, "run_apart", spy)
    with client(tmp_path, bundled_data=DATA, solver_time_limit=60.0) as c:
        job = c.post("/api/v1/jobs", json={"kind": "roster", "dataset_id": "baoshan",
                                           "params": {"month": "2027-03"}}).json()
        from api_support import wait

        assert wait(c, job["id"])["status"] == "done"
        r = c.post(f"/api/v1/jobs/{job['id']}/verify")
    assert r.status_code == 200 and r.json()["matches"] is True, r.text
    assert heavy.verify in calls

