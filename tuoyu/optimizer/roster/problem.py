"""The month's roster problem: the rules, the draw (双随机) and the pool, immutable.

:func:`build_problem` is pure Python, no solver, reproducible from the seed: mandatory
visits (follow-ups of a ``rectify``/``fail`` outcome within 30 days, high-risk
institutions not seen for half a year), a random weighted draw from the directory of
institutions (high-risk and newly opened weigh more), and the share of not-yet-inspected
institutions this month must take so that the rest of the year stays feasible with the
capacity left (the months ahead planned coarsely: their inspector capacity after leave).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from tuoyu.models.calendar import month_bounds
from tuoyu.models.findings import Finding, info, warning
from tuoyu.models.inspection import (
    LAW_MIN_TEAM,
    InspectionData,
    Inspector,
    Institution,
    PastInspection,
    recusals,
)
from tuoyu.optimizer.draw import draw_key
from tuoyu.optimizer.roster.goals import RosterWeights

REASONS = ("follow_up", "high_risk", "drawn", "coverage")


@dataclass(frozen=True)
class RosterRules:
    """The rules of the roster; each is configurable where a district would differ."""

    min_team: int = LAW_MIN_TEAM  # Administrative Penalty Law art. 42: at least two officers
    max_team: int = 3
    required_skills: tuple[str, ...] = ("safety", "hygiene")
    min_departments: int = 2  # joint inspection
    follow_up_outcomes: tuple[str, ...] = ("rectify", "fail")
    follow_up_days: int = 30
    overdue_within: int = 5  # working days in which an overdue follow-up is put
    draw_share: float = 0.10  # share of active institutions drawn at random each month
    high_risk_weight: int = 3
    new_weight: int = 2
    new_within_days: int = 365
    high_risk_interval_days: int | None = 182  # high-risk: on site at least twice a year
    avoid_last_team: bool = True
    # 双随机: each inspection's team is chosen among this many inspectors drawn at random
    # from those allowed (widened when the shortlists leave no roster); None: all of them
    shortlist: int | None = 12
    weights: RosterWeights = field(default_factory=RosterWeights)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RosterRules:
        """Read back :meth:`as_dict` (as stored in a draw's audit record)."""
        d = dict(d)
        weights = RosterWeights(**d.pop("weights"))
        for key in ("required_skills", "follow_up_outcomes"):
            d[key] = tuple(d[key])
        return cls(**d, weights=weights)


@dataclass(frozen=True)
class Visit:
    """One inspection to staff this month, and why it is there (``note``: a finding of
    code ``roster.note.*`` that says so in a planner's words)."""

    institution_id: str
    street_id: str
    reason: str  # follow_up | high_risk | drawn | coverage
    deadline: dt.date | None = None
    last_team: tuple[str, ...] = ()
    note: Finding | None = None
    earliest: dt.date | None = None  # opening day, when the institution opens this month


@dataclass(frozen=True)
class DrawEntry:
    institution_id: str
    weight: int
    key: int
    drawn: bool


@dataclass(frozen=True)
class RosterProblem:
    """An immutable instance: the month, its visits, the pool and the rules."""

    year: int
    month: int
    seed: int
    days: tuple[dt.date, ...]
    visits: tuple[Visit, ...]
    inspectors: tuple[Inspector, ...]
    available: dict[str, tuple[dt.date, ...]]  # inspector -> working days not on leave
    recused: frozenset[tuple[str, str]]  # (institution_id, inspector_id)
    neighbours: dict[str, frozenset[str]]
    rules: RosterRules
    draw: tuple[DrawEntry, ...] = ()
    coverage: dict[str, object] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    institutions: dict[str, Institution] = field(default_factory=dict)

    @property
    def month_label(self) -> str:
        return f"{self.year}-{self.month:02d}"

    def reason_counts(self) -> dict[str, int]:
        """Visits by reason, every reason named (0 when none)."""
        counts = dict.fromkeys(REASONS, 0)
        for v in self.visits:
            counts[v.reason] = counts.get(v.reason, 0) + 1
        return counts


@dataclass(frozen=True)
class RosterRow:
    date: dt.date
    institution_id: str
    street_id: str
    inspector_ids: tuple[str, ...]
    reason: str
    note: Finding | None = None


# --------------------------------------------------------------------------- capacity


def inspector_capacity(insp: Inspector, days: Sequence[dt.date]) -> int:
    """Inspector-visits one inspector can give over ``days`` (already without leave)."""
    return min(insp.max_per_month, len(days) * insp.max_per_day)


def available_days(
    data: InspectionData, start: dt.date, end: dt.date
) -> tuple[tuple[dt.date, ...], dict[str, tuple[dt.date, ...]]]:
    """Working days of the period, and each inspector's working days not on leave."""
    days = tuple(data.calendar.workdays(start, end))
    leave = defaultdict(list)
    for lv in data.leave:
        leave[lv.person_id].append(lv)
    avail = {
        p.inspector_id: tuple(
            d for d in days if not any(lv.covers(d) for lv in leave[p.inspector_id])
        )
        for p in data.inspectors
    }
    return days, avail


def month_visit_capacity(data: InspectionData, year: int, month: int, rules: RosterRules) -> int:
    """Coarse capacity of a month in visits: the pool's inspector-visits after leave and
    limits, divided by the team size, and no more than the skilled inspectors can cover."""
    start, end = month_bounds(year, month)
    _, avail = available_days(data, start, end)
    caps = {p.inspector_id: inspector_capacity(p, avail[p.inspector_id]) for p in data.inspectors}
    total = sum(caps.values()) // rules.min_team
    per_skill = [
        sum(caps[p.inspector_id] for p in data.inspectors if s in p.skills)
        for s in rules.required_skills
    ]
    return min([total, *per_skill])


# --------------------------------------------------------------------------- the draw


@dataclass(frozen=True)
class _Month:
    """What every step of the draw needs to know about the month."""

    data: InspectionData
    year: int
    month: int
    seed: int
    rules: RosterRules
    start: dt.date
    end: dt.date
    active: tuple[Institution, ...]
    last: dict[str, PastInspection]  # the last inspection before the month
    covered: frozenset[str]  # on site this year before the month

    def weight(self, inst: Institution) -> int:
        """Draw weight: high-risk and newly opened institutions weigh more."""
        r, w = self.rules, 1
        if inst.risk == "high":
            w *= r.high_risk_weight
        if inst.opened_on is not None and (self.end - inst.opened_on).days <= r.new_within_days:
            w *= r.new_weight
        return w

    def visit(self, inst: Institution, reason: str, note: Finding, **kw: Any) -> Visit:
        h = self.last.get(inst.institution_id)
        team = h.inspector_ids if h else ()
        return Visit(inst.institution_id, inst.street_id, reason, last_team=team, note=note, **kw)

    def order(self, purpose: str, pool: Sequence[Institution]) -> list[Institution]:
        """``pool`` in draw order: largest seeded key first (Efraimidis–Spirakis)."""
        tag = f"{purpose}:{self.year}-{self.month:02d}"
        keys = {
            i.institution_id: draw_key(self.seed, tag, i.institution_id, self.weight(i))
            for i in pool
        }
        return sorted(pool, key=lambda i: (-keys[i.institution_id], i.institution_id))


def _month(data: InspectionData, year: int, month: int, seed: int, rules: RosterRules) -> _Month:
    start, end = month_bounds(year, month)
    active = tuple(
        i for i in data.institutions if i.active and (i.opened_on is None or i.opened_on <= end)
    )
    past = sorted(
        (h for h in data.history if h.date < start), key=lambda h: (h.date, h.institution_id)
    )
    last = {h.institution_id: h for h in past}
    covered = frozenset(h.institution_id for h in past if h.date >= dt.date(year, 1, 1))
    return _Month(data, year, month, seed, rules, start, end, active, last, covered)


def follow_ups(m: _Month, visits: dict[str, Visit]) -> list[Finding]:
    """A rectify/fail outcome is checked again within ``follow_up_days``; an overdue one
    is named."""
    findings = []
    for inst in m.active:
        h = m.last.get(inst.institution_id)
        if h is None or h.outcome not in m.rules.follow_up_outcomes:
            continue
        due = h.date + dt.timedelta(days=m.rules.follow_up_days)
        if due > m.end:
            continue
        if due < m.start:
            findings.append(
                warning(
                    "roster.follow_up_overdue",
                    institution_id=inst.institution_id,
                    name=inst.name,
                    due=due.isoformat(),
                )
            )
        note = info(
            "roster.note.follow_up", outcome=h.outcome, date=h.date.isoformat(), due=due.isoformat()
        )
        visits[inst.institution_id] = m.visit(inst, "follow_up", note, deadline=due)
    return findings


def high_risk(m: _Month, visits: dict[str, Visit]) -> None:
    """High-risk institutions not seen on site for half a year."""
    if m.rules.high_risk_interval_days is None:
        return
    for inst in m.active:
        if inst.risk != "high" or inst.institution_id in visits:
            continue
        h = m.last.get(inst.institution_id)
        if h is None:
            visits[inst.institution_id] = m.visit(inst, "high_risk", info("roster.note.never"))
        elif (m.end - h.date).days >= m.rules.high_risk_interval_days:
            note = info("roster.note.high_risk", date=h.date.isoformat())
            visits[inst.institution_id] = m.visit(inst, "high_risk", note)


def random_draw(m: _Month, visits: dict[str, Visit]) -> tuple[DrawEntry, ...]:
    """The random draw from the directory (双随机), beyond the mandatory visits."""
    pool = [i for i in m.active if i.institution_id not in visits]
    n_draw = min(len(pool), round(m.rules.draw_share * len(m.active)))
    order = m.order("draw", pool)
    tag = f"draw:{m.year}-{m.month:02d}"
    record = tuple(
        DrawEntry(
            i.institution_id,
            m.weight(i),
            draw_key(m.seed, tag, i.institution_id, m.weight(i)),
            k < n_draw,
        )
        for k, i in enumerate(order)
    )
    for inst in order[:n_draw]:
        note = info("roster.note.drawn", weight=m.weight(inst))
        visits[inst.institution_id] = m.visit(inst, "drawn", note)
    return record


def future_capacity(m: _Month) -> tuple[int, list[dict[str, int]]]:
    """Visits the months ahead can give to the year's coverage (beyond their draws)."""
    expected_draw = round(m.rules.draw_share * len(m.active))
    detail = []
    for month in range(m.month + 1, 13):
        cap = month_visit_capacity(m.data, m.year, month, m.rules)
        usable = max(0, cap - expected_draw)
        detail.append(
            {"month": month, "capacity": cap, "drawn": expected_draw, "for_coverage": usable}
        )
    return sum(d["for_coverage"] for d in detail), detail


def coverage_visits(m: _Month, visits: dict[str, Visit]) -> tuple[dict[str, object], list[Finding]]:
    """Every active institution on site at least once in the calendar year: the share of
    the not-yet-inspected this month must take (all of them in December)."""
    uncovered = [i for i in m.active if i.institution_id not in m.covered]
    left = [i for i in uncovered if i.institution_id not in visits]
    months_left = 12 - m.month + 1
    future_openings = sum(
        1
        for i in m.data.institutions
        if i.active and i.opened_on is not None and m.end < i.opened_on <= dt.date(m.year, 12, 31)
    )
    future_cap, future_detail = future_capacity(m)
    must_now = max(0, len(left) + future_openings - future_cap)
    pace = math.ceil(len(left) / months_left) if left else 0
    now_cap = month_visit_capacity(m.data, m.year, m.month, m.rules) - len(visits)
    quota = (
        len(left) if m.month == 12 else min(len(left), max(must_now, min(pace, max(0, now_cap))))
    )
    for inst in m.order("coverage", left)[:quota]:
        visits[inst.institution_id] = m.visit(
            inst, "coverage", info("roster.note.coverage", year=m.year)
        )
    coverage: dict[str, object] = {
        "active": len(m.active),
        "covered_before_month": len(m.covered & {i.institution_id for i in m.active}),
        "uncovered_before_month": len(uncovered),
        "uncovered_after_draw": len(left),
        "coverage_quota": quota,
        "must_now": must_now,
        "pace": pace,
        "months_left": months_left,
        "future_capacity_for_coverage": future_cap,
        "future_openings": future_openings,
        "future_months": future_detail,
        "left_after_month": len(left) - quota,
    }
    if not left:
        return coverage, []
    through = len(uncovered) - len(left)
    common = {
        "uncovered": len(uncovered),
        "year": m.year,
        "month": f"{m.year}-{m.month:02d}",
        "covered_now": through + quota,
        "quota": quota,
        "through_draw": through,
    }
    if m.month == 12:
        return coverage, [info("roster.coverage_december", **common)]
    return coverage, [
        info(
            "roster.coverage_pace",
            **common,
            remain=len(left) - quota,
            months_ahead=months_left - 1,
            future_capacity=future_cap,
        )
    ]


def build_problem(
    data: InspectionData,
    year: int,
    month: int,
    seed: int,
    rules: RosterRules | None = None,
) -> RosterProblem:
    """The month's visits (the draw) and the pool that can staff them.

    ``data.history`` holds past inspections and rosters already made (outcome
    ``planned``); they count for the year's coverage, the last team and follow-ups.
    """
    m = _month(data, year, month, seed, rules or RosterRules())
    days, avail = available_days(data, m.start, m.end)
    findings: list[Finding] = []
    if data.calendar.warnings([year]):
        findings.append(warning("calendar.unknown_year", year=year))
    visits: dict[str, Visit] = {}
    findings += follow_ups(m, visits)
    high_risk(m, visits)
    draw = random_draw(m, visits)
    coverage, notes = coverage_visits(m, visits)
    findings += notes
    inst_by_id = {i.institution_id: i for i in data.institutions}
    for iid, visit in list(visits.items()):
        opened = inst_by_id[iid].opened_on
        if opened is not None and opened > m.start:
            visits[iid] = replace(visit, earliest=opened)
    ordered = sorted(visits.values(), key=lambda v: v.institution_id)
    return RosterProblem(
        year=year,
        month=month,
        seed=seed,
        days=days,
        visits=tuple(ordered),
        inspectors=tuple(sorted(data.inspectors, key=lambda p: p.inspector_id)),
        available=avail,
        recused=recusals(data),
        neighbours={s.street_id: frozenset(s.neighbours) for s in data.streets},
        rules=m.rules,
        draw=draw,
        coverage=coverage,
        findings=tuple(findings),
        institutions={v.institution_id: inst_by_id[v.institution_id] for v in ordered},
    )
