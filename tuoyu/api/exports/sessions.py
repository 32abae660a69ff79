"""Exports of the guidance-session calendar: sessions.csv, a Chinese Excel workbook, .ics.

All times are local Beijing time (Asia/Shanghai). A session takes a half-day slot:
morning 09:00–11:00 or afternoon 14:00–16:00 (``HALF_DAY_TIMES``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from tuoyu.api.exports.workbook import Book, Title, one_line
from tuoyu.api.text import Lang
from tuoyu.models.reader import parse_date
from tuoyu.models.sessions import (
    DISCIPLINE_ZH,
    EVENT_KIND_ZH,
    KIND_ZH,
    WEEKDAY_ZH,
    DistrictEvent,
    Session,
    SessionData,
)

if TYPE_CHECKING:
    from tuoyu.planning.plan import Plan

TZ = ZoneInfo("Asia/Shanghai")
ICS_DIR = "sessions_ics"
HALF_DAY_TIMES = (("09:00", "11:00"), ("14:00", "16:00"))
CSV_COLUMNS = ("date", "start", "end", "center_id", "event_id", "topic_id", "staff_ids")


def write_sessions_csv(path: Path, sessions: list[Session]) -> None:
    """The contract's ``sessions.csv`` (UTF-8 with BOM so Excel shows the Chinese)."""
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(CSV_COLUMNS)
        for s in sessions:
            start, end = HALF_DAY_TIMES[s.half]
            w.writerow(
                [
                    s.date.isoformat(),
                    start,
                    end,
                    s.center_id,
                    s.event_id,
                    s.topic_id,
                    ";".join(s.staff_ids),
                ]
            )


#: the columns a previous plan must have (the rest of sessions.csv is for people)
PREVIOUS_COLUMNS = ("date", "start", "center_id", "event_id", "topic_id", "staff_ids")


def _previous_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a previous plan's sessions.csv, or a located error naming the file."""
    from tuoyu.models.errors import DataError, Problem

    def refuse(message: str, code: str, **kw: object) -> DataError:
        return DataError([Problem(path.name, message, code=code, **kw)])  # type: ignore[arg-type]

    if not path.is_file():
        raise refuse("the previous plan is not there", "input.previous_missing",
                     expected="the sessions.csv written by the first plan")
    if path.suffix.lower() != ".csv":
        raise refuse("this kind of file is not a sessions table", "input.not_sessions_table",
                     expected="the sessions.csv written by the first plan", got=path.suffix)
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            header = [h.strip() for h in reader.fieldnames or []]
    except UnicodeDecodeError:
        raise refuse("the file is not readable text", "input.not_text",
                     expected="CSV saved as UTF-8") from None
    except csv.Error as exc:
        raise refuse(f"the file is not valid CSV ({exc})", "input.not_csv",
                     params={"detail": str(exc)}) from None
    missing = [c for c in PREVIOUS_COLUMNS if c not in header]
    if missing:
        raise DataError([Problem(path.name, f"required column '{c}' is missing", column=c,
                                 code="input.missing_column", params={"name": c})
                         for c in missing])
    return rows


def read_sessions_csv(path: Path) -> list[Session]:
    """Read a plan written by :func:`write_sessions_csv` (the previous plan of a re-plan);
    anything else is refused with the file, row and column (never read as empty)."""
    from tuoyu.models.errors import DataError, Problem

    out: list[Session] = []
    problems: list[Problem] = []
    for i, r in enumerate(_previous_rows(path)):
        try:
            date = parse_date(r.get("date", "") or "")
        except ValueError:
            problems.append(Problem(path.name, "a value is not valid", row=i + 2,
                                    column="date", expected="a date YYYY-MM-DD",
                                    got=r.get("date"), code="input.value_invalid",
                                    params={"kind": "date"}))
            continue
        start = (r.get("start") or "09:00").strip()
        half = 1 if start >= "12:00" else 0
        staff = tuple(x for x in (r.get("staff_ids") or "").replace("；", ";").split(";") if x)
        out.append(
            Session(
                date=date,
                half=half,
                center_id=(r.get("center_id") or "").strip(),
                event_id=(r.get("event_id") or "").strip(),
                topic_id=(r.get("topic_id") or "").strip(),
                staff_ids=staff,
            )
        )
    if problems:
        raise DataError(problems)
    return out


def _names(
    data: SessionData,
) -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    centers = {c.center_id: c.name for c in data.centers}
    staff = {s.staff_id: s.name for s in data.staff}
    topics = {t.topic_id: t.name for t in data.topics}
    events = {e.event_id: e.name for e in data.events}
    return centers, staff, topics, events


class _Book:
    """The workbook being written: names of things, the printable book, one sheet at a
    time."""

    def __init__(self, path: Path, data: SessionData, sessions: list[Session], year: int,
                 title: Title):
        self.data, self.sessions, self.year = data, sessions, year
        self.cn, self.sn, self.tn, self.en = _names(data)
        self.streets = {s.street_id: s.name for s in data.streets}
        self.staff_by = {s.staff_id: s for s in data.staff}
        self.book = Book(path, title)  # names stay text, never formulas; printable
        self.ok = self.book.format(bg_color="#C6EFCE")
        self.bad = self.book.format(bg_color="#FFC7CE")

    def sheet(self, name: str, header: list[str], rows: list[list[object]], **kw: Any) -> Any:
        return self.book.table(name, header, rows, **kw)

    def when(self, s: Session) -> list[object]:
        a, b = HALF_DAY_TIMES[s.half]
        return [s.date.isoformat(), WEEKDAY_ZH[s.date.weekday()],
                "上午" if s.half == 0 else "下午", f"{a}-{b}"]  # fmt: skip

    def team(self, s: Session) -> str:
        by = self.staff_by
        return "、".join(
            f"{self.sn.get(x, x)}({DISCIPLINE_ZH[by[x].discipline]})" if x in by else x
            for x in s.staff_ids
        )

    def place(self, s: Session) -> str:
        return self.cn.get(s.center_id, s.center_id) if s.center_id else self.en.get(
            s.event_id, s.event_id)


def _by_center(book: _Book) -> None:
    rows = [
        [s.center_id, book.cn.get(s.center_id, ""), *book.when(s),
         book.tn.get(s.topic_id, s.topic_id), book.team(s)]
        for s in sorted((s for s in book.sessions if s.center_id),
                        key=lambda s: (s.center_id, s.date, s.half))
    ]  # fmt: skip
    book.sheet("按场所", ["场所编号", "场所名称", "日期", "星期", "时段", "时间", "主题", "指导人员"],
               rows)  # fmt: skip


def _by_person(book: _Book) -> None:
    rows = []
    for s in book.sessions:
        topic = book.tn.get(s.topic_id, "") if s.topic_id else "区级活动"
        for x in s.staff_ids:
            disc = book.staff_by[x].discipline if x in book.staff_by else ""
            rows.append([x, book.sn.get(x, x), DISCIPLINE_ZH.get(disc, ""), *book.when(s),
                         book.place(s), topic])  # fmt: skip
    rows.sort(key=lambda r: (str(r[0]), str(r[3]), str(r[5])))
    book.sheet("按人员", ["人员编号", "姓名", "专业", "日期", "星期", "时段", "时间", "地点/活动", "主题"],
               rows)  # fmt: skip


WEEK_HEADER = ["日期", "星期", "上午 09:00-11:00", "下午 14:00-16:00"]


def staff_weeks(book: _Book) -> list[tuple[str, list[list[object]]]]:
    """One block per staff member's week with sessions (the week they carry): Monday
    to Sunday, what each half-day holds (place, topic, who else)."""
    mine: dict[str, dict[tuple[dt.date, int], Session]] = defaultdict(dict)
    for s in book.sessions:
        for x in s.staff_ids:
            mine[x][(s.date, s.half)] = s
    out = []
    for st in book.data.staff:
        slots = mine.get(st.staff_id, {})
        weeks = sorted({d - dt.timedelta(days=d.weekday()) for d, _ in slots})
        for monday in weeks:
            rows: list[list[object]] = []
            for k in range(7):
                day = monday + dt.timedelta(days=k)
                cells: list[object] = [day.isoformat(), WEEKDAY_ZH[k]]
                for half in (0, 1):
                    s = slots.get((day, half))
                    if s is None:
                        cells.append("")
                        continue
                    topic = book.tn.get(s.topic_id, "") if s.topic_id else "区级活动"
                    others = "、".join(book.sn.get(x, x) for x in s.staff_ids
                                      if x != st.staff_id)
                    cells.append(f"{book.place(s)}：{topic}" + (f"（同组：{others}）"
                                                                if others else ""))
                rows.append(cells)
            sunday = monday + dt.timedelta(days=6)
            heading = (f"{st.name}（{DISCIPLINE_ZH.get(st.discipline, '')}）"
                       f" · {monday.isoformat()} 至 {sunday.isoformat()} · "
                       f"本周 {sum(1 for d, _ in slots if monday <= d <= sunday)} 场")
            out.append((heading, rows))
    return out


def _by_month(book: _Book) -> None:
    rows: list[list[object]] = []
    for mo in range(1, 13):
        ms = [s for s in book.sessions if s.date.month == mo]
        rows.append([
            f"{book.year}年{mo}月",
            sum(1 for s in ms if s.center_id),
            sum(1 for s in ms if s.event_id),
            sum(1 for s in ms if s.center_id and s.date.weekday() >= 5),
            sum(len(s.staff_ids) for s in ms),
        ])  # fmt: skip
    book.sheet("按月份", ["月份", "场所活动场次", "区级活动场次", "其中周末场次", "人次"], rows,
               filter=False)


def _targets(book: _Book) -> None:
    header = ["场所编号", "场所名称", "类型", "街镇", "年度目标", "已排场次", "覆盖主题数",
              "覆盖季度数", "是否达标"]  # fmt: skip
    per: dict[str, list[Session]] = defaultdict(list)
    for s in book.sessions:
        if s.center_id:
            per[s.center_id].append(s)
    rows: list[list[object]] = []
    for c in book.data.centers:
        ss = per[c.center_id]
        rows.append([
            c.center_id, c.name, KIND_ZH.get(c.kind, c.kind),
            book.streets.get(c.street_id, c.street_id), c.sessions_per_year, len(ss),
            len({s.topic_id for s in ss}), len({(s.date.month - 1) // 3 for s in ss}),
            "达标" if len(ss) >= c.sessions_per_year else "未达标",
        ])  # fmt: skip
    ws = book.sheet("目标完成", header, rows)
    ws.conditional_format(2, 8, len(rows) + 1, 8, {"type": "cell", "criteria": "==",
                                                    "value": '"达标"', "format": book.ok})
    ws.conditional_format(2, 8, len(rows) + 1, 8, {"type": "cell", "criteria": "==",
                                                    "value": '"未达标"', "format": book.bad})


def _events(book: _Book) -> None:
    kind = {e.event_id: e.kind for e in book.data.events}
    rows = [
        [s.event_id, book.en.get(s.event_id, ""), EVENT_KIND_ZH.get(kind.get(s.event_id, ""), ""),
         *book.when(s), book.team(s)]
        for s in book.sessions
        if s.event_id
    ]  # fmt: skip
    book.sheet("区级活动", ["活动编号", "活动名称", "类型", "日期", "星期", "时段", "时间", "指导人员"],
               rows)  # fmt: skip


def _load(book: _Book) -> None:
    load = Counter(x for s in book.sessions for x in s.staff_ids)
    rows = [
        [st.staff_id, st.name, DISCIPLINE_ZH[st.discipline],
         book.streets.get(st.street_id, st.street_id), st.max_per_month, load[st.staff_id]]
        for st in book.data.staff
    ]  # fmt: skip
    book.sheet("人员工作量", ["人员编号", "姓名", "专业", "所在街镇", "每月上限", "全年场次"], rows)


def write_workbook(
    path: Path,
    data: SessionData,
    sessions: list[Session],
    year: int,
    soft: list[tuple[str, str]] | None = None,
    notes: list[tuple[str, str]] | None = None,
    title: Title | None = None,
    targets: list[tuple[str, float, float, bool, float | None, float | None]] | None = None,
) -> None:
    """The Chinese workbook, every sheet printable: 按场所, 按人员, 人员周程 (one printed
    page per staff member's week), 按月份, 目标完成, 区级活动, 人员工作量, 方案目标 (the
    plan's targets, the month-by-month histogram among them), 说明 (the plan's figures,
    ``soft``, and its findings, ``notes``)."""
    book = _Book(path, data, sessions, year, title or Title(period=f"{year}年"))
    for write in (_by_center, _by_person):
        write(book)
    book.book.blocks("人员周程", WEEK_HEADER, staff_weeks(book), cap=40)
    for write in (_by_month, _targets, _events, _load):
        write(book)
    if targets:  # the plan's targets, the month-by-month histogram among them
        from tuoyu.api.text import number

        def cell(v: float) -> float | int:  # a number Excel can add up, as people read it
            return int(v) if float(v).is_integer() else round(float(v), 1)

        ws = book.sheet("方案目标", ["目标", "目标值", "达标范围", "实际", "是否达标"],
                        [[t, cell(g), f"{number(lo)}–{number(hi)}" if lo is not None
                          and hi is not None else "", cell(a), "达标" if m else "未达标"]
                         for t, g, a, m, lo, hi in targets], filter=False)
        for i, (_, _, _, m, _, _) in enumerate(targets, start=2):
            ws.write(i, 4, "达标" if m else "未达标", book.ok if m else book.bad)
    rows = [list(r) for r in (soft or [])] + [list(r) for r in (notes or [])]
    if rows:
        book.sheet("说明", ["项目", "内容"], rows, cap=90, filter=False)
    book.book.close()


def uid_domain(district: str) -> str:
    """The right-hand side of every calendar entry's UID of a district's plans:
    ``d<12 hex digits>.tuoyu``, from the district's name (宝山区, as ``Plan.district``).
    Two districts' calendars imported into one calendar program never share a UID (one
    would replace the other's entries), and the same district's re-export keeps its
    UIDs, so a calendar program updates the entries instead of adding them again."""
    name = " ".join(district.split())
    return "d" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12] + ".tuoyu"


def add_time_zone(cal: Any) -> None:
    """Define the time zone every entry's time is in (``Asia/Shanghai``, UTC+8 all year
    since 1991) as a VTIMEZONE: RFC 5545 3.2.19 requires one for each TZID used, and a
    calendar program that does not know the zone by name reads the times as floating or
    as UTC otherwise. Written by hand, not from the machine's tz database, so the file is
    the same on every machine."""
    from icalendar import Timezone, TimezoneStandard

    tz = Timezone()
    tz.add("tzid", "Asia/Shanghai")
    standard = TimezoneStandard()
    standard.add("dtstart", dt.datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", dt.timedelta(hours=8))
    standard.add("tzoffsetto", dt.timedelta(hours=8))
    standard.add("tzname", "CST")
    tz.add_component(standard)
    cal.add_component(tz)


def calendar_uid(key: str, district: str) -> str:
    """A calendar entry's UID: a hash of what the entry is (``key``: its date, half-day,
    place or family, …) at the district's domain (:func:`uid_domain`)."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20] + "@" + uid_domain(district)


def _uid(s: Session, district: str) -> str:
    key = f"{s.date.isoformat()}|{s.half}|{s.center_id}|{s.event_id}"
    return calendar_uid(key, district)


def event_location(district: str, event: DistrictEvent | None) -> str:
    """Where a district event is, as its calendar entry says it: the plan's district and
    the event's own place (``events.place``), whichever are known ("" when neither)."""
    place = event.place.strip() if event is not None else ""
    if district and place.startswith(district):
        return place
    return " ".join(p for p in (district, place) if p)


def ics_bytes(title: str, sessions: list[Session], data: SessionData,
              district: str = "") -> bytes:
    """One calendar a phone can import; stable UIDs so a re-import updates, not duplicates.
    A center's session is at the center; a district event in ``district`` at its place."""
    from icalendar import Calendar, Event

    cn, sn, tn, en = _names(data)
    events = {e.event_id: e for e in data.events}
    cal = Calendar()
    cal.add("prodid", "-//tuoyu//guidance sessions//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", one_line(title))
    cal.add("x-wr-timezone", "Asia/Shanghai")
    add_time_zone(cal)
    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for s in sessions:
        a, b = HALF_DAY_TIMES[s.half]
        start = dt.datetime.combine(s.date, dt.time.fromisoformat(a), TZ)
        end = dt.datetime.combine(s.date, dt.time.fromisoformat(b), TZ)
        ev = Event()
        ev.add("uid", _uid(s, district))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", start)
        ev.add("dtend", end)
        if s.center_id:
            ev.add("summary", one_line(f"科学育儿指导：{tn.get(s.topic_id, s.topic_id)}"))
            ev.add("location", one_line(cn.get(s.center_id, s.center_id)))
        else:
            ev.add("summary", one_line(en.get(s.event_id, s.event_id)))
            where = event_location(district, events.get(s.event_id))
            if where:
                ev.add("location", one_line(where))
        ev.add("description", one_line("指导人员：" + "、".join(sn.get(x, x) for x in s.staff_ids)))
        cal.add_component(ev)
    return cal.to_ical()


def safe_file_name(name: str, fallback: str) -> str:
    """A file name a planner reads (a center's or a person's name) that is safe on
    every system: no path separators, control or reserved characters (``<>:"/\\|?*``),
    no leading dots or trailing dots/spaces, at most 60 characters; ``fallback`` (an
    id) when nothing is left."""
    import re
    import unicodedata

    text = unicodedata.normalize("NFC", name)
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    text = re.sub(r'[<>:"/\\|?*]', "_", text)
    text = re.sub(r"\s+", " ", text).strip().lstrip(".").rstrip(". ")
    return text[:60].rstrip(". ") or fallback


def ics_names(data: SessionData) -> dict[tuple[str, str], str]:
    """The .ics file name of each center and staff member: ``场所-<name>.ics`` and
    ``人员-<name>.ics``, made safe; two things of the same name get their id added."""
    cn, sn, _, _ = _names(data)
    wanted = {("center", k): f"场所-{safe_file_name(v, k)}" for k, v in cn.items()}
    wanted |= {("staff", k): f"人员-{safe_file_name(v, k)}" for k, v in sn.items()}
    seen = Counter(v.casefold() for v in wanted.values())
    return {key: (f"{v}-{safe_file_name(key[1], 'x')}" if seen[v.casefold()] > 1 else v)
            + ".ics" for key, v in wanted.items()}


def write_ics(folder: Path, data: SessionData, sessions: list[Session],
              district: str = "") -> int:
    """One .ics per center and per staff member, named for them
    (``场所-<center name>.ics``, ``人员-<name>.ics``, see :func:`ics_names`); returns
    the number of files."""
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    by_center: dict[str, list[Session]] = defaultdict(list)
    by_staff: dict[str, list[Session]] = defaultdict(list)
    for s in sessions:
        if s.center_id:
            by_center[s.center_id].append(s)
        for x in s.staff_ids:
            by_staff[x].append(s)
    cn, sn, _, _ = _names(data)
    names = ics_names(data)
    for cid, ss in sorted(by_center.items()):
        file = names.get(("center", cid), f"场所-{safe_file_name(cid, 'x')}.ics")
        (folder / file).write_bytes(ics_bytes(cn.get(cid, cid), ss, data, district))
        n += 1
    for sid, ss in sorted(by_staff.items()):
        file = names.get(("staff", sid), f"人员-{safe_file_name(sid, 'x')}.ics")
        (folder / file).write_bytes(ics_bytes(sn.get(sid, sid), ss, data, district))
        n += 1
    return n


FILES = ("sessions.csv", "sessions.xlsx", ICS_DIR + "/", "sessions_summary.txt")


def write_plan(plan: Plan, folder: Path, lang: Lang = "zh") -> None:
    """Write a calendar's files into ``folder``: sessions.csv, sessions.xlsx (Chinese),
    one .ics per center and per person in sessions_ics/, sessions_summary.txt."""
    from tuoyu.api.exports.roster import figure_notes
    from tuoyu.api.text import label, render

    detail = plan.detail
    sessions = list(detail.result.sessions)
    write_sessions_csv(folder / "sessions.csv", sessions)
    figures = [("区", plan.district or "—"), ("年份", f"{detail.year}年"), *figure_notes(plan)]
    notes = [(label(f"severity.{f.severity}", "zh"), render(f, "zh")) for f in plan.findings]
    title = Title(district=plan.district, plan=label("sessions.name"),
                  period=f"{detail.year}年")
    targets = [(label(t.code, "zh"), t.goal, t.achieved, t.met, t.low, t.high)
               for t in plan.targets]
    write_workbook(folder / "sessions.xlsx", detail.data, sessions, detail.year, figures,
                   notes, title, targets)
    write_ics(folder / ICS_DIR, detail.data, sessions, plan.district)
    (folder / "sessions_summary.txt").write_text(summary(plan, lang) + "\n", encoding="utf-8")


def summary(plan: Plan, lang: Lang = "zh") -> str:
    """The printed plan: the common description (status, bound, targets, soft goals,
    findings) and the calendar in numbers (sessions, events, weekend share, load)."""
    from tuoyu.api.text import describe, message

    sessions = list(plan.detail.result.sessions) if plan.detail is not None else []
    load = Counter(x for s in sessions for x in s.staff_ids)
    staff = plan.detail.data.staff if plan.detail is not None else ()
    loads = [load[s.staff_id] for s in staff] or [0]
    centre = [s for s in sessions if s.center_id]
    head = message(
        "sessions.summary.head",
        {
            "year": plan.params.get("year", ""),
            "sessions": len(centre),
            "events": sum(1 for s in sessions if s.event_id),
            "weekend": sum(1 for s in centre if s.date.weekday() >= 5),
            "low": min(loads),
            "high": max(loads),
        },
        lang,
    )
    return head + "\n" + describe(plan, lang)
