"""A dataset check runs apart from the service, within a memory bound, and its reply
lists a bounded number of problems with their count."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from api_support import DATA, ROSTER_FILES, client, upload, zip_bytes

from tuoyu.api.service.datasets import validate_apart
from tuoyu.models.errors import DataError


def test_a_check_over_its_memory_is_refused_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    for name in ROSTER_FILES:
        shutil.copy(DATA / name, folder / name)
    assert validate_apart(folder)["institutions"] > 0  # fits the default bound
    with pytest.raises(DataError) as err:
        validate_apart(folder, memory=64 * 2**20)
    assert "too large to check" in err.value.problems[0].message


def test_a_reply_lists_at_most_200_problems_and_counts_them_all(tmp_path: Path) -> None:
    rows = ["institution_id,name,street_id,lon,lat,kind"]
    rows += [f"I{i},n,nowhere{i},abc,31.3,childcare_center" for i in range(600)]
    data = zip_bytes(names=tuple(n for n in ROSTER_FILES if n != "institutions.csv"),
                     extra={"baoshan/institutions.csv": ("\n".join(rows) + "\n").encode()})
    with client(tmp_path, start_jobs=False) as c:
        r = upload(c, data)
        assert r.status_code == 422
        body = r.json()
        assert len(body["problems"]) == 200 and body["problem_count"] >= 600


def test_a_dataset_name_is_bounded(tmp_path: Path) -> None:
    with client(tmp_path, start_jobs=False) as c:
        r = upload(c, zip_bytes(names=ROSTER_FILES), name="x" * 1_000_000)
        assert r.status_code in (413, 422)
        r = upload(c, zip_bytes(names=ROSTER_FILES), name="x" * 201)
        assert r.status_code == 422 and r.json()["problems"][0]["column"] == "name"


def test_the_service_answers_while_an_upload_is_checked(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """While an upload is unpacked and checked (held here until released), the health
    check is answered: the check runs off the event loop, never freezing the service."""
    import threading

    from tuoyu.api.service import datasets as ds

    entered, release, left = threading.Event(), threading.Event(), threading.Event()
    real = ds.ingest

    def held(*args: object, **kw: object) -> object:
        entered.set()
        release.wait(20)
        left.set()
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(ds, "ingest", held)
    with client(tmp_path, start_jobs=False) as c:
        replies: list[int] = []
        sender = threading.Thread(
            target=lambda: replies.append(upload(c, zip_bytes(names=ROSTER_FILES)).status_code))
        sender.start()
        assert entered.wait(30), "the upload never reached its check"
        health = c.get("/api/v1/health")
        answered_while_held = not left.is_set()
        release.set()
        sender.join(60)
    assert health.status_code == 200 and answered_while_held
    assert replies == [201]
