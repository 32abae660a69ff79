"""What routes share: the settings, the engine, the job manager, and the caller's role."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, TypeVar

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter
from sqlalchemy.engine import Engine

from tuoyu.api.service import auth
from tuoyu.api.service.apart import Slots
from tuoyu.api.service.errors import ApiError
from tuoyu.api.service.jobs import JobManager
from tuoyu.api.service.settings import Settings


@dataclass
class State:
    settings: Settings
    engine: Engine
    jobs: JobManager
    #: heavy work of requests under way (uploads checked, outcomes, verify, table reads)
    slots: Slots
    #: the dataset the pages open on: the folder served (``tuoyu serve --data``), else the
    #: bundled data
    default_dataset: str = "baoshan"
    #: tokens checked a moment ago (:class:`auth.TokenCache`)
    tokens: auth.TokenCache = field(default_factory=auth.TokenCache)


async def state(request: Request) -> State:
    """(async: a plain attribute read, not worth a trip to the thread pool)"""
    return request.app.state.tuoyu


async def caller(request: Request) -> auth.Caller:
    """The caller of this request. Open (admin) only on localhost with no token stored.

    Async: a token checked a moment ago is known without the database (no trip to the
    thread pool); a new one, and the open-mode count, are looked up in the pool."""
    st: State = request.app.state.tuoyu
    header = request.headers.get("authorization", "")
    if not header:
        if st.settings.is_local and await run_in_threadpool(auth.count_tokens, st.engine) == 0:
            return auth.OPEN
        raise ApiError(401, "本服务需要令牌：请在请求头中发送“Authorization: Bearer <令牌>”"
                            "（令牌由 tuoyu token create 生成）。 / This service needs a token: "
                            "send 'Authorization: Bearer <token>' (made by 'tuoyu token "
                            "create').")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "Authorization 请求头应为“Bearer <令牌>”。 / The Authorization "
                            "header must be 'Bearer <token>'.")
    cache: auth.TokenCache | None = getattr(st, "tokens", None)  # None: a bare test app
    who = cache.get(token) if cache is not None else None
    if who is None:
        deleted = auth.deletions()
        who = await run_in_threadpool(auth.check_token, st.engine, token)
        if who is None:
            raise ApiError(401, "此令牌无效（可能已被删除）。 / This token is not known (it may "
                                "have been deleted).")
        if cache is not None:
            cache.put(token, who, deleted)
    return who


#: the roles as a planner reads them
ROLE_ZH = {"viewer": "查看者", "planner": "规划员", "admin": "管理员"}


def require(role: str) -> Callable[[Request], Awaitable[auth.Caller]]:
    async def dep(request: Request) -> auth.Caller:
        who = await caller(request)
        if not who.may(role):
            raise ApiError(403, f"此操作需要“{ROLE_ZH.get(role, role)}”（{role}）角色；令牌"
                                f"“{who.name}”的角色是“{ROLE_ZH.get(who.role, who.role)}”"
                                f"（{who.role}）。 / This needs the '{role}' role; the token "
                                f"'{who.name}' is a '{who.role}'.")
        return who

    dep.__name__ = f"require_{role}"
    return dep


T = TypeVar("T")


def answered(shape: TypeAdapter[T], value: T) -> Response:
    """``value`` as the JSON body of a 200, serialized here (in the thread that made it).

    The hot reads return this instead of models: FastAPI would otherwise check the
    models against the route's ``response_model`` in another trip to the thread pool
    (each trip is a wait for the interpreter lock behind the other requests); the route
    keeps its ``response_model`` for the OpenAPI page, and ``shape`` is that model."""
    return Response(shape.dump_json(value), media_type="application/json")


StateDep = Annotated[State, Depends(state)]
Viewer = Annotated[auth.Caller, Depends(require("viewer"))]
Planner = Annotated[auth.Caller, Depends(require("planner"))]
Admin = Annotated[auth.Caller, Depends(require("admin"))]
