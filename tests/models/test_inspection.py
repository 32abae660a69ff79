"""The roster's domain (``tuoyu.models.inspection``): the bundled tables read into
institutions, inspectors, leave and conflicts as the CSVs say (counted here with the csv
module); a conflict bars an inspector from an institution or from every institution of
an operator (回避); the fingerprint changes with any table."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

from tuoyu.data import BUNDLED
from tuoyu.models.common import Street
from tuoyu.models.inspection import (
    Conflict,
    InspectionData,
    Inspector,
    Institution,
    Leave,
    PastInspection,
    load_inspection_data,
    recusals,
)


def _rows(name: str) -> list[dict[str, str]]:
    with open(BUNDLED / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _inst(iid: str, operator: str = "") -> Institution:
    return Institution(institution_id=iid, name=iid, street_id="S1", lon=121.4, lat=31.4,
                       kind="childcare_center", operator=operator)


def _data(institutions: list[Institution], conflicts: list[Conflict]) -> InspectionData:
    inspector = Inspector(inspector_id="P1", name="甲", department="卫健委", skills=("health",),
                          max_per_month=10)
    return InspectionData(streets=(Street(street_id="S1", name="一街", neighbours=()),),
                          institutions=tuple(institutions), inspectors=(inspector,),
                          conflicts=tuple(conflicts))


def test_leave_covers_its_first_and_last_day_only() -> None:
    leave = Leave(person_id="P1", start=dt.date(2027, 3, 3), end=dt.date(2027, 3, 5))
    assert [leave.covers(dt.date(2027, 3, d)) for d in range(2, 7)] == [
        False, True, True, True, False]


def test_a_conflict_bars_the_institution_or_every_institution_of_the_operator() -> None:
    data = _data(
        [_inst("A", "甲公司"), _inst("B", "甲公司"), _inst("C", "乙公司"), _inst("D")],
        [Conflict(inspector_id="P1", operator="甲公司"),
         Conflict(inspector_id="P2", institution_id="C"),
         Conflict(inspector_id="P3", operator="无此公司"),
         Conflict(inspector_id="P4", institution_id="D", operator="乙公司")])
    assert recusals(data) == {("A", "P1"), ("B", "P1"), ("C", "P2"), ("D", "P4"), ("C", "P4")}


def test_no_conflict_no_recusal() -> None:
    assert recusals(_data([_inst("A", "甲公司")], [])) == frozenset()


def test_the_bundled_tables_read_as_the_files_say() -> None:
    data = load_inspection_data(BUNDLED)
    institutions = _rows("institutions.csv")
    assert [i.institution_id for i in data.institutions] == [
        r["institution_id"] for r in institutions]
    assert [i.operator for i in data.institutions] == [r["operator"] for r in institutions]
    assert [i.active for i in data.institutions] == [
        r["active"].lower() == "true" for r in institutions]
    assert [p.inspector_id for p in data.inspectors] == [
        r["inspector_id"] for r in _rows("inspectors.csv")]
    assert [(x.person_id, x.start.isoformat(), x.end.isoformat()) for x in data.leave] == [
        (r["inspector_id"], r["start"], r["end"]) for r in _rows("inspector_leave.csv")]
    assert len(data.conflicts) == len(_rows("conflicts.csv"))
    assert data.fingerprint.startswith("sha256:") and len(data.fingerprint) == 7 + 64


def test_the_bundled_recusals_follow_the_conflicts_file() -> None:
    data = load_inspection_data(BUNDLED)
    by_operator: dict[str, list[str]] = {}
    for r in _rows("institutions.csv"):
        if r["operator"]:
            by_operator.setdefault(r["operator"], []).append(r["institution_id"])
    expected = set()
    for c in _rows("conflicts.csv"):
        if c["institution_id"]:
            expected.add((c["institution_id"], c["inspector_id"]))
        expected.update((i, c["inspector_id"]) for i in by_operator.get(c["operator"], []))
    assert recusals(data) == expected and expected


def test_a_changed_table_changes_the_fingerprint(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    shutil.copytree(BUNDLED, folder)
    before = load_inspection_data(folder).fingerprint
    assert load_inspection_data(BUNDLED).fingerprint == before  # the same tables, the same
    rows = _rows("inspectors.csv")
    with open(folder / "inspectors.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        rows[0]["max_per_month"] = str(int(rows[0]["max_per_month"]) + 1)
        w.writerows(rows)
    assert load_inspection_data(folder).fingerprint != before


def test_with_history_adds_the_inspections_and_keeps_the_rest() -> None:
    data = _data([_inst("A")], [])
    past = [PastInspection(institution_id="A", date=dt.date(2027, 1, 5), outcome="pass")]
    more = data.with_history(past)
    assert more.history == tuple(past) and data.history == ()
    assert more.institutions == data.institutions
