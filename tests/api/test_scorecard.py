"""Gathering the scorecard's inputs (``tuoyu.api.scorecard``) on the tests' tiny
district: institutions and streets from its tables; on-site inspections from its
history and the outcomes recorded in the store (a roster only planned is no
inspection); a calendar read from a folder of plans given; a table the dataset lacks
makes its figures unknown (named as missing), never 0; no streets table: a located
error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from draw_support import tiny_dataset
from sqlalchemy.orm import Session

from tuoyu.api import store
from tuoyu.api.scorecard import gather
from tuoyu.models.errors import DataError
from tuoyu.models.inspection import PastInspection
from tuoyu.planning import scorecard as sc
from tuoyu.planning.dataset import Dataset

D = dt.date


@pytest.fixture
def district(tmp_path: Path) -> Dataset:
    folder = tiny_dataset(tmp_path / "d", institutions=6)
    (folder / "inspections.csv").write_text(
        "institution_id,date,outcome,inspector_ids\nI01,2027-02-03,pass,P1;P2\n"
        "I02,2026-11-03,rectify,P1;P2\n", encoding="utf-8")
    return Dataset.at(folder)


def _engine(tmp_path: Path):  # noqa: ANN202
    return store.engine(f"sqlite:///{tmp_path / 'store.sqlite'}")


def test_institutions_and_inspections_from_the_tables_and_the_store(
        district: Dataset, tmp_path: Path) -> None:
    eng = _engine(tmp_path)
    with Session(eng) as s, s.begin():
        store.record_outcomes(s, district.key, [PastInspection(
            institution_id="I03", date=D(2027, 5, 6), outcome="fail", inspector_ids=("P3",))])
    inputs, sources = gather(district, 2027, engine=eng, jobs_dir=tmp_path / "jobs",
                             today=D(2027, 12, 31))
    assert list(inputs.streets) == [("S1", "一街"), ("S2", "二街")]
    assert sorted(i.institution_id for i in inputs.institutions) == [f"I0{k}" for k in
                                                                    range(1, 7)]
    seen = sorted((v.institution_id, v.date) for v in inputs.visits if v.date.year == 2027)
    assert seen == [("I01", D(2027, 2, 3)), ("I03", D(2027, 5, 6))]
    card = sc.scorecard(inputs)
    on_site = card.of("scorecard.on_site")
    assert (on_site.value, on_site.total) == (2, 6)
    assert sources["sessions"] == "" and sources["siting"] == ""


def test_a_missing_table_makes_its_figures_unknown(district: Dataset, tmp_path: Path) -> None:
    inputs, _ = gather(district, 2027, engine=_engine(tmp_path), jobs_dir=tmp_path / "jobs",
                       today=D(2027, 12, 31))
    assert inputs.missing  # no centers, kindergartens, communities in the tiny district
    card = sc.scorecard(inputs)
    unknown = [x for x in card.lines if not x.known]
    assert unknown and all(x.value is None for x in unknown)


def test_a_calendar_from_a_folder_of_plans(district: Dataset, tmp_path: Path) -> None:
    plans = tmp_path / "out"
    (plans / "sessions").mkdir(parents=True)
    (plans / "sessions" / "sessions.csv").write_text(
        "date,start,end,center_id,event_id,topic_id,staff_ids\n"
        "2027-03-02,09:00,11:00,BC1,,A,S1;S2\n2027-04-06,14:00,16:00,,E01,,S1\n",
        encoding="utf-8")
    inputs, sources = gather(district, 2027, engine=_engine(tmp_path), plans=plans,
                             jobs_dir=tmp_path / "jobs", today=D(2027, 12, 31))
    where, _, written = sources["sessions"].partition("|")
    assert Path(where) == plans / "sessions" / "sessions.csv" and written  # and when
    assert inputs.sessions is not None and len(inputs.sessions) == 2


def test_no_streets_table_is_a_located_error(tmp_path: Path) -> None:
    folder = tiny_dataset(tmp_path / "d")
    (folder / "streets.csv").unlink()
    with pytest.raises(DataError) as info:
        gather(Dataset.at(folder), 2027, engine=_engine(tmp_path), today=D(2027, 12, 31))
    assert "streets" in str(info.value)
