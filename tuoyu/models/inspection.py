"""Domain of the monthly inspection roster (双随机): institutions, inspectors, history."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from pathlib import Path

import pandas as pd
from pydantic import ConfigDict

from tuoyu.models.calendar import WorkCalendar
from tuoyu.models.common import Frozen, Street
from tuoyu.models.common import records as _records
from tuoyu.models.reader import canonical_json, read_tables
from tuoyu.models.schema import ROSTER_TABLES

#: the least team of inspectors a visit has (Administrative Penalty Law art. 42: two officers)
LAW_MIN_TEAM = 2


class Institution(Frozen):
    institution_id: str
    name: str
    street_id: str
    lon: float
    lat: float
    kind: str
    operator: str = ""
    risk: str = "medium"
    opened_on: dt.date | None = None
    active: bool = True


class Inspector(Frozen):
    inspector_id: str
    name: str
    department: str
    street_id: str = ""
    skills: tuple[str, ...]
    max_per_month: int
    max_per_day: int = 2


class Leave(Frozen):
    person_id: str
    start: dt.date
    end: dt.date

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class Conflict(Frozen):
    inspector_id: str
    institution_id: str = ""
    operator: str = ""
    reason: str = ""


class PastInspection(Frozen):
    institution_id: str
    date: dt.date
    outcome: str
    inspector_ids: tuple[str, ...] = ()


class InspectionData(Frozen):
    """Everything the roster planner reads, validated, plus a fingerprint of it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    streets: tuple[Street, ...]
    institutions: tuple[Institution, ...]
    inspectors: tuple[Inspector, ...]
    leave: tuple[Leave, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    history: tuple[PastInspection, ...] = ()
    calendar: WorkCalendar = WorkCalendar()
    fingerprint: str = ""

    def with_history(self, extra: list[PastInspection]) -> InspectionData:
        """The same data with more past (or already planned) inspections."""
        return self.model_copy(update={"history": tuple(self.history) + tuple(extra)})


def fingerprint_of(tables: dict[str, pd.DataFrame]) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(tables)).hexdigest()


def inspection_data_from_tables(tables: dict[str, pd.DataFrame]) -> InspectionData:
    streets = tuple(
        Street(street_id=r["street_id"], name=r["name"], neighbours=tuple(r["neighbours"] or ()))
        for r in _records(tables["streets"], ["street_id", "name", "neighbours"])
    )
    inst_cols = [
        "institution_id",
        "name",
        "street_id",
        "lon",
        "lat",
        "kind",
        "operator",
        "risk",
        "opened_on",
        "active",
    ]
    institutions = tuple(Institution(**r) for r in _records(tables["institutions"], inst_cols))  # type: ignore[arg-type]
    insp_cols = [
        "inspector_id",
        "name",
        "department",
        "street_id",
        "skills",
        "max_per_month",
        "max_per_day",
    ]
    inspectors = tuple(Inspector(**r) for r in _records(tables["inspectors"], insp_cols))  # type: ignore[arg-type]
    leave = tuple(
        Leave(person_id=r["inspector_id"], start=r["start"], end=r["end"])  # type: ignore[arg-type]
        for r in _records(tables["inspector_leave"], ["inspector_id", "start", "end"])
    )
    conflicts = tuple(
        Conflict(**r)  # type: ignore[arg-type]
        for r in _records(
            tables["conflicts"], ["inspector_id", "institution_id", "operator", "reason"]
        )
    )
    history = tuple(
        PastInspection(**r)  # type: ignore[arg-type]
        for r in _records(
            tables["inspections"], ["institution_id", "date", "outcome", "inspector_ids"]
        )
    )
    calendar = WorkCalendar.from_rows(
        (r["date"], r["kind"], r["name"])  # type: ignore[misc]
        for r in _records(tables["calendar"], ["date", "kind", "name"])
    )
    return InspectionData(
        streets=streets,
        institutions=institutions,
        inspectors=inspectors,
        leave=leave,
        conflicts=conflicts,
        history=history,
        calendar=calendar,
        fingerprint=fingerprint_of(tables),
    )


def load_inspection_data(folder: str | Path) -> InspectionData:
    """Read and validate the roster's tables from a dataset folder."""
    return inspection_data_from_tables(read_tables(folder, ROSTER_TABLES))


def recusals(data: InspectionData) -> frozenset[tuple[str, str]]:
    """(institution, inspector) pairs barred by a conflict of interest (回避), by
    institution or by operator."""
    by_operator = defaultdict(list)
    for i in data.institutions:
        if i.operator:
            by_operator[i.operator].append(i.institution_id)
    out: set[tuple[str, str]] = set()
    for c in data.conflicts:
        if c.institution_id:
            out.add((c.institution_id, c.inspector_id))
        if c.operator:
            out.update((iid, c.inspector_id) for iid in by_operator.get(c.operator, []))
    return frozenset(out)
