"""``/api/v1/datasets``: upload, list, fetch, a table's rows, and outcomes recorded."""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from tuoyu.api.service import datasets as ds
from tuoyu.api.service.deps import Planner, State, StateDep, Viewer
from tuoyu.api.service.errors import ApiError, not_found, too_large_message
from tuoyu.api.service.schemas import ERROR_RESPONSES, DatasetOut, OutcomeRows, RecordedOut, iso
from tuoyu.api.store import DatasetRow
from tuoyu.models.errors import DataError, Problem
from tuoyu.models.schema import TABLES
from tuoyu.planning.dataset import Dataset

router = APIRouter(prefix="/api/v1/datasets", tags=["datasets"], responses=ERROR_RESPONSES)


def dataset_out(row: DatasetRow) -> DatasetOut:
    return DatasetOut(id=row.id, name=row.name, tables=row.tables,
                      created_at=iso(row.created_at) or "")


def get_dataset(st: State, dataset_id: str) -> DatasetRow:
    with Session(st.engine, expire_on_commit=False) as s:
        row = s.get(DatasetRow, dataset_id)
    if row is None:
        raise not_found(f"Dataset '{dataset_id}'")
    return row


async def _save_upload(upload: UploadFile, limit: int, folder: Path) -> Path:
    """Copy the upload to disk, refusing it (413) past the limit however it was sent."""
    target = folder / "upload.bin"
    size = 0
    with target.open("wb") as f:
        while chunk := await upload.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise ApiError(413, too_large_message(limit))
            f.write(chunk)
    return target


@router.post("", status_code=201, response_model=DatasetOut,
             responses={413: {"description": "too large"}, 422: {"description": "problems"}})
async def upload_dataset(
    file: Annotated[UploadFile, File(description="A .zip of the contract's tables, or one "
                                                 ".xlsx workbook with a sheet per table.")],
    st: StateDep,
    _who: Planner,
    name: Annotated[str | None, Form(examples=["宝山 2027 March"])] = None,
) -> DatasetOut:
    """Upload a dataset; every problem of every table is reported at once (422)."""
    if name is not None and (len(name) > 200 or not name.strip()):
        raise ApiError(422, "数据集名称应为 1 到 200 个字符。 / The dataset name must be 1 to "
                            "200 characters.",
                       problems=[{"file": "body", "row": None, "column": "name",
                                  "message": "the name is empty or too long",
                                  "text": "数据集名称为空或太长（应为 1 到 200 个字符）",
                                  "expected": "1 to 200 characters", "got": name[:50]}])
    st.settings.datasets_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=st.settings.datasets_dir, prefix=".in-") as tmp:
        path = await _save_upload(file, st.settings.max_upload_bytes, Path(tmp))
        # unpacking and checking run off the event loop (the check in its own process)
        row = await run_in_threadpool(
            ds.ingest, st.settings.datasets_dir, st.engine, path, file.filename or "",
            name, st.settings.max_upload_bytes)
    return dataset_out(row)


@router.get("", response_model=list[DatasetOut])
def list_datasets(st: StateDep,
                  _who: Viewer) -> list[DatasetOut]:
    with Session(st.engine) as s:
        rows = s.scalars(select(DatasetRow).order_by(DatasetRow.created_at.desc())).all()
        return [dataset_out(r) for r in rows]


@router.get("/{dataset_id}", response_model=DatasetOut)
def fetch_dataset(dataset_id: str, st: StateDep,
                  _who: Viewer) -> DatasetOut:
    return dataset_out(get_dataset(st, dataset_id))


@router.get("/{dataset_id}/streets.geojson",
            responses={200: {"content": {"application/geo+json": {}}}})
def streets_geojson(dataset_id: str, st: StateDep, _who: Viewer) -> FileResponse:
    """The dataset's street polygons (``streets.geojson``, EPSG:4326), for maps."""
    path = Path(get_dataset(st, dataset_id).path) / "streets.geojson"
    if not path.exists():
        raise not_found(f"streets.geojson in dataset '{dataset_id}'")
    return FileResponse(path, media_type="application/geo+json")


@router.get("/{dataset_id}/tables/{table}")
def table_rows(dataset_id: str, table: str, st: StateDep,
               _who: Viewer) -> list[dict[str, Any]]:
    """A table's rows as JSON (`[{column: value}]`); dates ISO, lists as arrays."""
    row = get_dataset(st, dataset_id)
    if table not in TABLES:
        raise not_found(f"Table '{table}' (known: {', '.join(TABLES)})")
    if table not in row.tables:
        raise not_found(f"Table '{table}' in dataset '{dataset_id}'")
    return ds.table_rows(Path(row.path), table)


def _rows_csv(rows: OutcomeRows, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["institution_id", "date", "outcome", "inspector_ids"])
        for r in rows.rows:
            team = r.inspector_ids if isinstance(r.inspector_ids, str) else ";".join(
                r.inspector_ids)
            w.writerow([r.institution_id, r.date.isoformat(), r.outcome, team])


@router.post(
    "/{dataset_id}/outcomes",
    response_model=RecordedOut,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/OutcomeRows"},
                    "example": OutcomeRows.model_config["json_schema_extra"]["examples"][0],
                },
                "multipart/form-data": {
                    "schema": {"type": "object", "required": ["file"], "properties": {
                        "file": {"type": "string", "format": "binary",
                                 "description": "CSV/XLSX: institution_id, date, outcome, "
                                                "inspector_ids"}}},
                },
            },
            "required": True,
        }
    },
)
async def record_outcomes(dataset_id: str, request: Request, st: StateDep,
                          _who: Planner) -> RecordedOut:
    """Record inspection outcomes (pass / rectify / fail); the next roster job knows them."""
    from tuoyu.api.runner import record_outcomes

    row = get_dataset(st, dataset_id)
    ctype = request.headers.get("content-type", "")
    with tempfile.TemporaryDirectory() as tmp:
        if ctype.startswith("multipart/form-data"):
            form = await request.form()
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise ApiError(422, "Send the outcomes as a multipart field 'file' (CSV or "
                                    "XLSX) or as JSON {\"rows\": [...]}.")
            suffix = Path(upload.filename or "").suffix.lower()
            if suffix not in {".csv", ".xlsx"}:
                raise DataError([Problem(upload.filename or "file", "not a table of outcomes",
                                         expected="a .csv or .xlsx file", got=suffix,
                                         code="input.not_outcomes_file")])
            path = Path(tmp) / f"{Path(upload.filename or 'outcomes').stem}{suffix}"
            with path.open("wb") as f:
                shutil.copyfileobj(upload.file, f)
        else:
            try:
                rows = OutcomeRows.model_validate_json(await request.body())
            except ValidationError as exc:
                from fastapi.exceptions import RequestValidationError

                raise RequestValidationError(
                    [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
                ) from None
            path = Path(tmp) / "outcomes.csv"
            _rows_csv(rows, path)
        n = record_outcomes(path, Dataset(Path(row.path), row.id), st.engine)
    return RecordedOut(recorded=n)


@router.get("/{dataset_id}/rosters/{month}")
def roster_month(dataset_id: str, month: str, st: StateDep, _who: Viewer) -> dict[str, Any]:
    """A month's draws (every one, oldest first), the one in force, and whether the
    month is published."""
    from tuoyu.api import runner
    from tuoyu.planning.params import RosterParams

    row = get_dataset(st, dataset_id)
    try:
        RosterParams(month=month)
    except ValidationError:
        raise ApiError(422, f"'{month[:20]}' is not a month; expected YYYY-MM.") from None
    return runner.month_state(Dataset(Path(row.path), row.id), month, st.engine)


@router.get("/{dataset_id}/rosters/{month}/notice",
            responses={200: {"content": {"text/html": {}, "application/vnd.openxmlformats-"
                                         "officedocument.spreadsheetml.sheet": {}}}})
def roster_notice(dataset_id: str, month: str, st: StateDep, _who: Viewer,
                  format: str = "html", lang: str = "zh") -> Any:
    """The month's public notice (一公开): institutions drawn, dates, teams, outcomes once
    recorded, and the seed and fingerprints to verify the draw. ``format``: html | xlsx."""
    from fastapi.responses import HTMLResponse

    from tuoyu.api import runner, store
    from tuoyu.api.exports.notice import notice_html, notice_of, notice_xlsx
    from tuoyu.planning.params import RosterParams

    row = get_dataset(st, dataset_id)
    language = "en" if lang == "en" else "zh"
    try:
        RosterParams(month=month)
    except ValidationError:
        raise ApiError(422, f"'{month[:20]}' is not a month; expected YYYY-MM.") from None
    if format not in ("html", "xlsx"):
        raise ApiError(422, "format: expected html or xlsx")
    try:
        notice = notice_of(Dataset(Path(row.path), row.id), month, st.engine, language)
    except store.RosterStateError as exc:
        raise ApiError(404, runner.state_error_text(exc, language), reason=exc.code) from None
    if format == "html":
        return HTMLResponse(notice_html(notice, language))
    folder = Path(tempfile.mkdtemp(prefix="notice-", dir=st.settings.home))
    path = folder / f"notice-{month}.xlsx"
    notice_xlsx(notice, path, language)
    return FileResponse(path, filename=path.name, background=BackgroundTask(
        shutil.rmtree, folder, ignore_errors=True))
