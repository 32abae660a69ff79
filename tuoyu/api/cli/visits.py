"""``tuoyu visits``: a week of home guidance visits to newborn families, routed.

A thin command: options -> :class:`VisitParams` -> ``tuoyu.planning.visits.run`` (through
``runner.make_plan``) -> exports published in one step -> the plan printed in Chinese
(``--lang en``). Family data is never printed beyond counts and pseudonymous ids.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tuoyu.api.cli.common import (
    LANG_OPTION,
    both,
    fail,
    help_of,
    holding,
    make_params,
    param_option,
    plan_and_write,
    why_unreadable,
)
from tuoyu.api.text import Lang, message
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import VisitParams
from tuoyu.planning.plan import Plan

DEFAULT_OUT = Path("out/visits")


def show(plan: Plan, lang: Lang = "zh", out: Path | None = None) -> str:
    """What the command line prints of a week's visits (``tuoyu visits`` and ``tuoyu
    all``): the summary (overdue families counted, not listed), where it was written."""
    from tuoyu.api.exports.visits import summary
    from tuoyu.api.text import label, message, render

    if plan.detail is None:
        return "\n".join([label(f"status.{plan.status}", lang)]
                         + ["  - " + render(f, lang) for f in plan.findings])
    text = summary(plan, lang)
    if out is not None and plan.ok:
        text += "\n" + message("cli.written", {"out": str(out)}, lang)
    return text


def register(app: typer.Typer) -> None:
    """Add the ``visits`` and ``forget-families`` commands to the ``tuoyu`` app."""
    app.command("visits")(visits)
    app.command("forget-families")(forget_families)


def visits(
    week: str = typer.Option(..., "--week", help=help_of("cli.help.visits.week")),
    data: Annotated[Path | None, typer.Option(
        "--data", help=help_of("cli.help.data"))] = None,
    out: Annotated[Path, typer.Option("--out", help=help_of("cli.help.out"))] = DEFAULT_OUT,
    from_date: str | None = typer.Option(None, "--from",
                                         help=help_of("cli.help.visits.from")),
    previous: Annotated[Path | None, typer.Option(
        "--previous", help=help_of("cli.help.visits.previous"))] = None,
    sessions: Annotated[Path | None, typer.Option(
        "--sessions", help=help_of("cli.help.visits.sessions"))] = None,
    iterations: int = param_option(VisitParams, "iterations", "--iterations",
                                   help="cli.help.visits.iterations"),
    seed: int = param_option(VisitParams, "seed", "--seed", help="cli.help.visits.seed"),
    window_days: int = param_option(VisitParams, "window_days", "--window-days",
                                    help="cli.help.visits.window_days"),
    visit_minutes: int = param_option(VisitParams, "visit_minutes", "--visit-minutes",
                                      help="cli.help.visits.visit_minutes"),
    no_pairs: bool = typer.Option(False, "--no-pairs",
                                  help=help_of("cli.help.visits.no_pairs")),
    speed: float = param_option(VisitParams, "speed_kmh", "--speed",
                                help="cli.help.visits.speed"),
    far_minutes: int = param_option(VisitParams, "far_minutes", "--far-minutes",
                                    help="cli.help.visits.far_minutes"),
    time_limit: float = param_option(VisitParams, "time_limit", "--work-limit",
                                     "--time-limit", help="cli.help.visits.time_limit"),
    wall_limit: float = param_option(VisitParams, "wall_limit", "--wall-limit",
                                     help="cli.help.wall_limit"),
    lang: str = LANG_OPTION,
) -> None:
    """新生儿家庭上门指导：一周的上门安排与路线。 Plan a week of home guidance visits
    to newborn families: who visits which family on which half-day, in which order,
    from their base and back."""
    out_lang: Lang = lang  # type: ignore[assignment]  (checked by its option)
    params = make_params(VisitParams, out_lang, week=week, from_date=from_date,
                         iterations=iterations, seed=seed, window_days=window_days,
                         visit_minutes=visit_minutes, pairs=False if no_pairs else None,
                         speed_kmh=speed, far_minutes=far_minutes, time_limit=time_limit,
                         wall_limit=wall_limit)
    if previous is not None and not previous.is_file():  # was read as "no earlier plan"
        fail([message("cli.option.bad_file", {"option": "--previous", "path": str(previous),
                                              "reason": why_unreadable(FileNotFoundError(),
                                                                       out_lang)}, out_lang)],
             out_lang)
    dataset = Dataset.bundled() if data is None else Dataset.at(data)
    from tuoyu.api.visits_inputs import SESSIONS_FILE

    with holding(out, out_lang):  # whether out holds an earlier plan: decided under the hold
        if previous is None and from_date is not None and (out / "visits.csv").exists():
            previous = out / "visits.csv"
        token = SESSIONS_FILE.set(sessions)
        try:
            plan_and_write(dataset, params, out, out_lang, previous=previous,
                           show=lambda plan, lg: show(plan, lg, out))
        finally:
            SESSIONS_FILE.reset(token)

def forget_families(
    data: Annotated[Path | None, typer.Option(
        "--data", help=help_of("cli.help.forget.data"))] = None,
    dataset: str | None = typer.Option(
        None, "--dataset", help=help_of("cli.help.forget.dataset")),
    yes: bool = typer.Option(False, "--yes", help=help_of("cli.help.forget.yes")),
) -> None:
    """删除数据集的新生儿家庭及由其做出的全部上门计划，不留副本。 Delete a dataset's
    families and every home-visit plan made from them, in the folder and in the store;
    the database is vacuumed so no copy remains."""
    from tuoyu.api import store
    from tuoyu.api.cli.serve import _settings
    from tuoyu.api.forget import forget_families as forget

    settings = _settings()
    engine = store.engine(settings.url)
    folder = data
    if dataset is not None:
        from sqlalchemy.orm import Session

        with Session(engine) as s:
            row = s.get(store.DatasetRow, dataset)
            if row is None:
                typer.echo(both("cli.forget.no_dataset", dataset=dataset), err=True)
                raise typer.Exit(2)
            folder = Path(row.path)
    if folder is None:
        typer.echo(both("cli.forget.no_folder"), err=True)
        raise typer.Exit(2)
    if not yes:
        typer.echo(both("cli.forget.not_confirmed"))
        raise typer.Exit(1)
    done = forget(engine, folder=folder, dataset_id=dataset, jobs_dir=settings.jobs_dir)
    typer.echo(both("cli.forget.done", files=done.files, jobs=done.jobs, folders=done.folders))
