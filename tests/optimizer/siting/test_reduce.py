"""The MCLP reductions keep the optimum: hand-made cases a planner can check on paper, and
random small instances whose optimum is found by trying every choice of sites."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuoyu.optimizer.siting import mclp
from tuoyu.optimizer.siting.reduce import dominated_sites, greedy, reduce_mclp


def pairs_of(reach: dict[int, list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """{point: [sites it reaches]} as the pair arrays."""
    pi = [i for i, sites in reach.items() for _ in sites]
    pj = [j for sites in reach.values() for j in sites]
    return np.array(pi, dtype=np.int64), np.array(pj, dtype=np.int64)


def brute_force(n_points: int, n_sites: int, reach: dict[int, list[int]], w: list[float],
                p: int, pinned: tuple[int, ...] = ()) -> float:
    """The best weight any ``p`` sites (the pinned among them) cover, by trying them all."""
    best = 0.0
    for choice in combinations(range(n_sites), min(p, n_sites)):
        if not set(pinned) <= set(choice):
            continue
        got = sum(w[i] for i in range(n_points) if set(reach.get(i, ())) & set(choice))
        best = max(best, got)
    return best


def test_a_site_inside_another_is_dropped_and_equal_sites_keep_the_lowest():
    # site 0 reaches points {0, 1}; site 1 reaches {0, 1, 2} (site 0 is inside it);
    # sites 2 and 3 both reach {3} (equal: site 2 stays); site 4 reaches nothing
    reach = {0: [0, 1], 1: [0, 1], 2: [1], 3: [2, 3]}
    pi, pj = pairs_of(reach)
    red = reduce_mclp(4, 5, pi, pj, np.array([10.0, 20.0, 5.0, 7.0]), p=2)
    assert red.sites.tolist() == [1, 2]
    assert red.coverable == 42.0
    assert red.value(np.array([0, 1])) == 42.0  # both kept sites: everything


def test_a_pinned_site_stays_even_when_dominated():
    reach = {0: [0, 1], 1: [1]}
    pi, pj = pairs_of(reach)
    red = reduce_mclp(2, 2, pi, pj, np.array([1.0, 1.0]), p=1, pinned=[0])
    assert red.sites.tolist() == [0, 1] and red.pinned.tolist() == [0]
    res = mclp(2, 2, pi, pj, np.array([1.0, 1.0]), 1, pinned=[0])
    assert res.chosen == [0] and res.covered_weight == 1.0


def test_points_reaching_the_same_sites_become_one_row_and_zero_weight_leaves():
    reach = {0: [0, 1], 1: [0, 1], 2: [0, 1], 3: [1, 2]}
    pi, pj = pairs_of(reach)
    red = reduce_mclp(5, 3, pi, pj, np.array([1.0, 2.0, 3.0, 0.0, 9.0]), p=1)
    # point 3 weighs 0 and point 4 reaches nothing: site 2 covers no weight and sites 0
    # and 1 reach the same row (site 0 stays), so one site and one row (weight 6) are
    # left, folded into the site
    assert red.sites.tolist() == [0] and red.uncoverable == [4]
    assert red.rows.shape[0] == 0 and red.site_value.tolist() == [6.0]


def test_chosen_sites_are_padded_back_to_p():
    reach = {0: [0], 1: [0]}
    pi, pj = pairs_of(reach)
    res = mclp(2, 4, pi, pj, np.array([3.0, 4.0]), 3)
    assert res.chosen == [0, 1, 2] and res.objective == 7.0 and res.status == "optimal"


def test_negative_weights_are_refused():
    with pytest.raises(ValueError):
        reduce_mclp(1, 1, np.array([0]), np.array([0]), np.array([-1.0]), p=1)


def test_every_dropped_site_is_inside_a_kept_one():
    rng = np.random.default_rng(3)
    a = (rng.random((30, 12)) < 0.25).astype(np.int8)
    import scipy.sparse as sp

    rows = sp.csr_matrix(a)
    drop = dominated_sites(rows)
    kept = np.flatnonzero(~drop)
    for j in np.flatnonzero(drop):
        rj = set(np.flatnonzero(a[:, j]))
        assert any(rj <= set(np.flatnonzero(a[:, k])) for k in kept)


@st.composite
def instances(draw: st.DrawFn) -> tuple[int, int, dict[int, list[int]], list[float], int,
                                        tuple[int, ...]]:
    n = draw(st.integers(1, 9))
    m = draw(st.integers(1, 7))
    reach = {i: sorted(draw(st.sets(st.integers(0, m - 1), max_size=m))) for i in range(n)}
    w = [float(v) for v in draw(st.lists(st.integers(0, 9), min_size=n, max_size=n))]
    p = draw(st.integers(1, m))
    pinned = tuple(sorted(draw(st.sets(st.integers(0, m - 1), max_size=min(p, 2)))))
    return n, m, reach, w, p, pinned


@settings(max_examples=150, deadline=None)
@given(instances())
def test_the_reduced_optimum_is_the_whole_optimum(inst):
    n, m, reach, w, p, pinned = inst
    pi, pj = pairs_of(reach)
    expected = brute_force(n, m, reach, w, p, pinned)
    red = reduce_mclp(n, m, pi, pj, np.array(w), p, pinned)
    reduced_best = max(
        (red.value(np.array(c, dtype=np.int64))
         for c in combinations(range(len(red.sites)), red.k)
         if set(red.pinned.tolist()) <= set(c)), default=0.0)
    assert reduced_best == pytest.approx(expected)
    start = greedy(red)
    assert set(red.pinned.tolist()) <= set(start.tolist()) and len(start) <= red.k
    assert red.value(start) <= expected + 1e-9
    res = mclp(n, m, pi, pj, np.array(w), p, pinned=pinned)
    assert res.status == "optimal" and res.objective == pytest.approx(expected)
    assert len(res.chosen) == p and set(pinned) <= set(res.chosen)
    covered = sum(w[i] for i in range(n) if set(reach[i]) & set(res.chosen))
    assert covered == pytest.approx(expected) and res.covered_weight == pytest.approx(expected)


def test_a_greedy_choice_covering_everything_is_proven_without_the_solver():
    reach = {0: [0], 1: [1], 2: [0, 1], 3: [2]}
    pi, pj = pairs_of(reach)
    w = np.array([0.1, 0.2, 0.3, 0.7])  # sums that do not add up exactly in floats
    res = mclp(4, 3, pi, pj, w, 3)
    assert res.status == "optimal" and res.gap == 0.0 and res.solve_seconds == 0.0
    assert res.chosen == [0, 1, 2] and res.covered_weight == pytest.approx(1.3)


def test_more_pins_than_sites_to_choose_is_infeasible():
    pi, pj = pairs_of({0: [0], 1: [1]})
    res = mclp(2, 2, pi, pj, np.array([1.0, 1.0]), 1, pinned=[0, 1])
    assert res.status == "infeasible" and res.chosen == []
