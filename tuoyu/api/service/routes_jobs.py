"""``/api/v1/jobs``: plans as jobs (submit, poll, cancel, result, files, verify, re-plan,
coverage per street)."""

from __future__ import annotations

import functools
import inspect
import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response
from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session

from tuoyu.api.service.deps import Planner, State, StateDep, Viewer, answered
from tuoyu.api.service.errors import ApiError, not_found, request_lang
from tuoyu.api.service.routes_datasets import get_dataset
from tuoyu.api.service.schemas import (
    ERROR_RESPONSES,
    JobOut,
    Progress,
    ReplanRequest,
    StreetCoverage,
    VerifyOut,
    iso,
    job_examples,
    job_request,
    result_out,
)
from tuoyu.api.store import Job, StoredPlan
from tuoyu.api.text import CATALOGUE, Lang, label, message, plan_figures, render, stage_label
from tuoyu.models.errors import DataError

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"], responses=ERROR_RESPONSES)

MEDIA = {".csv": "text/csv; charset=utf-8", ".json": "application/json",
         ".geojson": "application/geo+json", ".html": "text/html; charset=utf-8",
         ".ics": "text/calendar; charset=utf-8", ".txt": "text/plain; charset=utf-8",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


async def language(request: Request, lang: Lang | None = None) -> Lang:
    """The reader's language: ``?lang=zh|en``, else the first of ``Accept-Language`` we
    speak, else Chinese (one rule for every reply: :func:`errors.request_lang`)."""
    return lang if lang is not None else request_lang(request)  # type: ignore[return-value]


LangDep = Annotated[Lang, Depends(language)]


def _load(st: State, job_id: str) -> tuple[Job, StoredPlan | None]:
    with Session(st.engine, expire_on_commit=False) as s:
        job = s.get(Job, job_id)
        if job is None:
            raise not_found(f"Job '{job_id}'", f"任务“{job_id}”")
        plan = s.scalars(select(StoredPlan).where(StoredPlan.job_id == job_id)).first()
    return job, plan


def job_out(job: Job, plan: StoredPlan | list[str] | None, lang: Lang = "zh") -> JobOut:
    """A job as the API shows it; its message and its stage's label in ``lang`` (the
    Chinese message when no English one was stored)."""
    prog = job.progress
    if prog and prog.get("stage"):
        prog = {**prog, "stage_label": stage_label(str(prog["stage"]), lang)}
    files = plan if isinstance(plan, list) else (plan.files if plan else [])
    said = job.message_en if lang == "en" and job.message_en else job.message
    return JobOut(
        id=job.id, kind=job.kind, dataset_id=job.dataset_id, params=job.params,
        status=job.status, progress=Progress(**prog) if prog else None, message=said,
        created_at=iso(job.created_at) or "", started_at=iso(job.started_at),
        finished_at=iso(job.finished_at), files=files, parent_id=job.parent_id,
    )


def _submit(st: State, kind: str, dataset_id: str, params: dict[str, Any],
            parent_id: str | None = None) -> JobOut:
    from tuoyu.planning.registry import planner

    row = get_dataset(st, dataset_id)
    check_params(kind, params)
    from tuoyu.api.service.datasets import missing_for, present_tables
    from tuoyu.models.errors import Problem

    if not Path(row.path).is_dir():  # a served folder moved or deleted: said at once, by
        raise DataError([Problem(row.path, "the dataset folder does not exist",  # name
                                 code="input.no_folder")])
    have = row.tables or present_tables(Path(row.path))  # an older row without its counts
    missing = missing_for(kind, have)
    if missing:  # a dataset of other planners' tables: 422 naming each table (zh, en)
        raise DataError(missing)
    check = planner(kind).hook("check")
    if check is not None:  # the planner's own refusals before queueing (409, 422)
        check(st, row, params)
    from tuoyu.api.service.jobs import QueueFull

    try:
        return job_out(st.jobs.submit(kind, dataset_id, params, parent_id), None)
    except QueueFull as full:
        if full.dataset is not None:
            from tuoyu.api.text import message

            said = {"waiting": full.waiting, "dataset": row.name}
            raise ApiError(429, f"{message('service.queue_full_dataset', said, 'zh')} / "
                                f"{message('service.queue_full_dataset', said, 'en')}",
                           "queue_full", waiting=full.waiting) from None
        raise ApiError(429, f"排队等待的方案已达上限（{full.waiting} 个，TUOYU_MAX_QUEUED）：请等"
                            "前面的方案开始或完成、或取消不需要的方案后再提交。 / The queue is "
                            f"full ({full.waiting} plans waiting, TUOYU_MAX_QUEUED): submit "
                            "again once earlier plans have started, or cancel those not "
                            "needed.", "queue_full", waiting=full.waiting) from None


def submit_job(req: Any, st: StateDep, _who: Planner) -> JobOut:
    """Queue a plan; it is made by a worker process. Poll ``GET /api/v1/jobs/{id}``.
    Parameters are checked here (422 naming each one), never later in the worker; so are
    the dataset's tables: a dataset without a table the plan reads (a district that
    uploaded only the home visits' tables, asking for a calendar) is refused with 422, one
    located problem per missing table."""
    params = req.params.model_dump(mode="json", exclude_unset=True)
    params.pop("kind", None)
    return _submit(st, req.kind, req.dataset_id, params)


def make_router() -> APIRouter:
    """The jobs' routes, with the job body and the result derived from the planners
    registered now (:mod:`tuoyu.planning.registry`): ``create_app`` calls it."""
    out = APIRouter()
    signature = inspect.signature(submit_job, eval_str=True)
    submit = functools.wraps(submit_job)(lambda **kw: submit_job(**kw))
    submit.__signature__ = signature.replace(parameters=[  # type: ignore[attr-defined]
        signature.parameters["req"].replace(
            annotation=Annotated[job_request(), Body(openapi_examples=job_examples())]),
        *list(signature.parameters.values())[1:]])
    out.add_api_route("/api/v1/jobs", submit, methods=["POST"], status_code=202,
                      response_model=JobOut, tags=["jobs"], responses=ERROR_RESPONSES)
    for route in router.routes:
        if getattr(route, "name", None) == "job_result":
            out.add_api_route(
                "/api/v1/jobs/{job_id}/result", job_result, methods=["GET"],
                response_model=result_out(), tags=["jobs"],
                responses={**ERROR_RESPONSES, 409: {"description": "no feasible plan: the clash"}})
        else:
            out.routes.append(route)
    return out


JOBS = TypeAdapter(list[JobOut])
ONE_JOB = TypeAdapter(JobOut)


@router.get("", response_model=list[JobOut])
async def list_jobs(st: StateDep, _who: Viewer, lang: LangDep) -> Response:
    """Every job, newest first, each with its message in ``lang``."""
    # async, the database read and the answer made in one trip to the pool (deps.answered)
    return await run_in_threadpool(_list_jobs, st, lang)


def _list_jobs(st: State, lang: Lang) -> Response:
    with Session(st.engine) as s:
        jobs = s.scalars(select(Job).order_by(Job.created_at.desc())).all()
        # the files only: a plan's result can be large and is not shown here
        files = {job_id: json.loads(f or "[]") for job_id, f in s.execute(
            select(StoredPlan.job_id, StoredPlan.files_json))}
        return answered(JOBS, [job_out(j, files.get(j.id, []), lang) for j in jobs])


@router.get("/{job_id}", response_model=JobOut)
async def get_job(job_id: str, st: StateDep, _who: Viewer, lang: LangDep) -> Response:
    return await run_in_threadpool(
        lambda: answered(ONE_JOB, job_out(*_job_files(st, job_id), lang)))


def _job_files(st: State, job_id: str) -> tuple[Job, list[str]]:
    """A job and its plan's file names, in one query (a poll never loads the plan)."""
    with Session(st.engine, expire_on_commit=False) as s:
        row = s.execute(select(Job, StoredPlan.files_json)
                        .outerjoin(StoredPlan, StoredPlan.job_id == Job.id)
                        .where(Job.id == job_id)).first()
    if row is None:
        raise not_found(f"Job '{job_id}'", f"任务“{job_id}”")
    return row[0], json.loads(row[1] or "[]")


@router.post("/{job_id}/cancel", response_model=JobOut)
def cancel_job(job_id: str, st: StateDep, _who: Planner, lang: LangDep) -> JobOut:
    """Queued: cancelled at once. Running: its worker is stopped within a second or so
    (the best plan so far is not kept). Finished: returned as it is."""
    if st.jobs.cancel(job_id) is None:
        raise not_found(f"Job '{job_id}'", f"任务“{job_id}”")
    return job_out(*_load(st, job_id), lang)


def check_params(kind: str, params: dict[str, Any]) -> None:
    """Refuse, before queuing, parameters the planner would refuse (422, each problem
    named by its field and said in the reader's language by the validation handler)."""
    from fastapi.exceptions import RequestValidationError
    from pydantic import ValidationError

    from tuoyu.planning.registry import params_of

    if "kind" in params:
        params = {k: v for k, v in params.items() if k != "kind"}
    try:
        params_of(kind).model_validate({**params, "kind": kind})
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", kind, "params", *e["loc"])}  # the kind: named for it
             for e in exc.errors()]) from None




def check_roster_state(st: State, row: Any, params: dict[str, Any]) -> None:
    """A roster of a published month needs a reason; a re-plan needs a stored roster:
    refused before queuing (409, said in Chinese and English)."""
    from tuoyu.api import runner, store
    from tuoyu.api.service.datasets import dataset_of
    from tuoyu.planning.params import RosterParams

    try:
        runner.check_roster(dataset_of(row.id, row.path),
                            RosterParams.model_validate(params), st.engine)
    except store.RosterStateError as exc:
        raise ApiError(409, runner.state_error_text(exc, "zh"), "roster_state",
                       reason=exc.code, message_en=runner.state_error_text(exc, "en")) from None


#: clashes listed in a reply (``clash_count`` counts them all)
MAX_LISTED = 50


def refuse_steering_clashes(st: State, row: Any, params: dict[str, Any]) -> None:
    """Pinned and forbidden places that cannot be (an unknown id, no spare rooms, …)
    are refused before queuing: 422 naming each id."""
    if not (params.get("pinned") or params.get("forbidden")):
        return
    from tuoyu.api.service.datasets import dataset_of
    from tuoyu.planning.params import SitingParams
    from tuoyu.planning.siting import check_steering

    clashes = check_steering(dataset_of(row.id, row.path), SitingParams.model_validate(params))
    if clashes:
        found = [{**c.as_dict(), "message": render(c)} for c in clashes[:MAX_LISTED]]
        more = len(clashes) - len(found)
        head = "；".join(f["message"] for f in found[:5]) + (
            f"；另有 {len(clashes) - 5} 处" if len(clashes) > 5 else "")
        raise ApiError(422, head, clashes=found, clash_count=len(clashes),
                       problems=[{"file": "body", "row": None, "column": "params",
                                  "message": f["message"], "expected": None, "got": None}
                                 for f in found], more=more)


def rendered(result: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """The stored plan with every code rendered for people (``message``/``label``)."""
    out = dict(result)
    out["status_label"] = label(f"status.{result['status']}", lang)
    out["findings"] = [{**f, "message": message(f["code"], f.get("params"), lang)}
                       for f in result.get("findings", [])]
    out["soft_goals"] = [{**g, "label": label(g["code"], lang)}
                         for g in result.get("soft_goals", [])]
    out["targets"] = [{**t, "label": label(t["code"], lang)} for t in result.get("targets", [])]
    out["figures"] = plan_figures(result, lang)
    return out


def kind_zh(kind: str) -> str:
    """A planner's plan as a planner names it (its catalogue name: 月度检查排班 …)."""
    return f"“{label(kind + '.name', 'zh')}”" if f"{kind}.name" in CATALOGUE else kind


#: a job's status as a planner reads it (the pages' own words)
JOB_STATUS_ZH = {"queued": "排队中", "running": "求解中", "done": "已完成", "failed": "失败",
                 "infeasible": "无可行方案", "cancelled": "已取消", "interrupted": "已中断"}


def _result(st: State, job_id: str, lang: Lang = "zh") -> tuple[Job, dict[str, Any]]:
    job, plan = _load(st, job_id)
    if plan is None:
        raise ApiError(404, f"任务“{job_id}”还没有结果（状态：{JOB_STATUS_ZH.get(job.status, job.status)}）。"
                            f" / Job '{job_id}' has no result yet (status {job.status}).",
                       status=job.status)
    result = json.loads(plan.result_json)
    if "error" not in result:
        result = rendered(result, lang)
    if job.status == "infeasible":
        clashes = result.get("findings", [])
        raise ApiError(409, "；".join(c["message"] for c in clashes) or label(
            "status.infeasible", lang), "infeasible", clashes=clashes)
    if job.status == "failed":
        if result.get("error") == "invalid_input":
            raise ApiError(422, result["message"], problems=result.get("problems", []))
        raise ApiError(404, f"任务“{job_id}”未能生成方案：{job.message}", status=job.status)
    if "error" in result:  # cancelled before the solver had any plan
        raise ApiError(404, f"任务“{job_id}”没有方案：{job.message}", status=job.status)
    return job, result


@router.get("/{job_id}/result", responses={409: {"description": "no feasible plan: the clash"}})
def job_result(job_id: str, st: StateDep, who: Viewer, lang: LangDep) -> dict[str, Any]:
    """The plan: status, objective, bound, gap, stages, soft goals, targets, findings
    (codes with parameters, and each rendered in ``lang``: zh or en) and the rows. A plan
    with personal data (home visits) is for the planner role only."""
    job, _plan = _load(st, job_id)
    _refuse_unless_readable(job, who)  # before a 409 could quote the plan's findings
    return _result(st, job_id, lang)[1]


def _refuse_unless_readable(job: Job, who: Any) -> None:
    """Refuse (403) a viewer a plan that names families (个人信息保护法), and an
    unannounced plan (双随机) before its last day is past."""
    from tuoyu.api.runner import office_today
    from tuoyu.planning.registry import planner

    if who.may("planner"):
        return
    entry = planner(job.kind)
    if entry.personal_data:
        raise ApiError(403, "此计划含个人信息（家庭），仅规划员（planner）可查看。"
                            " / This plan holds personal data (families): it needs the "
                            f"'planner' role; the token '{who.name}' is a '{who.role}'.")
    sealed = entry.hook("sealed_until")
    if sealed is not None and office_today() <= sealed(job.params):
        last = sealed(job.params).isoformat()
        raise ApiError(403, f"双随机检查不事先告知：{last} 之后才对查看者公开，此前仅规划员"
                            f"（planner）可查看。 / This plan is unannounced until {last} "
                            f"is past: it needs the 'planner' role; the token '{who.name}' "
                            f"is a '{who.role}'.")


@router.get("/{job_id}/files/{name:path}")
def job_file(job_id: str, name: str, st: StateDep,
             who: Viewer) -> Response:
    """A file of the plan: roster.csv, roster.xlsx, draw.json, sessions.csv, *.ics, …
    (a plan with personal data: for the planner role only). A roster.xlsx says the
    state the store holds now (已发布 once published)."""
    job, plan = _load(st, job_id)
    _refuse_unless_readable(job, who)
    if plan is None or name not in plan.files:
        raise not_found(f"File '{name}' of job '{job_id}'", f"任务“{job_id}”的文件“{name}”")
    path = st.jobs.out_dir(job_id) / name
    if not path.is_file():
        raise not_found(f"File '{name}' of job '{job_id}'", f"任务“{job_id}”的文件“{name}”")
    if job.kind == "roster" and name == "roster.xlsx":
        state = _stored_state(st, job)
        if state not in (None, "draft"):  # written as a draft: say what the store says now
            from urllib.parse import quote

            from tuoyu.api.exports.roster import stamp_state

            return Response(stamp_state(path.read_bytes(), state), media_type=MEDIA[".xlsx"],
                            headers={"Content-Disposition": "attachment; filename*=utf-8''"
                                                            + quote(Path(name).name)})
    return FileResponse(path, media_type=MEDIA.get(path.suffix.lower(),
                                                   "application/octet-stream"),
                        filename=Path(name).name)


def _stored_state(st: State, job: Job) -> str | None:
    """The state the store holds for a roster job's draw (draft, published, superseded,
    withdrawn), or None when its draw.json cannot be matched."""
    from tuoyu.api.runner import draw_state
    from tuoyu.api.service.datasets import dataset_of

    try:
        record = json.loads((st.jobs.out_dir(job.id) / "draw.json").read_text(encoding="utf-8"))
        row = get_dataset(st, job.dataset_id)
    except (OSError, ValueError, ApiError):
        return None
    return draw_state(dataset_of(row.id, row.path), record, st.engine)


router.add_api_route("/{job_id}/files/{name:path}", job_file, methods=["HEAD"],
                    include_in_schema=False)


@router.post("/{job_id}/verify", response_model=VerifyOut)
async def verify_job(job_id: str, st: StateDep, who: Viewer, lang: LangDep) -> VerifyOut:
    """Recompute a roster's draw from its audit record (draw.json) and compare: the
    differences as findings (codes, and each rendered in ``lang``). The recomputation
    runs in a process apart with time and memory limits; one caller verifies one draw
    at a time (429 otherwise, answered at once: nothing is read for a refused call)."""
    from tuoyu.api.service.routes_datasets import heavy_slot

    with heavy_slot(st, who):
        return await run_in_threadpool(_verify, st, job_id, lang)


def _verify(st: State, job_id: str, lang: Lang) -> VerifyOut:
    from tuoyu.api.service import heavy
    from tuoyu.api.service.routes_datasets import run_limited

    job, plan = _load(st, job_id)
    if job.kind != "roster":
        raise ApiError(422, f"只有排班有可复核的抽取；任务“{job_id}”是{kind_zh(job.kind)}。"
                            f" / Only a roster has a draw to verify; job '{job_id}' is a "
                            f"{job.kind} plan.")
    if plan is None or "draw.json" not in plan.files:
        raise not_found(f"The draw of job '{job_id}' (status {job.status})",
                        f"任务“{job_id}”的抽取记录（状态：{JOB_STATUS_ZH.get(job.status, job.status)}）")
    ds = get_dataset(st, job.dataset_id)
    try:
        folder = st.jobs.out_dir(job_id)
        record = json.loads((folder / "draw.json").read_text(encoding="utf-8"))
        files = [str(folder / n) for n in plan.files
                 if n != "draw.json" and (folder / n).is_file()]  # fmt: skip
        ok, found, checked, unchecked = run_limited(
            heavy.verify, record, ds.path, ds.id, st.settings.url,
            st.settings.solver_time_limit, st.settings.solver_workers, files)
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise ApiError(422, f"任务“{job_id}”的抽取记录无法读取（{type(exc).__name__}）。 / "
                            f"The draw record of job '{job_id}' cannot be read: "
                            f"{type(exc).__name__}") from None
    return VerifyOut(matches=ok, problems=[render(f, lang) for f in found],
                     findings=[{**f.as_dict(), "message": render(f, lang)} for f in found],
                     checked=list(checked), unchecked=list(unchecked))


@router.post("/{job_id}/replan", status_code=202, response_model=JobOut)
def replan_job(job_id: str, req: ReplanRequest, st: StateDep,
               _who: Planner) -> JobOut:
    """Re-plan from a date: a sessions calendar (sessions before the date stay as they
    are) or a month's roster (visits before the date stay; follow-ups of outcomes
    recorded since are added)."""
    from tuoyu.planning.registry import planner

    job, plan = _load(st, job_id)
    needed = planner(job.kind).replan_file  # the file a re-plan starts from
    if needed is None:
        raise ApiError(422, f"只有指导活动日历或排班可以重新规划；任务“{job_id}”是"
                            f"{kind_zh(job.kind)}。 / Only a calendar or a roster can be "
                            f"re-planned; job '{job_id}' is a {job.kind} plan.")
    if job.status != "done" or plan is None or needed not in plan.files:
        raise ApiError(409, f"任务“{job_id}”没有已完成的方案可供重新规划（状态："
                            f"{JOB_STATUS_ZH.get(job.status, job.status)}）。 / Job '{job_id}' "
                            f"has no finished plan to re-plan (status {job.status}).",
                       "not_finished")
    params = {**job.params, "from_date": req.from_date.isoformat()}
    params.pop("redraw_reason", None)
    if req.redraw_reason:
        params["redraw_reason"] = req.redraw_reason
    return _submit(st, job.kind, job.dataset_id, params, parent_id=job.id)


@router.post("/{job_id}/publish")
def publish_job(job_id: str, st: StateDep, _who: Planner, lang: LangDep) -> dict[str, Any]:
    """Publish a roster job's draw (一公开): from now on it feeds later months' history,
    and another roster of its month needs a reason. Returns the month's draws."""
    from tuoyu.api import runner, store
    from tuoyu.api.service.datasets import dataset_of

    job, plan = _load(st, job_id)
    if job.kind != "roster":
        raise ApiError(422, f"只有排班需要发布；任务“{job_id}”是{kind_zh(job.kind)}。 / Only a "
                            f"roster is published; job '{job_id}' is a {job.kind} plan.")
    if plan is None or "draw.json" not in plan.files:
        raise not_found(f"The draw of job '{job_id}' (status {job.status})",
                        f"任务“{job_id}”的抽取记录（状态：{JOB_STATUS_ZH.get(job.status, job.status)}）")
    row = get_dataset(st, job.dataset_id)
    dataset = dataset_of(row.id, row.path)
    record = json.loads((st.jobs.out_dir(job_id) / "draw.json").read_text(encoding="utf-8"))
    try:
        runner.publish_draw(dataset, record, st.engine)
    except store.RosterStateError as exc:
        raise ApiError(409, runner.state_error_text(exc, lang), "roster_state",
                       reason=exc.code) from None
    return runner.month_state(dataset, str(record["month"]), st.engine)


@router.get("/{job_id}/coverage", response_model=list[StreetCoverage])
def siting_coverage(job_id: str, st: StateDep, _who: Viewer,
                    year: int | None = None) -> list[StreetCoverage]:
    """Children 0–3 served within the walk, per street, before and after the new classes,
    in ``year`` (default: the plan's last year)."""
    import pandas as pd

    job, _result_json = _result(st, job_id)
    if job.kind != "siting":
        raise ApiError(422, f"只有选址方案有覆盖情况；任务“{job_id}”是{kind_zh(job.kind)}。 / "
                            f"Only a siting plan has coverage; job '{job_id}' is a "
                            f"{job.kind} plan.")
    cov = pd.read_csv(st.jobs.out_dir(job_id) / "coverage.csv", dtype={"street_id": str})
    years = sorted(int(y) for y in cov["year"].unique())
    if year is not None and year not in years:
        raise ApiError(404, f"方案中没有 {year} 年；其年份为 {'、'.join(map(str, years))}。 / "
                            f"The plan has no year {year}; its years are "
                            f"{', '.join(map(str, years))}.")
    last = year if year is not None else years[-1]
    cov = cov[cov["year"] == last]
    names: dict[str, str] = {}
    streets = Path(get_dataset(st, job.dataset_id).path) / "streets.csv"
    if streets.exists():
        from tuoyu.models.reader import read_tables

        df = read_tables(streets.parent, ["streets"])["streets"]
        names = dict(zip(df["street_id"].astype(str), df["name"].astype(str), strict=True))

    def truthy(s: pd.Series) -> int:
        return int(s.astype(str).str.lower().isin({"true", "1"}).sum())

    out = []
    for street, g in cov.groupby("street_id", sort=True):
        out.append(StreetCoverage(
            street_id=str(street), name=names.get(str(street), str(street)), year=last,
            communities=len(g), demand=round(float(g["demand"].sum()), 1),
            before=round(float(g["served_before"].sum()), 1),
            after=round(float(g["served"].sum()), 1),
            within_15_min_before=truthy(g["within_15_min_before"]),
            within_15_min_after=truthy(g["within_15_min"]),
        ))
    return out
