"""Reading recorded outcomes (:mod:`tuoyu.models.outcomes`): checked against the dataset
in a folder, each problem located by file, row and column; an outcome dated after today
refused."""

from __future__ import annotations

import datetime as dt

import pytest
from draw_support import tiny_dataset

from tuoyu.models.errors import DataError
from tuoyu.models.outcomes import read_outcomes


def test_outcomes_are_checked_against_the_dataset_in_the_folder(tmp_path):
    folder = tiny_dataset(tmp_path / "data")
    good = tmp_path / "good.csv"
    good.write_text("institution_id,date,outcome,inspector_ids\nI01,2027-03-02,pass,P1;P2\n",
                    encoding="utf-8")
    rows = read_outcomes(good, folder, today=dt.date(2027, 3, 2))
    assert [(r.institution_id, r.outcome, r.inspector_ids) for r in rows] == [
        ("I01", "pass", ("P1", "P2"))]
    bad = tmp_path / "bad.csv"
    bad.write_text("institution_id,date,outcome,inspector_ids\nI99,2027-03-02,pass,P1;P9\n"
                   "I02,2027-03-09,fail,P1\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_outcomes(bad, folder, today=dt.date(2027, 3, 5))
    where = {(p.row, p.column, p.code) for p in err.value.problems}
    assert where == {(2, "institution_id", "input.refers_to_nothing"),
                     (2, "inspector_ids", "input.refers_to_nothing"),
                     (3, "date", "input.future_outcome")}
