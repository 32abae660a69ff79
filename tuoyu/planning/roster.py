"""The roster planner's entry point: ``run(dataset, RosterParams, *, history, stop,
progress) -> Plan`` and the verification of a draw from its audit record (``verify``).
Reading recorded outcomes is the domain's (:mod:`tuoyu.models.outcomes`).

Pure of I/O beyond reading the dataset folder (and the file it is given): the history
kept in the store (stored rosters, recorded outcomes) is passed in as plain data by the
caller, which reads it with ``tuoyu.api.store.stored_history``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from tuoyu.models.calendar import month_bounds
from tuoyu.models.findings import Finding, warning
from tuoyu.models.inspection import InspectionData, PastInspection, load_inspection_data
from tuoyu.optimizer.roster import RosterResult, RosterRules, build_problem, solve
from tuoyu.optimizer.roster.problem import RosterRow
from tuoyu.optimizer.roster.replan import (
    Replan,
    moved,
    no_roster,
    replan_problem,
    solve_replan,
    without_follow_ups,
)
from tuoyu.optimizer.solve import ProgressFn, SolveParams, Status, Stop, Target
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import DRAFT_SEED, RosterParams
from tuoyu.planning.plan import Plan, clocked, failed_plan, solve_params_of

KIND = "roster"
ROW_FIELDS = ("date", "institution_id", "street_id", "inspector_ids", "reason")


@dataclass(frozen=True)
class RosterDetail:
    """What the exports need beyond the plan's rows (``Plan.detail``)."""

    result: RosterResult  # the optimizer's roster (problem, rows with notes, draw)
    data: InspectionData  # the dataset's tables as read (without the stored history)
    history: tuple[PastInspection, ...]  # the stored history the roster was made with
    dataset: Dataset
    covered: Mapping[str, str]  # institution -> last on-site date this year, this month incl.
    active: int  # active institutions of the dataset
    earlier_draws: tuple[Mapping[str, Any], ...] = ()  # the month's draws stored before
    kept: tuple[Mapping[str, Any], ...] = ()  # a re-plan: the stored roster it started from
    replan: Replan | None = None  # a re-plan: what was kept, re-planned and added
    made_at: str = ""  # when the roster was made (UTC, ISO): the record's created_at
    #: an official draw: its commitment, the seed source's value and the seed
    #: (:func:`tuoyu.planning.commitment.official_block`); None for a draft/test seed
    official: Mapping[str, Any] | None = None


def last_day(params: Mapping[str, Any]) -> dt.date:
    """The last day a roster's inspections may happen (its month's last day), from a job's
    parameters: until it is past, the roster names who is inspected when (双随机 is
    unannounced) and is for the planner role only."""
    year, month = (int(x) for x in str(params["month"]).split("-"))
    return month_bounds(year, month)[1]


def rules_of(params: RosterParams) -> RosterRules:
    """The roster's rules from a planner's parameters."""
    return RosterRules(
        draw_share=params.draw_share,
        min_team=params.min_team,
        max_team=max(params.min_team + 1, 3),
    )


def _covered(
    data: InspectionData, history: Sequence[PastInspection], result: RosterResult, start: dt.date
) -> dict[str, str]:
    covered: dict[str, str] = {}
    for h in sorted((*data.history, *history), key=lambda h: h.date):
        if h.date.year == start.year and h.date < start:
            covered[h.institution_id] = h.date.isoformat()
    for r in result.rows:
        covered.setdefault(r.institution_id, r.date.isoformat())
    return covered


def _targets(result: RosterResult, covered: Mapping[str, str], active: set[str]) -> list[Target]:
    """Every active institution on site this year, on an even pace by the month's end
    (``month``/12 of them, all in December: January's plan is not "not met" for not
    covering the whole year); this month's share of the ones not yet inspected; the
    month's random draw."""
    p = result.problem
    on_site = len(active & set(covered))
    by_month_end = math.ceil(len(active) * p.month / 12)
    quota = int(p.coverage.get("coverage_quota", 0))  # type: ignore[call-overload]
    by_coverage = sum(1 for r in result.rows if r.reason == "coverage")
    n_active = int(p.coverage.get("active", 0))  # type: ignore[call-overload]
    to_draw = round(p.rules.draw_share * n_active)
    drawn = sum(1 for e in p.draw if e.drawn)
    return [
        Target("roster.target.year_coverage", by_month_end, on_site, on_site >= by_month_end),
        Target("roster.target.month_share", quota, by_coverage, by_coverage >= quota),
        Target("roster.target.draw", to_draw, drawn, drawn >= to_draw),
    ]


def plan_rows(result: RosterResult) -> list[dict[str, str]]:
    """The contract's rows of ``roster.csv``: date, institution_id, street_id,
    inspector_ids (``;``-joined), reason."""
    return [
        {
            "date": r.date.isoformat(),
            "institution_id": r.institution_id,
            "street_id": r.street_id,
            "inspector_ids": ";".join(r.inspector_ids),
            "reason": r.reason,
        }
        for r in result.rows
    ]


#: a reason must say something: at least this many visible characters
MIN_REASON = 2


def clean_reason(text: str | None) -> str | None:
    """A planner's reason with the invisible taken out (zero-width and other format
    characters, control characters, runs of blanks made one space), or None when fewer
    than :data:`MIN_REASON` visible characters remain: a reason of one zero-width space
    or of blanks is no reason."""
    if not text:
        return None
    kept = "".join(" " if c.isspace() else c for c in text
                   if unicodedata.category(c)[0] not in ("C",) or c.isspace())  # fmt: skip
    kept = " ".join(kept.split())
    visible = sum(1 for c in kept if not c.isspace())
    return kept if visible >= MIN_REASON else None


def draw_reason(params: Mapping[str, Any]) -> str | None:
    """The reason a draw carries (``draw.json``'s ``redraw_reason``, the store's): the
    planner's (see :func:`clean_reason`), else for a re-plan that it is one, else none."""
    reason = clean_reason(params.get("redraw_reason"))
    if reason:
        return reason
    if params.get("from_date"):
        return f"自 {params['from_date']} 起重新安排 / re-planned from {params['from_date']}"
    return None


def stored_rows(kept: Sequence[Mapping[str, Any]]) -> tuple[RosterRow, ...]:
    """A stored roster's visits (the contract's rows: teams ``;``-joined or as lists)."""
    out = []
    for r in kept:
        team = r["inspector_ids"]
        ids = tuple(filter(None, team.split(";"))) if isinstance(team, str) else tuple(team)
        date = r["date"] if isinstance(r["date"], dt.date) else dt.date.fromisoformat(r["date"])
        out.append(RosterRow(date, str(r["institution_id"]), str(r["street_id"]), ids,
                             str(r["reason"])))  # fmt: skip
    return tuple(sorted(out, key=lambda r: (r.date, r.street_id, r.institution_id)))


def solve_month(
    data: InspectionData,
    history: Sequence[PastInspection],
    year: int,
    month: int,
    seed: int,
    rules: RosterRules,
    solve_params: SolveParams,
    *,
    from_date: dt.date | None = None,
    kept: Sequence[Mapping[str, Any]] = (),
    stop: Stop | None = None,
    progress: ProgressFn | None = None,
) -> tuple[RosterResult, Replan | None]:
    """The month's draw (from the history before the month) and its roster; with
    ``from_date``, the rest of the month re-planned around the stored roster ``kept``
    and the outcomes of ``history`` dated this month before it. Through the optimizer's
    one contract (:func:`tuoyu.optimizer.roster.solve`): no roster is a result whose
    status says why (:func:`no_roster`), never an exception."""
    start, _end = month_bounds(year, month)
    before = [h for h in history if h.date < start]
    problem = build_problem(data.with_history(before), year, month, seed, rules)
    if from_date is None:
        return solve(problem, solve_params, stop=stop, progress=progress), None
    institutions = {i.institution_id: i for i in data.institutions}
    rp = replan_problem(problem, stored_rows(kept), history, from_date, institutions)
    result, causes = solve_replan(rp, solve_params, stop, progress)
    if result.status is Status.INFEASIBLE and rp.added:
        rp = without_follow_ups(rp)  # the pool cannot take them all: say so, plan the rest
        result, causes = solve_replan(rp, solve_params, stop, progress)
    if no_roster(result):
        return result, rp
    rows = sorted((*rp.kept, *result.rows), key=lambda r: (r.date, r.street_id, r.institution_id))
    findings = (*result.findings, *moved(rp, result.rows, causes))
    return replace(result, rows=tuple(rows), findings=findings), rp


def run(
    dataset: Dataset,
    params: RosterParams,
    *,
    history: Sequence[PastInspection] = (),
    kept: Sequence[Mapping[str, Any]] = (),
    earlier_draws: Sequence[Mapping[str, Any]] = (),
    official: Mapping[str, Any] | None = None,
    stop: Stop | None = None,
    progress: ProgressFn | None = None,
) -> Plan:
    """Make a month's roster: draw, date and staff every inspection.

    ``history``: inspections from the store before the month (published rosters as
    ``planned``, recorded outcomes; for a re-plan also the outcomes recorded this month
    before ``params.from_date``). ``kept``: for a re-plan (``params.from_date``), the
    visits of the month's stored roster (the contract's rows): those before the date
    are kept as they were. ``earlier_draws``: the month's draws stored before (listed
    in the audit record). ``official``: the month's seeded commitment
    (:func:`tuoyu.planning.commitment.official_block`): the draw takes its seed, and its
    record carries it (the caller checked the source and that the inputs are the
    committed ones). Without it and without ``params.seed``, the draft seed
    :data:`DRAFT_SEED`. Bad input raises :class:`DataError`; a clash or no roster in
    time returns a plan without rows that says why (status infeasible, time limit or
    cancelled). A stopped search keeps the best roster so far (cancelled).
    """
    params = seeded(params, official)
    assert params.seed is not None
    data = load_inspection_data(dataset.folder)
    history = tuple(history)
    start, _end = month_bounds(params.year, params.mon)
    solve_params = solve_params_of(params)
    as_dict = params.model_dump(mode="json")
    if params.from_date is not None and not kept:
        return failed_plan(KIND, Status.INFEASIBLE, [warning(
            "roster.replan.no_roster", month=params.month)], as_dict)  # fmt: skip
    result, rp = solve_month(
        data, history, params.year, params.mon, params.seed, rules_of(params),
        solve_params, from_date=params.from_date, kept=kept, stop=stop, progress=progress,
    )  # fmt: skip
    if no_roster(result):
        failed = failed_plan(KIND, result.status, result.findings, as_dict)
        return failed if result.status is Status.INFEASIBLE else clocked(failed, solve_params)
    covered = _covered(data, [h for h in history if h.date < start], result, start)
    active = {i.institution_id for i in data.institutions if i.active}
    detail = RosterDetail(result, data, history, dataset, covered, len(active),
                          tuple(dict(e) for e in earlier_draws),
                          tuple(dict(r) for r in kept) if rp else (), rp,
                          dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                          dict(official) if official is not None else None)  # fmt: skip
    return clocked(_plan_of(result, detail, covered, active, as_dict), solve_params)


def seeded(params: RosterParams, official: Mapping[str, Any] | None) -> RosterParams:
    """The parameters the draw is made with: an official draw takes its commitment's seed
    and rules; otherwise the planner's seed, or the draft seed :data:`DRAFT_SEED`."""
    if official is not None:  # the commitment fixed the rules; the seed is derived
        rules = official["inputs"]["rules"]
        return params.model_copy(
            update={
                "seed": int(official["seed"]),
                "draw_share": rules["draw_share"],
                "min_team": rules["min_team"],
            }
        )
    if params.seed is None:
        return params.model_copy(update={"seed": DRAFT_SEED})
    return params


def _plan_of(
    result: RosterResult,
    detail: RosterDetail,
    covered: Mapping[str, str],
    active: set[str],
    as_dict: dict[str, Any],
) -> Plan:
    """The contract's Plan of a month's roster."""
    return Plan(
        kind=KIND,
        status=result.status,
        objective=result.objective,
        bound=result.bound,
        stages=result.stages,
        soft_goals=result.soft_goals,
        targets=tuple(_targets(result, covered, active)),
        findings=result.findings,
        rows=tuple(plan_rows(result)),
        fingerprint=detail.data.fingerprint,
        params=as_dict,
        detail=detail,
    )


# ---------------------------------------------------------------- the draw's audit record

METHOD = (
    "Keys are SHA-256 of 'seed|purpose|institution_id|j' (first 8 bytes, big-endian); an "
    "institution of weight w gets the largest of its w keys (j = 0..w-1); the institutions "
    "with the largest keys are drawn (Efraimidis-Spirakis, integer form). Teams and days are "
    "chosen by CP-SAT: soft goals first, then seeded priorities SHA-256('seed|team|inst|"
    "inspector') and ('seed|day|inst|date') mod 65536 + 1, minimised; the optimum is proven "
    "unique, so the roster does not depend on the solver's threads."
)

#: fields of a record that are not recomputed from the inputs (when, where, with what it
#: was made; timings; the month's earlier draws and the reason, kept by the store)
NOT_RECOMPUTED = ("versions", "inputs.data_dir", "solver.stages", "created_at",
                  "earlier_draws", "redraw_reason", "official")  # fmt: skip


def fingerprint(obj: Any) -> str:
    """SHA-256 of the canonical JSON of ``obj`` (the audit record's fingerprints)."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def history_rows(history: Sequence[PastInspection]) -> list[dict[str, Any]]:
    return [
        {
            "institution_id": h.institution_id,
            "date": h.date.isoformat(),
            "outcome": h.outcome,
            "inspector_ids": list(h.inspector_ids),
        }
        for h in history
    ]


def rows_of(rows: Sequence[RosterRow]) -> list[dict[str, Any]]:
    """Roster rows as the audit record keeps them (teams as lists)."""
    return [
        {
            "date": r.date.isoformat(),
            "institution_id": r.institution_id,
            "street_id": r.street_id,
            "inspector_ids": list(r.inspector_ids),
            "reason": r.reason,
        }
        for r in rows
    ]


def result_rows(result: RosterResult) -> list[dict[str, Any]]:
    """The roster as the audit record keeps it (teams as lists)."""
    return rows_of(result.rows)


def record_body(
    result: RosterResult,
    data: InspectionData,
    history: Sequence[PastInspection],
    kept: Sequence[Mapping[str, Any]] = (),
    from_date: dt.date | None = None,
) -> dict[str, Any]:
    """Every field of the audit record that the inputs determine: the draw (candidates,
    weights, keys), the rules, the coverage, the solver's verdict and the roster. The
    record (``tuoyu.api.exports.audit``) adds when, where and with what it was made, and
    the month's earlier draws; :func:`verify` recomputes this part and compares."""
    p = result.problem
    extra = history_rows(history)
    rows = result_rows(result)
    body: dict[str, Any] = {
        "kind": "tuoyu.roster.draw",
        "month": p.month_label,
        "seed": p.seed,
        "inputs": {
            "tables_fingerprint": data.fingerprint,
            "stored_history": extra,
            "stored_history_fingerprint": fingerprint(extra),
        },
        "rules": p.rules.as_dict(),
        "method": METHOD,
        "draw": {
            "drawn": [e.institution_id for e in p.draw if e.drawn],
            "candidates": [
                {
                    "institution_id": e.institution_id,
                    "weight": e.weight,
                    "key": str(e.key),
                    "drawn": e.drawn,
                }
                for e in p.draw
            ],
        },  # fmt: skip
        "coverage": p.coverage,
        "solver": {"status": str(result.status), "unique_optimum": result.unique},
        "result": rows,
        "result_fingerprint": fingerprint(rows),
    }
    if from_date is not None:
        stored = rows_of(stored_rows(kept))
        body["replan"] = {
            "from_date": from_date.isoformat(),
            "stored_roster": stored,
            "stored_roster_fingerprint": fingerprint(stored),
        }
    return body


def _record_history(record: Mapping[str, Any]) -> list[PastInspection]:
    return [
        PastInspection(
            institution_id=h["institution_id"],
            date=dt.date.fromisoformat(h["date"]),
            outcome=h["outcome"],
            inspector_ids=tuple(h["inspector_ids"]),
        )
        for h in record["inputs"]["stored_history"]
    ]


def _compare(again: list[dict[str, Any]], recorded: list[dict[str, Any]]) -> list[Finding]:
    out: list[Finding] = []
    if again == recorded:
        return out
    by_id = {(r["institution_id"], r["reason"]): r for r in recorded}
    for r in again:
        old = by_id.get((r["institution_id"], r["reason"]))
        if old != r:
            out.append(
                warning(
                    "roster.verify.visit_differs",
                    institution_id=r["institution_id"],
                    date=r["date"],
                    inspector_ids=r["inspector_ids"],
                    recorded_date=old["date"] if old else None,
                    recorded_inspector_ids=old["inspector_ids"] if old else None,
                )
            )
            if len(out) > 10:
                break
    if len(again) != len(recorded):
        out.append(
            warning("roster.verify.count_differs", recomputed=len(again), recorded=len(recorded))
        )
    return out


def _drawn_differ(drawn: list[str], recorded: list[str]) -> list[Finding]:
    if drawn == recorded:
        return []
    a, b = next((a, b) for a, b in zip([*drawn, ""], [*recorded, ""], strict=False) if a != b)
    return [
        warning(
            "roster.verify.drawn_differ",
            recomputed=len(drawn),
            recorded=len(recorded),
            first_recomputed=a,
            first_recorded=b,
        )
    ]


_MISSING = "—"


def flatten(obj: Any, path: str = "") -> dict[str, Any]:
    """Every leaf of a JSON value by its path (``draw.candidates[3].institution_id``)."""
    if isinstance(obj, Mapping):
        if not obj:
            return {path: {}}
        out: dict[str, Any] = {}
        for k, v in obj.items():
            out.update(flatten(v, f"{path}.{k}" if path else str(k)))
        return out
    if isinstance(obj, list | tuple):
        if not obj:
            return {path: []}
        out = {}
        for n, v in enumerate(obj):
            out.update(flatten(v, f"{path}[{n}]"))
        return out
    return {path: obj}


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if value is not _MISSING else _MISSING
    return text if len(text) <= 60 else text[:57] + "…"


def _skipped(path: str, skip: Sequence[str]) -> bool:
    return any(path == s or path.startswith((s + ".", s + "[")) for s in skip)


def fields_differ(
    expected: Mapping[str, Any],
    recorded: Mapping[str, Any],
    *,
    skip: Sequence[str] = (),
    code: str = "roster.verify.field_differs",
    limit: int = 10,
) -> list[Finding]:
    """Each field (leaf) where two records differ, present in one and not the other
    included; paths under ``skip`` are left out; at most ``limit`` named, then how many
    more."""
    a, b = flatten(expected), flatten(recorded)
    paths = [p for p in dict.fromkeys([*a, *b]) if not _skipped(p, skip)]
    differ = [p for p in paths if a.get(p, _MISSING) != b.get(p, _MISSING)]
    out = [
        warning(code, field=p, recomputed=_short(a.get(p, _MISSING)),
                recorded=_short(b.get(p, _MISSING)))
        for p in differ[:limit]
    ]  # fmt: skip
    if len(differ) > limit:
        out.append(warning("roster.verify.more_differ", count=len(differ) - limit))
    return out


def verify(
    record: Mapping[str, Any],
    dataset: Dataset,
    *,
    time_limit: float = 120.0,
    workers: int = 8,
    stop: Stop | None = None,
    stored: Mapping[str, Any] | None = None,
) -> tuple[bool, list[Finding]]:
    """Recompute a draw from its audit record (``draw.json``) and the dataset, and
    compare the WHOLE record: candidates, weights, keys, rules, coverage, the solver's
    verdict and the roster; every field that differs is named (only when, where and
    with what it was made, and the earlier draws, are not recomputed: see
    :data:`NOT_RECOMPUTED`). ``stored``: the store's copy of the same draw, when there
    is one: then every field, the earlier draws and the reason included, must equal it.
    Returns (matches, the differences as findings). Raises ``KeyError``/``ValueError``
    on a record that is not one."""
    data = load_inspection_data(dataset.folder)
    inputs = record["inputs"]
    if data.fingerprint != inputs["tables_fingerprint"]:
        return False, [
            warning(
                "roster.verify.dataset_changed",
                folder=str(dataset.folder),
                got=data.fingerprint[:19],
                recorded=inputs["tables_fingerprint"][:19],
            )
        ]
    problems: list[Finding] = []
    if stored is not None:
        problems += fields_differ(stored, record, code="roster.verify.store_differs")
    if fingerprint(inputs["stored_history"]) != inputs["stored_history_fingerprint"]:
        problems.append(warning("roster.verify.history_changed"))
    if fingerprint(record["result"]) != record["result_fingerprint"]:
        problems.append(warning("roster.verify.result_changed"))
    year, month = (int(x) for x in str(record["month"]).split("-"))
    replan = record.get("replan")
    from_date = dt.date.fromisoformat(replan["from_date"]) if replan else None
    kept = list(replan["stored_roster"]) if replan else []
    history = _record_history(record)
    result, _rp = solve_month(
        data, history, year, month, int(record["seed"]),
        RosterRules.from_dict(dict(record["rules"])),
        SolveParams(time_limit=time_limit, workers=workers),
        from_date=from_date, kept=kept, stop=stop,
    )  # fmt: skip
    if no_roster(result):
        said = (
            "roster.verify.no_roster"
            if result.status is Status.INFEASIBLE
            else ("roster.verify.not_proven")
        )
        return False, [*problems, warning(said), *result.findings]
    body = record_body(result, data, history, kept, from_date)
    problems += _drawn_differ(list(body["draw"]["drawn"]), list(record["draw"]["drawn"]))
    problems += _compare(body["result"], list(record["result"]))
    problems += fields_differ(body, record,
                              skip=(*NOT_RECOMPUTED, "result", "draw.drawn"))  # fmt: skip
    if result.status != Status.OPTIMAL and not _proven_around_kept(result):
        problems.append(warning("roster.verify.not_proven"))
    return not problems, problems


def _proven_around_kept(result: RosterResult) -> bool:
    """A re-plan that kept stored rows and planned the rest around them claims no
    optimum for the whole, but it is reproducible when the solve around them was proven
    (the same with any workers): its recomputation verifies."""
    return result.part_proven
