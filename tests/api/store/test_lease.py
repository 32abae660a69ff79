"""The store's lease (:mod:`tuoyu.api.store.lease`): held by one holder at a time, given
up on release, and given up by the system when its holder dies, however it dies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from api_support import postgres_url

from tuoyu.api.store import make_engine, store_lease
from tuoyu.api.store.lease import fcntl, sqlite_lease

KEY = 4242


def test_an_sqlite_lease_has_one_holder_until_released(tmp_path: Path) -> None:
    if fcntl is None:
        pytest.skip("no flock on this system: every lease is granted")
    db = tmp_path / "tuoyu.sqlite"
    one = sqlite_lease(db)
    assert one is not None and sqlite_lease(db) is None
    one.release()
    one.release()  # again: nothing
    two = sqlite_lease(db)
    assert two is not None
    two.release()


def test_an_sqlite_lease_is_given_up_when_its_holder_is_killed(tmp_path: Path) -> None:
    if fcntl is None:
        pytest.skip("no flock on this system: every lease is granted")
    db = tmp_path / "tuoyu.sqlite"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from pathlib import Path\n"
         "from tuoyu.api.store.lease import sqlite_lease\n"
         f"lease = sqlite_lease(Path({str(db)!r}))\n"
         "print('held' if lease else 'refused', flush=True)\n"
         "time.sleep(600)\n"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert sqlite_lease(db) is None
    finally:
        holder.kill()
        holder.wait()
    lease = sqlite_lease(db)
    assert lease is not None
    lease.release()


def test_an_in_memory_store_grants_the_lease() -> None:
    eng = make_engine("sqlite:///:memory:")
    assert store_lease(eng, KEY) is not None and store_lease(eng, KEY) is not None


def test_a_postgres_lease_has_one_holder_until_released() -> None:
    url = postgres_url()
    first, second = make_engine(url), make_engine(url)
    try:
        one = store_lease(first, KEY)
        assert one is not None and one.held()
        assert store_lease(second, KEY) is None
        one.release()
        assert not one.held()
        two = store_lease(second, KEY)
        assert two is not None
        two.release()
    finally:
        first.dispose()
        second.dispose()
