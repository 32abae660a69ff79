"""A command line the parser refuses (``tuoyu.api.cli.usage``): said from the catalogue,
Chinese first then English, with the command's --help, exit 2, nothing written."""

from __future__ import annotations

import pytest
import typer
from cli_support import commands as _commands
from typer.testing import CliRunner

from tuoyu.api.cli import build_app


def _required(cmd: object) -> bool:
    return any(getattr(p, "required", False) for p in getattr(cmd, "params", []))


#: a careless command line of each kind the parser refuses, and what it must say first
CARELESS = [
    (["visits"], "缺少必需的选项 --week（要规划的一周"),
    (["sessions", "--year", "abc"], "--year 的取值不正确：应为整数，实际为“abc”"),
    (["siting", "--class-fill", "多"], "--class-fill 的取值不正确：应为数字"),
    (["sessions", "--yeer", "2027"], "没有选项 --yeer；是不是"),
    (["sessions", "--year"], "选项 --year 后面须给一个值"),
    (["rostr"], "没有命令 rostr；是不是 roster？"),
    (["token"], "缺少命令"),
    (["siting", "--years", "2027-2029", "extra"], "多余的参数 extra"),
    (["roster", "verify"], "缺少必需的参数 PATHS"),
]


@pytest.mark.parametrize(("args", "first"), CARELESS, ids=[" ".join(a) for a, _ in CARELESS])
def test_a_command_line_the_parser_refuses_is_said_in_chinese_first(args, first):
    """click's "Missing option '--week'." in an English box was all a planner saw; every
    refusal of the parser now comes from the catalogue, Chinese then English, exit 2."""
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0].startswith("用法不正确：") and first in lines[0]
    assert lines[1].startswith("运行 tuoyu") and lines[1].endswith("--help 查看各命令和选项。")
    assert lines[2].startswith("Usage error: ") and "Error" not in result.output
    assert lines[-1] == "什么也没有写入。 Nothing was written."


def test_every_command_missing_its_required_option_says_so_in_chinese_first():
    """Each command with a required option or argument, run without any: the parser's
    refusal, Chinese first, naming the command's --help (nothing runs)."""
    app = build_app()
    english = []
    for path, cmd in _commands(typer.main.get_command(app)):
        if path == "tuoyu" or not _required(cmd) or getattr(cmd, "commands", None):
            continue
        result = CliRunner().invoke(app, path.split())
        first = result.output.splitlines()[0] if result.output else ""
        if result.exit_code != 2 or not first.startswith("用法不正确：缺少必需的") or \
                f"运行 tuoyu {path} --help" not in result.output:
            english.append((path, result.exit_code, result.output[:200]))
    assert english == []
