"""``tuoyu all``: the main job on a dataset: every registered planner's plan
(:mod:`tuoyu.planning.registry`), each in its own folder under ``--out``, with the
options each planner declares (a roster's ``--month`` and ``--seed``, …)."""

from __future__ import annotations

import inspect
import time
from pathlib import Path
from typing import Any

import typer

from tuoyu.api.cli.common import LANG_OPTION, dataset_of, help_of, make_params, plan_and_write
from tuoyu.api.text import describe
from tuoyu.planning import registry
from tuoyu.planning.registry import Option


def planner_options() -> dict[str, Option]:
    """The options of every planner, each name once (the first planner's declaration)."""
    options: dict[str, Option] = {}
    for planner in registry.planners():
        for option in planner.options:
            options.setdefault(option.name, option)
    return options


def option_parameter(option: Option, default: Any = None) -> inspect.Parameter:
    """A planner's option as a parameter of a Typer command."""
    return inspect.Parameter(
        option.name, inspect.Parameter.KEYWORD_ONLY,
        default=typer.Option(default, help=help_of(option.help)), annotation=option.type)


def run_all(data: Path | None, out: Path, lang: str, **values: Any) -> None:
    """每个规划器运行一次，写出规划人员打开的方案。 Run every planner on a dataset and
    write the plans a planner opens.

    out/roster: roster.csv, roster.xlsx, draw.json, summary.txt. out/sessions:
    sessions.csv, sessions.xlsx, .ics files. out/siting: siting.geojson, coverage.csv,
    siting.xlsx, siting_map.html. out/visits: visits.csv, coverage.csv, visits.xlsx, .ics
    files, visits_routes.geojson (family data: planners and staff only). Every
    planner's options are checked first: one refused says why and nothing is planned
    (exit 2). A planner that fails says why; the others still run (exit 2 at the end if
    any failed).
    """
    from tuoyu.api.cli.common import check_ours, fail, output_failure
    from tuoyu.api.exports.output import OutputError, claim

    dataset = dataset_of(data)
    kinds = [p.kind for p in registry.planners()]
    try:  # the whole run holds out/ and each out/<planner>: never two runs' plans mixed
        with claim(out, *(out / k for k in kinds)):
            for k in kinds:  # before anything is planned: never a planner's own files lost
                check_ours(out / k)
            _run_each(dataset, out, lang, **values)
    except OutputError as exc:
        fail([output_failure(exc, exc.path, lang)], lang)  # type: ignore[arg-type]


def _params_of_each(lang: str, **values: Any) -> dict[str, Any]:
    """Every planner's parameters, before any is planned: a careless option (a month
    2027-3 for the roster) stopped only the roster's plan, after the others had been
    solved and written for minutes. Each refused one says why; then exit 2."""
    params: dict[str, Any] = {}
    refused = False
    for planner in registry.planners():
        mine = {o.name: values[o.name] for o in planner.options}
        try:
            params[planner.kind] = make_params(planner.params, lang,  # type: ignore[arg-type]
                                               **mine)
        except typer.Exit:
            refused = True
    if refused:
        raise typer.Exit(2)
    return params


def _run_each(dataset: Any, out: Path, lang: str, **values: Any) -> None:
    params = _params_of_each(lang, **values)
    failed = False
    for planner in registry.planners():
        t0 = time.perf_counter()
        typer.echo(f"== {planner.kind} ==")
        try:
            plan_and_write(dataset, params[planner.kind], out / planner.kind,
                           lang,  # type: ignore[arg-type]
                           show=_show_of(planner, out / planner.kind))
        except typer.Exit:
            failed = True
        typer.echo(f"({planner.kind}: {time.perf_counter() - t0:.1f} s)\n")
    if failed:
        raise typer.Exit(2)


def _show_of(planner: registry.Planner, out: Path) -> Any:
    """How a planner's plan is printed: as its own command prints it (a ``show(plan,
    lang, out)`` in its command module: siting's condensed reasons, visits' overdue
    families counted), else the common description."""
    own = getattr(planner.module("command"), "show", None)
    if own is None:
        return describe
    return lambda plan, lang: own(plan, lang, out)


def register(app: typer.Typer) -> None:
    def command(**values: Any) -> None:
        run_all(values.pop("data"), values.pop("out"), values.pop("lang"), **values)

    command.__doc__ = run_all.__doc__
    keyword = inspect.Parameter.KEYWORD_ONLY
    command.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter("data", keyword, annotation=Path, default=typer.Option(
            None, help=help_of("cli.help.data"))),
        inspect.Parameter("out", keyword, annotation=Path, default=typer.Option(
            Path("out"), help=help_of("cli.help.all.out"))),
        *(option_parameter(o, o.default) for o in planner_options().values()),
        inspect.Parameter("lang", keyword, annotation=str, default=LANG_OPTION),
    ])
    app.command("all")(command)
