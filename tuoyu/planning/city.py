"""Many districts at once: every district's plans as tasks on Dask distributed.

``run_city(districts, params, *, client, progress, stop) -> CityPlan`` submits one task
per district and planner (``tuoyu.planning.<kind>.run`` on the district's dataset, with
the inputs the caller gathered for it, e.g. a roster's stored history) to a Dask
cluster: a :class:`distributed.LocalCluster` of one single-threaded process per core by
default, or the ``client`` given (a real cluster). A district that fails (bad input,
rules that clash, a crash, even a worker that dies) gives a :class:`Failure` for its
planner; the others go on. ``progress`` sees each district as soon as all its planners
are done, so the caller can write its files while the rest still run.

Pure of file writing and of the store: the plans come back to the caller (whose machine
writes the files: on a real cluster the workers may be other machines). Each plan is
solved with the district's own ``SolveParams``, so a district's plan is the one its
single-district command makes with the same seed and inputs (the planners' plans do not
depend on the thread count).
"""

from __future__ import annotations

import copyreg
import logging
import os
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from tuoyu.models.errors import DataError, Problem
from tuoyu.optimizer.solve import Stop
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import AnyParams
from tuoyu.planning.plan import Plan
from tuoyu.planning.registry import planner


def _proxy(items: dict[str, Any]) -> MappingProxyType[str, Any]:
    return MappingProxyType(items)


# A Plan freezes its mappings (rows, params, findings' params) as read-only
# ``MappingProxyType`` views, which pickle cannot ship between processes by default;
# registered here so a Plan (with its ``detail``) travels from a worker to the client
# whole. Importing this module (the task function lives here) registers it on workers too.
copyreg.pickle(MappingProxyType, lambda m: (_proxy, (dict(m),)))


@dataclass(frozen=True)
class District:
    """One district: its name (unique in the city), its dataset, and per planner kind
    the extra inputs its ``run`` takes (a roster's ``history`` and ``earlier_draws``),
    or the reason it must not run (``refused``: e.g. its month is published)."""

    name: str
    dataset: Dataset
    inputs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    refused: Mapping[str, Failure] = field(default_factory=dict)


@dataclass(frozen=True)
class Failure:
    """Why a district's planner gave no plan, as a code with parameters (rendered by
    ``tuoyu.api.text``): ``city.data_error`` (with the located ``problems``),
    ``city.crash`` (an unexpected error or a lost worker), ``city.cancelled``, or a
    catalogue code given by the caller (a roster month's state)."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class DistrictResult:
    """One planner of one district: the plan (which may itself say there is none:
    status infeasible, time limit), or the failure; the task's wall seconds."""

    district: str
    kind: str
    plan: Plan | None = None
    failure: Failure | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.failure is None and self.plan is not None and self.plan.ok


@dataclass(frozen=True)
class CityPlan:
    """Every district's results, in the order the districts and planners were given."""

    results: tuple[DistrictResult, ...]
    districts: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def of(self, district: str) -> tuple[DistrictResult, ...]:
        return tuple(r for r in self.results if r.district == district)

    @property
    def failed(self) -> tuple[str, ...]:
        """The districts with a planner that gave no plan, in the given order."""
        bad = {r.district for r in self.results if not r.ok}
        return tuple(d for d in self.districts if d in bad)


CityProgress = Callable[[str, tuple[DistrictResult, ...]], None]


def district_names(folders: Sequence[Path | str]) -> list[str]:
    """A unique name per folder, from its name; folders sharing a name are told apart as
    ``name-2``, ``name-3`` … in the order given (the first keeps the plain name), so the
    same command line always gives the same names."""
    taken: set[str] = set()
    bases = [Path(f).resolve().name or "district" for f in folders]
    plain = set(bases)
    names = []
    for base in bases:
        name, n = base, 1
        while name in taken or (n > 1 and name in plain):
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        names.append(name)
    return names


@contextmanager
def _stop_on(event_name: str | None) -> Iterator[Stop | None]:
    """On a Dask worker: a stop token that is set when the city's stop event is set (a
    thread waits on it), so a cancelled city stops the solvers under way, also on the
    machines of a real cluster. None where there is no event or no worker."""
    if event_name is None:
        yield None
        return
    from distributed import Event

    event = Event(event_name)
    if event.client is None:  # not on a worker (the task called directly)
        yield None
        return
    stop, done = Stop(grace=1.0), threading.Event()

    def watch() -> None:
        while not done.is_set():
            try:
                if event.wait(timeout=1.0):
                    stop.set()
                    return
            except Exception:  # the cluster is closing: nothing left to stop
                return

    threading.Thread(target=watch, name="tuoyu-city-stop", daemon=True).start()
    try:
        yield stop
    finally:
        done.set()


def plan_district(name: str, kind: str, dataset: Dataset, params: AnyParams,
                  inputs: Mapping[str, Any], stop_event: str | None = None) -> DistrictResult:
    """The task run on a worker: one planner on one district (stopped when the city's
    ``stop_event`` is set). Never raises for the district's own problems: bad input and
    crashes come back as a :class:`Failure`."""
    t0 = time.perf_counter()
    try:
        with _stop_on(stop_event) as stop:
            plan = planner(kind).run(dataset, params, **dict(inputs), stop=stop)
    except DataError as exc:
        failure = Failure("city.data_error", problems=tuple(exc.problems))
        return DistrictResult(name, kind, failure=failure, seconds=time.perf_counter() - t0)
    except Exception as exc:  # a crash of one district must not stop the city
        failure = Failure("city.crash", {"type": type(exc).__name__, "reason": str(exc),
                                         "trace": traceback.format_exc(limit=8)})
        return DistrictResult(name, kind, failure=failure, seconds=time.perf_counter() - t0)
    return DistrictResult(name, kind, plan=plan, seconds=time.perf_counter() - t0)


def local_workers(tasks: int) -> int:
    """Worker processes of the default local cluster: one per core, at most one per task."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, tasks))


def _own_process_group_plugin() -> Any:
    """A worker plugin for the local cluster's worker processes: each leaves the
    terminal's process group, so a Ctrl-C reaches the command only, which cancels the
    tasks and closes the cluster (a SIGINT inside a worker would abort its CP-SAT search
    with a C++ error instead). Made here so that importing this module does not import
    Dask (every ``tuoyu`` command imports it)."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class OwnProcessGroup(WorkerPlugin):
        name = "tuoyu-own-process-group"

        def setup(self, worker: Any) -> None:
            with suppress(OSError):
                os.setpgid(0, 0)

    return OwnProcessGroup()


@contextmanager
def local_client(n_workers: int, *, processes: bool = True) -> Iterator[Any]:
    """A local Dask cluster (single-threaded workers: each district's solver has its own
    thread count) and its client, closed when the block ends, also on Ctrl-C."""
    # the dashboard on a free port of the loopback interface only (":0" listened on every
    # interface: anyone on the network could watch, and run, what the cluster does)
    where = {"host": "127.0.0.1"} if processes else {}  # threads: no network at all
    # a district's stop watcher waits on the city's event a second at a time; the wait
    # under way when the cluster closes is cancelled, and the scheduler (in this process)
    # logged that as an ERROR with a traceback after every run: not an error of the plans
    quiet = logging.getLogger("distributed.event")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        with _cluster(n_workers, processes, where) as client:
            yield client
    finally:
        quiet.setLevel(level)


@contextmanager
def _cluster(n_workers: int, processes: bool, where: dict[str, str]) -> Iterator[Any]:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=processes,
                      dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR,
                      **where) as cluster, \
            Client(cluster) as client:
        if processes:
            client.register_plugin(_own_process_group_plugin())
        yield client


def run_city(
    districts: Sequence[District],
    params: Sequence[AnyParams],
    *,
    client: Any = None,
    progress: CityProgress | None = None,
    stop: Stop | None = None,
) -> CityPlan:
    """Plan every district with every planner of ``params`` as Dask tasks; see the
    module. Without ``client``, a local cluster is started and closed. ``stop`` (set
    from another thread) cancels what has not finished: those planners come back as
    ``city.cancelled``. Any exception here (Ctrl-C included) cancels the outstanding
    tasks before it propagates."""
    names = [d.name for d in districts]
    if len(set(names)) != len(names):
        raise ValueError("district names must be unique")
    todo = [(d, p) for d in districts for p in params if p.kind not in d.refused]
    if client is None and todo:
        with local_client(local_workers(len(todo))) as own:
            return _run(districts, params, own, progress, stop)
    return _run(districts, params, client, progress, stop)


def _run(districts: Sequence[District], params: Sequence[AnyParams], client: Any,
         progress: CityProgress | None, stop: Stop | None) -> CityPlan:
    from distributed import Event, wait

    stop_event = f"tuoyu-city-stop-{uuid.uuid4().hex}"
    results, keys = _submit(districts, params, client, stop_event)
    pending = set(keys)
    report = _Reporter(districts, params, results, progress)
    try:
        report()
        while pending:
            if stop is not None and stop.is_set():
                break
            try:
                done, pending = wait(pending, timeout=0.5, return_when="FIRST_COMPLETED")
            except TimeoutError:
                continue
            for future in done:
                name, kind = keys[future]
                results[name, kind] = _collect(future, name, kind)
            report()
    finally:
        if pending:  # stopped, or an exception (Ctrl-C): stop the solvers, drop the rest
            with suppress(Exception):
                Event(stop_event, client=client).set()
            client.cancel(list(pending), force=True)
    for future in pending:
        name, kind = keys[future]
        results[name, kind] = DistrictResult(name, kind, failure=Failure("city.cancelled"))
    report()
    ordered = tuple(results[d.name, p.kind] for d in districts for p in params)
    return CityPlan(ordered, tuple(d.name for d in districts))


def _submit(districts: Sequence[District], params: Sequence[AnyParams], client: Any,
            stop_event: str) -> tuple[dict[tuple[str, str], DistrictResult],
                                      dict[Any, tuple[str, str]]]:
    """One task per district and planner on the cluster; a planner the district refused
    is its result at once (its failure). Returns (results so far, future -> key)."""
    results: dict[tuple[str, str], DistrictResult] = {}
    keys: dict[Any, tuple[str, str]] = {}
    for d in districts:
        for p in params:
            if p.kind in d.refused:
                results[d.name, p.kind] = DistrictResult(d.name, p.kind, failure=d.refused[p.kind])
                continue
            future = client.submit(plan_district, d.name, p.kind, d.dataset, p,
                                   dict(d.inputs.get(p.kind, {})), stop_event, pure=False,
                                   key=f"tuoyu-city-{p.kind}-{d.name}-{uuid.uuid4().hex}")
            keys[future] = (d.name, p.kind)
    return results, keys


class _Reporter:
    """Calls ``progress`` once per district, when all of its planners have a result."""

    def __init__(self, districts: Sequence[District], params: Sequence[AnyParams],
                 results: dict[tuple[str, str], DistrictResult],
                 progress: CityProgress | None):
        self.districts, self.params, self.results = districts, params, results
        self.progress = progress
        self.reported: set[str] = set()

    def __call__(self) -> None:
        for d in self.districts:
            mine = [self.results.get((d.name, p.kind)) for p in self.params]
            if d.name not in self.reported and all(mine):
                self.reported.add(d.name)
                if self.progress is not None:
                    self.progress(d.name, tuple(r for r in mine if r is not None))


def _collect(future: Any, name: str, kind: str) -> DistrictResult:
    """The task's result named for its district, or a crash when the task itself failed
    (its worker died, its result could not be sent back)."""
    try:
        return future.result()  # type: ignore[no-any-return]
    except Exception as exc:
        return DistrictResult(name, kind, failure=Failure(
            "city.crash", {"type": type(exc).__name__, "reason": str(exc), "trace": ""}))
