"""The heavy work of requests, as functions run in a process apart
(:func:`tuoyu.api.service.apart.run_apart`): each takes and returns plain values, and
reports problems as values (``("problems", [...])``), never as exceptions that might
not cross the process boundary."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: rows of a table answered in one page by ``GET …/tables/{table}``
PAGE_ROWS = 1000


def _problems(err: Any) -> tuple[str, Any]:
    return "problems", [dataclasses.asdict(p) for p in err.problems]


def record_outcomes(path: str, body_kind: str, folder: str, key: str, url: str,
                    today: str) -> tuple[str, Any]:
    """Check a table of outcomes (CSV, XLSX, or the JSON body of the request) against
    the dataset and store it: ("ok", rows) | ("problems", [problem dicts]) |
    ("invalid", [pydantic errors])."""
    from pydantic import ValidationError

    from tuoyu.api.runner import record_outcomes as record
    from tuoyu.api.store import make_engine
    from tuoyu.models.errors import DataError
    from tuoyu.planning.dataset import Dataset

    file = Path(path)
    if body_kind == "json":
        from tuoyu.api.service.schemas import OutcomeRows

        try:
            rows = OutcomeRows.model_validate_json(file.read_bytes())
        except ValidationError as exc:
            return "invalid", json.loads(exc.json(include_url=False))[:200]
        file = file.with_name("outcomes.csv")
        rows_csv(rows, file)
    engine = make_engine(url)
    try:
        return "ok", record(file, Dataset(Path(folder), key), engine,
                            today=dt.date.fromisoformat(today))
    except DataError as err:
        return _problems(err)
    finally:
        engine.dispose()


def rows_csv(rows: Any, path: Path) -> None:
    """The rows of a JSON body as the contract's inspections CSV."""
    import csv

    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["institution_id", "date", "outcome", "inspector_ids"])
        for r in rows.rows:
            team = r.inspector_ids if isinstance(r.inspector_ids, str) else ";".join(
                r.inspector_ids)
            w.writerow([r.institution_id, r.date.isoformat(), r.outcome, team])


def verify(record: dict[str, Any], folder: str, key: str, url: str, time_limit: float,
           workers: int, files: Sequence[str] = ()) -> tuple[bool, list[Any], list[str],
                                                              list[str]]:
    """:func:`tuoyu.planning.audit.verify_draw` of a stored draw (what it checks is its
    own): the recomputation, the job's files and the store's draws of the month and its
    chain against the record. Returns (matches, findings, checked, unchecked)."""
    from sqlalchemy.orm import Session

    from tuoyu.api.store import make_engine
    from tuoyu.api.store.draws import dataset_keys, sealed_chain, stored_draws
    from tuoyu.planning.audit import verify_draw
    from tuoyu.planning.dataset import Dataset

    engine = make_engine(url)
    try:
        dataset = Dataset(Path(folder), key)
        with Session(engine) as session:
            draws = stored_draws(session, dataset_keys(dataset), str(record["month"]))
            chain = sealed_chain(session, dataset.key)
        verdict = verify_draw(record, dataset, draws=draws, files=[Path(f) for f in files],
                              chain=chain, time_limit=time_limit, workers=workers)
        return (verdict.matches, list(verdict.findings), list(verdict.checked),
                list(verdict.unchecked))
    finally:
        engine.dispose()


def table_pages(folder: str, table: str, target: str, size: int = PAGE_ROWS
                ) -> tuple[str, Any]:
    """Read a table once and write it as pages of ``size`` rows (JSON arrays, ``0.json``,
    ``1.json``, …) and ``count`` into ``target``: ("ok", rows)."""
    from tuoyu.api.service.datasets import table_rows
    from tuoyu.models.errors import DataError

    try:
        rows = table_rows(Path(folder), table)
    except DataError as err:
        return _problems(err)
    out = Path(target)
    tmp = out.with_name(out.name + ".part")
    tmp.mkdir(parents=True, exist_ok=True)
    for i in range(0, max(len(rows), 1), size):
        (tmp / f"{i // size}.json").write_text(
            json.dumps(rows[i:i + size], ensure_ascii=False), encoding="utf-8")
    (tmp / "count").write_text(str(len(rows)), encoding="ascii")
    try:
        tmp.rename(out)
    except OSError:  # another reader made the same pages meanwhile
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return "ok", len(rows)
