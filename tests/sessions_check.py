"""Checks of a guidance calendar written independently of the model: every hard rule on
the output table (``sessions.csv`` rows as a planner reads them), and tiny datasets."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import shutil
from collections import Counter, defaultdict
from pathlib import Path

from tuoyu.data import BUNDLED
from tuoyu.models.sessions import SessionData
from tuoyu.optimizer.sessions import SessionRules


def gen_sessions():  # noqa: ANN201
    """The repository's session-data generator (``data/gen_sessions.py``), loaded from its
    file (``data/`` is not an installed package)."""
    path = Path(__file__).resolve().parents[1] / "data" / "gen_sessions.py"
    spec = importlib.util.spec_from_file_location("gen_sessions", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


WEEK = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def read_plan(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def violations(
    data: SessionData, year: int, rows: list[dict[str, str]], rules: SessionRules | None = None
) -> list[str]:
    """Every broken hard rule in a plan given as ``sessions.csv`` rows (strings)."""
    rules = rules or SessionRules()
    out: list[str] = []
    cal = data.calendar
    centers = {c.center_id: c for c in data.centers}
    staff = {s.staff_id: s for s in data.staff}
    topics = {t.topic_id: t for t in data.topics}
    events = {e.event_id: e for e in data.events}
    per_center: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
    per_event: dict[str, list[dt.date]] = defaultdict(list)
    slot_use: Counter = Counter()
    month_use: Counter = Counter()
    for r in rows:
        d = dt.date.fromisoformat(r["date"])
        half = r["start"]
        team = [x for x in r["staff_ids"].split(";") if x]
        if d.year != year:
            out.append(f"{r} outside {year}")
        if cal.is_holiday(d):
            out.append(f"{r['center_id'] or r['event_id']} on public holiday {d}")
        for x in team:
            s = staff[x]
            slot_use[x, d, half] += 1
            month_use[x, d.month] += 1
            if d.weekday() not in s.days:
                out.append(f"{x} works on {d}, not one of their days")
            if any(p.owner_id == x and p.covers(d) for p in data.leave):
                out.append(f"{x} works on {d} while on leave")
        discs = Counter(staff[x].discipline for x in team)
        if len(set(team)) != len(team):
            out.append(f"{r} lists a person twice")
        if r["center_id"]:
            c = centers[r["center_id"]]
            per_center[c.center_id].append((d, r["topic_id"]))
            if d.weekday() not in c.open_days:
                out.append(f"{c.center_id} session on {d}, a day it is closed")
            if any(p.owner_id == c.center_id and p.covers(d) for p in data.closures):
                out.append(f"{c.center_id} session on {d} during a closure")
            need = topics[r["topic_id"]].disciplines
            for disc in ("education", *need):
                if discs[disc] < 1:
                    out.append(f"{c.center_id} {d} topic {r['topic_id']} has no {disc} member")
        else:
            e = events[r["event_id"]]
            per_event[e.event_id].append(d)
            if d.month not in e.months:
                out.append(f"{e.event_id} on {d}, not in its months")
            if e.weekend and d.weekday() < 5:
                out.append(f"{e.event_id} on {d}, not a weekend")
            if len(team) != e.staff_needed:
                out.append(f"{e.event_id} {d} has {len(team)} staff, needs {e.staff_needed}")
            for disc in e.disciplines:
                if discs[disc] < 1:
                    out.append(f"{e.event_id} {d} has no {disc} member")
            if e.disciplines and set(discs) - set(e.disciplines):
                out.append(f"{e.event_id} {d} has staff of other disciplines")
    for (x, d, h), n in slot_use.items():
        if n > 1:
            out.append(f"{x} is in {n} places on {d} {h}")
    for (x, mo), n in month_use.items():
        if n > staff[x].max_per_month:
            out.append(f"{x} works {n} sessions in month {mo}, limit {staff[x].max_per_month}")
    for c in data.centers:
        ss = sorted(per_center[c.center_id])
        if len(ss) < c.sessions_per_year:
            out.append(f"{c.center_id} has {len(ss)} sessions, needs {c.sessions_per_year}")
        for (a, ta), (b, tb) in zip(ss, ss[1:], strict=False):
            if (b - a).days < rules.min_gap_days:
                out.append(f"{c.center_id} sessions {a} and {b} are {(b - a).days} days apart")
            if ta == tb:
                out.append(f"{c.center_id} topic {ta} twice in a row ({a}, {b})")
        if rules.every_quarter and c.sessions_per_year >= 4:
            qs = {(d.month - 1) // 3 for d, _ in ss}
            if qs != {0, 1, 2, 3}:
                out.append(f"{c.center_id} has no session in some quarter ({sorted(qs)})")
        need = min(rules.min_topics, c.sessions_per_year, len(data.topics))
        if len({t for _, t in ss}) < need:
            out.append(f"{c.center_id} covers {len({t for _, t in ss})} topics, needs {need}")
    for e in data.events:
        days = per_event[e.event_id]
        if len(days) != e.count:
            out.append(f"{e.event_id} happens {len(days)} times, needs {e.count}")
        if len(set(days)) != len(days):
            out.append(f"{e.event_id} twice on one day")
    return out


def rows_of(plan) -> list[dict[str, str]]:
    """The plan's sessions as sessions.csv rows, through the exporter."""
    import tempfile

    from tuoyu.api.exports.sessions import write_sessions_csv

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sessions.csv"
        write_sessions_csv(path, list(plan.sessions))
        return read_plan(path)


def write_tables(folder: Path, tables: dict[str, list[dict[str, object]]]) -> Path:
    """A tiny dataset: the given tables plus the bundled streets and calendar."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(BUNDLED / "streets.csv", folder / "streets.csv")
    shutil.copy(BUNDLED / "calendar.csv", folder / "calendar.csv")
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            cols = list(rows[0]) if rows else ["x"]
            w = csv.DictWriter(f, fieldnames=cols)
            w.writeheader()
            w.writerows(rows)
    return folder


def center_row(
    cid: str, street: str = "310113003", n: int = 6, days: str = "Mon;Tue;Wed;Thu;Fri;Sat"
) -> dict[str, object]:
    """One row of centers.csv for the tiny datasets of the tests (a baby center)."""
    return dict(
        center_id=cid,
        name=f"宝宝苑{cid}",
        street_id=street,
        lon=121.48,
        lat=31.40,
        kind="baby_center",
        sessions_per_year=n,
        open_days=days,
    )


def mips_wall_seconds_cut(monkeypatch, seconds: float) -> None:  # noqa: ANN001
    """Every MIP (HiGHS, ``bound.Lp``) given ``seconds`` fewer wall-clock seconds than
    asked (none below 0): a machine so loaded that they have gone before it starts."""
    from tuoyu.optimizer.sessions.bound import Lp

    solve = Lp.solve

    def loaded(self, time_limit=None, *a, **kw):  # noqa: ANN001, ANN202
        if self.integer and time_limit is not None:
            time_limit = max(0.0, time_limit - seconds)
        return solve(self, time_limit, *a, **kw)

    monkeypatch.setattr(Lp, "solve", loaded)


def same_plan_with_mips_wall_seconds_cut(p, monkeypatch, budget: float):  # noqa: ANN001, ANN201
    """Plans ``p`` at the work ``budget``, then again with every MIP's wall seconds cut by
    the whole budget (``mips_wall_seconds_cut``), and checks what the public and the
    planner would: the same rows and objective, no wall-clock stop said, every rule
    kept. The MIPs end at their work limit, not by the wall clock. Returns the plan."""
    from tuoyu.optimizer.sessions import plan_sessions
    from tuoyu.optimizer.solve import SolveParams

    plain = plan_sessions(p, SolveParams(time_limit=budget, workers=2))
    mips_wall_seconds_cut(monkeypatch, budget)
    late = plan_sessions(p, SolveParams(time_limit=budget, workers=2))
    assert rows_of(late) == rows_of(plain)
    assert late.objective == plain.objective
    assert "sessions.wall_clock_stop" not in [f.code for f in late.findings]
    assert violations(p.data, p.year, rows_of(late), p.rules) == []
    return late


def lectures_and_one_working_saturday(folder: Path):  # noqa: ANN201
    """Two centers in 友谊路 (three sessions each, Monday to Friday) led by Y and Z, who
    work Monday to Friday; X (罗店, far) works weekends only; two lectures in May on
    working days (May 2027's only working weekend day is Saturday the 8th, 调休). No
    weekend target. Education topics only."""
    from tuoyu.models.sessions import load_session_data
    from tuoyu.optimizer.sessions import SessionProblem

    a, far, weekdays = "310113003", "310113101", "Mon;Tue;Wed;Thu;Fri"

    def person(sid: str, street: str, days: str) -> dict[str, object]:
        return dict(staff_id=sid, name=f"人{sid}", discipline="education", street_id=street,
                    max_per_month=4, days=days)

    write_tables(folder, dict(
        topics=[dict(topic_id=t, name=t, disciplines="education") for t in "ADG"],
        centers=[center_row("C1", a, n=3, days=weekdays),
                 center_row("C2", a, n=3, days=weekdays)],
        guidance_staff=[person("Y", a, weekdays), person("Z", a, weekdays),
                        person("X", far, "Sat;Sun")],
        events=[dict(event_id="L1", name="讲座", kind="lecture", count=2, staff_needed=1,
                     disciplines="education", weekend="false", months="5")],
    ))  # fmt: skip
    p = SessionProblem(data=load_session_data(folder), year=2027,
                       rules=SessionRules(weekend_share=0.0))
    may = [d for d in p.month_days(5) if d in p.workdays and p.date(d).weekday() >= 5]
    assert [p.date(d) for d in may] == [dt.date(2027, 5, 8)]
    return p


def lectures_calendar(first_lecture: dt.date) -> list:
    """A calendar of ``lectures_and_one_working_saturday``: each center's three sessions
    (topics A, D, G), the lectures on ``first_lecture`` and Thursday 6 May."""
    from tuoyu.models.sessions import Session

    day = dt.date
    out = [Session(date=day(2027, m, d), half=0, center_id=c, topic_id=t)
           for c, dates in (("C1", ((1, 4), (5, 10), (9, 7))), ("C2", ((3, 1), (6, 29), (11, 5))))
           for (m, d), t in zip(dates, "ADG", strict=True)]
    return [*out, Session(date=first_lecture, half=0, event_id="L1"),
            Session(date=day(2027, 5, 6), half=0, event_id="L1")]
