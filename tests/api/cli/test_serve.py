"""``tuoyu serve`` and ``tuoyu token`` (``tuoyu.api.cli.serve``) as an administrator
types them: a token is printed once and works, is listed without its secret and in
Beijing time, deleted, and an unknown one named; a role that does not exist is refused;
the service refuses to start on the network without an admin token, or with a --data
folder that is not there, and otherwise listens where it was told (uvicorn stood in)."""

from __future__ import annotations

from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner
from web_support import free_port

from tuoyu.api import store
from tuoyu.api.cli import build_app
from tuoyu.api.service import auth

RUN = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TUOYU_DATABASE_URL", raising=False)
    return tmp_path / "home"


def _tuoyu(*args: str):  # noqa: ANN202
    return RUN.invoke(build_app(), list(args))


def test_a_token_is_made_listed_and_deleted(home: Path) -> None:
    made = _tuoyu("token", "create", "--role", "planner", "--name", "张老师", "--home", str(home))
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[0]
    engine = store.engine(store.default_url(home.resolve()))
    who = auth.check_token(engine, token)
    assert who is not None and who.role == "planner" and who.name == "张老师"
    listed = _tuoyu("token", "list", "--home", str(home))
    assert listed.exit_code == 0
    (line,) = listed.stdout.strip().splitlines()
    token_id, role, name, made_at = line.split("\t")
    assert (role, name) == ("planner", "张老师") and token not in listed.stdout
    assert made_at  # Beijing time, as tuoyu.api.text.local_time writes it
    assert _tuoyu("token", "delete", token_id, "--home", str(home)).exit_code == 0
    assert auth.check_token(engine, token) is None
    gone = _tuoyu("token", "delete", token_id, "--home", str(home))
    assert gone.exit_code == 1 and token_id in gone.output


def test_a_role_that_does_not_exist_is_refused(home: Path) -> None:
    res = _tuoyu("token", "create", "--role", "root", "--name", "x", "--home", str(home))
    assert res.exit_code == 2 and "viewer | planner | admin" in res.output
    assert "--role 应为" in res.output  # Chinese first
    assert not home.exists()  # nothing made


def test_serve_refuses_a_missing_data_folder(home: Path, tmp_path: Path) -> None:
    res = _tuoyu("serve", "--data", str(tmp_path / "nowhere"), "--home", str(home))
    assert res.exit_code == 2 and "no such folder" in res.output


def test_serve_refuses_a_port_it_cannot_listen_on_in_chinese_first(
        home: Path, monkeypatch) -> None:  # noqa: ANN001
    """Port 99999 was taken modulo 65536 (the service said :99999 and listened on
    34463); a port in use ended in uvicorn's English "address already in use", exit 3.
    Both are refused before anything is made, Chinese first, exit 2."""
    import socket

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("started"))
    res = _tuoyu("serve", "--port", "99999", "--home", str(home))
    assert res.exit_code == 2 and res.output.startswith("--port 99999：端口应在 1 到 65535 之间")
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        res = _tuoyu("serve", "--port", str(port), "--home", str(home))
    assert res.exit_code == 2 and res.output.startswith(f"端口 {port} 已被占用"), res.output
    assert not home.exists()  # nothing made


def test_serve_refuses_a_folder_that_is_no_dataset(home: Path, tmp_path: Path,
                                                   monkeypatch) -> None:  # noqa: ANN001
    """A --data folder with no table of the contract: said in Chinese and English, what
    was expected, exit 2, never a traceback; nothing listens."""
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("started"))
    empty = tmp_path / "empty"
    empty.mkdir()
    res = _tuoyu("serve", "--data", str(empty), "--home", str(home))
    assert res.exit_code == 2, res.output
    assert "institutions.csv" in res.output and "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in res.output.splitlines()[0])


def test_serve_on_the_network_needs_an_admin_token(home: Path, monkeypatch) -> None:
    started: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append(kw))
    res = _tuoyu("serve", "--host", "0.0.0.0", "--port", str(free_port()), "--home", str(home))
    assert res.exit_code == 2 and started == []
    assert "token" in res.output.lower()


def test_serve_on_the_network_starts_with_an_admin_token(home: Path, monkeypatch) -> None:
    started: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append(kw))
    assert _tuoyu("token", "create", "--role", "admin", "--name", "root", "--home",
                  str(home)).exit_code == 0
    port = free_port()  # the service checks it can listen there before it starts
    res = _tuoyu("serve", "--host", "0.0.0.0", "--port", str(port), "--home", str(home))
    assert res.exit_code == 0, res.output
    assert started == [{"host": "0.0.0.0", "port": port}]


def test_serve_on_localhost_listens_where_told(home: Path, monkeypatch) -> None:
    started: list[tuple[object, dict]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append((app, kw)))
    port = free_port()
    res = _tuoyu("serve", "--port", str(port), "--home", str(home))
    assert res.exit_code == 0, res.output
    (app, kw), = started
    assert kw == {"host": "127.0.0.1", "port": port}
    assert app.state.tuoyu.settings.home == home.resolve()


def test_a_name_that_would_break_the_token_list_is_refused(home: Path) -> None:
    """``tuoyu token list`` prints a token a line: a newline in a name would make two."""
    res = _tuoyu("token", "create", "--role", "viewer", "--name", "a\nb", "--home", str(home))
    assert res.exit_code == 2 and "--name" in res.output and "换行" in res.output
    assert not home.exists()  # nothing made


def test_serve_with_an_upload_check_limit_it_cannot_use_refuses_to_start(home: Path,
                                                                         monkeypatch) -> None:
    """``TUOYU_CHECK_SECONDS=abc`` (read where uploads are checked, at that module's import)
    ended tuoyu serve in a traceback: refused by its name first, exit 2, nothing started."""
    started: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append(app))
    monkeypatch.setenv("TUOYU_CHECK_SECONDS", "abc")
    res = _tuoyu("serve", "--port", str(free_port()), "--home", str(home))
    assert res.exit_code == 2 and not started
    assert res.output.startswith("环境变量 TUOYU_CHECK_SECONDS=“abc”：应为数字"), res.output
