"""One small hand-made week per hard rule: the rule binds, the plan obeys it (checked on
the output rows by the independent checker), and a shortage is a clash naming the short
discipline, the week and the amount."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from visits_check import Rules, due_unvisited, tiny_dataset, travel, violations

from tuoyu.optimizer.solve import Status
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import VisitParams
from tuoyu.planning.visits import run

WEEK = dt.date(2027, 3, 1)  # a Monday


def fam(fid: str, half_days: str, needs: str = "education", registered: str = "2027-02-05",
        **kw: object) -> dict[str, object]:
    """A family whose window ends on Friday 2027-03-05 (registered 02-05 + 28 days)."""
    return {"family_id": fid, "birth_date": "2027-01-20", "registered_on": registered,
            "needs": needs, "half_days": half_days, **kw}


def person(sid: str, discipline: str = "education", **kw: object) -> dict[str, object]:
    return {"staff_id": sid, "discipline": discipline, **kw}


def plan(tmp: Path, staff, families, **kw):  # type: ignore[no-untyped-def]
    sessions = kw.pop("sessions", None)
    leave = kw.pop("leave", ())
    previous = kw.pop("previous", ())
    folder = tiny_dataset(tmp / "ds", staff=staff, families=families, leave=leave,
                          sessions=sessions)
    params = VisitParams(week=WEEK, iterations=300, **kw)
    p = run(Dataset.at(folder), params, previous=previous)
    rules = Rules(pairs=params.pairs, window_days=params.window_days)
    bad = violations(folder, p.rows, WEEK, rules=rules, from_date=params.from_date,
                     previous=previous)
    assert bad == [], bad
    return p, folder


def by_family(p):  # type: ignore[no-untyped-def]
    return {r["family_id"]: r for r in p.rows}


def test_visit_within_the_window(tmp_path: Path) -> None:
    # window ends Monday: of Mon AM and Fri AM only Monday is within it
    p, _ = plan(tmp_path, [person("ED1")],
                [fam("F1", "Mon AM;Fri AM", registered="2027-02-01")])
    assert by_family(p)["F1"]["date"] == "2027-03-01"
    assert p.status in (Status.FEASIBLE, Status.OPTIMAL)


def test_not_before_the_window_opens(tmp_path: Path) -> None:
    # born 02-27: not before the child is 7 days old (03-06, Saturday)
    p, _ = plan(tmp_path, [person("ED1", visit_days="Mon;Tue;Wed;Thu;Fri;Sat")],
                [fam("F1", "Mon AM;Sat AM", registered="2027-02-28", birth_date="2027-02-27")])
    assert by_family(p)["F1"]["date"] == "2027-03-06"


def test_only_on_the_family_half_days(tmp_path: Path) -> None:
    p, _ = plan(tmp_path, [person("ED1")], [fam("F1", "Wed PM")])
    r = by_family(p)["F1"]
    assert (r["date"], r["half"]) == ("2027-03-03", "PM")
    assert r["start"] >= "13:30" and r["end"] <= "17:00"


def test_staff_with_the_needed_disciplines(tmp_path: Path) -> None:
    staff = [person("ED1"), person("MD1", "medical"), person("PS1", "psychology")]
    p, _ = plan(tmp_path, staff, [fam("F1", "Tue AM", "medical"),
                                  fam("F2", "Tue PM", "education;psychology")])
    rows = by_family(p)
    assert rows["F1"]["staff_ids"] in ("MD1", "MD1;PS1", "ED1;MD1")
    assert set(rows["F2"]["staff_ids"].split(";")) == {"ED1", "PS1"}


def test_one_person_when_pairs_are_off(tmp_path: Path) -> None:
    staff = [person("ED1"), person("PS1", "psychology")]
    p, _ = plan(tmp_path, staff, [fam("F1", "Tue AM", "psychology;education")], pairs=False)
    assert by_family(p)["F1"]["staff_ids"] == "PS1"


def test_daily_visit_limit(tmp_path: Path) -> None:
    staff = [person("ED1", max_visits_per_day=2, visit_days="Mon;Tue")]
    fams = [fam(f"F{i}", "Mon AM;Mon PM;Tue AM;Tue PM") for i in range(3)]
    p, _ = plan(tmp_path, staff, fams)
    days = [r["date"] for r in p.rows]
    assert len(days) == 3 and max(days.count(d) for d in set(days)) == 2


def test_no_visit_on_leave(tmp_path: Path) -> None:
    p, _ = plan(tmp_path, [person("ED1")], [fam("F1", "Mon AM;Thu AM")],
                leave=[{"staff_id": "ED1", "start": "2027-02-20", "end": "2027-03-03"}])
    assert by_family(p)["F1"]["date"] == "2027-03-04"


def test_only_on_visit_days(tmp_path: Path) -> None:
    p, _ = plan(tmp_path, [person("ED1", visit_days="Thu")], [fam("F1", "Mon AM;Thu AM")])
    assert by_family(p)["F1"]["date"] == "2027-03-04"


def test_no_clash_with_guidance_sessions(tmp_path: Path) -> None:
    session = {"date": "2027-03-01", "start": "09:00", "end": "11:00", "center_id": "BC1",
               "staff_ids": "ED1"}
    p, _ = plan(tmp_path, [person("ED1", visit_days="Mon")], [fam("F1", "Mon AM;Mon PM")],
                sessions=[session])
    assert by_family(p)["F1"]["half"] == "PM"


def test_not_in_two_places(tmp_path: Path) -> None:
    # two families 10 km apart, both only on Monday morning: one person reaches both,
    # the checker recomputes the travel between them
    fams = [fam("F1", "Mon AM", lon="121.40", lat="31.40"),
            fam("F2", "Mon AM", lon="121.50", lat="31.40")]
    p, _ = plan(tmp_path, [person("ED1", base_lon="121.45", base_lat="31.40")], fams)
    assert len(p.rows) == 2
    a, b = sorted(p.rows, key=lambda r: r["start"])
    assert b["start"] >= a["end"]


def test_already_made_visits_kept(tmp_path: Path) -> None:
    previous = [{"date": "2027-03-01", "half": "AM", "start": "09:00", "end": "10:00",
                 "staff_ids": "ED1", "order": 1, "family_id": "F1", "street_id": "310113003",
                 "community_id": "C1", "needs": "education", "kept": False}]
    p, _ = plan(tmp_path, [person("ED1")],
                [fam("F1", "Mon AM;Wed AM"), fam("F2", "Mon AM;Wed AM")],
                previous=previous, from_date="2027-03-02")
    rows = by_family(p)
    assert rows["F1"]["date"] == "2027-03-01" and rows["F1"]["kept"] is True
    assert rows["F2"]["date"] == "2027-03-03"


def test_short_discipline_named_with_week_and_amount(tmp_path: Path) -> None:
    # five families due by Monday need psychology; its one person makes 2 visits a day
    staff = [person("ED1"), person("PS1", "psychology", max_visits_per_day=2)]
    fams = [fam(f"F{i}", "Mon AM;Mon PM", "psychology", registered="2027-02-01")
            for i in range(5)]
    p, folder = plan(tmp_path, staff, fams)
    assert p.status is Status.FEASIBLE  # a plan: two visited, the shortage its clash
    assert not next(t for t in p.targets if t.code == "visits.target.due_visited").met
    short = [f for f in p.findings if f.code == "visits.discipline_short"]
    assert len(short) == 1
    s = short[0].params
    assert (s["discipline"], s["week"], s["demand"], s["capacity"], s["short"]) == (
        "psychology", "2027-03-01", 5, 2, 3)
    assert len(p.rows) == 2  # the best partial plan is kept
    assert len(due_unvisited(folder, p.rows, WEEK)) == 3


def test_family_with_no_free_half_day_is_named(tmp_path: Path) -> None:
    p, _ = plan(tmp_path, [person("ED1", visit_days="Tue")], [fam("F1", "Mon AM")])
    assert p.status is Status.INFEASIBLE
    assert [f.params["family_id"] for f in p.findings if f.code == "visits.family_no_slot"] \
        == ["F1"]


def test_same_inputs_same_plan(tmp_path: Path) -> None:
    staff = [person("ED1"), person("MD1", "medical"), person("ED2", base_lon="121.46")]
    fams = [fam(f"F{i}", "Mon AM;Tue PM;Thu AM", "education" if i % 2 else "medical",
                lon=f"{121.44 + i * 0.01:.2f}", lat="31.41") for i in range(6)]
    a, _ = plan(tmp_path / "a", staff, fams)
    b, _ = plan(tmp_path / "b", staff, fams)
    assert a.rows == b.rows and a.objective == b.objective and a.bound == b.bound
    assert a.bound is not None and a.bound <= a.objective


KM_LAT = 1 / 111.195  # degrees of latitude per km


def test_a_pairs_second_member_comes_from_their_own_base_within_the_hours(
        tmp_path: Path) -> None:
    """ED1 at the family's door, MD1 10 km north: 39 minutes each way (13 km of road at
    20 km/h). The family needs both, on Monday morning (08:30-11:30): MD1 cannot be there
    before 09:09, and the team's travel counts MD1's trip both ways. The checker follows
    each member from their own base."""
    far = f"{31.40 + 10 * KM_LAT:.6f}"
    staff = [person("ED1", visit_days="Mon", base_lon="121.48", base_lat="31.40"),
             person("MD1", "medical", visit_days="Mon", base_lon="121.48", base_lat=far)]
    p, folder = plan(tmp_path, staff, [fam("F1", "Mon AM", needs="education;medical",
                                           lon="121.48", lat="31.40")])
    commute = travel((121.48, float(far)), (121.48, 31.40), Rules())
    assert commute == 39
    row = by_family(p)["F1"]
    assert row["staff_ids"] == "ED1;MD1"
    assert row["start"] >= f"{(510 + commute) // 60:02d}:{(510 + commute) % 60:02d}"
    goal = {g.code: g.value for g in p.soft_goals}
    assert goal["visits.goal.travel_minutes"] == 2 * commute  # ED1 stays at the door
