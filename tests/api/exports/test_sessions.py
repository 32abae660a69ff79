"""The calendar files (.ics) say where each entry is: a center's session at the center, a
district event in the plan's district at the event's own place (``events.place``, 地点),
never a district it is not in."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path
from types import SimpleNamespace

from ics_check import timezones_defined

from tuoyu.api.exports.sessions import ics_bytes
from tuoyu.data import BUNDLED
from tuoyu.models.sessions import DistrictEvent, Session, load_session_data


def _locations(data: object, sessions: list[Session], district: str) -> dict[str, str | None]:
    from icalendar import Calendar

    cal = Calendar.from_ical(ics_bytes("日历", sessions, data, district))  # type: ignore[arg-type]
    return {str(e["summary"]): (str(e["location"]) if "location" in e else None)
            for e in cal.walk("VEVENT")}


def _event(event_id: str, name: str, place: str = "") -> DistrictEvent:
    return DistrictEvent(event_id=event_id, name=name, kind="district_event", count=1,
                         staff_needed=1, place=place)


def test_a_district_event_is_in_the_plans_district_at_its_place() -> None:
    data = SimpleNamespace(
        centers=[SimpleNamespace(center_id="C1", name="月浦镇亲子宝宝苑")],
        staff=[SimpleNamespace(staff_id="S1", name="王老师")],
        topics=[SimpleNamespace(topic_id="T1", name="膳食营养")],
        events=[_event("E1", "亲子嘉年华", "人民广场"), _event("E2", "公益讲座"),
                _event("E3", "育儿加油站", "崇明区文化馆")])
    day = dt.date(2027, 5, 8)
    sessions = [Session(date=day, half=0, center_id="C1", topic_id="T1", staff_ids=("S1",)),
                *(Session(date=day, half=1, event_id=e, staff_ids=("S1",))
                  for e in ("E1", "E2", "E3"))]
    got = _locations(data, sessions, "崇明区")
    assert got == {"科学育儿指导：膳食营养": "月浦镇亲子宝宝苑", "亲子嘉年华": "崇明区 人民广场",
                   "公益讲座": "崇明区", "育儿加油站": "崇明区文化馆"}
    # a district nobody named and no place: no location rather than a wrong one
    assert _locations(data, sessions, "")["公益讲座"] is None
    assert "宝山区" not in ics_bytes("日历", sessions, data, "崇明区").decode()  # type: ignore[arg-type]


def test_the_events_table_gives_each_event_its_place(tmp_path: Path) -> None:
    """``place`` (or 地点) is optional: read when given, empty when not; a dataset
    without places keeps the fingerprint it had before the column existed."""
    bundled = load_session_data(BUNDLED)
    assert all(e.place == "" for e in bundled.events)

    def with_places(first: str) -> Path:
        data = tmp_path / f"data{len(first)}"
        shutil.copytree(BUNDLED, data)
        path = data / "events.csv"
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        out = io.StringIO()
        writer = csv.DictWriter(out, [*rows[0].keys(), "地点"])
        writer.writeheader()
        for i, r in enumerate(rows):
            writer.writerow({**r, "地点": first if i == 0 else ""})
        path.write_text(out.getvalue(), encoding="utf-8")
        return data

    placed = load_session_data(with_places("顾村公园"))
    assert placed.events[0].place == "顾村公园" and all(e.place == "" for e in placed.events[1:])
    assert placed.fingerprint != bundled.fingerprint  # a place is an input
    assert load_session_data(with_places("")).fingerprint == bundled.fingerprint


def _uids(data: object, sessions: list[Session], district: str) -> list[str]:
    from icalendar import Calendar

    cal = Calendar.from_ical(ics_bytes("日历", sessions, data, district))  # type: ignore[arg-type]
    return [str(e["uid"]) for e in cal.walk("VEVENT")]


def test_two_districts_calendars_never_share_an_entry_and_a_re_export_updates() -> None:
    """Two districts' calendars imported into one calendar program (Outlook) keep apart:
    the same center id, day and half-day in two districts are two entries, never one
    replacing the other; the same district exported again gives the same UIDs (the
    program updates its entries instead of adding them twice)."""
    data = SimpleNamespace(
        centers=[SimpleNamespace(center_id="C1", name="亲子宝宝苑")],
        staff=[SimpleNamespace(staff_id="S1", name="王老师")],
        topics=[SimpleNamespace(topic_id="T1", name="膳食营养")],
        events=[_event("E1", "亲子嘉年华")])
    day = dt.date(2027, 5, 8)
    sessions = [Session(date=day, half=0, center_id="C1", topic_id="T1", staff_ids=("S1",)),
                Session(date=day, half=1, event_id="E1", staff_ids=("S1",))]
    baoshan, jiading = _uids(data, sessions, "宝山区"), _uids(data, sessions, "嘉定区")
    assert len(set(baoshan)) == len(baoshan) == 2
    assert not set(baoshan) & set(jiading)
    assert _uids(data, sessions, "宝山区") == baoshan  # stable: a re-export updates
    # the right-hand side names the district (one domain per district, never a fixed one)
    assert len({u.split("@")[1] for u in baoshan}) == 1
    assert {u.split("@")[1] for u in baoshan} != {u.split("@")[1] for u in jiading}
    assert not any(u.endswith("@tuoyu.baoshan") for u in baoshan + jiading)


def test_the_calendar_defines_the_time_zone_its_times_are_in() -> None:
    data = SimpleNamespace(
        centers=[SimpleNamespace(center_id="C1", name="东滩镇亲子宝宝苑")],
        staff=[SimpleNamespace(staff_id="S1", name="王老师")],
        topics=[SimpleNamespace(topic_id="T1", name="膳食营养")], events=[])
    sessions = [Session(date=dt.date(2027, 5, 8), half=0, center_id="C1", topic_id="T1",
                        staff_ids=("S1",))]
    ics = ics_bytes("日历", sessions, data, "东滩区")  # type: ignore[arg-type]
    used, defined, offsets = timezones_defined(ics)
    assert used == {"Asia/Shanghai"} and used <= defined and offsets == {"+0800"}
    assert ics == ics_bytes("日历", sessions, data, "东滩区")  # type: ignore[arg-type]
