"""Re-planning a month from a date: the visits before it stay as they were, the later
ones are dated and staffed again, together with the follow-ups of the outcomes recorded
since the month began (each due within ``follow_up_days`` of its outcome).

:func:`replan_problem` turns the month's problem (the same draw, from the same seed)
into the problem of the rest of the month: its working days from the date on, the later
visits of the stored roster plus the new follow-ups, and each inspector's monthly limit
less the visits already kept. :func:`moved` names what changed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from tuoyu.models.findings import Finding, info, warning
from tuoyu.models.inspection import Institution, PastInspection
from tuoyu.optimizer.roster import score, solve
from tuoyu.optimizer.roster.model import build_model
from tuoyu.optimizer.roster.problem import RosterProblem, RosterRow, Visit
from tuoyu.optimizer.roster.solve import RosterResult, _soft_goals
from tuoyu.optimizer.roster.variables import free_pool, pool_can_staff
from tuoyu.optimizer.solve import ProgressFn, SoftGoal, SolveParams, Status, Stop


@dataclass(frozen=True)
class Replan:
    """The rest of the month to plan, and what was kept."""

    problem: RosterProblem  # the problem of the days from ``from_date`` on
    kept: tuple[RosterRow, ...]  # the stored visits before ``from_date``, as they were
    later: tuple[RosterRow, ...]  # the stored visits from ``from_date`` on (re-planned)
    added: tuple[str, ...]  # institutions with a new follow-up
    from_date: dt.date


def _new_follow_ups(
    problem: RosterProblem, outcomes: Sequence[PastInspection], from_date: dt.date
) -> dict[str, PastInspection]:
    """The last outcome of each institution recorded this month before ``from_date``
    that needs a follow-up (rectify, fail)."""
    start = dt.date(problem.year, problem.month, 1)
    last: dict[str, PastInspection] = {}
    for h in sorted(outcomes, key=lambda h: h.date):
        if start <= h.date < from_date and h.outcome != "planned":
            last[h.institution_id] = h
    return {k: h for k, h in last.items() if h.outcome in problem.rules.follow_up_outcomes}


def _staffable_by(problem: RosterProblem, visit: Visit, due: dt.date) -> bool:
    """Some working day of the period, by ``due``, has a team free of conflicts."""
    return any(
        pool_can_staff(problem, free_pool(problem, visit, d)) for d in problem.days if d <= due
    )


def _follow_up_visits(
    problem: RosterProblem,
    visits: dict[str, Visit],
    due_outcomes: Mapping[str, PastInspection],
    institutions: Mapping[str, Institution],
) -> tuple[list[str], list[Finding]]:
    days = problem.rules.follow_up_days
    added, findings = [], []
    for iid, h in sorted(due_outcomes.items()):
        inst = institutions.get(iid)
        if inst is None or not inst.active:
            continue
        due = h.date + dt.timedelta(days=days)
        note = info("roster.note.follow_up", outcome=h.outcome, date=h.date.isoformat(),
                    due=due.isoformat())  # fmt: skip
        visit = Visit(iid, inst.street_id, "follow_up", deadline=due, last_team=h.inspector_ids,
                      note=note)  # fmt: skip
        if not _staffable_by(problem, visit, due):
            findings.append(warning("roster.replan.follow_up_no_team", institution_id=iid,
                                    name=inst.name, date=h.date.isoformat(),
                                    due=due.isoformat()))  # fmt: skip
            continue
        visits[iid] = visit
        added.append(iid)
    return added, findings


def _with_note(row: RosterRow, visit: Visit | None) -> RosterRow:
    """A stored visit with the note of the month's visit (why it is on the roster)."""
    if row.note is None and visit is not None and visit.reason == row.reason:
        return replace(row, note=visit.note)
    return row


def replan_problem(
    problem: RosterProblem,
    stored: Sequence[RosterRow],
    outcomes: Sequence[PastInspection],
    from_date: dt.date,
    institutions: Mapping[str, Institution],
) -> Replan:
    """The rest of the month from ``from_date``: ``stored`` (the month's roster) split at
    the date; the later visits (as the month's problem has them, else as stored) and the
    follow-ups of ``outcomes`` dated this month before the date, on the working days from
    the date, with each inspector's monthly limit less the kept visits."""
    by_id = {v.institution_id: v for v in problem.visits}
    stored = [_with_note(r, by_id.get(r.institution_id)) for r in stored]
    kept = tuple(r for r in stored if r.date < from_date)
    later = tuple(r for r in stored if r.date >= from_date)
    visits: dict[str, Visit] = {}
    for r in later:
        visits[r.institution_id] = by_id.get(r.institution_id) or Visit(
            r.institution_id, r.street_id, r.reason, note=r.note
        )
    load = Counter(p for r in kept for p in r.inspector_ids)
    inspectors = tuple(
        i.model_copy(update={"max_per_month": max(0, i.max_per_month - load[i.inspector_id])})
        for i in problem.inspectors
    )
    days = tuple(d for d in problem.days if d >= from_date)
    available = {k: tuple(d for d in v if d >= from_date) for k, v in problem.available.items()}
    rest = replace(problem, days=days, available=available, inspectors=inspectors)
    added, findings = _follow_up_visits(
        rest, visits, _new_follow_ups(problem, outcomes, from_date), institutions
    )
    ordered = tuple(sorted(visits.values(), key=lambda v: v.institution_id))
    findings.insert(0, info("roster.replan.kept", count=len(kept), date=from_date.isoformat(),
                            replanned=len(later), added=len(added)))  # fmt: skip
    rest = replace(
        rest,
        visits=ordered,
        findings=(*problem.findings, *findings),
        institutions={v.institution_id: institutions[v.institution_id] for v in ordered
                      if v.institution_id in institutions},
    )  # fmt: skip
    return Replan(rest, kept, later, tuple(added), from_date)


def without_follow_ups(replan: Replan) -> Replan:
    """The re-plan without its new follow-ups (when the pool cannot take them all: the
    month's capacity after the kept visits), each named by a finding; next month's
    roster puts them first, as overdue."""
    p = replan.problem
    dropped = set(replan.added)
    findings = [
        warning("roster.replan.follow_up_no_capacity", institution_id=v.institution_id,
                due=v.deadline.isoformat() if v.deadline else None)
        for v in p.visits if v.institution_id in dropped and v.reason == "follow_up"
    ]  # fmt: skip
    later = {r.institution_id: r for r in replan.later}
    visits = []
    for v in p.visits:
        if v.institution_id not in dropped:
            visits.append(v)
        elif v.institution_id in later:  # it was on the roster anyway: as it was
            r = later[v.institution_id]
            visits.append(Visit(r.institution_id, r.street_id, r.reason, note=r.note))
    rest = replace(p, visits=tuple(visits), findings=(*p.findings, *findings))
    return replace(replan, problem=rest, added=())


def moved(
    replan: Replan, rows: Sequence[RosterRow], causes: Mapping[str, Finding] | None = None
) -> list[Finding]:
    """What the re-plan changed after the date: each visit moved to another day or team,
    each with why (``causes``, from :func:`keep_step`, followed by its finding), and each
    follow-up added (with its due date)."""
    causes = causes or {}
    before = {r.institution_id: r for r in replan.later}
    out: list[Finding] = []
    for r in rows:
        old = before.get(r.institution_id)
        if r.institution_id in replan.added and (old is None or old.reason != "follow_up"):
            due = r.note.params.get("due") if r.note else None
            out.append(info("roster.replan.added", institution_id=r.institution_id,
                            date=r.date.isoformat(), due=due,
                            was=old.date.isoformat() if old else None))  # fmt: skip
        elif old is not None and (old.date, old.inspector_ids) != (r.date, r.inspector_ids):
            why = causes.get(r.institution_id)
            out.append(info("roster.replan.moved", institution_id=r.institution_id,
                            old_date=old.date.isoformat(), date=r.date.isoformat(),
                            old_team=";".join(old.inspector_ids),
                            team=";".join(r.inspector_ids),
                            cause=why.code if why else None))  # fmt: skip
            if why is not None:
                out.append(why)
    return out


# ------------------------------------------------------------- what may stay as it was


@dataclass(frozen=True)
class Keep:
    """The keep step of a re-plan: the stored later rows that stay exactly as they were
    (same day, same team), the visits still to plan around them, and why each stored
    later row that cannot stay must move (``institution_id -> finding``)."""

    stay: tuple[RosterRow, ...]
    whole: RosterProblem  # the rest of the month without the visits of closed institutions
    rest: RosterProblem  # the problem of the visits still to plan, around ``stay``
    causes: dict[str, Finding]
    dropped: tuple[Finding, ...]  # stored later visits of institutions now closed


def _row_cause(problem: RosterProblem, visit: Visit, row: RosterRow) -> Finding | None:
    """Why a stored later row cannot stay as it is under the rest-of-month problem's rules
    (one rule each, the first that fails), or None when every rule of one visit holds."""
    iid, date = row.institution_id, row.date
    r = problem.rules
    if date not in problem.days:
        return info("roster.replan.why.day", institution_id=iid, date=date.isoformat())
    people = {i.inspector_id: i for i in problem.inspectors}
    for pid in row.inspector_ids:
        if pid not in people or date not in problem.available.get(pid, ()):
            return info("roster.replan.why.leave", institution_id=iid, date=date.isoformat(),
                        inspector_id=pid)  # fmt: skip
    for pid in row.inspector_ids:
        if (iid, pid) in problem.recused:
            return info("roster.replan.why.recusal", institution_id=iid, inspector_id=pid)
    team = [people[p] for p in row.inspector_ids]
    if not r.min_team <= len(team) <= r.max_team:
        return info("roster.replan.why.team", institution_id=iid, size=len(team))
    if not all(any(s in i.skills for i in team) for s in r.required_skills):
        return info("roster.replan.why.skills", institution_id=iid)
    if len({i.department for i in team}) < r.min_departments:
        return info("roster.replan.why.departments", institution_id=iid)
    if visit.deadline is not None and date > visit.deadline:
        return info("roster.replan.why.deadline", institution_id=iid, date=date.isoformat(),
                    due=visit.deadline.isoformat())  # fmt: skip
    if visit.earliest is not None and date < visit.earliest:
        return info("roster.replan.why.opening", institution_id=iid, date=date.isoformat(),
                    opens=visit.earliest.isoformat())  # fmt: skip
    return None


def _within_limits(
    problem: RosterProblem, rows: Sequence[RosterRow]
) -> tuple[list[RosterRow], dict[str, Finding], Counter[tuple[str, dt.date]], Counter[str]]:
    """The rows that fit the inspectors' daily and monthly limits, taken in date order
    (the earliest stay first), and why each other one cannot; the load they leave."""
    people = {i.inspector_id: i for i in problem.inspectors}
    day: Counter[tuple[str, dt.date]] = Counter()
    month: Counter[str] = Counter()
    fit, causes = [], {}
    for row in sorted(rows, key=lambda r: (r.date, r.institution_id)):
        over_day = [p for p in row.inspector_ids if day[p, row.date] >= people[p].max_per_day]
        over_month = [p for p in row.inspector_ids if month[p] >= people[p].max_per_month]
        if over_day or over_month:
            code = "roster.replan.why.daily" if over_day else "roster.replan.why.monthly"
            causes[row.institution_id] = info(code, institution_id=row.institution_id,
                                              inspector_id=(over_day or over_month)[0])  # fmt: skip
            continue
        fit.append(row)
        for p in row.inspector_ids:
            day[p, row.date] += 1
            month[p] += 1
    return fit, causes, day, month


def around(problem: RosterProblem, day: Counter[tuple[str, dt.date]], month: Counter[str],
           full: frozenset[tuple[str, dt.date]] = frozenset()) -> RosterProblem:  # fmt: skip
    """``problem`` with the inspectors' time that fixed rows take (``day``/``month``
    loads) taken out: monthly limits lowered, a day taken off an inspector whose fixed
    visits fill it (or who is in ``full``: a day the plan of the others may not share)."""
    people = {i.inspector_id: i for i in problem.inspectors}
    available = {
        pid: tuple(d for d in days if day[pid, d] < people[pid].max_per_day
                   and (pid, d) not in full)
        for pid, days in problem.available.items()
    }  # fmt: skip
    inspectors = tuple(
        i.model_copy(update={"max_per_month": max(0, i.max_per_month - month[i.inspector_id])})
        for i in problem.inspectors
    )
    return replace(problem, available=available, inspectors=inspectors)


def keep_step(replan: Replan) -> Keep:
    """Which stored later rows stay exactly as they were: each one whose every rule of
    the rest-of-month problem still holds (its day a working day, its team at work, free
    of conflicts, complete, within the deadline), then, in date order, as many as the
    inspectors' daily and monthly limits take. A stored row of an institution with a new
    follow-up gives way to it; one of an institution now closed is dropped. The visits
    left (new follow-ups, rows that cannot stay) are the problem still to plan."""
    p = replan.problem
    by_id = {v.institution_id: v for v in p.visits}
    added = set(replan.added)
    causes: dict[str, Finding] = {}
    dropped: list[Finding] = []
    candidates = []
    for row in replan.later:
        iid = row.institution_id
        inst = p.institutions.get(iid)
        if inst is not None and not inst.active:
            dropped.append(info("roster.replan.why.closed", institution_id=iid,
                                date=row.date.isoformat()))  # fmt: skip
            continue
        if iid in added:
            causes[iid] = info("roster.replan.why.follow_up", institution_id=iid)
            continue
        cause = _row_cause(p, by_id[iid], row)
        if cause is not None:
            causes[iid] = cause
        else:
            candidates.append(row)
    stay, over, day, month = _within_limits(p, candidates)
    causes.update(over)
    kept = {r.institution_id for r in stay}
    gone = {f.params["institution_id"] for f in dropped}
    whole = replace(p, visits=tuple(v for v in p.visits if v.institution_id not in gone))
    visits = tuple(v for v in whole.visits if v.institution_id not in kept)
    rest = replace(around(p, day, month), visits=visits)
    return Keep(tuple(stay), whole, rest, causes, tuple(dropped))


def most_kept(problem: RosterProblem, rows: Sequence[RosterRow], work: float) -> tuple[
        tuple[RosterRow, ...], bool] | None:  # fmt: skip
    """The most of ``rows`` (stored later rows that each meet the rules) that can stay
    exactly as they are (same day, same team) while every visit of ``problem`` (the rest
    of the month: those rows' visits and the ones still to plan) can still be planned:
    one CP-SAT solve over the hard rules, maximising the rows kept. A deterministic search
    (one thread, a budget ``work`` of deterministic time), so the same with any
    ``--workers``. Returns the rows kept and whether their number is proven the most;
    None when the visits cannot all be planned even with no row kept."""
    m = build_model(problem)
    index = {v.institution_id: n for n, v in enumerate(problem.visits)}
    day = {d: k for k, d in enumerate(problem.days)}
    person = {i.inspector_id: n for n, i in enumerate(problem.inspectors)}
    keep: list[tuple[cp_model.IntVar, RosterRow]] = []
    for row in sorted(rows, key=lambda r: (r.date, r.institution_id)):
        v, k = index[row.institution_id], day[row.date]
        team = [person[p] for p in row.inspector_ids]
        if (v, k) not in m.var.x or any((v, p) not in m.var.a for p in team):
            continue
        lit = m.model.new_bool_var(f"keep_{v}")
        m.model.add(m.var.x[v, k] == 1).only_enforce_if(lit)
        for p in team:
            m.model.add(m.var.a[v, p] == 1).only_enforce_if(lit)
        m.model.add(m.var.team(v, range(len(problem.inspectors))) == len(team)).only_enforce_if(
            lit
        )
        keep.append((lit, row))
    m.model.maximize(cp_model.LinearExpr.sum([lit for lit, _ in keep]))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = max(1.0, work)
    status = solver.solve(m.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    kept = tuple(row for lit, row in keep if solver.boolean_value(lit))
    return kept, status == cp_model.OPTIMAL


def keep_only(keep: Keep, rows: Sequence[RosterRow]) -> Keep:
    """``keep`` with only ``rows`` of its kept rows staying; each other one is released
    (it moves to make room for the visits still to plan, and says so)."""
    stay = {r.institution_id for r in rows}
    causes = dict(keep.causes)
    for r in keep.stay:
        if r.institution_id not in stay:
            causes[r.institution_id] = info("roster.replan.why.released",
                                            institution_id=r.institution_id)  # fmt: skip
    fit, _over, day, month = _within_limits(keep.whole, rows)
    visits = tuple(v for v in keep.whole.visits if v.institution_id not in stay)
    rest = replace(around(keep.whole, day, month), visits=visits)
    return Keep(tuple(fit), keep.whole, rest, causes, keep.dropped)


def no_roster(result: RosterResult) -> bool:
    """The optimizer gave no roster: the rules clash (infeasible), or the time limit or
    a stop came before any roster (no objective); its findings say why."""
    return result.status is Status.INFEASIBLE or result.objective is None


def solve_replan(
    rp: Replan, solve_params: SolveParams, stop: Stop | None, progress: ProgressFn | None
) -> tuple[RosterResult, dict[str, Finding]]:
    """The rest of the month: the stored later rows that may stay, stay exactly as they
    were (:func:`keep_step`); the visits left are planned around them. Nothing left to
    plan: the stored rows, without a solve. When the visits left cannot be planned
    around the kept rows, every later visit is planned again (each move then says so).
    Returns the rest-of-month result and why each stored later row moved."""
    keep = keep_step(rp)
    causes = dict(keep.causes)
    if not keep.rest.visits:
        return _kept_only(keep), causes
    result = _around(keep, solve_params, stop, progress)
    if result.status is Status.INFEASIBLE and keep.stay:
        best = most_kept(keep.whole, keep.stay, solve_params.time_limit)
        if best is not None:  # release the fewest stored rows that make room
            rows, proven = best
            fewer = keep_only(keep, rows)
            result = _around(fewer, solve_params, stop, progress)
            if not no_roster(result):
                code = "roster.replan.released" if proven else "roster.replan.released_unproven"
                said = info(code, count=len(keep.stay) - len(fewer.stay), kept=len(fewer.stay))
                return replace(result, findings=(*result.findings, said)), dict(fewer.causes)
    if result.status is Status.INFEASIBLE:
        for r in keep.stay:
            causes[r.institution_id] = info("roster.replan.why.released",
                                            institution_id=r.institution_id)  # fmt: skip
        result = solve(keep.whole, solve_params, stop=stop, progress=progress)
        if not no_roster(result):
            released = info("roster.replan.released_all", count=len(keep.stay))
            result = replace(result, findings=(*result.findings, *keep.dropped, released))
    return result, causes


def _daily_clash(
    problem: RosterProblem, rows: Sequence[RosterRow]
) -> frozenset[tuple[str, dt.date]]:
    """(inspector, day) pairs where the kept rows and the rows planned around them
    together exceed the inspector's daily limit."""
    limit = {i.inspector_id: i.max_per_day for i in problem.inspectors}
    count: dict[tuple[str, dt.date], int] = {}
    for r in rows:
        for p in r.inspector_ids:
            count[p, r.date] = count.get((p, r.date), 0) + 1
    return frozenset(k for k, n in count.items() if n > limit.get(k[0], 1))


def _around(
    keep: Keep,
    solve_params: SolveParams,
    stop: Stop | None,
    progress: ProgressFn | None,
) -> RosterResult:
    """The visits left planned around the kept rows. A day an inspector's kept visits
    fill is already off; a day they fill in part is taken off too where the visits
    planned around them would exceed the daily limit, and those are planned again (at
    most once per such day: deterministic)."""
    rest, full = keep.rest, frozenset[tuple[str, dt.date]]()
    while True:
        problem = replace(rest, available={
            p: tuple(d for d in days if (p, d) not in full)
            for p, days in rest.available.items()})  # fmt: skip
        sub = solve(problem, solve_params, stop=stop, progress=progress)
        if no_roster(sub):
            return sub
        clash = _daily_clash(keep.whole, (*keep.stay, *sub.rows)) - full
        if not clash:
            break
        full = full | clash
    return _merged(keep, sub)


def _merged(keep: Keep, sub: RosterResult) -> RosterResult:
    """The kept rows and the rows planned around them, as one rest-of-month result: the
    soft goals counted on all of its rows (the rows written), the status, gap and
    uniqueness those of the solve around the kept rows (the kept rows are fixed)."""
    rows = tuple(sorted((*keep.stay, *sub.rows), key=lambda r: (r.date, r.institution_id)))
    objective, goals = _goals(keep.whole, rows)
    found = info("roster.replan.unchanged", count=len(keep.stay), planned=len(sub.rows))
    if not keep.stay:  # nothing kept: the solve was the whole rest of the month's
        gap = None if sub.objective is None or sub.bound is None else sub.objective - sub.bound
        bound = None if gap is None else objective - gap
        return replace(sub, problem=keep.whole, rows=rows, objective=objective, bound=bound,
                       soft_goals=goals, findings=(*sub.findings, *keep.dropped, found))  # fmt: skip
    # the kept rows are fixed and the solve around them counted its goals on its own rows
    # (a busiest day, a fair share see only those): its proof is not one of the rows
    # written, so the re-plan claims no optimum and no bound
    status = Status.FEASIBLE if sub.status is Status.OPTIMAL else sub.status
    # part_proven: the solve around them was proven (unique), so the roster is still the
    # same with any workers, which a verification of the draw needs
    scope = info("roster.replan.not_whole_optimum", kept=len(keep.stay),
                 part_proven=sub.status is Status.OPTIMAL)
    return replace(sub, problem=keep.whole, rows=rows, objective=objective, bound=None,
                   status=status, unique=False, soft_goals=goals,
                   part_proven=sub.status is Status.OPTIMAL,
                   findings=(*sub.findings, *keep.dropped, found, scope))  # fmt: skip


def _goals(problem: RosterProblem, rows: Sequence[RosterRow]) -> tuple[float, tuple[SoftGoal, ...]]:
    """The soft goals counted on the rows written, and their weighted cost."""
    values = score.soft_values(problem, rows)
    return float(score.weighted_cost(problem, values)), _soft_goals(problem, values)


def _kept_only(keep: Keep) -> RosterResult:
    """Nothing to plan after the date: the stored later rows as they were, no solve.
    Keeping every one is the re-plan's first goal, met exactly (proven, and the only
    roster that meets it)."""
    objective, goals = _goals(keep.whole, keep.stay)
    found = info("roster.replan.unchanged", count=len(keep.stay), planned=0)
    first = info("roster.replan.keeping_first")
    return RosterResult(keep.whole, keep.stay, Status.OPTIMAL, objective, objective, (), goals,
                        (*keep.whole.findings, *keep.dropped, found, first), unique=True)  # fmt: skip
