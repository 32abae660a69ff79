"""An independent checker of a month's roster: every hard rule, from the output rows and
the input data only (never from the model's variables).

``check_roster(rows, data, year, month, rules)`` returns the list of violations; an empty
list means the roster keeps every hard rule.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from tuoyu.models.inspection import InspectionData
from tuoyu.optimizer.roster import RosterRules

REASONS = {"follow_up", "high_risk", "drawn", "coverage"}


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    nxt = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def _workdays(data: InspectionData, start: dt.date, end: dt.date) -> list[dt.date]:
    out = []
    day = start
    while day <= end:
        if data.calendar.is_workday(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def _field(row, name: str):
    return row[name] if isinstance(row, dict) else getattr(row, name)


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _as_team(value) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(p for p in value.split(";") if p)
    return tuple(value)


def check_roster(
    rows, data: InspectionData, year: int, month: int, rules: RosterRules | None = None
) -> list[str]:
    """Every violation of a hard rule by ``rows`` (RosterRow objects or dicts)."""
    rules = rules or RosterRules()
    start, end = _month_bounds(year, month)
    workdays = _workdays(data, start, end)
    out: list[str] = []

    insts = {i.institution_id: i for i in data.institutions}
    insps = {p.inspector_id: p for p in data.inspectors}
    leave = defaultdict(list)
    for lv in data.leave:
        leave[lv.person_id].append((lv.start, lv.end))
    conflicted: set[tuple[str, str]] = set()  # (inspector, institution)
    for c in data.conflicts:
        if c.institution_id:
            conflicted.add((c.inspector_id, c.institution_id))
        if c.operator:
            for i in data.institutions:
                if i.operator and i.operator == c.operator:
                    conflicted.add((c.inspector_id, i.institution_id))

    visits: dict[str, dt.date] = {}
    per_day: Counter = Counter()
    per_month: Counter = Counter()
    for n, row in enumerate(rows):
        date = _as_date(_field(row, "date"))
        iid = str(_field(row, "institution_id"))
        team = _as_team(_field(row, "inspector_ids"))
        reason = str(_field(row, "reason"))
        where = f"row {n} ({date.isoformat()}, {iid})"
        if iid in visits:
            out.append(f"{where}: {iid} is visited more than once this month")
        visits.setdefault(iid, date)
        inst = insts.get(iid)
        if inst is None:
            out.append(f"{where}: unknown institution")
        else:
            if not inst.active:
                out.append(f"{where}: institution is not active")
            if inst.opened_on is not None and inst.opened_on > end:
                out.append(f"{where}: institution opens after the month ({inst.opened_on})")
            if str(_field(row, "street_id")) != inst.street_id:
                out.append(f"{where}: street {_field(row, 'street_id')} != {inst.street_id}")
        if reason not in REASONS:
            out.append(f"{where}: unknown reason {reason!r}")
        if not start <= date <= end:
            out.append(f"{where}: date outside {year}-{month:02d}")
        if not data.calendar.is_workday(date):
            out.append(f"{where}: {date} is not a working day")
        if len(set(team)) != len(team):
            out.append(f"{where}: an inspector appears twice in the team {team}")
        if not rules.min_team <= len(set(team)) <= rules.max_team:
            out.append(
                f"{where}: team of {len(set(team))}, allowed {rules.min_team}..{rules.max_team}"
            )
        known = [insps[p] for p in set(team) if p in insps]
        for p in set(team):
            if p not in insps:
                out.append(f"{where}: unknown inspector {p}")
        for skill in rules.required_skills:
            if not any(skill in p.skills for p in known):
                out.append(f"{where}: no '{skill}' inspector in team {team}")
        depts = {p.department for p in known}
        if len(depts) < rules.min_departments:
            out.append(f"{where}: team from {len(depts)} department(s) {sorted(depts)}")
        for p in set(team):
            if any(a <= date <= b for a, b in leave[p]):
                out.append(f"{where}: {p} is on leave")
            if (p, iid) in conflicted:
                out.append(f"{where}: {p} has a conflict of interest with {iid}")
            per_day[p, date] += 1
            per_month[p] += 1
    for (p, date), n in sorted(per_day.items()):
        if p in insps and n > insps[p].max_per_day:
            out.append(f"{p} has {n} visits on {date}, daily limit {insps[p].max_per_day}")
    for p, n in sorted(per_month.items()):
        if p in insps and n > insps[p].max_per_month:
            out.append(f"{p} has {n} visits in the month, limit {insps[p].max_per_month}")

    # mandatory visits, from the history before the month
    active = [
        i for i in data.institutions if i.active and (i.opened_on is None or i.opened_on <= end)
    ]
    last: dict[str, object] = {}
    for h in sorted((h for h in data.history if h.date < start), key=lambda h: h.date):
        last[h.institution_id] = h
    for inst in active:
        h = last.get(inst.institution_id)
        iid = inst.institution_id
        if h is not None and h.outcome in rules.follow_up_outcomes:
            due = h.date + dt.timedelta(days=rules.follow_up_days)
            if due <= end:
                if iid not in visits:
                    out.append(f"follow-up of {iid} ({h.outcome} on {h.date}) is missing")
                elif due >= start and visits[iid] > due:
                    out.append(f"follow-up of {iid} on {visits[iid]} is after its due {due}")
                elif due < start:
                    early = workdays[: max(1, rules.overdue_within)]
                    if early and visits[iid] > early[-1]:
                        out.append(
                            f"overdue follow-up of {iid} on {visits[iid]}, not within the "
                            f"first {rules.overdue_within} working days"
                        )
        interval = rules.high_risk_interval_days
        if (
            interval is not None
            and inst.risk == "high"
            and (h is None or (end - h.date).days >= interval)
            and iid not in visits
        ):
            out.append(f"high-risk {iid} not seen since {h.date if h else 'ever'} is missing")
    if month == 12:
        seen = {h.institution_id for h in data.history if dt.date(year, 1, 1) <= h.date < start}
        for inst in active:
            if inst.institution_id not in seen and inst.institution_id not in visits:
                out.append(f"{inst.institution_id} has no inspection in {year}")
    return out


def score_roster(
    rows, data: InspectionData, year: int, month: int, rules: RosterRules | None = None
) -> dict[str, int]:
    """Each soft goal's value on ``rows``, counted from the rows and the input data only
    (never from the model or the planner's own counting): returns to the last team,
    members beyond the minimum, inspector-days in streets neither the same nor
    neighbours, visits above the fair share, visits on the busiest day."""
    rules = rules or RosterRules()
    start, end = _month_bounds(year, month)
    workdays = _workdays(data, start, end)
    insps = {p.inspector_id: p for p in data.inspectors}
    neighbours = {s.street_id: set(s.neighbours) for s in data.streets}
    last: dict[str, tuple[str, ...]] = {}
    for h in sorted((h for h in data.history if h.date < start), key=lambda h: h.date):
        last[h.institution_id] = tuple(h.inspector_ids)
    on_leave = defaultdict(set)
    for lv in data.leave:
        for day in workdays:
            if lv.start <= day <= lv.end:
                on_leave[lv.person_id].add(day)
    at_work = [p for p in insps if len(on_leave[p]) < len(workdays)]
    teams = [(_as_date(_field(r, "date")), str(_field(r, "institution_id")),
              str(_field(r, "street_id")), _as_team(_field(r, "inspector_ids"))) for r in rows]  # fmt: skip
    returns = 0
    if rules.avoid_last_team:
        returns = sum(len(set(team) & set(last.get(iid, ()))) for _, iid, _, team in teams)
    extra = sum(len(team) - rules.min_team for *_, team in teams)
    day_streets: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    for date, _, street, team in teams:
        for p in team:
            if insps[p].max_per_day >= 2:
                day_streets[p, date].add(street)
    far = 0
    if len({s for _, _, s, _ in teams}) >= 2:
        for ss in day_streets.values():
            far += any(t != s and t not in neighbours.get(s, set()) for s in ss for t in ss)
    load = Counter(p for *_, team in teams for p in team)
    fair = -(-rules.min_team * len(teams) // len(at_work)) if at_work else 0
    above = sum(max(0, load[p] - fair) for p in at_work)
    busiest = max(Counter(date for date, *_ in teams).values(), default=0)
    return {
        "return_to_last_institution": returns,
        "extra_team_member": extra,
        "team_day_in_far_streets": far,
        "load_above_fair_share": above,
        "busiest_day": busiest,
    }
