"""Errors as JSON a planner can read: ``{"error", "message", ...}``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tuoyu.models.errors import DataError, InfeasibleError, Problem

KINDS = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large",
         422: "invalid_input", 429: "busy"}


class ApiError(Exception):
    def __init__(self, code: int, message: str, error: str | None = None, **extra: Any):
        self.status = code
        self.error = error or KINDS.get(code, "error")
        self.message = message
        self.extra = extra
        super().__init__(message)


def too_large_message(limit: int, upload: bool = True) -> str:
    """The 413 sentence with the limit the service really applies (both languages: it is
    sent before the request is read, so its language is not known). ``upload``: the
    limit of uploads (``TUOYU_MAX_UPLOAD_MB``), else of every other request's body."""
    mb = f"{limit / 2**20:.4g}"
    if not upload:
        return (f"请求内容超过 {mb} MB 的上限（只有上传数据集和检查结果可以更大）。"
                f" / The request's body is larger than {mb} MB (only uploads of a dataset "
                "or of outcomes may be larger).")
    return (f"上传的内容超过 {mb} MB 的上限（由 TUOYU_MAX_UPLOAD_MB 设定）。"
            f" / The upload is larger than {mb} MB (TUOYU_MAX_UPLOAD_MB).")


def not_found(what: str, zh: str) -> ApiError:
    """404 naming what is not there, in Chinese (``zh``: e.g. 数据集“x”) and English; an
    id sent as a 5,000-character address is not echoed whole (each name at most 200)."""
    return ApiError(404, f"{_short(zh)}不存在。 / {_short(what)} does not exist.")


def _short(text: str, most: int = 200) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def body(error: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": error, "message": message, **extra}


#: at most this many problems are listed in a reply; ``problem_count`` says how many
MAX_PROBLEMS = 200


def problem_dicts(exc: DataError, lang: str = "zh") -> list[dict[str, Any]]:
    """The located problems (at most MAX_PROBLEMS), each also said in ``lang``."""
    from tuoyu.api.text import render_problem

    return [{**p.as_dict(), "text": render_problem(p, lang)}  # type: ignore[arg-type]
            for p in exc.problems[:MAX_PROBLEMS]]


def without_paths(value: Any, places: Mapping[str, str]) -> Any:
    """``value`` (a string, or dicts, lists and tuples of them) with each server folder of
    ``places`` said by what it is instead: a file in it by its own path inside it, the
    folder itself by its name (``places``: folder -> name; longest first, so a job's folder
    under the data root is said as the job's, not the root's)."""
    if isinstance(value, str):
        for folder in sorted(places, key=len, reverse=True):
            if folder and folder in value:
                for sep in {os.sep, "/"}:
                    value = value.replace(folder + sep, "")
                value = value.replace(folder, places[folder])
        return value
    if isinstance(value, dict):
        return {k: without_paths(v, places) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(without_paths(v, places) for v in value)
    return value


def places_of(folders: Mapping[str | Path, str]) -> dict[str, str]:
    """Each folder as given and as resolved (a problem names it either way) -> its name."""
    out: dict[str, str] = {}
    for folder, name in folders.items():
        out[str(folder)] = name
        out[str(Path(folder).resolve())] = name
    return out


def served_data_error(exc: DataError, places: Mapping[str, str]) -> DataError:
    """The problems as the service may show them (a job, a page, a reply): never a server
    folder. A dataset's folder that is no longer there (moved or deleted while served) is
    said as that, naming the dataset (``input.dataset_folder_gone``); any other problem
    keeps its words with each folder of ``places`` said by name (:func:`without_paths`)."""
    problems = []
    for p in exc.problems:
        if p.code == "input.no_folder" and p.file in places:
            name = places[p.file]
            problems.append(Problem(
                "dataset", f"the folder of the dataset '{name}' is no longer on the server "
                "(moved or deleted)", expected="the folder put back, or the dataset uploaded "
                "again", code="input.dataset_folder_gone", params={"dataset": name}))
            continue
        fields = without_paths(
            {"file": p.file, "message": p.message, "column": p.column,
             "expected": p.expected, "got": p.got, "params": dict(p.params)}, places)
        problems.append(Problem(row=p.row, code=p.code, **fields))
    return DataError(problems)


def service_places(st: Any = None, *, engine: Any = None,
                   home: Path | None = None) -> dict[str, str]:
    """The server folders a reply could name, by what the service calls them: every
    dataset's folder by the dataset's name, the data root (``TUOYU_HOME``: uploads, job
    folders) by its variable's name. ``st``: the service's state, else its ``engine`` and
    ``home``."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from tuoyu.api.store import DatasetRow

    if st is not None:
        engine, home = st.engine, getattr(st.settings, "home", None)
    with Session(engine) as s:
        rows = s.execute(select(DatasetRow.path, DatasetRow.name)).all()
    named: dict[str | Path, str] = {path: name for path, name in rows}
    if home is not None:
        named[home] = "TUOYU_HOME"
    return places_of(named)


def data_error_response(exc: DataError, lang: str = "zh") -> JSONResponse:
    from tuoyu.api.text import render_data_error

    n = len(exc.problems)
    return JSONResponse(
        status_code=422,
        content=body("invalid_input",
                     render_data_error(exc, lang, limit=1),  # type: ignore[arg-type]
                     problems=problem_dicts(exc, lang), problem_count=n),
    )


def request_lang(request: Request) -> str:
    """``?lang=`` first, else the first of ``Accept-Language`` we speak, else Chinese."""
    asked = request.query_params.get("lang")
    if asked in ("zh", "en"):
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith(("zh", "en")):
            return tag[:2]
    return "zh"


def validation_response(errors: list[Any], lang: str = "zh") -> JSONResponse:
    """422 for a request pydantic refused: every problem located (where in the body),
    said in ``lang`` (Chinese by default) with the value that was sent."""
    from tuoyu.api.text.validation import got, reason, sentence

    problems = []
    for e in errors[:MAX_PROBLEMS]:
        loc = [str(x) for x in e.get("loc", ())]
        problems.append({
            "file": loc[0] if loc else "request", "row": None,
            "column": ".".join(loc[1:]) or None, "message": sentence(e, lang),
            # what was expected, in words (pydantic's type code, e.g. "extra_forbidden",
            # said nothing to a planner)
            "expected": reason(e, lang), "got": got(e), "code": e.get("type"),
            "text": sentence(e, lang)})
    head = "请求不正确" if lang == "zh" else "The request is not valid"
    msg = head + ("：" if lang == "zh" else ": ") + problems[0]["message"] if problems else head
    return JSONResponse(status_code=422, content=body(
        "invalid_input", msg, problems=problems, problem_count=len(errors)))


class Unexpected:
    """An error no handler expected (a 500): answered in Chinese and English naming its
    kind only, and logged as its kind and where it happened (file names, lines,
    functions), never its text nor a folder: an exception's words may quote a family or a
    server folder, and uvicorn logged them whole. The outermost of the app's own
    middleware, so the error ends here."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            import logging
            import traceback

            kind = type(exc).__name__
            frames = [f for f in reversed(traceback.extract_tb(exc.__traceback__))
                      if "site-packages" not in f.filename][:8]  # ours, innermost first
            where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in frames)
            logging.getLogger("tuoyu.service").error(
                "unexpected %s in %s %s at %s", kind, scope.get("method"),
                scope.get("path", "")[:200], where)
            if started:  # the reply is under way: it ends short
                return
            body = JSONResponse(status_code=500, content={
                "error": "internal", "message": f"服务内部出错（{kind}），未能完成此请求；已记入"
                "服务日志，请告知管理员发生的时间。 / The service failed on this request "
                f"({kind}); it is in the service's log: tell the administrator when."})
            await body(scope, receive, send)


def framework_message(status: int, detail: Any) -> str:
    """A refusal of the web framework (every ``HTTPException``: the routes raise
    :class:`ApiError`), in Chinese and then English (it may come before the request is
    read, so its language is not known): the framework's own words are English only
    ("There was an error parsing the body"), so a body it cannot read (400) is said in
    ours; any other status keeps its words, shortened, beside the status."""
    from tuoyu.api.text import message

    code = f"service.http.{status}"
    code = code if code in ("service.http.400", "service.http.404", "service.http.405") \
        else "service.http.other"
    params = {"status": status, "detail": _short(str(detail or ""), 200)}
    return f"{message(code, params, 'zh')}。 / {message(code, params, 'en')}."


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(_r: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(status_code=exc.status,
                            content=body(exc.error, exc.message, **exc.extra))

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        st = getattr(request.app.state, "tuoyu", None)  # None: a bare app of the tests
        if st is not None:
            from fastapi.concurrency import run_in_threadpool

            exc = served_data_error(exc, await run_in_threadpool(service_places, st))
        return data_error_response(exc, request_lang(request))

    @app.exception_handler(InfeasibleError)
    async def _infeasible(_r: Request, exc: InfeasibleError) -> JSONResponse:
        from tuoyu.api.text import render

        clashes = [{**c.as_dict(), "message": render(c)} for c in exc.clashes]
        return JSONResponse(status_code=409, content=body(
            "infeasible", "；".join(c["message"] for c in clashes), clashes=clashes))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_response(list(exc.errors()), request_lang(request))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_r: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(status_code=exc.status_code,
                            content=body(KINDS.get(exc.status_code, "error"), framework_message(
                                exc.status_code, exc.detail)),
                            headers=getattr(exc, "headers", None))
