"""The scorecard's figures on small hand-made cases: each target counted as a planner
would count it by hand, per street and for the district; unknown when nothing stored can
tell it (never a 0); and a later planner's line added without touching the others."""

from __future__ import annotations

import datetime as dt

from tuoyu.planning import scorecard as sc

D = dt.date
STREETS = (("S1", "一街"), ("S2", "二镇"))


def inputs(**kw) -> sc.Inputs:
    base = dict(year=2027, today=D(2027, 12, 31), streets=STREETS)
    return sc.Inputs(**{**base, **kw})


def line(card: sc.Scorecard, code: str, street: str = sc.DISTRICT) -> sc.Line:
    found = card.of(f"scorecard.{code}", street)
    assert found is not None, (code, street)
    return found


INST = [sc.Institution("A", "S1"), sc.Institution("B", "S1"), sc.Institution("C", "S2"),
        sc.Institution("Z", "S2", active=False)]


def test_institutions_on_site_count_active_ones_seen_that_year() -> None:
    visits = [sc.Visit("A", D(2027, 3, 1), "pass"), sc.Visit("C", D(2026, 12, 1), "pass"),
              sc.Visit("Z", D(2027, 5, 1), "pass"), sc.Visit("A", D(2027, 9, 1), "pass")]
    card = sc.scorecard(inputs(institutions=INST, visits=visits))
    whole = line(card, "on_site")
    assert (whole.value, whole.total, whole.met) == (1, 3, False)  # A only; Z is closed
    assert (line(card, "on_site", "S1").value, line(card, "on_site", "S1").total) == (1, 2)
    assert line(card, "on_site", "S2").value == 0  # C was seen in 2026, not 2027
    every = visits + [sc.Visit("B", D(2027, 4, 1), "pass"), sc.Visit("C", D(2027, 4, 2), "pass")]
    assert line(sc.scorecard(inputs(institutions=INST, visits=every)), "on_site").met is True


def test_on_site_is_unknown_before_any_outcome_of_the_year_is_recorded() -> None:
    card = sc.scorecard(inputs(institutions=INST, visits=[sc.Visit("A", D(2026, 3, 1), "pass")]))
    whole = line(card, "on_site")
    assert not whole.known and whole.value is None and whole.met is None
    assert whole.missing == "scorecard.missing.visits_year"


def test_follow_ups_on_time_within_30_days_and_only_when_due() -> None:
    visits = [
        sc.Visit("A", D(2027, 3, 1), "rectify"), sc.Visit("A", D(2027, 3, 31), "pass"),  # on time
        sc.Visit("B", D(2027, 5, 1), "fail"), sc.Visit("B", D(2027, 6, 15), "pass"),  # late
        sc.Visit("C", D(2027, 12, 20), "rectify"),  # due in 2028: not counted
    ]
    card = sc.scorecard(inputs(institutions=INST, visits=visits))
    whole = line(card, "follow_up")
    assert (whole.value, whole.total, whole.met) == (1, 2, False)
    not_yet = sc.scorecard(inputs(institutions=INST, visits=visits, today=D(2027, 5, 20)))
    assert (line(not_yet, "follow_up").value, line(not_yet, "follow_up").total) == (1, 1)
    assert line(card, "follow_up", "S2").met is None  # nothing due there: no target missed
    early = sc.scorecard(inputs(institutions=INST, visits=visits, today=D(2027, 3, 15)))
    assert not line(early, "follow_up").known  # nothing due yet: unknown, not "0 of 0"
    assert line(early, "follow_up").missing == "scorecard.missing.follow_ups_due"


CENTERS = [sc.Center("B1", "S1", "baby_center"), sc.Center("B2", "S2", "baby_center", 8),
           sc.Center("G1", "S1", "guidance_station", 0)]


def _six(center: str, n: int, year: int = 2027) -> list[sc.HeldSession]:
    return [sc.HeldSession(D(year, 1 + k, 10), center_id=center) for k in range(n)]


def test_sessions_per_baby_center_at_least_six_or_the_table_s_own_count() -> None:
    held = _six("B1", 6) + _six("B2", 7) + _six("G1", 1) + _six("B2", 3, 2026)
    card = sc.scorecard(inputs(centers=CENTERS, sessions=held, today=D(2027, 3, 31)))
    whole = line(card, "sessions")
    assert (whole.value, whole.total, whole.met) == (1, 2, False)  # B2 needs 8, has 7
    assert whole.params["fewest"] == 6 and whole.params["held"] == 3 + 3  # Jan–Mar at each
    assert line(card, "sessions", "S1").met is True and line(card, "sessions", "S2").met is False


def test_sessions_and_events_unknown_without_a_stored_calendar() -> None:
    card = sc.scorecard(inputs(centers=CENTERS, district_events=["E1"], sessions=None))
    assert not line(card, "sessions").known and not line(card, "events").known
    assert line(card, "sessions").missing == "scorecard.missing.sessions"
    assert all(not x.known for x in card.lines if x.code == "scorecard.sessions")


def test_district_events_planned_and_held_by_today() -> None:
    held = [sc.HeldSession(D(2027, 5, 15), event_id="E1"),
            sc.HeldSession(D(2027, 9, 18), event_id="E1"),
            sc.HeldSession(D(2027, 4, 1), event_id="L1")]  # a lecture is no district event
    card = sc.scorecard(inputs(centers=CENTERS, district_events=["E1"], sessions=held,
                               today=D(2027, 6, 30)))
    ev = line(card, "events")
    assert (ev.value, ev.met, ev.params["held"]) == (2, True, 1)
    assert [x.street_id for x in card.lines if x.code == "scorecard.events"] == [""]
    none = sc.scorecard(inputs(centers=CENTERS, district_events=["E1"], sessions=held[2:]))
    assert line(none, "events").value == 0 and line(none, "events").met is False


KG = [sc.Kindergarten("K1", "S1", True, True), sc.Kindergarten("K2", "S1", True, False),
      sc.Kindergarten("K3", "S2", False, False), sc.Kindergarten("K4", "S2", False, True)]


def test_integrated_share_counts_classes_the_plan_opens_by_year_end() -> None:
    now = sc.scorecard(inputs(kindergartens=KG))
    assert (line(now, "integrated").value, line(now, "integrated").total) == (2, 4)
    assert line(now, "integrated").met is True  # 50% is enough
    opened = [sc.Opening("K2", "S1", 2027, 1, "kindergarten"),
              sc.Opening("K3", "S2", 2028, 1, "kindergarten"),
              sc.Opening("X9", "S2", 2027, 2, "site")]
    card = sc.scorecard(inputs(kindergartens=KG, openings=opened))
    assert line(card, "integrated").value == 3  # K2 this year; K3 only next year
    assert line(card, "integrated", "S1").share == 1.0


def test_inclusive_streets_from_providers_public_classes_and_the_plan() -> None:
    providers = [sc.Provider("P1", "S2", inclusive=False)]
    kg = [sc.Kindergarten("K1", "S1", True, True), sc.Kindergarten("K2", "S2", False, True)]
    card = sc.scorecard(inputs(kindergartens=kg, providers=providers))
    assert (line(card, "inclusive").value, line(card, "inclusive").met) == (1, False)
    assert line(card, "inclusive", "S2").met is False  # a private class is not inclusive
    plan = [sc.Opening("X1", "S2", 2027, 1, "site")]
    assert line(sc.scorecard(inputs(kindergartens=kg, providers=providers, openings=plan)),
                "inclusive").met is True


def test_new_classes_in_the_year_against_five_to_eight() -> None:
    opened = [sc.Opening("A", "S1", 2027, 3, "site"), sc.Opening("B", "S2", 2027, 1, "site"),
              sc.Opening("C", "S2", 2028, 4, "site")]
    card = sc.scorecard(inputs(openings=opened))
    whole = line(card, "new_classes")
    assert (whole.value, whole.goal, whole.goal_max, whole.met) == (4, 5, 8, False)
    assert line(card, "new_classes", "S2").value == 1
    more = opened + [sc.Opening("D", "S1", 2027, 5, "site")]  # 9 > 8
    assert line(sc.scorecard(inputs(openings=more)), "new_classes").met is False
    assert not line(sc.scorecard(inputs()), "new_classes").known


def test_children_within_fifteen_minutes_weigh_by_children() -> None:
    reach = [sc.Reach("C1", "S1", 2027, 100, True), sc.Reach("C2", "S1", 2027, 50, False),
             sc.Reach("C3", "S2", 2027, 30, True), sc.Reach("C1", "S1", 2028, 100, False)]
    card = sc.scorecard(inputs(reach=reach))
    whole = line(card, "within_15_min")
    assert (whole.value, whole.total) == (130, 180) and whole.met is False
    assert line(card, "within_15_min", "S2").met is True
    other_year = sc.scorecard(inputs(reach=reach, year=2030))
    assert line(other_year, "within_15_min").missing == "scorecard.missing.reach_year"


def test_a_later_planner_adds_its_line() -> None:
    def visits_in_window(inp: sc.Inputs) -> list[sc.Line]:
        asked = inp.extra.get("visits")
        if asked is None:
            return [sc.Line("scorecard.home_visits", sc.DISTRICT, None,
                            missing="scorecard.missing.visits")]
        done = sum(1 for v in asked if v["in_window"])
        return [sc.Line("scorecard.home_visits", sc.DISTRICT, done, len(asked), 1.0,
                        met=done == len(asked))]

    before = len(sc.FIGURES)
    figures = [*sc.FIGURES, visits_in_window]
    card = sc.scorecard(inputs(extra={"visits": [{"in_window": True}, {"in_window": False}]}),
                        figures)
    assert line(card, "home_visits").share == 0.5
    assert card.codes[-1] == "scorecard.home_visits"
    assert len(sc.FIGURES) == before  # the registry itself is untouched


def test_home_visits_within_their_window_by_street() -> None:
    """The visit planner's line: families whose window ended in the year up to today,
    visited within it, of all; a window still open or a visit outside it does not count."""
    import datetime as _dt

    d = _dt.date
    windows = [
        sc.VisitWindow("S1", d(2027, 1, 2), d(2027, 1, 29), d(2027, 1, 10)),  # within
        sc.VisitWindow("S1", d(2027, 1, 2), d(2027, 1, 29), d(2027, 2, 5)),  # too late
        sc.VisitWindow("S2", d(2027, 2, 2), d(2027, 3, 1), None),  # never visited
        sc.VisitWindow("S2", d(2027, 11, 2), d(2027, 11, 29), None),  # after today
        sc.VisitWindow("S2", d(2026, 11, 2), d(2026, 11, 29), d(2026, 11, 5)),  # last year
    ]
    inp = sc.Inputs(year=2027, today=d(2027, 6, 30), streets=[("S1", "一"), ("S2", "二")],
                    extra={"visit_windows": windows})
    lines = {x.street_id: x for x in sc.visited_within_window(inp)}
    assert (lines[sc.DISTRICT].value, lines[sc.DISTRICT].total) == (1, 3)
    assert (lines["S1"].value, lines["S1"].total, lines["S1"].met) == (1, 2, False)
    assert (lines["S2"].value, lines["S2"].total) == (0, 1)
    unknown = sc.visited_within_window(sc.Inputs(year=2027, today=d(2027, 6, 30),
                                                 streets=[("S1", "一")]))
    assert all(not x.known for x in unknown)
