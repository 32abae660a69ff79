"""Why a family cannot be visited (``tuoyu.optimizer.visits.explain``), on tiny
hand-made weeks: no half-day of the family has a free person of each discipline it
needs; a discipline whose people cannot make, by a date, the visits due by then, with
the amounts counted here by hand; and why a family not yet due is left out of the week,
with the week it is due in, on weeks planned end to end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from visits_check import tiny_dataset, unvisited_in_week, violations

from tuoyu.optimizer.visits.explain import (
    discipline_shortages,
    family_has_a_slot,
    left_for_later,
    no_slot_findings,
)
from tuoyu.optimizer.visits.problem import VisitProblem, VisitRules
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import VisitParams
from tuoyu.planning.visits import load, run

WEEK = dt.date(2027, 3, 1)  # a Monday


def fam(fid: str, half_days: str, needs: str = "education", **kw: object) -> dict[str, object]:
    """Registered 02-05: due by Friday 03-05 (28 days)."""
    return {"family_id": fid, "birth_date": "2027-01-20", "registered_on": "2027-02-05",
            "needs": needs, "half_days": half_days, **kw}


def problem(tmp: Path, staff, families, **kw) -> VisitProblem:  # noqa: ANN001
    folder = tiny_dataset(tmp / "ds", staff=staff, families=families, **kw)
    return VisitProblem(data=load(Dataset.at(folder)), week_start=WEEK, rules=VisitRules())


def _family(p: VisitProblem, fid: str):  # noqa: ANN202
    return next(f for f in p.families if f.family_id == fid)


def test_a_family_whose_half_days_no_one_works_has_no_slot(tmp_path: Path) -> None:
    p = problem(tmp_path, [{"staff_id": "ED1", "discipline": "education",
                            "visit_days": "Mon;Tue"}],
                [fam("F1", "Thu AM;Fri PM"), fam("F2", "Tue PM"),
                 fam("F3", "Mon AM", needs="medical")])
    assert not family_has_a_slot(p, _family(p, "F1"))
    assert family_has_a_slot(p, _family(p, "F2"))
    found = no_slot_findings(p, p.families)
    assert [f.params["family_id"] for f in found] == ["F1", "F3"]  # F3: no medical person
    f1 = found[0].params
    # the family's window: from the day after registration (the child is 16 days old)
    # to 28 days after it
    assert (f1["first"], f1["last"], list(f1["needs"])) == ("2027-02-06", "2027-03-05",
                                                           ["education"])
    assert found[0].code == "visits.family_no_slot"


def test_two_needs_need_a_person_of_each_free_the_same_half_day(tmp_path: Path) -> None:
    staff = [{"staff_id": "ED1", "discipline": "education", "visit_days": "Mon"},
             {"staff_id": "PS1", "discipline": "psychology", "visit_days": "Tue"}]
    p = problem(tmp_path, staff, [fam("F1", "Mon AM;Tue AM", needs="education;psychology")])
    assert not family_has_a_slot(p, _family(p, "F1"))
    staff[1]["visit_days"] = "Mon"
    p = problem(tmp_path / "b", staff, [fam("F1", "Mon AM;Tue AM",
                                            needs="education;psychology")])
    assert family_has_a_slot(p, _family(p, "F1"))


def test_a_person_on_leave_or_in_a_session_is_not_free(tmp_path: Path) -> None:
    staff = [{"staff_id": "ED1", "discipline": "education", "visit_days": "Mon;Wed"}]
    leave = [{"staff_id": "ED1", "start": "2027-03-03", "end": "2027-03-10"}]
    session = {"date": "2027-03-01", "start": "09:00", "end": "11:00", "center_id": "BC1",
               "staff_ids": "ED1"}
    p = problem(tmp_path, staff, [fam("F1", "Mon AM;Wed AM"), fam("F2", "Mon PM")],
                leave=leave, sessions=[session])
    assert not family_has_a_slot(p, _family(p, "F1"))  # Mon AM in session, Wed on leave
    assert family_has_a_slot(p, _family(p, "F2"))


def test_a_discipline_short_of_visits_by_the_due_date(tmp_path: Path) -> None:
    # ED1 visits on Monday only, one a day: 1 visit by Friday for 3 families due then
    staff = [{"staff_id": "ED1", "discipline": "education", "visit_days": "Mon",
              "max_visits_per_day": 1},
             {"staff_id": "MD1", "discipline": "medical"}]
    fams = [fam(f"F{i}", "Mon AM;Tue AM;Wed AM") for i in range(3)]
    fams.append(fam("M1", "Tue AM", needs="medical"))
    p = problem(tmp_path, staff, fams)
    found = discipline_shortages(p, [f for f in p.families if p.is_due(f)])
    assert [f.code for f in found] == ["visits.discipline_short"]
    assert dict(found[0].params) == {"discipline": "education", "week": "2027-03-01",
                                     "by": "2027-03-05", "demand": 3, "capacity": 1,
                                     "short": 2}


def test_enough_people_no_shortage(tmp_path: Path) -> None:
    staff = [{"staff_id": "ED1", "discipline": "education", "max_visits_per_day": 1}]
    p = problem(tmp_path, staff, [fam(f"F{i}", "Mon AM;Tue AM") for i in range(5)])
    # five weekdays, one a day: 5 visits for 5 families
    assert discipline_shortages(p, p.families) == []


# --- a family not yet due, left out: why, and the week it is due in -------------------

def _later(tmp: Path, staff, families):  # type: ignore[no-untyped-def]
    """The week planned end to end; the ``visits.later.*`` findings by family."""
    folder = tiny_dataset(tmp / "ds", staff=staff, families=families)
    p = run(Dataset.at(folder), VisitParams(week=WEEK, iterations=200))
    assert violations(folder, p.rows, WEEK) == []
    left = unvisited_in_week(folder, p.rows, WEEK)
    found = {f.params["family_id"]: f for f in p.findings
             if f.code.startswith("visits.later.")}
    return p, left, found


def _monday_of(day: str) -> str:
    d = dt.date.fromisoformat(day)
    return (d - dt.timedelta(days=d.weekday())).isoformat()


def later(fid: str, half_days: str, needs: str = "education", **kw: object) -> dict[str, object]:
    """Registered 02-20: due by 03-20 (28 days), in the week of Monday 03-15."""
    return {"family_id": fid, "birth_date": "2027-02-10", "registered_on": "2027-02-20",
            "needs": needs, "half_days": half_days, **kw}


def test_left_out_behind_a_full_day_is_told_when_it_is_due(tmp_path: Path) -> None:
    # ED1 makes one visit on Monday: the due F1 takes it; F2, due 03-20, waits
    staff = [{"staff_id": "ED1", "discipline": "education", "visit_days": "Mon",
              "max_visits_per_day": 1}]
    p, left, found = _later(tmp_path, staff, [fam("F1", "Mon"), later("F2", "Mon")])
    assert [r["family_id"] for r in p.rows] == ["F1"] and left == ["F2"]
    f2 = found["F2"]
    assert f2.code == "visits.later.full" and f2.params["team_days"] == 1
    assert f2.params["last"] == "2027-03-20"  # registered 02-20 + 28 days
    assert f2.params["due_week"] == _monday_of("2027-03-20") == "2027-03-15"


def test_left_out_of_a_half_day_full_of_visits(tmp_path: Path) -> None:
    # the morning (08:30-11:30) holds three visits of an hour at the base; ED1's limit (4)
    # is not reached, but F4, free only that morning, has no room
    staff = [{"staff_id": "ED1", "discipline": "education", "visit_days": "Mon"}]
    fams = [fam(f"F{i}", "Mon AM", lon="121.48", lat="31.40") for i in (1, 2, 3)] + \
        [later("F4", "Mon AM", lon="121.48", lat="31.40")]
    p, left, found = _later(tmp_path, staff, fams)
    assert len(p.rows) == 3 and left == ["F4"]
    assert found["F4"].code == "visits.later.no_room"
    assert (found["F4"].params["team_days"], found["F4"].params["full"]) == (1, 0)


def test_left_out_for_want_of_staff_or_of_a_half_day(tmp_path: Path) -> None:
    staff = [{"staff_id": "ED1", "discipline": "education", "visit_days": "Mon"}]
    fams = [later("F5", "Mon AM;Tue PM", needs="psychology"),  # no psychology person
            # registered and born 02-28: its window opens on Sunday 03-07, and it gave
            # Monday mornings only: no half-day of it this week
            {"family_id": "F6", "birth_date": "2027-02-28", "registered_on": "2027-02-28",
             "needs": "education", "half_days": "Mon AM"}]
    _, left, found = _later(tmp_path, staff, fams)
    assert left == ["F5", "F6"]
    assert found["F5"].code == "visits.later.no_team" and found["F5"].params["halves"] == 2
    assert found["F6"].code == "visits.later.no_half_day"
    assert found["F6"].params["first"] == "2027-03-07"
    assert found["F6"].params["due_week"] == _monday_of("2027-03-28")


def test_left_out_because_its_people_are_not_paired(tmp_path: Path) -> None:
    # F1 (due Monday) pairs ED1 with MD1, the only medical person free that day; F2 can
    # only be visited on Tuesday, when ED1 and MD2 are free, but ED1 is in a pair all week
    staff = [{"staff_id": "ED1", "discipline": "education", "visit_days": "Mon;Tue"},
             {"staff_id": "MD1", "discipline": "medical", "visit_days": "Mon"},
             {"staff_id": "MD2", "discipline": "medical", "visit_days": "Tue"}]
    fams = [fam("F1", "Mon", needs="education;medical"),
            later("F2", "Tue", needs="education;medical")]
    p, left, found = _later(tmp_path, staff, fams)
    assert [r["staff_ids"] for r in p.rows] == ["ED1;MD1"] and left == ["F2"]
    assert found["F2"].code == "visits.later.no_pair"


def test_a_place_dearer_than_waiting_or_missed_by_the_search(tmp_path: Path) -> None:
    p = problem(tmp_path, [{"staff_id": "ED1", "discipline": "education",
                            "visit_days": "Mon"}], [later("F1", "Mon")])
    f = _family(p, "F1")
    dear = left_for_later(p, f, team_days=2, full=1, cheapest=700, prize=600)
    assert dear.code == "visits.later.costly"
    assert (dear.params["minutes"], dear.params["prize"]) == (700, 600)
    missed = left_for_later(p, f, team_days=2, full=1, cheapest=120, prize=600)
    assert missed.code == "visits.later.not_fitted"
