"""What runs in a worker process: one plan, from the dataset folder to files and a result.

The process is started with the 'spawn' method by :mod:`tuoyu.api.service.jobs`; it writes
its status, progress and result into the job's row itself, so the service can restart
without losing what was finished.

Progress: the worker sets the solver layer's progress hook
(:func:`tuoyu.optimizer.solve.set_progress_hook`), so every improving solution's objective
and bound reach the job's row (once a second). Cancel: when the job's cancel flag is set,
the worker calls :func:`tuoyu.optimizer.solve.request_stop`; the CP-SAT solve under way
stops with its best solution, the plan is finished from it and kept (status
``cancelled``). The dispatcher terminates a worker that has not stopped within its grace
period (then nothing is kept).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tuoyu.api.service.db import Job, Plan, make_engine, now

NUMBER = r"(-?[\d,]+(?:\.\d+)?(?:e[-+]?\d+)?|None)"
OBJ_BOUND = re.compile(rf"objective {NUMBER}, bound {NUMBER}")
SOFT = re.compile(r"^\s*(.+?): (-?\d+) × (-?\d+) = (-?\d+)\s*$")
ROWS_FILE = {"roster": "roster.csv", "sessions": "sessions.csv", "siting": "coverage.csv"}


def _num(text: str) -> float | None:
    return None if text == "None" else float(text.replace(",", ""))


def parse_summary(summary: str) -> tuple[list[str], list[dict[str, Any]], dict[str, Any]]:
    """Findings (``note:`` lines), soft goals (``desc: value × weight = cost``) and the
    final objective/bound, read from a run's printed summary."""
    findings: list[str] = []
    soft: list[dict[str, Any]] = []
    final: dict[str, Any] = {"objective": None, "bound": None}
    for line in summary.splitlines():
        stripped = line.strip()
        if stripped.lower().startswith("note:"):
            findings.append(stripped[5:].strip())
            continue
        m = SOFT.match(line)
        if m:
            soft.append(
                {
                    "description": m.group(1).strip(),
                    "value": int(m.group(2)),
                    "weight": int(m.group(3)),
                    "cost": int(m.group(4)),
                }
            )
            continue
        m = OBJ_BOUND.search(line)
        if m and final["objective"] is None:
            final = {"objective": _num(m.group(1)), "bound": _num(m.group(2))}
    return findings, soft, final


def read_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def list_files(folder: Path) -> list[str]:
    return sorted(
        str(p.relative_to(folder)).replace("\\", "/")
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _pair(text: str, what: str) -> tuple[int, int]:
    from tuoyu.api.cli.siting import _range

    try:
        return _range(str(text), what)
    except Exception as exc:  # typer.BadParameter
        raise ValueError(str(exc)) from None


def check_params(kind: str, params: dict[str, Any]) -> None:
    """Raise ValueError (a planner-readable sentence) on params a run would refuse."""
    if kind == "roster":
        from tuoyu.models.calendar import parse_month

        if not params.get("month"):
            raise ValueError("params.month is missing; expected YYYY-MM, e.g. 2027-03")
        try:
            parse_month(str(params["month"]))
        except Exception:
            raise ValueError(
                f"params.month '{params['month']}' is not a month; expected YYYY-MM"
            ) from None
    elif kind == "siting":
        _pair(params.get("years", "2027-2029"), "params.years")
        _pair(params.get("classes_per_year", "5-8"), "params.classes_per_year")


def _run(kind: str, data_dir: Path, params: dict[str, Any], out: Path, url: str,
         previous: Path | None, time_limit: float, workers: int) -> str:
    from tuoyu.optimizer.solve import SolveParams

    limit = float(params.get("time_limit") or time_limit)
    if kind == "roster":
        from tuoyu.api.cli.roster import run_roster
        from tuoyu.optimizer.roster import RosterRules

        rules = None
        if "min_team" in params or "draw_share" in params:
            min_team = int(params.get("min_team", 2))
            rules = RosterRules(
                draw_share=float(params.get("draw_share", 0.10)),
                min_team=min_team,
                max_team=max(min_team + 1, 3),
            )
        return run_roster(
            data_dir,
            str(params["month"]),
            out,
            int(params.get("seed", 20270301)),
            SolveParams(time_limit=limit, workers=workers),
            rules,
            url,
        )
    if kind == "sessions":
        from tuoyu.api.cli.sessions import run_sessions

        from_date = params.get("from_date")
        return run_sessions(
            data_dir,
            int(params.get("year", 2027)),
            out,
            dt.date.fromisoformat(from_date) if from_date else None,
            previous,
            int(params.get("seed", 0)),
            limit,
            workers,
        )
    from tuoyu.api.cli.siting import run_siting

    return run_siting(
        data_dir,
        _pair(params.get("years", "2027-2029"), "params.years"),
        out,
        classes_per_year=_pair(params.get("classes_per_year", "5-8"), "params.classes_per_year"),
        model=str(params.get("model", "capacitated")),
        time_limit=limit,
        workers=workers,
    )


def _finish(url: str, job_id: str, status: str, message: str, result: dict[str, Any],
            files: list[str], progress: dict[str, Any]) -> None:
    eng = make_engine(url)
    with Session(eng) as s, s.begin():
        job = s.get(Job, job_id)
        if job is None:
            return
        job.status = status
        job.message = message
        job.finished_at = now()
        job.progress_json = json.dumps(progress)
        job.pid = None
        old = s.query(Plan).filter(Plan.job_id == job_id).one_or_none()
        if old is not None:
            s.delete(old)
            s.flush()
        s.add(
            Plan(
                job_id=job_id,
                result_json=json.dumps(result, ensure_ascii=False),
                files_json=json.dumps(files),
                created_at=now(),
            )
        )
    eng.dispose()


def run_job(job_id: str, kind: str, data_dir: str, params: dict[str, Any], out_dir: str,
            url: str, previous: str | None, time_limit: float, workers: int) -> None:
    """The worker's entry point. Never raises: every outcome ends in the job's row."""
    from tuoyu.models.errors import DataError, InfeasibleError, TimeLimitError
    from tuoyu.optimizer import solve as solver_layer

    t0 = time.perf_counter()
    stop = threading.Event()
    cancelled = threading.Event()
    eng = make_engine(url)
    latest: dict[str, Any] = {"objective": None, "bound": None}

    def on_progress(_seconds: float, objective: float, bound: float) -> None:
        latest["objective"], latest["bound"] = objective, bound

    solver_layer.set_progress_hook(on_progress)

    def heartbeat() -> None:
        while not stop.wait(1.0):
            try:
                with Session(eng) as s, s.begin():
                    job = s.get(Job, job_id)
                    if job is not None and job.status == "running":
                        job.progress_json = json.dumps(
                            {"seconds": round(time.perf_counter() - t0, 1), **latest}
                        )
                        if job.cancel_requested and not cancelled.is_set():
                            cancelled.set()
                            solver_layer.request_stop()
            except Exception:  # a busy database must not stop the solve
                pass

    beat = threading.Thread(target=heartbeat, daemon=True)
    beat.start()
    out = Path(out_dir)
    try:
        summary = _run(kind, Path(data_dir), params, out, url,
                       Path(previous) if previous else None, time_limit, workers)
    except DataError as exc:
        status, message = "failed", str(exc)
        result: dict[str, Any] = {"error": "invalid_input", "message": message,
                                  "problems": [p.as_dict() for p in exc.problems]}
        final: dict[str, Any] = {"objective": None, "bound": None}
    except TimeLimitError as exc:  # no plan in time: not proof that none exists
        status = "cancelled" if cancelled.is_set() else "failed"
        message = exc.summary + " Submit it again with a longer time_limit."
        result = {"error": "time_limit", "message": message, "clashes": exc.clashes}
        final = {"objective": None, "bound": None}
    except InfeasibleError as exc:
        status, message = ("cancelled" if cancelled.is_set() else "infeasible"), exc.summary
        result = {"error": "infeasible", "message": exc.summary, "clashes": exc.clashes}
        final = {"objective": None, "bound": None}
    except Exception as exc:
        status = "failed"
        message = f"The plan could not be made: {exc}"
        result = {"error": "failed", "message": message,
                  "detail": traceback.format_exc(limit=5)}
        final = {"objective": None, "bound": None}
    else:
        findings, soft, final = parse_summary(summary)
        summary_json = out / "siting_summary.json"
        if kind == "siting" and summary_json.exists():
            extra = json.loads(summary_json.read_text(encoding="utf-8"))
            findings = list(extra.get("findings") or findings)
            final = {"objective": extra.get("objective"), "bound": extra.get("bound")}
        status, message = "done", summary.splitlines()[0] if summary else "done"
        if cancelled.is_set():
            status = "cancelled"
            message = "cancelled while the plan was being made; the best plan found so far is kept"
        result = {
            "summary": summary,
            "status": status,
            "findings": findings,
            "soft_goals": soft,
            "rows": read_rows(out / ROWS_FILE[kind]),
        }
    stop.set()
    beat.join(timeout=2)
    eng.dispose()
    files = list_files(out) if out.is_dir() else []
    progress = {"seconds": round(time.perf_counter() - t0, 1), **final}
    _finish(url, job_id, status, message, result, files, progress)
