"""``tuoyu siting``: site new public nursery classes over a three-year horizon.

``run_siting(...)`` is the plain function behind the command (``tuoyu all`` calls it); it
returns the printed summary. Outputs are written into a temporary folder beside ``--out``
and moved in only when all are written: bad input or no plan leaves ``--out`` untouched.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tuoyu.api.exports.output import staged
from tuoyu.models.errors import DataError, InfeasibleError

MODELS = ("capacitated", "mclp", "lscp")
DEFAULT_OUT = Path("out/siting")


def _range(text: str, what: str) -> tuple[int, int]:
    """``2027-2029`` or ``2027`` → (2027, 2029) / (2027, 2027)."""
    parts = [p for p in text.replace("–", "-").replace("~", "-").split("-") if p.strip()]
    try:
        nums = [int(p) for p in parts]
    except ValueError:
        raise typer.BadParameter(f"{what} must look like 2027-2029, got {text!r}") from None
    if len(nums) == 1:
        nums = nums * 2
    if len(nums) != 2 or nums[0] > nums[1]:
        raise typer.BadParameter(f"{what} must look like 2027-2029, got {text!r}")
    return nums[0], nums[1]


def run_siting(
    data_dir: Path,
    years: tuple[int, int] = (2027, 2029),
    out_dir: Path = Path("out"),
    *,
    classes_per_year: tuple[int, int] = (5, 8),
    seats_per_class: int = 20,
    speed_kmh: float = 4.5,
    radius_m: float | None = None,
    circuity: float = 1.3,
    take_up: float = 0.35,
    trend: float = -0.05,
    time_limit: float = 60.0,
    workers: int = 2,
    model: str = "capacitated",
    p: int | None = None,
    strict: bool = False,
    use_network: bool = True,
) -> str:
    """Plan, write the outputs into ``out_dir`` atomically, and return the summary text.

    Raises :class:`DataError` on bad input and :class:`InfeasibleError` when no plan meets
    the hard rules; nothing is written then.
    """
    from tuoyu.api.exports.siting import write_siting_outputs
    from tuoyu.models.siting import load_siting_data
    from tuoyu.optimizer.catchment import AccessParams
    from tuoyu.optimizer.demand import DemandParams
    from tuoyu.optimizer.siting import (
        SitingConfig,
        SitingProblem,
        solve_capacitated,
        solve_cover,
    )
    from tuoyu.optimizer.solve import SolveParams

    if model not in MODELS:
        raise ValueError(f"--model must be one of {', '.join(MODELS)}, got {model!r}")
    data = load_siting_data(data_dir, use_network=use_network)
    config = SitingConfig(
        years=years,
        classes_per_year=classes_per_year,
        seats_per_class=seats_per_class,
        access=AccessParams(speed_kmh=speed_kmh, radius_m=radius_m, circuity=circuity),
        demand=DemandParams(take_up=take_up, trend=trend),
        strict=strict,
        use_network=use_network,
    )
    problem = SitingProblem.from_data(data, config)
    params = SolveParams(time_limit=time_limit, workers=workers)
    def progress(seconds: float, objective: float, bound: float) -> None:
        if seconds >= 2.0:  # only long solves say how they are going
            gap = abs(bound - objective) / max(1.0, abs(objective))
            print(f"  [{seconds:6.1f} s] objective {objective:,.2f}, bound {bound:,.2f}, "
                  f"gap {gap:.4%}", file=sys.stderr, flush=True)

    if model == "capacitated":
        plan = solve_capacitated(problem, params, progress)
    else:
        _res, plan = solve_cover(problem, model, p, params)

    with staged(Path(out_dir)) as tmp:
        write_siting_outputs(plan, problem, data, tmp)

    gap = "unknown" if plan.gap is None else f"{plan.gap:.4%}"
    lines = [
        f"Siting {years[0]}–{years[1]} ({plan.model}, {plan.solver}): {plan.status}, "
        f"gap {gap}, objective {plan.objective if plan.objective is None else round(plan.objective, 2)}"
        f", bound {plan.bound if plan.bound is None else round(plan.bound, 2)}, "
        f"build {plan.build_seconds:.2f} s, solve {plan.solve_seconds:.2f} s",
        f"Walk: {config.access.reach_m:,.0f} m"
        + (" (network + straight line × circuity)" if data.network is not None and use_network
           else f" (straight line × {circuity:g})"),
    ]
    by_year: dict[int, int] = {}
    for o in plan.openings:
        by_year[o.year] = by_year.get(o.year, 0) + o.classes
    lines.append("New classes: " + ", ".join(f"{y}: {by_year.get(y, 0)}" for y in problem.years))
    lines += plan.findings
    lines.append(f"Written to {out_dir}: siting.geojson, coverage.csv, siting.xlsx, "
                 "siting_map.html, siting_summary.json")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    """Add the ``siting`` command to the ``tuoyu`` app."""

    @app.command("siting")
    def siting(
        data: Annotated[Path | None, typer.Option(
            "--data", help="Dataset folder (default: the bundled Baoshan data).")] = None,
        years: str = typer.Option("2027-2029", "--years", help="Planning horizon, e.g. "
                                  "2027-2029."),
        out: Annotated[Path, typer.Option("--out", help="Output folder.")] = DEFAULT_OUT,
        classes_per_year: str = typer.Option("5-8", "--classes-per-year",
                                             help="New classes a year, min-max."),
        seats_per_class: int = typer.Option(20, "--seats-per-class", min=1),
        speed: float = typer.Option(4.5, "--speed", min=0.5, help="Walking speed, km/h."),
        radius: float | None = typer.Option(None, "--radius", min=50,
                                            help="Fixed walking radius in metres instead of "
                                                 "15 minutes at --speed."),
        circuity: float = typer.Option(1.3, "--circuity", min=1.0,
                                       help="Walk / straight line off the network."),
        take_up: float = typer.Option(0.35, "--take-up", min=0.0, max=1.0,
                                      help="Share of children 0–3 needing a place."),
        trend: float = typer.Option(-0.05, "--trend", min=-0.9, max=1.0,
                                    help="Yearly change of births (-0.05: 5% fewer a year)."),
        time_limit: float = typer.Option(60.0, "--time-limit", min=0.1, help="Seconds."),
        workers: int = typer.Option(2, "--workers", min=1),
        model: str = typer.Option("capacitated", "--model",
                                  help="capacitated | mclp | lscp"),
        p: int | None = typer.Option(None, "--p", min=1,
                                     help="MCLP: classes to site (default: max a year × years)."),
        strict: bool = typer.Option(False, "--strict",
                                    help="Fail (exit 2) when a district rule cannot be met."),
        no_network: bool = typer.Option(False, "--no-network",
                                        help="Ignore walk_network.graphml."),
    ) -> None:
        """Site new public nursery classes (公办托班) for the 15-minute walking circle."""
        if data is None:
            from tuoyu.api.cli import BUNDLED_DATA

            data = BUNDLED_DATA
        try:
            text = run_siting(
                data, _range(years, "--years"), out,
                classes_per_year=_range(classes_per_year, "--classes-per-year"),
                seats_per_class=seats_per_class, speed_kmh=speed, radius_m=radius,
                circuity=circuity, take_up=take_up, trend=trend, time_limit=time_limit,
                workers=workers, model=model, p=p, strict=strict, use_network=not no_network,
            )
        except (DataError, InfeasibleError, ValueError) as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
        typer.echo(text)
