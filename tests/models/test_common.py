"""What the domains share (``tuoyu.models.common``): a domain record cannot be changed
once read; a street's neighbours; a typed table's rows as dicts of the columns asked,
in the table's order, its values as typed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from pydantic import ValidationError

from tuoyu.models.common import Street, records


def test_a_street_cannot_be_changed_once_read() -> None:
    s = Street(street_id="310113003", name="友谊路街道", neighbours=("310113007",))
    with pytest.raises(ValidationError):
        s.name = "x"  # type: ignore[misc]
    assert Street(street_id="S", name="n").neighbours == ()
    assert s == Street(street_id="310113003", name="友谊路街道", neighbours=["310113007"])


def test_rows_as_dicts_of_the_columns_asked() -> None:
    df = pd.DataFrame({"b": [1, 2], "a": ["x", "y"],
                       "d": [dt.date(2027, 3, 1), None], "ignored": [0, 0]})
    assert records(df, ["a", "b", "d"]) == [
        {"a": "x", "b": 1, "d": dt.date(2027, 3, 1)}, {"a": "y", "b": 2, "d": None}]
    assert records(df.iloc[:0], ["a"]) == []
    with pytest.raises(KeyError):
        records(df, ["nope"])
