"""Plans as jobs: queued in the database, solved in worker processes
(:func:`tuoyu.api.service.proc.start`: forked from a forkserver on Linux), at most
``settings.workers`` at once.

A dispatcher thread in the service starts queued jobs when a slot is free, watches the
running ones, and stops those whose cancel flag is set: the worker itself sees the flag,
stops its solver and keeps the best plan so far; one that has not finished within
``CANCEL_GRACE`` seconds is terminated (then nothing is kept).

On startup, ``queued`` jobs wait to be started again and ``running`` ones (their process
died with the previous service) are marked ``interrupted``.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tuoyu.api.service.settings import Settings
from tuoyu.api.store import FINISHED, DatasetRow, Job, now, write_turn
from tuoyu.planning.registry import planner


def both(say: Callable[[str], str]) -> dict[str, str]:
    """A job's message in Chinese and English, as the ``message``/``message_en`` columns
    (the job list shows the reader's)."""
    return {"message": say("zh"), "message_en": say("en")}


def said(key: str, /, **params: object) -> dict[str, str]:
    """A catalogue message of a job in both languages (``key`` positional only: a
    message may itself have a parameter named ``code``, as ``job.worker_died`` does)."""
    from tuoyu.api.text import message

    return both(lambda lang: message(key, params, lang))  # type: ignore[arg-type]


INTERRUPTED = said("job.interrupted")
CANCELLED_QUEUED = said("job.cancelled_queued")
CANCEL_GRACE = 30.0  # seconds a cancelled worker gets to finish its plan from the best so far
#: seconds a worker asked to end (SIGTERM) gets before it is killed (SIGKILL): a worker
#: that ignores or blocks the signal must not go on writing files or holding a slot
TERM_WAIT = 5.0
#: the advisory lock (PostgreSQL) that one submission of a job holds while it counts the
#: queue and adds to it (:func:`tuoyu.api.store.write_turn`)
QUEUE_TURN = 20261207


class QueueFull(Exception):
    """As many jobs wait as the service queues (``TUOYU_MAX_QUEUED``), or as it queues of
    one dataset (``dataset``: ``TUOYU_MAX_QUEUED_PER_DATASET``)."""

    def __init__(self, waiting: int, dataset: str | None = None) -> None:
        self.waiting = waiting
        self.dataset = dataset
        super().__init__(f"{waiting} jobs are queued")


def end_process(proc: BaseProcess) -> None:
    """End a worker for good: SIGTERM, then SIGKILL when it has not ended within
    ``TERM_WAIT`` seconds; returns once it has ended."""
    proc.terminate()
    proc.join(timeout=TERM_WAIT)
    if proc.is_alive():
        proc.kill()
        proc.join()


def cancelled_running() -> dict[str, str]:
    """The message of a running job ended after its cancel grace (both languages)."""
    from tuoyu.api.text import number

    return said("job.cancelled_running", seconds=number(CANCEL_GRACE))


class JobManager:
    def __init__(self, settings: Settings, engine: Engine):
        self.settings = settings
        self.engine = engine
        self._running: dict[str, BaseProcess] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._cancel_seen: dict[str, float] = {}

    # -- lifecycle -------------------------------------------------------------------
    def recover(self) -> int:
        """Mark jobs left ``running`` by a stopped service as ``interrupted``."""
        with Session(self.engine) as s, s.begin():
            res = s.execute(
                update(Job)
                .where(Job.status == "running")
                .values(status="interrupted", **INTERRUPTED, finished_at=now(), pid=None,
                        lease=None)
            )
            return int(res.rowcount or 0)

    def start(self) -> None:
        self.recover()
        if not self.settings.start_jobs:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="tuoyu-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the dispatcher; running workers are ended and their jobs ``interrupted``."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        with self._lock:
            running = dict(self._running)
            self._running.clear()
        for job_id, proc in running.items():
            end_process(proc)
            self._set(job_id, status="interrupted", **INTERRUPTED, finished_at=now(),
                      pid=None, only_if="running")

    # -- API -------------------------------------------------------------------------
    def submit(self, kind: str, dataset_id: str, params: dict[str, Any],
               parent_id: str | None = None) -> Job:
        """Queue a job. Raises :class:`QueueFull` when ``settings.max_queued`` jobs wait
        already, or ``settings.max_queued_per_dataset`` of ``dataset_id``: counted and
        added in one transaction that has the store's write turn (:func:`write_turn`), so
        two requests at once cannot both take the last place, whether they come to one
        service or to two processes on one store."""
        with Session(self.engine, expire_on_commit=False) as s, s.begin():
            write_turn(s, QUEUE_TURN)
            waiting = s.scalar(select(func.count()).select_from(Job).where(
                Job.status == "queued")) or 0
            mine = s.scalar(select(func.count()).select_from(Job).where(
                Job.status == "queued", Job.dataset_id == dataset_id)) or 0
            if waiting >= max(1, self.settings.max_queued):
                raise QueueFull(waiting)
            if mine >= max(1, self.settings.max_queued_per_dataset):
                raise QueueFull(mine, dataset_id)
            job = Job(id=uuid.uuid4().hex, kind=kind, dataset_id=dataset_id,
                      params_json=json.dumps(params, ensure_ascii=False), status="queued",
                      cancel_requested=False, parent_id=parent_id, created_at=now())
            s.add(job)
        self._wake.set()
        return job

    def cancel(self, job_id: str) -> Job | None:
        """Queued: cancelled at once. Running: flagged; the dispatcher ends the process."""
        with Session(self.engine, expire_on_commit=False) as s, s.begin():
            job = s.get(Job, job_id)
            if job is None:
                return None
            if job.status == "queued":
                job.status = "cancelled"
                job.message = CANCELLED_QUEUED["message"]
                job.message_en = CANCELLED_QUEUED["message_en"]
                job.finished_at = now()
            elif job.status == "running":
                job.cancel_requested = True
        self._wake.set()
        return job

    def out_dir(self, job_id: str) -> Path:
        return self.settings.jobs_dir / job_id

    # -- the dispatcher --------------------------------------------------------------
    def _set(self, job_id: str, only_if: str | None = None, **values: Any) -> None:
        with Session(self.engine) as s, s.begin():
            q = update(Job).where(Job.id == job_id)
            if only_if is not None:
                q = q.where(Job.status == only_if)
            if values.get("status") not in (None, "running"):
                values["lease"] = None  # a worker still alive can no longer write the job
            s.execute(q.values(**values))

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception as exc:  # keep dispatching; the next tick may succeed
                print(f"tuoyu jobs: {exc}", flush=True)
            self._wake.wait(0.25)
            self._wake.clear()

    def tick(self) -> None:
        """One round: reap finished workers, stop cancelled ones, start queued jobs."""
        with self._lock:
            running = dict(self._running)
        for job_id, proc in running.items():
            if not proc.is_alive():
                proc.join()
                # the row first: when it cannot be written now (a busy database), the
                # worker stays listed and the next round tries again
                self._set(
                    job_id,
                    only_if="running",
                    status="failed",
                    **said("job.worker_died", code=proc.exitcode),
                    finished_at=now(),
                    pid=None,
                )
                with self._lock:
                    self._running.pop(job_id, None)
        if running:
            with Session(self.engine) as s:
                flagged = set(
                    s.scalars(
                        select(Job.id).where(
                            Job.id.in_(list(running)), Job.cancel_requested.is_(True)
                        )
                    )
                )
            for job_id in flagged:
                proc = running[job_id]
                seen = self._cancel_seen.setdefault(job_id, time.monotonic())
                if time.monotonic() - seen < CANCEL_GRACE:
                    continue  # the worker stops its solver and keeps the best plan
                self._cancel_seen.pop(job_id, None)
                end_process(proc)
                with self._lock:
                    self._running.pop(job_id, None)
                self._set(job_id, only_if="running", status="cancelled",
                          **cancelled_running(), finished_at=now(), pid=None)
                shutil.rmtree(self.out_dir(job_id), ignore_errors=True)
        while len(self._running) < max(1, self.settings.workers):
            if not self._start_next():
                break

    def _start_next(self) -> bool:
        with Session(self.engine, expire_on_commit=False) as s, s.begin():
            job = s.scalars(
                select(Job).where(Job.status == "queued").order_by(Job.created_at).limit(1)
            ).first()
            if job is None:
                return False
            ds = s.get(DatasetRow, job.dataset_id)
            if ds is None:
                job.status = "failed"
                gone = said("job.dataset_gone", id=job.dataset_id)
                job.message, job.message_en = gone["message"], gone["message_en"]
                job.finished_at = now()
                return True
            job.status = "running"
            job.started_at = now()
            job.lease = uuid.uuid4().hex
            job.progress_json = json.dumps({"seconds": 0.0, "objective": None, "bound": None})
            data_dir = ds.path
        previous = None
        replan_file = planner(job.kind).replan_file
        if job.parent_id and replan_file:  # the earlier plan's file a re-plan starts from
            previous = str(self.out_dir(job.parent_id) / replan_file)
        out = self.out_dir(job.id)
        shutil.rmtree(out, ignore_errors=True)
        from tuoyu.api.service.proc import start, yield_to_the_service
        from tuoyu.api.service.worker import run_job

        proc = start(
            run_job,
            (job.id, job.kind, job.dataset_id, data_dir, job.params, str(out), self.settings.url,
             previous, self.settings.solver_time_limit, self.settings.solver_workers,
             job.lease, os.getpid()),
            name=f"tuoyu-job-{job.id[:8]}",
        )
        if proc.pid is not None:
            yield_to_the_service(proc.pid)  # from its first instruction (it also does so)
        with self._lock:
            self._running[job.id] = proc
        self._set(job.id, pid=proc.pid)
        return True


def is_finished(status: str) -> bool:
    return status in FINISHED
