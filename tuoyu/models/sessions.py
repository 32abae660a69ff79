"""Domain of the yearly guidance-session calendar (二.(二).4; 三.(三).4; 三.(四).2, 4).

Centers (社区亲子宝宝苑, 指导站, 实验基地, 指导中心), guidance staff across education,
medicine and psychology (教养医结合), their leave, the district events and the topics.
Besides the contract's tables, an optional ``center_closures`` table (场所停用:
``center_id``, ``start``, ``end``, ``reason``; read and checked like every table of the
schema) closes a center for a period (repairs): no session then.
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
from tuoyu.models.reader import canonical_json, read_tables
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
    """The data's fingerprint: the contract's tables, then each closure (the closures'
    table is hashed apart, as it was before it joined the schema, so a district's
    fingerprint did not change)."""
    contract = {k: v for k, v in tables.items() if k != "center_closures"}
    digest = hashlib.sha256(canonical_json(contract))
    for c in closures:
        digest.update(f"{c.owner_id}|{c.start}|{c.end}".encode())
    return "sha256:" + digest.hexdigest()


def _closures(tables: dict[str, pd.DataFrame]) -> tuple[Period, ...]:
    """The centers' closures (``center_closures``, optional): no session on those days."""
    if "center_closures" not in tables:
        return ()
    return tuple(
        Period(owner_id=r["center_id"], start=r["start"], end=r["end"],  # type: ignore[arg-type]
               reason=str(r["reason"] or ""))
        for r in _records(tables["center_closures"], ["center_id", "start", "end", "reason"])
    )


def session_data_from_tables(tables: dict[str, pd.DataFrame]) -> SessionData:
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
    closures = _closures(tables)
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
    """Read and validate the session tables (``center_closures`` among them) from a folder."""
    return session_data_from_tables(read_tables(Path(folder), SESSION_TABLES))
