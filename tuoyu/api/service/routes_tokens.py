"""``/api/v1/tokens`` (admin): list, make, delete access tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from tuoyu.api.service import auth
from tuoyu.api.service.deps import Admin, StateDep
from tuoyu.api.service.errors import not_found
from tuoyu.api.service.schemas import ERROR_RESPONSES, TokenOut, TokenRequest, iso

router = APIRouter(prefix="/api/v1/tokens", tags=["tokens"], responses=ERROR_RESPONSES)


def token_out(row: Any, token: str | None = None) -> TokenOut:
    return TokenOut(id=row.id, name=row.name, role=row.role, created_at=iso(row.created_at) or "",
                    last_used_at=iso(row.last_used_at), token=token)


@router.get("", response_model=list[TokenOut])
def list_tokens(st: StateDep, _who: Admin
                ) -> list[TokenOut]:
    return [token_out(r) for r in auth.list_tokens(st.engine)]


@router.post("", status_code=201, response_model=TokenOut)
def create_token(req: TokenRequest, st: StateDep,
                 _who: Admin) -> TokenOut:
    """Make a token; the token itself is in this answer only (it is stored hashed)."""
    row, token = auth.create_token(st.engine, req.role, req.name)
    return token_out(row, token)


@router.delete("/{token_id}", status_code=204)
def delete_token(token_id: str, st: StateDep,
                 _who: Admin) -> None:
    if not auth.delete_token(st.engine, token_id):
        raise not_found(f"Token '{token_id}'", f"令牌“{token_id}”")
