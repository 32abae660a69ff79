"""Checks of a week of home visits written independently of the model: every hard rule on
the output rows (``visits.csv`` as a planner reads it), from the dataset's raw CSV files,
with its own travel-time arithmetic; and tiny datasets for the per-rule tests."""

from __future__ import annotations

import csv
import datetime as dt
import math
import shutil
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tuoyu.data import BUNDLED
from tuoyu.models.calendar import WorkCalendar

DAYS = {"Mon": 0, "Tue": 1, "Wed": 2, "Thu": 3, "Fri": 4, "Sat": 5, "Sun": 6}
HALVES = {"AM": 0, "PM": 1}


@dataclass(frozen=True)
class Rules:
    """The rule numbers the plan was made with (the defaults of VisitParams)."""

    window_days: int = 28
    min_age_days: int = 7
    visit_minutes: int = 60
    hours: tuple[tuple[int, int], tuple[int, int]] = ((510, 690), (810, 1020))
    pairs: bool = True
    speed_kmh: float = 20.0
    circuity: float = 1.3


def _read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _days(text: str) -> set[int]:
    return {DAYS[x.strip()] for x in text.split(";") if x.strip()} if text.strip() else set()


def _halves(text: str) -> set[tuple[int, int]]:
    out = set()
    for tok in text.split(";"):
        parts = tok.split()
        if not parts:
            continue
        halves = [HALVES[parts[1]]] if len(parts) > 1 else [0, 1]
        out.update((DAYS[parts[0]], h) for h in halves)
    return out


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def travel(a: tuple[float, float], b: tuple[float, float], rules: Rules) -> int:
    """Whole minutes, rounded up: great-circle distance x circuity at the speed."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2) ** 2
    km = 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h))) * rules.circuity
    return math.ceil(km / rules.speed_kmh * 60 - 1e-9)


def violations(folder: Path, rows: Iterable[Mapping[str, Any]], week: dt.date, *,
               rules: Rules = Rules(), from_date: dt.date | None = None,
               previous: Iterable[Mapping[str, Any]] = (),
               sessions: Iterable[Mapping[str, Any]] | None = None,
               excused: Iterable[str] = ()) -> list[str]:
    """Every broken hard rule in a week's plan given as ``visits.csv`` rows. ``excused``:
    families the plan says (with a proof) cannot be visited."""
    rows = [{k: str(v) for k, v in r.items()} for r in rows]
    out: list[str] = []
    first_day = from_date or week
    last_day = week + dt.timedelta(days=6)
    cal_rows = _read(folder / "calendar.csv")
    cal = WorkCalendar.from_rows((dt.date.fromisoformat(r["date"]), r["kind"], r["name"])
                                 for r in cal_rows)
    coms = {r["community_id"]: r for r in _read(folder / "communities.csv")}
    fams = {r["family_id"]: r for r in _read(folder / "families.csv")}
    staff = {r["staff_id"]: r for r in _read(folder / "guidance_staff.csv")}
    vstaff = {r["staff_id"]: r for r in _read(folder / "visit_staff.csv")}
    leave = defaultdict(list)
    for r in _read(folder / "staff_leave.csv"):
        leave[r["staff_id"]].append((dt.date.fromisoformat(r["start"]),
                                     dt.date.fromisoformat(r["end"])))
    booked: set[tuple[str, dt.date, int]] = set()
    for r in (sessions if sessions is not None else _read(folder / "sessions.csv")):
        half = 0 if int(str(r["start"]).split(":")[0]) < 12 else 1
        for sid in str(r.get("staff_ids", "")).split(";"):
            if sid:
                booked.add((sid, dt.date.fromisoformat(str(r["date"])), half))

    def place(fid: str) -> tuple[float, float]:
        f = fams[fid]
        if f["lon"].strip() and f["lat"].strip():
            return float(f["lon"]), float(f["lat"])
        c = coms[f["community_id"]]
        return float(c["lon"]), float(c["lat"])

    def window(f: dict[str, str]) -> tuple[dt.date, dt.date]:
        reg = dt.date.fromisoformat(f["registered_on"])
        birth = dt.date.fromisoformat(f["birth_date"])
        return (max(reg + dt.timedelta(days=1), birth + dt.timedelta(days=rules.min_age_days)),
                reg + dt.timedelta(days=rules.window_days))

    # already-made visits kept
    if from_date is not None:
        want = {(r["family_id"], r["date"], r["staff_ids"]) for r in previous
                if week <= dt.date.fromisoformat(str(r["date"])) < from_date}
        have = {(r["family_id"], r["date"], r["staff_ids"]) for r in rows}
        for k in sorted(want - have):
            out.append(f"kept visit {k} is missing")
    seen: set[str] = set()
    per_person_day: dict[tuple[str, dt.date], list[dict[str, str]]] = defaultdict(list)
    team_of: dict[tuple[str, dt.date], str] = {}
    for r in rows:
        fid, d = r["family_id"], dt.date.fromisoformat(r["date"])
        kept = r.get("kept") in ("True", "true", "1")
        f = fams.get(fid)
        if f is None:
            out.append(f"{fid}: no such family")
            continue
        if fid in seen:
            out.append(f"{fid} visited twice")
        seen.add(fid)
        if not week <= d <= last_day:
            out.append(f"{fid} visited on {d}, outside the week")
        if kept:
            continue
        if d < first_day:
            out.append(f"{fid} planned on {d}, before the re-plan's first day")
        if f["visited_on"].strip():
            out.append(f"{fid} was visited already on {f['visited_on']}")
        if dt.date.fromisoformat(f["registered_on"]) >= first_day:
            out.append(f"{fid} planned before it was registered")
        lo, hi = window(f)
        overdue = hi < first_day
        if not overdue and not lo <= d <= hi:
            out.append(f"{fid} visited on {d}, outside its window {lo}..{hi}")
        half = HALVES[r["half"]]
        if (d.weekday(), half) not in _halves(f["half_days"]):
            out.append(f"{fid} visited on {d} {r['half']}, not a half-day it gave")
        start, end = _minutes(r["start"]), _minutes(r["end"])
        a, b = rules.hours[half]
        if not (a <= start and end <= b and end - start == rules.visit_minutes):
            out.append(f"{fid} visit {r['start']}-{r['end']} outside the half-day's hours")
        team = [x for x in r["staff_ids"].split(";") if x]
        needs = [x for x in f["needs"].split(";") if x]
        need = needs[:2] if rules.pairs else needs[:1]
        discs = {staff[x]["discipline"] for x in team}
        if not set(need) <= discs:
            out.append(f"{fid} needs {need}, the team {team} holds {sorted(discs)}")
        if len(team) > (2 if rules.pairs else 1) or len(set(team)) != len(team):
            out.append(f"{fid}: team {team} too big or a person twice")
        if cal.is_holiday(d):
            out.append(f"{fid} visited on public holiday {d}")
        for x in team:
            vs = vstaff.get(x)
            if vs is None:
                out.append(f"{x} visits but is not in visit_staff")
                continue
            days = _days(vs["days"]) or _days(staff[x]["days"]) or set(range(7))
            if staff[x]["days"].strip():
                days &= _days(staff[x]["days"])
            if d.weekday() not in days:
                out.append(f"{x} visits on {d}, not one of their visit days")
            if any(s <= d <= e for s, e in leave[x]):
                out.append(f"{x} visits on {d} while on leave")
            if (x, d, half) in booked:
                out.append(f"{x} visits on {d} {r['half']} while in a guidance session")
            per_person_day[x, d].append(r)
            prev = team_of.setdefault((x, d), r["staff_ids"])
            if prev != r["staff_ids"]:
                out.append(f"{x} is in two teams on {d}")
    for (x, d), visits in per_person_day.items():
        vs = vstaff[x]
        if len(visits) > int(vs["max_visits_per_day"] or 4):
            out.append(f"{x} makes {len(visits)} visits on {d}, over the daily limit")
        visits.sort(key=lambda r: _minutes(r["start"]))
        # every member from their own base to the families and back to it (a pair's
        # second member too, wherever the pair meets)
        base = (float(vs["base_lon"]), float(vs["base_lat"]))
        # the team works from the start of its first half-day free of sessions to the end
        # of its last (it may travel over lunch between two free half-days)
        members = visits[0]["staff_ids"].split(";")
        free = [h for h in (0, 1) if not any((m, d, h) in booked for m in members)]
        day_start, day_end = rules.hours[free[0]][0], rules.hours[free[-1]][1]
        here, t = base, day_start
        for v in visits:
            arrive = t + travel(here, place(v["family_id"]), rules)
            if _minutes(v["start"]) < arrive:
                out.append(f"{x} on {d}: cannot reach {v['family_id']} by {v['start']} "
                           "(in two places)")
            t = max(arrive, _minutes(v["start"])) + rules.visit_minutes
            here = place(v["family_id"])
        if t + travel(here, base, rules) > day_end:
            out.append(f"{x} on {d}: back at the base after the working hours")
    return out


def due_unvisited(folder: Path, rows: Iterable[Mapping[str, Any]], week: dt.date,
                  rules: Rules = Rules(), from_date: dt.date | None = None) -> list[str]:
    """Families whose window ends within the horizon, known before it and not visited,
    that the plan does not visit."""
    first_day = from_date or week
    visited = {str(r["family_id"]) for r in rows}
    out = []
    for f in _read(folder / "families.csv"):
        reg = dt.date.fromisoformat(f["registered_on"])
        last = reg + dt.timedelta(days=rules.window_days)
        if (not f["visited_on"].strip() and reg < first_day
                and first_day <= last <= week + dt.timedelta(days=6)
                and f["family_id"] not in visited):
            out.append(f["family_id"])
    return out


def unvisited_in_week(folder: Path, rows: Iterable[Mapping[str, Any]], week: dt.date,
                      rules: Rules = Rules()) -> list[str]:
    """Families the week could visit (registered before it, not visited before, their
    window open by its Sunday: birth + ``min_age_days`` and the day after registration)
    that the plan does not visit."""
    visited = {str(r["family_id"]) for r in rows}
    sunday = week + dt.timedelta(days=6)
    out = []
    for f in _read(folder / "families.csv"):
        reg = dt.date.fromisoformat(f["registered_on"])
        born = dt.date.fromisoformat(f["birth_date"])
        opens = max(reg + dt.timedelta(days=1), born + dt.timedelta(days=rules.min_age_days))
        if (not f["visited_on"].strip() and reg < week and opens <= sunday
                and f["family_id"] not in visited):
            out.append(f["family_id"])
    return sorted(out)


def spare_people(folder: Path, rows: Iterable[Mapping[str, Any]], rules: Rules = Rules(),
                 ) -> int:
    """People at the written visits beyond the disciplines the family needs (a pair at a
    family that needs one): one person per needed discipline, two at most with pairs."""
    needs = {f["family_id"]: [x for x in f["needs"].replace("；", ";").split(";") if x.strip()]
             for f in _read(folder / "families.csv")}
    cap = 2 if rules.pairs else 1
    return sum(max(0, len(str(r["staff_ids"]).split(";"))
                   - min(cap, len(needs[str(r["family_id"])]))) for r in rows)


def second_visits_by_others(folder: Path, rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """Families visited before (``earlier_visitors``) whom the plan sends none of them to
    again: counted on the written rows."""
    earlier = {f["family_id"]: {x for x in (f.get("earlier_visitors") or "").replace(
        "；", ";").split(";") if x.strip()} for f in _read(folder / "families.csv")}
    out = []
    for r in rows:
        before = earlier.get(str(r["family_id"]), set())
        if before and not before & set(str(r["staff_ids"]).split(";")):
            out.append(str(r["family_id"]))
    return sorted(out)


def visits_per_person(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Visits each person makes (a pair's visit counts for both), from the written rows."""
    out: dict[str, int] = defaultdict(int)
    for r in rows:
        for s in str(r["staff_ids"]).split(";"):
            out[s] += 1
    return dict(out)


# --- tiny datasets ---------------------------------------------------------------------

STREET = "310113003"
COMMUNITY = {"community_id": "C1", "name": "第一居委", "street_id": STREET,
             "lon": "121.48", "lat": "31.40", "pop_0_3": "100", "births": "30"}


def tiny_dataset(folder: Path, *, staff: list[dict[str, object]],
                 families: list[dict[str, object]], leave: list[dict[str, object]] = (),
                 sessions: list[dict[str, object]] | None = None) -> Path:
    """A dataset folder with one street, one committee, the given staff (each row:
    staff_id, discipline, days, base_lon, base_lat, max_visits_per_day, visit_days) and
    families (family_id, birth_date, registered_on, needs, half_days; lon/lat optional)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(BUNDLED / "calendar.csv", folder / "calendar.csv")

    def write(name: str, fields: list[str], rows: Iterable[Mapping[str, object]]) -> None:
        with (folder / name).open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            for r in rows:
                w.writerow({k: r.get(k, "") for k in fields})

    write("streets.csv", ["street_id", "name", "neighbours"],
          [{"street_id": STREET, "name": "友谊路街道"}])
    write("communities.csv", list(COMMUNITY), [COMMUNITY])
    write("guidance_staff.csv", ["staff_id", "name", "discipline", "street_id",
                                 "max_per_month", "days"],
          [{"staff_id": s["staff_id"], "name": f"人员{i}", "discipline": s["discipline"],
            "street_id": STREET, "max_per_month": 5, "days": s.get("days", "")}
           for i, s in enumerate(staff)])
    write("visit_staff.csv", ["staff_id", "base_lon", "base_lat", "max_visits_per_day", "days"],
          [{"staff_id": s["staff_id"], "base_lon": s.get("base_lon", "121.48"),
            "base_lat": s.get("base_lat", "31.40"),
            "max_visits_per_day": s.get("max_visits_per_day", 4),
            "days": s.get("visit_days", "")} for s in staff])
    write("staff_leave.csv", ["staff_id", "start", "end"], leave)
    write("families.csv", ["family_id", "street_id", "community_id", "lon", "lat",
                           "birth_date", "registered_on", "needs", "half_days", "visited_on",
                           "earlier_visitors"],
          [{"street_id": STREET, "community_id": "C1", **f} for f in families])
    if sessions is not None:
        write("sessions.csv", ["date", "start", "end", "center_id", "event_id", "topic_id",
                               "staff_ids"], sessions)
    return folder
