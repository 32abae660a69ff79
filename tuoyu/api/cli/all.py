"""``tuoyu all``: the main job on a dataset: the month's roster, the year's session
calendar and the siting plan, each in its own folder under ``--out``."""

from __future__ import annotations

import importlib
import time
from pathlib import Path

import typer

from tuoyu.models.errors import DataError, InfeasibleError


def register(app: typer.Typer) -> None:
    @app.command("all")
    def run_all(
        data: Path = typer.Option(None, help="Dataset folder (default: the bundled Baoshan data)."),
        out: Path = typer.Option(Path("out"), help="Folder for the plans."),
        month: str = typer.Option("2026-12", help="Month of the inspection roster, YYYY-MM."),
        year: int = typer.Option(2027, help="Year of the guidance-session calendar."),
        years: str = typer.Option("2027-2029", help="Years of the siting plan, FIRST-LAST."),
        seed: int = typer.Option(20270301, help="Seed of the roster's random draw."),
    ) -> None:
        """Run every planner on a dataset and write the plans a planner opens.

        out/roster: roster.csv, roster.xlsx, draw.json. out/sessions: sessions.csv,
        sessions.xlsx, .ics files. out/siting: siting.geojson, coverage.csv, siting.xlsx,
        siting_map.html.
        """
        from tuoyu.api.cli import BUNDLED_DATA
        from tuoyu.api.cli.roster import run_roster

        data = data or BUNDLED_DATA
        failed = False
        jobs: list[tuple[str, object]] = [
            ("roster", lambda: run_roster(data, month, out / "roster", seed)),
        ]
        try:
            sessions = importlib.import_module("tuoyu.api.cli.sessions")
            jobs.append(("sessions", lambda: sessions.run_sessions(data, year, out / "sessions")))
        except ModuleNotFoundError:
            pass
        try:
            siting = importlib.import_module("tuoyu.api.cli.siting")
            first, last = (int(y) for y in years.split("-"))
            jobs.append(("siting", lambda: siting.run_siting(data, (first, last), out / "siting")))
        except ModuleNotFoundError:
            pass
        for name, job in jobs:
            t0 = time.perf_counter()
            typer.echo(f"== {name} ==")
            try:
                typer.echo(job())  # type: ignore[operator]
            except (DataError, InfeasibleError, ValueError) as exc:
                typer.echo(str(exc), err=True)
                failed = True
            typer.echo(f"({name}: {time.perf_counter() - t0:.1f} s)\n")
        if failed:
            raise typer.Exit(2)
