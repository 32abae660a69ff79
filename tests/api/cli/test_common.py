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


def _held_stops(result: Any, holder: Any, out: Any) -> None:
    assert result.exit_code == 2, result.output
    assert f"另一次运行（进程 {holder.proc.pid}）正在写这个文件夹" in result.output
    assert str(out.absolute()) in result.output and "什么也没有写入" in result.output
    assert sorted(p.name for p in out.iterdir() if p.name != ".tuoyu-plan") == ["kept.txt"]
    assert (out / "kept.txt").read_text(encoding="utf-8") == "the last complete files"


@pytest.mark.parametrize("command", ["scorecard", "notice", "publish"])
def test_a_scorecard_notice_or_publish_into_a_held_folder_stops_and_leaves_it(
        tmp_path, monkeypatch, command):
    """``tuoyu scorecard``, ``tuoyu roster notice`` and ``tuoyu roster publish --out``
    write their folders under the same hold as a plan: another run holding the folder
    (a child process) makes them stop at once, naming the folder and the process, and
    the folder keeps what it held; a publish changes nothing in the store either."""
    from draw_support import tiny_dataset
    from output_support import Holder

    from tuoyu.api.exports.output import mark

    monkeypatch.setenv("TUOYU_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    data = tiny_dataset(tmp_path / "data", institutions=6)
    out = tmp_path / "out" / command
    out.mkdir(parents=True)
    mark(out)  # an earlier plan's folder
    (out / "kept.txt").write_text("the last complete files", encoding="utf-8")
    args = {"scorecard": ["scorecard", "--year", "2027"],
            "notice": ["roster", "notice", "--month", "2027-03"],
            "publish": ["roster", "publish", "--month", "2027-03"]}[command]
    if command == "publish":  # a draft of the month, to be published
        made = runner.invoke(app, ["roster", "--data", str(data), "--month", "2027-03",
                                   "--out", str(tmp_path / "made")], catch_exceptions=False)
        assert made.exit_code == 0, made.output
    with Holder(tmp_path, out) as holder:
        result = runner.invoke(app, [*args, "--data", str(data), "--out", str(out)],
                               catch_exceptions=False)
        _held_stops(result, holder, out)
    if command == "publish":  # still a draft: publishing it now works
        again = runner.invoke(app, [*args, "--data", str(data), "--out", str(out)],
                              catch_exceptions=False)
        assert again.exit_code == 0 and "2027-03" in again.output, again.output
    else:  # once the other run is done, the folder is written
        done = runner.invoke(app, [*args, "--data", str(data), "--out", str(out)],
                             catch_exceptions=False)
        assert done.exit_code == 0, done.output
        assert len(list(out.iterdir())) > 1 or not (out / "kept.txt").exists()


@pytest.mark.parametrize("command", ["sessions", "visits"])
def test_a_re_plan_into_a_held_folder_stops_before_reading_its_earlier_plan(
        tmp_path, command):
    """A re-plan (``--from``) reads its earlier plan from its out folder: it takes the
    folder first, so a held folder stops it at once (the busy message, not a complaint
    about the earlier plan the other run is replacing)."""
    from output_support import Holder

    out = tmp_path / "out" / command
    out.mkdir(parents=True)
    (out / "kept.txt").write_text("the last complete files", encoding="utf-8")
    (out / f"{command}.csv").write_text("half-written,\n", encoding="utf-8")
    args = {"sessions": ["sessions", "--from", "2027-06-01"],
            "visits": ["visits", "--week", "2027-03-01", "--from", "2027-03-03"]}[command]
    with Holder(tmp_path, out) as holder:
        result = runner.invoke(app, [*args, "--out", str(out)], catch_exceptions=False)
        (out / f"{command}.csv").unlink()
        _held_stops(result, holder, out)


def _no_solve(*_args: Any, **_kwargs: Any) -> Any:
    raise AssertionError("planned although the out folder is refused")


def test_an_out_folder_of_the_planners_own_files_is_refused_before_planning(
        tmp_path, monkeypatch):
    """``--out`` naming a folder with the planner's own documents: publishing replaces
    the folder whole, so the command refuses before it plans, names a file, keeps them.
    ``tuoyu all`` likewise for a planner's subfolder; files of its own beside the
    subfolders in ``out`` are left alone."""
    from draw_support import tiny_dataset

    from tuoyu.api import runner as api_runner

    monkeypatch.setenv("TUOYU_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    data = tiny_dataset(tmp_path / "data", institutions=6)
    mine = tmp_path / "桌面"
    mine.mkdir()
    (mine / "论文.docx").write_text("mine", encoding="utf-8")
    monkeypatch.setattr(api_runner, "make_plan", _no_solve)
    res = runner.invoke(app, ["roster", "--data", str(data), "--month", "2027-03",
                              "--out", str(mine)], catch_exceptions=False)
    assert res.exit_code == 2, res.output
    assert "论文.docx" in res.output and "什么也没有写入" in res.output
    assert [p.name for p in mine.iterdir()] == ["论文.docx"]
    out = tmp_path / "out"
    (out / "siting").mkdir(parents=True)
    (out / "siting" / "我的表.xlsx").write_text("mine", encoding="utf-8")
    res = runner.invoke(app, ["all", "--data", str(data), "--out", str(out)],
                        catch_exceptions=False)
    assert res.exit_code == 2 and "我的表.xlsx" in res.output, res.output
    assert sorted(p.name for p in out.rglob("*")) == ["siting", "我的表.xlsx"]


def test_a_plan_folder_of_an_earlier_version_is_still_replaced(tmp_path, monkeypatch):
    """A folder the store noted as a plan's (written before folders were marked) is
    the command line's own: marked, then replaced by the new plan."""
    from draw_support import tiny_dataset

    from tuoyu.api import store
    from tuoyu.api.exports.output import MARK

    monkeypatch.setenv("TUOYU_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    data = tiny_dataset(tmp_path / "data", institutions=6)
    out = tmp_path / "out"
    out.mkdir()
    (out / "roster.csv").write_text("an earlier roster", encoding="utf-8")
    store.note_plan_folder(store.engine(), "old", "roster", out, {})
    res = runner.invoke(app, ["roster", "--data", str(data), "--month", "2027-03",
                              "--out", str(out)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert (out / MARK).is_file()
    assert "an earlier roster" not in (out / "roster.csv").read_text(encoding="utf-8")
