"""``/api/v1/datasets``: upload, list, fetch, a table's rows, and outcomes recorded."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from tuoyu.api.service import auth, heavy
from tuoyu.api.service import datasets as ds
from tuoyu.api.service.deps import Planner, State, StateDep, Viewer, answered
from tuoyu.api.service.errors import ApiError, not_found, too_large_message
from tuoyu.api.service.schemas import (
    ERROR_RESPONSES,
    CommitRequest,
    DatasetOut,
    MarkedDayOut,
    OutcomeRows,
    RecordedOut,
    SeedRequest,
    iso,
)
from tuoyu.api.store import DatasetRow
from tuoyu.models.errors import DataError, Problem
from tuoyu.models.reader import district_name
from tuoyu.models.schema import TABLES

router = APIRouter(prefix="/api/v1/datasets", tags=["datasets"], responses=ERROR_RESPONSES)


@lru_cache(maxsize=256)
def _district(path: str, mtime: float) -> str:
    return district_name(Path(path))


def district_of(row: DatasetRow) -> str:
    """The dataset's district (its district.geojson's name), else the name it was given."""
    geo = Path(row.path) / "district.geojson"
    try:
        mtime = geo.stat().st_mtime
    except OSError:
        return row.name
    return _district(str(geo.parent), mtime) or row.name


def dataset_out(row: DatasetRow, default: str = "") -> DatasetOut:
    return DatasetOut(id=row.id, name=row.name, district=district_of(row), tables=row.tables,
                      labels={k: TABLES[k].zh for k in row.tables if k in TABLES},
                      created_at=iso(row.created_at) or "", default=row.id == default)


def get_dataset(st: State, dataset_id: str) -> DatasetRow:
    with Session(st.engine, expire_on_commit=False) as s:
        row = s.get(DatasetRow, dataset_id)
    if row is None:
        raise not_found(f"Dataset '{dataset_id}'", f"数据集“{dataset_id}”")
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
    who: Planner,
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
    from tuoyu.models.reader import BAD_TEXT

    bad = BAD_TEXT.search(name or "")
    if bad:  # the name becomes the district's in titles of pages, workbooks and notices
        char = f"U+{ord(bad.group()):04X}"
        raise ApiError(422, f"数据集名称中有不允许的字符 {char}（换行、制表符等控制字符、改变文字"
                            "方向的字符或零宽度等不可见字符）。 / The dataset name holds a "
                            f"character that is not allowed ({char}: a line break, a control, "
                            "direction or invisible character).",
                       problems=[{"file": "body", "row": None, "column": "name",
                                  "message": f"the name holds {char}",
                                  "text": f"数据集名称中有不允许的字符 {char}",
                                  "expected": "one line of visible text", "got": char}])
    st.settings.datasets_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=st.settings.datasets_dir, prefix=f".in-{os.getpid()}-") as tmp:
        path = await _save_upload(file, st.settings.max_upload_bytes, Path(tmp))
        # unpacking and checking run off the event loop (the check in its own process)
        row = await run_in_threadpool(
            _ingest, st, who, path, file.filename or "", name)
    return dataset_out(row)


def _ingest(st: State, who: auth.Caller, path: Path, filename: str,
            name: str | None) -> DatasetRow:
    with heavy_slot(st, who):
        return ds.ingest(st.settings.datasets_dir, st.engine, path, filename, name,
                         st.settings.max_upload_bytes)


DATASETS = TypeAdapter(list[DatasetOut])
ONE_DATASET = TypeAdapter(DatasetOut)


@router.get("", response_model=list[DatasetOut])
async def list_datasets(st: StateDep, _who: Viewer) -> Response:
    # async, the database read and the answer made in one trip to the pool (deps.answered)
    return await run_in_threadpool(_list_datasets, st)


def _list_datasets(st: State) -> Response:
    with Session(st.engine) as s:
        rows = s.scalars(select(DatasetRow).order_by(DatasetRow.created_at.desc())).all()
        return answered(DATASETS, [dataset_out(r, st.default_dataset) for r in rows])


@router.get("/{dataset_id}", response_model=DatasetOut)
async def fetch_dataset(dataset_id: str, st: StateDep, _who: Viewer) -> Response:
    return await run_in_threadpool(
        lambda: answered(ONE_DATASET, dataset_out(get_dataset(st, dataset_id), st.default_dataset)))


@router.get("/{dataset_id}/streets.geojson",
            responses={200: {"content": {"application/geo+json": {}}}})
def streets_geojson(dataset_id: str, st: StateDep, _who: Viewer) -> FileResponse:
    """The dataset's street polygons (``streets.geojson``, EPSG:4326), for maps."""
    path = Path(get_dataset(st, dataset_id).path) / "streets.geojson"
    if not path.exists():
        raise not_found(f"streets.geojson in dataset '{dataset_id}'",
                        f"数据集“{dataset_id}”中的 streets.geojson")
    return FileResponse(path, media_type="application/geo+json")


def _table_pages(st: State, who: Any, row: DatasetRow, table: str) -> tuple[Path, int, int]:
    """A table read once (in a process apart) into pages of JSON rows, kept: the folder
    of the pages, the number of rows and the rows a page."""
    import hashlib

    where = hashlib.sha1(row.path.encode()).hexdigest()[:10]  # noqa: S324 - a name
    size = heavy.PAGE_ROWS
    pages = st.settings.home / "cache" / f"{row.id}-{where}" / f"{table}-{size}"
    if not (pages / "count").is_file():
        _make_pages(row, table, pages, size)
    return pages, int((pages / "count").read_text(encoding="ascii")), size


@router.get("/{dataset_id}/tables/{table}",
            responses={200: {"headers": {
                "X-Total-Count": {"description": "rows of the whole table",
                                  "schema": {"type": "integer"}},
                "Link": {"description": "the next page (rel=\"next\"), when there is one",
                         "schema": {"type": "string"}}}}})
def table_rows(dataset_id: str, table: str, st: StateDep, who: Viewer,
               page: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    """A table's rows as JSON (`[{column: value}]`; dates ISO, lists as arrays), one page
    of at most 1000 rows: ``?page=0`` first; ``X-Total-Count`` counts every row and
    ``Link: <…?page=N>; rel="next"`` names the next page while there is one. The table is
    read once (in a process apart) and its pages kept."""
    row = get_dataset(st, dataset_id)
    if table not in TABLES:
        raise not_found(f"Table '{table}' (known: {', '.join(TABLES)})",
                        f"表“{table}”（可用：{'、'.join(TABLES)}）")
    if table not in row.tables:
        raise not_found(f"Table '{table}' in dataset '{dataset_id}'",
                        f"数据集“{dataset_id}”中的表“{table}”")
    if TABLES[table].personal and not who.may("planner"):
        raise ApiError(403, f"表“{TABLES[table].zh}”含个人信息（家庭），仅规划员（planner）可查看。"
                            f" / The table '{table}' holds personal data (families): it "
                            f"needs the 'planner' role; the token '{who.name}' is a "
                            f"'{who.role}'.")
    pages, total, size = _table_pages(st, who, row, table)
    last = max(0, (total - 1) // size)
    if page > last:
        raise not_found(f"Page {page} of table '{table}' (pages 0 to {last})",
                        f"表“{table}”的第 {page} 页（共 0 到 {last} 页）")
    headers = {"X-Total-Count": str(total)}
    if page < last:
        headers["Link"] = (f'</api/v1/datasets/{dataset_id}/tables/{table}?page={page + 1}>; '
                           'rel="next"')
    return Response((pages / f"{page}.json").read_bytes(), media_type="application/json",
                    headers=headers)


@router.get("/{dataset_id}/calendar", response_model=list[MarkedDayOut])
def working_calendar(dataset_id: str, year: Annotated[int, Query(ge=2000, le=2100)],
                     st: StateDep, who: Viewer) -> list[MarkedDayOut]:
    """The year's public holidays and adjusted working days (调休上班) as the planners
    use them: the dataset's ``calendar`` table first, then the built-in calendar."""
    from tuoyu.models.calendar import WorkCalendar, marked_days

    row = get_dataset(st, dataset_id)
    rows: list[dict[str, Any]] = []
    if "calendar" in row.tables:
        pages, total, size = _table_pages(st, who, row, "calendar")
        for k in range(max(0, (total - 1) // size) + 1 if total else 0):
            rows += json.loads((pages / f"{k}.json").read_bytes())
    cal = WorkCalendar.from_rows(
        (dt.date.fromisoformat(str(r["date"])[:10]), str(r["kind"]), str(r.get("name") or ""))
        for r in rows)
    return [MarkedDayOut(date=d.date.isoformat(), kind=d.kind, name=d.name)
            for d in marked_days(cal, year)]


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
                          who: Planner) -> RecordedOut:
    """Record inspection outcomes (pass / rectify / fail); the next roster job knows them.

    The body (at most TUOYU_MAX_UPLOAD_MB) is streamed to disk as it comes; the upload
    is taken apart (multipart), checked and stored in a process apart, in batches, so
    the service keeps answering meanwhile. A caller whose heavy request is under way
    is refused (429) before its body is read. One outcome per visit: a visit recorded
    again keeps the outcome recorded last, also when two uploads come at once (the second
    waits its turn; 409 ``outcomes_busy``, nothing recorded, when it waited too long)."""
    from tuoyu.api.runner import office_today
    from tuoyu.api.store.draws import outcomes_wait

    row = await run_in_threadpool(get_dataset, st, dataset_id)
    today = office_today()
    ctype = request.headers.get("content-type", "")
    with heavy_slot(st, who):
        await run_in_threadpool(st.settings.datasets_dir.mkdir, parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=st.settings.datasets_dir,
                                         prefix=f".in-{os.getpid()}-") as tmp:
            path = Path(tmp) / "body"
            await _stream_to(request, path, st.settings.max_upload_bytes)
            result, value = await run_in_threadpool(
                run_limited, heavy.record_outcomes, str(path), ctype, row.path, row.id,
                st.settings.url, today.isoformat(), outcomes_wait())
    if result == "invalid":
        from fastapi.exceptions import RequestValidationError

        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in value])
    if result == "problems":
        raise DataError([Problem(**p) for p in value])
    if result == "refused":
        raise ApiError(*value)
    if result == "busy":  # another upload of outcomes was being stored: nothing recorded
        raise ApiError(409, value["zh"], "outcomes_busy", message_en=value["en"])
    return RecordedOut(recorded=value)


async def _stream_to(request: Request, path: Path, limit: int, batch: int = 1 << 20) -> None:
    """The request's body into ``path`` as it arrives, refused (413) past ``limit``: the
    event loop only gathers the chunks; each megabyte is written in the thread pool."""
    f = await run_in_threadpool(path.open, "wb")
    try:
        size, held = 0, bytearray()
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ApiError(413, too_large_message(limit))
            held += chunk
            if len(held) >= batch:
                await run_in_threadpool(f.write, bytes(held))
                held.clear()
        if held:
            await run_in_threadpool(f.write, bytes(held))
    finally:
        await run_in_threadpool(f.close)


#: one lock per table being paged: a page asking for every table at once waits for each
#: first read (one process apart per table, never two for the same), never a 429
_PAGING: dict[Path, threading.Lock] = {}
_PAGING_LOCK = threading.Lock()


def _make_pages(row: DatasetRow, table: str, pages: Path, size: int) -> None:
    from tuoyu.api.service.apart import TooHeavy, run_apart

    with _PAGING_LOCK:
        lock = _PAGING.setdefault(pages, threading.Lock())
    with lock:
        if (pages / "count").is_file():  # another request made them meanwhile
            return
        pages.parent.mkdir(parents=True, exist_ok=True)
        try:
            result, value = run_apart(heavy.table_pages, row.path, table, str(pages), size)
        except TooHeavy:
            raise ApiError(422, "数据表太大，无法在限定的时间和内存内读出。 / The table is too "
                                "large to read within the time and memory limits.",
                           "too_heavy") from None
        if result == "problems":
            raise DataError([Problem(**p) for p in value])


@contextmanager
def heavy_slot(st: State, who: auth.Caller) -> Iterator[None]:
    """One of the caller's slots for heavy work: a token (or, without tokens, a role)
    has one at a time, and all callers together ``TUOYU_HEAVY`` (429 beyond)."""
    from tuoyu.api.service.apart import Busy

    holder = who.token_id or f"role:{who.role}"
    try:
        with st.slots.take(holder, who.role):
            yield
    except Busy:
        raise ApiError(429, "服务正忙：你的另一个计算请求（或太多请求）正在进行，请稍后再试。"
                            " / Busy: another heavy request of yours (or too many in all) "
                            "is under way; try again shortly.", "busy") from None


def run_heavy(st: State, who: auth.Caller, fn: Any, *args: Any) -> Any:
    """``fn(*args)`` apart, in one of the caller's slots (429 when it has none free);
    a run past its limits is a located 422."""
    with heavy_slot(st, who):
        return run_limited(fn, *args)


def run_limited(fn: Any, *args: Any) -> Any:
    """``fn(*args)`` apart (the caller holds its slot); past its limits a located 422."""
    from tuoyu.api.service.apart import TooHeavy, run_apart

    try:
        return run_apart(fn, *args)
    except TooHeavy as exc:
        raise ApiError(422, ("计算超出了时间上限，未保存任何内容。 / The work passed its time "
                             "limit; nothing was stored.") if exc.kind == "time" else
                       ("计算超出了内存上限，未保存任何内容。 / The work passed its memory "
                        "limit; nothing was stored."), "too_heavy") from None


@router.get("/{dataset_id}/rosters/{month}")
def roster_month(dataset_id: str, month: str, st: StateDep, _who: Viewer) -> dict[str, Any]:
    """A month's draws (every one, oldest first), the one in force, and whether the
    month is published."""
    from tuoyu.api import runner
    from tuoyu.planning.params import RosterParams

    row = get_dataset(st, dataset_id)
    try:
        month = RosterParams(month=month).month  # " 2027-03 " is the month 2027-03
    except ValidationError:
        raise ApiError(422, f"“{month[:20]}”不是月份，应为 YYYY-MM（如 2027-03）。 / "
                            f"'{month[:20]}' is not a month; expected YYYY-MM.") from None
    return runner.month_state(ds.dataset_of(row.id, row.path), month, st.engine)


@router.get("/{dataset_id}/rosters/{month}/notice",
            responses={200: {"content": {"text/html": {}, "application/vnd.openxmlformats-"
                                         "officedocument.spreadsheetml.sheet": {}}}})
def roster_notice(dataset_id: str, month: str, st: StateDep, _who: Viewer,
                  format: str = "html", lang: str = "zh", kind: str | None = None) -> Any:
    """A public notice of the month (一公开). ``kind``: ``announcement`` (抽查公告: the
    matters, the directories, ratio, frequency, method, the commitment and the sealed
    hash; never who is inspected when), ``results`` (抽查结果公示: each inspection done
    and its outcome) or ``revealed`` (once the month is over and revealed: every
    inspection and team, and the record the page checks itself); default: revealed once
    revealed, else the announcement. ``format``: html | xlsx."""
    from fastapi.responses import HTMLResponse

    from tuoyu.api import runner
    from tuoyu.api.exports.notice import KINDS, NotRevealed, notice_html, notice_of, notice_xlsx
    from tuoyu.api.text import message
    from tuoyu.models.inspection import load_inspection_data
    from tuoyu.planning.params import RosterParams

    row = get_dataset(st, dataset_id)
    language = "en" if lang == "en" else "zh"
    try:
        month = RosterParams(month=month).month  # " 2027-03 " is the month 2027-03
    except ValidationError:
        raise ApiError(422, f"“{month[:20]}”不是月份，应为 YYYY-MM（如 2027-03）。 / "
                            f"'{month[:20]}' is not a month; expected YYYY-MM.") from None
    if format not in ("html", "xlsx"):
        raise ApiError(422, "format 应为 html 或 xlsx。 / format: expected html or xlsx")
    if kind is not None and kind not in KINDS:
        raise ApiError(422, f"kind 应为 {'、'.join(KINDS)} 之一。 / kind: expected one of "
                            f"{', '.join(KINDS)}")
    dataset = ds.dataset_of(row.id, row.path)
    try:
        notice = notice_of(runner.month_view(dataset, month, st.engine),
                           load_inspection_data(dataset.folder), language, kind,
                           district=district_name(dataset.folder))
    except NotRevealed as exc:
        raise ApiError(404, message(exc.code, exc.params, language), reason=exc.code) from None
    if format == "html":
        if not notice.check:
            return HTMLResponse(notice_html(notice, language))
        from tuoyu.api.exports.notice import check_script_hash
        from tuoyu.api.service.guard import CSP

        csp = CSP.replace("script-src 'self'", f"script-src {check_script_hash()}")
        return HTMLResponse(notice_html(notice, language),
                            headers={"Content-Security-Policy": csp})  # its own check only
    folder = Path(tempfile.mkdtemp(prefix="notice-", dir=st.settings.home))
    path = folder / f"notice-{month}.xlsx"
    notice_xlsx(notice, path, language)
    return FileResponse(path, filename=path.name, background=BackgroundTask(
        shutil.rmtree, folder, ignore_errors=True))


@router.post("/{dataset_id}/rosters/{month}/commit")
def roster_commit(dataset_id: str, month: str, body: CommitRequest, st: StateDep,
                  _who: Planner, lang: str = "zh") -> dict[str, Any]:
    """Commit the month's official draw (双随机): its inputs fixed and hashed with the
    time; ``source``: drand (the round 10 minutes on) or a lottery draw after today. A
    second commitment needs ``reason``; both are kept. Returns the month's state."""
    from tuoyu.api import runner
    from tuoyu.planning.params import RosterParams

    row = get_dataset(st, dataset_id)
    dataset = ds.dataset_of(row.id, row.path)
    language = "en" if lang == "en" else "zh"
    try:
        params = RosterParams(month=month, draw_share=body.draw_share, min_team=body.min_team)
    except ValidationError:
        raise ApiError(422, f"“{month[:20]}”不是月份，应为 YYYY-MM（如 2027-03）。 / "
                            f"'{month[:20]}' is not a month; expected YYYY-MM.") from None
    source: dict[str, Any] = {"kind": body.source}
    if body.source == "lottery":
        source.update(name=body.lottery_name or "", date=str(body.lottery_date or ""))
    _cycle_step(st, lambda: runner.commit(dataset, params, source, st.engine, reason=body.reason),
                language)
    return runner.month_state(dataset, month, st.engine)


@router.post("/{dataset_id}/rosters/{month}/seed")
def roster_seed(dataset_id: str, month: str, body: SeedRequest, st: StateDep,
                _who: Planner, lang: str = "zh") -> dict[str, Any]:
    """Give the committed month its seed source's value: ``drand`` (the round's JSON as
    fetched from any drand relay; its BLS signature is checked offline) or ``numbers``
    (the lottery draw's). Returns the month's state."""
    from tuoyu.api import runner

    row = get_dataset(st, dataset_id)
    dataset = ds.dataset_of(row.id, row.path)
    value: dict[str, Any] = dict(body.drand) if body.drand is not None else {
        "numbers": body.numbers or ""}
    _cycle_step(st, lambda: runner.seed(dataset, _month(month), value, st.engine),
                "en" if lang == "en" else "zh")
    return runner.month_state(dataset, month, st.engine)


@router.post("/{dataset_id}/rosters/{month}/reveal")
def roster_reveal(dataset_id: str, month: str, st: StateDep, _who: Planner,
                  lang: str = "zh") -> dict[str, Any]:
    """Reveal the month's draw once the month is over. Returns the month's state."""
    from tuoyu.api import runner

    row = get_dataset(st, dataset_id)
    dataset = ds.dataset_of(row.id, row.path)
    _cycle_step(st, lambda: runner.reveal(dataset, _month(month), st.engine),
                "en" if lang == "en" else "zh")
    return runner.month_state(dataset, month, st.engine)


def _month(month: str) -> str:
    from tuoyu.planning.params import RosterParams

    try:
        return RosterParams(month=month).month
    except ValidationError:
        raise ApiError(422, f"“{month[:20]}”不是月份，应为 YYYY-MM（如 2027-03）。 / "
                            f"'{month[:20]}' is not a month; expected YYYY-MM.") from None


def _cycle_step(st: State, step: Any, lang: str) -> Any:
    """Run a step of the month's cycle: a refusal of the month's state is 409, a bad
    value (a drand round that does not verify, …) 422, each said in ``lang`` (naming no
    server folder)."""
    from tuoyu.api import runner, store
    from tuoyu.api.service.errors import served_data_error, service_places
    from tuoyu.api.text import render_data_error

    try:
        return step()
    except store.RosterStateError as exc:
        raise ApiError(409, runner.state_error_text(exc, lang), "roster_state",
                       reason=exc.code) from None
    except DataError as exc:
        served = served_data_error(exc, service_places(st))
        raise ApiError(422, render_data_error(served, lang), "bad_value",  # type: ignore[arg-type]
                       reason=served.problems[0].code) from None
