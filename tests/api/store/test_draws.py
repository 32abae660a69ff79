"""The roster's store side (``tuoyu.api.store.draws``) before any roster is drawn, on the
tests' tiny district: a month is committed once, a second time only with a reason (both
kept); a seed needs a commitment and is given once, from the lottery draw the
commitment named (after it, its numbers once held); the draw is revealed only after its
month and only when published; the office's today comes from ``TUOYU_TODAY``."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from draw_support import tiny_dataset
from sqlalchemy.orm import Session

from tuoyu.api import store
from tuoyu.api.store import draws
from tuoyu.models.errors import DataError
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import RosterParams

NOW = dt.datetime(2027, 2, 20, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
LOTTERY = {"kind": "lottery", "name": "中国福利彩票双色球", "date": "2027-02-23"}
MARCH = RosterParams(month="2027-03")


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return Dataset.at(tiny_dataset(tmp_path_factory.mktemp("draws") / "d"))


@pytest.fixture
def engine(tmp_path: Path):  # noqa: ANN201
    return store.engine(f"sqlite:///{tmp_path / 'store.sqlite'}")


def test_a_month_is_committed_once_then_only_with_a_reason(district: Dataset, engine) -> None:  # noqa: ANN001
    first = draws.commit(district, MARCH, LOTTERY, engine, now=NOW)
    assert first["seq"] == 1 and first["commitment"].startswith("sha256:")
    with pytest.raises(draws.CommitNeedsReason):
        draws.commit(district, MARCH, LOTTERY, engine, now=NOW)
    with pytest.raises(draws.CommitNeedsReason):
        draws.commit(district, MARCH, LOTTERY, engine, now=NOW, reason=" \u200b ")
    second = draws.commit(district, MARCH, LOTTERY, engine, now=NOW, reason="名单有误，重新承诺")
    assert second["seq"] == 2 and second["commitment"] != first["commitment"]
    with Session(engine) as s:
        kept = draws.month_commitments(s, district.key, "2027-03")
    assert [c.seq for c in kept] == [1, 2] and kept[1].reason == "名单有误，重新承诺"


def test_an_unknown_seed_source_is_refused(district: Dataset, engine) -> None:  # noqa: ANN001
    with pytest.raises(DataError) as info:
        draws.commit(district, MARCH, {"kind": "dice"}, engine, now=NOW)
    assert info.value.problems[0].code == "draw.source_kind"


def test_the_seed_comes_once_from_the_named_lottery_draw(district: Dataset, engine) -> None:  # noqa: ANN001
    with pytest.raises(draws.NoCommitment):
        draws.seed(district, "2027-03", {"numbers": "01 02 03"}, engine,
                   today=dt.date(2027, 2, 24))
    made = draws.commit(district, MARCH, LOTTERY, engine, now=NOW)
    with pytest.raises(DataError):  # the draw is not held yet: its numbers cannot be known
        draws.seed(district, "2027-03", {"numbers": "01 02 03"}, engine,
                   today=dt.date(2027, 2, 22))
    with Session(engine) as s, pytest.raises(draws.NotSeeded):
        draws.official_for(s, district, MARCH)
    seeded = draws.seed(district, "2027-03", {"numbers": "3, 12 ,33"}, engine,
                        today=dt.date(2027, 2, 24))
    assert seeded["seeded"] and seeded["value"] == {"numbers": "3, 12 ,33"}
    # the seed: SHA-256 of the commitment and the checked value, 63 bits (planning/beacon)
    value = "中国福利彩票双色球|2027-02-23|03 12 33"
    digest = hashlib.sha256(f"tuoyu.roster.seed|{made['commitment']}|{value}".encode()).digest()
    with Session(engine) as s:
        row = draws.month_commitments(s, district.key, "2027-03")[-1]
    assert row.seed == int.from_bytes(digest[:8], "big") >> 1
    with pytest.raises(draws.AlreadySeeded):
        draws.seed(district, "2027-03", {"numbers": "04 05"}, engine, today=dt.date(2027, 2, 24))
    with Session(engine) as s:
        official, rules = draws.official_for(s, district, MARCH)
    assert rules["min_team"] == MARCH.min_team and official


def test_two_commitments_at_once_store_one_and_tell_the_other(
        district: Dataset, engine, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """Two commit requests of one month at once both saw no commitment; the second's
    insert broke the month's unique number and the service answered 500 IntegrityError.
    The second is now told the first was stored (409), and stores nothing."""
    first = draws.commit(district, MARCH, LOTTERY, engine, now=NOW)
    monkeypatch.setattr(draws, "month_commitments", lambda *_a: [])  # what it saw
    with pytest.raises(draws.CommitConflict):
        draws.commit(district, MARCH, LOTTERY, engine, now=NOW + dt.timedelta(seconds=1))
    monkeypatch.undo()
    with Session(engine) as s:
        kept = draws.month_commitments(s, district.key, "2027-03")
    assert [(c.seq, c.commitment) for c in kept] == [(1, first["commitment"])]


def test_two_seeds_at_once_keep_the_first(district: Dataset, engine,  # noqa: ANN001
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Two seed requests at once both saw the commitment without its seed; the second
    wrote its numbers and seed over the first's. It now stores nothing (AlreadySeeded)."""
    from sqlalchemy.orm.attributes import set_committed_value

    draws.commit(district, MARCH, LOTTERY, engine, now=NOW)
    day = dt.date(2027, 2, 24)
    draws.seed(district, "2027-03", {"numbers": "3 12 33"}, engine, today=day)
    with Session(engine) as s:
        first = draws.month_commitments(s, district.key, "2027-03")[-1].seed
    seen = draws.month_commitments

    def unseeded(session, *args):  # noqa: ANN001, ANN202
        rows = seen(session, *args)
        for row in rows:  # as the second read it, before the first was stored
            set_committed_value(row, "seed", None)
        return rows

    monkeypatch.setattr(draws, "month_commitments", unseeded)
    with pytest.raises(draws.AlreadySeeded):
        draws.seed(district, "2027-03", {"numbers": "4 5 6"}, engine, today=day)
    monkeypatch.undo()
    with Session(engine) as s:
        row = draws.month_commitments(s, district.key, "2027-03")[-1]
    assert row.seed == first and row.checked_value.endswith("03 12 33")


def test_a_draw_is_revealed_only_after_its_month_and_when_published(district: Dataset,
                                                                     engine) -> None:  # noqa: ANN001
    with pytest.raises(draws.MonthNotDone):
        draws.reveal(district, "2027-03", engine, today=dt.date(2027, 3, 31))
    with pytest.raises(draws.NothingToReveal):
        draws.reveal(district, "2027-03", engine, today=dt.date(2027, 4, 1))


def test_two_reveals_at_once_keep_the_first_time(district: Dataset, engine,  # noqa: ANN001
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Two reveals at once both saw the month not revealed; the second wrote its time
    over the first's (the notice then showed another time than the first was told)."""
    from sqlalchemy.orm.attributes import set_committed_value

    with Session(engine) as s, s.begin():
        s.add(store.Roster(dataset=district.key, month="2027-03", seed=1, fingerprint="f",
                           created_at=dt.datetime(2027, 2, 25), draw_json="{}",
                           status="published", published_at=dt.datetime(2027, 2, 26)))
    first = draws.reveal(district, "2027-03", engine, today=dt.date(2027, 4, 1))
    seen = store.month_roster

    def unrevealed(session, *args):  # noqa: ANN001, ANN202
        roster = seen(session, *args)
        set_committed_value(roster, "revealed_at", None)  # as the second read it
        return roster

    monkeypatch.setattr(store, "month_roster", unrevealed)
    monkeypatch.setattr(store, "now", lambda: dt.datetime(2027, 5, 1, 8, 0))
    second = draws.reveal(district, "2027-03", engine, today=dt.date(2027, 4, 2))
    monkeypatch.undo()
    assert second["revealed_at"] == first["revealed_at"]
    with Session(engine) as s:
        assert draws._utc(store.month_roster(s, district.key, "2027-03").revealed_at) == \
            first["revealed_at"]


def test_two_publishes_of_a_draw_at_once_seal_it_once(district: Dataset, engine,  # noqa: ANN001
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Two publishes of the month's official draw at once both saw it a draft; the second
    sealed it again and its hash replaced the one the first had been told (and may have
    announced). Both are now told the one seal the store keeps."""
    import itertools
    import threading

    with Session(engine) as s, s.begin():
        s.add(store.Roster(dataset=district.key, month="2027-03", seed=1, fingerprint="f",
                           created_at=dt.datetime(2027, 2, 25), status="draft",
                           draw_json='{"official": {"seed": 1}, "month": "2027-03"}'))
    both_read = threading.Barrier(2, timeout=30)
    read = store.month_draws

    def at_once(session, *args):  # noqa: ANN001, ANN202
        rows = read(session, *args)
        both_read.wait()  # each has seen the draft before either publishes
        return rows

    minutes, lock = itertools.count(), threading.Lock()

    def clock() -> dt.datetime:  # each seal at its own time: two seals, two hashes
        with lock:
            return dt.datetime(2027, 2, 26, 8, next(minutes))

    monkeypatch.setattr(store, "month_draws", at_once)
    monkeypatch.setattr(store, "now", clock)
    told: list[object] = []
    threads = [threading.Thread(target=lambda: told.append(
        draws.publish(district, "2027-03", engine)["sealed_hash"])) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    monkeypatch.undo()
    with Session(engine) as s:
        kept = s.query(store.Roster).one().sealed_hash
    assert told == [kept, kept] and kept.startswith("sha256:")


@pytest.mark.parametrize(("month", "today", "done"), [
    ("2027-03", dt.date(2027, 3, 31), False), ("2027-03", dt.date(2027, 4, 1), True),
    ("2027-12", dt.date(2027, 12, 31), False), ("2027-12", dt.date(2028, 1, 1), True),
    ("2028-02", dt.date(2028, 2, 29), False)])
def test_a_month_is_done_from_the_first_of_the_next(month: str, today: dt.date,
                                                     done: bool) -> None:
    assert draws.month_done(month, today) is done


def test_the_offices_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUOYU_TODAY", "2027-05-17")
    assert draws.office_today() == dt.date(2027, 5, 17)
    monkeypatch.setenv("TUOYU_TODAY", "next week")
    with pytest.raises(DataError) as info:
        draws.office_today()
    assert info.value.problems[0].file == "TUOYU_TODAY"
    monkeypatch.delenv("TUOYU_TODAY")
    assert draws.office_today() == dt.date.today()


def test_the_bundled_data_is_kept_under_its_name_too(district: Dataset) -> None:
    assert draws.dataset_keys(district) == [district.key]
    bundled = Dataset.at(Dataset.bundled().folder)  # the bundled folder given by its path
    assert draws.dataset_keys(bundled) == [bundled.key, "baoshan"]


# ------------------------------------------------ two uploads of outcomes at once
#: the working days of March 2027 (no holiday in the tiny district's calendar)
MARCH_DAYS = [d for d in (dt.date(2027, 3, 1) + dt.timedelta(k) for k in range(31))
              if d.weekday() < 5]


def _outcomes_file(path: Path, outcome: str, team: str, n: int = 24) -> Path:
    """``n`` visits of the tiny district (I01…, one each on a working day of March),
    each with ``outcome`` by ``team``."""
    lines = ["institution_id,date,outcome,inspector_ids"]
    lines += [f"I{i:02d},{MARCH_DAYS[i % len(MARCH_DAYS)]},{outcome},{team}"
              for i in range(1, n + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _stored_outcomes(url: str, key: str) -> list[tuple[str, str, str]]:
    import sqlalchemy as sa

    eng = sa.create_engine(url)
    with eng.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT institution_id, date, outcome FROM outcomes WHERE dataset = :k"),
            {"k": key}).all()
    eng.dispose()
    return [(str(i), str(d)[:10], str(o)) for i, d, o in rows]


def test_two_uploads_of_the_same_visits_at_once_keep_one_outcome_per_visit_sqlite(
        district: Dataset, tmp_path: Path) -> None:
    """Two uploads of the same 24 visits (one all pass, one all fail), in two processes
    released together at a barrier onto one SQLite store: both are recorded (the second
    takes its turn, no "database is locked"), and each visit has exactly one outcome, all
    from the same upload (the one stored last), never two."""
    from store_race import record_at_barrier

    from tuoyu.api.service.proc import context, start

    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    store.engine(url).dispose()  # made and migrated before the race
    files = [_outcomes_file(tmp_path / "a.csv", "pass", "P1;P2"),
             _outcomes_file(tmp_path / "b.csv", "fail", "P3;P4")]
    barrier = context().Barrier(2)
    procs = [start(record_at_barrier, (url, str(district.folder), district.key, str(f),
                                       barrier), name=f"outcomes-{k}")
             for k, f in enumerate(files)]
    for p in procs:
        p.join(300)
    assert [p.exitcode for p in procs] == [0, 0]  # a traceback on stderr says why not
    rows = _stored_outcomes(url, district.key)
    assert len(rows) == 24 and len({(i, d) for i, d, _ in rows}) == 24
    assert {o for *_, o in rows} in ({"pass"}, {"fail"})


def test_an_upload_that_cannot_take_its_turn_is_told_so_and_stores_nothing(
        district: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another upload is being stored (its turn held) longer than this one may wait
    (``TUOYU_OUTCOMES_WAIT``, here 0): this one is refused with a clear answer in Chinese
    and English (nothing recorded, try again), on the command line exit 2, never
    "database is locked"; once the other is done it is recorded."""
    from filelock import FileLock
    from typer.testing import CliRunner

    from tuoyu.api.cli import app
    from tuoyu.api.runner import state_error_text

    db = tmp_path / "store.sqlite"
    url = f"sqlite:///{db}"
    monkeypatch.setenv("TUOYU_DATABASE_URL", url)
    monkeypatch.setenv("TUOYU_OUTCOMES_WAIT", "0")
    store.engine(url).dispose()
    file = _outcomes_file(tmp_path / "a.csv", "rectify", "P1;P2", n=3)
    other = FileLock(f"{db}.outcomes.lock")
    with other:
        with pytest.raises(store.OutcomesBusy) as busy:
            draws.record_outcomes(file, district, store.make_engine(url),
                                  today=dt.date(2027, 12, 31))
        zh, en = state_error_text(busy.value, "zh"), state_error_text(busy.value, "en")
        assert "另一次录入正在保存" in zh and "什么也没有记录" in zh
        assert "Another upload of outcomes" in en and "nothing of it was recorded" in en
        monkeypatch.setenv("TUOYU_TODAY", "2027-12-31")
        result = CliRunner().invoke(app, ["inspections", "record", str(file), "--data",
                                          str(district.folder)], catch_exceptions=False)
        assert result.exit_code == 2 and "另一次录入正在保存" in result.output
        assert "locked" not in result.output
        assert _stored_outcomes(url, district.key) == []
    # the store itself locked by another writer past the busy timeout (here none): the
    # same clear answer, not SQLite's "database is locked"
    import sqlite3

    import sqlalchemy as sa

    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    impatient = sa.create_engine(url, connect_args={"timeout": 0})
    try:
        with pytest.raises(store.OutcomesBusy):
            draws.record_outcomes(file, district, impatient, today=dt.date(2027, 12, 31))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        impatient.dispose()
    assert draws.record_outcomes(file, district, store.make_engine(url),
                                 today=dt.date(2027, 12, 31)) == 3
    assert sorted(_stored_outcomes(url, district.key)) == [
        ("I01", str(MARCH_DAYS[1]), "rectify"), ("I02", str(MARCH_DAYS[2]), "rectify"),
        ("I03", str(MARCH_DAYS[3]), "rectify")]


def test_two_writers_of_one_visit_on_postgres_store_one_outcome() -> None:
    """PostgreSQL, two transactions step by step: the first has written its outcomes of
    24 visits and not committed; the second then records the same visits (before, it
    found nothing to replace and inserted: 48 rows). Now the second waits on the first's
    rows; once the first commits, the second replaces them: 24 outcomes, the second's."""
    import threading

    import sqlalchemy as sa
    from api_support import postgres_url

    from tuoyu.models.inspection import PastInspection

    url = postgres_url()
    eng = store.engine(url)

    def visits(outcome: str, team: tuple[str, ...]) -> list[PastInspection]:
        return [PastInspection(institution_id=f"I{i:02d}", date=MARCH_DAYS[i % len(MARCH_DAYS)],
                               outcome=outcome, inspector_ids=team) for i in range(1, 25)]

    first = Session(eng)
    first.begin()
    store.record_outcomes(first, "race", visits("pass", ("P1", "P2")))
    started, pid, errors = threading.Event(), [0], []

    def second() -> None:
        try:
            with Session(eng) as s, s.begin():
                pid[0] = s.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
                started.set()
                store.record_outcomes(s, "race", visits("fail", ("P3", "P4")))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            started.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert started.wait(60)
    with eng.connect() as watch:  # commit the first once the second waits for it or is done
        for _ in range(6000):
            waiting = watch.execute(sa.text(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = :p"),
                {"p": pid[0]}).scalar()
            if waiting == "Lock" or not thread.is_alive():
                break
            watch.rollback()
            threading.Event().wait(0.01)
    first.commit()
    first.close()
    thread.join(60)
    assert not thread.is_alive() and errors == []
    with eng.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT institution_id, date, outcome FROM outcomes WHERE dataset = 'race'")).all()
        kept = conn.execute(sa.text(
            "SELECT institution_id, date, outcome, inspector_ids FROM outcomes_superseded"
            " WHERE dataset = 'race'")).all()
    eng.dispose()
    assert len(rows) == 24 and len({(i, d) for i, d, _ in rows}) == 24
    assert {o for *_, o in rows} == {"fail"}
    # the first writer's records are kept, not lost under the second's
    assert sorted((i, d) for i, d, *_ in kept) == sorted((i, d) for i, d, _ in rows)
    assert {(o, t) for *_, o, t in kept} == {("pass", "P1;P2")}
