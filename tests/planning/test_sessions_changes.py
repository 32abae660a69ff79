"""A re-plan's changes are said with names: the center, the staff before and after
(东湖宝宝苑（BC1）：… 人员 孙老师（S3）、李老师（S4） 改为 …), not ids alone."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from web_tiny import tables

from tuoyu.api.text import render
from tuoyu.models.sessions import Session
from tuoyu.planning import sessions
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import SessionParams


def test_a_replans_changes_name_the_center_and_the_people(tmp_path: Path) -> None:
    for name, text in tables().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    ds = Dataset.at(tmp_path)
    year = sessions.run(ds, SessionParams(year=2027, time_limit=20, workers=1))
    assert year.rows
    cut = sorted(r["date"] for r in year.rows)[-1]
    previous = [Session(date=dt.date.fromisoformat(r["date"]),
                        half=0 if r["start"] == "09:00" else 1, center_id=r["center_id"],
                        event_id=r["event_id"], topic_id=r["topic_id"],
                        staff_ids=tuple(x for x in str(r["staff_ids"]).split(";") if x))
                for r in year.rows]
    # the "previous plan" had another team on the last day's sessions: the re-plan changes
    # it back, and says so
    team = {"S1", "S2", "S3", "S4"}
    last = [p for p in previous if p.date.isoformat() == cut]
    moved = last[0]
    other = tuple(sorted(team - set(moved.staff_ids)))
    previous = [p.model_copy(update={"staff_ids": other}) if p is moved else p for p in previous]
    plan = sessions.run(ds, SessionParams(year=2027, from_date=dt.date.fromisoformat(cut),
                                          time_limit=20, workers=1), previous=previous)
    said = [render(f, "zh") for f in plan.findings if f.code.startswith("sessions.change.")]
    assert said, [f.code for f in plan.findings]
    names = {"BC1": "东湖宝宝苑", "BC2": "西山宝宝苑", "S1": "赵老师", "S2": "钱医生",
             "S3": "孙老师", "S4": "李老师"}
    # every id in a change is said with its name before it
    for line in said:
        ids = re.findall(r"(?<![A-Z0-9])(BC\d|S\d)(?![0-9])", line)
        assert ids, line
        for i in ids:
            assert f"{names[i]}（{i}）" in line, line
