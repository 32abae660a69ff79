"""The one list of planners: one :class:`Planner` entry each, and nothing else in the
project lists them. Every face derives what it shows from here: the plan kinds, the
parameters of a kind (the service's job bodies, the worker), the command line's
commands, ``tuoyu all`` and ``tuoyu city``, the message catalogue, the upload's table
groups, the pages.

An entry names the modules of its faces by their import path (``"pkg.mod"``) or a
function in one (``"pkg.mod:function"``) and never imports them: the planning layer
stays free of the faces above it, and ``tuoyu --help`` imports no solver. A fourth
planner is its folders (models, optimizer, planning, api/exports, api/cli, api/text)
and one :func:`register` call below; a test registers a toy planner the same way
(:func:`registered`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tuoyu.models.schema import ROSTER_TABLES, SESSION_TABLES, SITING_TABLES, VISIT_TABLES
from tuoyu.planning.params import (
    PlannerParams,
    RosterParams,
    SessionParams,
    SitingParams,
    VisitParams,
)


@dataclass(frozen=True)
class Option:
    """An option that ``tuoyu all`` and ``tuoyu city`` give a planner: ``--name`` sets
    the parameter ``name``. ``default`` is ``tuoyu all``'s value (None: the parameter's
    own default); ``help`` is the catalogue code of its help text (``tuoyu.api.text``)."""

    name: str
    type: type
    default: Any
    help: str


@dataclass(frozen=True)
class Page:
    """A planner's web page: its route, its file ``api/web/<name>.html`` (and
    ``static/<name>.js``), the key of its title in the pages' dictionary and the
    Chinese title the server writes."""

    route: str
    name: str
    title_key: str
    title: str
    leaflet: bool = False  # the page draws a map (the vendored Leaflet is loaded)
    nav: str = ""  # its link in the pages' shared header (Chinese; "" = the title)


@dataclass(frozen=True)
class Planner:
    """One planner, as every face needs it.

    - ``kind``: its name (``Plan.kind``, the job kind, the command, the out folder).
    - ``params``: its typed parameters (``kind: Literal[<kind>]`` first).
    - ``planning``: the module with ``run(dataset, params, *, stop, progress, **inputs)
      -> Plan``.
    - ``tables``: the contract's tables it reads (one upload group).
    - ``exporter``: the module with ``write_plan(plan, folder, lang)``.
    - ``messages``: the module with its ``MESSAGES`` (``CODE: (zh, en)``), among them
      ``<kind>.name``, its name.
    - ``command``: the module with ``register(app)`` adding its commands.
    - ``options``: what ``tuoyu all`` and ``tuoyu city`` ask of it; the first is its
      key: ``tuoyu city`` plans it when the key is given (always, and the key required,
      when ``city_always``).
    - ``inputs``: ``"mod:function"`` giving what ``run`` needs besides the tables
      (``(dataset, params, *, engine, previous) -> (params, kwargs)``): a roster its
      stored history; None: nothing.
    - ``save``: ``"mod:function"`` storing a delivered plan (``(plan, dataset,
      engine)``) after its files are staged and before they are published; None:
      nothing is stored.
    - ``check``: ``"mod:function"`` the service calls before queueing a job
      (``(state, dataset_row, params)``), raising its refusal; None: the parameters
      suffice.
    - ``replan_file``: the file of a finished plan a re-plan from a date starts from;
      None: the plan cannot be re-planned.
    - ``page``: its web page, or None.
    - ``maximise``: its objective is maximised (its bound an upper bound; a soft goal
      with a positive weight a reward); False: minimised (every goal a cost).
    - ``personal_data``: its plans name people who are not staff (families): their
      results and files are for the planner role only, and a job's message never
      quotes its findings.
    - ``sealed_until``: ``"mod:function"`` giving, from a job's parameters, the last day
      its plan's visits may happen: an unannounced plan (双随机) whose results and files
      are for the planner role only until that day is past (the office's today); None:
      readable by a viewer at once.
    - ``example``: the parameters of the job example on the API page,
      ``example_title`` its title there, ``job_doc`` the description of its job body.
    """

    kind: str
    params: type[PlannerParams]
    planning: str
    tables: tuple[str, ...]
    exporter: str
    messages: str
    command: str
    options: tuple[Option, ...] = ()
    city_always: bool = False
    inputs: str | None = None
    save: str | None = None
    check: str | None = None
    replan_file: str | None = None
    page: Page | None = None
    maximise: bool = False
    personal_data: bool = False
    sealed_until: str | None = None
    example: Mapping[str, Any] = field(default_factory=dict)
    example_title: str = ""
    job_doc: str = ""

    def __post_init__(self) -> None:
        declared = self.params.model_fields["kind"].default
        if declared != self.kind:
            raise ValueError(f"{self.params.__name__}.kind is {declared!r}, not {self.kind!r}")

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """Call the planning layer's ``run`` of this planner."""
        return importlib.import_module(self.planning).run(*args, **kwargs)

    def module(self, which: str) -> Any:
        """One of the modules the entry names: ``exporter``, ``messages``, ``command``."""
        return importlib.import_module(getattr(self, which))

    def hook(self, which: str) -> Callable[..., Any] | None:
        """One of the entry's functions (``inputs``, ``save``, ``check``,
        ``sealed_until``), or None."""
        ref = getattr(self, which)
        if ref is None:
            return None
        mod, _, name = ref.partition(":")
        return getattr(importlib.import_module(mod), name)  # type: ignore[no-any-return]


_PLANNERS: dict[str, Planner] = {}


def register(planner: Planner) -> Planner:
    """Add a planner (its kind must be new)."""
    if planner.kind in _PLANNERS:
        raise ValueError(f"planner {planner.kind!r} registered twice")
    _PLANNERS[planner.kind] = planner
    return planner


@contextmanager
def registered(planner: Planner) -> Iterator[Planner]:
    """A planner registered for the time of a block (a test's toy planner)."""
    register(planner)
    try:
        yield planner
    finally:
        _PLANNERS.pop(planner.kind, None)


def planners() -> tuple[Planner, ...]:
    """Every planner, in the order registered (the order of ``tuoyu all``)."""
    return tuple(_PLANNERS.values())


def kinds() -> tuple[str, ...]:
    return tuple(_PLANNERS)


def maximises(kind: str) -> bool:
    """Is the objective of plans of ``kind`` maximised (False for an unknown kind)?"""
    found = _PLANNERS.get(kind)
    return bool(found and found.maximise)


def planner(kind: str) -> Planner:
    """The planner of a kind; KeyError naming the known ones when there is none."""
    try:
        return _PLANNERS[kind]
    except KeyError:
        raise KeyError(f"unknown plan kind {kind!r}; known: {', '.join(_PLANNERS)}") from None


def params_of(kind: str) -> type[PlannerParams]:
    return planner(kind).params


def table_groups() -> tuple[tuple[str, ...], ...]:
    """The tables each planner reads (the groups an upload is checked by)."""
    return tuple(p.tables for p in _PLANNERS.values())


register(Planner(
    kind="roster",
    params=RosterParams,
    planning="tuoyu.planning.roster",
    tables=ROSTER_TABLES,
    exporter="tuoyu.api.exports.roster",
    messages="tuoyu.api.text.roster",
    command="tuoyu.api.cli.roster",
    options=(Option("month", str, "2027-01", "cli.option.month"),
             Option("seed", int, None, "cli.option.seed")),
    city_always=True,
    inputs="tuoyu.api.runner:roster_run_inputs",
    save="tuoyu.api.runner:save_roster",
    check="tuoyu.api.service.routes_jobs:check_roster_state",
    replan_file="roster.csv",
    sealed_until="tuoyu.planning.roster:last_day",
    page=Page("/roster", "roster", "title_roster", "月度检查排班（双随机）", nav="月度检查排班"),
    example={"month": "2027-03", "seed": 42},
    example_title="月度检查排班 / a month's roster",
    job_doc="A month's inspection roster (双随机).",
))
register(Planner(
    kind="sessions",
    params=SessionParams,
    planning="tuoyu.planning.sessions",
    tables=SESSION_TABLES,
    exporter="tuoyu.api.exports.sessions",
    messages="tuoyu.api.text.sessions",
    command="tuoyu.api.cli.sessions",
    options=(Option("year", int, 2027, "cli.option.year"),),
    inputs="tuoyu.api.runner:sessions_run_inputs",
    replan_file="sessions.csv",
    page=Page("/calendar", "calendar", "title_calendar", "年度指导活动日历"),
    example={"year": 2027},
    example_title="年度指导活动日历 / the year's calendar",
    job_doc="A year's guidance-session calendar (or its re-plan from ``from_date``).",
))
register(Planner(
    kind="siting",
    params=SitingParams,
    planning="tuoyu.planning.siting",
    tables=SITING_TABLES,
    exporter="tuoyu.api.exports.siting",
    messages="tuoyu.api.text.siting",
    command="tuoyu.api.cli.siting",
    options=(Option("years", str, "2027-2029", "cli.option.years"),),
    check="tuoyu.api.service.routes_jobs:refuse_steering_clashes",
    page=Page("/map", "map", "title_map", "公办托班选址地图", leaflet=True, nav="选址地图"),
    maximise=True,
    example={"years": "2027-2029", "classes_per_year": "5-8"},
    example_title="公办托班选址 / siting new classes",
    job_doc="New public nursery classes over the years.",
))
register(Planner(
    kind="visits",
    params=VisitParams,
    planning="tuoyu.planning.visits",
    tables=VISIT_TABLES,
    exporter="tuoyu.api.exports.visits",
    messages="tuoyu.api.text.visits",
    command="tuoyu.api.cli.visits",
    options=(Option("week", str, "2027-03-01", "cli.option.week"),),
    inputs="tuoyu.api.visits_inputs:run_inputs",
    replan_file="visits.csv",
    personal_data=True,
    page=Page("/visits", "visits", "title_visits", "新生儿家庭上门指导", leaflet=True,
              nav="上门指导"),
    example={"week": "2027-03-01"},
    example_title="新生儿家庭上门指导 / a week of home visits",
    job_doc="A week of home guidance visits to newborn families, routed (or its re-plan "
            "from ``from_date``).",
))
