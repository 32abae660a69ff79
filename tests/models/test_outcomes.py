"""``tuoyu.models.outcomes``: a table of recorded outcomes is read against the district's
tables, and every rule a visit made must keep is refused with file, row and column.

The cases are built from the bundled district's own tables (an institution, its opening
date, the conflicts of interest, the working calendar), never from ids written here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuoyu.models.errors import DataError
from tuoyu.models.inspection import LAW_MIN_TEAM, PastInspection, load_inspection_data, recusals
from tuoyu.models.outcomes import read_outcomes
from tuoyu.planning.dataset import Dataset

FOLDER = Dataset.bundled().folder
DATA = load_inspection_data(FOLDER)
BARRED = recusals(DATA)
HEADER = "institution_id,date,outcome,inspector_ids\n"


def _free_team(institution_id: str, size: int = 2) -> list[str]:
    """Inspectors with no conflict of interest in the institution."""
    return [p.inspector_id for p in DATA.inspectors
            if (institution_id, p.inspector_id) not in BARRED][:size]


def _workday(after: dt.date) -> dt.date:
    day = after
    while not DATA.calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


INST = next(i for i in DATA.institutions if i.opened_on is not None)
DAY = _workday(dt.date(2027, 3, 1))


def _table(tmp_path: Path, *rows: str, name: str = "outcomes.csv") -> Path:
    f = tmp_path / name
    f.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return f


def _only_problem(file: Path, today: dt.date | None = None):
    with pytest.raises(DataError) as err:
        read_outcomes(file, FOLDER, today=today)
    (p,) = err.value.problems
    return p


def test_a_good_row_is_read_as_a_past_inspection(tmp_path: Path) -> None:
    a, b = _free_team(INST.institution_id)
    f = _table(tmp_path, f"{INST.institution_id},{DAY},rectify,{a};{b}")
    assert read_outcomes(f, FOLDER) == [
        PastInspection(institution_id=INST.institution_id, date=DAY, outcome="rectify",
                       inspector_ids=(a, b))
    ]  # fmt: skip


@pytest.mark.parametrize("code", ["pass", "rectify", "fail"])
def test_an_outcome_written_as_the_office_names_it_is_read(tmp_path: Path, code: str) -> None:
    """Outcomes are typed by hand after the visits, in Chinese: the word the plans and
    notices print for each (合格, 责令整改, 不合格) is read as its code."""
    from tuoyu.api.text import label

    a, b = _free_team(INST.institution_id)
    f = _table(tmp_path, f"{INST.institution_id},{DAY},{label('outcome.' + code)},{a};{b}")
    assert [r.outcome for r in read_outcomes(f, FOLDER)] == [code]


def test_ids_that_refer_to_nothing_are_located(tmp_path: Path) -> None:
    a, b = _free_team(INST.institution_id)
    f = _table(tmp_path, f"NOBODY-INST,{DAY},pass,{a};{b}",
               f"{INST.institution_id},{DAY},pass,NOBODY;{b}")
    with pytest.raises(DataError) as err:
        read_outcomes(f, FOLDER)
    found = {(p.file, p.row, p.column, p.got, p.code) for p in err.value.problems}
    assert ("outcomes.csv", 2, "institution_id", "NOBODY-INST", "input.refers_to_nothing") in found
    assert ("outcomes.csv", 3, "inspector_ids", "NOBODY", "input.refers_to_nothing") in found


def test_rule_the_law_s_least_team(tmp_path: Path) -> None:
    (a,) = _free_team(INST.institution_id, 1)
    p = _only_problem(_table(tmp_path, f"{INST.institution_id},{DAY},pass,{a}"))
    assert (p.row, p.column, p.code) == (2, "inspector_ids", "input.outcome_small_team")
    assert p.params == {"n": 1, "min": LAW_MIN_TEAM}


def test_rule_each_inspector_once(tmp_path: Path) -> None:
    a, b = _free_team(INST.institution_id)
    p = _only_problem(_table(tmp_path, f"{INST.institution_id},{DAY},pass,{a};{b};{a}"))
    assert (p.column, p.got, p.code) == ("inspector_ids", a, "input.outcome_same_inspector")


def test_rule_no_conflict_of_interest(tmp_path: Path) -> None:
    inst_id, barred = sorted(BARRED)[0]
    other = next(p.inspector_id for p in DATA.inspectors
                 if (inst_id, p.inspector_id) not in BARRED)
    inst = next(i for i in DATA.institutions if i.institution_id == inst_id)
    day = _workday(max(DAY, inst.opened_on or DAY))
    p = _only_problem(_table(tmp_path, f"{inst_id},{day},pass,{barred};{other}"))
    assert (p.column, p.got, p.code) == ("inspector_ids", barred, "input.outcome_conflict")


def test_rule_a_working_day_weekend_and_holiday_named(tmp_path: Path) -> None:
    a, b = _free_team(INST.institution_id)
    saturday = next(DAY + dt.timedelta(days=k) for k in range(7)
                    if (DAY + dt.timedelta(days=k)).weekday() == 5
                    and not DATA.calendar.is_workday(DAY + dt.timedelta(days=k)))
    p = _only_problem(_table(tmp_path, f"{INST.institution_id},{saturday},pass,{a};{b}"))
    assert (p.column, p.code, p.params) == ("date", "input.outcome_weekend", {"weekday": "周六"})
    holiday = next(d for d in (dt.date(2027, 10, 1) + dt.timedelta(days=k) for k in range(7))
                   if DATA.calendar.holiday_name(d) and d.weekday() < 5)
    p = _only_problem(_table(tmp_path, f"{INST.institution_id},{holiday},pass,{a};{b}"))
    assert p.code == "input.outcome_holiday"
    assert p.params == {"name": DATA.calendar.holiday_name(holiday)}


def test_rule_dates_before_opening_2000_or_after_today(tmp_path: Path) -> None:
    a, b = _free_team(INST.institution_id)
    assert INST.opened_on is not None
    before = _workday(INST.opened_on - dt.timedelta(days=30))
    if before >= INST.opened_on:  # a long holiday: step further back
        before = _workday(INST.opened_on - dt.timedelta(days=90))
    p = _only_problem(_table(tmp_path, f"{INST.institution_id},{before},pass,{a};{b}"))
    assert (p.column, p.code) == ("date", "input.outcome_before_opening")
    p = _only_problem(_table(tmp_path, f"{INST.institution_id},1999-12-31,pass,{a};{b}"))
    assert p.code == "input.outcome_before_2000"
    f = _table(tmp_path, f"{INST.institution_id},{DAY},pass,{a};{b}")
    p = _only_problem(f, today=DAY - dt.timedelta(days=1))
    assert (p.row, p.column, p.code) == (2, "date", "input.future_outcome")
    assert read_outcomes(f, FOLDER, today=DAY)  # made today: accepted


def test_rule_one_outcome_per_visit(tmp_path: Path) -> None:
    a, b = _free_team(INST.institution_id)
    row = f"{INST.institution_id},{DAY},pass,{a};{b}"
    p = _only_problem(_table(tmp_path, row, row))
    assert (p.row, p.column, p.code, p.params) == (3, "date", "input.outcome_duplicate",
                                                   {"first": 2})


def test_not_a_table_a_folder_or_missing_is_said(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    assert _only_problem(notes).code == "input.not_outcomes_file"
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert _only_problem(folder).code == "input.is_a_folder"
    assert _only_problem(tmp_path / "missing.csv").code == "input.file_missing"


def test_a_table_with_no_outcome_is_said_empty(tmp_path: Path) -> None:
    """A file saved empty, or with its header only, was "0 outcomes recorded", exit 0:
    the planner believed the month's results were in."""
    assert _only_problem(_table(tmp_path)).code == "input.empty_table"
    zero = tmp_path / "zero.csv"
    zero.write_bytes(b"")
    p = _only_problem(zero)
    assert (p.file, p.code) == ("zero.csv", "input.empty_table")


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(inst=st.sampled_from([i for i in DATA.institutions if i.active]),
       offset=st.integers(min_value=0, max_value=300),
       outcome=st.sampled_from(["pass", "rectify", "fail"]))
def test_any_visit_that_keeps_the_rules_is_accepted(tmp_path: Path, inst, offset: int,
                                                    outcome: str) -> None:
    start = max(dt.date(2027, 1, 1), inst.opened_on or dt.date(2027, 1, 1))
    day = _workday(start + dt.timedelta(days=offset))
    team = _free_team(inst.institution_id, LAW_MIN_TEAM)
    f = _table(tmp_path, f"{inst.institution_id},{day},{outcome},{';'.join(team)}",
               name=f"ok-{inst.institution_id}-{offset}.csv")
    (row,) = read_outcomes(f, FOLDER, today=day)
    assert (row.institution_id, row.date, row.outcome, row.inspector_ids) == (
        inst.institution_id, day, outcome, tuple(team))
