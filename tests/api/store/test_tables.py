"""The store's tables (``tuoyu.api.store.tables``) as a planner's data meets them: JSON
columns read back as what was written (Chinese kept), empty ones as nothing; times
stored in UTC without a zone; a job's plan stored once; a folder noted once per dataset
and planner; every finished status is a status."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tuoyu.api import store
from tuoyu.api.store.tables import (
    FINISHED,
    STATUSES,
    DatasetRow,
    Job,
    PlanFolder,
    StoredPlan,
    now,
)

AT = dt.datetime(2027, 3, 1, 8, 0)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    return store.engine(f"sqlite:///{tmp_path_factory.mktemp('tables') / 'store.sqlite'}")


def test_json_columns_read_back_as_written(engine) -> None:  # noqa: ANN001
    with Session(engine) as s, s.begin():
        s.add(DatasetRow(id="d1", name="宝山区", path="/d", created_at=AT,
                         tables_json=json.dumps({"institutions": 120, "街镇": 12},
                                                ensure_ascii=False)))
        s.add(Job(id="j1", kind="roster", dataset_id="d1", created_at=AT,
                  params_json=json.dumps({"month": "2027-03", "redraw_reason": "名单有误"},
                                         ensure_ascii=False),
                  progress_json=json.dumps({"stage": "days", "gap": 0.0})))
        s.add(Job(id="j2", kind="roster", dataset_id="d1", created_at=AT))
        s.flush()
        s.add(StoredPlan(job_id="j1", result_json="{}", created_at=AT,
                         files_json=json.dumps(["roster.csv", "名单.xlsx"], ensure_ascii=False)))
    with Session(engine) as s:
        assert s.get(DatasetRow, "d1").tables == {"institutions": 120, "街镇": 12}
        j1, j2 = s.get(Job, "j1"), s.get(Job, "j2")
        assert j1.params == {"month": "2027-03", "redraw_reason": "名单有误"}
        assert j1.progress == {"stage": "days", "gap": 0.0}
        assert (j2.params, j2.progress, j2.status, j2.cancel_requested) == ({}, None, "queued",
                                                                            False)
        plan = s.scalars(sa.select(StoredPlan).where(StoredPlan.job_id == "j1")).one()
        assert plan.files == ["roster.csv", "名单.xlsx"]


def test_a_jobs_plan_is_stored_once(engine) -> None:  # noqa: ANN001
    with Session(engine) as s, s.begin():
        s.add(Job(id="j3", kind="sessions", dataset_id="d1", created_at=AT))
        s.flush()
        s.add(StoredPlan(job_id="j3", result_json="{}", created_at=AT))
    with pytest.raises(sa.exc.IntegrityError), Session(engine) as s, s.begin():
        s.add(StoredPlan(job_id="j3", result_json="{}", created_at=AT))


def test_a_folder_is_noted_once_per_dataset_and_planner(engine) -> None:  # noqa: ANN001
    with Session(engine) as s, s.begin():
        s.add(PlanFolder(dataset="d1", kind="sessions", folder="/out/s", made_at=AT,
                         params_json=json.dumps({"year": 2027})))
        s.add(PlanFolder(dataset="d1", kind="siting", folder="/out/s", made_at=AT))
    with Session(engine) as s:
        rows = s.scalars(sa.select(PlanFolder).order_by(PlanFolder.kind)).all()
        assert [(r.kind, r.params) for r in rows] == [("sessions", {"year": 2027}),
                                                      ("siting", {})]
    with pytest.raises(sa.exc.IntegrityError), Session(engine) as s, s.begin():
        s.add(PlanFolder(dataset="d1", kind="sessions", folder="/out/s", made_at=AT))


def test_now_is_utc_without_a_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a machine set to Shanghai time (8 hours ahead), the stored time is still UTC."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        t = now()
        local = dt.datetime.now()
    finally:
        monkeypatch.undo()
        time.tzset()
    assert t.tzinfo is None
    assert round((local - t).total_seconds() / 3600) == 8


def test_every_finished_status_is_a_status() -> None:
    assert set(STATUSES) >= FINISHED and {"queued", "running"} == set(STATUSES) - FINISHED


def test_the_store_file_is_where_the_url_says(tmp_path: Path) -> None:
    eng = store.engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert (tmp_path / "x.sqlite").exists()
    assert {"jobs", "plans", "datasets", "rosters"} <= set(sa.inspect(eng).get_table_names())
