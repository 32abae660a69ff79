"""A large week routed in parts (``decompose.py``), on small hand-made weeks cut into parts
on purpose (``RoutingParams.part_clients``): a family only a team of another part can
visit is still visited, a team-day is never booked by two parts, a due family takes the
place of one not yet due, and the whole plan keeps every hard rule (checked on the
written rows by the independent checker); the cut itself keeps every client and vehicle
in exactly one part."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyvrp import Client, ClientGroup, Depot, Location, ProblemData, VehicleType
from visits_check import due_unvisited, tiny_dataset, violations

from tuoyu.models.visits import load_visit_data
from tuoyu.optimizer.visits import RoutingParams, VisitProblem, solve
from tuoyu.optimizer.visits.decompose import Part, part_data, repair, split
from tuoyu.optimizer.visits.improve import Clients, Route
from tuoyu.planning.visits import plan_rows

WEEK = dt.date(2027, 3, 1)
WEST, EAST = "121.40", "121.50"  # about 12 km apart on the road: 37 minutes


def fam(fid: str, lon: str, needs: str = "education", half_days: str = "Mon AM;Tue AM",
        registered: str = "2027-02-05") -> dict[str, object]:
    """A family due this week (its window ends on Friday 2027-03-05)."""
    return {"family_id": fid, "birth_date": "2027-01-20", "registered_on": registered,
            "needs": needs, "half_days": half_days, "lon": lon, "lat": "31.40"}


def person(sid: str, discipline: str, lon: str, **kw: object) -> dict[str, object]:
    return {"staff_id": sid, "discipline": discipline, "base_lon": lon, "base_lat": "31.40",
            **kw}


def _plan(folder: Path, part_clients: int, iterations: int = 100):  # type: ignore[no-untyped-def]
    problem = VisitProblem(load_visit_data(folder), WEEK)
    result = solve(problem, RoutingParams(iterations=iterations, part_clients=part_clients))
    rows = plan_rows(result.visits, problem.data, problem)
    return result, rows


def _parts_finding(result) -> dict:  # type: ignore[no-untyped-def]
    return next(f.params for f in result.findings if f.code == "visits.in_parts")


def test_a_family_only_a_team_of_another_part_can_visit_is_visited(tmp_path: Path) -> None:
    # the west and the east are cut apart; the only psychologist is based in the west,
    # the family needing one lives in the east
    staff = [person("E1", "education", WEST), person("E2", "education", EAST),
             person("P1", "psychology", WEST)]
    families = [fam(f"W{i}", WEST) for i in range(3)] + \
        [fam(f"E{i}", EAST) for i in range(3)] + [fam("PSY", EAST, needs="psychology")]
    folder = tiny_dataset(tmp_path / "ds", staff=staff, families=families)
    result, rows = _plan(folder, part_clients=8)
    assert _parts_finding(result)["parts"] >= 2
    assert _parts_finding(result)["inserted"] >= 1
    assert violations(folder, rows, WEEK) == []
    assert due_unvisited(folder, rows, WEEK) == []
    assert {r["staff_ids"] for r in rows if r["family_id"] == "PSY"} == {"P1"}


def test_parts_never_book_a_team_day_twice(tmp_path: Path) -> None:
    # every family can be visited by either person, from either side of the cut
    staff = [person("E1", "education", WEST, max_visits_per_day=2),
             person("E2", "education", EAST, max_visits_per_day=2)]
    families = [fam(f"W{i}", WEST) for i in range(3)] + [fam(f"E{i}", EAST) for i in range(3)]
    folder = tiny_dataset(tmp_path / "ds", staff=staff, families=families)
    result, rows = _plan(folder, part_clients=6)
    assert _parts_finding(result)["parts"] >= 2
    assert violations(folder, rows, WEEK) == []
    routes: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in rows:
        routes[r["staff_ids"], r["date"]].append(int(r["order"]))
    for (_staff, _day), orders in routes.items():
        assert sorted(orders) == list(range(1, len(orders) + 1))  # one route a team-day
        assert len(orders) <= 2  # the day's limit
    assert due_unvisited(folder, rows, WEEK) == []


def test_the_same_plan_in_parts_every_time(tmp_path: Path) -> None:
    staff = [person("E1", "education", WEST), person("E2", "education", EAST),
             person("M1", "medical", EAST)]
    families = [fam(f"W{i}", WEST) for i in range(4)] + \
        [fam(f"E{i}", EAST, needs="medical;education") for i in range(3)]
    folder = tiny_dataset(tmp_path / "ds", staff=staff, families=families)
    first = _plan(folder, part_clients=6)[1]
    assert first == _plan(folder, part_clients=6)[1]


def _instance(points: list[tuple[float, float, int]], bases: list[tuple[float, float]],
              ) -> ProblemData:
    """Families at points (each with ``k`` clients: its half-days), a vehicle per base."""
    locs = [Location(x, y) for x, y in bases] + [Location(x, y) for x, y, _ in points]
    clients, groups = [], []
    for j, (_, _, k) in enumerate(points):
        members = []
        for _ in range(k):
            members.append(len(clients))
            clients.append(Client(location=len(bases) + j, delivery=[1], prize=10,
                                  required=False, group=len(groups)))
        groups.append(ClientGroup(members, required=False))
    n = len(locs)
    m = np.zeros((n, n), dtype=np.int64)
    return ProblemData(locs, clients, [Depot(i) for i in range(len(bases))],
                       [VehicleType(1, capacity=[4], start_depot=i, end_depot=i)
                        for i in range(len(bases))], [m], [m], groups=groups)


coord = st.floats(121.2, 121.6, allow_nan=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(coord, coord, st.integers(1, 4)), min_size=1, max_size=30),
       st.lists(st.tuples(coord, coord), min_size=1, max_size=6), st.integers(1, 20))
def test_the_cut_keeps_every_client_and_vehicle_in_one_part(points, bases, limit) -> None:
    data = _instance(points, bases)
    parts = split(data, limit)
    clients = sorted(c for p in parts for c in p.clients)
    vehicles = sorted(v for p in parts for v in p.vehicles)
    assert clients == list(range(data.num_clients))
    assert vehicles == list(range(data.num_vehicle_types))
    group_of = {c: g for g, grp in enumerate(data.groups()) for c in grp.clients}
    for p in parts:
        assert p.vehicles  # every part has a team-day to route with
        # a family's half-days stay together
        assert {c for c in p.clients} == {c for c in range(data.num_clients)
                                          if group_of[c] in {group_of[x] for x in p.clients}}
        sub = part_data(data, p)
        assert sub.num_clients == len(p.clients)
        assert sub.num_vehicle_types == len(p.vehicles)


def test_a_part_as_its_own_instance_keeps_its_clients() -> None:
    data = _instance([(121.3, 31.4, 2), (121.5, 31.4, 1)], [(121.3, 31.4), (121.5, 31.4)])
    sub = part_data(data, Part((2,), (1,)))
    assert sub.num_clients == 1 and sub.num_groups == 1
    assert sub.num_depots == 1
    assert sub.location(sub.clients()[0].location).x == pytest.approx(121.5)
    assert sub.location(sub.depots()[0].location).x == pytest.approx(121.5)


def test_a_due_family_takes_the_place_of_one_not_yet_due() -> None:
    # one route (capacity 1) holding a family not yet due (prize 600); a due family
    # (prize 100,000) fits nowhere else; the second route cannot serve either family
    m = np.zeros((3, 3), dtype=np.int64)
    vehicles = [Route(0, ("S1",), 0, 0, 0, 1000, (1, 1)),
                Route(1, ("S2",), 0, 0, 0, 1000, (1, 0))]
    st_ = Clients(client_family=[0, 1], client_day=[0, 0], client_location=[1, 2],
                  client_window=[(0, 500), (0, 500)], client_load=[(1, 1), (1, 1)],
                  client_late_cost=[0, 0])
    routes = {0: [0]}
    done = repair(routes, vehicles, st_, m, family_clients=[[0], [1]], prize=[600, 100_000],
                  order_key=[(0,), (0,)], service=60)
    assert routes == {0: [1]}
    assert (done.inserted, done.displaced) == (1, 1)


def test_the_repair_never_visits_at_a_loss() -> None:
    # a family not yet due 700 minutes away: its prize (600) does not pay for the trip
    m = np.array([[0, 350], [350, 0]])
    vehicles = [Route(0, ("S1",), 0, 0, 0, 2000, (2, 2))]
    st_ = Clients(client_family=[0], client_day=[0], client_location=[1],
                  client_window=[(0, 1500)], client_load=[(1, 1)], client_late_cost=[0])
    routes: dict[int, list[int]] = {}
    repair(routes, vehicles, st_, m, family_clients=[[0]], prize=[600], order_key=[(0,)],
           service=60)
    assert routes == {}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(("education", "medical", "psychology")),
                          st.floats(121.40, 121.50), st.integers(1, 3)),
                min_size=1, max_size=4),
       st.lists(st.tuples(st.sampled_from(("education", "medical", "psychology",
                                           "education;medical")),
                          st.floats(121.40, 121.50),
                          st.sampled_from(("Mon AM;Tue AM", "Mon PM", "Wed", "Tue AM;Thu PM")),
                          st.integers(0, 30)),
                min_size=1, max_size=8))
def test_every_rule_holds_on_a_week_in_parts(staff, families) -> None:
    staff_rows = [person(f"S{i}", d, f"{lon:.4f}", max_visits_per_day=cap)
                  for i, (d, lon, cap) in enumerate(staff)]
    fam_rows = []
    for i, (needs, lon, halves, ago) in enumerate(families):
        reg = WEEK - dt.timedelta(days=ago)
        fam_rows.append(fam(f"F{i}", f"{lon:.4f}", needs=needs, half_days=halves,
                            registered=reg.isoformat()) |
                        {"birth_date": (reg - dt.timedelta(days=10)).isoformat()})
    with tempfile.TemporaryDirectory() as tmp:
        folder = tiny_dataset(Path(tmp), staff=staff_rows, families=fam_rows)
        result, rows = _plan(folder, part_clients=3, iterations=50)
        assert violations(folder, rows, WEEK) == []
    # every family visited is visited once
    assert len({r["family_id"] for r in rows}) == len(rows)
    assert result.objective is not None and result.bound is not None
    assert result.bound <= result.objective


def test_a_week_in_parts_reports_its_progress(tmp_path: Path) -> None:
    staff = [person("E1", "education", WEST), person("E2", "education", EAST)]
    families = [fam(f"W{i}", WEST) for i in range(3)] + [fam(f"E{i}", EAST) for i in range(3)]
    folder = tiny_dataset(tmp_path / "ds", staff=staff, families=families)
    problem = VisitProblem(load_visit_data(folder), WEEK)
    events = []
    result = solve(problem, RoutingParams(iterations=50, part_clients=6),
                   progress=events.append)
    assert events and all(e.bound <= e.objective for e in events)
    assert events[-1].bound == result.bound  # the whole week's bound


def test_the_repair_fills_a_pair_whose_day_starts_after_its_commute() -> None:
    # a pair's shift starts 10 minutes into the morning (its second member's commute) and
    # ends 10 minutes before noon; the family's morning window opens at 510, before the
    # shift: the pair is free that morning all the same, and the due family goes in
    m = np.array([[0, 5], [5, 0]])
    pair = Route(0, ("ED1", "MD1"), 0, 0, 520, 680, (3, 1, 1), fixed=20)
    st_ = Clients(client_family=[0], client_day=[0], client_location=[1],
                  client_window=[(510, 630)], client_load=[(1, 1, 1)], client_late_cost=[0])
    routes: dict[int, list[int]] = {}
    done = repair(routes, [pair], st_, m, family_clients=[[0]], prize=[100_000],
                  order_key=[(0,)], service=60)
    assert routes == {0: [0]} and done.inserted == 1
