"""The command line: ``tuoyu roster``, ``tuoyu sessions``, ``tuoyu siting``, ``tuoyu all`` …

Each planner's commands live in their own module (``cli_roster``, ``cli_sessions``,
``cli_siting``), which exposes ``register(app)``; this module only assembles them.
"""

from __future__ import annotations

import importlib

import typer

from tuoyu import __version__
from tuoyu.data import BUNDLED

app = typer.Typer(
    name="tuoyu",
    help=(
        "tuoyu 托育: plans for a district childcare office — monthly inspection rosters "
        "(双随机), the yearly guidance-session calendar, and siting new public nursery classes."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

BUNDLED_DATA = BUNDLED

PLANNER_MODULES = ("roster", "sessions", "siting", "serve", "all", "city", "scorecard")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tuoyu {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """tuoyu 托育 planning engine."""


for _name in PLANNER_MODULES:
    try:
        _module = importlib.import_module(f"tuoyu.api.cli.{_name}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"tuoyu.api.cli.{_name}":
            raise
        continue
    _module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
