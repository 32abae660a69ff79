"""``tuoyu visits``: a week of home guidance visits to newborn families, routed.

A thin command: options -> :class:`VisitParams` -> ``tuoyu.planning.visits.run`` (through
``runner.make_plan``) -> exports published in one step -> the plan printed in Chinese
(``--lang en``). Family data is never printed beyond counts and pseudonymous ids.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tuoyu.api.cli.common import make_params, plan_and_write
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
        lang: str = typer.Option("zh", "--lang", help="zh | en"),
    ) -> None:
        """Plan a week of home guidance visits (新生儿家庭上门指导): who visits which family
        on which half-day, in which order, from their base and back."""
        out_lang: Lang = "en" if lang == "en" else "zh"
        params = make_params(VisitParams, out_lang, week=week, from_date=from_date,
                             iterations=iterations, seed=seed, window_days=window_days,
                             visit_minutes=visit_minutes, pairs=not no_pairs, speed_kmh=speed)
        dataset = Dataset.bundled() if data is None else Dataset.at(data)
        if previous is None and from_date is not None and (out / "visits.csv").exists():
            previous = out / "visits.csv"
        import os

        if sessions is not None:
            os.environ["TUOYU_VISITS_SESSIONS"] = str(sessions)
        plan_and_write(dataset, params, out, out_lang, previous=previous, show=_show)
