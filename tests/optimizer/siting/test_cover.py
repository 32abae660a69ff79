"""MCLP and LSCP at their optimum on small random instances: equal to every subset of
sites tried by enumeration (an oracle that shares nothing with the model), and, in the
marked suite, to pysal/spopt's optimum with CBC (spopt is the siting benchmarks' peer,
installed with the ``bench`` extra)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tuoyu.optimizer.siting import lscp, mclp

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def instance(seed: int, n: int = 40, m: int = 12, side: float = 3000.0):
    rng = np.random.default_rng(seed)
    d = rng.uniform(0, side, size=(n, 2))
    s = rng.uniform(0, side, size=(m, 2))
    cost = np.hypot(d[:, None, 0] - s[None, :, 0], d[:, None, 1] - s[None, :, 1])
    weights = rng.integers(1, 60, size=n).astype(float)
    return cost, weights


def pairs(cost: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    i, j = np.nonzero(cost <= radius)
    return i.astype(np.int64), j.astype(np.int64)


def best_coverage(cost: np.ndarray, w: np.ndarray, radius: float, p: int) -> float:
    """The most demand ``p`` sites cover, every ``p``-subset of the sites tried."""
    reach = cost <= radius
    return max(float(w[reach[:, list(s)].any(axis=1)].sum())
               for s in itertools.combinations(range(cost.shape[1]), p))


def fewest_covering(cost: np.ndarray, radius: float) -> int:
    """The fewest sites that cover every demand point, subsets tried by size."""
    reach = cost <= radius
    for k in range(1, cost.shape[1] + 1):
        if any(reach[:, list(s)].any(axis=1).all()
               for s in itertools.combinations(range(cost.shape[1]), k)):
            return k
    raise AssertionError("no set of sites covers every point")


def lscp_instance(seed: int) -> tuple[np.ndarray, float]:
    cost, _w = instance(seed, n=30, m=15)
    radius = float(np.max(np.min(cost, axis=1))) + 1.0  # every client coverable
    return cost, max(radius, 900.0)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("p", [1, 3, 5])
def test_mclp_covers_what_the_best_set_of_sites_covers(seed: int, p: int):
    cost, w = instance(seed)
    i, j = pairs(cost, 800.0)
    ours = mclp(cost.shape[0], cost.shape[1], i, j, w, p)
    assert ours.status == "optimal" and ours.gap == 0.0
    assert ours.objective == pytest.approx(best_coverage(cost, w, 800.0, p))
    assert ours.covered_weight == pytest.approx(ours.objective)
    assert len(ours.chosen) == p
    reach = cost <= 800.0  # the sites chosen cover what it says
    assert float(w[reach[:, sorted(ours.chosen)].any(axis=1)].sum()) == pytest.approx(
        ours.covered_weight)


@pytest.mark.parametrize("seed", range(6))
def test_lscp_opens_the_fewest_sites_that_cover_every_point(seed: int):
    cost, radius = lscp_instance(seed)
    i, j = pairs(cost, radius)
    ours = lscp(cost.shape[0], cost.shape[1], i, j)
    assert ours.status == "optimal" and ours.gap == 0.0
    assert ours.objective == fewest_covering(cost, radius) == len(ours.chosen)
    chosen = set(ours.chosen)
    assert all(chosen & set(j[i == k].tolist()) for k in range(cost.shape[0]))


def test_merging_rows_keeps_the_optimum():
    cost, w = instance(7, n=200, m=10)
    i, j = pairs(cost, 1000.0)
    res = mclp(200, 10, i, j, w, 3)
    assert res.rows < 200  # points reaching the same sites are merged
    assert res.objective == pytest.approx(best_coverage(cost, w, 1000.0, 3))


def _spopt_optimum(model) -> float:  # noqa: ANN001
    import pulp

    model.solve(pulp.PULP_CBC_CMD(msg=False))
    return float(pulp.value(model.problem.objective))


@pytest.mark.heavy  # spopt: pip install -e '.[bench]' (.ci/run does)
@pytest.mark.parametrize("seed", range(6))
def test_mclp_and_lscp_equal_spopt(seed: int):
    from spopt.locate.coverage import LSCP, MCLP

    cost, w = instance(seed)
    for p in (1, 3, 5):
        i, j = pairs(cost, 800.0)
        ours = mclp(cost.shape[0], cost.shape[1], i, j, w, p)
        ref = MCLP.from_cost_matrix(cost, w, 800.0, p_facilities=p)
        assert ours.objective == pytest.approx(_spopt_optimum(ref))
    cost, radius = lscp_instance(seed)
    i, j = pairs(cost, radius)
    ours = lscp(cost.shape[0], cost.shape[1], i, j)
    assert ours.objective == pytest.approx(_spopt_optimum(LSCP.from_cost_matrix(cost, radius)))
