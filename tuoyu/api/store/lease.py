"""A store-wide lease held for the life of a process: the service's job dispatcher takes
one so that exactly one process dispatches the jobs of a store at any time (a second
``tuoyu serve`` on the same store serves the API and queues jobs, and takes over once the
first has stopped or died).

PostgreSQL: a session-level advisory lock on a connection kept open for the lease
(:func:`postgres_lease`); SQLite: an exclusive ``flock`` on a lock file beside the
database file (:func:`sqlite_lease`). Either is released by the database or the system
when its process dies, however it dies. Where neither applies (an in-memory SQLite
database, a system without ``flock``, another database), the lease is always granted:
the process is the store's only dispatcher as far as this module can tell, as before
leases existed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

try:
    import fcntl
except ImportError:  # not on this system (Windows): no lease is kept there
    fcntl = None  # type: ignore[assignment]


class Lease:
    """A lease held; :meth:`release` gives it up (once; again does nothing);
    :meth:`held` says whether it still is (a PostgreSQL lease is lost with its
    connection: the server restarted, the network dropped it)."""

    def __init__(self, release: Callable[[], None] | None = None,
                 held: Callable[[], bool] | None = None) -> None:
        self._release = release
        self._held = held

    def held(self) -> bool:
        if self._release is None and self._held is not None:
            return False  # released
        try:
            return self._held is None or self._held()
        except Exception:  # the connection is gone, and the lock with it
            return False

    def release(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()


def sqlite_lease(database: Path) -> Lease | None:
    """An exclusive, non-waiting ``flock`` on ``DATABASE.dispatch.lock`` (made if need
    be; never removed, so two processes always lock the same file); None when another
    open of it holds the lock (another process, or another lease of this one)."""
    if fcntl is None:
        return Lease()
    path = Path(str(database) + ".dispatch.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by children
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    return Lease(lambda: os.close(fd))  # closing the last descriptor drops the lock


def postgres_lease(engine: Engine, key: int) -> Lease | None:
    """``pg_try_advisory_lock(key)`` on a connection of its own, kept open (in
    autocommit: never idle in a transaction) until the lease is released; None when
    another session holds the lock. Released by closing the connection for good (not
    back into the pool, where the session and its lock would live on)."""
    conn: Connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                {"key": key}).scalar())
    except BaseException:
        conn.invalidate()
        conn.close()
        raise
    if not got:
        conn.close()
        return None

    def release() -> None:
        conn.invalidate()  # the server ends the session, and its lock with it
        conn.close()

    def held() -> bool:  # the lock is the session's: held while the session lives
        return conn.execute(text("SELECT 1")).scalar() == 1

    return Lease(release, held)


def store_lease(engine: Engine, key: int) -> Lease | None:
    """The store's lease ``key`` for this process, or None when another holds it: on
    PostgreSQL :func:`postgres_lease`, on an SQLite file :func:`sqlite_lease` beside
    it; granted at once elsewhere (see the module)."""
    name = engine.dialect.name
    if name == "postgresql":
        return postgres_lease(engine, key)
    database = engine.url.database if name == "sqlite" else None
    if database and database != ":memory:" and not database.startswith("file:"):
        return sqlite_lease(Path(database).resolve())
    return Lease()
