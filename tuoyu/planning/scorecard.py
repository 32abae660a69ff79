"""The action plan's scorecard (三年行动计划 targets, reported to the 联席会议): one year,
per street and for the district, computed from what is stored and the dataset.

Pure: :func:`scorecard` takes :class:`Inputs` (gathered by ``tuoyu.api.scorecard`` from
the dataset's tables, the store and the newest stored plans) and returns a
:class:`Scorecard` of :class:`Line` s: a figure, its goal, whether it is met, and where it
comes from (``source``, a catalogue code). A figure that cannot be known (no calendar
stored yet, no siting plan, a table the dataset lacks) is a line with ``known=False``
and the reason (``missing``), never a 0.

Each target is one function in :data:`FIGURES` (``inputs -> lines``); a later planner
adds its line by appending its function (:func:`figure`), reading its own stored data
from ``Inputs.extra`` (e.g. home visits: the share of asking families visited within
their window).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: the district as a whole (a line's ``street_id``)
DISTRICT = ""
#: days within which a follow-up of a rectify/fail outcome is on time (the roster's rule)
FOLLOW_UP_DAYS = 30
SESSIONS_PER_CENTER = 6
INTEGRATED_SHARE = 0.5
CLASSES_PER_YEAR = (5, 8)


@dataclass(frozen=True)
class Visit:
    """An on-site inspection recorded (the dataset's ``inspections`` history or an
    outcome recorded in the store): institution, date, outcome."""

    institution_id: str
    date: dt.date
    outcome: str


@dataclass(frozen=True)
class Institution:
    institution_id: str
    street_id: str
    active: bool = True


@dataclass(frozen=True)
class Center:
    center_id: str
    street_id: str
    kind: str  # baby_center | guidance_station | …
    sessions_per_year: int = SESSIONS_PER_CENTER


@dataclass(frozen=True)
class HeldSession:
    """A session of the stored calendar: where (a center, or a district event) and when."""

    date: dt.date
    center_id: str = ""
    event_id: str = ""


@dataclass(frozen=True)
class Kindergarten:
    kindergarten_id: str
    street_id: str
    public: bool
    has_nursery: bool


@dataclass(frozen=True)
class Provider:
    provider_id: str
    street_id: str
    inclusive: bool


@dataclass(frozen=True)
class Opening:
    """New classes opened by the stored siting plan: a place, a year, how many."""

    place_id: str
    street_id: str
    year: int
    classes: int
    source: str  # kindergarten | provider | site


@dataclass(frozen=True)
class Reach:
    """One community in one year of the stored siting plan: its children (0–3) and
    whether a place is within a 15-minute walk."""

    community_id: str
    street_id: str
    year: int
    children: float
    within: bool


@dataclass(frozen=True)
class Inputs:
    """What the scorecard reads. ``None`` for a group means it is not known (the
    dataset lacks the table, or no plan is stored): its lines say so. ``missing``
    maps a group to why (a catalogue code)."""

    year: int
    today: dt.date
    streets: Sequence[tuple[str, str]]  # (street_id, name)
    institutions: Sequence[Institution] | None = None
    visits: Sequence[Visit] | None = None  # recorded outcomes, dataset history + store
    centers: Sequence[Center] | None = None
    district_events: Sequence[str] | None = None  # event ids of kind district_event
    sessions: Sequence[HeldSession] | None = None  # the stored calendar of the year
    kindergartens: Sequence[Kindergarten] | None = None
    providers: Sequence[Provider] | None = None
    openings: Sequence[Opening] | None = None  # the stored siting plan
    reach: Sequence[Reach] | None = None  # the stored siting plan's 15-minute circle
    missing: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)  # later planners' stored data


@dataclass(frozen=True)
class Line:
    """One figure of the scorecard for the district (``street_id`` "") or one street.

    ``value`` and ``total`` are counts (``value`` of ``total``: 140 of 150 institutions)
    or, without ``total``, a plain count (classes opened); ``share`` is value/total.
    ``goal`` is the target (a share, or a count; ``goal_max`` the top of a range),
    ``met`` whether it is reached (None when it cannot be said). ``source`` names where
    the figure comes from; ``missing`` why it is unknown (then ``known`` is False)."""

    code: str
    street_id: str
    value: float | None
    total: float | None = None
    goal: float | None = None
    goal_max: float | None = None
    met: bool | None = None
    source: str = ""
    missing: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    unit: str = "share"  # "share": value of total against a share goal; "count"

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def share(self) -> float | None:
        if self.value is None or not self.total:
            return None
        return self.value / self.total

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "street_id": self.street_id, "value": self.value,
                "total": self.total, "share": self.share, "goal": self.goal,
                "goal_max": self.goal_max, "met": self.met, "known": self.known,
                "source": self.source, "missing": self.missing, "params": dict(self.params),
                "unit": self.unit}


@dataclass(frozen=True)
class Scorecard:
    year: int
    today: dt.date
    streets: tuple[tuple[str, str], ...]
    lines: tuple[Line, ...]

    def of(self, code: str, street_id: str = DISTRICT) -> Line | None:
        return next((x for x in self.lines if x.code == code and x.street_id == street_id),
                    None)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(x.code for x in self.lines))

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "today": self.today.isoformat(),
                "streets": [{"street_id": s, "name": n} for s, n in self.streets],
                "codes": list(self.codes), "lines": [x.as_dict() for x in self.lines]}


Figure = Callable[[Inputs], Iterable[Line]]
#: every figure of the scorecard, in report order; see :func:`figure`
FIGURES: list[Figure] = []


def figure(fn: Figure) -> Figure:
    """Add a figure function to the scorecard (a later planner's line goes here)."""
    FIGURES.append(fn)
    return fn


def _unknown(code: str, inp: Inputs, group: str, source: str, **goal: Any) -> list[Line]:
    why = inp.missing.get(group, f"scorecard.missing.{group}")
    return [Line(code, s, None, source=source, missing=why, **goal)
            for s in (DISTRICT, *(sid for sid, _ in inp.streets))]


def _share_lines(code: str, inp: Inputs, hits: Mapping[str, int], totals: Mapping[str, int],
                 goal: float, source: str, at_least: bool = True,
                 params: Mapping[str, Mapping[str, Any]] | None = None) -> list[Line]:
    """A district line and one per street: ``hits`` of ``totals`` against a share goal
    (a street with nothing to count has no target to miss: met None)."""
    out = []
    for sid in (DISTRICT, *(s for s, _ in inp.streets)):
        if sid == DISTRICT:
            v, t = sum(hits.values()), sum(totals.values())
        else:
            v, t = hits.get(sid, 0), totals.get(sid, 0)
        met = None if t == 0 else (v / t >= goal - 1e-12 if at_least else v / t <= goal)
        out.append(Line(code, sid, v, t, goal, met=met, source=source,
                        params=(params or {}).get(sid, {})))
    return out


@figure
def inspected_on_site(inp: Inputs) -> list[Line]:
    """Active institutions inspected on site in the year (recorded outcomes) of all
    active ones; target 100% (每年对每个机构至少实地巡查指导1次)."""
    code, src = "scorecard.on_site", "scorecard.source.on_site"
    if inp.institutions is None or inp.visits is None:
        return _unknown(code, inp, "institutions" if inp.institutions is None else "visits",
                        src, goal=1.0)
    if not any(v.date.year == inp.year for v in inp.visits):
        return _unknown(code, inp, "visits_year", src, goal=1.0)  # nothing recorded yet
    active = {i.institution_id: i.street_id for i in inp.institutions if i.active}
    seen = {v.institution_id for v in inp.visits
            if v.date.year == inp.year and v.institution_id in active}
    totals: dict[str, int] = defaultdict(int)
    hits: dict[str, int] = defaultdict(int)
    for iid, sid in active.items():
        totals[sid] += 1
        hits[sid] += iid in seen
    return _share_lines(code, inp, hits, totals, 1.0, src)


@figure
def follow_ups_on_time(inp: Inputs) -> list[Line]:
    """Follow-ups due in the year up to today (a rectify/fail outcome's re-inspection,
    due within 30 days) that were made on time, of all those due so far."""
    code, src = "scorecard.follow_up", "scorecard.source.follow_up"
    if inp.institutions is None or inp.visits is None:
        return _unknown(code, inp, "institutions" if inp.institutions is None else "visits",
                        src, goal=1.0)
    street = {i.institution_id: i.street_id for i in inp.institutions}
    by_inst: dict[str, list[Visit]] = defaultdict(list)
    for v in sorted(inp.visits, key=lambda v: v.date):
        by_inst[v.institution_id].append(v)
    totals: dict[str, int] = defaultdict(int)
    hits: dict[str, int] = defaultdict(int)
    for iid, visits in by_inst.items():
        for k, v in enumerate(visits):
            if v.outcome not in ("rectify", "fail"):
                continue
            due = v.date + dt.timedelta(days=FOLLOW_UP_DAYS)
            if due.year != inp.year or due > inp.today:
                continue  # not due in this year, or not due yet
            sid = street.get(iid, "")
            totals[sid] += 1
            hits[sid] += any(v.date < w.date <= due for w in visits[k + 1:])
    if not totals:  # no follow-up due yet this year: nothing to say (not "0 of 0")
        return _unknown(code, inp, "follow_ups_due", src, goal=1.0)
    return _share_lines(code, inp, hits, totals, 1.0, src)


@figure
def sessions_per_baby_center(inp: Inputs) -> list[Line]:
    """Baby centers (社区亲子宝宝苑) with at least their sessions of the year (6 unless
    the table says more) in the stored calendar, of all baby centers."""
    code, src = "scorecard.sessions", "scorecard.source.sessions"
    if inp.centers is None:
        return _unknown(code, inp, "centers", src, goal=1.0)
    if inp.sessions is None:
        return _unknown(code, inp, "sessions", src, goal=1.0)
    per: dict[str, int] = defaultdict(int)
    held: dict[str, int] = defaultdict(int)
    for s in inp.sessions:
        if s.center_id and s.date.year == inp.year:
            per[s.center_id] += 1
            held[s.center_id] += s.date <= inp.today
    totals: dict[str, int] = defaultdict(int)
    hits: dict[str, int] = defaultdict(int)
    fewest: dict[str, int] = {}
    done: dict[str, int] = defaultdict(int)
    for c in inp.centers:
        if c.kind != "baby_center":
            continue
        need = max(SESSIONS_PER_CENTER, c.sessions_per_year)
        totals[c.street_id] += 1
        hits[c.street_id] += per[c.center_id] >= need
        for sid in (c.street_id, DISTRICT):
            fewest[sid] = min(fewest.get(sid, per[c.center_id]), per[c.center_id])
            done[sid] += held[c.center_id]
    params = {sid: {"fewest": fewest.get(sid), "held": done.get(sid, 0)}
              for sid in (DISTRICT, *(s for s, _ in inp.streets))}
    return _share_lines(code, inp, hits, totals, 1.0, src, params=params)


@figure
def district_events(inp: Inputs) -> list[Line]:
    """District-level events (亲子嘉年华 …) in the stored calendar of the year, and how
    many of them are held by today; target at least 1 a year. District only."""
    code, src = "scorecard.events", "scorecard.source.events"
    if inp.district_events is None or inp.sessions is None:
        group = "events" if inp.district_events is None else "sessions"
        return _unknown(code, inp, group, src, goal=1.0, unit="count")[:1]
    ids = set(inp.district_events)
    planned = [s for s in inp.sessions if s.event_id in ids and s.date.year == inp.year]
    held = sum(1 for s in planned if s.date <= inp.today)
    return [Line(code, DISTRICT, len(planned), None, 1.0, met=len(planned) >= 1, source=src,
                 params={"held": held}, unit="count")]


def _nursery_by_end_of_year(inp: Inputs) -> set[str]:
    opened = {o.place_id for o in (inp.openings or ()) if o.year <= inp.year
              and o.source == "kindergarten"}
    return {k.kindergarten_id for k in inp.kindergartens or () if k.has_nursery} | opened


@figure
def integrated_share(inp: Inputs) -> list[Line]:
    """Kindergartens running nursery classes (托幼一体) of all kindergartens by the end
    of the year (the dataset's, plus classes the stored siting plan opens in
    kindergartens by then); target at least 50%."""
    code, src = "scorecard.integrated", "scorecard.source.integrated"
    if inp.kindergartens is None:
        return _unknown(code, inp, "kindergartens", src, goal=INTEGRATED_SHARE)
    with_class = _nursery_by_end_of_year(inp)
    totals: dict[str, int] = defaultdict(int)
    hits: dict[str, int] = defaultdict(int)
    for k in inp.kindergartens:
        totals[k.street_id] += 1
        hits[k.street_id] += k.kindergarten_id in with_class
    planned = inp.openings is not None
    lines = _share_lines(code, inp, hits, totals, INTEGRATED_SHARE, src)
    return [Line(**{**x.__dict__, "params": {"with_plan": planned}}) for x in lines]


@figure
def inclusive_streets(inp: Inputs) -> list[Line]:
    """Streets with an inclusive (普惠) childcare point by the end of the year: an
    inclusive provider, a public kindergarten's nursery class, or a class the stored
    siting plan opens there; target every street."""
    code, src = "scorecard.inclusive", "scorecard.source.inclusive"
    if inp.kindergartens is None and inp.providers is None:
        return _unknown(code, inp, "providers", src, goal=1.0)
    with_class = _nursery_by_end_of_year(inp)
    have = {p.street_id for p in inp.providers or () if p.inclusive}
    have |= {k.street_id for k in inp.kindergartens or ()
             if k.public and k.kindergarten_id in with_class}
    have |= {o.street_id for o in inp.openings or () if o.year <= inp.year}
    out = []
    streets = [s for s, _ in inp.streets]
    n = sum(1 for s in streets if s in have)
    out.append(Line(code, DISTRICT, n, len(streets), 1.0, met=n == len(streets), source=src))
    for s in streets:
        out.append(Line(code, s, int(s in have), 1, 1.0, met=s in have, source=src))
    return out


@figure
def new_public_classes(inp: Inputs) -> list[Line]:
    """New public nursery classes the stored siting plan opens in the year; target 5–8
    a year (district), and per street how many."""
    code, src = "scorecard.new_classes", "scorecard.source.new_classes"
    lo, hi = CLASSES_PER_YEAR
    if inp.openings is None:
        return _unknown(code, inp, "openings", src, goal=lo, goal_max=hi, unit="count")
    per: dict[str, int] = defaultdict(int)
    for o in inp.openings:
        if o.year == inp.year:
            per[o.street_id] += o.classes
    total = sum(per.values())
    out = [Line(code, DISTRICT, total, None, lo, hi, met=lo <= total <= hi, source=src,
                unit="count")]
    out += [Line(code, s, per.get(s, 0), None, source=src, unit="count")
            for s, _ in inp.streets]
    return out


@figure
def within_fifteen_minutes(inp: Inputs) -> list[Line]:
    """Children 0–3 living within a 15-minute walk of a place in the year (the stored
    siting plan's circle), of all children; target all (15分钟社区托育服务圈)."""
    code, src = "scorecard.within_15_min", "scorecard.source.within_15_min"
    if inp.reach is None:
        return _unknown(code, inp, "reach", src, goal=1.0)
    rows = [r for r in inp.reach if r.year == inp.year]
    if not rows:
        return _unknown(code, inp, "reach_year", src, goal=1.0)
    totals: dict[str, float] = defaultdict(float)
    hits: dict[str, float] = defaultdict(float)
    for r in rows:
        totals[r.street_id] += r.children
        hits[r.street_id] += r.children if r.within else 0
    return _share_lines(code, inp, {k: round(v) for k, v in hits.items()},
                        {k: round(v) for k, v in totals.items()}, 1.0, src)


@dataclass(frozen=True)
class VisitWindow:
    """A family that asked for a home visit: its street, its window (first and last day
    a visit may fall on) and the day it was visited, if it was."""

    street_id: str
    first: dt.date
    last: dt.date
    visited_on: dt.date | None


@figure
def visited_within_window(inp: Inputs) -> list[Line]:
    """Families asking for a home visit whose window ended in the year up to today,
    visited within it (the families table's ``visited_on``), of all of them; target all
    (每年为每个有需求的新生儿家庭提供至少1次上门指导). Read from ``extra["visit_windows"]``."""
    code, src = "scorecard.visits_within_window", "scorecard.source.visits_within_window"
    windows: Sequence[VisitWindow] | None = inp.extra.get("visit_windows")
    if windows is None:
        return _unknown(code, inp, "families", src, goal=1.0)
    totals: dict[str, int] = defaultdict(int)
    hits: dict[str, int] = defaultdict(int)
    for w in windows:
        if w.last.year != inp.year or w.last > inp.today:
            continue
        totals[w.street_id] += 1
        hits[w.street_id] += (w.visited_on is not None and w.first <= w.visited_on <= w.last)
    if not totals:
        return _unknown(code, inp, "families_year", src, goal=1.0)
    return _share_lines(code, inp, hits, totals, 1.0, src)


def scorecard(inp: Inputs, figures: Sequence[Figure] | None = None) -> Scorecard:
    """Every figure of the year, district and streets (see :data:`FIGURES`)."""
    lines: list[Line] = []
    for fn in figures if figures is not None else FIGURES:
        lines.extend(fn(inp))
    return Scorecard(inp.year, inp.today, tuple(inp.streets), tuple(lines))
