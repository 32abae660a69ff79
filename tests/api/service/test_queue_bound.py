"""The bound on queued jobs (``TUOYU_MAX_QUEUED``) holds for the store, not for one
process: two services on one store (two processes of the service, each its own engine
and job manager) submitting at once never queue more than the bound. Before, each
counted the queue under a lock of its own process, then added in another transaction:
two submitters that both counted one place free both took it.

Step by step, no timing in what is asserted: the first submitter has counted the queue
(one place free) and waits for the second to submit (at most a second, only when
the second cannot, which is the point); the second counts and submits meanwhile."""

from __future__ import annotations

import threading
from pathlib import Path

from api_support import postgres_url, settings
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from tuoyu.api.service.jobs import JobManager, QueueFull
from tuoyu.api.store import Job, make_engine, migrate

BOUND = 3


def _race_for_the_last_place(tmp_path: Path, url: str | None) -> None:
    s = settings(tmp_path, url, start_jobs=False, max_queued=BOUND)
    s.home.mkdir(parents=True, exist_ok=True)
    migrate(s.url)
    first, second = (JobManager(s, make_engine(s.url)) for _ in range(2))
    for _ in range(BOUND - 1):
        first.submit("roster", "baoshan", {"month": "2027-03"})
    counted, done = threading.Event(), threading.Event()

    def hold(_conn, _cursor, statement: str, *_rest) -> None:  # noqa: ANN001
        if "count(" in statement.lower() and not counted.is_set():
            counted.set()  # the first has counted BOUND - 1: the second submits now
            done.wait(1.0)  # it cannot while the first has the store's turn: go on

    event.listen(first.engine, "after_cursor_execute", hold)
    said: dict[str, str] = {}

    def submit(name: str, manager: JobManager) -> None:
        try:
            manager.submit("roster", "baoshan", {"month": "2027-04"})
            said[name] = "queued"
        except QueueFull:
            said[name] = "full"
        finally:
            if name == "second":
                done.set()

    one = threading.Thread(target=submit, args=("first", first))
    one.start()
    assert counted.wait(60)  # a guard against a hang, not a speed check
    two = threading.Thread(target=submit, args=("second", second))
    two.start()
    one.join()
    two.join()
    event.remove(first.engine, "after_cursor_execute", hold)
    with Session(first.engine) as ses:
        queued = ses.scalar(select(func.count()).select_from(Job).where(
            Job.status == "queued"))
    assert queued == BOUND, said
    assert sorted(said.values()) == ["full", "queued"], said
    for m in (first, second):
        m.engine.dispose()


def test_two_services_on_one_sqlite_store_queue_no_more_than_the_bound(tmp_path: Path) -> None:
    _race_for_the_last_place(tmp_path, None)


def test_two_services_on_one_postgres_store_queue_no_more_than_the_bound(
        tmp_path: Path) -> None:
    _race_for_the_last_place(tmp_path, postgres_url())
