"""Exact reductions of the maximal covering problem (MCLP), and a greedy start.

The MCLP: demand points ``i`` with weight ``w_i >= 0``, sites ``j``, the pairs ``(i, j)``
within reach; choose exactly ``p`` sites (the ``pinned`` ones among them) to maximise the
weight of the points within reach of a chosen site. :func:`reduce_mclp` shrinks it in three
steps, each of which keeps the optimum value exactly:

1. **Rows.** Points of weight 0 are left out (they add nothing whatever is chosen), and
   points that reach the same set of sites are merged into one row with the sum of their
   weights (a point is covered exactly when its row is, so every choice of sites covers the
   same weight before and after).

2. **Dominated sites.** Let ``R(j)`` be the rows site ``j`` reaches. Site ``j`` is
   *dominated* by ``k`` when ``R(j) ⊆ R(k)`` and either the inclusion is strict or the sets
   are equal and ``k < j`` (so of several sites reaching the same rows exactly one, the
   lowest index, stays: "dominated by" is then a strict partial order). A dominated site
   that is not pinned is dropped. Why the optimum is kept: every dropped site ``j`` has a
   kept site ``d(j)`` with ``R(j) ⊆ R(d(j))`` (follow dominators upwards; the order is
   strict and finite, and inclusion is transitive). Take an optimal choice ``S`` of the
   whole problem and replace each dropped ``j ∈ S`` by ``d(j)``: the rows reached can only
   grow, pinned sites are never dropped so they stay, and the new set has at most ``p``
   sites, all kept; adding kept sites up to exactly ``k = min(p, kept)`` never covers
   less. So the reduced problem with exactly ``k`` sites reaches the whole problem's
   optimum. Conversely a reduced solution is a solution of the whole
   problem once padded to exactly ``p`` sites with dropped ones (:meth:`Reduction.pad`),
   and padding never lowers the weight covered (weights are >= 0). Both optima are equal.

3. **Rows again.** With sites dropped, two rows may now reach the same kept sites; they
   are merged as in step 1. No row loses all its sites: a dropped site's rows are all
   reached by its kept dominator.

A row that reaches a single kept site ``j`` needs no variable of its own: it is covered
exactly when ``j`` is chosen, so its weight is added to ``j``'s value (:attr:`site_value`).

The greedy start (:func:`greedy`) takes the pinned sites, then repeatedly the site adding
the most weight (lowest index on ties), until ``p`` sites: a feasible solution whose value
is a lower bound. When it covers every coverable row it is optimal (nothing covers more),
and no solver is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class Reduction:
    """A reduced MCLP: ``rows`` (merged demand rows × kept sites, 0/1, CSR, only rows
    reaching two or more kept sites), their ``weights``, the weight each kept site covers
    alone (``site_value``: rows reaching that site only), the original index of each kept
    site (``sites``, ascending), the points reaching no site (``uncoverable``), the number
    of chosen sites ``k`` in the reduced problem (``min(p, kept)``), and the pinned sites
    as kept indices."""

    rows: sp.csr_matrix
    weights: np.ndarray
    site_value: np.ndarray
    sites: np.ndarray
    uncoverable: list[int]
    points: int
    merged_rows: int  # rows after merging (steps 1 and 3), single-site rows included
    n_sites: int
    p: int
    k: int
    pinned: np.ndarray

    @property
    def coverable(self) -> float:
        """The weight within reach of some site: no choice covers more."""
        return float(self.weights.sum() + self.site_value.sum())

    def value(self, chosen: np.ndarray) -> float:
        """The weight covered by the kept sites ``chosen`` (kept indices)."""
        x = np.zeros(len(self.sites), dtype=bool)
        x[np.asarray(chosen, dtype=np.int64)] = True
        hit = (self.rows @ x.astype(np.int32)) > 0
        return float(self.weights[hit].sum() + self.site_value[x].sum())

    def pad(self, chosen: Sequence[int] | np.ndarray) -> list[int]:
        """The original indices of ``chosen`` (kept indices), padded to exactly
        ``min(p, n_sites)`` sites with the lowest-numbered sites not chosen."""
        out = sorted(int(self.sites[c]) for c in chosen)
        want = min(self.p, self.n_sites)
        if len(out) < want:
            taken = set(out)
            extra = [j for j in range(self.n_sites) if j not in taken][: want - len(out)]
            out = sorted(out + extra)
        return out


def _merge(matrix: sp.csr_matrix, weights: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """Merge rows with the same column set, summing weights (first appearance order)."""
    matrix = matrix.tocsr()
    matrix.sort_indices()
    index: dict[bytes, int] = {}
    owner = np.empty(matrix.shape[0], dtype=np.int64)
    ptr, idx = matrix.indptr, matrix.indices
    for r in range(matrix.shape[0]):
        key = idx[ptr[r]:ptr[r + 1]].tobytes()
        owner[r] = index.setdefault(key, len(index))
    first = np.full(len(index), -1, dtype=np.int64)
    for r in range(len(owner) - 1, -1, -1):
        first[owner[r]] = r
    merged = np.zeros(len(index))
    np.add.at(merged, owner, weights)
    out = matrix[first]
    out.data[:] = 1
    return out.tocsr(), merged


def dominated_sites(rows: sp.csr_matrix) -> np.ndarray:
    """Mask of the sites (columns) dominated by another (see the module docstring):
    ``R(j) ⊆ R(k)``, strictly or with ``k < j``; sites reaching no row are dominated too."""
    a = rows.tocsc().astype(np.int32)
    a.data[:] = 1
    size = np.asarray(a.sum(axis=0)).ravel()
    overlap = (a.T @ a).tocoo()  # |R(j) ∩ R(k)|
    j, k, c = overlap.row, overlap.col, overlap.data
    dom = (j != k) & (c == size[j]) & ((size[k] > size[j]) | (k < j))
    out = np.zeros(rows.shape[1], dtype=bool)
    out[j[dom]] = True
    out[size == 0] = True
    return out


def reduce_mclp(n_points: int, n_sites: int, pi: np.ndarray, pj: np.ndarray,
                weights: np.ndarray, p: int, pinned: Sequence[int] = ()) -> Reduction:
    """The reduced MCLP (see the module docstring for why its optimum is the whole one's).

    Weights must be >= 0 (a covering weight); ``pinned`` sites are kept whatever."""
    weights = np.asarray(weights, dtype=float)
    if len(weights) and weights.min() < 0:
        raise ValueError("MCLP weights must be >= 0")
    pi, pj = np.asarray(pi, dtype=np.int64), np.asarray(pj, dtype=np.int64)
    a = sp.csr_matrix((np.ones(len(pi), dtype=np.int8), (pi, pj)), shape=(n_points, n_sites))
    reach = np.diff(a.indptr)
    uncoverable = [int(i) for i in np.flatnonzero(reach == 0)]
    live = np.flatnonzero((reach > 0) & (weights > 0))
    rows, w = _merge(a[live], weights[live])
    merged_rows = rows.shape[0]
    drop = dominated_sites(rows)
    pins = np.array(sorted(set(int(j) for j in pinned)), dtype=np.int64)
    drop[pins] = False
    sites = np.flatnonzero(~drop)
    rows = rows[:, sites].tocsr()
    if drop.any():
        rows, w = _merge(rows, w)
        merged_rows = rows.shape[0]
    count = np.diff(rows.indptr)
    single = count == 1
    site_value = np.zeros(len(sites))
    np.add.at(site_value, rows.indices[rows.indptr[:-1][single]], w[single])
    multi = np.flatnonzero(~single)
    local_pins = np.searchsorted(sites, pins)
    return Reduction(rows[multi].tocsr(), w[multi], site_value, sites, uncoverable, n_points,
                     merged_rows, n_sites, p, min(p, len(sites)), local_pins)


def greedy(red: Reduction) -> np.ndarray:
    """Pinned sites, then the site adding the most weight (lowest index on ties) until
    ``k`` sites or nothing is left to gain: kept indices, ascending. Lazy evaluation
    (gains only fall as sites are chosen), so each step looks at few sites."""
    import heapq

    cols = red.rows.tocsc()
    covered = np.zeros(red.rows.shape[0], dtype=bool)
    chosen: list[int] = []

    def gain(j: int) -> float:
        r = cols.indices[cols.indptr[j]:cols.indptr[j + 1]]
        return float(red.weights[r[~covered[r]]].sum() + red.site_value[j])

    def take(j: int) -> None:
        chosen.append(j)
        covered[cols.indices[cols.indptr[j]:cols.indptr[j + 1]]] = True

    for j in red.pinned.tolist():
        take(int(j))
    taken = set(chosen)
    heap = [(-gain(j), j) for j in range(len(red.sites)) if j not in taken]
    heapq.heapify(heap)
    while len(chosen) < red.k and heap:
        neg, j = heapq.heappop(heap)
        g = gain(j)
        if g < -neg - 1e-12:  # stale: push back with the current gain
            heapq.heappush(heap, (-g, j))
            continue
        if g <= 0:
            break
        take(j)
    return np.array(sorted(chosen), dtype=np.int64)
