"""Exports of a week of home visits: ``visits.csv`` (the contract), ``coverage.csv`` (by
street), ``visits.xlsx`` (by day and staff member, and a printable day sheet per person
with the order, the committee-level address and what each family asked for), one .ics
per staff member in ``visits_ics/``, and ``visits_routes.geojson`` (a line per person and
day, for the offline map).

Privacy: these files carry family data (pseudonymous ids, committee, needs) and are for
the planner and staff roles only; the addresses are the committee's, never a family's
coordinates, and the route lines are drawn through committee centres.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tuoyu.api.exports.workbook import HEAD_ROWS, Book, Title, csv_text
from tuoyu.api.text import Lang, label, message, plan_figures, render
from tuoyu.planning.plan import Plan
from tuoyu.planning.visits import COVERAGE_FIELDS, ROW_FIELDS, VisitDetail

TZ = ZoneInfo("Asia/Shanghai")
ICS_DIR = "visits_ics"
FILES = ("visits.csv", "coverage.csv", "visits.xlsx", ICS_DIR + "/", "visits_routes.geojson",
         "visits_summary.txt")
NEEDS_ZH = {"education": "教育", "medical": "医学", "psychology": "心理"}
HALF_ZH = {"AM": "上午", "PM": "下午"}
WEEKDAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def _safe(name: str) -> str:
    """A file name part from an id (ids are data: no path separators, nothing odd)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:64] or "_"


def _write_csv(path: Path, fields: tuple[str, ...], rows: Any) -> None:
    """A CSV of ``fields``; a text cell a spreadsheet would run as a formula (a street
    named ``=HYPERLINK(…)``: names may start so) is written as the text it is."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(fields), extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: csv_text(r.get(k, "")) for k in fields})


def _names(detail: VisitDetail) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    staff = {s.staff_id: s.name for s in detail.data.staff}
    coms = {c.community_id: c.name for c in detail.data.communities}
    streets = {s.street_id: s.name for s in detail.data.streets}
    return staff, coms, streets


def _needs(text: str) -> str:
    return "、".join(NEEDS_ZH.get(x, x) for x in str(text).split(";") if x)


_VISIT_HEAD = ["日期", "星期", "时段", "开始", "结束", "人员", "顺序", "家庭编号", "街镇", "居委",
               "指导需求", "离驻点（分钟）"]
_FAR_HEAD = ["日期", "星期", "时段", "人员", "家庭编号", "街镇", "居委", "指导需求", "离驻点（分钟）",
             "为何不由更近的小组去", "改派给", "其离家庭（分钟）", "改派日期", "加权成本变化", "其中路途",
             "日期推后（天）", "推后", "非上次人员", "负担均衡", "多派人员"]
_DAY_HEAD = ["顺序", "时段", "开始", "结束", "家庭编号", "街镇", "居委", "指导需求", "同行人员"]


class _Names:
    """The names a sheet shows for staff, community and street ids (the id if unnamed)."""

    def __init__(self, detail: VisitDetail) -> None:
        self.staff, self.coms, self.streets = _names(detail)

    def people(self, ids: list[str]) -> str:
        return "、".join(self.staff.get(x, x) for x in ids)

    def street(self, r: Any) -> str:
        return self.streets.get(r["street_id"], r["street_id"])

    def community(self, r: Any) -> str:
        return self.coms.get(r["community_id"], r["community_id"])


def _visit_sheets(book: Book, plan: Plan, names: _Names) -> None:
    """按日期 and 按人员: every visit, sorted by day, then by person."""
    def row(r: Any) -> list[object]:
        d = dt.date.fromisoformat(r["date"])
        return [r["date"], WEEKDAY_ZH[d.weekday()], HALF_ZH[r["half"]], r["start"], r["end"],
                names.people(r["staff_ids"].split(";")), r["order"], r["family_id"],
                names.street(r), names.community(r), _needs(r["needs"]),
                r.get("base_minutes", "")]

    for title, key in (("按日期", lambda r: (r["date"], r["staff_ids"], r["start"])),
                       ("按人员", lambda r: (r["staff_ids"], r["date"], r["start"]))):
        book.table(title, _VISIT_HEAD, [row(r) for r in sorted(plan.rows, key=key)])


def _far_sheet(book: Book, plan: Plan, names: _Names) -> None:
    """远途上门: each visit ``far_minutes`` or more from its team's base, with why no
    nearer team makes it (the finding's sentence) and, where a nearer team had room, the
    move's figures: who, how far, which day, and what it would add to the weighed cost."""
    row_of = {(r["family_id"], str(r["date"])): r for r in plan.rows}
    out = []
    for f in plan.findings:
        p = f.params
        if not f.code.startswith("visits.far.") or "family_id" not in p:
            continue
        r = row_of.get((p["family_id"], p["date"]))
        if r is None:
            continue
        d = dt.date.fromisoformat(p["date"])
        move = [names.people(list(p["other"])), p["other_minutes"], p["other_date"],
                p["delta"], p["travel"], p["late_days"], p["late"], p["same_person"],
                p["balance"], p["spare"]] if "other" in p else [""] * 10
        out.append([p["date"], WEEKDAY_ZH[d.weekday()], HALF_ZH[r["half"]],
                    names.people(list(p["staff_ids"])), p["family_id"], names.street(r),
                    names.community(r), _needs(r["needs"]), p["minutes"], render(f, "zh"),
                    *move])
    book.table("远途上门", _FAR_HEAD, out, cap=60)


def _day_sheets(book: Book, plan: Plan, names: _Names) -> None:
    """A printable day sheet per person: one page per day, in the order of the route."""
    per: dict[str, list[Any]] = defaultdict(list)
    for r in plan.rows:
        for x in r["staff_ids"].split(";"):
            per[x].append(r)
    sheets = day_sheet_names(names.staff, per)
    for sid in sorted(per):
        blocks = []
        for day in sorted({r["date"] for r in per[sid]}):
            d = dt.date.fromisoformat(day)
            rows = []
            for r in sorted((r for r in per[sid] if r["date"] == day),
                            key=lambda r: r["start"]):
                others = [x for x in r["staff_ids"].split(";") if x != sid]
                rows.append([r["order"], HALF_ZH[r["half"]], r["start"], r["end"],
                             r["family_id"], names.street(r), names.community(r),
                             _needs(r["needs"]), names.people(others)])
            blocks.append((f"{names.people([sid])} 上门指导日程 {day} "
                           f"{WEEKDAY_ZH[d.weekday()]}", rows))
        book.blocks(sheets[sid], _DAY_HEAD, blocks)


def day_sheet_names(staff: dict[str, str], people: Iterable[str]) -> dict[str, str]:
    """Each person's day sheet, named as a planner looks for it: ``日程-<name>`` (Excel's
    rules: at most 31 characters, none of ``[]:*?/\\`` or a quote), the id added where two
    share a name as Excel compares them (whatever the case), ``日程-<id>`` when unnamed."""
    people = sorted(set(people))

    def clean(text: str) -> str:
        return re.sub(r"[\[\]:*?/\\'\s]+", "_", text).strip("_")

    wanted = {sid: ("日程-" + (clean(staff.get(sid, "")) or clean(sid) or "_"))[:31]
              for sid in people}
    seen: dict[str, int] = {}
    for v in wanted.values():
        seen[v.casefold()] = seen.get(v.casefold(), 0) + 1
    out, used = {}, set()
    for sid in people:
        name = wanted[sid]
        if seen[name.casefold()] > 1:
            tail = "-" + (clean(sid) or "_")
            name = name[:31 - len(tail)] + tail
        k, base = 1, name
        while name.casefold() in used:  # ids alike once cleaned: numbered
            name = f"{base[:31 - len(str(k)) - 1]}~{k}"
            k += 1
        used.add(name.casefold())
        out[sid] = name
    return out


def _coverage_and_notes(book: Book, plan: Plan, detail: VisitDetail) -> None:
    """覆盖情况 (per street) and 说明 (status, findings, the weighed goals)."""
    book.table("覆盖情况", ["街镇编号", "街镇", "已登记", "已上门", "本周安排", "本周到期",
                        "到期已安排", "已逾期"],
               [[r[k] for k in COVERAGE_FIELDS] for r in detail.coverage])
    fig = plan_figures(plan.as_dict(), "zh")
    rows: list[list[object]] = [["区", plan.district or "—", "", ""],
                                ["状态", label(f"status.{plan.status}", "zh"), "", ""]]
    rows += [["说明", render(f, "zh"), "", ""] for f in plan.findings]
    rows += [["", "", "", ""], ["目标", "目标值", "达成", "是否达标"]]
    first_target = len(rows)
    # numbers Excel can add up; a share as a percentage
    rows += [[t["label"], raw.goal, raw.achieved,
              label("plan.target_met" if t["met"] else "plan.target_unmet", "zh")]
             for t, raw in zip(fig["targets"], plan.targets, strict=True)]
    rows += [["", "", "", ""], ["软目标", "数值", "权重", "计入目标值"]]
    rows += [[g["label"], g["value"], g["weight"], g["cost"]] for g in fig["goals"]]
    ws = book.table("说明", ["项目", "内容", "", ""], rows, cap=90, filter=False)
    share = book.format(num_format="0.0%")
    for i, raw in enumerate(plan.targets, start=HEAD_ROWS + first_target):
        if raw.unit == "share":
            ws.write_number(i, 1, raw.goal, share)
            ws.write_number(i, 2, raw.achieved, share)


def write_workbook(plan: Plan, path: Path) -> None:
    """The visits workbook, every sheet printable as the others (``workbook.Book``: a
    title row naming the district, the plan and the week): by day, by person, the visits
    far from their team's base with why, a day sheet per person (one printed page a day),
    coverage, notes."""
    detail: VisitDetail = plan.detail
    names = _Names(detail)
    week = detail.problem.week_start
    book = Book(path, Title(district=plan.district, plan=label("visits.name"),
                            period=f"{week.isoformat()} 至 {detail.problem.week_end.isoformat()}"))
    _visit_sheets(book, plan, names)
    _far_sheet(book, plan, names)
    _day_sheets(book, plan, names)
    _coverage_and_notes(book, plan, detail)
    book.close()


def ics_bytes(title: str, rows: list[Any], detail: VisitDetail, district: str = "") -> bytes:
    """One staff member's week of visits; each entry's UID is stable for the same visit
    of the same district (a re-import updates) and never another district's
    (:func:`tuoyu.api.exports.sessions.calendar_uid`)."""
    from icalendar import Calendar, Event

    from tuoyu.api.exports.sessions import add_time_zone, calendar_uid

    staff, coms, streets = _names(detail)
    cal = Calendar()
    cal.add("prodid", "-//tuoyu//home visits//ZH")  # every district's, not only Baoshan's
    cal.add("version", "2.0")
    cal.add("x-wr-calname", title)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    add_time_zone(cal)
    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for r in rows:
        d = dt.date.fromisoformat(r["date"])
        ev = Event()
        key = f"{r['date']}|{r['family_id']}|{r['staff_ids']}"
        ev.add("uid", calendar_uid(key, district))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", dt.datetime.combine(d, dt.time.fromisoformat(r["start"]), TZ))
        ev.add("dtend", dt.datetime.combine(d, dt.time.fromisoformat(r["end"]), TZ))
        ev.add("summary", f"上门指导 {r['family_id']}（{_needs(r['needs'])}）")
        ev.add("location", streets.get(r["street_id"], "") + coms.get(r["community_id"], ""))
        ev.add("description", "人员：" + "、".join(staff.get(x, x)
                                                 for x in r["staff_ids"].split(";")))
        cal.add_component(ev)
    return cal.to_ical()


def write_ics(folder: Path, plan: Plan) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    staff, _, _ = _names(plan.detail)
    per: dict[str, list[Any]] = defaultdict(list)
    for r in plan.rows:
        for x in r["staff_ids"].split(";"):
            per[x].append(r)
    names = ics_file_names(staff, per)
    for sid, rows in sorted(per.items()):
        (folder / names[sid]).write_bytes(
            ics_bytes(staff.get(sid, sid), rows, plan.detail, plan.district))
    return len(per)


def ics_file_names(staff: dict[str, str], people: Iterable[str]) -> dict[str, str]:
    """Each staff member's calendar file as the sessions' are named: ``人员-<name>.ics``
    (made safe), the id added where two share a name (whatever its case), the id alone
    where the name is unknown."""
    from collections import Counter

    from tuoyu.api.exports.sessions import safe_file_name

    people = sorted(set(people))
    wanted = {sid: "人员-" + safe_file_name(staff.get(sid, ""), _safe(sid)) for sid in people}
    seen = Counter(v.casefold() for v in wanted.values())
    return {sid: (f"{v}-{_safe(sid)}" if seen[v.casefold()] > 1 else v) + ".ics"
            for sid, v in wanted.items()}


def routes_geojson(plan: Plan) -> dict[str, Any]:
    """A line per team and day: base, each family's committee centre in order, base."""
    detail: VisitDetail = plan.detail
    fam = {f.family_id: f for f in detail.data.families}
    coms = {c.community_id: c for c in detail.data.communities}
    features = []
    for route in detail.result.routes:
        coords = [list(route.base)]
        for fid in route.family_ids:
            c = coms[fam[fid].community_id]
            coords.append([c.lon, c.lat])
        coords.append(list(route.base))
        features.append({"type": "Feature",
                         "geometry": {"type": "LineString", "coordinates": coords},
                         "properties": {"staff_ids": ";".join(route.staff_ids),
                                        "date": route.date.isoformat(),
                                        "visits": len(route.family_ids),
                                        "travel_minutes": route.travel_minutes}})
    return {"type": "FeatureCollection", "features": features}


def summary(plan: Plan, lang: Lang = "zh") -> str:
    detail: VisitDetail = plan.detail
    status = label(f"status.{plan.status}", lang) if lang == "zh" else str(plan.status)
    travel = sum(r.travel_minutes for r in detail.result.routes)
    lines = [message("visits.summary.head", {
        "week": detail.problem.week_start.isoformat(), "status": status,
        "objective": plan.objective, "bound": plan.bound, "visits": len(plan.rows),
        "routes": len(detail.result.routes), "travel": travel}, lang)]
    # a far visit's reason is one line each in the workbook (远途上门) and on the page;
    # here their count by reason
    lines += ["  - " + render(f, lang) for f in plan.findings if f.code != "visits.overdue"
              and not (f.code.startswith("visits.far.") and "family_id" in f.params)]
    overdue = [f for f in plan.findings if f.code == "visits.overdue"]
    if overdue:
        lines.append("  - " + ("已逾期家庭：" if lang == "zh" else "overdue families: ")
                     + str(len(overdue)))
    fig = plan_figures(plan.as_dict(), lang)
    zh = lang == "zh"
    lines += [f"  {t['label']}：{t['line']}" if zh else f"  {t['label']}: {t['line']}"
              for t in fig["targets"]]
    goals = fig["goals"]
    if goals:
        lines.append("  软目标（数值 × 权重 = 计入目标值）：" if zh
                     else "  Soft goals (value × weight = added to the objective):")
        lines += [f"    - {g['label']}：{g['line']}" if zh else f"    - {g['label']}: {g['line']}"
                  for g in goals]
    return "\n".join(lines)


def write_plan(plan: Plan, folder: Path, lang: Lang = "zh") -> None:
    """Every file of a week's visits into ``folder``."""
    _write_csv(folder / "visits.csv", ROW_FIELDS, plan.rows)
    _write_csv(folder / "coverage.csv", COVERAGE_FIELDS, plan.detail.coverage)
    write_workbook(plan, folder / "visits.xlsx")
    write_ics(folder / ICS_DIR, plan)
    (folder / "visits_routes.geojson").write_text(
        json.dumps(routes_geojson(plan), ensure_ascii=False), encoding="utf-8")
    (folder / "visits_summary.txt").write_text(summary(plan, lang) + "\n", encoding="utf-8")


def remove_plan_files(folder: Path) -> bool:
    """Delete the files :func:`write_plan` writes in ``folder`` (they name families), then
    the folder if nothing else is left in it. Other files are never touched: the folder
    is the planner's ``--out``. True when any of the plan's files was there."""
    import contextlib
    import shutil

    found = False
    for name in FILES:
        path = folder / name.rstrip("/")
        if name.endswith("/") and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
            found = True
        elif path.is_file() or path.is_symlink():
            path.unlink()
            found = True
    from tuoyu.api.exports.output import MARK

    with contextlib.suppress(OSError):
        if [p.name for p in folder.iterdir()] == [MARK]:  # the folder's mark alone
            (folder / MARK).unlink()
        folder.rmdir()  # only when empty
    return found


def read_visits_csv(path: Path) -> list[dict[str, str]]:
    """An earlier plan's rows (for a re-plan's kept visits)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))
