"""What every process apart from the service does first, kept light: a job's worker and
a piece of heavy work of a request (:mod:`tuoyu.api.service.apart`) import it before
anything else, so that a process reading a table or checking an upload does not pay for
the planners' imports (about a CPU-second each) it does not need."""

from __future__ import annotations

import contextlib
import os
import threading
import time


def end_with_parent(parent_pid: int | None) -> None:
    """A worker never outlives its service: the kernel kills it when the parent dies
    (Linux ``PR_SET_PDEATHSIG``), and a watchdog thread checks the parent anyway (other
    systems, or a parent that died before the setting took)."""
    if not parent_pid:
        return
    import ctypes
    import os
    import signal
    import sys

    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(3)
            time.sleep(0.5)

    threading.Thread(target=watch, name="tuoyu-parent-watch", daemon=True).start()
    if os.getppid() != parent_pid:
        os._exit(3)


#: ``TUOYU_WORKER_PRIORITY``: ``idle`` (the default) or ``normal`` (a machine that only
#: solves, or a test run whose other processes would starve idle workers)
PRIORITY_SETTING = "TUOYU_WORKER_PRIORITY"


def yield_to_the_service(pid: int = 0) -> None:
    """Solve only with the time the service does not want: the worker (and the solver
    threads it starts, which inherit this; ``pid`` 0: this process) runs under
    SCHED_IDLE where Linux offers it, else at the lowest priority, so that reads stay
    fast while plans are made; unless ``TUOYU_WORKER_PRIORITY=normal``. A plan does not
    depend on it: the solvers' results do not depend on how fast they run."""
    if os.environ.get(PRIORITY_SETTING, "idle").strip().lower() == "normal":
        return
    try:
        os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, pid, 19)
