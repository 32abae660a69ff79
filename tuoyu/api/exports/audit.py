"""The audit record of a draw (``draw.json``) and its verification.

The record holds the seed, a fingerprint of the canonical inputs (the dataset's tables and
the stored history that was used, which it carries in full), the versions, the rules, the
draw itself (every candidate with its weight and hashed key) and the resulting roster. To
verify, the roster is recomputed from the same inputs and compared field by field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from pathlib import Path
from typing import Any

import ortools

from tuoyu import __version__
from tuoyu.models.inspection import InspectionData, PastInspection, load_inspection_data
from tuoyu.optimizer.roster import (
    RosterPlan,
    RosterRules,
    RosterWeights,
    build_problem,
    solve_roster,
)
from tuoyu.optimizer.solve import SolveParams

METHOD = (
    "Keys are SHA-256 of 'seed|purpose|institution_id|j' (first 8 bytes, big-endian); an "
    "institution of weight w gets the largest of its w keys (j = 0..w-1); the institutions "
    "with the largest keys are drawn (Efraimidis-Spirakis, integer form). Teams and days are "
    "chosen by CP-SAT: soft goals first, then seeded priorities SHA-256('seed|team|inst|"
    "inspector') and ('seed|day|inst|date') mod 65536 + 1, minimised; the optimum is proven "
    "unique, so the roster does not depend on the solver's threads."
)


def _sha(obj: Any) -> str:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def history_rows(history: list[PastInspection]) -> list[dict[str, Any]]:
    return [
        {
            "institution_id": h.institution_id,
            "date": h.date.isoformat(),
            "outcome": h.outcome,
            "inspector_ids": list(h.inspector_ids),
        }
        for h in history
    ]


def result_rows(plan: RosterPlan) -> list[dict[str, Any]]:
    return [
        {
            "date": r.date.isoformat(),
            "institution_id": r.institution_id,
            "street_id": r.street_id,
            "inspector_ids": list(r.inspector_ids),
            "reason": r.reason,
        }
        for r in plan.rows
    ]


def draw_record(
    plan: RosterPlan, data: InspectionData, extra_history: list[PastInspection], data_dir: str
) -> dict[str, Any]:
    p = plan.problem
    extra = history_rows(extra_history)
    result = result_rows(plan)
    return {
        "kind": "tuoyu.roster.draw",
        "month": f"{p.year}-{p.month:02d}",
        "seed": p.seed,
        "versions": {
            "tuoyu": __version__,
            "ortools": ortools.__version__,
            "python": platform.python_version(),
        },
        "inputs": {
            "data_dir": data_dir,
            "tables_fingerprint": data.fingerprint,
            "stored_history": extra,
            "stored_history_fingerprint": _sha(extra),
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
        },
        "coverage": p.coverage,
        "solver": {
            "status": plan.stats.status,
            "unique_optimum": plan.unique,
            "stages": plan.stats.stages,
        },
        "result": result,
        "result_fingerprint": _sha(result),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def rules_from_dict(d: dict[str, Any]) -> RosterRules:
    d = dict(d)
    weights = RosterWeights(**d.pop("weights"))
    for key in ("required_skills", "follow_up_outcomes"):
        d[key] = tuple(d[key])
    return RosterRules(**d, weights=weights)


def verify(
    draw_path: Path, data_dir: Path | None = None, params: SolveParams | None = None
) -> tuple[bool, list[str]]:
    """Recompute a draw from its record and the dataset; (matches, differences)."""
    record = json.loads(Path(draw_path).read_text(encoding="utf-8"))
    problems: list[str] = []
    folder = Path(data_dir or record["inputs"]["data_dir"])
    data = load_inspection_data(folder)
    if data.fingerprint != record["inputs"]["tables_fingerprint"]:
        problems.append(
            f"The dataset in {folder} is not the one the draw used (fingerprint "
            f"{data.fingerprint[:19]}… ≠ {record['inputs']['tables_fingerprint'][:19]}…)."
        )
        return False, problems
    extra = record["inputs"]["stored_history"]
    if _sha(extra) != record["inputs"]["stored_history_fingerprint"]:
        problems.append("The stored history in the record was changed after the draw.")
    if _sha(record["result"]) != record["result_fingerprint"]:
        problems.append("The roster in the record was changed after the draw.")
    history = [
        PastInspection(
            institution_id=h["institution_id"],
            date=dt.date.fromisoformat(h["date"]),
            outcome=h["outcome"],
            inspector_ids=tuple(h["inspector_ids"]),
        )
        for h in extra
    ]
    year, month = (int(x) for x in record["month"].split("-"))
    rules = rules_from_dict(record["rules"])
    problem = build_problem(data.with_history(history), year, month, int(record["seed"]), rules)
    drawn = [e.institution_id for e in problem.draw if e.drawn]
    if drawn != record["draw"]["drawn"]:
        problems.append(
            f"The institutions drawn differ: recomputed {len(drawn)}, recorded "
            f"{len(record['draw']['drawn'])}; first difference at "
            f"{next((a, b) for a, b in zip(drawn + [''], record['draw']['drawn'] + [''], strict=False) if a != b)}."
        )
    plan = solve_roster(problem, params)
    again = result_rows(plan)
    if again != record["result"]:
        recorded = {(r["institution_id"]): r for r in record["result"]}
        for r in again:
            old = recorded.get(r["institution_id"])
            if old != r:
                problems.append(f"Visit to {r['institution_id']}: recomputed {r}, recorded {old}.")
                if len(problems) > 10:
                    break
        if len(again) != len(record["result"]):
            problems.append(
                f"Recomputed {len(again)} visits, the record has {len(record['result'])}."
            )
    if plan.stats.status != "optimal":
        problems.append("The recomputation was not proven optimal; raise the time limit.")
    return not problems, problems
