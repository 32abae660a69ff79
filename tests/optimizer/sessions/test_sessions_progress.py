"""The calendar's live progress: a stage whose objective is not yet the plan's (the
calendar steers by estimates) reports no gap; the last event is the plan's own, with the
gap the finished plan states, computed by the same function."""

from __future__ import annotations

from sessions_check import center_row, write_tables

from tuoyu.models.sessions import load_session_data
from tuoyu.optimizer.sessions import SessionProblem, solve
from tuoyu.optimizer.solve import ProgressEvent, SolveParams, gap

ST, FAR = "310113003", "310113106"


def test_stages_show_no_gap_and_the_last_event_is_the_plan_s(tmp_path) -> None:
    centers = [center_row("C1", ST), center_row("C2", FAR)]
    staff = [dict(staff_id=sid, name=sid, discipline=disc, street_id=ST, max_per_month=4,
                  days="") for sid, disc in (("E1", "education"), ("E2", "education"),
                                             ("M1", "medical"), ("P1", "psychology"))]
    topics = [dict(topic_id=t, name=t, disciplines="education") for t in "ABCD"]
    folder = write_tables(tmp_path, dict(centers=centers, guidance_staff=staff, topics=topics))
    events: list[ProgressEvent] = []
    result = solve(SessionProblem(data=load_session_data(folder), year=2027),
                   SolveParams(time_limit=10, workers=1), progress=events.append)
    assert result.sessions and events
    *stages, last = events
    assert all(not e.whole and e.gap is None for e in stages)
    assert last.whole and last.stage == "whole"
    assert (last.objective, last.bound) == (result.objective, result.bound)
    assert last.gap == gap(result.objective, result.bound)
