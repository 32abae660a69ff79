"""One dispatcher per store: two services on one store (two ``tuoyu serve`` on the same
``TUOYU_HOME`` or PostgreSQL database, each its own engine and job manager). Before, the
second one's start marked the first one's running jobs ``interrupted`` while their
workers ran on, and two dispatchers could both start one queued job.

The workers here are stand-ins that run until they are ended (no solver): what is
checked is which service starts which job, and how often, read from the store."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from api_support import client, postgres_url, settings
from sqlalchemy import event
from sqlalchemy.orm import Session

from tuoyu.api.service import jobs, proc
from tuoyu.api.service.jobs import JobManager
from tuoyu.api.store import DatasetRow, Job, make_engine, migrate, now


class _Worker:
    """A job's worker that runs until it is ended."""

    pid = None
    exitcode = None

    def __init__(self) -> None:
        self._alive = True

    def is_alive(self) -> bool:
        return self._alive

    def join(self, timeout: float | None = None) -> None:
        pass

    def terminate(self) -> None:
        self._alive = False

    kill = terminate


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, threading.Thread]]:
    """Every worker started: (the job's id, the dispatcher thread that started it)."""
    seen: list[tuple[str, threading.Thread]] = []

    def start(_target: Callable[..., Any], args: tuple[Any, ...], name: str) -> _Worker:
        seen.append((args[0], threading.current_thread()))
        return _Worker()

    monkeypatch.setattr(proc, "start", start)
    monkeypatch.setattr(jobs, "LEASE_RETRY", 0.05)  # the second's tries, not what is tested
    return seen


def _until(check: Callable[[], bool]) -> None:
    """Wait until ``check()`` holds (60 s: a guard against a hang, not a speed check)."""
    deadline = time.monotonic() + 60
    while not check():
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.02)


def _status(manager: JobManager, job_id: str) -> str:
    with Session(manager.engine) as s:
        job = s.get(Job, job_id)
        assert job is not None
        return job.status


def _two_services(tmp_path: Path, url: str | None, **kw: Any) -> tuple[JobManager, JobManager]:
    """Two job managers on one store (each its own engine, as two processes have), which
    holds the dataset ``d``."""
    s = settings(tmp_path, url, **kw)
    s.home.mkdir(parents=True, exist_ok=True)
    migrate(s.url)
    eng = make_engine(s.url)
    with Session(eng) as ses, ses.begin():
        ses.add(DatasetRow(id="d", name="d", path=str(tmp_path), created_at=now()))
    eng.dispose()
    return JobManager(s, make_engine(s.url)), JobManager(s, make_engine(s.url))


def _second_service_leaves_the_first_its_jobs(
        tmp_path: Path, url: str | None, started: list[tuple[str, threading.Thread]]) -> None:
    first, second = _two_services(tmp_path, url, workers=4)
    try:
        first.start()
        a = first.submit("roster", "d", {"month": "2027-03"}).id
        _until(lambda: _status(first, a) == "running")
        second.start()  # the same store: it must not take the first one's running job
        assert first.dispatching and not second.dispatching
        assert _status(first, a) == "running"
        b = second.submit("roster", "d", {"month": "2027-04"}).id  # queued through the second
        _until(lambda: _status(first, b) == "running")
        assert _status(first, a) == "running"
        assert [(j, t is first._thread) for j, t in started] == [(a, True), (b, True)]

        first.stop()  # its workers ended, its jobs interrupted, the lease given up
        assert _status(first, a) == _status(first, b) == "interrupted"
        c = second.submit("roster", "d", {"month": "2027-05"}).id
        _until(lambda: _status(second, c) == "running")
        assert second.dispatching
        assert [(j, t is second._thread) for j, t in started[2:]] == [(c, True)]
        assert _status(second, a) == "interrupted"
    finally:
        for m in (second, first):
            m.stop()
            m.engine.dispose()


def _two_dispatchers_race_for_one_job(
        tmp_path: Path, url: str | None, started: list[tuple[str, threading.Thread]]) -> None:
    """Neither holds the lease (a dispatcher of a version before it, say): the first has
    read the queued job when the second claims and starts it; the first must not start
    it again."""
    first, second = _two_services(tmp_path, url, start_jobs=False)
    job = first.submit("roster", "d", {"month": "2027-03"}).id
    raced: list[bool] = []

    def meanwhile(_conn, _cursor, statement: str, *_rest) -> None:  # noqa: ANN001
        if "ORDER BY jobs.created_at" in statement and not raced:
            raced.append(second._start_next())

    event.listen(first.engine, "after_cursor_execute", meanwhile)
    try:
        first._start_next()
    finally:
        event.remove(first.engine, "after_cursor_execute", meanwhile)
        for m in (first, second):
            m.engine.dispose()
    assert raced == [True]
    assert [j for j, _ in started] == [job]  # started once, by the second
    assert _status(first, job) == "running"


def test_a_second_service_on_one_sqlite_store_leaves_the_first_its_jobs(
        tmp_path: Path, started: list[tuple[str, threading.Thread]]) -> None:
    _second_service_leaves_the_first_its_jobs(tmp_path, None, started)


def test_a_second_service_on_one_postgres_store_leaves_the_first_its_jobs(
        tmp_path: Path, started: list[tuple[str, threading.Thread]]) -> None:
    _second_service_leaves_the_first_its_jobs(tmp_path, postgres_url(), started)


def test_two_dispatchers_on_one_sqlite_store_start_a_job_once(
        tmp_path: Path, started: list[tuple[str, threading.Thread]]) -> None:
    _two_dispatchers_race_for_one_job(tmp_path, None, started)


def test_two_dispatchers_on_one_postgres_store_start_a_job_once(
        tmp_path: Path, started: list[tuple[str, threading.Thread]]) -> None:
    _two_dispatchers_race_for_one_job(tmp_path, postgres_url(), started)


def test_health_says_whether_this_service_runs_the_jobs(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Two services on one home: the first runs the jobs, the second says (Chinese first,
    English when asked) that another service does, and logs it in both languages."""
    with caplog.at_level(logging.WARNING, logger="tuoyu.service"), \
            client(tmp_path) as one, client(tmp_path) as two:
        assert one.get("/api/v1/health").json()["dispatching"] is True
        said = two.get("/api/v1/health").json()
        assert said["status"] == "ok" and said["dispatching"] is False
        assert "另一个 tuoyu 服务" in said["jobs"]
        en = two.get("/api/v1/health?lang=en").json()["jobs"]
        assert "another tuoyu service" in en
    logged = [r.getMessage() for r in caplog.records if r.name == "tuoyu.service"]
    assert len(logged) == 1 and "另一个" in logged[0] and "another" in logged[0]
    assert str(tmp_path) not in logged[0]


def test_a_dispatcher_whose_postgres_lease_is_lost_starts_no_more_jobs(
        tmp_path: Path, started: list[tuple[str, threading.Thread]],
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """The holder's lease connection is ended (a PostgreSQL restart, a dropped network):
    the lock is gone and another service takes it. The first, at its next check, knows it
    no longer holds the lease, says so, and starts no queued job (the other does). Step by
    step: the managers' rounds are called here, no dispatcher thread runs."""
    from sqlalchemy import text

    monkeypatch.setattr(jobs, "LEASE_RETRY", 0.0)
    first, second = _two_services(tmp_path, postgres_url(), start_jobs=False)
    try:
        assert first.take_lease() and not second.take_lease()
        with first.engine.begin() as conn:  # the backend that holds the advisory lock
            conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                "AND objid = :key AND granted"), {"key": jobs.DISPATCH_LEASE})
        _until(second.take_lease)  # once the server has ended that session
        job = second.submit("roster", "d", {"month": "2027-03"}).id
        with caplog.at_level(logging.WARNING, logger="tuoyu.service"):
            first._keep_lease()
            first.tick()
        assert not first.dispatching and started == []
        assert any("连接中断" in r.getMessage() and "connection" in r.getMessage()
                   for r in caplog.records)
        second.tick()
        assert [j for j, _ in started] == [job]
    finally:
        for m in (second, first):
            m.stop()
            m.engine.dispose()
