"""What routes share: the settings, the engine, the job manager, and the caller's role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
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


async def state(request: Request) -> State:
    """(async: a plain attribute read, not worth a trip to the thread pool)"""
    return request.app.state.tuoyu


def caller(request: Request) -> auth.Caller:
    """The caller of this request. Open (admin) only on localhost with no token stored."""
    st: State = request.app.state.tuoyu
    header = request.headers.get("authorization", "")
    if not header:
        if st.settings.is_local and auth.count_tokens(st.engine) == 0:
            return auth.OPEN
        raise ApiError(401, "This service needs a token: send 'Authorization: Bearer <token>' "
                            "(made by 'tuoyu token create').")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "The Authorization header must be 'Bearer <token>'.")
    who = auth.check_token(st.engine, token.strip())
    if who is None:
        raise ApiError(401, "This token is not known (it may have been deleted).")
    return who


def require(role: str) -> Callable[[Request], auth.Caller]:
    def dep(request: Request) -> auth.Caller:
        who = caller(request)
        if not who.may(role):
            raise ApiError(403, f"This needs the '{role}' role; the token '{who.name}' is a "
                                f"'{who.role}'.")
        return who

    dep.__name__ = f"require_{role}"
    return dep


StateDep = Annotated[State, Depends(state)]
Viewer = Annotated[auth.Caller, Depends(require("viewer"))]
Planner = Annotated[auth.Caller, Depends(require("planner"))]
Admin = Annotated[auth.Caller, Depends(require("admin"))]
