"""``tuoyu sessions``: the yearly guidance-session calendar, from tables to files.

A thin command: options -> :class:`SessionParams` -> ``tuoyu.planning.sessions.run``
(through ``tuoyu.api.runner``) -> the files (``sessions.csv``, ``sessions.xlsx`` in
Chinese, ``sessions_ics/``, ``sessions_summary.txt``), published into ``--out`` in one
step -> the plan, printed in Chinese (``--lang en``: English). Bad input, clashing rules
or no calendar in time: the reasons, exit 2, nothing written.
"""

from __future__ import annotations

from pathlib import Path

import typer

from tuoyu.api.cli.common import LANG_OPTION, dataset_of, fail, make_params, plan_and_write
from tuoyu.api.text import message
from tuoyu.planning.params import SessionParams


def sessions(
    data: Path = typer.Option(None, help="Dataset folder (default: the bundled Baoshan data)."),
    year: int = typer.Option(2027, help="The year to plan."),
    out: Path = typer.Option(Path("out"), help="Output folder."),
    from_: str = typer.Option(
        None, "--from", help="Re-plan from this date (YYYY-MM-DD); sessions before it stay."
    ),
    previous: Path = typer.Option(
        None, help="The plan to re-plan (default: OUT/sessions.csv)."
    ),
    seed: int = typer.Option(0, help="Seed of the calendar's tie-breaks."),
    time_limit: float = typer.Option(
        60.0, "--work-limit", "--time-limit",
        help="Work budget of the calendar search, in seconds of an idle machine "
        "(deterministic: the same plan on any machine; --time-limit is its old name).",
    ),
    wall_limit: float = typer.Option(
        None, "--wall-limit", help="Wall-clock ceiling of the whole plan, seconds (held "
        "within 5% under load; the plan says when the clock ended a solve).",
    ),
    workers: int = typer.Option(
        2, help="Solver threads (used with --fast only; the default calendar does not depend on it)."
    ),
    fast: bool = typer.Option(
        False, "--fast", help="Parallel search within --time-limit seconds: faster, but the "
        "calendar may differ from run to run (default: reproducible).",
    ),
    lang: str = LANG_OPTION,
) -> None:
    """The yearly guidance-session calendar: at least six sessions per baby center."""
    params = make_params(
        SessionParams, lang, year=year, from_date=from_, seed=seed,  # type: ignore[arg-type]
        time_limit=time_limit, workers=workers, reproducible=not fast, wall_limit=wall_limit,
    )  # fmt: skip
    earlier = None
    if previous is not None and from_ is None:
        fail([message("input.previous_without_from", {"path": str(previous)}, lang)], lang)
    if from_ is not None:
        earlier = previous or (out / "sessions.csv")
    plan_and_write(dataset_of(data), params, out, lang, previous=earlier)  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    app.command("sessions")(sessions)
