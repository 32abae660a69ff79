"""The assembled command line (``tuoyu.api.cli``): every word of every command's --help is
there in Chinese first, and the app's description names the registered planners."""

from __future__ import annotations

import re

import typer
from cli_support import commands as _commands
from typer.testing import CliRunner

from tuoyu.api.cli import HELP_OPTION_HELP, build_app
from tuoyu.api.text import label
from tuoyu.planning import registry

CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")  # ideographs and punctuation


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


def test_help_on_an_80_column_terminal_cuts_nothing():
    """Rich wraps at spaces and cut a longer run with "…": a Chinese sentence (no
    spaces) lost its middle on an 80-column terminal. Every command's --help, and the
    list of commands, now folds it, whole."""
    app = build_app()
    root = typer.main.get_command(app)
    cut = []
    for path, _cmd in _commands(root):
        args = [] if path == "tuoyu" else path.split()
        out = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "80"}).output
        if "…" in out:
            cut.append((path, [line for line in out.splitlines() if "…" in line]))
    assert cut == []
    out = CliRunner().invoke(app, ["roster", "--help"], env={"COLUMNS": "80"}).output
    flat = "".join(ch for ch in out if not ch.isspace() and ch != "│")
    assert ("草稿或测试用的种子（永远不是正式抽取）。正式抽取不给种子：种子来自本月已取得随机来源"
            "的承诺（tuoyuroster" in flat)


def test_the_list_of_commands_says_each_in_chinese_then_english_on_its_own_line():
    out = CliRunner().invoke(build_app(), ["--help"], env={"COLUMNS": "80"}).output
    sessions = next(i for i, line in enumerate(out.splitlines()) if "│ sessions " in line)
    first, second = out.splitlines()[sessions:sessions + 2]
    assert "年度指导活动日历：每个育婴指导中心至少六次活动。" in first and "The" not in first
    assert "The yearly guidance-session calendar" in second
