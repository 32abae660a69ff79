"""What each process of tests/api/store/test_migrate_race.py does: a module of its own,
light, so that a process forked from the forkserver imports nothing more for it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any


def open_and_write(url: str, institution_id: str, barrier: Any) -> None:
    """Wait for the others, then open the store (migrating it when new) and write a row."""
    from sqlalchemy.orm import Session

    from tuoyu.api import store

    barrier.wait(120)
    eng = store.engine(url)  # migrates the store (creates it when new)
    with Session(eng) as s, s.begin():
        s.add(store.Outcome(dataset="race", institution_id=institution_id,
                            date=dt.date(2027, 3, 1), outcome="pass", inspector_ids="",
                            recorded_at=store.now()))
    eng.dispose()


def record_at_barrier(url: str, folder: str, key: str, file: str, barrier: Any) -> None:
    """Wait for the other writer, then record the outcomes of ``file`` as an upload does
    (:func:`tuoyu.api.store.draws.record_outcomes`, its own engine)."""
    from tuoyu.api import store
    from tuoyu.api.store import draws
    from tuoyu.planning.dataset import Dataset

    eng = store.make_engine(url)
    barrier.wait(120)
    draws.record_outcomes(Path(file), Dataset(Path(folder), key), eng,
                          today=dt.date(2027, 12, 31))
    eng.dispose()
