"""The audit record of a draw (``draw.json``).

The record holds the seed, a fingerprint of the canonical inputs (the dataset's tables and
the stored history that was used, which it carries in full), the versions, the rules, the
draw itself (every candidate with its weight and hashed key) and the resulting roster.
``tuoyu.planning.roster.verify`` recomputes the roster from the same inputs and compares
it field by field.
"""

from __future__ import annotations

import datetime as dt
import platform
from typing import Any

import ortools

from tuoyu import __version__
from tuoyu.planning.plan import Plan
from tuoyu.planning.roster import RosterDetail, fingerprint, history_rows, result_rows

METHOD = (
    "Keys are SHA-256 of 'seed|purpose|institution_id|j' (first 8 bytes, big-endian); an "
    "institution of weight w gets the largest of its w keys (j = 0..w-1); the institutions "
    "with the largest keys are drawn (Efraimidis-Spirakis, integer form). Teams and days are "
    "chosen by CP-SAT: soft goals first, then seeded priorities SHA-256('seed|team|inst|"
    "inspector') and ('seed|day|inst|date') mod 65536 + 1, minimised; the optimum is proven "
    "unique, so the roster does not depend on the solver's threads."
)


def draw_record_of(plan: Plan) -> dict[str, Any]:
    """The audit record of a roster plan (its ``detail`` is a :class:`RosterDetail`)."""
    detail: RosterDetail = plan.detail
    result, p = detail.result, detail.result.problem
    extra = history_rows(detail.history)
    rows = result_rows(result)
    return {
        "kind": "tuoyu.roster.draw",
        "month": p.month_label,
        "seed": p.seed,
        "versions": {
            "tuoyu": __version__,
            "ortools": ortools.__version__,
            "python": platform.python_version(),
        },
        "inputs": {
            "data_dir": str(detail.dataset.folder),
            "tables_fingerprint": detail.data.fingerprint,
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
        },
        "coverage": p.coverage,
        "solver": {
            "status": str(plan.status),
            "unique_optimum": result.unique,
            "stages": [s.as_dict() for s in plan.stages],
        },
        "result": rows,
        "result_fingerprint": fingerprint(rows),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
