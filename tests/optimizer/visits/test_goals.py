"""The goals that depend on who visits, each on a hand-made week where it binds, counted on
the written rows: the same person again for a family's second visit, a balanced load
(visits above a person's fair share), no person beyond a family's needs (a pair at a
family needing one discipline); and the goal functions themselves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from visits_check import (
    Rules,
    second_visits_by_others,
    spare_people,
    tiny_dataset,
    travel,
    violations,
    visits_per_person,
)

from tuoyu.optimizer.visits.goals import (
    VisitWeights,
    WeekLoads,
    above_fair_share,
    fair_shares,
    other_person,
)
from tuoyu.optimizer.visits.goals import spare_people as spare_of
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import VisitParams
from tuoyu.planning.visits import run

WEEK = dt.date(2027, 3, 1)  # a Monday
W = VisitWeights()
KM_LAT = 1 / 111.195  # degrees of latitude per km
_RULES = Rules()


def _plan(tmp: Path, staff, families):  # type: ignore[no-untyped-def]
    folder = tiny_dataset(tmp, staff=staff, families=families)
    p = run(Dataset.at(folder), VisitParams(week=WEEK, iterations=300))
    assert violations(folder, p.rows, WEEK) == []
    return p, folder


def _goal(p, code: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    g = next(g for g in p.soft_goals if g.code == code)
    return g.value, g.weight


def _week(tmp: Path, km: float):  # type: ignore[no-untyped-def]
    """F1, visited before by S2, lives at S1's base; S2's base is ``km`` north. Only one
    visit: the balance does not bind (each person's fair share is one)."""
    staff = [{"staff_id": "S1", "discipline": "education", "visit_days": "Mon"},
             {"staff_id": "S2", "discipline": "education", "visit_days": "Mon",
              "base_lon": "121.48", "base_lat": f"{31.40 + km * KM_LAT:.6f}"}]
    fams = [{"family_id": "F1", "birth_date": "2027-01-20", "registered_on": "2027-02-05",
             "needs": "education", "half_days": "Mon", "lon": "121.48", "lat": "31.40",
             "earlier_visitors": "S2"}]
    return _plan(tmp, staff, fams)


def test_the_same_person_again_when_the_detour_is_worth_it(tmp_path: Path) -> None:
    # 5 km: 20 minutes each way (40 < the goal's weight, 45): S2 goes again
    p, folder = _week(tmp_path, 5.0)
    assert [r["staff_ids"] for r in p.rows] == ["S2"]
    assert second_visits_by_others(folder, p.rows) == []
    assert _goal(p, "visits.goal.other_person") == (0, W.same_person)
    assert _goal(p, "visits.goal.travel_minutes")[0] == 40


def test_someone_else_when_the_detour_is_too_long_and_the_cost_is_counted(
        tmp_path: Path) -> None:
    # 10 km: 39 minutes each way (78 > 45): S1, at the door, goes; the goal costs 45
    p, folder = _week(tmp_path, 10.0)
    assert [r["staff_ids"] for r in p.rows] == ["S1"]
    assert second_visits_by_others(folder, p.rows) == ["F1"]
    assert _goal(p, "visits.goal.other_person") == (1, W.same_person)
    assert p.objective is not None and p.objective >= W.same_person


def test_a_balanced_load_costs_some_travel(tmp_path: Path) -> None:
    """Four families at S1's base; S2 is 2 km away (8 minutes each way) with the same
    visit days and limit. Travel alone gives S1 all four; the fair share is two each,
    and a visit above it (20) is worth more than S2's trip (16 for two visits)."""
    staff = [{"staff_id": "S1", "discipline": "education", "visit_days": "Mon"},
             {"staff_id": "S2", "discipline": "education", "visit_days": "Mon",
              "base_lon": "121.48", "base_lat": f"{31.40 + 2 * KM_LAT:.6f}"}]
    fams = [{"family_id": f"F{i}", "birth_date": "2027-01-20", "registered_on": "2027-02-05",
             "needs": "education", "half_days": "Mon", "lon": "121.48", "lat": "31.40"}
            for i in range(1, 5)]
    p, _ = _plan(tmp_path, staff, fams)
    assert visits_per_person(p.rows) == {"S1": 2, "S2": 2}
    assert _goal(p, "visits.goal.above_fair_share") == (0, W.balance)
    assert _goal(p, "visits.goal.travel_minutes")[0] == 16
    assert _goal(p, "visits.goal.load_spread") == (0, 0)


def _pair_week(tmp: Path, km: float):  # type: ignore[no-untyped-def]
    """E1 and M1 share a base; F2 there needs education and medical (so E1 and M1 are
    the week's pair) and F1 next door needs education only. E2, alone, is ``km`` north.
    Every visit on Monday; the balance does not bind (one visit each, or two each of the
    pair: within everyone's fair share either way)."""
    staff = [{"staff_id": "E1", "discipline": "education", "visit_days": "Mon"},
             {"staff_id": "M1", "discipline": "medical", "visit_days": "Mon"},
             {"staff_id": "E2", "discipline": "education", "visit_days": "Mon",
              "base_lon": "121.48", "base_lat": f"{31.40 + km * KM_LAT:.6f}"}]
    fams = [{"family_id": f, "birth_date": "2027-01-20", "registered_on": "2027-02-05",
             "needs": need, "half_days": "Mon", "lon": "121.48", "lat": "31.40"}
            for f, need in (("F1", "education"), ("F2", "education;medical"))]
    return _plan(tmp, staff, fams)


def test_one_person_for_one_need_when_the_trip_is_worth_the_second_persons_hour(
        tmp_path: Path) -> None:
    # E2 2 km away: 8 minutes each way (16 < the goal's 60): E2 visits F1; the pair,
    # at no extra travel, would have sent a medical person to a family needing none
    p, folder = _pair_week(tmp_path, 2.0)
    who = {r["family_id"]: r["staff_ids"] for r in p.rows}
    assert who == {"F1": "E2", "F2": "E1;M1"}
    assert spare_people(folder, p.rows) == 0
    assert _goal(p, "visits.goal.spare_people") == (0, W.spare_person)
    there = travel((121.48, 31.40 + 2.0 * KM_LAT), (121.48, 31.40), _RULES)
    assert _goal(p, "visits.goal.travel_minutes")[0] == 2 * there == 16


def test_the_pair_goes_when_the_trip_is_longer_and_the_cost_is_counted(
        tmp_path: Path) -> None:
    # E2 10 km away: 39 minutes each way (78 > 60): the pair visits both, and the plan
    # counts the medical person at F1 (weight 60) on the written rows
    p, folder = _pair_week(tmp_path, 10.0)
    assert {r["family_id"]: r["staff_ids"] for r in p.rows} == {"F1": "E1;M1",
                                                                "F2": "E1;M1"}
    assert spare_people(folder, p.rows) == 1
    assert _goal(p, "visits.goal.spare_people") == (1, W.spare_person)
    assert p.objective is not None and p.objective >= W.spare_person


def test_goal_functions() -> None:
    assert spare_of(1, 2) == 1 and spare_of(2, 2) == 0 and spare_of(1, 1) == 0
    assert other_person(("S1",), ("S1", "S2")) == 0
    assert other_person(("S3",), ("S1", "S2")) == 1
    assert other_person((), ("S1",)) == 0  # a first visit: no preference
    # shares in proportion to what each could do, rounded up
    assert fair_shares({"A": 8, "B": 4, "C": 0}, 6) == {"A": 4, "B": 2, "C": 0}
    assert fair_shares({"A": 3, "B": 3}, 5) == {"A": 3, "B": 3}
    assert fair_shares({"A": 0}, 3) == {"A": 0}
    assert above_fair_share({"A": 6, "B": 0}, {"A": 4, "B": 2}) == 2
    assert above_fair_share({"A": 4}, {"A": 4, "B": 2}) == 0


PEOPLE = ("A", "B", "C", "D")
#: teams of one and two, sharing members (a person is in a pair and alone, or in two pairs)
TEAMS = [("A",), ("B",), ("C",), ("A", "B"), ("A", "C"), ("B", "C"), ("C", "D"), ("A", "D")]


def _above_fair_share(teams_visiting: list[tuple[str, ...]], caps: dict[str, int]) -> int:
    """The balance goal counted from scratch: each person's visits (a pair's for both),
    their share of the week's person-visits in proportion to what they could do, rounded
    up, and the visits above it summed."""
    loads = {s: sum(s in t for t in teams_visiting) for s in caps}
    total = sum(len(t) for t in teams_visiting)
    room = sum(caps.values())
    share = {s: (-(-total * c // room) if room else 0) for s, c in caps.items()}
    return sum(max(0, loads[s] - share[s]) for s in caps)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TEAMS), min_size=1, max_size=12),
       st.lists(st.integers(0, 5), min_size=4, max_size=4),
       st.data())
def test_the_balance_change_of_a_move_is_the_goal_counted_again(visits, caps, data) -> None:
    """Moving one visit to another team changes the balance goal by what counting it again
    says: teams of one size or not, members shared by both teams (their load stays), a
    person at exactly their fair share."""
    i = data.draw(st.integers(0, len(visits) - 1))
    into = data.draw(st.sampled_from(TEAMS))
    capacity = dict(zip(PEOPLE, caps, strict=True))
    week = WeekLoads(capacity)
    for t in visits:
        week.add(t)
    moved = [*visits[:i], into, *visits[i + 1:]]
    before, after = _above_fair_share(visits, capacity), _above_fair_share(moved, capacity)
    assert week.above() == before
    assert week.above_share_change(visits[i], into) == after - before
    week.add(visits[i], -1)
    week.add(into)
    assert week.above() == after


def test_a_member_of_both_teams_at_fair_share_keeps_the_goal() -> None:
    """A at exactly fair share (3 person-visits, half the room: 1.5, rounded up to 2)
    moves with a visit from the pair A+B to the pair A+C: A's load stays, B's falls, C's
    rises to its share of 1: nothing above fair share before or after."""
    week = WeekLoads({"A": 2, "B": 1, "C": 1})
    week.add(("A", "B"))
    week.add(("A",))
    assert week.above() == 0
    assert week.above_share_change(("A", "B"), ("A", "C")) == 0
