"""``tuoyu city``'s writer delivers a district through ``runner.deliver_each``: files
staged, the roster stored, then the folder published in one step. Killed (SIGKILL)
between the store and the publish, the district's folder is still the old complete one,
and the store holds the draw that folder shows (and the new draft beside it); a refused
roster publishes no roster folder; a district folder that cannot be written stores
nothing. The district is the tiny one of ``draw_support`` (the writer's rules need no
scale: a roster on it solves in well under a second)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from draw_support import tiny_dataset
from sqlalchemy.orm import Session

from tuoyu.api import runner, store
from tuoyu.api.cli.city import CityWriter
from tuoyu.planning.city import District, DistrictResult
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import RosterParams

MONTH = "2027-03"
BAR = SimpleNamespace(disable=True, advance=lambda task: None)

#: the child: plan the month's roster with a seed and deliver it as tuoyu city does, but
#: stop for good (until killed) where the folder would be published
CHILD = """
import sys, time
from pathlib import Path
from types import SimpleNamespace
from tuoyu.api import runner, store
from tuoyu.api.cli.city import CityWriter
from tuoyu.api.exports import output
from tuoyu.planning.city import District, DistrictResult
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import RosterParams

url, out, seed, ready = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
engine = store.engine(url)
dataset = Dataset.at(Path(sys.argv[5]))
plan = runner.make_plan(dataset, RosterParams(month="2027-03", seed=seed, workers=1),
                        engine=engine)

def stuck(tmp, out_dir):
    ready.write_text("stored")
    time.sleep(600)

output.publish = stuck
writer = CityWriter(out, engine, [District("d", dataset)], "zh",
                    SimpleNamespace(disable=True, advance=lambda task: None), None)
writer("d", (DistrictResult("d", "roster", plan=plan),))
"""


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the district every test of this module plans."""
    return tiny_dataset(tmp_path_factory.mktemp("district"))


def deliver(out: Path, engine, seed: int, district: Path) -> CityWriter:
    dataset = Dataset.at(district)
    plan = runner.make_plan(dataset, RosterParams(month=MONTH, seed=seed, workers=1),
                            engine=engine)
    writer = CityWriter(out, engine, [District("d", dataset)], "zh", BAR, None)
    writer("d", (DistrictResult("d", "roster", plan=plan),))
    return writer


def folder_draw(out: Path) -> dict:
    return json.loads((out / "d" / "roster" / "draw.json").read_text(encoding="utf-8"))


def stored_seeds(engine, district: Path) -> list[int]:
    with Session(engine) as session:
        return [r.seed for r in store.month_draws(session, Dataset.at(district).key, MONTH)]


def stored_records(engine, district: Path) -> list[dict]:
    """The audit records of the month's draws the store keeps."""
    with Session(engine) as session:
        return [json.loads(r.draw_json)
                for r in store.month_draws(session, Dataset.at(district).key, MONTH)]


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.skipif(sys.platform != "linux", reason="SIGKILL of a child process")
def test_killed_between_store_and_publish_the_old_folder_stays_and_the_store_holds_it(tmp_path,
                                                                                     district):
    url = f"sqlite:///{tmp_path / 'tuoyu.sqlite'}"
    engine = store.engine(url)
    out = tmp_path / "out"
    deliver(out, engine, seed=11, district=district)
    before = files(out / "d")
    assert folder_draw(out)["seed"] == 11 and stored_seeds(engine, district) == [11]

    ready = tmp_path / "ready"
    child = subprocess.Popen([sys.executable, "-c", CHILD, url, str(out), "22", str(ready),
                              str(district)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(1200):  # the child plans, writes and stores, then waits
            if ready.exists() or child.poll() is not None:
                break
            time.sleep(0.1)
        assert ready.exists(), child.stderr.read().decode() if child.poll() is not None else ""
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()

    assert files(out / "d") == before  # the old complete folder, not half of the new one
    assert stored_seeds(engine, district) == [11, 22]  # the new draw is a draft beside it
    record = folder_draw(out)
    assert record in stored_records(engine, district)

    writer = deliver(out, engine, seed=33, district=district)  # the next run: the new folder, stored
    assert writer.errors == {}
    assert folder_draw(out)["seed"] == 33 and stored_seeds(engine, district) == [11, 22, 33]
    record = folder_draw(out)
    assert record in stored_records(engine, district)


def test_a_folder_that_cannot_be_written_stores_nothing(tmp_path, district):
    engine = store.engine(f"sqlite:///{tmp_path / 'tuoyu.sqlite'}")
    out = tmp_path / "out"
    out.mkdir()
    (out / "d").write_text("a file where the district's folder goes")
    writer = deliver(out, engine, seed=11, district=district)
    assert ("d", "roster") in writer.errors
    assert stored_seeds(engine, district) == []
    assert (out / "d").read_text() == "a file where the district's folder goes"


def test_a_roster_the_store_refuses_is_not_published(tmp_path, monkeypatch, district):
    engine = store.engine(f"sqlite:///{tmp_path / 'tuoyu.sqlite'}")
    out = tmp_path / "out"

    def refuse(*args, **kwargs):
        raise store.DrawConflict(month=MONTH, seen=0, stored=1)

    monkeypatch.setattr(runner, "save_roster", refuse)
    writer = deliver(out, engine, seed=11, district=district)
    assert ("d", "roster") in writer.errors
    assert not (out / "d" / "roster").exists()


def noted(engine, district: Path, kind: str = "roster") -> list[str]:
    return [r.folder for r in store.plan_folders(engine, Dataset.at(district).key, kind)]


def test_a_delivered_district_is_noted_where_its_plan_was_written(tmp_path, district):
    """As the single-district commands do: the pages, ``tuoyu scorecard`` and
    ``tuoyu forget-families`` find the district's plan folder through the store."""
    engine = store.engine(f"sqlite:///{tmp_path / 'tuoyu.sqlite'}")
    out = tmp_path / "out"
    deliver(out, engine, seed=11, district=district)
    assert noted(engine, district) == [str((out / "d" / "roster").resolve())]


def test_a_refused_roster_is_not_noted(tmp_path, monkeypatch, district):
    engine = store.engine(f"sqlite:///{tmp_path / 'tuoyu.sqlite'}")

    def refuse(*args, **kwargs):
        raise store.DrawConflict(month=MONTH, seen=0, stored=1)

    monkeypatch.setattr(runner, "save_roster", refuse)
    deliver(tmp_path / "out", engine, seed=11, district=district)
    assert noted(engine, district) == []
