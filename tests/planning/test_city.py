"""Many districts at once (``tuoyu.planning.city``) on a small in-process Dask cluster:
every district gets the roster its single-district planner makes with the same seed, a
broken district says where its input is wrong while the others are planned, and a Plan
travels between processes whole."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from city_support import broken, generated
from roster_check import check_roster

from tuoyu.data import BUNDLED
from tuoyu.models.inspection import load_inspection_data
from tuoyu.optimizer.solve import Stop
from tuoyu.planning import roster
from tuoyu.planning.city import (
    District,
    Failure,
    district_names,
    local_client,
    plan_district,
    run_city,
)
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import RosterParams

PARAMS = RosterParams(month="2027-03", time_limit=60, workers=1)


@pytest.fixture(scope="module")
def client():
    with local_client(2, processes=False) as c:
        yield c


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("city")
    gen = generated(root / "north")
    return {"baoshan": BUNDLED, "north": gen, "broken": broken(gen, root / "broken")}


@pytest.fixture(scope="module")
def city(client, folders):
    seen: list[tuple[str, tuple]] = []
    districts = [District(name, Dataset.at(folder)) for name, folder in folders.items()]
    plan = run_city(districts, [PARAMS], client=client,
                    progress=lambda name, results: seen.append((name, results)))
    return plan, seen


def test_every_good_district_gets_its_own_single_district_roster(city, folders):
    plan, _ = city
    for name in ("baoshan", "north"):
        (result,) = plan.of(name)
        assert result.ok and result.plan is not None, result.failure
        alone = roster.run(Dataset.at(folders[name]), PARAMS.model_copy(update={"workers": 8}))
        assert result.plan.rows == alone.rows  # the same draw and teams, any thread count
        data = load_inspection_data(folders[name])
        assert check_roster([dict(r) for r in result.plan.rows], data, 2027, 3) == []
    assert plan.of("baoshan")[0].plan.rows != plan.of("north")[0].plan.rows


def test_a_broken_district_says_where_and_the_others_are_planned(city):
    plan, _ = city
    (result,) = plan.of("broken")
    assert not result.ok and result.plan is None
    assert result.failure is not None and result.failure.code == "city.data_error"
    (problem,) = result.failure.problems
    assert (problem.file, problem.row, problem.column, problem.got) == (
        "institutions.csv", 4, "risk", "extreme")
    assert plan.failed == ("broken",)
    assert not plan.ok


def test_results_come_in_the_given_order_and_each_district_is_reported_once(city):
    plan, seen = city
    assert plan.districts == ("baoshan", "north", "broken")
    assert [(r.district, r.kind) for r in plan.results] == [
        ("baoshan", "roster"), ("north", "roster"), ("broken", "roster")]
    assert sorted(name for name, _ in seen) == ["baoshan", "broken", "north"]
    for name, results in seen:
        assert [r.district for r in results] == [name]


def test_a_plan_with_its_detail_travels_between_processes(city):
    plan, _ = city
    result = plan.of("baoshan")[0]
    back = pickle.loads(pickle.dumps(result))
    assert back.plan.rows == result.plan.rows and back.plan.params == result.plan.params
    assert back.plan.detail.result.rows == result.plan.detail.result.rows
    assert back.plan.findings == result.plan.findings


def test_a_refused_planner_is_not_run_and_says_why(client):
    why = Failure("roster.redraw_needs_reason", {"month": "2027-03"})
    district = District("baoshan", Dataset.at(BUNDLED), refused={"roster": why})
    plan = run_city([district], [PARAMS], client=client)
    (result,) = plan.results
    assert result.failure == why and result.plan is None


def test_a_stop_before_anything_finished_cancels_every_planner(client, folders):
    stop = Stop()
    stop.set()
    districts = [District(n, Dataset.at(folders[n])) for n in ("baoshan", "north")]
    plan = run_city(districts, [PARAMS], client=client, stop=stop)
    assert [r.failure.code for r in plan.results] == ["city.cancelled", "city.cancelled"]


def test_a_crash_is_a_failure_not_an_exception():
    result = plan_district("x", "no_such_planner", Dataset.at(BUNDLED), PARAMS, {})
    assert result.failure is not None and result.failure.code == "city.crash"
    # an unknown planner is not in the registry: the lookup's error, said as a failure
    assert result.failure.params["type"] == "KeyError"


def test_district_names_come_from_folders_and_stay_apart(tmp_path):
    folders = [tmp_path / "a" / "baoshan", tmp_path / "b" / "baoshan", tmp_path / "pudong",
               tmp_path / "c" / "baoshan"]
    assert district_names(folders) == ["baoshan", "baoshan-2", "pudong", "baoshan-3"]
    assert district_names(folders) == district_names(folders)  # the same every time
    # a folder really named like a de-duplicated name keeps its name
    clash = [tmp_path / "a" / "x", tmp_path / "b" / "x", tmp_path / "x-2"]
    names = district_names(clash)
    assert len(set(names)) == 3 and names[2] == "x-2"


def _watched(event_name: str) -> int:
    from tuoyu.planning.city import _stop_on

    with _stop_on(event_name):
        return 1


def test_a_city_that_ends_logs_no_traceback() -> None:
    """Each district's stop watcher waits on the city's event; the wait under way when
    the cluster closed was logged by the scheduler as an ERROR with a traceback
    ("distributed.event - ERROR … CancelledError") after every city run, even one whose
    only district failed on its input."""
    import logging
    import uuid

    from distributed import Event

    seen: list[logging.LogRecord] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = seen.append  # type: ignore[method-assign]
    logging.getLogger("distributed.event").addHandler(handler)
    try:
        with local_client(1, processes=False) as own:
            name = f"tuoyu-test-{uuid.uuid4().hex}"
            Event(name, client=own)
            assert own.submit(_watched, name, pure=False).result() == 1
    finally:
        logging.getLogger("distributed.event").removeHandler(handler)
    assert [r.getMessage() for r in seen] == []
