"""Datasets: an uploaded zip of the contract's tables or one .xlsx workbook, unpacked into
``TUOYU_HOME/datasets/<id>/`` and checked with the project's reader (every problem at once);
the bundled Baoshan folder is registered in place as ``baoshan``."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import math
import os
import re
import shutil
import stat
import uuid
import zipfile
import zlib
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

# memory (bytes) and wall-clock seconds a dataset check may take in its own process
# (beyond them the upload is refused): those of any work apart
from tuoyu.api.service.apart import MEMORY as CHECK_MEMORY
from tuoyu.api.service.apart import SECONDS as CHECK_SECONDS
from tuoyu.api.store import DatasetRow, now
from tuoyu.models.errors import DataError, Problem
from tuoyu.models.schema import TABLES
from tuoyu.planning.registry import table_groups

SHARED = {"streets", "calendar"}
EXTRA_FILES = {"walk_network.graphml"}
SUFFIXES = {".csv", ".xlsx", ".geojson", ".json", ".graphml"}
BUNDLED_ID = "baoshan"


def present_tables(folder: Path, broken: list[Problem] | None = None) -> set[str]:
    """Names of the contract's tables found in a folder (files or workbook sheets, the
    sheets as the reader sees them); a workbook that cannot be opened is added to
    ``broken``."""
    from tuoyu.models.reader import xlsx_sheets

    found = {p.stem for p in folder.iterdir() if p.suffix.lower() in {".csv", ".geojson"}}
    found |= set(xlsx_sheets(folder, broken if broken is not None else []))
    return found & set(TABLES)


def validate(folder: Path) -> dict[str, int]:
    """Check every planner's tables the folder has; rows per table. Raises DataError
    with every problem (of all planners at once)."""
    from tuoyu.models.reader import read_tables

    broken: list[Problem] = []
    present = present_tables(folder, broken)
    if not present:
        raise DataError(
            broken or [
                Problem(
                    "dataset",
                    "no table of the contract was found",
                    expected="files such as institutions.csv, inspectors.csv, centers.csv, "
                    "communities.csv (or sheets of those names in one .xlsx)",
                    code="input.no_tables",
                    params={"examples": ["institutions.csv", "inspectors.csv", "centers.csv",
                                         "communities.csv"]},
                )
            ]
        )
    groups = [g for g in table_groups() if present & _own(g)] or [tuple(sorted(present))]
    problems: list[Problem] = []
    seen: set[str] = set()
    counts: dict[str, int] = {}
    for names in groups:
        try:
            tables = read_tables(folder, names)
        except DataError as err:
            for p in err.problems:
                if str(p) not in seen:
                    seen.add(str(p))
                    problems.append(p)
            continue
        for name, df in tables.items():
            if name in present:
                counts[name] = len(df)
    if problems:
        raise DataError(problems)
    return dict(sorted(counts.items()))


def _own(group: tuple[str, ...]) -> set[str]:
    """The tables that make an upload one planner's: those of its group no other group has
    (the home visits read communities and guidance staff too, but a district uploading
    those for siting and sessions is not asked for families). A group with none of its
    own is known by its tables beyond the shared ones."""
    others: set[str] = set()
    for g in table_groups():
        if tuple(g) != tuple(group):
            others |= set(g)
    return (set(group) - SHARED - others) or (set(group) - SHARED)


def missing_for(kind: str, present: set[str] | dict[str, int]) -> list[Problem]:
    """The tables a planner of ``kind`` must read that a dataset lacks, one located problem
    each (naming the table and the plan that needs it), so that a job is refused before it
    is queued. An upload is checked only by the groups of the planners whose tables it
    holds (:func:`validate`): a district may upload just the home visits' tables and the
    shared ones they read, and a siting or calendar job on it is refused here."""
    from tuoyu.api.text import label
    from tuoyu.planning.registry import planner

    entry = planner(kind)
    name = {lang: label(f"{kind}.name", lang) for lang in ("zh", "en")}
    out = []
    for t in entry.tables:
        table = TABLES[t]
        if table.optional or t in present:
            continue
        out.append(Problem(
            f"{t}.csv", f"the {kind} plan needs the table '{t}' ({table.zh}), and the dataset "
            "has none",
            expected=f"{t}.csv" + (f" or {t}.geojson" if table.spatial else "")
            + f" or a sheet '{t}' in an .xlsx workbook (upload the dataset again with it)",
            code="input.missing_table_for_plan",
            params={"table": t, "table_zh": table.zh, "plan": name}))
    return out


#: members a zip may hold (a dataset is a dozen tables)
MAX_MEMBERS = 1000


def _validate_outcome(folder: str) -> tuple[str, Any]:
    """Run in the checking process: ("ok", counts) or ("problems", [problem dicts])."""
    try:
        return "ok", validate(Path(folder))
    except DataError as err:
        return "problems", [dataclasses.asdict(p) for p in err.problems]  # codes too


def validate_apart(folder: Path, memory: int = CHECK_MEMORY,
                   seconds: float = CHECK_SECONDS) -> dict[str, int]:
    """:func:`validate` in a process of its own with at most ``memory`` bytes and
    ``seconds`` of time, so a huge or hostile upload neither blocks the service nor
    takes its memory. Problems never name the server's folders."""
    from tuoyu.api.service.apart import TooHeavy, run_apart

    try:
        kind, value = run_apart(_validate_outcome, str(folder), memory=memory,
                                seconds=seconds)
    except TooHeavy as heavy:
        if heavy.kind == "time":
            raise DataError([Problem("dataset", "the tables take too long to check",
                                     expected=f"a dataset that can be checked within "
                                              f"{seconds:.0f} s (TUOYU_CHECK_SECONDS)",
                                     code="input.too_slow_to_check",
                                     params={"seconds": round(seconds)})]) from None
        raise DataError([Problem("dataset", "the tables are too large to check",
                                 expected=f"a dataset that can be checked within "
                                          f"{memory / 2**20:.0f} MB (TUOYU_CHECK_MEMORY_MB)",
                                 code="input.too_large_to_check",
                                 params={"mb": round(memory / 2**20)})]) from None
    if kind == "ok":
        return dict(value)
    from tuoyu.api.service.errors import without_paths

    where = {str(Path(folder).resolve()): ""}  # a problem names files, not folders
    raise DataError([Problem(**without_paths(p, where)) for p in value])


def _member_problem(name: str) -> tuple[str, str] | None:
    """What is wrong with a member's path, in English and as a message code."""
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "an absolute path", "input.zip_absolute_path"
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        return "a path with '..'", "input.zip_parent_path"
    return None


def _member_kept(info: zipfile.ZipInfo, problems: list[Problem]) -> bool:
    """Whether a zip member is a data file to unpack: a path outside the archive or a
    link is a problem (said); folders, hidden files and other suffixes are passed over."""
    bad = _member_problem(info.filename)
    if bad:
        problems.append(Problem(info.filename, f"the zip holds {bad[0]}; nothing was unpacked",
                                expected="paths inside the archive", code=bad[1]))
        return False
    if stat.S_ISLNK(info.external_attr >> 16):
        problems.append(Problem(info.filename, "the zip holds a link", expected="files",
                                code="input.zip_link"))
        return False
    if info.is_dir():
        return False
    parts = PurePosixPath(info.filename.replace("\\", "/")).parts
    if any(p.startswith(".") or p == "__MACOSX" for p in parts):
        return False
    return PurePosixPath(parts[-1]).suffix.lower() in SUFFIXES


def _too_large(mb: int, max_bytes: int, what: str) -> Problem:
    return Problem("upload", what, expected=f"at most {max_bytes / 2**20:.0f} MB",
                   code="input.zip_too_large",
                   params={"mb": mb, "limit": round(max_bytes / 2**20)})


def _members(zf: zipfile.ZipFile, max_bytes: int) -> tuple[list[zipfile.ZipInfo], list[str]]:
    """The data files to unpack and their flat names; every problem found at once."""
    if len(zf.infolist()) > MAX_MEMBERS:
        raise DataError([Problem("upload", f"the zip holds {len(zf.infolist())} files",
                                 expected=f"at most {MAX_MEMBERS} files",
                                 code="input.zip_too_many",
                                 params={"n": len(zf.infolist()), "limit": MAX_MEMBERS})])
    problems: list[Problem] = []
    members = [info for info in zf.infolist() if _member_kept(info, problems)]
    total = sum(m.file_size for m in members)
    if total > max_bytes:
        problems.append(_too_large(round(total / 2**20), max_bytes,
                                   f"the zip unpacks to {total / 2**20:.0f} MB"))
    names = [PurePosixPath(m.filename.replace("\\", "/")).name for m in members]
    for n in sorted(n for n, k in Counter(names).items() if k > 1):
        problems.append(Problem(n, "the zip holds two files of this name",
                                expected="one of each table", code="input.zip_same_name"))
    if problems:
        raise DataError(problems)
    return members, names


def unpack_zip(archive: Path, target: Path, max_bytes: int) -> None:
    """Unpack the data files of a zip into ``target`` (flat). Refuses absolute paths,
    ``..``, links, and archives that unpack to more than ``max_bytes``."""
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise DataError(
            [Problem("upload", "the file is not a zip archive", expected="a .zip or .xlsx",
                     code="input.not_zip")]
        ) from None
    with zf:
        members, names = _members(zf, max_bytes)
        target.mkdir(parents=True, exist_ok=True)
        written = 0
        for info, name in zip(members, names, strict=True):
            try:
                with zf.open(info) as src, (target / name).open("wb") as dst:
                    while chunk := src.read(1 << 20):  # the sizes a zip states may lie
                        written += len(chunk)
                        if written > max_bytes:
                            raise DataError([_too_large(round(written / 2**20), max_bytes,
                                                        "the zip unpacks to more than it "
                                                        "states")])
                        dst.write(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError,
                    ValueError) as exc:
                raise DataError([Problem(info.filename[:200], "the zip member is damaged",
                                         expected="a zip archive as a zip program writes it",
                                         got=type(exc).__name__,
                                         code="input.zip_member_damaged")]) from None


def safe_file_name(filename: str, default: str = "dataset.xlsx") -> str:
    """The last part of an uploaded file's name, when it is a plain name (no control
    characters, not hidden, not too long); else ``default``."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    if (not name or name.startswith(".") or len(name) > 120
            or any(ord(ch) < 32 or ord(ch) == 127 for ch in name)):
        return default
    return name


#: staging folders of the service: ``.upload-<pid>-…`` (unpacking), ``.in-<pid>-…``
STAGING = (".upload-", ".in-")


def clean_staging(folder: Path) -> list[str]:
    """Remove the staging folders a killed service left in ``folder`` (those of a
    process that no longer runs, and any of the older unnamed kind); names removed."""
    from tuoyu.api.exports.output import owner_gone

    removed = []
    if not folder.is_dir():
        return removed
    for p in folder.iterdir():
        prefix = next((x for x in STAGING if p.name.startswith(x)), None)
        if prefix is not None and owner_gone(p.name[len(prefix):]):
            shutil.rmtree(p, ignore_errors=True)
            with contextlib.suppress(OSError):
                p.unlink()
            removed.append(p.name)
    return removed


def ingest(home: Path, engine: Engine, upload: Path, filename: str, name: str | None,
           max_bytes: int) -> DatasetRow:
    """Unpack and check an upload; store it as a new dataset, or raise DataError."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in {".zip", ".xlsx"}:
        raise DataError(
            [
                Problem(
                    filename or "upload",
                    "this kind of file is not a dataset",
                    expected="a .zip of the contract's tables, or one .xlsx workbook",
                    got=suffix or "no extension",
                    code="input.not_dataset_file",
                    params={"suffix": suffix},
                )
            ]
        )
    ds_id = uuid.uuid4().hex[:12]
    tmp = home / f".upload-{os.getpid()}-{ds_id}"
    final = home / ds_id
    try:
        if suffix == ".zip":
            unpack_zip(upload, tmp, max_bytes * 10)
        else:
            tmp.mkdir(parents=True)
            shutil.copy(upload, tmp / safe_file_name(filename))
        counts = validate_apart(tmp)
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    row = DatasetRow(
        id=ds_id,
        name=name or Path(filename).stem,
        path=str(final),
        tables_json=json.dumps(counts),
        created_at=now(),
    )
    with Session(engine, expire_on_commit=False) as s, s.begin():
        s.add(row)
    return row


#: the bundled dataset's name in the pages' selector (its district comes from its data)
BUNDLED_LABEL = "宝山区（内置数据）"


#: the ids of planners' folders served with ``tuoyu serve --data`` (:func:`folder_id`)
FOLDER_PREFIX = "folder-"


def dataset_of(dataset_id: str, folder: str | Path) -> Any:
    """The dataset a row names, as the planners and the store see it. A planner's folder
    served with ``--data`` is keyed in the store by its absolute path, as the command line
    keys it (``tuoyu roster --data DIR``): one history, one draw chain, one list of plans
    for the folder, in the pages and on the command line. The bundled data and uploads
    are keyed by their id (the command line keys the bundled data ``baoshan`` too)."""
    from tuoyu.planning.dataset import Dataset

    if dataset_id.startswith(FOLDER_PREFIX):
        return Dataset.at(folder)
    return Dataset(Path(folder), dataset_id)


def folder_id(folder: Path) -> str:
    """The id ``tuoyu serve --data DIR`` registers a planner's folder under: ``folder-``
    and 12 hex digits of its absolute path's hash (the same folder keeps its id, and with
    it its store, across restarts; never ``baoshan``, whose history is the bundled data's:
    a folder served as ``baoshan`` showed Baoshan's rosters as its own)."""
    import hashlib

    path = str(Path(folder).resolve())
    return FOLDER_PREFIX + hashlib.sha256(path.encode("utf-8")).hexdigest()[:12]


def register_folder(engine: Engine, folder: Path) -> str:
    """Register a planner's data folder (``tuoyu serve --data DIR``) in place, named by
    its district (``东滩区（数据文件夹）``); the bundled folder is the bundled dataset.
    Returns the dataset's id."""
    from tuoyu.data import BUNDLED
    from tuoyu.planning.dataset import Dataset, district_name

    path = Path(folder).resolve()
    if path == Path(BUNDLED).resolve():
        register_bundled(engine, path)
        return BUNDLED_ID
    ds_id = folder_id(path)
    name = f"{district_name(Dataset.at(path))}（数据文件夹）"
    counts = validate(path)
    with Session(engine) as s, s.begin():
        row = s.get(DatasetRow, ds_id)
        if row is None:
            s.add(DatasetRow(id=ds_id, name=name, path=str(path),
                             tables_json=json.dumps(counts), created_at=now()))
        else:
            row.name, row.tables_json = name, json.dumps(counts)
    return ds_id


def adopt_folder_served_as_baoshan(engine: Engine, bundled: Path | None = None) -> int:
    """Before 2026-12-07 ``tuoyu serve --data DIR`` registered DIR *as* ``baoshan``: the
    draws, commitments and outcomes its pages stored are under the key ``baoshan``, mixed
    with what the command line stored there for the bundled data. While the ``baoshan``
    row still names such a folder (no newer service started since), the months whose every
    draw was made on that folder's tables as they are now (the draw's fingerprint) move to
    the folder's path, the key the service and the command line now use, with their
    commitments and the outcomes of their visits. A month the path holds already, a draw
    of another fingerprint (the bundled data's, or the folder's before an edit), a sealed
    chain that would be split, an outcome the path holds already: left under ``baoshan``,
    said in the log. Nothing deleted. A folder holding the bundled data (``bundled``, the
    package's, or a copy: another install's) is the bundled data: nothing moves. Returns
    the draws moved."""
    import logging

    from sqlalchemy import select, tuple_, update

    from tuoyu.api.store import Outcome, OutcomeSuperseded, Roster, RosterVisit
    from tuoyu.api.store.tables import RosterCommitment
    from tuoyu.data import BUNDLED
    from tuoyu.models.inspection import load_inspection_data

    with Session(engine) as s:
        row = s.get(DatasetRow, BUNDLED_ID)
    folder = Path(row.path) if row is not None else None
    if folder is None or not folder.is_dir() or folder.resolve() in {
            Path(b).resolve() for b in (BUNDLED, bundled) if b is not None}:
        return 0
    try:
        mine = load_inspection_data(folder).fingerprint
        if mine == load_inspection_data(BUNDLED).fingerprint:
            return 0
    except DataError:
        return 0
    key = str(folder.resolve())
    with Session(engine) as s, s.begin():
        draws = s.scalars(select(Roster).where(Roster.dataset == BUNDLED_ID)).all()
        taken = set(s.scalars(select(Roster.month).where(Roster.dataset == key))) | set(
            s.scalars(select(RosterCommitment.month).where(RosterCommitment.dataset == key)))
        months = {r.month for r in draws} - taken - {
            r.month for r in draws if r.fingerprint != mine}
        sealed = {r.month for r in draws if r.sealed_hash is not None}
        if not sealed <= months or s.scalar(select(Roster.id).where(
                Roster.dataset == key, Roster.sealed_hash.is_not(None)).limit(1)):
            months -= sealed  # one chain each: never split one, never merge two
        moved = [r.id for r in draws if r.month in months]
        left = sorted({r.month for r in draws} - months)
        visits = set(s.execute(select(RosterVisit.institution_id, RosterVisit.date)
                               .where(RosterVisit.roster_id.in_(moved))).all())
        held = set(s.execute(select(Outcome.institution_id, Outcome.date)
                             .where(Outcome.dataset == key)).all())
        mine_outcomes = sorted(visits - held)
        for table in (Roster, RosterCommitment):
            s.execute(update(table).where(table.dataset == BUNDLED_ID,
                                          table.month.in_(sorted(months))).values(dataset=key))
        for table in (Outcome, OutcomeSuperseded):
            for i in range(0, len(mine_outcomes), 300):
                s.execute(update(table).where(
                    table.dataset == BUNDLED_ID,
                    tuple_(table.institution_id, table.date).in_(mine_outcomes[i:i + 300]))
                    .values(dataset=key))
    if moved or left:
        logging.getLogger("tuoyu.store").warning(
            "the dataset 'baoshan' named %s (served with --data before 2026-12-07): draws of "
            "%s moved to its path; months left under 'baoshan': %s", key,
            ", ".join(sorted(months)) or "no month", ", ".join(left) or "none")
    return len(moved)


def register_bundled(engine: Engine, folder: Path | None) -> None:
    """Register the bundled data as ``baoshan`` (in place; checked when first registered)."""
    if folder is None or not Path(folder).is_dir():
        return
    path = str(Path(folder).resolve())
    with Session(engine) as s:
        row = s.get(DatasetRow, BUNDLED_ID)
        if row is not None and row.path == path and row.name == BUNDLED_LABEL:
            return
    counts = validate(Path(path))
    with Session(engine) as s, s.begin():
        row = s.get(DatasetRow, BUNDLED_ID)
        if row is None:
            s.add(DatasetRow(id=BUNDLED_ID, name=BUNDLED_LABEL, path=path,
                             tables_json=json.dumps(counts), created_at=now()))
        else:
            row.name = BUNDLED_LABEL  # an older store's "宝山区 Baoshan (bundled)"
            row.path = path
            row.tables_json = json.dumps(counts)


def _cell(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, tuple | list):
        return [_cell(x) for x in v]
    if hasattr(v, "item"):  # numpy scalars
        return _cell(v.item())
    try:
        import pandas as pd

        if v is pd.NaT or (not isinstance(v, str) and pd.isna(v)):
            return None
    except (TypeError, ValueError):
        pass
    return v


def table_rows(folder: Path, table: str) -> list[dict[str, Any]]:
    """A table's rows as JSON-ready dicts (geometries left out; lon/lat kept)."""
    from tuoyu.models.reader import read_tables

    df = read_tables(folder, [table])[table]
    df = df.drop(columns=[c for c in ("geometry",) if c in df.columns])
    cols = [str(c) for c in df.columns]
    return [
        {c: _cell(v) for c, v in zip(cols, rec, strict=True)}
        for rec in df.itertuples(index=False, name=None)
    ]
