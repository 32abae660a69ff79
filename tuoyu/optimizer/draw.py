"""Seeded, auditable randomness for the double-random draw (双随机).

Every random number is a SHA-256 hash of the seed and of what it is for, so a draw can be
recomputed by anyone, on any machine, with any library versions: no RNG state, no float
arithmetic. Weighted sampling without replacement uses the integer form of
Efraimidis–Spirakis: an item of integer weight ``w`` gets the key ``max`` of ``w``
independent hashed uniforms (distributed like ``u ** (1 / w)``), and the ``k`` largest
keys are drawn.
"""

from __future__ import annotations

import hashlib


def hashed_int(seed: int, *parts: object, bits: int = 64) -> int:
    """A uniform integer in ``[0, 2**bits)`` determined by the seed and the parts."""
    text = "|".join([str(seed), *map(str, parts)])
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - bits)


def draw_key(seed: int, purpose: str, item: str, weight: int) -> int:
    """The sampling key of ``item``: larger keys are drawn first."""
    if weight < 1:
        raise ValueError("weights are positive integers")
    return max(hashed_int(seed, purpose, item, j) for j in range(weight))


def priority(seed: int, purpose: str, *parts: object, spread: int = 1 << 16) -> int:
    """A random integer priority in ``[1, spread]`` for a solver's tie-breaking objective."""
    return 1 + hashed_int(seed, purpose, *parts) % spread
