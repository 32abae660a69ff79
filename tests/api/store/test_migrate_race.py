"""Several processes opening a new store at once (two planners starting the command
line, or the service beside it): the schema is created exactly once, every process
finds it whole, and none fails with "table already exists"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from api_support import postgres_url
from sqlalchemy import create_engine, inspect, text

ROOT = Path(__file__).resolve().parents[3]
OPEN_AND_WRITE = """
import sys
from sqlalchemy.orm import Session
from tuoyu.api import store
eng = store.engine(sys.argv[1])          # migrates the store (creates it when new)
with Session(eng) as s, s.begin():
    s.add(store.Outcome(dataset="race", institution_id=sys.argv[2], date=__import__(
        "datetime").date(2027, 3, 1), outcome="pass", inspector_ids="", recorded_at=store.now()))
print("ok")
"""


def _race(url: str, n: int = 6) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", OPEN_AND_WRITE, url, f"JG{i:04d}"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for i in range(n)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0 and out.strip() == "ok", err
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
