"""``/api/v1/datasets/{id}/scorecard``: the action plan's targets of a year, per street,
from what is stored and the dataset (``tuoyu.planning.scorecard``); as JSON for the
``/plan`` page, or as ``scorecard.xlsx``."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from tuoyu.api.service.datasets import dataset_of
from tuoyu.api.service.deps import StateDep, Viewer
from tuoyu.api.service.errors import ApiError
from tuoyu.api.service.routes_datasets import get_dataset
from tuoyu.api.service.routes_jobs import LangDep
from tuoyu.api.service.schemas import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/datasets", tags=["scorecard"], responses=ERROR_RESPONSES)


def _doc(st: Any, dataset_id: str, year: int, lang: str) -> dict[str, Any]:
    from tuoyu.api import scorecard as gathering
    from tuoyu.api.exports.scorecard import rendered
    from tuoyu.api.text import render_data_error
    from tuoyu.models.errors import DataError
    from tuoyu.planning.dataset import district_name
    from tuoyu.planning.scorecard import scorecard

    row = get_dataset(st, dataset_id)
    dataset = dataset_of(row.id, row.path)
    language = "en" if lang == "en" else "zh"
    try:
        inputs, sources = gathering.gather(dataset, year, engine=st.engine,
                                           jobs_dir=st.settings.jobs_dir)
    except DataError as exc:
        from tuoyu.api.service.errors import served_data_error, service_places

        served = served_data_error(exc, service_places(st))
        raise ApiError(422, render_data_error(served, language)) from None  # type: ignore[arg-type]
    return rendered(scorecard(inputs), district_name(dataset, row.name), sources,
                    language, folders=False)  # type: ignore[arg-type]


YEAR = Query(..., ge=2000, le=2100, description="The year to report, e.g. 2027.")


@router.get("/{dataset_id}/scorecard")
def get_scorecard(dataset_id: str, st: StateDep, _who: Viewer, lang: LangDep,
                  year: int = YEAR) -> dict[str, Any]:
    """The action plan's targets of ``year``: for each figure its label, goal, where it
    comes from, and a line for the district and for each street (the figure as people
    read it, the numbers for charts, met or not; ``known`` false with the reason when
    nothing stored can tell it yet)."""
    return _doc(st, dataset_id, year, lang)


@router.get("/{dataset_id}/scorecard.xlsx", responses={200: {"content": {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
def get_scorecard_xlsx(dataset_id: str, st: StateDep, _who: Viewer, lang: LangDep,
                       year: int = YEAR) -> FileResponse:
    """The same figures as ``scorecard.xlsx`` (printable)."""
    from tuoyu.api.exports.scorecard import write_xlsx

    doc = _doc(st, dataset_id, year, lang)
    folder = Path(tempfile.mkdtemp(prefix="scorecard-", dir=st.settings.home))
    path = folder / f"scorecard-{year}.xlsx"
    try:
        write_xlsx(doc, path)
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise ApiError(500, f"Cannot write the workbook: {exc.strerror or exc}") from None
    return FileResponse(path, filename=path.name, background=BackgroundTask(
        shutil.rmtree, folder, ignore_errors=True))
