"""The demand forecast: nursery places each community needs in each year of the horizon.

Method (see ``docs/siting.md``): the 0–3 population is three one-year cohorts. Each year the
oldest cohort ages out (a third of the population) and a new birth cohort comes in::

    births(y) = births(base) × (1 + trend) ** (y - base)
    pop(y)    = pop(y - 1) × 2/3 + births(y)
    demand(y) = round(take_up × pop(y))

``base`` is the year the data describes (by default the year before the horizon starts);
``births`` missing for a community is taken as a third of its 0–3 population. ``trend`` is
the yearly change in births (negative: falling, as in Shanghai since 2016). A planner's own
forecast (``forecast.csv``) replaces the computed one where given: its ``demand`` is used as
is, its ``pop_0_3`` goes through the take-up rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tuoyu.models.siting import Community, ForecastRow


@dataclass(frozen=True)
class DemandParams:
    """The forecast's assumptions, all configurable."""

    take_up: float = 0.35  # share of children 0–3 whose families want a place
    trend: float = -0.05  # yearly change of births
    base_year: int | None = None  # the data's year; default: the year before the horizon


DEFAULT_DEMAND = DemandParams()


def forecast_demand(
    communities: Sequence[Community],
    years: Sequence[int],
    params: DemandParams = DEFAULT_DEMAND,
    supplied: Sequence[ForecastRow] = (),
) -> np.ndarray:
    """Places needed, shape (communities, years), whole children."""
    if not 0 <= params.take_up <= 1:
        raise ValueError(f"take-up must be between 0 and 1, got {params.take_up}")
    if params.trend <= -1:
        raise ValueError(f"trend must be above -100% a year, got {params.trend}")
    years = list(years)
    base = params.base_year if params.base_year is not None else years[0] - 1
    n, t = len(communities), len(years)
    pop = np.array([c.pop_0_3 for c in communities], dtype=float)
    births = np.array(
        [c.births if c.births is not None else c.pop_0_3 / 3.0 for c in communities], dtype=float
    )
    out = np.zeros((n, t))
    current = pop.copy()
    last = max(years)
    by_year = {}
    for y in range(base + 1, last + 1):
        b = births * (1.0 + params.trend) ** (y - base)
        current = current * (2.0 / 3.0) + b
        by_year[y] = current.copy()
    for k, y in enumerate(years):
        p = by_year.get(y, pop)
        out[:, k] = params.take_up * p
    if supplied:
        index = {c.community_id: i for i, c in enumerate(communities)}
        col = {y: k for k, y in enumerate(years)}
        for row in supplied:
            if row.year not in col or row.community_id not in index:
                continue
            i, k = index[row.community_id], col[row.year]
            if row.demand is not None:
                out[i, k] = row.demand
            elif row.pop_0_3 is not None:
                out[i, k] = params.take_up * row.pop_0_3
    return np.rint(out).astype(np.int64)
