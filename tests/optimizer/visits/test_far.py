"""Why a visit far from its team's base is made by that team (``far.py``), on hand-made
weeks of one committee: the minutes and the move's figures counted here with the
checker's own travel arithmetic (``visits_check.travel``), not the planner's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from visits_check import Rules, tiny_dataset, travel

from tuoyu.optimizer.visits import Visit, VisitProblem, VisitRules, form_teams
from tuoyu.optimizer.visits.far import far_visits
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.visits import load

WEEK = dt.date(2027, 3, 1)  # a Monday
HOME = (121.48, 31.40)  # the family's place
FAR, NEAR = 121.57, 121.505  # the teams' bases: same latitude, east of the family
MON, FRI = WEEK, WEEK + dt.timedelta(days=4)


def _minutes(lon: float) -> int:
    return travel((lon, HOME[1]), HOME, Rules())


def _why(tmp: Path, near: dict[str, object] | None, visits: list[tuple[str, str, dt.date]],
         half_days: str = "Mon AM") -> list:  # noqa: ANN401
    """The far findings of a week whose visits are given (family, staff id, day; each in
    the morning at 09:30): F1 at HOME, F2 beside it; ED_FAR based far east, ED_NEAR (when
    given, with its own fields) near."""
    staff = [{"staff_id": "ED_FAR", "discipline": "education", "base_lon": FAR,
              "base_lat": HOME[1]}]
    if near is not None:
        staff.append({"staff_id": "ED_NEAR", "discipline": "education", "base_lon": NEAR,
                      "base_lat": HOME[1], **near})
    families = [{"family_id": fid, "birth_date": "2027-01-20", "registered_on": "2027-02-05",
                 "needs": "education", "half_days": half_days, "lon": HOME[0],
                 "lat": HOME[1]} for fid in ("F1", "F2")]
    folder = tiny_dataset(tmp / "ds", staff=staff, families=families)
    problem = VisitProblem(data=load(Dataset.at(folder)), week_start=WEEK, rules=VisitRules())
    plan = [Visit(fid, day, 0, 570, 630, (sid,), 1) for fid, sid, day in visits]
    found = far_visits(problem, form_teams(problem), plan)
    assert found[0].code == "visits.far.summary"
    return found[1:]


def test_the_nearest_team_is_said_so(tmp_path: Path) -> None:
    (f,) = _why(tmp_path, None, [("F1", "ED_FAR", MON)])
    assert f.code == "visits.far.nearest"
    assert f.params["minutes"] == _minutes(FAR) >= 30


def test_a_nearer_team_not_out_that_day(tmp_path: Path) -> None:
    (f,) = _why(tmp_path, {"visit_days": "Tue"}, [("F1", "ED_FAR", MON)])
    assert f.code == "visits.far.nearer_busy"
    assert (f.params["nearer"], f.params["halves"], f.params["nearest"]) == (1, 1,
                                                                           _minutes(NEAR))


def test_a_nearer_team_at_its_daily_limit(tmp_path: Path) -> None:
    found = _why(tmp_path, {"max_visits_per_day": 1},
                 [("F1", "ED_FAR", MON), ("F2", "ED_NEAR", MON)])
    assert [(f.code, f.params["family_id"]) for f in found] == [("visits.far.nearer_full",
                                                                 "F1")]
    assert (found[0].params["team_days"], found[0].params["full"]) == (1, 1)


def test_a_nearer_team_only_later_costs_the_days(tmp_path: Path) -> None:
    # ED_NEAR visits on Fridays only: the move saves the difference of the round trips,
    # and costs 4 days later at 15 each
    saved = 2 * (_minutes(FAR) - _minutes(NEAR))
    assert 0 < saved < 4 * 15
    (f,) = _why(tmp_path, {"visit_days": "Fri"}, [("F1", "ED_FAR", MON)], "Mon AM;Fri AM")
    assert f.code == "visits.far.costly"
    p = f.params
    assert (p["other"], p["other_date"], p["late_days"], p["late"]) == (
        ("ED_NEAR",), FRI.isoformat(), 4, 60)
    assert p["travel"] == -saved and p["delta"] == 60 - saved
    assert p["same_person"] == p["balance"] == p["spare"] == 0


def test_a_move_that_lowers_the_objective_is_named_a_defect(tmp_path: Path) -> None:
    # ED_NEAR free the same morning with room: the far visit is not locally optimal
    (f,) = _why(tmp_path, {}, [("F1", "ED_FAR", MON)])
    assert f.code == "visits.far.improvable"
    assert f.params["delta"] == -2 * (_minutes(FAR) - _minutes(NEAR)) < 0


def test_a_threshold_of_the_planners(tmp_path: Path) -> None:
    found = _why(tmp_path, None, [("F1", "ED_FAR", MON)])
    assert len(found) == 1
    # the same week with a threshold above the trip: nothing far
    staff = [{"staff_id": "ED_FAR", "discipline": "education", "base_lon": FAR,
              "base_lat": HOME[1]}]
    folder = tiny_dataset(tmp_path / "ds2", staff=staff, families=[
        {"family_id": "F1", "birth_date": "2027-01-20", "registered_on": "2027-02-05",
         "needs": "education", "half_days": "Mon AM", "lon": HOME[0], "lat": HOME[1]}])
    problem = VisitProblem(data=load(Dataset.at(folder)), week_start=WEEK, rules=VisitRules())
    out = far_visits(problem, form_teams(problem),
                     [Visit("F1", MON, 0, 570, 630, ("ED_FAR",), 1)],
                     far_minutes=_minutes(FAR) + 1)
    assert [f.code for f in out] == ["visits.far.summary"] and out[0].params["far"] == 0
