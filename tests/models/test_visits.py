"""The home visits' domain (``tuoyu.models.visits``): the half-days a family gives, in
the forms a planner writes them (Mon AM, 周三下午, Sat for both halves), read and written
back; a family's row checked (needs, dates, committee, coordinates) with file, row and
column and never the family's values; a family without coordinates placed at its
committee; a person's visit days within their working days."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from visits_check import tiny_dataset

from tuoyu.models.errors import DataError
from tuoyu.models.visits import AM, PM, format_half_days, load_visit_data, parse_half_days

_HALVES = st.sets(st.tuples(st.integers(0, 6), st.sampled_from([AM, PM])), min_size=1)


@pytest.mark.parametrize(("text", "halves"), [
    ("Mon AM", ((0, AM),)),
    ("Wed-PM; mon am", ((0, AM), (2, PM))),
    ("周三下午，周一上午", ((0, AM), (2, PM))),
    ("星期六", ((5, AM), (5, PM))),
    ("Sat", ((5, AM), (5, PM))),
    ("Friday afternoon、Tue morning", ((1, AM), (4, PM))),
])
def test_half_days_as_a_planner_writes_them(text: str, halves: tuple) -> None:
    assert parse_half_days(text) == halves


@pytest.mark.parametrize("text", ["", " ; ", "Mon noon", "Funday AM", "周八上午", "9 AM"])
def test_what_is_not_a_half_day_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_half_days(text)


@given(_HALVES)
def test_half_days_written_are_read_back(halves: set) -> None:
    assert parse_half_days(format_half_days(tuple(sorted(halves)))) == tuple(sorted(halves))


STAFF = [{"staff_id": "ED1", "discipline": "education", "days": "Mon;Tue;Wed",
          "visit_days": "Tue;Wed;Sat"}]


def fam(fid: str, **kw: object) -> dict[str, object]:
    return {"family_id": fid, "birth_date": "2027-01-20", "registered_on": "2027-02-05",
            "needs": "education", "half_days": "Mon AM", **kw}


def test_a_family_without_coordinates_is_at_its_committee(tmp_path: Path) -> None:
    folder = tiny_dataset(tmp_path / "d", staff=STAFF,
                          families=[fam("F1"), fam("F2", lon="121.50", lat="31.41")])
    data = load_visit_data(folder)
    f1, f2 = data.families
    committee = data.communities[0]
    assert f1.at_committee and (f1.lon, f1.lat) == (committee.lon, committee.lat)
    assert not f2.at_committee and (f2.lon, f2.lat) == (121.50, 31.41)
    assert data.staff[0].days == (1, 2)  # visit days only among the working days


@pytest.mark.parametrize(("row", "column", "code"), [
    ({"half_days": "Mon noon"}, "half_days", "input.value_invalid"),
    ({"registered_on": "2027-01-10"}, "registered_on", "visits.input.registered_before_birth"),
    ({"lon": "121.5"}, "lon", "visits.input.one_coordinate"),
])
def test_a_bad_family_row_is_located_without_its_values(tmp_path: Path, row: dict,
                                                        column: str, code: str) -> None:
    folder = tiny_dataset(tmp_path / "d", staff=STAFF, families=[fam("F1"), fam("SECRET", **row)])
    with pytest.raises(DataError) as info:
        load_visit_data(folder)
    (p,) = info.value.problems
    assert (p.file, p.row, p.column, p.code) == ("families.csv", 3, column, code)
    assert "SECRET" not in str(info.value) and p.got is None
