"""Issue 18: a re-plan moves nothing for nothing. With no input changed it returns the
previous plan byte for byte; with one change (a staff member's leave) only the places
that change forces are filled again, each listed with its cause. Checked on the written
``sessions.csv`` rows, by the independent checker of ``sessions_check``."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sessions_check import center_row, rows_of, violations, write_tables

from tuoyu.api.text import CATALOGUE, render
from tuoyu.models.sessions import load_session_data
from tuoyu.optimizer.sessions import SessionProblem, plan_sessions
from tuoyu.optimizer.solve import SolveParams, Status

YEAR = 2027
FROM = dt.date(YEAR, 6, 1)


def _person(sid: str, disc: str, street: str = "310113003") -> dict[str, object]:
    return dict(staff_id=sid, name=f"人{sid}", discipline=disc, street_id=street,
                max_per_month=6, days="")


def _tables(leave: list[dict[str, object]] | None = None) -> dict[str, list[dict[str, object]]]:
    staff = [_person("E1", "education"), _person("E2", "education", "310113007"),
             _person("E3", "education", "310113008"),
             _person("M1", "medical"), _person("M2", "medical", "310113007"),
             _person("P1", "psychology"), _person("P2", "psychology", "310113008")]
    centers = [center_row(f"C{i}", street=st) for i, st in
               enumerate(("310113003", "310113007", "310113008", "310113003"), 1)]
    return dict(centers=centers, guidance_staff=staff,
                staff_leave=leave or [dict(staff_id="E1", start="2027-01-01", end="2027-01-01")])


def _plan(folder: Path, previous=(), from_date=None):
    data = load_session_data(folder)
    p = SessionProblem(data=data, year=YEAR, previous=tuple(previous), from_date=from_date)
    return data, plan_sessions(p, SolveParams(time_limit=5, workers=2))


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    folder = write_tables(tmp_path_factory.mktemp("replan") / "d", _tables())
    data, plan = _plan(folder)
    assert plan.status in (Status.OPTIMAL, Status.FEASIBLE), plan.findings
    return folder, plan


def _csv(plan) -> str:
    rows = rows_of(plan)
    out = [",".join(rows[0])] if rows else []
    out += [",".join(r.values()) for r in rows]
    return "\n".join(out)


def test_a_replan_with_nothing_changed_returns_the_same_plan_byte_for_byte(first):
    folder, plan = first
    _, again = _plan(folder, plan.sessions, FROM)
    assert again.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert _csv(again) == _csv(plan)
    assert not [f for f in again.findings if f.code.startswith("sessions.change")]


def _leave_case(first, tmp_path, who: str):
    folder, plan = first
    rows = rows_of(plan)
    worked = sorted(r["date"] for r in rows if who in r["staff_ids"].split(";")
                    and r["date"] >= FROM.isoformat())
    assert worked, f"{who} works no session after the re-plan date"
    start, end = worked[0], worked[min(2, len(worked) - 1)]
    leave = [dict(staff_id=who, start=start, end=end)]
    changed = write_tables(tmp_path / "changed", _tables(leave))
    data, again = _plan(changed, plan.sessions, FROM)
    return rows, data, again, (start, end)


@pytest.mark.parametrize("who", ["E1", "M1"])
def test_a_leave_moves_only_the_places_it_forces_each_with_its_cause(first, tmp_path, who):
    rows, data, again, (start, end) = _leave_case(first, tmp_path, who)
    assert again.status in (Status.OPTIMAL, Status.FEASIBLE)
    new = rows_of(again)
    assert violations(data, YEAR, new) == []
    assert len(new) == len(rows)
    forced = {(r["date"], r["start"], r["center_id"], r["event_id"]) for r in rows
              if who in r["staff_ids"].split(";") and start <= r["date"] <= end}
    changed = set()
    for old, got in zip(rows, new, strict=True):
        key = (old["date"], old["start"], old["center_id"], old["event_id"])
        assert key == (got["date"], got["start"], got["center_id"], got["event_id"])
        assert old["topic_id"] == got["topic_id"]
        if old["staff_ids"] != got["staff_ids"]:
            changed.add(key)
            a, b = set(old["staff_ids"].split(";")), set(got["staff_ids"].split(";"))
            assert a - b == {who}, (old, got)  # only the person on leave leaves
            assert len(b - a) == 1
    assert changed == forced
    notes = [f for f in again.findings if f.code.startswith("sessions.change")]
    assert {f.code for f in notes} == {"sessions.change.forced.leave"}
    assert len(notes) == len(forced)
    for f in notes:
        assert f.params["person"] == who and f"（{who}）" in f.params["old"]
        assert start <= f.params["date"] <= end
        assert f.code in CATALOGUE and render(f, "zh") and render(f, "en")


def test_a_closure_that_breaks_the_calendar_replans_and_lists_the_moves(first, tmp_path):
    folder, plan = first
    rows = rows_of(plan)
    r = next(r for r in rows if r["center_id"] == "C1" and r["date"] >= "2027-07-01")
    tables = _tables()
    changed = write_tables(tmp_path / "closed", tables)
    with (changed / "center_closures.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["center_id", "start", "end", "reason"])
        w.writerow(["C1", r["date"], r["date"], "维修"])
    data, again = _plan(changed, plan.sessions, FROM)
    assert again.status in (Status.OPTIMAL, Status.FEASIBLE)
    new = rows_of(again)
    assert violations(data, YEAR, new) == []
    assert not any(x["center_id"] == "C1" and x["date"] == r["date"] for x in new)
    forced = [f for f in again.findings if f.code == "sessions.change.forced.closed"]
    assert [(f.params["key"], f.params["old_date"]) for f in forced] == [
        ("宝宝苑C1（C1）", r["date"])]
    for f in again.findings:
        if f.code.startswith("sessions.change"):
            assert f.code in CATALOGUE and render(f, "zh") and render(f, "en")
