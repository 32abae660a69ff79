"""``tuoyu all`` (``tuoyu.api.cli.all``): every registered planner's plan in its own
folder with the options it declares, each option once on the command line (the first
planner's declaration, Chinese help first); a planner whose options are refused says
why, writes nothing and makes the command end with exit code 2. The planners here are
the tests' toy (no solver)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
import toy_planner
from typer.testing import CliRunner

from tuoyu.api.cli import build_app
from tuoyu.api.cli.all import option_parameter, planner_options
from tuoyu.models import schema
from tuoyu.planning import registry


@pytest.fixture
def toy_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setitem(schema.TABLES, "toys", toy_planner.TOYS)
    monkeypatch.setattr(registry, "_PLANNERS", {})  # the toy alone: no solver runs
    registry.register(toy_planner.ENTRY)
    folder = tmp_path / "toys"
    folder.mkdir()
    (folder / "toys.csv").write_text("toy_id,weight\nA,3\nB,1\nC,2\nD,5\n", encoding="utf-8")
    return folder


def test_each_option_once_as_its_first_planner_declares_it() -> None:
    options = planner_options()
    first: dict[str, object] = {}
    for p in registry.planners():
        for o in p.options:
            first.setdefault(o.name, o)
    assert options == first
    assert {"month", "seed", "year"} <= set(options)  # the roster's and the calendar's


def test_an_option_is_a_keyword_with_chinese_help_first() -> None:
    from tuoyu.api.text import label

    option = registry.planner("roster").options[0]
    param = option_parameter(option, option.default)
    assert param.kind is inspect.Parameter.KEYWORD_ONLY and param.annotation is option.type
    assert param.name == option.name and param.default.default == option.default
    zh, en = label(option.help, "zh"), label(option.help, "en")
    assert param.default.help.index(zh) < param.default.help.index(en)
    assert re.search(r"[\u4e00-\u9fff]", zh)


def test_the_toy_is_planned_into_its_folder_with_its_option(toy_only: Path,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = CliRunner().invoke(build_app(), ["all", "--data", str(toy_only), "--out", str(out),
                                           "--boxes", "3"])
    assert res.exit_code == 0, res.output
    assert "== toy ==" in res.output
    assert (out / "toy" / "toy.csv").read_text(encoding="utf-8").splitlines() == [
        "toy_id,box", "A,1", "B,2", "C,3", "D,1"]


def test_the_options_default_is_the_planners(toy_only: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = CliRunner().invoke(build_app(), ["all", "--data", str(toy_only), "--out", str(out)])
    assert res.exit_code == 0, res.output
    boxes = [line.split(",")[1] for line in
             (out / "toy" / "toy.csv").read_text(encoding="utf-8").splitlines()[1:]]
    assert boxes == ["1", "2", "3", "1"]  # the option's default, 3 boxes


def test_a_refused_option_says_why_and_writes_nothing(toy_only: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = CliRunner().invoke(build_app(), ["all", "--data", str(toy_only), "--out", str(out),
                                           "--boxes", "0"])
    assert res.exit_code == 2
    assert "boxes" in res.output and "不小于 1" in res.output
    assert not (out / "toy" / "toy.csv").exists()


def test_a_careless_option_of_a_later_planner_stops_the_run_before_any_plan(
        tmp_path: Path) -> None:
    """``--years 2029-2027`` (the siting plan, third) was refused only after the roster
    and the calendar had been solved and written; now every option is checked first."""
    out = tmp_path / "out"
    res = CliRunner().invoke(build_app(), ["all", "--out", str(out), "--years", "2029-2027"])
    assert res.exit_code == 2
    assert "规划年份（years）" in res.output and "== roster ==" not in res.output
    assert not out.exists() or not any(out.iterdir())


def test_a_planner_is_printed_as_its_own_command_prints_it(toy_only: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """A ``show(plan, lang, out)`` in the planner's command module is what ``tuoyu all``
    prints of its plan (siting's condensed reasons, visits' overdue families counted),
    told where the files went; without one, the common description and the folder."""
    out = tmp_path / "out"
    res = CliRunner().invoke(build_app(), ["all", "--data", str(toy_only), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert str(out / "toy") in res.output and "OWN SUMMARY" not in res.output

    def show(plan, lang, folder):  # noqa: ANN001, ANN202
        return f"OWN SUMMARY {plan.kind} {lang} {folder}"

    monkeypatch.setattr(toy_planner, "show", show, raising=False)
    res = CliRunner().invoke(build_app(), ["all", "--data", str(toy_only), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert f"OWN SUMMARY toy zh {out / 'toy'}" in res.output
