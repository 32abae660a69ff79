"""Every migration of the store (``tuoyu/api/store/migrations/versions/``) up and down,
one revision at a time, on a SQLite file: each adds what its note says and its downgrade
takes it away again; rows stored before a migration are still there after it; the
newest schema is the one the tables declare (``tuoyu.api.store.tables``). This one
module tests all the migrations (docs/architecture.md, "A new module with logic")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from tuoyu.api.store import Base, alembic_config

#: what each revision adds: tables, and (table, column) pairs
ADDS: dict[str, tuple[set[str], set[tuple[str, str]]]] = {
    "0001": ({"rosters", "roster_visits", "outcomes", "datasets", "jobs", "plans", "api_tokens"},
             set()),
    "0002": (set(), {("jobs", "lease")}),
    "0003": (set(), {("rosters", c) for c in ("seq", "status", "published_at",
                                              "redraw_reason", "record_fingerprint")}),
    "0004": (set(), {("jobs", "message_en")}),
    "0005": ({"roster_commitments"}, {("rosters", c) for c in ("sealed_json", "sealed_hash",
                                                               "sealed_at", "revealed_at")}),
    "0006": ({"plan_folders"}, set()),
    "0007": ({"outcomes_superseded"}, set()),
    "0008": (set(), set()),
}
#: 0001's downgrade drops only the service's tables: the command line's own (rosters,
#: roster_visits, outcomes) may hold rosters made before the store had migrations
KEPT_BY_0001_DOWN = {"rosters", "roster_visits", "outcomes"}


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


def _schema(url: str) -> tuple[set[str], set[tuple[str, str]]]:
    eng = sa.create_engine(url)
    try:
        insp = sa.inspect(eng)
        tables = set(insp.get_table_names()) - {"alembic_version"}
        columns = {(t, c["name"]) for t in tables for c in insp.get_columns(t)}
        return tables, columns
    finally:
        eng.dispose()


def _version(url: str) -> str | None:
    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        eng.dispose()


def test_the_revisions_are_one_chain_in_file_order() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    chain = [s.revision for s in reversed(list(script.walk_revisions()))]
    assert chain == sorted(ADDS)
    assert script.get_heads() == [chain[-1]]


def test_each_migration_up_then_down_adds_then_removes_what_it_says(tmp_path: Path) -> None:
    url = _url(tmp_path)
    cfg = alembic_config(url)
    seen: list[tuple[set[str], set[tuple[str, str]]]] = [_schema(url)]
    for rev, (tables, columns) in ADDS.items():
        command.upgrade(cfg, rev)
        assert _version(url) == rev
        before_tables, before_columns = seen[-1]
        now_tables, now_columns = _schema(url)
        assert now_tables - before_tables == tables, rev
        assert {tc for tc in now_columns - before_columns if tc[0] not in tables} == columns, rev
        seen.append((now_tables, now_columns))
    for k, rev in reversed(list(enumerate(ADDS))):
        previous = list(ADDS)[k - 1] if k else "base"
        command.downgrade(cfg, previous)
        assert _version(url) == (None if previous == "base" else previous)
        tables, columns = _schema(url)
        if previous == "base":
            assert tables == KEPT_BY_0001_DOWN
        else:
            assert (tables, columns) == seen[k], rev
    command.upgrade(cfg, "head")  # and up again over the tables the last downgrade kept
    assert _schema(url) == seen[-1]


def test_the_newest_schema_is_the_one_the_tables_declare(tmp_path: Path) -> None:
    url = _url(tmp_path)
    command.upgrade(alembic_config(url), "head")
    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        eng.dispose()
    assert diffs == []  # tables, columns, types, indexes


def test_the_draws_stored_before_publishing_existed_are_numbered_drafts(tmp_path: Path) -> None:
    url = _url(tmp_path)
    cfg = alembic_config(url)
    command.upgrade(cfg, "0002")
    eng = sa.create_engine(url)
    at = dt.datetime(2027, 1, 1)
    rows = [("d1", "2027-03"), ("d1", "2027-03"), ("d1", "2027-04"), ("d2", "2027-03"),
            ("d1", "2027-03")]
    with eng.begin() as conn:
        for ds, month in rows:
            conn.execute(sa.text(
                "INSERT INTO rosters (dataset, month, seed, fingerprint, created_at, draw_json)"
                " VALUES (:d, :m, 1, 'f', :at, '{}')"), {"d": ds, "m": month, "at": at})
        conn.execute(sa.text(
            "INSERT INTO outcomes (dataset, institution_id, date, outcome, inspector_ids,"
            " recorded_at) VALUES ('d1', 'I1', '2027-03-02', 'pass', 'P1,P2', :at)"),
            {"at": at})
    command.upgrade(cfg, "head")
    with eng.connect() as conn:
        got = conn.execute(sa.text(
            "SELECT dataset, month, seq, status FROM rosters ORDER BY id")).all()
        outcomes = conn.execute(sa.text("SELECT institution_id, outcome FROM outcomes")).all()
    eng.dispose()
    assert [tuple(r) for r in got] == [("d1", "2027-03", 1, "draft"), ("d1", "2027-03", 2, "draft"),
                                       ("d1", "2027-04", 1, "draft"), ("d2", "2027-03", 1, "draft"),
                                       ("d1", "2027-03", 3, "draft")]
    assert [tuple(r) for r in outcomes] == [("I1", "pass")]


def test_a_second_draw_numbered_the_same_is_refused(tmp_path: Path) -> None:
    url = _url(tmp_path)
    command.upgrade(alembic_config(url), "head")
    eng = sa.create_engine(url)
    insert = sa.text("INSERT INTO rosters (dataset, month, seed, fingerprint, created_at,"
                     " draw_json, seq, status) VALUES ('d1', '2027-03', :s, 'f', :at, '{}', 1,"
                     " 'draft')")
    with eng.begin() as conn:  # an official seed is 63 bits (0005 widened the column)
        conn.execute(insert, {"s": 2**62 + 1, "at": dt.datetime(2027, 1, 1)})
    with pytest.raises(sa.exc.IntegrityError), eng.begin() as conn:
        conn.execute(insert, {"s": 2, "at": dt.datetime(2027, 1, 1)})
    with eng.connect() as conn:
        assert conn.execute(sa.text("SELECT seed FROM rosters")).scalar_one() == 2**62 + 1
    eng.dispose()


def test_tables_the_command_line_made_before_are_kept_with_their_rows(tmp_path: Path) -> None:
    """A store the command line made with ``create_all`` before there were migrations:
    0001 leaves its tables and rows as they are and adds the service's."""
    url = _url(tmp_path)
    eng = sa.create_engine(url)
    with eng.begin() as conn:
        conn.execute(sa.text(
            "CREATE TABLE outcomes (id INTEGER PRIMARY KEY, dataset VARCHAR(500) NOT NULL,"
            " institution_id VARCHAR(64) NOT NULL, date DATE NOT NULL, outcome VARCHAR(16)"
            " NOT NULL, inspector_ids VARCHAR(500) NOT NULL, recorded_at DATETIME NOT NULL)"))
        conn.execute(sa.text("INSERT INTO outcomes VALUES (7, 'd1', 'I9', '2026-12-01',"
                             " 'rectify', 'P1', '2026-12-02 10:00:00')"))
    command.upgrade(alembic_config(url), "head")
    with eng.connect() as conn:
        row = conn.execute(sa.text("SELECT id, institution_id, outcome FROM outcomes")).one()
    eng.dispose()
    assert tuple(row) == (7, "I9", "rectify")
    assert {"jobs", "plans", "datasets", "api_tokens"} <= _schema(url)[0]


def _outcome(conn: sa.Connection, inst: str, day: str, outcome: str, at: str,
             dataset: str = "d1") -> None:
    conn.execute(sa.text(
        "INSERT INTO outcomes (dataset, institution_id, date, outcome, inspector_ids,"
        " recorded_at) VALUES (:ds, :i, :d, :o, 'P1;P2', :at)"),
        {"ds": dataset, "i": inst, "d": day, "o": outcome, "at": at})


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_two_outcomes_of_one_visit_stored_before_0007_keep_the_newest_and_lose_none(
        tmp_path: Path, database: str) -> None:
    """A store holding two (and three) outcomes of one visit, as two uploads at once
    left them before the unique index: 0007 keeps the newest recorded of each visit
    (a tie: the later id) in outcomes, moves each other one as it was into
    outcomes_superseded (nothing deleted), leaves single outcomes alone, and from then
    on the index refuses a second; going down puts them back."""
    if database == "postgres":
        from api_support import postgres_url

        url = postgres_url()
    else:
        url = _url(tmp_path)
    cfg = alembic_config(url)
    command.upgrade(cfg, "0006")
    eng = sa.create_engine(url)
    with eng.begin() as conn:
        _outcome(conn, "I1", "2027-03-02", "pass", "2027-03-03 10:00:00")
        _outcome(conn, "I1", "2027-03-02", "fail", "2027-03-03 10:00:00")  # same time: later id
        _outcome(conn, "I2", "2027-03-02", "rectify", "2027-03-05 09:00:00")  # newest of 3
        _outcome(conn, "I2", "2027-03-02", "pass", "2027-03-04 09:00:00")
        _outcome(conn, "I2", "2027-03-02", "fail", "2027-03-03 09:00:00")
        _outcome(conn, "I3", "2027-03-02", "pass", "2027-03-03 09:00:00")  # alone
        _outcome(conn, "I1", "2027-03-02", "pass", "2027-03-03 09:00:00", dataset="d2")
    command.upgrade(cfg, "head")
    with eng.connect() as conn:
        kept = conn.execute(sa.text(
            "SELECT dataset, institution_id, outcome FROM outcomes ORDER BY id")).all()
        moved = conn.execute(sa.text(
            "SELECT outcome_id, institution_id, outcome, recorded_at FROM outcomes_superseded"
            " ORDER BY outcome_id")).all()
    assert [tuple(r) for r in kept] == [("d1", "I1", "fail"), ("d1", "I2", "rectify"),
                                       ("d1", "I3", "pass"), ("d2", "I1", "pass")]
    assert [tuple(r)[:3] for r in moved] == [(1, "I1", "pass"), (4, "I2", "pass"),
                                            (5, "I2", "fail")]
    assert str(moved[0][3]).startswith("2027-03-03 10:00:00")
    with pytest.raises(sa.exc.IntegrityError), eng.begin() as conn:
        _outcome(conn, "I3", "2027-03-02", "fail", "2027-03-06 09:00:00")
    command.downgrade(cfg, "0006")
    with eng.connect() as conn:
        back = conn.execute(sa.text(
            "SELECT institution_id, outcome FROM outcomes ORDER BY institution_id, outcome")).all()
    eng.dispose()
    assert sorted(tuple(r) for r in back) == sorted([
        ("I1", "fail"), ("I1", "pass"), ("I1", "pass"), ("I2", "fail"), ("I2", "pass"),
        ("I2", "rectify"), ("I3", "pass")])


def _draw(session: object, key: str, month: str, seed: int, *, publish: bool = False) -> None:
    """A draw of the month stored under ``key`` as the store's own functions store it."""
    from tuoyu.api import store

    store.save_roster(session, key, month, seed, "sha256:t", "{}",  # type: ignore[arg-type]
                      [(dt.date.fromisoformat(f"{month}-03"), "I01", "S1", "P1;P2", "risk")])
    if publish:
        store.publish_roster(session, key, month)  # type: ignore[arg-type]


def test_a_served_folders_history_stored_under_its_id_is_found_under_its_path(
        tmp_path: Path) -> None:
    """A store the service of 2026-12-07 01:00-01:25 wrote: ``tuoyu serve --data DIR``
    kept DIR's history under the dataset's id (``folder-…``); the service and the command
    line now key it by DIR's path. After 0008 the published March, the April draft, and
    the outcomes are the folder's (a planner upgrading saw none of them). A month the path
    already held draws of (drawn on the command line) stays under the id, both kept; an
    outcome both hold: the newer in force, the other superseded; none lost, none
    duplicated, and running it again changes nothing."""
    from draw_support import tiny_dataset
    from sqlalchemy.orm import Session

    from tuoyu.api import store
    from tuoyu.api.service.datasets import dataset_of, folder_id, register_folder
    from tuoyu.models.inspection import PastInspection
    from tuoyu.planning.dataset import Dataset

    folder = tiny_dataset(tmp_path / "东滩区")
    url = _url(tmp_path)
    cfg = alembic_config(url)
    command.upgrade(cfg, "0007")
    eng = store.make_engine(url)
    row_id = register_folder(eng, folder)
    old = Dataset(Path(folder), row_id).key  # the old service: Dataset(Path(row.path), row.id)
    new = Dataset.at(folder).key
    assert old == folder_id(folder) != new
    visit = (dt.date(2027, 3, 3), ("P1",))
    with Session(eng) as s, s.begin():
        _draw(s, old, "2027-03", 11, publish=True)
        _draw(s, old, "2027-04", 12)
        _draw(s, old, "2027-05", 13)
        _draw(s, new, "2027-05", 21)  # the command line drew May too
        _draw(s, old, "2027-06", 14, publish=True)  # sealed under the id, and July sealed
        _draw(s, new, "2027-07", 22, publish=True)  # under the path: two chains stay two
        s.execute(sa.text("UPDATE rosters SET sealed_hash = 'h', sealed_json = '{}', "
                          "sealed_at = '2027-08-01' WHERE month IN ('2027-06', '2027-07')"))
        store.record_outcomes(s, old, [PastInspection(
            institution_id="I01", date=visit[0], outcome="pass", inspector_ids=visit[1]),
            PastInspection(institution_id="I03", date=visit[0], outcome="fail",
                           inspector_ids=visit[1])])
    with Session(eng) as s, s.begin():  # later, on the command line
        store.record_outcomes(s, new, [PastInspection(
            institution_id="I03", date=visit[0], outcome="rectify", inspector_ids=visit[1])])

    def state() -> tuple[object, ...]:
        key = dataset_of(row_id, folder).key
        with Session(eng) as s:
            return (
                {m: [(r.seed, r.status) for r in store.month_draws(s, key, m)]
                 for m in ("2027-03", "2027-04", "2027-05")},
                [(m, r.seed) for m in ("2027-05", "2027-06")
                 for r in store.month_draws(s, old, m)],
                sorted((h.institution_id, h.outcome)
                       for h in store.stored_history(s, key, dt.date(2027, 6, 1))),
                s.execute(sa.text("SELECT dataset, institution_id, outcome FROM "
                                  "outcomes_superseded")).all(),
                s.execute(sa.text("SELECT COUNT(*) FROM outcomes")).scalar_one(),
            )

    command.upgrade(cfg, "head")
    first = state()
    assert first[0] == {"2027-03": [(11, "published")], "2027-04": [(12, "draft")],
                        "2027-05": [(21, "draft")]}
    assert first[1] == [("2027-05", 13), ("2027-06", 14)]  # kept under the id: two
    # numberings of May, two sealed chains
    assert first[2] == [("I01", "pass"), ("I03", "rectify")]
    assert [tuple(r) for r in first[3]] == [(new, "I03", "fail")]
    assert first[4] == 2
    command.downgrade(cfg, "0007")
    command.upgrade(cfg, "head")
    assert state() == first
    eng.dispose()


def test_a_new_sqlite_store_is_made_in_the_journal_mode_the_store_keeps(tmp_path: Path) -> None:
    """A new SQLite store is migrated in write-ahead logging, the mode the store opens it
    in (``store.engine``): the migrations' statements are not each written through to the
    disk in the rollback journal first (a new store took about twice as long), and the
    file is in WAL before any engine of the store opened it."""
    from tuoyu.api.store import migrate

    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    migrate(url)
    with sa.create_engine(url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
