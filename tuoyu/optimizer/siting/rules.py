"""The hard rules of the siting plan, one function per rule, as a planner names them, in
the registry :data:`RULES` (the order is the order the rows are built in).

The columns: ``open_`` (classes a candidate opens in a year: only candidates, i.e. public
kindergartens with spare rooms and sites, and only from ``available_from`` on) and
``flow`` (children of a community served at a place in reach, per year; its objective
coefficients come from ``goals.py``). Two district rules are elastic: a slack with a
penalty above anything the objective can gain (:func:`problem.rule_penalty`), so a plan
still comes back when one cannot hold, and ``explain.py`` says by how much it misses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from tuoyu.optimizer.siting.goals import flow_costs
from tuoyu.optimizer.siting.highs import Mip
from tuoyu.optimizer.siting.problem import (
    SitingProblem,
    integrated_share_target,
    rule_penalty,
    street_reach,
    streets_with_demand,
)


@dataclass
class Columns:
    """The model's columns, by meaning."""

    open_: dict[tuple[int, int], int]  # (place, year index) -> column of new classes
    flow: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int64))
    street_slack: dict[str, int] = field(default_factory=dict)
    integrated: dict[int, int] = field(default_factory=dict)  # place -> "has a class" binary
    integrated_slack: int | None = None
    year_short: dict[int, int] = field(default_factory=dict)  # year index -> classes short


def new_classes_columns(mip: Mip, problem: SitingProblem,
                        fixed: dict[tuple[int, int], int] | None = None
                        ) -> dict[tuple[int, int], int]:
    """Classes opened at each candidate in each year: only candidates (public kindergartens
    with spare rooms, sites), only from ``available_from`` on. ``fixed``: given classes."""
    cols: dict[tuple[int, int], int] = {}
    for j in problem.candidates:
        for t, year in enumerate(problem.years):
            if not problem.available(j, year):
                continue
            if fixed is not None:
                v = fixed.get((j, t), 0)
                (c,) = mip.add_cols(1, 0.0, v, v, integer=False)
            else:
                (c,) = mip.add_cols(1, 0.0, 0.0, problem.places[j].max_new, integer=True)
            cols[(j, t)] = int(c)
    return cols


def children_served_within_walk(mip: Mip, problem: SitingProblem) -> np.ndarray:
    """Flow of children from a community to a place in reach, per year (at most the
    community's demand); its objective coefficients are the soft goals'."""
    pairs = problem.pairs
    cost = flow_costs(problem)
    flow = np.zeros((len(pairs), len(problem.years)), dtype=np.int64)
    for t in range(len(problem.years)):
        ub = problem.demand[pairs.i, t].astype(float)
        flow[:, t] = mip.add_cols(len(pairs), cost[:, t], 0.0, ub)
    return flow


def build_columns(mip: Mip, problem: SitingProblem,
                  fixed: dict[tuple[int, int], int] | None = None) -> Columns:
    v = Columns(new_classes_columns(mip, problem, fixed))
    v.flow = children_served_within_walk(mip, problem)
    return v


def seats_shared_among_communities(mip: Mip, problem: SitingProblem, v: Columns) -> None:
    """A community is served at most its demand; a place serves at most its seats: its
    existing seats plus ``seats_per_class`` for every class opened up to that year (classes
    once opened stay)."""
    pairs = problem.pairs
    seats = problem.config.seats_per_class
    n_c, n_p = len(problem.community_ids), len(problem.places)
    existing = problem.existing_seats
    for t in range(len(problem.years)):
        mip.add_rows(pairs.i, v.flow[:, t], np.ones(len(pairs)), np.full(n_c, -np.inf),
                     problem.demand[:, t].astype(float))
        opened = [(j, c) for (j, tau), c in v.open_.items() if tau <= t]
        extra_r = np.array([j for j, _c in opened], dtype=np.int64)
        extra_c = np.array([c for _j, c in opened], dtype=np.int64)
        mip.add_rows(np.concatenate([pairs.j, extra_r]), np.concatenate([v.flow[:, t], extra_c]),
                     np.concatenate([np.ones(len(pairs)), np.full(len(extra_r), -float(seats))]),
                     np.full(n_p, -np.inf), existing)


def within_spare_rooms(mip: Mip, problem: SitingProblem, v: Columns) -> None:
    """All classes a place opens over the horizon fit its spare rooms / ``max_classes``."""
    by_place: dict[int, list[int]] = {}
    for (j, _t), c in v.open_.items():
        by_place.setdefault(j, []).append(c)
    for j, cols in by_place.items():
        mip.add_row(cols, np.ones(len(cols)), 0.0, float(problem.places[j].max_new))


def classes_per_year(mip: Mip, problem: SitingProblem, v: Columns) -> None:
    """At most the yearly maximum of new classes (8 by default), and the yearly minimum
    (5) where that many classes can fill (:func:`every_class_fills`): the minimum is
    elastic, every class short of it costs more than anything the objective can gain, so
    a year opens fewer only when no further class could serve the fill (said in the
    plan's findings)."""
    lo, hi = problem.config.classes_per_year
    penalty = rule_penalty(problem)
    for t in range(len(problem.years)):
        cols = [c for (_j, tau), c in v.open_.items() if tau == t]
        mip.add_row(cols, np.ones(len(cols)), -np.inf, float(hi))
        if lo > 0:
            (short,) = mip.add_cols(1, -penalty, 0.0, float(lo))
            v.year_short[t] = int(short)
            mip.add_row(cols + [int(short)], np.ones(len(cols) + 1), float(lo), np.inf)


def every_class_fills(mip: Mip, problem: SitingProblem, v: Columns) -> None:
    """A class opens only where it fills: in every year from its opening, the children a
    place serves beyond its own seats reach ``fill_children`` for each of its new classes
    (so no class serves no one). At a place with seats of its own, a binary says whether
    it has a new class yet (its own seats count only then). A place the planner pins is
    the planner's decision: it is exempt (its findings say what it serves)."""
    fill = float(problem.config.fill_children)
    pairs = problem.pairs
    order = np.argsort(pairs.j, kind="stable")
    starts = np.searchsorted(pairs.j[order], np.arange(len(problem.places) + 1))
    seats_now = problem.existing_seats
    by_place: dict[int, list[tuple[int, int]]] = {}
    for (j, t), c in v.open_.items():
        by_place.setdefault(j, []).append((t, c))
    pinned = {j for j, _t in problem.pins}
    for j, opens in sorted(by_place.items()):
        if j in pinned:
            continue
        at = order[starts[j]:starts[j + 1]]
        existing = float(seats_now[j])
        max_new = float(problem.places[j].max_new)
        first = min(t for t, _c in opens)
        for t in range(first, len(problem.years)):
            cum = [c for tau, c in opens if tau <= t]
            cols = [int(c) for c in v.flow[at, t]] + cum
            coefs = [1.0] * len(at) + [-fill] * len(cum)
            if existing > 0:  # has a new class by year t
                (b,) = mip.add_cols(1, 0.0, 0.0, 1.0, integer=True)
                mip.add_row(cum + [int(b)], [1.0] * len(cum) + [-max_new], -np.inf, 0.0)
                cols.append(int(b))
                coefs.append(-existing)
            mip.add_row(cols, np.array(coefs), 0.0, np.inf)


def every_street_has_inclusive_place(mip: Mip, problem: SitingProblem, v: Columns) -> None:
    """By the end of the first year, every street's families reach an inclusive place.

    New public classes are inclusive; existing inclusive providers and public kindergartens
    with nursery classes count already. Elastic: a street that cannot be covered takes a
    slack of 1 at a cost above anything else (reported as a finding).
    """
    if not problem.config.every_street_inclusive:
        return
    reach, covered = street_reach(problem)
    penalty = rule_penalty(problem)
    for s in streets_with_demand(problem):
        if s in covered:
            continue
        cols = [v.open_[(j, 0)] for j in sorted(reach.get(s, ())) if (j, 0) in v.open_]
        (slack,) = mip.add_cols(1, -penalty, 0.0, 1.0)
        v.street_slack[s] = int(slack)
        mip.add_row(cols + [int(slack)], np.ones(len(cols) + 1), 1.0, np.inf)


def half_of_kindergartens_integrated(mip: Mip, problem: SitingProblem, v: Columns) -> None:
    """托幼一体: kindergartens with nursery classes reach the share by the horizon's end.

    A kindergarten (or new-kindergarten site) without a class counts once it opens one.
    Elastic with a per-kindergarten slack costing more than anything else.
    """
    missing = integrated_share_target(problem) - problem.kindergartens_with_nursery
    if missing <= 0:
        return
    penalty = rule_penalty(problem)
    cols = []
    for j in problem.candidates:
        p = problem.places[j]
        if not p.kindergarten or p.has_nursery:
            continue
        opens = [c for (jj, _t), c in v.open_.items() if jj == j]
        if not opens:
            continue
        (z,) = mip.add_cols(1, 0.0, 0.0, 1.0, integer=True)
        v.integrated[j] = int(z)
        mip.add_row([int(z)] + opens, [1.0] + [-1.0] * len(opens), -np.inf, 0.0)
        cols.append(int(z))
    (slack,) = mip.add_cols(1, -penalty, 0.0, float(missing))
    v.integrated_slack = int(slack)
    mip.add_row(cols + [int(slack)], np.ones(len(cols) + 1), float(missing), np.inf)


def pinned_places_open(mip: Mip, problem: SitingProblem, v: Columns) -> None:
    """A place the planner pins opens at least one class: in the pinned year, or in some
    year of the horizon when the pin has no year."""
    for j, t in problem.pins:
        cols = [c for (jj, tau), c in v.open_.items() if jj == j and (t is None or tau == t)]
        mip.add_row(cols, np.ones(len(cols)), 1.0, np.inf)


def forbidden_places_stay_closed(mip: Mip, problem: SitingProblem, v: Columns) -> None:
    """A place the planner forbids opens no class in any year."""
    for j in sorted(problem.forbidden):
        cols = [c for (jj, _t), c in v.open_.items() if jj == j]
        if cols:
            mip.add_row(cols, np.ones(len(cols)), 0.0, 0.0)


RuleFn = Callable[[Mip, SitingProblem, Columns], None]

RULES: dict[str, RuleFn] = {
    "seats_shared_among_communities": seats_shared_among_communities,
    "within_spare_rooms": within_spare_rooms,
    "classes_per_year": classes_per_year,
    "every_class_fills": every_class_fills,
    "every_street_has_inclusive_place": every_street_has_inclusive_place,
    "half_of_kindergartens_integrated": half_of_kindergartens_integrated,
    "pinned_places_open": pinned_places_open,
    "forbidden_places_stay_closed": forbidden_places_stay_closed,
}
