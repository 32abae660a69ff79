"""``/api/v1/tokens`` (``tuoyu.api.service.routes_tokens``) on a bare app with only that
router: an admin makes a token (shown once, stored hashed), lists them without the
secret, deletes one (404 for one that is not there); a planner's token may do none of
it; a bad role or an empty name is refused before anything is stored."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from tuoyu.api import store
from tuoyu.api.service import auth, errors
from tuoyu.api.service.routes_tokens import router


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    engine = store.engine(f"sqlite:///{tmp_path_factory.mktemp('tok') / 'store.sqlite'}")
    app = FastAPI()
    errors.install(app)
    app.include_router(router)
    app.state.tuoyu = SimpleNamespace(settings=SimpleNamespace(is_local=False), engine=engine)
    _, root = auth.create_token(engine, "admin", "root")
    with TestClient(app) as c:
        yield c, engine, {"Authorization": f"Bearer {root}"}


def test_make_list_use_and_delete_a_token(served) -> None:  # noqa: ANN001
    c, engine, admin = served
    r = c.post("/api/v1/tokens", json={"role": "planner", "name": "张老师 (roster)"},
               headers=admin)
    assert r.status_code == 201
    made = r.json()
    assert made["role"] == "planner" and made["name"] == "张老师 (roster)" and made["token"]
    assert auth.check_token(engine, made["token"]).role == "planner"
    with engine.connect() as conn:  # stored hashed: the secret is in no column
        rows = conn.execute(text("SELECT * FROM api_tokens")).all()
    assert not any(made["token"] in str(v) for row in rows for v in row)
    listed = c.get("/api/v1/tokens", headers=admin).json()
    mine = next(t for t in listed if t["id"] == made["id"])
    assert mine["token"] is None and mine["created_at"]
    assert c.delete(f"/api/v1/tokens/{made['id']}", headers=admin).status_code == 204
    assert made["id"] not in {t["id"] for t in c.get("/api/v1/tokens", headers=admin).json()}
    r = c.delete(f"/api/v1/tokens/{made['id']}", headers=admin)
    assert r.status_code == 404 and r.json()["error"] == "not_found"


def test_a_planner_may_not_manage_tokens(served) -> None:  # noqa: ANN001
    c, engine, _ = served
    _, planner = auth.create_token(engine, "planner", "p")
    h = {"Authorization": f"Bearer {planner}"}
    assert c.get("/api/v1/tokens", headers=h).status_code == 403
    before = auth.count_tokens(engine)
    assert c.post("/api/v1/tokens", json={"role": "admin", "name": "me"}, headers=h
                  ).status_code == 403
    assert auth.count_tokens(engine) == before


@pytest.mark.parametrize("body", [{"role": "root", "name": "x"}, {"role": "viewer", "name": ""},
                                  {"role": "viewer", "name": "x" * 201}, {"role": "viewer"},
                                  {"role": "viewer", "name": "张老师\n(二楼)"},
                                  {"role": "viewer", "name": "a\u202eb"}])
def test_a_bad_request_stores_nothing(served, body: dict) -> None:  # noqa: ANN001
    c, engine, admin = served
    before = auth.count_tokens(engine)
    r = c.post("/api/v1/tokens", json=body, headers=admin)
    assert r.status_code == 422 and r.json()["error"] == "invalid_input"
    assert auth.count_tokens(engine) == before
    said = r.json()["message"]  # in Chinese, the parameter named (it said "name：String
    assert "should" not in said and "pattern" not in said, said  # should match pattern …")
    assert "名称（name）" in said or "角色（role）" in said, said
