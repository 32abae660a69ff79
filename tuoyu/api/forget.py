"""Delete a dataset's families and every copy the program keeps of them (个人信息保护法:
personal information is deleted when it is no longer needed or the person asks).

What holds family data: the dataset's ``families`` table (a CSV, or a sheet of a
workbook), and each home-visit plan made from it — the stored job and its result JSON
(rows and findings name families by id), the job's message, the job's output
folder, and the plan files the command line wrote (``tuoyu visits``, ``tuoyu all``,
``tuoyu city``: the folders the store noted for the dataset). :func:`forget_families`
removes all of them, then rewrites the SQLite file with
``secure_delete`` on and ``VACUUM`` (and a WAL checkpoint), so deleted rows do not linger
in free pages. Nothing about the families is logged or returned: only counts.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tuoyu.api.store import DatasetRow, Job, PlanFolder, StoredPlan, job_dataset_ids
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


def families_present(folder: Path) -> bool:
    """Whether the folder still holds its families (a ``families.csv``, or a ``families``
    / 新生儿家庭 sheet): :func:`forget_families` removes them first of all."""
    if (folder / "families.csv").exists():
        return True
    return any(name in (FAMILIES.name, FAMILIES.zh) for name in xlsx_sheets(folder, []))


def withdraw_if_forgotten(engine: Engine, *, folder: Path, key: str, out: Path) -> bool:
    """After a command-line run published a visits plan of the dataset in ``folder``
    (keyed ``key``) into ``out`` and noted it in the store: when the families are gone
    (forgotten while the run planned, before the note could be found), delete the plan's
    files and the note. True when it did.

    Between the two commands, whatever their timing: forgetting removes the families,
    then the noted plans; the run notes its plan, then looks for the families. Either the
    run sees them gone and withdraws its plan, or it saw them before they were removed,
    so its note was there when the forget looked for the notes."""
    if families_present(folder):
        return False
    from tuoyu.api.exports.visits import remove_plan_files

    remove_plan_files(out)
    with Session(engine) as s, s.begin():
        s.execute(delete(PlanFolder).where(PlanFolder.kind == KIND, PlanFolder.dataset == key,
                                           PlanFolder.folder == str(out.resolve())))
    return True


def remove_plan_folders(session: Session, keys: set[str]) -> int:
    """Delete the visits plans the command line wrote for the dataset (the store notes
    each out folder under the dataset's key: its id, or its folder's absolute path):
    the plan's files, the folder when it is left empty, and the note. Returns how many
    folders held a plan."""
    from tuoyu.api.exports.visits import remove_plan_files

    n = 0
    for row in session.scalars(select(PlanFolder).where(
            PlanFolder.kind == KIND, PlanFolder.dataset.in_(sorted(keys)))).all():
        n += remove_plan_files(Path(row.folder))
        session.delete(row)
    return n


def forget_families(engine: Engine, *, folder: Path, dataset_id: str | None,
                    jobs_dir: Path | None) -> Forgotten:
    """Remove the families of a dataset (its folder) and every visit plan of it from the
    store (``dataset_id``), from the jobs folder and from the folders the command line
    wrote plans into."""
    files = remove_family_tables(folder)
    jobs = folders = 0
    path = str(Path(folder).resolve())
    keys = {path} | ({dataset_id} if dataset_id else set())
    with Session(engine) as s, s.begin():
        folders += remove_plan_folders(s, keys)
        # the datasets registered on this folder too (a folder the pages serve, tuoyu
        # serve --data: its own id), whose page-made visit plans name the same families
        ids = set(job_dataset_ids(s, path)) | ({dataset_id} if dataset_id else set())
        for ds in s.query(DatasetRow).filter(DatasetRow.id.in_(sorted(ids))).all():
            tables = ds.tables
            tables.pop(FAMILIES.name, None)
            ds.tables_json = json.dumps(tables)
        if ids:
            found = s.query(Job).filter(Job.kind == KIND, Job.dataset_id.in_(sorted(ids))).all()
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
