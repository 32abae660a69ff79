"""MCLP and LSCP equal pysal/spopt's optimum on the same small instances."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

pulp = pytest.importorskip("pulp")

from tuoyu.optimizer.siting import lscp, mclp  # noqa: E402


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


@pytest.fixture(scope="module")
def spopt_coverage():
    """spopt, imported by the tests that use it: its import (2.3 CPU-s beside the
    libraries the suite loads anyway) is not paid by a pytest-xdist worker that only
    collects this module."""
    return pytest.importorskip("spopt.locate.coverage")


def cbc():
    return pulp.PULP_CBC_CMD(msg=False)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("p", [1, 3, 5])
def test_mclp_equals_spopt(seed: int, p: int, spopt_coverage):
    cost, w = instance(seed)
    radius = 800.0
    ref = spopt_coverage.MCLP.from_cost_matrix(cost, w, radius, p_facilities=p)
    ref.solve(cbc())
    expected = pulp.value(ref.problem.objective)
    i, j = pairs(cost, radius)
    ours = mclp(cost.shape[0], cost.shape[1], i, j, w, p)
    assert ours.status == "optimal" and ours.gap == 0.0
    assert ours.objective == pytest.approx(expected)
    assert ours.covered_weight == pytest.approx(expected)
    assert len(ours.chosen) == p


@pytest.mark.parametrize("seed", range(6))
def test_lscp_equals_spopt(seed: int, spopt_coverage):
    cost, _w = instance(seed, n=30, m=15)
    radius = float(np.max(np.min(cost, axis=1))) + 1.0  # every client coverable
    radius = max(radius, 900.0)
    ref = spopt_coverage.LSCP.from_cost_matrix(cost, radius)
    ref.solve(cbc())
    expected = pulp.value(ref.problem.objective)
    i, j = pairs(cost, radius)
    ours = lscp(cost.shape[0], cost.shape[1], i, j)
    assert ours.status == "optimal" and ours.gap == 0.0
    assert ours.objective == pytest.approx(expected)
    chosen = set(ours.chosen)
    assert all(chosen & set(j[i == k].tolist()) for k in range(cost.shape[0]))


def test_merging_rows_keeps_the_optimum(spopt_coverage):
    cost, w = instance(7, n=200, m=10)
    i, j = pairs(cost, 1000.0)
    res = mclp(200, 10, i, j, w, 3)
    assert res.rows < 200  # points reaching the same sites are merged
    ref = spopt_coverage.MCLP.from_cost_matrix(cost, w, 1000.0, p_facilities=3)
    ref.solve(cbc())
    assert res.objective == pytest.approx(pulp.value(ref.problem.objective))
