"""HiGHS's thread pool, one per process, shared by every planner that solves with HiGHS.

HiGHS refuses at once (a run error, no solution) a model asking for a thread count other
than the pool's. A planner that sets ``threads`` (the siting MIP, the roster's pair
relaxation) asks for its count here: the pool is reset when the count changes, and the
first time, because another HiGHS model of this process (the calendar's bound and
topics, which leave ``threads`` at its default) may have started it with its own. A plan
then never depends on which planners ran before it in the same process (``tuoyu all``,
``tuoyu city``'s workers, a test process).

Resetting the pool while another thread of the process solves with it would pull the
pool from under that solve (a Dask worker with several threads, ``tuoyu city`` with a
threads-only cluster). So every HiGHS run of the package goes through :func:`highs_run`,
which holds one lock for the reset and the run: within a process, HiGHS solves one model
at a time (each may use the pool's threads); separate processes are not limited.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

_THREADS: int | None = None
_LOCK = threading.RLock()


def highs_threads(workers: int) -> int:
    """The thread count to give HiGHS (at most the cores there are), the pool made ready
    for it. Call it only while holding the lock (inside :func:`highs_run`)."""
    import highspy

    global _THREADS
    n = max(1, min(int(workers), os.cpu_count() or 1))
    if n != _THREADS:
        highspy.Highs.resetGlobalScheduler(True)
    _THREADS = n
    return n


def highs_run(h: Any, workers: int | None = None) -> Any:
    """``h.run()`` with the process's HiGHS to itself; ``workers``: the thread count the
    model asks for (the pool reset to it if needed), None to leave ``threads`` at the
    model's own option (the default: the pool as it is)."""
    with _LOCK:
        if workers is not None:
            h.setOptionValue("threads", highs_threads(workers))
        return h.run()


_BANNER_SHOWN = False


def new_highs() -> Any:
    """A HiGHS instance. HiGHS prints its copyright banner ("Running HiGHS …", English)
    on stdout when the process makes its first instance, whatever ``output_flag``: the
    first is made with stdout pointed at /dev/null, so a planner's command line shows its
    own words only (the roster's relaxation made the first in ``tuoyu roster`` and
    ``tuoyu all``)."""
    global _BANNER_SHOWN
    import highspy

    with _LOCK:
        if _BANNER_SHOWN:
            return highspy.Highs()
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SHOWN = True
        return h
