"""``tuoyu all``: the main job on a dataset: the month's roster, the year's session
calendar and the siting plan, each in its own folder under ``--out``."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from tuoyu.api.cli.common import LANG_OPTION, dataset_of, make_params, plan_and_write
from tuoyu.planning.params import RosterParams, SessionParams, SitingParams


def register(app: typer.Typer) -> None:
    @app.command("all")
    def run_all(
        data: Path = typer.Option(None, help="Dataset folder (default: the bundled Baoshan data)."),
        out: Path = typer.Option(Path("out"), help="Folder for the plans."),
        month: str = typer.Option("2026-12", help="Month of the inspection roster, YYYY-MM."),
        year: int = typer.Option(2027, help="Year of the guidance-session calendar."),
        years: str = typer.Option("2027-2029", help="Years of the siting plan, FIRST-LAST."),
        seed: int = typer.Option(20270301, help="Seed of the roster's random draw."),
        lang: str = LANG_OPTION,
    ) -> None:
        """Run every planner on a dataset and write the plans a planner opens.

        out/roster: roster.csv, roster.xlsx, draw.json, summary.txt. out/sessions:
        sessions.csv, sessions.xlsx, .ics files. out/siting: siting.geojson, coverage.csv,
        siting.xlsx, siting_map.html. A planner that fails says why; the others still run
        (exit 2 at the end if any failed).
        """
        dataset = dataset_of(data)
        todo = [
            ("roster", RosterParams, {"month": month, "seed": seed}),
            ("sessions", SessionParams, {"year": year}),
            ("siting", SitingParams, {"years": years}),
        ]
        failed = False
        for name, cls, values in todo:
            t0 = time.perf_counter()
            typer.echo(f"== {name} ==")
            try:
                params = make_params(cls, lang, **values)  # type: ignore[arg-type]
                plan_and_write(dataset, params, out / name, lang)  # type: ignore[arg-type]
            except typer.Exit:
                failed = True
            typer.echo(f"({name}: {time.perf_counter() - t0:.1f} s)\n")
        if failed:
            raise typer.Exit(2)
