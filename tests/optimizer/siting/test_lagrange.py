"""``tuoyu.optimizer.siting.lagrange``: the Lagrangian bound holds, fixing never removes an
optimum, the swap search never loses weight; each checked against every choice of sites
on small random instances (brute force), and a hand-made case where greedy is not optimal
and the bound proves the optimum without a MIP."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tuoyu.optimizer.siting.cover import mclp
from tuoyu.optimizer.siting.lagrange import (
    fixed_sites,
    lagrangian_bound,
    proven,
    swap_search,
)
from tuoyu.optimizer.siting.reduce import greedy, reduce_mclp
from tuoyu.optimizer.solve import Status


@st.composite
def instances(draw):
    """A random MCLP: up to 14 points, 3-8 sites, pairs at random, whole or fractional
    weights, 1..sites-1 sites to choose, at most one pinned."""
    n = draw(st.integers(2, 14))
    m = draw(st.integers(3, 8))
    pairs = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, m - 1)),
                         min_size=1, max_size=n * m))
    whole = draw(st.booleans())
    w = draw(st.lists(st.integers(0, 50) if whole else st.floats(0, 50, allow_nan=False),
                      min_size=n, max_size=n))
    p = draw(st.integers(1, m - 1))
    pinned = draw(st.lists(st.integers(0, m - 1), max_size=1))
    pi, pj = (np.array(sorted(pairs))[:, c] for c in (0, 1))
    return n, m, pi, pj, np.array(w, dtype=float), p, pinned


def _choices(red):
    """Every choice of exactly k kept sites holding the pinned ones, with its weight."""
    pins = set(red.pinned.tolist())
    for combo in itertools.combinations(range(len(red.sites)), red.k):
        if pins <= set(combo):
            yield combo, red.value(np.array(combo, dtype=np.int64))


@settings(max_examples=150, deadline=None)
@given(instances())
def test_the_bound_holds_and_fixing_keeps_every_optimum(inst) -> None:
    n, m, pi, pj, w, p, pinned = inst
    red = reduce_mclp(n, m, pi, pj, w, p, pinned)
    choices = list(_choices(red))
    if not choices:
        return
    best = max(v for _, v in choices)
    lag = lagrangian_bound(red, greedy(red))
    tol = 1e-7 * max(1.0, best)
    assert lag.lower <= best + tol <= lag.upper + 2 * tol  # lower <= optimum <= upper
    assert abs(red.value(lag.chosen) - lag.lower) <= tol and len(lag.chosen) <= red.k
    assert set(red.pinned.tolist()) <= set(lag.chosen.tolist())
    never, always = fixed_sites(red, lag.multipliers, lag.lower)
    for combo, value in choices:
        if value >= best - tol:  # an optimum: chooses no 'never' site, every 'always' one
            assert not never[list(combo)].any()
            assert always[np.flatnonzero(always)].all() and set(
                np.flatnonzero(always).tolist()) <= set(combo)


@settings(max_examples=100, deadline=None)
@given(instances())
def test_a_swap_search_gains_keeps_pins_and_ends_where_no_swap_gains(inst) -> None:
    n, m, pi, pj, w, p, pinned = inst
    red = reduce_mclp(n, m, pi, pj, w, p, pinned)
    if red.k == 0 or len(red.pinned) > red.k:
        return
    start = greedy(red)
    pins = set(red.pinned.tolist())
    free = [j for j in range(len(red.sites)) if j not in pins and j not in set(start.tolist())]
    start = np.array(sorted({*start.tolist(), *free[: red.k - len(start)]}), dtype=np.int64)
    out = swap_search(red, start)
    assert len(out) == len(start) and pins <= set(out.tolist())
    assert red.value(out) >= red.value(start) - 1e-9
    here = red.value(out)
    for a in set(out.tolist()) - pins:  # a local optimum: no single swap gains
        for b in set(range(len(red.sites))) - set(out.tolist()):
            swapped = np.array(sorted((set(out.tolist()) - {a}) | {b}), dtype=np.int64)
            assert red.value(swapped) <= here + 1e-7 * max(1.0, here)


def test_greedy_is_beaten_and_the_bound_proves_the_optimum_without_a_mip() -> None:
    # site 0 reaches the middle points 1..4 (weight 4); site 1 reaches points 0-2, site 2
    # points 3-5 (3 each). Greedy takes site 0 first and then one side: 5. The two side
    # sites cover all six points: 6, and no two sites cover more.
    pi = np.array([1, 2, 3, 4, 0, 1, 2, 3, 4, 5])
    pj = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2])
    w = np.ones(6)
    red = reduce_mclp(6, 3, pi, pj, w, 2)
    assert red.value(greedy(red)) == 5
    lag = lagrangian_bound(red, greedy(red))
    assert lag.lower == 6 and proven(lag.lower, lag.upper)
    res = mclp(6, 3, pi, pj, w, 2)
    assert (res.status, res.objective, res.bound, res.chosen) == (Status.OPTIMAL, 6, 6, [1, 2])
    assert res.solve_seconds == 0.0  # no MIP was solved


def test_proven_means_equal_up_to_float_noise_or_the_allowed_gap() -> None:
    assert proven(100.0, 100.0) and proven(1e6, 1e6 + 1e-4)
    assert not proven(100.0, 100.01)
    assert proven(100.0, 100.01, relative_gap=1e-3)
