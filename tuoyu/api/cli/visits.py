"""``tuoyu visits``: a week of home guidance visits to newborn families, routed.

A thin command: options -> :class:`VisitParams` -> ``tuoyu.planning.visits.run`` (through
``runner.make_plan``) -> exports published in one step -> the plan printed in Chinese
(``--lang en``). Family data is never printed beyond counts and pseudonymous ids.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tuoyu.api.cli.common import LANG_OPTION, make_params, plan_and_write
from tuoyu.api.text import Lang
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import VisitParams
from tuoyu.planning.plan import Plan

DEFAULT_OUT = Path("out/visits")


def _show(plan: Plan, lang: Lang) -> str:
    from tuoyu.api.exports.visits import summary
    from tuoyu.api.text import label, render

    if plan.detail is None:
        return "\n".join([label(f"status.{plan.status}", lang)]
                         + ["  - " + render(f, lang) for f in plan.findings])
    return summary(plan, lang)


def register(app: typer.Typer) -> None:
    """Add the ``visits`` command to the ``tuoyu`` app."""

    @app.command("visits")
    def visits(
        week: str = typer.Option(..., "--week", help="Monday of the week, e.g. 2027-03-01."),
        data: Annotated[Path | None, typer.Option(
            "--data", help="Dataset folder (default: the bundled Baoshan data).")] = None,
        out: Annotated[Path, typer.Option("--out", help="Output folder.")] = DEFAULT_OUT,
        from_date: str | None = typer.Option(
            None, "--from", help="Re-plan from this date; the earlier plan's visits before "
            "it are kept (--previous, or visits.csv in --out)."),
        previous: Annotated[Path | None, typer.Option(
            "--previous", help="The earlier plan's visits.csv.")] = None,
        sessions: Annotated[Path | None, typer.Option(
            "--sessions", help="The session calendar's sessions.csv (staff half-days taken; "
            "default: sessions.csv in the dataset, if any).")] = None,
        iterations: int = typer.Option(3000, "--iterations",
                                       help="Routing iterations (not seconds)."),
        seed: int = typer.Option(1, "--seed"),
        window_days: int = typer.Option(28, "--window-days"),
        visit_minutes: int = typer.Option(60, "--visit-minutes"),
        no_pairs: bool = typer.Option(False, "--no-pairs",
                                      help="One person per visit, of the first need."),
        speed: float = typer.Option(20.0, "--speed", help="Travel speed, km/h."),
        lang: str = LANG_OPTION,
    ) -> None:
        """Plan a week of home guidance visits (新生儿家庭上门指导): who visits which family
        on which half-day, in which order, from their base and back."""
        out_lang: Lang = lang  # type: ignore[assignment]  (checked by its option)
        params = make_params(VisitParams, out_lang, week=week, from_date=from_date,
                             iterations=iterations, seed=seed, window_days=window_days,
                             visit_minutes=visit_minutes, pairs=not no_pairs, speed_kmh=speed)
        dataset = Dataset.bundled() if data is None else Dataset.at(data)
        if previous is None and from_date is not None and (out / "visits.csv").exists():
            previous = out / "visits.csv"
        from tuoyu.api.visits_inputs import SESSIONS_FILE

        token = SESSIONS_FILE.set(sessions)
        try:
            plan_and_write(dataset, params, out, out_lang, previous=previous, show=_show)
        finally:
            SESSIONS_FILE.reset(token)

    @app.command("forget-families")
    def forget_families(
        data: Annotated[Path | None, typer.Option(
            "--data", help="Dataset folder whose families are deleted.")] = None,
        dataset: str | None = typer.Option(
            None, "--dataset", help="Id of a dataset stored by the service (in TUOYU_HOME)."),
        yes: bool = typer.Option(False, "--yes", help="Do it (without it: nothing is "
                                 "deleted)."),
    ) -> None:
        """Delete a dataset's families (新生儿家庭) and every home-visit plan made from them,
        in the folder and in the store; the database is vacuumed so no copy remains."""
        from tuoyu.api import store
        from tuoyu.api.forget import forget_families as forget
        from tuoyu.api.service.settings import Settings

        settings = Settings()
        engine = store.engine(settings.url)
        folder = data
        if dataset is not None:
            from sqlalchemy.orm import Session

            with Session(engine) as s:
                row = s.get(store.DatasetRow, dataset)
                if row is None:
                    typer.echo(f"没有数据集 {dataset}（no dataset {dataset}）", err=True)
                    raise typer.Exit(2)
                folder = Path(row.path)
        if folder is None:
            typer.echo("请给出 --data 或 --dataset（give --data or --dataset）", err=True)
            raise typer.Exit(2)
        if not yes:
            typer.echo("未删除任何内容：确认请加 --yes（nothing deleted: add --yes）")
            raise typer.Exit(1)
        done = forget(engine, folder=folder, dataset_id=dataset, jobs_dir=settings.jobs_dir)
        typer.echo(f"已删除：家庭表 {done.files} 个，上门计划 {done.jobs} 个，输出文件夹 "
                   f"{done.folders} 个（deleted: {done.files} family tables, {done.jobs} "
                   f"visit plans, {done.folders} output folders）")
