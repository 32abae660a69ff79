"""A ``draw.json`` given to ``tuoyu roster verify`` is checked to be an audit record
(``tuoyu.api.exports.audit``) before anything reads it: not a record, or a field
missing or of the wrong type, is a located input problem naming the field, in Chinese
and English, never a KeyError."""

from __future__ import annotations

import copy
import re

import pytest

from tuoyu.api.exports.audit import check_record
from tuoyu.models.errors import DataError

RECORD = {
    "seed": 20270301, "month": "2027-03",
    "inputs": {"data_dir": "/d", "tables_fingerprint": "sha256:a", "stored_history": [],
               "stored_history_fingerprint": "sha256:b"},
    "rules": {"min_team": 2}, "draw": {"drawn": []}, "result": [],
    "result_fingerprint": "sha256:c", "replan": None,
}


def _fields(record: object) -> list[str]:
    with pytest.raises(DataError) as info:
        check_record(record, "draw.json")
    assert all(p.file == "draw.json" for p in info.value.problems)
    return [p.params.get("field", "") for p in info.value.problems]


def test_a_whole_record_passes() -> None:
    check_record(RECORD, "draw.json")
    check_record({**RECORD, "replan": {"from_date": "2027-03-15", "stored_roster": []}}, "x")


@pytest.mark.parametrize("thing", [[], "draw", 3, None])
def test_what_is_not_a_record_is_said_so(thing: object) -> None:
    with pytest.raises(DataError) as info:
        check_record(thing, "draw.json")
    assert [p.code for p in info.value.problems] == ["input.not_record"]


def test_each_missing_or_wrong_field_is_named() -> None:
    bad = copy.deepcopy(RECORD)
    del bad["result"]
    bad["seed"] = -1
    bad["month"] = "March"
    del bad["inputs"]["tables_fingerprint"]
    bad["replan"] = {"from_date": "soon", "stored_roster": []}
    assert sorted(_fields(bad)) == ["inputs.tables_fingerprint", "month", "replan.from_date",
                                    "result", "seed"]


def test_the_reason_is_said_in_chinese_and_english() -> None:
    with pytest.raises(DataError) as info:
        check_record({**RECORD, "seed": "x"}, "draw.json")
    p = info.value.problems[0]
    assert p.code == "input.record_field" and p.got == "x"
    assert re.search(r"[\u4e00-\u9fff]", p.params["reason"]["zh"])
    assert p.params["reason"]["en"] == "expected a whole number"
