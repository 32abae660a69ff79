"""Recorded outcomes of inspections (the contract's ``inspections`` table): read and
checked against a district's tables, each problem located by file, row and column.

Domain only: the law's least team (:data:`tuoyu.models.inspection.LAW_MIN_TEAM`), conflicts
of interest (:func:`tuoyu.models.inspection.recusals`) and the district's working calendar
decide what a visit made may look like; the store keeps what this returns.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

from tuoyu.models.errors import DataError, Problem
from tuoyu.models.inspection import (
    LAW_MIN_TEAM,
    InspectionData,
    PastInspection,
    load_inspection_data,
    recusals,
)
from tuoyu.models.reader import read_tables


def _read_table(file: Path, folder: Path) -> Any:
    """The file as the contract's ``inspections`` table (checked column by column)."""
    with tempfile.TemporaryDirectory() as tmp:
        suffix = file.suffix.lower()
        target = Path(tmp) / ("inspections" + (".csv" if suffix == ".csv" else ".xlsx"))
        shutil.copy(file, target)
        if suffix == ".csv":
            for name in ("streets", "institutions", "inspectors"):
                src = Path(folder) / f"{name}.csv"
                if src.exists():
                    shutil.copy(src, Path(tmp) / f"{name}.csv")
        try:
            return read_tables(tmp, ("inspections",))["inspections"]
        except DataError as err:
            raise DataError(
                [
                    Problem(file.name, p.message, p.row, p.column, p.expected, p.got,
                            code=p.code, params=p.params)
                    for p in err.problems
                ]
            ) from None


#: the most rows one table of outcomes may hold
MAX_OUTCOME_ROWS = 1_000_000
#: the first date an outcome may have (the district's records begin later)
FIRST_OUTCOME = dt.date(2000, 1, 1)
WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_Found = tuple[str, str, str, "str | None", str, dict[str, Any]]


#: inspectors a visit made had at least (Administrative Penalty Law art. 42)
MIN_TEAM = LAW_MIN_TEAM


def _team_problems(team: tuple[str, ...], institution_id: str,
                   barred: frozenset[tuple[str, str]]) -> list[_Found]:
    """The team of a visit made: at least :data:`MIN_TEAM` inspectors (the law's
    two), each once, none with a conflict of interest in the institution."""
    need = MIN_TEAM
    out: list[_Found] = []
    if not team:
        out.append(("inspector_ids", "no inspectors given", f"at least {need} inspector_ids",
                    None, "input.outcome_no_team", {"min": need}))
    elif len(set(team)) < need:
        out.append(("inspector_ids", f"only {len(set(team))} inspector(s)",
                    f"at least {need} different inspectors", ";".join(team),
                    "input.outcome_small_team", {"n": len(set(team)), "min": need}))
    seen: set[str] = set()
    for i in team:
        if i in seen:
            out.append(("inspector_ids", f"'{i}' is named twice", "each inspector once", i,
                        "input.outcome_same_inspector", {"id": i}))
        seen.add(i)
        if (institution_id, i) in barred:
            out.append(("inspector_ids", f"'{i}' has a conflict of interest",
                        "inspectors free of conflicts with the institution", i,
                        "input.outcome_conflict", {"id": i}))
    return out


class _WorkdayRule:
    """Which rule makes a date no working day: a weekend or a holiday (with its name),
    by the dataset's calendar; cached per date (a table has many rows per day)."""

    def __init__(self, data: InspectionData):
        self.calendar = data.calendar
        self._seen: dict[dt.date, _Found | None] = {}

    def __call__(self, day: dt.date) -> _Found | None:
        if day not in self._seen:
            self._seen[day] = self._rule(day)
        return self._seen[day]

    def _rule(self, day: dt.date) -> _Found | None:
        if self.calendar.is_workday(day):
            return None
        name = self.calendar.holiday_name(day)
        if name:
            return ("date", f"{day} is a holiday ({name})", "a working day", str(day),
                    "input.outcome_holiday", {"name": name})
        return ("date", f"{day} is a weekend day", "a working day", str(day),
                "input.outcome_weekend", {"weekday": WEEKDAYS_ZH[day.weekday()]})


def _date_problems(day: dt.date, inst: Any, today: dt.date | None,
                   workday: _WorkdayRule) -> list[_Found]:
    """The date of a visit made: from 2000, not before the institution opened, not after
    today, on a working day."""
    if day < FIRST_OUTCOME:
        return [("date", "the visit is dated before 2000", "a date from 2000-01-01",
                 str(day), "input.outcome_before_2000", {})]
    out: list[_Found] = []
    if inst is not None and inst.opened_on is not None and day < inst.opened_on:
        out.append(("date", "the visit is dated before the institution opened",
                    f"a date on or after {inst.opened_on}", str(day),
                    "input.outcome_before_opening", {"opened": str(inst.opened_on)}))
    if today is not None and day > today:
        out.append(("date", "the outcome is dated in the future",
                    f"a visit made on or before {today}", str(day), "input.future_outcome",
                    {"today": str(today)}))
    rule = workday(day)
    if rule is not None:
        out.append(rule)
    return out


def _file_problem(file: Path) -> Problem | None:
    """Why ``file`` is no table of outcomes to read: its kind, a folder, missing."""
    if file.suffix.lower() not in (".csv", ".xlsx"):
        return Problem(file.name, "this kind of file is not a table of outcomes",
                       expected="a .csv or .xlsx file", got=file.suffix or "no extension",
                       code="input.not_outcomes_file")
    if file.is_dir():
        return Problem(file.name, "this is a folder, not a file",
                       expected="a CSV or XLSX file of inspection outcomes",
                       code="input.is_a_folder")
    if not file.exists():
        return Problem(file.name, "the file does not exist",
                       expected="a CSV or XLSX of inspection outcomes",
                       code="input.file_missing")
    return None


def _unknown_ids(institution_id: str, inst: Any, team: tuple[str, ...],
                 known_inspectors: set[str]) -> list[_Found]:
    """Ids of the row that refer to no institution or inspector of the district."""
    out: list[_Found] = []
    if inst is None:
        out.append(("institution_id", f"'{institution_id}' refers to nothing",
                    "an institution_id of the dataset", institution_id,
                    "input.refers_to_nothing",
                    {"id": institution_id, "target": "institutions",
                     "target_column": "institution_id"}))
    out += [("inspector_ids", f"'{i}' refers to nothing", "inspector_ids of the dataset",
             i, "input.refers_to_nothing",
             {"id": i, "target": "inspectors", "target_column": "inspector_id"})
            for i in team if i not in known_inspectors]
    return out


class _RowRules:
    """Every rule one row of outcomes must keep, against the district's tables; remembers
    the rows seen (one outcome per institution and date)."""

    def __init__(self, data: InspectionData, today: dt.date | None):
        self.institutions = {i.institution_id: i for i in data.institutions}
        self.inspectors = {i.inspector_id for i in data.inspectors}
        self.barred = recusals(data)
        self.workday = _WorkdayRule(data)
        self.today = today
        self.first_row: dict[tuple[str, dt.date], int] = {}

    def __call__(self, row: int, institution_id: str, day: dt.date,
                 team: tuple[str, ...]) -> list[_Found]:
        inst = self.institutions.get(institution_id)
        found = _unknown_ids(institution_id, inst, team, self.inspectors)
        found += _team_problems(team, institution_id, self.barred)
        found += _date_problems(day, inst, self.today, self.workday)
        first = self.first_row.setdefault((institution_id, day), row)
        if first != row:
            found.append(("date", "a second outcome of the same visit",
                          "one outcome per institution and date", str(day),
                          "input.outcome_duplicate", {"first": first}))
        return found


def read_outcomes(file: Path, folder: Path | str,
                  today: dt.date | None = None) -> list[PastInspection]:
    """Read and check a table of inspection outcomes (the contract's ``inspections``:
    institution_id, date, outcome, inspector_ids) against the district's tables in
    ``folder``. Raises :class:`DataError` naming the file, row and column of every
    problem. Given ``today``, an outcome dated after it is refused (an outcome is of a
    visit made); the faces pass the office's today (``tuoyu.api.runner.office_today``)."""
    file = Path(file)
    bad_file = _file_problem(file)
    if bad_file is not None:
        raise DataError([bad_file])
    data = load_inspection_data(folder)
    table = _read_table(file, Path(folder))
    if len(table) == 0:  # "0 outcomes recorded" of a file saved empty read as a success
        raise DataError([Problem(file.name, "the table is empty",
                                 expected="at least one row of data",
                                 code="input.empty_table")])
    if len(table) > MAX_OUTCOME_ROWS:
        raise DataError([Problem(file.name, "too many rows of outcomes",
                                 expected=f"at most {MAX_OUTCOME_ROWS} rows", got=str(len(table)),
                                 code="input.outcome_too_many",
                                 params={"n": len(table), "limit": MAX_OUTCOME_ROWS})])
    rules = _RowRules(data, today)
    problems: list[Problem] = []
    rows: list[PastInspection] = []
    for n, r in enumerate(table.itertuples(index=False)):
        team = tuple(r.inspector_ids)
        problems += [Problem(file.name, message, n + 2, column, expected, got, code=code,
                             params=params)
                     for column, message, expected, got, code, params
                     in rules(n + 2, r.institution_id, r.date, team)]
        rows.append(  # checked column by column by the reader: no second validation
            PastInspection.model_construct(
                institution_id=r.institution_id,
                date=r.date,
                outcome=r.outcome,
                inspector_ids=team,
            )
        )
    if problems:
        raise DataError(problems)
    return rows
