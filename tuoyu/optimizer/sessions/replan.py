"""A re-plan that moves nothing for nothing (issue 18).

Before any model, the previous plan's sessions from the re-plan date on are checked
against the current tables. When its calendar (days, half-days, topics, events) still
keeps every calendar rule, the calendar is kept as it is and only the *places* of the
teams that no longer hold are filled again: a person gone from the staff table, of
another discipline now, not working that weekday any more, on leave that day, or over
the monthly limit (the earlier sessions of the month keep theirs). Every other person
stays. The open places are filled by a min-cost flow (each person one place per
half-day, within the monthly room left; a trip's cost, the home lead), so a re-plan with
nothing changed returns the previous plan itself, and one with a change moves only the
people the change forces, each listed with its cause (``sessions.change.forced.*``).

When the calendar itself breaks (a closure, a holiday, an event's months, a center's
sessions, a topic) or the open places cannot all be filled, the full re-plan runs
(``solve.plan_sessions``): moving a session costs ``moved`` there, and each move is listed.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ortools.graph.python import min_cost_flow

from tuoyu.models.findings import Finding, info
from tuoyu.models.sessions import Session
from tuoyu.optimizer.sessions.flow import trip_cost
from tuoyu.optimizer.sessions.problem import SessionProblem

#: why a person's place in a kept session had to be filled again
CAUSES = ("gone", "discipline", "day", "leave", "busy", "limit")


def calendar_holds(p: SessionProblem) -> bool:
    """Whether the previous plan's calendar (from the re-plan date on, with the kept
    past) still keeps every calendar rule under the current tables: each session on an
    open day of its center (no holiday, no closure), the gaps, the quarters, the topics
    and their number, each event its count, months, weekend and distinct days, and the
    topics' and events' disciplines as the sessions were staffed."""
    if not _days_and_topics_hold(p):
        return False
    per_center: dict[str, list[Session]] = defaultdict(list)
    per_event: dict[str, list[Session]] = defaultdict(list)
    for s in [*p.fixed, *p.was_planned]:
        if s.center_id:
            per_center[s.center_id].append(s)
        elif s.event_id:
            per_event[s.event_id].append(s)
    return _centers_hold(p, per_center) and _events_hold(p, per_event)


def _days_and_topics_hold(p: SessionProblem) -> bool:
    """Each planned session on an open day of its center (an event's on one of its
    days), its center, topic and event still in the tables, its topic's disciplines as
    the team was staffed."""
    centers = {c.center_id: c for c in p.data.centers}
    events = {e.event_id: e for e in p.data.events}
    topics = {t.topic_id: t for t in p.data.topics}
    staff = {s.staff_id: s for s in p.data.staff}
    open_days = {}
    for s in p.was_planned:
        d = p.day(s.date)
        if s.center_id:
            c = centers.get(s.center_id)
            if c is None or s.topic_id not in topics:
                return False
            if c.center_id not in open_days:
                open_days[c.center_id] = frozenset(p.open_days(c))
            if d not in open_days[c.center_id]:
                return False
            # the topic's disciplines as the team was staffed
            had = {staff[x].discipline for x in s.staff_ids if x in staff}
            need = {"education", *topics[s.topic_id].disciplines}
            if not need <= had | _gone_disciplines(p, s):
                return False
        else:
            e = events.get(s.event_id)
            if e is None or d not in set(p.event_days(e)):
                return False
    return True


def _centers_hold(p: SessionProblem, per_center: dict[str, list[Session]]) -> bool:
    """Each center its number of sessions, the gaps, no topic twice in a row, the
    quarters and the number of distinct topics (kept past and plan together)."""
    rules = p.rules
    for c in p.data.centers:
        ss = sorted(per_center[c.center_id], key=lambda s: (s.date, s.half))
        if len(ss) < c.sessions_per_year:
            return False
        for a, b in zip(ss, ss[1:], strict=False):
            if (b.date - a.date).days < rules.min_gap_days or a.topic_id == b.topic_id:
                return False
        quarters = {(s.date.month - 1) // 3 for s in ss}
        if rules.every_quarter and c.sessions_per_year >= 4 and quarters != {0, 1, 2, 3}:
            return False
        need = min(rules.min_topics, c.sessions_per_year, len(p.data.topics))
        if len({s.topic_id for s in ss}) < need:
            return False
    return True


def _events_hold(p: SessionProblem, per_event: dict[str, list[Session]]) -> bool:
    """Each event its count on distinct days, its future occurrences staffed in full."""
    for e in p.data.events:
        ss = per_event[e.event_id]
        if len(ss) != e.count or len({s.date for s in ss}) != len(ss):
            return False
        if any(len(s.staff_ids) != e.staff_needed for s in ss if s.date >= p.start):
            return False
    return True


def _gone_disciplines(p: SessionProblem, s: Session) -> set[str]:
    """Disciplines of the session's team members no longer in the staff table (their
    place is filled again in the same discipline: unknown here, so any)."""
    known = {x.staff_id for x in p.data.staff}
    return {"education", "medical", "psychology"} if set(s.staff_ids) - known else set()


def _place_discipline(p: SessionProblem, s: Session, sid: str, staff: dict) -> str | None:
    """The discipline of the place a person held: theirs, or for a person gone from the
    table the discipline the team misses."""
    if sid in staff:
        return staff[sid].discipline
    need = Counter(p.team_of(s))
    for x in s.staff_ids:
        if x in staff:
            need[staff[x].discipline] -= 1
    short = [d for d, n in need.items() if n > 0]
    return short[0] if short else None


def repair(p: SessionProblem) -> tuple[list[Session], list[Finding]] | None:
    """The previous plan from the re-plan date on, its calendar kept, each place that no
    longer holds filled again (cause listed); None when the calendar does not hold or the
    places cannot all be filled (the full re-plan then runs)."""
    if not p.was_planned or not calendar_holds(p):
        return None
    staff = {s.staff_id: s for s in p.data.staff}
    centers = {c.center_id: c for c in p.data.centers}
    future = sorted(p.was_planned, key=lambda s: (s.date, s.half, s.center_id, s.event_id))
    busy: set[tuple[str, int]] = set()
    month_used: Counter = Counter(p.fixed_load)
    kept: list[list[str]] = []
    open_places: list[tuple[int, str, str, str]] = []  # (session, discipline, old, cause)
    for k, s in enumerate(future):
        slot = 2 * p.day(s.date) + s.half
        team = []
        for sid in s.staff_ids:
            cause = _cause(p, staff, s, sid, slot, busy, month_used)
            if cause is None:
                team.append(sid)
                busy.add((sid, slot))
                month_used[sid, s.date.month] += 1
                continue
            disc = _place_discipline(p, s, sid, staff)
            if disc is None:
                return None
            open_places.append((k, disc, sid, cause))
        kept.append(team)
    if not open_places:
        return future, []
    chosen = _fill(p, future, kept, open_places, busy, month_used, centers)
    if chosen is None:
        return None
    return _refilled(p, future, kept, open_places, chosen)


def _refilled(p: SessionProblem, future: list[Session], kept: list[list[str]],
              open_places: list[tuple[int, str, str, str]], chosen: list[str]
              ) -> tuple[list[Session], list[Finding]]:
    """The sessions with their open places filled by ``chosen`` (teams in staff-table
    order; a session whose team is unchanged is returned as it was), and one finding per
    place naming its cause."""
    from tuoyu.optimizer.sessions.explain import _names

    names = _names(p)
    order = {st.staff_id: i for i, st in enumerate(p.data.staff)}
    findings = []
    teams = [list(t) for t in kept]
    for (k, _disc, old, cause), new in zip(open_places, chosen, strict=True):
        teams[k].append(new)
        s = future[k]
        key = s.center_id or s.event_id
        findings.append(info(f"sessions.change.forced.{cause}", key=names.get(key, key),
                             date=s.date.isoformat(), half=s.half, old=names.get(old, old),
                             new=names.get(new, new), person=old))
    out = []
    for k, s in enumerate(future):
        if sorted(teams[k]) == sorted(s.staff_ids):
            out.append(s)
            continue
        ids = tuple(sorted(teams[k], key=lambda x: order.get(x, len(order))))
        out.append(s.model_copy(update={"staff_ids": ids}))
    return out, findings


def _cause(p, staff, s: Session, sid: str, slot: int, busy, month_used) -> str | None:
    """Why ``sid`` can no longer hold their place in ``s`` (None: they can)."""
    st = staff.get(sid)
    if st is None:
        return "gone"
    need = p.team_of(s)
    if st.discipline not in need:
        return "discipline"
    if s.date.weekday() not in st.days:
        return "day"
    if any(a <= s.date <= b for a, b in p.leave.get(sid, ())):
        return "leave"
    if (sid, slot) in busy:
        return "busy"
    if month_used[sid, s.date.month] >= st.max_per_month:
        return "limit"
    return None


def _fill(p, future, kept, open_places, busy, month_used, centers) -> list[str] | None:
    """The open places filled by a min-cost flow: place -> (person, half-day) -> (person,
    month) -> sink; a person once per half-day and per session, within the monthly room
    left; cost the trip, and ``extra_lead`` for an education place not given to the
    center's home lead. None when they cannot all be filled."""
    w = p.rules.weights
    f = min_cost_flow.SimpleMinCostFlow()
    ids: dict[object, int] = {}

    def node(key: object) -> int:
        return ids.setdefault(key, len(ids))

    src, sink = node("src"), node("sink")
    arcs: list[tuple[int, int, str]] = []
    rooms: set[tuple[str, int]] = set()
    linked: set[tuple[str, int]] = set()
    for i, (k, disc, _old, _cause) in enumerate(open_places):
        s = future[k]
        slot = 2 * p.day(s.date) + s.half
        f.add_arc_with_capacity_and_unit_cost(src, node(("place", i)), 1, 0)
        street = centers[s.center_id].street_id if s.center_id else ""
        for st in p.pools[disc]:
            sid = st.staff_id
            if sid in kept[k] or (sid, slot) in busy or not p.available(st, p.day(s.date)):
                continue
            if month_used[sid, s.date.month] >= st.max_per_month:
                continue
            cost = trip_cost(p, st.street_id, street) if s.center_id else 0
            if disc == "education" and s.center_id and p.home_lead.get(s.center_id) != sid:
                cost += w.extra_lead
            a = f.add_arc_with_capacity_and_unit_cost(
                node(("place", i)), node(("slot", sid, slot)), 1, cost
            )
            arcs.append((a, i, sid))
            rooms.add((sid, s.date.month))
            if (sid, slot) not in linked:
                linked.add((sid, slot))
                f.add_arc_with_capacity_and_unit_cost(
                    node(("slot", sid, slot)), node(("month", sid, s.date.month)), 1, 0
                )
    for sid, mo in sorted(rooms):
        room = staff_room(p, sid, mo, month_used)
        f.add_arc_with_capacity_and_unit_cost(node(("month", sid, mo)), sink, room, 0)
    n = len(open_places)
    f.set_node_supply(src, n)
    f.set_node_supply(sink, -n)
    if f.solve() != f.OPTIMAL:
        return None
    chosen = {i: sid for a, i, sid in arcs if f.flow(a)}
    return [chosen[i] for i in range(n)]


def staff_room(p: SessionProblem, sid: str, month: int, month_used: Counter) -> int:
    st = next(s for s in p.data.staff if s.staff_id == sid)
    return max(0, st.max_per_month - month_used[sid, month])
