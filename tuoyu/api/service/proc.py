"""How the service starts its processes apart, and what each does first, kept light: a
job's worker and a piece of heavy work of a request (:mod:`tuoyu.api.service.apart`)
import it before anything else.

On Linux the processes are forked from multiprocessing's *forkserver*, which imports the
worker's and the checks' modules once (:data:`PRELOAD`): a job or a table read no longer
imports pandas, SQLAlchemy and the planners anew (about 1.5 CPU-seconds a process with
'spawn'). A forked process gets the service's environment as it is when the process is
started (:func:`start`), as a spawned one did: the forkserver's own is the one of its
start. The modules preloaded read no setting at import that a process apart uses (the
limits of ``apart`` and ``datasets`` are the service's, passed as arguments).
Elsewhere the processes are spawned as before."""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any

#: what a job's worker and the work apart import, once, in the forkserver
PRELOAD = ("tuoyu.api.service.worker", "tuoyu.api.service.heavy", "tuoyu.api.service.datasets")

_context: BaseContext | None = None


def context() -> BaseContext:
    """The start method of every process apart and job worker: the forkserver with the
    service's modules preloaded on Linux, else 'spawn'."""
    global _context
    if _context is None:
        if sys.platform.startswith("linux"):
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(list(PRELOAD))
            atexit.register(_stop_forkserver)
            _context = ctx
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


def _stop_forkserver() -> None:
    """The service ending (or a test process) reaps its forkserver, which ends once the
    service's end of its pipe closes: no orphan left behind, and the forkserver's
    children's CPU time is counted where the service's is (``/usr/bin/time``)."""
    from multiprocessing import forkserver

    with contextlib.suppress(Exception):
        forkserver._forkserver._stop()  # type: ignore[attr-defined]


def start(target: Callable[..., Any], args: tuple[Any, ...], name: str) -> BaseProcess:
    """``target(*args)`` in a daemonic process of :func:`context`, under the environment
    this process has now (``TUOYU_*`` settings may change while the service runs)."""
    proc = context().Process(target=_in_environment, args=(dict(os.environ), target, args),
                             name=name, daemon=True)
    proc.start()
    return proc


def _in_environment(env: dict[str, str], target: Callable[..., Any],
                    args: tuple[Any, ...]) -> None:
    _let_the_forkserver_end()
    if dict(os.environ) != env:
        os.environ.clear()
        os.environ.update(env)
        with contextlib.suppress(AttributeError):
            time.tzset()
    target(*args)


def _let_the_forkserver_end() -> None:
    """A forked process holds the service's end of the pipe that keeps the forkserver
    alive (so that it could ask the forkserver for processes itself); closed, the
    forkserver ends when the service does, and with it (``PR_SET_PDEATHSIG``) this
    process, instead of living on while this process does."""
    from multiprocessing import forkserver

    server = forkserver._forkserver  # type: ignore[attr-defined]
    fd = getattr(server, "_forkserver_alive_fd", None)
    if fd is not None and getattr(server, "_forkserver_pid", None) is None:
        with contextlib.suppress(OSError):
            os.close(fd)
        server._forkserver_alive_fd = None


def _parent_of(pid: int) -> int | None:
    """The parent process of ``pid`` (Linux's /proc), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def end_with_parent(parent_pid: int | None) -> None:
    """A worker never outlives its service: the kernel kills it when its parent dies
    (Linux ``PR_SET_PDEATHSIG``), and a watchdog thread checks the parent anyway (other
    systems, or a parent that died before the setting took). The parent is the service
    (``parent_pid``) or the service's forkserver (:func:`context`), which ends when the
    service does."""
    if not parent_pid:
        return
    import ctypes
    import signal

    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)
    parent = os.getppid()
    if parent != parent_pid and _parent_of(parent) != parent_pid:
        os._exit(3)  # the service is gone already

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(3)
            time.sleep(0.5)

    threading.Thread(target=watch, name="tuoyu-parent-watch", daemon=True).start()
    if os.getppid() != parent:
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
