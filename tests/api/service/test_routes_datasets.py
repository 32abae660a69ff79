"""The dataset routes (``tuoyu.api.service.routes_datasets``) on a tiny district served
as ``baoshan`` (jobs never start; a table is read in a process apart, once, which takes
a few seconds on a loaded machine): a table's rows as the file holds them with their
count, a page or table that is not there named (404); the working calendar of a year;
a month's state; the month's cycle refused in order (409 with the state's reason,
422 for a month that is not one), nothing stored by a refusal."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import client
from draw_support import tiny_dataset
from fastapi.testclient import TestClient

LOTTERY = {"source": "lottery", "lottery_name": "中国福利彩票双色球",
           "lottery_date": "2027-01-12"}


@pytest.fixture(scope="module")
def c(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("routes_datasets")
    folder = tiny_dataset(tmp / "district")  # no calendar table: the built-in calendar
    with client(tmp, bundled_data=folder, start_jobs=False) as app:
        yield app


def test_a_tables_rows_as_the_file_holds_them(c: TestClient) -> None:
    r = c.get("/api/v1/datasets/baoshan/tables/institutions")
    assert r.status_code == 200 and r.headers["X-Total-Count"] == "24"
    assert "Link" not in r.headers  # one page only
    rows = r.json()
    folder = Path(c.app.state.tuoyu.settings.bundled_data)
    with (folder / "institutions.csv").open(encoding="utf-8") as f:
        written = list(csv.DictReader(f))
    assert [x["institution_id"] for x in rows] == [w["institution_id"] for w in written]
    assert rows[0]["active"] is True and rows[0]["opened_on"] == "2020-01-01"


@pytest.mark.parametrize(("path", "said"), [
    ("/api/v1/datasets/nope/tables/institutions", "nope"),
    ("/api/v1/datasets/baoshan/tables/nope", "known: streets"),
    ("/api/v1/datasets/baoshan/tables/centers", "centers"),
    ("/api/v1/datasets/baoshan/tables/institutions?page=1", "pages 0 to 0"),
    ("/api/v1/datasets/baoshan/streets.geojson", "streets.geojson"),
])
def test_what_is_not_there_is_named(c: TestClient, path: str, said: str) -> None:
    r = c.get(path)
    assert r.status_code == 404 and said in r.json()["message"]


def test_the_working_calendar_of_a_year(c: TestClient) -> None:
    days = {d["date"]: d for d in c.get("/api/v1/datasets/baoshan/calendar?year=2027").json()}
    assert days["2027-10-01"]["kind"] == "holiday"  # National Day
    assert days["2027-01-01"]["kind"] == "holiday" and "2027-03-08" not in days
    assert all(d.startswith("2027-") for d in days)
    assert c.get("/api/v1/datasets/baoshan/calendar?year=1999").status_code == 422


def test_a_months_state_and_a_month_that_is_not_one(c: TestClient) -> None:
    state = c.get("/api/v1/datasets/baoshan/rosters/2027-05").json()
    assert state["month"] == "2027-05" and state["published"] is False
    r = c.get("/api/v1/datasets/baoshan/rosters/2027-13")
    assert r.status_code == 422 and "YYYY-MM" in r.json()["message"]


def test_the_cycle_is_refused_in_order(c: TestClient) -> None:
    base = "/api/v1/datasets/baoshan/rosters/2027-04"
    r = c.post(f"{base}/seed", json={"numbers": "01 02 03"})
    assert r.status_code == 409 and r.json()["reason"] == "roster.no_commitment"
    assert c.post(f"{base}/commit", json=LOTTERY).status_code == 200
    again = c.post(f"{base}/commit?lang=en", json=LOTTERY)
    assert again.status_code == 409 and again.json()["reason"] == "roster.commit_needs_reason"
    assert "reason" in again.json()["message"].lower()
    state = c.get(base).json()
    assert len(state["commitments"]) == 1  # the refusal stored nothing
    bad = c.post(f"{base}/seed", json={"numbers": "not numbers"})
    assert bad.status_code == 422 and bad.json()["error"] == "bad_value"
    r = c.post("/api/v1/datasets/baoshan/rosters/2028-01/reveal")  # today: 2027-12-31
    assert r.status_code == 409 and r.json()["reason"] == "roster.month_not_done"
    r = c.post("/api/v1/datasets/baoshan/rosters/2027-02/reveal")
    assert r.status_code == 409 and r.json()["reason"] == "roster.reveal_nothing"
