"""``tuoyu siting``: site new public nursery classes over a three-year horizon.

A thin command: options -> :class:`SitingParams` -> ``tuoyu.planning.siting.run`` ->
exports inside ``staged(out)`` -> the plan rendered from the :class:`Plan` (Chinese by
default, ``--lang en``). Bad input, clashes, the time limit or a failed write: exit 2 with
the reasons, nothing written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tuoyu.api.cli.common import LANG_OPTION, help_of, make_params, param_option, plan_and_write
from tuoyu.api.text import Lang, label, message, number, percent, plan_figures, render
from tuoyu.planning import ProgressEvent
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import SitingParams
from tuoyu.planning.plan import Plan

DEFAULT_OUT = Path("out/siting")


def show(plan: Plan, lang: Lang = "zh", out: Path | None = None) -> str:
    """What the command line prints of a siting plan (``tuoyu siting`` and ``tuoyu all``):
    the condensed summary, the files written into ``out``."""
    return render_plan(plan, lang, out if plan.ok else None)


def render_plan(plan: Plan, lang: Lang = "zh", out: Path | None = None) -> str:
    """The printed summary of a siting plan (or of why there is none), from the Plan."""
    if not plan.ok or plan.detail is None:
        head = label(f"status.{plan.status}", lang)
        return "\n".join([head] + ["  - " + render(f, lang) for f in plan.findings])
    detail = plan.detail
    sp, problem = detail.plan, detail.problem
    fig = plan_figures(plan.as_dict(), lang)
    lines = [message("siting.summary.head", {
        "first": str(problem.years[0]), "last": str(problem.years[-1]),
        "model": label(f"siting.model.{sp.model}", lang), "solver": sp.solver,
        "status": fig["status"], "gap": fig["gap"], "objective": fig["objective"],
        "bound": fig["bound"], "build": number(sp.build_seconds, 1),
        "solve": number(sp.solve_seconds, 1)}, lang)]
    by_year = sp.classes_by_year(problem.years)
    lines.append(message("siting.summary.classes", {
        "classes": ", ".join(f"{y}: {n}" for y, n in by_year.items())}, lang))
    # printed: the openings that serve more (or fewer) than the best place not chosen; the
    # rest are summed up by siting.why_ties, the 托幼一体 reasons are in the files
    lines += [render(f, lang) for f in plan.findings
              if not (f.code == "siting.why" and f.params.get("gain") == 0)
              and f.code != "siting.why_integrated"]
    for t in fig["targets"]:  # as every face says a target: 目标 5，达成 8（达标）
        lines.append(message("siting.summary.target", {"target": t["label"],
                                                      "line": t["line"]}, lang))
    for g in fig["goals"]:  # what each goal added to the objective (they sum to it)
        lines.append(message("siting.summary.goal", {"goal": g["label"], "line": g["line"]},
                             lang))
    if out is not None:
        from tuoyu.api.exports.siting import files_of

        lines.append(message("siting.summary.written", {"out": str(out),
                                                       "files": ", ".join(files_of(plan))},
                             lang))
    return "\n".join(lines)


def _progress(event: ProgressEvent) -> None:
    if event.seconds >= 2.0:  # only long solves say how they are going
        print(f"  [{event.seconds:6.1f} 秒] " + message("plan.figures_max", {
            "objective": number(event.objective), "bound": number(event.bound),
            "gap": percent(event.gap)}), file=sys.stderr, flush=True)


def register(app: typer.Typer) -> None:
    """Add the ``siting`` command to the ``tuoyu`` app."""

    @app.command("siting")
    def siting(
        data: Annotated[Path | None, typer.Option(
            "--data", help=help_of("cli.help.data"))] = None,
        years: str = param_option(SitingParams, "years", "--years", help="cli.help.siting.years"),
        out: Annotated[Path, typer.Option("--out", help=help_of("cli.help.out"))] = DEFAULT_OUT,
        classes_per_year: str = param_option(SitingParams, "classes_per_year",
                                             "--classes-per-year",
                                             help="cli.help.siting.classes_per_year"),
        seats_per_class: int = param_option(SitingParams, "seats_per_class",
                                            "--seats-per-class",
                                            help="cli.help.siting.seats_per_class"),
        class_fill: float = param_option(SitingParams, "class_fill", "--class-fill",
                                         help="cli.help.siting.class_fill"),
        speed: float = param_option(SitingParams, "speed_kmh", "--speed",
                                    help="cli.help.siting.speed"),
        radius: float | None = param_option(SitingParams, "radius_m", "--radius",
                                            help="cli.help.siting.radius"),
        circuity: float = param_option(SitingParams, "circuity", "--circuity",
                                       help="cli.help.siting.circuity"),
        take_up: float = param_option(SitingParams, "take_up", "--take-up",
                                      help="cli.help.siting.take_up"),
        trend: float = param_option(SitingParams, "trend", "--trend",
                                    help="cli.help.siting.trend"),
        time_limit: float = param_option(SitingParams, "time_limit", "--time-limit",
                                         help="cli.help.time_limit"),
        wall_limit: float = param_option(SitingParams, "wall_limit", "--wall-limit",
                                         help="cli.help.wall_limit"),
        workers: int = param_option(SitingParams, "workers", "--workers",
                                    help="cli.help.workers"),
        model: str = param_option(SitingParams, "model", "--model",
                                  help="cli.help.siting.model"),
        p: int | None = param_option(SitingParams, "p", "--p", help="cli.help.siting.p"),
        strict: bool = typer.Option(False, "--strict", help=help_of("cli.help.siting.strict")),
        no_network: bool = typer.Option(False, "--no-network",
                                        help=help_of("cli.help.siting.no_network")),
        pin: Annotated[list[str] | None, typer.Option(
            "--pin", help=help_of("cli.help.siting.pin"))] = None,
        forbid: Annotated[list[str] | None, typer.Option(
            "--forbid", help=help_of("cli.help.siting.forbid"))] = None,
        tradeoff: str | None = typer.Option(None, "--tradeoff",
                                            help=help_of("cli.help.siting.tradeoff")),
        lang: str = LANG_OPTION,
    ) -> None:
        """公办托班选址：让 15 分钟步行圈内有托位。 Site new public nursery classes
        (公办托班) for the 15-minute walking circle."""
        out_lang: Lang = lang  # type: ignore[assignment]  (checked by its option)
        params = make_params(
            SitingParams, out_lang, years=years, classes_per_year=classes_per_year,
            seats_per_class=seats_per_class, class_fill=class_fill, speed_kmh=speed, radius_m=radius,
            circuity=circuity, take_up=take_up, trend=trend, time_limit=time_limit,
            wall_limit=wall_limit, workers=workers, model=model, p=p, strict=strict,
            use_network=not no_network,
            pinned=tuple(pin or ()), forbidden=tuple(forbid or ()), tradeoff=tradeoff)
        dataset = Dataset.bundled() if data is None else Dataset.at(data)
        plan_and_write(dataset, params, out, out_lang, progress=_progress,
                       show=lambda plan, lg: show(plan, lg, out))
