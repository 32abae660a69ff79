"""``tuoyu sessions``: the yearly guidance-session calendar, from tables to files.

Writes into ``--out``: ``sessions.csv`` (the contract's output), ``sessions.xlsx`` (the
Chinese workbook), ``sessions_ics/`` (one .ics per center and per staff member) and
``sessions_summary.txt``. Files are written into a temporary folder next to ``--out``
and moved in only when everything succeeded: bad input or no plan leaves ``--out`` as it was.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path
from typing import Annotated

import typer

from tuoyu.api.exports.output import staged
from tuoyu.models.errors import DataError, InfeasibleError, Problem
from tuoyu.models.reader import parse_date
from tuoyu.models.sessions import DISCIPLINE_ZH, SessionData, load_session_data
from tuoyu.optimizer.sessions import SessionPlan, SessionProblem, SessionRules, plan_sessions
from tuoyu.optimizer.solve import SolveParams

ICS_DIR = "sessions_ics"


def summarize(data: SessionData, plan: SessionPlan, year: int) -> str:
    """The printed summary: sessions per center against the target, topics, staff load."""
    lines = [
        f"Guidance sessions {year}: {sum(1 for s in plan.sessions if s.center_id)} center "
        f"sessions, {sum(1 for s in plan.sessions if s.event_id)} district event "
        f"occurrences."
    ]
    gap = plan.gap
    lines.append(
        f"Solver: {plan.status}, objective {plan.objective:g}, bound {plan.bound:g}, "
        f"gap {0 if gap is None else gap:.2%}, build {plan.build_seconds:.1f} s, "
        f"solve {plan.solve_seconds:.1f} s."
    )
    per: dict[str, list] = defaultdict(list)
    for s in plan.sessions:
        if s.center_id:
            per[s.center_id].append(s)
    by_kind: dict[str, list[tuple[int, int]]] = defaultdict(list)
    short = []
    for c in data.centers:
        n = len(per[c.center_id])
        by_kind[c.kind].append((n, c.sessions_per_year))
        if n < c.sessions_per_year:
            short.append(f"{c.name}({c.center_id}) {n}/{c.sessions_per_year}")
    lines.append("Sessions per center against the target:")
    for kind, rows in sorted(by_kind.items()):
        met = sum(1 for n, t in rows if n >= t)
        lines.append(
            f"  {kind:18s} {met}/{len(rows)} centers meet their target "
            f"(sessions {min(n for n, _ in rows)}–{max(n for n, _ in rows)}, "
            f"target {min(t for _, t in rows)}–{max(t for _, t in rows)})"
        )
    lines += [f"  short: {x}" for x in short]
    topics = [len({s.topic_id for s in ss}) for ss in per.values() if ss]
    if topics:
        cover = Counter(s.topic_id for ss in per.values() for s in ss)
        lines.append(
            f"Topics: {min(topics)}–{max(topics)} different topics per center; "
            + ", ".join(f"{t.topic_id} {cover[t.topic_id]}" for t in data.topics)
        )
    load = Counter(x for s in plan.sessions for x in s.staff_ids)
    lines.append("Staff load (sessions a year):")
    for d in ("education", "medical", "psychology"):
        pool = [s for s in data.staff if s.discipline == d]
        if pool:
            ns = [load[s.staff_id] for s in pool]
            lines.append(
                f"  {d:11s}{DISCIPLINE_ZH[d]} {len(pool)} staff, {min(ns)}–{max(ns)} each, "
                f"{sum(ns)} in all"
            )
    weekend = sum(1 for s in plan.sessions if s.center_id and s.date.weekday() >= 5)
    total = sum(len(v) for v in per.values())
    lines.append(f"On weekends: {weekend}/{total} center sessions.")
    lines.append("Soft goals (value × weight = cost):")
    for c in plan.soft_costs:
        lines.append(f"  {c.description}: {c.value} × {c.weight} = {c.cost}")
    if plan.changes:
        lines.append(f"Changes against the previous plan ({len(plan.changes)}):")
        lines += [f"  {x}" for x in plan.changes[:200]]
    lines += [f"Note: {f}" for f in plan.findings]
    return "\n".join(lines)


def run_sessions(
    data_dir: Path,
    year: int,
    out_dir: Path,
    from_date: dt.date | None = None,
    previous: Path | None = None,
    seed: int = 0,
    time_limit: float = 60.0,
    workers: int = 2,
    rules: SessionRules | None = None,
) -> str:
    """Plan the year's sessions (or re-plan from ``from_date``) and write the files.

    Returns the printed summary. Raises :class:`DataError` on bad input and
    :class:`InfeasibleError` when the rules cannot all hold; nothing is written then.
    """
    from tuoyu.api.exports.sessions import (
        read_sessions_csv,
        write_ics,
        write_sessions_csv,
        write_workbook,
    )

    data = load_session_data(data_dir)
    prior: tuple = ()
    if from_date is not None:
        path = previous or (Path(out_dir) / "sessions.csv")
        if not path.exists():
            raise DataError(
                [
                    Problem(
                        str(path),
                        "re-planning needs the previous plan",
                        expected="the sessions.csv written by the first plan "
                        "(--previous FILE or in --out)",
                    )
                ]
            )
        prior = tuple(read_sessions_csv(path))
    problem = SessionProblem(
        data=data,
        year=year,
        rules=rules or SessionRules(),
        previous=prior,
        from_date=from_date,
        seed=seed,
    )
    plan = plan_sessions(problem, SolveParams(time_limit=time_limit, workers=workers, seed=seed))
    summary = summarize(data, plan, year)
    with staged(Path(out_dir)) as tmp:
        write_sessions_csv(tmp / "sessions.csv", plan.sessions)
        soft = [(c.description, c.value, c.weight, c.cost) for c in plan.soft_costs]
        write_workbook(tmp / "sessions.xlsx", data, plan.sessions, year, soft)
        write_ics(tmp / ICS_DIR, data, plan.sessions)
        (tmp / "sessions_summary.txt").write_text(summary + "\n", encoding="utf-8")
    return summary


def register(app: typer.Typer) -> None:
    @app.command("sessions")
    def sessions(
        data: Annotated[
            Path | None,
            typer.Option("--data", help="Dataset folder (default: the bundled Baoshan data)."),
        ] = None,
        year: Annotated[int, typer.Option("--year", help="The year to plan.")] = 2027,
        out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("out"),
        from_: Annotated[
            str | None,
            typer.Option(
                "--from",
                help="Re-plan from this date (YYYY-MM-DD); sessions before it stay as they are.",
            ),
        ] = None,
        previous: Annotated[
            Path | None,
            typer.Option("--previous", help="The plan to re-plan (default: OUT/sessions.csv)."),
        ] = None,
        seed: Annotated[int, typer.Option("--seed", help="Seed for tie-breaks.")] = 0,
        time_limit: Annotated[
            float, typer.Option("--time-limit", help="Seconds for the solver.")
        ] = 60.0,
        workers: Annotated[int, typer.Option("--workers", help="Solver threads.")] = 2,
    ) -> None:
        """The yearly guidance-session calendar: at least six sessions per baby center."""
        if data is None:
            from tuoyu.api.cli import BUNDLED_DATA

            data = BUNDLED_DATA
        try:
            start = parse_date(from_) if from_ else None
        except ValueError:
            typer.echo(f"--from '{from_}' is not a date; expected YYYY-MM-DD", err=True)
            raise typer.Exit(2) from None
        try:
            text = run_sessions(data, year, out, start, previous, seed, time_limit, workers)
        except (DataError, InfeasibleError) as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
        typer.echo(text)
