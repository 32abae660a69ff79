"""Reading recorded inspection outcomes (the contract's ``inspections`` table: the file a
planner records after each visit), checked against the dataset they belong to."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

from tuoyu.models.errors import DataError, Problem
from tuoyu.models.inspection import PastInspection, load_inspection_data
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


def read_outcomes(file: Path, folder: str | Path,
                  today: dt.date | None = None) -> list[PastInspection]:
    """Read and check a table of inspection outcomes (the contract's ``inspections``:
    institution_id, date, outcome, inspector_ids) against the dataset. Raises
    :class:`DataError` naming the file, row and column of every problem. Given
    ``today``, an outcome dated after it is refused (an outcome is of a visit made); the
    faces pass the office's today (``tuoyu.api.runner.office_today``)."""
    file = Path(file)
    if file.suffix.lower() not in (".csv", ".xlsx"):
        raise DataError([Problem(file.name, "this kind of file is not a table of outcomes",
                                 expected="a .csv or .xlsx file",
                                 got=file.suffix or "no extension",
                                 code="input.not_outcomes_file")])
    if not file.exists():
        raise DataError(
            [
                Problem(
                    file.name,
                    "the file does not exist",
                    expected="a CSV or XLSX of inspection outcomes",
                    code="input.file_missing",
                )
            ]
        )
    data = load_inspection_data(folder)
    table = _read_table(file, Path(folder))
    known_inst = {i.institution_id for i in data.institutions}
    known_insp = {i.inspector_id for i in data.inspectors}
    problems, rows = [], []
    for n, r in enumerate(table.itertuples(index=False)):
        if r.institution_id not in known_inst:
            problems.append(
                Problem(
                    file.name,
                    f"'{r.institution_id}' refers to nothing",
                    n + 2,
                    "institution_id",
                    "an institution_id of the dataset",
                    r.institution_id,
                    code="input.refers_to_nothing",
                    params={"id": r.institution_id, "target": "institutions",
                            "target_column": "institution_id"},
                )
            )
        problems += [
            Problem(
                file.name,
                f"'{i}' refers to nothing",
                n + 2,
                "inspector_ids",
                "inspector_ids of the dataset",
                i,
                code="input.refers_to_nothing",
                params={"id": i, "target": "inspectors", "target_column": "inspector_id"},
            )
            for i in r.inspector_ids
            if i not in known_insp
        ]
        if today is not None and r.date > today:
            problems.append(Problem(file.name, "the outcome is dated in the future", n + 2,
                                    "date", f"a visit made on or before {today}",
                                    str(r.date), code="input.future_outcome",
                                    params={"today": str(today)}))
        rows.append(
            PastInspection(
                institution_id=r.institution_id,
                date=r.date,
                outcome=r.outcome,
                inspector_ids=tuple(r.inspector_ids),
            )
        )
    if problems:
        raise DataError(problems)
    return rows
