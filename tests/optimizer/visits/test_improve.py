"""The post-pass (``improve.py``) on hand-made routes: it moves a family to the route of
its earlier visitor when that lowers the weighed total, and never when the move would break
the route's limit, a time window or the shift; ``schedule`` keeps the time windows."""

from __future__ import annotations

import numpy as np

from tuoyu.optimizer.visits.goals import VisitWeights
from tuoyu.optimizer.visits.improve import Clients, Route, improve, schedule

W = VisitWeights(same_person=45, balance=0)
SERVICE = 60
#: locations: 0 = S1's base, 1 = S2's base, 2 = family 0, 3 = family 1
M = np.array([[0, 10, 0, 30],
              [10, 0, 10, 30],
              [0, 10, 0, 30],
              [30, 30, 30, 0]])


def _clients(window0: tuple[int, int] = (0, 200)) -> Clients:
    return Clients(client_family=[0, 1], client_day=[0, 0], client_location=[2, 3],
                   client_window=[window0, (0, 200)], client_load=[(1,), (1,)],
                   client_late_cost=[0, 0])


def _run(vehicles: list[Route], routes: dict[int, list[int]],
         st: Clients | None = None, swaps: int = 3) -> dict[int, list[int]]:
    out, _ = improve(routes, vehicles, st or _clients(), M, family_clients=[[0], [1]],
                     earlier=[("S2",), ()], capacity={"S1": 2, "S2": 2},
                     candidates=lambda f, v: [0, 1], service=SERVICE, w=W,
                     max_swap_passes=swaps)
    return out


def _vehicle(team: int, late: int = 400, cap: int = 2) -> Route:
    return Route(team, (f"S{team + 1}",), 0, team, 0, late, (cap,))


def test_moves_to_the_earlier_visitor() -> None:
    # S1 at the door (0 travel); S2 10 minutes away each way: 20 < 45
    assert _run([_vehicle(0), _vehicle(1)], {0: [0]}) == {1: [0]}


def test_not_to_a_team_whose_day_out_costs_its_commute() -> None:
    # S2's team (a pair, say) has a 15-minute commute each way when it goes out at all:
    # 20 + 30 > 45, the move is not worth it; from a route already out, it is (20 < 45)
    far = Route(1, ("S2",), 0, 1, 0, 400, (2,), fixed=30)
    assert _run([_vehicle(0), far], {0: [0]}) == {0: [0]}
    assert _run([_vehicle(0), far], {0: [0], 1: [1]}) == {1: [0, 1]}


def test_not_when_the_route_is_full() -> None:
    full = [_vehicle(0), _vehicle(1, cap=1)]
    assert _run(full, {0: [0], 1: [1]}, swaps=0) == {0: [0], 1: [1]}
    # an exchange does fit: family 0 to its earlier visitor S2 (20 min), family 1 to S1
    # (60, as on S2's route): 80 against 0 + 45 (someone else) + 60
    assert _run(full, {0: [0], 1: [1]}) == {0: [1], 1: [0]}


def test_not_when_the_shift_ends_first() -> None:
    # S2's shift ends at 70: 10 + 60 + 10 = 80 back at the base
    assert _run([_vehicle(0), _vehicle(1, late=70)], {0: [0]}) == {0: [0]}


def test_not_when_a_time_window_closes() -> None:
    # family 1 then family 0 on S2's route: family 0 must start by 5
    st = _clients(window0=(0, 5))
    vs = [_vehicle(0), _vehicle(1)]
    assert schedule([1, 0], vs[1], st, M, SERVICE) is None
    assert schedule([0, 1], vs[1], st, M, SERVICE) is None  # 10 > 5 from S2's base
    assert _run(vs, {0: [0], 1: [1]}, st) == {0: [0], 1: [1]}


def test_schedule_waits_for_a_window() -> None:
    st = Clients([0], [0], [2], [(50, 60)], [(1,)], [0])
    assert schedule([0], _vehicle(0), st, M, SERVICE) == [50]


def test_moves_to_a_pair_whose_day_starts_after_its_commute() -> None:
    # S2's team starts 15 minutes after the family's window opens (a pair's commute):
    # still free in that half-day, so the family moves to its earlier visitor
    st_ = Clients([0, 1], [0, 0], [2, 3], [(0, 200), (0, 200)], [(1,), (1,)], [0, 0])
    late_start = Route(1, ("S2",), 0, 1, 15, 400, (2,))
    assert _run([_vehicle(0), late_start], {0: [0], 1: [1]}, st_) == {1: [0, 1]}


def test_two_full_routes_exchange_their_crossed_visits() -> None:
    # S1's route holds family 1 (by S2's base), S2's family 0 (by S1's base), each route
    # at its limit of one: no relocation fits, the exchange saves 2 x (40 - 5) each way
    m = np.array([[0, 45, 5, 40],
                  [45, 0, 40, 5],
                  [5, 40, 0, 42],
                  [40, 5, 42, 0]])
    st_ = Clients([0, 1], [0, 0], [2, 3], [(0, 500), (0, 500)], [(1,), (1,)], [0, 0])
    vs = [_vehicle(0, late=1000, cap=1), _vehicle(1, late=1000, cap=1)]
    out, moves = improve({0: [1], 1: [0]}, vs, st_, m, family_clients=[[0], [1]],
                         earlier=[(), ()], capacity={"S1": 1, "S2": 1},
                         candidates=lambda f, v: [0, 1], service=SERVICE, w=W)
    assert out == {0: [0], 1: [1]}
    assert moves.before - moves.after == 2 * 2 * (40 - 5)
