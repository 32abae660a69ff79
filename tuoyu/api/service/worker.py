"""What runs in a worker process: one plan, from the dataset folder to files and a stored
:class:`~tuoyu.planning.plan.Plan`.

The process is started by :mod:`tuoyu.api.service.jobs` (forked from the forkserver of
:mod:`tuoyu.api.service.proc` on Linux, else spawned). It calls
the planning layer (through :mod:`tuoyu.api.runner`, as the command line does) and writes
its status, progress and result into the job's row itself, so the service can restart
without losing what was finished. The result stored is the plan as JSON
(:meth:`Plan.as_dict`); nothing is read back from printed text.

Progress: every improving solution of every stage reaches the job's row (once a second)
as stage, seconds, objective, bound and gap. Cancel: when the job's cancel flag is set,
the worker sets the plan's :class:`~tuoyu.optimizer.solve.Stop` token; the solver under
way (CP-SAT or HiGHS) stops with its best solution, the plan is finished from it and kept
(status ``cancelled``). The dispatcher terminates a worker that has not stopped within
its grace period (then nothing is kept).
"""

from __future__ import annotations

import json
import shutil
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from tuoyu.api.service.proc import (  # noqa: F401 - the worker's own, here for callers
    PRIORITY_SETTING,
    end_with_parent,
    yield_to_the_service,
)
from tuoyu.api.store import Job, StoredPlan, make_engine, now
from tuoyu.planning import ProgressEvent, Status, Stop

#: the job's status for each plan status (a plan kept when cancelled is still ``cancelled``)
JOB_STATUS = {
    Status.OPTIMAL: "done",
    Status.FEASIBLE: "done",
    Status.INFEASIBLE: "infeasible",
    Status.TIME_LIMIT: "failed",
    Status.CANCELLED: "cancelled",
}


def list_files(folder: Path) -> list[str]:
    return sorted(
        str(p.relative_to(folder)).replace("\\", "/")
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _finish(url: str, job_id: str, lease: str | None, status: str,
            message: str | dict[str, str], result: dict[str, Any], files: list[str],
            progress: dict[str, Any]) -> bool:
    """Record the outcome, only while this worker still holds the job's lease. False
    when the job is no longer there (deleted while it ran: ``tuoyu forget-families``)."""
    eng = make_engine(url)
    try:
        return _record(eng, job_id, lease, status, message, result, files, progress)
    finally:
        eng.dispose()


def _record(eng: Any, job_id: str, lease: str | None, status: str,
            message: str | dict[str, str], result: dict[str, Any], files: list[str],
            progress: dict[str, Any]) -> bool:
    with Session(eng) as s, s.begin():
        job = s.get(Job, job_id)
        if job is None:
            return False
        if job.status != "running" or job.lease != lease:
            return True
        job.status = status
        if isinstance(message, str):
            message = {"message": message, "message_en": message}
        job.message, job.message_en = message["message"], message["message_en"]
        job.finished_at = now()
        job.progress_json = json.dumps(progress)
        job.pid = None
        job.lease = None
        old = s.query(StoredPlan).filter(StoredPlan.job_id == job_id).one_or_none()
        if old is not None:
            s.delete(old)
            s.flush()
        s.add(
            StoredPlan(
                job_id=job_id,
                result_json=json.dumps(result, ensure_ascii=False),
                files_json=json.dumps(files),
                created_at=now(),
            )
        )
    return True


class _Heartbeat:
    """Once a second: the latest progress into the job's row; the cancel flag into the
    stop token."""

    def __init__(self, url: str, job_id: str, lease: str | None, stop: Stop):
        self.url, self.job_id, self.lease, self.stop = url, job_id, lease, stop
        self.t0 = time.perf_counter()
        self.latest: dict[str, Any] = {"stage": None, "objective": None, "bound": None,
                                       "gap": None}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def on_progress(self, event: ProgressEvent) -> None:
        self.latest = {"stage": event.stage, "objective": event.objective,
                       "bound": event.bound, "gap": event.gap}

    def snapshot(self) -> dict[str, Any]:
        return {"seconds": round(time.perf_counter() - self.t0, 1), **self.latest}

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=2)

    def _beat(self) -> None:
        eng = make_engine(self.url)
        while not self._done.wait(1.0):
            try:
                with Session(eng) as s, s.begin():
                    job = s.get(Job, self.job_id)
                    if job is None or job.status != "running" or job.lease != self.lease:
                        self.stop.set()  # the job is no longer ours: stop solving it
                        continue
                    if job is not None:
                        job.progress_json = json.dumps(self.snapshot())
                        if job.cancel_requested and not self.stop.is_set():
                            self.stop.set()
            except Exception:  # a busy database must not stop the solve
                pass
        eng.dispose()


def _plan_message(plan: Any, status: str, lang: str) -> str:
    from tuoyu.api.text import label, render

    if plan.status == Status.CANCELLED:
        return label("plan.cancelled" if plan.rows else "status.cancelled", lang)
    from tuoyu.planning.registry import planner

    personal = planner(plan.kind).personal_data  # never quote families in a job's message
    if plan.findings and status != "done" and not personal:
        # whole sentences, one after the other: '…日历；在时限内…。', never '。；'
        sep, end = ("；", "。") if lang == "zh" else ("; ", ".")
        return sep.join(render(f, lang).rstrip("。.") for f in plan.findings[:3]) + end
    return label(f"status.{plan.status}", lang)


def _error(error: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": error, "message": message, **extra}


def _failure(exc: Exception, kind: str | None = None,
             places: dict[str, str] | None = None) -> tuple[dict[str, str], dict[str, Any]]:
    """The message (both languages) and stored result of a job that made no plan, by what
    went wrong. Called inside the ``except`` block (an unexpected error keeps a short
    traceback for the operator; the API never serves it). An unexpected error of a plan
    of families (``kind`` with ``personal_data``) is told by its type only: its text may
    quote a family, and a job's message is listed to viewers. ``places``: the server's
    folders (:func:`~tuoyu.api.service.errors.service_places`), never named: a dataset's
    by its name (a folder deleted while served: said so, naming the dataset)."""
    from tuoyu.api import runner, store
    from tuoyu.api.exports.output import OutputError
    from tuoyu.api.service.errors import served_data_error, without_paths
    from tuoyu.api.service.jobs import both, said
    from tuoyu.models.errors import DataError

    places = places or {}

    if isinstance(exc, ValidationError):
        from tuoyu.api.text import message as say
        from tuoyu.api.text.validation import got, sentence

        errs = exc.errors()
        msg = both(lambda lg: say("job.invalid_params", {
            "detail": "；".join(sentence(e, lg, kind) for e in errs[:3])}, lg))  # type: ignore[arg-type]
        return msg, _error("invalid_input", msg["message"], problems=[
            {"file": "params", "row": None, "column": ".".join(map(str, e["loc"])),
             "message": sentence(e, "en", kind), "text": sentence(e, kind=kind),
             "expected": e.get("type"),
             "got": got(e)} for e in errs])
    if isinstance(exc, DataError):
        from tuoyu.api.service.errors import problem_dicts
        from tuoyu.api.text import render_data_error

        served = served_data_error(exc, places)
        msg = both(lambda lg: render_data_error(served, lg, limit=3))
        return msg, _error("invalid_input", msg["message"], problems=problem_dicts(served),
                           problem_count=len(served.problems))
    if isinstance(exc, store.RosterStateError):  # a published month, another draw meanwhile
        msg = both(lambda lg: runner.state_error_text(exc, lg))
        return msg, _error("roster_state", msg["message"], code=exc.code,
                           message_en=msg["message_en"])
    if isinstance(exc, OutputError):
        msg = said("job.output_failed", reason=without_paths(str(exc), places))
        return msg, _error("output", msg["message"])
    from tuoyu.planning.registry import planner

    personal = kind is not None and planner(kind).personal_data
    msg = said("job.failed", reason=type(exc).__name__ if personal
               else without_paths(str(exc), places))
    detail = "" if personal else without_paths(traceback.format_exc(limit=5), places)
    return msg, _error("failed", msg["message"], detail=detail)


def _places(url: str, out: Path) -> dict[str, str]:
    """The server's folders a job's error must not name (its out folder is
    ``TUOYU_HOME/jobs/<id>``); none known when the store cannot be read."""
    from tuoyu.api.service.errors import service_places

    try:
        eng = make_engine(url)
        try:
            return service_places(engine=eng, home=out.parent.parent)
        finally:
            eng.dispose()
    except Exception:  # the error itself may be the store's: its own words then
        return {str(out.parent.parent): "TUOYU_HOME"}


def run_job(job_id: str, kind: str, dataset_id: str, data_dir: str, params: dict[str, Any],
            out_dir: str, url: str, previous: str | None, time_limit: float,
            workers: int, lease: str | None = None, parent_pid: int | None = None) -> None:
    """The worker's entry point. Never raises: every outcome ends in the job's row (as
    long as this worker holds the job's lease)."""
    end_with_parent(parent_pid)
    yield_to_the_service()
    from tuoyu.api import runner
    from tuoyu.api.service.datasets import dataset_of
    from tuoyu.api.service.jobs import both
    from tuoyu.planning.registry import params_of

    stop = Stop()
    out = Path(out_dir)
    files: list[str] = []
    with _Heartbeat(url, job_id, lease, stop) as beat:
        try:
            settings = {"time_limit": time_limit, "workers": workers}
            p = params_of(kind).model_validate({**settings, **params, "kind": kind})
            dataset = dataset_of(dataset_id, data_dir)
            eng = make_engine(url)
            plan = runner.make_plan(dataset, p, engine=eng,
                                    previous=Path(previous) if previous else None,
                                    stop=stop, progress=beat.on_progress)
            if plan.rows or plan.status in (Status.OPTIMAL, Status.FEASIBLE):
                runner.deliver(plan, out, dataset=dataset, engine=eng)
                files = list_files(out) if out.is_dir() else []
            eng.dispose()
            status = JOB_STATUS[plan.status]
            message = both(lambda lg: _plan_message(plan, status, lg))
            result: dict[str, Any] = plan.as_dict()
            final = {"objective": plan.objective, "bound": plan.bound, "gap": plan.gap}
        except Exception as exc:
            status, final = "failed", {}
            message, result = _failure(exc, kind, _places(url, out))
        progress = {**beat.snapshot(), **final}
    if not _finish(url, job_id, lease, status, message, result, files, progress):
        # the job was deleted while it ran (its families forgotten): the files it has just
        # written would be the one copy left of them
        shutil.rmtree(out, ignore_errors=True)
