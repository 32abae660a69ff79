"""Walking access (``tuoyu.optimizer.catchment``): the 15-minute circle's reach, the
projection to metres, and the pairs a family can walk, checked against a brute force
over every pair (straight line × circuity) and networkx's shortest paths on the same
walking graph (with the snap legs to the nearest node)."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from tuoyu.optimizer.catchment import (
    AccessParams,
    WalkNetwork,
    project,
    straight_pairs,
    walking_pairs,
)

X0, Y0 = 500_000.0, 3_500_000.0  # metres in UTM 51N, near Shanghai
_TO_LONLAT = Transformer.from_crs("EPSG:32651", "EPSG:4326", always_xy=True)


def test_the_circle_is_15_minutes_at_walking_speed_or_a_radius() -> None:
    assert AccessParams().reach_m == pytest.approx(1125.0)
    assert AccessParams(speed_kmh=6, minutes=10).reach_m == pytest.approx(1000.0)
    assert AccessParams(radius_m=800).reach_m == 800.0
    assert AccessParams(radius_m=1300, circuity=1.3).crow_m == pytest.approx(1000.0)
    assert AccessParams(radius_m=900, circuity=0.5).crow_m == 900.0  # never wider than the walk


def test_the_central_meridian_is_the_false_easting() -> None:
    x, y = project([123.0, 121.0], [0.0, 31.4])
    assert x[0] == pytest.approx(500_000.0, abs=1e-6) and y[0] == pytest.approx(0.0, abs=1e-6)
    assert 300_000 < x[1] < 500_000 and 3_400_000 < y[1] < 3_500_000


def _brute_straight(dx, dy, sx, sy, access):
    out = {}
    for i in range(len(dx)):
        for j in range(len(sx)):
            d = math.hypot(dx[i] - sx[j], dy[i] - sy[j]) * access.circuity
            if d <= access.reach_m:
                out[(i, j)] = d
    return out


@given(st.integers(0, 2**32 - 1), st.integers(0, 12), st.integers(0, 12),
       st.floats(1.0, 1.6), st.floats(200, 1500))
def test_straight_pairs_are_every_pair_within_the_circle(seed, n, m, circuity, radius) -> None:
    rng = np.random.default_rng(seed)
    dx, dy = rng.uniform(0, 3000, n), rng.uniform(0, 3000, n)
    sx, sy = rng.uniform(0, 3000, m), rng.uniform(0, 3000, m)
    access = AccessParams(radius_m=radius, circuity=circuity)
    pairs = straight_pairs(dx, dy, sx, sy, access)
    got = dict(zip(zip(pairs.i.tolist(), pairs.j.tolist(), strict=True), pairs.dist.tolist(),
                   strict=True))
    expected = _brute_straight(dx, dy, sx, sy, access)
    assert got.keys() == expected.keys()
    for key, d in expected.items():
        assert got[key] == pytest.approx(d)
    assert not pairs.on_network.any()


def _graph(nodes: dict[str, tuple[float, float]], edges, directed: bool = False):
    g = nx.MultiDiGraph() if directed else nx.MultiGraph()
    for name, (x, y) in nodes.items():
        lon, lat = _TO_LONLAT.transform(X0 + x, Y0 + y)
        g.add_node(name, x=lon, y=lat)
    for a, b, length in edges:
        g.add_edge(a, b, length=length)
    return g


def test_a_walk_on_the_network_goes_round_the_block_and_off_it_straight() -> None:
    # A(0,0) - B(1000,0) - C(1000,1000); B->A given one way only, and a longer parallel A-B
    g = _graph({"A": (0, 0), "B": (1000, 0), "C": (1000, 1000)},
               [("B", "A", 1000.0), ("A", "B", 1500.0), ("B", "C", 1000.0)], directed=True)
    net = WalkNetwork.from_graph(g)
    access = AccessParams(radius_m=2100, circuity=1.3, snap_max_m=250)
    # communities: near A (on), far below A (off: 600 m from every node)
    dx, dy = np.array([X0 + 0, X0 + 0]), np.array([Y0 + 10, Y0 - 600])
    # places: near C (on), below B (off: 300 m)
    sx, sy = np.array([X0 + 1010, X0 + 1000]), np.array([Y0 + 1000, Y0 - 300])
    pairs = walking_pairs(dx, dy, sx, sy, access, net)
    got = {(int(i), int(j)): (round(float(d), 1), bool(o))
           for i, j, d, o in zip(pairs.i, pairs.j, pairs.dist, pairs.on_network, strict=True)}
    assert got == {
        (0, 0): (2020.0, True),  # 10 + 1000 + 1000 + 10 on the streets (straight would be 1838)
        (0, 1): (round(math.hypot(1000, 310) * 1.3, 1), False),
        (1, 1): (round(math.hypot(1000, 300) * 1.3, 1), False),
    }  # (1, 0): 1892 m straight × 1.3 > 2100, out of reach


def test_a_network_walk_beyond_the_reach_is_left_out() -> None:
    g = _graph({"A": (0, 0), "B": (1000, 0)}, [("A", "B", 1900.0)])  # a long detour
    net = WalkNetwork.from_graph(g)
    pairs = walking_pairs(np.array([X0]), np.array([Y0]), np.array([X0 + 1000]),
                          np.array([Y0]), AccessParams(radius_m=1800), net)
    assert len(pairs) == 0  # 1,300 m straight × 1.3 would reach; the streets do not


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_network_walks_equal_networkx_shortest_paths_plus_the_snap_legs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = 4
    nodes = {f"n{a}{b}": (a * 400.0 + rng.uniform(-30, 30), b * 400.0 + rng.uniform(-30, 30))
             for a in range(k) for b in range(k)}
    edges = []
    for a in range(k):
        for b in range(k):
            for da, db in ((1, 0), (0, 1)):
                if a + da < k and b + db < k and rng.random() < 0.8:
                    u, v = f"n{a}{b}", f"n{a + da}{b + db}"
                    straight = math.dist(nodes[u], nodes[v])
                    edges.append((u, v, straight * rng.uniform(1.0, 1.5)))
    g = _graph(nodes, edges)
    net = WalkNetwork.from_graph(g)
    access = AccessParams(radius_m=1000, circuity=1.3, snap_max_m=150)
    dx, dy = rng.uniform(-100, 1300, 8), rng.uniform(-100, 1300, 8)
    sx, sy = rng.uniform(-100, 1300, 6), rng.uniform(-100, 1300, 6)
    pairs = walking_pairs(X0 + dx, Y0 + dy, X0 + sx, Y0 + sy, access, net)
    got = {(int(i), int(j)): float(d) for i, j, d in zip(pairs.i, pairs.j, pairs.dist, strict=True)}

    # independently: the projected node positions, the nearest node, networkx's Dijkstra
    names = list(g.nodes)
    nx_, ny_ = project([g.nodes[n]["x"] for n in names], [g.nodes[n]["y"] for n in names])
    nx_, ny_ = nx_ - X0, ny_ - Y0
    simple = nx.Graph()
    for u, v, length in edges:
        simple.add_edge(u, v, length=length)

    def nearest(x: float, y: float) -> tuple[str, float]:
        d = np.hypot(nx_ - x, ny_ - y)
        return names[int(np.argmin(d))], float(d.min())

    expected = {}
    for i in range(len(dx)):
        for j in range(len(sx)):
            (u, du), (v, dv) = nearest(dx[i], dy[i]), nearest(sx[j], sy[j])
            if du <= access.snap_max_m and dv <= access.snap_max_m:
                try:
                    path = nx.dijkstra_path_length(simple, u, v, weight="length") if u != v else 0
                except (nx.NetworkXNoPath, nx.NodeNotFound):
                    continue
                total = du + path + dv
            else:
                total = math.hypot(dx[i] - sx[j], dy[i] - sy[j]) * access.circuity
            if total <= access.reach_m:
                expected[(i, j)] = total
    assert got.keys() == expected.keys()
    for key, d in expected.items():
        assert got[key] == pytest.approx(d, abs=1e-6)
