"""``tuoyu scorecard``: the action plan's targets of a year (三年行动计划目标完成情况),
per street and for the district, from what is stored and the dataset.

A thin command: the inputs gathered (``tuoyu.api.scorecard.gather``: the dataset's
tables, the outcomes and plans stored, the plans of a ``--plans`` folder such as the
``out`` of ``tuoyu all``) -> ``tuoyu.planning.scorecard.scorecard`` -> printed, and
``scorecard.xlsx`` and ``scorecard.txt`` published into ``--out`` in one step.
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
    output_failure,
)
from tuoyu.api.text import Lang, message, render_data_error
from tuoyu.models.errors import DataError


def scorecard(
    year: int = typer.Option(..., help=help_of("cli.help.scorecard.year")),
    data: Path = typer.Option(None, help=help_of("cli.help.data")),
    out: Path = typer.Option(Path("out/scorecard"), help=help_of("cli.help.scorecard.out")),
    plans: Path = typer.Option(None, help=help_of("cli.help.scorecard.plans")),
    lang: str = LANG_OPTION,
) -> None:
    """三年行动计划目标完成情况（按年、按街镇）。 The action plan's targets of a year, per
    street: inspections on site, follow-ups, sessions per baby center, district events,
    托幼一体, inclusive streets, new classes, the 15-minute circle. A figure nothing
    stored can tell yet says so."""
    from tuoyu.api import scorecard as gathering
    from tuoyu.api.exports import scorecard as export
    from tuoyu.api.exports.output import OutputError, staged
    from tuoyu.planning.dataset import district_name
    from tuoyu.planning.scorecard import scorecard as compute

    language: Lang = "en" if lang == "en" else "zh"
    if data is not None and not data.is_dir():
        fail([message("cli.option.no_folder", {"option": "--data", "path": str(data)},
                      language)], language)
    if plans is not None and not plans.is_dir():
        fail([message("cli.option.no_folder", {"option": "--plans", "path": str(plans)},
                      language)], language)
    dataset = dataset_of(data)
    with holding(out, language):  # another run writing out meanwhile: stop, nothing written
        try:
            inputs, sources = gathering.gather(dataset, year, plans=plans)
        except DataError as exc:
            fail([render_data_error(exc, language)], language)
        doc = export.rendered(compute(inputs), district_name(dataset), sources, language)
        shown = export.text(doc, language)
        try:
            with staged(out) as tmp:
                export.write_xlsx(doc, tmp / "scorecard.xlsx")
                (tmp / "scorecard.txt").write_text(shown + "\n", encoding="utf-8")
        except (OutputError, OSError) as exc:
            fail([output_failure(exc, out, language)], language)
    typer.echo(shown)
    typer.echo(message("scorecard.written", {"path": str(out)}, language))


def register(app: typer.Typer) -> None:
    app.command("scorecard")(scorecard)
