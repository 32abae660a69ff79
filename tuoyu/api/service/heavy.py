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


def record_outcomes(path: str, content_type: str, folder: str, key: str, url: str,
                    today: str, wait: float | None = None) -> tuple[str, Any]:
    """Check a table of outcomes (the request's body as received: a multipart upload of
    a CSV or XLSX, or JSON rows) against the dataset and store it: ("ok", rows) |
    ("problems", [problem dicts]) | ("invalid", [pydantic errors]) | ("refused", (status,
    message)) for an upload that holds no table of outcomes | ("busy", {"zh", "en"}) when
    another upload of outcomes held the store too long (``wait``: the service's
    ``TUOYU_OUTCOMES_WAIT``, read in the service's process)."""
    from pydantic import ValidationError

    from tuoyu.api.runner import record_outcomes as record
    from tuoyu.api.service.datasets import dataset_of
    from tuoyu.api.store import make_engine
    from tuoyu.models.errors import DataError

    file = Path(path)
    if content_type.lower().startswith("multipart/form-data"):
        try:
            file = upload_of(file, content_type)
        except DataError as err:
            return _problems(err)
        except Refused as no:
            return "refused", no.args
    else:
        from tuoyu.api.service.schemas import OutcomeRows

        try:
            rows = OutcomeRows.model_validate_json(file.read_bytes())
        except ValidationError as exc:
            return "invalid", json.loads(exc.json(include_url=False))[:200]
        file = file.with_name("outcomes.csv")
        rows_csv(rows, file)
    from tuoyu.api.store import OutcomesBusy

    engine = make_engine(url)
    try:
        return "ok", record(file, dataset_of(key, folder), engine,
                            today=dt.date.fromisoformat(today), wait=wait)
    except DataError as err:
        return _problems(err)
    except OutcomesBusy as busy:  # another upload of outcomes being stored: 409
        from tuoyu.api.runner import state_error_text

        return "busy", {lang: state_error_text(busy, lang) for lang in ("zh", "en")}
    finally:
        engine.dispose()


class Refused(Exception):
    """An upload refused as a whole: (status, message)."""


def _run_coroutine(make: Any) -> Any:
    """``asyncio.run(make())``, also from a thread whose event loop is running (a caller
    inside one, such as a test process that drives a browser): then in a thread of its
    own. The service's process apart has no loop: the first path."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def upload_of(body: Path, content_type: str) -> Path:
    """The table of a multipart body (its one field ``file``, a .csv or .xlsx), written
    beside the body under a safe name; the body is parsed as the service would (one
    file, at most ten fields)."""
    import shutil

    from starlette.datastructures import Headers, UploadFile
    from starlette.formparsers import MultiPartException, MultiPartParser

    from tuoyu.api.service.datasets import safe_file_name
    from tuoyu.models.errors import DataError, Problem

    async def chunks() -> Any:
        with body.open("rb") as f:
            while chunk := f.read(1 << 20):
                yield chunk

    async def parse() -> Any:
        parser = MultiPartParser(Headers({"content-type": content_type}), chunks(),
                                 max_files=1, max_fields=10)
        return await parser.parse()

    try:
        form = _run_coroutine(parse)
    except MultiPartException as exc:
        raise Refused(400, exc.message) from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Refused(422, "Send the outcomes as a multipart field 'file' (CSV or XLSX) "
                               "or as JSON {\"rows\": [...]}.")
        suffix = Path(upload.filename or "").suffix.lower()
        if suffix not in {".csv", ".xlsx"}:
            raise DataError([Problem(safe_file_name(upload.filename or "", "file"),
                                     "not a table of outcomes",
                                     expected="a .csv or .xlsx file", got=suffix[:20],
                                     code="input.not_outcomes_file")])
        out = body.with_name(safe_file_name(upload.filename or "", f"outcomes{suffix}"))
        upload.file.seek(0)
        with out.open("wb") as f:
            shutil.copyfileobj(upload.file, f, 1 << 20)
        return out
    finally:
        for value in form.values():
            if isinstance(value, UploadFile):
                value.file.close()


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

    from tuoyu.api.service.datasets import dataset_of
    from tuoyu.api.store import make_engine
    from tuoyu.api.store.draws import dataset_keys, sealed_chain, stored_draws
    from tuoyu.planning.audit import verify_draw

    engine = make_engine(url)
    try:
        dataset = dataset_of(key, folder)
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
