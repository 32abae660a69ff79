"""A Lagrangian bound, better starts and exact fixing for the reduced MCLP
(:class:`tuoyu.optimizer.siting.reduce.Reduction`), before any MIP is solved.

The reduced MCLP: rows ``r`` of weight ``w_r`` (each reaching two or more kept sites),
sites ``j`` covering ``v_j`` alone (their single-site rows), choose exactly ``k`` sites
(the pinned among them)::

    max  Σ_r w_r y_r + Σ_j v_j x_j   s.t.  y_r <= Σ_{j∈r} x_j,  Σ_j x_j = k,  x, y ∈ {0,1}.

**The bound.** Relaxing each ``y_r <= Σ_{j∈r} x_j`` with a multiplier ``λ_r ∈ [0, w_r]``::

    L(λ) = Σ_r max(0, w_r - λ_r)  +  (the k largest c_j, pinned sites first),
    c_j  = v_j + Σ_{r∋j} λ_r.

For every such ``λ``, ``L(λ)`` is at least the value of every choice of sites (each
relaxed term is >= 0 at a feasible point, and the relaxed problem is solved exactly by
taking the k largest ``c_j``), so the least ``L(λ)`` found is an upper bound. It is
minimised by subgradient steps (a fixed number, no clock: the same bound whatever the
machine's load). Its best value equals the LP relaxation's, which on many covering
instances is the optimum.

**Better starts.** Each step's k sites are a choice of sites too; the best of them, and a
1-swap local search (:func:`swap_search`) from the greedy start, give the lower bound.
When the lower bound meets the upper bound (to the proof tolerance of the MIP), the choice
is proven optimal and no MIP is solved.

**Fixing.** With the bound's ``λ``, forcing a site ``j`` outside the k largest into the
choice gives the bound ``L - c_(k) + c_j`` (``c_(k)`` the least non-pinned ``c`` taken);
forcing a chosen, non-pinned ``j`` out gives ``L - c_j + c_(k+1)``. When that is below the
best choice known, no choice with ``x_j`` forced that way is as good as it, so every optimum
has ``x_j`` the other way: the MIP is given those columns fixed (the same optimum, a
smaller search). A strict margin keeps float rounding on the safe side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tuoyu.optimizer.siting.reduce import Reduction

#: subgradient steps (fixed, so the bound does not depend on the machine's speed or load)
STEPS = 800
#: halve the step after this many steps without a better bound
PATIENCE = 20
#: 1-swap moves at most (each strictly improves the weight covered)
MAX_SWAPS = 2_000


@dataclass(frozen=True)
class LagrangeResult:
    """The best choice found (kept indices, ascending) and its weight (a lower bound), the
    least Lagrangian bound (an upper bound) and the multipliers that gave it."""

    chosen: np.ndarray
    lower: float
    upper: float
    multipliers: np.ndarray


def _top_k(c: np.ndarray, k: int, pinned: np.ndarray) -> np.ndarray:
    """The pinned sites, then the largest ``c`` (lowest index on ties): ``k`` sites."""
    key = c.copy()
    key[pinned] = np.inf
    return np.argsort(-key, kind="stable")[:k]


def lagrangian_bound(red: Reduction, start: np.ndarray, steps: int = STEPS) -> LagrangeResult:
    """Subgradient minimisation of ``L(λ)`` from ``λ = w/2``, keeping the best choice of
    sites met on the way (starting from ``start``) as the lower bound."""
    a = red.rows.tocsr().astype(np.float64)
    at = a.T.tocsr()
    w, v, k = red.weights, red.site_value, red.k
    best_set = np.sort(np.asarray(start, dtype=np.int64))
    lower = red.value(best_set)
    lam = w * 0.5
    upper, best_lam = min(np.inf, red.coverable), lam.copy()
    scale, stall = 2.0, 0
    integral = bool(np.all(w == np.round(w)) and np.all(v == np.round(v)))
    for _ in range(steps):
        c = v + at @ lam
        taken = _top_k(c, k, red.pinned)
        value = red.value(taken)
        if value > lower:
            lower, best_set = value, np.sort(taken)
        bound = float(np.maximum(0.0, w - lam).sum() + c[taken].sum())
        if bound < upper - 1e-12 * max(1.0, upper):
            upper, best_lam, stall = bound, lam.copy(), 0
        else:
            stall += 1
            if stall > PATIENCE:
                scale, stall = scale / 2, 0
        if proven(lower, _rounded(upper, integral)):
            break
        x = np.zeros(len(v))
        x[taken] = 1.0
        g = a @ x - (w > lam)
        norm = float(g @ g)
        if norm == 0.0:  # the relaxed choice keeps every relaxed row: L(λ) is the optimum
            break
        lam = np.clip(lam - scale * (bound - lower) / norm * g, 0.0, w)
    return LagrangeResult(best_set, lower, _rounded(min(upper, red.coverable), integral),
                          best_lam)


def _rounded(upper: float, integral: bool) -> float:
    """With whole weights every choice covers a whole number: the bound rounds down (a
    hair of float noise, relative 1e-9, allowed)."""
    if not integral or not np.isfinite(upper):
        return upper
    return float(np.floor(upper + 1e-9 * max(1.0, abs(upper))))


def proven(lower: float, upper: float, relative_gap: float = 0.0) -> bool:
    """The lower bound meets the upper bound: exactly, up to float noise (relative
    1e-9), or within the ``relative_gap`` the planner allowed."""
    return upper - lower <= max(relative_gap, 1e-9) * max(1.0, abs(upper))


def fixed_sites(red: Reduction, multipliers: np.ndarray,
                lower: float) -> tuple[np.ndarray, np.ndarray]:
    """Masks over the kept sites: those no optimum chooses, and those every optimum
    chooses (see the module docstring); pinned sites are never in either."""
    at = red.rows.tocsr().T.tocsr()
    c = red.site_value + at @ multipliers
    m, k = len(c), red.k
    pinned = np.zeros(m, dtype=bool)
    pinned[red.pinned] = True
    taken = _top_k(c, k, red.pinned)
    inside = np.zeros(m, dtype=bool)
    inside[taken] = True
    bound = float(np.maximum(0.0, red.weights - multipliers).sum() + c[taken].sum())
    margin = 1e-7 * max(1.0, abs(lower))
    free_taken = taken[~pinned[taken]]
    least_in = float(c[free_taken].min()) if len(free_taken) else np.inf
    most_out = float(c[~inside].max()) if (~inside).any() else -np.inf
    never = ~inside & (bound - least_in + c < lower - margin)
    always = inside & ~pinned & (bound - c + most_out < lower - margin)
    return never, always


def swap_search(red: Reduction, start: np.ndarray, max_swaps: int = MAX_SWAPS) -> np.ndarray:
    """1-swap local search from ``start`` (kept indices): take a site not chosen, in order
    of the weight it would add, and swap it with the chosen, non-pinned site whose swap
    gains the most, when that gain is positive; repeat until no swap gains (or
    ``max_swaps``). Exact gains from each row's count of chosen sites and, for rows
    covered once, which site covers them."""
    rows, cols = red.rows.tocsr(), red.rows.tocsc()
    w, v = red.weights, red.site_value
    m = len(v)
    pinned = np.zeros(m, dtype=bool)
    pinned[red.pinned] = True
    chosen = np.zeros(m, dtype=bool)
    chosen[np.asarray(start, dtype=np.int64)] = True
    count = rows @ chosen.astype(np.int64)
    coverer = rows @ (chosen * np.arange(m, dtype=np.int64))  # the site, where count == 1
    tol = 1e-9 * max(1.0, float(w.sum() + v.sum()))

    def reach(j: int) -> np.ndarray:
        return cols.indices[cols.indptr[j]:cols.indptr[j + 1]]

    for _ in range(max_swaps):
        once = np.flatnonzero(count == 1)
        loss = v * chosen
        np.add.at(loss, coverer[once], w[once])
        gain = v + cols.T @ (w * (count == 0))
        movable = chosen & ~pinned
        swap = None
        for b in np.argsort(-gain, kind="stable"):
            if chosen[b]:
                continue
            rb = reach(int(b))
            shared = rb[count[rb] == 1]
            delta = gain[b] - loss + np.bincount(coverer[shared], weights=w[shared],
                                                 minlength=m)
            delta[~movable] = -np.inf
            out = int(np.argmax(delta))
            if delta[out] > tol:
                swap = (out, int(b))
                break
        if swap is None:
            break
        out, into = swap
        ra, rb = reach(out), reach(into)
        count[ra] -= 1
        coverer[ra] -= out
        count[rb] += 1
        coverer[rb] += into
        chosen[out], chosen[into] = False, True
    return np.flatnonzero(chosen)
