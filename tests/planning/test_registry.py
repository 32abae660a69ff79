"""The planner registry: a toy planner registered from the tests shows in every face
(``tuoyu --help``, ``tuoyu all``, ``tuoyu city``, the OpenAPI schema, the upload's table
groups, the message catalogue, the pages) with no edit to the package; and no list of
planner kinds exists outside the registry."""

from __future__ import annotations

import ast
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import toy_planner
from typer.testing import CliRunner

from tuoyu.models import schema
from tuoyu.planning import registry
from tuoyu.planning.plan import Plan

PACKAGE = Path(registry.__file__).resolve().parents[1]


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> Iterator[registry.Planner]:
    monkeypatch.setitem(schema.TABLES, "toys", toy_planner.TOYS)
    with registry.registered(toy_planner.ENTRY) as entry:
        yield entry


@pytest.fixture
def toys(tmp_path: Path) -> Path:
    folder = tmp_path / "toys"
    folder.mkdir()
    (folder / "toys.csv").write_text("toy_id,weight\nA,3\nB,1\nC,2\n", encoding="utf-8")
    return folder


def test_the_three_planners_are_registered_in_order():
    assert registry.kinds()[:3] == ("roster", "sessions", "siting")
    for p in registry.planners():
        assert p.params.model_fields["kind"].default == p.kind


def test_a_kind_is_registered_once_and_must_match_its_params():
    with pytest.raises(ValueError, match="twice"):
        registry.register(registry.planner("roster"))
    with pytest.raises(ValueError, match="not 'other'"):
        registry.Planner(**{**toy_planner.ENTRY.__dict__, "kind": "other"})
    with pytest.raises(KeyError, match="known: roster"):
        registry.planner("nope")


def test_an_unregistered_kind_makes_no_plan():
    with pytest.raises(ValueError, match="unknown plan kind"):
        Plan(kind="toy", status="optimal")


def test_the_toy_is_a_plan_kind_with_a_name(toy):
    from tuoyu.api.text import label

    assert "toy" in registry.kinds()
    assert Plan(kind="toy", status="optimal").kind == "toy"
    assert label("toy.name", "zh") == "玩具装箱"


def test_the_toy_is_a_command_of_tuoyu_and_an_option_of_all_and_city(toy):
    from tuoyu.api.cli import build_app

    app = build_app()
    runner = CliRunner()
    assert " toy " in runner.invoke(app, ["--help"]).output
    assert "--boxes" in runner.invoke(app, ["all", "--help"]).output
    city_help = runner.invoke(app, ["city", "--help"]).output
    assert "--boxes" in city_help and "玩具装箱" in city_help


def test_tuoyu_all_plans_the_toy(toys, tmp_path, monkeypatch):
    from tuoyu.api.cli import build_app

    monkeypatch.setattr(registry, "_PLANNERS", {})  # the toy alone: no solver runs
    registry.register(toy_planner.ENTRY)
    out = tmp_path / "out"
    res = CliRunner().invoke(build_app(), ["all", "--data", str(toys), "--out", str(out),
                                           "--boxes", "2"])
    assert res.exit_code == 0, res.output
    lines = (out / "toy" / "toy.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["toy_id,box", "A,1", "B,2", "C,1"]


def test_the_toy_is_a_job_of_the_api_and_in_its_schema(toy, toys):
    from fastapi.testclient import TestClient

    from tuoyu.api.service.app import create_app
    from tuoyu.api.service.datasets import missing_for
    from tuoyu.api.service.settings import Settings
    from tuoyu.planning.dataset import Dataset

    home = Path(tempfile.mkdtemp(prefix="tuoyu_registry_"))
    district = home / "district"  # the bundled district with the toy's table beside
    shutil.copytree(Dataset.bundled().folder, district)
    shutil.copy(toys / "toys.csv", district / "toys.csv")
    app = create_app(Settings(home=home, database_url=f"sqlite:///{home / 't.sqlite'}",
                              start_jobs=False, extra_hosts=("testserver",),
                              bundled_data=district))
    (lacking,) = missing_for("toy", {"streets": 3})  # a dataset without it: refused, said
    assert lacking.code == "input.missing_table_for_plan" and lacking.params["table"] == "toys"
    spec = app.openapi()
    assert "ToyJob" in spec["components"]["schemas"]
    assert "toy" in spec["components"]["schemas"]["ResultOut"]["properties"]["kind"]["enum"]
    body = spec["paths"]["/api/v1/jobs"]["post"]["requestBody"]["content"]["application/json"]
    assert "toy" in body["examples"]
    with TestClient(app) as client:
        ok = client.post("/api/v1/jobs", json={"kind": "toy", "dataset_id": "baoshan",
                                               "params": {"boxes": 4}})
        assert ok.status_code == 202, ok.text
        assert ok.json()["kind"] == "toy"
        bad = client.post("/api/v1/jobs", json={"kind": "toy", "dataset_id": "baoshan",
                                                "params": {"boxes": 99}})
        assert bad.status_code == 422
        assert client.get("/toy").status_code in (200, 404)  # routed (no toy.html: 404)


def test_the_toys_table_is_an_upload_group(toy, toys):
    from tuoyu.api.service.datasets import validate

    assert ("toys",) in registry.table_groups()
    assert validate(toys) == {"toys": 3}


def _kind_lists(tree: ast.AST, kinds: set[str]) -> list[int]:
    """Lines of literals (tuple, list, set, dict keys, Literal[...]) naming two or more
    planner kinds."""
    found = []
    for node in ast.walk(tree):
        items: list[ast.expr | None] = []
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            items = list(node.elts)
        elif isinstance(node, ast.Dict):
            items = list(node.keys)
        named = {i.value for i in items if isinstance(i, ast.Constant) and i.value in kinds}
        if len(named) >= 2:
            found.append(node.lineno)
    return sorted(found)


def test_no_list_of_planner_kinds_outside_the_registry():
    kinds = set(registry.kinds())
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "registry.py" and path.parent.name == "planning":
            continue
        lines = _kind_lists(ast.parse(path.read_text(encoding="utf-8")), kinds)
        if lines:
            found[str(path.relative_to(PACKAGE))] = lines
    assert found == {}


def test_the_check_finds_a_list_of_kinds():
    tree = ast.parse('KINDS = ("roster", "siting")\nX = Literal["roster", "sessions"]\n'
                     'D = {"sessions": 1, "siting": 2}\nOK = ("roster", "body")\n')
    assert _kind_lists(tree, {"roster", "sessions", "siting"}) == [1, 2, 3]


@pytest.mark.parametrize("entry", registry.planners(), ids=lambda p: p.kind)
def test_every_module_and_hook_an_entry_names_exists(entry):
    import importlib

    assert callable(importlib.import_module(entry.planning).run)
    assert callable(entry.module("exporter").write_plan)
    assert callable(entry.module("command").register)
    assert f"{entry.kind}.name" in entry.module("messages").MESSAGES
    for hook in ("inputs", "save", "check"):
        assert getattr(entry, hook) is None or callable(entry.hook(hook))
    for option in entry.options:
        assert option.name in entry.params.model_fields
    assert entry.params.model_validate({**entry.example, "kind": entry.kind})


def test_the_pages_name_every_registered_planners_jobs(toy):
    """The home page labels a job by its planner's name; the names come from the registry
    (a toy registered from the tests is named too), in both languages."""
    import html
    import json
    import re

    from tuoyu.api.service.app import render_page

    page = render_page("index", "title_index", "托育规划")
    (content,) = re.findall(r'<meta name="tuoyu-planners" content="([^"]*)">', page)
    names = json.loads(html.unescape(content))
    assert set(names) == set(registry.kinds())
    assert names["toy"] == {"zh": "玩具装箱", "en": label_en("toy")}
    assert names["visits"]["zh"] == "新生儿家庭上门指导"


def label_en(kind: str) -> str:
    from tuoyu.api.text import label

    return label(f"{kind}.name", "en")
