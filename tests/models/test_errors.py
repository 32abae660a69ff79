"""Errors a planner acts on (``tuoyu.models.errors``): a problem names its file, row,
column, what was expected and what was found; a data error carries all its problems,
says how many, and crosses a process boundary whole."""

from __future__ import annotations

import pickle

from tuoyu.models.errors import DataError, InfeasibleError, Problem, TimeLimitError
from tuoyu.models.findings import clash


def test_a_problem_says_where_and_what() -> None:
    p = Problem("staff.csv", "not a date", row=3, column="start", expected="YYYY-MM-DD",
                got="2027-13-01", code="input.bad_date")
    assert str(p) == ("staff.csv, row 3, column 'start': not a date; "
                      "expected YYYY-MM-DD, got '2027-13-01'")
    assert p.as_dict() == {"file": "staff.csv", "row": 3, "column": "start",
                           "message": "not a date", "expected": "YYYY-MM-DD",
                           "got": "2027-13-01", "code": "input.bad_date"}


def test_a_problem_of_the_whole_file_names_only_the_file() -> None:
    p = Problem("centers.csv", "missing")
    assert str(p) == "centers.csv: missing"
    assert p.as_dict()["row"] is None and p.as_dict()["code"] is None


def test_a_data_error_lists_every_problem_and_counts_them() -> None:
    one = DataError([Problem("a.csv", "bad", row=2)])
    assert str(one) == "The input has a problem:\n  - a.csv, row 2: bad"
    many = DataError([Problem("a.csv", "bad", row=r) for r in range(2, 62)])
    lines = str(many).splitlines()
    assert lines[0] == "The input has 60 problems:"
    assert len(lines) == 1 + 50 + 1 and lines[-1] == "  - ... and 10 more problems"
    assert len(many.problems) == 60
    assert many.render(limit=2).splitlines()[1:] == [
        "  - a.csv, row 2: bad", "  - a.csv, row 3: bad", "  - ... and 58 more problems"]


def test_a_data_error_crosses_a_process_boundary_whole() -> None:
    err = DataError([Problem("a.csv", "bad", row=2, column="x", code="c", params={"n": 1})])
    back = pickle.loads(pickle.dumps(err))
    assert back.problems == err.problems and str(back) == str(err)


def test_an_infeasible_error_keeps_its_planner_and_clashes() -> None:
    c = [clash("roster.no_inspector", district="D1", n=2)]
    err = InfeasibleError("roster", c)
    assert err.kind == "roster" and err.clashes == tuple(c)
    assert str(err).startswith("roster: roster.no_inspector")
    late = TimeLimitError("sessions", [])
    assert isinstance(late, InfeasibleError) and late.kind == "sessions" and late.clashes == ()
