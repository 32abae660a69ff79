"""``tuoyu serve`` (the HTTP service under uvicorn) and ``tuoyu token`` (access tokens)."""

from __future__ import annotations

from pathlib import Path

import typer

from tuoyu.api.cli.common import both, help_of


def _settings(host: str = "127.0.0.1", data: Path | None = None, home: Path | None = None):  # noqa: ANN202
    """The service's settings; a ``TUOYU_*`` variable it cannot use: said, exit 2."""
    from tuoyu.api.service.settings import SettingRefused, Settings

    kwargs: dict[str, object] = {"host": host}
    if data is not None:
        kwargs["data"] = data
    if home is not None:
        kwargs["home"] = home
    try:
        return Settings(**kwargs)  # type: ignore[arg-type]
    except SettingRefused as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


def register(app: typer.Typer) -> None:
    """Add ``tuoyu serve`` and ``tuoyu token``."""
    register_serve(app)
    register_tokens(app)


def cannot_listen(host: str, port: int) -> str | None:
    """Why the service could not listen on ``host``:``port``, in Chinese and English, or
    None when it can. A port above 65535 was taken modulo 65536 (the service listened on
    another port than the one it printed), a port in use or a host that is not this
    machine's ended in uvicorn's English error."""
    import errno
    import socket

    if not 1 <= port <= 65535:
        return both("cli.serve.bad_port", port=str(port))
    try:
        family, kind, proto, _, where = socket.getaddrinfo(host, port,
                                                           type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind(where)
    except socket.gaierror:
        return both("cli.serve.no_host", host=host)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return both("cli.serve.port_busy", port=str(port))
        if exc.errno == errno.EACCES:
            return both("cli.serve.port_denied", port=str(port))
        return both("cli.serve.no_host", host=host)
    return None


def register_serve(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help=help_of("cli.help.serve.host")),
        port: int = typer.Option(8000, help=help_of("cli.help.serve.port")),
        data: Path = typer.Option(None, help=help_of("cli.help.serve.data")),
        home: Path = typer.Option(None, help=help_of("cli.help.home")),
    ) -> None:
        """启动规划服务（/api/v1，文档在 /docs）和网页。 Serve the planning API (/api/v1,
        docs at /docs) and the web pages."""
        import uvicorn

        if data is not None and not data.is_dir():
            typer.echo(both("cli.serve.no_folder", data=str(data)), err=True)
            raise typer.Exit(2)
        refused = cannot_listen(host, port)
        if refused is not None:  # before anything is made: uvicorn said it in English
            typer.echo(refused, err=True)
            raise typer.Exit(2)
        from tuoyu.api.text import render_data_error
        from tuoyu.models.errors import DataError

        settings = _settings(host, data, home)  # before the service's modules read them
        from tuoyu.api.service.app import StartupRefused, create_app

        try:
            application = create_app(settings)
        except StartupRefused as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
        except DataError as exc:  # the folder given is no dataset: what is wrong, no trace
            for lang in ("zh", "en"):
                typer.echo(render_data_error(exc, lang), err=True)  # type: ignore[arg-type]
            raise typer.Exit(2) from None
        uvicorn.run(application, host=host, port=port)



def create(
    role: str = typer.Option(..., help=help_of("cli.help.token.role")),
    name: str = typer.Option(..., help=help_of("cli.help.token.name")),
    home: Path = typer.Option(None, help=help_of("cli.help.home")),
) -> None:
    """生成一个令牌：只显示这一次（库中只存其加盐哈希）。 Make a token; it is printed
    once (only its salted hash is stored)."""
    from tuoyu.api.service import auth
    from tuoyu.api.store import make_engine, migrate

    if role not in auth.ROLES:
        typer.echo(both("cli.token.bad_role", roles=" | ".join(auth.ROLES), role=role),
                   err=True)
        raise typer.Exit(2)
    if not auth.name_allowed(name):
        typer.echo(both("cli.token.bad_name"), err=True)
        raise typer.Exit(2)
    settings = _settings(home=home)
    settings.home.mkdir(parents=True, exist_ok=True)
    migrate(settings.url)
    row, token = auth.create_token(make_engine(settings.url), role, name)
    typer.echo(token)
    typer.echo(both("cli.token.shown_once", id=row.id, role=role), err=True)


def list_cmd(
    home: Path = typer.Option(None, help=help_of("cli.help.home")),
) -> None:
    """列出令牌（编号、名称、角色；从不列出令牌本身）。 List tokens (ids, names, roles;
    never the tokens themselves)."""
    from tuoyu.api.service import auth
    from tuoyu.api.store import make_engine, migrate

    settings = _settings(home=home)
    settings.home.mkdir(parents=True, exist_ok=True)
    migrate(settings.url)
    from tuoyu.api.text import local_time

    for row in auth.list_tokens(make_engine(settings.url)):  # made at: Beijing time
        typer.echo(f"{row.id}\t{row.role}\t{row.name}\t{local_time(row.created_at)}")


def delete_cmd(
    token_id: str = typer.Argument(..., help=help_of("cli.help.token.id")),
    home: Path = typer.Option(None, help=help_of("cli.help.home")),
) -> None:
    """删除一个令牌：此后用它的请求一律拒绝。 Delete a token: requests with it are
    refused from now on."""
    from tuoyu.api.service import auth
    from tuoyu.api.store import make_engine, migrate

    settings = _settings(home=home)
    migrate(settings.url)
    if not auth.delete_token(make_engine(settings.url), token_id):
        typer.echo(both("cli.token.unknown", id=token_id), err=True)
        raise typer.Exit(1)
    typer.echo(both("cli.token.deleted", id=token_id))


def register_tokens(app: typer.Typer) -> None:
    """Add ``tuoyu token create | list | delete``."""
    token_app = typer.Typer(help="服务的访问令牌（viewer | planner | admin）。 Access tokens of "
                            "the service (viewer | planner | admin).")
    token_app.command("create")(create)
    token_app.command("list")(list_cmd)
    token_app.command("delete")(delete_cmd)
    app.add_typer(token_app, name="token")
