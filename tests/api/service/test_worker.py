"""Workers never outlive their service, and a stale worker can never write a job."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from pathlib import Path

import httpx
from api_support import serve_cli
from sqlalchemy.orm import Session

from tuoyu.api.service import worker
from tuoyu.api.store import Job, StoredPlan, make_engine, migrate, now


def _job(url: str, lease: str | None, status: str = "running") -> None:
    eng = make_engine(url)
    with Session(eng) as s, s.begin():
        s.add(Job(id="a" * 32, kind="roster", dataset_id="d", params_json="{}", status=status,
                  cancel_requested=False, created_at=now(), lease=lease))
    eng.dispose()


def test_a_worker_without_the_lease_writes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 't.sqlite'}"
    migrate(url)
    _job(url, lease="new-lease")
    worker._finish(url, "a" * 32, "old-lease", "done", "ok", {"x": 1}, [], {})
    eng = make_engine(url)
    with Session(eng) as s:
        job = s.get(Job, "a" * 32)
        assert job is not None and job.status == "running"
        assert s.query(StoredPlan).count() == 0
    worker._finish(url, "a" * 32, "new-lease", "done", "ok", {"x": 1}, [], {})
    with Session(eng) as s:
        job = s.get(Job, "a" * 32)
        assert job is not None and job.status == "done" and job.lease is None
        assert json.loads(s.query(StoredPlan).one().result_json) == {"x": 1}


def test_an_interrupted_job_stays_interrupted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 't.sqlite'}"
    migrate(url)
    _job(url, lease=None, status="interrupted")
    worker._finish(url, "a" * 32, None, "done", "ok", {}, [], {})
    eng = make_engine(url)
    with Session(eng) as s:
        assert s.get(Job, "a" * 32).status == "interrupted"  # type: ignore[union-attr]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped) is not alive
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_workers_end_when_their_server_is_killed(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "TUOYU_HOME": str(tmp_path / "home"), "TUOYU_DATABASE_URL": "",
           "TUOYU_WORKERS": "1"}
    env.pop("TUOYU_WORKER_PRIORITY", None)  # the service's default: idle
    server, base = serve_cli(env, port)
    try:
        job = httpx.post(base + "/api/v1/jobs", json={
            "kind": "sessions", "dataset_id": "baoshan",
            "params": {"year": 2027, "time_limit": 300}}, timeout=10).json()
        pid = None
        for _ in range(100):
            state = httpx.get(f"{base}/api/v1/jobs/{job['id']}", timeout=5).json()
            if state["status"] == "running":
                pid = _worker_pid(tmp_path / "home" / "tuoyu.sqlite", job["id"])
                if pid:
                    break
            time.sleep(0.2)
        assert pid is not None and _alive(pid)
        # the solver only takes the time the service does not want
        assert os.sched_getscheduler(pid) == os.SCHED_IDLE
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        for _ in range(50):
            if not _alive(pid):
                break
            time.sleep(0.1)
        assert not _alive(pid), "the worker outlived its server"
    finally:
        if server.poll() is None:
            server.kill()


def _worker_pid(db: Path, job_id: str) -> int | None:
    eng = make_engine(f"sqlite:///{db}")
    with Session(eng) as s:
        job = s.get(Job, job_id)
        pid = job.pid if job is not None else None
    eng.dispose()
    return pid


def test_a_failed_jobs_message_reads_as_sentences() -> None:
    """A job that made no plan quotes its findings as one text: joined by '；' in
    Chinese (never '。；'), by '; ' in English, ended once."""
    from tuoyu.models.findings import info, warning
    from tuoyu.planning.plan import Plan, Status

    plan = Plan(kind="sessions", status=Status.TIME_LIMIT, findings=(
        info("sessions.fast_mode", workers=2),
        warning("sessions.calendar_not_found", part=1, parts=1)))
    zh = worker._plan_message(plan, "failed", "zh")
    assert "。；" not in zh and zh.count("；") >= 2 and zh.endswith("请加大时限。")
    assert zh.startswith("快速模式：并行搜索（2 个线程）")
    en = worker._plan_message(plan, "failed", "en")
    assert "；" not in en and "calendar; No calendar was found" in en
    assert en.endswith("give a longer time limit.") and ".." not in en


def test_an_unexpected_error_of_a_plan_of_families_never_quotes_it() -> None:
    """A visits job (registry ``personal_data``) that fails on an unexpected error whose
    text quotes a family: the job's message (listed to viewers) and its stored result say
    the kind of error only, and keep no traceback; a calendar job's error is told whole."""
    text = "family F000123 born 2027-01-20 at 121.4712,31.4012"
    for kind, quoted in (("visits", False), ("sessions", True)):
        try:
            raise ValueError(text)
        except ValueError as exc:
            message, result = worker._failure(exc, kind)
        stored = json.dumps(result, ensure_ascii=False) + json.dumps(message, ensure_ascii=False)
        assert (text in stored) is quoted, (kind, stored)
        assert "ValueError" in message["message"] or quoted
        assert message["message"].startswith("方案未能生成")


def test_a_job_whose_dataset_folder_is_gone_names_the_dataset_never_the_path() -> None:
    """A served folder deleted while its job waited: the job's message and result said
    "/home/…/DIR：数据集文件夹不存在"; they name the dataset and what is wrong."""
    from tuoyu.api.service.errors import places_of
    from tuoyu.models.errors import DataError, Problem

    folder = "/srv/张三/东滩区"
    try:
        raise DataError([Problem(folder, "the dataset folder does not exist",
                                 code="input.no_folder")])
    except DataError as exc:
        message, result = worker._failure(exc, "roster",
                                          places_of({folder: "东滩区（数据文件夹）"}))
    said = json.dumps([message, result], ensure_ascii=False)
    assert "“东滩区（数据文件夹）”的数据文件夹已不在服务器上" in message["message"]
    assert "张三" not in said and "/srv" not in said, said


def test_a_job_deleted_while_it_ran_leaves_no_files(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """``tuoyu forget-families`` deletes the visit jobs of a dataset and their folders;
    a job running meanwhile wrote its plan (families named) into its folder after
    that, the one copy left of them. The worker now removes what it wrote when its job
    is gone."""
    import toy_planner

    from tuoyu.api import runner
    from tuoyu.models import schema
    from tuoyu.planning import registry

    monkeypatch.setenv("TUOYU_WORKER_PRIORITY", "normal")
    monkeypatch.setitem(schema.TABLES, "toys", toy_planner.TOYS)
    monkeypatch.setattr(registry, "_PLANNERS", {})
    registry.register(toy_planner.ENTRY)
    data = tmp_path / "toys"
    data.mkdir()
    (data / "toys.csv").write_text("toy_id,weight\nA,3\nB,1\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 't.sqlite'}"
    migrate(url)
    _job(url, lease="mine")
    made = runner.make_plan

    def forgotten_meanwhile(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        plan = made(*args, **kwargs)
        eng = make_engine(url)
        with Session(eng) as s, s.begin():
            s.delete(s.get(Job, "a" * 32))
        eng.dispose()
        return plan

    monkeypatch.setattr(runner, "make_plan", forgotten_meanwhile)
    out = tmp_path / "jobs" / ("a" * 32)
    worker.run_job("a" * 32, "toy", "toys", str(data), {"boxes": 2}, str(out), url, None,
                   10.0, 1, lease="mine")
    assert not out.exists()
