"""The assembled command line (``tuoyu.api.cli``): every word of every command's --help is
there in Chinese first, and the app's description names the registered planners."""

from __future__ import annotations

import re
from collections.abc import Iterator

import typer
from typer.testing import CliRunner

from tuoyu.api.cli import HELP_OPTION_HELP, build_app
from tuoyu.api.text import label
from tuoyu.planning import registry

CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")  # ideographs and punctuation


def _commands(cmd: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, object]]:
    yield " ".join(path) or "tuoyu", cmd
    for name, sub in sorted(getattr(cmd, "commands", {}).items()):
        yield from _commands(sub, (*path, name))


#: English prose: three words in a row ("Record inspection outcomes"), not a value or
#: a column name standing alone ("announcement（…）", "CSV/XLSX：institution_id、date")
ENGLISH = re.compile(r"[A-Za-z']+(?: [A-Za-z',()]+){2,}")


def _chinese_first(text: str) -> bool:
    """Chinese, and before any English prose."""
    first_cjk = CJK.search(text)
    if first_cjk is None:
        return False
    prose = ENGLISH.search(text)
    return prose is None or first_cjk.start() < prose.start()


def test_every_command_and_option_says_what_it_does_in_chinese_first():
    root = typer.main.get_command(build_app())
    ctx = typer.Context(root)
    english_only = []
    for path, cmd in _commands(root):
        if not _chinese_first(cmd.help or ""):
            english_only.append(f"{path}: {cmd.help!r}")
        for param in [*cmd.params, cmd.get_help_option(ctx)]:
            if param is None or getattr(param, "hidden", False):
                continue
            text = getattr(param, "help", None) or ""
            if not _chinese_first(text):
                english_only.append(f"{path} {'/'.join(param.opts)}: {text!r}")
    assert english_only == []


def test_the_help_option_is_chinese_first():
    out = CliRunner().invoke(build_app(), ["visits", "--help"], env={"COLUMNS": "300"}).output
    assert HELP_OPTION_HELP in out and "Show this message and exit." in out


def test_the_app_names_every_registered_planner():
    out = CliRunner().invoke(build_app(), ["--help"], env={"COLUMNS": "300"}).output
    for p in registry.planners():
        assert label(f"{p.kind}.name", "zh") in out
