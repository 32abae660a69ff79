"""What a week of home visits needs besides the dataset's tables (the registry's
``inputs`` hook): the earlier plan's visits for a re-plan (``previous``: its
visits.csv), and the guidance sessions that take staff half-days.

The sessions come from, in order: a file the command line was given (``--sessions``,
held in :data:`SESSIONS_FILE` for the call), the newest finished session calendar the
service stored for this dataset and the week's year, or else the dataset's own
``sessions.csv`` (read by the planner when none is passed).
"""

from __future__ import annotations

import contextvars
import csv
import json
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import VisitParams

#: a sessions.csv given on the command line, for the call under way
SESSIONS_FILE: contextvars.ContextVar[Path | None] = contextvars.ContextVar(
    "tuoyu_visits_sessions", default=None)


#: the columns of a session calendar's sessions.csv the planner reads
SESSION_COLUMNS = ("date", "start")


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def read_given(path: Path, needs: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a file named on the command line (``--sessions``), UTF-8 or GBK;
    refused by its name when it is not there, not text, or lacks a column of ``needs``
    (a file "x" was read as a calendar without sessions, and the week planned as if
    no staff member had one)."""
    import io

    from tuoyu.models.errors import DataError, Problem
    from tuoyu.models.reader import decoded

    if not path.is_file():
        raise DataError([Problem(path.name, "the file does not exist",
                                 code="input.file_missing")])
    text = decoded(path.read_bytes())
    if text is None:
        raise DataError([Problem(path.name, "the file is not readable text",
                                 code="input.not_text")])
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in needs if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError([Problem(path.name, f"required column '{missing[0]}' is missing",
                                 row=1, column=missing[0], code="input.missing_column",
                                 params={"name": missing[0]})])
    return list(reader)


def stored_sessions(engine: Engine | None, dataset: Dataset,
                    year: int) -> list[dict[str, Any]] | None:
    """The rows of the newest finished session calendar of the dataset and year that the
    service stored, or None."""
    from tuoyu.api import store
    from tuoyu.api.store import Job, StoredPlan

    eng = engine or store.engine()
    with Session(eng) as s:
        ids = store.job_dataset_ids(s, dataset.key)
        jobs = (s.query(Job).filter(Job.kind == "sessions", Job.dataset_id.in_(ids),
                                    Job.status == "done")
                .order_by(Job.finished_at.desc()).all())
        for job in jobs:
            if job.params.get("year") != year:
                continue
            plan = s.query(StoredPlan).filter(StoredPlan.job_id == job.id).one_or_none()
            if plan is not None:
                return list(json.loads(plan.result_json).get("rows") or [])
    return None


def run_inputs(dataset: Dataset, params: VisitParams, *, engine: Engine | None,
               previous: Path | None = None) -> tuple[VisitParams, dict[str, Any]]:
    earlier = read_rows(previous) if previous is not None and previous.exists() else []
    given = SESSIONS_FILE.get()
    sessions = read_given(given, SESSION_COLUMNS) if given is not None else stored_sessions(
        engine, dataset, params.week.year)
    return params, {"previous": earlier, "sessions": sessions}
