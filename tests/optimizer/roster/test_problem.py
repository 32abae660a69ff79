"""The month's draw (``tuoyu.optimizer.roster.problem``), as the public re-checks a
双随机 draw: the mandatory visits (a rectify or fail outcome followed up within 30 days,
an overdue one named; a high-risk institution not on site for half a year), then the
draw — every other active institution keyed by SHA-256 of the seed (recomputed here
with hashlib), weighted 3 when high-risk and 2 when new, the largest keys drawn, as many
as the share says — then the year's coverage. Hand-made months; properties on random
directories."""

from __future__ import annotations

import datetime as dt
import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st
from roster_instances import data, insp, inst

from tuoyu.models.inspection import PastInspection
from tuoyu.optimizer.roster import RosterRules, build_problem, inspector_capacity

D = dt.date
PEOPLE = [insp("P1", "卫健"), insp("P2", "市监"), insp("P3", "消防")]


def _key(seed: int, tag: str, iid: str, weight: int) -> int:
    """Efraimidis–Spirakis in integers, written here from the audit's description."""
    return max(int.from_bytes(hashlib.sha256(f"{seed}|{tag}|{iid}|{j}".encode()).digest()[:8],
                              "big") for j in range(weight))


def _reasons(problem) -> dict[str, str]:  # noqa: ANN001
    return {v.institution_id: v.reason for v in problem.visits}


def test_a_rectify_outcome_is_followed_up_within_30_days() -> None:
    history = [PastInspection(institution_id="A", date=D(2026, 5, 20), outcome="rectify",
                              inspector_ids=("P1", "P2")),
               PastInspection(institution_id="B", date=D(2026, 5, 20), outcome="pass"),
               PastInspection(institution_id="C", date=D(2026, 4, 10), outcome="fail")]
    d = data([inst("A"), inst("B"), inst("C")], PEOPLE, history=history)
    problem = build_problem(d, 2026, 6, 7, RosterRules(draw_share=0.0))
    visits = {v.institution_id: v for v in problem.visits}
    assert visits["A"].reason == "follow_up" and visits["A"].deadline == D(2026, 6, 19)
    assert visits["A"].last_team == ("P1", "P2")
    assert visits["C"].deadline == D(2026, 5, 10)  # overdue already: named
    overdue = [f for f in problem.findings if f.code == "roster.follow_up_overdue"]
    assert [(f.params["institution_id"], f.params["due"]) for f in overdue] == [
        ("C", "2026-05-10")]
    assert "B" not in visits or visits["B"].reason != "follow_up"


def test_a_follow_up_due_after_the_month_waits() -> None:
    history = [PastInspection(institution_id="A", date=D(2026, 6, 15), outcome="rectify")]
    problem = build_problem(data([inst("A")], PEOPLE, history=history), 2026, 6, 7,
                            RosterRules(draw_share=0.0, high_risk_interval_days=None))
    assert _reasons(problem).get("A") != "follow_up"


def test_a_high_risk_institution_unseen_for_half_a_year_is_visited() -> None:
    history = [PastInspection(institution_id="H1", date=D(2025, 12, 1), outcome="pass"),
               PastInspection(institution_id="H2", date=D(2026, 3, 1), outcome="pass")]
    d = data([inst("H1", risk="high"), inst("H2", risk="high"), inst("H3", risk="high"),
              inst("L1")], PEOPLE, history=history)
    reasons = _reasons(build_problem(d, 2026, 6, 7, RosterRules(draw_share=0.0)))
    assert reasons.get("H1") == "high_risk" and reasons.get("H3") == "high_risk"  # H3: never
    assert reasons.get("H2") != "high_risk"  # seen 3 months ago


def test_the_draw_is_the_largest_keys_of_the_seed_as_anyone_recomputes_them() -> None:
    institutions = [inst(f"I{k:02d}", risk="high" if k % 5 == 0 else "medium",
                         opened=D(2026, 1, 10) if k % 7 == 0 else D(2019, 1, 1))
                    for k in range(1, 21)]
    d = data(institutions, PEOPLE)
    rules = RosterRules(draw_share=0.25, high_risk_interval_days=None)
    problem = build_problem(d, 2026, 6, 424242, rules)
    weights = {i.institution_id: (3 if i.risk == "high" else 1)
               * (2 if (D(2026, 6, 30) - i.opened_on).days <= 365 else 1) for i in institutions}
    keys = {iid: _key(424242, "draw:2026-06", iid, w) for iid, w in weights.items()}
    expected = sorted(keys, key=lambda iid: (-keys[iid], iid))[:5]  # 25 % of 20
    drawn = [e.institution_id for e in problem.draw if e.drawn]
    assert drawn == expected
    assert {e.institution_id: (e.weight, e.key) for e in problem.draw} == {
        iid: (weights[iid], keys[iid]) for iid in keys}
    assert {iid for iid, r in _reasons(problem).items() if r == "drawn"} == set(expected)


def test_an_inactive_or_not_yet_opened_institution_is_never_drawn() -> None:
    d = data([inst("A"), inst("Z", active=False), inst("N", opened=D(2026, 7, 2))], PEOPLE)
    problem = build_problem(d, 2026, 6, 1, RosterRules(draw_share=1.0))
    assert [e.institution_id for e in problem.draw] == ["A"]
    assert set(_reasons(problem)) == {"A"}


def test_december_takes_every_institution_not_yet_seen_this_year() -> None:
    history = [PastInspection(institution_id="A", date=D(2026, 3, 3), outcome="pass")]
    d = data([inst("A"), inst("B"), inst("C", "S2")], PEOPLE, history=history)
    problem = build_problem(d, 2026, 12, 3, RosterRules(draw_share=0.0))
    assert _reasons(problem) == {"B": "coverage", "C": "coverage"}
    assert problem.coverage["uncovered_before_month"] == 2
    assert [f.code for f in problem.findings] == ["roster.coverage_december"]


def test_an_institution_opening_this_month_is_not_visited_before_it_opens() -> None:
    d = data([inst("N", opened=D(2026, 6, 15))], PEOPLE)
    (visit,) = build_problem(d, 2026, 6, 1, RosterRules(draw_share=1.0)).visits
    assert visit.earliest == D(2026, 6, 15)


def test_an_inspectors_capacity_is_the_monthly_limit_or_the_days() -> None:
    days = [D(2026, 6, d) for d in (1, 2, 3)]
    assert inspector_capacity(insp("P", "x", per_month=10, per_day=2), days) == 6
    assert inspector_capacity(insp("P", "x", per_month=4, per_day=2), days) == 4


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 30), st.floats(0.0, 1.0), st.integers(0, 2**31), st.integers(1, 12))
def test_every_visit_once_and_the_draw_as_large_as_the_share(n: int, share: float, seed: int,
                                                            month: int) -> None:
    d = data([inst(f"I{k:02d}", risk="high" if k % 4 == 0 else "medium") for k in range(n)],
             PEOPLE)
    problem = build_problem(d, 2026, month, seed, RosterRules(draw_share=share))
    ids = [v.institution_id for v in problem.visits]
    assert len(ids) == len(set(ids))
    mandatory = {v.institution_id for v in problem.visits if v.reason == "high_risk"}
    drawn = [e for e in problem.draw if e.drawn]
    assert len(drawn) == min(n - len(mandatory), round(share * n))
    assert {e.institution_id for e in problem.draw} == {f"I{k:02d}" for k in range(n)} - mandatory
    keys = [e.key for e in problem.draw]
    assert keys == sorted(keys, reverse=True)  # the record lists the draw in key order
