"""The guidance calendar's domain (``tuoyu.models.sessions``), from hand-made tables: a
center's count of sessions defaults by its kind (6 a baby center); every topic is led by
an educator (education added where a topic names only medicine or psychology); no topics
table means the default topics; a closure or a leave covers its first and last day; the
fingerprint changes with a closure, and does not when no closures table is given."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sessions_check import center_row, write_tables

from tuoyu.models.sessions import DEFAULT_TOPICS, Period, load_session_data

ST = "310113003"
STAFF = [dict(staff_id="E1", name="甲", discipline="education", street_id=ST,
              max_per_month=4, days="Mon;Wed")]


def _load(tmp: Path, **tables):  # noqa: ANN003, ANN202
    base = dict(centers=[center_row("C1", ST, 6)], guidance_staff=STAFF)
    return load_session_data(write_tables(tmp, {**base, **tables}))


def test_a_blank_count_of_sessions_is_the_kinds_default(tmp_path: Path) -> None:
    blank = {**center_row("C2", ST, 6), "sessions_per_year": ""}
    data = _load(tmp_path, centers=[center_row("C1", ST, 9), blank])
    assert [c.sessions_per_year for c in data.centers] == [9, 6]
    assert data.centers[0].open_days == (0, 1, 2, 3, 4, 5) and data.staff[0].days == (0, 2)


def test_every_topic_is_led_by_an_educator(tmp_path: Path) -> None:
    topics = [dict(topic_id="M", name="接种", disciplines="medical"),
              dict(topic_id="E", name="阅读", disciplines="education")]
    data = _load(tmp_path, topics=topics)
    assert [(t.topic_id, t.disciplines) for t in data.topics] == [
        ("M", ("education", "medical")), ("E", ("education",))]
    assert _load(tmp_path / "none").topics == DEFAULT_TOPICS


def test_a_period_covers_its_first_and_last_day() -> None:
    p = Period(owner_id="C1", start=dt.date(2027, 5, 1), end=dt.date(2027, 5, 3))
    assert [p.covers(dt.date(2027, 5, d)) for d in range(1, 5)] == [True, True, True, False]
    assert not p.covers(dt.date(2027, 4, 30))


def test_closures_are_read_and_change_the_fingerprint(tmp_path: Path) -> None:
    plain = _load(tmp_path / "a")
    closed = _load(tmp_path / "b", center_closures=[
        dict(center_id="C1", start="2027-06-01", end="2027-06-30", reason="装修")])
    (c,) = closed.closures
    assert (c.owner_id, c.start, c.end, c.reason) == ("C1", dt.date(2027, 6, 1),
                                                      dt.date(2027, 6, 30), "装修")
    assert plain.closures == () and plain.fingerprint != closed.fingerprint
    assert _load(tmp_path / "c").fingerprint == plain.fingerprint  # the same tables
