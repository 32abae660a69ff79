"""Delete a dataset's families and every copy the program keeps of them (个人信息保护法:
personal information is deleted when it is no longer needed or the person asks).

What holds family data: the dataset's ``families`` table (a CSV, or a sheet of a
workbook), and each home-visit plan made from it — the stored job and its result JSON
(rows and findings name families by id), the job's message, and the job's output
folder. :func:`forget_families` removes all of them, then rewrites the SQLite file with
``secure_delete`` on and ``VACUUM`` (and a WAL checkpoint), so deleted rows do not linger
in free pages. Nothing about the families is logged or returned: only counts.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tuoyu.api.store import DatasetRow, Job, StoredPlan
from tuoyu.models.reader import xlsx_sheets
from tuoyu.models.schema import FAMILIES

KIND = "visits"


@dataclass(frozen=True)
class Forgotten:
    """What was deleted, as counts."""

    files: int
    jobs: int
    folders: int


def remove_family_tables(folder: Path) -> int:
    """Delete ``families.csv`` and any ``families`` (新生儿家庭) sheet of the folder's
    workbooks (the workbook is rewritten without it, through a temporary file)."""
    n = 0
    csv = folder / "families.csv"
    if csv.exists():
        csv.unlink()
        n += 1
    for name, (book, sheet) in xlsx_sheets(folder, []).items():
        if name not in (FAMILIES.name, FAMILIES.zh):
            continue
        from openpyxl import load_workbook

        wb = load_workbook(book)
        del wb[sheet]
        tmp = book.with_name(f".{book.name}.tmp")
        if wb.sheetnames:
            wb.save(tmp)
            tmp.replace(book)
        else:
            book.unlink()
        n += 1
    return n


def forget_families(engine: Engine, *, folder: Path, dataset_id: str | None,
                    jobs_dir: Path | None) -> Forgotten:
    """Remove the families of a dataset (its folder) and every visit plan of it from the
    store (``dataset_id``) and from the jobs folder."""
    files = remove_family_tables(folder)
    jobs = folders = 0
    with Session(engine) as s, s.begin():
        if dataset_id is not None:
            ds = s.get(DatasetRow, dataset_id)
            if ds is not None:
                tables = ds.tables
                tables.pop(FAMILIES.name, None)
                ds.tables_json = json.dumps(tables)
            found = s.query(Job).filter(Job.kind == KIND, Job.dataset_id == dataset_id).all()
            for job in found:
                s.query(StoredPlan).filter(StoredPlan.job_id == job.id).delete()
                if jobs_dir is not None and (jobs_dir / job.id).is_dir():
                    shutil.rmtree(jobs_dir / job.id)
                    folders += 1
                s.delete(job)
                jobs += 1
    if engine.url.get_backend_name() == "sqlite":
        with engine.connect() as conn:
            conn.execute(text("PRAGMA secure_delete=ON"))
            conn.commit()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM"))
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return Forgotten(files, jobs, folders)
