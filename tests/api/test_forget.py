"""A dataset's families are deleted with one command, and the store keeps no copy: the
SQLite file (and its WAL) holds none of their ids afterwards, the job folders are gone."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner
from visits_check import tiny_dataset

from tuoyu.api import store
from tuoyu.api.cli import app
from tuoyu.api.exports.visits import write_plan
from tuoyu.api.service.settings import Settings
from tuoyu.api.store import DatasetRow, Job, StoredPlan, now
from tuoyu.planning.dataset import Dataset as PlanDataset
from tuoyu.planning.params import VisitParams
from tuoyu.planning.visits import run

IDS = ("QX7FAMILYA", "QX7FAMILYB", "QX7FAMILYC")


def _store_bytes(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in home.glob("tuoyu.sqlite*") if p.is_file())


def _district_with_families(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh ``TUOYU_HOME`` (its default store) and a tiny district whose families are
    :data:`IDS`, one educator visiting them: its folder."""
    monkeypatch.setenv("TUOYU_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TUOYU_DATABASE_URL", raising=False)
    return tiny_dataset(
        tmp_path / "data",
        staff=[{"staff_id": "ED1", "discipline": "education"}],
        families=[{"family_id": fid, "birth_date": "2027-01-20", "registered_on": "2027-02-05",
                   "needs": "education", "half_days": "Mon AM;Tue AM"} for fid in IDS])


def test_forget_families_leaves_no_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("TUOYU_HOME", str(home))
    monkeypatch.delenv("TUOYU_DATABASE_URL", raising=False)
    settings = Settings()
    folder = tiny_dataset(
        settings.datasets_dir / "ds1",
        staff=[{"staff_id": "ED1", "discipline": "education"}],
        families=[{"family_id": fid, "birth_date": "2027-01-20", "registered_on": "2027-02-05",
                   "needs": "education", "half_days": "Mon AM;Tue AM;Wed AM"} for fid in IDS])
    plan = run(PlanDataset.at(folder), VisitParams(week=dt.date(2027, 3, 1), iterations=50))
    assert {r["family_id"] for r in plan.rows} == set(IDS)
    out = settings.jobs_dir / "job1"
    out.mkdir(parents=True)
    write_plan(plan, out)
    engine = store.engine(settings.url)
    with Session(engine) as s, s.begin():
        s.add(DatasetRow(id="ds1", name="tiny", path=str(folder),
                      tables_json=json.dumps({"families": 3}), created_at=now()))
        s.add(Job(id="job1", kind="visits", dataset_id="ds1", status="done",
                  message="；".join(IDS), created_at=now()))
        s.flush()
        s.add(StoredPlan(job_id="job1", result_json=json.dumps(plan.as_dict()),
                         files_json="[]", created_at=now()))
    engine.dispose()
    assert IDS[0].encode() in _store_bytes(home)

    runner = CliRunner()
    res = runner.invoke(app, ["forget-families", "--dataset", "ds1"])
    assert res.exit_code == 1 and (folder / "families.csv").exists()  # not without --yes
    res = runner.invoke(app, ["forget-families", "--dataset", "ds1", "--yes"])
    assert res.exit_code == 0, res.output
    assert not any(fid in res.output for fid in IDS)
    assert not (folder / "families.csv").exists()
    assert not out.exists()
    blob = _store_bytes(home)
    assert blob and not any(fid.encode() in blob for fid in IDS)
    with Session(store.engine(settings.url)) as s:
        assert s.query(Job).count() == 0 and s.query(StoredPlan).count() == 0
        assert "families" not in s.get(DatasetRow, "ds1").tables


def test_forget_families_deletes_the_plans_the_command_line_wrote(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``tuoyu visits``/``all``/``city`` write plans naming families into a planner's
    ``--out`` folder and note it in the store: forgetting deletes those plan files (and
    the note), and leaves the planner's other files in the folder alone."""
    folder = _district_with_families(tmp_path, monkeypatch)
    dataset = PlanDataset.at(folder)
    plan = run(dataset, VisitParams(week=dt.date(2027, 3, 1), iterations=50))
    engine = store.engine(Settings().url)
    outs = [tmp_path / "out" / "visits", tmp_path / "city" / "d" / "visits"]
    for out in outs:
        out.mkdir(parents=True)
        write_plan(plan, out)
        store.note_plan_folder(engine, dataset.key, "visits", out, {})
    mine = tmp_path / "out" / "visits" / "mine.txt"
    mine.write_text("the planner's own notes", encoding="utf-8")
    other = tmp_path / "other" / "visits"  # noted for another dataset: not this one's
    other.mkdir(parents=True)
    write_plan(plan, other)
    store.note_plan_folder(engine, "another-dataset", "visits", other, {})
    engine.dispose()

    res = CliRunner().invoke(app, ["forget-families", "--data", str(folder), "--yes"])
    assert res.exit_code == 0, res.output
    assert not any(fid in res.output for fid in IDS)
    left = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert left == [mine]
    assert not outs[1].exists()
    assert (other / "visits.csv").exists()
    engine = store.engine(Settings().url)
    assert store.plan_folders(engine, dataset.key, "visits") == []
    assert len(store.plan_folders(engine, "another-dataset", "visits")) == 1


def test_forgetting_a_folder_deletes_the_pages_plans_of_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``tuoyu forget-families --data DIR`` on a folder the pages serve (``tuoyu serve
    --data DIR``: a dataset of its own id) deletes the home-visit plans made in the pages
    too: they named its families in the store and in the jobs folder, and stayed."""
    home = tmp_path / "home"
    monkeypatch.setenv("TUOYU_HOME", str(home))
    monkeypatch.delenv("TUOYU_DATABASE_URL", raising=False)
    settings = Settings()
    folder = tiny_dataset(
        tmp_path / "东滩",
        staff=[{"staff_id": "ED1", "discipline": "education"}],
        families=[{"family_id": fid, "birth_date": "2027-01-20", "registered_on": "2027-02-05",
                   "needs": "education", "half_days": "Mon AM;Tue AM;Wed AM"} for fid in IDS])
    plan = run(PlanDataset.at(folder), VisitParams(week=dt.date(2027, 3, 1), iterations=50))
    out = settings.jobs_dir / "job1"
    out.mkdir(parents=True)
    write_plan(plan, out)
    from tuoyu.api.service.datasets import folder_id

    served = folder_id(folder)
    engine = store.engine(settings.url)
    with Session(engine) as s, s.begin():
        s.add(DatasetRow(id=served, name="东滩区（数据文件夹）", path=str(folder.resolve()),
                         tables_json=json.dumps({"families": 3}), created_at=now()))
        s.add(Job(id="job1", kind="visits", dataset_id=served, status="done",
                  message="；".join(IDS), created_at=now()))
        s.flush()
        s.add(StoredPlan(job_id="job1", result_json=json.dumps(plan.as_dict()),
                         files_json="[]", created_at=now()))
    engine.dispose()
    res = CliRunner().invoke(app, ["forget-families", "--data", str(folder), "--yes"])
    assert res.exit_code == 0, res.output
    assert not out.exists()
    blob = _store_bytes(home)
    assert blob and not any(fid.encode() in blob for fid in IDS)
    with Session(store.engine(settings.url)) as s:
        assert s.query(Job).count() == 0 and s.query(StoredPlan).count() == 0
        assert "families" not in s.get(DatasetRow, served).tables


def test_a_visits_run_whose_families_are_forgotten_meanwhile_keeps_no_plan(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``tuoyu visits`` reads the families, plans for minutes, then writes: a
    ``tuoyu forget-families`` in between found no plan of this run to delete (its folder
    was not noted yet). The run, having published and noted its plan, sees the families
    gone and deletes what it wrote and the note, exit 2, naming no family. (A forget after
    that look finds the note and deletes the plan itself: the test above.)"""
    folder = _district_with_families(tmp_path, monkeypatch)
    out = tmp_path / "out"
    from tuoyu.api import runner
    from tuoyu.api.forget import forget_families

    made = runner.make_plan

    def forgotten_while_solving(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        plan = made(*args, **kwargs)
        assert {r["family_id"] for r in plan.rows} == set(IDS)
        done = forget_families(store.engine(Settings().url), folder=folder, dataset_id=None,
                               jobs_dir=None)
        assert done.files == 1 and done.folders == 0  # nothing of this run to find yet
        return plan

    monkeypatch.setattr(runner, "make_plan", forgotten_while_solving)
    res = CliRunner().invoke(app, ["visits", "--week", "2027-03-01", "--data", str(folder),
                                   "--out", str(out), "--iterations", "50"])
    assert res.exit_code == 2, res.output
    assert "删除" in res.output and not any(fid in res.output for fid in IDS)
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]
    engine = store.engine(Settings().url)
    assert store.plan_folders(engine, PlanDataset.at(folder).key, "visits") == []


def test_a_city_districts_visits_plan_whose_families_are_forgotten_meanwhile_is_withdrawn(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``tuoyu city`` delivers each district as it finishes: a district whose families
    were forgotten while it planned keeps no visits plan, and says why on its line."""
    from types import SimpleNamespace

    from tuoyu.api.cli.city import CityWriter
    from tuoyu.api.exports.output import MARK
    from tuoyu.api.forget import forget_families
    from tuoyu.planning.city import District, DistrictResult

    folder = _district_with_families(tmp_path, monkeypatch)
    dataset = PlanDataset.at(folder)
    plan = run(dataset, VisitParams(week=dt.date(2027, 3, 1), iterations=50))
    engine = store.engine(Settings().url)
    forget_families(engine, folder=folder, dataset_id=None, jobs_dir=None)
    out = tmp_path / "city"
    writer = CityWriter(out, engine, [District("d", dataset)], "zh",
                        SimpleNamespace(disable=True, advance=lambda task: None), None)
    writer.deliver("d", (DistrictResult("d", "visits", plan=plan),))
    assert "已被删除" in writer.errors["d", "visits"]
    assert not [p for p in out.rglob("*") if p.is_file() and p.name != MARK]  # but the mark
    assert store.plan_folders(engine, dataset.key, "visits") == []
