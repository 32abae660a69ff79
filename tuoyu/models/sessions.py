"""Domain of the yearly guidance-session calendar (二.(二).4; 三.(三).4; 三.(四).2, 4).

Centers (社区亲子宝宝苑, 指导站, 实验基地, 指导中心), guidance staff across education,
medicine and psychology (教养医结合), their leave, the district events and the topics.
Besides the contract's tables, an optional ``center_closures.csv`` (``center_id``,
``start``, ``end``, ``reason``) closes a center for a period (repairs): no session then.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd
from pydantic import ConfigDict

from tuoyu.models.calendar import WorkCalendar
from tuoyu.models.common import Frozen, Street
from tuoyu.models.common import records as _records
from tuoyu.models.errors import DataError, Problem
from tuoyu.models.reader import canonical_json, parse_date, read_tables
from tuoyu.models.schema import SESSION_TABLES

#: sessions a year when ``sessions_per_year`` is blank, by kind of center
DEFAULT_SESSIONS = {
    "baby_center": 6,
    "guidance_station": 0,
    "experimental_base": 0,
    "guidance_center": 0,
}
KIND_ZH = {
    "baby_center": "社区亲子宝宝苑",
    "guidance_station": "指导站",
    "experimental_base": "实验基地",
    "guidance_center": "指导中心",
}
DISCIPLINE_ZH = {"education": "教育", "medical": "医学", "psychology": "心理"}
EVENT_KIND_ZH = {
    "district_event": "区级活动",
    "lecture": "讲座",
    "public_activity": "公益指导活动",
    "outreach": "送教服务",
}
WEEKDAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


class Center(Frozen):
    center_id: str
    name: str
    street_id: str
    lon: float
    lat: float
    kind: str
    sessions_per_year: int
    open_days: tuple[int, ...] = (0, 1, 2, 3, 4, 5)
    capacity: int | None = None


class GuidanceStaff(Frozen):
    staff_id: str
    name: str
    discipline: str
    street_id: str = ""
    max_per_month: int
    days: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)


class Period(Frozen):
    """A closed period of a person (leave) or a center (repairs), ends inclusive."""

    owner_id: str
    start: dt.date
    end: dt.date
    reason: str = ""

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class DistrictEvent(Frozen):
    event_id: str
    name: str
    kind: str
    count: int
    staff_needed: int
    disciplines: tuple[str, ...] = ()
    weekend: bool = False
    months: tuple[int, ...] = tuple(range(1, 13))
    place: str = ""  # where it is held (optional): its calendar entries say it


class Topic(Frozen):
    topic_id: str
    name: str
    disciplines: tuple[str, ...] = ("education",)


class Session(Frozen):
    """One row of ``sessions.csv``: a center session or one occurrence of a district event."""

    date: dt.date
    half: int  # 0 morning, 1 afternoon
    center_id: str = ""
    event_id: str = ""
    topic_id: str = ""
    staff_ids: tuple[str, ...] = ()


DEFAULT_TOPICS = (
    Topic(topic_id="newborn", name="新生儿护理", disciplines=("education", "medical")),
    Topic(topic_id="nutrition", name="膳食营养", disciplines=("education", "medical")),
    Topic(topic_id="growth", name="生长发育", disciplines=("education", "medical")),
    Topic(topic_id="vaccination", name="预防接种", disciplines=("education", "medical")),
    Topic(topic_id="safety", name="安全防护", disciplines=("education",)),
    Topic(topic_id="disease", name="疾病预防", disciplines=("education", "medical")),
    Topic(topic_id="seven", name="家长“七会”", disciplines=("education", "psychology")),
)


class SessionData(Frozen):
    """Everything the session planner reads, validated, plus a fingerprint of it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    streets: tuple[Street, ...]
    centers: tuple[Center, ...]
    staff: tuple[GuidanceStaff, ...]
    leave: tuple[Period, ...] = ()
    closures: tuple[Period, ...] = ()
    events: tuple[DistrictEvent, ...] = ()
    topics: tuple[Topic, ...] = DEFAULT_TOPICS
    calendar: WorkCalendar = WorkCalendar()
    fingerprint: str = ""


def _closures(folder: Path, center_ids: set[str]) -> tuple[Period, ...]:
    """The optional ``center_closures.csv`` (not yet in the shared schema)."""
    path = folder / "center_closures.csv"
    if not path.exists():
        return ()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [str(c).strip() for c in frame.columns]
    aliases = {"场所编号": "center_id", "开始": "start", "结束": "end", "原因": "reason"}
    frame = frame.rename(columns=aliases)
    problems: list[Problem] = []
    for col in ("center_id", "start", "end"):
        if col not in frame.columns:
            problems.append(Problem(path.name, f"required column '{col}' is missing", column=col,
                                    code="input.missing_column", params={"name": col}))
    if problems:
        raise DataError(problems)
    out = []
    for i, row in enumerate(frame.to_dict("records")):
        cid = str(row["center_id"]).strip()
        if cid not in center_ids:
            problems.append(
                Problem(
                    path.name,
                    f"'{cid}' refers to nothing: no center_id '{cid}' in centers.csv",
                    row=i + 2,
                    column="center_id",
                    expected="a center_id listed in centers.csv",
                    got=cid,
                    code="input.refers_to_nothing",
                    params={"id": cid, "target_column": "center_id", "target": "centers.csv",
                            "more": 0},
                )
            )
            continue
        dates = []
        for col in ("start", "end"):
            try:
                dates.append(parse_date(str(row[col])))
            except ValueError:
                problems.append(
                    Problem(
                        path.name,
                        "a value is not valid",
                        row=i + 2,
                        column=col,
                        expected="a date YYYY-MM-DD",
                        got=str(row[col]),
                        code="input.value_invalid",
                        params={"kind": "date"},
                    )
                )
        if len(dates) == 2:
            if dates[1] < dates[0]:
                problems.append(
                    Problem(
                        path.name,
                        "the end is before the start",
                        row=i + 2,
                        column="end",
                        expected=f"a date on or after {dates[0]}",
                        got=str(dates[1]),
                        code="input.end_before_start",
                        params={"start": str(dates[0])},
                    )
                )
                continue
            out.append(
                Period(
                    owner_id=cid,
                    start=dates[0],
                    end=dates[1],
                    reason=str(row.get("reason", "") or ""),
                )
            )
    if problems:
        raise DataError(problems)
    return tuple(out)


CENTER_COLUMNS = ["center_id", "name", "street_id", "lon", "lat", "kind", "sessions_per_year",
                  "open_days", "capacity"]
EVENT_COLUMNS = ["event_id", "name", "kind", "count", "staff_needed", "disciplines", "weekend",
                 "months", "place"]


def _centers(df: pd.DataFrame) -> tuple[Center, ...]:
    """The centers; a blank count of sessions is the kind's default (6 a baby center)."""
    centers = []
    for r in _records(df, CENTER_COLUMNS):
        n = r["sessions_per_year"]
        if n is None or (isinstance(n, float) and pd.isna(n)):
            r["sessions_per_year"] = DEFAULT_SESSIONS[str(r["kind"])]
        cap = r["capacity"]
        if cap is not None and isinstance(cap, float) and pd.isna(cap):
            r["capacity"] = None
        centers.append(Center(**r))  # type: ignore[arg-type]
    return tuple(centers)


def _topics(df: pd.DataFrame) -> tuple[Topic, ...]:
    """The topics, each staffed by education at least (教养医结合: a session is led by an
    educator, with medicine or psychology where the topic needs them)."""
    topics = tuple(
        Topic(**r)  # type: ignore[arg-type]
        for r in _records(df, ["topic_id", "name", "disciplines"])
    )
    return tuple(
        t
        if "education" in t.disciplines
        else t.model_copy(update={"disciplines": ("education", *t.disciplines)})
        for t in topics
    ) or DEFAULT_TOPICS


def _fingerprint(tables: dict[str, pd.DataFrame], closures: tuple[Period, ...]) -> str:
    digest = hashlib.sha256(canonical_json(tables))
    for c in closures:
        digest.update(f"{c.owner_id}|{c.start}|{c.end}".encode())
    return "sha256:" + digest.hexdigest()


def session_data_from_tables(
    tables: dict[str, pd.DataFrame], closures: tuple[Period, ...] = ()
) -> SessionData:
    streets = tuple(
        Street(street_id=r["street_id"], name=r["name"], neighbours=tuple(r["neighbours"] or ()))  # type: ignore[arg-type]
        for r in _records(tables["streets"], ["street_id", "name", "neighbours"])
    )
    staff = tuple(
        GuidanceStaff(**r)  # type: ignore[arg-type]
        for r in _records(
            tables["guidance_staff"],
            ["staff_id", "name", "discipline", "street_id", "max_per_month", "days"],
        )
    )
    leave = tuple(
        Period(owner_id=r["staff_id"], start=r["start"], end=r["end"])  # type: ignore[arg-type]
        for r in _records(tables["staff_leave"], ["staff_id", "start", "end"])
    )
    events = tuple(
        DistrictEvent(**r)  # type: ignore[arg-type]
        for r in _records(tables["events"], EVENT_COLUMNS)
    )
    calendar = WorkCalendar.from_rows(
        (r["date"], r["kind"], r["name"])  # type: ignore[misc]
        for r in _records(tables["calendar"], ["date", "kind", "name"])
    )
    return SessionData(
        streets=streets,
        centers=_centers(tables["centers"]),
        staff=staff,
        leave=leave,
        closures=closures,
        events=events,
        topics=_topics(tables["topics"]),
        calendar=calendar,
        fingerprint=_fingerprint(tables, closures),
    )


def load_session_data(folder: str | Path) -> SessionData:
    """Read and validate the session tables (and ``center_closures.csv``) from a folder."""
    folder = Path(folder)
    tables = read_tables(folder, SESSION_TABLES)
    closures = _closures(folder, set(tables["centers"]["center_id"]))
    return session_data_from_tables(tables, closures)
