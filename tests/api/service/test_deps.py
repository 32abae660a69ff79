"""Who is calling (``tuoyu.api.service.deps``), on a bare FastAPI app with only the
dependencies and the error handlers: open on localhost with no token stored; else a
bearer token of a role at least the route's (401 without or with a wrong one, 403 with
a lower role), said in a body a planner can read."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tuoyu.api import store
from tuoyu.api.service import auth, errors
from tuoyu.api.service.deps import Admin, Planner, Viewer


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """One store for the module (migrating one takes a second), emptied of tokens before
    each test."""
    return store.engine(f"sqlite:///{tmp_path_factory.mktemp('deps') / 'store.sqlite'}")


@pytest.fixture(autouse=True)
def _no_tokens(engine) -> None:  # noqa: ANN001
    for row in auth.list_tokens(engine):
        auth.delete_token(engine, row.id)


def _app(engine, host: str) -> FastAPI:  # noqa: ANN001
    app = FastAPI()
    errors.install(app)
    app.state.tuoyu = SimpleNamespace(settings=SimpleNamespace(is_local=host == "127.0.0.1"),
                                      engine=engine)

    @app.get("/v")
    def v(who: Viewer) -> dict:
        return {"role": who.role, "name": who.name}

    @app.get("/p")
    def p(who: Planner) -> dict:
        return {"role": who.role}

    @app.get("/a")
    def a(who: Admin) -> dict:
        return {"role": who.role}

    return app


def test_localhost_without_tokens_is_open(engine) -> None:
    app = _app(engine, "127.0.0.1")
    with TestClient(app) as c:
        for path in ("/v", "/p", "/a"):
            assert c.get(path).json()["role"] == "admin"


def test_a_service_on_the_network_needs_a_token_even_with_none_stored(engine) -> None:
    app = _app(engine, "0.0.0.0")
    with TestClient(app) as c:
        r = c.get("/v")
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    assert "tuoyu token create" in r.json()["message"]


def test_once_a_token_exists_localhost_needs_one_too(engine) -> None:
    app = _app(engine, "127.0.0.1")
    auth.create_token(engine, "viewer", "看板")
    with TestClient(app) as c:
        assert c.get("/v").status_code == 401


@pytest.mark.parametrize(("role", "allowed"), [("viewer", {"/v"}), ("planner", {"/v", "/p"}),
                                              ("admin", {"/v", "/p", "/a"})])
def test_a_role_reaches_its_routes_and_those_below(engine, role: str,
                                                   allowed: set[str]) -> None:
    app = _app(engine, "0.0.0.0")
    _, token = auth.create_token(engine, role, f"{role}-1")
    with TestClient(app) as c:
        for path in ("/v", "/p", "/a"):
            r = c.get(path, headers={"Authorization": f"Bearer {token}"})
            if path in allowed:
                assert r.status_code == 200 and r.json()["role"] == role
            else:
                assert r.status_code == 403 and r.json()["error"] == "forbidden"
                assert f"'{role}-1' is a '{role}'" in r.json()["message"]


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer    ", "Token x y",
                                    "Bearer not-a-token"])
def test_a_malformed_or_unknown_token_is_401(engine, header: str) -> None:
    app = _app(engine, "0.0.0.0")
    auth.create_token(engine, "admin", "root")
    with TestClient(app) as c:
        r = c.get("/v", headers={"Authorization": header})
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"


def test_a_deleted_token_no_longer_opens(engine) -> None:
    app = _app(engine, "0.0.0.0")
    row, token = auth.create_token(engine, "planner", "p")
    auth.create_token(engine, "admin", "root")
    with TestClient(app) as c:
        assert c.get("/p", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert auth.delete_token(engine, row.id)
        r = c.get("/p", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and "deleted" in r.json()["message"]
