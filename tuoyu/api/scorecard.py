"""Gathering the scorecard's inputs (``tuoyu.planning.scorecard``) from what is stored
and the dataset, for the command line (``tuoyu scorecard``) and the service
(``GET /api/v1/datasets/{id}/scorecard``) alike.

Where each figure comes from:

- institutions, streets: the dataset's ``institutions`` and ``streets`` tables;
- on-site inspections and follow-ups: the dataset's ``inspections`` history and the
  outcomes recorded in the store (``tuoyu inspections record``, the pages' upload);
  a roster only planned (published, no outcome yet) is not an inspection made;
- sessions and district events: the newest finished calendar of the year — a
  calendar job stored by the service, or a ``sessions/sessions.csv`` in the folder of
  plans given (``--plans out``, what ``tuoyu all`` writes) or in a folder the command
  line noted in the store when it wrote a calendar (``tuoyu all``, ``tuoyu sessions``:
  the pages find those too), whichever is newer;
- kindergartens, inclusive providers: the dataset's ``kindergartens``/``providers``;
- new classes and the 15-minute circle: the newest finished siting plan covering the
  year (a stored job's ``siting.geojson`` and coverage rows, or ``siting/`` in the
  folder of plans or a folder the command line noted), children from the dataset's ``communities`` (``pop_0_3``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tuoyu.api import store
from tuoyu.models.errors import DataError, Problem
from tuoyu.planning import scorecard as sc
from tuoyu.planning.dataset import Dataset


def _streets(folder: Path) -> list[tuple[str, str]]:
    from tuoyu.models.reader import read_tables

    df = read_tables(folder, ["streets"])["streets"]
    return [(str(r.street_id), str(r.name)) for r in df.itertuples(index=False)]


def _stored_outcomes(engine: Engine, key: str, year: int) -> list[sc.Visit]:
    with Session(engine) as session:
        history = store.stored_history(session, key, dt.date(year + 1, 12, 31))
    return [sc.Visit(h.institution_id, h.date, h.outcome) for h in history
            if h.outcome != "planned"]


def _newest_job(engine: Engine, key: str, kind: str) -> list[tuple[store.Job, Any]]:
    """The finished jobs of ``kind`` on the dataset, newest first, with their plans."""
    with Session(engine) as session:
        ids = store.job_dataset_ids(session, key)
        rows = session.execute(
            select(store.Job, store.StoredPlan)
            .join(store.StoredPlan, store.StoredPlan.job_id == store.Job.id)
            .where(store.Job.dataset_id.in_(ids), store.Job.kind == kind,
                   store.Job.status == "done")
            .order_by(store.Job.finished_at.desc())
        ).all()
        return [(j, p) for j, p in rows]


def _beijing(when: dt.datetime) -> str:
    """A UTC time (naive, as stored) as a planner reads it: Beijing time, to the minute."""
    from zoneinfo import ZoneInfo

    return f"{when.replace(tzinfo=dt.UTC).astimezone(ZoneInfo('Asia/Shanghai')):%Y-%m-%d %H:%M}"


def _job_source(job: store.Job) -> str:
    """A stored plan as a planner knows it: made in the pages, finished at (Beijing
    time); ``job:<id>|<time>`` (the page links the job, the words come from the text)."""
    return f"job:{job.id}|{_beijing(job.finished_at or job.created_at)}"


def _folder_source(path: Path, written: dt.datetime) -> str:
    """A plan the command line wrote: ``<path>|<time written>`` (the command line names
    the folder; the service, whose readers need not know its folders, only the time)."""
    return f"{path}|{_beijing(written)}"


def _mtime(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(tzinfo=None)


def _folders(engine: Engine, key: str, kind: str, plans: Path | None) -> list[Path]:
    """Where to look for the command line's plans of ``kind``: the folder of plans given
    (``--plans out``: its ``<kind>/``), then the folders the command line noted in the
    store (``tuoyu all``, ``tuoyu <kind> --out``), newest first."""
    out = [plans / kind] if plans is not None else []
    for row in store.plan_folders(engine, key, kind):
        folder = Path(row.folder)
        if folder not in out:
            out.append(folder)
    return out


def _sessions(engine: Engine, key: str, year: int, plans: Path | None
              ) -> tuple[list[sc.HeldSession] | None, str]:
    """The newest calendar of the year: (sessions, where from) or (None, "")."""
    from tuoyu.api.exports.sessions import read_sessions_csv

    found: list[tuple[dt.datetime, list[sc.HeldSession], str]] = []
    for folder in _folders(engine, key, "sessions", plans):
        path = folder / "sessions.csv"
        if not path.is_file():
            continue  # removed since, or never a calendar's folder
        try:
            ss = read_sessions_csv(path)
        except (OSError, ValueError, KeyError, DataError):
            if folder == (plans / "sessions" if plans is not None else None):
                raise
            continue  # a noted folder overwritten by something else: not a plan any more
        if ss and all(s.date.year == year for s in ss):
            found.append((_mtime(path), [sc.HeldSession(s.date, s.center_id, s.event_id)
                                         for s in ss], _folder_source(path, _mtime(path))))
            break
    for job, plan in _newest_job(engine, key, "sessions"):
        if int(job.params.get("year", 0)) != year:
            continue
        rows = json.loads(plan.result_json).get("rows", [])
        found.append((job.finished_at or job.created_at,
                      [sc.HeldSession(dt.date.fromisoformat(str(r["date"])),
                                      str(r.get("center_id") or ""),
                                      str(r.get("event_id") or "")) for r in rows],
                      _job_source(job)))
        break
    if not found:
        return None, ""
    _, sessions, where = max(found, key=lambda f: f[0])
    return sessions, where


def _openings_of(doc: dict[str, Any]) -> list[sc.Opening]:
    out = []
    for f in doc.get("features", []):
        p = f.get("properties", {})
        place = p.get("kindergarten_id") or p.get("site_id") or p.get("place_id") or ""
        out.append(sc.Opening(str(place), str(p.get("street_id", "")), int(p["year"]),
                              int(p.get("classes", 0)), str(p.get("source", ""))))
    return out


_Found = tuple[dt.datetime, list[sc.Opening], list[dict[str, Any]], str]


def _siting_from_folders(engine: Engine, key: str, year: int, plans: Path | None
                         ) -> list[_Found]:
    """The newest siting plan folder (given or noted) whose years include ``year``; a given
    folder whose files cannot be read is a located error, a noted one is skipped."""
    found: list[_Found] = []
    given = plans / "siting" if plans is not None else None
    for folder in _folders(engine, key, "siting", plans):
        if not (folder / "coverage.csv").is_file():
            continue  # removed since, or never a siting plan's folder
        try:
            with (folder / "coverage.csv").open(encoding="utf-8-sig", newline="") as f:
                rows = list(csv.DictReader(f))
            doc = json.loads((folder / "siting.geojson").read_text(encoding="utf-8")) \
                if (folder / "siting.geojson").is_file() else {}
            if any(int(r["year"]) == year for r in rows):
                written = _mtime(folder / "coverage.csv")
                found.append((written, _openings_of(doc), rows,
                              _folder_source(folder, written)))
                break
        except (OSError, ValueError, KeyError, TypeError) as exc:  # not a siting plan's files
            if folder != given:
                continue  # a noted folder overwritten by something else: not a plan any more
            raise DataError([Problem(str(folder), "the siting plan's files cannot be read",
                                     expected="coverage.csv and siting.geojson as tuoyu "
                                     "siting writes them", got=str(exc)[:200],
                                     code="input.plan_files_unreadable",
                                     params={"detail": str(exc)[:200]})]) from None
    return found


def _siting(engine: Engine, key: str, year: int, plans: Path | None, jobs_dir: Path,
            children: dict[str, tuple[str, float]]
            ) -> tuple[list[sc.Opening] | None, list[sc.Reach] | None, str]:
    """The newest siting plan whose years include ``year``: its openings and its
    15-minute circle (children from the communities table)."""
    found = _siting_from_folders(engine, key, year, plans)
    for job, plan in _newest_job(engine, key, "siting"):
        rows = json.loads(plan.result_json).get("rows", [])
        if not any(int(r["year"]) == year for r in rows):
            continue
        path = jobs_dir / job.id / "siting.geojson"
        try:
            doc = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        except (OSError, ValueError):
            doc = {}  # the job's file is gone or damaged: its openings are not known
        found.append((job.finished_at or job.created_at, _openings_of(doc), rows,
                      _job_source(job)))
        break
    if not found:
        return None, None, ""
    _, openings, rows, where = max(found, key=lambda f: f[0])
    return openings, _reach(rows, children), where


def _reach(rows: list[dict[str, Any]], children: dict[str, tuple[str, float]]
           ) -> list[sc.Reach]:
    """The plan's 15-minute circle, community by community, with its children."""
    reach = []
    for r in rows:
        cid = str(r["community_id"])
        street, kids = children.get(cid, (str(r.get("street_id", "")), 0.0))
        within = str(r["within_15_min"]).strip().lower() in ("true", "1", "是")
        reach.append(sc.Reach(cid, street, int(r["year"]), kids, within))
    return reach


def _roster_inputs(folder: Path, eng: Engine, key: str, year: int,
                   missing: dict[str, str]) -> dict[str, Any]:
    """The institutions and the visits made (history and recorded outcomes)."""
    from tuoyu.models.inspection import load_inspection_data

    try:
        ins = load_inspection_data(folder)
    except DataError:
        missing["institutions"] = missing["visits"] = "scorecard.missing.roster_tables"
        return {}
    return {"institutions": [sc.Institution(i.institution_id, i.street_id, i.active)
                             for i in ins.institutions],
            "visits": [sc.Visit(h.institution_id, h.date, h.outcome) for h in ins.history
                       if h.outcome != "planned"] + _stored_outcomes(eng, key, year)}


def _session_inputs(folder: Path, missing: dict[str, str]) -> dict[str, Any]:
    """The centers (with their sessions a year) and the district events."""
    from tuoyu.models.sessions import load_session_data

    try:
        ses = load_session_data(folder)
    except DataError:
        missing["centers"] = missing["events"] = "scorecard.missing.session_tables"
        return {}
    return {"centers": [sc.Center(c.center_id, c.street_id, c.kind, c.sessions_per_year)
                        for c in ses.centers],
            "district_events": [e.event_id for e in ses.events if e.kind == "district_event"]}


def _siting_tables(folder: Path, children: dict[str, tuple[str, float]],
                   missing: dict[str, str]) -> dict[str, Any]:
    """Kindergartens and providers; fills ``children`` (community -> street, 0–3 year olds)."""
    from tuoyu.models.siting import load_siting_data

    try:
        sit = load_siting_data(folder, use_network=False)
    except DataError:
        for g in ("kindergartens", "providers", "openings", "reach"):
            missing[g] = "scorecard.missing.siting_tables"
        return {}
    children.update({c.community_id: (c.street_id, float(c.pop_0_3)) for c in sit.communities})
    return {"kindergartens": [sc.Kindergarten(k.kindergarten_id, k.street_id, k.public,
                                              k.has_nursery) for k in sit.kindergartens],
            "providers": [sc.Provider(p.provider_id, p.street_id, p.inclusive)
                          for p in sit.providers]}


def _visit_inputs(folder: Path, year: int, missing: dict[str, str]) -> dict[str, Any]:
    """Each registered family's visit window, by the planner's own rule."""
    from tuoyu.models.visits import load_visit_data
    from tuoyu.optimizer.visits import VisitProblem

    try:
        vis = load_visit_data(folder)
    except DataError:
        missing["families"] = "scorecard.missing.visit_tables"
        return {}
    windows = VisitProblem(vis, dt.date(year, 1, 4)).window  # the planner's own rule
    return {"visit_windows": [sc.VisitWindow(f.street_id, *windows(f), f.visited_on)
                              for f in vis.families]}


def gather(dataset: Dataset, year: int, *, engine: Engine | None = None,
           plans: Path | None = None, jobs_dir: Path | None = None,
           today: dt.date | None = None) -> tuple[sc.Inputs, dict[str, str]]:
    """The scorecard's inputs for ``year`` and where the plans came from (``sessions``,
    ``siting``: a folder or ``job:<id>``). Raises :class:`DataError` only when the
    dataset has no ``streets`` table; any other missing table makes its figures
    unknown (said so), never 0."""
    from tuoyu.api.runner import office_today

    eng = engine or store.engine()
    folder = Path(dataset.folder)
    streets = _streets(folder)
    missing: dict[str, str] = {}
    kw: dict[str, Any] = {}
    kw.update(_roster_inputs(folder, eng, dataset.key, year, missing))
    kw.update(_session_inputs(folder, missing))
    children: dict[str, tuple[str, float]] = {}
    kw.update(_siting_tables(folder, children, missing))
    sources: dict[str, str] = {}  # which plan each figure read: a folder, or job:<id>
    kw["sessions"], sources["sessions"] = _sessions(eng, dataset.key, year, plans)
    kw["openings"], kw["reach"], sources["siting"] = (None, None, "")
    if children:
        kw["openings"], kw["reach"], sources["siting"] = _siting(
            eng, dataset.key, year, plans, jobs_dir or store.home() / "jobs", children)
    extra = _visit_inputs(folder, year, missing)
    inputs = sc.Inputs(year=year, today=today or office_today(), streets=streets,
                       missing=missing, extra=extra, **kw)
    return inputs, sources
