"""``tuoyu roster`` (make a month's roster), ``tuoyu roster verify`` and
``tuoyu inspections record`` (outcomes, so the next month knows them).

Thin commands: options -> :class:`RosterParams` -> the store's history ->
``tuoyu.planning.roster.run`` -> the files, written all at once -> the store (only
after the files are published) -> the plan, rendered in Chinese (``--lang en``: English).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tuoyu.api.exports import roster as export_roster
from tuoyu.api.exports.output import staged
from tuoyu.api.text import Lang, message
from tuoyu.models.calendar import month_bounds
from tuoyu.models.errors import DataError, InfeasibleError
from tuoyu.models.inspection import PastInspection
from tuoyu.optimizer.solve import ProgressFn, Stop
from tuoyu.planning import roster as planning
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import RosterParams
from tuoyu.planning.plan import Plan


class RosterFailed(InfeasibleError):
    """No roster (clashes, time limit): the plan that says why, rendered for people."""

    def __init__(self, plan: Plan, lang: Lang = "zh"):
        super().__init__("roster", plan.findings)
        self.plan = plan
        self.text = export_roster.clashes(plan, lang)

    def __str__(self) -> str:
        return self.text


def dataset_of(data: Path | None) -> Dataset:
    """``--data DIR`` or the bundled Baoshan data."""
    return Dataset.at(data) if data is not None else Dataset.bundled()


def stored_history(
    dataset: Dataset, month: str, database_url: str | None = None
) -> list[PastInspection]:
    """Stored rosters and recorded outcomes of the dataset before the month."""
    from tuoyu.api import store

    start, _ = month_bounds(int(month[:4]), int(month[5:]))
    with Session(store.engine(database_url)) as session:
        return store.stored_history(session, dataset.key, start)


def store_roster(plan: Plan, record: dict, database_url: str | None = None) -> tuple[int, bool]:
    """Keep the roster in the store so the next month knows it: (id, replaced one)."""
    from tuoyu.api import store

    detail: planning.RosterDetail = plan.detail
    rows = [
        (r.date, r.institution_id, r.street_id, ";".join(r.inspector_ids), r.reason)
        for r in detail.result.rows
    ]
    with Session(store.engine(database_url)) as session, session.begin():
        return store.save_roster(
            session,
            detail.dataset.key,
            detail.result.problem.month_label,
            detail.result.problem.seed,
            detail.data.fingerprint,
            json.dumps(record, ensure_ascii=False),
            rows,
        )


def make_roster(
    dataset: Dataset,
    params: RosterParams,
    out_dir: Path,
    *,
    database_url: str | None = None,
    lang: Lang = "zh",
    history: Sequence[PastInspection] | None = None,
    stop: Stop | None = None,
    progress: ProgressFn | None = None,
) -> tuple[Plan, str]:
    """Make a month's roster, write its files into ``out_dir`` (all at once) and then
    store it; returns the plan and its printed summary. Raises :class:`DataError`,
    :class:`RosterFailed` (no roster) or ``OSError`` (the files could not be written)
    with nothing written and nothing stored."""
    if history is None:
        history = stored_history(dataset, params.month, database_url)
    plan = planning.run(dataset, params, history=history, stop=stop, progress=progress)
    if not plan.rows:
        raise RosterFailed(plan, lang)
    out_dir = Path(out_dir)
    with staged(out_dir) as tmp:
        record = export_roster.write_files(plan, tmp, lang)
    rid, replaced = store_roster(plan, record, database_url)
    text = export_roster.summary(plan, lang)
    if replaced:
        text += "\n" + message("roster.summary.replaced", {"month": params.month, "id": rid}, lang)
    files = f"{out_dir}/" + ", ".join(export_roster.FILES)
    return plan, text + "\n" + message("roster.summary.written", {"files": files}, lang)


def run_roster(
    data_dir: Path | None,
    month: str,
    out_dir: Path,
    seed: int = 20270301,
    database_url: str | None = None,
    lang: Lang = "zh",
) -> str:
    """``tuoyu all``'s roster: make, write and store it; the printed summary."""
    params = RosterParams(month=month, seed=seed)
    return make_roster(dataset_of(data_dir), params, out_dir, database_url=database_url, lang=lang)[
        1
    ]


def record_outcomes_file(file: Path, dataset: Dataset, database_url: str | None = None) -> int:
    """Check an outcomes table (the contract's ``inspections``) and store it."""
    from tuoyu.api import store

    rows = planning.read_outcomes(file, dataset)
    with Session(store.engine(database_url)) as session, session.begin():
        return store.record_outcomes(session, dataset.key, rows)


def _params_error(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors():
        where = ".".join(str(x) for x in e["loc"]) or "options"
        parts.append(f"--{where.replace('_', '-')}: {e['msg']}")
    return "Invalid option(s) / 参数有误:\n" + "\n".join(f"  - {p}" for p in parts)


def _fail(text: str, lang: Lang = "zh") -> None:
    typer.echo(text, err=True)
    typer.echo(message("roster.summary.nothing_written", None, lang), err=True)
    raise typer.Exit(2)


def _lang(value: str) -> Lang:
    if value not in ("zh", "en"):
        raise typer.BadParameter("expected zh or en")
    return value  # type: ignore[return-value]


def register(app: typer.Typer) -> None:
    roster_app = typer.Typer(help="Monthly inspection rosters (双随机).")
    inspections_app = typer.Typer(help="Inspection outcomes (检查结果).")

    @roster_app.callback(invoke_without_command=True)
    def roster(
        ctx: typer.Context,
        data: Path = typer.Option(None, help="Dataset folder (default: the bundled Baoshan data)."),
        month: str = typer.Option(None, help="Month to plan, YYYY-MM, e.g. 2027-03."),
        seed: int = typer.Option(20270301, help="Seed of the random draw (recorded in draw.json)."),
        out: Path = typer.Option(Path("out/roster"), help="Folder to write the roster into."),
        draw_share: float = typer.Option(0.10, help="Share of active institutions drawn a month."),
        min_team: int = typer.Option(2, help="Inspectors per inspection, at least."),
        time_limit: float = typer.Option(60.0, help="Solver time limit, seconds."),
        workers: int = typer.Option(8, help="Solver workers (the roster does not depend on it)."),
        lang: str = typer.Option("zh", help="Language of the printed summary: zh or en."),
    ) -> None:
        """Make a month's roster: draw institutions, date and staff every inspection.

        Writes roster.csv, roster.xlsx (Chinese), draw.json (the audit record) and
        summary.txt, and stores the roster so the next month knows it.
        """
        if ctx.invoked_subcommand is not None:
            return
        language = _lang(lang)
        if month is None:
            typer.echo("Give the month to plan: --month YYYY-MM (e.g. 2027-03).", err=True)
            raise typer.Exit(2)
        try:
            params = RosterParams(
                month=month,
                seed=seed,
                draw_share=draw_share,
                min_team=min_team,
                time_limit=time_limit,
                workers=workers,
            )
        except ValidationError as exc:
            _fail(_params_error(exc), language)
        try:
            _plan, text = make_roster(dataset_of(data), params, out, lang=language)
        except (DataError, RosterFailed) as exc:
            _fail(str(exc), language)
        except OSError as exc:
            _fail(f"Cannot write the roster into {out}: {exc.strerror or exc}", language)
        typer.echo(text)

    @roster_app.command("verify")
    def verify_cmd(
        draw: Path = typer.Argument(..., help="A draw.json, or the folder holding it."),
        data: Path = typer.Option(None, help="Dataset folder (default: as recorded)."),
        workers: int = typer.Option(8, help="Solver workers."),
        time_limit: float = typer.Option(120.0, help="Solver time limit, seconds."),
        lang: str = typer.Option("zh", help="Language of the verdict: zh or en."),
    ) -> None:
        """Recompute a draw from its audit record and say whether it matches."""
        from tuoyu.api.text import render

        language = _lang(lang)
        path = draw / "draw.json" if draw.is_dir() else draw
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            dataset = Dataset.at(data or record["inputs"]["data_dir"])
            ok, problems = planning.verify(record, dataset, time_limit=time_limit, workers=workers)
        except (DataError, OSError, KeyError, ValueError, TypeError) as exc:
            typer.echo(f"Cannot verify {path}: {exc}", err=True)
            raise typer.Exit(2) from None
        if ok:
            typer.echo(f"{path}: " + message("roster.verify.matches", None, language))
            return
        typer.echo(f"{path}: " + message("roster.verify.differs", None, language), err=True)
        for p in problems:
            typer.echo(f"  - {render(p, language)}", err=True)
        raise typer.Exit(1)

    @inspections_app.command("record")
    def record_cmd(
        file: Path = typer.Argument(
            ..., help="CSV/XLSX: institution_id, date, outcome, inspector_ids."
        ),
        data: Path = typer.Option(None, help="Dataset folder (default: the bundled data)."),
        lang: str = typer.Option("zh", help="Language of the messages: zh or en."),
    ) -> None:
        """Record inspection outcomes (pass / rectify / fail) for the months ahead."""
        language = _lang(lang)
        try:
            n = record_outcomes_file(file, dataset_of(data))
        except DataError as exc:
            _fail(str(exc), language)
        typer.echo(message("roster.summary.recorded", {"count": n}, language))

    app.add_typer(roster_app, name="roster")
    app.add_typer(inspections_app, name="inspections")
