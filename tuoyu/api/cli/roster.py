"""``tuoyu roster`` (make a month's roster), ``tuoyu roster verify`` and
``tuoyu inspections record`` (outcomes, so the next month knows them)."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import typer
from sqlalchemy.orm import Session

from tuoyu.api.exports.output import staged
from tuoyu.models.calendar import month_bounds, parse_month
from tuoyu.models.errors import DataError, InfeasibleError, Problem
from tuoyu.models.inspection import PastInspection, load_inspection_data
from tuoyu.models.reader import read_tables
from tuoyu.optimizer.roster import RosterRules, build_problem, solve_roster
from tuoyu.optimizer.solve import SolveParams


def _bundled() -> Path:
    from tuoyu.api.cli import BUNDLED_DATA

    return BUNDLED_DATA


def dataset_key(data_dir: Path) -> str:
    return str(Path(data_dir).resolve())


def run_roster(
    data_dir: Path,
    month: str,
    out_dir: Path,
    seed: int = 20270301,
    params: SolveParams | None = None,
    rules: RosterRules | None = None,
    database_url: str | None = None,
) -> str:
    """Make, store and write a month's roster; returns the printed summary.

    Raises DataError / InfeasibleError before anything is written or stored.
    """
    from tuoyu.api import store
    from tuoyu.api.exports import audit
    from tuoyu.api.exports import roster as export_roster

    year, mon = parse_month(month)
    data = load_inspection_data(data_dir)
    start, _end = month_bounds(year, mon)
    eng = store.engine(database_url)
    key = dataset_key(data_dir)
    with Session(eng) as session:
        extra = store.stored_history(session, key, start)
    full = data.with_history(extra)
    problem = build_problem(full, year, mon, seed, rules)
    plan = solve_roster(problem, params)
    record = audit.draw_record(plan, data, extra, str(data_dir))

    covered: dict[str, str] = {}
    for h in sorted(full.history, key=lambda h: h.date):
        if h.date.year == year and h.date < start:
            covered[h.institution_id] = h.date.isoformat()
    for r in plan.rows:
        covered.setdefault(r.institution_id, r.date.isoformat())
    active = {i.institution_id for i in data.institutions if i.active}

    out_dir = Path(out_dir)
    with staged(out_dir) as tmp:
        export_roster.write_roster_csv(plan, tmp / "roster.csv")
        (tmp / "draw.json").write_text(
            json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        export_roster.write_roster_xlsx(plan, data, tmp / "roster.xlsx", covered)
        text = export_roster.summary(plan, len(active & set(covered)), len(active))
        (tmp / "summary.txt").write_text(text + "\n", encoding="utf-8")
        with Session(eng) as session, session.begin():
            rid, replaced = store.save_roster(
                session,
                key,
                f"{year}-{mon:02d}",
                seed,
                data.fingerprint,
                json.dumps(record, ensure_ascii=False),
                [
                    (r.date, r.institution_id, r.street_id, ";".join(r.inspector_ids), r.reason)
                    for r in plan.rows
                ],
            )
    if replaced:
        text += f"\n  note: replaced the roster of {year}-{mon:02d} stored before (id {rid})."
    return text + f"\n  written: {out_dir}/roster.csv, roster.xlsx, draw.json, summary.txt"


def record_outcomes_file(file: Path, data_dir: Path, database_url: str | None = None) -> int:
    """Validate an outcomes table (the contract's ``inspections``) and store it."""
    from tuoyu.api import store

    file = Path(file)
    if not file.exists():
        raise DataError(
            [
                Problem(
                    file.name,
                    "the file does not exist",
                    expected="a CSV or XLSX of inspection outcomes",
                )
            ]
        )
    data = load_inspection_data(data_dir)
    with tempfile.TemporaryDirectory() as tmp:
        suffix = file.suffix.lower()
        target = Path(tmp) / ("inspections" + (".csv" if suffix == ".csv" else ".xlsx"))
        shutil.copy(file, target)
        if suffix == ".csv":
            for name in ("streets", "institutions", "inspectors"):
                src = Path(data_dir) / f"{name}.csv"
                if src.exists():
                    shutil.copy(src, Path(tmp) / f"{name}.csv")
        try:
            tables = read_tables(tmp, ("inspections",))
        except DataError as err:
            raise DataError(
                [
                    Problem(file.name, p.message, p.row, p.column, p.expected, p.got)
                    for p in err.problems
                ]
            ) from None
    known_inst = {i.institution_id for i in data.institutions}
    known_insp = {i.inspector_id for i in data.inspectors}
    problems = []
    rows = []
    for n, r in enumerate(tables["inspections"].itertuples(index=False)):
        if r.institution_id not in known_inst:
            problems.append(
                Problem(
                    file.name,
                    f"'{r.institution_id}' refers to nothing",
                    n + 2,
                    "institution_id",
                    "an institution_id of the dataset",
                    r.institution_id,
                )
            )
        for i in r.inspector_ids:
            if i not in known_insp:
                problems.append(
                    Problem(
                        file.name,
                        f"'{i}' refers to nothing",
                        n + 2,
                        "inspector_ids",
                        "inspector_ids of the dataset",
                        i,
                    )
                )
        rows.append(
            PastInspection(
                institution_id=r.institution_id,
                date=r.date,
                outcome=r.outcome,
                inspector_ids=tuple(r.inspector_ids),
            )
        )
    if problems:
        raise DataError(problems)
    eng = store.engine(database_url)
    with Session(eng) as session, session.begin():
        return store.record_outcomes(session, dataset_key(data_dir), rows)


def _fail(exc: Exception) -> None:
    typer.echo(str(exc), err=True)
    typer.echo("Nothing was written.", err=True)
    raise typer.Exit(2)


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
    ) -> None:
        """Make a month's roster: draw institutions, date and staff every inspection.

        Writes roster.csv, roster.xlsx (Chinese), draw.json (the audit record) and
        summary.txt, and stores the roster so the next month knows it.
        """
        if ctx.invoked_subcommand is not None:
            return
        if month is None:
            typer.echo("Give the month to plan: --month YYYY-MM (e.g. 2027-03).", err=True)
            raise typer.Exit(2)
        rules = RosterRules(draw_share=draw_share, min_team=min_team, max_team=max(min_team + 1, 3))
        try:
            text = run_roster(
                data or _bundled(),
                month,
                out,
                seed,
                SolveParams(time_limit=time_limit, workers=workers),
                rules,
            )
        except (DataError, InfeasibleError, ValueError) as exc:
            _fail(exc)
        typer.echo(text)

    @roster_app.command("verify")
    def verify_cmd(
        draw: Path = typer.Argument(..., help="A draw.json, or the folder holding it."),
        data: Path = typer.Option(None, help="Dataset folder (default: as recorded)."),
        workers: int = typer.Option(8, help="Solver workers."),
        time_limit: float = typer.Option(120.0, help="Solver time limit, seconds."),
    ) -> None:
        """Recompute a draw from its audit record and say whether it matches."""
        from tuoyu.api.exports.audit import verify

        path = draw / "draw.json" if draw.is_dir() else draw
        try:
            ok, problems = verify(path, data, SolveParams(time_limit=time_limit, workers=workers))
        except (DataError, InfeasibleError, FileNotFoundError, KeyError, ValueError) as exc:
            typer.echo(f"Cannot verify {path}: {exc}", err=True)
            raise typer.Exit(2) from None
        if ok:
            typer.echo(f"{path}: the draw matches: same institutions, days and teams.")
            return
        typer.echo(f"{path}: the draw does NOT match:", err=True)
        for p in problems:
            typer.echo(f"  - {p}", err=True)
        raise typer.Exit(1)

    @inspections_app.command("record")
    def record_cmd(
        file: Path = typer.Argument(
            ..., help="CSV/XLSX: institution_id, date, outcome, inspector_ids."
        ),
        data: Path = typer.Option(None, help="Dataset folder (default: the bundled data)."),
    ) -> None:
        """Record inspection outcomes (pass / rectify / fail) for the months ahead."""
        try:
            n = record_outcomes_file(file, data or _bundled())
        except DataError as exc:
            _fail(exc)
        typer.echo(f"Recorded {n} inspection outcomes.")

    app.add_typer(roster_app, name="roster")
    app.add_typer(inspections_app, name="inspections")
