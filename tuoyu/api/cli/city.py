"""``tuoyu city``: many districts at once, each district's plans as tasks on Dask.

Options -> one :class:`District` per ``--data`` folder (named after the folder) with
its roster history from the store -> ``tuoyu.planning.city.run_city`` on a local Dask
cluster (or ``--scheduler``) -> as each district finishes, its files are written on
this machine into ``OUT/<district>/`` through ``runner.deliver_each`` (staged, its
roster stored as the month's draft, then published in one step) -> ``OUT/city_summary.csv`` and ``.xlsx``. A district that fails says
why (in Chinese by default) and the others go on; exit 2 when any failed.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import typer

from tuoyu.api.cli.common import (
    LANG_OPTION,
    fail,
    forgotten_meanwhile,
    help_of,
    make_params,
    note_folder,
    output_failure,
)
from tuoyu.api.text import Lang, label, message
from tuoyu.planning import registry
from tuoyu.planning.city import CityPlan, District, DistrictResult, Failure, district_names
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import AnyParams


def districts_of(folders: Sequence[Path], params: Sequence[AnyParams],
                 engine: Any, lang: Lang) -> list[District]:
    """A district per folder (the same folder given twice: once), with what its roster
    needs from the store (as ``tuoyu roster`` reads it), or why its roster is refused
    (its month is published: a redraw needs ``tuoyu roster --redraw-reason``)."""
    from tuoyu.api import store

    unique: list[Path] = []
    for f in folders:
        if any(f.resolve() == u.resolve() for u in unique):
            typer.echo(message("city.folder_twice", {"folder": str(f)}, lang), err=True)
            continue
        unique.append(f)
    out = []
    for name, folder in zip(district_names(unique), unique, strict=True):
        dataset = Dataset.at(folder)
        inputs: dict[str, dict[str, Any]] = {}
        refused: dict[str, Failure] = {}
        for p in params:
            gather = registry.planner(p.kind).hook("inputs")
            if gather is None:
                continue
            try:
                _same, inputs[p.kind] = gather(dataset, p, engine=engine)
            except store.RosterStateError as exc:
                refused[p.kind] = Failure(exc.code, dict(exc.params))
        out.append(District(name, dataset, inputs, refused))
    return out


class CityWriter:
    """Called as each district finishes: deliver its plans into ``OUT/<district>/``
    (:func:`tuoyu.api.runner.deliver_each`: files staged, plans stored, the folder
    published in one step), print a line per planner, advance the progress bar."""

    def __init__(self, out: Path, engine: Any, districts: Sequence[District], lang: Lang,
                 bar: Any, task: Any) -> None:
        self.out, self.engine, self.lang, self.bar, self.task = out, engine, lang, bar, task
        self.datasets = {d.name: d.dataset for d in districts}
        self.errors: dict[tuple[str, str], str] = {}

    def deliver(self, name: str, results: tuple[DistrictResult, ...]) -> None:
        """Deliver a district's plans; what fails is kept in ``errors`` by (district,
        planner)."""
        from tuoyu.api import runner, store
        from tuoyu.api.exports.output import OutputError

        folder = self.out / name
        plans = [r.plan for r in results if r.ok and r.plan is not None]
        if not plans:
            return
        try:
            outcome = runner.deliver_each(plans, folder, dataset=self.datasets[name],
                                          engine=self.engine, lang=self.lang)
        except (OutputError, OSError) as exc:
            text = output_failure(exc, folder, self.lang)
            self.errors.update({(name, p.kind): text for p in plans})
            return
        for plan in plans:
            saved = outcome.get(plan.kind)
            if isinstance(saved, store.RosterStateError):
                self.errors[name, plan.kind] = runner.state_error_text(saved, self.lang)
            else:  # as the single-district commands do: pages, scorecard, forget-families
                note_folder(plan, folder / plan.kind, self.datasets[name], self.engine,
                            self.lang)
                if forgotten_meanwhile(plan, folder / plan.kind, self.datasets[name],
                                       self.engine):
                    self.errors[name, plan.kind] = message("cli.forget.meanwhile", {},
                                                           self.lang)

    def __call__(self, name: str, results: tuple[DistrictResult, ...]) -> None:
        from tuoyu.api.exports.city import district_line

        self.deliver(name, results)
        for r in results:
            line = district_line(r, self.lang)
            if (name, r.kind) in self.errors:
                line = message("city.district.failed", {
                    "district": name, "planner": "", "reason": self.errors[name, r.kind]},
                    self.lang)
            if self.bar.disable:
                typer.echo(line)
            else:
                self.bar.console.print(line, markup=False, highlight=False)
        self.bar.advance(self.task)


def _client(scheduler: str | None, lang: Lang) -> Any:
    """The client of a real cluster (``--scheduler``), or None for a local one."""
    if scheduler is None:
        return None
    from distributed import Client

    try:
        return Client(scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        fail([message("city.scheduler", {"address": scheduler, "reason": str(exc)}, lang)], lang)


def _plan_city(districts: list[District], params: list[AnyParams], client: Any,
               writer_of: Any, lang: Lang) -> tuple[CityPlan, CityWriter]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from tuoyu.planning.city import local_workers, run_city

    tasks = sum(1 for d in districts for p in params if p.kind not in d.refused)
    where = (str(client.scheduler.address) if client is not None else
             message("city.local_cluster", {"workers": local_workers(tasks)}, lang))
    typer.echo(message("city.start", {"districts": len(districts), "tasks": tasks,
                                      "where": where}, lang))
    console = Console(stderr=True)
    with Progress(TextColumn(message("city.progress", None, lang)), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                  disable=not console.is_terminal) as bar:
        task = bar.add_task("city", total=len(districts))
        writer: CityWriter = writer_of(bar, task)
        city = run_city(districts, params, client=client, progress=writer)
    return city, writer


def city(data: list[Path], out: Path, scheduler: str | None, time_limit: float, workers: int,
         lang: str, **values: Any) -> None:
    """在 Dask 上同时规划多个区：每个区的月度检查排班（加 --year 还有指导活动日历，
    加 --years 还有托班选址）。 Plan many districts at once on Dask: every district's
    month roster (with --year also its session calendar, with --years its siting).

    Writes OUT/<district>/roster/, sessions/, siting/ as the single-district
    commands write them (each district published in one step when it is done)
    and OUT/city_summary.csv and .xlsx: one row per district and planner.

    Store: each roster is planned from its district's history in the store
    (keyed by its data folder, as tuoyu roster does) and stored as the month's
    DRAFT; publish it per district with tuoyu roster publish.

    A district that fails (bad input, rules that clash, a crash) says why and
    the others go on. Exit code 0: every plan made; 2: a district failed.
    Ctrl-C cancels what still runs and closes the cluster (exit 130).
    """
    from tuoyu.api import store

    language: Lang = lang  # type: ignore[assignment]  (checked by its option)
    if not data:
        fail([message("city.no_data", None, language)], language)
    params: list[AnyParams] = [
        make_params(p.params, language, **{o.name: values[o.name] for o in p.options},
                    time_limit=time_limit, workers=workers)
        for p in registry.planners()
        if p.city_always or (p.options and values[p.options[0].name] is not None)]
    from tuoyu.api.exports.output import OutputError, claim

    stack = ExitStack()
    try:  # the run holds OUT: a second city run into it stops at once
        stack.enter_context(claim(out))
    except OutputError as exc:
        fail([output_failure(exc, out, language)], language)
    with stack:
        engine = store.engine()
        districts = districts_of(data, params, engine, language)
        client = _client(scheduler, language)
        try:
            city, writer = _plan_city(
                districts, params, client,
                lambda bar, task: CityWriter(out, engine, districts, language, bar, task), language)
        except KeyboardInterrupt:
            typer.echo(message("city.interrupted", None, language), err=True)
            raise typer.Exit(130) from None
        finally:
            if client is not None:
                client.close()
        _summary(city, districts, writer, out, language)
        if any(r.kind == "roster" and r.ok for r in city.results):
            typer.echo(message("city.drafts", {"month": params[0].month}, language))  # type: ignore[union-attr]
        failed = [d for d in city.districts
                  if d in city.failed or any(k[0] == d for k in writer.errors)]
        if failed:
            typer.echo(message("city.some_failed", {"failed": len(failed), "names": failed},
                               language), err=True)
            raise typer.Exit(2)
        typer.echo(message("city.all_ok", {"districts": len(city.districts)}, language))


def _summary(city: CityPlan, districts: Sequence[District], writer: CityWriter, out: Path,
             lang: Lang) -> None:
    """Write the city summary (the districts' folders are written: a failure says so)."""
    from tuoyu.api.exports.city import summary_rows, write_summary

    folders = {d.name: str(d.dataset.folder) for d in districts}
    try:
        write_summary(summary_rows(city.results, folders, writer.errors, lang), out, lang)
    except OSError as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        typer.echo(message("city.summary_error", {"path": str(out), "reason": reason}, lang),
                   err=True)
        raise typer.Exit(2) from None
    typer.echo(message("city.written", {"out": str(out)}, lang))


def register(app: typer.Typer) -> None:
    """Add ``tuoyu city``, with every planner's options: a planner's key option
    (its first) says to plan it (required for a planner planned always)."""
    from tuoyu.api.cli.all import option_parameter, planner_options

    keyword = inspect.Parameter.KEYWORD_ONLY
    keys = {p.options[0].name: p for p in registry.planners() if p.options}
    planned: list[inspect.Parameter] = []
    for option in planner_options().values():
        planner = keys.get(option.name)
        if planner is None:  # not a key: the value of tuoyu all
            planned.append(option_parameter(option, option.default))
        elif planner.city_always:
            planned.append(inspect.Parameter(
                option.name, keyword, annotation=option.type,
                default=typer.Option(..., help=help_of(option.help))))
        else:
            planned.append(inspect.Parameter(
                option.name, keyword, annotation=option.type | None,
                default=typer.Option(None, help=message("cli.city.also", {
                    "planner": label(f"{planner.kind}.name", "zh"),
                    "help": help_of(option.help)}, "zh"))))

    def command(**values: Any) -> None:
        fixed = [values.pop(k) for k in ("data", "out", "scheduler", "time_limit", "workers",
                                         "lang")]
        city(*fixed, **values)

    command.__doc__ = city.__doc__
    command.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter("data", keyword, annotation=list[Path], default=typer.Option(
            [], "--data", help=help_of("cli.help.city.data"))),
        *planned,
        inspect.Parameter("out", keyword, annotation=Path, default=typer.Option(
            Path("out/city"), help=help_of("cli.help.city.out"))),
        inspect.Parameter("scheduler", keyword, annotation=str | None, default=typer.Option(
            None, help=help_of("cli.help.city.scheduler"))),
        inspect.Parameter("time_limit", keyword, annotation=float, default=typer.Option(
            60.0, help=help_of("cli.help.city.time_limit"))),
        inspect.Parameter("workers", keyword, annotation=int, default=typer.Option(
            1, help=help_of("cli.help.city.workers"))),
        inspect.Parameter("lang", keyword, annotation=str, default=LANG_OPTION),
    ])
    app.command("city")(command)
