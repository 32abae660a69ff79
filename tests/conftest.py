"""Shared test settings. Hypothesis runs derandomized (the same examples every run, on
every machine), so a property either holds for the suite's examples or fails every time:
never a test that passes only sometimes. Set TUOYU_HYPOTHESIS=explore to search anew."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# The suite starts many Python processes (pytest-xdist's workers, the command line, the
# service and its job workers). Where the environment sets PYTHONDONTWRITEBYTECODE (this
# workplace's machines do), every one of them compiled tuoyu from source again and pytest
# rewrote every test module again: about 8 CPU-s per test process before its first test.
# The suite's processes keep Python's ordinary bytecode cache (__pycache__, ignored by git).
# The README's test command installs with `pip install --no-compile` (pip compiled every
# module of every package, about 30 s of the install): the modules the tests import are
# compiled once, by the first process that imports them, and cached here.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

# test helper modules (roster_check, siting_fixtures, api_support) import from tests/
sys.path.insert(0, str(Path(__file__).resolve().parent))

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("TUOYU_HYPOTHESIS", "ci"))

# The bundled timeline plans 2027, ahead of the machine's date: outcomes of its visits
# are recorded as if it were the end of 2027 (tests of the date check set their own).
os.environ.setdefault("TUOYU_TODAY", "2027-12-31")
# The service's workers and checks at normal priority: under SCHED_IDLE (the service's
# default) they get a core only while the other test process leaves one free, and the
# browser and service tests waited minutes for it (test_workers checks the default).
os.environ.setdefault("TUOYU_WORKER_PRIORITY", "normal")


def pytest_configure(config: pytest.Config) -> None:
    """Every test process (each pytest-xdist worker too) gets its own data root: a test
    that does not set TUOYU_HOME writes there, never into ./tuoyu_home of the checkout
    nor into another worker's store."""
    home = tempfile.mkdtemp(prefix="tuoyu-test-home-")
    config.stash[_HOME] = home
    os.environ["TUOYU_HOME"] = home


def pytest_unconfigure(config: pytest.Config) -> None:
    home = config.stash.get(_HOME, None)
    if home:
        shutil.rmtree(home, ignore_errors=True)


_HOME = pytest.StashKey[str]()


def work_unit(nodeid: str) -> str:
    """The work unit of a test under ``pytest -n 2`` (the README's command): the tests
    that empty the shared PostgreSQL schema (each has "postgres" in its name) run one
    after another in one worker; so do all the browser tests (they share the session's
    server, browser and uploaded district); any other test runs in the worker of its
    module (a module fixture, a solved plan or a started service, is made once)."""
    path, _, name = nodeid.partition("::")
    if "postgres" in name:
        return "postgres"
    return "browser" if path.startswith("tests/api/web/") else path


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """pytest-xdist's scheduler by scope, the scopes being :func:`work_unit` (its own
    ``--dist loadgroup`` marks do not take under pytest 9)."""
    from xdist.scheduler import LoadScopeScheduling

    config.option.loadscopereorder = False  # in the order of pytest_collection_modifyitems

    class ByWorkUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return ByWorkUnit(config, log)


#: work units that take longest (tens of seconds each on 2 cores, docs/benchmarks/tests.md),
#: started first after the browser tests so that neither worker is left with one of them
#: at the end while the other has nothing to do; a unit not named here keeps its place
LONG_UNITS = (
    "tests/api/service/test_jobs.py",
    "tests/optimizer/sessions/test_solve.py",
    "tests/optimizer/sessions/test_sessions_heldout.py",
    "tests/api/service/test_api_flow.py",
    "tests/api/service/test_hostile_requests.py",
    "tests/api/service/test_datasets.py",
    "tests/api/service/test_api_visits.py",
    "tests/optimizer/siting/test_highs.py",
    "tests/optimizer/sessions/test_sessions_even_cost.py",
    "tests/optimizer/sessions/test_sessions_even_year.py",
    "tests/api/exports/test_workbooks_print.py",
    "tests/api/cli/test_roster_replan_cli.py",
    "tests/api/cli/test_roster_publish.py",
    "tests/packaging/test_wheel.py",
)


def unit_rank(nodeid: str) -> int:
    """Where a test's work unit starts under pytest-xdist: the browser tests first (the
    longest unit), then :data:`LONG_UNITS` in their order, then the service's other
    tests, then everything else in collection order (a stable sort keeps a unit whole)."""
    unit = work_unit(nodeid)
    if unit == "browser":
        return 0
    if unit in LONG_UNITS:
        return 1 + LONG_UNITS.index(unit)
    return 1 + len(LONG_UNITS) + (0 if unit.startswith("tests/api/service/") else 1)


def unique_nodeids(items: list[pytest.Item]) -> None:
    """Give each test its own node id. Schemathesis names all its tests of one function
    by the function (``test_app.py::test_no_server_error`` for each of the API's
    operations); pytest-xdist keys the tests by node id, so under ``-n 2`` one of them
    ran and the other operations were silently left out (1 of 28 in the README's
    command). A test sharing its id gets its own name's (``…[GET /api/v1/datasets]``)."""
    seen: dict[str, int] = {}
    for item in items:
        seen[item.nodeid] = seen.get(item.nodeid, 0) + 1
    for item in items:
        if seen[item.nodeid] > 1 and item.parent is not None:
            item._id = item.parent.id.child(item.name)  # pytest 9's own way to name a child
    ids = [item.nodeid for item in items]
    assert len(set(ids)) == len(ids), "two tests share a node id: xdist would run one"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under its own node id (:func:`unique_nodeids`); under pytest-xdist, the
    work units longest first (:func:`unit_rank`): each worker takes the next unit when it
    is almost done with its own, so the last units to start decide how long one worker
    waits for the other; short ones keep that wait short."""
    unique_nodeids(items)
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    items.sort(key=lambda item: unit_rank(item.nodeid))
