"""The audit record of a draw (``draw.json``).

The record holds the seed, a fingerprint of the canonical inputs (the dataset's tables and
the stored history that was used, which it carries in full), the versions, the rules, the
draw itself (every candidate with its weight and hashed key), the resulting roster, the
month's earlier draws (seed, time, fingerprint, reason) and the reason of this one when
the month was published before. ``tuoyu.planning.roster.verify`` recomputes the record
from the same inputs and compares it field by field.
"""

from __future__ import annotations

import datetime as dt
import platform
from pathlib import Path
from typing import Any

import ortools
from pydantic import BaseModel, Field, ValidationError

from tuoyu import __version__
from tuoyu.models.errors import DataError, Problem
from tuoyu.planning.plan import Plan
from tuoyu.planning.roster import METHOD, RosterDetail, draw_reason, fingerprint, record_body

__all__ = ["METHOD", "check_record", "draw_record_of", "record_fingerprint"]


class _Inputs(BaseModel):
    data_dir: str | None = None
    tables_fingerprint: str
    stored_history: list[Any]
    stored_history_fingerprint: str


class _Draw(BaseModel):
    drawn: list[Any]


class _Replan(BaseModel):
    from_date: dt.date
    stored_roster: list[Any]


class _RecordShape(BaseModel):
    """What ``verify`` reads of a record: each field with the type it must have."""

    seed: int = Field(ge=0)
    month: str = Field(pattern=r"^\d{4}-\d{2}$")
    inputs: _Inputs
    rules: dict[str, Any]
    draw: _Draw
    result: list[Any]
    result_fingerprint: str
    replan: _Replan | None = None


def _field(error: Any) -> str:
    return ".".join(str(x) for x in error["loc"])


def check_record(record: object, name: str) -> None:
    """Refuse a ``draw.json`` that is not an audit record, naming each field that is
    missing or of the wrong type (a :class:`DataError`, never a ``KeyError``)."""
    from tuoyu.api.text.validation import got, reason

    if not isinstance(record, dict):
        raise DataError([Problem(name, "the file is not an audit record", code="input.not_record",
                                 expected="the draw.json written with a roster")])
    try:
        _RecordShape.model_validate(record)
    except ValidationError as exc:
        raise DataError([
            Problem(name, f"field '{_field(e)}': {reason(e, 'en')}", got=got(e),
                    code="input.record_field",
                    params={"field": _field(e),
                            "reason": {"zh": reason(e, "zh"), "en": reason(e, "en")}})
            for e in exc.errors()]) from None


def draw_record_of(plan: Plan) -> dict[str, Any]:
    """The audit record of a roster plan (its ``detail`` is a :class:`RosterDetail`)."""
    detail: RosterDetail = plan.detail
    from_date = plan.params.get("from_date")
    body = record_body(
        detail.result,
        detail.data,
        detail.history,
        detail.kept,
        dt.date.fromisoformat(from_date) if from_date else None,
    )
    body["inputs"]["data_dir"] = str(Path(detail.dataset.folder).resolve())  # any cwd
    body["solver"]["stages"] = [s.as_dict() for s in plan.stages]
    return {
        **body,
        "versions": {
            "tuoyu": __version__,
            "ortools": ortools.__version__,
            "python": platform.python_version(),
        },
        "earlier_draws": [dict(e) for e in detail.earlier_draws],
        "redraw_reason": draw_reason(plan.params),
        "created_at": detail.made_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def record_fingerprint(record: dict[str, Any]) -> str:
    """The fingerprint of a whole record (as the store and the notice name a draw)."""
    return fingerprint(record)
