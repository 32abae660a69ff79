"""Heavy work of a request in a process apart, with limits: checking an uploaded dataset,
recording a table of outcomes, verifying a draw, reading a large table.

The service process only waits (in a thread, never on the event loop) for the answer.
The process apart

- runs at the lowest priority (SCHED_IDLE where Linux offers it), so reads stay fast;
- has at most ``memory`` bytes of data (RLIMIT_DATA) and ``seconds`` of wall-clock time
  (then it is killed and :class:`TooHeavy` raised);
- never outlives the service (``PR_SET_PDEATHSIG`` and a parent watchdog, as job
  workers).

How many run at once is bounded too: :class:`Slots` hands out one slot per running
piece of heavy work, at most ``total`` at once and at most ``per_holder`` for one token
(or one role without tokens); a request over its share is answered 429 at once instead
of queueing behind the others.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tuoyu.api.service.settings import _env

#: memory a piece of work apart may take, and its wall-clock time (a value that is no
#: usable number is refused by its name: ``tuoyu serve`` checks them before it starts)
MEMORY = int(_env("TUOYU_CHECK_MEMORY_MB", "2048", float, 64) * 2**20)
SECONDS = _env("TUOYU_CHECK_SECONDS", "300", float, 1)


class TooHeavy(Exception):
    """The work apart passed its memory or time limit (``kind``: "memory" | "time")."""

    def __init__(self, kind: str, limit: float):
        self.kind = kind
        self.limit = limit
        super().__init__(f"{kind} limit {limit}")


class Busy(Exception):
    """No slot is free for this holder (or at all): answer 429."""


def _out_of_memory(exc: BaseException) -> bool:
    """A library that could not load or allocate under the memory limit."""
    text = str(exc)
    return isinstance(exc, OSError | ImportError) and (
        "Cannot allocate memory" in text or "failed to map segment" in text)


def _child(conn: Any, parent: int, memory: int, fn: Callable[..., Any],
           args: tuple[Any, ...]) -> None:
    from tuoyu.api.service.proc import end_with_parent, yield_to_the_service

    end_with_parent(parent)
    yield_to_the_service()
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    except (ImportError, ValueError, OSError):
        pass
    try:
        conn.send(("ok", fn(*args)))
    except (MemoryError, SystemError):  # SystemError: a C extension out of memory
        conn.send(("memory", None))
    except BaseException as exc:  # noqa: BLE001 - handed to the service to re-raise
        if _out_of_memory(exc):
            conn.send(("memory", None))
            return
        try:
            conn.send(("raised", exc))
        except Exception:  # an exception that does not pickle
            conn.send(("raised", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        conn.close()


def run_apart(fn: Callable[..., Any], *args: Any, memory: int = MEMORY,
              seconds: float = SECONDS) -> Any:
    """``fn(*args)`` in a process apart (``fn`` importable, arguments picklable); its
    result, or its exception re-raised here; :class:`TooHeavy` past a limit."""
    from tuoyu.api.service.proc import start

    here, there = multiprocessing.Pipe(duplex=False)
    proc = start(_child, (there, os.getpid(), memory, fn, args), name="tuoyu-apart")
    there.close()
    try:
        if not here.poll(seconds):
            raise TooHeavy("time", seconds)
        try:
            kind, value = here.recv()
        except (EOFError, OSError):  # died: killed for its memory, or by a signal
            raise TooHeavy("memory", memory) from None
    finally:
        here.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
    if kind == "ok":
        return value
    if kind == "memory":
        raise TooHeavy("memory", memory)
    raise value


class Slots:
    """At most ``total`` pieces of heavy work at once, ``per_holder`` of them one
    holder's (a token id, or a role in open mode), and at most ``role_caps[role]`` of
    one role's: viewers together leave a slot free for those who change plans (eight
    viewers verifying in loops must not refuse a planner's upload)."""

    def __init__(self, total: int, per_holder: int, role_caps: dict[str, int] | None = None):
        self.total = max(1, total)
        self.per_holder = max(1, per_holder)
        self.role_caps = dict(role_caps if role_caps is not None
                              else {"viewer": max(1, self.total - 1)})
        self._lock = threading.Lock()
        self._held: Counter[str] = Counter()
        self._roles: Counter[str] = Counter()

    @contextmanager
    def take(self, holder: str, role: str = "") -> Iterator[None]:
        with self._lock:
            if (sum(self._held.values()) >= self.total
                    or self._held[holder] >= self.per_holder
                    or self._roles[role] >= self.role_caps.get(role, self.total)):
                raise Busy
            self._held[holder] += 1
            self._roles[role] += 1
        try:
            yield
        finally:
            with self._lock:
                self._held[holder] -= 1
                self._roles[role] -= 1
                self._held += Counter()  # drop the zeros
                self._roles += Counter()
