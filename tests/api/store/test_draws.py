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


def test_a_draw_is_revealed_only_after_its_month_and_when_published(district: Dataset,
                                                                     engine) -> None:  # noqa: ANN001
    with pytest.raises(draws.MonthNotDone):
        draws.reveal(district, "2027-03", engine, today=dt.date(2027, 3, 31))
    with pytest.raises(draws.NothingToReveal):
        draws.reveal(district, "2027-03", engine, today=dt.date(2027, 4, 1))


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
