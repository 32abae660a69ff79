"""Each soft goal of the roster on a tiny hand-made instance where it decides, checked
on the roster's rows (the independent checker runs in ``plan()``): given this, expect
that, and the goal's value as reported."""

from __future__ import annotations

from roster_instances import STREETS, D, data, insp, inst, plan, teams

from tuoyu.models.inspection import Leave, PastInspection, Street
from tuoyu.optimizer.roster import SOFT_GOALS, RosterWeights


def test_every_soft_goal_has_its_own_test_and_a_weight():
    for name, goal in SOFT_GOALS.items():
        assert callable(globals().get(f"test_{goal.__name__}")), goal.__name__
        assert getattr(RosterWeights(), name) > 0


def test_no_return_to_last_institution():
    """Given two institutions and two last teams, expect each team sent to the other."""
    d = data(
        [inst("I1"), inst("I2")],
        [insp("A1", "A"), insp("B1", "B"), insp("A2", "A"), insp("B2", "B")],
        history=[
            PastInspection(
                institution_id="I1", date=D(2026, 3, 2), outcome="pass", inspector_ids=("A1", "B1")
            ),
            PastInspection(
                institution_id="I2", date=D(2026, 3, 2), outcome="pass", inspector_ids=("A2", "B2")
            ),
        ],
    )
    result = plan(d)
    t = teams(result)
    assert t["I1"] == {"A2", "B2"} and t["I2"] == {"A1", "B1"}
    assert result.soft["return_to_last_institution"] == 0
    assert not any(f.code == "roster.returns_to_last" for f in result.findings)


def test_last_team_is_reused_with_a_finding_when_the_pool_allows_nothing_else():
    """Given the only hygiene inspector in the last team, expect them back, and said."""
    d = data(
        [inst("I1")],
        [insp("S1", "A", "safety"), insp("H1", "B", "hygiene"), insp("S2", "A", "safety")],
        history=[
            PastInspection(
                institution_id="I1", date=D(2026, 3, 2), outcome="pass", inspector_ids=("S1", "H1")
            )
        ],
    )
    result = plan(d)
    team = teams(result)["I1"]
    assert "H1" in team and "S1" not in team  # the safety inspector could be changed
    assert result.soft["return_to_last_institution"] == 1
    assert any(
        f.code == "roster.returns_to_last" and f.params["count"] == 1 for f in result.findings
    )


def test_small_teams():
    """Given safety, hygiene and a second department each held by one inspector, expect
    teams of three (one member beyond the minimum each); with generalists, teams of two."""
    forced = data(
        [inst("I1"), inst("I2")],
        [insp("A1", "A", "safety"), insp("A2", "A", "hygiene"), insp("B1", "B", "first_aid")],
    )
    result = plan(forced)
    assert all(t == {"A1", "A2", "B1"} for t in teams(result).values())
    assert result.soft["extra_team_member"] == 2
    free = data([inst("I1"), inst("I2")], [insp(p, p[0]) for p in ("A1", "A2", "B1", "B2")])
    result = plan(free)
    assert all(len(t) == 2 for t in teams(result).values())
    assert result.soft["extra_team_member"] == 0


def test_balanced_workload():
    """Given four visits and four inspectors free for ten each, expect two visits each
    (the fair share), none above it."""
    d = data(
        [inst(f"I{k}") for k in range(1, 5)], [insp(p, p[0]) for p in ("A1", "A2", "B1", "B2")]
    )
    result = plan(d)
    load: dict[str, int] = {}
    for r in result.rows:
        for p in r.inspector_ids:
            load[p] = load.get(p, 0) + 1
    assert load == {"A1": 2, "A2": 2, "B1": 2, "B2": 2}
    assert result.soft["load_above_fair_share"] == 0


def test_spread_over_working_days():
    """Given four visits in a month of 21 working days, expect four different days."""
    d = data(
        [inst(f"I{k}") for k in range(1, 5)], [insp(p, p[0]) for p in ("A1", "A2", "B1", "B2")]
    )
    result = plan(d)
    assert len({r.date for r in result.rows}) == 4
    assert result.soft["busiest_day"] == 1


def test_team_day_in_neighbouring_streets():
    """Given one team free on one day only and two visits that day, expect the day counted
    for each inspector when the streets are not neighbours, and not when they are."""
    streets = (*STREETS, Street(street_id="S3", name="三街", neighbours=()))
    leave = [Leave(person_id=p, start=D(2026, 6, 1), end=D(2026, 6, 9)) for p in ("A1", "B1")] + [
        Leave(person_id=p, start=D(2026, 6, 11), end=D(2026, 6, 30)) for p in ("A1", "B1")
    ]
    pool = [insp("A1", "A"), insp("B1", "B")]
    far = plan(data([inst("I1", "S1"), inst("I2", "S3")], pool, leave, streets=streets))
    assert {r.date for r in far.rows} == {D(2026, 6, 10)}
    assert far.soft["team_day_in_far_streets"] == 2
    near = plan(data([inst("I1", "S1"), inst("I2", "S2")], pool, leave, streets=streets))
    assert near.soft["team_day_in_far_streets"] == 0
