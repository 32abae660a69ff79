"""Access: open on localhost with no token; tokens with roles (401/403); tokens managed by
an admin over the API and by ``tuoyu token create``; a non-localhost service refuses to
start without an admin token; the web pages and the OpenAPI examples."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_support import client, settings
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from web_support import free_port

from tuoyu.api.service import auth
from tuoyu.api.service.app import StartupRefused, create_app
from tuoyu.api.store import ApiToken, make_engine


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_roles(tmp_path: Path) -> None:
    with client(tmp_path, start_jobs=False) as c:
        # open: localhost and no token yet
        assert c.get("/api/v1/tokens").status_code == 200
        r = c.post("/api/v1/tokens", json={"role": "admin", "name": "lead"})
        assert r.status_code == 201
        admin = r.json()["token"]
        assert admin.startswith("tuoyu_")
        # from now on a token is needed
        r = c.get("/api/v1/datasets")
        assert r.status_code == 401 and r.json()["error"] == "unauthorized"
        assert c.get("/api/v1/datasets", headers=bearer("tuoyu_x_y")).status_code == 401
        assert c.get("/api/v1/datasets", headers={"Authorization": "Basic abc"}).status_code \
            == 401
        viewer = c.post("/api/v1/tokens", json={"role": "viewer", "name": "v"},
                        headers=bearer(admin)).json()
        planner = c.post("/api/v1/tokens", json={"role": "planner", "name": "p"},
                         headers=bearer(admin)).json()
        assert c.get("/api/v1/datasets", headers=bearer(viewer["token"])).status_code == 200
        job = {"kind": "roster", "dataset_id": "x", "params": {"month": "2027-03"}}
        r = c.post("/api/v1/jobs", json=job, headers=bearer(viewer["token"]))
        assert r.status_code == 403 and "planner" in r.json()["message"]
        # a planner passes the role check (404: no such dataset)
        assert c.post("/api/v1/jobs", json=job, headers=bearer(planner["token"])).status_code \
            == 404
        assert c.get("/api/v1/tokens", headers=bearer(planner["token"])).status_code == 403
        listed = c.get("/api/v1/tokens", headers=bearer(admin)).json()
        assert {t["role"] for t in listed} == {"admin", "viewer", "planner"}
        assert all(t["token"] is None for t in listed)
        r = c.post("/api/v1/tokens", json={"role": "boss", "name": "x"}, headers=bearer(admin))
        assert r.status_code == 422
        assert c.delete(f"/api/v1/tokens/{viewer['id']}", headers=bearer(admin)).status_code \
            == 204
        assert c.delete(f"/api/v1/tokens/{viewer['id']}", headers=bearer(admin)).status_code \
            == 404
        assert c.get("/api/v1/datasets", headers=bearer(viewer["token"])).status_code == 401


def test_tokens_stored_hashed(tmp_path: Path) -> None:
    s = settings(tmp_path)
    create_app(s)
    eng = make_engine(s.url)
    row, token = auth.create_token(eng, "planner", "p")
    from sqlalchemy.orm import Session

    with Session(eng) as ses:
        stored = ses.get(ApiToken, row.id)
        assert stored is not None and token not in (stored.hash, stored.salt)
    assert auth.check_token(eng, token) == auth.Caller(row.id, "p", "planner")
    assert auth.check_token(eng, token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_non_local_needs_admin_token(tmp_path: Path) -> None:
    s = settings(tmp_path, host="0.0.0.0", start_jobs=False)
    with pytest.raises(StartupRefused, match="admin token"):
        create_app(s)
    eng = make_engine(s.url)
    auth.create_token(eng, "viewer", "v")
    with pytest.raises(StartupRefused):
        create_app(s)
    _row, admin = auth.create_token(eng, "admin", "a")
    with TestClient(create_app(s), base_url="http://localhost") as c:
        assert c.get("/api/v1/datasets").status_code == 401  # never open off localhost
        assert c.get("/api/v1/datasets", headers=bearer(admin)).status_code == 200


def test_cli_token_and_serve_refusal(tmp_path: Path) -> None:
    from tuoyu.api.cli import app

    home = tmp_path / "home"
    runner = CliRunner()
    r = runner.invoke(app, ["token", "create", "--role", "planner", "--name", "张",
                            "--home", str(home)], env={"TUOYU_DATABASE_URL": ""})
    assert r.exit_code == 0, r.output
    token = r.stdout.strip().splitlines()[0]
    s = settings(tmp_path)
    with TestClient(create_app(s), base_url="http://localhost") as c:
        assert c.get("/api/v1/datasets", headers=bearer(token)).status_code == 200
        assert c.get("/api/v1/datasets").status_code == 401
    r = runner.invoke(app, ["token", "list", "--home", str(home)],
                      env={"TUOYU_DATABASE_URL": ""})
    assert "planner" in r.stdout and token not in r.stdout
    r = runner.invoke(app, ["token", "create", "--role", "king", "--name", "x",
                            "--home", str(home)], env={"TUOYU_DATABASE_URL": ""})
    assert r.exit_code == 2
    r = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--port", str(free_port()),
                            "--home", str(tmp_path / "h2")], env={"TUOYU_DATABASE_URL": ""})
    assert r.exit_code == 2 and "admin token" in r.output


def test_pages_and_openapi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tuoyu.api.service import app as app_module

    web = tmp_path / "web"
    (web / "static").mkdir(parents=True)
    (web / "index.html").write_text("<h1>托育</h1>", encoding="utf-8")
    (web / "static" / "app.js").write_text("1;", encoding="utf-8")
    monkeypatch.setattr(app_module, "WEB", web)
    with client(tmp_path, start_jobs=False) as c:
        r = c.get("/")
        assert r.status_code == 200 and "托育" in r.text
        assert c.get("/static/app.js").text == "1;"
        assert c.get("/map").status_code == 404  # no map.html (yet)
        assert c.get("/api/v1/health").json()["status"] == "ok"
        spec = c.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            content = op.get("requestBody", {}).get("content", {})
            for media, body in content.items():
                if media != "application/json":
                    continue
                ref = body.get("schema", {}).get("$ref", "")
                schema = spec["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
                assert body.get("example") or body.get("examples") or schema.get("examples"), (
                    method, path)
