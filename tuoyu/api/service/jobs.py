"""Plans as jobs: queued in the database, solved in worker processes
(:func:`tuoyu.api.service.proc.start`: forked from a forkserver on Linux), at most
``settings.workers`` at once.

A dispatcher thread in the service starts queued jobs when a slot is free, watches the
running ones, and stops those whose cancel flag is set: the worker itself sees the flag,
stops its solver and keeps the best plan so far; one that has not finished within
``CANCEL_GRACE`` seconds is terminated (then nothing is kept).

One dispatcher per store: the job manager that dispatches holds the store's lease
(:func:`tuoyu.api.store.store_lease`, :data:`DISPATCH_LEASE`) for the life of the
service. A second service on the same store (a second ``tuoyu serve`` on the same
``TUOYU_HOME`` or PostgreSQL database) serves the API and queues jobs but neither starts
nor recovers any: the holder runs them. It tries for the lease again every
:data:`LEASE_RETRY` seconds and, once it has it (the holder stopped or died), recovers
and dispatches from then on. A queued job is claimed by one conditional update
(``status = 'queued'``), so even two dispatchers never start one job twice.

When the dispatcher takes the lease, ``queued`` jobs wait to be started again and
``running`` ones (their process died with the previous holder) are marked
``interrupted``.
"""

from __future__ import annotations

import json
import logging
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
from sqlalchemy.orm.attributes import set_committed_value

from tuoyu.api.service.settings import Settings
from tuoyu.api.store import FINISHED, DatasetRow, Job, Lease, now, store_lease, write_turn
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
#: the store's lease (PostgreSQL advisory lock key) that the one dispatcher of a store holds
DISPATCH_LEASE = 20261208
#: seconds between a service's tries for the dispatcher's lease while another holds it
LEASE_RETRY = 3.0


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
        self._lease: Lease | None = None
        self._next_try = 0.0  # time.monotonic() of the next try for the lease

    # -- lifecycle -------------------------------------------------------------------
    @property
    def dispatching(self) -> bool:
        """Whether this service holds the store's lease: it starts the queued jobs."""
        return self._lease is not None

    def recover(self) -> int:
        """Mark jobs left ``running`` by a stopped service as ``interrupted`` (not those
        this manager runs). Only the lease's holder may: another service's running jobs
        are not left over."""
        with Session(self.engine) as s, s.begin():
            res = s.execute(
                update(Job)
                .where(Job.status == "running", Job.id.not_in(list(self._running)))
                .values(status="interrupted", **INTERRUPTED, finished_at=now(), pid=None,
                        lease=None)
            )
            return int(res.rowcount or 0)

    def take_lease(self) -> bool:
        """Try for the store's lease (without waiting); once held, recover the jobs the
        previous holder left running. Whether this manager holds it now."""
        if self._lease is None:
            self._next_try = time.monotonic() + LEASE_RETRY
            lease = store_lease(self.engine, DISPATCH_LEASE)
            if lease is None:
                return False
            self._lease = lease
            try:
                self.recover()
            except BaseException:
                self._release_lease()
                raise
        return True

    def _release_lease(self) -> None:
        lease, self._lease = self._lease, None
        if lease is not None:
            lease.release()

    def start(self) -> None:
        """Take the lease (or say that another service dispatches) and start the
        dispatcher's thread; with ``settings.start_jobs`` off, neither."""
        if not self.settings.start_jobs:
            return
        if not self.take_lease():
            from tuoyu.api.text import message

            logging.getLogger("tuoyu.service").warning(
                "%s / %s", message("service.not_dispatching", {}, "zh"),
                message("service.not_dispatching", {}, "en"))
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="tuoyu-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the dispatcher; running workers are ended and their jobs ``interrupted``;
        the lease is given up (another service on the store takes over)."""
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
        self._release_lease()

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

    def _keep_lease(self) -> None:
        """Every :data:`LEASE_RETRY` seconds: without the lease, try for it; with it,
        check that it is still held (a PostgreSQL lease dies with its connection), and
        when it is not, start no more jobs (those running finish) until it is taken again."""
        if time.monotonic() < self._next_try:
            return
        if self._lease is not None and not self._lease.held():
            from tuoyu.api.text import message

            self._release_lease()
            logging.getLogger("tuoyu.service").warning(
                "%s / %s", message("service.lease_lost", {}, "zh"),
                message("service.lease_lost", {}, "en"))
        if self._lease is None:
            self.take_lease()
        else:
            self._next_try = time.monotonic() + LEASE_RETRY

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._keep_lease()
                self.tick()
            except Exception as exc:  # keep dispatching; the next tick may succeed
                print(f"tuoyu jobs: {exc}", flush=True)
            self._wake.wait(0.25)
            self._wake.clear()

    def tick(self) -> None:
        """One round: reap finished workers, stop cancelled ones, start queued jobs (only
        while this manager holds the store's lease)."""
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
        while self._lease is not None and len(self._running) < max(1, self.settings.workers):
            if not self._start_next():
                break

    def _claim(self, s: Session, job: Job, **values: Any) -> bool:
        """Move ``job`` on from ``queued`` to ``values`` in one conditional update: False
        when it is no longer queued (another dispatcher claimed it, or it was cancelled
        since it was read), and then this one leaves it alone."""
        res = s.execute(update(Job).where(Job.id == job.id, Job.status == "queued")
                        .values(**values).execution_options(synchronize_session=False))
        if not res.rowcount:
            return False
        for name, value in values.items():  # as stored, not to be written again
            set_committed_value(job, name, value)
        return True

    def _start_next(self) -> bool:
        """Claim the oldest queued job and start its worker; False when none is queued
        (a job another dispatcher claimed first is passed over: True, try again)."""
        with Session(self.engine, expire_on_commit=False) as s, s.begin():
            job = s.scalars(
                select(Job).where(Job.status == "queued").order_by(Job.created_at).limit(1)
            ).first()
            if job is None:
                return False
            ds = s.get(DatasetRow, job.dataset_id)
            if ds is None:
                self._claim(s, job, status="failed", finished_at=now(),
                            **said("job.dataset_gone", id=job.dataset_id))
                return True
            if not self._claim(s, job, status="running", started_at=now(),
                               lease=uuid.uuid4().hex, progress_json=json.dumps(
                                   {"seconds": 0.0, "objective": None, "bound": None})):
                return True
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
