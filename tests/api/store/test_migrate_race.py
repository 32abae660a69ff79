"""Several processes opening a new store at once (two planners starting the command
line, or the service beside it): the schema is created exactly once, every process
finds it whole, and none fails with "table already exists"."""

from __future__ import annotations

from pathlib import Path

from api_support import postgres_url
from sqlalchemy import create_engine, inspect, text
from store_race import open_and_write

from tuoyu.api.service.proc import context, start


def _race(url: str, n: int = 6) -> None:
    """``n`` processes (started as the service starts its processes apart: forked from
    its forkserver where there is one, each with its own connections) meet at a barrier,
    then open the new store at once and write a row each."""
    barrier = context().Barrier(n)
    procs = [start(open_and_write, (url, f"JG{i:04d}", barrier), name=f"race-{i}")
             for i in range(n)]
    for p in procs:
        p.join(300)
    assert [p.exitcode for p in procs] == [0] * n  # a traceback on stderr says why not
    eng = create_engine(url)
    with eng.connect() as c:
        assert c.execute(text("SELECT count(*) FROM outcomes")).scalar() == n
        versions = c.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert len(versions) == 1
    assert {"rosters", "outcomes", "jobs"} <= set(inspect(eng).get_table_names())
    eng.dispose()


def test_six_processes_open_a_new_sqlite_store_at_once(tmp_path: Path) -> None:
    _race(f"sqlite:///{tmp_path / 'new' / 'tuoyu.sqlite'}")


def test_six_processes_open_a_new_postgres_store_at_once() -> None:
    _race(postgres_url())
