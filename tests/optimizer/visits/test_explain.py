"""Why a family cannot be visited (``tuoyu.optimizer.visits.explain``), on tiny
hand-made weeks: no half-day of the family has a free person of each discipline it
needs; a discipline whose people cannot make, by a date, the visits due by then, with
the amounts counted here by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from visits_check import tiny_dataset

from tuoyu.optimizer.visits.explain import (
    discipline_shortages,
    family_has_a_slot,
    no_slot_findings,
)
from tuoyu.optimizer.visits.problem import VisitProblem, VisitRules
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.visits import load

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
