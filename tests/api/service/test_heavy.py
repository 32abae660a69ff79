"""The heavy work of requests as plain functions (``tuoyu.api.service.heavy``), called
here in-process (the service runs them apart): a table read once into pages of rows
that hold what the file holds; a JSON body of outcomes checked and stored, or refused
as values (never an exception that might not cross the process boundary), storing
nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from draw_support import tiny_dataset
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tuoyu.api import store
from tuoyu.api.service.heavy import record_outcomes, table_pages


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_dataset(tmp_path_factory.mktemp("heavy") / "d")


def _pages(target: Path) -> list[list[dict]]:
    n = len([p for p in target.iterdir() if p.suffix == ".json"])
    return [json.loads((target / f"{k}.json").read_text(encoding="utf-8")) for k in range(n)]


def test_a_table_is_read_once_into_pages_of_its_rows(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "pages"
    assert table_pages(str(folder), "institutions", str(target), size=10) == ("ok", 24)
    pages = _pages(target)
    assert [len(p) for p in pages] == [10, 10, 4]
    with (folder / "institutions.csv").open(encoding="utf-8") as f:
        written = list(csv.DictReader(f))
    rows = [r for p in pages for r in p]
    assert [r["institution_id"] for r in rows] == [r["institution_id"] for r in written]
    assert [r["name"] for r in rows] == [r["name"] for r in written]
    assert (target / "count").read_text(encoding="ascii") == "24"
    assert not (tmp_path / "pages.part").exists()
    # a second reader that made the same pages meanwhile: the first pages stay
    assert table_pages(str(folder), "institutions", str(target), size=10) == ("ok", 24)
    assert _pages(target) == pages


def test_an_empty_table_is_one_empty_page(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    for name in ("streets.csv", "institutions.csv", "inspectors.csv"):
        (tmp_path / "d" / name).write_bytes((folder / name).read_bytes())
    (tmp_path / "d" / "conflicts.csv").write_text("inspector_id,institution_id,operator,reason\n",
                                                 encoding="utf-8")
    target = tmp_path / "pages"
    assert table_pages(str(tmp_path / "d"), "conflicts", str(target)) == ("ok", 0)
    assert _pages(target) == [[]]


def test_a_table_that_cannot_be_read_is_problems(folder: Path, tmp_path: Path) -> None:
    kind, problems = table_pages(str(tmp_path), "institutions", str(tmp_path / "p"))
    assert kind == "problems" and problems and problems[0]["file"]


def _body(tmp_path: Path, rows: list[dict]) -> str:
    path = tmp_path / "body.json"
    path.write_text(json.dumps({"rows": rows}, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store migrated once, as the service's is at its start."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.sqlite'}"
    store.engine(url).dispose()
    return url


def _stored(url: str, key: str) -> int:
    with Session(store.make_engine(url)) as s:
        return s.scalar(select(func.count()).select_from(store.Outcome)
                        .where(store.Outcome.dataset == key))


def test_outcomes_of_a_json_body_are_checked_and_stored(folder: Path, tmp_path: Path,
                                                         url: str) -> None:
    good = [{"institution_id": "I01", "date": "2027-03-02", "outcome": "rectify",
             "inspector_ids": ["P1", "P2"]},
            {"institution_id": "I02", "date": "2027-03-03", "outcome": "pass",
             "inspector_ids": "P3;P4"}]
    kind, n = record_outcomes(_body(tmp_path, good), "json", str(folder), "d", url,
                              "2027-12-31")
    assert (kind, n) == ("ok", 2) and _stored(url, "d") == 2
    written = (tmp_path / "outcomes.csv").read_text(encoding="utf-8").splitlines()
    assert written == ["institution_id,date,outcome,inspector_ids",
                       "I01,2027-03-02,rectify,P1;P2", "I02,2027-03-03,pass,P3;P4"]


@pytest.mark.parametrize(("rows", "kind"), [
    ([{"institution_id": "I01", "date": "2027-03-02", "outcome": "excellent"}], "invalid"),
    ([{"institution_id": "I01", "date": "2027-13-02", "outcome": "pass"}], "invalid"),
    ([{"institution_id": "NOPE", "date": "2027-03-02", "outcome": "pass"}], "problems"),
    ([{"institution_id": "I01", "date": "2028-01-05", "outcome": "pass"}], "problems"),
])
def test_a_bad_body_is_refused_as_values_and_stores_nothing(folder: Path, tmp_path: Path,
                                                            url: str, rows: list[dict],
                                                            kind: str) -> None:
    got, problems = record_outcomes(_body(tmp_path, rows), "json", str(folder), "bad", url,
                                    "2027-12-31")
    assert got == kind and problems
    json.dumps(problems)  # plain values: they cross a process boundary as JSON
    assert _stored(url, "bad") == 0


def test_outcomes_waiting_too_long_for_another_upload_are_busy_in_both_languages(
        folder: Path, tmp_path: Path, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another upload of outcomes holds its turn on the store longer than this one may
    wait (``TUOYU_OUTCOMES_WAIT`` 0): the process apart answers "busy" with the Chinese
    and English sentences the route sends as 409 ``outcomes_busy``; nothing is stored."""
    from filelock import FileLock

    monkeypatch.setenv("TUOYU_OUTCOMES_WAIT", "0")
    rows = [{"institution_id": "I01", "date": "2027-03-02", "outcome": "pass",
             "inspector_ids": ["P1", "P2"]}]
    with FileLock(url.removeprefix("sqlite:///") + ".outcomes.lock"):
        kind, said = record_outcomes(_body(tmp_path, rows), "json", str(folder), "busy", url,
                                     "2027-12-31")
    assert kind == "busy" and _stored(url, "busy") == 0
    assert "另一次录入正在保存" in said["zh"] and "Another upload of outcomes" in said["en"]
