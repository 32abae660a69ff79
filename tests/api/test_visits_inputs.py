"""What a week of home visits needs besides its tables (``tuoyu.api.visits_inputs``):
the sessions from the file given on the command line, else from the newest finished
session calendar the service stored for the dataset and the week's year (never another
dataset's, year's or an unfinished job's), else none; and the earlier plan's rows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tuoyu.api import store
from tuoyu.api.store import Job, StoredPlan
from tuoyu.api.visits_inputs import SESSIONS_FILE, run_inputs, stored_sessions
from tuoyu.models.errors import DataError
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import VisitParams

DS = Dataset(Path("/nowhere/d1"), "d1")


def _job(s: Session, jid: str, *, dataset: str = "d1", year: int = 2027, status: str = "done",
         finished: int = 1, rows: list[dict] | None = None, kind: str = "sessions") -> None:
    at = dt.datetime(2027, 1, 1) + dt.timedelta(hours=finished)
    s.add(Job(id=jid, kind=kind, dataset_id=dataset, params_json=json.dumps({"year": year}),
              status=status, created_at=at, finished_at=at if status == "done" else None))
    s.flush()
    if rows is not None:
        s.add(StoredPlan(job_id=jid, result_json=json.dumps({"rows": rows}), created_at=at))


def _engine(tmp_path: Path):
    return store.engine(f"sqlite:///{tmp_path / 'store.sqlite'}")


def test_the_newest_finished_calendar_of_the_dataset_and_year(tmp_path: Path) -> None:
    eng = _engine(tmp_path)
    with Session(eng) as s:
        _job(s, "old", finished=1, rows=[{"session": "old"}])
        _job(s, "new", finished=5, rows=[{"session": "new"}])
        _job(s, "other_year", year=2028, finished=9, rows=[{"session": "2028"}])
        _job(s, "other_ds", dataset="d2", finished=9, rows=[{"session": "d2"}])
        _job(s, "running", status="running", finished=9)
        _job(s, "a_roster", kind="roster", finished=9, rows=[{"session": "roster"}])
        s.commit()
    assert stored_sessions(eng, DS, 2027) == [{"session": "new"}]
    assert stored_sessions(eng, DS, 2028) == [{"session": "2028"}]
    assert stored_sessions(eng, DS, 2026) is None


def test_a_finished_job_without_a_stored_plan_is_passed_over(tmp_path: Path) -> None:
    eng = _engine(tmp_path)
    with Session(eng) as s:
        _job(s, "kept", finished=1, rows=[{"session": "kept"}])
        _job(s, "lost", finished=5, rows=None)
        s.commit()
    assert stored_sessions(eng, DS, 2027) == [{"session": "kept"}]


def test_a_file_given_wins_over_the_store_and_the_earlier_plan_is_read(tmp_path: Path) -> None:
    eng = _engine(tmp_path)
    with Session(eng) as s:
        _job(s, "stored", rows=[{"session": "stored"}])
        s.commit()
    given = tmp_path / "sessions.csv"
    given.write_text("\ufeffsession_id,date,start\nG1,2027-03-02,09:00\n", encoding="utf-8")
    previous = tmp_path / "visits.csv"
    previous.write_text("family_id,date\nF1,2027-03-01\n", encoding="utf-8")
    params = VisitParams(week="2027-03-01")
    token = SESSIONS_FILE.set(given)
    try:
        same, inputs = run_inputs(DS, params, engine=eng, previous=previous)
    finally:
        SESSIONS_FILE.reset(token)
    assert same is params
    assert inputs == {"previous": [{"family_id": "F1", "date": "2027-03-01"}],
                      "sessions": [{"session_id": "G1", "date": "2027-03-02",
                                    "start": "09:00"}]}
    _, inputs = run_inputs(DS, params, engine=eng, previous=tmp_path / "gone.csv")
    assert inputs == {"previous": [], "sessions": [{"session": "stored"}]}


@pytest.mark.parametrize(("content", "code"), [
    (None, "input.file_missing"), (b"x\n", "input.missing_column"),
    ("date,start\n2027-03-02,09:00\n".encode("utf-16"), "input.not_text")])
def test_a_sessions_file_that_is_no_calendar_is_refused_by_its_name(
        tmp_path: Path, content: bytes | None, code: str) -> None:
    """--sessions naming a missing file was a traceback; a file "x" was read as a calendar
    without sessions and the week planned as if no one had one."""
    given = tmp_path / "sessions.csv"
    if content is not None:
        given.write_bytes(content)
    token = SESSIONS_FILE.set(given)
    try:
        with pytest.raises(DataError) as info:
            run_inputs(DS, VisitParams(week="2027-03-01"), engine=_engine(tmp_path))
    finally:
        SESSIONS_FILE.reset(token)
    problem = info.value.problems[0]
    assert (problem.file, problem.code) == ("sessions.csv", code)
