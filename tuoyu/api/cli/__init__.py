"""The command line: ``tuoyu roster``, ``tuoyu sessions``, ``tuoyu siting``, ``tuoyu all`` …

Each planner's commands live in their own module (named by its registry entry:
``command``), which exposes ``register(app)``; so do the shared commands (``serve``,
``all``, ``city``); this module only assembles them.
"""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import DefaultPlaceholder

from tuoyu import __version__
from tuoyu.api.cli.usage import ChineseUsage
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
    """tuoyu 托育规划引擎。 tuoyu 托育 planning engine."""


#: every command's own ``--help`` option, Chinese first (the library's is English only)
HELP_OPTION_HELP = "显示本帮助并退出。 Show this message and exit."


def _fold_long_lines() -> None:
    """``--help`` wraps Chinese inside a line. Rich wraps at spaces and cuts a longer run
    with "…"; a Chinese sentence has no spaces, so on an 80-column terminal an option's
    help lost its middle (the seed's "正式抽取……" went missing). Every help text typer
    makes is folded at the column's width instead (typer 0.29.2, pinned)."""
    from rich.text import Text
    from typer import rich_utils

    make = rich_utils._make_rich_text
    if getattr(make, "folds", False):
        return

    def folding(*, text: str, style: str = "", markup_mode: Any) -> Any:
        out = make(text=text, style=style, markup_mode=markup_mode)
        if isinstance(out, Text):
            out.overflow = "fold"
        return out

    folding.folds = True  # type: ignore[attr-defined]
    rich_utils._make_rich_text = folding


_fold_long_lines()


class _ChineseHelp:
    """A command (or group) whose ``--help`` option says what it does in Chinese first."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION_HELP
        return option


class _Command(ChineseUsage, _ChineseHelp, TyperCommand):
    pass


class _Group(ChineseUsage, _ChineseHelp, TyperGroup):
    pass


def _chinese_help_everywhere(app: typer.Typer) -> None:
    """Give every command and group of ``app`` (and of its sub-apps) the Chinese-first
    ``--help`` option and refusals of the parser (:mod:`tuoyu.api.cli.usage`)."""
    if app.info.cls is None or isinstance(app.info.cls, DefaultPlaceholder):
        app.info.cls = _Group
    for info in app.registered_commands:
        if info.cls is None or info.cls is TyperCommand:
            info.cls = _Command
        if info.short_help is None:
            info.short_help = _first_paragraph(info.help or inspect.getdoc(info.callback))
    for group in app.registered_groups:
        if group.typer_instance is not None:
            _chinese_help_everywhere(group.typer_instance)


def _first_paragraph(text: str | None) -> str | None:
    """A command's entry in the list of ``tuoyu --help``: its help's first paragraph,
    the Chinese on one line and the English on the next, each wrapped at the terminal's
    width (the docstring's own line breaks cut a line short with "…" on an 80-column
    terminal)."""
    if not text:
        return None
    line = " ".join(inspect.cleandoc(text).split("\n\n")[0].split())
    both = re.match(r"^(.*?[\u3002\uff09])\s+([A-Za-z].*)$", line)  # 。 or ） then English
    return f"{both[1]}\n{both[2]}" if both else line


def _app_help() -> str:
    """What ``tuoyu --help`` says first: the registered planners, by name."""
    from tuoyu.api.text import label

    zh = "、".join(label(f"{p.kind}.name", "zh") for p in registry.planners())
    en = ", ".join(label(f"{p.kind}.name", "en").lower() for p in registry.planners())
    return (f"托育规划：区托育管理的各项方案——{zh}。 tuoyu 托育: plans for a district "
            f"childcare office — {en}.")


def build_app() -> typer.Typer:
    """The ``tuoyu`` app: every registered planner's commands
    (:mod:`tuoyu.planning.registry`), then the shared ones."""
    app = typer.Typer(
        name="tuoyu",
        help=_app_help(),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        cls=_Group,
    )
    app.callback()(_root)
    modules = [p.command for p in registry.planners()]
    modules += [f"tuoyu.api.cli.{name}" for name in SHARED_COMMANDS]
    for name in modules:
        importlib.import_module(name).register(app)
    _chinese_help_everywhere(app)
    return app


app = build_app()
BUNDLED_DATA = BUNDLED


def main() -> None:
    app()


if __name__ == "__main__":
    main()
