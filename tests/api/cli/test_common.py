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


def test_a_second_run_into_the_same_folder_stops_at_once_and_leaves_it(tmp_path):
    """Two runs writing one folder at once: the second is told, before it solves, which
    folder and which process; the plan the folder holds stays as it was."""
    from output_support import Holder

    out = tmp_path / "out" / "siting"
    out.mkdir(parents=True)
    (out / "siting.geojson").write_text("the last complete plan", encoding="utf-8")
    with Holder(tmp_path, out) as holder:
        result = runner.invoke(app, ["siting", "--years", "2027-2029", "--out", str(out)],
                               catch_exceptions=False)
        assert result.exit_code == 2
        assert f"另一次运行（进程 {holder.proc.pid}）正在写这个文件夹" in result.output
        assert str(out.absolute()) in result.output and "什么也没有写入" in result.output
        en = runner.invoke(app, ["siting", "--years", "2027-2029", "--out", str(out),
                                 "--lang", "en"], catch_exceptions=False)
        assert en.exit_code == 2 and f"another run (process {holder.proc.pid})" in en.output
    assert sorted(p.name for p in out.iterdir()) == ["siting.geojson"]
    assert (out / "siting.geojson").read_text(encoding="utf-8") == "the last complete plan"


def test_all_never_mixes_two_runs_plans(tmp_path):
    """``tuoyu all`` holds its out folder and every planner's folder in it for the whole
    run: a single planner's run into one of them (or another ``all``) makes it stop
    before any planner runs, so out/ never holds one run's roster beside another's
    calendar."""
    from output_support import Holder

    out = tmp_path / "out"
    with Holder(tmp_path, out / "sessions") as holder:
        result = runner.invoke(app, ["all", "--out", str(out)], catch_exceptions=False)
        assert result.exit_code == 2
        assert f"进程 {holder.proc.pid}" in result.output and "什么也没有写入" in result.output
    assert not (out / "roster").exists()
    with Holder(tmp_path, out) as holder:
        result = runner.invoke(app, ["all", "--out", str(out)], catch_exceptions=False)
        assert result.exit_code == 2 and f"进程 {holder.proc.pid}" in result.output
        result = runner.invoke(app, ["city", "--data", str(tmp_path), "--out", str(out),
                                     "--month", "2027-03"], catch_exceptions=False)
        assert result.exit_code == 2 and f"进程 {holder.proc.pid}" in result.output
    assert not (out / "roster").exists()
