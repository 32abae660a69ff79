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

from tuoyu.api.cli.common import (
    LANG_OPTION,
    dataset_of,
    fail,
    help_of,
    holding,
    make_params,
    param_option,
    plan_and_write,
)
from tuoyu.api.text import message
from tuoyu.planning.params import SessionParams


def sessions(
    data: Path = typer.Option(None, help=help_of("cli.help.data")),
    year: int = typer.Option(2027, help=help_of("cli.help.sessions.year")),
    out: Path = typer.Option(Path("out"), help=help_of("cli.help.out")),
    from_: str = typer.Option(None, "--from", help=help_of("cli.help.sessions.from")),
    previous: Path = typer.Option(None, help=help_of("cli.help.sessions.previous")),
    seed: int = param_option(SessionParams, "seed", help="cli.help.sessions.seed"),
    time_limit: float = param_option(SessionParams, "time_limit", "--work-limit",
                                     "--time-limit", help="cli.help.sessions.time_limit"),
    wall_limit: float = param_option(SessionParams, "wall_limit", "--wall-limit",
                                     help="cli.help.wall_limit"),
    workers: int = param_option(SessionParams, "workers", help="cli.help.sessions.workers"),
    fast: bool = typer.Option(False, "--fast", help=help_of("cli.help.sessions.fast")),
    lang: str = LANG_OPTION,
) -> None:
    """年度指导活动日历：每个育婴指导中心至少六次活动。 The yearly guidance-session
    calendar: at least six sessions per baby center."""
    params = make_params(
        SessionParams, lang, year=year, from_date=from_, seed=seed,  # type: ignore[arg-type]
        time_limit=time_limit, workers=workers, reproducible=not fast, wall_limit=wall_limit,
    )  # fmt: skip
    earlier = None
    if previous is not None and from_ is None:
        fail([message("input.previous_without_from", {"path": str(previous)}, lang)], lang)
    if from_ is not None:
        earlier = previous or (out / "sessions.csv")
    with holding(out, lang):  # type: ignore[arg-type]  # the earlier plan read under the hold
        plan_and_write(dataset_of(data), params, out, lang, previous=earlier)  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    app.command("sessions")(sessions)
