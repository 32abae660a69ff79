"""Who visits together (``tuoyu.optimizer.visits.teams``), on tiny hand-made weeks: a
family needing two disciplines gets a pair of one of each, the nearest free on its
half-day; a second such family reachable by that pair takes one of its visits instead
of a new pair; everyone else visits alone, each person in exactly one team; without
pairs, everyone alone. A team's capacity is its members' least daily limit and what
fits into the half-days they are all free."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from visits_check import tiny_dataset

from tuoyu.optimizer.visits.problem import VisitProblem, VisitRules
from tuoyu.optimizer.visits.teams import Team, form_teams, pair_demand
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.visits import load

WEEK = dt.date(2027, 3, 1)  # a Monday
FAMILY_AT = {"lon": "121.45", "lat": "31.40"}


def fam(fid: str, half_days: str, needs: str = "education;psychology") -> dict[str, object]:
    return {"family_id": fid, "birth_date": "2027-01-20", "registered_on": "2027-02-05",
            "needs": needs, "half_days": half_days, **FAMILY_AT}


def person(sid: str, discipline: str, lon: str = "121.45", **kw: object) -> dict[str, object]:
    return {"staff_id": sid, "discipline": discipline, "base_lon": lon, "base_lat": "31.40",
            **kw}


def problem(tmp: Path, staff, families, pairs: bool = True, **kw) -> VisitProblem:  # noqa: ANN001
    folder = tiny_dataset(tmp / "ds", staff=staff, families=families, **kw)
    return VisitProblem(data=load(Dataset.at(folder)), week_start=WEEK,
                        rules=VisitRules(pairs=pairs))


STAFF = [person("ED1", "education", "121.46"), person("ED2", "education", "121.60"),
         person("PS1", "psychology", "121.44"), person("MD1", "medical")]


def _names(teams) -> list[str]:  # noqa: ANN001
    return [t.name for t in teams]


def test_the_nearest_of_each_discipline_pair_up_and_the_rest_go_alone(tmp_path: Path) -> None:
    p = problem(tmp_path, STAFF, [fam("F1", "Tue AM"), fam("F2", "Wed AM", "medical")])
    assert pair_demand(p) == {("education", "psychology"): 1}
    teams = form_teams(p)
    assert _names(teams) == ["ED1+PS1", "ED2", "MD1"]  # ED2 is 11 km further
    assert teams[0].serves(("education", "psychology"))
    assert not teams[1].serves(("education", "psychology"))


def test_a_family_the_pair_can_reach_takes_one_of_its_visits(tmp_path: Path) -> None:
    p = problem(tmp_path, STAFF, [fam("F1", "Tue AM"), fam("F2", "Tue PM")])
    assert _names(form_teams(p)) == ["ED1+PS1", "ED2", "MD1"]


def test_a_family_the_pair_cannot_reach_gets_a_new_pair(tmp_path: Path) -> None:
    # PS1 works on Tuesdays only: F2 (Thursday) pairs ED2 with PS2
    staff = [person("ED1", "education", "121.46"), person("ED2", "education", "121.60"),
             person("PS1", "psychology", "121.44", visit_days="Tue"),
             person("PS2", "psychology", "121.61", visit_days="Thu")]
    p = problem(tmp_path, staff, [fam("F1", "Tue AM"), fam("F2", "Thu AM")])
    teams = form_teams(p)
    assert _names(teams) == ["ED1+PS1", "ED2+PS2"]


def test_every_person_free_this_week_is_in_exactly_one_team(tmp_path: Path) -> None:
    staff = [*STAFF, person("PS2", "psychology"), person("OFF", "education")]
    leave = [{"staff_id": "OFF", "start": "2027-02-27", "end": "2027-03-08"}]
    p = problem(tmp_path, staff, [fam("F1", "Tue AM"), fam("F2", "Mon AM"),
                                  fam("F3", "Fri PM", "psychology;medical")], leave=leave)
    members = [sid for t in form_teams(p) for sid in t.ids]
    assert sorted(members) == ["ED1", "ED2", "MD1", "PS1", "PS2"]  # OFF on leave all week


def test_without_pairs_everyone_goes_alone(tmp_path: Path) -> None:
    p = problem(tmp_path, STAFF, [fam("F1", "Tue AM")], pairs=False)
    assert _names(form_teams(p)) == ["ED1", "ED2", "MD1", "PS1"]


def test_a_teams_capacity_is_its_least_limit_within_the_halves_all_are_free(
        tmp_path: Path) -> None:
    weekdays = "Mon;Tue;Wed;Thu;Fri"
    staff = [person("ED1", "education", max_visits_per_day=5, visit_days=weekdays),
             person("PS1", "psychology", max_visits_per_day=2, visit_days=weekdays)]
    session = {"date": "2027-03-02", "start": "09:00", "end": "11:00", "center_id": "BC1",
               "staff_ids": "ED1"}
    p = problem(tmp_path, staff, [fam("F1", "Mon AM")], sessions=[session])
    ed, ps = (next(s for s in p.staff if s.staff_id == i) for i in ("ED1", "PS1"))
    pair = Team((ed, ps))
    monday, tuesday, saturday = WEEK, WEEK + dt.timedelta(1), WEEK + dt.timedelta(5)
    assert pair.free_halves(p, monday) == (0, 1) and pair.capacity(p, monday) == 2
    alone = Team((ed,))
    # Tuesday: ED1 in a session in the morning; the afternoon (13:30-17:00) fits 3 visits
    assert alone.free_halves(p, tuesday) == (1,) and alone.capacity(p, tuesday) == 3
    assert pair.capacity(p, saturday) == 0  # no one's visit day
    assert alone.base == (121.45, 31.40) and pair.name == "ED1+PS1"


def test_a_pair_of_near_bases_before_one_nearer_the_family(tmp_path: Path) -> None:
    """The family is 8 km east of ED1; MD2 lives 2 km from it, 10 km from ED1; MD1 lives
    2 km from ED1. ED1 and MD2 are nearer the family (32 + 8 minutes against 32 + 24),
    but MD2 would ride 39 minutes to ED1's base and back every day (ED1 and MD1: 8): the
    pair is ED1 and MD1. Both could make the same visits in the week (4, their limit)."""
    km_lon = 1 / (111.195 * 0.8571673)  # degrees of longitude per km at 31.0°
    at = {"ED1": 0.0, "MD1": 2.0, "MD2": 10.0}
    staff = [person(sid, "education" if sid.startswith("ED") else "medical",
                    f"{121.40 + km * km_lon:.6f}", visit_days="Mon", base_lat="31.0")
             for sid, km in at.items()]
    fams = [{**fam("F1", "Mon", "education;medical"), "lon": f"{121.40 + 8 * km_lon:.6f}",
             "lat": "31.0"}]
    p = problem(tmp_path, staff, fams)
    pairs = [t for t in form_teams(p) if len(t.members) == 2]
    assert [t.name for t in pairs] == ["ED1+MD1"]
    assert pairs[0].commute(p) == 8  # 2 km: 2.6 km of road at 20 km/h, rounded up
