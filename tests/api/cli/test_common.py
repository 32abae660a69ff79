"""What every command shares (``tuoyu.api.cli.common``): one ``--lang`` check for every
command that prints, options whose default is the parameters' own, help Chinese first."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from tuoyu.api.cli import app
from tuoyu.api.cli.common import make_params
from tuoyu.planning.params import RosterParams, SessionParams, SitingParams

runner = CliRunner()


def commands_with_lang() -> list[list[str]]:
    """Every command (and subcommand) of tuoyu that has a --lang option."""
    root = typer.main.get_command(app)
    found = []

    def walk(cmd: Any, path: list[str]) -> None:
        if any("--lang" in p.opts for p in cmd.params):
            found.append(path)
        for name, sub in getattr(cmd, "commands", {}).items():  # a group
            walk(sub, [*path, name])

    walk(root, [])
    return found


def test_the_commands_that_print_all_have_lang():
    paths = {" ".join(p) for p in commands_with_lang()}
    assert {"roster", "roster publish", "roster notice", "roster verify", "inspections record",
            "sessions", "siting", "all", "city"} <= paths


@pytest.mark.parametrize("path", commands_with_lang(), ids=" ".join)
def test_an_unknown_language_is_refused_before_anything_runs(path, tmp_path):
    result = runner.invoke(app, [*path, "--lang", "xx"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "--lang xx：应为 zh（中文）或 en（英文）" in result.output
    assert "什么也没有写入" in result.output


def test_options_not_given_leave_the_parameters_defaults():
    assert make_params(RosterParams, "zh", month="2027-03", seed=None, workers=None) == \
        RosterParams(month="2027-03")
    assert make_params(SessionParams, "zh", year=2027, time_limit=None) == SessionParams(year=2027)
    assert make_params(SitingParams, "zh", years=None, model=None) == SitingParams()


def test_a_refused_parameter_names_itself_in_chinese_and_exits_2():
    with pytest.raises(typer.Exit) as exc:
        make_params(RosterParams, "zh", month="2027-13")
    assert exc.value.exit_code == 2


@pytest.mark.parametrize("path", [["roster"], ["sessions"], ["siting"], ["all"]])
def test_help_is_chinese_first(path):
    text = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "300"}).output
    assert "数据文件夹（默认：内置的宝山数据）。 Dataset folder (default: the bundled" in text


def test_help_shows_the_parameters_own_defaults():
    text = runner.invoke(app, ["roster", "--help"], env={"COLUMNS": "300"}).output
    assert f"[default: ({RosterParams.model_fields['draw_share'].default})]" in text
    assert f"[default: ({RosterParams.model_fields['workers'].default})]" in text
