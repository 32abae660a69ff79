"""HiGHS's thread pool, one per process, shared by every planner that solves with HiGHS.

HiGHS refuses at once (a run error, no solution) a model asking for a thread count other
than the pool's. A planner that sets ``threads`` (the siting MIP, the roster's pair
relaxation) asks for its count here: the pool is reset when the count changes, and the
first time, because another HiGHS model of this process (the calendar's bound and
topics, which leave ``threads`` at its default) may have started it with its own. A plan
then never depends on which planners ran before it in the same process (``tuoyu all``,
``tuoyu city``'s workers, a test process).
"""

from __future__ import annotations

import os

_THREADS: int | None = None


def highs_threads(workers: int) -> int:
    """The thread count to give HiGHS (at most the cores there are), the pool made ready
    for it."""
    import highspy

    global _THREADS
    n = max(1, min(int(workers), os.cpu_count() or 1))
    if n != _THREADS:
        highspy.Highs.resetGlobalScheduler(True)
    _THREADS = n
    return n
