"""The command line: ``tuoyu roster``, ``tuoyu sessions``, ``tuoyu siting``, ``tuoyu all`` …

Each planner's commands live in their own module (named by its registry entry:
``command``), which exposes ``register(app)``; so do the shared commands (``serve``,
``all``, ``city``); this module only assembles them.
"""

from __future__ import annotations

import importlib

import typer

from tuoyu import __version__
from tuoyu.data import BUNDLED
from tuoyu.planning import registry

#: the commands that are not a planner's: the service, every planner at once, many districts,
#: the action plan's scorecard
SHARED_COMMANDS = ("serve", "all", "city", "scorecard")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tuoyu {__version__}")
        raise typer.Exit()


def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="显示版本号并退出。 Print the version and exit."
    ),
) -> None:
    """tuoyu 托育 planning engine."""


def build_app() -> typer.Typer:
    """The ``tuoyu`` app: every registered planner's commands
    (:mod:`tuoyu.planning.registry`), then the shared ones."""
    app = typer.Typer(
        name="tuoyu",
        help=(
            "托育规划：区托育管理的各项方案——月度检查排班（双随机）、年度指导活动日历、"
            "公办托班选址。 tuoyu 托育: plans for a district childcare office — monthly "
            "inspection rosters (双随机), the yearly guidance-session calendar, and siting "
            "new public nursery classes."
        ),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    app.callback()(_root)
    modules = [p.command for p in registry.planners()]
    modules += [f"tuoyu.api.cli.{name}" for name in SHARED_COMMANDS]
    for name in modules:
        importlib.import_module(name).register(app)
    return app


app = build_app()
BUNDLED_DATA = BUNDLED


def main() -> None:
    app()


if __name__ == "__main__":
    main()
