"""What the planners' domains share: frozen pydantic models, the street, table rows."""

from __future__ import annotations

import pandas as pd
from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Street(Frozen):
    street_id: str
    name: str
    neighbours: tuple[str, ...] = ()


def records(df: pd.DataFrame, columns: list[str]) -> list[dict[str, object]]:
    """The rows of a typed table as dicts of the given columns."""
    return [dict(zip(columns, row, strict=True)) for row in df[columns].itertuples(index=False)]
