"""The folders the command line wrote its plans into, noted in the store: the newest
first, one row per folder, a bounded list; the scorecard (the page /plan, ``tuoyu
scorecard``) reads a noted calendar, and passes over a noted folder that is gone or
holds something else since."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from tuoyu.api import store
from tuoyu.api.scorecard import gather
from tuoyu.planning.dataset import Dataset

HEADER = "date,start,end,center_id,event_id,topic_id,staff_ids\n"


def test_each_folder_once_newest_first_and_bounded(tmp_path: Path) -> None:
    eng = store.engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    for k in range(store.PLAN_FOLDERS_KEPT + 5):
        store.note_plan_folder(eng, "ds", "sessions", tmp_path / f"out{k}", {"year": 2027})
    store.note_plan_folder(eng, "ds", "sessions", tmp_path / "out7", {"year": 2028})
    store.note_plan_folder(eng, "other", "sessions", tmp_path / "x", {})
    rows = store.plan_folders(eng, "ds", "sessions")
    assert len(rows) == store.PLAN_FOLDERS_KEPT
    assert rows[0].folder == str((tmp_path / "out7").resolve()) and rows[0].params == {"year": 2028}
    assert [r.folder for r in rows].count(str((tmp_path / "out7").resolve())) == 1
    assert str((tmp_path / "out0").resolve()) not in {r.folder for r in rows}  # the oldest
    assert store.plan_folders(eng, "ds", "siting") == []


def test_the_scorecard_reads_the_calendar_the_command_line_wrote(tmp_path: Path) -> None:
    eng = store.engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    ds = Dataset.bundled()
    cal = tmp_path / "out" / "sessions"
    cal.mkdir(parents=True)
    (cal / "sessions.csv").write_text(HEADER + "2027-03-02,09:00,11:30,BC001,,newborn,ED001\n"
                                      "2027-05-08,09:00,11:30,,E01,,ED001;ME001\n",
                                      encoding="utf-8")
    store.note_plan_folder(eng, ds.key, "sessions", cal, {"year": 2027})
    time.sleep(0.01)
    junk = tmp_path / "junk"  # noted, then overwritten by something that is no calendar
    junk.mkdir()
    store.note_plan_folder(eng, ds.key, "sessions", junk, {"year": 2027})
    (junk / "sessions.csv").write_text("不是日历\n", encoding="utf-8")
    gone = tmp_path / "gone"  # noted, then removed
    store.note_plan_folder(eng, ds.key, "sessions", gone, {"year": 2027})
    inputs, sources = gather(ds, 2027, engine=eng)
    # the calendar's file, and when it was written (Beijing time, to the minute)
    path, written = sources["sessions"].rsplit("|", 1)
    assert path == str(cal / "sessions.csv")
    assert dt.datetime.strptime(written, "%Y-%m-%d %H:%M")
    assert sorted((s.date.isoformat(), s.center_id, s.event_id) for s in inputs.sessions) == [
        ("2027-03-02", "BC001", ""), ("2027-05-08", "", "E01")]
    # another year: that calendar is not it (unknown, said so; never a wrong year's)
    assert gather(ds, 2028, engine=eng)[1]["sessions"] == ""


def _superseded(eng, dataset: str) -> list[tuple[str, str, str, str]]:  # noqa: ANN001
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    with Session(eng) as s:
        return [(r.institution_id, r.date.isoformat(), r.outcome, r.inspector_ids)
                for r in s.scalars(select(store.OutcomeSuperseded).where(
                    store.OutcomeSuperseded.dataset == dataset)
                    .order_by(store.OutcomeSuperseded.id))]


def test_a_visit_recorded_again_keeps_the_earlier_outcome(tmp_path: Path) -> None:
    """A visit's outcome recorded again (a correction: 'rectify' was 'pass', another team)
    is the one in force, and the earlier record is kept in ``outcomes_superseded``, never
    lost (it was overwritten in place); the same outcome recorded again loses nothing and
    keeps nothing twice; another visit, another dataset are untouched."""
    import datetime as dt

    from sqlalchemy.orm import Session

    from tuoyu.models.inspection import PastInspection

    eng = store.engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    day, other = dt.date(2027, 3, 3), dt.date(2027, 3, 4)

    def record(dataset: str, *rows: tuple[str, dt.date, str, tuple[str, ...]]) -> None:
        with Session(eng) as s, s.begin():
            store.record_outcomes(s, dataset, [PastInspection(
                institution_id=i, date=d, outcome=o, inspector_ids=t) for i, d, o, t in rows])

    record("ds", ("JG1", day, "pass", ("A", "B")), ("JG2", other, "pass", ("A", "B")))
    record("elsewhere", ("JG1", day, "fail", ("X", "Y")))
    assert _superseded(eng, "ds") == []
    record("ds", ("JG1", day, "rectify", ("C", "D")), ("JG2", other, "pass", ("A", "B")))
    with Session(eng) as s:
        now = {(h.institution_id, h.date): (h.outcome, h.inspector_ids)
               for h in store.stored_history(s, "ds", dt.date(2028, 1, 1))}
    assert now[("JG1", day)] == ("rectify", ("C", "D"))
    assert now[("JG2", other)] == ("pass", ("A", "B"))
    assert _superseded(eng, "ds") == [("JG1", "2027-03-03", "pass", "A;B")]
    record("ds", ("JG1", day, "fail", ("C", "D")))
    assert _superseded(eng, "ds") == [("JG1", "2027-03-03", "pass", "A;B"),
                                      ("JG1", "2027-03-03", "rectify", "C;D")]
    assert _superseded(eng, "elsewhere") == []
