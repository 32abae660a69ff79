"""Checking that a ``draw.json`` is an audit record (the record itself is made in the
planning layer: :mod:`tuoyu.planning.audit`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from tuoyu.models.errors import DataError, Problem
from tuoyu.planning.audit import METHOD, draw_record_of, record_fingerprint

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


