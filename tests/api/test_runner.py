"""``tuoyu.api.runner``: the planner of a kind is found in the registry and run with
its inputs; a plan is delivered by its planner's exporter, stored by its ``save`` hook
BEFORE its folder is published, and a refused plan publishes nothing; several plans of
a district are delivered into one folder; the office's today is read from its setting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import pytest
import toy_planner

from tuoyu.api import runner, store
from tuoyu.api.exports import output
from tuoyu.models.errors import DataError
from tuoyu.planning import registry
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.plan import Plan

ENGINE = object()  # the toy's store needs no database


@pytest.fixture
def toy():
    toy_planner.SAVED.clear()
    toy_planner.WATCHED.clear()
    with registry.registered(toy_planner.STORED_ENTRY) as entry:
        yield entry


@pytest.fixture
def dataset(tmp_path: Path) -> Dataset:
    folder = tmp_path / "toys"
    folder.mkdir()
    (folder / "toys.csv").write_text("toy_id,weight\nA,3\nB,1\nC,2\n", encoding="utf-8")
    return Dataset.at(folder)


def plan_of(dataset: Dataset, boxes: int) -> Plan:
    return runner.make_plan(dataset, toy_planner.ToyParams(boxes=boxes), engine=ENGINE)


def test_make_plan_runs_the_planner_of_the_params_kind(toy, dataset):
    plan = plan_of(dataset, 2)
    assert plan.kind == "toy"
    assert [r["box"] for r in plan.rows] == [1, 2, 1]


def test_deliver_stores_before_it_publishes(toy, dataset, tmp_path):
    out = tmp_path / "out"
    toy_planner.WATCHED.append(out)
    assert runner.deliver(plan_of(dataset, 2), out, dataset=dataset, engine=ENGINE) == 1
    first = (out / "toy.csv").read_text(encoding="utf-8")
    assert toy_planner.SAVED == [(3, None)]  # stored while the folder did not exist yet
    runner.deliver(plan_of(dataset, 3), out, dataset=dataset, engine=ENGINE)
    assert toy_planner.SAVED[-1] == (3, first)  # stored while the old plan was still shown
    assert (out / "toy.csv").read_text(encoding="utf-8") != first


def test_a_plan_the_store_refuses_publishes_nothing(toy, dataset, tmp_path):
    out = tmp_path / "out"
    runner.deliver(plan_of(dataset, 2), out, dataset=dataset, engine=ENGINE)
    before = (out / "toy.csv").read_bytes()
    with pytest.raises(store.DrawConflict):
        runner.deliver(plan_of(dataset, 9), out, dataset=dataset, engine=ENGINE)
    assert (out / "toy.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "toys"]  # no staging left


def test_a_plan_of_a_planner_without_a_store_is_only_published(dataset, tmp_path, monkeypatch):
    monkeypatch.setitem(registry._PLANNERS, "toy", toy_planner.ENTRY)
    plan = runner.make_plan(dataset, toy_planner.ToyParams(boxes=2))
    assert runner.deliver(plan, tmp_path / "out", dataset=dataset, engine=ENGINE) is None
    assert (tmp_path / "out" / "toy.csv").is_file()


def test_deliver_each_leaves_a_refused_plan_out_of_the_folder(toy, dataset, tmp_path,
                                                              monkeypatch):
    other = registry.Planner(**{**toy_planner.ENTRY.__dict__, "kind": "toy2",
                                "params": Toy2Params})
    monkeypatch.setitem(registry._PLANNERS, "toy2", other)
    refused = plan_of(dataset, 9)
    kept = Plan(kind="toy2", status="optimal", rows=[{"toy_id": "A", "box": 1}])
    outcome = runner.deliver_each([refused, kept], tmp_path / "d", dataset=dataset,
                                  engine=ENGINE)
    assert isinstance(outcome["toy"], store.DrawConflict)
    assert outcome["toy2"] is None
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == [output.MARK, "toy2"]


class Toy2Params(toy_planner.ToyParams):
    kind: Literal["toy2"] = "toy2"  # type: ignore[assignment]


def test_office_today_reads_its_setting(monkeypatch):
    monkeypatch.setenv("TUOYU_TODAY", "2027-05-17")
    assert runner.office_today() == dt.date(2027, 5, 17)
    monkeypatch.setenv("TUOYU_TODAY", "")
    assert runner.office_today() == dt.date.today()
    monkeypatch.setenv("TUOYU_TODAY", "May 17")
    with pytest.raises(DataError) as err:
        runner.office_today()
    assert err.value.problems[0].file == "TUOYU_TODAY"


def test_a_refusal_is_said_in_the_readers_language():
    exc = store.RedrawRefused(month="2027-03")
    zh, en = runner.state_error_text(exc, "zh"), runner.state_error_text(exc, "en")
    assert "2027-03" in zh and "2027-03" in en and zh != en
