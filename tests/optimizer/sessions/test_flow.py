"""Issue 11 (a calendar at city scale): the teams as a min-cost flow are the best teams
of a calendar, and the plan's bound is a bound of the whole problem, never 0 when every
plan has to pay for trips.

Small hand-built districts whose best costs are counted by hand (or by a brute force
over every team), independently of the flow and of the solver."""

from __future__ import annotations

import datetime as dt
import itertools

from sessions_check import center_row, rows_of, violations, write_tables

from tuoyu.models.sessions import Session, load_session_data
from tuoyu.optimizer.sessions import SessionProblem, flow, goals, plan_sessions
from tuoyu.optimizer.solve import SolveParams, Status

A, B, FAR = "310113003", "310113007", "310113101"  # 友谊路 and 吴淞 are neighbours; 罗店 is not
EDU = [dict(topic_id=t, name=t, disciplines="education") for t in ("A", "D", "G", "H")]


def _center(cid: str, street: str, n: int = 6) -> dict[str, object]:
    return center_row(cid, street, n)


def _person(sid: str, street: str, cap: int = 6, disc: str = "education", days: str = ""):
    return dict(
        staff_id=sid,
        name=f"人{sid}",
        discipline=disc,
        street_id=street,
        max_per_month=cap,
        days=days,
    )


def _problem(tmp_path, centers, staff, topics=EDU) -> SessionProblem:
    folder = write_tables(tmp_path, dict(centers=centers, guidance_staff=staff, topics=topics))
    return SessionProblem(data=load_session_data(folder), year=2027)


def _cost(p: SessionProblem, sessions, staff_of) -> int:
    return goals.weighted(p, goals.team_goal_values(p, sessions, staff_of), goals.TEAM_GOALS)


def test_the_flow_teams_cost_no_more_than_any_other_teams(tmp_path):
    # three sessions on the same morning and one the next: every way to name the people
    # (brute force) costs at least what the flow's teams cost, and those are valid
    p = _problem(
        tmp_path,
        [_center("C1", A), _center("C2", B), _center("C3", FAR)],
        [_person("E1", A, cap=2), _person("E2", B, cap=3), _person("E3", FAR, cap=2),
         _person("E4", A, cap=1, days="Tue")],
    )  # fmt: skip
    mon, tue = dt.date(2027, 3, 1), dt.date(2027, 3, 2)
    sessions = [
        Session(date=d, half=0, center_id=c, topic_id="A")
        for d, c in ((mon, "C1"), (mon, "C2"), (mon, "C3"), (tue, "C1"))
    ]
    best = flow.best_teams(p, sessions)
    assert best is not None
    people = [s.staff_id for s in p.data.staff]
    costs = []
    for pick in itertools.product(people, repeat=len(sessions)):
        if len({(sessions[k].date, sid) for k, sid in enumerate(pick)}) < len(pick):
            continue  # someone in two places in one half-day
        if any(
            not p.available(
                next(s for s in p.data.staff if s.staff_id == sid), p.day(sessions[k].date)
            )
            for k, sid in enumerate(pick)
        ):
            continue
        load = {sid: pick.count(sid) for sid in people}
        if any(load[s.staff_id] > s.max_per_month for s in p.data.staff):
            continue
        costs.append(_cost(p, sessions, {k: [sid] for k, sid in enumerate(pick)}))
    assert costs and _cost(p, sessions, best) == min(costs)
    assert sorted(len(v) for v in best.values()) == [1, 1, 1, 1]


def test_the_bound_counts_trips_every_plan_makes_and_is_met(tmp_path):
    # one center in 友谊路, its only educator lives in the neighbouring 吴淞: every one of
    # its 6 sessions is a neighbour trip (weight 1), whatever the calendar. The bound says
    # 6, the plan costs 6, so the plan is proven optimal.
    p = _problem(tmp_path, [_center("C1", A)], [_person("E1", B)])
    assert flow.team_lower_bound(p) == 6
    plan = plan_sessions(p, SolveParams(time_limit=5, workers=2))
    assert plan.status == Status.OPTIMAL
    assert plan.objective == plan.bound == 6


def test_the_bound_is_below_every_plan_and_counts_the_load(tmp_path):
    # two centers in 友谊路, one far away; two local educators who can give 4 a month and
    # a far one with room: the far center's sessions are far trips unless its own lead
    # travels; the bound never exceeds the plan, and it is not 0
    folder = write_tables(tmp_path, dict(
        centers=[_center("C1", A), _center("C2", A), _center("C3", FAR)],
        guidance_staff=[_person("E1", A, cap=4), _person("E2", A, cap=4),
                        _person("E3", B, cap=6)],
        topics=EDU,
    ))  # fmt: skip
    data = load_session_data(folder)
    p = SessionProblem(data=data, year=2027)
    plan = plan_sessions(p, SolveParams(time_limit=10, workers=2))
    assert plan.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert violations(data, 2027, rows_of(plan)) == []
    assert 0 < plan.bound <= plan.objective
    # 6 sessions of C3: nobody lives in 罗店 or next to it, every one is a far trip
    assert plan.bound >= 6 * p.rules.weights.far


def test_the_relaxation_of_the_doctors_is_below_the_plan(tmp_path):
    # topics needing a doctor: every center has at least 2 such sessions (4 topics a
    # year, 2 education-only); the only doctor lives far away
    topics = [
        dict(topic_id="A", name="A", disciplines="education"),
        dict(topic_id="B", name="B", disciplines="education"),
        dict(topic_id="C", name="C", disciplines="education;medical"),
        dict(topic_id="D", name="D", disciplines="education;medical"),
    ]
    p = _problem(
        tmp_path, [_center("C1", A)], [_person("E1", A), _person("M1", FAR, disc="medical")], topics
    )
    centers, n_left, ev_need, places = flow._relaxation_inputs(p)
    bound, _ = flow.extra_lp(p, centers, n_left, ev_need, places)
    assert bound == 2 * p.rules.weights.far
    plan = plan_sessions(p, SolveParams(time_limit=10, workers=2))
    assert plan.bound >= bound
    assert plan.objective >= plan.bound


def test_the_relaxation_leaves_highs_usable_for_the_next_planner(tmp_path):
    # `tuoyu all` plans the sessions, then the siting plan with HiGHS in the same process
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    script = (
        "from tuoyu.planning.dataset import Dataset\n"
        "from tuoyu.models.sessions import load_session_data\n"
        "from tuoyu.optimizer.sessions import SessionProblem, flow\n"
        "from tuoyu.optimizer.siting.highs import _new_highs\n"
        "p = SessionProblem(data=load_session_data(Dataset.bundled().folder), year=2027)\n"
        "assert flow.team_lower_bound(p) > 0\n"
        "import highspy\n"
        "h = _new_highs(); h.setOptionValue('output_flag', False)\n"
        "h.setOptionValue('threads', 2)  # as the siting plan does\n"
        "h.addVar(0, 1); h.changeColCost(0, -1.0); h.run()\n"
        "assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal\n"
    )
    res = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-2000:]


def test_the_teams_of_some_disciplines_are_those_of_the_whole_call(tmp_path):
    # each discipline's flow is its own: asking for the doctors only gives the doctors of
    # the whole call, and nobody of another discipline
    topics = [dict(topic_id="A", name="A", disciplines="education"),
              dict(topic_id="M", name="M", disciplines="education;medical")]
    p = _problem(
        tmp_path,
        [_center("C1", A), _center("C2", FAR)],
        [_person("E1", A), _person("E2", FAR), _person("M1", A, disc="medical"),
         _person("M2", FAR, disc="medical", days="Mon")],
        topics,
    )  # fmt: skip
    mon, tue = dt.date(2027, 3, 1), dt.date(2027, 3, 2)
    sessions = [Session(date=d, half=0, center_id=c, topic_id=t)
                for d, c, t in ((mon, "C1", "M"), (mon, "C2", "M"), (tue, "C2", "A"))]
    whole = flow.best_teams(p, sessions)
    doctors = flow.best_teams(p, sessions, ("medical",))
    assert whole is not None and doctors is not None
    medical = {"M1", "M2"}
    assert doctors == {k: [x for x in v if x in medical] for k, v in whole.items()
                       if any(x in medical for x in v)}
    assert doctors == {0: ["M1"], 1: ["M2"]}


def test_the_partners_and_the_bound_solve_their_relaxation_once_on_a_fresh_plan(
        tmp_path, monkeypatch):
    # the partners (before the calendar) and the team bound (after it) ask for the same
    # medical and psychology LP on a fresh plan: solved once (10 s of HiGHS each on a
    # 937-center district, the second after a wall-clock ceiling had ended the search);
    # on a re-plan whose kept sessions change it, each variant once, and the bound's is
    # the one that counts what was kept
    topics = [dict(topic_id=t, name=t, disciplines=d) for t, d in (
        ("A", "education"), ("B", "education"), ("C", "education;medical"),
        ("D", "education;medical"))]
    p = _problem(tmp_path, [_center("C1", A), _center("C2", FAR)],
                 [_person("E1", A), _person("M1", FAR, disc="medical")], topics)
    solved = []
    lp = flow.extra_lp

    def counted(p, centers, n_left, ev_need, places, safe=True):
        solved.append(safe)
        return lp(p, centers, n_left, ev_need, places, safe=safe)

    monkeypatch.setattr(flow, "extra_lp", counted)
    assert p.partner  # the partners' LP
    first = flow.team_lower_bound(p)  # the bound's: the same LP
    assert len(solved) == 1
    assert flow.team_lower_bound(p) == first and len(solved) == 1
    monkeypatch.setattr(flow, "extra_lp", lp)
    fresh = SessionProblem(data=p.data, year=2027)
    assert flow.team_lower_bound(fresh) == first  # the same bound, solved anew
    kept = (Session(date=dt.date(2027, 1, 11), half=0, center_id="C1", topic_id="C",
                    staff_ids=("E1", "M1")),)
    replan = SessionProblem(data=p.data, year=2027, previous=kept,
                            from_date=dt.date(2027, 3, 1))
    monkeypatch.setattr(flow, "extra_lp", counted)
    solved.clear()
    assert replan.partner is not None
    flow.team_lower_bound(replan)
    assert sorted(solved) == [False, True]
